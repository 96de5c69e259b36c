# The emulated-MMIO registry (common/vmmio.c).
UNIT_TESTS += vmmio
vmmio-srcs := test_vmmio.c $(SRC)/common/vmmio.c
vmmio-cflags := -include $(SRC)/tests/unit/host/autoconf.h
