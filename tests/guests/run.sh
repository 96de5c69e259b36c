#!/usr/bin/env bash
# Test guests on both architectures: several domains per QEMU run on SMP
# hosts through './xen-lite run', checking every domain's result lines,
# the hypervisor's crash lines and the final exit status.
#
# usage: tests/guests/run.sh [ARCH...]
#   XL_GUESTS_ARCHES="riscv64 arm64"  architectures (default: both)
#   XL_SOAK=1        long variants: 1,000 reboots, 32 domains on 4 CPUs
#   XL_GUESTS_STRICT=1  also the runs that exposed hypervisor bugs
#                    (2-vCPU domains oversubscribed, one CPU)
#   XL_GUESTS_KEEP=DIR  keep every run's log in DIR
#   XL_GUESTS_ROOT=DIR  boot DIR/build/<arch>/xen-lite.bin (xen-lite
#                    --root DIR; tests/kconfig) instead of build/<arch>
#   XL_GUESTS_RUNS="basic reboot"  only these runs (basic kick hcrace gicv2 memory shm pvmmu
#                    faults isolation many reboot split busy_cpu
#                    console console_slow console_race race
#                    strict_one_cpu; race1, race2 and
#                    race_batch are the three parts of race;
#                    race_windows only when named, for a build with
#                    CONFIG_DEBUG_RACE_WINDOW_US; cpufeat only when
#                    named: the riscv64 feature guests of basic alone)
#
# One line per check: "ok guests.<arch>.<run>.<check>" or "FAIL ...";
# last line "guests: N passed, N failed". See docs/test-guests.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srctree=$(cd "$here/../.." && pwd)
cfgdir=$here/cfg
. "$srctree/tests/lib/leak.sh"
. "$srctree/tests/lib/result.sh"
suite=guests
soak=${XL_SOAK:-0}
strict=${XL_GUESTS_STRICT:-0}
if [ $# -gt 0 ]; then
	arches="$*"
else
	arches=${XL_GUESTS_ARCHES:-riscv64 arm64}
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
logdir=${XL_GUESTS_KEEP:-$tmp}
mkdir -p "$logdir"

# run ARCH RUN SMP MEM TIMEOUT CFG...: boot the domains, log in $log.
run() {
	local arch=$1 name=$2 smp=$3 mem=$4 timeout=$5
	shift 5
	log=$logdir/$arch-$name.log
	local t0=$(date +%s)
	: >"$log"
	local xl=("$srctree/xen-lite")
	[ -z "${XL_GUESTS_ROOT:-}" ] || xl+=(--root "$XL_GUESTS_ROOT")
	if [ "${keys:-0}" = race ]; then
		"${xl[@]}" run --arch "$arch" --smp "$smp" \
			--mem "$mem" --timeout "$timeout" "$@" \
			< <(race_keys "$log" "$timeout") >"$log" 2>&1
		rc=$?
	elif [ "${keys:-0}" = 1 ]; then
		"${xl[@]}" run --arch "$arch" --smp "$smp" \
			--mem "$mem" --timeout "$timeout" "$@" \
			< <(key_driver "$log" "$timeout") >"$log" 2>&1
		rc=$?
	elif [ -n "${slow_rate:-}" ]; then
		# The serial console's host side read at $slow_rate bytes/s.
		"${xl[@]}" run --arch "$arch" --smp "$smp" \
			--mem "$mem" --timeout "$timeout" "$@" \
			</dev/null 2>&1 |
			"$srctree/tests/lib/slowread.py" "$slow_rate" >"$log"
		rc=${PIPESTATUS[0]}
	else
		"${xl[@]}" run --arch "$arch" --smp "$smp" \
			--mem "$mem" --timeout "$timeout" "$@" \
			</dev/null >"$log" 2>&1
		rc=$?
	fi
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	secs=$(($(date +%s) - t0))
	echo "# $arch $name: exit status $rc after ${secs}s (--smp $smp --mem $mem, $# domains)" >&2
}

# Console input for a run: give the input focus to the hypervisor (Ctrl-a
# three times per domain), then press 'm' (free pages) at every
# "sample N" line of a domain.
key_driver() { # log timeout
	local log=$1 end=$(($(date +%s) + $2)) tries=0 seen=0 n
	while ! grep -aq 'console input:' "$log" && [ "$(date +%s)" -lt $end ]; do
		sleep 0.2
	done
	while ! grep -aq "console input: xen-lite debug keys" "$log" &&
		[ $tries -lt 40 ] && [ "$(date +%s)" -lt $end ]; do
		n=$(grep -ac 'console input:' "$log")
		printf '\001\001\001'
		tries=$((tries + 1))
		# One switch at a time: wait until it is announced.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ "$(grep -ac 'console input:' "$log")" -gt "$n" ] && break
			sleep 0.1
		done
	done
	while [ "$(date +%s)" -lt $end ] &&
		! grep -aq 'all domains have exited' "$log"; do
		n=$(grep -ac '^\[[^]]*\] sample [0-9]*:' "$log")
		if [ "$n" -gt "$seen" ]; then
			sleep 0.3
			printf 'm'
			seen=$n
		fi
		sleep 0.2
	done
}

# Console input racing domain destruction (run console_race): until the
# machine powers off, bursts of three Ctrl-a (the input focus moves on:
# the looping domain, which is destroyed and rebuilt all the time, the
# debug keys, the bystander), a few bytes of input for whoever has the
# focus and debug key 'p' (every domain's p2m, under the domain list
# lock), every 20 ms. Never a bare 'x' or 'h' after Ctrl-a: xen-lite
# run's own commands.
race_keys() { # log timeout
	local log=$1 end=$(($(date +%s) + $2))
	while ! grep -aq 'console input:' "$log" && [ "$(date +%s)" -lt $end ]; do
		sleep 0.2
	done
	while [ "$(date +%s)" -lt $end ] &&
		! grep -aq 'all domains have exited' "$log"; do
		printf '\001\001\001yyp'
		sleep 0.02
	done
}

# The result lines of domain DOM, prefixed by the hypervisor.
dom_lines() { # dom
	grep -a "^\[$1\] " "$log" | sed "s/^\[$1\] //"
}

# A domain that must finish with its own summary and no FAIL line.
expect_pass() { # prefix dom suite
	local p=$1 dom=$2 s=$3 fails summary
	fails=$(dom_lines "$dom" | grep -a '^FAIL' | head -3 | tr '\n' ' ')
	summary=$(dom_lines "$dom" | grep -a "^$s: [0-9]* passed, [0-9]* failed" | tail -1)
	if [ -n "$fails" ]; then
		fail "$p.$dom" "$fails"
	elif [ -z "$summary" ]; then
		fail "$p.$dom" "no '$s: N passed, N failed' line from [$dom]$(last_words)"
	elif ! echo "$summary" | grep -q ' 0 failed$'; then
		fail "$p.$dom" "$summary"
	elif echo "$summary" | grep -q '^[a-z]*: 0 passed'; then
		fail "$p.$dom" "$summary"
	elif [ "$(dom_lines "$dom" | grep -ac "^ok $s\.")" != \
		"$(echo "$summary" | sed 's/^[a-z]*: \([0-9]*\) passed.*/\1/')" ]; then
		# Every result line must reach the console exactly once.
		fail "$p.$dom" "$(dom_lines "$dom" | grep -ac "^ok $s\.") ok lines but '$summary'"
	else
		ok "$p.$dom"
	fi
}

# A domain that must be crashed by the hypervisor (and not say FAIL),
# for the access it announced: the guest prints the address before the
# access ("... 0xADDR ...: expect a crash"), the crash line must name it
# (and, when given, the vCPU).
expect_crash() { # prefix dom [vcpu]
	local p=$1 dom=$2 vcpu=${3:-} fails line addr gfn
	fails=$(dom_lines "$dom" | grep -a '^FAIL' | head -3 | tr '\n' ' ')
	line=$(grep -a "domain [0-9]* ($dom) crashed" "$log" | head -1)
	addr=$(dom_lines "$dom" | grep -a 'expect a crash' | head -1 |
		sed -n -e 's/^about to [a-z]* \(0x[0-9a-f]*\) .*/\1/p' \
			-e 's/^probe [^:]*: [a-z]* \(0x[0-9a-f]*\): .*/\1/p')
	gfn=$(dom_lines "$dom" | sed -n 's/^ballooning out gfn \(0x[0-9a-f]*\),.*/\1/p' | head -1)
	[ -n "$gfn" ] && addr=${gfn}000
	if [ -n "$fails" ]; then
		fail "$p.$dom" "$fails"
	elif [ -z "$line" ]; then
		fail "$p.$dom" "no 'domain N ($dom) crashed' line$(last_words)"
	elif [ -z "$addr" ]; then
		fail "$p.$dom" "the guest never announced its access$(last_words)"
	elif ! echo "$line" | grep -aqE "$addr([^0-9a-fx]|\$)"; then
		fail "$p.$dom" "crashed, but not for $addr: ${line#*crashed: }"
	elif [ -n "$vcpu" ] && ! echo "$line" | grep -aq "$vcpu"; then
		fail "$p.$dom" "crashed, but not on $vcpu: ${line#*crashed: }"
	else
		ok "$p.$dom"
	fi
}

# A flooding domain's lines: every line it wrote reached the console
# (over the budget its writes are cut short and it writes the rest
# again: back-pressure, nothing dropped), and no more reached the console
# than its budget allows: the build's CONFIG_CONSOLE_DOMAIN_BURST plus
# CONFIG_CONSOLE_DOMAIN_RATE per second over the flood and the rest after
# it (9.5 s), in lines of 110 bytes ("[flood-N] " and 100), with 10% for
# timing. Each line is checked by its number: none missing, none twice.
console_budget() { # prefix dom arch
	local p=$1 dom=$2 arch=$3 written shown dropped bound rate burst cfg
	local distinct
	cfg=${XL_GUESTS_ROOT:-$srctree}/build/$arch/include/config/auto.conf
	rate=$(sed -n 's/^CONFIG_CONSOLE_DOMAIN_RATE=//p' "$cfg" 2>/dev/null)
	burst=$(sed -n 's/^CONFIG_CONSOLE_DOMAIN_BURST=//p' "$cfg" 2>/dev/null)
	bound=$(((${burst:-16384} + ${rate:-2048} * 95 / 10) * 11 / 10 / 110))
	# Anywhere on a line: the partial line of the domain with the input
	# focus may go out first and another domain's line follow it.
	written=$(grep -ao "\[$dom\] flood done: [0-9]* lines written" "$log" |
		sed 's/.*: \([0-9]*\) lines.*/\1/' | tail -1)
	shown=$(grep -aoE "\[$dom\] flood [0-9]{8} \.{80}$" "$log" | wc -l)
	distinct=$(grep -aoE "\[$dom\] flood [0-9]{8} \.{80}$" "$log" |
		sort -u | wc -l)
	dropped=$(grep -ao "\[$dom\] \[dropped [0-9]* lines\]" "$log" |
		sed 's/.*dropped \([0-9]*\) lines.*/\1/' |
		awk '{ s += $1 } END { print s + 0 }')
	if [ -z "$written" ]; then
		fail "$p.$dom.budget" "no 'flood done' line$(last_words)"
	elif [ "$dropped" -ne 0 ]; then
		fail "$p.$dom.budget" "$dropped lines dropped: no back-pressure"
	elif [ "$shown" -ne "$written" ] || [ "$distinct" -ne "$written" ]; then
		fail "$p.$dom.budget" "$written lines written but $shown whole lines shown ($distinct different)"
	elif [ "$shown" -gt "$bound" ]; then
		fail "$p.$dom.budget" "$shown lines shown, more than the budget's $bound"
	else
		ok "$p.$dom.budget"
		echo "# $p.$dom: $written lines written, all shown, none dropped (bound $bound)" >&2
	fi
}

# Every line domain DOM said it wrote reached the console once, whole,
# in the order written, and none was dropped.
console_in_order() { # prefix dom
	local p=$1 dom=$2 written shown sorted dropped
	written=$(grep -ao "\[$dom\] flood done: [0-9]* lines written" "$log" |
		sed 's/.*: \([0-9]*\) lines.*/\1/' | tail -1)
	shown=$(grep -aoE "^\[$dom\] flood [0-9]{8} \.{80}$" "$log" |
		sed 's/.*flood \([0-9]*\) .*/\1/')
	sorted=$(echo "$shown" | sort -u)
	dropped=$(grep -ac "\[$dom\] \[dropped" "$log")
	if [ -z "$written" ]; then
		fail "$p.$dom.order" "no 'flood done' line$(last_words)"
	elif [ "$dropped" -ne 0 ]; then
		fail "$p.$dom.order" "lines dropped: no back-pressure"
	elif [ "$(echo "$shown" | grep -c .)" -ne "$written" ]; then
		fail "$p.$dom.order" "$written lines written but $(echo "$shown" | grep -c .) whole lines shown"
	elif [ "$shown" != "$sorted" ]; then
		fail "$p.$dom.order" "lines out of order or twice"
	else
		ok "$p.$dom.order"
	fi
}

# The hypervisor's longest entry (its power-off line) under US microseconds.
max_entry_below() { # prefix us
	local p=$1 bound=$2 line us
	line=$(grep -a 'longest hypervisor entry:' "$log" | tail -1)
	us=$(echo "$line" | sed -n 's/.*longest hypervisor entry: \([0-9]*\) us.*/\1/p')
	if [ -z "$us" ]; then
		fail "$p.max_entry" "no 'longest hypervisor entry' line$(last_words)"
	elif [ "$us" -ge "$bound" ]; then
		fail "$p.max_entry" "${line#*entry: } (bound $bound us)"
	else
		ok "$p.max_entry"
		echo "# $p: longest hypervisor entry ${line#*entry: }" >&2
	fi
}

last_words() {
	echo " (log: $(grep -av '^\s*$' "$log" | tail -3 | tr '\n' '|' | cut -c1-300))"
}

expect_exit() { # prefix want(0|nonzero)
	local p=$1 want=$2
	# A build failure or a failed boot also exits non-zero: say so.
	if ! grep -aq 'xen-lite: boot complete' "$log"; then
		fail "$p.exit_status" "xen-lite did not boot (exit status $rc)$(last_words)"
	elif [ $rc -eq 124 ]; then
		fail "$p.exit_status" "timed out$(last_words)"
	elif [ "$want" = 0 ] && [ $rc -ne 0 ]; then
		fail "$p.exit_status" "exit status $rc, expected 0$(last_words)"
	elif [ "$want" = nonzero ] && [ $rc -eq 0 ]; then
		fail "$p.exit_status" "exit status 0, expected non-zero"
	elif [ "$want" = nonzero ] && [ $rc -ge 124 ]; then
		fail "$p.exit_status" "exit status $rc (QEMU killed?)$(last_words)"
	else
		ok "$p.exit_status"
	fi
	# Whatever happened, the hypervisor itself must not have died.
	local bad
	bad=$(grep -a -v '^\[' "$log" | grep -aE 'PANIC|halted after panic' | head -2 | tr '\n' ' ')
	check "$p.no_hypervisor_panic" "$([ -z "$bad" ]; echo $?)" "$bad"
	# Nor spent too long in one entry (the stall detector).
	bad=$(stall_lines "$log")
	check "$p.no_stall" "$([ -z "$bad" ]; echo $?)" "$bad"
}

# A generated domain file (for runs with many domains).
gencfg() { # file name prog memory vcpus cmdline [extra]
	cat >"$1" <<EOF
name = "$2"
kernel = "$srctree/build/guests/\${arch}/$3.bin"
memory = $4
vcpus = $5
cmdline = "$6"
${7:-}
EOF
}

# Is RUN one of those asked for (XL_GUESTS_RUNS, default all)?
want() { # run
	[ -z "${XL_GUESTS_RUNS:-}" ] && return 0
	case " $XL_GUESTS_RUNS " in *" $1 "*) return 0 ;; esac
	return 1
}

# Only when asked for by name (runs for special builds).
want_only() { # run
	case " ${XL_GUESTS_RUNS:-} " in *" $1 "*) return 0 ;; esac
	return 1
}

# RISC-V CPU features (progs/vector.c): two domains whose vCPUs share
# CPU 2 (vec-a's two, vec-b's first) and CPU 3 (vec-b's second, with the
# VMID victims in basic), each checking that its vector state stays its
# own across the switches, or that V is hidden altogether. On -cpu max
# (QEMU 10) the tree must list V.
feat_cfgs() {
	local vwant=""
	case "${XL_CPU:-}" in max | max,*) vwant="want_v=1" ;; esac
	gencfg "$tmp/vec-a.cfg" vec-a vector 8 2 "$vwant" "cpus = [2, 2]"
	gencfg "$tmp/vec-b.cfg" vec-b vector 8 2 "$vwant" "cpus = [2, 3]"
	feat=("$tmp/vec-a.cfg" "$tmp/vec-b.cfg")
}
feat_expect() { # prefix
	expect_pass "$1" vec-a vector
	expect_pass "$1" vec-b vector
}

run_arch() { # arch
	local a=$1 p d

	if ! make -s -C "$here" ARCH="$a" >"$tmp/build-$a.log" 2>&1; then
		fail "$a.build" "$(tail -3 "$tmp/build-$a.log" | tr '\n' ' ')"
		return
	fi
	ok "$a.build"

	# 1. Domains that finish cleanly, side by side, each vCPU on its own
	#    CPU (oversubscription is the 'many' and strict runs' job) but
	#    for the two VMID victims below.
	if want basic; then
	p=$a.basic
	# Two victims time-share CPU 3 at the same guest physical
	# addresses, each checking its own pattern: they see each other's
	# RAM if the guest TLB kept one domain's stage-2 translations for
	# the other (a switch writes hgatp / VTTBR_EL2 with the other VMID
	# and, by default, no fence: docs/platforms.md).
	gencfg "$tmp/vmid-a.cfg" vmid-a victim 8 1 "wait_ms=2000" "cpus = [3]"
	gencfg "$tmp/vmid-b.cfg" vmid-b victim 8 1 "wait_ms=2000" "cpus = [3]"
	# Arm: interrupts through the vGIC (tests/guests/progs/irq.c; v3, or
	# v2 when XL_MACHINE_OPTS makes a GICv2 host).
	# And the CPU features it hides (progs/cpufeat.c; on -cpu max
	# they exist and must still be UNDEFINED to the guest).
	irq=()
	if [ "$a" = arm64 ]; then
		gencfg "$tmp/irq.cfg" irq irq 8 2 "" "cpus = [0, 1]"
		gencfg "$tmp/cpufeat.cfg" cpufeat cpufeat 8 1 "" "cpus = [2]"
		# Two domains that hand CPU 2 to each other by WFI (the
		# direct hand-over, issue 20; hello.c wfi_pingpong).
		gencfg "$tmp/pp-a.cfg" pp-a hello 8 1 "wfi_pingpong=2000" "cpus = [2]"
		gencfg "$tmp/pp-b.cfg" pp-b hello 8 1 "wfi_pingpong=2000" "cpus = [2]"
		# An SGI from CPU 1 while vCPU0 traps on WFI, vCPU1 sharing
		# its CPU 0 (irq.c wfi_race: the lost wake-up after the
		# block, with and without a hand-over).
		gencfg "$tmp/wfirace.cfg" wfirace irq 8 3 "wfi_race=5000" \
			"cpus = [0, 0, 1]"
		irq=("$tmp/irq.cfg" "$tmp/cpufeat.cfg" "$tmp/pp-a.cfg" "$tmp/pp-b.cfg"
			"$tmp/wfirace.cfg")
	else
		feat_cfgs
		irq=("${feat[@]}")
	fi
	run "$a" basic 4 256M 240 "$cfgdir/hello.cfg" "$cfgdir/hello-smp.cfg" \
		"$cfgdir/ramwalk.cfg" "$tmp/vmid-a.cfg" "$tmp/vmid-b.cfg" \
		"${irq[@]}"
	if [ $rc -ne 0 ] && ! grep -aq '^\[' "$log"; then
		fail "$p.boot" "no domain printed anything (exit status $rc)$(last_words)"
		return
	fi
	expect_exit "$p" 0
	expect_pass "$p" hello hello
	expect_pass "$p" hello-smp hello
	expect_pass "$p" ramwalk ramwalk
	expect_pass "$p" vmid-a victim
	expect_pass "$p" vmid-b victim
	if [ "$a" = arm64 ]; then
		expect_pass "$p" irq irq
		expect_pass "$p" cpufeat cpufeat
		expect_pass "$p" pp-a hello
		expect_pass "$p" pp-b hello
		expect_pass "$p" wfirace irq
	else
		feat_expect "$p"
	fi

	fi
	# The RISC-V feature guests alone (platforms: QEMU 10 -cpu max).
	if [ "$a" = riscv64 ] && want_only cpufeat; then
	p=$a.cpufeat
	feat_cfgs
	run "$a" cpufeat 4 256M 120 "${feat[@]}"
	expect_exit "$p" 0
	feat_expect "$p"

	fi
	# An IPI to a vCPU running on another CPU is taken at once: the
	# benchmark guest tests/bench/tlat.c (mode=ipi, built as by the
	# benchmarks) counts the iterations vCPU1's wait loop still makes
	# once vCPU0's send has returned; a kick that does not bring vCPU1
	# out of the guest (or only at a later exit, a tick) lets it spin on
	# for millions (kick_taken), one never delivered fails "ipi". A
	# loaded host only stops vCPU1 (docs/benchmarks.md, "IPI between
	# two vCPUs"): the check holds there too.
	if want kick; then
	p=$a.kick
	if (srctree=$srctree && . "$srctree/tests/bench/lib/guest.sh" &&
		bench_guest "$a" "$srctree/tests/bench/tlat.c" "$tmp") \
		>"$tmp/tlat-$a.log" 2>&1; then
		cat >"$tmp/kick.cfg" <<EOC
name = "kick"
kernel = "$tmp/tlat-$a.bin"
memory = 8
vcpus = 2
cpus = [0, 1]
cmdline = "mode=ipi iters=300 warm=5 max_run=1000 shutdown=std"
EOC
		run "$a" kick 2 128M 120 "$tmp/kick.cfg"
		expect_exit "$p" 0
		expect_pass "$p" kick tlat
	else
		fail "$p.build" "$(tail -3 "$tmp/tlat-$a.log" | tr '\n' ' ')"
	fi
	fi
	# RISC-V hypercalls and SBI calls on the short exit path of
	# arch/riscv/guest.S (progs/hcrace.c): three vCPUs on two CPUs check
	# every register and result while IPIs race them; an IPI that only
	# the checks the short path skips would deliver must still arrive.
	if [ "$a" = riscv64 ] && want hcrace; then
	p=$a.hcrace
	gencfg "$tmp/hcrace.cfg" hcrace hcrace 8 3 "ms=1500" "cpus = [1, 2, 1]"
	run "$a" hcrace 3 128M 120 "$tmp/hcrace.cfg"
	expect_exit "$p" 0
	expect_pass "$p" hcrace hcrace
	fi
	if want memory; then
	p=$a.memory
	run "$a" memory 4 256M 240 "$cfgdir/balloon.cfg" \
		"$cfgdir/foreign-target.cfg" "$cfgdir/foreign-mapper.cfg" \
		"$cfgdir/balloon-exhaust.cfg" \
		"$cfgdir/foreign-target-dies.cfg" \
		"$cfgdir/foreign-mapper-owner-dies.cfg"
	expect_exit "$p" 0
	expect_pass "$p" balloon balloon
	expect_pass "$p" balloon-exhaust balloon
	expect_pass "$p" foreign-target-dies foreign
	expect_pass "$p" foreign-mapper-owner-dies foreign
	expect_pass "$p" foreign-target foreign
	expect_pass "$p" foreign-mapper foreign

	fi
	# Arm on a GICv2 host (QEMU -machine virt,gic-version=2): the
	# guests get a vGICv2 (distributor emulated, GICV as their GICC);
	# interrupts, SMP and the shm doorbell SPI through it; a disk passed
	# through (passthru, irq=1): its SPI routed by GICD_ITARGETSR and
	# injected hardware-linked through GICH_LR, its transport trapped.
	if [ "$a" = arm64 ] && want gicv2; then
	p=$a.gicv2
	gencfg "$tmp/irq2.cfg" irq irq 8 2 "gic=2" "cpus = [0, 1]"
	printf 'XLPT-SECTOR0-OK!' >"$tmp/ptv2.img"
	truncate -s 1M "$tmp/ptv2.img"
	gencfg "$tmp/passthru-v2.cfg" passthru passthru 8 1 \
		"rounds=20 direct=1 dma=1 irq=1 status=3" \
		"disk = [ \"$tmp/ptv2.img\" ]"
	run "$a" gicv2 4 256M 120 --machine-opt gic-version=2 \
		"$tmp/irq2.cfg" "$cfgdir/hello-smp.cfg" \
		"$cfgdir/shm-owner.cfg" "$cfgdir/shm-borrower.cfg" \
		"$tmp/passthru-v2.cfg"
	if ! grep -aq '^(xl) .*gicv2: dist' "$log"; then
		fail "$p.host_gicv2" "the hypervisor did not drive a GICv2$(last_words)"
	else
		ok "$p.host_gicv2"
	fi
	expect_exit "$p" 0
	expect_pass "$p" irq irq
	expect_pass "$p" hello-smp hello
	expect_pass "$p" shm-owner shm
	expect_pass "$p" shm-borrower shm
	expect_pass "$p" passthru passthru
	got=$(dd if="$tmp/ptv2.img" bs=512 skip=1 count=1 2>/dev/null |
		head -c 16 | tr -d '\0')
	check "$p.passthru_disk_written" "$([ "$got" = XLPT-SECTOR1-WR! ]; echo $?)" \
		"sector 1 of the image starts '$got'"
	check "$p.passthru_irq_masked" \
		"$(grep -aqE 'domain [0-9]+ \(passthru\): host interrupt 48 masked' "$log"; echo $?)" \
		"$(grep -a 'host interrupt' "$log" | head -1)"

	fi
	# Static shared memory (docs/shared-memory.md): an owner and a
	# borrower; an owner that dies first (its frames live on while the
	# borrower maps them); a borrower that restarts (the data stays); a
	# third domain that faults on the region's address; a domain that
	# reboots at once 200 times (its reboot must never be dropped). Every
	# frame comes back once all are gone.
	if want shm; then
	p=$a.shm
	run "$a" shm 4 256M 240 "$cfgdir/shm-owner.cfg" \
		"$cfgdir/shm-borrower.cfg" "$cfgdir/shm-dies-owner.cfg" \
		"$cfgdir/shm-dies-borrower.cfg" "$cfgdir/shm-restart-owner.cfg" \
		"$cfgdir/shm-restart-borrower.cfg" "$cfgdir/shm-outsider.cfg" \
		"$cfgdir/shm-reboot-loop.cfg"
	expect_exit "$p" 0
	for d in owner borrower dies-owner dies-borrower restart-owner \
		restart-borrower outsider reboot-loop; do
		expect_pass "$p" "shm-$d" shm
	done
	no_leak "$log"
	check "$p.no_frame_leaked" $? "$leak_why"
	# The ring buffers of issue 17: 10,000 messages each way between
	# two domains pinned to CPUs 0 and 1, every wait a WFI woken by the
	# doorbell's interrupt.
	p=$a.shm_ring
	run "$a" shm_ring 2 256M 240 "$cfgdir/shm-ring-owner.cfg" \
		"$cfgdir/shm-ring-borrower.cfg"
	expect_exit "$p" 0
	expect_pass "$p" shm-ring-owner shm
	expect_pass "$p" shm-ring-borrower shm
	no_leak "$log"
	check "$p.no_frame_leaked" $? "$leak_why"

	fi
	# PV MMU: the adversarial suite on 2 vCPUs (it shuts down with
	# tables pinned and installed, for the teardown), the no-W+X policy,
	# a bystander; every frame comes back at power-off.
	if want pvmmu; then
	p=$a.pvmmu
	run "$a" pvmmu 4 256M 240 "$cfgdir/bystander.cfg" "$cfgdir/pvmmu.cfg" \
		"$cfgdir/pvmmu-nowx.cfg" "$cfgdir/pvmmu-foreign.cfg"
	expect_exit "$p" 0
	expect_pass "$p" pvmmu pvmmu
	expect_pass "$p" pvmmu-nowx pvmmu
	expect_pass "$p" pvmmu-foreign pvmmu
	expect_pass "$p" bystander victim
	no_leak "$log"
	check "$p.no_frame_leaked" $? "$leak_why"

	fi
	# 2. Faults: each crasher is crashed for the access it announced,
	#    the bystander is untouched.
	if want faults; then
	p=$a.faults
	run "$a" faults 4 256M 240 "$cfgdir/bystander.cfg" \
		"$cfgdir/outside.cfg" "$cfgdir/outside-write.cfg" \
		"$cfgdir/balloon-fault-local.cfg" \
		"$cfgdir/balloon-fault-remote.cfg" "$cfgdir/mmiofault.cfg"
	expect_exit "$p" nonzero
	# mmio_fault = "crash": crashed for the access.
	for d in outside outside-write balloon-fault-local; do
		expect_crash "$p" "$d"
	done
	expect_crash "$p" balloon-fault-remote vCPU1
	expect_pass "$p" bystander victim
	# Default mmio_fault = "inject": the faults come back to the guest.
	expect_pass "$p" mmiofault mmiofault
	check "$p.mmiofault_not_crashed" \
		"$(! grep -aq 'domain [0-9]* (mmiofault) crashed' "$log"; echo $?)" \
		"$(grep -a 'domain [0-9]* (mmiofault) crashed' "$log" | head -1)"

	fi
	# 2b. Passthrough (docs/passthrough.md): a domain with a disk (so
	#     direct-mapped) reads its virtio-mmio transport's registers
	#     (QEMU's device answers), finds its node in its device tree,
	#     reads and writes the disk by DMA, each request ending with
	#     the device's interrupt, forwarded from the host PLIC (riscv64)
	#     or GIC (arm64); mmiofault beside it touches that transport and
	#     gets faults.
	if want passthrough; then
	p=$a.passthrough
	# Sector 0 for each guest to read by DMA; each writes sector 1 of
	# its own image. passthru2 gets the next transport: on arm64 in the
	# same page of eight as passthru's, so both pages trap (sub-page
	# windows) and each domain's accesses are checked against its own
	# 0x200 bytes: passthru's reads and writes of passthru2's transport
	# fault (outside=).
	# Requests wait for the forwarded interrupt (irq=1): riscv64 PLIC
	# source 1 and 2, arm64 INTID 48 and 49.
	local dev2=0x10002000 irq=" irq=1" i1=1 i2=2
	[ "$a" = arm64 ] && dev2=0x0a000200 i1=48 i2=49
	for i in 1 2; do
		printf 'XLPT-SECTOR0-OK!' >"$tmp/pt$i.img"
		truncate -s 1M "$tmp/pt$i.img"
	done
	gencfg "$tmp/passthru.cfg" passthru passthru 8 1 \
		"rounds=100 direct=1 dma=1 status=3 outside=$dev2$irq" \
		"disk = [ \"$tmp/pt1.img\" ]"
	gencfg "$tmp/passthru2.cfg" passthru2 passthru 8 1 \
		"rounds=100 direct=1 dma=1 dev=$dev2 reboot_once=1$irq" \
		"disk = [ \"$tmp/pt2.img\" ]
on_reboot = \"restart\""
	run "$a" passthrough 4 256M 120 "$tmp/passthru.cfg" \
		"$tmp/passthru2.cfg" "$cfgdir/mmiofault.cfg"
	expect_exit "$p" 0
	expect_pass "$p" passthru passthru
	expect_pass "$p" passthru2 passthru
	check "$p.passthru2_restarted" \
		"$(grep -aq 'domain [0-9]* (passthru2) destroyed, restarting' "$log"; echo $?)" \
		"no restart of passthru2 in the log"
	expect_pass "$p" mmiofault mmiofault
	# What each wrote by DMA is in its own image.
	for i in 1 2; do
		got=$(dd if="$tmp/pt$i.img" bs=512 skip=1 count=1 2>/dev/null |
			head -c 16 | tr -d '\0')
		check "$p.disk_written$i" "$([ "$got" = XLPT-SECTOR1-WR! ]; echo $?)" \
			"sector 1 of image $i starts '$got'"
	done
	if [ -n "$irq" ]; then
		# Its interrupts masked when each domain went; passthru2's
		# first boot left one claimed, completed by its teardown (the
		# second boot's interrupts show it: disk_intact_after_restart).
		check "$p.irq_masked" \
			"$(grep -aqE "domain [0-9]+ \\(passthru\\): host interrupt $i1 masked\$" "$log"; echo $?)" \
			"$(grep -a 'host interrupt' "$log" | head -1)"
		check "$p.irq_claim_completed" \
			"$(grep -aqE "domain [0-9]+ \\(passthru2\\): host interrupt $i2 masked, its (open claim completed|active state cleared)" "$log"; echo $?)" \
			"$(grep -a 'host interrupt' "$log" | tr '\n' ' ')"
	fi
	# arm64: both transports trapped (one page, two domains); riscv64:
	# a page each, mapped.
	local ntrap=0
	[ "$a" = arm64 ] && ntrap=3 # passthru, passthru2 twice (restart)
	check "$p.windows_trapped" \
		"$([ "$(grep -acE 'domain [0-9]+ \(passthru2?\): iomem 0x[0-9a-f]+\+0x200 trapped' "$log")" = $ntrap ]; echo $?)" \
		"$(grep -a 'trapped' "$log" | tr '\n' ' ') (want $ntrap)"
	# Hostile bundles (the CLI never writes these; the hypervisor checks
	# again): iomem over the management channel's transport is refused,
	# and its device not reset by the failed build's teardown; a range
	# smaller than its page where the host tree has no device (its
	# accesses would have to be forwarded there) is refused.
	local hb=$tmp/hostile-$a hspec hname hwant ha ga sa hr gr sr
	for hspec in "mgmt:0xa003e00:0xa003e00:0x200:0x10008000:0x10008000:0x1000:is the hypervisor's management channel" \
		"nodev:0xa004000:0xa004000:0x200:0x10009000:0x30000000:0x200:no device of the host's tree"; do
		IFS=: read -r hname ha ga sa hr gr sr hwant <<<"$hspec"
		[ "$a" = arm64 ] || ha=$hr ga=$gr sa=$sr
		rm -rf "$hb"
		if ! "$srctree/xen-lite" build --arch "$a" -o "$hb" "$cfgdir/hello.cfg" >"$tmp/hb.out" 2>&1 ||
			! fdtput -t x "$hb/host.dtb" /chosen/domain@0 xen-lite,iomem 0 "$ha" 0 "$ga" 0 "$sa" 2>>"$tmp/hb.out"; then
			fail "$p.hostile_iomem_$hname" "bundle: $(tr '\n' ' ' <"$tmp/hb.out")"
			continue
		fi
		timeout 120 "$hb/run.sh" </dev/null >"$tmp/hb.log" 2>&1
		check "$p.hostile_iomem_$hname" \
			"$(grep -aqF "$hwant" "$tmp/hb.log" &&
				grep -aq 'all domains have exited (0 crashed, 1 failed to build)' "$tmp/hb.log" &&
				! grep -aq 'virtio-mmio device at .* reset' "$tmp/hb.log"; echo $?)" \
			"$(grep -a 'iomem\|failed to build\|reset' "$tmp/hb.log" | tr '\n' ' ')"
	done
	# A bundle whose host tree gives the console UART another interrupt
	# (QEMU virt's is also the number of a domain's own emulated UART,
	# which the arches refuse) and passes that one through: the
	# hypervisor refuses it, the UART's interrupt is its own.
	local uart_node=/soc/serial@10000000 uart_irq=(11) dom_irq=11
	[ "$a" = arm64 ] && uart_node=/pl011@9000000 uart_irq=(0 2 4) dom_irq=34
	rm -rf "$hb"
	if "$srctree/xen-lite" build --arch "$a" -o "$hb" "$cfgdir/hello.cfg" >"$tmp/hb.out" 2>&1 &&
		fdtput -t u "$hb/host.dtb" "$uart_node" interrupts "${uart_irq[@]}" 2>>"$tmp/hb.out" &&
		fdtput -t u "$hb/host.dtb" /chosen/domain@0 xen-lite,irqs "$dom_irq" 2>>"$tmp/hb.out"; then
		timeout 120 "$hb/run.sh" </dev/null >"$tmp/hb.log" 2>&1
		check "$p.hostile_irq_console" \
			"$(grep -aqF "irqs $dom_irq: the host console UART's, which the hypervisor uses" "$tmp/hb.log" &&
				grep -aq 'all domains have exited (0 crashed, 1 failed to build)' "$tmp/hb.log"; echo $?)" \
			"$(grep -a 'irqs\|failed to build' "$tmp/hb.log" | tr '\n' ' ')"
	else
		fail "$p.hostile_irq_console" "bundle: $(tr '\n' ' ' <"$tmp/hb.out")"
	fi
	# riscv64 never has a sub-page window from the CLI (a transport is a
	# page): a bundle giving passthru only the first 0x200 bytes of its
	# transport makes its page trapped there too; the registers and the
	# requests go through the hypervisor, the next 0x200 bytes fault
	# (outside=), through the RISC-V fault path.
	if [ "$a" = riscv64 ]; then
		gencfg "$tmp/passthru-sub.cfg" passthru passthru 8 1 \
			"rounds=20 direct=1 dma=1 irq=1 outside=0x10001200" \
			"disk = [ \"$tmp/pt1.img\" ]"
		rm -rf "$hb"
		if "$srctree/xen-lite" build --arch "$a" -o "$hb" "$tmp/passthru-sub.cfg" >"$tmp/hb.out" 2>&1 &&
			fdtput -t x "$hb/host.dtb" /chosen/domain@0 xen-lite,iomem 0 0x10001000 0 0x10001000 0 0x200 2>>"$tmp/hb.out"; then
			timeout 120 "$hb/run.sh" </dev/null >"$tmp/hb.log" 2>&1
			tr -d '\r' <"$tmp/hb.log" >"$tmp/hb.log.t"
			local log_run=$log
			log=$tmp/hb.log.t
			expect_pass "$p.subpage" passthru passthru
			check "$p.subpage.trapped" \
				"$(grep -aq 'domain [0-9]* (passthru): iomem 0x10001000+0x200 trapped' "$log"; echo $?)" \
				"$(grep -a 'iomem' "$log" | head -3 | tr '\n' ' ')"
			log=$log_run
		else
			fail "$p.subpage" "bundle: $(tr '\n' ' ' <"$tmp/hb.out")"
		fi
	fi
	# Its device was reset when it went (ACKNOWLEDGE | DRIVER -> 0).
	check "$p.device_reset" \
		"$(grep -aqE 'domain [0-9]+ \(passthru\): virtio-mmio device at 0x[0-9a-f]+ reset \(status 0x3 -> 0x0\)' "$log"; echo $?)" \
		"$(grep -a 'virtio-mmio device at' "$log" | head -1)"

	fi
	# 3. Isolation: hostile domains (fuzzing, then a forbidden access)
	#    next to two victims that checksum their RAM.
	if want isolation; then
	p=$a.isolation
	local iso=() n=0
	for f in "$cfgdir"/iso-*.cfg; do
		if [ "$soak" = 1 ]; then
			# Soak: 20 times the fuzzing.
			sed -e 's/fuzz=300/fuzz=6000/' \
				-e "s|\.\./\.\./\.\./build|$srctree/build|" \
				"$f" >"$tmp/$(basename "$f")"
			f=$tmp/$(basename "$f")
		fi
		iso+=("$f")
	done
	# The victims must outlive the hostile domains.
	local v1=$cfgdir/victim-1.cfg v2=$cfgdir/victim-2.cfg
	if [ "$soak" = 1 ]; then
		for v in victim-1 victim-2; do
			sed -e 's/wait_ms=[0-9]*/wait_ms=150000/' \
				-e "s|\.\./\.\./\.\./build|$srctree/build|" \
				"$cfgdir/$v.cfg" >"$tmp/$v.cfg"
		done
		v1=$tmp/victim-1.cfg v2=$tmp/victim-2.cfg
	fi
	run "$a" isolation 2 256M 600 "$v1" "${iso[@]}" "$v2"
	# ... which the last crash line must show.
	local last_crash last_victim
	last_crash=$(grep -an 'crashed:' "$log" | tail -1 | cut -d: -f1)
	last_victim=$(grep -an '^\[victim-[12]\] victim: ' "$log" | head -1 | cut -d: -f1)
	check "$p.victims_outlived_attackers" \
		"$([ -n "$last_crash" ] && [ -n "$last_victim" ] &&
			[ "$last_crash" -lt "$last_victim" ]; echo $?)" \
		"a victim finished before the last hostile domain crashed"
	expect_exit "$p" nonzero
	for f in "${iso[@]}"; do
		d=$(basename "$f" .cfg)
		expect_crash "$p" "$d"
		if ! dom_lines "$d" | grep -q '^ok isolation.fuzz_survived'; then
			fail "$p.$d.fuzz" "no 'ok isolation.fuzz_survived' line"
		else
			ok "$p.$d.fuzz"
		fi
		n=$((n + 1))
	done
	expect_pass "$p" victim-1 victim
	expect_pass "$p" victim-2 victim

	fi
	# 4. Many domains at once, more vCPUs than CPUs.
	if want many; then
	p=$a.many
	local many=() count=8 smp=2 mem=256M prog=hello args="shutdown=xl spin_ms=300"
	local maxv=1
	[ "$strict" = 1 ] && maxv=2
	if [ "$soak" = 1 ]; then
		count=32 smp=4 mem=1G prog=balloon args="iters=20 pages=16 stall_ms=10000" maxv=2
	fi
	mkdir -p "$tmp/many-$a"
	for ((i = 0; i < count; i++)); do
		gencfg "$tmp/many-$a/m$i.cfg" "m$i" $prog 8 $((i % maxv + 1)) "$args"
		many+=("$tmp/many-$a/m$i.cfg")
	done
	run "$a" many $smp $mem $((count * 30 + 120)) "${many[@]}"
	expect_exit "$p" 0
	local bad=0 why=""
	for ((i = 0; i < count; i++)); do
		local s
		s=$(dom_lines "m$i" | grep -a "^$prog: [0-9]* passed, 0 failed" | head -1)
		if [ -z "$s" ] || dom_lines "m$i" | grep -aq '^FAIL' ||
			[ "$(dom_lines "m$i" | grep -ac "^ok $prog\.")" != \
			"$(echo "$s" | sed 's/^[a-z]*: \([0-9]*\) passed.*/\1/')" ]; then
			bad=$((bad + 1))
			why="$why m$i"
		fi
	done
	check "$p.all_domains_passed" "$([ $bad = 0 ]; echo $?)" \
		"$bad of $count domains did not pass:$why"
	local started
	started=$(grep -ac 'domain [0-9]* (m[0-9]*) started' "$log")
	check "$p.all_domains_started" "$([ "$started" = $count ]; echo $?)" \
		"$started of $count 'started' lines"

	fi
	# 5. Reboot soak: the rebooter restarts N times under the controller,
	#    next to a bystander.
	if want reboot; then
	p=$a.reboot
	local cycles=5 timeout=240
	if [ "$soak" = 1 ]; then
		cycles=1000 timeout=7200
	fi
	sed "s/cycles=5/cycles=$cycles/" "$cfgdir/reboot-controller.cfg" \
		>"$tmp/controller-$a.cfg"
	sed "s|\.\./\.\./\.\./build|$srctree/build|" -i "$tmp/controller-$a.cfg"
	gencfg "$tmp/bystander-$a.cfg" bystander victim 8 1 \
		"wait_ms=$((20000 + cycles * 200))"
	sed -i "s/role=controller/role=controller sample_ms=1500/" \
		"$tmp/controller-$a.cfg"
	keys=1 run "$a" reboot 2 256M $timeout "$tmp/controller-$a.cfg" \
		"$cfgdir/reboot-rebooter.cfg" "$tmp/bystander-$a.cfg"
	expect_exit "$p" 0
	expect_pass "$p" controller reboot
	expect_pass "$p" rebooter reboot
	expect_pass "$p" bystander victim
	local restarts
	restarts=$(grep -ac 'domain [0-9]* (rebooter) destroyed, restarting' "$log")
	check "$p.restarts" "$([ "$restarts" = "$cycles" ]; echo $?)" \
		"$restarts restarts logged, expected $cycles"
	# Memory (debug key 'm') after the first reboot and before the last
	# command, in the same state: free pages plus the pages the heap's
	# buckets keep must be equal, and so must the live heap objects. (A
	# bucket page taken at a moment of higher demand stays in the cache,
	# so free pages alone cannot tell it from a leaked page: they moved by
	# one once in a loaded run. A leaked object shows in the live count,
	# a leaked page in the sum.)
	local mem
	mem=$(grep -aoE 'memory: [0-9]+ of [0-9]+ pages free, [0-9]+ heap cache pages, [0-9]+ heap objects live' "$log" |
		awk '{print $2 + $7, $11}' | tr '\n' ' ')
	set -- $mem
	if [ $# -ne 4 ]; then
		fail "$p.free_pages_stable" "expected 2 'memory: ...' lines, got: $mem"
	elif [ "$1" != "$3" ] || [ "$2" != "$4" ]; then
		fail "$p.free_pages_stable" "free + heap cache pages, live heap objects after the first reboot $1, $2; after the last $3, $4"
	else
		ok "$p.free_pages_stable"
		echo "# $a reboot: $1 free + heap cache pages, $2 live heap objects after reboot 1 and after reboot $cycles" >&2
	fi

	fi
	# 6. Superpage splits under a running vCPU (no fault allowed).
	if want split; then
	p=$a.split
	run "$a" split 2 256M 240 "$cfgdir/balloon-split-race.cfg"
	expect_exit "$p" 0
	expect_pass "$p" balloon-split-race balloon
	fi
	# 7. A vCPU started on a CPU that another domain keeps busy runs
	#    within a few slices (docs/robustness.md, bug 7).
	if want busy_cpu; then
	p=$a.busy_cpu
	gencfg "$tmp/spinner.cfg" spinner hello 8 1 "shutdown=xl spin_ms=3000" \
		"cpus = [1]"
	gencfg "$tmp/starter.cfg" starter hello 8 2 \
		"shutdown=xl start_delay_ms=200 start_ms_max=500" "cpus = [0, 1]"
	run "$a" busy_cpu 2 256M 240 "$tmp/spinner.cfg" "$tmp/starter.cfg"
	expect_exit "$p" 0
	expect_pass "$p" spinner hello
	expect_pass "$p" starter hello
	if ! dom_lines starter | grep -aq '^ok hello.smp_start_latency'; then
		fail "$p.latency_checked" "no smp_start_latency line from [starter]"
	else
		ok "$p.latency_checked"
	fi
	fi
	# 8. Console budget: two domains print in a tight loop, a third
	#    measures how long its own console writes take meanwhile.
	if want console; then
	p=$a.console
	# The probe first: the domain with the console input (the first)
	# has its partial lines flushed after 30 ms, which would split a
	# flooder's lines and blur the count.
	#    flood-u writes through its emulated UART, waiting while it says
	#    it is full: none of its lines may be dropped either.
	run "$a" console 4 256M 240 "$cfgdir/console-probe.cfg" \
		"$cfgdir/console-flood-1.cfg" "$cfgdir/console-flood-2.cfg" \
		"$cfgdir/console-flood-uart.cfg"
	expect_exit "$p" 0
	expect_pass "$p" probe console
	for d in flood-1 flood-2 flood-u; do
		expect_pass "$p" "$d" console
		console_budget "$p" "$d" "$a"
	done
	dom_lines probe | grep -a '^probe: ' | sed "s/^/# $a console: /" >&2
	fi
	# 8b. A slow console: the serial port's host side is read at 1500
	#     bytes/s through a two-page pipe (tests/lib/slowread.py), the
	#     host side of a slow UART. flood-s writes 120 lines, ten per
	#     hypercall, flood-u 40 through its emulated UART; steady checks
	#     that its vCPU never stands still for 1 s. No hypervisor entry
	#     may take 1 s (writers only queue on the console output ring;
	#     before the ring: 2.2-2.9 s; the bounds leave room for a loaded
	#     host, which stretched the ring's figures to 290 ms once)
	#     and every line must come out once, in order. riscv64 only:
	#     QEMU's PL011 (7.2 and 10.0) blocks the whole machine in the
	#     data register write while the host side is full, whatever
	#     the hypervisor does (docs/robustness.md).
	if want console_slow && [ "$a" = riscv64 ]; then
	p=$a.console_slow
	slow_rate=1500 run "$a" console_slow 3 256M 120 \
		"$cfgdir/console-slow-steady.cfg" \
		"$cfgdir/console-slow-flood.cfg" "$cfgdir/console-slow-uart.cfg"
	expect_exit "$p" 0
	expect_pass "$p" steady console
	for d in flood-s flood-u; do
		expect_pass "$p" "$d" console
		console_in_order "$p" "$d"
	done
	max_entry_below "$p" 1000000
	dom_lines steady | grep -a '^steady: ' | sed "s/^/# $a console_slow: /" >&2
	fi
	# 8c. Console input and debug key 'p' against the destruction of the
	#     focused domain (issue 14): shm-reboot-loop lives 300 times
	#     (each life reboots at once: destroyed and rebuilt), a bystander
	#     victim runs next to it, and race_keys moves the input focus,
	#     types and presses 'p' every 20 ms meanwhile. The hypervisor
	#     must survive it, every life must be counted and every frame
	#     come back.
	if want console_race; then
	p=$a.console_race
	sed -e 's/cycles=200/cycles=300/' \
		-e "s|\.\./\.\./\.\./build|$srctree/build|" \
		"$cfgdir/shm-reboot-loop.cfg" >"$tmp/race-loop.cfg"
	gencfg "$tmp/race-bystander.cfg" bystander victim 8 1 "wait_ms=2000"
	keys=race run "$a" console_race 2 256M 240 "$tmp/race-bystander.cfg" \
		"$tmp/race-loop.cfg"
	expect_exit "$p" 0
	expect_pass "$p" shm-reboot-loop shm
	expect_pass "$p" bystander victim
	n=$(grep -ac 'console input:' "$log")
	dumps=$(grep -ac '^(xl) .*  p2m d[0-9]*: ' "$log")
	if [ "$n" -lt 20 ] || [ "$dumps" -lt 20 ]; then
		fail "$p.raced" "only $n focus moves and $dumps p2m dump lines$(last_words)"
	else
		ok "$p.raced"
		echo "# $p: $n focus moves, $dumps p2m dump lines, $(grep -ac 'destroyed, restarting' "$log") restarts" >&2
	fi
	no_leak "$log"
	check "$p.no_frame_leaked" $? "$leak_why"
	fi
	# 9. Races between two vCPUs of a domain on two CPUs, many rounds
	#    each (issue 14): populate vs populate/pin inside one extent,
	#    decrease vs decrease, balloon-out vs hypercall results, CPU_ON
	#    vs CPU_OFF. Every frame comes back at power-off.
	#    Each of the three runs can be asked for alone (XL_GUESTS_RUNS=
	#    race1, race2 or race_batch; "race" is all three).
	if want race || want race1; then
	p=$a.race
	run "$a" race 4 256M 240 "$cfgdir/race-populate.cfg" \
		"$cfgdir/race-populate-pin.cfg"
	expect_exit "$p" 0
	expect_pass "$p" race-populate race
	expect_pass "$p" race-populate-pin race
	no_leak "$log"
	check "$p.no_frame_leaked" $? "$leak_why"
	fi
	if want race || want race2; then
	p=$a.race2
	run "$a" race2 4 256M 240 "$cfgdir/race-cpuon.cfg" \
		"$cfgdir/race-decrease.cfg" "$cfgdir/race-results.cfg"
	expect_exit "$p" 0
	expect_pass "$p" race-cpuon race
	expect_pass "$p" race-decrease race
	expect_pass "$p" race-results race
	no_leak "$log"
	check "$p.no_frame_leaked" $? "$leak_why"
	fi
	# Decrease vs decrease, and balloon-out vs result writes, on a
	# hypervisor built with the race windows of
	# CONFIG_DEBUG_RACE_WINDOW_US (tests/kconfig, variant race-windows;
	# only when asked for by name): the checks of a balloon-out and its
	# removal 1 ms apart, so the two vCPUs' checks overlap in most
	# rounds; a result write waits 1 ms after its lookup and then for
	# any balloon-out under way. Without the compare-and-set removal
	# (finding 3) the first fails every time; without the reference a
	# write holds (finding 1) the hypervisor reports "race window: use
	# after free" (the no_stall check) every time.
	if want_only race_windows; then
	p=$a.race_windows
	run "$a" race_windows 4 256M 240 "$cfgdir/race-decrease-window.cfg" \
		"$cfgdir/race-results.cfg" "$cfgdir/race-restart.cfg"
	expect_exit "$p" 0
	expect_pass "$p" race-decrease-window race
	expect_pass "$p" race-results race
	# race-restart reboots at once in each of its 60 lives; the window
	# holds domain_create() after the queueing until the reaper has
	# torn the new life down (when the new vCPU runs on another CPU
	# than the restart: a few lives of each run): whatever it still
	# reads of the domain then must not be freed memory, which these
	# builds fill with 0xdb. The code before the fix printed its
	# "started at" line from freed memory: a name of 0xdb bytes, or
	# no line (too long for the console ring): 1-3 of the lives.
	expect_pass "$p" race-restart shm
	check "$p.restart_started_lines" \
		"$([ "$(grep -acE 'domain [0-9]+ \(race-restart\) started at' "$log")" -eq 60 ] &&
			! grep -aq $'\xdb' "$log" &&
			! grep -aE 'started at' "$log" | grep -avqE 'domain [0-9]+ \((race-decrease-window|race-results|race-restart)\) started at'; echo $?)" \
		"$(grep -aE 'started at' "$log" | grep -avE '\((race-decrease-window|race-results|race-restart)\)' | head -2 | tr '\n' ' ') ($(grep -acE '\(race-restart\) started at' "$log") of 60 race-restart starts)"
	no_leak "$log"
	check "$p.no_frame_leaked" $? "$leak_why"
	fi
	# A privileged domain's foreign PV batches on targets that shut
	# down under them (teardown on another CPU mid-batch).
	if want race || want race_batch; then
	p=$a.race_batch
	run "$a" race_batch 4 256M 240 "$cfgdir/race-batch-mapper.cfg" \
		"$cfgdir/race-batch-target-1.cfg" \
		"$cfgdir/race-batch-target-2.cfg" \
		"$cfgdir/race-batch-target-3.cfg" \
		"$cfgdir/race-batch-target-4.cfg" \
		"$cfgdir/race-batch-target-5.cfg" \
		"$cfgdir/race-batch-target-6.cfg" \
		"$cfgdir/race-batch-target-7.cfg" \
		"$cfgdir/race-batch-target-8.cfg"
	expect_exit "$p" 0
	expect_pass "$p" race-batch-mapper race
	for d in 1 2 3 4 5 6 7 8; do
		expect_pass "$p" "race-batch-target-$d" race
	done
	no_leak "$log"
	check "$p.no_frame_leaked" $? "$leak_why"
	fi
	[ "$strict" = 1 ] || return 0
	# 7. Strict: what xen-lite got wrong when this was written
	#    (docs/robustness.md): vCPUs started on a CPU that is busy with
	#    another vCPU, two domains sharing one CPU through a foreign
	#    mapping.
	if want strict_one_cpu; then
	p=$a.strict_one_cpu
	gencfg "$tmp/s-hello-smp.cfg" hello-smp hello 8 2 "shutdown=xl"
	gencfg "$tmp/s-target.cfg" foreign-target foreign 8 1 "role=target"
	gencfg "$tmp/s-mapper.cfg" foreign-mapper foreign 8 1 "role=mapper" \
		"privileged = true"
	run "$a" strict_one_cpu 1 256M 240 "$tmp/s-hello-smp.cfg" \
		"$tmp/s-target.cfg" "$tmp/s-mapper.cfg"
	expect_exit "$p" 0
	expect_pass "$p" hello-smp hello
	expect_pass "$p" foreign-target foreign
	expect_pass "$p" foreign-mapper foreign
	fi

}

for a in $arches; do
	case $a in
	riscv64 | arm64) run_arch "$a" ;;
	*) fail "$a" "unknown architecture" ;;
	esac
done
summary
