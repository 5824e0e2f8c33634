/* Library half of the runtime test: TLS, a COPY-relocated object, an
 * IFUNC, constructors and destructors. */
#include <stdio.h>

__thread int tls_lib = 7;
int lib_counter = 42;

__attribute__((constructor)) static void lib_ctor(void)
{
	puts("ctor libtls");
}

__attribute__((destructor)) static void lib_dtor(void)
{
	puts("dtor libtls");
}

int *tls_lib_addr(void)
{
	return &tls_lib;
}

void lib_bump(void)
{
	lib_counter++;
}

static int answer_impl(void)
{
	return 4242;
}

static int (*resolve_answer(void))(void)
{
	return answer_impl;
}

int answer(void) __attribute__((ifunc("resolve_answer")));
