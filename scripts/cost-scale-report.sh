#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Table and picture of a cost-scale.sh run: per arch and test, the
# instructions per operation at each vCPU count, vanilla / patched and
# their ratio; for the senders, the patched kernel's cost per isolated CPU
# (the slope between the smallest and the largest count).  The probe's
# cost per IPI is irq-iso minus irq-spin on the patched kernel, minus the
# same difference on vanilla (the isolated spinners' longer loop).
#
# usage: cost-scale-report.sh [ARCH...]
#   (reads build/results/cost-scale-ARCH.txt; writes cost-scale.md and
#   cost-scale.png there, and prints the table)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || set -- x86_64 arm64
res=$BUILD/results
md=$res/cost-scale.md
png=$res/cost-scale.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
for arch in "$@"; do
	f=$res/cost-scale-$arch.txt
	[ -s "$f" ] || { log "no scaling results for $arch ($f)"; continue; }
	echo "### $arch: instructions per operation, vanilla / patched (ratio)"
	echo
	awk '$1 == "scale" { split($4, v, "="); split($5, i, "="); split($7, w, "=")
		vc[v[2]] = i[2]; t[$6] = 1; ns[$3, v[2], $6] = w[2] }
	END {
		nv = 0; for (x in vc) vs[++nv] = x + 0
		for (a = 1; a <= nv; a++) for (b = a + 1; b <= nv; b++) if (vs[b] < vs[a]) { s = vs[a]; vs[a] = vs[b]; vs[b] = s }
		printf "| test |"; for (a = 1; a <= nv; a++) printf " %d vCPUs, %d isolated |", vs[a], vc[vs[a]]
		printf "\n|---|"; for (a = 1; a <= nv; a++) printf "---:|"; printf "\n"
		n = split("getpid@cpu1 getpid@cpu3 fault@cpu1 fault@cpu3 irq@cpu1 irq@cpu3 sender-patch sender-vmstat irq-spin irq-iso irq2 irq-probe", order, " ")
		for (k = 1; k <= n; k++) {
			x = order[k]; if (!(x in t)) continue
			printf "| %s |", x
			for (a = 1; a <= nv; a++) {
				va = ns["vanilla", vs[a], x]; pa = ns["patched", vs[a], x]
				if (va == "" || pa == "") { printf " - |"; continue }
				printf " %.0f / %.0f (%.4f) |", va, pa, pa / va
			}
			printf "\n"
		}
		# The spinners of irq-iso run a longer loop (they poll their
		# state word): the same difference on vanilla, where they cannot
		# isolate, is that part, and is subtracted.
		printf "| IPI attribution probe per IPI: (irq-iso - irq-spin) patched minus vanilla |"
		for (a = 1; a <= nv; a++) printf " %.0f |", (ns["patched", vs[a], "irq-iso"] - ns["patched", vs[a], "irq-spin"]) - (ns["vanilla", vs[a], "irq-iso"] - ns["vanilla", vs[a], "irq-spin"])
		printf "\n"
		printf "| IPI to two CPUs without an isolated thread, probes registered: (irq-probe - irq2) patched minus vanilla |"
		for (a = 1; a <= nv; a++) printf " %.0f |", (ns["patched", vs[a], "irq-probe"] - ns["patched", vs[a], "irq2"]) - (ns["vanilla", vs[a], "irq-probe"] - ns["vanilla", vs[a], "irq2"])
		printf "\n"
		for (k = 7; k <= 8; k++) {
			x = order[k]; if (!(x in t) || nv < 2) continue
			lo = vs[1]; hi = vs[nv]
			printf "\n%s, patched: %.0f instructions per isolated CPU (%d -> %d isolated); vanilla: %.0f\n", x,
			       (ns["patched", hi, x] - ns["patched", lo, x]) / (vc[hi] - vc[lo]), vc[lo], vc[hi],
			       (ns["vanilla", hi, x] - ns["vanilla", lo, x]) / (vc[hi] - vc[lo])
		}
	}' "$f"
	echo
	awk '$1 == "scale" && ($6 == "sender-patch" || $6 == "sender-vmstat") {
		split($5, i, "="); split($7, n, "="); print $3, $6, i[2], n[2] }' "$f" |
		sort -k3,3n > "$tmp/$arch.dat"
done
} | tee "$md"

if command -v gnuplot >/dev/null && ls "$tmp"/*.dat >/dev/null 2>&1; then
	n=$(ls "$tmp"/*.dat | wc -l)
	{
		echo "set terminal pngcairo size $((560 * n)),420 font 'sans,10' noenhanced"
		echo "set output '$png'"
		echo "set multiplot layout 1,$n title 'Cost of one operation on CPU 0 while every isolated CPU spins in user mode (instructions, QEMU -icount)'"
		echo "set logscale y; set xlabel 'isolated CPUs'; set ylabel 'instructions per operation'; set grid; set key top left"
		for f in "$tmp"/*.dat; do
			a=$(basename "$f" .dat)
			echo "set title '$a'"
			echo "plot '< grep \"^vanilla sender-patch\" $f' using 3:4 title 'text patch, 6.12' with linespoints lc rgb '#c0392b', \
'< grep \"^patched sender-patch\" $f' using 3:4 title 'text patch, series' with linespoints lc rgb '#2471a3', \
'< grep \"^vanilla sender-vmstat\" $f' using 3:4 title 'vmstat_refresh, 6.12' with linespoints dt 2 lc rgb '#c0392b', \
'< grep \"^patched sender-vmstat\" $f' using 3:4 title 'vmstat_refresh, series' with linespoints dt 2 lc rgb '#2471a3'"
		done
		echo "unset multiplot"
	} > "$tmp/plot.gp"
	gnuplot "$tmp/plot.gp" && log "wrote $png"
fi
