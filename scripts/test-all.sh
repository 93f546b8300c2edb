#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every test of the project, in order: the series applies and round-trips,
# checkpatch, vanilla and patched builds of both arches (objtool diff on
# x86_64, sparse on the series' files, options-off builds once the series
# has options), the selftests booted on both arches, the negative control
# of the debug check, and a short benchmark with vanilla as reference.
# Ends with "N passed, N failed".
#
# usage: test-all.sh   (BENCH_SECONDS, default 5, sets the benchmark window)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
S=$TOP/scripts
mkdir -p "$BUILD/logs"
pass=0 fail=0
failed=()
declare -A ok

step() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	echo "=== $name"
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		ok[$name]=1
		echo "=== PASS $name ($(( $(date +%s) - t0 ))s)"
	else
		fail=$((fail + 1))
		failed+=("$name")
		echo "=== FAIL $name ($(( $(date +%s) - t0 ))s)"
	fi
	return $rc
}

skip_fail() {
	fail=$((fail + 1))
	failed+=("$1")
	echo "=== FAIL $1 (not run: $2 failed)"
}

roundtrip_apply() {
	rm -rf "$BUILD/roundtrip"
	mkdir -p "$BUILD/roundtrip"
	TREE=$BUILD/roundtrip/tree TREE_FORCE=1 "$S/tree.sh"
}

roundtrip_export() {
	TREE=$BUILD/roundtrip/tree "$S/export.sh" "$BUILD/roundtrip/export" &&
		diff -r "$BUILD/roundtrip/export" "$PATCHES" &&
		echo "export of the applied series is byte-identical to patches/" &&
		rm -rf "$BUILD/roundtrip"
}

has_options() {
	grep -q '^CONFIG_' "$TOP/configs/series.config"
}

t_start=$(date +%s)
step deps "$S/deps.sh" || { echo "0 passed, 1 failed"; exit 1; }
# Whether the archive serves a newer base and the series applies to it:
# one line at the end, never a failure (moving is 'make rebase').
"$S/base-newer.sh" > "$BUILD/logs/base-newer.txt" 2>&1 &
newer_pid=$!
step "series applies (git am)" roundtrip_apply &&
	step "export fixed point" roundtrip_export
[ -n "${ok["series applies (git am)"]:-}" ] || skip_fail "export fixed point" "series applies"
step "checkpatch --strict" "$S/checkpatch.sh"
step "kernel-doc and rst: no new warnings in the series' files" "$S/doc-check.sh"
step "selftests compile at every prefix (x86_64 headers)" "$S/bisect-selftests.sh"

for arch in x86_64 arm64; do
	step "build $arch vanilla" "$S/build-kernel.sh" "$arch" vanilla debug
	step "build $arch patched" "$S/build-kernel.sh" "$arch" patched debug
	if has_options; then
		if [ -n "${ok["build $arch vanilla"]:-}" ]; then
			step "build $arch patched, series options off (objects, symbols)" "$S/build-off.sh" "$arch"
		else
			skip_fail "build $arch patched, series options off (objects, symbols)" "build $arch vanilla"
		fi
	fi
	if [ "$arch" = x86_64 ]; then
		if [ -n "${ok["build $arch vanilla"]:-}" ] && [ -n "${ok["build $arch patched"]:-}" ]; then
			step "objtool $arch: no new warnings" "$S/objtool-diff.sh" "$arch"
		else
			skip_fail "objtool $arch: no new warnings" "a build"
		fi
	fi
	if [ -n "${ok["build $arch vanilla"]:-}" ] && [ -n "${ok["build $arch patched"]:-}" ]; then
		step "sparse $arch: no new warnings in the series' files" "$S/sparse.sh" "$arch"
	else
		skip_fail "sparse $arch: no new warnings in the series' files" "a build"
	fi
	if [ -n "${ok["build $arch patched"]:-}" ]; then
		step "guest $arch" "$S/build-guest.sh" "$arch"
	else
		skip_fail "guest $arch" "build $arch patched"
	fi
	if [ -n "${ok["guest $arch"]:-}" ]; then
		step "selftests $arch" "$S/selftests.sh" "$arch"
	else
		skip_fail "selftests $arch" "guest $arch"
	fi
	if [ "$arch" = x86_64 ] && has_options; then
		if [ -n "${ok["guest $arch"]:-}" ]; then
			step "debug check catches a broken checkpoint ($arch)" \
				"$S/prove-debug-check.sh" "$arch"
			step "NMIs injected in user mode and the entry windows ($arch)" \
				"$S/nmi-selftests.sh"
		else
			skip_fail "debug check catches a broken checkpoint ($arch)" "guest $arch"
			skip_fail "NMIs injected in user mode and the entry windows ($arch)" "guest $arch"
		fi
	fi
done

if [ -n "${ok["guest x86_64"]:-}" ] && [ -n "${ok["guest arm64"]:-}" ] &&
   [ -n "${ok["build x86_64 vanilla"]:-}" ] && [ -n "${ok["build arm64 vanilla"]:-}" ]; then
	step "benchmark (short, vanilla reference)" "$S/bench.sh" -s "${BENCH_SECONDS:-5}" x86_64 arm64
else
	skip_fail "benchmark (short, vanilla reference)" "a build"
fi
if [ -n "${ok["benchmark (short, vanilla reference)"]:-}" ]; then
	step "benchmark: no interrupt, no break (every generator)" \
		"$S/bench-check.sh" x86_64 arm64
else
	skip_fail "benchmark: no interrupt, no break (every generator)" "benchmark"
fi

wait "$newer_pid" || true
echo
tail -n 1 "$BUILD/logs/base-newer.txt"
echo "total $(( $(date +%s) - t_start ))s"
if [ $fail -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failed[@]}"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
