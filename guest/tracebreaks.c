// SPDX-License-Identifier: GPL-2.0
/*
 * What broke isolation: run a command (typically the stress test) while the
 * interrupt, timer, IPI, context-tracking and task-isolation events of the
 * isolated CPUs are traced, and print, for each task_isolation_break, the
 * events of its CPU that led to it and the last IPIs sent to the isolated
 * CPUs.  The trace is read from trace_pipe while the command runs, on a
 * housekeeping CPU, so no window is lost to a full buffer.
 *
 * Each break gets a verdict, the first handler entry on its CPU after the
 * thread became ISOLATED: "call_function", "reschedule", "local_timer",
 * "irq_work" ... (x86 irq_vectors), "ipi:<reason>" (arm64 ipi_entry,
 * e.g. "ipi:Function_call_interrupts"),
 * "irq:<name>" (irq_handler_entry), or "none" (no handler: a system call,
 * an exception).  For a local timer, "local_timer(no-expiry)" says that no
 * hrtimer expired in it: an interrupt raised before the tick stopped.
 *
 * usage: tracebreaks [-c CPUS] [-w EVENTS] COMMAND [ARGS...]
 *   -c  the isolated CPUs, as a tracefs cpumask filter list (2-3)
 *   -w  events shown before each break (30)
 * Last line:
 *   tracebreaks breaks=<n> by_cause=<cause:n,...> by_entry=<entry:n,...>
 *               lines=<n> overruns=<n> unread=<n> command_status=<n>
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>

#include "benchutil.h"

#define LINE		320
#define MAX_CPUS	64
#define MAX_WIN		200
#define IPI_HIST	8

static int opt_win = 30;
static const char *opt_cpus = "2-3";

/* Per CPU: the last events, and the verdict since the last ISOLATED transition. */
static struct {
	char (*ring)[LINE];
	int pos;
	char entry[64];
	int timer_open, timer_expired;
} cpu_st[MAX_CPUS];
static char ipi_hist[IPI_HIST][LINE];
static int ipi_pos;

struct tally {
	char key[96];
	unsigned long n;
};
static struct tally by_cause[16], by_entry[32];
static unsigned long nbreaks, nlines;

static void count(struct tally *t, int max, const char *key)
{
	int i;

	for (i = 0; i < max && t[i].key[0]; i++)
		if (!strcmp(t[i].key, key))
			break;
	if (i == max)
		return;
	snprintf(t[i].key, sizeof(t[i].key), "%s", key);
	t[i].n++;
}

static void print_tally(const char *name, struct tally *t, int max)
{
	int i;

	printf(" %s=", name);
	for (i = 0; i < max && t[i].key[0]; i++)
		printf("%s%s:%lu", i ? "," : "", t[i].key, t[i].n);
	if (!i)
		printf("none");
}

/* "... call_function_entry: vector=252" -> "call_function" into @out. */
static void event_name(const char *line, const char *end, char *out, size_t len)
{
	const char *b = end;

	while (b > line && b[-1] != ' ')
		b--;
	snprintf(out, len, "%.*s", (int)(end - b), b);
}

/* The first handler entry after ISOLATED decides the verdict. */
static void note_entry(int cpu, const char *line)
{
	char *e, name[64];

	/* arm64: "irq:IPI" first, then ipi_entry says which IPI. */
	if (cpu_st[cpu].entry[0] && strcmp(cpu_st[cpu].entry, "irq:IPI"))
		goto timer;
	e = strstr(line, "_entry: ");
	if (!e || strstr(line, "hrtimer_expire_entry") || strstr(line, "timer_expire_entry") ||
	    strstr(line, "softirq_entry") || strstr(line, "workqueue_execute"))
		goto timer;
	if (cpu_st[cpu].entry[0] && !strstr(line, " ipi_entry: "))
		goto timer;
	if (strstr(line, " irq_handler_entry: ")) {
		const char *n = strstr(line, "name=");

		snprintf(cpu_st[cpu].entry, sizeof(cpu_st[cpu].entry), "irq:%.40s",
			 n ? n + 5 : "?");
	} else if (strstr(line, " ipi_entry: ")) {
		const char *r = strchr(e, '(');

		snprintf(cpu_st[cpu].entry, sizeof(cpu_st[cpu].entry), "ipi:%.40s",
			 r ? r + 1 : "?");
	} else {
		event_name(line, e, name, sizeof(name));
		snprintf(cpu_st[cpu].entry, sizeof(cpu_st[cpu].entry), "%s", name);
		cpu_st[cpu].timer_open = !strcmp(name, "local_timer");
	}
	cpu_st[cpu].entry[strcspn(cpu_st[cpu].entry, ")\n")] = 0;
	for (e = cpu_st[cpu].entry; *e; e++)
		if (*e == ' ')
			*e = '_';
timer:
	if (cpu_st[cpu].timer_open && strstr(line, "hrtimer_expire_entry: "))
		cpu_st[cpu].timer_expired = 1;
	if (cpu_st[cpu].timer_open && strstr(line, "local_timer_exit: "))
		cpu_st[cpu].timer_open = 0;
}

static void on_break(int cpu, const char *line)
{
	const char *c = strstr(line, "cause=");
	char cause[32] = "?", verdict[96];
	int i;

	if (c)
		sscanf(c + 6, "%31[a-z_]", cause);
	snprintf(verdict, sizeof(verdict), "%s%s", cpu_st[cpu].entry[0] ? cpu_st[cpu].entry : "none",
		 !strcmp(cpu_st[cpu].entry, "local_timer") && !cpu_st[cpu].timer_expired ?
		 "(no-expiry)" : "");
	nbreaks++;
	count(by_cause, 16, cause);
	count(by_entry, 32, verdict);
	printf("tracebreaks: ---- break %lu on CPU %d: cause=%s entry=%s\n", nbreaks, cpu, cause,
	       verdict);
	printf("tracebreaks: last IPIs sent to the isolated CPUs:\n");
	for (i = 0; i < IPI_HIST; i++)
		if (ipi_hist[(ipi_pos + i) % IPI_HIST][0])
			fputs(ipi_hist[(ipi_pos + i) % IPI_HIST], stdout);
	printf("tracebreaks: the last %d events on CPU %d:\n", opt_win, cpu);
	for (i = 0; i < opt_win; i++) {
		const char *l = cpu_st[cpu].ring[(cpu_st[cpu].pos + i) % opt_win];

		if (l[0])
			fputs(l, stdout);
	}
	fputs(line, stdout);
	fflush(stdout);
}

static void *reader(void *arg)
{
	FILE *f = fopen(TRACING "/trace_pipe", "r");
	char line[LINE];

	if (!f) {
		perror("trace_pipe");
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *b;
		int cpu = -1;

		nlines++;
		/* "  comm-pid   [002] d.h1.  13.9: event: ..." */
		b = strchr(line, '[');
		if (b)
			cpu = atoi(b + 1);
		if (strstr(line, " ipi_send_cpu")) {
			snprintf(ipi_hist[ipi_pos++ % IPI_HIST], LINE, "%s", line);
			continue;
		}
		if (cpu < 0 || cpu >= MAX_CPUS || !cpu_st[cpu].ring)
			continue;
		if (strstr(line, " task_isolation_break: ")) {
			on_break(cpu, line);
		} else {
			if (strstr(line, " task_isolation_state: ") && strstr(line, "new=isolated")) {
				cpu_st[cpu].entry[0] = 0;
				cpu_st[cpu].timer_open = 0;
				cpu_st[cpu].timer_expired = 0;
			} else {
				note_entry(cpu, line);
			}
		}
		snprintf(cpu_st[cpu].ring[cpu_st[cpu].pos++ % opt_win], LINE, "%s", line);
	}
	return NULL;
}

/* Sum of a per_cpu/cpuN/stats counter ("entries:", "overrun:") of the top-level buffer. */
static unsigned long long stat_sum(const char *key)
{
	return trace_stat_sum(TRACING, key);
}

static void enable(const char *event, const char *filter)
{
	char path[256];

	snprintf(path, sizeof(path), TRACING "/events/%s/enable", event);
	if (access(path, F_OK))
		return;		/* not on this arch or kernel */
	if (filter) {
		snprintf(path, sizeof(path), TRACING "/events/%s/filter", event);
		must_write(path, filter);
	}
	snprintf(path, sizeof(path), TRACING "/events/%s/enable", event);
	must_write(path, "1");
}

/* "2-3" or "2,3" -> cpu_st[].ring for each. */
static int parse_cpus(const char *list)
{
	char *s = strdup(list), *tok, *save;
	int a, b, n = 0;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (sscanf(tok, "%d-%d", &a, &b) != 2)
			b = a = atoi(tok);
		for (; a <= b && a < MAX_CPUS; a++, n++)
			cpu_st[a].ring = calloc(MAX_WIN, LINE);
	}
	free(s);
	return n;
}

int main(int argc, char **argv)
{
	static const char *const handlers[] = {
		"irq_vectors", "irq/irq_handler_entry", "irq/irq_handler_exit",
		"ipi/ipi_entry", "ipi/ipi_exit", "timer/hrtimer_start", "timer/hrtimer_cancel",
		"timer/hrtimer_expire_entry", "timer/hrtimer_expire_exit",
		"timer/timer_expire_entry", "timer/tick_stop", "task_isolation",
		"context_tracking", "sched/sched_switch", "sched/sched_wakeup",
		"workqueue/workqueue_execute_start", NULL
	};
	char filter[128], mask[128];
	unsigned long long overruns, unread = 0;
	int c, i, status = 0;
	pthread_t th;
	cpu_set_t hk;
	pid_t pid;

	while ((c = getopt(argc, argv, "+c:w:")) != -1) {
		switch (c) {
		case 'c':
			opt_cpus = optarg;
			break;
		case 'w':
			opt_win = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || opt_win < 1 || opt_win > MAX_WIN || !parse_cpus(opt_cpus))
		goto usage;

	/* The reader and the command's parent stay off the isolated CPUs. */
	CPU_ZERO(&hk);
	for (i = 0; i < MAX_CPUS && i < CPU_SETSIZE; i++)
		if (!cpu_st[i].ring)
			CPU_SET(i, &hk);
	sched_setaffinity(0, sizeof(hk), &hk);

	must_write(TRACING "/tracing_on", "0");
	must_write(TRACING "/trace", "");
	must_write(TRACING "/buffer_size_kb", "16384");
	snprintf(filter, sizeof(filter), "CPU & CPUS{%s}", opt_cpus);
	for (i = 0; handlers[i]; i++)
		enable(handlers[i], filter);
	snprintf(mask, sizeof(mask), "cpumask & CPUS{%s}", opt_cpus);
	enable("ipi/ipi_send_cpumask", mask);
	snprintf(mask, sizeof(mask), "cpu & CPUS{%s}", opt_cpus);
	enable("ipi/ipi_send_cpu", mask);
	must_write(TRACING "/tracing_on", "1");
	if (pthread_create(&th, NULL, reader, NULL)) {
		perror("pthread_create");
		return 2;
	}

	fflush(stdout);
	pid = fork();
	if (!pid) {
		execv(argv[optind], &argv[optind]);
		perror(argv[optind]);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	must_write(TRACING "/tracing_on", "0");
	/*
	 * The reader may lag far behind under emulation: wait until it has
	 * consumed every event (entries: 0 on every CPU), for 10 minutes at
	 * most; what is left unread is reported, not ignored.
	 */
	for (c = 0; c < 6000; c++) {
		unread = stat_sum("entries:");
		if (!unread)
			break;
		sleep_ms(100);
	}
	sleep_ms(500);		/* the last line read is handled */
	overruns = stat_sum("overrun:");
	printf("tracebreaks breaks=%lu", nbreaks);
	print_tally("by_cause", by_cause, 16);
	print_tally("by_entry", by_entry, 32);
	printf(" lines=%lu overruns=%llu unread=%llu command_status=%d\n", nlines, overruns, unread,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;

usage:
	fprintf(stderr, "usage: tracebreaks [-c CPUS] [-w EVENTS] COMMAND [ARGS...]\n");
	return 2;
}
