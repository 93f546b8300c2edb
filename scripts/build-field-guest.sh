#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The field guest (issue 14) for one distribution-style kernel: the
# project's guest root (scripts/build-guest.sh) plus Debian's stress-ng,
# hackbench and busybox with their libraries and the dynamic loader (x86_64:
# the host's, at the paths ldd names; arm64: Debian's arm64 packages,
# unpacked by scripts/field-debs.sh), and that kernel's modules (installed by build-kernel.sh under
# KERNEL-DIR/modules).  The modules go in a second cpio archive appended to
# the first (the kernel unpacks concatenated archives), so that the vanilla
# and the patched guest share everything else.
#
# usage: build-field-guest.sh ARCH KERNEL-DIR
#   -> $BUILD/guest/ARCH-field/KIND.cpio, KIND from KERNEL-DIR's name
#      (ARCH-KIND-VARIANT)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: build-field-guest.sh x86_64|arm64 KERNEL-DIR"
arch=${1:?$usage}
kdir=${2:?$usage}
[ -d "$kdir/modules/lib/modules" ] ||
	die "no modules under $kdir/modules: build the kernel with scripts/build-kernel.sh $arch KIND distro"
kind=$(basename "$kdir")
kind=${kind#"$arch"-}
kind=${kind%%-*}
for b in /usr/bin/stress-ng /usr/bin/hackbench; do
	[ -x "$b" ] || "$TOP/scripts/deps.sh"
	[ -x "$b" ] || die "no $b after scripts/deps.sh (Debian packages stress-ng, rt-tests)"
done
need ldd cpio

base=$BUILD/guest/$arch/root
[ -x "$base/init" ] || "$TOP/scripts/build-guest.sh" "$arch"
out=$BUILD/guest/$arch-field
root=$out/root
mkdir -p "$out"
if [ "$arch" != x86_64 ] || [ ! -f "$out/base.cpio" ] ||
   [ -n "$(find "$base" "$0" /usr/bin/stress-ng /usr/bin/hackbench -newer "$out/base.cpio" -print -quit)" ]; then
	rm -rf "$root"
	cp -a "$base" "$root"
	mkdir -p "$root/usr/bin"
	if [ "$arch" = x86_64 ]; then
		# busybox (static): a shell for ad-hoc scripts in the guest
		# (payload "busybox sh /path/script").
		[ ! -x /bin/busybox ] || install -m 755 /bin/busybox "$root/bin/busybox"
		libs=$(guest_add_dynamic "$root" /usr/bin/stress-ng /usr/bin/hackbench)
		from="this machine's binaries, $(echo "$libs" | wc -l) library paths"
	else
		stage=$("$TOP/scripts/field-debs.sh" "$arch")
		install -m 755 "$stage/usr/bin/stress-ng" "$stage/usr/bin/hackbench" "$root/usr/bin/"
		install -m 755 "$stage/bin/busybox" "$root/bin/busybox"
		# Libraries and the loader, symlinks kept, at Debian's paths.
		mkdir -p "$root/usr/lib"
		cp -a "$stage/lib" "$root/"
		[ ! -d "$stage/usr/lib" ] || cp -a "$stage/usr/lib/." "$root/usr/lib/"
		find "$root/lib" "$root/usr/lib" -depth \( -path '*/share/*' -o -name '*.a' \) \
			-exec rm -rf {} + 2>/dev/null || true
		from="Debian $arch packages from $stage"
	fi
	pack_cpio "$root" "$out/base.cpio"
	log "field guest $arch: base $(du -h "$out/base.cpio" | cut -f1) ($from)"
fi
pack_cpio "$kdir/modules" "$out/modules-$kind.cpio"
cat "$out/base.cpio" "$out/modules-$kind.cpio" > "$out/$kind.cpio"
log "field guest $arch $kind: $out/$kind.cpio ($(du -h "$out/$kind.cpio" | cut -f1); modules of $(ls "$kdir/modules/lib/modules"))"
