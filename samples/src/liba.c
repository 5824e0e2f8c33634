int crash_here(int *p, int v);

int a_calls_b(int v)
{
	int r = crash_here(0, v + 2); /* liba.c:5 */
	return r + 1;
}
