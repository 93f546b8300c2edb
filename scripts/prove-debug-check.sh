#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Negative control for CONFIG_CONTEXT_TRACKING_WORK_DEBUG: build the series
# with tests/break-checkpoint.patch (a checkpoint that never performs the
# deferred work), run the ct_work selftest, and require the debug check's
# warning in the console.  Under TCG a missed instruction sync is otherwise
# invisible, so this is what shows the check can fail.
#
# usage: prove-debug-check.sh [ARCH]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# QEMU 7.2's multi-threaded TCG can run a stale translation of kernel
# text that another vCPU just patched: toggling a hot tracepoint (as trace
# instances and the isolation IPI probes do) then ends in "Oops: int3"
# even on the vanilla kernel (NOTES.md).  Tests run single-threaded TCG.
export TI_ACCEL=${TI_ACCEL:-tcg,thread=single}
arch=${1:-x86_64}
"$TOP/scripts/build-kernel.sh" "$arch" broken debug
img=$BUILD/kernels/$arch-broken-debug/$(basename "$(kimage "$arch")")
logf=$BUILD/logs/prove-debug-check-$arch.log
rc=0
"$TOP/scripts/run-guest.sh" "$arch" "$img" "$BUILD/guest/$arch/initramfs.cpio" \
	"$logf" 600 selftests 2>/dev/null || rc=$?
if grep -q "context tracking: work .* left pending" "$logf"; then
	echo "debug check fired on the broken checkpoint (run exit $rc):"
	grep -m1 -A1 "context tracking: work .* left pending" "$logf" | sed 's/^/    /'
	exit 0
fi
echo "the broken checkpoint went unnoticed: no 'left pending' warning in $logf" >&2
exit 1
