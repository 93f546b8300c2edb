#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Say in one line (the last one printed) whether Debian's archive serves a
# version of the base newer than BASE and, if so, whether the series
# applies to it: the series' patches are applied in order to that
# version's copies of the files they touch.  Never fails: moving the
# series is a deliberate step ('make rebase VERSION=...').
#
# usage: base-newer.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(base_recorded_version)
newest=$(base_served_versions | head -1)
if [ -z "$newest" ]; then
	echo "base: cannot tell which $BASE_PKG versions the archive serves (apt-get update?)"
	exit 0
fi
if dpkg --compare-versions "$newest" le "$ver"; then
	echo "base: BASE $ver is the newest $BASE_PKG the archive serves"
	exit 0
fi
tarball=$( (base_tarball "$newest") 2>/dev/null) || {
	echo "base: the archive serves $newest, newer than BASE $ver, but it could not be fetched"
	exit 0
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
series_patches | sed "s|^|$PATCHES/|" > "$tmp/list"
# Every file a patch touches and does not create, from the newer tarball.
xargs grep -h '^--- a/' < "$tmp/list" | cut -c7- | sort -u | sed 's|^|linux-source-6.12/|' > "$tmp/files"
mkdir "$tmp/src"
tar -C "$tmp/src" --strip-components=1 -xJf "$tarball" -T "$tmp/files" 2>/dev/null
res="applies to it"
while read -r p; do
	if ! out=$(cd "$tmp/src" && git apply --whitespace=nowarn "$p" 2>&1); then
		files=$(printf '%s\n' "$out" | sed -n 's/^error: patch failed: \(.*\):[0-9]*$/\1/p' | sort -u | tr '\n' ' ')
		res="does not apply to it ($(basename "$p")${files:+: ${files% }})"
		break
	fi
done < "$tmp/list"
echo "base: the archive serves $newest, newer than BASE $ver; the series $res; to move: make rebase VERSION=$newest"
