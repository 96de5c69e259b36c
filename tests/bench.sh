#!/usr/bin/env bash
# 'make bench': run every tests/bench/*.sh, collect their figures and chart
# them.
#
# usage: tests/bench.sh [NAME...]     (NAME = a script's name without .sh;
#                                      default: every script, in name order)
#        tests/bench.sh --report      table and chart again from the last
#                                      build/bench/results.txt
#        tests/bench.sh --docs        'make bench-docs': copy the last
#                                      results' chart to docs/benchmarks.png
#                                      and their table into docs/benchmarks.md
#
# Each script prints its figures as lines "BENCH <name> <value> <unit>"
# (a missing unit is recorded as "-"; anything else a script prints is kept
# in its log only). This driver:
#   - runs the scripts one after the other (figures from QEMU guests use
#     -icount shift=0 and do not depend on host load; host figures do, so
#     nothing else runs meanwhile), with srctree and BENCH_OUT (a scratch
#     directory of their own under build/bench/) in the environment;
#   - keeps each script's output in build/bench/logs/<script>.log;
#   - writes every BENCH line, in order, to build/bench/results.txt and
#     prints them;
#   - writes build/bench/results.md (a Markdown table, the one in
#     docs/benchmarks.md) and, with gnuplot, build/bench/benchmarks.png
#     (bar panels per unit, at most 14 figures each, log scale where the
#     values span more than a factor of 100).
# Results, table and chart go to build/bench/ only, and the scripts write
# nothing outside build/ (their own scratch and logs: build/bench/<script>/,
# build/bench-<arch>/, built guests and tools), so a benchmark run leaves
# the checkout clean; only --docs refreshes the tracked docs/benchmarks.png
# and the table between the "make bench-docs" markers of
# docs/benchmarks.md.
# It prints "ok bench.<script>" or "FAIL bench.<script>" for each script
# (FAIL: non-zero exit status or no BENCH line) and ends with
# "bench: N passed, N failed".
set -uo pipefail
srctree=$(cd "$(dirname "$0")/.." && pwd)
benchdir=${BENCH_DIR:-$srctree/tests/bench}
out=$srctree/build/bench
results=$out/results.txt
mkdir -p "$out/logs"
report_only=0
docs=0
if [ "${1:-}" = --docs ]; then
	docs=1
	set -- --report
fi
if [ "${1:-}" = --report ]; then
	report_only=1
	shift
	[ -f "$results" ] || { echo "bench: no build/bench/results.txt yet"; exit 1; }
else
	: >"$results"
fi
export srctree

scripts=()
if [ "$report_only" = 1 ]; then
	:
elif [ $# -gt 0 ]; then
	for n in "$@"; do
		scripts+=("$benchdir/${n%.sh}.sh")
	done
else
	for s in "$benchdir"/*.sh; do
		[ -e "$s" ] && scripts+=("$s")
	done
fi

# A figure's value: a decimal number, optionally signed, with an exponent.
num='[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?'
suite=bench
. "$srctree/tests/lib/result.sh"
if [ ${#scripts[@]} -eq 0 ] && [ "$report_only" = 0 ]; then
	echo "bench: no benchmark scripts in ${benchdir#"$srctree"/}/"
fi
for s in "${scripts[@]}"; do
	name=$(basename "$s" .sh)
	log=$out/logs/$name.log
	if [ ! -f "$s" ]; then
		fail "$name" "no such script ${s#"$srctree"/}"
		continue
	fi
	echo "== bench $name"
	mkdir -p "$out/$name"
	t0=$(date +%s)
	BENCH_OUT=$out/$name bash "$s" >"$log" 2>&1
	rc=$?
	t=$(($(date +%s) - t0))
	# Keep well-formed figures only: a name, a number, a unit.
	# A line without a unit gets "-" (dimensionless).
	grep -E "^BENCH [^ ]+ $num( [^ ]+)? *\$" "$log" |
		awk '{ print $1, $2, $3, ($4 == "" ? "-" : $4) }' >"$out/$name.txt"
	n=$(wc -l <"$out/$name.txt")
	cat "$out/$name.txt" | tee -a "$results"
	bad=$(grep -E '^BENCH' "$log" | grep -cvE "^BENCH [^ ]+ $num( [^ ]+)? *\$")
	if [ "$rc" -eq 0 ] && [ "$n" -gt 0 ]; then
		[ "$bad" = 0 ] && bad=""
		ok "$name ($n figures in $t s${bad:+, $bad malformed BENCH lines ignored})"
	else
		result_lines=5 fail "$name (exit status $rc, $n figures in $t s)" \
			"see build/bench/logs/$name.log" "$log"
	fi
done

# The Markdown table: one row per figure, in the order they were printed.
{
	echo "| Figure | Value | Unit |"
	echo "|---|---:|---|"
	awk '{ printf "| `%s` | %s | %s |\n", $2, $3, $4 }' "$results"
} >"$out/results.md"

# The chart: panels per unit (values in different units do not share an
# axis) of at most 14 figures each, bars labelled with the figure names.
chart() {
	local plot=$out/plot units panels=() rows cols h w i u f n lo
	rm -rf "$plot"
	mkdir -p "$plot"
	mapfile -t units < <(awk '{ print $4 }' "$results" | awk '!seen[$0]++')
	[ ${#units[@]} -gt 0 ] || return 1
	i=0
	for u in "${units[@]}"; do
		awk -v u="$u" '$4 == u' "$results" >"$plot/unit.txt"
		split -l 14 -d -a 3 "$plot/unit.txt" "$plot/part."
		for f in "$plot"/part.*; do
			awk '{ printf "%d \"%s\" %s\n", n++, $2, $3 }' "$f" \
				>"$plot/$i.dat"
			panels+=("$i $u")
			rm -f "$f"
			i=$((i + 1))
		done
	done
	cols=1
	[ ${#panels[@]} -gt 3 ] && cols=2
	rows=$(((${#panels[@]} + cols - 1) / cols))
	w=$((cols * 650))
	h=$((rows * 380 + 40))
	{
		echo "set terminal pngcairo size $w,$h font 'sans,9' noenhanced"
		echo "set output '$out/benchmarks.png'"
		echo "set multiplot layout $rows,$cols title 'xen-lite make bench ($(date -u +%Y-%m-%d), $(git -C "$srctree" rev-parse --short HEAD 2>/dev/null || echo '?'))'"
		echo "set style fill solid 0.6 border -1"
		echo "set boxwidth 0.7"
		echo "set grid ytics"
		echo "set xtics rotate by 35 right nomirror font ',7'"
		echo "set key off"
		echo "set bmargin 9"
		echo "set lmargin 12"
		echo "set yrange [0:*]"
		for f in "${panels[@]}"; do
			i=${f%% *}
			u=${f#* }
			n=$(wc -l <"$plot/$i.dat")
			[ "$n" -lt 4 ] && n=4
			echo "set xrange [-0.6:$n - 0.4]"
			# Log scale when the figures span more than 100x, down
			# to half the smallest (a fixed floor hid figures < 1).
			lo=$(awk '$3 > 0 { if (!mn || $3 < mn) mn = $3; if ($3 > mx) mx = $3 }
				END { if (mn && mx / mn > 100) print mn / 2 }' "$plot/$i.dat")
			if [ -n "$lo" ]; then
				echo "set logscale y; set yrange [$lo:*]"
			else
				echo "unset logscale y; set yrange [0:*]"
			fi
			echo "set ylabel '$u'"
			echo "plot '$plot/$i.dat' using 1:3:xtic(2) with boxes lc rgb '#4477aa', \\"
			echo "     '' using 1:3:(sprintf('%g', \$3)) with labels offset 0,0.6 font 'sans,8'"
		done
		echo "unset multiplot"
	} >"$plot/chart.gp"
	gnuplot "$plot/chart.gp" >"$out/logs/gnuplot.log" 2>&1
}

# The Xen side-by-side chart (tests/bench/xen-arm64.sh), in
# build/bench/benchmarks-xen.png: on the left each figure F with
# arm64.xen.F in the results, xen-lite's arm64.F beside Xen's, as clustered
# bars (log scale); on the right the Linux ratios to the native run
# (boot, run, workload: 1.0 is native speed) of both, when present.
xen_chart() {
	local plot=$out/plot dat lin
	dat=$plot/xen.dat
	lin=$plot/xen-linux.dat
	mkdir -p "$plot"
	awk '
		{ v[$2] = $3 }
		$2 ~ /^arm64\.xen\..*_ns$/ { f = substr($2, 11); order[n++] = f }
		END {
			for (i = 0; i < n; i++) {
				f = order[i]
				if (("arm64." f) in v) {
					l = f; sub(/_ns$/, "", l); gsub(/_/, " ", l)
					printf "\"%s\" %s %s\n", l, v["arm64." f], v["arm64.xen." f]
				}
			}
		}' "$results" >"$dat"
	[ -s "$dat" ] || return 1
	awk '
		{ v[$2] = $3 }
		END {
			split("linux_boot_ratio linux_run_ratio workload_ratio", f)
			split("Linux boot|Linux run|workload", l, "|")
			for (i = 1; i <= 3; i++)
				if (("arm64." f[i]) in v && ("arm64.xen." f[i]) in v)
					printf "\"%s\" %s %s\n", l[i], v["arm64." f[i]], v["arm64.xen." f[i]]
		}' "$results" >"$lin"
	{
		cat <<EOG
set terminal pngcairo size 1300,520 font ",10"
set output "$out/benchmarks-xen.png"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -25 scale 0
set grid ytics
set key top left
EOG
		if [ -s "$lin" ]; then
			echo 'set multiplot title "arm64, QEMU virt: xen-lite and Xen 4.17 (Debian), same guests"'
			echo "set origin 0,0"; echo "set size 0.68,0.94"
		else
			echo 'set title "arm64, QEMU virt -icount shift=0: xen-lite and Xen 4.17 (Debian), same guests, ns = instructions"'
		fi
		cat <<EOG
set logscale y
set yrange [100:*]
set ylabel "ns (log), -icount shift=0: ns = instructions"
plot "$dat" using 2:xtic(1) title "xen-lite" lc rgb "#1b9e77", \\
     "" using 3 title "Xen 4.17" lc rgb "#d95f02"
EOG
		if [ -s "$lin" ]; then
			cat <<EOG
set origin 0.68,0
set size 0.32,0.94
unset logscale y
set yrange [0.9:*]
set ylabel "time / native time (1.0 = native)"
set title "Linux domain against native"
plot "$lin" using 2:xtic(1) title "xen-lite" lc rgb "#1b9e77", \\
     "" using 3 title "Xen 4.17" lc rgb "#d95f02"
unset multiplot
EOG
		fi
	} >"$plot/xen.gp"
	gnuplot "$plot/xen.gp" >>"$out/logs/gnuplot.log" 2>&1
}

# --docs: the last run's chart (drawn again only if it is missing or
# older than the results, so its title keeps the run's date and commit)
# and table into the tracked docs.
if [ "$docs" = 1 ]; then
	doc=$srctree/docs/benchmarks.md
	begin='<!-- make bench-docs: table start -->'
	end='<!-- make bench-docs: table end -->'
	if [ "$(grep -cxF -e "$begin" -e "$end" "$doc")" != 2 ]; then
		echo "bench: docs/benchmarks.md lacks the lines '$begin' and '$end'"
		exit 1
	fi
	if [ ! "$out/benchmarks.png" -nt "$results" ]; then
		command -v gnuplot >/dev/null && chart ||
			{ echo "bench: no chart (gnuplot missing or failed)"; exit 1; }
	fi
	cp "$out/benchmarks.png" "$srctree/docs/benchmarks.png"
	if command -v gnuplot >/dev/null && xen_chart; then
		cp "$out/benchmarks-xen.png" "$srctree/docs/benchmarks-xen.png"
	fi
	awk -v b="$begin" -v e="$end" -v t="$out/results.md" '
		$0 == e { skip = 0 }
		!skip { print }
		$0 == b { while ((getline l < t) > 0) print l; skip = 1 }
	' "$doc" >"$out/benchmarks.md.new" && mv "$out/benchmarks.md.new" "$doc"
	echo "bench: docs/benchmarks.png and the table in docs/benchmarks.md" \
		"from build/bench/results.txt ($(wc -l <"$results") figures)"
	exit 0
fi

if [ -s "$results" ]; then
	if ! command -v gnuplot >/dev/null; then
		echo "bench: gnuplot not found (apt-get install gnuplot-nox); no chart"
	elif chart; then
		echo "bench: chart in build/bench/benchmarks.png (build/bench/plot/chart.gp);" \
			"'make bench-docs' copies it and the table into docs/"
		xen_chart && echo "bench: Xen side-by-side chart in build/bench/benchmarks-xen.png"
	else
		echo "bench: gnuplot failed, see build/bench/logs/gnuplot.log"
		cat "$out/logs/gnuplot.log"
	fi
fi
echo "bench: $(wc -l <"$results") figures in build/bench/results.txt, table in build/bench/results.md"
summary
