#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compare the objtool warnings of the patched and vanilla builds of ARCH
# (same config).  Fails when the patched kernel has a warning vanilla has not.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
arch=${1:-x86_64}
v=$BUILD/kernels/$arch-vanilla-debug/objtool.log
p=$BUILD/kernels/$arch-patched-debug/objtool.log
[ -f "$v" ] && [ -f "$p" ] || die "build both kernels first: scripts/build-kernel.sh $arch vanilla|patched"
new=$(comm -13 <(sort -u "$v") <(sort -u "$p"))
echo "objtool $arch: vanilla $(wc -l < "$v") warnings, patched $(wc -l < "$p")"
if [ -n "$new" ]; then
	echo "objtool warnings only in the patched kernel:"
	printf '%s\n' "$new" | sed 's/^/    /'
	exit 1
fi
