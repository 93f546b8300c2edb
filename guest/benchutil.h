/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the guest benchmarks (tibench, oslatrun, costbench):
 * small file reads and writes, per-CPU /proc/interrupts snapshots and trace
 * instance counters.  Header-only, static inline, so that a program that
 * uses part of it gets no unused-function warnings.
 */
#ifndef GUEST_BENCHUTIL_H
#define GUEST_BENCHUTIL_H

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TRACING		"/sys/kernel/tracing"
#define MAX_ROWS	128

/* 0 or -errno. */
static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* At most @len - 1 bytes of @path into @buf, NUL-terminated: the length or -errno. */
static inline int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/* A write the benchmark cannot do without: an environment failure. */
static inline void must_write(const char *path, const char *val)
{
	int ret = write_file(path, val);

	if (ret) {
		printf("env-failure reason=\"cannot write '%s' to %s: %s\"\n",
		       val, path, strerror(-ret));
		exit(2);
	}
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * The current clocksource into @cs, after waiting up to 15 s for x86 to
 * leave tsc-early (it switches to tsc once the TSC is calibrated).
 */
static inline void current_clocksource(char *cs, size_t len)
{
	int i;

	for (i = 0; i < 150; i++) {
		if (read_file("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			      cs, len) > 0)
			cs[strcspn(cs, "\n")] = 0;
		if (strcmp(cs, "tsc-early"))
			break;
		sleep_ms(100);
	}
}

/*
 * One CPU's column of /proc/interrupts.  Rows with one global count (ERR,
 * MIS) are left out.  name: "LOC", "CAL", "IPI1" ... or, for a numbered
 * interrupt, "irq<N>(<last word of its description>)"; desc: the rest of
 * the line after the counts ("Function call interrupts").  Reading the
 * file does not disturb the CPU read about: the counters are plain
 * per-CPU variables.
 */
struct irq_row {
	char name[48];
	char desc[64];
	unsigned long long count;
};

struct irq_snap {
	int n;
	struct irq_row row[MAX_ROWS];
};

static inline void snap_irqs(struct irq_snap *s, int cpu)
{
	char *buf = malloc(1 << 20), *line, *save, *p;
	int fd = open("/proc/interrupts", O_RDONLY), ncpu = 0, col;
	ssize_t n, tot = 0;

	s->n = 0;
	if (fd < 0 || !buf) {
		perror("/proc/interrupts");
		exit(2);
	}
	while ((n = read(fd, buf + tot, (1 << 20) - 1 - tot)) > 0)
		tot += n;
	close(fd);
	buf[tot] = 0;

	line = strtok_r(buf, "\n", &save);
	for (p = line; p && (p = strstr(p, "CPU")); p += 3)
		ncpu++;
	while ((line = strtok_r(NULL, "\n", &save))) {
		struct irq_row *r = &s->row[s->n];
		unsigned long long v = 0, val = 0;
		char *name = line, *end;

		while (isspace(*name))
			name++;
		p = strchr(name, ':');
		if (!p)
			continue;
		*p++ = 0;
		for (col = 0; col < ncpu; col++) {
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			if (col == cpu)
				val = v;
			p = end;
		}
		/* ERR, MIS and the like have one global count, not per CPU. */
		if (col < ncpu)
			continue;
		if (s->n == MAX_ROWS) {
			printf("env-failure reason=\"/proc/interrupts has more than %d per-CPU rows\"\n",
			       MAX_ROWS);
			exit(2);
		}
		while (isspace(*p))
			p++;
		if (isdigit(name[0])) {
			char *last = strrchr(p, ' ');

			snprintf(r->name, sizeof(r->name), "irq%s(%s)", name,
				 last ? last + 1 : p);
		} else {
			snprintf(r->name, sizeof(r->name), "%s", name);
		}
		snprintf(r->desc, sizeof(r->desc), "%s", p);
		r->count = val;
		s->n++;
	}
	free(buf);
}

/* How much row @i of @b grew since @a (a row that @a lacks counts from 0). */
static inline unsigned long long snap_growth(const struct irq_snap *a,
					     const struct irq_snap *b, int i)
{
	unsigned long long before = 0;
	int j;

	for (j = 0; j < a->n; j++)
		if (!strcmp(a->row[j].name, b->row[i].name))
			before = a->row[j].count;
	return b->row[i].count - before;
}

/* Sum of the @key ("entries:", "overrun:") counts of an instance's CPU buffers. */
static inline unsigned long long trace_stat_sum(const char *inst, const char *key)
{
	unsigned long long sum = 0;
	char path[256], buf[4096], *p;
	int cpu;

	for (cpu = 0; cpu < 64; cpu++) {
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", inst, cpu);
		if (read_file(path, buf, sizeof(buf)) < 0)
			break;
		p = strstr(buf, key);
		if (p)
			sum += strtoull(p + strlen(key), NULL, 10);
	}
	return sum;
}

/* Sum of entries (kept and overwritten) in all CPU buffers of an instance. */
static inline unsigned long long trace_count(const char *inst)
{
	return trace_stat_sum(inst, "entries:") + trace_stat_sum(inst, "overrun:");
}

#endif /* GUEST_BENCHUTIL_H */
