/* Names inside a bundle. The writer stores each module's file under the
 * name this file gives it, and the resolver of an unpacked bundle finds it
 * by the same name: one function, so the two can never disagree. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle_names.h"
#include "diag.h"
#include "elfimage.h"
#include "paths.h"

/* Recorded names may hold anything (newlines, quotes, bytes that are not
 * UTF-8): inside the bundle only characters no shell, debugger or JSON
 * reader treats specially remain. */
static char *safe_base(const char *name, bool deleted)
{
	char *base = cf_xstrdup(cf_base_name(name));
	size_t n = strlen(base);
	if (deleted && n > 10 && !strcmp(base + n - 10, " (deleted)"))
		base[n -= 10] = 0;
	if (n == 0 || !strcmp(base, ".") || !strcmp(base, "..")) {
		free(base);
		return cf_xstrdup("file");
	}
	if (n > 100)
		base[n = 100] = 0;  /* tar's plain header holds 100 bytes; the rest says nothing more */
	for (char *p = base; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '+' || *p == '-'))
			*p = '_';
	if (base[0] == '.' || base[0] == '-')
		base[0] = '_';  /* neither hidden nor an option look-alike */
	return base;
}

char *cf_bundle_member_name(const char *name, bool deleted, bool vdso, const unsigned char *bid, size_t bidlen)
{
	if (vdso)
		return NULL;
	bool named = name[0] && name[0] != '[';
	if (!named && !bidlen)
		return NULL;
	char *base = safe_base(named ? name : "file", deleted);
	char *m;
	/* The key is what the resolver knows before it has any file: the
	 * build-id read from core memory, else the recorded name. */
	if (bidlen) {
		char id[2 * CF_BUILDID_MAX + 1];
		cf_hex(bid, bidlen, id);
		m = cf_xasprintf("files/%s/%s", id, base);
	} else {
		m = cf_xasprintf("files/name-%016llx/%s", (unsigned long long)cf_hash_str(name), base);
	}
	free(base);
	return m;
}

char *cf_bundle_debug_member(const unsigned char *bid, size_t len)
{
	char id[2 * CF_BUILDID_MAX + 1];
	cf_hex(bid, len, id);
	return cf_xasprintf("debug/.build-id/%.2s/%s.debug", id, id + 2);
}

char *cf_bundle_dir(const char *core)
{
	char *dir = cf_dir_name(core);
	char *manifest = cf_xasprintf("%s/%s", dir, CF_BUNDLE_MANIFEST);
	char head[256];
	ssize_t n = -1;
	int fd = open(manifest, O_RDONLY | O_CLOEXEC | O_NONBLOCK);  /* a FIFO must not block */
	if (fd >= 0) {
		n = read(fd, head, sizeof head - 1);
		close(fd);
	}
	free(manifest);
	/* The writer puts the schema first; nothing else is read here, the
	 * build-id check of every candidate does the rest. */
	if (n > 0) {
		head[n] = 0;
		if (strstr(head, "\"schema\": \"" CF_BUNDLE_SCHEMA "\""))
			return dir;
	}
	free(dir);
	return NULL;
}
