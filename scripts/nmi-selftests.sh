#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The NMI path of task isolation (x86_64): boot the patched kernel with an
# NMI injected into every vCPU every second (run-guest.sh TI_NMI_PERIOD,
# QEMU's monitor; the guest gets TI_NMI=1), and run the selftests that need
# it: a strict and a report-only thread broken by NMIs in user mode
# (breaks_test), and the enter/leave stress test (stress_test), whose
# threads then take NMIs in the entry and exit windows while deferred work
# is pending (CONFIG_CONTEXT_TRACKING_WORK_DEBUG warns if any is lost; a
# warning fails the run).
#
# usage: nmi-selftests.sh      (kernel and guest must be built)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export TI_NMI_PERIOD=${TI_NMI_PERIOD:-1} TI_LOG_TAG=nmi
export TI_SELFTEST_ARGS="all -t nmi_strict -t nmi_report_only -t stress_enter_leave"
"$TOP/scripts/selftests.sh" x86_64
# Skipped is not passed: the three tests must have run (in whichever
# program holds them), and the host sent NMIs.
logf=$BUILD/logs/selftests-x86_64-nmi.log
for t in nmi_strict nmi_report_only stress_enter_leave; do
	grep -qE "^ok [0-9]+ ti\.$t\$" "$logf" || die "$t did not pass (skipped or not run; log: $logf)"
done
n=$(grep -c 'NMI received for unknown reason' "$logf" || true)
[ "$n" -gt 0 ] || die "the guest saw no NMI (log: $logf)"
echo "nmi: the guest took $n NMIs"
