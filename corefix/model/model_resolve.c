/* The model's one door to the resolver: what the model knows of a module
 * goes in, what the resolver learned of its file comes back. Every stage
 * asks through here, so all of them share the run's one resolver and its
 * memory of answers. */
#include <string.h>

#include "model_build.h"

static struct cf_wanted wanted_of(const struct cf_module *mod)
{
	struct cf_wanted w = {
		.name = mod->name, .deleted = mod->deleted, .vdso = mod->role == CF_ROLE_VDSO,
		.bid_core = mod->bid_core, .bid_core_len = mod->bid_core_len,
		.header_in_core = mod->header_in_core, .layout_core = mod->layout_core,
		.path = mod->path, .path_how = mod->path_how, .path_dev = mod->path_dev, .path_ino = mod->path_ino,
		.debuginfo = mod->debuginfo,
		.bid_file_len = mod->bid_file_len, .bid_mismatch = mod->bid_mismatch, .not_elf = mod->not_elf,
	};
	memcpy(w.bid_file, mod->bid_file, sizeof w.bid_file);
	return w;
}

static void learn(struct cf_module *mod, const struct cf_wanted *w)
{
	mod->path = w->path;
	mod->path_how = w->path_how;
	mod->path_dev = w->path_dev;
	mod->path_ino = w->path_ino;
	mod->debuginfo = w->debuginfo;
	memcpy(mod->bid_file, w->bid_file, sizeof mod->bid_file);
	mod->bid_file_len = w->bid_file_len;
	mod->bid_mismatch = w->bid_mismatch;
	mod->not_elf = w->not_elf;
}

bool cf_resolve(struct cf_model *m, struct cf_module *mod, struct cf_elfinfo *info)
{
	struct cf_wanted w = wanted_of(mod);
	bool found = cf_resolve_file(m->resolver, &w, info);
	learn(mod, &w);
	return found;
}

void cf_module_take_exe(struct cf_module *mod, const char *exe, const struct cf_elfinfo *info)
{
	struct cf_wanted w = wanted_of(mod);
	cf_wanted_take(&w, exe, "command line", info);
	learn(mod, &w);
}
