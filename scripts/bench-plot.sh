#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Picture of a benchmark summary: interrupts received by the isolated CPU
# per generator, vanilla vs patched, one panel per arch (PNG, gnuplot).
#
# A zero is drawn at the floor of the log axis (no visible bar), labelled 0.
#
# usage: bench-plot.sh [SUMMARY] [OUT.png]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need gnuplot
sum=${1:-$BUILD/results/bench-summary.txt}
png=${2:-$BUILD/results/bench.png}
[ -s "$sum" ] || die "no benchmark summary at $sum; run scripts/bench.sh first"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
secs=$(sed -n 's/.* seconds=\([0-9]*\).*/\1/p' "$sum" | head -1)
arches=$(awk '$1 == "bench" {print $2}' "$sum" | sort -u)
n=0
for a in $arches; do
	awk -v a="$a" '$1 == "bench" && $2 == a { for (i = 4; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		g = f["generator"]; if (!(g in seen)) { seen[g] = 1; order[++n] = g }
		v[g, $3] = f["isolated_cpu_interrupts"] }
		END { for (i = 1; i <= n; i++) { g = order[i]; printf "%s %d %d\n", g, v[g, "vanilla"] + 0, v[g, "patched"] + 0 } }' \
		"$sum" > "$tmp/$a.dat"
	n=$((n + 1))
done
{
	echo "set terminal pngcairo size $((520 * n)),420 font 'sans,10' noenhanced"
	echo "set output '$png'"
	echo "set multiplot layout 1,$n title 'Interrupts on the isolated CPU (nohz_full CPU 3, task spinning in user mode), ${secs}s per generator'"
	echo "set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8 border -1"
	echo "set logscale y; set yrange [0.5:300000]; set ylabel 'interrupts (log scale; 0 = no bar)'; set grid ytics"
	echo "set xtics rotate by -30; set key top right"
	for a in $arches; do
		echo "set title '$a'"
		echo "plot '$tmp/$a.dat' using (\$2 > 0 ? \$2 : 0.5):xtic(1) title 'vanilla 6.12' lc rgb '#c0392b', '' using (\$3 > 0 ? \$3 : 0.5) title 'patched' lc rgb '#2471a3', '' using 0:(\$2 > 0 ? \$2 : 1):(sprintf('%d', \$2)) with labels font ',8' offset -1.2,0.7 notitle, '' using 0:(\$3 > 0 ? \$3 : 1):(sprintf('%d', \$3)) with labels font ',8' offset 1.2,0.7 notitle"
	done
	echo "unset multiplot"
} > "$tmp/plot.gp"
gnuplot "$tmp/plot.gp"
log "wrote $png"
