/* A host that loads its plugin from a memfd, as some packagers and
 * sandboxes do: the plugin file is copied into memfd_create's file and
 * dlopened as /proc/self/fd/N, so the core records "/memfd:plugin
 * (deleted)" in NT_FILE and "/proc/self/fd/N" in the link_map. No Debian
 * program does this; this one stands in for them in tests/real.
 *
 * Before crashing it prints "CFDL PATH BIAS" for itself and every library
 * (dl_iterate_phdr: the loader's own l_addr; the plugin under the name of
 * the file it was copied from), the independent record of the biases a
 * debugger must use. Then a worker thread calls into the plugin, which
 * faults. Usage: memfd_host PLUGIN.so */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *plugin_file;
static char plugin_fd_name[64];
static char self[PATH_MAX];

static int print_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	int *first = data;
	const char *name = info->dlpi_name;
	if (*first) /* the program itself comes first (glibc names it "") */
		name = self;
	*first = 0;
	if (!name || name[0] != '/')
		return 0; /* the vDSO */
	if (!strcmp(name, plugin_fd_name))
		name = plugin_file;
	printf("CFDL %s %#lx\n", name, (unsigned long)info->dlpi_addr);
	return 0;
}

static void *worker(void *arg)
{
	void (*crash)(int *) = (void (*)(int *))arg;
	crash(NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2 || !realpath(argv[1], (char[PATH_MAX]){0}))
		return fprintf(stderr, "usage: memfd_host PLUGIN.so\n"), 2;
	plugin_file = realpath(argv[1], NULL);
	if (!realpath("/proc/self/exe", self))
		return perror("/proc/self/exe"), 1;
	int in = open(plugin_file, O_RDONLY);
	int fd = memfd_create("plugin", 0);
	if (in < 0 || fd < 0)
		return perror("plugin"), 1;
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(fd, buf, n) != n)
			return perror("memfd"), 1;
	close(in);
	snprintf(plugin_fd_name, sizeof plugin_fd_name, "/proc/self/fd/%d", fd);
	void *h = dlopen(plugin_fd_name, RTLD_NOW);
	void *crash = h ? dlsym(h, "plugin_crash") : NULL;
	if (!crash)
		return fprintf(stderr, "dlopen %s: %s\n", plugin_fd_name, dlerror()), 1;
	int first = 1;
	dl_iterate_phdr(print_object, &first);
	fflush(stdout);
	pthread_t t;
	if (pthread_create(&t, NULL, worker, crash) != 0)
		return 1;
	pthread_join(t, NULL);
	return 0;
}
