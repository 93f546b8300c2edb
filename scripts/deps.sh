#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the tooling needs, if any is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	linux-source-6.12
	build-essential flex bison bc cpio kmod rsync xz-utils git python3
	libelf-dev libssl-dev
	ccache
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-x86 qemu-system-arm
	sparse gnuplot-nox python3-ply python3-git
	rt-tests
)
[ $# -gt 0 ] && PKGS+=("$@")

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

log "installing Debian packages: ${missing[*]}"
[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null ||
	die "apt-get update failed; check the Debian mirror in /etc/apt/sources.list"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/ti-apt.log" 2>&1 ||
	die "apt-get install failed for: ${missing[*]} (log: ${TMPDIR:-/tmp}/ti-apt.log)"
log "installed ${#missing[@]} packages"
