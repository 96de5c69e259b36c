# The work pending word (include/xen-lite/work.h): every writer of state
# that the checks before a guest entry read raises a bit on the CPU that
# runs them (common/sched.c, with the Arm host stand-ins for this_cpu()).
UNIT_TESTS += sched_work
sched_work-srcs := test_sched_work.c $(SRC)/common/sched.c
sched_work-cflags := $(HOST_AUTOCONF) -I$(SRC)/tests/fuzz/host-arm \
	-idirafter $(SRC)/arch/arm/include
sched_work-deps := $(SRC)/include/xen-lite/work.h
