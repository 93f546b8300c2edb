// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of kernel entry paths, as guest time.  Meant to run under QEMU
 * -icount shift=0,sleep=off, where guest time follows the number of
 * instructions executed, so that two kernels can be compared exactly.
 *
 *   getpid CPU N      N null system calls on CPU (user -> kernel -> user:
 *                     on a nohz_full CPU this is the context tracking
 *                     checkpoint on every entry)
 *   pingpong A B N    N round trips between CPUs A and B through a pipe:
 *                     each side sleeps in idle and is woken, so this is
 *                     idle exit (the checkpoint again) plus the wakeup IPI
 *   fault CPU N       N minor page faults on CPU (exception entry)
 *
 * Several tests may follow each other on one command line.
 * Prints "cost <test> cpu=<cpu> iterations=<n> ns_per_op=<x.xxx>".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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
		t0 = now_ns();
		for (j = 0; j < batch; j++)
			p[j * page] = 1;
		total += now_ns() - t0;
		munmap(p, batch * page);
	}
	report("fault", cpu, i, total);
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
		} else if (i + 3 < argc && !strcmp(argv[i], "pingpong")) {
			run_pingpong(atoi(argv[i + 1]), atoi(argv[i + 2]), atol(argv[i + 3]));
			i += 4;
		} else {
			fprintf(stderr, "usage: costbench {getpid CPU N | fault CPU N | pingpong A B N}...\n");
			return 2;
		}
	}
	return 0;
}
