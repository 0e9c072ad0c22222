/* SysV shared memory removed while attached, the way programs clean up: a keyed segment
 * made with IPC_CREAT|IPC_EXCL, found again by its key, queried (IPC_STAT), locked and
 * unlocked (SHM_LOCK, SHM_UNLOCK), removed with IPC_RMID while attached (do_shm_rmid()
 * marks it SHM_DEST and removes its key), attached once more by its id while it still has
 * attaches, detached, then attached by its id after the last detach destroyed it, and its
 * key used again (a new segment). Also protection keys: pkey_alloc, pkey_mprotect with the
 * key it gave (or with key 1 when it gave none) and pkey_free. Used by the tracer's tests. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096L

int main(void)
{
	key_t key = (key_t)(0x564d0000 | (getpid() & 0xffff));
	int id = shmget(key, 4 * PAGE, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return 1;
	if (shmget(key, 4 * PAGE, IPC_CREAT | IPC_EXCL | 0600) != -1)
		return 2;
	if (shmget(key, 0, 0) != id)
		return 3;
	struct shmid_ds ds;
	if (shmctl(id, IPC_STAT, &ds) != 0 || ds.shm_segsz != 4 * PAGE)
		return 4;
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return 5;
	memset(p, 7, 4 * PAGE);
	shmctl(id, SHM_LOCK, NULL);
	shmctl(id, SHM_UNLOCK, NULL);
	/* Removed while attached: the attach stays, and its id still attaches. */
	if (shmctl(id, IPC_RMID, NULL) != 0)
		return 6;
	char *q = shmat(id, NULL, SHM_RDONLY);
	if (q == (void *)-1 || q[0] != 7)
		return 7;
	shmdt(p);
	shmdt(q);
	/* The last detach destroyed it: its id names nothing, its key makes a new segment. */
	if (shmat(id, NULL, 0) != (void *)-1)
		return 8;
	int again = shmget(key, 2 * PAGE, IPC_CREAT | IPC_EXCL | 0600);
	if (again < 0)
		return 9;
	char *r = shmat(again, NULL, 0);
	if (r == (void *)-1)
		return 10;
	shmctl(again, IPC_RMID, NULL);
	shmdt(r);

	char *area = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 11;
	long pkey = syscall(SYS_pkey_alloc, 0, 0);
	syscall(SYS_pkey_mprotect, area + PAGE, PAGE, PROT_READ, pkey < 0 ? 1 : pkey);
	syscall(SYS_pkey_mprotect, area + 2 * PAGE, PAGE, PROT_READ, -1);
	if (pkey >= 0)
		syscall(SYS_pkey_free, pkey);
	munmap(area, 4 * PAGE);
	return 0;
}
