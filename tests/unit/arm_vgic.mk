# The virtual GIC on a GICv2 host: arch/arm/vgic.c (list registers),
# vgic-mmio.c (the registers shared with GICv3), vgic-v2.c (distributor,
# SGIR, GICV mapping) and vgic-v3.c, through common/vmmio.c, against fake
# domains; GICH is a buffer (asm/io.h under XL_HOST_TEST). The real
# asm/domain.h replaces the host stand-in (whose guard is predefined).
UNIT_TESTS += arm_vgic
arm_vgic-srcs := test_arm_vgic.c $(SRC)/arch/arm/vgic.c \
	$(SRC)/arch/arm/vgic-mmio.c $(SRC)/arch/arm/vgic-v2.c \
	$(SRC)/arch/arm/vgic-v3.c $(SRC)/common/vmmio.c
arm_vgic-cflags := -include $(SRC)/tests/unit/host/autoconf.h \
	-DCONFIG_ARM_GICV2=1 -I$(SRC)/tests/fuzz/host-arm \
	-DXL_HOST_ASM_DOMAIN_H -idirafter $(SRC)/arch/arm/include \
	-include $(SRC)/arch/arm/include/asm/domain.h
arm_vgic-deps := $(wildcard $(SRC)/arch/arm/include/asm/*.h)
