/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interference generators of the guest benchmarks (tibench,
 * oslatrun): each runs on a housekeeping CPU until gen_stop is set and
 * does something that, in 6.12, sends work to every CPU.  gen_ops[] counts
 * their rounds.
 *
 *   patch    toggle a tracepoint (toggle_event): jump labels and static
 *            calls, text_poke on x86
 *   vmalloc  thread create/exit and SysV semaphore arrays: the lazy
 *            vmalloc purge and its kernel TLB flush
 *   lru      drop_caches: lru_add_drain_all()
 *   vmstat   stat_refresh: vmstat_refresh()
 *
 * "all" names these four; the field generators of field.h (issue 14)
 * follow them in the tables, "field" names those.
 */
#ifndef GUEST_GENERATORS_H
#define GUEST_GENERATORS_H

#include <pthread.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "benchutil.h"

enum {
	GEN_PATCH, GEN_VMALLOC, GEN_LRU, GEN_VMSTAT,
	GEN_STRESS_MM, GEN_STRESS_PROC, GEN_STRESS_IPC, GEN_STRESS_NET,
	GEN_STRESS_FS, GEN_STRESS_SEC, GEN_HACKBENCH, GEN_MODULES, GEN_BPF,
	GEN_THP, GEN_MEMPRESSURE, GEN_MONITOR,
	NR_GENS
};

#define GEN_MASK_LAB	((1 << GEN_STRESS_MM) - 1)
#define GEN_MASK_FIELD	(((1 << NR_GENS) - 1) & ~GEN_MASK_LAB)

static const char *const gen_name[NR_GENS] = {
	"patch", "vmalloc", "lru", "vmstat",
	"stress-mm", "stress-proc", "stress-ipc", "stress-net", "stress-fs", "stress-sec",
	"hackbench", "modules", "bpf", "thp", "mempressure", "monitor",
};

static volatile int gen_stop;
static int sem_nsems = 1 << 18;
static unsigned long long gen_ops[NR_GENS];
static char toggle_event[256] = TRACING "/events/signal/signal_deliver/enable";

static void *gen_patch(void *arg)
{
	while (!gen_stop) {
		if (write_file(toggle_event, "1") || write_file(toggle_event, "0")) {
			printf("# patch generator: cannot toggle %s\n", toggle_event);
			break;
		}
		gen_ops[0]++;
		sleep_ms(10);
	}
	return NULL;
}

static void *thread_nop(void *arg)
{
	return NULL;
}

/*
 * Two sources of vfree(), so that the lazy purge (and its kernel TLB flush)
 * runs a few times a second even under TCG: kernel stacks of short-lived
 * threads (VMAP_STACK, 16 KiB each) and large SysV semaphore arrays, which
 * ipc/sem.c allocates with kvzalloc() (beyond KMALLOC_MAX_SIZE that is
 * vmalloc) and frees on IPC_RMID.  lazy_max_pages() is 32 MiB per
 * fls(num_online_cpus()); the purge count is read from the
 * purge_vmap_area_lazy tracepoint, not assumed.
 */
static void *gen_vmalloc(void *arg)
{
	pthread_t th[16];
	int i, n, id;

	while (!gen_stop) {
		id = semget(IPC_PRIVATE, sem_nsems, IPC_CREAT | 0600);
		if (id >= 0)
			semctl(id, 0, IPC_RMID);
		for (n = 0; n < 16; n++)
			if (pthread_create(&th[n], NULL, thread_nop, NULL))
				break;
		for (i = 0; i < n; i++)
			pthread_join(th[i], NULL);
		gen_ops[1]++;
	}
	return NULL;
}

static void *gen_lru(void *arg)
{
	while (!gen_stop) {
		if (write_file("/proc/sys/vm/drop_caches", "1")) {
			printf("# lru generator: cannot write drop_caches\n");
			break;
		}
		gen_ops[2]++;
		sleep_ms(20);
	}
	return NULL;
}

static void *gen_vmstat(void *arg)
{
	char buf[64];

	while (!gen_stop) {
		read_file("/proc/sys/vm/stat_refresh", buf, sizeof(buf));
		gen_ops[3]++;
		sleep_ms(20);
	}
	return NULL;
}

#include "field.h"

static void *(*const gen_fn[NR_GENS])(void *) = {
	gen_patch, gen_vmalloc, gen_lru, gen_vmstat,
	gen_stress_mm, gen_stress_proc, gen_stress_ipc, gen_stress_net, gen_stress_fs,
	gen_stress_sec, gen_hackbench, gen_modules, gen_bpf, gen_thp, gen_mempressure,
	gen_monitor,
};

/*
 * Start the generators of @mask, one thread each; returns the mask of the
 * threads started.  One that cannot be created (EAGAIN when the field
 * loads exhaust memory) is an environment failure, and is not joined.
 */
static int gen_start(pthread_t *th, int mask)
{
	int i, err, started = 0;

	for (i = 0; i < NR_GENS; i++) {
		if (!(mask & (1 << i)))
			continue;
		err = pthread_create(&th[i], NULL, gen_fn[i], NULL);
		if (err) {
			printf("env-failure generator=%s reason=\"pthread_create: %s\"\n",
			       gen_name[i], strerror(err));
			continue;
		}
		started |= 1 << i;
	}
	return started;
}

static void gen_join(pthread_t *th, int started)
{
	int i;

	for (i = 0; i < NR_GENS; i++)
		if (started & (1 << i))
			pthread_join(th[i], NULL);
}

#endif /* GUEST_GENERATORS_H */
