#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the kernel config for ARCH/KIND/VARIANT to stdout: tinyconfig plus
# the fragments in configs/, then olddefconfig.  Every line of every
# fragment must hold in the result; an option Kconfig dropped (a missing
# dependency, a typo) is an error naming it.
#
# usage: config.sh ARCH vanilla|patched debug|off|kasan|kcsan|perf|distro|scale
# "distro" starts from the arch's defconfig instead of tinyconfig (issue 14);
# "scale" is the test config with NR_CPUS=16 (issue 16).
# Runs inside $SRC as checked out by checkout.sh (caller holds the lock).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: config.sh ARCH KIND VARIANT}
kind=${2:?}
variant=${3:?}
C=$TOP/configs

frags=("$C/base.config" "$C/$arch.config" "$C/debug.config" "$C/$arch-debug.config")
off=()
start=tinyconfig
# Hardening variants (issue 6): the test config plus a fragment, built
# vanilla or patched; "perf" drops the debug fragments (cost.sh).
case "$variant" in
debug|off) ;;
kasan|kcsan) frags+=("$C/hardening-$variant.config") ;;
scale) frags+=("$C/scale.config") ;;
perf) frags=("$C/base.config" "$C/$arch.config" "$C/perf.config") ;;
distro)
	start=defconfig
	frags=("$C/base.config" "$C/$arch.config" "$C/distro.config")
	[ ! -f "$C/$arch-distro.config" ] || frags+=("$C/$arch-distro.config")
	;;
*) die "unknown variant $variant (debug, off, kasan, kcsan, perf, distro, scale)" ;;
esac
case "$kind/$variant" in
vanilla/*) [ "$variant" != off ] || die "vanilla has no 'off' variant" ;;
patched/off)
	off=("$C/series.config")
	;;
patched/perf|patched/distro|broken/distro|broken/perf) frags+=("$C/series-perf.config") ;;
patched/*|broken/debug|broken/kasan|broken/kcsan|broken/scale) frags+=("$C/series.config") ;;
*) die "unknown kind/variant $kind/$variant" ;;
esac

cfgdir=$TI_CACHE/out/cfg-$(basename "$SRC")-$arch
mkdir -p "$cfgdir"
mk=(make -s -C "$SRC" O="$cfgdir" ARCH="$arch" CROSS_COMPILE="$(cross_compile "$arch")")

all=$cfgdir/fragments.config
cat "${frags[@]}" > "$all"
if [ ${#off[@]} -gt 0 ]; then
	sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/# \1 is not set/p' "${off[@]}" >> "$all"
fi

"${mk[@]}" "$start" >/dev/null
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$cfgdir" "$cfgdir/.config" "$all" >/dev/null
"${mk[@]}" olddefconfig >/dev/null
# arm64's defconfig builds some 1200 driver modules for SoCs and boards
# that QEMU's virt machine does not have (an hour of build on 2 cores);
# they never load in the guest.  Keep only the modules the fragments ask
# for.  x86_64's defconfig has 16 (netfilter, efivarfs, thermal): kept.
if [ "$variant" = distro ] && [ "$arch" = arm64 ]; then
	sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=m$/\1/p' "$all" > "$cfgdir/keep-modules"
	grep -E '^CONFIG_[A-Za-z0-9_]+=m$' "$cfgdir/.config" | cut -d= -f1 |
		grep -vxF -f "$cfgdir/keep-modules" | sed 's/^CONFIG_//' > "$cfgdir/drop-modules" || true
	drop=()
	while read -r opt; do
		drop+=(-d "$opt")
	done < "$cfgdir/drop-modules"
	[ ${#drop[@]} -eq 0 ] || "$SRC/scripts/config" --file "$cfgdir/.config" "${drop[@]}"
	"${mk[@]}" olddefconfig >/dev/null
fi

bad=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		opt=${line%%=*}
		if ! grep -qxF "$line" "$cfgdir/.config"; then
			got=$(grep -E "^$opt=|^# $opt is not set" "$cfgdir/.config" || echo "absent")
			# A prefix of the series may not offer its options yet.
			if [ "${TI_CONFIG_LENIENT:-0}" = 1 ] && grep -qxF "$line" "$C/series.config"; then
				echo "note: $opt not available at this point of the series ($arch)" >&2
				continue
			fi
			echo "error: $opt: requested '${line#*=}', config has '$got' ($arch $kind/$variant)" >&2
			bad=1
		fi
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -q "^$opt=" "$cfgdir/.config"; then
			echo "error: $opt: requested off, config has '$(grep "^$opt=" "$cfgdir/.config")' ($arch $kind/$variant)" >&2
			bad=1
		fi
		;;
	esac
done < <(
	# A later fragment overrides an earlier one (merge_config.sh does the
	# same): check each option's last request only.
	tac "$all" | awk '{ o = $0; sub(/^# /, "", o); sub(/[= ].*/, "", o) } !(o in seen) { seen[o] = 1; print }' | tac)
[ $bad -eq 0 ] || die "kconfig dropped requested options (see above): fix configs/ or the missing dependency"
cat "$cfgdir/.config"
