#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the tooling needs, if any is missing, and the
# base source package at exactly the version in BASE (up- or downgrading
# it).  When the archive no longer serves that version, stop with one line
# that names the command moving the series to a version it serves.
#
# usage: deps.sh [EXTRA-PACKAGE...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	build-essential flex bison bc cpio kmod rsync xz-utils git python3
	libelf-dev libssl-dev
	ccache
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-x86 qemu-system-arm
	sparse gnuplot-nox python3-ply python3-git python3-docutils
	rt-tests stress-ng rtla busybox-static
)
[ $# -gt 0 ] && PKGS+=("$@")
ver=$(base_recorded_version)
[ -n "$ver" ] || die "BASE names no version (a line 'version=...')"

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ "$(base_installed_version)" = "$ver" ] || missing+=("$BASE_PKG=$ver")
[ ${#missing[@]} -eq 0 ] && exit 0

log "installing Debian packages: ${missing[*]}"
[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null ||
	die "apt-get update failed; check the Debian mirror in /etc/apt/sources.list"
if ! base_served_versions | grep -qxF "$ver"; then
	newest=$(base_served_versions | head -1)
	die "Debian's archive no longer serves $BASE_PKG $ver (BASE); move the series to a served version: make rebase VERSION=${newest:-<version>}"
fi
apt-get install -y -qq --no-install-recommends --allow-downgrades "${missing[@]}" >"${TMPDIR:-/tmp}/ti-apt.log" 2>&1 ||
	die "apt-get install failed for: ${missing[*]} (log: ${TMPDIR:-/tmp}/ti-apt.log)"
[ "$(base_installed_version)" = "$ver" ] ||
	die "$BASE_PKG is at '$(base_installed_version)' after installing $ver (log: ${TMPDIR:-/tmp}/ti-apt.log)"
log "installed ${#missing[@]} packages"
