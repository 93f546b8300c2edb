#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check the shared source worktree ($SRC) out as the vanilla base or as the
# base with patches/series applied.  The series is applied to a private
# index (git apply --cached), so the worktree is only touched where it
# differs and incremental builds stay incremental.  Prints the commit.
#
# usage: checkout.sh vanilla|patched|broken
# "broken" is the series plus a deliberate defect: $TI_BREAK_PATCH, by
# default tests/break-checkpoint.patch (a checkpoint the debug check must
# catch); tests/mutations/ holds the ones the selftests must catch.  TI_SERIES_PREFIX=N
# applies only the first N patches.
# The caller holds $TI_CACHE/src.lock (see build-kernel.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=${1:?usage: checkout.sh vanilla\|patched\|broken}
tag=$("$TOP/scripts/base.sh")
cd "$SRC"

case "$kind" in
vanilla)
	commit=$(git rev-parse "$tag^{commit}")
	;;
patched|broken)
	idx=$(mktemp)
	trap 'rm -f "$idx"' EXIT
	export GIT_INDEX_FILE=$idx
	git read-tree "$tag"
	while read -r p; do
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
		if ! out=$(git apply --cached --whitespace=nowarn "$PATCHES/$p" 2>&1); then
			files=$(printf '%s\n' "$out" | sed -n 's/^error: patch failed: \(.*\):[0-9]*$/\1/p; s/^error: \(.*\): does not exist in index$/\1/p; s/^error: \(.*\): already exists in index$/\1/p' | sort -u | tr '\n' ' ')
			printf '%s\n' "$out" >&2
			die "patch $p does not apply to $tag: ${files:-see the git apply output above}"
		fi
	done < <(series_patches | head -n "${TI_SERIES_PREFIX:-100000}")
	if [ "$kind" = broken ]; then
		bp=${TI_BREAK_PATCH:-$TOP/tests/break-checkpoint.patch}
		git apply --cached "$bp" || die "$bp does not apply to the series"
	fi
	tree=$(git write-tree)
	unset GIT_INDEX_FILE
	commit=$(GIT_AUTHOR_NAME=tooling GIT_AUTHOR_EMAIL=tooling@localhost \
		GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git commit-tree "$tree" -p "$tag" -m "series applied")
	;;
*)
	die "usage: checkout.sh vanilla|patched|broken"
	;;
esac

if [ "$(git rev-parse HEAD)" != "$commit" ]; then
	git checkout -q -f --detach "$commit"
fi
echo "$commit"
