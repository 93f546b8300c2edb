#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static void sleep_until(long long t)
{
	struct timespec ts = { t / 1000000000LL, t % 1000000000LL };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}
static void spin_until(long long t) { while (now_ns() < t) ; }
static int pin(int cpu)
{
	cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}
static long long cputime(pid_t pid)
{
	clockid_t c; struct timespec ts;
	if (clock_getcpuclockid(pid, &c) || clock_gettime(c, &ts)) return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static int wr(const char *p, const char *v)
{
	int fd = open(p, O_WRONLY), r;
	if (fd < 0) { printf("open %s: %s\n", p, strerror(errno)); return -1; }
	r = write(fd, v, strlen(v));
	if (r < 0) printf("write %s=%s: %s\n", p, v, strerror(errno));
	close(fd);
	return r < 0 ? -1 : 0;
}
static pid_t spawn_fair(int cpu)
{
	pid_t p = fork();
	if (!p) { pin(cpu); for (;;) ; }
	return p;
}
static void cat(const char *p, const char *grep)
{
	char buf[65536]; int fd = open(p, O_RDONLY), n;
	if (fd < 0) { printf("open %s: %s\n", p, strerror(errno)); return; }
	printf("---- %s\n", p);
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) { buf[n] = 0; fputs(buf, stdout); }
	close(fd); fflush(stdout);
	(void)grep;
}
static void trace_on(void)
{
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	wr("/sys/kernel/tracing/buffer_size_kb", "512");
	wr("/sys/kernel/tracing/kprobe_events", "p:dlstart dl_server_start se=%di:x64\n");
	{ int fd = open("/sys/kernel/tracing/kprobe_events", O_WRONLY|O_APPEND);
	  const char *k[] = { "p:dlstop dl_server_stop se=%di:x64\n", "p:dltimer dl_task_timer t=%di:x64\n",
			      "p:dlupd dl_server_update se=%di:x64 delta=%si:s64\n", "p:resched resched_curr rq=%di:x64\n",
			      "p:idlet dl_server_update_idle_time rq=%di:x64\n", "p:enq enqueue_dl_entity se=%di:x64 fl=%si:x32\n", "p:deq dequeue_dl_entity se=%di:x64 fl=%si:x32\n", "p:pickdl __pick_task_dl rq=%di:x64\n", "p:repl replenish_dl_entity se=%di:x64\n", "p:updent update_dl_entity se=%di:x64\n", NULL };
	  for (int i = 0; k[i]; i++) if (write(fd, k[i], strlen(k[i])) < 0) printf("kprobe %s: %s\n", k[i], strerror(errno));
	  close(fd); }
	wr("/sys/kernel/tracing/events/kprobes/enable", "1");
	wr("/sys/kernel/tracing/events/sched/sched_switch/enable", "1");
	wr("/sys/kernel/tracing/events/sched/sched_wakeup/enable", "1");
	wr("/sys/kernel/tracing/events/timer/tick_stop/enable", "1");
	wr("/sys/kernel/tracing/events/irq_vectors/local_timer_entry/enable", "1");
	wr("/sys/kernel/tracing/events/irq_vectors/reschedule_entry/enable", "1");
	wr("/sys/kernel/tracing/events/timer/hrtimer_start/enable", "1");
	wr("/sys/kernel/tracing/events/timer/hrtimer_cancel/enable", "1");
	wr("/sys/kernel/tracing/events/timer/hrtimer_expire_entry/enable", "1");
	wr("/sys/kernel/tracing/tracing_on", "1");
}
static void kill_wait(pid_t p) { kill(p, SIGKILL); waitpid(p, NULL, 0); }

/* mode 0: never sleeps; 1: sleeps across the server's timers; 2: same sleeps shifted by 300 ms */
static void hog(int cpu, int mode, int cycles, long long A, long long B, long long *shared)
{
	struct sched_param sp = { .sched_priority = 1 };
	long long w, shift = mode == 2 ? 300000000LL : 0;
	int i;

	pin(cpu);
	usleep(1000);
	if (sched_setscheduler(0, SCHED_FIFO, &sp)) _exit(1);
	w = now_ns();
	shared[0] = w;
	for (i = 0; i < cycles; i++) {
		if (mode == 0) { spin_until(w + 1000000000LL); w = now_ns(); shared[1 + i] = w; continue; }
		spin_until(w + shift + 950000000LL - A);
		sleep_until(w + shift + 950000000LL + B);
		spin_until(w + shift + 1000000000LL - A);
		sleep_until(w + shift + 1000000000LL + B);
		w = now_ns();
		shared[1 + i] = w;
	}
	_exit(0);
}


static void irq_snapshot(int cpu, char names[][24], unsigned long long *vals, int *n)
{
	static char buf[1 << 16]; int fd = open("/proc/interrupts", O_RDONLY), len; char *line, *save;
	len = read(fd, buf, sizeof(buf) - 1); close(fd); buf[len > 0 ? len : 0] = 0;
	*n = 0;
	line = strtok_r(buf, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *p = strchr(line, ':'), *e; unsigned long long v = 0; int c;
		if (!p) continue; *p++ = 0;
		for (c = 0; c <= cpu; c++) { v = strtoull(p, &e, 10); if (e == p) break; p = e; }
		if (c <= cpu) continue;
		while (*line == ' ') line++;
		snprintf(names[*n], 24, "%s", line); vals[(*n)++] = v;
	}
}
static void system_irqs(int cpu, int secs)
{
	static char n0[128][24], n1[128][24]; static unsigned long long v0[128], v1[128]; int a, b, i;
	irq_snapshot(cpu, n0, v0, &a);
	sleep(secs);
	irq_snapshot(cpu, n1, v1, &b);
	printf("IRQS cpu%d in %d s:", cpu, secs);
	for (i = 0; i < a && i < b; i++) if (v1[i] != v0[i]) printf(" %s=+%llu", n1[i], v1[i] - v0[i]);
	printf("\n"); fflush(stdout);
}
static int getenv_stuck = 1, verbose = 1;
static void attack(int mode, int cycles)
{
	long long *sh = mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0);
	long long f0, f1, t0, t1, h0, h1;
	pid_t f, h;
	int st;

	memset(sh, 0, 4096);
	f = spawn_fair(2);
	sleep(2);
	f0 = cputime(f); t0 = now_ns();
	h = fork();
	if (!h) hog(2, mode, cycles, 1000000LL, 4000000LL, sh);
	h0 = 0;
	long long lasth = -1; int stuckpolls = 0;
	for (;;) {
		pid_t r = waitpid(h, &st, WNOHANG);
		char path[64], buf[512]; int fd, n;
		if (r == h) break;
		usleep(500000);
		snprintf(path, sizeof(path), "/proc/%d/stat", h);
		fd = open(path, O_RDONLY); n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : 0; if (fd >= 0) close(fd);
		buf[n > 0 ? n : 0] = 0;
		{ char *p = strchr(buf, ')'); if (p) p[40] = 0;
		if (verbose) printf("  t=%lld ms fair=%lld ms hog=%lld ms cyc=%lld %s\n", (now_ns() - t0) / 1000000,
		       (cputime(f) - f0) / 1000000, cputime(h) / 1000000,
		       sh[1] ? (sh[1] - sh[0]) / 1000000 : 0, p ? p : buf); }
		{ long long hc = cputime(h); if (hc == lasth) stuckpolls++; else stuckpolls = 0; lasth = hc; }
		if (getenv_stuck && stuckpolls >= 4) {
			wr("/sys/kernel/tracing/tracing_on", "0");
			cat("/sys/kernel/debug/sched/debug", NULL);
			cat("/sys/kernel/tracing/trace", NULL);
			getenv_stuck = 0;
		}
		if (now_ns() - t0 > 20000000000LL || (!getenv_stuck && stuckpolls >= 6)) {
			struct sched_param z = { 0 };
			printf("  giving up: hog starved for %d polls\n", stuckpolls);
			sched_setscheduler(h, SCHED_OTHER, &z);
			kill(h, SIGKILL); waitpid(h, &st, 0); break; }
	}
	f1 = cputime(f); t1 = now_ns();
	printf("RESULT mode=%d cycles=%d: wall %lld ms, fair task got %lld ms (%.1f ms/s) hogexit=%d\n",
	       mode, cycles, (t1 - t0) / 1000000, (f1 - f0) / 1000000,
	       (double)(f1 - f0) / ((t1 - t0) / 1000.0) , WEXITSTATUS(st));
	(void)h0; (void)h1;
	kill_wait(f);
	munmap(sh, 4096);
}

int main(int argc, char **argv)
{
	const char *what = "attack";
	int i;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	for (i = 1; i < argc; i++) if (!strcmp(argv[i], "--") && i + 1 < argc) what = argv[i + 1];
	for (i = 1; i < argc; i++) if (argv[i][0] != '-' && strchr(argv[i], '=') == NULL) what = argv[i];
	pin(0);
	printf("FSTEST-BEGIN %s\n", what); fflush(stdout);
	if (!strncmp(what, "tattack", 7)) {
		trace_on();
		for (const char *m = what + 7; *m; m++)
			attack(*m - '0', 6);
	} else if (!strncmp(what, "attack", 6)) {
		getenv_stuck = 0;
		for (const char *m = what + 6; *m; m++)
			attack(*m - '0', 6);
	} else if (!strncmp(what, "st", 2)) {
		int n = atoi(what + 2) ?: 1;
		for (int k = 0; k < n; k++) {
			pid_t p = fork(); int st;
			if (!p) { pin(0); execl("/fair_server_test", "fair_server_test", NULL); _exit(127); }
			waitpid(p, &st, 0);
			printf("SELFTEST run %d exit=%d\n", k, WEXITSTATUS(st)); fflush(stdout);
		}
	} else if (!strncmp(what, "tlone", 5)) {
		trace_on();
		pid_t f = spawn_fair(2);
		sleep(6);
		system_irqs(2, 4);
		wr("/sys/kernel/tracing/tracing_on", "0");
		cat("/sys/kernel/debug/sched/debug", NULL);
		cat("/sys/kernel/tracing/trace", NULL);
		kill_wait(f);
	} else if (!strncmp(what, "lone", 4)) {
		pid_t f = spawn_fair(2), hh = 0;
		if (what[4] == 'h') { /* a hog for 200 ms first */
			sleep(1);
			hh = fork();
			if (!hh) { struct sched_param sp = { .sched_priority = 1 }; pin(2); sched_setscheduler(0, SCHED_FIFO, &sp); for (;;) ; }
			usleep(200000);
			kill_wait(hh);
		}
		sleep(3);
		system_irqs(2, 10);
		kill_wait(f);
	} else if (!strcmp(what, "hotplug")) {
		pid_t f = spawn_fair(3);
		sleep(2);
		kill_wait(f);
		printf("offlining cpu3\n"); fflush(stdout);
		wr("/sys/devices/system/cpu/cpu3/online", "0");
		sleep(1);
		wr("/sys/devices/system/cpu/cpu3/online", "1");
		printf("cpu3 back\n");
	} else if (!strcmp(what, "debugfs")) {
		pid_t f = spawn_fair(2);
		sleep(2);
		wr("/sys/kernel/debug/sched/fair_server/cpu2/runtime", "50000000");
		sleep(1);
		kill_wait(f);
	}
	printf("FSTEST-END\n"); fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
