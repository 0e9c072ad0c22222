/* SysV shared memory the way programs use it: private segments attached where the kernel
 * chooses and at a chosen address, read-only and executable attaches, an attach next to
 * anonymous memory, a piece made read-only, detaches of split attaches, and a fork child that
 * attaches and detaches on its own. Used by the tracer's tests. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096L

int main(void)
{
	int a = shmget(IPC_PRIVATE, 8 * PAGE, IPC_CREAT | 0600);
	int b = shmget(IPC_PRIVATE, 3 * PAGE + 100, IPC_CREAT | 0600);
	if (a < 0 || b < 0)
		return 1;
	/* Where the kernel chooses, twice: two attaches of one segment never merge. */
	char *p = shmat(a, NULL, 0);
	char *q = shmat(a, NULL, SHM_RDONLY);
	if (p == (void *)-1 || q == (void *)-1)
		return 2;
	memset(p, 1, 8 * PAGE);
	/* At a chosen address, between two anonymous mappings. */
	char *area = mmap(NULL, 32 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 3;
	munmap(area + 8 * PAGE, 4 * PAGE);
	char *r = shmat(b, area + 8 * PAGE, 0);
	if (r != area + 8 * PAGE)
		return 4;
	/* Over an existing mapping: EINVAL without SHM_REMAP, replaced with it. */
	if (shmat(b, area + 20 * PAGE, 0) != (void *)-1)
		return 5;
	char *s = shmat(b, area + 20 * PAGE, SHM_REMAP | SHM_EXEC);
	if (s != area + 20 * PAGE)
		return 6;
	/* A piece made read-only, then writable again: it stays a VMA of its own. */
	mprotect(p + 2 * PAGE, 2 * PAGE, PROT_READ);
	mprotect(p + 2 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE);
	pid_t child = fork();
	if (child == 0) {
		char *c = shmat(a, NULL, 0);
		if (c == (void *)-1 || c[0] != 1)
			_exit(7);
		shmdt(c);
		shmdt(q);
		_exit(0);
	}
	int status = 0;
	waitpid(child, &status, 0);
	/* shmdt of a split attach takes every piece; of a middle page, EINVAL. */
	if (shmdt(p + PAGE) == 0)
		return 8;
	shmdt(p);
	shmdt(q);
	shmdt(r);
	shmdt(s);
	shmctl(a, IPC_RMID, NULL);
	shmctl(b, IPC_RMID, NULL);
	munmap(area, 32 * PAGE);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 9;
}
