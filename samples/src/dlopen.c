/* Usage: dlopen PLUGIN.so — calls the plugin's entry, which crashes. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	int (*entry)(int) = (int (*)(int))dlsym(h, "plugin_entry");
	return entry ? entry(1) : 1; /* dlopen.c:15 */
}
