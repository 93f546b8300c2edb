#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Move the series to another Debian version of the base (make rebase
# VERSION=...): import that version as a child of the current base, so
# that git sees the upstream change as history, rebase the developer tree
# ($TREE) onto it with three-way merges, and on success record the version
# in BASE and export the series.  A conflict stops it, naming the patch and
# the files; resolve them in $TREE (edit, git add, git rebase --continue)
# and run the same command again to finish.
#
# usage: rebase.sh VERSION
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git

new=${1:?usage: rebase.sh VERSION (one of: $(base_served_versions | tr '\n' ' '))}
old=$(base_recorded_version)
old_tag=$(base_tag "$old")
new_tag=$(base_tag "$new")
[ "$new" != "$old" ] || die "BASE is already $new"
mkdir -p "$BUILD"

if [ -d "$TREE/.git" ] && { [ -d "$TREE/.git/rebase-merge" ] || [ -d "$TREE/.git/rebase-apply" ]; }; then
	die "a rebase is in progress in $TREE: resolve it (git -C $TREE status), 'git rebase --continue', then rerun 'make rebase VERSION=$new'"
fi

"$TOP/scripts/base.sh" "$old" >/dev/null
"$TOP/scripts/base.sh" "$new" "$old_tag" >/dev/null
if ! git --git-dir="$BASE_REPO" merge-base --is-ancestor "$old_tag" "$new_tag"; then
	die "$new_tag was imported before without $old_tag as parent; remove the tag (git --git-dir=$BASE_REPO tag -d $new_tag) and rerun"
fi

# A tree already on the new base is a resumed rebase: only finish it.
on_new=0
if [ -d "$TREE/.git" ]; then
	git -C "$TREE" fetch -q "$BASE_REPO" 'refs/tags/*:refs/tags/*'
	[ "$(git -C "$TREE" describe --tags --abbrev=0 --match 'base-*' HEAD 2>/dev/null)" = "$new_tag" ] && on_new=1
fi
if [ $on_new -eq 0 ]; then
	"$TOP/scripts/tree.sh"
	git -C "$TREE" fetch -q "$BASE_REPO" 'refs/tags/*:refs/tags/*'
	log "rebasing $(git -C "$TREE" rev-list --count "$old_tag..HEAD") patches from $old_tag onto $new_tag"
	if ! git -C "$TREE" -c rerere.enabled=false rebase -q --onto "$new_tag" "$old_tag" series \
		> "$BUILD/rebase.log" 2>&1; then
		subj=$(git -C "$TREE" log -1 --format=%s REBASE_HEAD 2>/dev/null || echo "?")
		p=$(grep -rlF --include="[0-9]*.patch" "$subj" "$PATCHES" | grep -v 0000-cover-letter | head -1 || true)
		p=${p#"$PATCHES"/}
		files=$(git -C "$TREE" diff --name-only --diff-filter=U | tr '\n' ' ')
		echo "conflict: ${p:-$subj} does not apply to $new_tag: ${files:-see $BUILD/rebase.log}" >&2
		die "resolve in $TREE (edit, git add, git rebase --continue), then rerun 'make rebase VERSION=$new'"
	fi
fi
sed -i "s/^version=.*/version=$new/" "$TOP/BASE"
"$TOP/scripts/export.sh"
log "series rebased onto $new_tag; BASE says $new; patches/ exported (review: git diff, then commit)"
