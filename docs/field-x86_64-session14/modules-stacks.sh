mount -t tracefs none /sys/kernel/tracing 2>/dev/null
T=/sys/kernel/tracing/instances/csdst
mkdir $T
echo 4096 > $T/buffer_size_kb
echo 'cpu == 3' > $T/events/csd/csd_queue_cpu/filter
echo 'stacktrace' > $T/events/csd/csd_queue_cpu/trigger
echo 1 > $T/events/csd/csd_queue_cpu/enable
/bin/tibench -s 10 -g modules | grep '^result'
echo 0 > $T/events/csd/csd_queue_cpu/enable
echo "csd to cpu3: $(grep -c 'csd_queue_cpu:' $T/trace)"
echo "stacks with vm_reset_perms: $(grep -c '=> vm_reset_perms' $T/trace)"
echo "stacks with __split_large_page: $(grep -c '=> __split_large_page' $T/trace)"
echo "stacks with change_page_attr_set_clr: $(grep -c '=> change_page_attr_set_clr' $T/trace)"
echo "stacks with __purge_vmap_area_lazy: $(grep -c '=> __purge_vmap_area_lazy' $T/trace)"
grep -A12 'csd_queue_cpu:' $T/trace | grep '=>' | sort | uniq -c | sort -rn | head -25
