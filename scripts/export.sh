#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the commits of the developer tree ($TREE, made by scripts/tree.sh)
# since the base tag into patches/: numbered format-patch files, a cover
# letter built from the branch description, and the series file.  The output
# depends only on the commits, so an unchanged tree exports to the same bytes.
#
# Parts (issue 17: three series, each mergeable on its own): branches
# part1, part2, ... in the tree mark the last commit of every part but the
# last, which ends at HEAD (branch series).  Each part goes to a directory
# of its own (branch.<b>.dirname), numbered from 1, with a cover letter
# from its branch's description; the series file lists them in order, a
# "# Part N" line before each.  tree.sh sets the branches up again, and
# rebase.updateRefs carries them through an interactive rebase.
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
    --encode-email-headers)

# export_range FROM TO BRANCH DIR: the commits FROM..TO into $tmp/DIR, with
# a cover letter from BRANCH's description (format-patch takes it from the
# branch that TO names) and Cc lines from get_maintainer.pl.
export_range() {
	local from=$1 to=$2 branch=$3 d=$tmp/$4 desc date f cc all_cc
	mkdir -p "$d"
	[ "$(git -C "$TREE" rev-list --count "$from..$to")" -gt 0 ] || return 0
	desc=$(git -C "$TREE" config --get "branch.$branch.description" || true)
	[ -n "$desc" ] || desc=$'*** SUBJECT HERE ***\n\n*** BLURB HERE ***'
	git -C "$TREE" config "branch.$branch.description" "$desc"
	# The cover letter's date is taken from the newest patch, not the clock.
	date=$(git -C "$TREE" log -1 --format=%ad --date=rfc2822 "$to")
	GIT_COMMITTER_DATE="$date" GIT_COMMITTER_NAME="$(git -C "$TREE" log -1 --format=%an "$to")" \
		GIT_COMMITTER_EMAIL="$(git -C "$TREE" log -1 --format=%ae "$to")" "${fp[@]}" -o "$d" \
		--cover-letter --cover-from-description=subject "$from..$to" >/dev/null
	# format-patch names the cover letter by its own rules; ours is fixed.
	# Its "From" line and date come from the tooling, not from a commit.
	sed -i -e "1s/^From [0-9a-f]* /From 0000000000000000000000000000000000000000 /" \
		"$d/0000-cover-letter.patch"

	# Cc each patch to what scripts/get_maintainer.pl names for it, read
	# from the tree's own MAINTAINERS (which the series may extend); the
	# cover letter to all of them.
	all_cc=$(mktemp)
	for f in "$d"/*.patch; do
		[ "$(basename "$f")" = 0000-cover-letter.patch ] && continue
		# A fixed hash seed: get_maintainer.pl orders equally ranked
		# entries (a file in two MAINTAINERS sections) by Perl hash order.
		(cd "$TREE" && PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 \
			perl scripts/get_maintainer.pl --no-rolestats --no-git \
			--no-git-fallback "$f" 2>/dev/null) > "$f.cc" || true
		cat "$f.cc" >> "$all_cc"
	done
	for f in "$d"/*.patch; do
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
}

# The parts: part1, part2, ... while they exist, then series (HEAD).
parts=() from=$tag k=1
while git -C "$TREE" rev-parse -q --verify "refs/heads/part$k" >/dev/null; do
	if ! git -C "$TREE" merge-base --is-ancestor "$from" "part$k" ||
	   ! git -C "$TREE" merge-base --is-ancestor "part$k" HEAD; then
		die "branch part$k is not between $from and HEAD: move it (git -C $TREE branch -f part$k COMMIT)"
	fi
	d=$(git -C "$TREE" config --get "branch.part$k.dirname") ||
		die "branch part$k has no dirname (git -C $TREE config branch.part$k.dirname NAME)"
	parts+=("$from part$k part$k $d")
	from=part$k k=$((k + 1))
done
if [ ${#parts[@]} -eq 0 ]; then
	parts=("$tag HEAD series .")
else
	d=$(git -C "$TREE" config --get branch.series.dirname) ||
		die "the last part has no dirname (git -C $TREE config branch.series.dirname NAME)"
	parts+=("$from HEAD series $d")
fi
for p in "${parts[@]}"; do
	# shellcheck disable=SC2086 # four words
	export_range $p
done

mkdir -p "$out"
find "$out" -name '*.patch' -delete
find "$out" -mindepth 1 -type d -empty -delete
{
	echo "# Applied in this order onto the base in BASE; written by scripts/export.sh."
	k=0
	for p in "${parts[@]}"; do
		d=${p##* }
		b=${p% *}
		b=${b##* }
		k=$((k + 1))
		if [ "$d" != . ]; then
			subj=$(git -C "$TREE" config --get "branch.$b.description" | head -n 1 || true)
			echo "# Part $k: $d${subj:+: $subj}"
			mkdir -p "$out/$d"
		fi
		for f in "$tmp/$d"/*.patch; do
			[ -e "$f" ] || continue
			b=$(basename "$f")
			cp "$f" "$out/$d/$b"
			[ "$b" != 0000-cover-letter.patch ] || continue
			if [ "$d" = . ]; then echo "$b"; else echo "$d/$b"; fi
		done
	done
} > "$out/series"
log "exported $n patches in ${#parts[@]} part(s) from $TREE to $out"
