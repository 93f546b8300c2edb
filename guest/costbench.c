// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of kernel entry paths, as guest time.  Meant to run under QEMU
 * -accel tcg,thread=single -icount shift=0,sleep=off, where guest time is
 * the number of instructions all vCPUs executed (1 ns per instruction), so
 * that two kernels can be compared to the instruction.  Guest time is
 * global: while a test runs, every instruction of every vCPU counts, so the
 * tests keep the other CPUs idle (halted vCPUs execute nothing) or make
 * them wait with cpu_relax(), which under single-threaded TCG hands the
 * host thread to the next vCPU at once (x86 PAUSE and arm64 YIELD end the
 * vCPU's turn in QEMU) instead of burning a time slice.
 *
 *   getpid CPU N      N null system calls on CPU (user -> kernel -> user:
 *                     on a nohz_full CPU this is the context tracking
 *                     checkpoint on every entry)
 *   fault CPU N       N minor page faults on CPU (exception entry)
 *   irq FROM TO N     N membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) calls
 *                     on CPU FROM while a thread of the same process spins
 *                     in user mode on CPU TO: each call sends TO a
 *                     function-call IPI, an interrupt entry from user mode
 *                     (the checkpoint again on a nohz_full CPU) and back.
 *                     The time per call is the caller's system call, the
 *                     IPI and the target's interrupt round trip.
 *   pingpong A B N    N round trips between CPUs A and B through a pipe:
 *                     each side sleeps in idle and is woken, so this is
 *                     idle exit (the checkpoint again) plus the wakeup IPI
 *   deferred CPU K    instructions of one kernel entry that runs deferred
 *                     work: see run_deferred()
 *   sender OP CPUS N  the cost of one text patch (OP patch) or one
 *                     vmstat_refresh() (OP vmstat) made on CPU 0 while a
 *                     process spins in user mode on each CPU of the list
 *                     CPUS ("none" for no spinner): see run_sender()
 *   irq-iso FROM TO CPUS N  the irq test while a process with task
 *                     isolation enabled spins on each CPU of CPUS
 *   irq-spin FROM TO CPUS N  its control: the same spinners, not isolated
 *   irq2 FROM TO CPU N  the irq test with a second spinner on CPU: each
 *                     call IPIs both (the IPI layer's cpumask path)
 *   irq-probe FROM TO CPU N  irq2 with the IPI attribution probes
 *                     registered and no CPU isolated: see run_irq_probe()
 *
 * Several tests may follow each other on one command line.
 * Prints "cost <test> cpu=<cpu> iterations=<n> ns_per_op=<x.xxx> ..." and,
 * for deferred, "cost deferred cpu=<cpu> ..." and "cost deferred-verify
 * cpu=<cpu> ..."; lines starting with "#" are comments for the reader.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "ti_abi.h"

#define VERIFY_INST	TRACING "/instances/costbench"
/*
 * The event the deferred test toggles: rarely hit, so enabling it records
 * nothing, and its tracepoint lies in ordinary text, so the patched kernel
 * may defer the instruction sync of the patching (a site in noinstr or
 * entry text would be synchronized by IPI).  Enabling the first event also
 * starts the cmdline recorder (sched_switch and wakeup probes): more sites,
 * still one deferred sync per CPU.
 */
#define TOGGLE_EVENT	TRACING "/events/signal/signal_deliver/enable"
#define MAX_REPS	1000

/* Let another vCPU run: see the comment at the top. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__)
	asm volatile("pause" ::: "memory");
#elif defined(__aarch64__)
	asm volatile("yield" ::: "memory");
#else
	asm volatile("" ::: "memory");
#endif
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report(const char *test, int cpu, long n, double ns)
{
	printf("cost %s cpu=%d iterations=%ld ns_per_op=%.3f\n", test, cpu, n, ns / n);
}

static void write_or_die(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd < 0 || write(fd, val, strlen(val)) < 0) {
		printf("# cannot write '%s' to %s: %s\n", val, path, strerror(errno));
		exit(1);
	}
	close(fd);
}

/* A whole pseudo file, NUL-terminated; the caller frees it. */
static char *read_all(const char *path)
{
	size_t len = 0, size = 1 << 16;
	char *buf = malloc(size);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || !buf) {
		printf("# cannot read %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while ((n = read(fd, buf + len, size - 1 - len)) > 0) {
		len += n;
		if (len == size - 1) {
			size *= 2;
			buf = realloc(buf, size);
			if (!buf)
				exit(1);
		}
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

/*
 * Interrupts of one CPU: the function-call IPI row (x86 "CAL", arm64
 * "IPI1", both described as "Function call interrupts") and the sum of
 * every per-CPU row of /proc/interrupts.
 */
struct irqs {
	unsigned long long call, all;
};

static struct irqs read_irqs(int cpu)
{
	static struct irq_snap s;
	struct irqs r = { 0, 0 };
	int i;

	snap_irqs(&s, cpu);
	for (i = 0; i < s.n; i++) {
		r.all += s.row[i].count;
		if (strstr(s.row[i].desc, "Function call interrupts"))
			r.call += s.row[i].count;
	}
	return r;
}

static void run_getpid(int cpu, long n)
{
	double t0;
	long i;

	pin(cpu);
	for (i = 0; i < 1000; i++)
		syscall(SYS_getpid);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		syscall(SYS_getpid);
	report("getpid", cpu, n, now_ns() - t0);
}

static void run_fault(int cpu, long n)
{
	long page = sysconf(_SC_PAGESIZE), i;
	double t0, total = 0;
	const long batch = 1024;
	char *p;

	pin(cpu);
	for (i = 0; i < n; i += batch) {
		long j;

		p = mmap(NULL, batch * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		/*
		 * Small pages only: with transparent huge pages "always", a
		 * write would fault in a zeroed 2 MiB page once per 512 pages.
		 * EINVAL without THP is fine.
		 */
		madvise(p, batch * page, MADV_NOHUGEPAGE);
		t0 = now_ns();
		for (j = 0; j < batch; j++)
			p[j * page] = 1;
		total += now_ns() - t0;
		munmap(p, batch * page);
	}
	report("fault", cpu, i, total);
}

/* A thread of this process spinning in user mode on one CPU. */
struct spinner {
	int cpu;
	volatile int running, stop;
	pthread_t th;
};

static void *spin(void *arg)
{
	struct spinner *s = arg;

	pin(s->cpu);
	__atomic_store_n(&s->running, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
		cpu_relax();
	return NULL;
}

static void spinner_start(struct spinner *s, int cpu)
{
	s->cpu = cpu;
	s->running = s->stop = 0;
	if (pthread_create(&s->th, NULL, spin, s)) {
		perror("pthread_create");
		exit(1);
	}
	while (!__atomic_load_n(&s->running, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void spinner_stop(struct spinner *s)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	pthread_join(s->th, NULL);
}

static int membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

/*
 * Interrupt entries from user mode on CPU @to, sent by CPU @from.  The
 * private expedited membarrier IPIs exactly the CPUs running a thread of
 * this process other than the caller's, here the spinner on @to, and
 * waits for the handler, so every call is one interrupt round trip on @to.
 * The spinner waits with cpu_relax(): under single-threaded TCG it then
 * costs a few instructions per call instead of a time slice.  The growth
 * of @to's function-call IPI count shows that the IPIs did land there.
 */
static void run_irq2(int from, int to, int also, long n, const char *label,
		     const char *extra);

static void run_irq(int from, int to, long n, const char *label, const char *extra)
{
	run_irq2(from, to, -1, n, label, extra);
}

/*
 * The irq test with a second spinner on CPU @also (if >= 0): each call
 * then IPIs two CPUs at once, through the IPI layer's cpumask path
 * (ipi_send_cpumask) instead of the single-CPU one.
 */
static void run_irq2(int from, int to, int also, long n, const char *label,
		     const char *extra)
{
	struct spinner s, s2;
	struct irqs a, b;
	double t0, ns;
	long i;

	pin(from);
	if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)) {
		perror("membarrier register");
		exit(1);
	}
	spinner_start(&s, to);
	if (also >= 0)
		spinner_start(&s2, also);
	for (i = 0; i < 1000; i++)
		membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
	a = read_irqs(to);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
			perror("membarrier");
			exit(1);
		}
	}
	ns = now_ns() - t0;
	b = read_irqs(to);
	spinner_stop(&s);
	if (also >= 0)
		spinner_stop(&s2);
	printf("cost %s cpu=%d iterations=%ld ns_per_op=%.3f from=%d target_call_ipis=%llu target_irqs=%llu%s\n",
	       label, to, n, ns / n, from, b.call - a.call, b.all - a.all, extra);
}

struct pp {
	int cpu, rfd, wfd;
	long n;
};

static void *pong(void *arg)
{
	struct pp *pp = arg;
	char c;
	long i;

	pin(pp->cpu);
	for (i = 0; i < pp->n; i++) {
		if (read(pp->rfd, &c, 1) != 1 || write(pp->wfd, &c, 1) != 1)
			break;
	}
	return NULL;
}

static void run_pingpong(int a, int b, long n)
{
	int ab[2], ba[2];
	struct pp pp;
	pthread_t th;
	double t0;
	char c = 0;
	long i;

	if (pipe(ab) || pipe(ba)) {
		perror("pipe");
		exit(1);
	}
	pp = (struct pp){ .cpu = b, .rfd = ab[0], .wfd = ba[1], .n = n + 100 };
	pthread_create(&th, NULL, pong, &pp);
	pin(a);
	for (i = 0; i < 100; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			exit(1);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			exit(1);
	report("pingpong", a, n, now_ns() - t0);
	pthread_join(th, NULL);
}

/*
 * The deferred test.  A thread on the nohz_full CPU waits in user mode for
 * a go from the caller (on CPU 0), then times one getpid() between two
 * vDSO clock reads, which under -icount is the instructions of that one
 * kernel entry and exit (plus a constant for the clock reads).  Before the
 * go, the caller either does nothing (entry without work) or toggles
 * TOGGLE_EVENT while the thread is in user mode (entry with work): on the
 * patched kernel the instruction sync of that text patching is deferred
 * to the thread's CPU, whose next entry, the timed getpid(), does it.  On
 * vanilla the CPU is instead sent sync IPIs during the toggle, before the
 * go, so both of its timed entries are plain ones; the IPIs are counted.
 *
 * The waiting loop yields every SPIN_BATCH iterations.  Not at every
 * one: the toggle waits for an RCU grace period, guest time only moves
 * as instructions are executed, and a loop of a few instructions per vCPU
 * turn would make that wait very long on the host.  Not never either: a
 * vCPU that does not yield runs until the next QEMU timer deadline (up to
 * a quarter of it, which with the other CPUs' ticks stopped can be a good
 * part of a second), and the toggle hands work between CPUs (wakeups,
 * IPIs) many times, each hand-off then costing such a time slice: a toggle
 * took seconds of guest time that way.  The caller's waits yield at every
 * iteration, so the timed window runs in one turn of the thread's vCPU
 * unless its time slice ends in the middle: such outliers (thousands of
 * instructions of other CPUs) are left out of the trimmed mean.
 */
#define SPIN_BATCH	1024

struct dshared {
	int cpu;
	volatile int armed, go, done, quit;
	double ns[2 * MAX_REPS + 64];
};

static void *deferred_thread(void *arg)
{
	struct dshared *d = arg;
	double t0, t1;
	unsigned int n;
	int seq;

	pin(d->cpu);
	for (seq = 1; ; seq++) {
		/* In user mode from here until the timed getpid(). */
		__atomic_store_n(&d->armed, seq, __ATOMIC_RELEASE);
		for (n = 1; __atomic_load_n(&d->go, __ATOMIC_ACQUIRE) != seq &&
			    !__atomic_load_n(&d->quit, __ATOMIC_ACQUIRE); n++)
			if (!(n % SPIN_BATCH))
				cpu_relax();
		if (d->quit)
			break;
		t0 = now_ns();
		syscall(SYS_getpid);
		t1 = now_ns();
		d->ns[seq] = t1 - t0;
		__atomic_store_n(&d->done, seq, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct dstat {
	double median, min, mean;
	int kept;
};

/*
 * Median, minimum and the mean of the samples within 500 instructions of
 * the median: a time-slice end or an interrupt inside a window adds
 * thousands.  The mean matters on arm64, whose counter ticks every 16 ns
 * in QEMU 7.2 (62.5 MHz): single samples are multiples of 16.
 */
static struct dstat dstats(double *v, int n)
{
	struct dstat s = { 0, 0, 0, 0 };
	double sum = 0;
	int i;

	qsort(v, n, sizeof(*v), cmp_double);
	s.min = v[0];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	for (i = 0; i < n; i++) {
		if (v[i] <= s.median + 500) {
			sum += v[i];
			s.kept++;
		}
	}
	s.mean = sum / s.kept;
	return s;
}

/* Count the trace lines (not "#" comments) holding both strings. */
static int count_lines(char *buf, const char *a, const char *b)
{
	char *line, *save;
	int n = 0;

	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#' && strstr(line, a) && strstr(line, b))
			n++;
	return n;
}

/*
 * One pass of @reps entries with work and @reps without, interleaved,
 * after four of each not recorded (the thread settles on its CPU).
 * Returns the number of toggles; the samples go to @with and @without,
 * the interrupts of @cpu around the toggles and around the plain go's
 * to @ipi_with and @ipi_without.
 */
static int deferred_pass(int cpu, int reps, double *with, double *without,
			  struct irqs *ipi_with, struct irqs *ipi_without)
{
	struct dshared *d = calloc(1, sizeof(*d));
	struct irqs a, b;
	pthread_t th;
	int seq = 0, i, k, on = 0;

	if (!d) {
		perror("calloc");
		exit(1);
	}
	d->cpu = cpu;
	memset(ipi_with, 0, sizeof(*ipi_with));
	memset(ipi_without, 0, sizeof(*ipi_without));
	if (pthread_create(&th, NULL, deferred_thread, d)) {
		perror("pthread_create");
		exit(1);
	}
	for (i = -4; i < reps; i++) {
		for (k = 0; k < 2; k++) {
			int toggle = k == 1;

			seq++;
			while (__atomic_load_n(&d->armed, __ATOMIC_ACQUIRE) != seq)
				cpu_relax();
			a = read_irqs(cpu);
			if (toggle) {
				on = !on;
				write_or_die(TOGGLE_EVENT, on ? "1" : "0");
			}
			b = read_irqs(cpu);
			__atomic_store_n(&d->go, seq, __ATOMIC_RELEASE);
			while (__atomic_load_n(&d->done, __ATOMIC_ACQUIRE) != seq)
				cpu_relax();
			if (i < 0)
				continue;
			if (toggle) {
				with[i] = d->ns[seq];
				ipi_with->call += b.call - a.call;
				ipi_with->all += b.all - a.all;
			} else {
				without[i] = d->ns[seq];
				ipi_without->call += b.call - a.call;
				ipi_without->all += b.all - a.all;
			}
		}
	}
	if (on)
		write_or_die(TOGGLE_EVENT, "0");
	__atomic_store_n(&d->quit, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	free(d);
	return reps + 4;
}

/*
 * Instructions of one kernel entry that runs deferred work on nohz_full
 * CPU @cpu, from CPU 0: a timed pass of @reps entries with work and @reps
 * without, then, on a kernel with the context_tracking work events, an
 * untimed pass with them enabled in a private trace instance that checks
 * that each toggle was deferred to @cpu (ct_work_defer target_cpu=@cpu)
 * and done there (ct_work_flush on @cpu).  Enabling the events patches
 * text itself, so it is done before that pass's thread starts.
 */
static void run_deferred(int cpu, int reps)
{
	static double with[MAX_REPS], without[MAX_REPS];
	struct irqs iw, io;
	struct dstat sw, so;
	int toggles, have_ct_events;
	char cpucol[16], pat[64], *buf;
	int defers, flushes;

	if (reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "deferred: 1..%d repetitions\n", MAX_REPS);
		exit(2);
	}
	pin(0);
	/*
	 * The first event enabled after boot expands the trace buffers,
	 * which queues work on every CPU: get it over with now.
	 */
	write_or_die(TOGGLE_EVENT, "1");
	write_or_die(TOGGLE_EVENT, "0");
#ifdef __aarch64__
	{
		unsigned long hz;

		asm volatile("mrs %0, cntfrq_el0" : "=r" (hz));
		printf("# deferred: counter at %lu Hz: single samples are multiples of %lu instructions\n",
		       hz, 1000000000UL / hz);
	}
#endif

	deferred_pass(cpu, reps, with, without, &iw, &io);
	sw = dstats(with, reps);
	so = dstats(without, reps);
	printf("cost deferred cpu=%d reps=%d with_mean=%.1f with_median=%.1f with_min=%.1f with_kept=%d without_mean=%.1f without_median=%.1f without_min=%.1f without_kept=%d work=%.1f ipis_per_toggle=%.2f irqs_per_toggle=%.2f irqs_without=%llu\n",
	       cpu, reps, sw.mean, sw.median, sw.min, sw.kept,
	       so.mean, so.median, so.min, so.kept, sw.mean - so.mean,
	       (double)iw.call / reps, (double)iw.all / reps, io.all);

	have_ct_events = !access(TRACING "/events/context_tracking/ct_work_defer", F_OK);
	if (!have_ct_events) {
		printf("cost deferred-verify cpu=%d toggles=0 defers=na flushes=na\n", cpu);
		return;
	}
	if (mkdir(VERIFY_INST, 0755) && errno != EEXIST) {
		perror("mkdir " VERIFY_INST);
		exit(1);
	}
	write_or_die(VERIFY_INST "/buffer_size_kb", "256");
	write_or_die(VERIFY_INST "/events/context_tracking/ct_work_defer/enable", "1");
	write_or_die(VERIFY_INST "/events/context_tracking/ct_work_flush/enable", "1");
	write_or_die(VERIFY_INST "/trace", "");
	toggles = deferred_pass(cpu, 10, with, without, &iw, &io);
	write_or_die(VERIFY_INST "/events/context_tracking/ct_work_defer/enable", "0");
	write_or_die(VERIFY_INST "/events/context_tracking/ct_work_flush/enable", "0");
	buf = read_all(VERIFY_INST "/trace");
	snprintf(pat, sizeof(pat), "target_cpu=%d ", cpu);
	defers = count_lines(buf, "ct_work_defer:", pat);
	free(buf);
	buf = read_all(VERIFY_INST "/trace");
	snprintf(cpucol, sizeof(cpucol), "[%03d]", cpu);
	flushes = count_lines(buf, "ct_work_flush:", cpucol);
	free(buf);
	/* The flush event names no CPU: the trace line's CPU column does. */
	printf("cost deferred-verify cpu=%d toggles=%d defers=%d flushes=%d ipis=%llu\n",
	       cpu, toggles, defers, flushes, iw.call);
	rmdir(VERIFY_INST);
}

/*
 * Sender tests (issue 16): the cost of one operation that, on 6.12,
 * interrupts every CPU, made on CPU 0 while a process spins in user mode
 * on each CPU of a list (the isolated CPUs), as all vCPUs' instructions
 * from the start of the operation to its end: the sender's own work, the
 * deferral pass over the CPUs on the patched kernel, and on vanilla the
 * interrupts it sends and waits for.
 *
 * The spinners are processes (one state word each, for irq-iso) that
 * yield with cpu_relax() every *batch iterations: every iteration while an
 * operation is timed, so that a spinner's turn costs a few instructions;
 * every SPIN_BATCH between operations, so that the sender's sleeps (and
 * the RCU grace periods that disarming a tracepoint waits for) end after
 * a bounded number of vCPU turns on the host.
 */
#define MAX_SPINNERS	64

struct sspin {
	int cpu;
	volatile int running, stop, isolate, isolated, err;
	volatile long long loops;
};

static volatile int *spin_batch;

static void sspin_main(struct sspin *s)
{
	char msg[128];
	unsigned int n;

	pin(s->cpu);
	if (s->isolate) {
		if (ti_enable(msg, sizeof(msg)) != 1)
			s->err = 1;
	}
	__atomic_store_n(&s->running, 1, __ATOMIC_RELEASE);
	for (n = 1; !__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE); n++) {
		s->loops++;
		if (s->isolate && !s->isolated && ti_isolated() == 1)
			s->isolated = 1;
		if (s->isolate)
			ti_poll();
		if (!(n % *spin_batch))
			cpu_relax();
	}
	if (s->isolate)
		ti_disable();
	_exit(0);
}

struct spinners {
	int n;
	struct sspin *s;
	pid_t pid[MAX_SPINNERS];
};

static void cpu_list(const char *list, int *cpus, int *n)
{
	char *l = strdup(list), *t, *save;

	*n = 0;
	if (!strcmp(list, "none")) {
		free(l);
		return;
	}
	for (t = strtok_r(l, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int a, b;

		if (sscanf(t, "%d-%d", &a, &b) != 2)
			b = a = atoi(t);
		for (; a <= b && *n < MAX_SPINNERS; a++)
			cpus[(*n)++] = a;
	}
	free(l);
}

/* Start a spinner on each CPU of @list; @isolate: with task isolation. */
static void spinners_start(struct spinners *sp, const char *list, int isolate)
{
	int cpus[MAX_SPINNERS], k, i;

	cpu_list(list, cpus, &sp->n);
	if (!spin_batch) {
		spin_batch = mmap(NULL, sizeof(*spin_batch), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (spin_batch == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
	}
	*spin_batch = SPIN_BATCH;
	sp->s = mmap(NULL, MAX_SPINNERS * sizeof(*sp->s), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sp->s == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(sp->s, 0, MAX_SPINNERS * sizeof(*sp->s));
	fflush(stdout);
	for (k = 0; k < sp->n; k++) {
		sp->s[k].cpu = cpus[k];
		sp->s[k].isolate = isolate;
		sp->pid[k] = fork();
		if (sp->pid[k] < 0) {
			perror("fork");
			exit(1);
		}
		if (!sp->pid[k])
			sspin_main(&sp->s[k]);
	}
	for (k = 0; k < sp->n; k++) {
		while (!__atomic_load_n(&sp->s[k].running, __ATOMIC_ACQUIRE))
			usleep(1000);
		/* Isolation: wait for ISOLATED, up to ten seconds of guest time. */
		for (i = 0; isolate && !sp->s[k].err && !sp->s[k].isolated && i < 10000; i++)
			usleep(1000);
	}
}

static int spinners_isolated(struct spinners *sp)
{
	int k, n = 0;

	for (k = 0; k < sp->n; k++)
		n += sp->s[k].isolated;
	return n;
}

static void spinners_stop(struct spinners *sp)
{
	int k;

	for (k = 0; k < sp->n; k++)
		__atomic_store_n(&sp->s[k].stop, 1, __ATOMIC_RELEASE);
	for (k = 0; k < sp->n; k++)
		waitpid(sp->pid[k], NULL, 0);
	munmap(sp->s, MAX_SPINNERS * sizeof(*sp->s));
}

/* Function-call IPIs taken by the spinners' CPUs. */
static unsigned long long spinners_calls(struct spinners *sp)
{
	unsigned long long n = 0;
	int k;

	for (k = 0; k < sp->n; k++)
		n += read_irqs(sp->s[k].cpu).call;
	return n;
}

static int write_quiet(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) < 0)
		ret = -1;
	close(fd);
	return ret;
}

/*
 * sender OP CPUS N: OP is "patch" (arm TOGGLE_EVENT: a batch of text
 * patches, timed after the event was disarmed and a grace period has had
 * time to pass, so that arming does not wait for one) or "vmstat" (one
 * write to /proc/sys/vm/stat_refresh).  Prints the median and the trimmed
 * mean per operation, and the function-call IPIs the spinners' CPUs took
 * per operation.
 */
static void run_sender(const char *op, const char *list, int n)
{
	static double v[MAX_REPS];
	struct timespec gap = { 0, 20 * 1000 * 1000 };
	int patch = !strcmp(op, "patch"), i;
	unsigned long long c0, calls = 0;
	struct spinners sp;
	struct dstat st;
	double t0, t1;

	if (!patch && strcmp(op, "vmstat")) {
		fprintf(stderr, "sender: patch or vmstat, not %s\n", op);
		exit(2);
	}
	if (n < 1 || n > MAX_REPS) {
		fprintf(stderr, "sender: 1..%d repetitions\n", MAX_REPS);
		exit(2);
	}
	pin(0);
	/* The first event armed after boot expands the trace buffers. */
	write_or_die(TOGGLE_EVENT, "1");
	write_or_die(TOGGLE_EVENT, "0");
	spinners_start(&sp, list, 0);
	for (i = -3; i < n; i++) {
		if (patch)
			write_or_die(TOGGLE_EVENT, "0");
		nanosleep(&gap, NULL);
		*spin_batch = 1;
		c0 = spinners_calls(&sp);
		t0 = now_ns();
		/* stat_refresh fails with EINVAL on a negative counter, after the work. */
		if (patch)
			write_or_die(TOGGLE_EVENT, "1");
		else
			write_quiet("/proc/sys/vm/stat_refresh", "1");
		t1 = now_ns();
		*spin_batch = SPIN_BATCH;
		if (i < 0)
			continue;
		v[i] = t1 - t0;
		calls += spinners_calls(&sp) - c0;
	}
	if (patch)
		write_or_die(TOGGLE_EVENT, "0");
	spinners_stop(&sp);
	st = dstats(v, n);
	printf("cost sender-%s cpus=%s spinners=%d reps=%d median=%.1f mean=%.1f min=%.1f kept=%d spinner_ipis_per_op=%.2f\n",
	       op, list, sp.n, n, st.median, st.mean, st.min, st.kept, (double)calls / n);
}

/*
 * irq-iso FROM TO CPUS N: the irq test (FROM IPIs a thread spinning on
 * TO) while a process with task isolation enabled spins on each CPU of
 * CPUS: what every IPI pays for the attribution of IPIs to isolated CPUs
 * (the ipi_send_* probes, registered while a thread is isolated).
 * irq-spin FROM TO CPUS N, its control: the same spinners without task
 * isolation (their vCPU turns cost the same few instructions).
 */
static void run_irq_spinners(int from, int to, const char *list, long n, int isolate)
{
	struct spinners sp;
	char extra[128];

	spinners_start(&sp, list, isolate);
	snprintf(extra, sizeof(extra), " cpus=%s spinners=%d isolated=%d", list, sp.n,
		 spinners_isolated(&sp));
	/* The spinners yield at every iteration: their turns cost a few instructions. */
	*spin_batch = 1;
	run_irq(from, to, n, isolate ? "irq-iso" : "irq-spin", extra);
	*spin_batch = SPIN_BATCH;
	spinners_stop(&sp);
}

/*
 * irq2 FROM TO CPU N: the irq test with a second spinner thread on CPU,
 * so that each call IPIs two CPUs (the cpumask path of the IPI layer).
 * irq-probe FROM TO CPU N: the same right after a process on CPU (an
 * isolated one) enabled task isolation and turned it off again.  The
 * series registers its IPI attribution probes at the first ENABLE and
 * removes them ten seconds after the last DISABLE, so the test runs with
 * the probes registered and no CPU isolated: what an IPI to CPUs without
 * an isolated thread pays for attribution, with nothing else changed
 * (irq-iso's spinners cost vCPU turns of their own).  On vanilla the
 * prctl() fails and this is irq2 again.  Run irq2 before anything
 * enables isolation.
 */
static void run_irq_probe(int from, int to, int cpu, long n)
{
	char msg[128], extra[64];
	int status, ok;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (!pid) {
		pin(cpu);
		ok = ti_enable(msg, sizeof(msg)) == 1;
		if (ok)
			ti_disable();
		_exit(ok ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	snprintf(extra, sizeof(extra), " probes=%s",
		 WIFEXITED(status) && !WEXITSTATUS(status) ? "registered" : "none");
	run_irq2(from, to, cpu, n, "irq-probe", extra);
}

int main(int argc, char **argv)
{
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (i < argc) {
		if (i + 2 < argc && !strcmp(argv[i], "getpid")) {
			run_getpid(atoi(argv[i + 1]), atol(argv[i + 2]));
			i += 3;
		} else if (i + 2 < argc && !strcmp(argv[i], "fault")) {
			run_fault(atoi(argv[i + 1]), atol(argv[i + 2]));
			i += 3;
		} else if (i + 3 < argc && !strcmp(argv[i], "irq")) {
			run_irq(atoi(argv[i + 1]), atoi(argv[i + 2]), atol(argv[i + 3]), "irq", "");
			i += 4;
		} else if (i + 3 < argc && !strcmp(argv[i], "pingpong")) {
			run_pingpong(atoi(argv[i + 1]), atoi(argv[i + 2]), atol(argv[i + 3]));
			i += 4;
		} else if (i + 2 < argc && !strcmp(argv[i], "deferred")) {
			run_deferred(atoi(argv[i + 1]), atoi(argv[i + 2]));
			i += 3;
		} else if (i + 3 < argc && !strcmp(argv[i], "sender")) {
			run_sender(argv[i + 1], argv[i + 2], atoi(argv[i + 3]));
			i += 4;
		} else if (i + 4 < argc && (!strcmp(argv[i], "irq-iso") ||
					     !strcmp(argv[i], "irq-spin"))) {
			run_irq_spinners(atoi(argv[i + 1]), atoi(argv[i + 2]), argv[i + 3],
					 atol(argv[i + 4]), !strcmp(argv[i], "irq-iso"));
			i += 5;
		} else if (i + 4 < argc && !strcmp(argv[i], "irq2")) {
			run_irq2(atoi(argv[i + 1]), atoi(argv[i + 2]), atoi(argv[i + 3]),
				 atol(argv[i + 4]), "irq2", "");
			i += 5;
		} else if (i + 4 < argc && !strcmp(argv[i], "irq-probe")) {
			run_irq_probe(atoi(argv[i + 1]), atoi(argv[i + 2]), atoi(argv[i + 3]),
				      atol(argv[i + 4]));
			i += 5;
		} else {
			fprintf(stderr, "usage: costbench {getpid CPU N | fault CPU N | irq FROM TO N |\n"
				"                  pingpong A B N | deferred CPU K |\n"
				"                  sender patch|vmstat CPUS N | irq-iso FROM TO CPUS N |\n"
				"                  irq-spin FROM TO CPUS N | irq2 FROM TO CPU N |\n"
				"                  irq-probe FROM TO CPU N}...\n");
			return 2;
		}
	}
	return 0;
}
