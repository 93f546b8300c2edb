#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the base tree's checkpatch.pl --strict on every patch of the series.
# Prints one line per patch; exits 1 if any has an error, warning or check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# The base's checkpatch.pl, from the vanilla worktree.
exec 9>"$TI_CACHE/src.lock"
flock 9
"$TOP/scripts/checkout.sh" vanilla >/dev/null
SRC=$(src_of vanilla)

# Directories the series itself lists in MAINTAINERS (F: lines it adds), so far.
listed=()

# checkpatch asks "does MAINTAINERS need updating?" (FILE_PATH_CHANGES) for
# any new file; it cannot tell that an earlier patch of the series already
# lists the new file's directory.  Only then is the question skipped.
covered() {
	local f d ok
	while read -r f; do
		ok=0
		for d in "${listed[@]}"; do
			case "$f" in "$d"*) ok=1 ;; esac
		done
		[ $ok = 1 ] || return 1
	done < <(sed -n 's|^diff --git a/.* b/\(.*\)$|\1|p; /^new file mode/p' "$1" |
		 sed -n '/^new file mode/{x;p;d}; x')
	return 0
}

fail=0 n=0
while read -r p; do
	n=$((n + 1))
	ignore=()
	if ! grep -q '^+++ b/MAINTAINERS' "$PATCHES/$p" && grep -q '^new file mode' "$PATCHES/$p" &&
	   [ ${#listed[@]} -gt 0 ] && covered "$PATCHES/$p"; then
		ignore=(--ignore FILE_PATH_CHANGES)
	fi
	mapfile -t -O "${#listed[@]}" listed < <(sed -n 's|^+F:[[:space:]]*\(.*/\)$|\1|p' "$PATCHES/$p")
	# spdxcheck.py needs python3-ply and python3-git: use Debian's python3.
	if out=$(cd "$SRC" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --no-color --quiet \
			--show-types "${ignore[@]}" "$PATCHES/$p" 2>&1); then
		echo "ok $p"
	else
		echo "not ok $p"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=1
	fi
done < <(series_patches)
[ $n -gt 0 ] || echo "ok (empty series)"
exit $fail
