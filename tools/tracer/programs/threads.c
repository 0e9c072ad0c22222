/* Threads and glibc malloc arenas: each thread allocates from its own arena
 * (a 64 MiB reservation made PROT_NONE, grown by mprotect), the main thread
 * grows the heap with brk. Used by the tracer's tests (src/trace). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4

static void *work(void *arg)
{
	size_t n = (size_t)(long)arg;
	char *blocks[64];
	for (int i = 0; i < 64; i++) {
		blocks[i] = malloc(4096 * (n + 1) + i * 512);
		memset(blocks[i], i, 4096 * (n + 1));
	}
	for (int i = 0; i < 64; i += 2) free(blocks[i]);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	char *big = malloc(1 << 20); /* above the mmap threshold: its own mapping */
	memset(big, 1, 1 << 20);
	for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
	char *small[256];
	for (int i = 0; i < 256; i++) small[i] = malloc(1000 + i); /* brk heap */
	free(big);
	printf("%p\n", (void *)small[255]);
	return 0;
}
