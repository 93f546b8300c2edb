#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Selftest bisectability: for every prefix of the series that has
# tools/testing/selftests/task_isolation/, install that prefix's uapi
# headers (x86_64) and compile every test program of the directory with
# -fsyntax-only, implicit declarations as errors.  A kernel build does not
# compile the selftests, so bisect.sh and bisect-quick.sh cannot see a
# test that uses a helper, a constant or a uapi field that a later patch
# adds.  Own worktree ($TI_CACHE/src/bisect-selftests) and header tree.
#
# usage: bisect-selftests.sh      (TI_BISECT_FROM=K starts at the K-th prefix)
# One line per prefix ("ok"/"FAIL"), then "bisect-selftests: N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need gcc make

export TI_SRC=$TI_CACHE/src/bisect-selftests
SRC=$TI_SRC
O=$TI_CACHE/out/bisect-selftests
mkdir -p "$O" "$BUILD/logs"
n=$(series_patches | wc -l)
pass=0 fail=0
exec 9>"$TI_CACHE/src.lock"
flock 9
for k in $(seq "${TI_BISECT_FROM:-1}" "$n"); do
	p=$(series_patches | sed -n "${k}p")
	TI_SERIES_PREFIX=$k "$TOP/scripts/checkout.sh" patched >/dev/null
	dir=$SRC/tools/testing/selftests/task_isolation
	[ -d "$dir" ] || continue
	logf=$BUILD/logs/bisect-selftests-$k.log
	: > "$logf"
	[ -f "$O/.config" ] || make -s -C "$SRC" O="$O" ARCH=x86_64 tinyconfig >> "$logf" 2>&1
	bad=
	if ! make -s -C "$SRC" O="$O" ARCH=x86_64 headers >> "$logf" 2>&1; then
		bad=headers
	else
		for f in "$dir"/*.c; do
			gcc -fsyntax-only -O2 -Wall -Wextra -Wno-unused-parameter \
				-Werror=implicit-function-declaration -isystem "$O/usr/include" \
				-I"$SRC/tools/testing/selftests" "$f" >> "$logf" 2>&1 ||
				bad="$bad $(basename "$f")"
		done
	fi
	if [ -z "$bad" ]; then
		echo "ok   $k/$n $p"
		pass=$((pass + 1))
	else
		echo "FAIL $k/$n $p:$bad (log: build/logs/bisect-selftests-$k.log)"
		fail=$((fail + 1))
	fi
done
echo "bisect-selftests: $pass passed, $fail failed"
[ $fail -eq 0 ]
