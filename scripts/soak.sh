#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Soak: boot the patched kernel of each ARCH and run every benchmark
# generator at once for a long window (default 600 s) against the
# strict-isolated spinner on CPU 3.  Passes when CPU 3 took no interrupt
# and the spinner no break; prints one line per arch:
#
#   soak <arch> generator=all isolated_cpu_interrupts=<n> isolation_breaks=<n>
#        ipis_targeted=<n> seconds=<n> vmalloc_purges=<n> deferred=<n>
#
# usage: soak.sh [-s SECONDS] ARCH...   (kernels and guest must be built)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

secs=600
while getopts "s:" o; do
	case $o in
	s) secs=$OPTARG ;;
	*) die "usage: soak.sh [-s SECONDS] ARCH..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- x86_64 arm64

res=$BUILD/results
mkdir -p "$res"
bad=0
for arch in "$@"; do
	img=$BUILD/kernels/$arch-patched-debug/$(basename "$(kimage "$arch")")
	logf=$BUILD/logs/soak-$arch.log
	log "soak $arch: ${secs}s, all generators, log $logf"
	t0=$(date +%s)
	"$TOP/scripts/run-guest.sh" "$arch" "$img" "$BUILD/guest/$arch/initramfs.cpio" \
		"$logf" $((300 + secs)) tibench -s "$secs" -g all ||
		die "soak $arch: guest run failed (log: $logf)"
	ctl=$(grep -m1 '^# control:' "$logf" || true)
	line=$(grep -m1 '^result generator=all ' "$logf" || true)
	[ -n "$line" ] || die "soak $arch: no result line (log: $logf)"
	purges=$(sed -n 's/.*vmalloc_purges=\([0-9]*\).*/\1/p' <<< "$ctl")
	deferred=$(sed -n 's/.*deferred=\([0-9na]*\).*/\1/p' <<< "$ctl")
	out="soak $arch ${line#result } vmalloc_purges=${purges:-?} deferred=${deferred:-?} wall=$(( $(date +%s) - t0 ))s"
	out=${out/ env=ok/}
	echo "$out" | tee -a "$res/soak.txt"
	case "$line" in
	*" isolated_cpu_interrupts=0 isolation_breaks=0 "*" env=ok") ;;
	*) echo "soak $arch: FAIL (want isolated_cpu_interrupts=0 isolation_breaks=0 env=ok)" >&2
	   bad=1 ;;
	esac
done
[ $bad -eq 0 ]
