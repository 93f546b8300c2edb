#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The enter/leave stress (stress_test's stress_enter_leave) on
# guests with many vCPUs (issue 16): a loop entering and leaving isolation
# on every isolated CPU (all but CPUs 0-1) while the four generators run
# flat out on CPUs 0-1.  The "scale" kernels (test config, NR_CPUS=16).
# Ends with "scale-stress: N passed, N failed"; one line per run in
# build/results/scale-stress.txt (scale-stress-$TI_STRESS_OUT_TAG.txt when
# set, so that two runs, one per arch, can go side by side).
#
# usage: scale-stress.sh [-s SECONDS] [-n VCPUS,...] ARCH...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

secs=60 counts=8,16
while getopts "s:n:" o; do
	case $o in
	s) secs=$OPTARG ;;
	n) counts=$OPTARG ;;
	*) die "usage: scale-stress.sh [-s SECONDS] [-n VCPUS,...] ARCH..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- x86_64 arm64
out=$BUILD/results/scale-stress${TI_STRESS_OUT_TAG:+-$TI_STRESS_OUT_TAG}.txt
mkdir -p "$BUILD/results"
: > "$out"
pass=0 fail=0
for arch in "$@"; do
	"$TOP/scripts/build-kernel.sh" "$arch" patched scale
	"$TOP/scripts/build-guest.sh" "$arch"
	for n in $(echo "$counts" | tr ',' ' '); do
		case $n in
		[4-9] | 1[0-6]) ;;
		*) die "-n wants vCPU counts from 4 to 16, not '$n'" ;;
		esac
		t0=$(date +%s)
		rc=0
		res=$(TI_SMP=$n TI_ISOLATION=2-$((n - 1)) TI_VARIANT=scale TI_LOG_TAG=stress-smp$n \
			TI_CMDLINE_EXTRA="TI_STRESS_S=$secs" TI_SELFTEST_TIMEOUT=$((600 + 4 * secs)) \
			TI_SELFTEST_ARGS="stress_test -t stress_enter_leave" \
			"$TOP/scripts/selftests.sh" "$arch") || rc=$?
		printf '%s\n' "$res" | grep -E 'stress_enter_leave' || true
		line=$(printf '%s\n' "$res" | tail -n 1)
		# One test, run: it passed, or the run failed.
		if [ $rc -eq 0 ] && printf '%s\n' "$line" | grep -q ': 1 passed, 0 failed, 0 skipped'; then
			verdict=pass pass=$((pass + 1))
		else
			verdict=fail fail=$((fail + 1))
		fi
		echo "scale-stress $arch vcpus=$n isolated=$((n - 2)) seconds=$secs $verdict wall=$(( $(date +%s) - t0 ))s" | tee -a "$out"
	done
done
echo "scale-stress: $pass passed, $fail failed"
[ $fail -eq 0 ]
