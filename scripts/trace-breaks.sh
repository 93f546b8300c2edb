#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What breaks isolation under stress: boot the patched kernel of ARCH and
# run the enter/leave stress test (stress_enter_leave, with every generator
# running) under guest/tracebreaks, which traces the interrupt, timer, IPI,
# context-tracking and task-isolation events of the isolated CPUs and
# prints, for every break, the events that led to it and a verdict (the
# first handler entered after the thread became ISOLATED).
# Not a pass/fail test: it explains the breaks the stress test counts.
#
# Writes build/results/trace-breaks-ARCH.txt; prints its last line:
#   tracebreaks breaks=<n> by_cause=<cause:n,...> by_entry=<entry:n,...> ...
#
# usage: trace-breaks.sh [-s SECONDS] ARCH...   (stress length, default 60)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

secs=60
while getopts "s:" o; do
	case $o in
	s) secs=$OPTARG ;;
	*) die "usage: trace-breaks.sh [-s SECONDS] ARCH..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || die "usage: trace-breaks.sh [-s SECONDS] ARCH..."
mkdir -p "$BUILD/results"

for arch in "$@"; do
	img=$BUILD/kernels/$arch-patched-debug/$(basename "$(kimage "$arch")")
	[ -f "$img" ] || die "no kernel at $img: run scripts/build-kernel.sh $arch patched debug"
	[ -x "$BUILD/guest/$arch/root/bin/tracebreaks" ] || "$TOP/scripts/build-guest.sh" "$arch"
	logf=$BUILD/logs/trace-breaks-$arch.log
	out=$BUILD/results/trace-breaks-$arch.txt
	log "trace-breaks $arch: ${secs}s of stress_enter_leave, log $logf"
	rc=0
	TI_CMDLINE_EXTRA="${TI_CMDLINE_EXTRA:-} TI_STRESS_S=$secs" \
		"$TOP/scripts/run-guest.sh" "$arch" "$img" "$BUILD/guest/$arch/initramfs.cpio" \
		"$logf" $((secs * 4 + 300)) \
		tracebreaks /selftests/task_isolation/task_isolation_test -t stress_enter_leave ||
		rc=$?
	sed -n '/^TI-PAYLOAD-BEGIN/,/^TI-PAYLOAD-END/p' "$logf" > "$out"
	last=$(grep '^tracebreaks breaks=' "$out" | tail -1 || true)
	[ -n "$last" ] || die "$arch: no summary from tracebreaks (log: $logf)"
	# The stress test's own counts, to set the breaks against.
	grep -E 'stress_enter_leave:CPU [0-9]+: ' "$out" | sed 's/^# [^:]*:[0-9]*:/  /' || true
	echo "$last"
	[ "$rc" -eq 0 ] || die "$arch: the stress test or the guest failed (log: $logf)"
done
