// SPDX-License-Identifier: GPL-2.0
/*
 * Interference benchmark.
 *
 * One task pinned to an isolated CPU spins in user mode (or one on each
 * CPU of -c's list) while a generator on the housekeeping CPUs does
 * something that, in 6.12, sends work to every CPU.  Reported per
 * generator:
 *
 *  - the growth of every per-CPU row of /proc/interrupts for each spinner's
 *    CPU over the window (isolated_cpu_interrupts is their sum over the
 *    spinners' CPUs);
 *  - the spinner's own kernel entries visible to it (getrusage faults and
 *    context switches) and, when the kernel has task isolation, the breaks
 *    it reports;
 *  - a positive control: how many IPIs the generator's side sent toward
 *    the isolated CPUs, counted by the ipi_send_cpu/ipi_send_cpumask
 *    tracepoints in a private trace instance, so that a generator that did
 *    nothing cannot pass as "zero interrupts".
 *
 * Generators: idle (none), patch (toggle a tracepoint: jump labels and
 * static calls, text_poke on x86), vmalloc (thread create/exit: VMAP_STACK
 * stacks feed the lazy vmalloc purge and its kernel TLB flush), lru
 * (drop_caches: lru_add_drain_all()), vmstat (stat_refresh:
 * vmstat_refresh()), all (the four at once); the field generators of
 * field.h (stress-ng groups, hackbench, modules, bpf, thp, mempressure,
 * monitor) one by one, or "field" for all of them at once.
 *
 * Environment failures (not product results) are printed as
 * "env-failure ..." lines: unexpected clocksource, TSC marked unstable, the
 * isolated CPU's tick not stopped before the window.
 *
 * The scheduler runs at its defaults: nothing is written to debugfs.  On
 * vanilla 6.12 the fair deadline server visits a nohz_full CPU running a
 * fair task about once a second (its zero-laxity timer, then a reschedule
 * and the tick); the series starts it there only while a real-time task is
 * queued.  The spinner is SCHED_OTHER unless -P fifo (then with RT
 * throttling off).
 *
 * usage: tibench [-s SECONDS] [-c CPUS] [-t TARGETS] [-g GEN,...] [-P POLICY] [-n]
 *                [-e SUBSYS/EVENT]
 *   -c  CPUs the spinners run on, one each (3; a list such as 2-7 for the
 *   scaling runs); -t  isolated CPUs whose IPIs are counted (2-3);
 *   -P fifo|other; -n  do not
 *   enable task isolation even if available; -e  the event the patch
 *   generator toggles (signal/signal_deliver: a cold one; a hot one such
 *   as sched/sched_switch exposes a QEMU multi-threaded TCG bug, see
 *   NOTES.md).
 *
 * With task isolation, the spinner enables strict isolation (SIGUSR1) and
 * re-enables it after each break; isolation_breaks counts the breaks in
 * the window and a "# task isolation:" line gives their causes.  With
 * several spinners, both are sums, and "# cpuN" lines give each CPU's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "generators.h"
#include "ti_abi.h"

#define IPI_INST	TRACING "/instances/ti_ipi"
#define PURGE_INST	TRACING "/instances/ti_purge"
#define DEFER_INST	TRACING "/instances/ti_defer"
#define DEFER_EVENT	"/events/context_tracking/ct_work_defer"
#define CSD_INST	TRACING "/instances/ti_csd"
#define CSD_EVENT	"/events/csd/csd_queue_cpu"
struct shared {
	volatile int ready, stop, done, err;
	volatile long long loops;
	struct rusage ru0, ru1;
	int ti_enabled;		/* 1 isolation enabled, 0 not available, <0 -errno */
	int have_word;		/* the spinner has a state word */
	volatile int isolated;	/* the spinner read ISOLATED in it */
	struct ti_counts tic;	/* breaks, counted by the spinner's handler */
	char ti_msg[128];
};

#define MAX_SPIN	64

static int opt_seconds = 10, opt_cpu = 3, opt_isolate = 1, opt_fifo;
static const char *opt_targets = "2-3", *opt_cpus = "3";
static cpu_set_t targets;
/* The spinners' CPUs, from -c; opt_cpu is the first. */
static int spin_cpu[MAX_SPIN], nr_spin;
static char ipi_filter[256];
static int have_defer, have_csd;

/*
 * The values of field @key ("callsite=on_each_cpu_cond_mask+0x20/0x40",
 * "func=do_flush_tlb_all") in the trace of @inst, counted per function,
 * on one line after @label.
 */
static void trace_tally(const char *inst, const char *key, const char *label)
{
	struct { char name[64]; unsigned long n; } cb[32];
	char line[1024], path[256], *p, *e;
	size_t klen = strlen(key);
	int ncb = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", inst);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !(p = strstr(line, key)))
			continue;
		p += klen;
		e = p + strcspn(p, "+ \n");
		*e = 0;
		for (i = 0; i < ncb && strcmp(cb[i].name, p); i++)
			;
		if (i == ncb) {
			if (ncb == 32)
				continue;
			snprintf(cb[ncb].name, sizeof(cb[ncb].name), "%s", p);
			cb[ncb++].n = 0;
		}
		cb[i].n++;
	}
	fclose(f);
	if (!ncb)
		return;
	printf("# %s:", label);
	for (i = 0; i < ncb; i++)
		printf(" %s=%lu", cb[i].name, cb[i].n);
	printf("\n");
}

static void trace_reset(const char *inst)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/trace", inst);
	must_write(path, "");
}

/*
 * A trace instance @inst recording @event for the target CPUs only (the
 * filter of ipi_send_cpu): 1, or 0 if the kernel has no such event.
 */
static int target_instance(const char *inst, const char *event, const char *kb)
{
	char path[256];

	snprintf(path, sizeof(path), TRACING "%s", event);
	if (access(path, F_OK))
		return 0;
	mkdir(inst, 0755);
	snprintf(path, sizeof(path), "%s/buffer_size_kb", inst);
	must_write(path, kb);
	snprintf(path, sizeof(path), "%s%s/filter", inst, event);
	must_write(path, ipi_filter);
	snprintf(path, sizeof(path), "%s%s/enable", inst, event);
	must_write(path, "1");
	return 1;
}

static void trace_setup(void)
{
	char filter[256];
	int first = 1, i;

	/*
	 * All buffer sizes are set here, before any window: a ring-buffer
	 * resize inside a window would itself send work to every CPU.
	 */
	must_write(TRACING "/buffer_size_kb", "512");
	mkdir(IPI_INST, 0755);
	mkdir(PURGE_INST, 0755);
	must_write(IPI_INST "/buffer_size_kb", "2048");
	must_write(PURGE_INST "/buffer_size_kb", "256");

	/* ipi_send_cpu: "cpu == 2 || cpu == 3" for -t 2-3 */
	filter[0] = 0;
	for (i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, &targets))
			continue;
		snprintf(filter + strlen(filter), sizeof(filter) - strlen(filter),
			 "%scpu == %d", first ? "" : " || ", i);
		first = 0;
	}
	must_write(IPI_INST "/events/ipi/ipi_send_cpu/filter", filter);
	snprintf(ipi_filter, sizeof(ipi_filter), "%s", filter);
	snprintf(filter, sizeof(filter), "cpumask & CPUS{%s}", opt_targets);
	must_write(IPI_INST "/events/ipi/ipi_send_cpumask/filter", filter);
	must_write(IPI_INST "/events/ipi/ipi_send_cpu/enable", "1");
	must_write(IPI_INST "/events/ipi/ipi_send_cpumask/enable", "1");
	must_write(PURGE_INST "/events/vmalloc/purge_vmap_area_lazy/enable", "1");

	/*
	 * What the cross-CPU calls toward the isolated CPUs were for: the
	 * function of each csd queued for them (one IPI can carry several,
	 * and a csd queued while the CPU was in the kernel is counted too).
	 */
	have_csd = target_instance(CSD_INST, CSD_EVENT, "1024");

	/* Work deferred to the isolated CPUs instead of an IPI (patched kernels). */
	have_defer = target_instance(DEFER_INST, DEFER_EVENT, "256");
}

static void parse_cpus(const char *list, cpu_set_t *set)
{
	char *l = strdup(list), *t, *save;

	CPU_ZERO(set);
	for (t = strtok_r(l, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int a, b;

		if (sscanf(t, "%d-%d", &a, &b) != 2)
			b = a = atoi(t);
		for (; a <= b && a < CPU_SETSIZE; a++)
			CPU_SET(a, set);
	}
	free(l);
}

static void pin(pid_t pid, const char *list)
{
	cpu_set_t set;

	parse_cpus(list, &set);
	if (sched_setaffinity(pid, sizeof(set), &set)) {
		printf("env-failure reason=\"sched_setaffinity(%s): %s\"\n", list,
		       strerror(errno));
		exit(2);
	}
}

/* MemAvailable of /proc/meminfo, -1 if unknown: the field loads fill memory. */
static long long mem_available_kb(void)
{
	char line[128];
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Generator name -> bit mask of gen_fn[]; "idle" is 0, "all" the four lab
 * generators, "field" every field generator at once.
 */
static int gen_mask(const char *name)
{
	int i;

	if (!strcmp(name, "idle"))
		return 0;
	if (!strcmp(name, "all"))
		return GEN_MASK_LAB;
	if (!strcmp(name, "field"))
		return GEN_MASK_FIELD;
	for (i = 0; i < NR_GENS; i++)
		if (!strcmp(name, gen_name[i]))
			return 1 << i;
	return -1;
}

static void spinner(struct shared *sh, int cpu)
{
	const size_t len = 16 * 4096;
	char *mem, c[16];

	snprintf(c, sizeof(c), "%d", cpu);
	pin(0, c);
	if (opt_fifo) {
		struct sched_param sp = { .sched_priority = 1 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			sh->err = 1;
			_exit(1);
		}
	}
	if (sched_getcpu() != cpu) {
		sh->err = 1;
		_exit(1);
	}
	/*
	 * Fresh anonymous pages faulted on this CPU sit in its LRU batch: a
	 * remote lru_add_drain_all() has something to drain here unless the
	 * kernel quiesced the CPU.  Also dirties this CPU's vmstat counters.
	 */
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem != MAP_FAILED)
		memset(mem, 1, len);

	/* Fault the shared page in now, not inside the window's getrusage(). */
	sh->loops = 0;
	getrusage(RUSAGE_SELF, &sh->ru0);
	ti_counts = &sh->tic;
	sh->ti_enabled = opt_isolate ? ti_enable(sh->ti_msg, sizeof(sh->ti_msg)) : 0;
	sh->have_word = ti_have_word;
	__atomic_store_n(&sh->ready, 1, __ATOMIC_RELEASE);

	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		sh->loops++;
		if (!sh->isolated && ti_isolated() == 1)
			__atomic_store_n(&sh->isolated, 1, __ATOMIC_RELEASE);
		ti_poll();
	}

	/* Off first: getrusage() would be a break. */
	if (sh->ti_enabled == 1)
		ti_disable();
	getrusage(RUSAGE_SELF, &sh->ru1);
	__atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
	_exit(0);
}

/* 1 if /proc/timer_list says the tick of @cpu is stopped, 0 if not, -1 unknown. */
static int tick_stopped(int cpu)
{
	static char buf[1 << 20];
	char key[32], *p;
	int fd = open("/proc/timer_list", O_RDONLY);
	ssize_t n, tot = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + tot, sizeof(buf) - 1 - tot)) > 0)
		tot += n;
	close(fd);
	buf[tot] = 0;
	snprintf(key, sizeof(key), "\ncpu: %d\n", cpu);
	p = strstr(buf, key);
	if (!p)
		return -1;
	p = strstr(p, ".tick_stopped");
	if (!p)
		return -1;
	p = strchr(p, ':');
	return p ? atoi(p + 1) : -1;
}

static int dmesg_has(const char *what)
{
	int len = klogctl(10, NULL, 0), found = 0;
	char *buf;

	if (len <= 0)
		return 0;
	buf = malloc(len + 1);
	len = klogctl(3, buf, len);
	if (len > 0) {
		buf[len] = 0;
		found = !!strstr(buf, what);
	}
	free(buf);
	return found;
}

/* Stop every spinner of @sh[0..n) and reap it. */
static void spinners_stop(struct shared **sh, pid_t *pid, int n, int kill_them)
{
	int k, status;

	for (k = 0; k < n; k++) {
		if (kill_them)
			kill(pid[k], SIGKILL);
		else
			__atomic_store_n(&sh[k]->stop, 1, __ATOMIC_RELEASE);
	}
	for (k = 0; k < n; k++)
		waitpid(pid[k], &status, 0);
}

static int run_one(const char *name, const char *clocksource)
{
	struct irq_snap *a = calloc(nr_spin, sizeof(*a)), *b = calloc(nr_spin, sizeof(*b));
	unsigned long long total = 0, ipis, purges, deferred = 0;
	int mask = gen_mask(name), i, k, stopped = 0, envfail = 0, status, started;
	int never = 0, isolated_all;
	long long nbreaks = 0, cause[TI_NCAUSES] = { 0 };
	unsigned long long ops0[NR_GENS];
	pthread_t th[NR_GENS];
	struct shared *sh[MAX_SPIN];
	char breaks[32], dstr[32];
	struct ti_counts tic0[MAX_SPIN], tic1;
	pid_t pid[MAX_SPIN];

	if (mask < 0) {
		printf("# unknown generator '%s'\n", name);
		return 1;
	}
	fflush(stdout);
	for (k = 0; k < nr_spin; k++) {
		sh[k] = mmap(NULL, sizeof(*sh[k]), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		memset(sh[k], 0, sizeof(*sh[k]));
		pid[k] = fork();
		if (!pid[k])
			spinner(sh[k], spin_cpu[k]);
	}
	for (k = 0; k < nr_spin; k++) {
		for (i = 0; i < 5000 && !__atomic_load_n(&sh[k]->ready, __ATOMIC_ACQUIRE); i++) {
			if (sh[k]->err || waitpid(pid[k], &status, WNOHANG) == pid[k])
				break;
			sleep_ms(1);
		}
		if (!sh[k]->ready) {
			printf("env-failure generator=%s reason=\"spinner did not start on CPU %d\"\n",
			       name, spin_cpu[k]);
			spinners_stop(sh, pid, nr_spin, 1);
			return 1;
		}
		if (sh[k]->ti_enabled < 0)
			printf("# task isolation: enabling failed on CPU %d: %s (%s)\n", spin_cpu[k],
			       strerror(-sh[k]->ti_enabled), sh[k]->ti_msg);
	}

	/* Give the ticks a chance to stop after the spinners' last syscalls. */
	for (i = 0; i < 30; i++) {
		sleep_ms(100);
		for (k = 0; k < nr_spin; k++)
			if (tick_stopped(spin_cpu[k]) != 1)
				break;
		if (k == nr_spin)
			break;
	}
	printf("# generator=%s cpu=%s seconds=%d clocksource=%s", name, opt_cpus, opt_seconds,
	       clocksource);
	for (k = 0; k < nr_spin; k++) {
		stopped = tick_stopped(spin_cpu[k]);
		printf(" tick_stopped(cpu%d)=%d", spin_cpu[k], stopped);
		if (stopped != 1)
			envfail = spin_cpu[k] + 1;
	}
	for (i = 0; i < CPU_SETSIZE; i++) {
		for (k = 0; k < nr_spin && spin_cpu[k] != i; k++)
			;
		if (k == nr_spin && CPU_ISSET(i, &targets))
			printf(" tick_stopped(cpu%d)=%d", i, tick_stopped(i));
	}
	printf(" mem_available_kb=%lld\n", mem_available_kb());
	if (envfail) {
		printf("env-failure generator=%s reason=\"tick of CPU %d not stopped before the window\"\n",
		       name, envfail - 1);
		envfail = 1;
	}
	/*
	 * The window starts once every spinner is ISOLATED, as its state
	 * word tells it: until then, interrupts of the arming (a tick kick,
	 * the kernel's self-interrupt) are no breaks, and must not be counted.
	 */
	isolated_all = 1;
	for (k = 0; k < nr_spin; k++) {
		if (sh[k]->ti_enabled != 1 || !sh[k]->have_word)
			continue;
		for (i = 0; i < 5000 && !__atomic_load_n(&sh[k]->isolated, __ATOMIC_ACQUIRE); i++)
			sleep_ms(1);
		isolated_all &= !!sh[k]->isolated;
	}
	if (sh[0]->ti_enabled == 1 && sh[0]->have_word)
		printf("# spinner%s isolated before the window: %s\n", nr_spin > 1 ? "s" : "",
		       isolated_all ? "yes" : "no");

	trace_reset(IPI_INST);
	trace_reset(PURGE_INST);
	if (have_defer)
		trace_reset(DEFER_INST);
	if (have_csd)
		trace_reset(CSD_INST);
	memcpy(ops0, gen_ops, sizeof(ops0));
	for (k = 0; k < nr_spin; k++) {
		tic0[k] = sh[k]->tic;
		snap_irqs(&a[k], spin_cpu[k]);
	}

	gen_stop = 0;
	started = gen_start(th, mask);
	if (started != mask)
		envfail = 1;
	sleep_ms(opt_seconds * 1000L);
	gen_stop = 1;
	gen_join(th, started);

	for (k = 0; k < nr_spin; k++)
		snap_irqs(&b[k], spin_cpu[k]);
	ipis = trace_count(IPI_INST);
	purges = trace_count(PURGE_INST);
	if (have_defer)
		deferred = trace_count(DEFER_INST);

	spinners_stop(sh, pid, nr_spin, 0);

	for (k = 0; k < nr_spin; k++) {
		unsigned long long sum = 0;

		printf("# cpu%d interrupts:", spin_cpu[k]);
		for (i = 0; i < b[k].n; i++) {
			unsigned long long d = snap_growth(&a[k], &b[k], i);

			sum += d;
			if (d)
				printf(" %s=+%llu", b[k].row[i].name, d);
		}
		printf("%s\n", sum ? "" : " none");
		total += sum;
		if (nr_spin > 1)
			printf("# spinner cpu%d:", spin_cpu[k]);
		else
			printf("# spinner:");
		printf(" loops=%lld minflt=%ld majflt=%ld nvcsw=%ld nivcsw=%ld\n", sh[k]->loops,
		       sh[k]->ru1.ru_minflt - sh[k]->ru0.ru_minflt,
		       sh[k]->ru1.ru_majflt - sh[k]->ru0.ru_majflt,
		       sh[k]->ru1.ru_nvcsw - sh[k]->ru0.ru_nvcsw,
		       sh[k]->ru1.ru_nivcsw - sh[k]->ru0.ru_nivcsw);
	}
	trace_tally(IPI_INST, "callsite=", "ipis by callsite");
	if (have_csd)
		trace_tally(CSD_INST, "func=", "csd functions for the isolated CPUs");
	/* Deferrals coalesce per CPU until its next entry: 0->1 transitions. */
	if (have_defer)
		snprintf(dstr, sizeof(dstr), "%llu", deferred);
	else
		snprintf(dstr, sizeof(dstr), "na");
	printf("# control: ipis_targeted=%llu deferred=%s vmalloc_purges=%llu", ipis, dstr,
	       purges);
	for (i = 0; i < NR_GENS; i++)
		if (mask & (1 << i))
			printf(" %s_ops=%llu", gen_name[i], gen_ops[i] - ops0[i]);
	printf("\n");

	/*
	 * Breaks read once the spinners are gone: the signal of a break whose
	 * interrupt was counted just before the end of the window may come
	 * after it.  Breaks after the window count too (conservative).
	 */
	for (k = 0; k < nr_spin; k++) {
		tic1 = sh[k]->tic;
		/* A kernel that never isolates a spinner holds nothing. */
		if (sh[k]->ti_enabled == 1 && sh[k]->have_word && !sh[k]->isolated)
			never = 1;
		if (sh[k]->ti_enabled != 1)
			continue;
		nbreaks += tic1.signals - tic0[k].signals;
		for (i = 0; i < TI_NCAUSES; i++)
			cause[i] += tic1.cause[i] - tic0[k].cause[i];
		if (nr_spin > 1 && tic1.signals != tic0[k].signals)
			printf("# cpu%d breaks: %lld\n", spin_cpu[k], tic1.signals - tic0[k].signals);
	}
	if (never) {
		snprintf(breaks, sizeof(breaks), "never-isolated");
	} else if (sh[0]->ti_enabled == 1) {
		snprintf(breaks, sizeof(breaks), "%lld", nbreaks);
		printf("# task isolation: strict, signal %d; breaks in the window:", TI_SIGNAL);
		for (i = 0; i < TI_NCAUSES; i++)
			if (cause[i])
				printf(" %s=%lld", ti_cause_names[i], cause[i]);
		printf("%s\n", nbreaks ? "" : " none");
	} else {
		snprintf(breaks, sizeof(breaks), "na");
	}
	/*
	 * The vmalloc generator's positive control is the purge itself: on
	 * arm64 the kernel TLB flush is a broadcast TLBI, no IPI at all.
	 */
	if ((mask & 2) && !purges) {
		printf("env-failure generator=%s reason=\"no lazy vmalloc purge in the window: the generator is inert\"\n",
		       name);
		envfail = 1;
	}
	printf("result generator=%s isolated_cpu_interrupts=%llu isolation_breaks=%s ipis_targeted=%llu seconds=%d env=%s\n",
	       name, total, breaks, ipis, opt_seconds, envfail ? "fail" : "ok");
	for (k = 0; k < nr_spin; k++)
		munmap(sh[k], sizeof(*sh[k]));
	free(a);
	free(b);
	return 0;
}

/*
 * The break counter's own positive control: a child on the spinner's CPU
 * enables strict isolation, spins until its state word reads ISOLATED and
 * makes one system call, a break; its handler must count exactly that one
 * break, caused by a syscall.  A handler that ignored the signal (an
 * si_code drifted from the kernel's) would make every isolation_breaks
 * figure read 0 whatever happened.  Another break may come first (an IPI
 * sent while the child was on its way to user mode): then it tries again,
 * up to ten times.
 */
static int break_selftest(void)
{
	struct ti_counts *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char cpu[16], msg[128];
	int status, ok, try;
	long long seen;
	unsigned long i;
	pid_t pid;

	if (c == MAP_FAILED)
		return 1;
	memset(c, 0, sizeof(*c));
	fflush(stdout);
	pid = fork();
	if (!pid) {
		snprintf(cpu, sizeof(cpu), "%d", opt_cpu);
		pin(0, cpu);
		ti_counts = c;
		if (ti_enable(msg, sizeof(msg)) != 1)
			_exit(2);
		if (!ti_have_word)
			_exit(3);
		for (try = 0; try < 10; try++) {
			if (try && ti_enable_once())
				_exit(2);
			seen = c->signals;
			for (i = 0; i < 4000000000UL && ti_isolated() != 1 && c->signals == seen; i++)
				;
			if (ti_isolated() != 1)
				continue;	/* broken before: enable again */
			memset(c, 0, sizeof(*c));
			getppid();	/* the break: its signal arrives on the way back */
			if (c->signals == 1 && c->cause[1] == 1)
				_exit(0);
			if (!c->signals)
				_exit(5);	/* a syscall break, and no signal counted */
		}
		_exit(4);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 3) {
		munmap(c, sizeof(*c));
		return 0;	/* no state word: nothing to check against */
	}
	ok = WEXITSTATUS(status) == 0;
	if (ok)
		printf("# break counter check: one syscall break counted\n");
	else if (WEXITSTATUS(status) == 5)
		printf("env-failure reason=\"break counter check: a system call while ISOLATED, and no break signal counted: the break signal is not recognised\"\n");
	else
		printf("env-failure reason=\"break counter check: child status %d, last try %lld signals, %lld as syscall\"\n",
		       WEXITSTATUS(status), c->signals, c->cause[1]);
	munmap(c, sizeof(*c));
	return !ok;
}

int main(int argc, char **argv)
{
	char gens[256] = "idle,patch,vmalloc,lru,vmstat,all", cs[64] = "?", *g, *save;
	int c, fail = 0;

	while ((c = getopt(argc, argv, "s:c:t:g:P:ne:")) != -1) {
		switch (c) {
		case 's': opt_seconds = atoi(optarg); break;
		case 'c': opt_cpus = optarg; break;
		case 't': opt_targets = optarg; break;
		case 'g': snprintf(gens, sizeof(gens), "%s", optarg); break;
		case 'n': opt_isolate = 0; break;
		case 'e':
			snprintf(toggle_event, sizeof(toggle_event), TRACING "/events/%s/enable", optarg);
			break;
		case 'P': opt_fifo = !strcmp(optarg, "fifo"); break;
		default:
			fprintf(stderr, "usage: tibench [-s SECONDS] [-c CPULIST] [-t CPULIST] [-g GEN,...] [-P fifo|other] [-n]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_cpus(opt_targets, &targets);
	{
		cpu_set_t set;

		parse_cpus(opt_cpus, &set);
		for (c = 0; c < CPU_SETSIZE && nr_spin < MAX_SPIN; c++)
			if (CPU_ISSET(c, &set))
				spin_cpu[nr_spin++] = c;
		if (!nr_spin) {
			fprintf(stderr, "tibench: -c %s names no CPU\n", opt_cpus);
			return 2;
		}
		opt_cpu = spin_cpu[0];
	}

	/* Everything but the spinner stays on the housekeeping CPUs. */
	pin(0, "0-1");

	current_clocksource(cs, sizeof(cs));
	printf("# clocksource=%s task_isolation=%s spinner=%s\n", cs,
	       ti_available() ? "yes" : "no", opt_fifo ? "SCHED_FIFO" : "SCHED_OTHER");
	if (opt_fifo && write_file("/proc/sys/kernel/sched_rt_runtime_us", "-1"))
		printf("env-failure reason=\"cannot disable RT throttling\"\n");
#if defined(__x86_64__)
	if (strcmp(cs, "tsc"))
		printf("env-failure reason=\"clocksource is %s, not tsc\"\n", cs);
#endif
	if (dmesg_has("Marking TSC unstable") || dmesg_has("TSC found unstable"))
		printf("env-failure reason=\"TSC marked unstable (see dmesg)\"\n");

	/* Room for one large semaphore array: "SEMMSL SEMMNS SEMOPM SEMMNI". */
	{
		char sem[64];

		snprintf(sem, sizeof(sem), "%d %d 32 128", sem_nsems, sem_nsems * 2);
		if (write_file("/proc/sys/kernel/sem", sem))
			printf("# cannot raise /proc/sys/kernel/sem: vmalloc generator uses threads only\n");
	}
	trace_setup();
	if (opt_isolate && ti_available())
		fail |= break_selftest();
	for (g = strtok_r(gens, ",", &save); g; g = strtok_r(NULL, ",", &save))
		fail |= run_one(g, cs);
	return fail;
}
