/* SIGFPE: an integer division by zero. */
__attribute__((noinline)) int divide(int a, int b)
{
	return a / b; /* div0.c:4 */
}

int main(void)
{
	volatile int zero = 0;
	return divide(1, zero); /* div0.c:10 */
}
