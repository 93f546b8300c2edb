#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Markdown report of a field run (bench.sh -V distro): per arch and source,
# vanilla beside patched, what the isolated CPU received (/proc/interrupts
# rows), the breaks and their causes, the IPIs sent toward the isolated
# CPUs by sending call site (ipi_send_* tracepoints), the deferrals and
# the generator's rounds (its positive control: the load ran).
#
# usage: field-report.sh [ARCH...]   (reads $BUILD/results/field-ARCH-KIND.txt)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || set -- x86_64 arm64
res=$BUILD/results

# One line per generator: gen|irqs|irq rows|breaks|causes|ipis|callsites|deferred|ops|csd funcs
parse() {
	awk '
	/^# generator=/ { delete r; g = $2; sub(/generator=/, "", g); r["rows"] = "-"; r["callsites"] = "-"
			  r["causes"] = "-"; r["ops"] = "-"; r["deferred"] = "-"; r["csd"] = "-" }
	/^# cpu[0-9]+ interrupts:/ { s = $0; sub(/^# cpu[0-9]+ interrupts: */, "", s); gsub(/=\+/, ":", s); r["rows"] = s }
	/^# ipis by callsite:/ { s = $0; sub(/^# ipis by callsite: */, "", s); gsub(/=/, ":", s); r["callsites"] = s }
	/^# csd functions for the isolated CPUs:/ { s = $0; sub(/^# csd functions for the isolated CPUs: */, "", s); gsub(/=/, ":", s); r["csd"] = s }
	/^# control:/ { o = 0; for (i = 1; i <= NF; i++) { split($i, kv, "=")
			  if (kv[1] == "deferred") r["deferred"] = kv[2]
			  if (kv[1] ~ /_ops$/) o += kv[2] }
			r["ops"] = o }
	/^# task isolation: strict/ { s = $0; sub(/.*breaks in the window: */, "", s); gsub(/=/, ":", s); r["causes"] = s }
	/^result / { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		     printf "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n", g, f["isolated_cpu_interrupts"], r["rows"],
			    f["isolation_breaks"], r["causes"], f["ipis_targeted"], r["callsites"],
			    r["deferred"], r["ops"], r["csd"] }' "$1"
}

for arch in "$@"; do
	v=$res/field-$arch-vanilla.txt
	p=$res/field-$arch-patched.txt
	if [ ! -f "$v" ] || [ ! -f "$p" ]; then
		log "no field results for $arch ($v, $p)"
		continue
	fi
	secs=$(sed -n 's/^result .* seconds=\([0-9]*\).*/\1/p' "$p" | head -1)
	echo "### $arch, ${secs}s per source"
	echo
	echo "| source | vanilla: CPU 3 interrupts | vanilla: IPIs to CPUs 2-3 (senders) | patched: CPU 3 interrupts | patched: breaks (causes) | patched: IPIs to CPUs 2-3 (senders) | patched: csd functions for CPUs 2-3 | patched: deferrals | rounds (v/p) |"
	echo "|---|---|---|---|---|---|---|---:|---:|"
	join -t'|' -j1 <(parse "$v" | sort -t'|' -k1,1) <(parse "$p" | sort -t'|' -k1,1) |
		awk -F'|' '{ printf "| %s | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s | %s | %s/%s |\n",
			$1, $2, $3, $6, $7, $11, $12, $13, $14, $15, $16, $19, $17, $9, $18 }'
	echo
done
