#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mutation check of the task isolation selftests: for each defect in
# tests/mutations/ (a patch on top of the series, with the tests that must
# catch it on its "Expect-fail:" line, in the program of its "Program:"
# line, default "all": every program, so each test is found in whichever
# program holds it), build the series with it, run the selftests in the
# guest, and require every expected test to fail.  Shows that each test
# can fail, and which defect it catches.  Test names are unique across the
# programs; the TAP lines are matched by name ("not ok N fixture.name"),
# as every program numbers its tests from 1.
#
# usage: prove-tests-fail.sh [ARCH [MUTATION.diff...]]   (default x86_64, all)
# The guest must be built (scripts/build-guest.sh ARCH).  Writes
# build/results/mutations-ARCH.txt; one incremental build per mutation.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# QEMU 7.2's multi-threaded TCG can run a stale translation of kernel
# text that another vCPU just patched: toggling a hot tracepoint (as trace
# instances and the isolation IPI probes do) then ends in "Oops: int3"
# even on the vanilla kernel (NOTES.md).  Tests run single-threaded TCG.
export TI_ACCEL=${TI_ACCEL:-tcg,thread=single}
arch=${1:-x86_64}
[ $# -gt 0 ] && shift
muts=("$@")
[ ${#muts[@]} -gt 0 ] || muts=("$TOP"/tests/mutations/*.diff)
initrd=$BUILD/guest/$arch/initramfs.cpio
[ -f "$initrd" ] || die "no guest for $arch: run scripts/build-guest.sh $arch first"
out=$BUILD/results/mutations-$arch.txt
mkdir -p "$BUILD/results" "$BUILD/logs"
: > "$out"
missed=0
for m in "${muts[@]}"; do
	m=$(realpath "$m")
	name=$(basename "$m" .diff)
	expect=$(sed -n 's/^Expect-fail: //p' "$m")
	[ -n "$expect" ] || die "$m has no Expect-fail: line"
	prog=$(sed -n 's/^Program: //p' "$m")
	prog=${prog:-all}
	# "Arch: A" limits a defect to one architecture; "Variant: V" needs
	# the patched kernel of that variant (e.g. kasan: DEBUG_PREEMPT; distro:
	# modules).
	only=$(sed -n 's/^Arch: //p' "$m")
	if [ -n "$only" ] && [ "$only" != "$arch" ]; then
		echo "n/a     $name: $only only" | tee -a "$out"
		continue
	fi
	variant=$(sed -n 's/^Variant: //p' "$m")
	variant=${variant:-debug}
	TI_BREAK_PATCH=$m "$TOP/scripts/build-kernel.sh" "$arch" broken "$variant" >/dev/null
	# A distro kernel boots the field guest, which has its modules.
	guest=$initrd
	if [ "$variant" = distro ]; then
		"$TOP/scripts/build-field-guest.sh" "$arch" "$BUILD/kernels/$arch-broken-distro" >/dev/null
		guest=$BUILD/guest/$arch-field/broken.cpio
	fi
	logf=$BUILD/logs/mutation-$arch-$name.log
	# Only the tests that must catch the defect: others may hang on it.
	filt=()
	for t in $expect; do
		filt+=(-t "$t")
	done
	"$TOP/scripts/run-guest.sh" "$arch" \
		"$BUILD/kernels/$arch-broken-$variant/$(basename "$(kimage "$arch")")" \
		"$guest" "$logf" 900 selftests "$prog" "${filt[@]}" >/dev/null 2>&1 || true
	caught=() escaped=()
	for t in $expect; do
		if grep -qE "^not ok [0-9]+ [a-z_]+\.$t$" "$logf"; then
			caught+=("$t")
		elif grep -qE "^ok [0-9]+ [a-z_]+\.$t$" "$logf"; then
			escaped+=("$t")
		else
			escaped+=("$t(not run)")
		fi
	done
	if [ ${#escaped[@]} -eq 0 ]; then
		line="caught  $name: ${caught[*]}"
	else
		line="MISSED  $name: ${escaped[*]} passed (log: $logf)"
		missed=1
	fi
	echo "$line" | tee -a "$out"
done
[ $missed -eq 0 ]
