// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the PSCI / SMCCC server offered to Arm guests
 * (arch/arm/vpsci.c, linked as it is) on arbitrary x0..x7, with
 * recording stubs for what it calls.
 *
 * Checked after every call: x0 holds a return value the called function
 * may return (PSCI DEN 0022, SMCCC DEN 0028), x4..x30 and pc are
 * untouched, x1..x3 are untouched or (SMC32 calls only) truncated to 32
 * bits, and CPU_ON starts only a vCPU of the caller's domain at a 4-byte
 * aligned address inside its RAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/sched.h>
#include <public/xen-lite.h>
#include <asm/inject.h>
#include <asm/psci.h>
#include <asm/vcpu.h>

#include "fuzz_check.h"
#include "fuzz_input.h"

#define RAM_GPA 0x40000000UL
#define RAM_SIZE 0x8000000UL

static struct domain dom;
static struct vcpu vcpus[CONFIG_MAX_VCPUS];
static struct {
	int up, down, shutdown, wait, hcall;
} s;

static bool own_vcpu(const struct vcpu *t)
{
	for (unsigned int i = 0; i < dom.nr_vcpus; i++)
		if (dom.vcpus[i] == t)
			return true;
	return false;
}

int vcpu_up(struct vcpu *v, paddr_t entry, register_t arg)
{
	CHECK(own_vcpu(v));
	CHECK(entry >= RAM_GPA && entry - RAM_GPA < RAM_SIZE && !(entry & 3));
	s.up++;
	return (in8() & 1) ? -EBUSY : 0;
}

void vcpu_down(struct vcpu *v)
{
	CHECK(own_vcpu(v));
	s.down++;
}

void domain_shutdown(struct domain *d, enum shutdown_reason reason, int code)
{
	CHECK(d == &dom);
	s.shutdown++;
}

bool arm_vcpu_wait(struct vcpu *v)
{
	CHECK(own_vcpu(v));
	s.wait++;
	return in8() & 1;
}

long do_hypercall(struct vcpu *v, unsigned long nr, unsigned long a0,
		  unsigned long a1, unsigned long a2, unsigned long a3,
		  unsigned long a4)
{
	CHECK(own_vcpu(v));
	CHECK(nr <= XL_SMCCC_FN_MASK);
	s.hcall++;
	return -(long)(in8() % 40);
}

static const u32 fids[] = {
	PSCI_VERSION,	    PSCI_CPU_SUSPEND,	   PSCI_CPU_SUSPEND_64,
	PSCI_CPU_OFF,	    PSCI_CPU_ON,	   PSCI_CPU_ON_64,
	PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO_64, PSCI_MIGRATE_INFO_TYPE,
	PSCI_SYSTEM_OFF,    PSCI_SYSTEM_RESET,	   PSCI_FEATURES,
	SMCCC_VERSION,	    SMCCC_ARCH_FEATURES,   SMCCC_ARCH_WORKAROUND_1,
	0xc6000000U,	    0x84000005U,	   0x8400000cU,
};

static u64 pick_arg(void)
{
	u8 b = in8();

	switch (b & 7) {
	case 0:
		return b >> 3; /* small: MPIDRs, levels */
	case 1:
		return RAM_GPA + ((u64)in8() << 12) + (b >> 6);
	case 2:
		return fids[(b >> 3) % ARRAY_SIZE(fids)];
	case 3:
		return ((u64)(b >> 3) << 8) | in8(); /* Aff1.Aff0 */
	default:
		return in64();
	}
}

static bool one_of(long v, const long *set, int n)
{
	for (int i = 0; i < n; i++)
		if (v == set[i])
			return true;
	return false;
}

#define ONE_OF(v, ...)                             \
	one_of((v), (const long[]){ __VA_ARGS__ }, \
	       sizeof((const long[]){ __VA_ARGS__ }) / sizeof(long))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpu_regs *r, before;
	struct vcpu *v;
	u64 fid;
	u32 fid32;
	long ret;
	u8 b;

	in_p = data;
	in_end = data + size;
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	memset(&s, 0, sizeof(s));
	b = in8();
	dom.nr_vcpus = 1 + b % CONFIG_MAX_VCPUS;
	dom.ram_gpa = RAM_GPA;
	dom.ram_bytes = RAM_SIZE;
	dom.state = DOM_RUNNING;
	for (unsigned int i = 0; i < dom.nr_vcpus; i++) {
		vcpus[i].id = i;
		vcpus[i].domain = &dom;
		vcpus[i].state = (in8() & 1) ? VCPU_RUNNING : VCPU_DOWN;
		/* As arch_vcpu_init() does: Aff0 = index, Aff1 = cluster. */
		vcpus[i].arch.vmpidr = (1ULL << 31) | ((i / 4) << 8) | (i % 4);
		dom.vcpus[i] = &vcpus[i];
	}
	v = &vcpus[in8() % dom.nr_vcpus];
	v->state = VCPU_RUNNING;
	r = &v->arch.regs;
	for (int i = 0; i < 31; i++)
		r->x[i] = 0x1111111111111111ULL * (i + 1);
	b = in8();
	r->x[0] = b < 0xe0 ? fids[b % ARRAY_SIZE(fids)] |
				     ((b & 0x80) ? (u64)in8() << 32 : 0) :
			     in64();
	for (int i = 1; i < 8; i++)
		r->x[i] = pick_arg();
	r->pc = RAM_GPA + 0x1000;
	before = *r;
	fid = before.x[0];
	fid32 = (u32)fid;

	(void)vcpu_handle_smccc(v);

	CHECK(r->pc == before.pc);
	for (int i = 4; i < 31; i++)
		CHECK(r->x[i] == before.x[i]);
	for (int i = 1; i < 4; i++)
		CHECK(r->x[i] == before.x[i] ||
		      (!(fid32 & SMCCC_64) &&
		       r->x[i] == (before.x[i] & 0xffffffffULL)));
	ret = (long)r->x[0];
	if (s.hcall) {
		CHECK((fid >> 32) == 0);
		return 0;
	}
	if (s.down) {
		CHECK(fid32 == PSCI_CPU_OFF);
		return 0;
	}
	switch (fid32) {
	case PSCI_VERSION:
		CHECK(ret == PSCI_VERSION_1_1);
		break;
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_64:
		CHECK(ONE_OF(ret, PSCI_RET_SUCCESS, PSCI_RET_INVALID_PARAMS,
			     PSCI_RET_ALREADY_ON, PSCI_RET_INTERNAL_FAILURE,
			     PSCI_RET_INVALID_ADDRESS));
		CHECK(s.up <= 1);
		break;
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_64:
		CHECK(ONE_OF(ret, PSCI_AFF_ON, PSCI_AFF_OFF,
			     PSCI_RET_INVALID_PARAMS));
		break;
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		CHECK(ONE_OF(ret, PSCI_RET_SUCCESS, PSCI_RET_INTERNAL_FAILURE));
		break;
	case PSCI_FEATURES:
	case SMCCC_ARCH_FEATURES:
		CHECK(ONE_OF(ret, 0, PSCI_RET_NOT_SUPPORTED));
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		CHECK(ret == PSCI_TOS_NOT_PRESENT_MP);
		break;
	case SMCCC_VERSION:
		CHECK(ret == SMCCC_VERSION_1_1);
		break;
	default:
		CHECK(ret == SMCCC_RET_NOT_SUPPORTED);
		break;
	}
	CHECK(!s.up || fid32 == PSCI_CPU_ON || fid32 == PSCI_CPU_ON_64);
	CHECK(!s.shutdown || fid32 == PSCI_SYSTEM_OFF ||
	      fid32 == PSCI_SYSTEM_RESET);
	return 0;
}
