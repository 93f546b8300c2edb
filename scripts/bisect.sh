#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bisectability: every prefix of the series is a complete kernel build
# (compile and link, objtool on x86_64) for x86_64 with the series' options
# on and off and for arm64 with them on.  "On" is the tested config
# (configs/, debug options included); a prefix that does not offer an
# option yet builds without it.  Builds run in a worktree of their own
# ($TI_CACHE/src/bisect) with one object tree per arch and variant, so the
# shared source tree stays free for other builds; each prefix is an
# incremental build over the previous one, with ccache.
#
# usage: bisect.sh [-f FIRST] [-l LAST] [ARCH:VARIANT...]
#   default ARCH:VARIANT list: x86_64:debug x86_64:off arm64:debug
# One line per build ("ok"/"FAIL", prefix, arch, variant, seconds, patch),
# then "bisect: N passed, N failed"; logs in build/logs/bisect/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

first=1 last=
while getopts "f:l:" o; do
	case $o in
	f) first=$OPTARG ;;
	l) last=$OPTARG ;;
	*) die "usage: bisect.sh [-f FIRST] [-l LAST] [ARCH:VARIANT...]" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- x86_64:debug x86_64:off arm64:debug
n=$(series_patches | wc -l)
last=${last:-$n}
[ "$n" -gt 0 ] || die "the series is empty"

tag=$("$TOP/scripts/base.sh")
W=$TI_CACHE/src/bisect
if [ ! -e "$W/.git" ]; then
	log "creating the bisect worktree $W"
	git --git-dir="$BASE_REPO" worktree prune
	git --git-dir="$BASE_REPO" worktree add -q --detach "$W" "$tag"
fi
mkdir -p "$BUILD/logs/bisect"
kbuild_env

# Check the worktree out at the base plus the first @1 patches.
checkout_prefix() {
	local k=$1 idx tree commit p
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx git -C "$W" read-tree "$tag"
	while read -r p; do
		GIT_INDEX_FILE=$idx git -C "$W" apply --cached --whitespace=nowarn "$PATCHES/$p" ||
			{ rm -f "$idx"; die "patch $p does not apply"; }
	done < <(series_patches | head -n "$k")
	tree=$(GIT_INDEX_FILE=$idx git -C "$W" write-tree)
	rm -f "$idx"
	commit=$(GIT_AUTHOR_NAME=tooling GIT_AUTHOR_EMAIL=tooling@localhost \
		GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git -C "$W" commit-tree "$tree" -p "$tag" -m "prefix $k")
	git -C "$W" checkout -q -f --detach "$commit"
}

pass=0 fail=0
for k in $(seq "$first" "$last"); do
	p=$(series_patches | sed -n "${k}p")
	checkout_prefix "$k"
	for av in "$@"; do
		IFS=: read -r arch variant <<< "$av"
		cross=$(cross_compile "$arch")
		O=$TI_CACHE/out/bisect-full-$arch-$variant
		mkdir -p "$O"
		cfg=$(mktemp)
		TI_SRC=$W TI_CONFIG_LENIENT=1 TI_SERIES_PREFIX=$k \
			"$TOP/scripts/config.sh" "$arch" patched "$variant" > "$cfg" 2>/dev/null ||
			{ rm -f "$cfg"; die "config $arch $variant at prefix $k failed"; }
		cmp -s "$cfg" "$O/.config" || cp "$cfg" "$O/.config"
		rm -f "$cfg"
		logf=$BUILD/logs/bisect/$k-$arch-$variant.log
		t0=$(date +%s)
		if make -C "$W" O="$O" ARCH="$arch" CROSS_COMPILE="$cross" \
			CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$JOBS" olddefconfig all \
			> "$logf" 2>&1; then
			echo "ok   $k/$n $arch $variant $(( $(date +%s) - t0 ))s $p"
			pass=$((pass + 1))
		else
			echo "FAIL $k/$n $arch $variant $(( $(date +%s) - t0 ))s $p (log: $logf)"
			grep -E "error|Error" "$logf" | head -5 | sed 's/^/    /'
			fail=$((fail + 1))
		fi
	done
done
echo "bisect: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
