# PV MMU: page-type state machine, hypercalls, the four stage-1 formats
# (common/pv_mm.c, arch/riscv/pv_format.c, arch/arm/pv_format.c,
# common/hypercall.c), host environment
# in pv_mm_env.c.
UNIT_TESTS += pv_mm
pv_mm-srcs := test_pv_mm.c pv_mm_env.c host/xl_host_lib.c \
	$(SRC)/common/pv_mm.c $(SRC)/arch/riscv/pv_format.c \
	$(SRC)/arch/arm/pv_format.c $(SRC)/common/hypercall.c
pv_mm-cflags := $(HOST_AUTOCONF) -DCONFIG_PV_MMU=1
pv_mm-deps := pv_mm_env.h $(SRC)/include/public/xen-lite.h
pv_mm-ldflags := -pthread
