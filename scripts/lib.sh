# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the task-isolation tooling.  Sourced, not run.
#
# Layout:
#   $TOP                 this repository (patches/, configs/, guest/, scripts/)
#   $BUILD               per-clone outputs: logs, guest images, results
#   $TI_CACHE            machine-wide cache kept across clones: base git repo,
#                        source worktrees, kernel object trees, ccache

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TI_CACHE=${TI_CACHE:-/var/tmp/task-isolation}
CCACHE_DIR=${CCACHE_DIR:-$TI_CACHE/ccache}
export CCACHE_DIR

BASE_PKG=linux-source-6.12
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz
# Bare repository holding each imported Debian version as a commit tagged
# base-<version> (scripts/base.sh); every source tree is a worktree of it.
BASE_REPO=$TI_CACHE/linux.git
# One worktree per kind of kernel, each staying at its own commit, so that
# building one kind never touches the other's files and every object tree
# stays incremental: vanilla (the base) and patched (the series; the broken
# kernel is built from it, see build-kernel.sh).  TI_SRC overrides both
# (bisect.sh: a worktree of its own).
src_of() {
	if [ -n "${TI_SRC:-}" ]; then
		echo "$TI_SRC"
	elif [ "$1" = vanilla ]; then
		echo "$TI_CACHE/src/vanilla"
	else
		echo "$TI_CACHE/src/patched"
	fi
}
SRC=$(src_of patched)
PATCHES=${PATCHES:-$TOP/patches}
SERIES=$PATCHES/series
JOBS=${JOBS:-$(nproc)}

# Identity of the commits the tooling itself makes (base import, git am).
# Authors come from the patches; the committer never reaches an export.
export GIT_COMMITTER_NAME="Task Isolation Tooling" GIT_COMMITTER_EMAIL="tooling@localhost"
TREE=${TREE:-$TOP/linux}

# Every kernel make of the tooling runs with the same environment, so that
# one never makes another rebuild (timestamps, ccache's view of paths).
kbuild_env() {
	export KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=ti KBUILD_BUILD_HOST=ti
	export CCACHE_BASEDIR=$TI_CACHE CCACHE_NOHASHDIR=1
	export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Arch name used by the kernel's ARCH= and cross compiler prefix.
karch() {
	case "$1" in
	x86_64) echo x86 ;;
	arm64) echo arm64 ;;
	*) die "unknown arch '$1' (use x86_64 or arm64)" ;;
	esac
}

cross_compile() {
	case "$1" in
	x86_64) echo "" ;;
	arm64) echo aarch64-linux-gnu- ;;
	*) die "unknown arch '$1'" ;;
	esac
}

kimage() {
	case "$1" in
	x86_64) echo arch/x86/boot/bzImage ;;
	arm64) echo arch/arm64/boot/Image ;;
	esac
}

# Installed Debian version of the base source package, empty if none.
base_installed_version() {
	dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true
}

# Base version the series is tested on, from BASE.
base_recorded_version() {
	sed -n 's/^version=//p' "$TOP/BASE"
}

# Versions of the base package Debian's archive serves, newest first
# (from the apt lists; run apt-get update first for a current answer).
base_served_versions() {
	apt-cache madison "$BASE_PKG" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' |
		sort -u | sort -r -V
}

# Patch file names from patches/series, in order; comments and blanks skipped.
series_patches() {
	[ -f "$SERIES" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$SERIES"
}

# Path of the source tarball of base version $1: the installed package's
# when it is that version, else one extracted from that version's package,
# fetched from the archive with apt-get download into the cache (nothing is
# installed or removed).  Dies when the archive does not serve it.
base_tarball() {
	local ver=$1 d t
	if [ "$(base_installed_version)" = "$ver" ] && [ -f "$BASE_TARBALL" ]; then
		echo "$BASE_TARBALL"
		return
	fi
	d=$TI_CACHE/debs/$ver
	t=$d/$(basename "$BASE_TARBALL")
	if [ ! -f "$t" ]; then
		log "fetching $BASE_PKG $ver from the archive"
		rm -rf "$d"
		mkdir -p "$d"
		(cd "$d" && apt-get download -q "$BASE_PKG=$ver") > "$d/download.log" 2>&1 ||
			die "Debian's archive does not serve $BASE_PKG $ver (served: $(base_served_versions | tr '\n' ' ')); see $d/download.log"
		dpkg-deb --fsys-tarfile "$d"/*.deb |
			tar -x -O "./usr/src/$(basename "$BASE_TARBALL")" > "$t.part"
		mv "$t.part" "$t"
		rm -f "$d"/*.deb
	fi
	echo "$t"
}

# Git tag naming the imported base of a given Debian version.
base_tag() {
	echo "base-$(echo "$1" | tr '~:+' '___')"
}

need() {
	local missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ ${#missing[@]} -eq 0 ] ||
		die "missing commands: ${missing[*]}; run 'make deps' (scripts/deps.sh) as root"
}

# The break signal's si_code as the patched kernel's exported uapi headers
# define it (HDR: a usr/include directory).  glibc has no name for it; the
# guest programs get it as -DSI_TASK_ISOLATION=..., so that they can never
# drift from the kernel they are built for.
ti_si_code() {
	local v
	v=$(sed -n 's/^#define[[:space:]]*SI_TASK_ISOLATION[[:space:]]*\([0-9a-fA-Fx-]*\).*/\1/p' \
		"$1/asm-generic/siginfo.h" 2>/dev/null)
	[ -n "$v" ] || die "no SI_TASK_ISOLATION in $1/asm-generic/siginfo.h: build the patched kernel first"
	echo "$v"
}

# Copy host executables into a guest root at the same paths, with the
# shared libraries and dynamic loader ldd names for them (copies of the
# files, not of /lib64's or merged-/usr symlinks).  Prints the library
# paths, one per line.
guest_add_dynamic() {
	local root=$1 b f libs=
	shift
	for b in "$@"; do
		mkdir -p "$root$(dirname "$b")"
		install -m 755 "$b" "$root$b"
		f=$(ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
		[ -n "$f" ] || die "ldd $b named no library"
		libs+="$f"$'\n'
	done
	for f in $(printf '%s' "$libs" | sort -u); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
	printf '%s' "$libs" | sort -u
}

# A guest root as a newc cpio archive.
pack_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$2"
}
