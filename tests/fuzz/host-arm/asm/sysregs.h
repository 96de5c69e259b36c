/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host wrapper of arch/arm/include/asm/sysregs.h for the fuzzing
 * harnesses that compile Arm exit handlers: the real header (encodings,
 * bit layouts) with READ_SYSREG()/WRITE_SYSREG() turned into calls of
 * the harness's register file, by name (the text mrs/msr would use), and
 * the barrier instructions of its inline functions (isb, dsb) into calls
 * of fuzz_asm() with the instruction's text.
 */
#ifndef FUZZ_HOST_ARM_SYSREGS_H
#define FUZZ_HOST_ARM_SYSREGS_H

#include <xen-lite/types.h>

u64 fuzz_sysreg_read(const char *name);
void fuzz_sysreg_write(const char *name, u64 val);
void fuzz_asm(const char *text);

#define __asm__
#define __volatile__(...) fuzz_asm(#__VA_ARGS__)
#include_next <asm/sysregs.h>
#undef __volatile__
#undef __asm__

#undef READ_SYSREG
#undef WRITE_SYSREG
#define READ_SYSREG(name) fuzz_sysreg_read(__stringify(name))
#define WRITE_SYSREG(v, name) fuzz_sysreg_write(__stringify(name), (u64)(v))

#endif /* FUZZ_HOST_ARM_SYSREGS_H */
