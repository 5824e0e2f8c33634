/* dlopen and friends. Every change to the set of objects is bracketed for
 * debuggers: RT_ADD/RT_DELETE, _dl_debug_state, change, RT_CONSISTENT,
 * _dl_debug_state. */
#include <dlfcn.h>

#include "internal.h"
#include "libc.h"

static volatile int dl_lock;
static char dl_err[512];
static int dl_err_set;

static void set_error(const char *msg)
{
	snprintf(dl_err, sizeof dl_err, "%s", msg);
	dl_err_set = 1;
}

char *dlerror(void)
{
	if (!dl_err_set)
		return NULL;
	dl_err_set = 0;
	return dl_err;
}

static int valid_handle(void *h)
{
	for (struct dso *p = __cfrt_head; p; p = p->next)
		if (p == h)
			return 1;
	return 0;
}

void *dlopen(const char *file, int mode)
{
	if (!file)
		return __cfrt_head;
	char err[512];
	__cfrt_lock(&dl_lock);
	struct dso *old_tail = __cfrt_tail;
	__cfrt_debug_begin(1);
	struct dso *p = __cfrt_load_library(file, NULL, err, sizeof err);
	int ok = p && __cfrt_load_deps(p, err, sizeof err) == 0;
	for (struct dso *q = old_tail->next; ok && q; q = q->next)
		if (q->tls_size || q->tls_len) {
			snprintf(err, sizeof err, "%s: TLS in an object loaded by dlopen is not supported", q->name);
			ok = 0;
		}
	for (struct dso *q = old_tail->next; ok && q; q = q->next)
		q->global = (mode & RTLD_GLOBAL) != 0;
	for (struct dso *q = __cfrt_tail; ok && q != old_tail; q = q->prev)
		ok = __cfrt_reloc_all(q, err, sizeof err) == 0;
	if (!ok) {
		/* Take back everything this call added. */
		struct dso *q = old_tail->next;
		old_tail->next = NULL;
		__cfrt_tail = old_tail;
		while (q) {
			struct dso *next = q->next;
			__cfrt_munmap(q->map, q->map_len);
			free(q->deps);
			free(q->path);
			free(q);
			q = next;
		}
		__cfrt_debug_end();
		__cfrt_unlock(&dl_lock);
		set_error(err);
		return NULL;
	}
	for (struct dso *q = old_tail->next; q; q = q->next)
		__cfrt_relro(q);
	if (mode & RTLD_GLOBAL)
		p->global = 1;
	p->refcount++;
	if (mode & RTLD_NODELETE)
		p->refcount++;
	__cfrt_debug_end();
	__cfrt_unlock(&dl_lock);
	__cfrt_do_init(p);
	return p;
}

void *dlsym(void *h, const char *name)
{
	struct dso *def = NULL;
	Sym *s;
	if (h == RTLD_DEFAULT || h == RTLD_NEXT) {
		s = __cfrt_lookup(name, NULL, NULL, &def);
	} else if (!valid_handle(h)) {
		set_error("dlsym: invalid handle");
		return NULL;
	} else {
		struct dso *p = h;
		s = __cfrt_lookup_in(p, name);
		def = p;
		for (size_t i = 0; !s && i < p->ndeps; i++)
			if ((s = __cfrt_lookup_in(p->deps[i], name)))
				def = p->deps[i];
		if (!s && p->is_main)
			s = __cfrt_lookup(name, p, NULL, &def);
	}
	if (!s) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s: symbol not found", name);
		set_error(msg);
		return NULL;
	}
	if ((s->st_info & 0xf) == STT_TLS) {
		set_error("dlsym: TLS symbols are not supported");
		return NULL;
	}
	uintptr_t v = def->base + s->st_value;
	if ((s->st_info & 0xf) == STT_GNU_IFUNC)
		v = __cfrt_ifunc(v);
	return (void *)v;
}

int dlclose(void *h)
{
	if (!valid_handle(h)) {
		set_error("dlclose: invalid handle");
		return -1;
	}
	struct dso *p = h;
	__cfrt_lock(&dl_lock);
	if (p->is_main || p->is_ldso || --p->refcount > 0 || p->next) {
		/* Still used, or not the newest object: keep it mapped. */
		__cfrt_unlock(&dl_lock);
		return 0;
	}
	__cfrt_fini_dso(p);
	__cfrt_debug_begin(2);
	p->prev->next = NULL;
	__cfrt_tail = p->prev;
	__cfrt_debug_end();
	__cfrt_munmap(p->map, p->map_len);
	free(p->deps);
	free(p->path);
	free(p);
	__cfrt_unlock(&dl_lock);
	return 0;
}

int dladdr(const void *addr, Dl_info *info)
{
	uintptr_t a = (uintptr_t)addr;
	for (struct dso *p = __cfrt_head; p; p = p->next) {
		int inside = 0;
		for (size_t i = 0; i < p->phnum; i++)
			if (p->phdr[i].p_type == PT_LOAD && a - (p->base + p->phdr[i].p_vaddr) < p->phdr[i].p_memsz)
				inside = 1;
		if (!inside)
			continue;
		info->dli_fname = p->is_main ? __cfrt_progname : p->name;
		info->dli_fbase = (void *)p->base;
		info->dli_sname = NULL;
		info->dli_saddr = NULL;
		size_t n = __cfrt_nsyms(p);
		uintptr_t best = 0;
		for (size_t i = 1; i < n; i++) {
			Sym *s = &p->syms[i];
			uintptr_t v = p->base + s->st_value;
			if (s->st_shndx == SHN_UNDEF || !s->st_value || v > a || v <= best)
				continue;
			if (s->st_size && a >= v + s->st_size)
				continue;
			best = v;
			info->dli_sname = p->strings + s->st_name;
			info->dli_saddr = (void *)v;
		}
		return 1;
	}
	return 0;
}
