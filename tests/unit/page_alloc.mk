# Frame allocator (common/page_alloc.c) on a fake RAM region whose host
# addresses are its physical addresses; built with and without
# CONFIG_RAM_ZEROED_AT_RESET. bootfdt.c supplies bootinfo_add_resv().
UNIT_TESTS += page_alloc page_alloc_zeroed
page_alloc-srcs := test_page_alloc.c $(SRC)/common/page_alloc.c \
	$(SRC)/common/bootfdt.c host/xl_host_lib.c
page_alloc-cflags := $(HOST_AUTOCONF)
page_alloc-ldflags := -lfdt
page_alloc_zeroed-srcs := $(page_alloc-srcs)
page_alloc_zeroed-cflags := $(page_alloc-cflags) -DCONFIG_RAM_ZEROED_AT_RESET=1
page_alloc_zeroed-ldflags := $(page_alloc-ldflags)
