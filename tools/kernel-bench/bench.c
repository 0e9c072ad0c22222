/*
 * kernel-bench: times the system calls of vmascope's bench workloads on the
 * running kernel, for `npm run bench -- --vs-kernel` (src/cli/bench.ts).
 *
 *   bench WORKLOAD COUNT     WORKLOAD: mmap-merge | mmap-nomerge | mprotect-split
 *
 * It reserves a hole of 2*COUNT+16 pages (mmap PROT_NONE, then munmap), then
 * issues the same calls the simulated scenario makes, each at a fixed address
 * inside the hole with MAP_FIXED_NOREPLACE:
 *   mmap-merge      COUNT one-page anonymous rw- private mappings, each right
 *                   after the last (each merges with its predecessor);
 *   mmap-nomerge    the same with prot alternating rw- and r-- (no merges);
 *   mprotect-split  one 2*COUNT-page rw- mapping, then mprotect(r--) of pages
 *                   1, 3, 5, … (2*COUNT VMAs in the end).
 * The calls are timed with CLOCK_MONOTONIC. It then counts the VMAs inside the
 * hole from /proc/self/maps (untimed) and prints one JSON line:
 *   {"workload":"…","count":N,"calls":C,"usPerCall":F,"vmas":V}
 * Exit status 1 (with a message on stderr) if a call fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static long page_size;

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what, long i)
{
	fprintf(stderr, "kernel-bench: %s (call %ld) failed: %s\n", what, i, strerror(errno));
	exit(1);
}

static void map_page_run(char *base, long first_page, long pages, int prot, long call)
{
	char *want = base + first_page * page_size;
	void *got = mmap(want, pages * page_size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (got == MAP_FAILED)
		die("mmap", call);
	if (got != want) {
		errno = EEXIST; /* pre-4.17 kernels ignore MAP_FIXED_NOREPLACE and place it elsewhere */
		die("mmap at the requested address", call);
	}
}

/* VMAs of /proc/self/maps that lie inside [lo, hi). */
static long count_vmas(uintptr_t lo, uintptr_t hi)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[512];
	long n = 0;

	if (!maps)
		die("fopen /proc/self/maps", 0);
	while (fgets(line, sizeof(line), maps)) {
		unsigned long start, end;
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start >= lo && end <= hi)
			n++;
	}
	fclose(maps);
	return n;
}

int main(int argc, char **argv)
{
	const char *workload;
	long count, window, calls = 0;
	char *base;
	double start, elapsed;

	if (argc != 3) {
		fprintf(stderr, "usage: %s mmap-merge|mmap-nomerge|mprotect-split COUNT\n", argv[0]);
		return 2;
	}
	workload = argv[1];
	count = strtol(argv[2], NULL, 10);
	if (count <= 0) {
		fprintf(stderr, "kernel-bench: COUNT must be a positive number\n");
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	window = 2 * count + 16;

	/* Find a hole big enough, then give it back: the calls below land in it. */
	base = mmap(NULL, window * page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		die("reserve", 0);
	if (munmap(base, window * page_size))
		die("release", 0);

	if (!strcmp(workload, "mmap-merge") || !strcmp(workload, "mmap-nomerge")) {
		int alternate = !strcmp(workload, "mmap-nomerge");
		start = now_us();
		for (long i = 0; i < count; i++, calls++) {
			int prot = (alternate && (i & 1)) ? PROT_READ : PROT_READ | PROT_WRITE;
			map_page_run(base, i, 1, prot, i);
		}
		elapsed = now_us() - start;
	} else if (!strcmp(workload, "mprotect-split")) {
		start = now_us();
		map_page_run(base, 0, 2 * count, PROT_READ | PROT_WRITE, 0);
		calls++;
		for (long i = 0; i < count; i++, calls++) {
			if (mprotect(base + (2 * i + 1) * page_size, page_size, PROT_READ))
				die("mprotect", i + 1);
		}
		elapsed = now_us() - start;
	} else {
		fprintf(stderr, "kernel-bench: unknown workload \"%s\"\n", workload);
		return 2;
	}

	printf("{\"workload\":\"%s\",\"count\":%ld,\"calls\":%ld,\"usPerCall\":%.4f,\"vmas\":%ld}\n",
	       workload, count, calls, elapsed / calls, count_vmas((uintptr_t)base, (uintptr_t)(base + window * page_size)));
	return 0;
}
