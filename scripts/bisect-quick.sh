#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Quick bisectability check: for every prefix of the series, compile the
# objects of the C files that prefix touches, for x86_64 and arm64, with
# the series' options on (where the prefix already offers them) and off.
# Object builds catch compile errors at each step; a full build and link of
# every prefix is the slower job of a complete bisect run.  Objects that the
# prefix's config does not build (obj-$(CONFIG_X) with X off) are skipped.
#
# usage: bisect-quick.sh      (TI_BISECT_FROM=K starts at the K-th prefix)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# A worktree of its own: moving the patched one through the prefixes
# would make the next patched kernel build recompile.
export TI_SRC=$TI_CACHE/src/bisect-quick
SRC=$TI_SRC
tag=$("$TOP/scripts/base.sh")
n=$(series_patches | wc -l)
fail=0
exec 9>"$TI_CACHE/src.lock"
flock 9
for k in $(seq "${TI_BISECT_FROM:-1}" "$n"); do
	p=$(series_patches | sed -n "${k}p")
	commit=$(TI_SERIES_PREFIX=$k "$TOP/scripts/checkout.sh" patched)
	mapfile -t files < <(git -C "$SRC" diff --name-only "$tag" "$commit" -- '*.c' | grep -v '^tools/' || true)
	for arch in x86_64 arm64; do
		for variant in debug off; do
			O=$TI_CACHE/out/bisect-$arch-$variant
			mkdir -p "$O"
			cfg=$(mktemp)
			TI_CONFIG_LENIENT=1 TI_SERIES_PREFIX=$k "$TOP/scripts/config.sh" "$arch" patched "$variant" > "$cfg" 2>/dev/null
			cmp -s "$cfg" "$O/.config" || cp "$cfg" "$O/.config"
			rm -f "$cfg"
			objs=()
			for f in "${files[@]}"; do
				case "$f" in
				arch/x86/*) [ "$arch" = x86_64 ] || continue ;;
				arch/arm64/*) [ "$arch" = arm64 ] || continue ;;
				arch/*) continue ;;
				esac
				# An object kbuild builds only under an option that is
				# off here (obj-$(CONFIG_X) += f.o) is not built.
				gate=$(sed -n "s/^obj-\$(\(CONFIG_[A-Za-z0-9_]*\))[[:space:]]*+=[[:space:]]*$(basename "${f%.c}").o\b.*/\1/p" \
					"$SRC/$(dirname "$f")/Makefile" 2>/dev/null | head -1)
				if [ -n "$gate" ] && ! grep -qx "$gate=y" "$O/.config"; then
					continue
				fi
				objs+=("${f%.c}.o")
			done
			[ ${#objs[@]} -gt 0 ] || continue
			if make -s -C "$SRC" O="$O" ARCH="$arch" CROSS_COMPILE="$(cross_compile "$arch")" \
				CC="ccache $(cross_compile "$arch")gcc" -j"$JOBS" olddefconfig "${objs[@]}" \
				> "$BUILD/logs/bisect-$k-$arch-$variant.log" 2>&1; then
				echo "ok   $k/$n $arch $variant $p"
			else
				echo "FAIL $k/$n $arch $variant $p (log: build/logs/bisect-$k-$arch-$variant.log)"
				fail=1
			fi
		done
	done
done
exit $fail
