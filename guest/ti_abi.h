/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's view of the task-isolation prctl.  Built against the
 * patched tree's exported headers; on a kernel without task isolation the
 * prctl answers EINVAL and the spinner just spins.
 *
 * The spinner enables strict isolation with SIGUSR1.  A break turns
 * isolation off and sends the signal; the handler counts it and records
 * its cause, and the spin loop (ti_poll()) enables isolation again, so
 * every break of the window is counted.
 */
#ifndef TI_ABI_H
#define TI_ABI_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <linux/prctl.h>

#ifndef PR_TASK_ISOLATION
#error "the exported headers lack PR_TASK_ISOLATION: build the patched kernel first"
#endif
/* From the kernel's uapi asm-generic/siginfo.h, passed by the build (ti_si_code). */
#ifndef SI_TASK_ISOLATION
#error "SI_TASK_ISOLATION undefined: build with -DSI_TASK_ISOLATION from the kernel's headers"
#endif

#define TI_SIGNAL	SIGUSR1
#define TI_NCAUSES	8

/* Break counts, where the caller wants them (shared with its parent). */
struct ti_counts {
	volatile long long signals;
	volatile long long cause[TI_NCAUSES];
};

static struct ti_counts ti_own_counts, *ti_counts = &ti_own_counts;
static volatile sig_atomic_t ti_rearm;
/* The state word the kernel keeps up to date (PR_TASK_ISOLATION_SET_STATE_WORD). */
static __u32 ti_word;
static int ti_have_word;

static const char *const ti_cause_names[TI_NCAUSES] = {
	"none", "syscall", "page_fault", "exception", "interrupt", "ipi", "nmi", "affinity",
};

static void ti_handler(int sig, siginfo_t *si, void *uc)
{
	if (si->si_code != SI_TASK_ISOLATION)
		return;
	ti_counts->signals++;
	if (si->si_int >= 0 && si->si_int < TI_NCAUSES)
		ti_counts->cause[si->si_int]++;
	ti_rearm = 1;
}

static inline int ti_available(void)
{
	return prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_GET_STATE, 0, 0, 0) >= 0;
}

static inline int ti_enable_once(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int i;

	/* EAGAIN: something else is briefly runnable here; it goes away. */
	for (i = 0; i < 40; i++) {
		if (!prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_ENABLE, 0, TI_SIGNAL, 0))
			return 0;
		if (errno != EAGAIN)
			return -errno;
		nanosleep(&ts, NULL);
	}
	return -EAGAIN;
}

/* 1: isolation enabled; 0: not available; -errno: refused (@msg says why). */
static inline int ti_enable(char *msg, int len)
{
	struct sigaction sa;
	int ret, state;

	if (!ti_available()) {
		snprintf(msg, len, "not available");
		return 0;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = ti_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(TI_SIGNAL, &sa, NULL);
	ti_have_word = !prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_SET_STATE_WORD,
			      (unsigned long)&ti_word, 0UL, 0UL);

	ret = ti_enable_once();
	if (ret) {
		state = prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_GET_STATE, 0, 0, 0);
		snprintf(msg, len, "state %#x", state);
		return ret;
	}
	return 1;
}

/*
 * Is the thread ISOLATED now?  A load of its state word, no system call:
 * -1 without a word (a kernel before it).
 */
static inline int ti_isolated(void)
{
	if (!ti_have_word)
		return -1;
	return (__atomic_load_n(&ti_word, __ATOMIC_ACQUIRE) & PR_TASK_ISOLATION_STATE_MASK) ==
	       PR_TASK_ISOLATION_ISOLATED;
}

/* In the spin loop: enable isolation again after a break. */
static inline void ti_poll(void)
{
	if (ti_rearm) {
		ti_rearm = 0;
		ti_enable_once();
	}
}

static inline void ti_disable(void)
{
	prctl(PR_TASK_ISOLATION, PR_TASK_ISOLATION_DISABLE, 0, 0, 0);
}

#endif
