/* Bottom of the two-DSO crash chain: a store through a NULL pointer. */
int crash_here(int *p, int v)
{
	*p = v; /* the crash: libb.c:4 */
	return v;
}
