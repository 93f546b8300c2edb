#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs for ARCH: a static init, the smoke test, the
# benchmark and, when the patched tree has them, the task_isolation
# selftests (static, built from that tree).  Uses the uapi headers the
# patched kernel build exported, so the guest knows the series' ABI.
#
# usage: build-guest.sh ARCH      -> $BUILD/guest/ARCH/initramfs.cpio
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-guest.sh x86_64|arm64}
cross=$(cross_compile "$arch")
need "${cross}gcc" cpio
out=$BUILD/guest/$arch
root=$out/root
hdr=$TI_CACHE/out/$arch-patched-debug/usr/include
[ -d "$hdr" ] || die "no exported headers at $hdr; build the patched kernel first (scripts/build-kernel.sh $arch patched)"

rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,selftests}
CC=("${cross}gcc" -static -O2 -Wall -Wextra -Wno-unused-parameter -isystem "$hdr"
    -DSI_TASK_ISOLATION="$(ti_si_code "$hdr")")
"${CC[@]}" -o "$root/init" "$TOP/guest/init.c"
"${CC[@]}" -o "$root/bin/smoke" "$TOP/guest/smoke.c"
"${CC[@]}" -o "$root/bin/tibench" "$TOP/guest/tibench.c" -lpthread
"${CC[@]}" -o "$root/bin/costbench" "$TOP/guest/costbench.c" -lpthread
"${CC[@]}" -o "$root/bin/tracebreaks" "$TOP/guest/tracebreaks.c" -lpthread

# Selftests come from the patched source: check it out under the lock.
exec 9>"$TI_CACHE/src.lock"
flock 9
"$TOP/scripts/checkout.sh" patched >/dev/null
st=$SRC/tools/testing/selftests/task_isolation
if [ -d "$st" ]; then
	rm -rf "$out/selftests-build"
	mkdir -p "$out/selftests-build"
	make -s -C "$st" OUTPUT="$out/selftests-build" CC="${cross}gcc" \
		KHDR_INCLUDES="-isystem $hdr" LDFLAGS=-static \
		> "$out/selftests-build.log" 2>&1 ||
		die "task_isolation selftests failed to build; see $out/selftests-build.log"
	mkdir -p "$root/selftests/task_isolation"
	find "$out/selftests-build" -maxdepth 1 -type f -perm -u+x \
		-exec cp {} "$root/selftests/task_isolation/" \;
	log "guest $arch: $(ls "$root/selftests/task_isolation" | wc -l) selftest programs"
fi
flock -u 9

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out/initramfs.cpio"
log "guest $arch: $out/initramfs.cpio ($(du -h "$out/initramfs.cpio" | cut -f1))"
