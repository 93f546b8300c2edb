#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Cost of the entry paths the series touches, vanilla vs patched (series
# options on, no isolated task), as guest time under QEMU
# -icount shift=0,sleep=off: guest time follows instructions, so the figures
# repeat across boots.  This counts instructions, not cycles (a serializing
# instruction or a cache miss costs far more cycles than one instruction):
# a guard, not a timing.
#
# usage: cost.sh [ARCH...]      -> build/results/cost-ARCH.txt
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- x86_64 arm64
N=${COST_ITERATIONS:-200000}
tests=(getpid 0 "$N" getpid 3 "$N" fault 0 $((N / 4)) fault 3 $((N / 4)) pingpong 2 3 $((N / 20)))
mkdir -p "$BUILD/results"
for arch in "$@"; do
	img=$(basename "$(kimage "$arch")")
	out=$BUILD/results/cost-$arch.txt
	: > "$out"
	for kind in vanilla patched; do
		logf=$BUILD/logs/cost-$arch-$kind.log
		TI_ACCEL=tcg,thread=single TI_QEMU_EXTRA="-icount shift=0,sleep=off" \
			"$TOP/scripts/run-guest.sh" "$arch" "$BUILD/kernels/$arch-$kind-debug/$img" \
			"$BUILD/guest/$arch/initramfs.cpio" "$logf" 1800 costbench "${tests[@]}" ||
			die "cost $arch $kind: guest run failed (log: $logf)"
		sed -n "s/^cost /cost $arch $kind /p" "$logf" >> "$out"
	done
	awk '$3=="vanilla" {v[$4" "$5]=$7} $3=="patched" {p[$4" "$5]=$7}
	     END { for (k in v) { split(v[k], a, "="); split(p[k], b, "=");
		   printf "overhead %s %s vanilla=%s patched=%s ratio=%.4f\n", ARCH, k, a[2], b[2], b[2] / a[2] } }' \
		ARCH="$arch" "$out" | sort | tee -a "$out"
done
