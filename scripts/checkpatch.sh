#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the base tree's checkpatch.pl --strict on every patch of the series.
# Prints one line per patch; exits 1 if any has an error, warning or check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
"$TOP/scripts/base.sh" >/dev/null

fail=0 n=0
while read -r p; do
	n=$((n + 1))
	# spdxcheck.py needs python3-ply and python3-git: use Debian's python3.
	if out=$(cd "$SRC" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --no-color --quiet \
			--show-types "$PATCHES/$p" 2>&1); then
		echo "ok $p"
	else
		echo "not ok $p"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=1
	fi
done < <(series_patches)
[ $n -gt 0 ] || echo "ok (empty series)"
exit $fail
