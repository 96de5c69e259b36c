/* Host stand-in for asm/domain.h in unit tests. */
#ifndef XL_HOST_ASM_DOMAIN_H
#define XL_HOST_ASM_DOMAIN_H
struct arch_domain {
	int unused;
};
struct arch_vcpu {
	int unused;
};
#endif
