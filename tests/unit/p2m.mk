# p2m core: walker, pool, side storage, VMIDs, both PTE formats.
UNIT_TESTS += p2m
p2m-srcs := test_p2m.c test_p2m_random.c p2m_check.c host/p2m_fake.c \
	$(SRC)/common/p2m.c $(SRC)/common/p2m_pool.c \
	$(SRC)/common/p2m_types.c $(SRC)/common/p2m_vmid.c \
	$(SRC)/arch/riscv/p2m_format.c $(SRC)/arch/arm/p2m_format.c
p2m-cflags := -DCONFIG_NR_CPUS=8 -DCONFIG_P2M_POOL_DEFAULT_KB=0
p2m-deps := p2m_check.h host/p2m_fake.h $(SRC)/include/xen-lite/arch/p2m.h
