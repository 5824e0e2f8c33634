/* Loaded with dlopen: the crash happens in a module no DT_NEEDED names. */
__attribute__((noinline)) int plugin_crash(volatile int *p)
{
	return *p; /* plugin.c:4 */
}

int plugin_entry(int v)
{
	return plugin_crash(0) + v; /* plugin.c:9 */
}
