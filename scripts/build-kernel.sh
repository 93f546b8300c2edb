#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build one kernel out of tree with ccache:
#   vanilla/debug  the base, with the test config
#   patched/debug  base + series, series options on (the tested kernel)
#   patched/off    base + series, series options off
# Objects live in $TI_CACHE/out/ARCH-KIND-VARIANT, outputs are copied to
# $BUILD/kernels/ARCH-KIND-VARIANT/ (image, .config, build.log, objtool.log).
# A vanilla build whose key (base, config, compiler) is unchanged is reused.
#
# usage: build-kernel.sh ARCH KIND [VARIANT]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-kernel.sh x86_64|arm64 vanilla|patched [debug|off]}
kind=${2:?usage: build-kernel.sh x86_64|arm64 vanilla|patched [debug|off]}
variant=${3:-debug}
name=$arch-$kind-$variant
cross=$(cross_compile "$arch")
need ccache "${cross}gcc" make flex bison bc
O=$TI_CACHE/out/$name
dest=$BUILD/kernels/$name
mkdir -p "$O" "$dest" "$CCACHE_DIR"
ccache -M 20G >/dev/null

exec 9>"$TI_CACHE/src.lock"
flock 9

commit=$("$TOP/scripts/checkout.sh" "$kind")
cfg=$(mktemp)
trap 'rm -f "$cfg"' EXIT
"$TOP/scripts/config.sh" "$arch" "$kind" "$variant" > "$cfg"

ccver=$("${cross}gcc" --version | head -1)
key=$( { echo "$commit"; echo "$ccver"; cat "$cfg"; } | sha256sum | cut -c1-16)
img=$(kimage "$arch")
if [ "$kind" = vanilla ] && [ -f "$O/.ti-key" ] && [ "$(cat "$O/.ti-key")" = "$key" ] &&
   [ -f "$O/$img" ] && [ -f "$O/objtool.log" ]; then
	log "$name: reusing build $key (base and config unchanged)"
else
	cmp -s "$cfg" "$O/.config" || cp "$cfg" "$O/.config"
	rm -f "$O/.ti-key"
	log "$name: building ($commit, log: $dest/build.log)"
	start=$(date +%s)
	export KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=ti KBUILD_BUILD_HOST=ti
	export CCACHE_BASEDIR=$TI_CACHE CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
	if ! make -C "$SRC" O="$O" ARCH="$arch" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$JOBS" \
		olddefconfig all headers_install > "$dest/build.log" 2>&1; then
		grep -E "error|Error" "$dest/build.log" | head -20 >&2 || true
		die "$name: build failed; see $dest/build.log"
	fi
	python3 "$TOP/scripts/objtool-collect.py" "$dest/build.log" "$O/objtool.json" "$O/objtool.log"
	log "$name: built in $(( $(date +%s) - start ))s, $(wc -l < "$O/objtool.log") objtool warnings"
	echo "$key" > "$O/.ti-key"
fi
cp "$O/$img" "$dest/$(basename "$img")"
cp "$O/.config" "$dest/config"
cp "$O/objtool.log" "$dest/objtool.log"
echo "$commit" > "$dest/commit"
