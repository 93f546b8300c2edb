#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rt-tests' oslat on the isolated CPU 3 of the x86_64 guest, under the
# benchmark's combined load (guest/oslatrun.c), on the vanilla and on the
# patched kernel; on the patched one oslat runs under tirun, so that its
# measurement thread enables task isolation (report-only by default).
# Prints one line per kernel:
#
#   oslat <vanilla|patched> cpu3_interrupts=<n> irq_lines=<NAME:n,...>
#         isolation=<...> isolation_breaks=<n|na> breaks_by_cause=<...>
#         break_syscalls=<...> isolated_entries=<n|na> ipis_targeted=<n>
#         ipis_while_isolated=<n|na> max_latency_us=<n> env=<ok|fail>
#
# The window is oslat's whole run (its 1 s pre-heat and thread set-up
# included); the per-thread isolated times, the breaks and the IPIs by
# callsite are in $BUILD/results/oslat-x86_64-KERNEL.txt.  max_latency_us
# under TCG is indicative only (vCPUs are host threads).
#
# The guest is a copy of $BUILD/guest/x86_64/root (scripts/build-guest.sh)
# plus /usr/bin/oslat with its libraries and dynamic loader at the same
# paths, tirun, /lib/libtirun.so and the payload:
# $BUILD/guest/x86_64-oslat/initramfs.cpio.
#
# usage: oslat.sh [-s SECONDS] [-g GENERATORS] [-S SIG] [-m] [-r RTLA_ARGS] [vanilla] [patched]
#   -s  oslat duration per kernel (30); -g  oslatrun generators (all);
#   -S  strict mode with SIG instead of report-only; -m  append the
#   kernel's modules (the field guest's modules-KIND.cpio, for the
#   modules generator); -r  run Debian's rtla with RTLA_ARGS (e.g.
#   "osnoise top -c 3 -d 30s") instead of oslat, without tirun: rtla's
#   workloads run in the kernel (results rtla-x86_64-KIND.txt)
# Environment: TI_OSLAT_VANILLA_IMAGE, TI_OSLAT_PATCHED_IMAGE (bzImages,
# default $BUILD/kernels/x86_64-{vanilla,patched}-debug/bzImage),
# TI_OSLAT_ROOT (the guest root to start from, default the project's; the
# field guest's, $BUILD/guest/x86_64-field/root, has the field loads' tools),
# TI_OSLAT_HDR (uapi headers with PR_TASK_ISOLATION, default the patched
# build's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { die "usage: oslat.sh [-s SECONDS] [-g GENERATORS] [-S SIG] [-m] [-r RTLA_ARGS] [vanilla] [patched]"; }
secs=30 gens=all sig= mods= rtla=
while getopts "s:g:S:mr:" o; do
	case $o in
	s) secs=$OPTARG ;;
	g) gens=$OPTARG ;;
	S) sig=$OPTARG ;;
	m) mods=1 ;;
	r) rtla=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $secs =~ ^[1-9][0-9]*$ ]] || die "-s wants a number of seconds, not '$secs'"
[ $# -gt 0 ] || set -- vanilla patched
for k in "$@"; do
	case $k in vanilla | patched) ;; *) usage ;; esac
done

[ -x /usr/bin/oslat ] || "$TOP/scripts/deps.sh"
[ -x /usr/bin/oslat ] || die "no /usr/bin/oslat after scripts/deps.sh (Debian package rt-tests)"
need gcc cpio ldd qemu-system-x86_64

declare -A image=(
	[vanilla]=${TI_OSLAT_VANILLA_IMAGE:-$BUILD/kernels/x86_64-vanilla-debug/bzImage}
	[patched]=${TI_OSLAT_PATCHED_IMAGE:-$BUILD/kernels/x86_64-patched-debug/bzImage}
)
for k in "$@"; do
	[ -f "${image[$k]}" ] ||
		die "no $k kernel at ${image[$k]}: run scripts/build-kernel.sh x86_64 $k debug"
done
hdr=${TI_OSLAT_HDR:-$TI_CACHE/out/x86_64-patched-debug/usr/include}
grep -qs PR_TASK_ISOLATION "$hdr/linux/prctl.h" ||
	die "no PR_TASK_ISOLATION in $hdr/linux/prctl.h: build the patched kernel (scripts/build-kernel.sh x86_64 patched debug) or set TI_OSLAT_HDR"

# The guest root: the project's, plus oslat and what it needs.
base=${TI_OSLAT_ROOT:-$BUILD/guest/x86_64/root}
[ -x "$base/init" ] || "$TOP/scripts/build-guest.sh" x86_64
out=$BUILD/guest/x86_64-oslat
root=$out/root
rm -rf "$root"
mkdir -p "$out"
cp -a "$base" "$root"
mkdir -p "$root/lib" "$root/usr/bin"
CC=(gcc -O2 -Wall -Wextra -Wno-unused-parameter -isystem "$hdr" -DSI_TASK_ISOLATION="$(ti_si_code "$hdr")")
"${CC[@]}" -static -o "$root/bin/oslatrun" "$TOP/guest/oslatrun.c" -lpthread
"${CC[@]}" -static -o "$root/bin/tirun" "$TOP/guest/tirun.c"
"${CC[@]}" -shared -fPIC -o "$root/lib/libtirun.so" "$TOP/guest/libtirun.c"
# The guest kernels have CONFIG_NUMA=n: get_mempolicy() is ENOSYS, so
# libnuma's numa_available() says -1 and oslat refuses to start, although
# it uses libnuma only to parse its CPU list.  oslatrun preloads this.
echo 'int numa_available(void) { return 0; }' |
	gcc -O2 -Wall -shared -fPIC -x c -o "$root/lib/libnumastub.so" -
# oslat, its libraries and the dynamic loader, at the paths ldd names.
libs=$(guest_add_dynamic "$root" /usr/bin/oslat)
if [ -n "$rtla" ]; then
	[ -x /usr/bin/rtla ] || die "no /usr/bin/rtla after scripts/deps.sh (Debian package rtla)"
	libs+=$'\n'$(guest_add_dynamic "$root" /usr/bin/rtla)
fi
pack_cpio "$root" "$out/initramfs.cpio"
log "guest x86_64-oslat: $out/initramfs.cpio ($(du -h "$out/initramfs.cpio" | cut -f1)); libraries: $(sort -u <<< "$libs" | paste -sd " " -)"

res=$BUILD/results
mkdir -p "$res"
tool=oslat
[ -z "$rtla" ] || tool=rtla
summary=$res/$tool-summary.txt
: > "$summary"
tmo=$((300 + 2 * secs))
for k in "$@"; do
	logf=$BUILD/logs/$tool-x86_64-$k.log
	initrd=$out/initramfs.cpio
	if [ -n "$mods" ]; then
		m=$BUILD/guest/x86_64-field/modules-$k.cpio
		[ -f "$m" ] || die "no $m: build the field guest (scripts/build-field-guest.sh x86_64 KERNEL-DIR)"
		initrd=$out/initramfs-$k.cpio
		cat "$out/initramfs.cpio" "$m" > "$initrd"
	fi
	args=(-s "$secs" -g "$gens" -k "$k")
	# Both under tirun: on vanilla the shim's ENABLE fails (EINVAL) and
	# it stays inert, so oslat runs the same code on both kernels.
	[ -n "$sig" ] && args+=(-S "$sig")
	# shellcheck disable=SC2206 # RTLA_ARGS is split into words on purpose
	[ -z "$rtla" ] || args+=(-n -x /usr/bin/rtla $rtla)
	log "$tool $k: ${image[$k]}, ${secs}s, log $logf"
	"$TOP/scripts/run-guest.sh" x86_64 "${image[$k]}" "$initrd" "$logf" "$tmo" \
		oslatrun "${args[@]}" ||
		die "$tool $k: guest run failed (log: $logf)"
	sed -n '/^TI-PAYLOAD-BEGIN/,/^TI-PAYLOAD-END/p' "$logf" > "$res/$tool-x86_64-$k.txt"
	line=$(grep "^$tool kernel=" "$res/$tool-x86_64-$k.txt" | tail -1) ||
		die "$tool $k: no result line (log: $logf)"
	echo "$tool $k ${line#"$tool kernel=$k "}" >> "$summary"
	grep '^env-failure' "$res/$tool-x86_64-$k.txt" | sed "s/^/$k: /" >&2 || true
done
cat "$summary"
