# Guest script (busybox sh): which kernel paths send the IPIs that still
# reach the isolated CPU 3 under field sources, from csd_queue_cpu stack
# traces.  Run by scripts/run-guest.sh on the patched distro kernel with
# this file appended to the field guest as /bin/stacks.sh:
#   run-guest.sh x86_64 bzImage patched+stacks.cpio LOG 900 busybox sh /bin/stacks.sh
mount -t tracefs none /sys/kernel/tracing 2>/dev/null
T=/sys/kernel/tracing/instances/csdst
for g in modules stress-mm mempressure; do
	rmdir $T 2>/dev/null
	mkdir $T
	echo 8192 > $T/buffer_size_kb
	echo 'cpu == 3' > $T/events/csd/csd_queue_cpu/filter
	echo 'stacktrace' > $T/events/csd/csd_queue_cpu/trigger
	echo 1 > $T/events/csd/csd_queue_cpu/enable
	echo 1 > $T/events/tlb/tlb_flush/enable 2>/dev/null
	echo "=== $g"
	/bin/tibench -s 20 -g $g | grep '^result'
	echo 0 > $T/events/csd/csd_queue_cpu/enable
	echo "csd to cpu3: $(grep -c 'csd_queue_cpu:' $T/trace)"
	for f in vfree __split_large_page change_page_attr_set_clr __purge_vmap_area_lazy \
		 secretmem_fault flush_tlb_mm_range text_poke_bp_batch migrate_pages; do
		echo "stacks with $f: $(grep -cE "=> $f(\.|\+|$)" $T/trace)"
	done
	grep -A14 'csd_queue_cpu:' $T/trace | grep '=>' | sed 's/+0x.*//' | sort | uniq -c | sort -rn | head -30
	echo 0 > $T/events/csd/csd_queue_cpu/trigger 2>/dev/null
	echo '!stacktrace' > $T/events/csd/csd_queue_cpu/trigger
done
