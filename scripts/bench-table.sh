#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Markdown table of a benchmark summary (build/results/bench-summary.txt):
# interrupts on the isolated CPU and IPIs targeted, vanilla vs patched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sum=${1:-$BUILD/results/bench-summary.txt}
[ -s "$sum" ] || die "no benchmark summary at $sum; run scripts/bench.sh first"
secs=$(sed -n 's/.* seconds=\([0-9]*\).*/\1/p' "$sum" | head -1)
ctl=${sum%-summary.txt}-controls.txt
[ -f "$ctl" ] || ctl=/dev/null
echo "| arch | generator | vanilla: CPU 3 interrupts | vanilla: IPIs to CPUs 2-3 | patched: CPU 3 interrupts | patched: IPIs to CPUs 2-3 | patched: deferrals to CPUs 2-3 | vmalloc purges (v/p) |"
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
echo "Window: ${secs}s per generator; 4 vCPUs under QEMU TCG, spinner on nohz_full CPU 3."
