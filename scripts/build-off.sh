#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The series with its options off, at object level: configure the patched
# source with every option of configs/series.config off, and compile each
# C file the series touches that the vanilla kernel of the same config
# compiles (with the options off, the series must build exactly where 6.12
# does).  Then check the link at symbol level: every symbol those objects
# leave undefined must be defined by one of them or by the vanilla kernel
# (System.map), so that a call to a function that exists only with the
# options on is caught without linking a second kernel.  A compiler
# warning in those files fails it too (-Werror is not the kernel's default).
#
# Full options-off kernels of every prefix are 'make bisect'.
#
# usage: build-off.sh ARCH
set -euo pipefail
. "$(dirname "$0")/lib.sh"
arch=${1:?usage: build-off.sh x86_64|arm64}
cross=$(cross_compile "$arch")
need ccache "${cross}gcc" "${cross}nm" make
V=$TI_CACHE/out/$arch-vanilla-debug
[ -f "$V/System.map" ] || die "no vanilla kernel at $V; build it first (scripts/build-kernel.sh $arch vanilla)"
O=$TI_CACHE/out/$arch-patched-offobj
out=$BUILD/logs/off-$arch
mkdir -p "$O" "$out" "$CCACHE_DIR"

exec 9>"$TI_CACHE/src.lock"
flock 9
tag=$("$TOP/scripts/base.sh")
commit=$("$TOP/scripts/checkout.sh" patched)
S=$(src_of patched)
cfg=$(mktemp)
trap 'rm -f "$cfg"' EXIT
TI_SRC=$S "$TOP/scripts/config.sh" "$arch" patched off > "$cfg"
cmp -s "$cfg" "$O/.config" || cp "$cfg" "$O/.config"
for opt in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' "$TOP/configs/series.config"); do
	! grep -q "^$opt=" "$O/.config" || die "$opt is on in the options-off config"
done

objs=()
while read -r f; do
	[ -f "$V/${f%.c}.o" ] && objs+=("${f%.c}.o")
done < <(git -C "$S" diff --name-only "$tag" "$commit" -- '*.c' | grep -v '^tools/')
[ ${#objs[@]} -gt 0 ] || die "no file of the series is built in the $arch vanilla kernel"

kbuild_env
log "$arch-patched-offobj: ${#objs[@]} objects ($commit, log: $out/build.log)"
start=$(date +%s)
if ! make -C "$S" O="$O" ARCH="$arch" CROSS_COMPILE="$cross" \
	CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$JOBS" \
	olddefconfig prepare > "$out/build.log" 2>&1 ||
   ! make -C "$S" O="$O" ARCH="$arch" CROSS_COMPILE="$cross" \
	CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$JOBS" \
	"${objs[@]}" >> "$out/build.log" 2>&1; then
	grep -E "error|Error" "$out/build.log" | head -20 >&2 || true
	die "$arch: the series does not build with its options off; see $out/build.log"
fi
for o in "${objs[@]}"; do
	[ -f "$O/$o" ] || die "$arch: $o was not built with the options off; see $out/build.log"
done

# Compiler warnings in the series' files.
grep -E ': warning: ' "$out/build.log" | sed -e "s|^$S/||" -e 's/:[0-9]*:[0-9]*:/:/' |
	sort -u > "$out/warnings.txt" || true
if [ -s "$out/warnings.txt" ]; then
	echo "compiler warnings with the options off ($arch):"
	sed 's/^/    /' "$out/warnings.txt"
	exit 1
fi

# Symbol-level link check.
(cd "$O" && "${cross}nm" --defined-only "${objs[@]}" 2>/dev/null) |
	awk 'NF >= 3 { print $3 }' > "$out/defined.txt"
awk '{ print $3 }' "$V/System.map" >> "$out/defined.txt"
sort -u -o "$out/defined.txt" "$out/defined.txt"
(cd "$O" && "${cross}nm" -u "${objs[@]}") | awk 'NF == 2 { print $2 }' | sort -u > "$out/undefined.txt"
missing=$(comm -23 "$out/undefined.txt" "$out/defined.txt")
if [ -n "$missing" ]; then
	echo "symbols the options-off objects use that nothing defines ($arch):"
	for s in $missing; do
		printf '    %s (used by %s)\n' "$s" "$(cd "$O" && "${cross}nm" -A -u "${objs[@]}" | awk -v s="$s" '$NF == s { sub(/:.*/, "", $1); print $1 }' | tr '\n' ' ')"
	done
	exit 1
fi
echo "$arch options off: ${#objs[@]} objects built, no warning, $(wc -l < "$out/undefined.txt") external symbols all defined ($(( $(date +%s) - start ))s)"
