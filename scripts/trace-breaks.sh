#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What breaks isolation under stress: boot the patched kernel of ARCH and
# run the enter/leave stress test (stress_enter_leave, with every generator
# running) under guest/tracebreaks, which traces the interrupt, timer, IPI,
# context-tracking and task-isolation events of the isolated CPUs and
# prints, for every break, the events that led to it and a verdict (the
# first handler entered after the thread became ISOLATED and returned to
# user mode).  Not a pass/fail test of the series: it explains the breaks
# the stress test counts.  It fails when the stress test fails or when
# trace events were lost or left unread (the counts would be incomplete).
#
# Writes build/results/trace-breaks-ARCH.txt; prints the stress test's
# counts and tracebreaks' last line:
#   tracebreaks breaks=<n> by_cause=<cause:n,...> by_entry=<entry:n,...> ...
#
# usage: trace-breaks.sh [-s SECONDS] ARCH...   (stress length, default 60)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: trace-breaks.sh [-s SECONDS] ARCH..."
secs=60
while getopts "s:" o; do
	case $o in
	s) secs=$OPTARG ;;
	*) die "$usage" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || die "$usage"
[[ $secs =~ ^[1-9][0-9]*$ ]] || die "-s wants a number of seconds, not '$secs'"
for arch in "$@"; do
	cross_compile "$arch" > /dev/null	# dies on an unknown arch
done
mkdir -p "$BUILD/results"

failed=()
for arch in "$@"; do
	img=$BUILD/kernels/$arch-patched-debug/$(basename "$(kimage "$arch")")
	[ -f "$img" ] || die "no kernel at $img: run scripts/build-kernel.sh $arch patched debug"
	[ -x "$BUILD/guest/$arch/root/bin/tracebreaks" ] || "$TOP/scripts/build-guest.sh" "$arch"
	logf=$BUILD/logs/trace-breaks-$arch.log
	out=$BUILD/results/trace-breaks-$arch.txt
	log "trace-breaks $arch: ${secs}s of stress_enter_leave, log $logf"
	rc=0
	# The stress test, the guest's boot and tracebreaks' drain (120 s at most).
	TI_CMDLINE_EXTRA="${TI_CMDLINE_EXTRA:-} TI_STRESS_S=$secs" \
		"$TOP/scripts/run-guest.sh" "$arch" "$img" "$BUILD/guest/$arch/initramfs.cpio" \
		"$logf" $((secs * 4 + 420)) \
		tracebreaks /selftests/task_isolation/stress_test -t stress_enter_leave ||
		rc=$?
	if [ ! -f "$logf" ]; then
		echo "$arch: no guest log at $logf" >&2
		failed+=("$arch")
		continue
	fi
	sed -n '/^TI-PAYLOAD-BEGIN/,/^TI-PAYLOAD-END/p' "$logf" > "$out"
	# The stress test's own counts, to set the breaks against.
	grep -E 'stress_enter_leave:CPU [0-9]+: ' "$out" | sed 's/^# [^:]*:[0-9]*:/  /' || true
	last=$(grep '^tracebreaks breaks=' "$out" | tail -1 || true)
	if [ -z "$last" ]; then
		echo "$arch: no summary from tracebreaks (log: $logf)" >&2
		failed+=("$arch")
		continue
	fi
	echo "$last"
	if [ "$rc" -ne 0 ]; then
		echo "$arch: the stress test failed, or trace events were lost (log: $logf)" >&2
		failed+=("$arch")
	fi
done
[ ${#failed[@]} -eq 0 ] || die "trace-breaks failed for: ${failed[*]}"
