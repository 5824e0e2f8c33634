/* cfrt internals shared by the loader's stages and the runtime. One
 * struct dso per loaded object, as in musl's ldso; its first five fields
 * are the link_map debuggers walk. */
#ifndef CFRT_INTERNAL_H
#define CFRT_INTERNAL_H
#include "elf.h"
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

/* The ELF class is the architecture's (its reloc.h says which), picked
 * here once; everything else uses these names. */
#if CFRT_ELFCLASS == ELFCLASS64
typedef Elf64_Ehdr Ehdr;
typedef Elf64_Phdr Phdr;
typedef Elf64_Sym Sym;
typedef Elf64_Dyn Dyn;
#define R_TYPE(x) ((uint32_t)(x))
#define R_SYM(x) ((uint32_t)((x) >> 32))
#define R_INFO(s, t) (((uint64_t)(s) << 32) | (uint32_t)(t))
#else
typedef Elf32_Ehdr Ehdr;
typedef Elf32_Phdr Phdr;
typedef Elf32_Sym Sym;
typedef Elf32_Dyn Dyn;
#define R_TYPE(x) ((x) & 0xff)
#define R_SYM(x) ((x) >> 8)
#define R_INFO(s, t) (((s) << 8) | ((t) & 0xff))
#endif

struct dso {
	/* struct link_map: l_addr, l_name, l_ld, l_next, l_prev */
	uintptr_t base;
	char *name;
	Dyn *dynv;
	struct dso *next, *prev;

	Phdr *phdr;
	size_t phnum;
	size_t dyn[DT_NUM];             /* d_val of the first entries, by tag */
	Sym *syms;
	uint32_t *hashtab, *ghashtab;
	const char *strings;
	unsigned char *map;
	size_t map_len;
	uint64_t dev, ino;
	char *path;                     /* as opened: $ORIGIN and dladdr use it */
	char *rpath, *runpath;
	struct dso **deps;
	size_t ndeps;
	int refcount;
	int global;                     /* in the default lookup scope */
	int relocated, constructed, destructed, is_main, is_ldso;
	struct dso *fini_next;
	/* TLS */
	void *tls_image;
	size_t tls_len, tls_size, tls_align, tls_id, tls_offset;
	size_t relro_start, relro_end;
};

/* struct pthread. TLS variant II (x86-64): the thread pointer points here,
 * and offsets 0 (self) and 0x28 (the stack protector canary) are fixed by
 * that ABI's compilers. Variant I (TLS_ABOVE_TP, aarch64): it ends where
 * the thread pointer points, and the compilers reach nothing in it. */
struct pthread {
	struct pthread *self;
	void **dtv;
	void *unused[3];
	uintptr_t canary;
	int tid;
	volatile int detach_state;
	int errno_val;
	void *(*start)(void *);
	void *arg;
	void *result;
	unsigned char *map_base;
	size_t map_size;
	volatile int exited;
};

#ifdef TLS_ABOVE_TP
#define TP_OF(self) ((void *)((struct pthread *)(self) + 1))
#define SELF_OF(tp) ((struct pthread *)(tp) - 1)
#else
#define TP_OF(self) ((void *)(self))
#define SELF_OF(tp) ((struct pthread *)(tp))
#endif
static inline struct pthread *__cfrt_self(void)
{
	return SELF_OF(__get_tp());
}

extern char **__environ;        /* exported, as glibc's */

/* Everything below is the runtime's own: hidden, as musl's internals are,
 * so libcfrt.so exports only the libc and dl API (and the debugger
 * contract, _r_debug and _dl_debug_state), and calls and data references
 * inside it bind directly, with no GOT or PLT. */
#pragma GCC visibility push(hidden)

/* Globals of the loader: one process, one loader. */
extern struct dso *__cfrt_head, *__cfrt_tail, *__cfrt_ldso;
extern size_t __cfrt_tls_static_size, __cfrt_tls_static_align, __cfrt_tls_cnt;
extern size_t __cfrt_auxv[64];  /* AT_* values by type */
extern uintptr_t __cfrt_pagesize;
extern const char *__cfrt_progname;
/* Set once at start when the process runs with more privilege than its
 * caller (setuid, setgid, file capabilities): then nothing the caller
 * controls (environment, cwd, the path the program was run by) may steer
 * what gets loaded or where the process's memory is written. */
extern int __cfrt_secure;

/* syscalls returning -errno */
#define syscall0(n) __syscall0(n)
long __cfrt_syscall_ret(long r);

/* runtime services the loader uses */
void *__cfrt_mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int __cfrt_munmap(void *addr, size_t len);
void __cfrt_fatal(const char *fmt, ...) __attribute__((noreturn));
void __cfrt_print(int fd, const char *fmt, ...);
int __cfrt_vsnprintf(char *buf, size_t n, const char *fmt, __builtin_va_list ap);

/* loader stages */
void __dls1(size_t *sp, size_t *dynv);
struct dso *__cfrt_load_library(const char *name, struct dso *needed_by, char *err, size_t errlen);
int __cfrt_load_deps(struct dso *p, char *err, size_t errlen);
int __cfrt_reloc_all(struct dso *p, char *err, size_t errlen);
void __cfrt_decode_dyn(struct dso *p);
Sym *__cfrt_lookup(const char *name, struct dso *scope, struct dso *skip, struct dso **def);
Sym *__cfrt_lookup_in(struct dso *p, const char *name);
void __cfrt_do_init(struct dso *p);
void __cfrt_run_fini(void);
void __cfrt_debug_add(struct dso *p);
void __cfrt_debug_begin(int state);
void __cfrt_debug_end(void);
void __cfrt_tls_layout(struct dso *p);
struct pthread *__cfrt_tls_init(void *mem, size_t size);
size_t __cfrt_tpoff(const struct dso *p, size_t st_value, size_t addend);
size_t __cfrt_tls_block_size(void);
void __cfrt_core_install(void);
void __cfrt_stdio_flush_all(void);
void __cfrt_relro(struct dso *p);
uintptr_t __cfrt_ifunc(uintptr_t fn);
struct dso *__cfrt_map_program(const char *path, struct dso *p, char *err, size_t errlen);
char *__cfrt_self_exe(void);
void __cfrt_init_stdio(void);
size_t __cfrt_nsyms(struct dso *p);
void __cfrt_fini_dso(struct dso *p);

#pragma GCC visibility pop

#endif
