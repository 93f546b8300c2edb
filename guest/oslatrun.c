// SPDX-License-Identifier: GPL-2.0
/*
 * oslatrun: run rt-tests' oslat on an isolated CPU under the benchmark's
 * combined load, with task isolation for oslat's measurement thread (through
 * tirun) when the kernel has it.
 *
 *   oslatrun [-s SECONDS] [-c CPU] [-C MAIN_CPU] [-k LABEL] [-g GEN,...] [-n] [-S SIG]
 *            [-x PROG] [ARGS...]
 *     -s  oslat's --duration (30); -c  the CPU oslat measures on (3);
 *     -C  oslat's --cpu-main-thread (1, housekeeping); -k  kernel label
 *     for the result line; -g  generators (all = patch,vmalloc,lru,vmstat;
 *     idle = none); -n  no tirun (oslat runs without isolation); -S SIG
 *     strict mode with SIG instead of report-only; -x  run PROG with the
 *     arguments after the options instead of oslat (rtla: its own options
 *     name the CPU and duration), the result line then starts with PROG's
 *     base name and max_latency_us is -1.  Options end at the first
 *     non-option: no "--" needed (the kernel command line drops a second
 *     "--" and what follows it).
 *
 * Over oslat's whole run (its 1 s pre-heat included, the generators already
 * running) it measures: the growth of every /proc/interrupts row of the
 * CPU; the IPIs sent to it (ipi_send_cpu/ipi_send_cpumask, private trace
 * instance); task_isolation_break and task_isolation_state events, when the
 * kernel has them (trace_clock mono, times relative to oslat's start).
 * It prints oslat's own output, the shim's log, and one line:
 *
 *   oslat kernel=L release=R cpu=3 seconds=N cpu3_interrupts=N irq_lines=NAME:N,...
 *         isolation=report-only|strict|off|unavailable|failed isolation_breaks=N|na
 *         breaks_by_cause=CAUSE:N,...|none|na break_syscalls=NR(NAME):N,...|none|na
 *         isolated_entries=N|na ipis_targeted=N ipis_while_isolated=N|na
 *         max_latency_us=N env=ok|fail
 *
 * ipis_while_isolated counts the IPIs sent to the CPU while a thread was
 * ISOLATED there (from the state events): each should also be a break
 * (see ipis_while_isolated() for the intervals left out).
 *
 * oslat (Debian rt-tests) is dynamically linked: its libraries, the dynamic
 * loader and /lib/libtirun.so must be in the guest (scripts/oslat.sh), and
 * /lib/libnumastub.so, preloaded if present, for kernels without NUMA.
 * The environment is the benchmark's (guest/tibench.c): housekeeping CPUs
 * 0-1, the scheduler at its defaults, tsc clocksource.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "generators.h"

#define IPI_INST	TRACING "/instances/oslat_ipi"
#define TI_INST		TRACING "/instances/oslat_ti"
#define TI_EVENTS	TRACING "/events/task_isolation"
#define OSLAT		"/usr/bin/oslat"
#define TIRUN		"/bin/tirun"
#define TIRUN_LOG	"/tmp/tirun.log"
#define OSLAT_JSON	"/tmp/oslat.json"
#define NUMA_STUB	"/lib/libnumastub.so"

static int opt_seconds = 30, opt_cpu = 3, opt_main_cpu = 1, opt_isolate = 1;
static const char *opt_label = "?", *opt_sig, *opt_prog;
static char opt_gens[128] = "all";
static int envfail;

/* Entries lost to a full buffer in an instance (all CPUs). */
static unsigned long long trace_overrun(const char *inst)
{
	return trace_stat_sum(inst, "overrun:");
}

static int gen_mask(char *list)
{
	char *g, *save;
	int mask = 0, i;

	for (g = strtok_r(list, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		if (!strcmp(g, "all"))
			mask |= GEN_MASK_LAB;
		else if (!strcmp(g, "field"))
			mask |= GEN_MASK_FIELD;
		else if (strcmp(g, "idle")) {
			for (i = 0; i < NR_GENS && strcmp(g, gen_name[i]); i++)
				;
			if (i == NR_GENS)
				return -1;
			mask |= 1 << i;
		}
	}
	return mask;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *syscall_name(long nr)
{
#ifdef __x86_64__
	static const struct { int nr; const char *name; } tab[] = {
		{ 0, "read" }, { 1, "write" }, { 3, "close" }, { 9, "mmap" }, { 10, "mprotect" },
		{ 11, "munmap" }, { 12, "brk" }, { 13, "rt_sigaction" }, { 14, "rt_sigprocmask" },
		{ 15, "rt_sigreturn" }, { 24, "sched_yield" }, { 28, "madvise" }, { 35, "nanosleep" },
		{ 39, "getpid" }, { 96, "gettimeofday" }, { 157, "prctl" }, { 186, "gettid" },
		{ 202, "futex" }, { 203, "sched_setaffinity" }, { 204, "sched_getaffinity" },
		{ 228, "clock_gettime" }, { 230, "clock_nanosleep" }, { 273, "set_robust_list" },
		{ 318, "getrandom" }, { 334, "rseq" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].nr == nr)
			return tab[i].name;
#endif
	return "?";
}

static void trace_setup(int have_ti)
{
	char filter[64];

	/* Sizes first: a ring-buffer resize would itself send work to every CPU. */
	mkdir(IPI_INST, 0755);
	must_write(IPI_INST "/buffer_size_kb", "2048");
	must_write(IPI_INST "/trace_clock", "mono");
	snprintf(filter, sizeof(filter), "cpu == %d", opt_cpu);
	must_write(IPI_INST "/events/ipi/ipi_send_cpu/filter", filter);
	snprintf(filter, sizeof(filter), "cpumask & CPUS{%d}", opt_cpu);
	must_write(IPI_INST "/events/ipi/ipi_send_cpumask/filter", filter);
	must_write(IPI_INST "/events/ipi/ipi_send_cpu/enable", "1");
	must_write(IPI_INST "/events/ipi/ipi_send_cpumask/enable", "1");
	if (!have_ti)
		return;
	mkdir(TI_INST, 0755);
	must_write(TI_INST "/buffer_size_kb", "1024");
	must_write(TI_INST "/trace_clock", "mono");
	must_write(TI_INST "/events/task_isolation/task_isolation_break/enable", "1");
	must_write(TI_INST "/events/task_isolation/task_isolation_state/enable", "1");
}

/* Times (relative to oslat's start) when a thread was ISOLATED. */
static struct { int pid, sys; double from, to; } iso_iv[512];
static int n_iso_iv;

struct brk_key {
	int pid;
	char cause[16];
	long nr;
	int src;
	unsigned long n;
	double first, last;
};

/*
 * Breaks from the trace, grouped by (pid, cause, nr, source_cpu), times
 * relative to @t0; totals by cause and by syscall into @by_cause and
 * @by_nr; ARMED->ISOLATED transitions into @isolated.  Returns the breaks.
 */
static unsigned long parse_ti_trace(double t0, char *by_cause, char *by_nr, size_t len,
				    unsigned long *isolated)
{
	static struct brk_key k[64];
	struct { char name[16]; unsigned long n; } causes[8];
	struct { long nr; unsigned long n; } nrs[32];
	struct { int pid; unsigned long n; double first, last; } iso[16];
	int nk = 0, nc = 0, nn = 0, ni = 0, i, sys_pid = -1;
	unsigned long total = 0;
	char line[512], cause[16], *p, *e;
	FILE *f = fopen(TI_INST "/trace", "r");

	*isolated = 0;
	by_cause[0] = by_nr[0] = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		int pid, cpu, src, state;
		long nr;
		double ts;

		/* "   oslat-123  [003] d..1.  1234.567890: task_isolation_...: pid=..." */
		p = strstr(line, ": task_isolation_");
		if (line[0] == '#' || !p)
			continue;
		*p = 0;
		for (e = p; e > line && (isdigit(e[-1]) || e[-1] == '.'); e--)
			;
		ts = atof(e) - t0;
		p += 2;
		state = !strncmp(p, "task_isolation_state:", 21);
		if (state && sscanf(p, "task_isolation_state: pid=%d", &pid) == 1) {
			/* An interval ends at the pid's next transition, or at the end. */
			for (i = n_iso_iv - 1; i >= 0 && iso_iv[i].pid != pid; i--)
				;
			if (i >= 0 && iso_iv[i].to > 1e8) {
				iso_iv[i].to = ts;
				iso_iv[i].sys = sys_pid == pid;
			}
			sys_pid = -1;
			if (strstr(p, "new=isolated") && n_iso_iv < 512) {
				iso_iv[n_iso_iv].pid = pid;
				iso_iv[n_iso_iv].sys = 0;
				iso_iv[n_iso_iv].from = ts;
				iso_iv[n_iso_iv++].to = 1e9;
			}
		}
		if (state && strstr(p, "new=isolated")) {
			(*isolated)++;
			for (i = 0; i < ni && iso[i].pid != pid; i++)
				;
			if (i == ni && ni < 16) {
				iso[ni].pid = pid;
				iso[ni].n = 0;
				iso[ni++].first = ts;
			}
			if (i < ni) {
				iso[i].n++;
				iso[i].last = ts;
			}
		}
		if (state || sscanf(p, "task_isolation_break: pid=%d cpu=%d cause=%15s nr=%ld source_cpu=%d",
				    &pid, &cpu, cause, &nr, &src) != 5)
			continue;
		/* The state change that follows this break closes the interval. */
		sys_pid = strcmp(cause, "syscall") ? -1 : pid;
		total++;
		for (i = 0; i < nk; i++)
			if (k[i].pid == pid && !strcmp(k[i].cause, cause) && k[i].nr == nr &&
			    k[i].src == src)
				break;
		if (i == nk && nk < 64) {
			k[nk].pid = pid;
			snprintf(k[nk].cause, sizeof(k[nk].cause), "%s", cause);
			k[nk].nr = nr;
			k[nk].src = src;
			k[nk].n = 0;
			k[nk++].first = ts;
		}
		if (i < nk) {
			k[i].n++;
			k[i].last = ts;
		}
		for (i = 0; i < nc && strcmp(causes[i].name, cause); i++)
			;
		if (i == nc && nc < 8) {
			snprintf(causes[nc].name, sizeof(causes[nc].name), "%s", cause);
			causes[nc++].n = 0;
		}
		if (i < nc)
			causes[i].n++;
		if (strcmp(cause, "syscall"))
			continue;
		for (i = 0; i < nn && nrs[i].nr != nr; i++)
			;
		if (i == nn && nn < 32) {
			nrs[nn].nr = nr;
			nrs[nn++].n = 0;
		}
		if (i < nn)
			nrs[i].n++;
	}
	fclose(f);
	for (i = 0; i < ni; i++)
		printf("# isolated: pid=%d entries=%lu first=+%.3fs last=+%.3fs\n", iso[i].pid,
		       iso[i].n, iso[i].first, iso[i].last);
	for (i = 0; i < nk; i++) {
		printf("# breaks: pid=%d cause=%s", k[i].pid, k[i].cause);
		if (k[i].nr >= 0)
			printf(" nr=%ld(%s)", k[i].nr, syscall_name(k[i].nr));
		if (k[i].src >= 0)
			printf(" source_cpu=%d", k[i].src);
		printf(" n=%lu first=+%.3fs last=+%.3fs\n", k[i].n, k[i].first, k[i].last);
	}
	for (i = 0; i < nc; i++)
		snprintf(by_cause + strlen(by_cause), len - strlen(by_cause), "%s%s:%lu",
			 i ? "," : "", causes[i].name, causes[i].n);
	for (i = 0; i < nn; i++)
		snprintf(by_nr + strlen(by_nr), len - strlen(by_nr), "%s%ld(%s):%lu",
			 i ? "," : "", nrs[i].nr, syscall_name(nrs[i].nr), nrs[i].n);
	if (!nc)
		snprintf(by_cause, len, "none");
	if (!nn)
		snprintf(by_nr, len, "none");
	return total;
}

/*
 * IPIs sent to the CPU (ipi_send_* in the IPI instance, trace_clock mono)
 * while a thread was ISOLATED there: each should be a break (cause ipi).
 * An interval that a system call ended is left out: the thread entered
 * the kernel at an unknown time in it (the break is stamped when handled),
 * and an IPI that came after (the wakeup from nanosleep) breaks nothing.
 * Prints the callsites of all the IPIs and of those; returns the latter.
 */
static unsigned long ipis_while_isolated(double t0)
{
	struct { char name[64]; unsigned long all, iso; } cb[32];
	unsigned long n = 0, nsys = 0;
	char line[1024], *p, *e;
	int ncb = 0, i, in;
	FILE *f = fopen(IPI_INST "/trace", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		double ts;

		p = strstr(line, ": ipi_send_");
		if (line[0] == '#' || !p)
			continue;
		*p = 0;
		for (e = p; e > line && (isdigit(e[-1]) || e[-1] == '.'); e--)
			;
		ts = atof(e) - t0;
		for (in = 0, i = 0; i < n_iso_iv && !in; i++)
			if (ts >= iso_iv[i].from && ts < iso_iv[i].to)
				in = iso_iv[i].sys ? 2 : 1;
		nsys += in == 2;
		n += in == 1;
		p = strstr(p + 1, "callsite=");
		if (!p)
			continue;
		p += 9;
		p[strcspn(p, "+ \n")] = 0;
		if (in == 1 && n <= 20)
			printf("# ipi while isolated: +%.6fs %s\n", ts, p);
		for (i = 0; i < ncb && strcmp(cb[i].name, p); i++)
			;
		if (i == ncb) {
			if (ncb == 32)
				continue;
			snprintf(cb[ncb].name, sizeof(cb[ncb].name), "%s", p);
			cb[ncb].all = cb[ncb].iso = 0;
			ncb++;
		}
		cb[i].all++;
		cb[i].iso += in == 1;
	}
	fclose(f);
	printf("# ipis by callsite (all/while isolated):");
	for (i = 0; i < ncb; i++)
		printf(" %s=%lu/%lu", cb[i].name, cb[i].all, cb[i].iso);
	printf("%s\n", ncb ? "" : " none");
	if (nsys)
		printf("# %lu more IPIs in intervals a system call ended (after it: not breaks)\n", nsys);
	return n;
}

/* The largest "max" of oslat's JSON summary (microseconds), -1 if none. */
static long oslat_max(void)
{
	static char buf[1 << 16];
	long max = -1, v;
	char *p = buf;

	if (read_file(OSLAT_JSON, buf, sizeof(buf)) <= 0)
		return -1;
	while ((p = strstr(p, "\"max\":"))) {
		v = strtol(p + 6, &p, 10);
		if (v > max)
			max = v;
	}
	return max;
}

/* The shim's log, echoed with "# "; returns 1 if isolation was enabled. */
static int show_tirun_log(int *unavailable)
{
	char line[512];
	int enabled = 0;
	FILE *f = fopen(TIRUN_LOG, "r");

	*unavailable = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		printf("# %s", line);
		enabled |= !!strstr(line, " off (");
		*unavailable |= !!strstr(line, "not available");
	}
	fclose(f);
	return enabled;
}

static void usage(void)
{
	fprintf(stderr, "usage: oslatrun [-s SECONDS] [-c CPU] [-C MAIN_CPU] [-k LABEL] [-g GEN,...] [-n] [-S SIG] [-x PROG] [-- ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct irq_snap *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	char cs[64] = "?", secs[16], cpu[16], mcpu[16], lines[2048] = "";
	char by_cause[512] = "na", by_nr[512] = "na", breaks[32] = "na", iso_n[32] = "na";
	char ipi_iso[32] = "na";
	unsigned long long total = 0, ipis;
	unsigned long isolated = 0;
	int c, i, mask, started, have_ti, status, enabled = 0, unavailable = 0;
	const char *iso, *tool;
	char *av[64];
	int ac = 0;
	struct utsname u;
	pthread_t th[NR_GENS];
	cpu_set_t set;
	double t0, t1;
	pid_t pid;
	long max;

	while ((c = getopt(argc, argv, "+s:c:C:k:g:nS:x:")) != -1) {
		switch (c) {
		case 's': opt_seconds = atoi(optarg); break;
		case 'c': opt_cpu = atoi(optarg); break;
		case 'C': opt_main_cpu = atoi(optarg); break;
		case 'k': opt_label = optarg; break;
		case 'g': snprintf(opt_gens, sizeof(opt_gens), "%s", optarg); break;
		case 'n': opt_isolate = 0; break;
		case 'S': opt_sig = optarg; break;
		case 'x': opt_prog = optarg; break;
		default: usage();
		}
	}
	mask = gen_mask(opt_gens);
	if (mask < 0 || opt_seconds <= 0)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	uname(&u);

	/* Everything but oslat's measurement thread stays on the housekeeping CPUs. */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CPU_SET(1, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		printf("env-failure reason=\"sched_setaffinity(0-1): %s\"\n", strerror(errno));
		return 2;
	}

	current_clocksource(cs, sizeof(cs));
#if defined(__x86_64__)
	if (strcmp(cs, "tsc")) {
		printf("env-failure reason=\"clocksource is %s, not tsc\"\n", cs);
		envfail = 1;
	}
#endif
	have_ti = !access(TI_EVENTS, F_OK);
	printf("# oslatrun kernel=%s release=%s clocksource=%s task_isolation_events=%s generators=%s\n",
	       opt_label, u.release, cs, have_ti ? "yes" : "no", opt_gens);
	{
		char sem[64];

		snprintf(sem, sizeof(sem), "%d %d 32 128", sem_nsems, sem_nsems * 2);
		if (write_file("/proc/sys/kernel/sem", sem))
			printf("# cannot raise /proc/sys/kernel/sem: vmalloc generator uses threads only\n");
	}
	trace_setup(have_ti);

	gen_stop = 0;
	started = gen_start(th, mask);
	if (started != mask)
		envfail = 1;
	sleep_ms(500);

	/* The command: [tirun [-s SIG]] oslat ... */
	snprintf(secs, sizeof(secs), "%d", opt_seconds);
	snprintf(cpu, sizeof(cpu), "%d", opt_cpu);
	snprintf(mcpu, sizeof(mcpu), "%d", opt_main_cpu);
	if (opt_isolate) {
		av[ac++] = TIRUN;
		if (opt_sig) {
			av[ac++] = "-s";
			av[ac++] = (char *)opt_sig;
		}
	}
	if (opt_prog) {
		av[ac++] = (char *)opt_prog;
	} else {
		av[ac++] = OSLAT;
		av[ac++] = "--cpu-list";
		av[ac++] = cpu;
		av[ac++] = "--cpu-main-thread";
		av[ac++] = mcpu;
		av[ac++] = "--duration";
		av[ac++] = secs;
		av[ac++] = "--json=" OSLAT_JSON;
		av[ac++] = "-z";
	}
	for (i = optind; i < argc && ac < 63; i++)
		av[ac++] = argv[i];
	av[ac] = NULL;
	printf("# command:");
	for (i = 0; i < ac; i++)
		printf(" %s", av[i]);
	printf("\n");
	unlink(TIRUN_LOG);
	unlink(OSLAT_JSON);
	setenv("TIRUN_LOG", TIRUN_LOG, 1);
	/* CONFIG_NUMA=n kernels: oslat needs numa_available() == 0 (scripts/oslat.sh). */
	if (!access(NUMA_STUB, R_OK))
		setenv("LD_PRELOAD", NUMA_STUB, 1);

	write_file(IPI_INST "/trace", "");
	if (have_ti)
		write_file(TI_INST "/trace", "");
	memset(gen_ops, 0, sizeof(gen_ops));
	snap_irqs(a, opt_cpu);
	t0 = mono_now();
	pid = fork();
	if (pid < 0) {
		printf("oslatrun: fork: %s\n", strerror(errno));
		return 1;
	}
	if (!pid) {
		execv(av[0], av);
		printf("oslatrun: exec %s: %s\n", av[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	t1 = mono_now();
	snap_irqs(b, opt_cpu);
	ipis = trace_count(IPI_INST);
	gen_stop = 1;
	gen_join(th, started);

	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("env-failure reason=\"%s failed: %s %d\"\n", opt_prog ? opt_prog : "oslat",
		       WIFEXITED(status) ? "exit" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		envfail = 1;
	}
	printf("# oslat ran %.1fs (monotonic %.3f..%.3f)\n", t1 - t0, t0, t1);
	enabled = show_tirun_log(&unavailable);

	printf("# cpu%d interrupts:", opt_cpu);
	for (i = 0; i < b->n; i++) {
		unsigned long long d = snap_growth(a, b, i);

		total += d;
		if (d) {
			printf(" %s=+%llu", b->row[i].name, d);
			snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines), "%s%s:%llu",
				 lines[0] ? "," : "", b->row[i].name, d);
		}
	}
	printf("%s\n", total ? "" : " none");
	printf("# control: ipis_targeted=%llu", ipis);
	for (i = 0; i < NR_GENS; i++)
		if (mask & (1 << i))
			printf(" %s_ops=%llu", gen_name[i], gen_ops[i]);
	printf("\n");

	if (have_ti) {
		unsigned long n = parse_ti_trace(t0, by_cause, by_nr, sizeof(by_cause), &isolated);

		snprintf(breaks, sizeof(breaks), "%lu", n);
		snprintf(iso_n, sizeof(iso_n), "%lu", isolated);
		if (trace_overrun(TI_INST))
			printf("# warning: the task isolation trace overran: counts are low\n");
		snprintf(ipi_iso, sizeof(ipi_iso), "%lu", ipis_while_isolated(t0));
	} else {
		ipis_while_isolated(t0);
	}
	if (trace_overrun(IPI_INST))
		printf("# warning: the IPI trace overran: callsite counts are low\n");
	if (!opt_isolate)
		iso = "off";
	else if (enabled || (have_ti && isolated))
		iso = opt_sig ? "strict" : "report-only";
	else if (unavailable || !have_ti)
		iso = "unavailable";
	else
		iso = "failed";
	max = opt_prog ? -1 : oslat_max();
	tool = opt_prog ? strrchr(opt_prog, '/') : NULL;
	printf("%s kernel=%s release=%s cpu=%d seconds=%d cpu%d_interrupts=%llu irq_lines=%s isolation=%s isolation_breaks=%s breaks_by_cause=%s break_syscalls=%s isolated_entries=%s ipis_targeted=%llu ipis_while_isolated=%s max_latency_us=%ld env=%s\n",
	       opt_prog ? (tool ? tool + 1 : opt_prog) : "oslat", opt_label, u.release, opt_cpu, opt_seconds, opt_cpu, total, lines[0] ? lines : "none",
	       iso, breaks, have_ti ? by_cause : "na", have_ti ? by_nr : "na", iso_n, ipis, ipi_iso, max,
	       envfail ? "fail" : "ok");
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}
