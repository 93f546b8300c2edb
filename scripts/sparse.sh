#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run sparse (make C=2) on every C file the series touches that ARCH
# builds, in the patched object tree.  Fails on any sparse warning in those
# files that the same files do not have in the vanilla tree.
#
# usage: sparse.sh ARCH
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need sparse
arch=${1:?usage: sparse.sh ARCH}
cross=$(cross_compile "$arch")
out=$BUILD/logs/sparse-$arch
mkdir -p "$out"

exec 9>"$TI_CACHE/src.lock"
flock 9
tag=$("$TOP/scripts/base.sh")
commit=$("$TOP/scripts/checkout.sh" patched)
mapfile -t files < <(git -C "$(src_of patched)" diff --name-only "$tag" "$commit" -- '*.c' | grep -v '^tools/' || true)
run() {	# kind -> sparse output of the series' .c files on stdout
	local kind=$1 O=$TI_CACHE/out/$arch-$1-debug objs=() S
	S=$(src_of "$kind")
	"$TOP/scripts/checkout.sh" "$kind" >/dev/null
	for f in "${files[@]}"; do
		[ -f "$S/$f" ] && [ -f "$O/${f%.c}.o" ] && objs+=("${f%.c}.o")
	done
	[ ${#objs[@]} -gt 0 ] || return 0
	kbuild_env
	# C=2 checks the named objects' sources without recompiling them.
	make -s -C "$S" O="$O" ARCH="$arch" CROSS_COMPILE="$cross" C=2 \
		CC="ccache ${cross}gcc" HOSTCC="ccache gcc" "${objs[@]}" 2>&1 | grep -E 'warning|error' |
		sed -e "s|^$S/||" -e 's/:[0-9]*:[0-9]*:/:/' | sort -u || true
}
run vanilla > "$out/vanilla.txt"
run patched > "$out/patched.txt"
new=$(comm -13 "$out/vanilla.txt" "$out/patched.txt")
echo "sparse $arch: $(wc -l < "$out/vanilla.txt") warnings on vanilla, $(wc -l < "$out/patched.txt") patched in the series' files"
if [ -n "$new" ]; then
	printf '%s\n' "$new" | sed 's/^/    /'
	exit 1
fi
