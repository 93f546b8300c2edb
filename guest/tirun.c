// SPDX-License-Identifier: GPL-2.0
/*
 * tirun: run an unmodified program with task isolation for its threads
 * that pin themselves to one isolated (nohz_full) CPU.
 *
 *   tirun [-r] [-s SIG] [-p] [-l LIB] PROG [ARGS...]
 *     -r      report-only mode (default): breaks are counted and traced
 *     -s SIG  strict mode: a break ends isolation and sends SIG (a number
 *             or a name: USR1, SIGUSR1, KILL...)
 *     -p      use the preloaded shim even if the kernel has SET_AUTO
 *     -l LIB  the shim (default /lib/libtirun.so)
 *
 * A successful execve() ends task isolation: the new program did not ask
 * for it.  What survives is the kernel's SET_AUTO setting: tirun sets it
 * and execs PROG, whose threads then enable isolation by themselves each
 * time they become bound to exactly one isolated CPU (after PROG's own
 * start-up, when it pins its workers), static binaries included.  Their
 * state and breaks are in /proc/PID/task/TID/status.
 *
 * On a kernel without SET_AUTO (or with -p), tirun execs PROG with the shim
 * libtirun.so preloaded instead (LD_PRELOAD, so PROG must be dynamically
 * linked), which does the same from inside PROG (see libtirun.c).  The mode
 * reaches the shim in TIRUN_MODE and TIRUN_SIGNAL; TIRUN_LOG, if set, names
 * a file the shim appends its log to (default: stderr).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <linux/prctl.h>

static int signum(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	int i;

	if (!*end)
		return n > 0 && n < NSIG ? n : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 1; i < NSIG; i++)
		if (sigabbrev_np(i) && !strcasecmp(s, sigabbrev_np(i)))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	const char *lib = "/lib/libtirun.so", *old;
	char num[16], *preload;
	int c, sig = 0, shim = 0;

	while ((c = getopt(argc, argv, "+rs:pl:")) != -1) {
		switch (c) {
		case 'r': sig = 0; break;
		case 's':
			sig = signum(optarg);
			if (sig < 0) {
				fprintf(stderr, "tirun: unknown signal '%s'\n", optarg);
				return 2;
			}
			break;
		case 'p': shim = 1; break;
		case 'l': lib = optarg; break;
		default:
			fprintf(stderr, "usage: tirun [-r] [-s SIG] [-p] [-l LIB] PROG [ARGS...]\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: tirun [-r] [-s SIG] [-p] [-l LIB] PROG [ARGS...]\n");
		return 2;
	}
	if (!shim && !prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_SET_AUTO,
			    PR_TASK_ISOLATION_AUTO_ON | (sig ? 0UL : PR_TASK_ISOLATION_REPORT_ONLY),
			    (unsigned long)sig, 0UL)) {
		execvp(argv[optind], &argv[optind]);
		fprintf(stderr, "tirun: exec %s: %m\n", argv[optind]);
		return 127;
	}
	if (access(lib, R_OK)) {
		fprintf(stderr, "tirun: %s: %m\n", lib);
		return 127;
	}

	/* Ahead of any LD_PRELOAD already set, which stays. */
	old = getenv("LD_PRELOAD");
	if (asprintf(&preload, "%s%s%s", lib, old && *old ? ":" : "", old ? old : "") < 0)
		return 127;
	snprintf(num, sizeof(num), "%d", sig);
	setenv("LD_PRELOAD", preload, 1);
	setenv("TIRUN_MODE", sig ? "strict" : "report", 1);
	setenv("TIRUN_SIGNAL", num, 1);

	execvp(argv[optind], &argv[optind]);
	fprintf(stderr, "tirun: exec %s: %m\n", argv[optind]);
	return 127;
}
