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

#include "answers.h"
#include "buildid_index.h"
#include "bundle_names.h"
#include "debuginfod.h"
#include "resolve.h"

struct cf_resolver {
	const struct cf_options *opt;
	struct cf_answers answers;
	struct cf_bidindex *bidx;   /* --search folders by build-id, built on first need */
	/* The core now asked about. */
	const char *core_path;
	struct cf_diag *diag;       /* its warnings (debuginfod's) */
	uint64_t epoch;             /* its number in the run, from 1 */
	bool bundle_known;
	char *bundle_dir;           /* NULL: the core is in no unpacked bundle */
};

/* The files one question may lead to, each read at most once. */
struct cands {
	char *path[16];
	const char *how[16];
	int got[16];                /* 1 not read yet, else cf_elf_read_file's answer */
	struct cf_elfinfo info[16];
	size_t n;
};

static void add(struct cands *c, char *path, const char *how)
{
	if (c->n < sizeof c->path / sizeof *c->path) {
		c->path[c->n] = path;
		c->got[c->n] = 1;
		c->how[c->n++] = how;
	} else {
		free(path);
	}
}

/* Candidate I as read: 0 ELF (its info in C->info[I]), -1 no ELF file, -2 absent. */
static int cand_read(struct cands *c, size_t i)
{
	if (c->got[i] == 1) {
		char err[128];
		c->got[i] = cf_elf_read_file(c->path[i], &c->info[i], err, sizeof err);
	}
	return c->got[i];
}

static void cands_free(struct cands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->path[i]);
		if (c->got[i] == 0)
			cf_elfinfo_free(&c->info[i]);
	}
}



static void gather(const struct cf_resolver *r, const char *name, struct cands *c)
{
	const struct cf_options *opt = r->opt;
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
		char *dir = cf_dir_name(r->core_path), *next = cf_xasprintf("%s/%s", dir, name), *cwd = cf_path_absolute(name);
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
	char *raw = cf_maps_unescape(name);
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
static bool fetch(struct cf_resolver *r, struct cf_wanted *mod, struct cf_elfinfo *out)
{
	bool quiet = r->opt->quiet;
	if (!mod->bid_core_len || !cf_debuginfod_enabled())
		return false;
	char *label = cf_xstrdup(cf_base_name(mod->name));
	size_t n = strlen(label);
	if (mod->deleted && n > 10 && !strcmp(label + n - 10, " (deleted)"))
		label[n - 10] = 0;
	char *path, err[256];
	int fd = cf_debuginfod_find(mod->bid_core, mod->bid_core_len, false, &path, label, quiet, err, sizeof err);
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
		fd = cf_debuginfod_find(mod->bid_core, mod->bid_core_len, true, &dbg, label, quiet, err, sizeof err);
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
static void bundle_candidate(const struct cf_resolver *r, const struct cf_wanted *mod, struct cands *c)
{
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
static void build_id_candidates(struct cf_resolver *r, const struct cf_wanted *mod, struct cands *c)
{
	const struct cf_options *opt = r->opt;
	if (!mod->bid_core_len || !opt->nsearch)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (cand_read(c, i) == 0 && cf_wanted_same_build(mod, &c->info[i]))
			return;
	char id[2 * CF_BUILDID_MAX + 1];
	cf_hex(mod->bid_core, mod->bid_core_len, id);
	for (size_t i = 0; i < opt->nsearch; i++)
		add(c, cf_xasprintf("%s/.build-id/%.2s/%s", opt->search[i], id, id + 2), "build-id in search path");
	const char *p = cf_bidindex_find(&r->bidx, opt->search, opt->nsearch, mod->bid_core, mod->bid_core_len);
	if (p)
		add(c, cf_xstrdup(p), "build-id in search path");
}

struct cf_resolver *cf_resolver_new(const struct cf_options *opt)
{
	struct cf_resolver *r = cf_xcalloc(1, sizeof *r);
	r->opt = opt;
	return r;
}

const struct cf_options *cf_resolver_options(const struct cf_resolver *r)
{
	return r->opt;
}

void cf_resolver_begin_core(struct cf_resolver *r, const char *core_path, struct cf_diag *d)
{
	free(r->bundle_dir);
	r->bundle_dir = NULL;
	r->bundle_known = false;
	r->core_path = core_path;
	r->diag = d;
	r->epoch++;
}

void cf_resolver_free(struct cf_resolver *r)
{
	if (!r)
		return;
	free(r->bundle_dir);
	cf_bidindex_free(r->bidx);
	cf_answers_free(&r->answers);
	free(r);
}

/* The question's answer among the candidates, as if nothing were known. */
static bool answer(struct cf_resolver *r, struct cf_wanted *mod, struct cf_elfinfo *out)
{
	char *name = cf_xstrdup(mod->name);
	size_t len = strlen(name);
	if (mod->deleted && len > 10)
		name[len - 10] = 0;
	struct cands c = {0};
	bundle_candidate(r, mod, &c);
	gather(r, name, &c);
	free(name);
	build_id_candidates(r, mod, &c);

	bool found = false;
	size_t best = c.n;
	for (size_t i = 0; i < c.n; i++) {
		/* One look at each candidate: the reader says when it is absent. */
		int got = cand_read(&c, i);
		if (got == -2)
			continue;
		if (got != 0) {
			if (!found && !mod->path) {
				mod->not_elf = true;  /* a data file such as locale-archive */
				break;
			}
			continue;
		}
		bool match = cf_wanted_same_build(mod, &c.info[i]);
		if (!mod->path || match) {
			cf_wanted_take(mod, c.path[i], c.how[i], &c.info[i]);
			best = i;
		}
		found = true;
		if (match)
			break;
	}
	if (best < c.n) {
		cf_elfinfo_free(out);
		*out = c.info[best];
		c.got[best] = -2;  /* handed over */
	}
	cands_free(&c);
	/* Not once more for a module an earlier pass already fetched. */
	bool fetched = mod->path_how && !strcmp(mod->path_how, "debuginfod");
	if ((!found || mod->bid_mismatch) && !fetched && fetch(r, mod, out))
		found = true;
	return found;
}

bool cf_resolve_file(struct cf_resolver *r, struct cf_wanted *mod, struct cf_elfinfo *out)
{
	memset(out, 0, sizeof *out);
	if (mod->vdso || mod->name[0] == 0 || mod->name[0] == '[')
		return false;
	if (!r->bundle_known) {
		r->bundle_dir = cf_bundle_dir(r->core_path);
		r->bundle_known = true;
	}
	/* An answer holds for the whole run unless the core's bundle or its
	 * folder (where a relative name is looked for) took part. A question
	 * that comes with part of an answer is not one asked before. */
	uint64_t epoch = r->bundle_dir || mod->name[0] != '/' ? r->epoch : 0;
	bool fresh = !mod->path && !mod->debuginfo;
	const struct cf_answer *known = fresh ? cf_answers_find(&r->answers, mod, epoch) : NULL;
	if (known) {
		if (!cf_answer_give(known, mod))
			return false;
		/* The answer is which file; its headers are read from it again.
		 * A file gone or replaced since is looked for afresh. */
		char err[128];
		if (cf_elf_read_file(mod->path, out, err, sizeof err) == 0 && out->dev == mod->path_dev &&
		    out->ino == mod->path_ino)
			return true;
		cf_elfinfo_free(out);
		free(mod->path);
		free(mod->debuginfo);
		*mod = (struct cf_wanted){.name = mod->name, .deleted = mod->deleted, .vdso = mod->vdso,
					  .bid_core = mod->bid_core, .bid_core_len = mod->bid_core_len,
					  .header_in_core = mod->header_in_core, .layout_core = mod->layout_core};
		return answer(r, mod, out);
	}
	size_t nwarn = r->diag->nwarn;
	bool found = answer(r, mod, out);
	/* Warnings belong to the core that drew them: asked again, by this
	 * core or the next, such a question is worked out again. */
	if (fresh && r->diag->nwarn == nwarn)
		cf_answers_put(&r->answers, mod, epoch, found);
	return found;
}
