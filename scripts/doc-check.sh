#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The documentation the series touches builds without new warnings:
#  - scripts/kernel-doc -none -Wall on every C file and header it touches
#    (tools/ excepted);
#  - docutils (scripts/rst-check.py: Sphinx's roles and directives stubbed)
#    on every .rst file it touches.
# A warning counts only if the same file in the vanilla tree does not have
# it (line numbers dropped), so the base's own warnings do not fail the
# check; a file the series adds must have none.
#
# usage: doc-check.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
python3 -c 'import docutils' 2>/dev/null ||
	die "python3-docutils is missing: run 'make deps' (or apt-get install python3-docutils)"
out=$BUILD/logs/doc-check
mkdir -p "$out"

exec 9>"$TI_CACHE/src.lock"
flock 9
tag=$("$TOP/scripts/base.sh")
commit=$("$TOP/scripts/checkout.sh" patched)
mapfile -t files < <(git -C "$(src_of patched)" diff --name-only --diff-filter=AM "$tag" "$commit" -- \
	'*.c' '*.h' '*.rst' | grep -v '^tools/' || true)
[ ${#files[@]} -gt 0 ] || die "the series touches no C, header or rst file?"

run() {	# kind -> the warnings of the series' files on stdout, without line numbers
	local kind=$1 S f
	S=$(src_of "$kind")
	"$TOP/scripts/checkout.sh" "$kind" >/dev/null
	for f in "${files[@]}"; do
		[ -f "$S/$f" ] || continue
		case $f in
		*.rst)	(cd "$S" && python3 "$TOP/scripts/rst-check.py" "$f" || true) ;;
		*)	(cd "$S" && perl scripts/kernel-doc -none -Wall "$f" 2>&1 || true) ;;
		esac
	done | sed -e 's/:[0-9]*: /: /' | sort -u
}
run vanilla > "$out/vanilla.txt"
run patched > "$out/patched.txt"
new=$(comm -13 "$out/vanilla.txt" "$out/patched.txt")
n_rst=$(printf '%s\n' "${files[@]}" | grep -c '\.rst$' || true)
echo "doc-check: $((${#files[@]} - n_rst)) C files and headers, $n_rst rst files;" \
	"$(wc -l < "$out/vanilla.txt") warnings in their vanilla versions, $(wc -l < "$out/patched.txt") patched"
if [ -n "$new" ]; then
	printf '%s\n' "$new" | sed 's/^/    /'
	exit 1
fi
