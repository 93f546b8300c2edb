#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make the developer tree: a git tree of the base ($TREE, default ./linux) on
# branch "series" with every patch of patches/series applied as a commit by
# git am.  The cover letter's subject and blurb become the branch
# description, from which scripts/export.sh writes it back.
#
# An existing tree is reset to the base and re-applied, but only if nothing
# in it would be lost: uncommitted changes or commits that differ from
# patches/ stop it (TREE_FORCE=1 discards them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git

tag=$("$TOP/scripts/base.sh")

if [ -d "$TREE/.git" ] && [ "${TREE_FORCE:-0}" != 1 ]; then
	if ! git -C "$TREE" diff --quiet HEAD 2>/dev/null ||
	   ! git -C "$TREE" diff --cached --quiet 2>/dev/null; then
		die "$TREE has uncommitted changes; commit and 'make export' them, or rerun with TREE_FORCE=1 to discard"
	fi
	chk=$(mktemp -d)
	trap 'rm -rf "$chk"' EXIT
	"$TOP/scripts/export.sh" "$chk" 2>/dev/null ||
		die "cannot export $TREE to check it; rerun with TREE_FORCE=1 to discard it"
	if ! diff -rq "$chk" "$PATCHES" >/dev/null; then
		die "$TREE has commits that differ from patches/; run 'make export' first, or TREE_FORCE=1 to discard them"
	fi
fi

if [ ! -d "$TREE/.git" ]; then
	log "creating $TREE (objects borrowed from $BASE_REPO)"
	git init -q "$TREE"
	echo "$BASE_REPO/objects" > "$TREE/.git/objects/info/alternates"
	git -C "$TREE" config gc.auto 0
	git -C "$TREE" config core.abbrev 12
	git -C "$TREE" config user.name "${TI_AUTHOR_NAME:-Task Isolation Developers}"
	git -C "$TREE" config user.email "${TI_AUTHOR_EMAIL:-task-isolation@localhost}"
fi
git -C "$TREE" fetch -q "$BASE_REPO" 'refs/tags/*:refs/tags/*'
git -C "$TREE" am --abort >/dev/null 2>&1 || true
git -C "$TREE" checkout -q -f -B series "$tag"
git -C "$TREE" clean -q -fdx

# cover_desc FILE: a cover letter's subject without its [PATCH 0/N]
# prefix, then the blurb: the body up to the shortlog's first
# "Author (N):" line.
cover_desc() {
	awk '
		/^Subject: / && !subj { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; insubj = 1; next }
		insubj && /^ / { subj = subj $0; next }
		{ insubj = 0 }
		subj && !body && /^$/ { body = 1; next }
		body && /^[^ ].* \([0-9]+\):$/ { exit }
		body { buf = buf $0 "\n" }
		END { sub(/\n+$/, "", buf); printf "%s\n\n%s\n", subj, buf }' "$1"
}

# set_part BRANCH DIR: BRANCH's description from DIR's cover letter, and
# its dirname (export.sh writes the part back there).
set_part() {
	local cover=$PATCHES/$2/0000-cover-letter.patch
	if [ -f "$cover" ]; then
		git -C "$TREE" config "branch.$1.description" "$(cover_desc "$cover")"
	else
		git -C "$TREE" config --unset "branch.$1.description" || true
	fi
	if [ "$2" = . ]; then
		git -C "$TREE" config --unset "branch.$1.dirname" || true
	else
		git -C "$TREE" config "branch.$1.dirname" "$2"
	fi
}

# Parts (export.sh): the series file names patches as DIR/FILE, one
# directory per part; branches part1, part2, ... mark the end of every
# part but the last, and follow an interactive rebase.
git -C "$TREE" config rebase.updateRefs true
for b in $(git -C "$TREE" for-each-ref --format='%(refname:short)' 'refs/heads/part[0-9]*'); do
	git -C "$TREE" branch -q -D "$b"
	git -C "$TREE" config --remove-section "branch.$b" 2>/dev/null || true
done
n=0 k=0 dir=
while read -r p; do
	[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
	d=$(dirname "$p")
	if [ "$d" != "$dir" ]; then
		# A new part: mark the end of the one before.
		[ -z "$dir" ] || { k=$((k + 1)); git -C "$TREE" branch -q -f "part$k" HEAD; set_part "part$k" "$dir"; }
		dir=$d
	fi
	if ! out=$(git -C "$TREE" am -q --keep-cr "$PATCHES/$p" 2>&1); then
		files=$(printf '%s\n' "$out" | sed -n 's/^error: patch failed: \(.*\):[0-9]*$/\1/p; s/^error: \(.*\): does not exist in index$/\1/p' | sort -u | tr '\n' ' ')
		git -C "$TREE" am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" >&2
		die "patch $p does not apply to $tag: ${files:-see git am output above}"
	fi
	n=$((n + 1))
done < <(series_patches)
set_part series "${dir:-.}"
if [ $k -gt 0 ]; then
	log "$TREE: branch series = $tag + $n patches in $((k + 1)) parts (branches part1..part$k end the first $k)"
else
	log "$TREE: branch series = $tag + $n patches"
fi
