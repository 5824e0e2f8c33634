/* The facts of a crash: signal, code, fault address, the crashing thread,
 * the program and its arguments, and the C library's abort message. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"

const char *cf_signal_name(int signo)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
		[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
		[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
		[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
		[SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG",   [SIGXCPU] = "SIGXCPU",
		[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
		[SIGIO] = "SIGIO",     [SIGPWR] = "SIGPWR",   [SIGSYS] = "SIGSYS",
	};
	if (signo > 0 && (size_t)signo < sizeof names / sizeof *names && names[signo])
		return names[signo];
	return signo ? "SIG?" : "none";
}

const char *cf_signal_code_name(int signo, int code)
{
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TKILL: return "SI_TKILL";
	default: break;
	}
	static const char *const segv[] = {NULL, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"};
	static const char *const bus[] = {NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"};
	static const char *const fpe[] = {NULL, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF",
					  "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"};
	static const char *const ill[] = {NULL, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP",
					  "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"};
#define PICK(t) ((size_t)code < sizeof t / sizeof *t && code > 0 ? t[code] : NULL)
	switch (signo) {
	case SIGSEGV: return PICK(segv);
	case SIGBUS: return PICK(bus);
	case SIGFPE: return PICK(fpe);
	case SIGILL: return PICK(ill);
	default: return NULL;
	}
#undef PICK
}

/* glibc keeps the message of assert() and friends in __abort_msg:
 * struct abort_msg_s { unsigned int size; char msg[]; }. */
static char *abort_message(const struct cf_model *m)
{
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		uint64_t sym, p;
		if (!cf_module_loadable(mod, false) || !strstr(mod->name, "libc.so") ||
		    !cf_elf_lookup_symbol(mod->path, "__abort_msg", &sym) ||
		    !cf_core_read_word(&m->core, sym + mod->bias, &p) || !p)
			continue;
		char *s = cf_core_read_string(&m->core, p + 4, 4096);
		if (s) {
			size_t n = strlen(s);
			while (n && s[n - 1] == '\n')
				s[--n] = 0;
		}
		return s;
	}
	return NULL;
}

void cf_crash_facts(const struct cf_model *m, struct cf_backtrace *bt)
{
	const struct cf_notes *n = &m->notes;
	if (n->has_siginfo) {
		bt->signo = n->si_signo;
		bt->code = n->si_code;
		bt->have_code = true;
		bt->have_addr = n->si_signo == SIGSEGV || n->si_signo == SIGBUS || n->si_signo == SIGFPE ||
				n->si_signo == SIGILL;
		bt->addr = n->fault_addr;
	} else if (n->nthread) {
		bt->signo = n->thread[0].cursig;
		bt->code = 0;
	}
	/* The kernel writes the dumping thread first; KM its faulting vCPU. */
	if (bt->nthread) {
		bt->crashed_tid = bt->thread[0].tid;
		bt->thread[0].crashed = true;
	}
	const struct cf_module *main_mod = cf_model_role(m, CF_ROLE_MAIN);
	if (main_mod && main_mod->name[0] && main_mod->name[0] != '(')
		bt->program = cf_xstrdup(main_mod->name);
	else if (n->has_prpsinfo)
		bt->program = cf_xstrdup(n->fname);
	if (n->has_prpsinfo && m->loader_as_command) {
		char args[96];
		cf_program_args(n->psargs, args, sizeof args);
		bt->args = cf_xstrdup(args);
	} else if (n->has_prpsinfo) {
		bt->args = cf_xstrdup(n->psargs);
	}
	bt->abort_msg = abort_message(m);
}
