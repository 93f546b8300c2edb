#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian's stress-ng, hackbench (rt-tests) and busybox for a foreign guest
# arch, with every shared library they need, unpacked into a staging root:
# $TI_CACHE/field-debs/ARCH/root (usr/bin/stress-ng, usr/bin/hackbench,
# bin/busybox, the dynamic loader and the libraries at Debian's paths).
#
# The libraries are found from the binaries' DT_NEEDED entries, not from
# package dependencies (which pull in far more than is loaded): each
# soname is mapped to the package that ships it on this (amd64) machine,
# where the same tools are installed, and that package is downloaded for
# ARCH (dpkg multiarch), until no soname is missing.
#
# usage: field-debs.sh arm64      -> prints the staging root
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: field-debs.sh arm64}
case $arch in
arm64) deb_arch=arm64 triplet=aarch64-linux-gnu ;;
*) die "field-debs.sh is for foreign guest arches (arm64); x86_64 uses the host's binaries" ;;
esac
need dpkg-deb apt-get "${triplet}-readelf"
for b in /usr/bin/stress-ng /usr/bin/hackbench /bin/busybox; do
	[ -x "$b" ] || "$TOP/scripts/deps.sh"
	[ -x "$b" ] || die "no $b on this machine after scripts/deps.sh"
done

dir=$TI_CACHE/field-debs/$arch
root=$dir/root
mkdir -p "$dir/debs"
if [ -f "$dir/done" ]; then
	echo "$root"
	exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
	[ "$(id -u)" -eq 0 ] || die "need root to add the $deb_arch architecture (dpkg --add-architecture $deb_arch)"
	dpkg --add-architecture "$deb_arch"
fi
apt-get update -qq >/dev/null || die "apt-get update failed; check the Debian mirror"

fetch() {	# package names (without :arch) -> unpacked into $root
	local p f
	for p in "$@"; do
		[ -n "$(find "$dir/debs" -name "${p}_*_$deb_arch.deb")" ] ||
			(cd "$dir/debs" && apt-get download -qq "$p:$deb_arch" 2>/dev/null) ||
			die "cannot download $p:$deb_arch"
		f=$(find "$dir/debs" -name "${p}_*_$deb_arch.deb" | head -1)
		dpkg-deb -x "$f" "$root"
	done
}

rm -rf "$root"
mkdir -p "$root"
fetch stress-ng rt-tests busybox-static libc6
# Close over DT_NEEDED: soname -> host package -> ARCH package.
for round in 1 2 3 4 5 6 7 8; do
	missing=()
	while read -r so; do
		[ -n "$(find "$root" -name "$so" -print -quit)" ] || missing+=("$so")
	done < <(find "$root/usr/bin" "$root/bin" "$root/lib" "$root/usr/lib" -type f \( -perm -u+x -o -name '*.so*' \) -print0 2>/dev/null |
		 xargs -0 -r "${triplet}-readelf" -d 2>/dev/null |
		 sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
	[ ${#missing[@]} -gt 0 ] || break
	pkgs=()
	for so in "${missing[@]}"; do
		p=$(dpkg -S "*/x86_64-linux-gnu/$so" 2>/dev/null | head -1 | cut -d: -f1) ||
			true
		[ -n "$p" ] || die "no package on this machine ships $so (needed by the $arch tools)"
		pkgs+=("$p")
	done
	log "field-debs $arch: round $round, ${#missing[@]} sonames from: $(printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ')"
	mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
	fetch "${pkgs[@]}"
done
[ ${#missing[@]} -eq 0 ] || die "sonames still missing after 8 rounds: ${missing[*]}"
touch "$dir/done"
echo "$root"
