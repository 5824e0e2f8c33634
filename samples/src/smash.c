/* A stack smashed on purpose: the return address and everything above it
 * becomes 0x41..., so the unwinder must stop cleanly, not loop or crash. */
#include <string.h>

__attribute__((noinline)) void smash(void)
{
	volatile char buf[16];
	memset((char *)buf, 0x41, 512); /* smash.c:8 */
}

int main(void)
{
	smash();
	return 0;
}
