#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check a source worktree out as the vanilla base (worktree src/vanilla) or
# as the base with patches/series applied (src/patched), creating it on
# first use, and print the commit.  The series is applied to a private index
# (git apply --cached) and committed with fixed dates, so the same series on
# the same base is the same commit, and the worktree is only touched where
# it differs: incremental builds stay incremental.  TI_SERIES_PREFIX=N
# applies only the first N patches.
# The caller holds $TI_CACHE/src.lock (see build-kernel.sh).
#
# usage: checkout.sh vanilla|patched
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=${1:?usage: checkout.sh vanilla\|patched}
tag=$("$TOP/scripts/base.sh")
W=$(src_of "$kind")
export GIT_DIR=$BASE_REPO

case "$kind" in
vanilla)
	commit=$(git rev-parse "$tag^{commit}")
	;;
patched)
	idx=$(mktemp)
	trap 'rm -f "$idx"' EXIT
	git read-tree --index-output="$idx" "$tag"
	while read -r p; do
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
		if ! out=$(GIT_INDEX_FILE=$idx git apply --cached --whitespace=nowarn "$PATCHES/$p" 2>&1); then
			files=$(printf '%s\n' "$out" | sed -n 's/^error: patch failed: \(.*\):[0-9]*$/\1/p; s/^error: \(.*\): does not exist in index$/\1/p; s/^error: \(.*\): already exists in index$/\1/p' | sort -u | tr '\n' ' ')
			printf '%s\n' "$out" >&2
			die "patch $p does not apply to $tag: ${files:-see the git apply output above}"
		fi
	done < <(series_patches | head -n "${TI_SERIES_PREFIX:-100000}")
	tree=$(GIT_INDEX_FILE=$idx git write-tree)
	commit=$(GIT_AUTHOR_NAME=tooling GIT_AUTHOR_EMAIL=tooling@localhost \
		GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git commit-tree "$tree" -p "$tag" -m "series applied")
	;;
*)
	die "usage: checkout.sh vanilla|patched"
	;;
esac

if [ ! -e "$W/.git" ]; then
	git worktree prune
	git worktree add -q --detach "$W" "$commit" >&2
fi
unset GIT_DIR
# A worktree left modified (an interrupted broken build) is reset too.
if [ "$(git -C "$W" rev-parse HEAD)" != "$commit" ] || ! git -C "$W" diff --quiet HEAD; then
	git -C "$W" checkout -q -f --detach "$commit"
fi
echo "$commit"
