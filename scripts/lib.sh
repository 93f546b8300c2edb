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
BASE_REPO=$TI_CACHE/linux.git
# One source worktree, checked out to the base or the series before each
# build, so that both kernels compile from the same paths and share ccache.
SRC=${TI_SRC:-$TI_CACHE/src/linux}	# bisect.sh: a worktree of its own
PATCHES=${PATCHES:-$TOP/patches}
SERIES=$PATCHES/series
JOBS=${JOBS:-$(nproc)}

# Identity of the commits the tooling itself makes (base import, git am).
# Authors come from the patches; the committer never reaches an export.
export GIT_COMMITTER_NAME="Task Isolation Tooling" GIT_COMMITTER_EMAIL="tooling@localhost"
TREE=${TREE:-$TOP/linux}

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

# Base version recorded in the repository as last tested.
base_recorded_version() {
	sed -n 's/^version=//p' "$TOP/BASE"
}

# Patch file names from patches/series, in order; comments and blanks skipped.
series_patches() {
	[ -f "$SERIES" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$SERIES"
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
