#!/bin/bash
# usage: run.sh KERNEL PAYLOAD LOG
timeout --foreground -k 5 300 qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp 4 -m 1024 -nographic -no-reboot \
  -kernel "$1" -initrd /tmp/review-scratch/guest/initramfs.cpio \
  -append "console=ttyS0 tsc=reliable mce=ignore_ce nohugevmalloc nohz_full=2-3 isolcpus=nohz,domain,managed_irq,2-3 rcu_nocbs=2-3 irqaffinity=0-1 panic=-1 loglevel=5 -- $2" > "$3" 2>&1 < /dev/null
