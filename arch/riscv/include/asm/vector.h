/* SPDX-License-Identifier: GPL-2.0 */
/* A vCPU's vector state (vector.c, vector_regs.S). */
#ifndef ASM_RISCV_VECTOR_H
#define ASM_RISCV_VECTOR_H

#include <xen-lite/types.h>

struct pcpu;
struct riscv_v_ctx;
struct vcpu;

/* vector_regs.S: @c's state out of and into this hart's vector unit. */
void riscv_vector_save(struct riscv_v_ctx *c);
void riscv_vector_restore(const struct riscv_v_ctx *c);

/* Its buffer (riscv_features.vector), freed with the vCPU; -ENOMEM. */
int riscv_vector_vcpu_init(struct vcpu *v);
void riscv_vector_vcpu_destroy(struct vcpu *v);
/* The state of a hart reset, before @v's next vcpu_load(). */
void riscv_vector_vcpu_reset(struct vcpu *v);

/**
 * riscv_vector_load() - at vcpu_load() of @v on @p: run with the HS-level
 * sstatus.VS Clean when @v's state is still live in @p, else VS Off and
 * illegal instructions not delegated, so that the first vector
 * instruction comes to riscv_vector_claim().
 */
void riscv_vector_load(struct vcpu *v, struct pcpu *p);

/* At vcpu_put() of @v with sstatus.VS Dirty: save, VS Clean, still live. */
void riscv_vector_put(struct vcpu *v);
/* At vcpu_put() of @v with sstatus.VS Clean: vstart and vcsr (vector.c). */
void riscv_vector_put_clean(struct vcpu *v);

/**
 * riscv_vector_claim() - @v (current) used the vector unit while its
 * state was not live in this hart (an illegal-instruction exit with the
 * HS-level sstatus.VS Off): load its state, make it this hart's vector
 * owner, run it with VS = Clean and delegate illegal instructions to it
 * again.
 */
void riscv_vector_claim(struct vcpu *v);

#endif /* ASM_RISCV_VECTOR_H */
