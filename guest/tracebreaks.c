// SPDX-License-Identifier: GPL-2.0
/*
 * What broke isolation: run a command (typically the stress test) while the
 * interrupt, timer, IPI, context-tracking and task-isolation events of the
 * isolated CPUs are traced, and print, for each task_isolation_break, the
 * events of its CPU that led to it and the last IPIs sent to the isolated
 * CPUs.  trace_pipe is read while the command runs, from a housekeeping
 * CPU, without blocking: a blocked reader makes the ring buffer queue an
 * irq_work on the CPU that writes the next event, a self-IPI that would
 * itself break isolation.  The reader polls every 10 ms instead.
 *
 * Each break gets a verdict: the first handler entered on its CPU after
 * the first return to user mode (user_exit) that followed the thread's
 * ISOLATED transition:
 *   "call_function", "reschedule", "local_timer", "irq_work" ... (x86
 *   irq_vectors), "ipi:<reason>" (arm64, e.g. "ipi:Function_call_interrupts"),
 *   "irq:<name>" (irq_handler_entry);
 *   "none": it came back to the kernel without a handler (a system call,
 *   an exception);
 *   "unknown": the ISOLATED transition or that user_exit was not seen
 *   (events lost, or the break was handled elsewhere).
 * A timer verdict gets "(no-expiry)" when no hrtimer expired in that
 * interrupt: an interrupt raised before the tick stopped.
 *
 * usage: tracebreaks [-c CPUS] [-w EVENTS] COMMAND [ARGS...]
 *   -c  the isolated CPUs, a tracefs CPU list such as 2-3 (default 2-3)
 *   -w  events shown before each break (30)
 * Last line:
 *   tracebreaks breaks=<n> by_cause=<cause:n,...> by_entry=<entry:n,...>
 *               lines=<n> lost=<n> overruns=<n> unread=<n> command_status=<n>
 * Exit status 0 when the command succeeded and every event was read.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "benchutil.h"

#define LINE		320
#define MAX_CPUS	64
#define MAX_WIN		200
#define IPI_HIST	8
#define NR_CAUSES	16
#define NR_ENTRIES	32
#define DRAIN_S		120

static int opt_win = 30;
static const char *opt_cpus = "2-3";

enum phase { UNKNOWN, ISOLATED, IN_USER, DECIDED };

/* Per CPU: its last events and where it is since its ISOLATED transition. */
static struct {
	char (*ring)[LINE];
	int pos;
	enum phase phase;
	char entry[64];
	int timer_open, timer_expired;
} cpu_st[MAX_CPUS];
static char ipi_hist[IPI_HIST][LINE];
static int ipi_pos;

struct tally {
	char key[96];
	unsigned long n;
};
static struct tally by_cause[NR_CAUSES], by_entry[NR_ENTRIES];
static unsigned long nbreaks, nlines, nlost;
static volatile int reader_done;

/* A full table counts what does not fit in its last slot, "other". */
static void count(struct tally *t, int max, const char *key)
{
	int i;

	for (i = 0; i < max - 1 && t[i].key[0]; i++)
		if (!strcmp(t[i].key, key))
			break;
	if (i == max - 1 && strcmp(t[i].key, key))
		key = "other";
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

static bool is_cpu(int cpu)
{
	return cpu >= 0 && cpu < MAX_CPUS && cpu_st[cpu].ring;
}

/* The CPU an event is about: its "cpu=" field if @field, else the [CPU] column. */
static int event_cpu(const char *line, bool field)
{
	const char *p = field ? strstr(line, " cpu=") : strchr(line, '[');

	return p ? atoi(p + (field ? 5 : 1)) : -1;
}

/* "... call_function_entry: vector=252" -> "call_function". */
static void handler_name(const char *line, const char *end, char *out, size_t len)
{
	const char *b = end;

	while (b > line && b[-1] != ' ')
		b--;
	snprintf(out, len, "%.*s", (int)(end - b), b);
}

static void set_entry(int cpu, const char *fmt, const char *s, int n)
{
	char *e;

	snprintf(cpu_st[cpu].entry, sizeof(cpu_st[cpu].entry), fmt, n, s);
	cpu_st[cpu].entry[strcspn(cpu_st[cpu].entry, ")\n")] = 0;
	for (e = cpu_st[cpu].entry; *e; e++)
		if (*e == ' ')
			*e = '_';
}

/* Handler events of @cpu (the [CPU] column): the verdict and the timer's expiry. */
static void note_handler(int cpu, const char *line)
{
	const char *e = strstr(line, "_entry: "), *p;
	bool timer = false;

	if (strstr(line, " hrtimer_expire_entry: ")) {
		if (cpu_st[cpu].timer_open)
			cpu_st[cpu].timer_expired = 1;
		return;
	}
	if (strstr(line, " local_timer_exit: ") || strstr(line, " irq_handler_exit: ")) {
		cpu_st[cpu].timer_open = 0;
		return;
	}
	if (strstr(line, " user_exit: ")) {
		if (cpu_st[cpu].phase == ISOLATED)
			cpu_st[cpu].phase = IN_USER;
		return;
	}
	if (!e || strstr(line, "timer_expire_entry") || strstr(line, "softirq_entry"))
		return;
	/* arm64: irq_handler_entry name=IPI, then ipi_entry says which IPI. */
	if (strstr(line, " ipi_entry: ") && cpu_st[cpu].phase == DECIDED &&
	    !strcmp(cpu_st[cpu].entry, "irq:IPI")) {
		p = strchr(e, '(');
		set_entry(cpu, "ipi:%.*s", p ? p + 1 : "?", 40);
		return;
	}
	if (cpu_st[cpu].phase != IN_USER)
		return;
	if (strstr(line, " irq_handler_entry: ")) {
		p = strstr(line, "name=");
		set_entry(cpu, "irq:%.*s", p ? p + 5 : "?", 40);
		timer = p && !strncmp(p + 5, "arch_timer", 10);
	} else if (strstr(line, " ipi_entry: ")) {
		p = strchr(e, '(');
		set_entry(cpu, "ipi:%.*s", p ? p + 1 : "?", 40);
	} else {
		char name[64];

		handler_name(line, e, name, sizeof(name));
		set_entry(cpu, "%.*s", name, 60);
		timer = !strcmp(name, "local_timer");
	}
	cpu_st[cpu].phase = DECIDED;
	cpu_st[cpu].timer_open = timer;
	cpu_st[cpu].timer_expired = 0;
}

static void on_break(int cpu, const char *line)
{
	const char *c = strstr(line, "cause=");
	char cause[32] = "?", verdict[96];
	bool timer = !strcmp(cpu_st[cpu].entry, "local_timer") ||
		     !strcmp(cpu_st[cpu].entry, "irq:arch_timer");
	int i;

	if (c)
		sscanf(c + 6, "%31[a-z_]", cause);
	switch (cpu_st[cpu].phase) {
	case DECIDED:
		snprintf(verdict, sizeof(verdict), "%s%s", cpu_st[cpu].entry,
			 timer && !cpu_st[cpu].timer_expired ? "(no-expiry)" : "");
		break;
	case IN_USER:
		snprintf(verdict, sizeof(verdict), "none");
		break;
	default:
		snprintf(verdict, sizeof(verdict), "unknown");
	}
	cpu_st[cpu].phase = UNKNOWN;
	nbreaks++;
	count(by_cause, NR_CAUSES, cause);
	count(by_entry, NR_ENTRIES, verdict);
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

static void handle_line(const char *line)
{
	int cpu, lost;

	nlines++;
	/* "CPU:2 [LOST 12 EVENTS]": that CPU's state is unknown until it isolates again. */
	if (sscanf(line, "CPU:%d [LOST %d", &cpu, &lost) == 2) {
		nlost += lost;
		if (is_cpu(cpu))
			cpu_st[cpu].phase = UNKNOWN;
		return;
	}
	if (strstr(line, " ipi_send_cpu") || strstr(line, " task_isolation_ipi: ") ||
	    strstr(line, " ct_work_defer: ")) {
		snprintf(ipi_hist[ipi_pos++ % IPI_HIST], LINE, "%s", line);
		return;
	}
	if (strstr(line, " task_isolation_break: ")) {
		cpu = event_cpu(line, true);
		if (is_cpu(cpu))
			on_break(cpu, line);
		return;
	}
	if (strstr(line, " task_isolation_state: ")) {
		cpu = event_cpu(line, true);
		if (!is_cpu(cpu))
			return;
		if (strstr(line, "new=isolated")) {
			cpu_st[cpu].phase = ISOLATED;
			cpu_st[cpu].entry[0] = 0;
			cpu_st[cpu].timer_open = 0;
		}
	} else {
		cpu = event_cpu(line, false);
		if (!is_cpu(cpu))
			return;
		note_handler(cpu, line);
	}
	snprintf(cpu_st[cpu].ring[cpu_st[cpu].pos++ % opt_win], LINE, "%s", line);
}

/*
 * Read trace_pipe without blocking (see the top of the file) until it is
 * empty and main() says the trace is off and fully consumed.  Lines longer
 * than LINE are cut, not split.
 */
static void *reader(void *arg)
{
	int fd = open(TRACING "/trace_pipe", O_RDONLY | O_NONBLOCK);
	static char chunk[65536], line[LINE];
	size_t len = 0;
	bool cut = false;
	ssize_t n, i;

	if (fd < 0) {
		perror("trace_pipe");
		exit(2);
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			perror("trace_pipe");
			exit(2);
		}
		if (n <= 0) {
			if (reader_done)
				break;
			sleep_ms(10);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (chunk[i] == '\n') {
				line[len++] = '\n';
				line[len] = 0;
				handle_line(line);
				len = 0;
				cut = false;
			} else if (len < LINE - 2 && !cut) {
				line[len++] = chunk[i];
			} else {
				cut = true;
			}
		}
	}
	close(fd);
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
	snprintf(path, sizeof(path), TRACING "/events/%s/filter", event);
	must_write(path, filter);
	snprintf(path, sizeof(path), TRACING "/events/%s/enable", event);
	must_write(path, "1");
}

/* "2-3" or "2,3": allocate the windows of those CPUs; the number of CPUs, or -1. */
static int parse_cpus(const char *list)
{
	char *s = strdup(list), *tok, *save, *end;
	long a, b;
	int n = 0;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		a = strtol(tok, &end, 10);
		b = *end == '-' ? strtol(end + 1, &end, 10) : a;
		if (*end || end == tok || a < 0 || b < a || b >= MAX_CPUS) {
			free(s);
			return -1;
		}
		for (; a <= b; a++, n++)
			if (!cpu_st[a].ring)
				cpu_st[a].ring = calloc(MAX_WIN, LINE);
	}
	free(s);
	return n;
}

int main(int argc, char **argv)
{
	static const char *const on_cpu[] = {	/* events of the isolated CPUs themselves */
		"irq_vectors", "irq/irq_handler_entry", "irq/irq_handler_exit",
		"ipi/ipi_entry", "ipi/ipi_exit", "timer/hrtimer_start", "timer/hrtimer_cancel",
		"timer/hrtimer_expire_entry", "timer/hrtimer_expire_exit",
		"timer/timer_expire_entry", "timer/tick_stop",
		"context_tracking/user_enter", "context_tracking/user_exit",
		"context_tracking/ct_work_flush", "sched/sched_switch", "sched/sched_wakeup",
		"workqueue/workqueue_execute_start", NULL
	};
	static const char *const by_field[][2] = {	/* events about them, from any CPU */
		{ "task_isolation/task_isolation_state", "cpu" },
		{ "task_isolation/task_isolation_break", "cpu" },
		{ "task_isolation/task_isolation_ipi", "target_cpu" },
		{ "context_tracking/ct_work_defer", "cpu" },
		{ "ipi/ipi_send_cpu", "cpu" },
		{ "ipi/ipi_send_cpumask", "cpumask" },
	};
	unsigned long long overruns, unread = 0;
	int c, i, status = 0, ok;
	char filter[160];
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
	if (optind >= argc || opt_win < 1 || opt_win > MAX_WIN || parse_cpus(opt_cpus) <= 0)
		goto usage;

	/* The reader and the command's parent stay off the isolated CPUs. */
	CPU_ZERO(&hk);
	for (i = 0; i < MAX_CPUS; i++)
		if (!cpu_st[i].ring)
			CPU_SET(i, &hk);
	if (sched_setaffinity(0, sizeof(hk), &hk)) {
		perror("sched_setaffinity");
		return 2;
	}

	must_write(TRACING "/tracing_on", "0");
	must_write(TRACING "/trace", "");
	must_write(TRACING "/buffer_size_kb", "16384");
	snprintf(filter, sizeof(filter), "CPU & CPUS{%s}", opt_cpus);
	for (i = 0; on_cpu[i]; i++)
		enable(on_cpu[i], filter);
	for (i = 0; i < (int)(sizeof(by_field) / sizeof(by_field[0])); i++) {
		snprintf(filter, sizeof(filter), "%s & CPUS{%s}", by_field[i][1], opt_cpus);
		enable(by_field[i][0], filter);
	}
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
	/* The reader may lag far behind under emulation: let it consume everything. */
	for (i = 0; i < DRAIN_S * 10; i++) {
		unread = stat_sum("entries:");
		if (!unread)
			break;
		sleep_ms(100);
	}
	reader_done = 1;
	pthread_join(th, NULL);
	overruns = stat_sum("overrun:");

	printf("tracebreaks breaks=%lu", nbreaks);
	print_tally("by_cause", by_cause, NR_CAUSES);
	print_tally("by_entry", by_entry, NR_ENTRIES);
	ok = WIFEXITED(status) && !WEXITSTATUS(status);
	printf(" lines=%lu lost=%lu overruns=%llu unread=%llu command_status=%d\n", nlines, nlost,
	       overruns, unread, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return ok && !nlost && !overruns && !unread ? 0 : 1;

usage:
	fprintf(stderr, "usage: tracebreaks [-c CPUS] [-w EVENTS] COMMAND [ARGS...]\n");
	return 2;
}
