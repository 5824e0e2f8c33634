/* One small program per crash class the triage tests need, chosen by
 * argv[1]. Built by tests/e2e/triage_classes.sh at -O0; each case must
 * really crash the way its name says, so the cores are the real thing. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int sink;

/* Each frame keeps a buffer live so the recursion cannot become a loop. */
static int recurse(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	return recurse(n + 1) + pad[0];
}

static void smash(const char *s)
{
	char buf[8];
	strcpy(buf, s);  /* too long: the canary goes */
	sink = buf[0];
}

int main(int argc, char **argv)
{
	const char *k = argc > 1 ? argv[1] : "";
	if (!strcmp(k, "overflow"))
		return recurse(0);
	if (!strcmp(k, "protector"))
		smash("far more than eight bytes of text, past the canary");
	if (!strcmp(k, "doublefree")) {
		char *volatile p = malloc(32);
		free(p);
		free(p);
	}
	if (!strcmp(k, "assert"))
		assert(argc > 5 && "enough arguments");
	if (!strcmp(k, "nullwrite")) {
		int *volatile p = NULL;
		p[4] = 1;
	}
	if (!strcmp(k, "ill"))
		__builtin_trap();
	if (!strcmp(k, "badpc")) {
		void (*volatile f)(void) = (void (*)(void))0x1234567;
		f();
	}
	fprintf(stderr, "crash_kinds: no such case '%s'\n", k);
	return 1;
}
