// SPDX-License-Identifier: GPL-2.0
/*
 * SBI client: the hypervisor's calls into the firmware below it (OpenSBI).
 * Calling convention (SBI spec, "Binary Encoding"): a7 = extension ID,
 * a6 = function ID, a0..a5 arguments; a0 = error, a1 = value on return.
 */
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <asm/sbi.h>

#define SBI_LEGACY_CONSOLE_PUTCHAR 0x01

static unsigned long sbi_spec_version;

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a4 __asm__("a4") = a4;
	register unsigned long r_a5 __asm__("a5") = a5;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = ext;
	struct sbiret ret;

	__asm__ __volatile__("ecall"
			     : "+r"(r_a0), "+r"(r_a1)
			     : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5),
			       "r"(r_a6), "r"(r_a7)
			     : "memory");
	ret.error = r_a0;
	ret.value = r_a1;
	return ret;
}

static int sbi_err_to_errno(long err)
{
	switch (err) {
	case SBI_SUCCESS:
		return 0;
	case SBI_ERR_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case SBI_ERR_INVALID_PARAM:
		return -EINVAL;
	case SBI_ERR_DENIED:
		return -EPERM;
	case SBI_ERR_INVALID_ADDRESS:
		return -EFAULT;
	case SBI_ERR_ALREADY_AVAILABLE:
	case SBI_ERR_ALREADY_STARTED:
	case SBI_ERR_ALREADY_STOPPED:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static bool sbi_probe(unsigned long ext)
{
	struct sbiret r =
		sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext, 0, 0, 0, 0, 0);

	return r.error == SBI_SUCCESS && r.value != 0;
}

int sbi_init(void)
{
	static const struct {
		unsigned long ext;
		const char *name;
	} required[] = {
		{ SBI_EXT_TIME, "TIME" },
		{ SBI_EXT_IPI, "IPI" },
		{ SBI_EXT_RFENCE, "RFENCE" },
		{ SBI_EXT_HSM, "HSM" },
	};
	struct sbiret r;
	unsigned int i;
	int rc = 0;

	r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0,
		      0);
	if (r.error) {
		printk(XL_ERR "sbi: BASE extension missing\n");
		return -ENODEV;
	}
	sbi_spec_version = r.value;
	r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0);
	printk("sbi: spec v%lu.%lu, implementation %ld%s\n",
	       (sbi_spec_version >> SBI_SPEC_VERSION_MAJOR_SHIFT) & 0x7f,
	       sbi_spec_version & 0xffffff, r.value,
	       r.value == 1 ? " (OpenSBI)" : "");
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		if (!sbi_probe(required[i].ext)) {
			printk(XL_ERR "sbi: required extension %s missing\n",
			       required[i].name);
			rc = -ENODEV;
		}
	}
	return rc;
}

void sbi_set_timer(u64 stime_value)
{
	sbi_ecall(SBI_EXT_TIME, SBI_TIME_SET_TIMER, stime_value, 0, 0, 0, 0, 0);
}

int sbi_send_ipi(unsigned long hartid)
{
	struct sbiret r =
		sbi_ecall(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, hartid, 0, 0, 0, 0);

	return sbi_err_to_errno(r.error);
}

int sbi_remote_hfence_gvma_vmid(unsigned long hart_mask,
				unsigned long hart_mask_base, paddr_t start,
				unsigned long size, unsigned long vmid)
{
	struct sbiret r = sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_HFENCE_GVMA_VMID,
				    hart_mask, hart_mask_base, start, size,
				    vmid, 0);

	return sbi_err_to_errno(r.error);
}

int sbi_hart_start(unsigned long hartid, unsigned long start_addr,
		   unsigned long opaque)
{
	struct sbiret r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, hartid,
				    start_addr, opaque, 0, 0, 0);

	return sbi_err_to_errno(r.error);
}

long sbi_hart_get_status(unsigned long hartid)
{
	struct sbiret r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS,
				    hartid, 0, 0, 0, 0, 0);

	return r.error ? sbi_err_to_errno(r.error) : (long)r.value;
}

int sbi_system_reset(unsigned long type, unsigned long reason)
{
	struct sbiret r = sbi_ecall(SBI_EXT_SRST, SBI_SRST_RESET, type, reason,
				    0, 0, 0, 0);

	return sbi_err_to_errno(r.error);
}

void sbi_console_putchar(int c)
{
	sbi_ecall(SBI_LEGACY_CONSOLE_PUTCHAR, 0, (unsigned char)c, 0, 0, 0, 0,
		  0);
}
