/*
 * recorder.c: run a vmascope scenario on the real kernel and print the VMAs
 * inside the scenario's window after every step.
 *
 * Input (stdin): a line-based script that src/fidelity/kernel-recorder.ts
 * writes from a validated scenario (see README.md for the grammar). Output
 * (stdout): one "step" line per step, one "vma" line per VMA inside the window
 * (read from /proc/self/smaps), then "end". Tab-separated.
 *
 * The window: windowPages+2 pages at the scenario's base (or a 2 MiB-aligned
 * address the recorder picks); the interior is unmapped and the two end pages
 * become MAP_SHARED|MAP_ANONYMOUS PROT_NONE guards (each its own shmem file), so
 * nothing inside the window can merge with anything outside it. Page k of the
 * scenario is base + k*4096. Every other gap of the address space is then
 * filled with PROT_NONE, so that the kernel's own placement (mmap without an
 * address, mremap with MREMAP_MAYMOVE) can only choose the window: placement is
 * the real kernel's, THP alignment included, and "no room" is a real ENOMEM.
 *
 * Real means real: every backing is the object the scenario names (an ext4 file
 * on ext4, checked with statfs; memfd_secret; a perf event; an io_uring), or the
 * step is reported unsupported with the reason. A smaller vm.max_map_count is
 * reproduced by using up VMAs outside the window, never by changing the sysctl.
 *
 * Once the window exists the program must not map anything by itself: no
 * malloc, no stdio. Output goes through write(2) from static buffers and
 * smaps is read with open/read into a static buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef PR_SET_MM
#define PR_SET_MM 35
#endif
#ifndef PR_SET_MM_START_BRK
#define PR_SET_MM_START_BRK 6
#endif
#ifndef PR_SET_MM_BRK
#define PR_SET_MM_BRK 7
#endif

#define PAGE 4096UL
#define MAX_STEPS 4096
#define MAX_FILES 64
#define MAX_SEGMENTS 256
#define MAX_VMAS 65536
#define MAX_WORDS 16
#define INPUT_SIZE (1 << 20)
#define SMAPS_SIZE (192 << 20) /* bss: pages are touched only as far as smaps fills them */
#define EXT4_SUPER_MAGIC 0xEF53
#define TMPFS_MAGIC 0x01021994
#define PMD_BYTES (2UL << 20)
#define OUT_SIZE (1 << 16)

/* ---------- script model ---------- */

enum op { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MADVISE, OP_PRCTL, OP_BRK, OP_TOUCH, OP_FORK, OP_MREMAP, OP_MLOCK, OP_MUNLOCK, OP_MLOCKALL, OP_MUNLOCKALL, OP_MSEAL, OP_PKEY_MPROTECT, OP_PKEY_ALLOC, OP_PKEY_FREE, OP_SHMGET, OP_SHMAT, OP_SHMDT, OP_UNSUPPORTED };
static const char *const op_names[] = { "mmap", "munmap", "mprotect", "madvise", "prctl", "brk", "touch", "fork", "mremap", "mlock", "munlock", "mlockall", "munlockall", "mseal", "pkey_mprotect", "pkey_alloc", "pkey_free", "shmget", "shmat", "shmdt", "unsupported" };

struct step {
	int index;
	enum op op;
	long at, pages, new_pages, to, file, pgoff, value;
	int prot, shared, write, may_move, dont_unmap, map_flags;
	long segment, offset; /* shmget/shmat: the scenario segment's index; shmat/shmdt: bytes past the page */
	const char *reason; /* OP_UNSUPPORTED, or a file that could not be set up */
};

enum file_type { F_EXT4, F_TMPFS, F_OVERLAYFS, F_MEMFD, F_DEVZERO, F_SECRETMEM, F_PERF, F_IOURING };

struct backing_file {
	enum file_type type;
	long size_pages;
	int fd;
	const char *unavailable; /* why it could not be set up, or NULL */
};

static char input[INPUT_SIZE];
static struct step steps[MAX_STEPS];
static int step_count;
static struct backing_file files[MAX_FILES];
static int file_count;
static long window_pages = -1;
static long brk_base = -1;
static uintptr_t wanted_base; /* "base" line: where page 0 must be; 0 = the recorder picks a 2 MiB-aligned one */
static long max_map_count = -1; /* "maxmapcount" line: the scenario's vm.max_map_count */
/* SysV segments by the scenario's segment index: the shmid shmget returned (-1: none yet), and the size asked for. */
static int shm_ids[MAX_SEGMENTS];
static long shm_pages[MAX_SEGMENTS];
static const char *ipc_problem; /* why there is no private IPC namespace for the shm steps, or NULL */

/* ---------- output without stdio ---------- */

static char out[OUT_SIZE];
static size_t out_len;

static void flush_out(void)
{
	size_t done = 0;
	while (done < out_len) {
		ssize_t n = write(1, out + done, out_len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			_exit(3);
		}
		done += (size_t)n;
	}
	out_len = 0;
}

static void put(const char *s)
{
	while (*s) {
		if (out_len == OUT_SIZE)
			flush_out();
		out[out_len++] = *s++;
	}
}

static void put_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (out_len == OUT_SIZE)
			flush_out();
		out[out_len++] = s[i];
	}
}

static void put_long(long v)
{
	char tmp[24];
	int i = 0;
	unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
	if (v < 0)
		put("-");
	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (i)
		put_n(&tmp[--i], 1);
}

static void put_hex(unsigned long v)
{
	char tmp[20];
	int i = 0;
	do {
		tmp[i++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	put("0x");
	while (i)
		put_n(&tmp[--i], 1);
}

static const char *errno_name(int e)
{
	const char *name = strerrorname_np(e);
	return name ? name : "EUNKNOWN";
}

static void die_setup(const char *what, int e)
{
	put("fatal\t");
	put(what);
	if (e) {
		put(": ");
		put(errno_name(e));
	}
	put("\n");
	flush_out();
	exit(2);
}

/* ---------- parsing the script (before the window exists) ---------- */

static int split_words(char *line, char **words)
{
	int n = 0;
	char *p = line;
	while (*p && n < MAX_WORDS) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
	return n;
}

static long number(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		die_setup("bad number in script", 0);
	return v;
}

static int parse_prot(const char *s)
{
	if (strlen(s) != 3)
		die_setup("bad prot in script", 0);
	return (s[0] == 'r' ? PROT_READ : 0) | (s[1] == 'w' ? PROT_WRITE : 0) | (s[2] == 'x' ? PROT_EXEC : 0);
}

static int parse_map_flag(const char *s)
{
	if (!strcmp(s, "MAP_NORESERVE"))
		return MAP_NORESERVE;
	if (!strcmp(s, "MAP_POPULATE"))
		return MAP_POPULATE;
	if (!strcmp(s, "MAP_LOCKED"))
		return MAP_LOCKED;
	if (!strcmp(s, "MAP_DROPPABLE"))
		return MAP_DROPPABLE;
	if (!strcmp(s, "MAP_FIXED"))
		return MAP_FIXED;
	if (!strcmp(s, "MAP_STACK"))
		return MAP_STACK;
	if (!strcmp(s, "MAP_GROWSDOWN"))
		return MAP_GROWSDOWN;
	if (!strcmp(s, "MAP_HUGETLB"))
		return MAP_HUGETLB; /* of anonymous memory (the recorder ORs MAP_ANONYMOUS); the default 2 MiB size */
	if (!strcmp(s, "MAP_SHARED_VALIDATE"))
		return MAP_SHARED_VALIDATE; /* 0x03: OR'd with the share type it is the map type MAP_SHARED_VALIDATE */
	die_setup("unknown map flag in script", 0);
	return 0;
}

static char text_pool[INPUT_SIZE];
static size_t text_pool_len;

static const char *keep_text(const char *s)
{
	size_t n = strlen(s) + 1;
	if (text_pool_len + n > sizeof text_pool)
		die_setup("script text too long", 0);
	char *copy = memcpy(text_pool + text_pool_len, s, n);
	text_pool_len += n;
	return copy;
}

static void parse_step(char **w, int n, const char *rest_of_line)
{
	if (step_count == MAX_STEPS)
		die_setup("too many steps", 0);
	struct step *s = &steps[step_count++];
	memset(s, 0, sizeof *s);
	s->index = (int)number(w[1]);
	s->to = -1;
	s->file = -1;
	const char *op = w[2];
	if (!strcmp(op, "mmap") && n >= 9) {
		s->op = OP_MMAP;
		s->at = number(w[3]);
		s->pages = number(w[4]);
		s->prot = parse_prot(w[5]);
		s->shared = !strcmp(w[6], "shared");
		s->file = number(w[7]);
		s->pgoff = number(w[8]);
		for (int i = 9; i < n; i++)
			s->map_flags |= parse_map_flag(w[i]);
		if (s->file >= file_count)
			die_setup("mmap names an unknown file index", 0);
	} else if (!strcmp(op, "munmap") && n == 5) {
		s->op = OP_MUNMAP;
		s->at = number(w[3]);
		s->pages = number(w[4]);
	} else if (!strcmp(op, "mprotect") && n == 6) {
		s->op = OP_MPROTECT;
		s->at = number(w[3]);
		s->pages = number(w[4]);
		s->prot = parse_prot(w[5]);
	} else if (!strcmp(op, "madvise") && n == 6) {
		s->op = OP_MADVISE;
		s->at = number(w[3]);
		s->pages = number(w[4]);
		s->value = number(w[5]);
	} else if (!strcmp(op, "mlock") && n == 6) {
		s->op = OP_MLOCK;
		s->at = number(w[3]);
		s->pages = number(w[4]);
		s->value = number(w[5]); /* 1: mlock2(MLOCK_ONFAULT) */
	} else if (!strcmp(op, "munlock") && n == 5) {
		s->op = OP_MUNLOCK;
		s->at = number(w[3]);
		s->pages = number(w[4]);
	} else if (!strcmp(op, "mlockall") && n == 4) {
		s->op = OP_MLOCKALL;
		s->value = number(w[3]); /* MCL_* bits */
	} else if (!strcmp(op, "munlockall") && n == 3) {
		s->op = OP_MUNLOCKALL;
	} else if (!strcmp(op, "mseal") && n == 5) {
		s->op = OP_MSEAL;
		s->at = number(w[3]);
		s->pages = number(w[4]);
	} else if (!strcmp(op, "pkey_mprotect") && n == 7) {
		s->op = OP_PKEY_MPROTECT;
		s->at = number(w[3]);
		s->pages = number(w[4]);
		s->prot = parse_prot(w[5]);
		s->value = number(w[6]); /* the key */
	} else if (!strcmp(op, "pkey_alloc") && n == 3) {
		s->op = OP_PKEY_ALLOC;
	} else if (!strcmp(op, "pkey_free") && n == 4) {
		s->op = OP_PKEY_FREE;
		s->value = number(w[3]);
	} else if (!strcmp(op, "prctl") && n == 5) {
		s->op = OP_PRCTL;
		s->at = number(w[3]); /* the option number */
		s->value = number(w[4]);
	} else if (!strcmp(op, "brk") && n == 4) {
		s->op = OP_BRK;
		s->pages = number(w[3]);
	} else if (!strcmp(op, "touch") && n == 6) {
		s->op = OP_TOUCH;
		s->at = number(w[3]);
		s->pages = number(w[4]);
		s->write = (int)number(w[5]);
	} else if (!strcmp(op, "fork") && n == 3) {
		s->op = OP_FORK;
	} else if (!strcmp(op, "mremap") && (n == 8 || n == 9)) {
		s->op = OP_MREMAP;
		s->at = number(w[3]);
		s->pages = number(w[4]);
		s->new_pages = number(w[5]);
		s->to = number(w[6]);
		s->may_move = (int)number(w[7]);
		s->dont_unmap = n == 9 && number(w[8]);
	} else if (!strcmp(op, "shmget") && n == 7) {
		s->op = OP_SHMGET;
		s->segment = number(w[3]);
		s->value = number(w[4]); /* the key */
		s->pages = number(w[5]);
		s->may_move = (int)number(w[6]); /* IPC_EXCL */
		if (s->segment < 0 || s->segment >= MAX_SEGMENTS)
			die_setup("shmget names a segment index out of range", 0);
	} else if (!strcmp(op, "shmat") && n == 7) {
		s->op = OP_SHMAT;
		s->segment = number(w[3]);
		s->at = number(w[4]); /* -1: NULL, the kernel places it */
		s->offset = number(w[5]);
		s->value = number(w[6]); /* SHM_* bits */
		if (s->segment < 0 || s->segment >= MAX_SEGMENTS)
			die_setup("shmat names a segment index out of range", 0);
	} else if (!strcmp(op, "shmdt") && n == 5) {
		s->op = OP_SHMDT;
		s->at = number(w[3]);
		s->offset = number(w[4]);
	} else if (!strcmp(op, "unsupported")) {
		s->op = OP_UNSUPPORTED;
		s->reason = rest_of_line;
	} else {
		die_setup("bad step line in script", 0);
	}
}

static void parse_script(void)
{
	size_t len = 0;
	for (;;) {
		ssize_t n = read(0, input + len, INPUT_SIZE - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_setup("read stdin", errno);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == INPUT_SIZE - 1)
			die_setup("script too long", 0);
	}
	input[len] = 0;
	char *line = input;
	while (line && *line) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char *words[MAX_WORDS];
		/* "unsupported" keeps the rest of its line as the reason */
		const char *reason = NULL;
		char *marker = strstr(line, " unsupported ");
		if (marker)
			reason = keep_text(marker + strlen(" unsupported "));
		int n = split_words(line, words);
		if (n == 0) {
			line = next;
			continue;
		}
		if (!strcmp(words[0], "window") && n == 2) {
			window_pages = number(words[1]);
		} else if (!strcmp(words[0], "brkbase") && n == 2) {
			brk_base = number(words[1]);
		} else if (!strcmp(words[0], "base") && n == 2) {
			wanted_base = (uintptr_t)strtoull(words[1], NULL, 16);
		} else if (!strcmp(words[0], "maxmapcount") && n == 2) {
			max_map_count = number(words[1]);
		} else if (!strcmp(words[0], "file") && n == 4) {
			if (file_count == MAX_FILES)
				die_setup("too many files", 0);
			struct backing_file *f = &files[file_count++];
			const char *t = words[1];
			f->type = !strcmp(t, "ext4") ? F_EXT4 : !strcmp(t, "tmpfs") ? F_TMPFS
				: !strcmp(t, "overlayfs") ? F_OVERLAYFS : !strcmp(t, "memfd") ? F_MEMFD
				: !strcmp(t, "devzero") ? F_DEVZERO : !strcmp(t, "secretmem") ? F_SECRETMEM
				: !strcmp(t, "perf") ? F_PERF : !strcmp(t, "io_uring") ? F_IOURING
				: (die_setup("unknown file type", 0), F_EXT4);
			f->size_pages = number(words[2]);
			f->fd = -1;
			(void)words[3]; /* a display name; the file itself is named by index */
		} else if (!strcmp(words[0], "step") && n >= 3) {
			parse_step(words, n, reason ? reason : "");
		} else {
			die_setup("bad line in script", 0);
		}
		line = next;
	}
	if (window_pages <= 0)
		die_setup("script has no window line", 0);
}

/* ---------- backing files ---------- */

static char ext4_dir[256], tmpfs_dir[256], overlay_dir[256], overlay_merged[320];
static int overlay_mounted;

static int make_temp_dir(char *buf, const char *parent)
{
	snprintf(buf, 256, "%s/vmascope-recorder-XXXXXX", parent);
	return mkdtemp(buf) ? 0 : -1;
}

/*
 * A directory on the file system the scenario names, or NULL with the reason: the
 * recorder never stands in another file system for the one a scenario names.
 */
static const char *dir_on(char *buf, long magic, const char *what, const char *const *parents)
{
	static char reason[300];
	size_t used = 0;
	reason[0] = 0;
	for (int i = 0; parents[i] && used < sizeof reason - 1; i++) {
		struct statfs st;
		if (statfs(parents[i], &st) == 0 && (long)st.f_type == magic) {
			if (make_temp_dir(buf, parents[i]) == 0)
				return NULL;
			used += (size_t)snprintf(reason + used, sizeof reason - used, "%s%s: cannot create a temp dir", used ? "; " : "", parents[i]);
		} else if (used < sizeof reason) {
			used += (size_t)snprintf(reason + used, sizeof reason - used, "%s%s is not %s", used ? "; " : "", parents[i], what);
		}
	}
	return reason;
}

static const char *const EXT4_PARENTS[] = { "/tmp", "/var/tmp", "/root", NULL };
static const char *const TMPFS_PARENTS[] = { "/dev/shm", "/run", NULL };

static int open_sized(const char *dir, int index, long pages)
{
	char path[400];
	snprintf(path, sizeof path, "%s/file%d", dir, index);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)pages * (off_t)PAGE) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static const char *setup_overlay(void)
{
	static char reason[200];
	char lower[300], upper[300], work[300], options[1000];
	const char *no_ext4 = dir_on(overlay_dir, EXT4_SUPER_MAGIC, "ext4", EXT4_PARENTS);
	if (no_ext4) {
		snprintf(reason, sizeof reason, "overlayfs over ext4: no ext4 directory (%s)", no_ext4);
		return reason;
	}
	snprintf(lower, sizeof lower, "%s/lower", overlay_dir);
	snprintf(upper, sizeof upper, "%s/upper", overlay_dir);
	snprintf(work, sizeof work, "%s/work", overlay_dir);
	snprintf(overlay_merged, sizeof overlay_merged, "%s/merged", overlay_dir);
	if (mkdir(lower, 0700) || mkdir(upper, 0700) || mkdir(work, 0700) || mkdir(overlay_merged, 0700))
		return "overlayfs: cannot create lower/upper/work/merged";
	snprintf(options, sizeof options, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (mount("overlay", overlay_merged, "overlay", 0, options) < 0) {
		snprintf(reason, sizeof reason, "overlayfs: mount -t overlay failed: %s", errno_name(errno));
		return reason;
	}
	overlay_mounted = 1;
	return NULL;
}

static void setup_files(void)
{
	const char *overlay_problem = NULL;
	int overlay_tried = 0;
	for (int i = 0; i < file_count; i++) {
		struct backing_file *f = &files[i];
		static char reasons[MAX_FILES][160];
		switch (f->type) {
		case F_EXT4:
		case F_TMPFS: {
			char *dir = f->type == F_EXT4 ? ext4_dir : tmpfs_dir;
			static const char *dir_problem[2];
			static int dir_tried[2];
			int k = f->type == F_EXT4 ? 0 : 1;
			if (!dir_tried[k]) {
				dir_tried[k] = 1;
				dir_problem[k] = k == 0 ? dir_on(dir, EXT4_SUPER_MAGIC, "ext4", EXT4_PARENTS)
							: dir_on(dir, TMPFS_MAGIC, "tmpfs", TMPFS_PARENTS);
			}
			if (dir_problem[k]) {
				snprintf(reasons[i], sizeof reasons[i], "no %s directory to put the file in (%s)", k == 0 ? "ext4" : "tmpfs", dir_problem[k]);
				f->unavailable = reasons[i];
				continue;
			}
			f->fd = open_sized(dir, i, f->size_pages);
			break;
		}
		case F_SECRETMEM:
			f->fd = (int)syscall(SYS_memfd_secret, (unsigned long)O_CLOEXEC);
			if (f->fd >= 0 && ftruncate(f->fd, (off_t)f->size_pages * (off_t)PAGE) < 0) {
				close(f->fd);
				f->fd = -1;
			}
			break;
		case F_PERF: {
			/* A software dummy event on this process: its fd maps the ring buffer (perf_mmap). */
			struct perf_event_attr attr;
			memset(&attr, 0, sizeof attr);
			attr.size = sizeof attr;
			attr.type = PERF_TYPE_SOFTWARE;
			attr.config = PERF_COUNT_SW_DUMMY;
			attr.disabled = 1;
			f->fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
			break;
		}
		case F_IOURING: {
			/*
			 * A ring of 32 entries, as the format documents it: the SQ/CQ ring and the SQE array
			 * are one page each. (From 256 entries up, 6.18 refuses to map the SQE array: EFAULT.)
			 */
			struct io_uring_params params;
			memset(&params, 0, sizeof params);
			unsigned entries = 32;
			f->fd = (int)syscall(SYS_io_uring_setup, entries, &params);
			break;
		}
		case F_OVERLAYFS:
			if (!overlay_tried) {
				overlay_tried = 1;
				overlay_problem = setup_overlay();
			}
			if (overlay_problem) {
				f->unavailable = overlay_problem;
				continue;
			}
			f->fd = open_sized(overlay_merged, i, f->size_pages);
			break;
		case F_MEMFD: {
			char name[32];
			snprintf(name, sizeof name, "vmascope%d", i);
			f->fd = memfd_create(name, MFD_CLOEXEC);
			if (f->fd >= 0 && ftruncate(f->fd, (off_t)f->size_pages * (off_t)PAGE) < 0) {
				close(f->fd);
				f->fd = -1;
			}
			break;
		}
		case F_DEVZERO:
			f->fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
			break;
		}
		if (f->fd < 0) {
			snprintf(reasons[i], sizeof reasons[i], "cannot open backing file %d: %s", i, errno_name(errno));
			f->unavailable = reasons[i];
		}
	}
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Idempotent: the last process to finish calls it; calling it twice is harmless. */
static void cleanup(void)
{
	for (int i = 0; i < file_count; i++)
		if (files[i].fd >= 0) {
			close(files[i].fd);
			files[i].fd = -1;
		}
	if (overlay_mounted) {
		umount2(overlay_merged, MNT_DETACH);
		overlay_mounted = 0;
	}
	const char *dirs[] = { ext4_dir, tmpfs_dir, overlay_dir };
	for (int i = 0; i < 3; i++)
		if (dirs[i][0])
			nftw(dirs[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---------- the window and its layout ---------- */

static uintptr_t base; /* address of window page 0 */
static long result_page = -1; /* where the last mmap/mremap put its range, in window pages */
static char smaps[SMAPS_SIZE];

struct vma {
	long start, end; /* window pages */
	const char *perms; /* 4 chars, in smaps */
	const char *offset; size_t offset_len; /* hex, in smaps */
	const char *path; size_t path_len;
	const char *flags; size_t flags_len;
	long anon_kb;
	long pkey; /* smaps "ProtectionKey:", 0 where smaps has no such line */
};
static struct vma layout[MAX_VMAS];
static int layout_count;

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static unsigned long parse_hex(const char **p)
{
	unsigned long v = 0;
	while (is_hex(**p)) {
		char c = **p;
		v = v * 16 + (unsigned long)(c <= '9' ? c - '0' : c - 'a' + 10);
		(*p)++;
	}
	return v;
}

static long parse_dec(const char *p)
{
	long v = 0;
	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	return v;
}

/* Read a /proc file whole into the smaps buffer (NUL-terminated); returns its length. */
static size_t read_proc(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_setup(path, errno);
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, smaps + len, SMAPS_SIZE - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_setup(path, errno);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == SMAPS_SIZE - 1)
			die_setup("a /proc file larger than the buffer", 0);
	}
	close(fd);
	smaps[len] = 0;
	return len;
}

/* Read /proc/self/smaps and keep the VMAs inside the window. */
static void read_layout(void)
{
	read_proc("/proc/self/smaps");

	uintptr_t window_end = base + (uintptr_t)window_pages * PAGE;
	layout_count = 0;
	struct vma *current = NULL;
	char *line = smaps;
	while (*line) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = 0;
		const char *p = line;
		unsigned long start = parse_hex(&p);
		if (p != line && *p == '-') {
			p++;
			unsigned long end = parse_hex(&p);
			current = NULL;
			if (start >= base && end <= window_end) {
				if (layout_count == MAX_VMAS)
					die_setup("too many VMAs in the window", 0);
				current = &layout[layout_count++];
				current->start = (long)((start - base) / PAGE);
				current->end = (long)((end - base) / PAGE);
				p++; /* space */
				current->perms = p;
				p += 5;
				current->offset = p;
				while (*p && *p != ' ')
					p++;
				current->offset_len = (size_t)(p - current->offset);
				p++;
				while (*p && *p != ' ') /* dev */
					p++;
				p++;
				while (*p && *p != ' ') /* inode */
					p++;
				while (*p == ' ')
					p++;
				current->path = p;
				current->path_len = strlen(p);
				current->flags = "";
				current->flags_len = 0;
				current->anon_kb = 0;
				current->pkey = 0;
			}
		} else if (current && !strncmp(line, "VmFlags:", 8)) {
			const char *f = line + 8;
			while (*f == ' ')
				f++;
			size_t n = strlen(f);
			while (n && f[n - 1] == ' ')
				n--;
			current->flags = f;
			current->flags_len = n;
		} else if (current && !strncmp(line, "Anonymous:", 10)) {
			current->anon_kb = parse_dec(line + 10);
		} else if (current && !strncmp(line, "ProtectionKey:", 14)) {
			current->pkey = parse_dec(line + 14);
		}
		if (!eol)
			break;
		line = eol + 1;
	}
}

static void *page_addr(long page)
{
	return (void *)(base + (uintptr_t)page * PAGE);
}

/*
 * Nothing outside the window exists for a scenario, and nothing outside it may be
 * touched (the guards, the process's own mappings). Ranges that leave the window
 * are answered as the window's edge would answer them (see run_step).
 */
static int leaves_window(long at, long pages)
{
	return at < 0 || pages < 0 || at > window_pages || pages > window_pages - at;
}

static const char *step_unsupported; /* set by run_step when it refuses a step */

/*
 * The window: windowPages + 2 pages, page 0 at the scenario's base (the "base" line) or,
 * without one, at an address the recorder picks that is 2 MiB-aligned (the engine assumes
 * an aligned base: it decides where the kernel puts THP-aligned mappings). The interior is
 * unmapped and the two end pages become MAP_SHARED|MAP_ANONYMOUS PROT_NONE guards.
 */
static void setup_window(void)
{
	size_t total = (size_t)(window_pages + 2) * PAGE;
	char *reserve;
	if (wanted_base) {
		reserve = mmap((void *)(wanted_base - PAGE), total, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		if (reserve == MAP_FAILED)
			die_setup("reserve the window at the scenario's base (it is taken, or outside the address space)", errno);
	} else {
		char *wide = mmap(NULL, total + PMD_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (wide == MAP_FAILED)
			die_setup("reserve the window", errno);
		uintptr_t page0 = ((uintptr_t)wide + PAGE + PMD_BYTES - 1) & ~(PMD_BYTES - 1);
		reserve = (char *)(page0 - PAGE);
		if (reserve > wide)
			munmap(wide, (size_t)(reserve - wide));
		char *wide_end = wide + total + PMD_BYTES;
		if (reserve + total < wide_end)
			munmap(reserve + total, (size_t)(wide_end - (reserve + total)));
	}
	char *end_guard = reserve + (window_pages + 1) * PAGE;
	if (mmap(reserve, PAGE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ||
	    mmap(end_guard, PAGE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		die_setup("map the guard pages", errno);
	if (munmap(reserve + PAGE, (size_t)window_pages * PAGE) < 0)
		die_setup("unmap the window interior", errno);
	base = (uintptr_t)(reserve + PAGE);
}

static long read_long_file(const char *path, long fallback)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fallback;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return fallback;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static uintptr_t biggest_fill_start, biggest_fill_end; /* set by fill_outside_window() */

/* The process's VMAs from /proc/self/maps: start, end, growsdown ([stack]). */
struct span { uintptr_t start, end; int stack; };
static struct span spans[4096];

static int read_spans(void)
{
	read_proc("/proc/self/maps");
	int count = 0;
	for (char *line = smaps; *line && count < 4096;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = 0;
		const char *p = line;
		uintptr_t a = parse_hex(&p);
		if (*p == '-') {
			p++;
			uintptr_t b = parse_hex(&p);
			spans[count].start = a;
			spans[count].end = b;
			spans[count].stack = strstr(line, "[stack]") != NULL;
			count++;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	return count;
}

/*
 * Make the window the only free memory of the process, so that the kernel's own
 * placement (mmap without an address, mremap with MREMAP_MAYMOVE) has nowhere else
 * to go: every gap of the user address space outside the window is filled with a
 * PROT_NONE reservation, except the stack guard gap. A call that finds no room in
 * the window then fails for real (ENOMEM), as the engine says it does.
 */
static void fill_outside_window(void)
{
	const uintptr_t task_size = 0x7ffffffff000UL; /* DEFAULT_MAP_WINDOW: 47 bits */
	const uintptr_t guard_gap = 256 * PAGE; /* stack_guard_gap */
	uintptr_t low = PAGE;
	int count = read_spans();
	for (int i = 0; i <= count; i++) {
		uintptr_t gap_start = i == 0 ? low : spans[i - 1].end;
		uintptr_t gap_end = i == count ? task_size : spans[i].start;
		if (i < count && spans[i].stack)
			gap_end = gap_end > gap_start + guard_gap ? gap_end - guard_gap : gap_start;
		if (gap_end > task_size)
			gap_end = task_size;
		if (gap_start >= gap_end)
			continue;
		if (gap_start == base && gap_end == base + (uintptr_t)window_pages * PAGE)
			continue; /* the window itself */
		void *got = mmap((void *)gap_start, gap_end - gap_start, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		if (got == MAP_FAILED && i == 0) {
			/* Below mmap_min_addr (no CAP_SYS_RAWIO): the kernel cannot place anything there either. */
			uintptr_t min = (uintptr_t)read_long_file("/proc/sys/vm/mmap_min_addr", 65536);
			if (min < gap_end)
				got = mmap((void *)min, gap_end - min, PROT_NONE,
					   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		}
		if (got == MAP_FAILED)
			die_setup("fill the address space outside the window", errno);
		if (gap_end - (uintptr_t)got > biggest_fill_end - biggest_fill_start) {
			biggest_fill_start = (uintptr_t)got;
			biggest_fill_end = gap_end;
		}
	}
}

/* mm->map_count: the VMAs of /proc/self/maps ([vsyscall] is not one). */
static long map_count_now(void)
{
	size_t len = read_proc("/proc/self/maps");
	long lines = 0;
	int vsyscall = 0;
	for (size_t i = 0; i < len; i++)
		if (smaps[i] == '\n')
			lines++;
	vsyscall = strstr(smaps, "[vsyscall]") != NULL;
	return lines - vsyscall;
}

static const char *map_count_problem;

/*
 * vm.max_map_count is one machine-wide sysctl, which the recorder does not change.
 * A smaller limit for this process is reproduced for real instead: VMAs outside the
 * window use up the difference, so that the window has exactly maxMapCount VMAs to
 * spend, as the engine counts them. Each spender is a one-page MAP_SHARED|MAP_ANONYMOUS
 * mapping (its own shmem file, so it never merges) laid over the top end of the largest
 * filled gap: each one adds exactly one VMA.
 */
static void spend_map_count(void)
{
	if (max_map_count < 0)
		return;
	static char reason[240];
	long limit = read_long_file("/proc/sys/vm/max_map_count", 65530);
	long outside = map_count_now();
	long extra = limit - max_map_count - outside;
	if (extra < 0) {
		snprintf(reason, sizeof reason, "maxMapCount %ld needs vm.max_map_count >= %ld (this process has %ld VMAs outside the window), but this machine has %ld; the recorder does not change a machine-wide sysctl",
			 max_map_count, max_map_count + outside, outside, limit);
		map_count_problem = reason;
		return;
	}
	if ((uintptr_t)extra * PAGE >= biggest_fill_end - biggest_fill_start)
		die_setup("no filled gap is large enough to spend map_count in", 0);
	for (long k = 1; k <= extra; k++) {
		void *at = (void *)(biggest_fill_end - (uintptr_t)k * PAGE);
		if (mmap(at, PAGE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			die_setup("spend map_count outside the window", errno);
	}
	long have = map_count_now();
	if (have != limit - max_map_count) {
		static char what[160];
		snprintf(what, sizeof what, "could not use up exactly the map_count outside the window (%ld VMAs, want %ld, spent %ld)", have, limit - max_map_count, extra);
		die_setup(what, 0);
	}
}

/* A /proc/meminfo field ("HugePages_Free:"), -1 when it cannot be read. */
static long meminfo_value(const char *field)
{
	static char text[8192];
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = 0;
	const char *at = strstr(text, field);
	return at ? strtol(at + strlen(field), NULL, 10) : -1;
}

/* Protection keys: smaps prints a "ProtectionKey:" line for every VMA when the kernel uses them. */
static int protection_keys(void)
{
	int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	static char head[8192];
	ssize_t n = read(fd, head, sizeof head - 1);
	close(fd);
	if (n <= 0)
		return 0;
	head[n] = 0;
	return strstr(head, "\nProtectionKey:") != NULL;
}

/* struct prctl_mm_map of <linux/prctl.h>, spelled out to avoid header clashes. */
struct mm_map {
	uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t *auxv;
	uint32_t auxv_size, exe_fd;
};
#define SET_MM_MAP 14

/* Fill every field from /proc/self/stat (fields 26-28, 45-51) and the current break. */
static int read_mm_map(struct mm_map *map)
{
	static char stat[4096];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, stat, sizeof stat - 1);
	close(fd);
	if (n <= 0)
		return -1;
	stat[n] = 0;
	char *p = strrchr(stat, ')');
	if (!p)
		return -1;
	p += 2; /* field 3, the state letter, starts here */
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	unsigned long field[64] = { 0 };
	for (int i = 4; i < 64 && *p; i++) {
		field[i] = strtoul(p, &p, 10);
		while (*p == ' ')
			p++;
	}
	memset(map, 0, sizeof *map);
	map->start_code = field[26];
	map->end_code = field[27];
	map->start_stack = field[28];
	map->start_data = field[45];
	map->end_data = field[46];
	map->start_brk = field[47];
	map->arg_start = field[48];
	map->arg_end = field[49];
	map->env_start = field[50];
	map->env_end = field[51];
	map->brk = (uint64_t)syscall(SYS_brk, 0UL);
	map->auxv = NULL;
	map->auxv_size = 0; /* 0 = leave the saved auxv alone */
	map->exe_fd = (uint32_t)-1;
	return 0;
}

/*
 * Move the program break into the window. The single-field PR_SET_MM forms need
 * CAP_SYS_RESOURCE; PR_SET_MM_MAP needs only CAP_CHECKPOINT_RESTORE (or
 * CAP_SYS_ADMIN), which a container's root often has instead.
 */
static const char *setup_brk(void)
{
	static char reason[200];
	if (brk_base < 0)
		return NULL;
	unsigned long addr = (unsigned long)page_addr(brk_base);
	/* brk first: start_brk <= brk must hold after each single-field change. */
	if (prctl(PR_SET_MM, PR_SET_MM_BRK, addr, 0, 0) == 0 &&
	    prctl(PR_SET_MM, PR_SET_MM_START_BRK, addr, 0, 0) == 0)
		return NULL;
	int single_field_errno = errno;
	struct mm_map map;
	if (read_mm_map(&map) < 0) {
		snprintf(reason, sizeof reason, "cannot read /proc/self/stat to move the break");
		return reason;
	}
	map.start_brk = addr;
	map.brk = addr;
	if (prctl(PR_SET_MM, SET_MM_MAP, (unsigned long)&map, sizeof map, 0) == 0)
		return NULL;
	snprintf(reason, sizeof reason, "cannot move the break: PR_SET_MM_BRK %s, PR_SET_MM_MAP %s",
		 errno_name(single_field_errno), errno_name(errno));
	return reason;
}

/* ---------- running the steps ---------- */

static sigjmp_buf touch_jump;
static volatile sig_atomic_t touching;

static void on_fault(int sig)
{
	if (touching)
		siglongjmp(touch_jump, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run_touch(const struct step *s)
{
	volatile char *p = page_addr(s->at);
	volatile long i;
	if (sigsetjmp(touch_jump, 1)) {
		touching = 0;
		return EFAULT;
	}
	touching = 1;
	for (i = 0; i < s->pages; i++) {
		if (s->at + i >= window_pages) {
			touching = 0;
			return EFAULT; /* outside the window: nothing is mapped there */
		}
		if (s->write)
			p[i * (long)PAGE] = 1;
		else
			(void)p[i * (long)PAGE];
	}
	touching = 0;
	return 0;
}

/* A page the kernel chose, in window pages; a choice outside the window means the fill failed. */
static long window_page_of(void *got)
{
	uintptr_t a = (uintptr_t)got;
	if (a < base || a >= base + (uintptr_t)window_pages * PAGE)
		die_setup("the kernel placed a mapping outside the window (the fill left a gap)", 0);
	return (long)((a - base) / PAGE);
}

static int run_mmap(const struct step *s)
{
	long at = s->at;
	if (at < 0) {
		/* Kernel placement, for real: the window is the only free memory of the process. */
		int type = s->shared ? MAP_SHARED : (s->map_flags & MAP_DROPPABLE) ? 0 : MAP_PRIVATE;
		int flags = (s->map_flags & ~MAP_FIXED) | type | (s->file >= 0 ? 0 : MAP_ANONYMOUS);
		void *got = mmap(NULL, (size_t)s->pages * PAGE, s->prot, flags, s->file >= 0 ? files[s->file].fd : -1,
				 (off_t)s->pgoff * (off_t)PAGE);
		if (got == MAP_FAILED)
			return errno;
		result_page = window_page_of(got);
		return 0;
	}
	if (s->pages > 0 && leaves_window(at, s->pages)) {
		if (s->map_flags & MAP_FIXED) {
			step_unsupported = "MAP_FIXED range leaves the window";
			return -1;
		}
		return EEXIST; /* the end guard is in the way */
	}
	int flags = s->map_flags & ~MAP_FIXED;
	/*
	 * MAP_DROPPABLE is a map type of its own: a private droppable mapping is
	 * MAP_DROPPABLE alone; shared + droppable stays MAP_SHARED|MAP_DROPPABLE,
	 * which the kernel refuses (EINVAL), as it would refuse that call.
	 */
	int type = s->shared ? MAP_SHARED : (s->map_flags & MAP_DROPPABLE) ? 0 : MAP_PRIVATE;
	flags |= type;
	flags |= (s->map_flags & MAP_FIXED) ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	int fd = -1;
	if (s->file >= 0)
		fd = files[s->file].fd;
	else
		flags |= MAP_ANONYMOUS;
	void *want = page_addr(at);
	void *got = mmap(want, (size_t)s->pages * PAGE, s->prot, flags, fd, (off_t)s->pgoff * (off_t)PAGE);
	if (got == MAP_FAILED)
		return errno;
	if (got != want) { /* cannot happen with MAP_FIXED*; never leave a stray mapping */
		munmap(got, (size_t)s->pages * PAGE);
		return EEXIST;
	}
	result_page = at;
	return 0;
}

static int run_brk(const struct step *s)
{
	unsigned long want = (unsigned long)page_addr(brk_base + s->pages);
	unsigned long got = (unsigned long)syscall(SYS_brk, want);
	return got == want ? 0 : ENOMEM;
}

static int run_mremap(const struct step *s)
{
	void *old = page_addr(s->at);
	size_t old_size = (size_t)s->pages * PAGE, new_size = (size_t)s->new_pages * PAGE;
	void *got;
	if (s->to >= 0 && leaves_window(s->to, s->new_pages)) {
		step_unsupported = "mremap destination leaves the window";
		return -1;
	}
	if (s->dont_unmap) {
		/* MREMAP_DONTUNMAP: the kernel checks the flags and lengths itself (EINVAL); the source must lie in the window. */
		if ((s->pages > 0 && leaves_window(s->at, s->pages)) || s->at >= window_pages) {
			step_unsupported = "MREMAP_DONTUNMAP with a source past the window";
			return -1;
		}
		int flags = MREMAP_DONTUNMAP | (s->may_move || s->to >= 0 ? MREMAP_MAYMOVE : 0) | (s->to >= 0 ? MREMAP_FIXED : 0);
		got = mremap(old, old_size, new_size, flags, s->to >= 0 ? page_addr(s->to) : NULL);
		if (got == MAP_FAILED)
			return errno;
		result_page = window_page_of(got);
		return 0;
	}
	if ((s->pages > 0 && leaves_window(s->at, s->pages)) || s->at >= window_pages) {
		/*
		 * The part past the window is a hole (and an old_len of 0 past the edge
		 * names nothing). A resize needs one VMA, so a hole
		 * is EFAULT; a same-size MREMAP_FIXED move (6.17+: several VMAs, holes
		 * allowed) moves the part inside, and the whole destination is freed.
		 */
		/* check_mremap_params() refuses an overlapping destination before it looks at any VMA. */
		if (s->to >= 0 && s->new_pages > 0 && s->to < s->at + s->pages && s->at < s->to + s->new_pages)
			return EINVAL;
		if (s->at >= window_pages)
			return EFAULT;
		if (s->to < 0 && s->new_pages <= s->pages) {
			/*
			 * Same size or smaller, in place: the kernel only unmaps the tail
			 * (no boundary check on a shrink), and the tail past the edge is a
			 * hole. Do the part inside the window.
			 */
			size_t inside_old = (size_t)(window_pages - s->at) * PAGE;
			size_t inside_new = new_size < inside_old ? new_size : inside_old;
			got = mremap(old, inside_old, inside_new, 0);
			if (got == MAP_FAILED)
				return errno;
			result_page = s->at;
			return 0;
		}
		if (s->to >= 0 && s->new_pages < s->pages) {
			/*
			 * A shrink with a move: the kernel unmaps the tail first (a hole past
			 * the edge), then moves what is left, which must now lie in one VMA.
			 */
			size_t inside_old = (size_t)(window_pages - s->at) * PAGE;
			if (new_size > inside_old)
				return EFAULT;
			if (new_size == inside_old) {
				/* A real call would be a resize (checked as one VMA), a clipped one a multi-VMA move. */
				step_unsupported = "mremap shrinking to exactly the window's edge while moving";
				return -1;
			}
			got = mremap(old, inside_old, new_size, MREMAP_MAYMOVE | MREMAP_FIXED, page_addr(s->to));
			if (got == MAP_FAILED)
				return errno;
			result_page = s->to;
			return 0;
		}
		if (s->to < 0 || s->pages != s->new_pages)
			return EFAULT;
		size_t inside = (size_t)(window_pages - s->at) * PAGE;
		got = mremap(old, inside, inside, MREMAP_MAYMOVE | MREMAP_FIXED, page_addr(s->to));
		if (got == MAP_FAILED)
			return errno;
		result_page = s->to;
		return 0;
	}
	if (s->to >= 0) {
		got = mremap(old, old_size, new_size, MREMAP_MAYMOVE | MREMAP_FIXED, page_addr(s->to));
	} else {
		/* MREMAP_MAYMOVE: where it goes is the kernel's choice, inside the window (the only free memory). */
		got = mremap(old, old_size, new_size, s->may_move ? MREMAP_MAYMOVE : 0);
	}
	if (got == MAP_FAILED)
		return errno;
	result_page = window_page_of(got);
	return 0;
}

/*
 * SysV shared memory (ipc/shm.c), in the recorder's own IPC namespace (main()), so no segment of
 * the machine's is found by key and every segment goes when the recorder's processes exit.
 */
static int run_shmget(const struct step *s)
{
	int id = shmget((key_t)s->value, (size_t)s->pages * PAGE, IPC_CREAT | 0700 | (s->may_move ? IPC_EXCL : 0));
	if (id < 0)
		return errno;
	shm_ids[s->segment] = id;
	if (s->pages > shm_pages[s->segment])
		shm_pages[s->segment] = s->pages;
	return 0;
}

static int run_shmat(const struct step *s)
{
	if (s->at >= 0 && (s->value & SHM_REMAP) && s->at + shm_pages[s->segment] > window_pages) {
		step_unsupported = "shmat SHM_REMAP of a range that leaves the window";
		return -1;
	}
	/* do_shmat() rounds such an address down to 0 and still asks for MAP_FIXED: outside any window. */
	if ((s->value & SHM_RND) && s->offset && !(s->value & SHM_REMAP) && (s->at < 0 || page_addr(s->at) == 0)) {
		step_unsupported = "shmat SHM_RND of an address in the first page: a fixed mapping at address 0";
		return -1;
	}
	/* A segment no shmget made: shmat(-1, ...) is EINVAL ("if (shmid < 0) goto out"). */
	char *addr = s->at >= 0 ? (char *)page_addr(s->at) + s->offset : (char *)(uintptr_t)s->offset;
	void *got = shmat(shm_ids[s->segment], addr, (int)s->value);
	if (got == (void *)-1)
		return errno;
	result_page = window_page_of(got);
	return 0;
}

static int run_step(const struct step *s, int *is_child)
{
	int r;
	switch (s->op) {
	case OP_MMAP:
		return run_mmap(s);
	case OP_MUNMAP:
		/* Unmapping what does not exist is not an error: clip to the window. */
		if (s->pages > 0 && leaves_window(s->at, s->pages)) {
			if (s->at >= window_pages)
				return 0;
			return munmap(page_addr(s->at), (size_t)(window_pages - s->at) * PAGE) < 0 ? errno : 0;
		}
		return munmap(page_addr(s->at), (size_t)s->pages * PAGE) < 0 ? errno : 0;
	case OP_MPROTECT:
	case OP_MADVISE:
	case OP_MLOCK:
	case OP_MUNLOCK: {
		/* Past the window is a hole: the part inside is processed, then ENOMEM. */
		long pages = s->pages;
		int clipped = s->pages > 0 && leaves_window(s->at, s->pages);
		if (clipped) {
			if (s->at >= window_pages)
				return ENOMEM;
			pages = window_pages - s->at;
		}
		void *addr = page_addr(s->at);
		size_t len = (size_t)pages * PAGE;
		int rc = s->op == OP_MPROTECT ? mprotect(addr, len, s->prot)
			 : s->op == OP_MADVISE ? madvise(addr, len, (int)s->value)
			 : s->op == OP_MUNLOCK ? munlock(addr, len)
			 : s->value ? (int)syscall(SYS_mlock2, addr, len, 1 /* MLOCK_ONFAULT */)
			 : mlock(addr, len);
		if (rc < 0)
			return errno;
		return clipped ? ENOMEM : 0;
	}
	case OP_PKEY_MPROTECT: {
		/*
		 * do_mprotect_pkey() refuses a key that is not allocated (EINVAL) before it looks at
		 * any VMA; past the window is a hole, so the part inside is processed, then ENOMEM.
		 */
		long pages = s->pages;
		int clipped = s->pages > 0 && leaves_window(s->at, s->pages);
		if (clipped) {
			if (s->at >= window_pages) {
				step_unsupported = "pkey_mprotect of a range that starts past the window";
				return -1;
			}
			pages = window_pages - s->at;
		}
		if (syscall(SYS_pkey_mprotect, page_addr(s->at), (size_t)pages * PAGE, s->prot, (int)s->value) < 0)
			return errno;
		return clipped ? ENOMEM : 0;
	}
	case OP_PKEY_ALLOC:
		/* pkey_alloc(0, 0): the key it returns is the lowest free one; the VMAs do not change. */
		return syscall(SYS_pkey_alloc, 0UL, 0UL) < 0 ? errno : 0;
	case OP_PKEY_FREE:
		return syscall(SYS_pkey_free, (int)s->value) < 0 ? errno : 0;
	case OP_MLOCKALL:
		/* The whole process: the window and everything outside it (the fills fail to populate, PROT_NONE, which mm_populate ignores). */
		return mlockall((int)s->value) < 0 ? errno : 0;
	case OP_MUNLOCKALL:
		return munlockall() < 0 ? errno : 0;
	case OP_MSEAL:
		/* do_mseal() checks the whole range before it seals anything: past the window is a hole, ENOMEM. */
		if (s->pages > 0 && leaves_window(s->at, s->pages))
			return ENOMEM;
		return syscall(462 /* mseal */, page_addr(s->at), (size_t)s->pages * PAGE, 0UL) < 0 ? errno : 0;
	case OP_PRCTL:
		return prctl((int)s->at, (unsigned long)s->value, 0UL, 0UL, 0UL) < 0 ? errno : 0;
	case OP_BRK:
		return run_brk(s);
	case OP_TOUCH:
		return run_touch(s);
	case OP_FORK: {
		flush_out();
		pid_t pid = fork();
		if (pid < 0)
			return errno;
		if (pid > 0) {
			int status = 0;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				cleanup(); /* the child could not clean up after itself */
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 4);
		}
		*is_child = 1;
		return 0;
	}
	case OP_MREMAP:
		r = run_mremap(s);
		return r;
	case OP_SHMGET:
		return run_shmget(s);
	case OP_SHMAT:
		return run_shmat(s);
	case OP_SHMDT:
		return shmdt((char *)page_addr(s->at) + s->offset) < 0 ? errno : 0;
	case OP_UNSUPPORTED:
		return -1;
	}
	return -1;
}

static void print_layout(void)
{
	for (int i = 0; i < layout_count; i++) {
		const struct vma *v = &layout[i];
		put("vma\t");
		put_long(v->start);
		put("\t");
		put_long(v->end);
		put("\t");
		put_n(v->perms, 4);
		put("\t");
		put_n(v->offset, v->offset_len);
		put("\t");
		put_long(v->anon_kb);
		put("\t");
		put_n(v->flags, v->flags_len);
		put("\t");
		put_n(v->path, v->path_len);
		put("\n");
		if (v->pkey) { /* the VMA's VM_PKEY_BIT* (smaps prints no mnemonic for them) */
			put("pkey\t");
			put_long(v->pkey);
			put("\n");
		}
	}
}

int main(void)
{
	parse_script();

	struct utsname u;
	if (uname(&u) < 0)
		die_setup("uname", errno);

	/* A private mount namespace, so an overlay mount never outlives us. */
	if (unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	/* A private IPC namespace for SysV shared memory: empty, and gone with our last process. */
	for (int i = 0; i < MAX_SEGMENTS; i++)
		shm_ids[i] = -1;
	if (unshare(CLONE_NEWIPC) != 0)
		ipc_problem = "no private IPC namespace (unshare(CLONE_NEWIPC) needs root) for SysV shared memory";

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	/*
	 * RLIMIT_STACK as the engine assumes it, 8 MiB (what a shell and the kernel's _STK_LIM give):
	 * acct_stack_growth() holds a growing VM_GROWSDOWN VMA to it. Left alone if the hard limit is lower.
	 */
	struct rlimit stack_limit;
	if (getrlimit(RLIMIT_STACK, &stack_limit) == 0 && stack_limit.rlim_max >= (rlim_t)8 << 20) {
		stack_limit.rlim_cur = (rlim_t)8 << 20;
		setrlimit(RLIMIT_STACK, &stack_limit);
	}
	/*
	 * RLIMIT_AS and RLIMIT_DATA unlimited, as the engine assumes (the format has no limits): then
	 * may_expand_vm() refuses nothing, not a growth nor an MREMAP_DONTUNMAP move, whose source stays
	 * (mremap_to(): "MREMAP_DONTUNMAP expands by old_len"). The reservations outside the window count
	 * in total_vm, so any RLIMIT_AS would be met at once. Left alone if the hard limit is lower.
	 */
	static const int unlimited[] = { RLIMIT_AS, RLIMIT_DATA };
	for (unsigned i = 0; i < sizeof unlimited / sizeof unlimited[0]; i++) {
		struct rlimit limit;
		if (getrlimit(unlimited[i], &limit) == 0 && limit.rlim_max == RLIM_INFINITY) {
			limit.rlim_cur = RLIM_INFINITY;
			setrlimit(unlimited[i], &limit);
		}
	}

	setup_files();
	setup_window();
	const char *brk_problem = setup_brk();
	int pkeys = protection_keys();
	long huge_pages_free = meminfo_value("HugePages_Free:");
	fill_outside_window();
	spend_map_count();

	/* From here on: no malloc, no stdio. */
	put("kernel\t");
	put(u.release);
	put("\nbase\t");
	put_hex(base);
	put("\nmachine\tprotectionKeys\t");
	put(pkeys ? "1" : "0");
	put("\nmachine\thugePagesFree\t");
	put_long(huge_pages_free);
	put("\n");
	if (map_count_problem) {
		put("refused\t");
		put(map_count_problem);
		put("\ndone\n");
		flush_out();
		cleanup();
		return 0;
	}
	flush_out();

	int is_child = 0;
	int first = 0;
	/*
	 * Steps numbered 0 build the scenario's initial address space
	 * (src/fidelity/initial-setup.ts); one that fails refuses the whole
	 * scenario. Then the window is printed once, as "initial".
	 */
	for (; first < step_count && steps[first].index == 0; first++) {
		const struct step *s = &steps[first];
		const char *why = s->op == OP_UNSUPPORTED || s->op == OP_FORK ? "not a setup call" : NULL;
		if (!why && s->op == OP_MMAP && s->file >= 0)
			why = files[s->file].unavailable;
		if (!why && s->op == OP_BRK)
			why = brk_base < 0 ? "brk needs brkBase" : brk_problem;
		step_unsupported = NULL;
		int err = why ? 0 : run_step(s, &is_child);
		if (step_unsupported)
			why = step_unsupported;
		if (why || err) {
			put("refused\tinitial: ");
			put(op_names[s->op]);
			put(" at page ");
			put_long(s->at);
			put(", made to build the initial VMAs, failed: ");
			put(why ? why : errno_name(err));
			put("\ndone\n");
			flush_out();
			cleanup();
			return 0;
		}
	}
	if (first > 0) {
		read_layout();
		put("initial\n");
		print_layout();
		put("end\n");
		flush_out();
	}
	for (int i = first; i < step_count; i++) {
		const struct step *s = &steps[i];
		const char *unsupported = s->op == OP_UNSUPPORTED ? s->reason : NULL;
		if (!unsupported && s->op == OP_MMAP && s->file >= 0)
			unsupported = files[s->file].unavailable;
		if (!unsupported && s->op == OP_BRK)
			unsupported = brk_base < 0 ? "brk needs brkBase" : brk_problem;
		if (!unsupported && (s->op == OP_SHMGET || s->op == OP_SHMAT || s->op == OP_SHMDT))
			unsupported = ipc_problem;
		result_page = -1;
		step_unsupported = NULL;
		int err = unsupported ? 0 : run_step(s, &is_child);
		if (step_unsupported)
			unsupported = step_unsupported;
		read_layout();
		put("step\t");
		put_long(s->index);
		put(is_child ? "\tchild\t" : "\tparent\t");
		if (unsupported) {
			put("UNSUPPORTED\t");
			put(unsupported);
		} else {
			put(err ? errno_name(err) : "OK");
			if (!err && result_page >= 0) {
				put("\t");
				put_long(result_page);
			}
		}
		put("\n");
		print_layout();
		put("end\n");
		flush_out();
	}
	put("done\n");
	flush_out();
	cleanup();
	return 0;
}
