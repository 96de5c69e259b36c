# Trapped passthrough windows (common/passthrough_window.c) over the
# emulated-MMIO registry (common/vmmio.c).
UNIT_TESTS += pt_window
pt_window-srcs := test_pt_window.c $(SRC)/common/passthrough_window.c $(SRC)/common/vmmio.c
pt_window-cflags := $(HOST_AUTOCONF)
