#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instruction-count guard: the cost of the entry paths the series touches,
# vanilla vs patched (series options on, no isolated task), as guest time
# under QEMU -accel tcg,thread=single -icount shift=0,sleep=off, where guest
# time is the number of instructions executed (1 ns each), so the figures
# repeat across boots.  This counts instructions, not cycles: a serializing
# instruction, a CR3 write, a TLB flush or a cache miss costs far more
# cycles than the one instruction it is here.  A guard, not a timing.
#
# Per arch, on a housekeeping CPU (1) and a nohz_full CPU (3), per
# operation (guest/costbench.c):
#   getpid  a null system call
#   fault   a minor page fault
#   irq     a membarrier(PRIVATE_EXPEDITED) from CPU 0 that IPIs a thread
#           spinning in user mode on the CPU: the caller's system call plus
#           the target's interrupt round trip from user mode
# and the instructions of one kernel entry that runs deferred work
# (a getpid() on CPU 3 right after a tracepoint toggle on CPU 0, minus a
# plain one; on the patched kernel it checks, in a separate traced pass,
# that every toggle was deferred to CPU 3 and flushed there).
#
# Last lines of build/results/cost-ARCH.txt (and stdout):
#   deferred <arch> <vanilla|patched> entry_with_work=<n> entry_without=<n> work=<n> ipis_per_toggle=<r>
#   overhead <arch> <housekeeping|nohz_full> <getpid|fault|irq> vanilla=<n> patched=<n> ratio=<r>
# <n> are instructions per operation (trimmed means for deferred).  On
# vanilla "entry_with_work" is the first entry after the toggle: the sync
# was done before it by ipis_per_toggle IPIs, each an interrupt entry.
#
# Fails (exit 1) when a ratio exceeds its target (COST_TARGET_HK, default
# 1.002, on housekeeping CPUs; COST_TARGET_NOHZ, default 1.01, on nohz_full
# CPUs), naming it, and when a control fails (IPIs that did not reach the
# target CPU, a toggle not deferred on the patched kernel).
#
# usage: cost.sh [-n] [-v VARIANT] [ARCH...]
#   -n  do not build (use the kernels and guest in build/ as they are)
#   -v  kernel variant: perf (default: no debug options, the series' debug
#       assertion off) or debug (the tested kernels)
# Environment: COST_ITERATIONS (getpid count, 200000; faults and irqs are
# a fraction of it), COST_DEFERRED_REPS (200).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=1
variant=perf
while getopts nv: opt; do
	case $opt in
	n) build=0 ;;
	v) variant=$OPTARG ;;
	*) die "usage: cost.sh [-n] [-v perf|debug] [ARCH...]" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- x86_64 arm64
N=${COST_ITERATIONS:-200000}
K=${COST_DEFERRED_REPS:-200}
T_HK=${COST_TARGET_HK:-1.002}
T_NOHZ=${COST_TARGET_NOHZ:-1.01}
# CPU 1 housekeeping, CPU 3 nohz_full (run-guest.sh: nohz_full=2-3); the
# irq test's caller is CPU 0.
tests=(getpid 1 "$N" getpid 3 "$N" fault 1 $((N / 4)) fault 3 $((N / 4))
       irq 0 1 $((N / 5)) irq 0 3 $((N / 5)) deferred 3 "$K")
mkdir -p "$BUILD/results" "$BUILD/logs"
fail=0
for arch in "$@"; do
	img=$(basename "$(kimage "$arch")")
	out=$BUILD/results/cost-$arch.txt
	if [ $build = 1 ]; then
		"$TOP/scripts/build-kernel.sh" "$arch" vanilla "$variant"
		"$TOP/scripts/build-kernel.sh" "$arch" patched "$variant"
		"$TOP/scripts/build-guest.sh" "$arch"
	fi
	: > "$out"
	echo "# $arch, $variant kernels, QEMU -icount shift=0,sleep=off: ns = instructions" >> "$out"
	for kind in vanilla patched; do
		logf=$BUILD/logs/cost-$arch-$kind.log
		log "cost $arch $kind ($variant)"
		echo "# $arch $kind: kernel $arch-$kind-$variant, commit $(cat "$BUILD/kernels/$arch-$kind-$variant/commit" 2>/dev/null || echo unknown)" >> "$out"
		TI_ACCEL=tcg,thread=single TI_QEMU_EXTRA="-icount shift=0,sleep=off" \
			"$TOP/scripts/run-guest.sh" "$arch" "$BUILD/kernels/$arch-$kind-$variant/$img" \
			"$BUILD/guest/$arch/initramfs.cpio" "$logf" 3600 costbench "${tests[@]}" ||
			die "cost $arch $kind: guest run failed (log: $logf)"
		sed -n -e "s/^cost /cost $arch $kind /p" -e "s/^# /# $arch $kind: /p" "$logf" >> "$out"
	done

	# Controls: the IPIs reached the target CPU; on the patched kernel
	# every toggle of the traced pass was deferred to CPU 3 and done
	# there, and the timed toggles did not IPI it (a stray interrupt may
	# land in a toggle: on vanilla the fair server visits CPU 3 about once
	# a second);
	# on vanilla the toggles did IPI CPU 3.
	bad=$(awk '
	function fields() { delete f; for (i = 5; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
	$1 == "cost" && $4 == "irq" {
		fields()
		if (f["target_call_ipis"] + 0 < f["iterations"] + 0)
			printf "%s %s irq cpu=%s: %s IPIs landed on the target for %s calls\n",
			       $2, $3, f["cpu"], f["target_call_ipis"], f["iterations"]
	}
	$1 == "cost" && $3 == "patched" && $4 == "deferred-verify" {
		fields()
		if (f["defers"] + 0 < f["toggles"] + 0 || f["flushes"] + 0 < f["toggles"] + 0)
			printf "%s patched: toggles not all deferred to CPU %s and done there: %s\n", $2, f["cpu"], $0
	}
	$1 == "cost" && $3 == "patched" && $4 == "deferred" {
		fields()
		if (f["ipis_per_toggle"] + 0 >= 1)
			printf "%s patched: the toggles still IPI CPU %s: %s\n", $2, f["cpu"], $0
	}
	$1 == "cost" && $3 == "vanilla" && $4 == "deferred" {
		fields()
		if (f["ipis_per_toggle"] + 0 == 0)
			printf "%s vanilla: the toggles sent CPU %s no IPI (nothing to defer?)\n", $2, f["cpu"]
	}' "$out")
	if [ -n "$bad" ]; then
		echo "$bad" | sed 's/^/control failed: /' | tee -a "$out" >&2
		fail=1
	fi

	# Summary lines, written apart first: awk must not read what tee appends.
	awk -v ARCH="$arch" '
	$1 == "cost" && $4 == "deferred" {
		delete f
		for (i = 5; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		w = f["with_mean"] - f["without_mean"]
		printf "deferred %s %s entry_with_work=%.0f entry_without=%.0f work=%d ipis_per_toggle=%s\n",
		       ARCH, $3, f["with_mean"], f["without_mean"], int(w + (w < 0 ? -0.5 : 0.5)), f["ipis_per_toggle"]
	}' "$out" > "$out.summary"
	awk -v ARCH="$arch" '
	$1 == "cost" && ($4 == "getpid" || $4 == "fault" || $4 == "irq") {
		split($5, c, "="); split($7, v, "=")
		kind = c[2] == 3 ? "nohz_full" : "housekeeping"
		ns[$3, kind, $4] = v[2]; seen[kind, $4] = 1
	}
	END {
		n = split("getpid fault irq", tests, " ")
		for (k = 1; k <= 2; k++) {
			kind = k == 1 ? "housekeeping" : "nohz_full"
			for (t = 1; t <= n; t++) {
				if (!((kind, tests[t]) in seen))
					continue
				va = ns["vanilla", kind, tests[t]]; pa = ns["patched", kind, tests[t]]
				printf "overhead %s %s %s vanilla=%.1f patched=%.1f ratio=%.4f\n",
				       ARCH, kind, tests[t], va, pa, pa / va
			}
		}
	}' "$out" > "$out.overhead"
	cat "$out.summary" "$out.overhead" | tee -a "$out"
	over=$(awk -v THK="$T_HK" -v TNOHZ="$T_NOHZ" '{
		split($7, r, "="); t = $3 == "nohz_full" ? TNOHZ : THK
		if (r[2] + 0 > t + 0)
			printf "over target: %s %s %s ratio=%s > %s\n", $2, $3, $4, r[2], t
	}' "$out.overhead")
	rm -f "$out.summary" "$out.overhead"
	if [ -n "$over" ]; then
		echo "$over" >&2
		fail=1
	fi
done
exit $fail
