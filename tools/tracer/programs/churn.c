/* Maps and unmaps thousands of regions: anonymous, file-backed and shared,
 * with mprotect splits and merges in between. Used by the tracer's tests. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define N 1200

int main(int argc, char **argv)
{
	const long page = 4096;
	char path[] = "/tmp/vmascope-churn-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 64 * page) < 0) return 1;
	unlink(path);
	static char *maps[N];
	for (int i = 0; i < N; i++) {
		int kind = i % 3;
		if (kind == 0) maps[i] = mmap(NULL, (i % 7 + 1) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		else if (kind == 1) maps[i] = mmap(NULL, 4 * page, PROT_READ, MAP_PRIVATE, fd, (i % 16) * page);
		else maps[i] = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (maps[i] == MAP_FAILED) return 2;
		if (kind == 0 && i % 2 == 0) maps[i][0] = 1; /* a write fault: an anon_vma */
		if (kind == 0 && i % 5 == 0) mprotect(maps[i], page, PROT_READ);
		if (i % 4 == 3) {
			munmap(maps[i - 1], (i - 1) % 3 == 1 ? 4 * page : (i - 1) % 3 == 2 ? 2 * page : page);
			maps[i - 1] = NULL;
		}
	}
	for (int i = 0; i < N; i += 3)
		if (maps[i]) mprotect(maps[i], page, PROT_READ | PROT_WRITE);
	(void)argc; (void)argv;
	return 0;
}
