# xen-lite top-level Makefile (Kbuild-like, non-recursive).
#
#   make qemu-riscv64_defconfig | qemu-arm64_defconfig    configure
#   make [O=DIR] [V=1]                                      build
#   make help                                               everything else

srctree := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# One configuration per architecture: build/ARCH/.config is what
# 'make menuconfig ARCH=...', the build and ./xen-lite (run, check, build)
# all use. ARCH=riscv64|arm64 selects it; O=DIR names another tree.
ifneq ($(ARCH),)
arch_origin := $(origin ARCH)
override ARCH := $(patsubst riscv,riscv64,$(patsubst aarch64,arm64,$(patsubst arm,arm64,$(ARCH))))
ifeq ($(filter riscv64 arm64,$(ARCH)),)
ifeq ($(arch_origin),command line)
$(error ARCH=$(ARCH): expected riscv64 or arm64)
endif
else
O ?= build/$(ARCH)
endif
endif
# 'make qemu-ARCH_defconfig' alone configures build/ARCH.
ifeq ($(origin O),undefined)
defarch := $(patsubst qemu-%_defconfig,%,$(filter qemu-%_defconfig,$(MAKECMDGOALS)))
ifneq ($(defarch),)
O := build/$(firstword $(defarch))
endif
endif
# Without ARCH or O, targets that read or edit a configuration would use
# build/.config, which ./xen-lite never looks at: refuse, and say why.
cfg_goals := menuconfig olddefconfig savedefconfig all
ifeq ($(origin O),undefined)
ifneq ($(filter $(cfg_goals),$(or $(MAKECMDGOALS),all)),)
$(error say which architecture: 'make $(or $(MAKECMDGOALS),all) ARCH=riscv64' or 'ARCH=arm64' (uses build/ARCH/.config, the configuration ./xen-lite builds and checks with), or O=DIR for another tree)
endif
O := build
endif
objtree := $(abspath $(O))
export srctree objtree

ifeq ($(V),1)
Q :=
quiet := @true
else
Q := @
quiet := @printf '  %-8s %s\n'
endif
MAKEFLAGS += --no-print-directory

KPY := /usr/bin/python3 $(srctree)/scripts/kconfig.py $(srctree) $(objtree)
XL_VERSION := 0.1
export XL_VERSION

# Targets that do not need a configured tree.
noconfig := %_defconfig menuconfig olddefconfig savedefconfig help deps \
	test test-unit test-qemu test-linux test-guests test-cli test-spin \
	test-spin-long test-fuzz test-format test-kconfig test-kconfig-full test-firsthour \
	test-bringup test-platforms test-runtime test-runtime-long bench bench-docs bench-qemu10 fuzz fuzz-long format \
	check-format tools clean \
	distclean tags

.DEFAULT_GOAL := all

ifneq ($(filter-out $(noconfig),$(or $(MAKECMDGOALS),all)),)
need_config := 1
endif

%_defconfig:
	$(Q)$(KPY) defconfig $(srctree)/configs/$@

menuconfig olddefconfig:
	$(Q)$(KPY) $@

savedefconfig:
	$(Q)$(KPY) savedefconfig $(objtree)/defconfig

ifeq ($(need_config),1)
$(objtree)/include/config/auto.conf: $(objtree)/.config $(shell find $(srctree) -name Kconfig -not -path '*/build/*')
	$(Q)$(KPY) syncconfig
-include $(objtree)/include/config/auto.conf
$(objtree)/.config:
	@echo "xen-lite: $(objtree)/.config is missing; run 'make qemu-riscv64_defconfig' or 'make qemu-arm64_defconfig' (with the same O=)" >&2
	@false
endif

# ---------------------------------------------------------------------------
# The hypervisor image

ifeq ($(CONFIG_ARCH_RISCV64),y)
SRCARCH := riscv
CROSS_COMPILE ?= riscv64-linux-gnu-
DEBARCH := riscv64
DEBSUITE := trixie
DEBTRIPLE := riscv64-linux-gnu
# No frame pointer on RISC-V: nothing walks them (no backtrace on a
# hypervisor fault, docs/riscv.md; gdb unwinds with .debug_frame of -g), and
# they were 3 to 5 instructions of every function, 22 of a world switch
# (issue 20). Arm keeps them for its call trace.
ARCH_CFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax \
	-fomit-frame-pointer
ARCH_LDFLAGS := -m elf64lriscv --no-relax
endif
ifeq ($(CONFIG_ARCH_ARM64),y)
SRCARCH := arm
CROSS_COMPILE ?= aarch64-linux-gnu-
DEBARCH := arm64
DEBSUITE := bookworm
DEBTRIPLE := aarch64-linux-gnu
ARCH_CFLAGS := -mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-mcmodel=small
ARCH_LDFLAGS := -m aarch64elf
endif
export SRCARCH DEBARCH

CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
NM := $(CROSS_COMPILE)nm

# Debian's libfdt for the target, fetched by 'make deps' (scripts/deps.sh).
DEBROOT := $(srctree)/build/debian/$(DEBARCH)/root
LIBFDT_A := $(DEBROOT)/usr/lib/$(DEBTRIPLE)/libfdt.a
LIBFDT_INC := $(DEBROOT)/usr/include

XL_GIT := $(shell git -C $(srctree) describe --always --dirty 2>/dev/null || echo unknown)

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-sign-compare -Wmissing-prototypes -Wstrict-prototypes \
	-ffreestanding -fno-builtin -fno-common -fno-strict-aliasing \
	-fno-pie -fno-pic -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-nostdinc -I$(srctree)/include/libc \
	-isystem $(shell $(CC) -print-file-name=include 2>/dev/null) \
	-I$(srctree)/include -I$(srctree)/arch/$(SRCARCH)/include \
	-I$(LIBFDT_INC) -I$(objtree)/include \
	-include $(objtree)/include/generated/autoconf.h \
	-D__XEN_LITE__ -DXL_VERSION='"$(XL_VERSION)"' $(ARCH_CFLAGS)
ifeq ($(CONFIG_STACK_PROTECTOR),y)
CFLAGS += -fstack-protector-strong
else
CFLAGS += -fno-stack-protector
endif
AFLAGS := $(filter-out -std=gnu11 -Wmissing-prototypes -Wstrict-prototypes,$(CFLAGS)) -D__ASSEMBLY__
LDFLAGS := -nostdlib -static --build-id=none -z noexecstack \
	--no-warn-rwx-segments $(ARCH_LDFLAGS)

# Kbuild-like object lists: each directory's Kbuild file adds 'obj-y += x.o'
# for objects and 'obj-y += dir/' for subdirectories.
XL_OBJS :=
define descend
obj-y :=
include $(srctree)/$(1)/Kbuild
objs-$(1) := $$(filter %.o,$$(obj-y))
subdirs-$(1) := $$(patsubst %/,%,$$(filter %/,$$(obj-y)))
XL_OBJS += $$(addprefix $(objtree)/$(1)/,$$(objs-$(1)))
$$(foreach d,$$(subdirs-$(1)),$$(eval $$(call descend,$(1)/$$(d))))
endef

ifeq ($(need_config),1)
ifneq ($(SRCARCH),)
$(eval $(call descend,arch/$(SRCARCH)))
$(eval $(call descend,common))
endif
endif

XL_ELF := $(objtree)/xen-lite.elf
XL_BIN := $(objtree)/xen-lite.bin
LDS := $(objtree)/arch/$(SRCARCH)/xen-lite.lds

all: $(XL_BIN)

$(objtree)/%.o: $(srctree)/%.c $(objtree)/include/config/auto.conf $(objtree)/include/generated/version.h
	$(quiet) CC $*.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(objtree)/%.o: $(srctree)/%.S $(objtree)/include/config/auto.conf
	$(quiet) AS $*.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(AFLAGS) -MMD -MP -c $< -o $@

$(LDS): $(srctree)/arch/$(SRCARCH)/xen-lite.lds.S $(objtree)/include/config/auto.conf
	$(quiet) LDS $(notdir $@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(AFLAGS) -E -P -x c $< -o $@

$(objtree)/include/generated/version.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define XL_GIT_REVISION "%s"\n' "$(XL_GIT)" > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

$(LIBFDT_A):
	@echo "xen-lite: $(LIBFDT_A) is missing; run 'make deps'" >&2
	@false

$(XL_ELF): $(XL_OBJS) $(LDS) $(LIBFDT_A)
	$(quiet) LD $(notdir $@)
	$(Q)$(LD) $(LDFLAGS) -T $(LDS) -Map $(objtree)/xen-lite.map -o $@ \
		$(XL_OBJS) $(LIBFDT_A) $(shell $(CC) $(ARCH_CFLAGS) -print-libgcc-file-name)

$(XL_BIN): $(XL_ELF)
	$(quiet) OBJCOPY $(notdir $@)
	$(Q)$(OBJCOPY) -O binary $< $@

-include $(XL_OBJS:.o=.d)

# ---------------------------------------------------------------------------
# Host tools, dependencies, tests

HOSTCC ?= gcc
tools:
	$(Q)$(MAKE) -C $(srctree)/tools O=$(srctree)/build/tools

deps:
	$(Q)$(srctree)/scripts/deps.sh

test:
	$(Q)$(srctree)/tests/run-all.sh

test-unit test-qemu test-linux test-guests test-cli test-spin test-fuzz \
test-format test-kconfig test-runtime:
	$(Q)$(srctree)/tests/run-all.sh $(patsubst test-%,%,$@)

# The platform matrix of docs/platforms.md: every tree row and the whole
# boot, guests and Linux suites on QEMU 10 ('make test' runs a subset).
test-platforms:
	$(Q)XL_PLATFORMS_FULL=1 XL_PART_TIMEOUT=$${XL_PART_TIMEOUT:-7200} \
		$(srctree)/tests/run-all.sh platforms

# The whole configuration of the partial-validation model
# (tests/spin/pv_partial.pml); 'make test' checks its short one.
test-spin-long:
	$(Q)SPIN_LONG=1 $(srctree)/tests/spin/run.sh

# Every Kconfig bool and choice member alone (docs/kconfig.md): about
# 25 s per variant and architecture on 2 cores (4 min), not in 'make test'.
test-kconfig-full:
	$(Q)$(srctree)/tests/kconfig/run.sh --full

test-firsthour:
	$(Q)$(srctree)/tests/run-all.sh firsthour

# Runtime control (docs/runtime.md) with 200 create/destroy cycles of a
# test guest and 5 of a Debian Linux domain per architecture (long; 'make
# test' runs 5 and 1).
test-runtime-long:
	$(Q)XL_RT_CYCLES=$(or $(CYCLES),200) XL_RT_LINUX_CYCLES=5 XL_RT_PINS=2000 $(srctree)/tests/runtime/run.sh

# CPU bring-up: the 4-CPU configuration booted 50 times per architecture
# under a parallel load (long; tests/firsthour runs a short version).
test-bringup:
	$(Q)$(srctree)/tests/firsthour/bringup.sh $(or $(BOOTS),50)

bench:
	$(Q)$(srctree)/tests/bench.sh

# The last 'make bench' results into the tracked docs (chart and table of
# docs/benchmarks.md); 'make bench' itself writes under build/bench/ only.
bench-docs:
	$(Q)$(srctree)/tests/bench.sh --docs

# The Linux ratios on QEMU 10 (docs/platforms.md).
bench-qemu10:
	$(Q)$(srctree)/tests/lib/fresh-ns.sh $(srctree)/tests/platforms/bench.sh

fuzz:
	$(Q)$(srctree)/tests/fuzz/run.sh $(or $(FUZZ_SECONDS),600)

# The long campaign of docs/robustness.md: 10^7 executions per harness.
fuzz-long:
	$(Q)FUZZ_EXECS=$(or $(FUZZ_EXECS),10000000) $(srctree)/tests/fuzz/run.sh

FORMAT_FILES = $(shell cd $(srctree) && git ls-files '*.c' '*.h' 2>/dev/null)
format:
	$(Q)cd $(srctree) && clang-format -i $(FORMAT_FILES)

check-format:
	$(Q)$(srctree)/tests/format/run.sh

clean:
	$(Q)rm -rf $(objtree)/arch $(objtree)/common $(objtree)/xen-lite.*

distclean:
	$(Q)rm -rf $(srctree)/build

help:
	@echo 'xen-lite targets:'
	@echo '  qemu-riscv64_defconfig  configure for RISC-V (QEMU virt)'
	@echo '  qemu-arm64_defconfig    configure for AArch64 (QEMU virt)'
	@echo '  menuconfig ARCH=A       edit build/A/.config (kconfiglib); the file'
	@echo '                          ./xen-lite builds and checks domains with'
	@echo '  olddefconfig ARCH=A     update .config, new options at defaults'
	@echo '  savedefconfig ARCH=A    write a minimal defconfig to $$O/defconfig'
	@echo '  all ARCH=A (default)    build $$O/xen-lite.elf and .bin'
	@echo '  test-firsthour          the newcomer tests (examples, console, bundles)'
	@echo '  test-bringup            boot 4 CPUs 50 times under load (long)'
	@echo '  tools                   build the domain-builder CLI (build/tools)'
	@echo '  deps                    install Debian packages, fetch cross libfdt,'
	@echo '                          QEMU 10 + OpenSBI 1.5.1 (build/debian/qemu10)'
	@echo '  test                    run every test (unit, cli, spin, qemu, guests, kconfig, linux, platforms, fuzz)'
	@echo '  test-unit               host unit tests (ASan + UBSan)'
	@echo '  test-cli                domain-file and CLI tests'
	@echo '  test-qemu               boot tests on both architectures'
	@echo '  test-guests             test guests on both architectures'
	@echo '  test-linux              Debian Linux guests on both architectures (shm, passthrough too)'
	@echo '  test-runtime            runtime control: start, list, console, create, ...'
	@echo '  test-runtime-long       the same with 200 create/destroy cycles (long)'
	@echo '  test-platforms          the platform matrix (docs/platforms.md): QEMU 7.2'
	@echo '                          and 10, machine options; all suites on QEMU 10'
	@echo '  test-kconfig            Kconfig matrix: every bool flipped (PV_MMU=n), guests booted'
	@echo '  test-kconfig-full       each Kconfig bool and choice member alone (long)'
	@echo '  test-spin               PV MMU model check (spin)'
	@echo '  test-spin-long          the same, partial-validation model whole (long)'
	@echo '  test-fuzz               each fuzzer for a short budget'
	@echo '  test-format             clang-format check (as check-format)'
	@echo '  bench                   benchmarks (BENCH lines; results, table and'
	@echo '                          chart under build/bench/ only)'
	@echo '  bench-docs              the last bench results into docs/benchmarks.png'
	@echo '                          and the table of docs/benchmarks.md'
	@echo '  bench-qemu10            the Linux ratio benchmarks on QEMU 10'
	@echo '  fuzz                    long fuzzing runs (FUZZ_SECONDS=N)'
	@echo '  fuzz-long               10^7 executions per harness (FUZZ_EXECS=N)'
	@echo '  format / check-format   clang-format the tree / check it'
	@echo '  clean / distclean       remove build outputs'
	@echo 'Variables: ARCH=riscv64|arm64 (O defaults to build/ARCH), O=DIR'
	@echo '  (output directory), V=1 (verbose)'

.PHONY: test-firsthour test-bringup test-runtime test-runtime-long
.PHONY: all tools deps test test-unit test-qemu test-linux test-guests test-cli \
	test-spin test-spin-long test-fuzz test-kconfig test-kconfig-full test-platforms bench bench-docs bench-qemu10 fuzz fuzz-long \
	format check-format clean distclean help menuconfig olddefconfig savedefconfig FORCE
FORCE:
