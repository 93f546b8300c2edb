#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the commits of the developer tree ($TREE, made by scripts/tree.sh)
# since the base tag into patches/: numbered format-patch files, a cover
# letter built from the branch description, and the series file.  The output
# depends only on the commits, so an unchanged tree exports to the same bytes.
#
# usage: export.sh [OUTDIR]   (default: patches/)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$PATCHES}
[ -d "$TREE/.git" ] || die "no tree at $TREE; run 'make tree' first"
tag=$(git -C "$TREE" describe --tags --abbrev=0 --match 'base-*' HEAD 2>/dev/null) ||
	die "$TREE has no base-* tag below HEAD; was it made by 'make tree'?"
if ! git -C "$TREE" diff --quiet HEAD || ! git -C "$TREE" diff --cached --quiet; then
	die "$TREE has uncommitted changes; commit them (git -C $TREE commit) before exporting"
fi

n=$(git -C "$TREE" rev-list --count "$tag..HEAD")
[ "$(git -C "$TREE" rev-list --count --merges "$tag..HEAD")" -eq 0 ] ||
	die "merge commits in $tag..HEAD cannot be exported as a series"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fp=(git -C "$TREE" -c core.abbrev=12 -c diff.algorithm=myers -c diff.renames=true
    -c format.signature= -c format.coverLetter=false -c format.signOff=false
    -c format.thread=false
    -c format.subjectPrefix=PATCH -c format.numbered=auto
    format-patch --zero-commit --no-signature --no-attach --no-thread
    --encode-email-headers -o "$tmp")
if [ "$n" -gt 0 ]; then
	desc=$(git -C "$TREE" config --get branch.series.description || true)
	[ -n "$desc" ] || desc=$'*** SUBJECT HERE ***\n\n*** BLURB HERE ***'
	git -C "$TREE" config branch.series.description "$desc"
	# The cover letter's date is taken from the newest patch, not the clock.
	date=$(git -C "$TREE" log -1 --format=%ad --date=rfc2822 HEAD)
	GIT_COMMITTER_DATE="$date" GIT_COMMITTER_NAME="$(git -C "$TREE" log -1 --format=%an HEAD)" \
		GIT_COMMITTER_EMAIL="$(git -C "$TREE" log -1 --format=%ae HEAD)" "${fp[@]}" --cover-letter \
		--cover-from-description=subject "$tag..HEAD" >/dev/null
	# format-patch names the cover letter by its own rules; ours is fixed.
	# Its "From" line and date come from the tooling, not from a commit.
	sed -i -e "1s/^From [0-9a-f]* /From 0000000000000000000000000000000000000000 /" \
		"$tmp/0000-cover-letter.patch"
fi

# Cc each patch to what scripts/get_maintainer.pl names for it, read from
# the tree's own MAINTAINERS (which the series may extend); the cover
# letter to all of them.
all_cc=$(mktemp)
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	[ "$(basename "$f")" = 0000-cover-letter.patch ] && continue
	# A fixed hash seed: get_maintainer.pl orders equally ranked entries
	# (a file in two MAINTAINERS sections) by Perl hash order.
	(cd "$TREE" && PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 \
		perl scripts/get_maintainer.pl --no-rolestats --no-git \
		--no-git-fallback "$f" 2>/dev/null) > "$f.cc" || true
	cat "$f.cc" >> "$all_cc"
done
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	if [ "$(basename "$f")" = 0000-cover-letter.patch ]; then
		cc=$(awk '!seen[$0]++' "$all_cc" | paste -sd, - | sed 's/,/, /g')
	else
		cc=$(paste -sd, - < "$f.cc" | sed 's/,/, /g')
		rm -f "$f.cc"
	fi
	[ -n "$cc" ] || continue
	awk -v cc="Cc: $cc" '!done && /^$/ { print cc; done = 1 } { print }' "$f" > "$f.new"
	mv "$f.new" "$f"
done
rm -f "$all_cc"

mkdir -p "$out"
find "$out" -maxdepth 1 -name '*.patch' -delete
{
	echo "# Applied in this order onto the base in BASE; written by scripts/export.sh."
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		b=$(basename "$f")
		cp "$f" "$out/$b"
		[ "$b" = 0000-cover-letter.patch ] || echo "$b"
	done
} > "$out/series"
log "exported $n patches from $TREE to $out"
