#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Interference benchmark: boot the vanilla and the patched kernel (same
# config) for each ARCH, run guest/tibench on each, print the results side
# by side and one machine-readable line per arch, kernel and generator:
#
#   bench <arch> <vanilla|patched> generator=<g> isolated_cpu_interrupts=<n>
#         isolation_breaks=<n|na> ipis_targeted=<n> seconds=<n>
#
# Environment failures (unexpected clocksource, TSC unstable, tick not
# stopped before a window, a generator that targeted nothing on vanilla)
# are listed apart as "env-failure" lines and make the exit status 3.
#
# -V distro (make field, issue 14): the distribution-style kernels
# (scripts/config.sh), the field guest with Debian's stress-ng and
# hackbench and the kernel's modules (scripts/build-field-guest.sh), the
# field generators of guest/field.h; results under field-* names instead of
# bench-*.  A generator that targeted no IPI on vanilla is an environment
# failure for the lab generators only: a field load that reaches nothing
# there is a result (no source), shown with its rounds in the controls.
#
# -n VCPUS (issue 16's scaling runs): guests with VCPUS vCPUs that isolate
# all but CPUs 0-1, a spinner on every isolated CPU; results under
# <tag>-smpVCPUS-* names.  isolated_cpu_interrupts and isolation_breaks
# are then sums over the isolated CPUs.  The test and distro kernels have
# NR_CPUS=8: above 8 vCPUs the lab generators run on the "scale" kernels
# (the test config with NR_CPUS=16); the field loads stop at 8.
#
# usage: bench.sh [-s SECONDS] [-g GENERATORS] [-V debug|distro] [-n VCPUS] ARCH...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

secs=10
gens=
variant=debug
vcpus=4
while getopts "s:g:V:n:" o; do
	case $o in
	s) secs=$OPTARG ;;
	g) gens=$OPTARG ;;
	V) variant=$OPTARG ;;
	n) vcpus=$OPTARG ;;
	*) die "usage: bench.sh [-s SECONDS] [-g GENERATORS] [-V debug|distro] [-n VCPUS] ARCH..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- x86_64 arm64
case $variant in
debug) tag=bench; : "${gens:=idle,patch,vmalloc,lru,vmstat,all}" ;;
distro)
	tag=field
	: "${gens:=idle,stress-mm,stress-proc,stress-ipc,stress-net,stress-fs,stress-sec,hackbench,modules,bpf,thp,mempressure,monitor,field}"
	;;
*) die "-V wants debug or distro, not '$variant'" ;;
esac
# The spinners' CPUs (tibench -c) and the isolated ones (-t, the kernel's
# nohz_full): CPU 3 of 2-3 at 4 vCPUs as ever, every isolated CPU beyond.
case $vcpus in
4) spin=3 iso=2-3 ;;
[5-8]) spin=2-$((vcpus - 1)) iso=$spin tag=$tag-smp$vcpus ;;
9 | 1[0-6])
	[ "$variant" = debug ] || die "-V $variant: its kernels have NR_CPUS=8, so -n stops at 8"
	spin=2-$((vcpus - 1)) iso=$spin tag=$tag-smp$vcpus variant=scale
	;;
*) die "-n wants 4 to 16 vCPUs, not '$vcpus'" ;;
esac
export TI_SMP=$vcpus TI_ISOLATION=$iso TI_SPIN=$spin

res=$BUILD/results
mkdir -p "$res"
ngen=$(echo "$gens" | tr ',' '\n' | wc -l)
tmo=$((240 + ngen * (secs + 15) * vcpus / 4))
[ "$variant" != distro ] || tmo=$((tmo + 300 + ngen * 20))
envfail=0
summary=$res/$tag-summary.txt
envf=$res/$tag-env-failures.txt
: > "$summary"
: > "$envf"
: > "$res/$tag-controls.txt"

for arch in "$@"; do
	"$TOP/scripts/build-kernel.sh" "$arch" vanilla "$variant"
	"$TOP/scripts/build-kernel.sh" "$arch" patched "$variant"
	"$TOP/scripts/build-guest.sh" "$arch"
	img=$(basename "$(kimage "$arch")")
	for kind in vanilla patched; do
		logf=$BUILD/logs/$tag-$arch-$kind.log
		initrd=$BUILD/guest/$arch/initramfs.cpio
		if [ "$variant" = distro ]; then
			"$TOP/scripts/build-field-guest.sh" "$arch" "$BUILD/kernels/$arch-$kind-$variant"
			initrd=$BUILD/guest/$arch-field/$kind.cpio
		fi
		log "bench $arch $kind: ${secs}s per generator ($gens), log $logf"
		t0=$(date +%s)
		# One retry, said aloud, for QEMU 7.2's multi-threaded TCG
		# running a stale translation of a just-patched int3 (NOTES.md,
		# "QEMU MTTCG: stale int3"; seen on vanilla too).  Anything else
		# fails at once.
		for try in 1 2; do
			if "$TOP/scripts/run-guest.sh" "$arch" "$BUILD/kernels/$arch-$kind-$variant/$img" \
				"$initrd" "$logf" "$tmo" \
				tibench -s "$secs" -c "$spin" -t "$iso" -g "$gens"; then
				break
			fi
			if [ "$try" = 1 ] && [ "$arch" = x86_64 ] && grep -q 'Oops: int3' "$logf"; then
				cp "$logf" "$logf.int3"
				echo "bench $arch $kind: guest Oopsed on a stale int3 (QEMU MTTCG, $logf.int3): retrying once" |
					tee -a "$envf" >&2
				continue
			fi
			die "bench $arch $kind: guest run failed (log: $logf)"
		done
		log "bench $arch $kind: done in $(( $(date +%s) - t0 ))s"
		out=$res/$tag-$arch-$kind.txt
		sed -n '/^TI-PAYLOAD-BEGIN/,/^TI-PAYLOAD-END/p' "$logf" > "$out"
		grep '^result ' "$out" |
			sed "s/^result /bench $arch $kind /; s/ env=[a-z]*$//" >> "$summary"
		# The positive controls that are not in the bench line.
		awk -v a="$arch" -v k="$kind" '
			/^# control:/ { d = $0; sub(/.*deferred=/, "", d); sub(/ .*/, "", d)
					p = $0; sub(/.*vmalloc_purges=/, "", p); sub(/ .*/, "", p)
					o = 0; for (i = 1; i <= NF; i++) if ($i ~ /_ops=/) { split($i, kv, "="); o += kv[2] } }
			/^result / { g = $2; sub(/generator=/, "", g)
				     printf "control %s %s generator=%s deferred=%s vmalloc_purges=%s ops=%s\n", a, k, g, d, p, o }' \
			"$out" >> "$res/$tag-controls.txt"
		while read -r line; do
			echo "env-failure $arch $kind ${line#env-failure }" >> "$envf"
			envfail=1
		done < <(grep '^env-failure' "$out" || true)
		if [ "$kind" = vanilla ]; then
			while read -r g n; do
				# vmalloc: arm64 flushes with broadcast TLBI, no IPI;
				# its control is the purge count, checked in the guest.
				case $g in patch | lru | vmstat | all) ;; *) continue ;; esac
				if [ "$n" -eq 0 ]; then
					echo "env-failure $arch vanilla generator=$g reason=\"targeted no IPI at the isolated CPUs: the generator is inert\"" >> "$envf"
					envfail=1
				fi
			done < <(sed -n 's/^result generator=\([a-z-]*\) .*ipis_targeted=\([0-9]*\).*/\1 \2/p' "$out")
		fi
	done
done

# Side-by-side table.
printf '\n%-7s %-11s | %-25s | %-25s\n' arch generator "vanilla irqs/breaks/ipis" "patched irqs/breaks/ipis"
for arch in "$@"; do
	for g in $(echo "$gens" | tr ',' ' '); do
		v=$(awk -v a="$arch" -v g="generator=$g" '$2==a && $3=="vanilla" && $4==g {print $5"/"$6"/"$7}' "$summary" | sed 's/[a-z_]*=//g')
		p=$(awk -v a="$arch" -v g="generator=$g" '$2==a && $3=="patched" && $4==g {print $5"/"$6"/"$7}' "$summary" | sed 's/[a-z_]*=//g')
		printf '%-7s %-11s | %-25s | %-25s\n' "$arch" "$g" "${v:--}" "${p:--}"
	done
done
echo
if [ -s "$envf" ]; then
	echo "environment failures (not product results):"
	sort -u "$envf"
fi
rm -f "$envf"
"$TOP/scripts/bench-table.sh" "$summary" > "$res/$tag-table.md"
"$TOP/scripts/bench-plot.sh" "$summary" "$res/$tag.png" ||
	log "no picture (gnuplot failed); the figures are in $summary"
cat "$summary"
[ $envfail -eq 0 ] || exit 3
