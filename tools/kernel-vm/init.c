/*
 * /init of the vmascope test guest: a static program that the kernel runs as
 * PID 1 from the initramfs (see README.md). It prepares what the recorder needs
 * (proc, devtmpfs, tmpfs on /dev/shm, a real ext4 file system on /tmp from the
 * NVMe disk, the overlay module), then runs /recorder once per script in
 * /scripts, in name order, with the script on stdin and the serial console on
 * stdout, framing each run:
 *
 *   vmascope-begin <script name>
 *   ...the recorder's own lines (kernel, base, step, vma, end, done)...
 *   vmascope-end <script name> <exit status | signal N>
 *   vmascope-setup <what> <OK | errno name>     (before the first run)
 *   vmascope-finished
 *
 * and powers the machine off. Everything goes through write(2); no stdio.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SCRIPTS 4096

static void put(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(1, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void put_int(long v)
{
	char buf[24];
	int i = sizeof buf - 1;
	int neg = v < 0;
	unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		buf[--i] = '-';
	put(&buf[i]);
}

static void setup_line(const char *what, int ok)
{
	put("vmascope-setup\t");
	put(what);
	put("\t");
	put(ok ? "OK" : strerrorname_np(errno) ? strerrorname_np(errno) : "error");
	put("\n");
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NVMe namespace appears a moment after boot: wait for it (up to 20 s of guest time). */
static int wait_for(const char *path)
{
	for (int i = 0; i < 200; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	errno = ENOENT;
	return -1;
}

int main(void)
{
	mkdir("/proc", 0755);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	int console = open("/dev/console", O_RDWR);
	if (console >= 0) {
		dup2(console, 1);
		dup2(console, 2);
		if (console > 2)
			close(console);
	}
	put("vmascope-guest\tstarted\n");

	mkdir("/dev/shm", 01777);
	setup_line("tmpfs /dev/shm", mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777") == 0);
	int disk = wait_for("/dev/nvme0n1") == 0 && mount("/dev/nvme0n1", "/tmp", "ext4", 0, NULL) == 0;
	setup_line("ext4 /tmp (/dev/nvme0n1)", disk);
	int module = open("/overlay.ko", O_RDONLY | O_CLOEXEC);
	setup_line("overlay module", module >= 0 && syscall(SYS_finit_module, module, "", 0) == 0);

	DIR *d = opendir("/scripts");
	if (!d) {
		setup_line("/scripts", 0);
		power_off();
	}
	static char *names[MAX_SCRIPTS];
	int count = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && count < MAX_SCRIPTS)
		if (e->d_name[0] != '.')
			names[count++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)count, sizeof names[0], by_name);

	for (int i = 0; i < count; i++) {
		char path[512];
		strcpy(path, "/scripts/");
		strncat(path, names[i], sizeof path - 10);
		put("vmascope-begin\t");
		put(names[i]);
		put("\n");
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open(path, O_RDONLY);
			if (fd < 0)
				_exit(126);
			dup2(fd, 0);
			close(fd);
			char *argv[] = { "/recorder", NULL };
			char *envp[] = { "PATH=/", NULL };
			execve("/recorder", argv, envp);
			_exit(127);
		}
		int status = 0;
		while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		/* A forked scenario's other process may still be finishing: reap everything. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		put("vmascope-end\t");
		put(names[i]);
		put("\t");
		if (pid < 0)
			put("fork failed");
		else if (WIFSIGNALED(status)) {
			put("signal ");
			put_int(WTERMSIG(status));
		} else
			put_int(WEXITSTATUS(status));
		put("\n");
	}
	put("vmascope-finished\n");
	power_off();
	return 0;
}
