/* The loader's stages, in the order they run (musl's ldso is the model):
 * stage 1 relocates libcfrt.so itself using nothing but locals; stage 2
 * finds or maps the program, loads its DSOs breadth first, lays out TLS,
 * relocates, tells debuggers, runs initializers and jumps to the entry. */
#include "elf.h"
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "libc.h"

struct dso *__cfrt_head, *__cfrt_tail, *__cfrt_ldso;
size_t __cfrt_auxv[64];
uintptr_t __cfrt_pagesize = 4096;
char **__environ;
const char *__cfrt_progname = "cfrt";
int __cfrt_secure;

static struct dso ldso, app;
static struct pthread early_self;

extern char __ehdr_start[] __attribute__((visibility("hidden")));

static void stage2(size_t *sp, size_t *dynv) __attribute__((noinline, used));

/* Stage 1: no relocation has been applied yet. Only locals, hidden data
 * reached PC-relatively, and static functions may be used here. */
__attribute__((visibility("hidden"))) void __dls1(size_t *sp, size_t *dynv)
{
	uintptr_t base = (uintptr_t)__ehdr_start;
	size_t dyn[DT_NUM];
	for (size_t i = 0; i < DT_NUM; i++)
		dyn[i] = 0;
	for (size_t i = 0; dynv[i]; i += 2)
		if (dynv[i] < DT_NUM)
			dyn[dynv[i]] = dynv[i + 1];
	const Sym *syms = (const Sym *)(base + dyn[DT_SYMTAB]);
	/* REL, RELA and the PLT table (either), entries of 2 or 3 words. */
	const size_t *tables[3] = {(const size_t *)(base + dyn[DT_REL]), (const size_t *)(base + dyn[DT_RELA]),
				   (const size_t *)(base + dyn[DT_JMPREL])};
	size_t sizes[3] = {dyn[DT_RELSZ], dyn[DT_RELASZ], dyn[DT_PLTRELSZ]};
	size_t strides[3] = {2, 3, dyn[DT_PLTREL] == DT_REL ? 2 : 3};
	for (int t = 0; t < 3; t++)
		for (size_t i = 0; i + strides[t] <= sizes[t] / sizeof(size_t); i += strides[t]) {
			const size_t *r = &tables[t][i];
			size_t *where = (size_t *)(base + r[0]);
			uint32_t type = R_TYPE(r[1]), s = R_SYM(r[1]);
			size_t addend = strides[t] == 3 ? r[2] : type == REL_GOT || type == REL_PLT ? 0 : *where;
			if (type == REL_RELATIVE)
				*where = base + addend;
			else if (type == REL_SYMBOLIC || type == REL_GOT || type == REL_PLT)
				/* -Bsymbolic: every symbol we reference is our own. */
				*where = base + syms[s].st_value + addend;
		}
	/* Nothing above may be reordered past this point. */
	__asm__ volatile("" ::: "memory");
	stage2(sp, dynv);
}

static size_t *find_aux(size_t *auxv, size_t type)
{
	for (; auxv[0]; auxv += 2)
		if (auxv[0] == type)
			return &auxv[1];
	return NULL;
}


/* Variables that steer a loader or ask for the process's memory: in secure
 * mode they are removed from the environment, as glibc does, so that a
 * privileged program's children that are not themselves in secure mode (a
 * setuid-root program that sets its real uid to 0 and runs another) do not
 * obey them either. Ours, and those of glibc's list a glibc child would
 * obey: its loader's and its libc's. */
static const char *const unsafe_env[] = {
	"CFRT_CORE", "LD_LIBRARY_PATH", "LD_PRELOAD", "LD_AUDIT", "LD_ORIGIN_PATH",
	"LD_DEBUG_OUTPUT", "LD_PROFILE", "LD_PROFILE_OUTPUT", "LD_DYNAMIC_WEAK",
	"LD_HWCAP_MASK", "LD_SHOW_AUXV", "LD_USE_LOAD_BIAS", "LD_BIND_NOT", "GCONV_PATH",
	"MALLOC_TRACE", "LOCPATH", "NLSPATH", "TMPDIR", "TZDIR",
};

static int is_unsafe_env(const char *e)
{
	for (size_t i = 0; i < sizeof unsafe_env / sizeof *unsafe_env; i++) {
		size_t n = strlen(unsafe_env[i]);
		if (!strncmp(e, unsafe_env[i], n) && e[n] == '=')
			return 1;
	}
	return 0;
}

/* Decides secure mode from the kernel's word, before anything reads the
 * environment. AT_SECURE covers setuid, setgid, file capabilities and LSM
 * transitions; like musl we also compare the real and effective ids, which
 * covers a kernel that does not pass AT_SECURE (an absent entry reads 0). */
static void enter_secure_mode(void)
{
	__cfrt_secure = __cfrt_auxv[AT_SECURE] || __cfrt_auxv[AT_UID] != __cfrt_auxv[AT_EUID] ||
			__cfrt_auxv[AT_GID] != __cfrt_auxv[AT_EGID];
	if (!__cfrt_secure)
		return;
	/* A closed stdin, stdout or stderr would be taken by the next file the
	 * privileged process opens, and its messages or input would then be
	 * that file: fill them with /dev/null, or refuse to run (musl too). */
	for (int fd = 0; fd < 3; fd++) {
		struct stat_min st;
		if (__cfrt_fstat(fd, &st) == 0)
			continue;
		if (__syscall4(SYS_openat, AT_FDCWD, (long)"/dev/null", O_RDWR, 0) != fd)
			__syscall1(SYS_exit_group, 127);
	}
	/* Remove in place; the array keeps its end, so a spare NULL follows. */
	char **out = __environ;
	for (char **e = __environ; *e; e++)
		if (!is_unsafe_env(*e))
			*out++ = *e;
	while (*out)
		*out++ = NULL;
}

/* The kernel mapped the program (we are its PT_INTERP): describe it. */
static void adopt_kernel_program(struct dso *p)
{
	Phdr *ph = (Phdr *)__cfrt_auxv[AT_PHDR];
	size_t n = __cfrt_auxv[AT_PHNUM];
	p->phdr = ph;
	p->phnum = n;
	p->base = 0;
	for (size_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			p->base = __cfrt_auxv[AT_PHDR] - ph[i].p_vaddr;
	for (size_t i = 0; i < n; i++) {
		if (ph[i].p_type == PT_DYNAMIC)
			p->dynv = (Dyn *)(p->base + ph[i].p_vaddr);
		else if (ph[i].p_type == PT_INTERP)
			ldso.name = (char *)(p->base + ph[i].p_vaddr);
		else if (ph[i].p_type == PT_GNU_RELRO) {
			p->relro_start = ph[i].p_vaddr & -__cfrt_pagesize;
			p->relro_end = (ph[i].p_vaddr + ph[i].p_memsz) & -__cfrt_pagesize;
		} else if (ph[i].p_type == PT_TLS) {
			p->tls_image = (void *)(p->base + ph[i].p_vaddr);
			p->tls_len = ph[i].p_filesz;
			p->tls_size = ph[i].p_memsz;
			p->tls_align = ph[i].p_align;
		}
	}
}

/* $ORIGIN and the names debuggers see want a folder that survives chdir. */
static char *absolute(const char *path)
{
	if (path[0] == '/')
		return strdup(path);
	char cwd[4096];
	if (__syscall2(SYS_getcwd, (long)cwd, sizeof cwd) <= 0)
		return strdup(path);
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	size_t n = strlen(cwd), m = strlen(path);
	char *r = malloc(n + m + 2);
	if (!r)
		return NULL;
	memcpy(r, cwd, n);
	r[n] = '/';
	memcpy(r + n + 1, path, m + 1);
	return r;
}

extern void _dl_debug_state(void);

static void stage2(size_t *sp, size_t *dynv)
{
	/* errno and friends live behind the thread pointer: give them a home
	 * before anything can fail. */
	early_self.self = &early_self;
	__set_tp(TP_OF(&early_self));

	size_t argc = sp[0];
	char **argv = (char **)(sp + 1);
	__environ = argv + argc + 1;
	size_t *auxv = (size_t *)__environ;
	while (*auxv)
		auxv++;
	auxv++;
	for (size_t *a = auxv; a[0]; a += 2)
		if (a[0] < 64)
			__cfrt_auxv[a[0]] = a[1];
	if (__cfrt_auxv[AT_PAGESZ])
		__cfrt_pagesize = __cfrt_auxv[AT_PAGESZ];
	enter_secure_mode();
	__cfrt_init_stdio();

	ldso.base = (uintptr_t)__ehdr_start;
	ldso.dynv = (Dyn *)dynv;
	ldso.is_ldso = 1;
	ldso.global = 1;
	ldso.relocated = ldso.constructed = 1;
	ldso.phdr = (Phdr *)(ldso.base + ((Ehdr *)ldso.base)->e_phoff);
	ldso.phnum = ((Ehdr *)ldso.base)->e_phnum;
	__cfrt_decode_dyn(&ldso);
	__cfrt_ldso = &ldso;

	char err[512];
	app.is_main = 1;
	app.global = 1;
	app.name = "";
	if (__cfrt_auxv[AT_BASE] == 0) {
		/* Run as a command: `libcfrt.so PROGRAM ARGS...`. */
		ldso.name = argv[0];
		if (argc < 2) {
			__cfrt_print(2, "usage: %s PROGRAM [ARG]...\n"
					"Runs PROGRAM with the cfrt dynamic loader and runtime.\n", argv[0]);
			__syscall1(SYS_exit_group, 127);
		}
		__cfrt_progname = argv[1];
		if (!__cfrt_map_program(argv[1], &app, err, sizeof err))
			__cfrt_fatal("%s", err);
		app.path = absolute(argv[1]);
		/* The program's own stack: argv without us, auxv describing it. */
		sp[1] = argc - 1;
		sp++;
		argv++;
		size_t *v;
		if ((v = find_aux(auxv, AT_PHDR)))
			*v = (size_t)app.phdr;
		if ((v = find_aux(auxv, AT_PHNUM)))
			*v = app.phnum;
		if ((v = find_aux(auxv, AT_ENTRY)))
			*v = app.base + ((Ehdr *)app.map)->e_entry;
		if ((v = find_aux(auxv, AT_BASE)))
			*v = ldso.base;
		__cfrt_auxv[AT_ENTRY] = app.base + ((Ehdr *)app.map)->e_entry;
	} else {
		adopt_kernel_program(&app);
		app.path = __cfrt_self_exe();
		__cfrt_progname = argv[0];
		if (!ldso.name)
			ldso.name = "libcfrt.so";
	}
	if (!app.path)
		app.path = argv[0];
	__cfrt_decode_dyn(&app);
	ldso.path = ldso.name;

	__cfrt_head = __cfrt_tail = &app;
	/* Every missing library is named (once), then, when none is missing,
	 * every missing symbol, before exit 127, as musl's ldso_fail; symbols
	 * are not looked for without their libraries: that would only repeat
	 * the libraries' absence. */
	if (__cfrt_load_deps(&app, NULL, 0) != 0)
		__syscall1(SYS_exit_group, 127);
	/* The loader comes last in link_map, as debuggers expect. */
	__cfrt_tail->next = &ldso;
	ldso.prev = __cfrt_tail;
	__cfrt_tail = &ldso;

	for (struct dso *p = __cfrt_head; p; p = p->next)
		__cfrt_tls_layout(p);
	size_t tls = __cfrt_tls_block_size();
	void *mem = __cfrt_mmap(0, tls, 3, 0x22, -1, 0);
	if (mem == (void *)-1)
		__cfrt_fatal("out of memory for TLS");
	struct pthread *self = __cfrt_tls_init(mem, tls);
	self->errno_val = early_self.errno_val;
	__set_tp(TP_OF(self));
	self->tid = (int)__syscall1(SYS_set_tid_address, (long)&self->tid);

	/* Dependencies first, the program last (its COPY relocations read
	 * initialized data of the libraries). */
	int bad = 0;
	for (struct dso *p = __cfrt_tail; p; p = p->prev)
		bad |= __cfrt_reloc_all(p, NULL, 0);
	if (bad)
		__syscall1(SYS_exit_group, 127);
	__cfrt_debug_begin(1);  /* RT_ADD: gdb sees the initial set appear */
	for (struct dso *p = __cfrt_head; p; p = p->next) {
		__cfrt_debug_add(p);
		__cfrt_relro(p);
	}
	__cfrt_debug_end();
	__cfrt_core_install();
	__cfrt_do_init(&app);

	uintptr_t entry = __cfrt_auxv[AT_ENTRY];
	if (!entry)
		__cfrt_fatal("%s: no entry point", __cfrt_progname);
	CRTJMP(entry, sp);
	for (;;)
		;
}

/* What crt1's _start calls: every initializer has already run. */
int __cfrt_start_main(size_t *sp, int (*main)(int, char **, char **))
{
	extern void exit(int) __attribute__((noreturn));
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	exit(main(argc, argv, argv + argc + 1));
}
