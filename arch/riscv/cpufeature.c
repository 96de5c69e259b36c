// SPDX-License-Identifier: GPL-2.0
/*
 * What the boot hart finds out about the harts (all alike): Sstc,
 * Svpbmt, the henvcfg bits every vCPU gets, the guest stage-1 modes, and
 * the extensions the device tree's riscv,isa lists. riscv_features is
 * written once by arch_setup() (setup.c) and read everywhere else; it
 * lives here, not in setup.c, so that reading it does not make a file
 * depend on the boot code.
 */
#include <xen-lite/lib.h>
#include <asm/csr.h>
#include <asm/riscv.h>
#include <asm/traps.h>

struct riscv_features riscv_features;

bool riscv_isa_has(const char *isa, const char *ext)
{
	size_t n = strlen(ext);
	const char *p = isa;

	/* Multi-letter extensions follow an '_' in riscv,isa. */
	while ((p = strchr(p, '_'))) {
		p++;
		if (!strncmp(p, ext, n) && (p[n] == '_' || p[n] == '\0')) {
			return true;
		}
	}
	return false;
}

bool riscv_isa_has_letter(const char *isa, char c)
{
	const char *p = isa;

	if (!strncmp(p, "rv64", 4) || !strncmp(p, "rv32", 4)) {
		p += 4;
	}
	for (; *p && *p != '_'; p++) {
		if (*p == c) {
			return true;
		}
	}
	return false;
}

/*
 * V: the guests get it when riscv,isa lists it, vlenb answers with
 * sstatus.VS on, and a vector register is at most RISCV_VLENB_MAX bytes
 * (each vCPU keeps 32 of them while off its hart).
 */
static void detect_vector(const char *isa)
{
	unsigned long vlenb = 0;
	bool ok;

	if (!riscv_isa_has_letter(isa, 'v')) {
		return;
	}
	csr_set(CSR_SSTATUS, SSTATUS_VS_INITIAL);
	ok = riscv_probe_vlenb(&vlenb);
	csr_clear(CSR_SSTATUS, SSTATUS_VS);
	if (!ok || vlenb < 16 || vlenb > RISCV_VLENB_MAX ||
	    (vlenb & (vlenb - 1))) {
		printk("riscv: vector unit not usable for guests (vlenb %lu): "
		       "V hidden\n",
		       vlenb);
		return;
	}
	riscv_features.vector = true;
	riscv_features.vlenb = vlenb;
}

void riscv_detect_features(const char *isa)
{
	unsigned long v;
	unsigned long want = ENVCFG_STCE | ENVCFG_PBMTE;

	/*
	 * Sstc: stimecmp is accessible from HS-mode only when the firmware
	 * set menvcfg.STCE, so a successful read is the answer. henvcfg
	 * bits are WARL (RISC-V privileged spec 20211203, 8.2.5 "henvcfg":
	 * a bit of an absent extension reads 0), but QEMU 7.2 lets PBMTE
	 * stick even on harts without Svpbmt, so the device tree's
	 * riscv,isa must list it as well. For 7.2; harmless elsewhere,
	 * where the tree lists what the hart has.
	 */
	riscv_features.sstc = riscv_probe_stimecmp(&v);
	/* Ssaia: its CSRs answer (AIA specification 1.0, chapter 2). */
	riscv_features.ssaia = riscv_probe_stopi(&v);
	riscv_features.smstateen = riscv_probe_hstateen0(&v);
	detect_vector(isa);
	/*
	 * senvcfg (privileged spec 20211203, 4.1.10): VS-mode reaches the
	 * real one (there is no vsenvcfg; it governs VU-mode) unless
	 * hstateen0.ENVCFG, which setup.c leaves clear, closes it. Without
	 * Smstateen every guest can write it, so it is switched per vCPU.
	 */
	riscv_features.senvcfg = !riscv_features.smstateen &&
				 riscv_probe_senvcfg(&v);
	if (riscv_probe_henvcfg(&v)) {
		csr_write(CSR_HENVCFG, want);
		v = csr_read(CSR_HENVCFG);
		csr_write(CSR_HENVCFG, 0);
		riscv_features.svpbmt = (v & ENVCFG_PBMTE) &&
					riscv_isa_has(isa, "svpbmt");
		if (!riscv_features.svpbmt) {
			v &= ~ENVCFG_PBMTE;
		}
		if (!riscv_features.sstc) {
			v &= ~ENVCFG_STCE;
		}
		riscv_features.henvcfg = v & want;
	}
	/*
	 * Guest stage-1 modes for the PV MMU: a vsatp write with a MODE the
	 * hart lacks is ignored or leaves another (legal) MODE.
	 */
	csr_write(CSR_VSATP, SATP_MODE_SV39);
	riscv_features.vs_sv39 = csr_read(CSR_VSATP) == SATP_MODE_SV39;
	csr_write(CSR_VSATP, SATP_MODE_SV48);
	riscv_features.vs_sv48 = csr_read(CSR_VSATP) == SATP_MODE_SV48;
	csr_write(CSR_VSATP, 0);
}
