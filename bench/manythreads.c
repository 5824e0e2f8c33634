/* Benchmark subject: THREADS threads, each parked DEPTH frames deep; then
 * one more thread crashes. Usage: manythreads [THREADS [DEPTH]]. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static int depth = 30;
static pthread_barrier_t ready;

__attribute__((noinline)) static int descend(int n, volatile int *sink)
{
	if (n > 0)
		return descend(n - 1, sink) + 1;
	pthread_barrier_wait(&ready);
	while (!*sink)
		pause();
	return *sink;
}

static void *worker(void *arg)
{
	volatile int sink = 0;
	(void)arg;
	descend(depth - 3, &sink);  /* + worker, start_thread, clone */
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 1000;
	if (argc > 2)
		depth = atoi(argv[2]);
	pthread_barrier_init(&ready, NULL, (unsigned)threads + 1);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (int i = 0; i < threads; i++) {
		pthread_t t;
		if (pthread_create(&t, &attr, worker, NULL) != 0)
			return 1;
	}
	pthread_barrier_wait(&ready);
	*(volatile int *)0 = 1;
	return 0;
}
