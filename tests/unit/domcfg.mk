# Domain-file parser (tools/domcfg.c), host-compiled with ASan + UBSan.
UNIT_TESTS += domcfg
domcfg-srcs := domcfg_test.c $(SRC)/tools/domcfg.c
domcfg-cflags := -I$(SRC)/tools -D_GNU_SOURCE
domcfg-deps := $(SRC)/tools/domcfg.h
