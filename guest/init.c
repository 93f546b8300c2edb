// SPDX-License-Identifier: GPL-2.0
/*
 * Guest init: mounts the pseudo filesystems, runs one payload named on the
 * kernel command line after "--", prints its output between markers, dumps
 * the kernel log and powers the machine off.
 *
 *   TI-PAYLOAD-BEGIN <name>
 *   ... payload output ...
 *   TI-PAYLOAD-END <name> rc=<exit status>
 *   TI-DMESG-BEGIN / TI-DMESG-END
 *
 * Payloads are executables in /bin; "selftests" runs every test program in
 * /selftests/task_isolation (kselftest TAP), or /bin/smoke when the series
 * has no selftests yet; "selftests PROG ARGS..." runs PROG alone with ARGS;
 * "selftests all ARGS..." runs every program with the same ARGS (harness
 * filters such as "-t name": a program none of whose tests match runs none,
 * prints "1..0" and exits 0).
 *
 * The kernel hands init the NAME=value words of its command line (before
 * "--") as environment variables, e.g. TI_INTRUSIVE=1, TI_NMI=1,
 * TI_STRESS_S=60; every program started here inherits them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELFTEST_DIR "/selftests/task_isolation"

static void mnt(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		printf("init: mount %s on %s: %s\n", type, dst, strerror(errno));
}

static int run(char *const argv[])
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 127;
	if (!pid) {
		execv(argv[0], argv);
		printf("init: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		printf("init: %s killed by signal %d\n", argv[0], WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * kselftest-style runner: one TAP line per test program, each run with
 * @args (e.g. "-t name" filters of the harness).  With @only, run that
 * program alone; a name that is not there is run anyway, so that its exec
 * failure is a "not ok" line rather than an empty, passing run.
 */
static int run_selftests(const char *only, char **args)
{
	char *names[64], path[512];
	int n = 0, i, fails = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(SELFTEST_DIR);
	if (!d) {
		char *argv[] = { "/bin/smoke", NULL };

		return run(argv);
	}
	while ((de = readdir(d)) && n < 64) {
		struct stat st;

		snprintf(path, sizeof(path), SELFTEST_DIR "/%s", de->d_name);
		if (de->d_name[0] == '.' || stat(path, &st) || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & 0111))
			continue;
		if (!only || !strcmp(only, de->d_name))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (only && !n)
		names[n++] = strdup(only);
	qsort(names, n, sizeof(names[0]), cmp);

	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		char *argv[64] = { path, NULL };
		int rc, j;

		for (j = 0; args[j] && j < 62; j++)
			argv[j + 1] = args[j];
		argv[j + 1] = NULL;

		snprintf(path, sizeof(path), SELFTEST_DIR "/%s", names[i]);
		printf("# selftests: task_isolation: %s\n", names[i]);
		rc = run(argv);
		/* kselftest: 4 is "skip" */
		if (rc == 4)
			printf("ok %d selftests: task_isolation: %s # SKIP\n", i + 1, names[i]);
		else if (rc)
			printf("not ok %d selftests: task_isolation: %s # exit=%d\n",
			       i + 1, names[i], rc);
		else
			printf("ok %d selftests: task_isolation: %s\n", i + 1, names[i]);
		fails += !!(rc && rc != 4);
	}
	return fails ? 1 : 0;
}

static void dump_dmesg(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf;

	if (len <= 0)
		return;
	buf = malloc(len + 1);
	if (!buf)
		return;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len > 0) {
		buf[len] = 0;
		printf("TI-DMESG-BEGIN\n%s%sTI-DMESG-END\n", buf,
		       buf[len - 1] == '\n' ? "" : "\n");
	}
	free(buf);
}

int main(int argc, char **argv)
{
	char path[256], *name = argc > 1 ? argv[1] : "smoke";
	int rc, fd;

	mnt("proc", "/proc", "proc");
	mnt("sysfs", "/sys", "sysfs");
	mnt("devtmpfs", "/dev", "devtmpfs");
	mnt("tmpfs", "/tmp", "tmpfs");
	mnt("debugfs", "/sys/kernel/debug", "debugfs");
	mnt("tracefs", "/sys/kernel/tracing", "tracefs");

	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("PATH", "/bin", 1);

	printf("TI-PAYLOAD-BEGIN %s\n", name);
	if (!strcmp(name, "selftests")) {
		/* "selftests", "selftests all ARGS...", "selftests PROG ARGS..." */
		const char *only = argc > 2 && strcmp(argv[2], "all") ? argv[2] : NULL;

		rc = run_selftests(only, &argv[argc > 2 ? 3 : argc]);
	} else {
		snprintf(path, sizeof(path), "/bin/%s", name);
		argv[1] = path;
		rc = run(&argv[1]);
	}
	printf("TI-PAYLOAD-END %s rc=%d\n", name, rc);
	dump_dmesg();
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);	/* QEMU runs with -no-reboot: this exits it */
	return 0;
}
