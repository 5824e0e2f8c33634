/* Exercises the cfrt runtime; its output is compared with
 * runtime.expected, line for line. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern __thread int tls_lib;
extern int lib_counter;
int *tls_lib_addr(void);
void lib_bump(void);
int answer(void);

__thread int tls_main = 5;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static volatile int got_signal;

__attribute__((constructor)) static void main_ctor(void) { puts("ctor main"); }
__attribute__((destructor)) static void main_dtor(void) { puts("dtor main"); }
static void at1(void) { puts("atexit 1"); }
static void at2(void) { puts("atexit 2"); }

static void *worker(void *arg)
{
	long id = (long)arg;
	tls_main += (int)id;
	*tls_lib_addr() += (int)id * 10;
	for (int i = 0; i < 100000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(long)(tls_main * 1000 + tls_lib);
}

static int cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* An IFUNC of the program itself: an IRELATIVE relocation. */
static int local_answer_impl(void)
{
	return 17;
}

static int (*resolve_local_answer(void))(void)
{
	return local_answer_impl;
}

int local_answer(void) __attribute__((ifunc("resolve_local_answer")));

static void on_usr1(int sig)
{
	got_signal = sig;
}

int main(int argc, char **argv)
{
	(void)argc;
	atexit(at1);
	atexit(at2);
	printf("printf: %d %i %u %x %X %s %c %ld %lu %zu|%5d|%-5d|%05d|%+d|%%\n", -12, 34, 56u, 255, 255, "str", 'c',
	       -1234567890123L, 1234567890123UL, (size_t)42, 7, 7, 7, 7);
	printf("float: %f %.3f %8.2f %.0f\n", 3.14159, -2.5, 1234.5678, 9.9);
	char buf[16];
	int n = snprintf(buf, sizeof buf, "%s", "truncated output here");
	printf("snprintf: %d '%s'\n", n, buf);

	/* malloc: many sizes, patterns intact, then growth by realloc. */
	enum { N = 5000 };
	static unsigned char *blocks[N];
	for (int i = 0; i < N; i++) {
		size_t sz = (size_t)(i * 37 % 9000) + 1;
		blocks[i] = malloc(sz);
		memset(blocks[i], i & 0xff, sz);
	}
	int bad = 0;
	for (int i = 0; i < N; i += 2) {
		size_t sz = (size_t)(i * 37 % 9000) + 1;
		bad += blocks[i][sz - 1] != (i & 0xff);
		free(blocks[i]);
	}
	char *grow = NULL;
	for (int i = 1; i <= 100; i++) {
		grow = realloc(grow, (size_t)i * 100);
		grow[i * 100 - 1] = 'x';
	}
	free(grow);
	int *zeros = calloc(1000, sizeof *zeros);
	for (int i = 0; i < 1000; i++)
		bad += zeros[i] != 0;
	free(zeros);
	printf("malloc: %s\n", bad ? "CORRUPT" : "ok");

	int v[1000];
	for (int i = 0; i < 1000; i++)
		v[i] = (i * 7919) % 1000;
	qsort(v, 1000, sizeof *v, cmp);
	int sorted = 1;
	for (int i = 1; i < 1000; i++)
		sorted &= v[i - 1] <= v[i];
	printf("qsort: %s\n", sorted ? "sorted" : "NOT SORTED");

	char *end;
	long a = strtol("  -123abc", &end, 10);
	printf("strtol: %ld rest=%s hex=%ld auto=%ld atoi=%d\n", a, end, strtol("1f", NULL, 16), strtol("0x10", NULL, 0),
	       atoi("99"));
	printf("getenv: %s\n", getenv("CFRT_TEST_VAR") ? getenv("CFRT_TEST_VAR") : "(unset)");
	printf("string: %s %s %d\n", strstr("haystack", "st"), strrchr("a/b/c", '/'), (int)strlen("four"));
	char mv[] = "abcdef";
	memmove(mv + 2, mv, 3);
	printf("memmove: %s\n", mv);

	errno = 0;
	write(-1, "x", 1);
	printf("errno: %d %s\n", errno, strerror(errno));

	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	printf("signal: %d\n", got_signal);

	printf("copy reloc: %d", lib_counter);
	lib_bump();
	printf(" -> %d\n", lib_counter);
	printf("ifunc: %d %d\n", answer(), local_answer());

	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	long sum = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("threads: counter=%ld tls-sum=%ld main tls=%d lib tls=%d\n", counter, sum, tls_main, tls_lib);

	char plugin[4096];
	snprintf(plugin, sizeof plugin, "%s", argv[0]);
	char *slash = strrchr(plugin, '/');
	strcpy(slash ? slash + 1 : plugin, "libdlplugin.so");
	void *h = dlopen(plugin, RTLD_NOW);
	int (*twice)(int) = h ? (int (*)(int))dlsym(h, "plugin_twice") : NULL;
	Dl_info info;
	int found = twice && dladdr((void *)twice, &info);
	printf("dlopen: twice(21)=%d dladdr=%s\n", twice ? twice(21) : -1, found ? info.dli_sname : "-");
	printf("dlsym missing: %s\n", dlsym(h, "nope") ? "found?" : dlerror());
	printf("dlclose: %d\n", dlclose(h));
	printf("dlopen missing: %s\n", dlopen("libdoesnotexist.so", RTLD_NOW) ? "found?" : "error");
	fflush(stdout);
	return 0;
}
