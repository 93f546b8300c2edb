#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel under QEMU TCG with isolated CPUs and run one guest payload.
# The console log is saved as LOG.  Fails (exit 1, reason on stderr) when
# the guest does not report within the timeout, when the payload fails,
# or when the console shows a kernel splat.
#
# usage: run-guest.sh ARCH IMAGE INITRAMFS LOG TIMEOUT PAYLOAD [ARGS...]
# Environment: TI_CMDLINE_EXTRA (appended), TI_QEMU_EXTRA (QEMU options),
# TI_X86_CMDLINE (x86_64's "tsc=reliable mce=ignore_ce nohugevmalloc"),
# TI_ISOLATION (CPU list, default 2-3), TI_SMP (vCPUs, default 4; the
# scaling runs isolate all but CPUs 0-1 of 8 or 16), TI_ACCEL (default tcg,thread=multi;
# -icount needs tcg,thread=single), TI_NMI_PERIOD (x86_64: once the payload
# has started, inject an NMI into every vCPU every that many seconds through
# the QEMU monitor; the selftests see TI_NMI=1 in their environment).
# The guest's init and the programs it runs always get TI_INTRUSIVE=1 (the
# selftests that offline CPUs, write debugfs or load modules run);
# TI_CMDLINE_EXTRA can override it, as it comes later.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 6 ] || die "usage: run-guest.sh ARCH IMAGE INITRAMFS LOG TIMEOUT PAYLOAD [ARGS...]"
arch=$1 image=$2 initrd=$3 logf=$4 tmo=$5 payload=$6
shift 6
[ -f "$image" ] || die "no kernel image $image"
[ -f "$initrd" ] || die "no initramfs $initrd"
iso=${TI_ISOLATION:-2-3}
smp=${TI_SMP:-4}
accel=${TI_ACCEL:-tcg,thread=multi}

cmdline="nohz_full=$iso isolcpus=nohz,domain,managed_irq,$iso rcu_nocbs=$iso irqaffinity=0-1"
cmdline+=" rcupdate.rcu_cpu_stall_timeout=300 rcupdate.rcu_task_stall_timeout=0 panic=-1 loglevel=5"
case "$arch" in
x86_64)
	need qemu-system-x86_64
	qemu=(qemu-system-x86_64 -accel "$accel" -cpu max -smp "$smp" -m 1024)
	# nohugevmalloc: a huge vmalloc mapping that replaces a PTE table
	# frees it with a synchronous flush_tlb_kernel_range() on every CPU
	# (pmd_free_pte_page(), not deferrable: see the core-api document).
	# TI_X86_CMDLINE replaces these three (the field runs drop what only
	# the lab needed).
	cmdline="console=ttyS0 ${TI_X86_CMDLINE-tsc=reliable mce=ignore_ce nohugevmalloc} $cmdline"
	;;
arm64)
	need qemu-system-aarch64
	# The default GICv2 of the virt machine stops at 8 CPUs.
	machine=virt
	[ "$smp" -le 8 ] || machine=virt,gic-version=3
	qemu=(qemu-system-aarch64 -M "$machine" -cpu max,pauth-impdef=on -accel "$accel" -smp "$smp" -m 1024)
	cmdline="console=ttyAMA0 $cmdline"
	;;
*) die "unknown arch $arch" ;;
esac
nmi=${TI_NMI_PERIOD:-}
mon=
if [ -n "$nmi" ]; then
	[ "$arch" = x86_64 ] || die "TI_NMI_PERIOD: only x86_64 (QEMU's monitor 'nmi')"
	mon=$(mktemp -u /tmp/ti-mon.XXXXXX)
	qemu+=(-monitor "unix:$mon,server=on,wait=off")
	# QEMU delivers it on each vCPU's LINT1, which Linux masks on all
	# CPUs but the boot CPU unless told otherwise.
	cmdline+=" apic_extnmi=all TI_NMI=1"
fi
# NAME=value words before "--" reach init's environment (guest/init.c).
cmdline+=" TI_INTRUSIVE=1 ${TI_CMDLINE_EXTRA:-} -- $payload $*"

mkdir -p "$(dirname "$logf")"
echo "# qemu: ${qemu[*]} ${TI_QEMU_EXTRA:-} -kernel $image -initrd $initrd" > "$logf"
echo "# cmdline: $cmdline" >> "$logf"
rc=0
injector=
if [ -n "$nmi" ]; then
	"$TOP/scripts/nmi-inject.sh" "$mon" "$logf" "$nmi" &
	injector=$!
fi
# shellcheck disable=SC2086
timeout --foreground -k 5 "$tmo" "${qemu[@]}" ${TI_QEMU_EXTRA:-} -nographic -no-reboot \
	-kernel "$image" -initrd "$initrd" -append "$cmdline" \
	</dev/null >> "$logf" 2>&1 || rc=$?
if [ -n "$injector" ]; then
	kill "$injector" 2>/dev/null || true
	wait "$injector" 2>/dev/null || true
	rm -f "$mon"
fi
# The serial console turns \n into \r\n.
sed -i 's/\r$//' "$logf"

if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "guest timed out after ${tmo}s (log: $logf)" >&2
	exit 1
fi
if ! grep -q "^TI-PAYLOAD-END " "$logf"; then
	echo "guest did not report (qemu exit $rc; log: $logf)" >&2
	exit 1
fi
# TI_KCSAN_SORTED=1: the caller sorts KCSAN reports itself (hardening.sh);
# the base kernel's own data races are not the series' failures.  A user
# program's fault, as the kernel reports it ("traps: stress-ng-pthre[9749]
# general protection fault ip:... in stress-ng[...]"), is not a kernel
# splat; a kernel one starts with "Oops: general protection fault".
bad=$(grep -nE 'BUG:|WARNING:|Oops|Call Trace|Kernel panic|KASAN:|KCSAN:|UBSAN:|INFO: (possible|lockdep|inconsistent|task .* blocked|rcu)|rcu: INFO|hung_task|general protection fault|Unable to handle kernel|Internal error:' "$logf" |
	grep -vE '\] traps: .*\[[0-9]+\] general protection fault ip:[0-9a-f]+ sp:[0-9a-f]+ error:[0-9a-f]+ in ' |
	{ if [ "${TI_KCSAN_SORTED:-0}" = 1 ]; then grep -v 'BUG: KCSAN: '; else cat; fi; } | head -5 || true)
if [ -n "$bad" ]; then
	echo "kernel splat in the console (log: $logf):" >&2
	echo "$bad" >&2
	exit 1
fi
prc=$(sed -n 's/^TI-PAYLOAD-END .* rc=\([0-9]*\)$/\1/p' "$logf" | tail -1)
if [ "$prc" != 0 ]; then
	echo "payload $payload exited $prc (log: $logf)" >&2
	exit 1
fi
exit 0
