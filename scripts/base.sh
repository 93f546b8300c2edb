#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Import the installed linux-source-6.12 into a git repository in the cache
# ($TI_CACHE/src/vanilla), committed once and tagged base-<version>.  That
# worktree is the vanilla source; every other tree shares its objects.
# Prints the base tag.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(base_installed_version)
[ -n "$ver" ] || die "$BASE_PKG is not installed; run scripts/deps.sh"
[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing; reinstall $BASE_PKG"
rec=$(base_recorded_version)
if [ "$ver" != "$rec" ]; then
	log "note: installed $BASE_PKG $ver differs from the last tested base $rec (BASE); applying to $ver anyway"
fi
tag=$(base_tag "$ver")

# Bump when the import itself changes, to re-import existing caches.
import_rev=2
if [ -f "$SRC/.ti-base-version" ] &&
   [ "$(cat "$SRC/.ti-base-version")" = "$ver $import_rev" ] &&
   git -C "$SRC" rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
	echo "$tag"
	exit 0
fi

log "importing $BASE_PKG $ver into $SRC (once per version)"
rm -rf "$SRC"
mkdir -p "$SRC"
tar -C "$SRC" --strip-components=1 -xJf "$BASE_TARBALL"
cd "$SRC"
git init -q -b base
git config core.autocrlf false
git config gc.auto 0
# Keep the worktree's own marker out of the import.
echo /.ti-base-version >> .git/info/exclude
# Debian's .gitignore ends with a block that ignores every top-level path
# ("/*", "!/debian/"), which would hide every file a patch adds.  Drop it:
# it is packaging, not kernel source, and no build reads it.
n=$(grep -n '^# Debian packaging: ignore everything at the top level' .gitignore | cut -d: -f1 || true)
if [ -n "$n" ]; then
	# The block starts with an empty line and a lone "#" above the marker.
	head -n $((n - 3)) .gitignore > .gitignore.ti && mv .gitignore.ti .gitignore
fi
git add -A -f .
export GIT_AUTHOR_NAME="Task Isolation Tooling" GIT_AUTHOR_EMAIL="tooling@localhost"
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
git commit -q -m "Linux $ver (Debian $BASE_PKG)"
git tag "$tag"
echo "$ver $import_rev" > .ti-base-version
log "base imported as $tag ($(git rev-parse --short HEAD))"
echo "$tag"
