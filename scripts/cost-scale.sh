#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How the costs of the series grow with the machine (issue 16): the cost
# guard's entry paths and the senders' costs at several vCPU counts, with
# every CPU but 0-1 nohz_full, vanilla vs patched perf kernels, counted as
# instructions under QEMU -icount (see cost.sh for the method).
#
# Per arch, vCPU count V (COST_SCALE_VCPUS, "4 8 16") and kernel, with
# CPUs 2..V-1 isolated (2, 6 or 14 of them), guest/costbench runs:
#   getpid/fault/irq on CPU 1 (housekeeping) and CPU 3 (nohz_full)
#   sender patch 2..V-1   one text patch (arming a tracepoint) from CPU 0
#                         while a process spins in user mode on each
#                         isolated CPU: vanilla IPIs them and waits, the
#                         series defers the sync to each of them
#   sender vmstat 2..V-1  one vmstat_refresh() from CPU 0, same spinners
#   irq-spin 0 1 2..V-1   an IPI round trip to housekeeping CPU 1 with the
#                         spinners running, and irq-iso the same with task
#                         isolation enabled in them (the series' IPI
#                         attribution probes run on every IPI then)
#   irq2 0 1 2            an IPI round trip to two CPUs at once (1 and 2:
#                         the cpumask path), and irq-probe the same with
#                         the probes registered and no CPU isolated (what
#                         an IPI to CPUs without an isolated thread pays)
# Results: build/results/cost-scale-ARCH.txt ("scale ARCH KIND vcpus=V
# isolated=I TEST ns=N ..."), a markdown table cost-scale.md and a picture
# cost-scale.png (sender costs against isolated CPUs), both arches.
#
# Fails when a control fails, or when the attribution probe's cost for an
# IPI to CPUs without an isolated thread (irq-probe - irq2, patched minus
# vanilla) differs between the vCPU counts by more than
# COST_SCALE_PROBE_SLACK instructions (16): the probe must not walk the
# machine's CPUs (tests/cost-mutations/probe-walks-every-cpu.diff).
#
# usage: cost-scale.sh [-n] [ARCH...]   (-n: use the kernels and guest in build/)
# Environment: COST_SCALE_VCPUS ("4 8 16"), COST_SCALE_ITERATIONS (200000
# getpid; faults and IPIs a fraction of it), COST_SCALE_REPS (20 senders),
# COST_SCALE_PARTS ("entry senders": the two boots per kernel),
# COST_SCALE_PATCHED (patched: the kernel kind compared with vanilla;
# broken for a cost mutation, built with TI_BREAK_PATCH=... build-kernel.sh
# ARCH broken perf).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=1
while getopts n opt; do
	case $opt in
	n) build=0 ;;
	*) die "usage: cost-scale.sh [-n] [ARCH...]" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- x86_64 arm64
N=${COST_SCALE_ITERATIONS:-200000}
R=${COST_SCALE_REPS:-20}
res=$BUILD/results
mkdir -p "$res" "$BUILD/logs"

for arch in "$@"; do
	img=$(basename "$(kimage "$arch")")
	out=$res/cost-scale-$arch.txt
	if [ $build = 1 ]; then
		"$TOP/scripts/build-kernel.sh" "$arch" vanilla perf
		"$TOP/scripts/build-kernel.sh" "$arch" patched perf
		"$TOP/scripts/build-guest.sh" "$arch"
	fi
	: > "$out"
	for v in ${COST_SCALE_VCPUS:-4 8 16}; do
		[ "$v" -ge 4 ] || die "COST_SCALE_VCPUS: at least 4 vCPUs (CPU 3 is the nohz_full one), not $v"
		iso=2-$((v - 1))
		# Two boots per kernel: the kernel passes init at most 32
		# arguments.
		entry=(getpid 1 "$N" getpid 3 "$N" fault 1 $((N / 4)) fault 3 $((N / 4))
		       irq 0 1 $((N / 5)) irq 0 3 $((N / 5)))
		# irq-spin before anything enables isolation (the probes stay
		# registered ten seconds after the last DISABLE).
		senders=(sender patch "$iso" "$R" sender vmstat "$iso" "$R"
			 irq-spin 0 1 "$iso" $((N / 5)) irq2 0 1 2 $((N / 5)) irq-probe 0 1 2 $((N / 5))
			 irq-iso 0 1 "$iso" $((N / 5)))
		for kind in vanilla ${COST_SCALE_PATCHED:-patched}; do
			logf=$BUILD/logs/cost-scale-$arch-$kind-$v.log
			log "cost-scale $arch $kind: $v vCPUs, CPUs $iso isolated"
			: > "$logf.all"
			for part in ${COST_SCALE_PARTS:-entry senders}; do
				eval "tests=(\"\${$part[@]}\")"
				TI_SMP=$v TI_ISOLATION=$iso TI_ACCEL=tcg,thread=single \
				TI_QEMU_EXTRA="-icount shift=0,sleep=off" \
					"$TOP/scripts/run-guest.sh" "$arch" "$BUILD/kernels/$arch-$kind-perf/$img" \
					"$BUILD/guest/$arch/initramfs.cpio" "$logf" 3600 costbench "${tests[@]}" ||
					die "cost-scale $arch $kind $v: guest run failed (log: $logf)"
				cat "$logf" >> "$logf.all"
			done
			mv "$logf.all" "$logf"
			# One line per test: its ns per operation (median for
			# the senders) and the controls.
			# The compared kernel is "patched" in the results, whatever
			# its kind.
			k=$kind
			[ "$k" = vanilla ] || k=patched
			awk -v A="$arch" -v K="$k" -v V="$v" -v I=$((v - 2)) '
			/^cost / {
				delete f; for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
				t = $2
				if (t ~ /^(getpid|fault|irq)$/) { t = t "@cpu" f["cpu"]; ns = f["ns_per_op"] }
				else if (t ~ /^sender-/) ns = f["median"]
				else ns = f["ns_per_op"]
				ctl = ""
				if ("target_call_ipis" in f) ctl = " target_call_ipis=" f["target_call_ipis"] " iterations=" f["iterations"]
				if ("spinner_ipis_per_op" in f) ctl = " spinner_ipis_per_op=" f["spinner_ipis_per_op"] " kept=" f["kept"]
				if ("isolated" in f) ctl = ctl " isolated_spinners=" f["isolated"]
				if ("probes" in f) ctl = ctl " probes=" f["probes"]
				printf "scale %s %s vcpus=%s isolated=%s %s ns=%s%s\n", A, K, V, I, t, ns, ctl
			}' "$logf" >> "$out"
		done
	done
	# Controls: every IPI landed; the isolated spinners of irq-iso were
	# isolated on the patched kernel; the text patch IPIed the spinners
	# on vanilla and not on the patched kernel.
	bad=$(awk '
	{ delete f; for (i = 4; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
	"target_call_ipis" in f && f["target_call_ipis"] + 0 < f["iterations"] + 0 { print "IPIs lost: " $0 }
	$6 == "irq-iso" && $3 == "patched" && f["isolated_spinners"] + 0 != f["isolated"] + 0 { print "spinners not isolated: " $0 }
	$6 == "irq-probe" && $3 == "patched" && f["probes"] != "registered" { print "probes not registered: " $0 }
	$6 == "sender-patch" && $3 == "vanilla" && f["spinner_ipis_per_op"] + 0 < f["isolated"] + 0 { print "vanilla text patch did not IPI every spinner: " $0 }
	$6 == "sender-patch" && $3 == "patched" && f["spinner_ipis_per_op"] + 0 >= 1 { print "patched text patch IPIed the spinners: " $0 }' "$out")
	if [ -n "$bad" ]; then
		echo "$bad" | sed 's/^/control failed: /' | tee -a "$out" >&2
		exit 1
	fi
	# The probe's cost must not grow with the machine.
	probe=$(awk -v SLACK="${COST_SCALE_PROBE_SLACK:-16}" '
	{ split($4, v, "="); split($7, w, "="); ns[$3, v[2], $6] = w[2]; vc[v[2]] = 1 }
	END {
		lo = ""; hi = ""
		for (x in vc) {
			if (!(("patched", x, "irq-probe") in ns) || !(("vanilla", x, "irq2") in ns)) continue
			p = (ns["patched", x, "irq-probe"] - ns["patched", x, "irq2"]) - (ns["vanilla", x, "irq-probe"] - ns["vanilla", x, "irq2"])
			printf "probe vcpus=%s instructions=%.0f\n", x, p
			if (lo == "" || p < lo) lo = p
			if (hi == "" || p > hi) hi = p
		}
		if (hi != "" && hi - lo > SLACK)
			printf "over target: the IPI attribution probe costs %.0f to %.0f instructions depending on the CPU count (slack %s)\n", lo, hi, SLACK
	}' "$out")
	echo "$probe" | tee -a "$out"
	if echo "$probe" | grep -q "^over target"; then
		exit 1
	fi
done
"$TOP/scripts/cost-scale-report.sh" "$@"
