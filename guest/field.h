/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Field generators (issue 14): loads nobody in this project wrote, or the
 * kernel operations a distribution's own daemons do, run on the
 * housekeeping CPUs while the spinner holds the isolated one.  Included by
 * generators.h after the lab generators; each counts its rounds in
 * gen_ops[GEN_...].
 *
 *   stress-mm    stress-ng: memory, mappings, THP, page tables, secretmem
 *   stress-proc  stress-ng: fork/exec/clone, signals, timers, futexes, rseq,
 *                membarrier, ptrace
 *   stress-ipc   stress-ng: SysV and POSIX IPC, pipes, eventfd, splice
 *   stress-net   stress-ng: loopback TCP/UDP/UNIX sockets, netlink, epoll
 *   stress-fs    stress-ng: procfs and sysfs readers, dentries, inotify,
 *                xattrs, locks on tmpfs
 *   stress-sec   stress-ng: seccomp filters (JIT-compiled BPF), keys,
 *                namespaces (unshare)
 *   hackbench    rt-tests' hackbench (process groups over sockets and pipes)
 *   modules      finit_module()/delete_module() of modules that need no
 *                hardware (dummy, veth, tun), found under /lib/modules
 *   bpf          bpf(BPF_PROG_LOAD) of a socket filter and its release: the
 *                BPF JIT's executable memory
 *   thp          MADV_COLLAPSE of small-page ranges, khugepaged scanning
 *                every 10 ms, partial munmap splitting huge pages
 *   mempressure  a memory cgroup held over memory.high, proactive reclaim
 *                (memory.reclaim) and compaction (compact_memory)
 *   monitor      what a monitoring agent reads: /proc and /sys, every
 *                process's stat, status and io, 10 times a second
 *
 * stress-ng and hackbench are Debian's, dynamically linked, in the field
 * guest only (scripts/build-field-guest.sh); where they are missing the
 * generator says so on an env-failure line and does nothing.
 */
#ifndef GUEST_FIELD_H
#define GUEST_FIELD_H

#include <dirent.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/bpf.h>

#define STRESS_NG	"/usr/bin/stress-ng"
#define HACKBENCH	"/usr/bin/hackbench"
#define FIELD_CG	"/sys/fs/cgroup/tifield"
#define THP_KHUGE	"/sys/kernel/mm/transparent_hugepage/khugepaged"

/* One env-failure line per generator and reason, not one per round. */
static void field_envfail(int gen, const char *reason)
{
	static unsigned int said;

	if (said & (1u << gen))
		return;
	said |= 1u << gen;
	printf("env-failure generator=%s reason=\"%s\"\n", gen_name[gen], reason);
}

/*
 * Run @argv to completion or until gen_stop, in its own process group so
 * that stress-ng's workers go with it; output to /tmp/field-NAME.log (the
 * last round's).  Returns the exit status, -1 if stopped, -2 if fork()
 * failed (errno says why).
 */
static int field_run(int gen, char *const argv[])
{
	char logf[64];
	int status, i;
	pid_t pid;

	snprintf(logf, sizeof(logf), "/tmp/field-%s.log", gen_name[gen]);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -2;
	if (!pid) {
		int fd = open(logf, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		setpgid(0, 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	while (!gen_stop) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		sleep_ms(20);
	}
	kill(-pid, SIGINT);
	for (i = 0; i < 150; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		sleep_ms(20);
	}
	kill(-pid, SIGKILL);
	if (i == 150)
		waitpid(pid, &status, 0);
	/* Workers stress-ng left behind in the group: reap them. */
	while (waitpid(-pid, &status, WNOHANG) > 0)
		;
	return -1;
}

/*
 * The last round of stress-ng in one line, its bogo ops per stressor (which
 * stressors ran, and how much), then at most three of its failure lines.
 */
static void field_summary(int gen)
{
	char logf[64], line[512], name[64], seen[2048] = " ", key[80], *p;
	unsigned long long ops;
	int fails = 0;
	FILE *f;

	snprintf(logf, sizeof(logf), "/tmp/field-%s.log", gen_name[gen]);
	f = fopen(logf, "r");
	if (!f)
		return;
	printf("# %s: stress-ng bogo ops:", gen_name[gen]);
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "] ");
		/* The table's rows only: later "metrc:" lines are per-stressor extras. */
		if (!strstr(line, "metrc:") || !p || sscanf(p + 2, "%63s %llu", name, &ops) != 2)
			continue;
		snprintf(key, sizeof(key), " %s ", name);
		if (strstr(seen, key) || strlen(seen) + strlen(key) >= sizeof(seen))
			continue;
		strcat(seen, key + 1);
		printf(" %s=%llu", name, ops);
	}
	printf("\n");
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if ((strstr(line, "fail:") || strstr(line, "skipped")) && fails++ < 3)
			printf("# %s: %s", gen_name[gen], line);
	fclose(f);
}

/* stress-ng with @stressors (one instance each) in 5 s rounds on CPUs 0-1. */
static void field_stress(int gen, const char *stressors)
{
	char list[1024], opt[60][32], *argv[128], *s, *save;
	int argc = 0, nopt = 0, rc;

	if (access(STRESS_NG, X_OK)) {
		field_envfail(gen, "no " STRESS_NG " in this guest (scripts/build-field-guest.sh)");
		return;
	}
	argv[argc++] = STRESS_NG;
	argv[argc++] = "--taskset";
	argv[argc++] = "0-1";
	argv[argc++] = "--temp-path";
	argv[argc++] = "/tmp";
	argv[argc++] = "--timeout";
	argv[argc++] = "5";
	argv[argc++] = "--metrics-brief";
	argv[argc++] = "--vm-bytes";
	argv[argc++] = "32M";
	argv[argc++] = "--mmap-bytes";
	argv[argc++] = "16M";
	snprintf(list, sizeof(list), "%s", stressors);
	for (s = strtok_r(list, " ", &save); s && nopt < 60; s = strtok_r(NULL, " ", &save)) {
		snprintf(opt[nopt], sizeof(opt[nopt]), "--%s", s);
		argv[argc++] = opt[nopt++];
		argv[argc++] = "1";
	}
	argv[argc] = NULL;
	while (!gen_stop) {
		gen_ops[gen]++;		/* rounds started: one lasts 5 s */
		rc = field_run(gen, argv);
		if (rc == -1)
			break;
		/* 2: a stressor failed; 3: one was not implemented here. */
		if (rc && rc != 3 && rc != 2) {
			char r[96];

			if (rc == -2)
				snprintf(r, sizeof(r), "fork() for stress-ng: %s", strerror(errno));
			else
				snprintf(r, sizeof(r), "stress-ng exited %d (/tmp/field-%s.log)", rc,
					 gen_name[gen]);
			field_envfail(gen, r);
			sleep_ms(1000);
		}
	}
	field_summary(gen);
}

static void *gen_stress_mm(void *arg)
{
	field_stress(GEN_STRESS_MM,
		     "vm mmap mmapfork mmapmany mmaphuge brk madvise mremap mprotect munmap "
		     "mlock mincore msync memfd pagemove remap vm-rw stackmmap tlb-shootdown "
		     "secretmem userfaultfd");
	return NULL;
}

static void *gen_stress_proc(void *arg)
{
	field_stress(GEN_STRESS_PROC,
		     "fork vfork exec clone pthread spawn zombie sigq sigrt sigchld kill "
		     "timer itimer timerfd hrtimers clock nanosleep futex rseq membarrier "
		     "prctl ptrace");
	return NULL;
}

static void *gen_stress_ipc(void *arg)
{
	field_stress(GEN_STRESS_IPC,
		     "msg sem-sysv shm-sysv mq pipe fifo eventfd sem shm sigfd splice tee");
	return NULL;
}

/* Loopback up: the guest's init leaves every interface down. */
static void field_lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

static void *gen_stress_net(void *arg)
{
	field_lo_up();
	field_stress(GEN_STRESS_NET,
		     "sock udp sockpair sockfd epoll netlink-proc netlink-task sockdiag "
		     "sockmany ping-sock");
	return NULL;
}

static void *gen_stress_fs(void *arg)
{
	field_stress(GEN_STRESS_FS,
		     "procfs sysfs dentry dir getdent inotify open rename link symlink "
		     "xattr fstat file-ioctl utime flock lease klog loadavg sysinfo");
	return NULL;
}

static void *gen_stress_sec(void *arg)
{
	field_stress(GEN_STRESS_SEC, "seccomp key cap unshare");
	return NULL;
}

static void *gen_hackbench(void *arg)
{
	char *sock[] = { HACKBENCH, "-g", "2", "-f", "10", "-l", "200", NULL };
	char *pipe[] = { HACKBENCH, "-p", "-g", "2", "-f", "10", "-l", "200", NULL };

	if (access(HACKBENCH, X_OK)) {
		field_envfail(GEN_HACKBENCH, "no " HACKBENCH " in this guest (scripts/build-field-guest.sh)");
		return NULL;
	}
	while (!gen_stop) {
		int rc = field_run(GEN_HACKBENCH, gen_ops[GEN_HACKBENCH]++ & 1 ? pipe : sock);

		if (rc == -1)
			break;
		if (rc == -2) {
			field_envfail(GEN_HACKBENCH, "fork() for hackbench failed");
			sleep_ms(1000);
		}
	}
	return NULL;
}

/* Paths of the modules to cycle: found under /lib/modules, any release. */
static int field_find_modules(char mods[][512], char names[][32], int max)
{
	static const char *const want[] = { "dummy", "veth", "tun" };
	char path[512];
	struct dirent *de;
	unsigned int i;
	int n = 0;
	DIR *d = opendir("/lib/modules");

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < sizeof(want) / sizeof(want[0]) && n < max; i++) {
			snprintf(path, sizeof(path), "/lib/modules/%s/kernel/drivers/net/%s.ko",
				 de->d_name, want[i]);
			if (!access(path, R_OK)) {
				snprintf(mods[n], 512, "%s", path);
				snprintf(names[n++], 32, "%s", want[i]);
			}
		}
	}
	closedir(d);
	return n;
}

static void *gen_modules(void *arg)
{
	char mods[4][512], names[4][32];
	int n = field_find_modules(mods, names, 4), i, fd;

	if (!n) {
		field_envfail(GEN_MODULES, "no dummy/veth/tun module under /lib/modules");
		return NULL;
	}
	while (!gen_stop) {
		for (i = 0; i < n && !gen_stop; i++) {
			fd = open(mods[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST) {
				char r[192];

				snprintf(r, sizeof(r), "finit_module(%s.ko): %s", names[i], strerror(errno));
				field_envfail(GEN_MODULES, r);
			}
			close(fd);
			syscall(SYS_delete_module, names[i], O_NONBLOCK);
			gen_ops[GEN_MODULES]++;
		}
		sleep_ms(10);
	}
	return NULL;
}

/* A socket filter "return 0", JIT-compiled on load, freed on close. */
static void *gen_bpf(void *arg)
{
	struct bpf_insn insn[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	while (!gen_stop) {
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insns = (unsigned long)insn;
		attr.insn_cnt = 2;
		attr.license = (unsigned long)"GPL";
		fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		if (fd < 0) {
			char r[96];

			snprintf(r, sizeof(r), "bpf(BPF_PROG_LOAD): %s", strerror(errno));
			field_envfail(GEN_BPF, r);
			sleep_ms(1000);
			continue;
		}
		close(fd);
		gen_ops[GEN_BPF]++;
		sleep_ms(2);
	}
	return NULL;
}

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

/*
 * 8 MiB of small pages collapsed into huge ones (MADV_COLLAPSE), one huge
 * page split by a partial munmap, the rest unmapped; khugepaged scans every
 * 10 ms meanwhile.  Collapsing and freeing page tables is where 6.12 syncs
 * with lockless page-table walkers on every CPU.
 */
static void *gen_thp(void *arg)
{
	const size_t huge = 2UL << 20, len = 4 * huge;
	char sleep0[32] = "", scan0[32] = "";
	unsigned long collapsed = 0, tried = 0;
	char *raw, *p;
	size_t i;

	read_file(THP_KHUGE "/scan_sleep_millisecs", sleep0, sizeof(sleep0));
	read_file(THP_KHUGE "/pages_to_scan", scan0, sizeof(scan0));
	if (write_file(THP_KHUGE "/scan_sleep_millisecs", "10"))
		field_envfail(GEN_THP, "no khugepaged knobs: kernel without TRANSPARENT_HUGEPAGE");
	write_file(THP_KHUGE "/pages_to_scan", "4096");
	while (!gen_stop) {
		raw = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (raw == MAP_FAILED) {
			sleep_ms(100);
			continue;
		}
		p = (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
		madvise(p, len, MADV_NOHUGEPAGE);
		for (i = 0; i < len; i += 4096)
			p[i] = 1;
		madvise(p, len, MADV_HUGEPAGE);
		tried++;
		if (!madvise(p, len, MADV_COLLAPSE))
			collapsed++;
		munmap(p + huge / 2, 4096);
		munmap(raw, len + huge);
		gen_ops[GEN_THP]++;
		sleep_ms(5);
	}
	if (sleep0[0])
		write_file(THP_KHUGE "/scan_sleep_millisecs", sleep0);
	if (scan0[0])
		write_file(THP_KHUGE "/pages_to_scan", scan0);
	printf("# thp: MADV_COLLAPSE succeeded %lu of %lu\n", collapsed, tried);
	if (tried && !collapsed)
		field_envfail(GEN_THP, "MADV_COLLAPSE never succeeded");
	return NULL;
}

/*
 * A child in a memory cgroup whose memory.high is below what it touches
 * (throttled and reclaimed, never OOM-killed: an OOM report would read as a
 * kernel splat), proactive reclaim through memory.reclaim, and compaction
 * of all zones.  The guest has no swap and no block device: what reclaim
 * finds is little, the kernel-wide work is the point.
 */
static void *gen_mempressure(void *arg)
{
	char pid[16];
	int status;
	pid_t c;

	mkdir("/sys/fs/cgroup", 0755);
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) && errno != EBUSY)
		field_envfail(GEN_MEMPRESSURE, "cannot mount cgroup2");
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	mkdir(FIELD_CG, 0755);
	if (write_file(FIELD_CG "/memory.high", "24M"))
		field_envfail(GEN_MEMPRESSURE, "no memory controller (memory.high)");
	while (!gen_stop) {
		c = fork();
		if (!c) {
			const size_t len = 48UL << 20;
			char *m;
			size_t i;

			snprintf(pid, sizeof(pid), "%d", getpid());
			write_file(FIELD_CG "/cgroup.procs", pid);
			m = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m != MAP_FAILED)
				for (i = 0; i < len; i += 4096)
					m[i] = 1;
			_exit(0);
		}
		write_file(FIELD_CG "/memory.reclaim", "8M");
		write_file("/proc/sys/vm/compact_memory", "1");
		if (c > 0)
			waitpid(c, &status, 0);
		gen_ops[GEN_MEMPRESSURE]++;
	}
	return NULL;
}

/* Read every file of @dir (one level) whose name passes @keep, or all. */
static void field_read_dir(const char *dir, const char *keep)
{
	char path[512], buf[4096];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (keep && !strstr(de->d_name, keep)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		read_file(path, buf, sizeof(buf));
	}
	closedir(d);
}

static void *gen_monitor(void *arg)
{
	static const char *const files[] = {
		"/proc/stat", "/proc/meminfo", "/proc/vmstat", "/proc/interrupts",
		"/proc/softirqs", "/proc/loadavg", "/proc/diskstats", "/proc/net/dev",
		"/proc/net/snmp", "/proc/net/sockstat", "/proc/net/netstat", "/proc/cpuinfo",
		"/proc/schedstat", "/proc/zoneinfo", "/proc/buddyinfo", "/proc/slabinfo",
		"/proc/pressure/cpu", "/proc/pressure/memory", "/proc/pressure/io",
		"/proc/self/mountinfo", "/proc/sys/kernel/random/entropy_avail",
		"/proc/sys/fs/file-nr", "/proc/uptime", "/proc/swaps", "/proc/modules",
		"/sys/fs/cgroup/cpu.stat", "/sys/fs/cgroup/memory.stat",
	};
	static char buf[1 << 16];
	char path[512], cpu[64];
	struct dirent *de;
	unsigned int i;
	DIR *d;

	while (!gen_stop) {
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			read_file(files[i], buf, sizeof(buf));
		d = opendir("/proc");
		while (d && (de = readdir(d))) {
			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
			read_file(path, buf, sizeof(buf));
			snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
			read_file(path, buf, sizeof(buf));
			snprintf(path, sizeof(path), "/proc/%s/io", de->d_name);
			read_file(path, buf, sizeof(buf));
		}
		if (d)
			closedir(d);
		for (i = 0; i < 64; i++) {
			snprintf(cpu, sizeof(cpu), "/sys/devices/system/cpu/cpu%u", i);
			if (access(cpu, F_OK))
				break;
			snprintf(path, sizeof(path), "%s/cpufreq", cpu);
			field_read_dir(path, "freq");
			snprintf(path, sizeof(path), "%s/topology", cpu);
			field_read_dir(path, NULL);
		}
		field_read_dir("/sys/devices/system/node/node0", "info");
		field_read_dir("/sys/class/net/lo/statistics", NULL);
		gen_ops[GEN_MONITOR]++;
		sleep_ms(100);
	}
	return NULL;
}

#endif /* GUEST_FIELD_H */
