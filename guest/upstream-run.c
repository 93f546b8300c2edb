// SPDX-License-Identifier: GPL-2.0
/*
 * Runner for upstream kselftests in the guest (scripts/upstream-selftests.sh).
 * A payload of guest/init.c: /bin/upstream-run.
 *
 * usage: upstream-run [DIR]     (DIR defaults to /upstream)
 *
 * Reads DIR/list, one test a line: "SUITE/PROG [TIMEOUT_SECONDS]",
 * e.g. "x86/sigreturn_64" or "arm64/signal/sve_regs 60".  Each test runs
 * as DIR/SUITE/PROG, in DIR/SUITE, in its own session, with a
 * pseudo-terminal as stdin, stdout and stderr (so that its stdio stays
 * line buffered; devpts is mounted here if needed), read by this runner,
 * which prefixes every line with "# " (so a console scan for kernel
 * splats can leave test output out) and kills the session's process
 * group at the timeout.  After each test:
 *
 *   ok N SUITE/PROG                     exit status 0, no failed subtest
 *   ok N SUITE/PROG # SKIP              exit status 4 (KSFT_SKIP), or 0 with
 *                                       only skipped subtests in the output
 *   not ok N SUITE/PROG # exit=E | signal=S | timeout | exit=0 but N failed
 *                                       subtests (some tests exit 0 anyway)
 *   UPSTREAM-RESULT SUITE/PROG result=ok|fail|skip exit=E secs=S pass=P fail=F skip=K
 *
 * P/F/K count the subtest lines seen in the output: kselftest TAP
 * ("ok N", "not ok N", "# SKIP") and the x86 tests' "[OK]", "[FAIL]",
 * "[SKIP]".  The runner exits 0 once every test ran: results are in the
 * lines, not in its exit status.
 *
 * Also a stand-in for the two commands tests exec through PATH
 * (ptrace/vmaccess): as "true" it exits 0, as "sleep N" it sleeps N seconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *root = "/upstream";	/* argv[1] overrides (tests on the host) */
#define DEFAULT_TIMEOUT 120

struct counts {
	int pass, fail, skip;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void count_line(const char *l, struct counts *c)
{
	const char *p = l;

	/* TAP from kselftest.h / kselftest_harness.h, possibly nested ("# ok 1 ...") */
	while (*p == '#' || *p == ' ')
		p++;
	if (!strncmp(p, "ok ", 3) && p[3] >= '0' && p[3] <= '9') {
		if (strstr(p, "# SKIP") || strstr(p, "# skip"))
			c->skip++;
		else
			c->pass++;
		return;
	}
	if (!strncmp(p, "not ok ", 7) && p[7] >= '0' && p[7] <= '9') {
		c->fail++;
		return;
	}
	/* tools/testing/selftests/x86 style */
	if (strstr(l, "[OK]"))
		c->pass++;
	else if (strstr(l, "[FAIL]"))
		c->fail++;
	else if (strstr(l, "[SKIP]"))
		c->skip++;
}

/* Print complete lines of @buf (length *@len) with the prefix; keep the rest. */
static void emit(char *buf, size_t *len, int flush, struct counts *c)
{
	size_t start = 0, i;

	for (i = 0; i < *len; i++) {
		if (buf[i] != '\n')
			continue;
		buf[i] = 0;
		printf("# %s\n", buf + start);
		count_line(buf + start, c);
		start = i + 1;
	}
	if (flush && start < *len) {
		buf[*len] = 0;
		printf("# %s\n", buf + start);
		count_line(buf + start, c);
		start = *len;
	}
	memmove(buf, buf + start, *len - start);
	*len -= start;
}

static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* devpts for the tests' terminals; the guest's init mounts only devtmpfs. */
static void mount_devpts(void)
{
	mkdir("/dev/pts", 0755);
	if (mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666") && errno != EBUSY)
		printf("# upstream-run: mount devpts: %s (tests write to a pipe)\n",
		       strerror(errno));
}

/*
 * The test's stdin/stdout/stderr: a pseudo-terminal, so that stdio stays
 * line buffered and a test killed by a signal has printed what it got to
 * (a pipe would leave its last lines in its buffer).  Falls back to a pipe.
 * Returns the fd we read; *slave is the path to open in the child, or
 * empty when *wfd is the pipe's write end.
 */
static int open_output(char *slave, size_t len, int *wfd)
{
	struct termios t;
	int m, pfd[2], s;

	*slave = 0;
	*wfd = -1;
	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m >= 0 && !grantpt(m) && !unlockpt(m) && !ptsname_r(m, slave, len)) {
		/* no \r\n translation, no echo, no job control characters */
		s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (s >= 0 && !tcgetattr(s, &t)) {
			cfmakeraw(&t);
			tcsetattr(s, TCSANOW, &t);
			*wfd = s;	/* kept open until the child has its own */
			return m;
		}
		if (s >= 0)
			close(s);
	}
	if (m >= 0)
		close(m);
	*slave = 0;
	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	*wfd = pfd[1];
	return pfd[0];
}

/*
 * Run one test; returns its wait status, or -1 on timeout.  The test leads
 * its own session; the group is killed at the end whatever happened, so
 * that no child of a test outlives it (and holds its terminal open).
 */
static int run_test(const char *suite_dir, const char *prog, int timeout,
		    struct counts *c, double *secs)
{
	char buf[8192 + 1], slave[128];
	size_t len = 0;
	int rfd, wfd, status = 0, exited = 0, timed_out = 0;
	double t0 = now(), deadline = t0 + timeout, drain_until = 0;
	pid_t pid;

	rfd = open_output(slave, sizeof(slave), &wfd);
	if (rfd < 0) {
		printf("# upstream-run: no pty or pipe: %s\n", strerror(errno));
		return 127 << 8;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("# upstream-run: fork: %s\n", strerror(errno));
		return 127 << 8;
	}
	if (!pid) {
		char *argv[] = { (char *)prog, NULL };
		int fd = wfd;

		setsid();
		if (*slave) {
			/* the first terminal a session leader opens is its own */
			fd = open(slave, O_RDWR);
			if (fd < 0)
				fd = wfd;
		}
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (chdir(suite_dir))
			dprintf(2, "upstream-run: chdir %s: %s\n", suite_dir, strerror(errno));
		execv(prog, argv);
		dprintf(2, "upstream-run: exec %s/%s: %s\n", suite_dir, prog, strerror(errno));
		_exit(127);
	}
	close(wfd);

	for (;;) {
		struct pollfd p = { .fd = rfd, .events = POLLIN };
		double t = now();
		ssize_t n;
		int r;

		if (!exited) {
			r = waitpid(pid, &status, WNOHANG);
			if (r == pid || t >= deadline) {
				if (r != pid) {
					timed_out = 1;
					kill(-pid, SIGKILL);
					waitpid(pid, &status, 0);
				}
				exited = 1;
				*secs = t - t0;
				/* leftovers of the test: gone; then read what is left */
				kill(-pid, SIGKILL);
				drain_until = t + 2;
			}
		} else if (t >= drain_until) {
			break;
		}
		r = poll(&p, 1, 100);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		n = read(rfd, buf + len, sizeof(buf) - 1 - len);
		if (n > 0) {
			len += n;
			emit(buf, &len, len == sizeof(buf) - 1, c);
			continue;
		}
		/*
		 * EOF (pipe) or EIO (pty): every writer is gone.  A test may
		 * close its output and go on: wait for it, without polling.
		 */
		if (exited)
			break;
		p.fd = -1;
		close(rfd);
		rfd = -1;
		while (!exited) {
			if (waitpid(pid, &status, WNOHANG) == pid) {
				exited = 1;
			} else if (now() >= deadline) {
				timed_out = 1;
				kill(-pid, SIGKILL);
				waitpid(pid, &status, 0);
				exited = 1;
			} else {
				usleep(50000);
			}
		}
		*secs = now() - t0;
		kill(-pid, SIGKILL);
		break;
	}
	emit(buf, &len, 1, c);
	if (rfd >= 0)
		close(rfd);
	reap_orphans();
	return timed_out ? -1 : status;
}

static int multicall(const char *name, int argc, char **argv)
{
	if (!strcmp(name, "true"))
		return 0;
	if (!strcmp(name, "sleep")) {
		double s = argc > 1 ? atof(argv[1]) : 0;
		struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char line[512], *names[512];
	int tmo[512], n = 0, i, r;
	FILE *f;

	r = multicall(base, argc, argv);
	if (r >= 0)
		return r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* orphans of the tests are reparented to us, not to init */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* a test that closes its end early must not take us down */
	signal(SIGPIPE, SIG_IGN);
	if (access("/dev/pts/ptmx", F_OK))
		mount_devpts();

	if (argc > 1)
		root = argv[1];
	snprintf(line, sizeof(line), "%s/list", root);
	f = fopen(line, "r");
	if (!f) {
		printf("upstream-run: %s: %s\n", line, strerror(errno));
		return 1;
	}
	while (n < 512 && fgets(line, sizeof(line), f)) {
		char name[400];
		int t = DEFAULT_TIMEOUT;

		if (line[0] == '#' || sscanf(line, "%399s %d", name, &t) < 1)
			continue;
		names[n] = strdup(name);
		tmo[n++] = t;
	}
	fclose(f);

	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		char dir[512], *slash = strrchr(names[i], '/');
		struct counts c = { 0, 0, 0 };
		const char *result, *prog;
		char why[64] = "";
		double secs = 0;
		int st, code;

		if (!slash) {
			printf("not ok %d %s # bad list entry\n", i + 1, names[i]);
			continue;
		}
		snprintf(dir, sizeof(dir), "%s/%.*s", root, (int)(slash - names[i]), names[i]);
		prog = slash + 1;
		printf("# upstream: %s (timeout %ds)\n", names[i], tmo[i]);
		st = run_test(dir, prog, tmo[i], &c, &secs);
		if (st == -1) {
			code = -1;
			result = "fail";
			snprintf(why, sizeof(why), "timeout");
		} else if (WIFSIGNALED(st)) {
			code = 128 + WTERMSIG(st);
			result = "fail";
			snprintf(why, sizeof(why), "signal=%d", WTERMSIG(st));
		} else {
			code = WEXITSTATUS(st);
			if (code == 0 && c.fail) {
				result = "fail";
				snprintf(why, sizeof(why), "exit=0 but %d failed subtests", c.fail);
			} else if (code == 4 || (code == 0 && !c.pass && c.skip)) {
				result = "skip";
			} else if (code == 0) {
				result = "ok";
			} else {
				result = "fail";
				snprintf(why, sizeof(why), "exit=%d", code);
			}
		}
		if (!strcmp(result, "ok"))
			printf("ok %d %s\n", i + 1, names[i]);
		else if (!strcmp(result, "skip"))
			printf("ok %d %s # SKIP\n", i + 1, names[i]);
		else
			printf("not ok %d %s # %s\n", i + 1, names[i], why);
		printf("UPSTREAM-RESULT %s result=%s exit=%d secs=%.1f pass=%d fail=%d skip=%d\n",
		       names[i], result, code, secs, c.pass, c.fail, c.skip);
	}
	printf("UPSTREAM-DONE tests=%d\n", n);
	return 0;
}
