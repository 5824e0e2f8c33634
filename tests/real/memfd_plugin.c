/* The plugin memfd_host loads from a memfd: it faults, one call deep. */
__attribute__((noinline)) static void plugin_store(int *p, int v)
{
	*(volatile int *)p = v;
}

void plugin_crash(int *p)
{
	plugin_store(p, 42);
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}
