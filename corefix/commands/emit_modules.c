/* `corefix modules`: the module table, for people and (--json) machines. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "quote.h"

static void hexid(const unsigned char *b, size_t n, char *out)
{
	if (n)
		cf_hex(b, n, out);
	else
		strcpy(out, "-");
}

int cf_emit_modules_text(FILE *out, const struct cf_model *m, bool force)
{
	char *core = cf_comment_text(m->core.path);
	fprintf(out, "core %s: %s, %d-bit, %zu thread%s, %zu module%s%s%s\n", core, cf_machine_name(m->core.machine),
		m->core.order.is64 ? 64 : 32, m->notes.nthread, m->notes.nthread == 1 ? "" : "s", m->nmod,
		m->nmod == 1 ? "" : "s", m->loader_as_command ? ", loader run as a command" : "",
		m->km ? ", KM layout" : "");
	free(core);
	if (m->r_debug_how)
		fprintf(out, "r_debug at 0x%llx (found through %s), %zu link_map entr%s%s\n",
			(unsigned long long)m->r_debug, m->r_debug_how, m->lm_entries, m->lm_entries == 1 ? "y" : "ies",
			m->lm_broken ? ", walk incomplete" : "");
	else
		fprintf(out, "r_debug not found: modules come from NT_FILE%s only\n", m->km ? " and KM notes" : "");
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		char bias[32] = "?", src[64], bsrc[64], a[2 * CF_BUILDID_MAX + 1], b[2 * CF_BUILDID_MAX + 1];
		if (mod->has_bias)
			cf_bias_text(m, mod, bias, sizeof bias);
		hexid(mod->bid_core, mod->bid_core_len, a);
		hexid(mod->bid_file, mod->bid_file_len, b);
		char *name = cf_comment_text(mod->name[0] ? mod->name : "(unnamed)");
		fprintf(out, "\n%-6s %s\n", cf_role_name(mod->role), name);
		free(name);
		if (mod->path && strcmp(mod->path, mod->name) != 0) {
			char *p = cf_comment_text(mod->path);
			fprintf(out, "       file     %s (%s)\n", p, mod->path_how);
			free(p);
		}
		if (mod->debuginfo) {
			char *p = cf_comment_text(mod->debuginfo);
			fprintf(out, "       debug    %s (debuginfod)\n", p);
			free(p);
		}
		fprintf(out, "       bias     %s (%s)   range 0x%llx-0x%llx\n", bias,
			mod->has_bias ? cf_sources_text(mod->bias_src, bsrc, sizeof bsrc) : "unknown",
			(unsigned long long)mod->lo, (unsigned long long)mod->hi);
		for (size_t k = 0; k < mod->ndata; k++) {
			const struct cf_mapping *e = &m->notes.map[mod->data[k]];
			fprintf(out, "       data     0x%llx-0x%llx file offset 0x%llx (the file mapped again, not its image)\n",
				(unsigned long long)e->start, (unsigned long long)e->end, (unsigned long long)e->offset);
		}
		fprintf(out, "       build-id core %s  file %s%s\n", a, b, mod->bid_mismatch ? "  MISMATCH" : "");
		fprintf(out, "       status   %s; known from %s\n", cf_module_status(mod, force),
			cf_sources_text(mod->sources, src, sizeof src));
	}
	return 0;
}

/* load_path: the name a debugger bridge gives its debugger for MOD, which
 * the bridge cannot derive itself (a JSON string cannot carry a path that
 * is not UTF-8, and a newline must never reach a command line). Only a
 * loadable module gets one; the reason it has none becomes a warning. */
static void json_load_path(FILE *out, const struct cf_module *mod, const struct cf_emit_opts *eo, bool force,
			   struct cf_diag *extra)
{
	if (!mod->path || mod->role == CF_ROLE_VDSO || !cf_module_loadable(mod, force)) {
		fputs("null", out);
		return;
	}
	char err[256];
	bool aliased;
	char *p = cf_usable_path(mod->path, mod->bid_file, mod->bid_file_len, eo, cf_plain_text, &aliased, err,
				 sizeof err);
	if (!p) {
		char *shown = cf_comment_text(mod->path);
		cf_warn(extra, "%s: no name a debugger can be given for it: %s", shown, err);
		free(shown);
	}
	cf_json_string(out, p);
	free(p);
}

/* debuginfo_path: the separate debug info debuginfod gave for a module
 * whose file has none, named the way load_path is (plain text, else an
 * alias). A bridge attaches it to the objfile it added. */
static void json_debuginfo_path(FILE *out, const struct cf_module *mod, const struct cf_emit_opts *eo,
				struct cf_diag *extra)
{
	char err[256];
	bool aliased;
	char *p = mod->debuginfo ? cf_usable_path(mod->debuginfo, mod->bid_core, mod->bid_core_len, eo, cf_plain_text,
						  &aliased, err, sizeof err)
				 : NULL;
	if (mod->debuginfo && !p) {
		char *shown = cf_comment_text(mod->debuginfo);
		cf_warn(extra, "%s: no name a debugger can be given for it: %s", shown, err);
		free(shown);
	}
	cf_json_string(out, p);
	free(p);
}

int cf_emit_modules_json(FILE *out, const struct cf_model *m, const struct cf_emit_opts *eo)
{
	bool force = eo && eo->force;
	struct cf_diag extra = {0};
	fprintf(out, "{\n  \"schema\": \"corefix/modules/1\",\n  \"core\": ");
	cf_json_string(out, m->core.path);
	fprintf(out, ",\n  \"machine\": \"%s\",\n  \"class\": %d,\n  \"byte_order\": \"%s\",\n",
		cf_machine_name(m->core.machine), m->core.order.is64 ? 64 : 32, m->core.order.big ? "big" : "little");
	fprintf(out, "  \"page_size\": %llu,\n  \"threads\": %zu,\n  \"loader_as_command\": %s,\n  \"km\": %s,\n",
		(unsigned long long)m->pagesz, m->notes.nthread, m->loader_as_command ? "true" : "false",
		m->km ? "true" : "false");
	fprintf(out, "  \"complete\": %s,\n  \"r_debug\": ", m->diag.partial ? "false" : "true");
	if (m->r_debug_how) {
		fprintf(out, "{\"address\": \"0x%llx\", \"found_by\": ", (unsigned long long)m->r_debug);
		cf_json_string(out, m->r_debug_how);
		fprintf(out, ", \"version\": %d, \"entries\": %zu, \"complete\": %s}", m->r_version, m->lm_entries,
			m->lm_broken ? "false" : "true");
	} else {
		fputs("null", out);
	}
	fputs(",\n  \"modules\": [", out);
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
		cf_json_string(out, mod->name);
		fputs(", \"path\": ", out);
		cf_json_string(out, mod->path);
		fputs(", \"path_found_by\": ", out);
		cf_json_string(out, mod->path_how);
		fprintf(out, ", \"role\": \"%s\", \"status\": \"%s\", \"loadable\": %s, \"bias\": ", cf_role_name(mod->role),
			cf_module_status(mod, force), cf_module_loadable(mod, force) ? "true" : "false");
		cf_json_bias(out, m, mod);
		fputs(", \"bias_sources\": ", out);
		cf_json_sources(out, mod->has_bias ? mod->bias_src : 0);
		fputs(", \"start\": ", out);
		cf_json_addr(out, mod->hi > mod->lo, mod->lo);
		fputs(", \"end\": ", out);
		cf_json_addr(out, mod->hi > mod->lo, mod->hi);
		fputs(", \"build_id_core\": ", out);
		cf_json_buildid(out, mod->bid_core, mod->bid_core_len);
		fputs(", \"build_id_file\": ", out);
		cf_json_buildid(out, mod->bid_file, mod->bid_file_len);
		fprintf(out, ", \"deleted\": %s, \"mappings\": %zu, \"in_link_map\": %s, \"l_addr\": ",
			mod->deleted ? "true" : "false", mod->nmaps, mod->in_linkmap ? "true" : "false");
		cf_json_addr(out, mod->in_linkmap, mod->l_addr);
		fputs(", \"sources\": ", out);
		cf_json_sources(out, mod->sources);
		/* Last: a key added after schema 1 was published. */
		fputs(", \"load_path\": ", out);
		json_load_path(out, mod, eo, force, &extra);
		fputs(", \"debuginfo_path\": ", out);
		json_debuginfo_path(out, mod, eo, &extra);
		fputs(", \"data_mappings\": [", out);
		for (size_t k = 0; k < mod->ndata; k++) {
			const struct cf_mapping *e = &m->notes.map[mod->data[k]];
			fprintf(out, "%s{\"start\": \"0x%llx\", \"end\": \"0x%llx\", \"offset\": \"0x%llx\"}", k ? ", " : "",
				(unsigned long long)e->start, (unsigned long long)e->end, (unsigned long long)e->offset);
		}
		fputs("]}", out);
	}
	fputs("\n  ],\n  \"warnings\": [", out);
	for (size_t i = 0; i < m->diag.nwarn + extra.nwarn; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		cf_json_string(out, i < m->diag.nwarn ? m->diag.warn[i] : extra.warn[i - m->diag.nwarn]);
	}
	if (m->diag.suppressed)
		fprintf(out, ",\n    \"%zu more warnings not shown\"", m->diag.suppressed);
	/* Last: keys added after schema 1 was published. */
	fputs(m->diag.nwarn + extra.nwarn ? "\n  ],\n  \"compression\": " : "],\n  \"compression\": ", out);
	cf_json_string(out, m->core.compression);
	fputs(",\n  \"coredump\": ", out);
	cf_json_coredump(out, m);
	fputs("\n}\n", out);
	cf_diag_free(&extra);
	return 0;
}
