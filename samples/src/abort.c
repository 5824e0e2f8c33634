/* SIGABRT: abort() through the C library. */
#include <stdlib.h>

__attribute__((noinline)) void give_up(int why)
{
	if (why)
		abort(); /* abort.c:7 */
}

int main(void)
{
	give_up(1); /* abort.c:12 */
	return 0;
}
