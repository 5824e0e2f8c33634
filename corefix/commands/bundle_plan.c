/* `corefix bundle`'s plan: which file stands for which module (the one
 * the core's build-id names, never another build unless --force), which
 * separate debug files and dwz supplements go along. */
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_plan.h"

static bool regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where separate debug info for build-id HEX may sit on this machine, in
 * the order a debugger would look: --debug-dir, the distribution's
 * /usr/lib/debug, then debuginfod's client cache (files an earlier
 * debuginfod fetch left there). */
static char *find_debug_by_id(const char *hex, const struct cf_bundle_options *bo)
{
	char *p;
	for (size_t i = 0; i < bo->ndebug; i++) {
		p = cf_xasprintf("%s/.build-id/%.2s/%s.debug", bo->debug_dirs[i], hex, hex + 2);
		if (regular(p))
			return p;
		free(p);
	}
	p = cf_xasprintf("/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
	if (regular(p))
		return p;
	free(p);
	const char *env = getenv("DEBUGINFOD_CACHE_PATH"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *caches[3] = {
		env && *env ? cf_xstrdup(env) : NULL,
		xdg && *xdg ? cf_xasprintf("%s/debuginfod_client", xdg) : NULL,
		home && *home ? cf_xasprintf("%s/.cache/debuginfod_client", home) : NULL,
	};
	char *found = NULL;
	for (int i = 0; i < 3; i++) {
		if (caches[i] && !found) {
			p = cf_xasprintf("%s/%s/debuginfo", caches[i], hex);
			if (regular(p))
				found = p;
			else
				free(p);
		}
		free(caches[i]);
	}
	return found;
}

/* dwz moves DWARF shared by several debug files into one supplementary
 * file, named with its build-id in .gnu_debugaltlink; without it the
 * debug file is useless elsewhere. Returns its length, 0 when none. */
static size_t altlink_id(const char *debug, unsigned char *id)
{
	int fd = open(debug, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	size_t len = 0, shstr;
	if (e && elf_getshdrstrndx(e, &shstr) == 0) {
		for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s)) != NULL;) {
			GElf_Shdr sh;
			const char *name;
			if (!gelf_getshdr(s, &sh) || !(name = elf_strptr(e, shstr, sh.sh_name)) ||
			    strcmp(name, ".gnu_debugaltlink") != 0)
				continue;
			Elf_Data *d = elf_getdata(s, NULL);
			const char *p = d ? d->d_buf : NULL;
			size_t n = d ? d->d_size : 0, nul = p ? strnlen(p, n) : n;
			if (nul < n && n - nul - 1 <= CF_BUILDID_MAX) {
				len = n - nul - 1;
				memcpy(id, p + nul + 1, len);
			}
			break;
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return len;
}

static bool have_member(const struct cf_bundle_plan *plan, size_t upto, const char *member)
{
	for (size_t i = 0; i < upto; i++)
		if (plan->item[i].debug_member && !strcmp(plan->item[i].debug_member, member))
			return true;
	for (size_t i = 0; i < plan->nextra; i++)
		if (!strcmp(plan->extra[i].member, member))
			return true;
	return false;
}

static void plan_debug(struct cf_bundle_plan *plan, size_t k, const struct cf_bundle_options *bo)
{
	struct cf_bundle_item *it = &plan->item[k];
	const struct cf_module *mod = it->mod;
	const unsigned char *bid = mod->bid_file_len ? mod->bid_file : mod->bid_core;
	size_t len = mod->bid_file_len ? mod->bid_file_len : mod->bid_core_len;
	if (!len)
		return;  /* separate debug info is found by build-id only */
	char hex[2 * CF_BUILDID_MAX + 1];
	cf_hex(bid, len, hex);
	char *from = mod->debuginfo && regular(mod->debuginfo) ? cf_xstrdup(mod->debuginfo) : find_debug_by_id(hex, bo);
	if (!from)
		return;
	it->debug_member = cf_bundle_debug_member(bid, len);
	if (have_member(plan, k, it->debug_member)) {
		free(from);  /* another module with this build-id carries it */
		return;
	}
	it->debug_from = from;
	unsigned char alt[CF_BUILDID_MAX];
	size_t altlen = altlink_id(from, alt);
	if (!altlen)
		return;
	char *member = cf_bundle_debug_member(alt, altlen), althex[2 * CF_BUILDID_MAX + 1];
	cf_hex(alt, altlen, althex);
	char *altfrom = have_member(plan, k + 1, member) ? NULL : find_debug_by_id(althex, bo);
	if (!altfrom) {
		free(member);
		return;
	}
	plan->extra = cf_grow(plan->extra, plan->nextra, sizeof *plan->extra);
	plan->extra[plan->nextra++] = (struct cf_bundle_extra){member, altfrom};
}

static char *missing_reason(const struct cf_module *mod)
{
	if (mod->path) {
		char a[2 * CF_BUILDID_MAX + 1], b[2 * CF_BUILDID_MAX + 1];
		cf_hex(mod->bid_file, mod->bid_file_len, b);
		cf_hex(mod->bid_core, mod->bid_core_len, a);
		return cf_xasprintf("the file found (%s, by %s) has build-id %s, the core recorded %s; "
				    "corefix bundle --force carries it anyway",
				    mod->path, mod->path_how ? mod->path_how : "?", mod->bid_file_len ? b : "none", a);
	}
	if (!mod->name[0])
		return cf_xstrdup("the core does not name this module and no file was found for it (name the "
				  "program as EXE)");
	return cf_xstrdup("no file found under its recorded name (try --sysroot, --path-map or --search)");
}

void cf_bundle_plan(const struct cf_model *m, const struct cf_bundle_options *bo, struct cf_bundle_plan *plan)
{
	memset(plan, 0, sizeof *plan);
	plan->item = cf_xcalloc(m->nmod + 1, sizeof *plan->item);
	plan->n = m->nmod;
	for (size_t i = 0; i < m->nmod; i++) {
		struct cf_bundle_item *it = &plan->item[i];
		const struct cf_module *mod = &m->mod[i];
		it->mod = mod;
		if (mod->role == CF_ROLE_VDSO) {
			it->status = "in-core";
			it->reason = cf_xstrdup("the vDSO has no file: debuggers read it from core memory");
			continue;
		}
		if (!mod->path || (mod->bid_mismatch && !bo->force) || !(it->member = cf_bundle_member(mod))) {
			it->status = "missing";
			it->reason = missing_reason(mod);
			plan->incomplete = true;
			continue;
		}
		it->status = "bundled";
		it->first = true;
		for (size_t k = 0; k < i; k++)
			if (plan->item[k].member && !strcmp(plan->item[k].member, it->member))
				it->first = false;  /* one build, one copy */
		plan_debug(plan, i, bo);
	}
}

void cf_bundle_plan_free(struct cf_bundle_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->item[i].member);
		free(plan->item[i].debug_member);
		free(plan->item[i].debug_from);
		free(plan->item[i].reason);
	}
	for (size_t i = 0; i < plan->nextra; i++) {
		free(plan->extra[i].member);
		free(plan->extra[i].from);
	}
	free(plan->item);
	free(plan->extra);
	memset(plan, 0, sizeof *plan);
}

