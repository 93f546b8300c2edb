#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build one kernel out of tree with ccache:
#   vanilla/debug  the base, with the test config (worktree src/vanilla)
#   patched/debug  base + series, series options on, the tested kernel
#                  (worktree src/patched); also kasan, kcsan, perf, and
#                  distro (defconfig-based, modules installed, issue 14),
#                  scale (debug with NR_CPUS=16, issue 16)
#   patched/off    base + series, series options off
#   broken/VARIANT patched/VARIANT (debug, kasan, kcsan, distro, perf, scale) plus $TI_BREAK_PATCH (default
#                  tests/break-checkpoint.patch): built incrementally in a
#                  copy of the patched object tree, the patch applied to the
#                  patched worktree only for that build, and the files'
#                  contents and times restored after it, so that the patched
#                  kernel is not rebuilt next time
# Objects live in $TI_CACHE/out/ARCH-KIND-VARIANT, outputs are copied to
# $BUILD/kernels/ARCH-KIND-VARIANT/ (image, .config, build.log, objtool.log).
# A build whose key (source commit, break patch, config, compiler) is that
# of the objects in place is reused without running make.
#
# usage: build-kernel.sh ARCH KIND [VARIANT]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: build-kernel.sh x86_64|arm64 vanilla|patched|broken [debug|off|kasan|kcsan|perf|distro|scale]"
arch=${1:?$usage}
kind=${2:?$usage}
variant=${3:-debug}
name=$arch-$kind-$variant
cross=$(cross_compile "$arch")
need ccache "${cross}gcc" make flex bison bc rsync
O=$TI_CACHE/out/$name
dest=$BUILD/kernels/$name
img=$(kimage "$arch")
mkdir -p "$O" "$dest" "$CCACHE_DIR"
ccache -M 20G >/dev/null

case "$kind" in
vanilla|patched) ;;
broken)
	case "$variant" in
	debug|kasan|kcsan|distro|perf|scale) ;;
	*) die "the broken kernel has the debug, kasan, kcsan, distro, perf and scale variants only" ;;
	esac
	# Its starting point: the patched objects, up to date.
	"$TOP/scripts/build-kernel.sh" "$arch" patched "$variant"
	;;
*) die "$usage" ;;
esac

exec 9>"$TI_CACHE/src.lock"
flock 9

src_kind=$kind
[ "$kind" = broken ] && src_kind=patched
S=$(src_of "$src_kind")
commit=$("$TOP/scripts/checkout.sh" "$src_kind")
cfg=$(mktemp)
bp=
restore=()
cleanup() {
	rm -f "$cfg"
	# Put the patched worktree back as it was: contents and times.
	local f t i
	for ((i = 0; i < ${#restore[@]}; i += 2)); do
		f=${restore[i]} t=${restore[i + 1]}
		git -C "$S" checkout -q HEAD -- "$f"
		touch -m -d "@$t" "$S/$f"
	done
}
trap cleanup EXIT
TI_SRC=$S "$TOP/scripts/config.sh" "$arch" "$kind" "$variant" > "$cfg"

ccver=$("${cross}gcc" --version | head -1)
if [ "$kind" = broken ]; then
	bp=${TI_BREAK_PATCH:-$TOP/tests/break-checkpoint.patch}
	[ -f "$bp" ] || die "no break patch $bp"
	bp=$(realpath "$bp")
fi
key=$( { echo "$commit"; echo "$ccver"; cat "$cfg"; [ -z "$bp" ] || cat "$bp"; } | sha256sum | cut -c1-16)
if [ -f "$O/.ti-key" ] && [ "$(cat "$O/.ti-key")" = "$key" ] &&
   [ -f "$O/$img" ] && [ -f "$O/objtool.log" ]; then
	log "$name: reusing build $key (sources and config unchanged)"
else
	rm -f "$O/.ti-key"
	if [ "$kind" = broken ]; then
		P=$TI_CACHE/out/$arch-patched-$variant
		log "$name: copying the patched objects, then building incrementally"
		rsync -a --delete "$P/" "$O/"
		rm -f "$O/.ti-key"
		while read -r f; do
			restore+=("$f" "$(stat -c %Y "$S/$f")")
		done < <(git -C "$S" apply --numstat "$bp" | cut -f3)
		git -C "$S" apply "$bp" || die "$bp does not apply to the series"
	fi
	cmp -s "$cfg" "$O/.config" || cp "$cfg" "$O/.config"
	log "$name: building ($commit, log: $dest/build.log)"
	start=$(date +%s)
	kbuild_env
	if ! make -C "$S" O="$O" ARCH="$arch" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$JOBS" \
		olddefconfig all headers_install > "$dest/build.log" 2>&1; then
		grep -E "error|Error" "$dest/build.log" | head -20 >&2 || true
		die "$name: build failed; see $dest/build.log"
	fi
	python3 "$TOP/scripts/objtool-collect.py" "$dest/build.log" "$O/objtool.json" "$O/objtool.log"
	log "$name: built in $(( $(date +%s) - start ))s, $(wc -l < "$O/objtool.log") objtool warnings"
	echo "$key" > "$O/.ti-key"
fi
# A kernel with modules (the distro variant) gets them installed, stripped,
# under $dest/modules for the guest image (build-guest.sh).
if grep -qx CONFIG_MODULES=y "$O/.config"; then
	rm -rf "$dest/modules"
	kbuild_env
	make -s -C "$S" O="$O" ARCH="$arch" CROSS_COMPILE="$cross" \
		INSTALL_MOD_PATH="$dest/modules" INSTALL_MOD_STRIP=1 \
		DEPMOD=/sbin/depmod modules_install >> "$dest/build.log" 2>&1 ||
		die "$name: modules_install failed; see $dest/build.log"
fi
cp "$O/$img" "$dest/$(basename "$img")"
cp "$O/.config" "$dest/config"
cp "$O/objtool.log" "$dest/objtool.log"
echo "$commit" > "$dest/commit"
