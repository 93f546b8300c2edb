#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The NMI path of task isolation (x86_64): boot the patched kernel with an
# NMI injected into every vCPU every second (run-guest.sh TI_NMI_PERIOD,
# QEMU's monitor), and run the selftests that need it: a strict and a
# report-only thread broken by NMIs in user mode, and the enter/leave
# stress test, whose threads then take NMIs in the entry and exit windows
# while deferred work is pending (CONFIG_CONTEXT_TRACKING_WORK_DEBUG warns
# if any is lost; a warning fails the run).
#
# usage: nmi-selftests.sh      (kernel and guest must be built)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export TI_NMI_PERIOD=${TI_NMI_PERIOD:-1} TI_LOG_TAG=nmi
export TI_SELFTEST_ARGS="task_isolation_test -t nmi_strict -t nmi_report_only -t stress_enter_leave"
exec "$TOP/scripts/selftests.sh" x86_64
