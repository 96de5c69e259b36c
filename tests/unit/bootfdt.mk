# Host device tree parser (common/bootfdt.c, common/domain_fdt.c) on crafted
# device trees built with host libfdt.
UNIT_TESTS += bootfdt
bootfdt-srcs := test_bootfdt.c $(SRC)/common/bootfdt.c $(SRC)/common/domain_fdt.c \
	host/xl_host_lib.c
bootfdt-cflags := $(HOST_AUTOCONF)
bootfdt-ldflags := -lfdt
