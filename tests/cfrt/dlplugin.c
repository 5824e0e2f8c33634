int plugin_twice(int v)
{
	return 2 * v;
}
