/*
 * tracer: run a command under ptrace and record, for every address space it
 * creates, the VMAs at execve and every system call that can change them,
 * with its arguments, result, errno and the VMAs after it.
 *
 *   tracer [--merge-any] [--output FILE] -- COMMAND [ARGS...]
 *
 * Output: one event per line (NDJSON, format "vma-trace-events/1"), read by
 * src/trace/assemble.ts into the documented "vma-trace/1" document. This
 * program only observes: it never changes what the traced program does, except
 * that --merge-any calls prctl(PR_SET_MEMORY_MERGE, 1) in the child before
 * execve (the flag survives execve on 6.18).
 *
 * How it stops only where it must: a seccomp filter, installed in the child
 * before execve and inherited by every thread and child, returns
 * SECCOMP_RET_TRACE for the memory system calls only (as strace --seccomp-bpf
 * does). At that stop (PTRACE_EVENT_SECCOMP) the tracer reads the call's
 * arguments and /proc/TID/smaps; PTRACE_SYSCALL then stops it once more at
 * the syscall's exit, where it reads the result and smaps again.
 *
 * Faults are not system calls: a VMA whose Anonymous or Rss grew between the
 * end of one traced call and the start of the next was touched. That is
 * reported as an inferred "faults" event. A layout change between two traced
 * calls (a [stack] grown by a fault, a mapping made by an ioctl) is reported
 * as an inferred "between" event with what changed.
 *
 * Threads of one process share an address space; the other threads keep
 * running while one is stopped, so with several threads a smaps snapshot can
 * include another thread's call that is still in flight. The assembler says
 * so when a trace has more than one thread per address space.
 *
 * Build: gcc -O2 -Wall -o tools/tracer/build/tracer tools/tracer/tracer.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif
#ifndef PTRACE_EVENT_SECCOMP
#define PTRACE_EVENT_SECCOMP 7
#endif
#ifndef PTRACE_O_TRACESECCOMP
#define PTRACE_O_TRACESECCOMP (1 << PTRACE_EVENT_SECCOMP)
#endif
#ifndef PTRACE_O_EXITKILL
#define PTRACE_O_EXITKILL (1 << 20)
#endif
#ifndef CLONE_VM
#define CLONE_VM 0x00000100
#endif
#ifndef CLONE_VFORK
#define CLONE_VFORK 0x00004000
#endif
#ifndef CLONE_THREAD
#define CLONE_THREAD 0x00010000
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif

/* The layout of struct ptrace_syscall_info (linux/ptrace.h), copied so that
 * <sys/ptrace.h> and <linux/ptrace.h> need not both be included. */
struct syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t stack_pointer;
	union {
		struct { uint64_t nr; uint64_t args[6]; } entry;
		struct { int64_t rval; uint8_t is_error; } exit;
		struct { uint64_t nr; uint64_t args[6]; uint32_t ret_data; } seccomp;
	};
};
#define SYSCALL_INFO_ENTRY 1
#define SYSCALL_INFO_EXIT 2
#define SYSCALL_INFO_SECCOMP 3

/* The system calls that can change an address space (x86-64 numbers), and
 * four that change none but say what a later one does: shmget (a segment's
 * key and size), shmctl (IPC_RMID: do_shm_rmid() removes the key), pkey_alloc
 * and pkey_free (which protection keys pkey_mprotect may give). */
static const struct { int nr; const char *name; } TRACED[] = {
	{ __NR_mmap, "mmap" }, { __NR_munmap, "munmap" }, { __NR_mprotect, "mprotect" },
	{ __NR_pkey_mprotect, "pkey_mprotect" }, { __NR_madvise, "madvise" },
	{ __NR_mlock, "mlock" }, { __NR_mlock2, "mlock2" }, { __NR_munlock, "munlock" },
	{ __NR_mlockall, "mlockall" }, { __NR_munlockall, "munlockall" },
	{ __NR_mremap, "mremap" }, { __NR_brk, "brk" }, { __NR_prctl, "prctl" },
	{ __NR_mseal, "mseal" }, { __NR_shmat, "shmat" }, { __NR_shmdt, "shmdt" },
	{ __NR_shmget, "shmget" }, { __NR_shmctl, "shmctl" },
	{ __NR_pkey_alloc, "pkey_alloc" }, { __NR_pkey_free, "pkey_free" },
	{ __NR_remap_file_pages, "remap_file_pages" },
	{ __NR_execve, "execve" }, { __NR_execveat, "execveat" },
	{ __NR_clone, "clone" }, { __NR_clone3, "clone3" }, { __NR_fork, "fork" }, { __NR_vfork, "vfork" },
};
#define N_TRACED (sizeof TRACED / sizeof TRACED[0])

static const char *syscall_name(long nr)
{
	for (size_t i = 0; i < N_TRACED; i++)
		if (TRACED[i].nr == nr)
			return TRACED[i].name;
	return NULL;
}

/* ------------------------------------------------------------------ output */

static FILE *out;

static void json_string(const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') { fputc('\\', out); fputc(*p, out); }
		else if (*p < 0x20 || *p >= 0x7f) fprintf(out, "\\u%04x", *p);
		else fputc(*p, out);
	}
	fputc('"', out);
}

static void die(const char *what)
{
	fprintf(stderr, "tracer: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ------------------------------------------------------------------- smaps */

struct vma {
	uint64_t start, end, offset, inode;
	char perms[5];
	char dev[16];
	char *path;
	char *flags;   /* VmFlags mnemonics, space-separated */
	uint64_t rss_kb, anon_kb;
};

struct snapshot {
	struct vma *v;
	size_t n, cap;
};

static void snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->n; i++) { free(s->v[i].path); free(s->v[i].flags); }
	free(s->v);
	s->v = NULL; s->n = s->cap = 0;
}

static char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	if (!buf) { close(fd); return NULL; }
	for (;;) {
		if (n + 4096 > cap) {
			cap *= 2;
			char *nb = realloc(buf, cap);
			if (!nb) { free(buf); close(fd); return NULL; }
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) { if (errno == EINTR) continue; free(buf); close(fd); return NULL; }
		if (r == 0) break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* Resident pages (/proc/TID/statm), -1 when unknown: a cheap test for faults. */
static long read_resident(pid_t tid)
{
	char path[64], buf[128];
	snprintf(path, sizeof path, "/proc/%d/statm", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) return -1;
	buf[n] = 0;
	long size, resident;
	return sscanf(buf, "%ld %ld", &size, &resident) == 2 ? resident : -1;
}

/* Reads /proc/TID/smaps. Returns 0, or -1 when the process is gone. */
static int read_smaps(pid_t tid, struct snapshot *s)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/smaps", tid);
	size_t len;
	char *text = read_all(path, &len);
	if (!text) return -1;
	s->n = 0;
	struct vma *cur = NULL;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next) *next++ = 0;
		unsigned long long a, b, off, ino;
		char perms[8], dev[16];
		int consumed = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %15s %llu%n", &a, &b, perms, &off, dev, &ino, &consumed) == 6 && strchr(line, '-') < strchr(line, ' ')) {
			if (s->n == s->cap) {
				s->cap = s->cap ? s->cap * 2 : 256;
				s->v = realloc(s->v, s->cap * sizeof *s->v);
				if (!s->v) die("out of memory");
			}
			cur = &s->v[s->n++];
			memset(cur, 0, sizeof *cur);
			cur->start = a; cur->end = b; cur->offset = off; cur->inode = ino;
			snprintf(cur->perms, sizeof cur->perms, "%.4s", perms);
			snprintf(cur->dev, sizeof cur->dev, "%s", dev);
			const char *p = line + consumed;
			while (*p == ' ') p++;
			cur->path = strdup(p);
			cur->flags = strdup("");
		} else if (cur && strncmp(line, "Rss:", 4) == 0) {
			cur->rss_kb = strtoull(line + 4, NULL, 10);
		} else if (cur && strncmp(line, "Anonymous:", 10) == 0) {
			cur->anon_kb = strtoull(line + 10, NULL, 10);
		} else if (cur && strncmp(line, "VmFlags:", 8) == 0) {
			const char *p = line + 8;
			while (*p == ' ') p++;
			free(cur->flags);
			cur->flags = strdup(p);
			size_t l = strlen(cur->flags);
			while (l && cur->flags[l - 1] == ' ') cur->flags[--l] = 0;
		}
	}
	free(text);
	return 0;
}

static int same_layout(const struct vma *a, const struct vma *b)
{
	return a->start == b->start && a->end == b->end && a->offset == b->offset && a->inode == b->inode &&
	       !strcmp(a->perms, b->perms) && !strcmp(a->dev, b->dev) && !strcmp(a->path, b->path) &&
	       !strcmp(a->flags, b->flags);
}

static void vma_json(const struct vma *v)
{
	fprintf(out, "[\"%llx\",\"%llx\",\"%s\",\"%llx\",", (unsigned long long)v->start, (unsigned long long)v->end,
		v->perms, (unsigned long long)v->offset);
	json_string(v->dev);
	fprintf(out, ",%llu,", (unsigned long long)v->inode);
	json_string(v->path);
	fputc(',', out);
	json_string(v->flags);
	fprintf(out, ",%llu,%llu]", (unsigned long long)v->rss_kb, (unsigned long long)v->anon_kb);
}

static void vmas_json(const struct snapshot *s)
{
	fputc('[', out);
	for (size_t i = 0; i < s->n; i++) {
		if (i) fputc(',', out);
		vma_json(&s->v[i]);
	}
	fputc(']', out);
}

/* Prints "removed":[[start,end]…],"added":[vma…] from old to new (both sorted by start). */
static int diff_json(const struct snapshot *old, const struct snapshot *new)
{
	size_t i = 0, j = 0;
	int changes = 0;
	fputs("\"removed\":[", out);
	int first = 1;
	/* A VMA is kept when an identical one (layout and flags) is in both lists. */
	while (i < old->n) {
		while (j < new->n && new->v[j].start < old->v[i].start) j++;
		if (!(j < new->n && same_layout(&old->v[i], &new->v[j]))) {
			fprintf(out, "%s[\"%llx\",\"%llx\"]", first ? "" : ",", (unsigned long long)old->v[i].start,
				(unsigned long long)old->v[i].end);
			first = 0;
			changes++;
		}
		i++;
	}
	fputs("],\"added\":[", out);
	first = 1;
	i = 0;
	for (j = 0; j < new->n; j++) {
		while (i < old->n && old->v[i].start < new->v[j].start) i++;
		if (!(i < old->n && same_layout(&old->v[i], &new->v[j]))) {
			if (!first) fputc(',', out);
			vma_json(&new->v[j]);
			first = 0;
			changes++;
		}
	}
	fputc(']', out);
	return changes;
}

static int layout_equal(const struct snapshot *a, const struct snapshot *b)
{
	if (a->n != b->n) return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!same_layout(&a->v[i], &b->v[i])) return 0;
	return 1;
}

/* -------------------------------------------------------- address spaces */

struct space {
	int id;
	pid_t pid;          /* the process (thread group) */
	int threads;
	int alive;
	struct snapshot last;   /* the VMAs after the last event */
	long resident;          /* /proc/PID/statm resident pages when `last` was read */
	pid_t busy;             /* the thread inside a VMA-changing call, 0 for none */
	pid_t held[64];         /* threads stopped at a VMA-changing call's entry, waiting for busy */
	int n_held;
};

struct task {
	pid_t tid;
	int space;          /* index into spaces, -1 while unknown */
	int in_call;        /* stopped at seccomp entry, waiting for the exit stop */
	long nr;
	uint64_t args[6];
	int started;        /* its first stop was seen */
	int pending;        /* seen stopped before its parent's event: not yet resumed */
	char *fd_json;      /* what the mmap'd fd is, read at entry */
};

static struct space *spaces;
static size_t n_spaces, cap_spaces;
static struct task *tasks;
static size_t n_tasks, cap_tasks;
static unsigned long long seq;
static unsigned long long traced_calls;

static struct task *task_of(pid_t tid)
{
	for (size_t i = 0; i < n_tasks; i++)
		if (tasks[i].tid == tid) return &tasks[i];
	return NULL;
}

static struct task *task_add(pid_t tid, int space)
{
	if (n_tasks == cap_tasks) {
		cap_tasks = cap_tasks ? cap_tasks * 2 : 64;
		tasks = realloc(tasks, cap_tasks * sizeof *tasks);
		if (!tasks) die("out of memory");
	}
	struct task *t = &tasks[n_tasks++];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	t->space = space;
	if (space >= 0) spaces[space].threads++;
	return t;
}

static void task_remove(pid_t tid)
{
	for (size_t i = 0; i < n_tasks; i++)
		if (tasks[i].tid == tid) {
			free(tasks[i].fd_json);
			tasks[i] = tasks[--n_tasks];
			return;
		}
}

static int space_add(pid_t pid)
{
	if (n_spaces == cap_spaces) {
		cap_spaces = cap_spaces ? cap_spaces * 2 : 16;
		spaces = realloc(spaces, cap_spaces * sizeof *spaces);
		if (!spaces) die("out of memory");
	}
	struct space *s = &spaces[n_spaces];
	memset(s, 0, sizeof *s);
	s->id = (int)n_spaces + 1;
	s->pid = pid;
	s->alive = 1;
	return (int)n_spaces++;
}

static void read_exe(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	ssize_t n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
}

/* A new address space: its VMAs now (after execve, or in a fork child). */
static void space_begin(int sp, pid_t tid, const char *origin, int parent, long long parent_seq)
{
	struct space *s = &spaces[sp];
	char exe[4096];
	read_exe(tid, exe, sizeof exe);
	s->resident = read_resident(tid); /* before smaps: a fault in between is seen next time */
	read_smaps(tid, &s->last);
	fprintf(out, "{\"ev\":\"space\",\"space\":%d,\"pid\":%d,\"origin\":\"%s\",\"parent\":", s->id, s->pid, origin);
	if (parent > 0) fprintf(out, "%d,\"parentSeq\":%lld", parent, parent_seq);
	else fputs("null", out);
	fputs(",\"exe\":", out);
	json_string(exe);
	fputs(",\"vmas\":", out);
	vmas_json(&s->last);
	fputs("}\n", out);
}

static void space_end(struct space *s, const char *how, int code)
{
	if (!s->alive) return;
	s->alive = 0;
	fprintf(out, "{\"ev\":\"exit\",\"space\":%d,\"pid\":%d,\"how\":\"%s\",\"code\":%d}\n", s->id, s->pid, how, code);
	snapshot_free(&s->last);
}

/* Faults and layout changes since the last event (read at a traced call's entry). */
static void report_between(int sp, pid_t tid)
{
	struct space *s = &spaces[sp];
	/* No page came or went since the last snapshot: no fault to infer, and no
	 * stack growth (which faults a page in). Reading smaps walks every page
	 * table, so this halves the tracer's cost on programs with many VMAs. */
	long resident = read_resident(tid);
	if (resident >= 0 && resident == s->resident) return;
	struct snapshot now = { 0 };
	if (read_smaps(tid, &now) < 0) { snapshot_free(&now); return; }
	s->resident = resident;
	if (!layout_equal(&s->last, &now)) {
		fprintf(out, "{\"ev\":\"between\",\"space\":%d,\"seq\":%llu,\"inferred\":true,", s->id, ++seq);
		diff_json(&s->last, &now);
		fputs("}\n", out);
	}
	/* Touched: same range, more Anonymous (written) or more Rss (read). */
	int first = 1;
	size_t i = 0;
	for (size_t j = 0; j < now.n; j++) {
		while (i < s->last.n && s->last.v[i].start < now.v[j].start) i++;
		if (i >= s->last.n || s->last.v[i].start != now.v[j].start || s->last.v[i].end != now.v[j].end) continue;
		const struct vma *o = &s->last.v[i], *n = &now.v[j];
		int wrote = n->anon_kb > o->anon_kb, read = n->rss_kb > o->rss_kb;
		if (!wrote && !read) continue;
		if (first) fprintf(out, "{\"ev\":\"faults\",\"space\":%d,\"seq\":%llu,\"inferred\":true,\"touched\":[", s->id, ++seq);
		fprintf(out, "%s[\"%llx\",\"%llx\",%s,%llu,%llu]", first ? "" : ",", (unsigned long long)n->start,
			(unsigned long long)n->end, wrote ? "true" : "false", (unsigned long long)(n->anon_kb - (wrote ? o->anon_kb : n->anon_kb)),
			(unsigned long long)(n->rss_kb > o->rss_kb ? n->rss_kb - o->rss_kb : 0));
		first = 0;
	}
	if (!first) fputs("]}\n", out);
	snapshot_free(&s->last);
	s->last = now;
}

static char *describe_fd(pid_t tid, int fd)
{
	char link[64], path[4096];
	snprintf(link, sizeof link, "/proc/%d/fd/%d", tid, fd);
	ssize_t n = readlink(link, path, sizeof path - 1);
	if (n < 0) return NULL;
	path[n] = 0;
	struct stat st;
	struct statfs sf;
	int have_st = stat(link, &st) == 0;
	int have_sf = statfs(link, &sf) == 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	FILE *saved = out;
	out = m;
	fputs("{\"path\":", out);
	json_string(path);
	if (have_st) {
		const char *type = S_ISREG(st.st_mode) ? "file" : S_ISCHR(st.st_mode) ? "chr" : S_ISBLK(st.st_mode) ? "blk" :
				   S_ISDIR(st.st_mode) ? "dir" : S_ISFIFO(st.st_mode) ? "fifo" : S_ISSOCK(st.st_mode) ? "sock" : "other";
		fprintf(out, ",\"type\":\"%s\",\"dev\":\"%x:%x\",\"inode\":%llu,\"size\":%lld,\"rdev\":\"%x:%x\"", type,
			major(st.st_dev), minor(st.st_dev), (unsigned long long)st.st_ino, (long long)st.st_size,
			major(st.st_rdev), minor(st.st_rdev));
	}
	if (have_sf) fprintf(out, ",\"fsMagic\":\"%lx\"", (unsigned long)sf.f_type);
	fputc('}', out);
	out = saved;
	fclose(m);
	return buf;
}

/* ------------------------------------------------------------------ events */

/* Calls recorded for what they tell the replay, which never change a VMA:
 * smaps is not read for them, and they do not wait for another thread's call. */
static int state_only(long nr)
{
	return nr == __NR_shmget || nr == __NR_shmctl || nr == __NR_pkey_alloc || nr == __NR_pkey_free;
}

/* Calls that change the VMAs of the caller's address space (not clone, execve). */
static int changes_vmas(long nr)
{
	return !(nr == __NR_execve || nr == __NR_execveat || nr == __NR_clone || nr == __NR_clone3 || nr == __NR_fork ||
		 nr == __NR_vfork || state_only(nr));
}

/* At a VMA-changing call's entry: faults and changes since the last event, the fd it maps. */
static void begin_call(struct task *t)
{
	spaces[t->space].busy = t->tid;
	report_between(t->space, t->tid);
	if (t->nr == __NR_mmap && !(t->args[3] & 0x20 /* MAP_ANONYMOUS */) && (int)t->args[4] >= 0)
		t->fd_json = describe_fd(t->tid, (int)t->args[4]);
}

static struct task *task_of(pid_t tid);
static void resume(pid_t tid, int request, int sig);

/* The busy thread's call is over: let the next held thread in. */
static void end_call(int sp, pid_t tid)
{
	struct space *s = &spaces[sp];
	if (s->busy != tid) return;
	s->busy = 0;
	while (s->n_held > 0) {
		pid_t next = s->held[0];
		memmove(s->held, s->held + 1, (size_t)--s->n_held * sizeof s->held[0]);
		struct task *n = task_of(next);
		if (!n) continue;
		if (s->alive) begin_call(n);
		resume(next, PTRACE_SYSCALL, 0);
		return;
	}
}

static const char *errno_name(int e)
{
	switch (e) {
#define E(x) case x: return #x;
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF) E(ECHILD) E(EAGAIN)
	E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE)
	E(EMFILE) E(ETXTBSY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS) E(EOVERFLOW) E(ENOSYS) E(EOPNOTSUPP) E(ELOOP)
	E(ENAMETOOLONG) E(ERANGE) E(EIDRM) E(EDEADLK)
#undef E
	default: return NULL;
	}
}

static void print_call(struct task *t, int64_t rval, int is_error, struct snapshot *after)
{
	struct space *s = &spaces[t->space];
	fprintf(out, "{\"ev\":\"call\",\"space\":%d,\"seq\":%llu,\"tid\":%d,\"name\":\"%s\",\"nr\":%ld,\"args\":[", s->id, ++seq,
		t->tid, syscall_name(t->nr), t->nr);
	for (int i = 0; i < 6; i++) fprintf(out, "%s\"%llx\"", i ? "," : "", (unsigned long long)t->args[i]);
	fputs("],", out);
	if (is_error) {
		const char *name = errno_name((int)-rval);
		fprintf(out, "\"ret\":-1,\"errno\":");
		if (name) fprintf(out, "\"%s\"", name);
		else fprintf(out, "\"errno %lld\"", (long long)-rval);
	} else {
		fprintf(out, "\"ret\":\"%llx\",\"errno\":null", (unsigned long long)rval);
	}
	if (t->fd_json) fprintf(out, ",\"fd\":%s", t->fd_json);
	if (after) {
		fputc(',', out);
		diff_json(&s->last, after);
		snapshot_free(&s->last);
		s->last = *after;
		memset(after, 0, sizeof *after);
	}
	fputs("}\n", out);
	free(t->fd_json);
	t->fd_json = NULL;
	traced_calls++;
}

static uint64_t clone3_flags(pid_t tid, uint64_t uargs)
{
	uint64_t flags = 0;
	struct iovec local = { &flags, sizeof flags }, remote = { (void *)(uintptr_t)uargs, sizeof flags };
	if (process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof flags) return 0;
	return flags;
}

static void resume(pid_t tid, int request, int sig)
{
	if (ptrace(request, tid, 0, (void *)(long)sig) < 0 && errno != ESRCH) die("ptrace resume");
}

/* The child: seccomp filter for the traced calls, PR_SET_MEMORY_MERGE if asked, execve. */
static void install_filter(void)
{
	struct sock_filter f[4 + N_TRACED + 2];
	size_t k = 0;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < N_TRACED; i++) {
		/* jump to the TRACE return at the end when equal */
		f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)TRACED[i].nr, (unsigned char)(N_TRACED - i), 0);
		k++;
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	struct sock_fprog prog = { .len = (unsigned short)k, .filter = f };
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		/* Without CAP_SYS_ADMIN a filter needs no_new_privs; as root it does not. */
		fprintf(stderr, "tracer: cannot install the seccomp filter: %s\n", strerror(errno));
		_exit(126);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: tracer [--merge-any] [--output FILE] -- COMMAND [ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int merge_any = 0;
	const char *output = NULL;
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--merge-any")) merge_any = 1;
		else if (!strcmp(argv[i], "--output") && i + 1 < argc) output = argv[++i];
		else if (!strcmp(argv[i], "--")) { i++; break; }
		else if (argv[i][0] == '-') usage();
		else break;
	}
	if (i >= argc) usage();
	char **command = argv + i;

	out = output ? fopen(output, "w") : stdout;
	if (!out) die(output);
	static char outbuf[1 << 16];
	setvbuf(out, outbuf, _IOFBF, sizeof outbuf);

	/* The child reports a failed execvp through a close-on-exec pipe. */
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0) die("pipe");
	pid_t child = fork();
	if (child < 0) die("fork");
	if (child == 0) {
		close(report[0]);
		if (out != stdout) fclose(out);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) { int e = errno; if (write(report[1], &e, sizeof e)) {} _exit(126); }
		raise(SIGSTOP);
		if (merge_any && prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0) != 0) {
			int e = -errno;
			if (write(report[1], &e, sizeof e)) {}
			_exit(126);
		}
		install_filter();
		execvp(command[0], command);
		int e = errno;
		if (write(report[1], &e, sizeof e)) {}
		_exit(127);
	}
	close(report[1]);

	int status;
	if (waitpid(child, &status, 0) < 0) die("waitpid");
	if (!WIFSTOPPED(status)) { fprintf(stderr, "tracer: the child did not stop for tracing\n"); return 2; }
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
		    PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;
	if (ptrace(PTRACE_SETOPTIONS, child, 0, (void *)opts) < 0) die("PTRACE_SETOPTIONS");

	struct utsname u;
	uname(&u);
	struct timespec t0;
	clock_gettime(CLOCK_REALTIME, &t0);
	fputs("{\"ev\":\"start\",\"format\":\"vma-trace-events/1\",\"kernel\":", out);
	json_string(u.release);
	fprintf(out, ",\"machine\":\"%s\",\"pageSize\":%ld,\"mergeAny\":%s,\"time\":%lld,\"command\":[", u.machine,
		sysconf(_SC_PAGESIZE), merge_any ? "true" : "false", (long long)t0.tv_sec);
	for (char **a = command; *a; a++) { if (a != command) fputc(',', out); json_string(*a); }
	fputs("]}\n", out);

	/* The first address space is the one after the first successful execve. */
	int first = space_add(child);
	spaces[first].alive = 0; /* becomes alive at exec */
	task_add(child, first)->started = 1;
	resume(child, PTRACE_CONT, 0);

	int exec_seen = 0;
	int exit_code = 0;
	for (;;) {
		pid_t tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR) continue;
			if (errno == ECHILD) break;
			die("waitpid");
		}
		struct task *t = task_of(tid);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (t && t->space >= 0) {
				struct space *s = &spaces[t->space];
				end_call(t->space, tid);
				for (int h = 0; h < s->n_held; h++)
					if (s->held[h] == tid) { memmove(s->held + h, s->held + h + 1, (size_t)(s->n_held - h - 1) * sizeof s->held[0]); s->n_held--; break; }
				if (--s->threads <= 0) {
					if (WIFEXITED(status)) space_end(s, "exited", WEXITSTATUS(status));
					else space_end(s, "killed", WTERMSIG(status));
				}
			}
			if (tid == child) exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			task_remove(tid);
			continue;
		}
		if (!WIFSTOPPED(status)) continue;
		int sig = WSTOPSIG(status);
		int event = (status >> 16) & 0xff;
		if (!t) {
			/* A new thread or child, seen before its parent's event: hold it. */
			t = task_add(tid, -1);
			t->started = 1;
			t->pending = 1;
			continue;
		}
		if (!t->started && sig == SIGSTOP && event == 0) {
			t->started = 1;
			resume(tid, PTRACE_CONT, 0);
			continue;
		}
		if (sig == SIGTRAP && event) {
			unsigned long msg = 0;
			ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg);
			if (event == PTRACE_EVENT_SECCOMP) {
				struct syscall_info info;
				if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof info, &info) <= 0 || info.op != SYSCALL_INFO_SECCOMP) {
					resume(tid, PTRACE_CONT, 0);
					continue;
				}
				t->nr = (long)info.seccomp.nr;
				memcpy(t->args, info.seccomp.args, sizeof t->args);
				t->in_call = 1;
				if (t->space >= 0 && spaces[t->space].alive && changes_vmas(t->nr)) {
					struct space *s = &spaces[t->space];
					/* One VMA-changing call at a time per address space, so that each
					 * snapshot holds exactly the calls before it. */
					if (s->busy && s->busy != tid && s->n_held < (int)(sizeof s->held / sizeof s->held[0])) {
						s->held[s->n_held++] = tid;
						continue;
					}
					begin_call(t);
				}
				resume(tid, PTRACE_SYSCALL, 0);
				continue;
			}
			if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
				pid_t new_tid = (pid_t)msg;
				uint64_t flags = event == PTRACE_EVENT_FORK ? 0 : event == PTRACE_EVENT_VFORK ? (CLONE_VM | CLONE_VFORK) :
						 t->nr == __NR_clone3 ? clone3_flags(tid, t->args[0]) : t->args[0];
				int sp;
				if (flags & CLONE_VM) {
					sp = t->space; /* a thread, or a vfork child until its execve */
				} else {
					sp = space_add(new_tid);
				}
				struct task *n = task_of(new_tid);
				if (!n) n = task_add(new_tid, sp);
				else { n->space = sp; if (sp >= 0) spaces[sp].threads++; }
				if (!(flags & CLONE_VM) && t->space >= 0 && spaces[t->space].alive)
					space_begin(sp, new_tid, "fork", spaces[t->space].id, (long long)seq);
				else if (!(flags & CLONE_VM)) spaces[sp].alive = 0;
				if (n->pending) { n->pending = 0; resume(new_tid, PTRACE_CONT, 0); }
				resume(tid, PTRACE_SYSCALL, 0);
				continue;
			}
			if (event == PTRACE_EVENT_EXEC) {
				/* The old image is gone: this thread group now has a new address space. */
				pid_t former = (pid_t)msg;
				if (former != tid) {
					struct task *old = task_of(former);
					if (old) { old->tid = tid; }
				}
				t = task_of(tid);
				int old_sp = t->space;
				if (old_sp >= 0 && spaces[old_sp].alive && exec_seen) {
					struct space *s = &spaces[old_sp];
					/* the execve call ends the old address space */
					t->in_call = 0;
					print_call(t, 0, 0, NULL);
					if (--s->threads <= 0 || s->pid == tid) space_end(s, "exec", 0);
				}
				int sp = (!exec_seen) ? old_sp : space_add(tid);
				if (!exec_seen) { spaces[sp].alive = 1; spaces[sp].pid = tid; }
				else spaces[sp].threads = 0;
				if (exec_seen) spaces[sp].threads++;
				t->space = sp;
				t->in_call = 0;
				exec_seen = 1;
				space_begin(sp, tid, "exec", 0, 0);
				resume(tid, PTRACE_CONT, 0);
				continue;
			}
			resume(tid, PTRACE_CONT, 0);
			continue;
		}
		if (sig == (SIGTRAP | 0x80)) {
			/* The syscall-exit stop after a seccomp stop. */
			struct syscall_info info;
			long got = t->in_call ? ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof info, &info) : 0;
			if (got > 0 && info.op == SYSCALL_INFO_ENTRY) {
				/* a kernel that reports syscall-entry after the seccomp stop: wait for the exit */
				resume(tid, PTRACE_SYSCALL, 0);
				continue;
			}
			if (got > 0 && info.op == SYSCALL_INFO_EXIT) {
				t->in_call = 0;
				if (t->space >= 0 && spaces[t->space].alive) {
					int changes_vm = changes_vmas(t->nr);
					if (t->nr == __NR_prctl && t->args[0] != PR_SET_MEMORY_MERGE && t->args[0] != 0x53564d41 /* PR_SET_VMA */ &&
					    t->args[0] != 35 /* PR_SET_MM */ && t->args[0] != 41 /* PR_SET_THP_DISABLE */ &&
					    t->args[0] != 77 /* PR_SET_MDWE */) {
						/* prctl options that cannot change the address space are not traced calls */
					} else {
						struct snapshot after = { 0 };
						if (changes_vm || (info.exit.is_error && !state_only(t->nr))) {
							spaces[t->space].resident = read_resident(tid);
							if (read_smaps(tid, &after) == 0) print_call(t, info.exit.rval, info.exit.is_error, &after);
							else print_call(t, info.exit.rval, info.exit.is_error, NULL);
						} else {
							print_call(t, info.exit.rval, info.exit.is_error, NULL);
						}
						snapshot_free(&after);
					}
				} else if (t->space >= 0 && !exec_seen && (t->nr == __NR_execve || t->nr == __NR_execveat) && info.exit.is_error) {
					/* the command itself failed to exec: reported through the pipe */
				}
			}
			free(t->fd_json);
			t->fd_json = NULL;
			if (t->space >= 0) end_call(t->space, tid);
			resume(tid, PTRACE_CONT, 0);
			continue;
		}
		/* A signal for the tracee: deliver it. A stop signal seen again after it was
		 * delivered is the group-stop itself (PTRACE_GETSIGINFO fails): just go on. */
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			siginfo_t si;
			if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0) { resume(tid, PTRACE_CONT, 0); continue; }
		}
		resume(tid, PTRACE_CONT, sig);
	}

	int child_errno = 0;
	ssize_t got = read(report[0], &child_errno, sizeof child_errno);
	if (got == (ssize_t)sizeof child_errno && !exec_seen) {
		fflush(out);
		if (child_errno < 0)
			fprintf(stderr, "tracer: prctl(PR_SET_MEMORY_MERGE) failed: %s\n", strerror(-child_errno));
		else
			fprintf(stderr, "tracer: cannot run '%s': %s\n", command[0], strerror(child_errno));
		return 2;
	}
	fprintf(out, "{\"ev\":\"end\",\"calls\":%llu,\"exitCode\":%d}\n", traced_calls, exit_code);
	if (fflush(out) != 0) die("write");
	return 0;
}
