// SPDX-License-Identifier: GPL-2.0
/*
 * libtirun.so: the LD_PRELOAD half of tirun (guest/tirun.c).
 *
 * Why a preloaded shim: a successful execve() ends task isolation (the new
 * program did not ask for it), so a launcher cannot enable isolation and
 * then exec the program.  Instead tirun execs the program with this library
 * preloaded, and the library enables isolation from inside the program, in
 * the thread concerned, at the moment that thread pins itself to one
 * isolated CPU.  It interposes:
 *
 *  - sched_setaffinity() and pthread_setaffinity_np() on the calling
 *    thread: after the call, if the thread's affinity is exactly one CPU
 *    listed in /sys/devices/system/cpu/nohz_full, enable isolation there;
 *    before a call that moves an isolated thread elsewhere, disable it (a
 *    move while enabled would be an AFFINITY break and keep the CPU's slot
 *    until the thread next enters the kernel);
 *  - pthread_create(): the new thread checks its affinity when it starts
 *    (pthread_attr_setaffinity_np() pins it without a setaffinity call
 *    that could be seen) and disables isolation when its start routine
 *    returns, logging the break count, before the C library's thread exit
 *    runs (exit itself is not a break, but what precedes it would be);
 *  - nothing for the main thread but a check at load time, for a program
 *    started already pinned (the affinity survives exec, isolation not).
 *
 * Environment (set by tirun): TIRUN_MODE=report|strict, TIRUN_SIGNAL=N
 * (strict), TIRUN_LOG=FILE (append the log there instead of stderr).
 * Report-only mode counts and traces breaks; strict mode sends the signal
 * (a logging handler is installed if the program left it at SIG_DFL).
 * ENABLE is retried on EAGAIN (a tick dependency: something else runnable)
 * and EBUSY (the CPU's previous isolated thread is still exiting) for about
 * a second.  The log says "enabling" before ENABLE, the errno if it failed,
 * and, when isolation ends, since when it was on and the breaks counted:
 * a log line right after ENABLE would be a break of its own.  Children of
 * the program inherit LD_PRELOAD and so the shim.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <linux/prctl.h>

#ifndef PR_TASK_ISOLATION
#error "<linux/prctl.h> lacks PR_TASK_ISOLATION: use the patched kernel's exported headers"
#endif
/* From the kernel's uapi asm-generic/siginfo.h, passed by the build (ti_si_code). */
#ifndef SI_TASK_ISOLATION
#error "SI_TASK_ISOLATION undefined: build with -DSI_TASK_ISOLATION from the kernel's headers"
#endif

static const char *const cause_name[] = {
	"none", "syscall", "page_fault", "exception", "interrupt", "ipi", "nmi", "affinity",
};

static int log_fd = 2;
static unsigned long ti_flags = PR_TASK_ISOLATION_REPORT_ONLY, ti_sig;
static cpu_set_t nohz_full;
static int unavailable;
static __thread int ti_cpu = -1;	/* CPU this thread has isolation enabled on */
static __thread struct timespec ti_since;	/* since when */

/* One line per event, with the CLOCK_MONOTONIC time and the thread id. */
static void ti_log(const char *fmt, ...)
{
	char buf[256];
	struct timespec ts;
	va_list ap;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(buf, sizeof(buf), "tirun: %ld.%06ld tid %d: ", (long)ts.tv_sec,
		     ts.tv_nsec / 1000, gettid());
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(log_fd, buf, n) < 0)
		return;
}

static long ti_prctl(unsigned long cmd, unsigned long a3, unsigned long a4)
{
	return prctl(PR_TASK_ISOLATION, cmd, a3, a4, 0UL);
}

/* Disable isolation of this thread, if enabled, and log its breaks. */
static void ti_off(const char *why)
{
	struct task_isolation_break brk;
	int cpu = ti_cpu;

	if (cpu < 0)
		return;
	ti_cpu = -1;
	ti_prctl(PR_TASK_ISOLATION_DISABLE, 0, 0);	/* not a break */
	memset(&brk, 0, sizeof(brk));
	if (ti_prctl(PR_TASK_ISOLATION_GET_BREAK, (unsigned long)&brk, sizeof(brk)) < 0) {
		ti_log("isolation on CPU %d since %ld.%06ld off (%s); GET_BREAK: %s", cpu,
		       (long)ti_since.tv_sec, ti_since.tv_nsec / 1000, why, strerror(errno));
		return;
	}
	ti_log("isolation on CPU %d since %ld.%06ld off (%s): %llu breaks, last cause %s nr %lld source_cpu %d",
	       cpu, (long)ti_since.tv_sec, ti_since.tv_nsec / 1000, why, (unsigned long long)brk.count,
	       brk.cause < 8 ? cause_name[brk.cause] : "?", (long long)brk.nr, brk.source_cpu);
}

/*
 * Enable isolation if this thread is pinned to exactly one nohz_full CPU.
 * Success is logged when isolation ends (ti_off()), not now: the write
 * would be a system call of an isolated thread, that is a break.
 */
static void ti_check(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	cpu_set_t set;
	int cpu, i, err = 0;

	if (unavailable || sched_getaffinity(0, sizeof(set), &set) || CPU_COUNT(&set) != 1)
		return;
	for (cpu = 0; !CPU_ISSET(cpu, &set); cpu++)
		;
	if (!CPU_ISSET(cpu, &nohz_full) || cpu == ti_cpu)
		return;
	ti_off("pinned to another CPU");
	ti_log("enabling isolation on CPU %d (%s%s)", cpu, ti_flags ? "report-only" : "strict, signal ",
	       ti_flags ? "" : sigabbrev_np(ti_sig));
	for (i = 0; i < 100; i++) {
		if (!ti_prctl(PR_TASK_ISOLATION_ENABLE, ti_flags, ti_sig)) {
			ti_cpu = cpu;
			clock_gettime(CLOCK_MONOTONIC, &ti_since);	/* vDSO, no syscall */
			return;
		}
		err = errno;
		if (err != EAGAIN && err != EBUSY)
			break;
		nanosleep(&ts, NULL);
	}
	if (err == EINVAL && ti_prctl(PR_TASK_ISOLATION_GET_STATE, 0, 0) < 0) {
		unavailable = 1;
		ti_log("task isolation not available in this kernel");
		return;
	}
	ti_log("isolation on CPU %d refused: %s (state %#lx)", cpu, strerror(err),
	       ti_prctl(PR_TASK_ISOLATION_GET_STATE, 0, 0));
}

/* Before an affinity change of this thread: leave isolation unless it stays. */
static void ti_moving(size_t size, const cpu_set_t *mask)
{
	if (ti_cpu >= 0 && !(CPU_COUNT_S(size, mask) == 1 && CPU_ISSET_S(ti_cpu, size, mask)))
		ti_off("affinity change");
}

static void *real(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (!fn) {
		ti_log("dlsym(%s): %s", name, dlerror());
		abort();
	}
	return fn;
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *mask)
{
	static int (*fn)(pid_t, size_t, const cpu_set_t *);
	int self = !pid || pid == gettid(), ret, err;

	if (!fn)
		fn = real("sched_setaffinity");
	if (self)
		ti_moving(size, mask);
	ret = fn(pid, size, mask);
	err = errno;
	if (self)
		ti_check();
	errno = err;
	return ret;
}

int pthread_setaffinity_np(pthread_t th, size_t size, const cpu_set_t *mask)
{
	static int (*fn)(pthread_t, size_t, const cpu_set_t *);
	int self = pthread_equal(th, pthread_self()), ret;

	if (!fn)
		fn = real("pthread_setaffinity_np");
	if (self)
		ti_moving(size, mask);
	ret = fn(th, size, mask);
	if (self)
		ti_check();
	return ret;
}

struct start {
	void *(*fn)(void *);
	void *arg;
};

static void *ti_start(void *p)
{
	struct start s = *(struct start *)p;
	void *ret;

	free(p);
	ti_check();
	ret = s.fn(s.arg);
	ti_off("thread returned");
	return ret;
}

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	struct start *s;
	int ret;

	if (!create)
		create = real("pthread_create");
	s = malloc(sizeof(*s));
	if (!s)
		return EAGAIN;
	s->fn = fn;
	s->arg = arg;
	ret = create(th, attr, ti_start, s);
	if (ret)
		free(s);
	return ret;
}

/* Strict mode, signal left at SIG_DFL by the program: log the break. */
static void ti_on_break(int sig, siginfo_t *si, void *uc)
{
	char msg[] = "tirun: strict break, cause ?\n";

	if (si->si_code != SI_TASK_ISOLATION)
		return;
	msg[sizeof(msg) - 3] = '0' + (si->si_int & 7);
	if (write(log_fd, msg, sizeof(msg) - 1) < 0)
		return;
}

/* "2-3,5" -> set; "(null)" or an empty file: no CPU. */
static void parse_cpus(const char *list, cpu_set_t *set)
{
	const char *p = list;
	char *end;
	long a, b;

	CPU_ZERO(set);
	while (*p >= '0' && *p <= '9') {
		a = b = strtol(p, &end, 10);
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b && a < CPU_SETSIZE; a++)
			CPU_SET(a, set);
		p = *end == ',' ? end + 1 : end;
	}
}

__attribute__((constructor)) static void ti_init(void)
{
	const char *mode = getenv("TIRUN_MODE"), *sig = getenv("TIRUN_SIGNAL");
	const char *logf = getenv("TIRUN_LOG");
	char buf[256] = "";
	struct sigaction sa;
	int fd;

	if (logf && (fd = open(logf, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) >= 0)
		log_fd = fd;
	fd = open("/sys/devices/system/cpu/nohz_full", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = 0;
		close(fd);
	}
	parse_cpus(buf, &nohz_full);
	if (mode && !strcmp(mode, "strict")) {
		ti_flags = 0;
		ti_sig = sig ? strtoul(sig, NULL, 0) : SIGUSR1;
		if (ti_sig != SIGKILL && !sigaction(ti_sig, NULL, &sa) && sa.sa_handler == SIG_DFL) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_sigaction = ti_on_break;
			sa.sa_flags = SA_SIGINFO | SA_RESTART;
			sigaction(ti_sig, &sa, NULL);
		}
	}
	if (!CPU_COUNT(&nohz_full))
		ti_log("no nohz_full CPU: nothing to isolate");
	ti_check();
}
