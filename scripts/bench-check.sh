#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check the patched kernel's benchmark lines (build/results/bench-summary.txt,
# written by bench.sh): for each ARCH and each generator that task isolation
# must absorb (all of them), CPU 3 took no interrupt and its strict-isolated
# spinner no break.  Fails naming every line that does not hold.
#
# usage: bench-check.sh [-g GENERATORS] ARCH...   (default: every generator)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

gens=idle,patch,vmalloc,lru,vmstat,all
while getopts "g:" o; do
	case $o in
	g) gens=$OPTARG ;;
	*) die "usage: bench-check.sh [-g GENERATORS] ARCH..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- x86_64 arm64
summary=$BUILD/results/bench-summary.txt
[ -s "$summary" ] || die "no $summary: run scripts/bench.sh first"

bad=0
for arch in "$@"; do
	for g in $(echo "$gens" | tr ',' ' '); do
		line=$(grep -E "^bench $arch patched generator=$g " "$summary" || true)
		if [ -z "$line" ]; then
			echo "bench-check: no patched line for $arch generator=$g" >&2
			bad=1
			continue
		fi
		case "$line" in
		*" isolated_cpu_interrupts=0 isolation_breaks=0 "*)
			echo "ok   $line" ;;
		*)
			echo "FAIL $line (want isolated_cpu_interrupts=0 isolation_breaks=0)"
			bad=1 ;;
		esac
	done
done
[ $bad -eq 0 ]
