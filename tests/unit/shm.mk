# Static shared memory (common/shm.c, included by the test): the doorbell
# registers, XL_HC_SHM_NOTIFY, the frames' references; the region's frames
# from host/p2m_fake.c, the emulated-MMIO registry real (common/vmmio.c).
UNIT_TESTS += shm
shm-srcs := test_shm.c host/p2m_fake.c $(SRC)/common/vmmio.c
shm-cflags := $(HOST_AUTOCONF)
shm-deps := $(SRC)/common/shm.c host/p2m_fake.h
shm-ldflags := -lfdt
