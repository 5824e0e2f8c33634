/* Finding the file behind a recorded module name: in the unpacked bundle
 * the core sits in, as recorded, under a sysroot, through --path-map, next
 * to the core, in --search folders.
 * The build-id read from core memory decides between candidates. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildid_index.h"
#include "bundle_names.h"
#include "debuginfod.h"
#include "resolve.h"

/* One candidate path as cf_elf_read_file found it. */
struct cf_probe {
	char *path;
	int r;
	struct cf_elfinfo info;
};

static struct cf_elfinfo info_copy(const struct cf_elfinfo *from)
{
	struct cf_elfinfo to = *from;
	if (from->nphdr) {
		to.phdr = cf_xcalloc(from->nphdr, sizeof *to.phdr);
		memcpy(to.phdr, from->phdr, from->nphdr * sizeof *to.phdr);
	}
	return to;
}

/* Adds probe I to the table (open addressing, at most half full). */
static void slot_put(struct cf_resolver *r, size_t i)
{
	size_t mask = r->nslot - 1, k = (size_t)cf_hash_str(r->probe[i].path) & mask;
	while (r->slot[k])
		k = (k + 1) & mask;
	r->slot[k] = i + 1;
}

/* cf_elf_read_file (0, -1 not ELF, -2 absent) of PATH, read once per
 * resolver: a crafted core may name a million files, so the look-up is
 * a hash table, not a scan. */
static int read_file(struct cf_resolver *r, const char *path, struct cf_elfinfo *info)
{
	size_t mask = r->nslot - 1;
	for (size_t k = r->nslot ? (size_t)cf_hash_str(path) & mask : 0; r->nslot && r->slot[k]; k = (k + 1) & mask) {
		const struct cf_probe *p = &r->probe[r->slot[k] - 1];
		if (!strcmp(p->path, path)) {
			if (p->r == 0)
				*info = info_copy(&p->info);
			return p->r;
		}
	}
	struct cf_probe p = {.path = cf_xstrdup(path)};
	char err[128];
	p.r = cf_elf_read_file(path, &p.info, err, sizeof err);
	if (p.r == 0)
		*info = info_copy(&p.info);
	if (r->nprobe == r->probecap) {
		r->probecap = r->probecap ? 2 * r->probecap : 16;
		r->probe = cf_xrealloc(r->probe, r->probecap, sizeof *r->probe);
	}
	r->probe[r->nprobe++] = p;
	if (2 * r->nprobe > r->nslot) {
		free(r->slot);
		r->nslot = r->nslot ? 2 * r->nslot : 64;
		r->slot = cf_xcalloc(r->nslot, sizeof *r->slot);
		for (size_t i = 0; i < r->nprobe; i++)
			slot_put(r, i);
	} else {
		slot_put(r, r->nprobe - 1);
	}
	return p.r;
}

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

bool cf_name_is_file(const char *name)
{
	static const char *const not_files[] = {"/proc", "/dev", "/memfd:"};
	if (name[0] != '/')
		return true;
	/* "//proc/./self" and "/usr/../proc/self" are /proc/self to the
	 * kernel: compare the name with its dot components folded. */
	size_t n = strlen(name);
	char *norm = cf_xmalloc(n + 2), *o = norm;
	for (const char *p = name; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > norm && *--o != '/')
				;
		} else if (len) {
			*o++ = '/';
			memcpy(o, p, len);
			o += len;
		}
		p += len;
	}
	*o = 0;
	/* /dev/shm holds real files (a JIT's or sandbox's libraries). */
	bool file = !strncmp(norm, "/dev/shm/", 9);
	for (size_t i = 0; i < sizeof not_files / sizeof *not_files && !file; i++) {
		size_t l = strlen(not_files[i]);
		if (!strncmp(norm, not_files[i], l) && (not_files[i][l - 1] == ':' || !norm[l] || norm[l] == '/')) {
			free(norm);
			return false;
		}
	}
	free(norm);
	return true;
}

static void gather(const struct cf_resolver *r, const char *name, const struct cf_options *opt, struct cands *c)
{
	if (!cf_name_is_file(name))
		return;
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
		char *dir = dir_of(r->core_path), *next = cf_xasprintf("%s/%s", dir, name), *cwd = cf_path_absolute(name);
		char *next_abs = cf_path_absolute(next);
		free(dir);
		/* "proc/self/fd/3" next to a core in / is /proc/self/fd/3. */
		bool files = cf_name_is_file(next_abs) && cf_name_is_file(cwd);
		free(next_abs);
		if (files) {
			add(c, next, "next to core");
			add(c, cf_xstrdup(name), "relative to cwd");
		} else {
			free(next);
		}
		free(cwd);
	}
	for (size_t i = 0; i < opt->nsearch; i++)
		add(c, cf_xasprintf("%s/%s", opt->search[i], cf_base_name(name)), "search path");
	char *raw = maps_unescape(name);
	if (raw) {
		add(c, raw, "as recorded, \\012 read as a newline");
	}
}

/* One warning per core for a debuginfod that cannot work at all. */
static void warn_once(struct cf_resolver *r, const char *why)
{
	for (size_t i = 0; i < r->diag->nwarn; i++)
		if (strstr(r->diag->warn[i], why))
			return;
	cf_warn(r->diag, "%s: debuginfod: %s", r->core_path, why);
}

/* A fetched file is used only when it is the build-id the core recorded:
 * a server (or a cache) handing out another build must not put wrong
 * symbols at the module's addresses. */
static bool fetched_ok(struct cf_resolver *r, const struct cf_wanted *mod, const char *path, const char *what)
{
	unsigned char id[CF_BUILDID_MAX];
	size_t len;
	bool dwarf;
	if (cf_elf_read_sections(path, &dwarf, id, &len) == 0 && len == mod->bid_core_len &&
	    memcmp(id, mod->bid_core, len) == 0)
		return true;
	char want[2 * CF_BUILDID_MAX + 1], got[2 * CF_BUILDID_MAX + 1];
	cf_hex(mod->bid_core, mod->bid_core_len, want);
	cf_hex(id, len, got);
	cf_warn(r->diag, "%s: debuginfod: %s: the %s served for build-id %s has build-id %s; not used", r->core_path,
		path, what, want, len ? got : "none");
	return false;
}

/* When no local file is the build the core mapped (missing, deleted,
 * rebuilt) and the user set DEBUGINFOD_URLS: the executable by the
 * build-id the core recorded, and its debug info when it carries none.
 * Never without a build-id from the core: a name alone proves nothing. */
static bool fetch(struct cf_resolver *r, struct cf_wanted *mod, const struct cf_options *opt, struct cf_elfinfo *out)
{
	if (!mod->bid_core_len || !cf_debuginfod_enabled())
		return false;
	char *label = cf_xstrdup(cf_base_name(mod->name));
	size_t n = strlen(label);
	if (mod->deleted && n > 10 && !strcmp(label + n - 10, " (deleted)"))
		label[n - 10] = 0;
	char *path, err[256];
	int fd = cf_debuginfod_find(mod->bid_core, mod->bid_core_len, false, &path, label, opt->quiet, err, sizeof err);
	struct cf_elfinfo info;
	if (fd < 0) {
		if (fd == -ENOSYS)
			warn_once(r, err);
		else if (fd != -ENOENT)
			cf_warn(r->diag, "%s: debuginfod: %s: %s", r->core_path, label, err);
		free(label);
		return false;
	}
	close(fd);
	if (!fetched_ok(r, mod, path, "executable") || cf_elf_read_file(path, &info, err, sizeof err) != 0) {
		free(path);
		free(label);
		return false;
	}
	free(mod->path);
	mod->path = path;
	mod->path_how = "debuginfod";
	mod->path_dev = info.dev;
	mod->path_ino = info.ino;
	memcpy(mod->bid_file, info.buildid, info.buildid_len);
	mod->bid_file_len = info.buildid_len;
	mod->bid_mismatch = false;
	mod->not_elf = false;
	cf_elfinfo_free(out);
	*out = info;

	unsigned char id[CF_BUILDID_MAX];
	size_t len;
	bool dwarf = true;
	cf_elf_read_sections(path, &dwarf, id, &len);
	if (!dwarf && !mod->debuginfo) {
		char *dbg;
		fd = cf_debuginfod_find(mod->bid_core, mod->bid_core_len, true, &dbg, label, opt->quiet, err, sizeof err);
		if (fd >= 0) {
			close(fd);
			if (fetched_ok(r, mod, dbg, "debug info"))
				mod->debuginfo = dbg;
			else
				free(dbg);
		} else {
			cf_warn(r->diag, "%s: debuginfod: %s has no debug info and none was fetched (%s); its frames get "
					  "names from its symbol table only", r->core_path, label, err);
		}
	}
	free(label);
	return true;
}

/* A core in an unpacked bundle (corefix bundle --extract) resolves from
 * the bundle first: its files are the ones the crash was bundled with,
 * where the same names on this machine may be other builds. */
static void bundle_candidate(struct cf_resolver *r, const struct cf_wanted *mod, struct cands *c)
{
	if (!r->bundle_known) {
		r->bundle_dir = cf_bundle_dir(r->core_path);
		r->bundle_known = true;
	}
	char *member = r->bundle_dir ? cf_bundle_member_name(mod->name, mod->deleted, mod->vdso, mod->bid_core,
							mod->bid_core_len) : NULL;
	if (member)
		add(c, cf_xasprintf("%s/%s", r->bundle_dir, member), "bundle");
	/* The build-id is the key: another name for the same build (a memfd
	 * library named from link_map in one run, from NT_FILE in the other)
	 * still finds the file bundled for it. */
	char *slash = member && mod->bid_core_len ? strrchr(member, '/') : NULL;
	DIR *d = NULL;
	if (slash) {
		*slash = 0;
		char *sub = cf_xasprintf("%s/%s", r->bundle_dir, member);
		d = opendir(sub);
		struct dirent *de;
		while (d && (de = readdir(d)))
			if (de->d_name[0] != '.' && strcmp(de->d_name, slash + 1)) {
				add(c, cf_xasprintf("%s/%s", sub, de->d_name), "bundle, by build-id");
				break;
			}
		if (d)
			closedir(d);
		free(sub);
	}
	free(member);
}

/* By the build-id the core recorded, last: DIR/.build-id/xx/yyyy (the
 * layout debuginfod and distributions use for executables), then any
 * file under the --search folders with that build-id. Only when no name
 * leads to the build the core mapped. */
static void build_id_candidates(struct cf_resolver *r, const struct cf_wanted *mod, const struct cf_options *opt,
				struct cands *c)
{
	if (!mod->bid_core_len || !opt->nsearch)
		return;
	struct cf_elfinfo info;
	for (size_t i = 0; i < c->n; i++)
		if (read_file(r, c->path[i], &info) == 0) {
			bool same = cf_wanted_same_build(mod, &info);
			cf_elfinfo_free(&info);
			if (same)
				return;
		}
	char id[2 * CF_BUILDID_MAX + 1];
	cf_hex(mod->bid_core, mod->bid_core_len, id);
	for (size_t i = 0; i < opt->nsearch; i++)
		add(c, cf_xasprintf("%s/.build-id/%.2s/%s", opt->search[i], id, id + 2), "build-id in search path");
	const char *p = cf_bidindex_find(&r->bidx, opt->search, opt->nsearch, mod->bid_core, mod->bid_core_len);
	if (p)
		add(c, cf_xstrdup(p), "build-id in search path");
}

void cf_resolver_init(struct cf_resolver *r, const struct cf_options *opt, const char *core_path, struct cf_diag *d)
{
	*r = (struct cf_resolver){.opt = opt, .core_path = core_path, .diag = d};
}

void cf_resolver_free(struct cf_resolver *r)
{
	free(r->bundle_dir);
	cf_bidindex_free(r->bidx);
	for (size_t i = 0; i < r->nprobe; i++) {
		free(r->probe[i].path);
		cf_elfinfo_free(&r->probe[i].info);
	}
	free(r->probe);
	free(r->slot);
	*r = (struct cf_resolver){0};
}

bool cf_wanted_same_build(const struct cf_wanted *w, const struct cf_elfinfo *file)
{
	/* Without a build-id, the core's copy of the headers must still
	 * describe FILE: another program is never taken for this one. */
	if (!w->bid_core_len)
		return !w->header_in_core || cf_elf_layout(file) == w->layout_core;
	return file->buildid_len == w->bid_core_len && memcmp(file->buildid, w->bid_core, file->buildid_len) == 0;
}

bool cf_resolve_file(struct cf_resolver *r, const struct cf_options *opt, struct cf_wanted *mod, struct cf_elfinfo *out)
{
	if (!opt)
		opt = r->opt;
	memset(out, 0, sizeof *out);
	if (mod->vdso || mod->name[0] == 0 || mod->name[0] == '[')
		return false;
	char *name = cf_xstrdup(mod->name);
	size_t len = strlen(name);
	if (mod->deleted && len > 10)
		name[len - 10] = 0;
	struct cands c = {0};
	bundle_candidate(r, mod, &c);
	gather(r, name, opt, &c);
	free(name);
	build_id_candidates(r, mod, opt, &c);

	bool found = false;
	struct cf_elfinfo info;
	for (size_t i = 0; i < c.n; i++) {
		/* One look at each candidate: the reader says when it is absent. */
		int got = read_file(r, c.path[i], &info);
		if (got == -2)
			continue;
		if (got != 0) {
			if (!found && !mod->path) {
				mod->not_elf = true;  /* a data file such as locale-archive */
				break;
			}
			continue;
		}
		bool match = cf_wanted_same_build(mod, &info);
		if (!mod->path || match) {
			free(mod->path);
			mod->path = cf_path_absolute(c.path[i]);
			mod->path_how = c.how[i];
			mod->path_dev = info.dev;
			mod->path_ino = info.ino;
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
	/* Not once more for a module an earlier pass already fetched. */
	bool fetched = mod->path_how && !strcmp(mod->path_how, "debuginfod");
	if ((!found || mod->bid_mismatch) && !fetched && fetch(r, mod, opt, out))
		found = true;
	return found;
}
