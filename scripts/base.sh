#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Import a Debian linux-source-6.12 version into the base repository
# ($BASE_REPO, bare) as one commit tagged base-<version>, once, and print
# the tag.  The tarball is the installed package's when its version is the
# one asked for, else that version's, fetched (base_tarball in lib.sh).
#
# usage: base.sh [VERSION [PARENT-TAG]]
#   VERSION     default: the version in BASE
#   PARENT-TAG  record the import as a child of that base (make rebase), so
#               that git sees the upstream change as history and merges
#               three ways; without it the import is a root commit
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git tar xz

ver=${1:-$(base_recorded_version)}
parent=${2:-}
[ -n "$ver" ] || die "BASE names no version (a line 'version=...')"
tag=$(base_tag "$ver")

# Bump when the import itself changes, to re-import existing caches.
import_rev=3
if [ ! -f "$BASE_REPO/ti-import-rev" ] || [ "$(cat "$BASE_REPO/ti-import-rev")" != $import_rev ]; then
	rm -rf "$BASE_REPO" "$TI_CACHE/src"
	mkdir -p "$BASE_REPO"
	git init -q --bare "$BASE_REPO"
	git -C "$BASE_REPO" config gc.auto 0
	git -C "$BASE_REPO" config core.autocrlf false
	echo $import_rev > "$BASE_REPO/ti-import-rev"
fi
if git -C "$BASE_REPO" rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
	echo "$tag"
	exit 0
fi

exec 8>"$TI_CACHE/import.lock"
flock 8
if git -C "$BASE_REPO" rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
	echo "$tag"
	exit 0
fi

tarball=$(base_tarball "$ver")

log "importing $BASE_PKG $ver into $BASE_REPO (once per version)"
tmp=$TI_CACHE/import.tmp
rm -rf "$tmp"
mkdir -p "$tmp/src"
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp/src" --strip-components=1 -xJf "$tarball"
# Debian's .gitignore ends with a block that ignores every top-level path
# ("/*", "!/debian/"), which would hide every file a patch adds.  Drop it:
# it is packaging, not kernel source, and no build reads it.
n=$(grep -n '^# Debian packaging: ignore everything at the top level' "$tmp/src/.gitignore" | cut -d: -f1 || true)
if [ -n "$n" ]; then
	# The block starts with an empty line and a lone "#" above the marker.
	head -n $((n - 3)) "$tmp/src/.gitignore" > "$tmp/gitignore"
	mv "$tmp/gitignore" "$tmp/src/.gitignore"
fi
export GIT_DIR=$BASE_REPO GIT_WORK_TREE=$tmp/src GIT_INDEX_FILE=$tmp/index
(cd "$tmp/src" && git add -A -f .)
tree=$(git write-tree)
export GIT_AUTHOR_NAME="Task Isolation Tooling" GIT_AUTHOR_EMAIL="tooling@localhost"
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
pargs=()
if [ -n "$parent" ]; then
	pargs=(-p "$(git rev-parse "$parent^{commit}")")
fi
commit=$(git commit-tree "$tree" "${pargs[@]}" -m "Linux $ver (Debian $BASE_PKG)")
git tag "$tag" "$commit"
log "base imported as $tag ($(git rev-parse --short "$commit")${parent:+, child of $parent})"
echo "$tag"
