/* Three threads; the last one crashes in a DSO while the others wait. */
#include <pthread.h>
#include <unistd.h>

int a_calls_b(int v);

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static void *crasher(void *arg)
{
	(void)arg;
	usleep(100000);
	a_calls_b(2); /* threads.c:19 */
	return 0;
}

int main(void)
{
	pthread_t t[3];
	pthread_create(&t[0], 0, idle, 0);
	pthread_create(&t[1], 0, idle, 0);
	pthread_create(&t[2], 0, crasher, 0);
	pthread_join(t[2], 0);
	return 0;
}
