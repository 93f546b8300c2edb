#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Markdown table of a benchmark summary (build/results/bench-summary.txt):
# interrupts on the isolated CPU and IPIs targeted, vanilla vs patched.
# bench.sh -n sets TI_SMP, TI_ISOLATION and TI_SPIN (vCPUs, isolated CPUs,
# the spinners' CPUs) for the scaling runs; the defaults are 4, 2-3 and 3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sum=${1:-$BUILD/results/bench-summary.txt}
[ -s "$sum" ] || die "no benchmark summary at $sum; run scripts/bench.sh first"
secs=$(sed -n 's/.* seconds=\([0-9]*\).*/\1/p' "$sum" | head -1)
ctl=${sum%-summary.txt}-controls.txt
[ -f "$ctl" ] || ctl=/dev/null
smp=${TI_SMP:-4} iso=${TI_ISOLATION:-2-3} spin=${TI_SPIN:-3}
cpus="CPU $spin"
[ "$spin" = 3 ] || cpus="CPUs $spin"
echo "| arch | generator | vanilla: $cpus interrupts | vanilla: IPIs to CPUs $iso | patched: $cpus interrupts | patched: IPIs to CPUs $iso | patched: deferrals to CPUs $iso | vmalloc purges (v/p) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
cat "$sum" "$ctl" |
awk '{ delete f; for (i = 4; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
       key = $2 " " f["generator"]; gens[key] = 1
       if ($1 == "bench") { irq[key, $3] = f["isolated_cpu_interrupts"]; ipi[key, $3] = f["ipis_targeted"] }
       else { def[key, $3] = f["deferred"]; pur[key, $3] = f["vmalloc_purges"] } }
     END { for (k in gens) { split(k, a, " ");
             printf "| %s | %s | %s | %s | %s | %s | %s | %s/%s |\n", a[1], a[2],
               irq[k, "vanilla"], ipi[k, "vanilla"], irq[k, "patched"], ipi[k, "patched"],
               def[k, "patched"], pur[k, "vanilla"], pur[k, "patched"] } }' |
	sort -t'|' -k2,2 -k3,3
echo
if [ "$spin" = 3 ]; then
	echo "Window: ${secs}s per generator; $smp vCPUs under QEMU TCG, spinner on nohz_full CPU 3."
else
	echo "Window: ${secs}s per generator; $smp vCPUs under QEMU TCG, a spinner on each of the nohz_full CPUs $spin (interrupts and breaks summed over them)."
fi
