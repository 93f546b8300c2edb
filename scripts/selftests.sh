#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the patched kernel of ARCH and run the task_isolation selftests (or
# the smoke test while the series has none).  Passes their TAP through and
# ends with "selftests <arch>: N passed, N failed, N skipped".
#
# usage: selftests.sh ARCH     (kernel and guest must be built)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# QEMU 7.2's multi-threaded TCG can run a stale translation of kernel
# text that another vCPU just patched: toggling a hot tracepoint (as trace
# instances and the isolation IPI probes do) then ends in "Oops: int3"
# even on the vanilla kernel (NOTES.md).  Tests run single-threaded TCG.
export TI_ACCEL=${TI_ACCEL:-tcg,thread=single}
arch=${1:?usage: selftests.sh ARCH}
# TI_VARIANT picks another patched kernel (kasan, kcsan: scripts/hardening.sh),
# TI_LOG_TAG names its log, TI_SELFTEST_ARGS picks one program and its
# arguments (guest/init.c: "selftests PROG ARGS...").
img=$BUILD/kernels/$arch-patched-${TI_VARIANT:-debug}/$(basename "$(kimage "$arch")")
logf=$BUILD/logs/selftests-$arch${TI_LOG_TAG:+-$TI_LOG_TAG}.log
[ -f "$img" ] || die "no kernel at $img: run scripts/build-kernel.sh $arch patched ${TI_VARIANT:-debug}"
rc=0
# shellcheck disable=SC2086 # TI_SELFTEST_ARGS: words
"$TOP/scripts/run-guest.sh" "$arch" "$img" "$BUILD/guest/$arch/initramfs.cpio" \
	"$logf" "${TI_SELFTEST_TIMEOUT:-900}" selftests ${TI_SELFTEST_ARGS:-} || rc=$?
tap=$(sed -n '/^TI-PAYLOAD-BEGIN/,/^TI-PAYLOAD-END/p' "$logf" | grep -E '^(not )?ok [0-9]+ |^#|^TAP|^[0-9]+\.\.' || true)
printf '%s\n' "$tap"
# Per-test lines count; the runner's own "ok N selftests: ..." lines do not
# (their tests are counted inside), its "not ok" lines do (a program died).
pass=$(printf '%s\n' "$tap" | grep -E '^ok [0-9]+ ' | grep -v ' selftests: ' | grep -vc '# SKIP' || true)
skip=$(printf '%s\n' "$tap" | grep -E '^ok [0-9]+ .*# SKIP' | grep -vc ' selftests: ' || true)
fail=$(printf '%s\n' "$tap" | grep -cE '^not ok [0-9]+ ' || true)
if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then
	fail=1
fi
echo "selftests $arch: $pass passed, $fail failed, $skip skipped (log: $logf)"
[ "$fail" -eq 0 ] && [ $rc -eq 0 ]
