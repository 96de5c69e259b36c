// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the SBI server for guests (arch/riscv/vsbi.c): argument
 * checks and error codes of the SBI specification, dispatch to the
 * domain and hypercall layers (fakes below).
 */
#include <string.h>
#include <public/xen-lite.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/p2m.h>
#include <xen-lite/smp.h>
#include <asm/csr.h>
#include <asm/sbi.h>
#include <asm/vcpu.h>
#include "harness.h"

struct pcpu pcpu_info[CONFIG_NR_CPUS];
unsigned int nr_cpu_ids = 2;
unsigned int test_local_fences;

static struct domain d;
static struct p2m_domain p2m;
static struct vcpu vc[2];
static int up_rc, ups, shutdowns, last_reason, remote_fences;
static unsigned long last_remote_fid, last_remote_mask;
static char guest_mem[64];
static char cons[64];
static unsigned int cons_len;

struct pcpu *test_this_cpu(void)
{
	return &pcpu_info[0];
}

int vcpu_up(struct vcpu *v, paddr_t entry, register_t arg)
{
	ups++;
	return up_rc;
}

void vcpu_down(struct vcpu *v)
{
	v->state = VCPU_DOWN;
}

void domain_shutdown(struct domain *dom, enum shutdown_reason r, int code)
{
	shutdowns++;
	last_reason = r;
}

int copy_from_guest(struct domain *dom, void *dst, paddr_t gpa, size_t len)
{
	if (gpa != 0x80001000 || len > sizeof(guest_mem)) {
		return -EFAULT;
	}
	memcpy(dst, guest_mem, len);
	return 0;
}

int copy_to_guest(struct domain *dom, paddr_t gpa, const void *src, size_t len)
{
	return -EFAULT;
}

/* The console budget: at most cons_room bytes taken (a short count). */
static size_t cons_room = ~(size_t)0;

size_t domain_console_write_some(struct domain *dom, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < cons_room && cons_len < sizeof(cons); i++) {
		cons[cons_len++] = s[i];
	}
	return i;
}

void riscv_vcpu_set_timer(struct vcpu *v, u64 deadline)
{
}

enum exit_action riscv_vcpu_wait(struct vcpu *v)
{
	return EXIT_LEAVE;
}

void riscv_vcpu_resume_reset(struct vcpu *v)
{
}

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5)
{
	struct sbiret r = { 0, 0 };

	remote_fences++;
	last_remote_fid = fid;
	last_remote_mask = a0;
	return r;
}

static void setup(void)
{
	memset(&d, 0, sizeof(d));
	memset(&p2m, 0, sizeof(p2m));
	memset(vc, 0, sizeof(vc));
	up_rc = ups = shutdowns = remote_fences = 0;
	last_reason = -1;
	test_local_fences = 0;
	cons_len = 0;
	cons_room = ~(size_t)0;
	d.p2m = &p2m;
	d.nr_vcpus = 2;
	d.ram_gpa = 0x80000000;
	d.ram_bytes = 64 << 20;
	d.state = DOM_RUNNING;
	for (unsigned int i = 0; i < 2; i++) {
		vc[i].id = i;
		vc[i].domain = &d;
		vc[i].state = VCPU_RUNNING;
		d.vcpus[i] = &vc[i];
		pcpu_info[i].id = i;
		pcpu_info[i].hwid = i;
	}
	cpumask_set_cpu(0, &p2m.dirty_cpus);
}

/* An ecall of vCPU 0; Return: a0 (the SBI error). */
static long call(unsigned long ext, unsigned long fid, unsigned long a0,
		 unsigned long a1, unsigned long a2, enum exit_action *act)
{
	struct cpu_regs *r = &vc[0].arch.gregs;
	enum exit_action a;

	cpu_regs_set(r, REG_A7, ext);
	cpu_regs_set(r, REG_A6, fid);
	cpu_regs_set(r, REG_A0, a0);
	cpu_regs_set(r, REG_A1, a1);
	cpu_regs_set(r, REG_A2, a2);
	r->sepc = 0x1000;
	a = vsbi_ecall(&vc[0]);
	if (act) {
		*act = a;
	}
	return (long)cpu_regs_get(r, REG_A0);
}

static unsigned long value(void)
{
	return cpu_regs_get(&vc[0].arch.gregs, REG_A1);
}

TEST(vsbi_base_and_unknown)
{
	setup();
	CHECK_EQ(call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, NULL),
		 0);
	CHECK_EQ(value(), 2UL << 24);
	CHECK_EQ(vc[0].arch.gregs.sepc, 0x1004UL);
	CHECK_EQ(call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_DBCN, 0, 0,
		      NULL),
		 0);
	CHECK_EQ(value(), 1UL);
	CHECK_EQ(call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, XL_SBI_EXT, 0, 0, NULL),
		 0);
	CHECK_EQ(value(), 1UL);
	CHECK_EQ(call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_PMU, 0, 0,
		      NULL),
		 0);
	CHECK_EQ(value(), 0UL);
	CHECK_EQ(call(0x12345, 0, 0, 0, 0, NULL), SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(call(SBI_EXT_BASE, 99, 0, 0, 0, NULL), SBI_ERR_NOT_SUPPORTED);
	/* the legacy console (v0.1) is not offered */
	CHECK_EQ(call(0x01, 0, 'x', 0, 0, NULL), SBI_ERR_NOT_SUPPORTED);
}

TEST(vsbi_ipi_masks)
{
	setup();
	CHECK_EQ(call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 2, 0, 0, NULL), 0);
	CHECK_EQ(vc[1].arch.irq_set, HVIP_VSSIP);
	CHECK_EQ(vc[0].arch.irq_set, 0UL);
	/* hart 2 does not exist: nothing is sent */
	vc[1].arch.irq_set = 0;
	CHECK_EQ(call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 6, 0, 0, NULL),
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(vc[1].arch.irq_set, 0UL);
	CHECK_EQ(call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, 5, 0, NULL),
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, ~0UL - 1, 0, NULL),
		 SBI_ERR_INVALID_PARAM);
	/* base -1: every hart */
	CHECK_EQ(call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, ~0UL, 0, NULL), 0);
	CHECK_EQ(vc[0].arch.irq_set, HVIP_VSSIP);
	CHECK_EQ(vc[1].arch.irq_set, HVIP_VSSIP);
}

TEST(vsbi_hsm)
{
	enum exit_action act;

	setup();
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, 0x80200000, 7, NULL),
		 0);
	CHECK_EQ(ups, 1);
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, 0x1000, 7, NULL),
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, 0x84000000, 7, NULL),
		 SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_START, 9, 0x80200000, 7, NULL),
		 SBI_ERR_INVALID_PARAM);
	up_rc = -EBUSY;
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, 0x80200000, 7, NULL),
		 SBI_ERR_ALREADY_AVAILABLE);
	CHECK_EQ(ups, 2);
	vc[1].state = VCPU_DOWN;
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0, 0, NULL), 0);
	CHECK_EQ(value(), (unsigned long)SBI_HSM_STATE_STOPPED);
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 0, 0, 0, NULL), 0);
	CHECK_EQ(value(), (unsigned long)SBI_HSM_STATE_STARTED);
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0x1234, 0, 0, NULL),
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0, &act), 0);
	CHECK_EQ(act, EXIT_LEAVE);
	CHECK_EQ(vc[0].state, VCPU_DOWN);
}

TEST(vsbi_srst)
{
	enum exit_action act;

	setup();
	CHECK_EQ(call(SBI_EXT_SRST, SBI_SRST_RESET, 5, 0, 0, NULL),
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN, 7,
		      0, NULL),
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(shutdowns, 0);
	CHECK_EQ(call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_COLD_REBOOT,
		      0, 0, &act),
		 0);
	CHECK_EQ(last_reason, SHUTDOWN_REBOOT);
	CHECK_EQ(act, EXIT_LEAVE);
	CHECK_EQ(call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
		      SBI_SRST_REASON_SYSFAIL, 0, NULL),
		 0);
	CHECK_EQ(last_reason, SHUTDOWN_CRASH);
	CHECK_EQ(call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
		      SBI_SRST_REASON_NONE, 0, NULL),
		 0);
	CHECK_EQ(last_reason, SHUTDOWN_POWEROFF);
}

TEST(vsbi_dbcn_and_hypercalls)
{
	setup();
	strcpy(guest_mem, "hello");
	CHECK_EQ(call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 5, 0x80001000, 0, NULL), 0);
	CHECK_EQ(value(), 5UL);
	CHECK_EQ(cons_len, 5U);
	CHECK(!memcmp(cons, "hello", 5));
	/* Over the console budget: a short count, maybe 0 (SBI v2.0 DBCN). */
	cons_room = 3;
	CHECK_EQ(call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 5, 0x80001000, 0, NULL), 0);
	CHECK_EQ(value(), 3UL);
	cons_room = 0;
	CHECK_EQ(call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 5, 0x80001000, 0, NULL), 0);
	CHECK_EQ(value(), 0UL);
	CHECK_EQ(cons_len, 8U);
	cons_room = ~(size_t)0;
	CHECK_EQ(call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 5, 0x90000000, 0, NULL),
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(call(SBI_EXT_DBCN, SBI_DBCN_WRITE, 5, 0x80001000, 1, NULL),
		 SBI_ERR_INVALID_PARAM);
	/*
	 * xen-lite's hypercalls are guest.S's (exit_hypercall), not the SBI
	 * server's: never served here, whatever the number (the test
	 * guests run them).
	 */
	CHECK_EQ(call(XL_SBI_EXT, XL_HC_VERSION, 0, 0, 0, NULL),
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(call(XL_SBI_EXT, 999, 0, 0, 0, NULL), SBI_ERR_NOT_SUPPORTED);
}

TEST(vsbi_rfence_local_and_remote)
{
	setup();
	CHECK_EQ(call(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, 3, 0, 0, NULL), 0);
	CHECK(test_local_fences > 0);
	CHECK_EQ(remote_fences, 0);
	/* the domain also ran on CPU1: OpenSBI fences both harts */
	cpumask_set_cpu(1, &p2m.dirty_cpus);
	CHECK_EQ(call(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, 3, 0, 0, NULL), 0);
	CHECK_EQ(remote_fences, 1);
	CHECK_EQ(last_remote_fid, (unsigned long)SBI_RFENCE_HFENCE_VVMA);
	CHECK_EQ(last_remote_mask, 3UL);
	CHECK_EQ(call(SBI_EXT_RFENCE, SBI_RFENCE_HFENCE_GVMA, 3, 0, 0, NULL),
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(call(SBI_EXT_RFENCE, SBI_RFENCE_FENCE_I, 8, 0, 0, NULL),
		 SBI_ERR_INVALID_PARAM);
}
