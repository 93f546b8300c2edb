/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's view of the task-isolation prctl.  Built against the
 * patched tree's exported headers: without PR_TASK_ISOLATION there, or on
 * a kernel that answers EINVAL, the spinner just spins.
 */
#ifndef TI_ABI_H
#define TI_ABI_H

#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>

#ifdef PR_TASK_ISOLATION
#error "wire the task-isolation prctl into ti_abi.h"
#endif

static inline int ti_available(void)
{
	return 0;
}

/* 1: isolation enabled; 0: not available; -errno: refused. */
static inline int ti_enable(char *msg, int len)
{
	snprintf(msg, len, "not available");
	return 0;
}

static inline long long ti_breaks(void)
{
	return -1;
}

static inline void ti_disable(void)
{
}

#endif
