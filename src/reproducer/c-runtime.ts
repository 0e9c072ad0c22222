/**
 * The C that every exported reproducer carries (./c-program.ts and
 * ./kselftest.ts paste it in): the window, the real backing objects, reading
 * /proc/self/smaps, and the few calls that need more than one line (a touch
 * that catches its fault, brk after moving the break into the window, a
 * kernel-placed mmap or a may-move mremap kept inside the window).
 *
 * It follows tools/kernel-recorder/recorder.c, so a reproducer and a recording
 * of the same scenario make the same calls on the same objects:
 * - the window: windowPages + 2 pages are reserved PROT_NONE, the two end pages
 *   become MAP_SHARED|MAP_ANONYMOUS PROT_NONE guards (each its own shmem file,
 *   so nothing inside can merge with anything outside) and the interior is
 *   unmapped, so a hole in the scenario is a hole in the process;
 * - mmap uses MAP_FIXED_NOREPLACE (MAP_FIXED when the step says so);
 * - a kernel-placed mmap, and a may-move mremap that cannot grow in place, go
 *   to the highest hole of the window that fits (the kernel's top-down search,
 *   confined to the window);
 * - once the window exists nothing maps memory behind the scenario's back: no
 *   malloc, no buffered stdio; output goes through write(2) from a static
 *   buffer, and smaps is read into a static buffer.
 *
 * Helpers are `static` and prefixed `vs_`, so the kselftest form can be pasted
 * into tools/testing/selftests/mm/merge.c without a clash.
 */

/** Includes and definitions for headers that predate the flags (older glibc). */
export const C_PRELUDE = String.raw`#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
#ifndef MADV_MERGEABLE
#define MADV_MERGEABLE 12
#endif
#ifndef MADV_UNMERGEABLE
#define MADV_UNMERGEABLE 13
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
#ifndef PR_SET_MM_MAP
#define PR_SET_MM_MAP 14
#endif
#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1U
#endif
`

/** The runtime proper, in sections (see runtimeFor); the scenario's own tables come after it. */
const C_RUNTIME = String.raw`#define VS_PAGE 4096UL
#ifndef VS_MAX_VMAS /* the generator sizes these for the scenario */
#define VS_MAX_VMAS 8192
#endif
#ifndef VS_SMAPS_SIZE
#define VS_SMAPS_SIZE (16 << 20)
#endif
#define VS_EXT4_MAGIC 0xEF53
#define VS_TMPFS_MAGIC 0x01021994

/* One VMA as the comparison sees it: pages from the window's base, smaps perms, VM_MERGEABLE. */
struct vs_vma {
	long start, end;
	char perms[5];
	int mg;
};

static uintptr_t vs_base; /* address of window page 0 */
static long vs_window_pages;
static struct vs_vma vs_layout[VS_MAX_VMAS];
static int vs_layout_count;
static char vs_smaps[VS_SMAPS_SIZE];

/* ---------- output without stdio (nothing may map memory behind the scenario) ---------- */

static char vs_line[4096];

static void vs_write(const char *s)
{
	size_t len = strlen(s), done = 0;
	while (done < len) {
		ssize_t n = write(1, s + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(3);
		done += (size_t)n;
	}
}

static const char *vs_errno_name(int e)
{
	static char other[32];
	switch (e) {
	case 0: return "0 (success)";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ETXTBSY: return "ETXTBSY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case EOVERFLOW: return "EOVERFLOW";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	snprintf(other, sizeof other, "errno %d", e);
	return other;
}

/* ---------- the window ---------- */

#define W(page) ((void *)(vs_base + (uintptr_t)(page) * VS_PAGE))
#define PAGES(n) ((size_t)(n) * VS_PAGE)
#define VS_RC(call) ((call) < 0 ? errno : 0) /* 0, or the errno of a call that returns -1 */

/* The first 8 KiB of a /proc file as a string (a static buffer, overwritten by the next call), or NULL. */
__attribute__((unused)) static const char *vs_read_start(const char *path)
{
	static char text[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return NULL;
	text[n] = 0;
	return text;
}

/* The first of two reasons not to run a step, or NULL (a step may have several: its files, the CPU, the huge page pool). */
__attribute__((unused)) static const char *vs_either(const char *first, const char *second)
{
	return first ? first : second;
}

/* Page 0 of the window is 2 MiB-aligned, as the kernel recorder's and the engine's default base are (huge pages, THP). */
#define VS_WINDOW_ALIGN (2UL << 20)

static const char *vs_setup_window(long pages)
{
	size_t total = (size_t)(pages + 2) * VS_PAGE + VS_WINDOW_ALIGN;
	char *reserve = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (reserve == MAP_FAILED)
		return "cannot reserve the window";
	char *base = (char *)(((uintptr_t)reserve + VS_PAGE + VS_WINDOW_ALIGN - 1) & ~(VS_WINDOW_ALIGN - 1));
	char *start_guard = base - VS_PAGE, *end_guard = base + (size_t)pages * VS_PAGE;
	if (mmap(start_guard, VS_PAGE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ||
	    mmap(end_guard, VS_PAGE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return "cannot map the guard pages";
	if (munmap(base, (size_t)pages * VS_PAGE) < 0)
		return "cannot unmap the window interior";
	/* What is left of the reservation below and above the guards goes. */
	if ((start_guard > reserve && munmap(reserve, (size_t)(start_guard - reserve)) < 0) ||
	    (end_guard + VS_PAGE < reserve + total && munmap(end_guard + VS_PAGE, (size_t)(reserve + total - (end_guard + VS_PAGE))) < 0))
		return "cannot trim the window's reservation";
	vs_base = (uintptr_t)base;
	vs_window_pages = pages;
	return NULL;
}

static unsigned long vs_hex(const char **p)
{
	unsigned long v = 0;
	for (;; (*p)++) {
		char c = **p;
		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned long)(c - 'a' + 10);
		else
			return v;
	}
}

/* Read /proc/self/smaps and keep the VMAs inside the window. Returns 0, or -1 with errno. */
static int vs_read_layout(void)
{
	int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, vs_smaps + len, VS_SMAPS_SIZE - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == VS_SMAPS_SIZE - 1) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
	}
	close(fd);
	vs_smaps[len] = 0;

	uintptr_t window_end = vs_base + (uintptr_t)vs_window_pages * VS_PAGE;
	struct vs_vma *current = NULL;
	vs_layout_count = 0;
	for (char *line = vs_smaps; *line;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = 0;
		const char *p = line;
		unsigned long start = vs_hex(&p);
		if (p != line && *p == '-') {
			p++;
			unsigned long end = vs_hex(&p);
			current = NULL;
			if (start >= vs_base && end <= window_end && vs_layout_count < VS_MAX_VMAS) {
				current = &vs_layout[vs_layout_count++];
				current->start = (long)((start - vs_base) / VS_PAGE);
				current->end = (long)((end - vs_base) / VS_PAGE);
				memcpy(current->perms, p + 1, 4);
				current->perms[4] = 0;
				current->mg = 0;
			}
		} else if (current && !strncmp(line, "VmFlags:", 8)) {
			for (const char *f = line + 8; *f; f++)
				if (f[0] == 'm' && f[1] == 'g' && f[-1] == ' ' && (f[2] == ' ' || f[2] == 0))
					current->mg = 1;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	return 0;
}

/* The VMAs of a layout as text: "[0,4) rw-p mg | [4,6) r--p". */
static void vs_describe(char *buf, size_t size, const struct vs_vma *v, int n)
{
	size_t used = 0;
	buf[0] = 0;
	if (n == 0)
		snprintf(buf, size, "(no VMAs)");
	for (int i = 0; i < n && used + 1 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s[%ld,%ld) %s%s", i ? " | " : "",
					 v[i].start, v[i].end, v[i].perms, v[i].mg ? " mg" : "");
}

/* Whether the layout read last is exactly want: range, prot, share and mg of every VMA in the window. */
static int vs_layout_is(const struct vs_vma *want, int n)
{
	if (vs_layout_count != n)
		return 0;
	for (int i = 0; i < n; i++)
		if (vs_layout[i].start != want[i].start || vs_layout[i].end != want[i].end ||
		    memcmp(vs_layout[i].perms, want[i].perms, 4) || vs_layout[i].mg != want[i].mg)
			return 0;
	return 1;
}

/* ---------- the real backing objects ---------- */

enum vs_file_type { VS_EXT4, VS_TMPFS, VS_OVERLAYFS, VS_MEMFD, VS_DEVZERO };

static char vs_ext4_dir[256], vs_tmpfs_dir[256], vs_overlay_dir[256], vs_overlay_merged[300];
static int vs_overlay_mounted;
static int vs_fd[64];
static char vs_file_reason[64][200];

static int vs_is_fs(const char *dir, long magic)
{
	struct statfs s;
	return statfs(dir, &s) == 0 && (long)s.f_type == magic;
}

static int vs_make_dir(char *buf, const char *parent)
{
	snprintf(buf, 256, "%s/vmascope-repro-XXXXXX", parent);
	return mkdtemp(buf) ? 0 : -1;
}

/* An ext4 directory: $VMASCOPE_EXT4_DIR, /tmp, /var/tmp or the current directory, the first that is ext4. */
static const char *vs_find_ext4(void)
{
	const char *candidates[] = { getenv("VMASCOPE_EXT4_DIR"), "/tmp", "/var/tmp", "." };
	for (unsigned i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
		if (candidates[i] && vs_is_fs(candidates[i], VS_EXT4_MAGIC))
			return vs_make_dir(vs_ext4_dir, candidates[i]) == 0 ? NULL : "cannot create a directory on ext4";
	return "no ext4 directory (tried $VMASCOPE_EXT4_DIR, /tmp, /var/tmp, .); set VMASCOPE_EXT4_DIR to one";
}

static int vs_open_sized(const char *dir, int index, long pages)
{
	char path[400];
	snprintf(path, sizeof path, "%s/file%d", dir, index);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0 && ftruncate(fd, (off_t)pages * (off_t)VS_PAGE) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A fresh overlay mount in a private mount namespace (needs root), so it never outlives the program. */
static const char *vs_setup_overlay(void)
{
	static char reason[200];
	char lower[300], upper[300], work[300], options[1000];
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(reason, sizeof reason, "overlayfs needs a private mount namespace (root): %s", vs_errno_name(errno));
		return reason;
	}
	if (vs_make_dir(vs_overlay_dir, "/tmp") < 0)
		return "overlayfs: cannot create a directory under /tmp";
	snprintf(lower, sizeof lower, "%s/lower", vs_overlay_dir);
	snprintf(upper, sizeof upper, "%s/upper", vs_overlay_dir);
	snprintf(work, sizeof work, "%s/work", vs_overlay_dir);
	snprintf(vs_overlay_merged, sizeof vs_overlay_merged, "%s/merged", vs_overlay_dir);
	if (mkdir(lower, 0700) || mkdir(upper, 0700) || mkdir(work, 0700) || mkdir(vs_overlay_merged, 0700))
		return "overlayfs: cannot create lower/upper/work/merged";
	snprintf(options, sizeof options, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (mount("overlay", vs_overlay_merged, "overlay", 0, options) < 0) {
		snprintf(reason, sizeof reason, "overlayfs: mount -t overlay failed: %s", vs_errno_name(errno));
		return reason;
	}
	vs_overlay_mounted = 1;
	return NULL;
}

/* /dev/shm, if it is a tmpfs. */
static const char *vs_setup_tmpfs(void)
{
	return vs_is_fs("/dev/shm", VS_TMPFS_MAGIC) && vs_make_dir(vs_tmpfs_dir, "/dev/shm") == 0 ? NULL : "/dev/shm is not a writable tmpfs";
}

/* The directory files of an ext4, tmpfs or overlayfs type go in, set up on first use; NULL with the reason in *problem. */
static const char *vs_dir_of(enum vs_file_type type, const char **problem)
{
	static const char *(*const setup[])(void) = { vs_find_ext4, vs_setup_tmpfs, vs_setup_overlay };
	static const char *const dirs[] = { vs_ext4_dir, vs_tmpfs_dir, vs_overlay_merged };
	static const char *problems[3];
	static int tried[3];
	if (!tried[type]) {
		tried[type] = 1;
		problems[type] = setup[type]();
	}
	*problem = problems[type];
	return problems[type] ? NULL : dirs[type];
}

/* Open backing file index; returns the fd, or -1 with the reason in vs_file_reason[index]. */
static int vs_open_backing(int index, enum vs_file_type type, long pages)
{
	char *reason = vs_file_reason[index];
	const char *dir, *problem;
	int fd = -1;
	switch (type) {
	case VS_EXT4:
	case VS_TMPFS:
	case VS_OVERLAYFS:
		dir = vs_dir_of(type, &problem);
		if (!dir) {
			snprintf(reason, 200, "%s", problem);
			return -1;
		}
		fd = vs_open_sized(dir, index, pages);
		break;
	case VS_MEMFD: {
		char name[32];
		snprintf(name, sizeof name, "vmascope%d", index);
		fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, (off_t)pages * (off_t)VS_PAGE) < 0) {
			close(fd);
			fd = -1;
		}
		break;
	}
	case VS_DEVZERO:
		fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
		break;
	}
	if (fd < 0)
		snprintf(reason, 200, "cannot open backing file %d: %s", index, vs_errno_name(errno));
	return fd;
}

static void vs_remove_tree(const char *dir)
{
	static const char *names[] = { "", "/lower", "/upper", "/work", "/merged" };
	char path[400];
	for (int i = 0; i < 64; i++) {
		snprintf(path, sizeof path, "%s/file%d", dir, i);
		unlink(path);
		snprintf(path, sizeof path, "%s/upper/file%d", dir, i);
		unlink(path);
	}
	for (int i = 4; i >= 0; i--) {
		snprintf(path, sizeof path, "%s%s", dir, names[i]);
		rmdir(path);
	}
	snprintf(path, sizeof path, "%s/work/work", dir);
	rmdir(path);
	rmdir(dir);
}

/* Called once, by the last process (the child after a fork). */
static void vs_cleanup(void)
{
	if (vs_overlay_mounted)
		umount2(vs_overlay_merged, MNT_DETACH);
	if (vs_ext4_dir[0])
		vs_remove_tree(vs_ext4_dir);
	if (vs_tmpfs_dir[0])
		vs_remove_tree(vs_tmpfs_dir);
	if (vs_overlay_dir[0]) {
		char work[320];
		snprintf(work, sizeof work, "%s/work/work", vs_overlay_dir);
		rmdir(work);
		vs_remove_tree(vs_overlay_dir);
	}
}

/* ---------- the program break ---------- */

struct vs_mm_map { /* struct prctl_mm_map of <linux/prctl.h> */
	uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t *auxv;
	uint32_t auxv_size, exe_fd;
};

static long vs_brk_base = -1;
static const char *vs_brk_problem = "the scenario has no brkBase";

/*
 * Move the break to window page page. The single-field PR_SET_MM forms need
 * CAP_SYS_RESOURCE; PR_SET_MM_MAP (the fields of /proc/self/stat) needs
 * CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN, which a container's root often has instead.
 */
static const char *vs_setup_brk(long page)
{
	static char reason[200], stat[4096];
	unsigned long addr = (unsigned long)W(page);
	vs_brk_base = page;
	if (prctl(PR_SET_MM, PR_SET_MM_BRK, addr, 0, 0) == 0 && prctl(PR_SET_MM, PR_SET_MM_START_BRK, addr, 0, 0) == 0)
		return NULL;
	int single_field_errno = errno;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, stat, sizeof stat - 1);
	if (fd >= 0)
		close(fd);
	char *p = n > 0 ? (stat[n] = 0, strrchr(stat, ')')) : NULL;
	if (!p)
		return "cannot read /proc/self/stat to move the break";
	unsigned long field[64] = { 0 };
	p += 2;
	while (*p && *p != ' ')
		p++;
	for (int i = 4; i < 64 && *p; i++)
		field[i] = strtoul(p, &p, 10);
	struct vs_mm_map map = {
		.start_code = field[26], .end_code = field[27], .start_stack = field[28],
		.start_data = field[45], .end_data = field[46], .start_brk = addr, .brk = addr,
		.arg_start = field[48], .arg_end = field[49], .env_start = field[50], .env_end = field[51],
		.auxv = NULL, .auxv_size = 0, .exe_fd = (uint32_t)-1,
	};
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&map, sizeof map, 0) == 0)
		return NULL;
	snprintf(reason, sizeof reason, "cannot move the break into the window: PR_SET_MM_BRK %s, PR_SET_MM_MAP %s (needs root)",
		 vs_errno_name(single_field_errno), vs_errno_name(errno));
	return reason;
}

/* brk(base + pages): the raw system call returns the new break, or the old one when refused (libc's ENOMEM). */
static int vs_brk(long pages)
{
	unsigned long want = (unsigned long)W(vs_brk_base + pages);
	return (unsigned long)syscall(SYS_brk, want) == want ? 0 : ENOMEM;
}

/* ---------- mmap and mremap answers ---------- */

/* mmap's answer as an errno: 0 when it mapped exactly at want; a mapping elsewhere is removed. */
static int vs_mapped(void *got, void *want, long pages)
{
	if (got == MAP_FAILED)
		return errno;
	if (got != want) {
		munmap(got, PAGES(pages));
		return EEXIST;
	}
	return 0;
}

/* ---------- touch ---------- */

static sigjmp_buf vs_touch_jump;
static volatile sig_atomic_t vs_touching;

static void vs_on_fault(int sig)
{
	if (vs_touching)
		siglongjmp(vs_touch_jump, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read or write one byte per page; a fault (SIGSEGV/SIGBUS) is EFAULT. */
static int vs_touch(long at, long pages, int write_access)
{
	volatile char *p = W(at);
	volatile long i;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = vs_on_fault;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(vs_touch_jump, 1)) {
		vs_touching = 0;
		return EFAULT;
	}
	vs_touching = 1;
	for (i = 0; i < pages; i++) {
		if (write_access)
			p[i * (long)VS_PAGE] = 1;
		else
			(void)p[i * (long)VS_PAGE];
	}
	vs_touching = 0;
	return 0;
}

/* ---------- kernel placement ---------- */

/* Highest hole of the window (top-down) that fits pages, from the layout read last; -1 if none. */
static long vs_highest_hole(long pages)
{
	long hole_end = vs_window_pages;
	for (int i = vs_layout_count - 1; i >= -1; i--) {
		long hole_start = i >= 0 ? vs_layout[i].end : 0;
		if (hole_end - hole_start >= pages)
			return hole_end - pages;
		if (i >= 0)
			hole_end = vs_layout[i].start;
	}
	return -1;
}

/* ---------- kernel-placed mmap ---------- */

/* Where a kernel-placed mmap goes: the highest hole of the window that fits (NULL), or why there is none. */
static const char *vs_place(long *at, long pages)
{
	if (vs_read_layout() < 0)
		return "cannot read /proc/self/smaps";
	*at = vs_highest_hole(pages);
	return *at < 0 ? "no hole in the window fits; a real kernel would place the mapping outside it" : NULL;
}

/* ---------- mremap that may move ---------- */

/* mremap that may move: in place first; if it cannot grow there, to the highest hole of the window that fits. */
static int vs_mremap_may_move(long at, long pages, long new_pages, long *moved_to)
{
	void *got = mremap(W(at), PAGES(pages), PAGES(new_pages), 0);
	*moved_to = at;
	if (got != MAP_FAILED)
		return 0;
	if (errno != ENOMEM)
		return errno;
	if (vs_read_layout() < 0)
		return errno;
	long to = vs_highest_hole(new_pages);
	if (to < 0)
		return ENOMEM;
	got = mremap(W(at), PAGES(pages), PAGES(new_pages), MREMAP_MAYMOVE | MREMAP_FIXED, W(to));
	*moved_to = to;
	return got == MAP_FAILED ? errno : 0;
}

/* ---------- protection keys ---------- */

/*
 * The scenario names the kind of CPU it was written for (machine.protectionKeys): an
 * execute-only mapping is readable only without protection keys (execute_only_pkey(),
 * arch_vma_access_permitted()). The kernel tells: smaps prints a "ProtectionKey:" line for
 * every VMA when it uses them. (Not pkey_alloc(): without keys it leaks key 0, so the
 * scenario's own pkey_alloc() would answer ENOSPC instead of EINVAL.)
 */
static const char *vs_keys_problem(int want)
{
	static int have = -1;
	if (have < 0) {
		const char *head = vs_read_start("/proc/self/smaps");
		if (!head)
			return "cannot read /proc/self/smaps to tell whether this CPU has protection keys";
		have = strstr(head, "\nProtectionKey:") != NULL;
	}
	if (have == want)
		return NULL;
	return want ? "the scenario assumes a CPU with protection keys; this one has none (smaps has no ProtectionKey: lines)"
		    : "the scenario assumes a CPU without protection keys; this one has them (smaps has ProtectionKey: lines)";
}

/* ---------- huge pages ---------- */

/* MAP_HUGETLB steps are predicted for an empty huge page pool (nr_hugepages 0); /proc/meminfo says. */
static const char *vs_huge_pages_problem(void)
{
	const char *text = vs_read_start("/proc/meminfo");
	if (!text)
		return "cannot read /proc/meminfo to see the free huge pages";
	const char *at = strstr(text, "HugePages_Free:");
	if (!at)
		return "/proc/meminfo has no HugePages_Free line";
	return strtol(at + 15, NULL, 10) == 0 ? NULL : "MAP_HUGETLB: the profile assumes no free huge pages; this machine has some (HugePages_Free)";
}

/* ---------- SysV shared memory ---------- */

#define VS_MAX_SEGMENTS 256
static int vs_shm_ids[VS_MAX_SEGMENTS]; /* by the scenario's segment index: the shmid shmget returned, or -1 */
static long vs_shm_count;

static void vs_shm_remove(void)
{
	for (long i = 0; i < vs_shm_count; i++)
		if (vs_shm_ids[i] >= 0)
			shmctl(vs_shm_ids[i], IPC_RMID, NULL);
}

/*
 * Segments go in an IPC namespace of the program's own where it may make one (root), so no
 * segment of the machine's is found by key and all go with the program; otherwise they are
 * removed at exit.
 */
static void vs_shm_setup(long segments)
{
	vs_shm_count = segments;
	for (long i = 0; i < segments; i++)
		vs_shm_ids[i] = -1;
	if (unshare(CLONE_NEWIPC) != 0)
		atexit(vs_shm_remove);
}

static int vs_shmget(long segment, long key, long pages, int exclusive)
{
	int id = shmget((key_t)key, PAGES(pages), IPC_CREAT | 0700 | (exclusive ? IPC_EXCL : 0));
	if (id < 0)
		return errno;
	vs_shm_ids[segment] = id;
	return 0;
}

/* shmat at page at plus offset bytes (at -1: the address is offset alone); a segment no shmget made is shmid -1, EINVAL. */
static int vs_shmat(long segment, long at, long offset, int flags)
{
	char *addr = at >= 0 ? (char *)W(at) + offset : (char *)(uintptr_t)offset;
	return shmat(vs_shm_ids[segment], addr, flags) == (void *)-1 ? errno : 0;
}

/* ---------- fork ---------- */

/* fork(): the parent waits and leaves with the child's status; the rest runs in the child. Returns errno. */
static int vs_fork_and_follow_child(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid > 0) {
		int status = 0;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			vs_cleanup(); /* the child could not clean up after itself */
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 4);
	}
	return 0;
}
`

export type RuntimeSection = 'files' | 'brk' | 'answers' | 'touch' | 'placement' | 'placed-mmap' | 'mremap-may-move' | 'keys' | 'huge-pages' | 'shm' | 'fork'

const SECTION_TITLES: Record<RuntimeSection, string> = {
  files: 'the real backing objects',
  brk: 'the program break',
  answers: 'mmap and mremap answers',
  touch: 'touch',
  placement: 'kernel placement',
  'placed-mmap': 'kernel-placed mmap',
  'mremap-may-move': 'mremap that may move',
  keys: 'protection keys',
  'huge-pages': 'huge pages',
  shm: 'SysV shared memory',
  fork: 'fork',
}

const CLEANUP_STUB = `/* ---------- cleanup ---------- */

static void vs_cleanup(void)
{
	/* no backing files to remove */
}
`

/** The runtime with only the optional sections a program uses (gcc -Werror refuses unused static functions). */
export function runtimeFor(needs: ReadonlySet<RuntimeSection>): string {
  const parts = C_RUNTIME.split(/^(?=\/\* ---------- .+ ---------- \*\/$)/m)
  const optional = new Map(Object.entries(SECTION_TITLES).map(([k, title]) => [title, k as RuntimeSection]))
  return parts
    .map((part) => {
      const title = /^\/\* ---------- (.+) ---------- \*\//.exec(part)?.[1]
      const section = title === undefined ? undefined : optional.get(title)
      if (section === undefined || needs.has(section)) return part
      return section === 'files' ? CLEANUP_STUB : ''
    })
    .join('')
}
