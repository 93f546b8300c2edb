// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test, used until the series has its own selftests: the CPUs named
 * by nohz_full= and isolcpus= on the command line are what the kernel
 * reports in /sys/devices/system/cpu/{nohz_full,isolated}.
 */
#include <stdio.h>
#include <string.h>

static int readline(const char *path, char *buf, int len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Value of key= on the command line; for isolcpus= the CPU list after flags. */
static void cmdline_arg(const char *key, char *out, int len)
{
	char cmd[4096], *p, *e;

	out[0] = 0;
	if (readline("/proc/cmdline", cmd, sizeof(cmd)))
		return;
	for (p = strtok(cmd, " "); p; p = strtok(NULL, " ")) {
		if (strncmp(p, key, strlen(key)))
			continue;
		p += strlen(key);
		e = strrchr(p, ',');
		if (e && !strcmp(key, "isolcpus="))
			p = e + 1;
		snprintf(out, len, "%s", p);
	}
}

static int check(int n, const char *what, const char *key, const char *path)
{
	char want[256], got[256];

	cmdline_arg(key, want, sizeof(want));
	if (readline(path, got, sizeof(got))) {
		printf("not ok %d %s # cannot read %s\n", n, what, path);
		return 1;
	}
	if (!want[0] || strcmp(want, got)) {
		printf("not ok %d %s # %s is '%s', command line asked '%s'\n",
		       n, what, path, got, want);
		return 1;
	}
	printf("ok %d %s # %s\n", n, what, got);
	return 0;
}

int main(void)
{
	int fail = 0;

	printf("TAP version 13\n1..2\n");
	fail += check(1, "nohz_full", "nohz_full=", "/sys/devices/system/cpu/nohz_full");
	fail += check(2, "isolated", "isolcpus=", "/sys/devices/system/cpu/isolated");
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", 2 - fail, fail);
	return fail ? 1 : 0;
}
