/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's vector state in and out of the hart's vector unit (V 1.0,
 * "Vector Extension Programmer's Model"; used by vector.c).
 *
 * riscv_vector_save(struct riscv_v_ctx *c) stores vstart, vcsr (vxrm and
 * vxsat), vl, vtype and v0..v31 (32 x vlenb bytes at c->regs), and
 * leaves the unit as it found it (its own vsetvli changes vl and vtype,
 * and clears vstart: they are put back), so that the state stays live
 * in the hart after a save (vector.c); riscv_vector_restore(c) loads it
 * all back. Both turn the hypervisor's own
 * sstatus.VS on for the copy and Off again (the hypervisor never uses
 * the vector unit otherwise) and clobber only temporaries. The whole
 * registers are copied with e8/m8 whole-register moves, whatever vtype
 * the guest had; vl and vtype come back through vsetvl (which also takes
 * a vtype with vill set: vl = 0, vill = 1, as saved), vstart last, since
 * vsetvl clears it.
 */
#include <asm/asm.h>
#include <asm/csr.h>

	.option push
	.option arch, +v
	.text
ENTRY(riscv_vector_save)
	li	t2, SSTATUS_VS
	csrs	CSR_SSTATUS, t2
	csrr	t0, CSR_VSTART
	sd	t0, VCTX_VSTART(a0)
	csrr	t0, CSR_VCSR
	sd	t0, VCTX_VCSR(a0)
	csrr	t0, CSR_VL
	sd	t0, VCTX_VL(a0)
	csrr	t0, CSR_VTYPE
	sd	t0, VCTX_VTYPE(a0)
	ld	a1, VCTX_REGS(a0)
	csrr	t1, CSR_VLENB
	slli	t1, t1, 3
	vsetvli	t0, x0, e8, m8, ta, ma
	vs8r.v	v0, (a1)
	add	a1, a1, t1
	vs8r.v	v8, (a1)
	add	a1, a1, t1
	vs8r.v	v16, (a1)
	add	a1, a1, t1
	vs8r.v	v24, (a1)
	/* Leave vl, vtype and vstart as they were: the state stays live. */
	ld	t0, VCTX_VL(a0)
	ld	t1, VCTX_VTYPE(a0)
	vsetvl	x0, t0, t1
	ld	t0, VCTX_VSTART(a0)
	csrw	CSR_VSTART, t0
	csrc	CSR_SSTATUS, t2
	ret
END(riscv_vector_save)

ENTRY(riscv_vector_restore)
	li	t2, SSTATUS_VS
	csrs	CSR_SSTATUS, t2
	ld	a1, VCTX_REGS(a0)
	csrr	t1, CSR_VLENB
	slli	t1, t1, 3
	vsetvli	t0, x0, e8, m8, ta, ma
	vl8re8.v v0, (a1)
	add	a1, a1, t1
	vl8re8.v v8, (a1)
	add	a1, a1, t1
	vl8re8.v v16, (a1)
	add	a1, a1, t1
	vl8re8.v v24, (a1)
	ld	t0, VCTX_VL(a0)
	ld	t1, VCTX_VTYPE(a0)
	vsetvl	x0, t0, t1
	ld	t0, VCTX_VSTART(a0)
	csrw	CSR_VSTART, t0
	ld	t0, VCTX_VCSR(a0)
	csrw	CSR_VCSR, t0
	csrc	CSR_SSTATUS, t2
	ret
END(riscv_vector_restore)
	.option pop
