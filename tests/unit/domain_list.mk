# The list of domains, their IDs and references (common/domain_list.c).
UNIT_TESTS += domain_list
domain_list-srcs := test_domain_list.c $(SRC)/common/domain_list.c
domain_list-cflags := $(HOST_AUTOCONF)
