/* Finding the file behind a recorded module name: as recorded, under a
 * sysroot, through --path-map, next to the core, in --search folders.
 * The build-id read from core memory decides between candidates. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

struct cands {
	char *path[16];
	const char *how[16];
	size_t n;
};

static void add(struct cands *c, char *path, const char *how)
{
	if (c->n < sizeof c->path / sizeof *c->path) {
		c->path[c->n] = path;
		c->how[c->n++] = how;
	} else {
		free(path);
	}
}

const char *cf_base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

char *cf_path_absolute(const char *p)
{
	if (p[0] == '/')
		return cf_xstrdup(p);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return cf_xstrdup(p);
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	return cf_xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", p);
}

static char *dir_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? cf_xstrndup(p, (size_t)(s - p) + (s == p)) : cf_xstrdup(".");
}

/* gdb's gcore copies NT_FILE names from /proc/PID/maps, where the kernel
 * writes a newline in a path as "\012". NULL when NAME has no such escape. */
static char *maps_unescape(const char *name)
{
	if (!strstr(name, "\\0"))
		return NULL;
	char *out = cf_xstrdup(name), *o = out;
	for (const char *p = name; *p;) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 4;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	return out;
}

static void gather(const struct cf_model *m, const char *name, const struct cf_options *opt, struct cands *c)
{
	if (opt->exe && strcmp(cf_base_name(name), cf_base_name(opt->exe)) == 0)
		add(c, cf_xstrdup(opt->exe), "command line");
	for (size_t i = 0; i < opt->nmap; i++) {
		size_t fl = strlen(opt->map[i].from);
		if (fl && strncmp(name, opt->map[i].from, fl) == 0)
			add(c, cf_xasprintf("%s%s", opt->map[i].to, name + fl), "path map");
	}
	if (name[0] == '/') {
		if (opt->sysroot)
			add(c, cf_xasprintf("%s%s", opt->sysroot, name), "sysroot");
		add(c, cf_xstrdup(name), "as recorded");
	} else {
		/* KM and glibc record a program as typed on the command line:
		 * relative to a cwd we cannot know; the core's folder is the best bet. */
		char *dir = dir_of(m->core.path);
		add(c, cf_xasprintf("%s/%s", dir, name), "next to core");
		free(dir);
		add(c, cf_xstrdup(name), "relative to cwd");
	}
	for (size_t i = 0; i < opt->nsearch; i++)
		add(c, cf_xasprintf("%s/%s", opt->search[i], cf_base_name(name)), "search path");
	char *raw = maps_unescape(name);
	if (raw) {
		add(c, raw, "as recorded, \\012 read as a newline");
	}
}

bool cf_resolve(struct cf_model *m, struct cf_module *mod, const struct cf_options *opt, struct cf_elfinfo *out)
{
	memset(out, 0, sizeof *out);
	if (mod->role == CF_ROLE_VDSO || mod->name[0] == 0 || mod->name[0] == '[')
		return false;
	char *name = cf_xstrdup(mod->name);
	size_t len = strlen(name);
	if (mod->deleted && len > 10)
		name[len - 10] = 0;
	struct cands c = {0};
	gather(m, name, opt, &c);
	free(name);

	bool found = false;
	struct cf_elfinfo info;
	char err[128];
	for (size_t i = 0; i < c.n; i++) {
		struct stat st;
		if (stat(c.path[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (cf_elf_read_file(c.path[i], &info, err, sizeof err) != 0) {
			if (!found && !mod->path) {
				mod->not_elf = true;  /* a data file such as locale-archive */
				break;
			}
			continue;
		}
		bool match = cf_module_same_build(mod, &info);
		if (!mod->path || match) {
			free(mod->path);
			mod->path = cf_path_absolute(c.path[i]);
			mod->path_how = c.how[i];
			memcpy(mod->bid_file, info.buildid, info.buildid_len);
			mod->bid_file_len = info.buildid_len;
			mod->bid_mismatch = !match;
			cf_elfinfo_free(out);
			*out = info;
		} else {
			cf_elfinfo_free(&info);
		}
		found = true;
		if (match)
			break;
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.path[i]);
	return found;
}
