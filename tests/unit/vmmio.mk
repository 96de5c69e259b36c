# The emulated-MMIO registry (common/vmmio.c).
UNIT_TESTS += vmmio
vmmio-srcs := test_vmmio.c $(SRC)/common/vmmio.c
vmmio-cflags := $(HOST_AUTOCONF)
