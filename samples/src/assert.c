/* SIGABRT from a failed assert(): glibc keeps the message for us. */
#undef NDEBUG /* the build type must not remove the assert under test */
#include <assert.h>

__attribute__((noinline)) int check_positive(int v)
{
	assert(v > 0 && "value must be positive"); /* assert.c:7 */
	return v;
}

int main(void)
{
	return check_positive(-1); /* assert.c:13 */
}
