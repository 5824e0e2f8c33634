/* debuginfod lookups through libdebuginfod, loaded on first use. The
 * header gives the real prototypes (checked by the compiler through
 * __typeof__), the library itself is never linked. */
#define _GNU_SOURCE
#include "debuginfod.h"

#include <dlfcn.h>
#include <elfutils/debuginfod.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfimage.h"

static struct {
	bool tried, ok;
	char why[256];
	__typeof__(debuginfod_begin) *begin;
	__typeof__(debuginfod_end) *end;
	__typeof__(debuginfod_find_executable) *find_executable;
	__typeof__(debuginfod_find_debuginfo) *find_debuginfo;
	__typeof__(debuginfod_set_progressfn) *set_progressfn;
	__typeof__(debuginfod_set_user_data) *set_user_data;
	__typeof__(debuginfod_get_user_data) *get_user_data;
} lib;

bool cf_debuginfod_enabled(void)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	return urls && urls[strspn(urls, " \t")];
}

static bool load(void)
{
	if (lib.tried)
		return lib.ok;
	lib.tried = true;
	/* The soname, not libdebuginfod.so: only the -dev package has that. The
	 * handle stays open for the process's life: libcurl, which it pulls
	 * in, does not take being unloaded well. */
	void *h = dlopen("libdebuginfod.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(lib.why, sizeof lib.why, "%s", dlerror());
		return false;
	}
#define SYM(field, name)                                                                                              \
	do {                                                                                                           \
		lib.field = (__typeof__(lib.field))dlsym(h, #name);                                                    \
		if (!lib.field) {                                                                                      \
			snprintf(lib.why, sizeof lib.why, "libdebuginfod.so.1 has no %s", #name);                      \
			return false;                                                                                  \
		}                                                                                                      \
	} while (0)
	SYM(begin, debuginfod_begin);
	SYM(end, debuginfod_end);
	SYM(find_executable, debuginfod_find_executable);
	SYM(find_debuginfo, debuginfod_find_debuginfo);
	SYM(set_progressfn, debuginfod_set_progressfn);
	SYM(set_user_data, debuginfod_set_user_data);
	SYM(get_user_data, debuginfod_get_user_data);
#undef SYM
	lib.ok = true;
	return true;
}

struct progress {
	char label[96];         /* printable: names come from the core, untrusted */
	char id[16];            /* the build-id's first bytes, enough to tell files apart */
	const char *what;
	bool tty, quiet, called, shown;
	long got, total, last_kib;
};

static void size_text(const struct progress *p, char *buf, size_t len)
{
	if (p->total > 0 && p->got < p->total)
		snprintf(buf, len, "%ld/%ld KiB", p->got / 1024, (p->total + 1023) / 1024);
	else
		snprintf(buf, len, "%ld KiB", (p->got + 1023) / 1024);
}

/* Called by libdebuginfod while a transfer runs (never for a cache hit). A
 * terminal gets one line redrawn in place, at most once per KiB; anything
 * else only the final line, so logs stay one line per file. */
static int on_progress(debuginfod_client *c, long a, long b)
{
	struct progress *p = lib.get_user_data(c);
	p->called = true;
	p->got = a > 0 ? a : 0;
	p->total = b;
	if (p->tty && !p->quiet && p->got / 1024 != p->last_kib) {
		char size[64];
		p->last_kib = p->got / 1024;
		size_text(p, size, sizeof size);
		fprintf(stderr, "\rcorefix: debuginfod: fetching %s %s (build-id %s...) %s\033[K", p->label, p->what,
			p->id, size);
		p->shown = true;
	}
	return 0;
}

int cf_debuginfod_find(const unsigned char *id, size_t len, bool debuginfo, char **path, const char *label,
		       bool quiet, char *err, size_t errlen)
{
	*path = NULL;
	if (!cf_debuginfod_enabled()) {
		snprintf(err, errlen, "DEBUGINFOD_URLS is not set");
		return -ENOSYS;
	}
	if (!load()) {
		snprintf(err, errlen, "DEBUGINFOD_URLS is set, but libdebuginfod cannot be loaded: %s", lib.why);
		return -ENOSYS;
	}
	if (len == 0 || len > CF_BUILDID_MAX) {
		snprintf(err, errlen, "no build-id to ask for");
		return -ENOENT;
	}
	struct progress p = {.what = debuginfo ? "debug info" : "executable", .quiet = quiet,
			     .tty = isatty(STDERR_FILENO) == 1, .last_kib = -1};
	size_t k = 0;
	for (const char *s = label ? label : "?"; *s && k + 1 < sizeof p.label; s++)
		p.label[k++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	p.label[k] = 0;
	cf_hex(id, len < 6 ? len : 6, p.id);

	debuginfod_client *c = lib.begin();
	if (!c) {
		snprintf(err, errlen, "debuginfod_begin failed");
		return -ENOMEM;
	}
	lib.set_user_data(c, &p);
	/* Ours replaces the one DEBUGINFOD_PROGRESS would install. */
	lib.set_progressfn(c, on_progress);
	int fd = (debuginfo ? lib.find_debuginfo : lib.find_executable)(c, id, (int)len, path);
	lib.end(c);

	if (fd < 0) {
		free(*path);
		*path = NULL;
		if (fd == -ENOENT)
			snprintf(err, errlen, "no server has it");
		else
			snprintf(err, errlen, "%s", strerror(-fd));
	}
	if (!quiet) {
		char size[64];
		size_text(&p, size, sizeof size);
		const char *erase = p.shown ? "\r\033[K" : "";
		if (fd >= 0 && p.called)
			fprintf(stderr, "%scorefix: debuginfod: fetched %s %s (build-id %s...) %s\n", erase, p.label,
				p.what, p.id, size);
		else if (fd >= 0)
			fprintf(stderr, "corefix: debuginfod: %s %s (build-id %s...) from debuginfod's cache\n", p.label,
				p.what, p.id);
		else if (fd == -ENOENT)
			fprintf(stderr, "%scorefix: debuginfod: %s %s (build-id %s...): %s\n", erase, p.label, p.what,
				p.id, err);
		else
			fputs(erase, stderr);  /* any other failure is the caller's warning */
	}
	return fd;
}
