# RISC-V virtual devices, MMIO decoding and emulation and the SBI server:
# arch/riscv/vplic.c, vaplic.c, vimsic.c, vuart.c, insn.c, exit.c and
# vsbi.c against fake
# domains. The real
# asm/domain.h replaces the host stand-in (whose guard is predefined).
UNIT_TESTS += riscv_vdev
riscv_vdev-srcs := test_riscv_vdev.c test_riscv_vsbi.c \
	$(SRC)/arch/riscv/vplic.c $(SRC)/arch/riscv/vaplic.c \
	$(SRC)/arch/riscv/vimsic.c $(SRC)/arch/riscv/vuart.c \
	$(SRC)/arch/riscv/insn.c $(SRC)/arch/riscv/exit.c \
	$(SRC)/arch/riscv/vsbi.c \
	$(SRC)/common/vmmio.c
riscv_vdev-cflags := -include $(SRC)/tests/unit/host/autoconf.h \
	-I$(SRC)/tests/unit/riscv_host \
	-DXL_HOST_ASM_DOMAIN_H -idirafter $(SRC)/arch/riscv/include \
	-include $(SRC)/arch/riscv/include/asm/domain.h
riscv_vdev-deps := $(wildcard $(SRC)/arch/riscv/include/asm/*.h)
