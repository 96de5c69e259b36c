# Ballooning and guest memory access (common/memory.c,
# common/guest_access.c) on the real p2m with CONFIG_PV_MMU=n; the calls
# into the p2m are wrapped (--wrap) to run a second vCPU at every point.
UNIT_TESTS += memory
memory-srcs := test_memory.c p2m_check.c host/p2m_fake.c \
	$(SRC)/common/memory.c $(SRC)/common/guest_access.c \
	$(SRC)/common/p2m.c $(SRC)/common/p2m_pool.c \
	$(SRC)/common/p2m_types.c $(SRC)/common/p2m_vmid.c \
	$(SRC)/arch/riscv/p2m_format.c $(SRC)/arch/arm/p2m_format.c
memory-cflags := $(HOST_AUTOCONF) \
	-DCONFIG_P2M_POOL_DEFAULT_KB=0
memory-deps := p2m_check.h host/p2m_fake.h
memory-ldflags := -Wl,--wrap=p2m_lookup,--wrap=p2m_get_page \
	-Wl,--wrap=p2m_set_entry,--wrap=p2m_set_entry_if_empty \
	-Wl,--wrap=p2m_remove,--wrap=p2m_remove_if_mapped \
	-Wl,--wrap=p2m_batch_finish
