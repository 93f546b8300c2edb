#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The selftests (every program: ct_work_test, fair_server_test, abi_test,
# lifecycle_test, breaks_test, sources_test with the generator tests,
# ptrace_test, state_word_test, auto_test, stress_test with the enter/leave
# stress, prctl_fuzz_test; TI_INTRUSIVE=1 from run-guest.sh) on the
# hardening kernels: KASAN with vmalloc shadow, list and object debugging
# (variant "kasan"), and KCSAN (variant "kcsan"), each booted with the
# preemption model given (PREEMPT_DYNAMIC: preempt=full or none).  A run
# passes when every test passes and the console has no splat; KCSAN
# reports are sorted into the series' (a function the series adds or
# changes is in the report: a failure) and the base kernel's (listed).
#
# usage: hardening.sh [-s STRESS_SECONDS] [-f FUZZ_CALLS] [RUN...]
#   RUN is ARCH:VARIANT:PREEMPT, default: x86_64:kasan:full x86_64:kasan:none
#   arm64:kasan:full arm64:kasan:none x86_64:kcsan:full
# Ends with "hardening: N passed, N failed"; a summary per run is kept in
# build/results/hardening.txt (TI_HARDENING_OUT names another file).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

stress=120 fuzz=100000
while getopts "s:f:" o; do
	case $o in
	s) stress=$OPTARG ;;
	f) fuzz=$OPTARG ;;
	*) die "usage: hardening.sh [-s STRESS_SECONDS] [-f FUZZ_CALLS] [ARCH:VARIANT:PREEMPT...]" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- x86_64:kasan:full x86_64:kasan:none arm64:kasan:full arm64:kasan:none \
	x86_64:kcsan:full
mkdir -p "$BUILD/results"
out=$BUILD/results/${TI_HARDENING_OUT:-hardening.txt}

pass=0 fail=0
: > "$out"
# Guests with the series' current selftests, once per arch.
for a in $(printf '%s\n' "$@" | cut -d: -f1 | sort -u); do
	"$TOP/scripts/build-guest.sh" "$a"
done
for run in "$@"; do
	IFS=: read -r arch variant preempt <<< "$run"
	[ -n "$arch" ] && [ -n "$variant" ] && [ -n "$preempt" ] ||
		die "bad run '$run': ARCH:VARIANT:PREEMPT (e.g. x86_64:kasan:full)"
	"$TOP/scripts/build-kernel.sh" "$arch" patched "$variant"
	tag=$variant-$preempt
	logf=$BUILD/logs/selftests-$arch-$tag.log
	log "hardening $arch $tag: selftests, stress ${stress}s, fuzz $fuzz calls (log: $logf)"
	t0=$(date +%s)
	rc=0
	res=$(TI_VARIANT=$variant TI_LOG_TAG=$tag TI_SELFTEST_TIMEOUT=5400 \
		TI_KCSAN_SORTED=$([ "$variant" = kcsan ] && echo 1 || echo 0) \
		TI_CMDLINE_EXTRA="preempt=$preempt TI_STRESS_S=$stress TI_FUZZ_CALLS=$fuzz" \
		"$TOP/scripts/selftests.sh" "$arch" 2>&1) || rc=$?
	printf '%s\n' "$res" | grep -E '^not ok|^# .*(cycles|calls in|generators|toggles)' || true
	summary=$(printf '%s\n' "$res" | tail -1)
	if [ "$variant" = kcsan ]; then
		(cd "$PATCHES" && "$TOP/scripts/kcsan-sort.py" "$logf" $(series_patches)) |
			tee -a "$out" || rc=1
	fi
	preempt_seen=$(grep -oE 'Dynamic Preempt: [a-z]+' "$logf" | head -1 || true)
	if [ "$preempt_seen" != "Dynamic Preempt: $preempt" ]; then
		echo "hardening $arch $tag: kernel says '${preempt_seen:-nothing}', wanted preempt=$preempt" >&2
		rc=1
	fi
	line="hardening $arch $variant preempt=$preempt result=$([ $rc = 0 ] && echo pass || echo FAIL) seconds=$(( $(date +%s) - t0 )) ${summary#selftests $arch: }"
	echo "$line" | tee -a "$out"
	if [ $rc = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "hardening: $pass passed, $fail failed"
[ $fail = 0 ]
