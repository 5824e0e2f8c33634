/* manifest.json of a bundle (schema corefix/bundle/1, described by
 * corefix/schema/bundle-1.json): what the crash was, which member stands
 * for which module, and why a module is not there. The schema key comes
 * first: cf_bundle_dir recognizes an unpacked bundle by it. */
#include <stdlib.h>
#include <string.h>

#include "bundle_plan.h"
#include "bundle_scripts.h"
#include "emit.h"

static void module(FILE *out, const struct cf_model *m, const struct cf_bundle_item *it)
{
	const struct cf_module *mod = it->mod;
	fputs("{\"name\": ", out);
	cf_json_string(out, mod->name);
	fprintf(out, ", \"role\": \"%s\", \"build_id\": ", cf_role_name(mod->role));
	cf_json_buildid(out, mod->bid_core, mod->bid_core_len);
	fputs(", \"build_id_file\": ", out);
	cf_json_buildid(out, mod->bid_file, mod->bid_file_len);
	fputs(", \"bias\": ", out);
	cf_json_bias(out, m, mod);
	fputs(", \"path\": ", out);
	cf_json_string(out, mod->path);
	fputs(", \"path_found_by\": ", out);
	cf_json_string(out, mod->path_how);
	fprintf(out, ", \"status\": \"%s\", \"member\": ", it->status);
	cf_json_string(out, it->member);
	fputs(", \"debug_member\": ", out);
	cf_json_string(out, it->debug_member);
	fputs(", \"debug_from\": ", out);
	cf_json_string(out, it->debug_from);
	fputs(", \"reason\": ", out);
	cf_json_string(out, it->reason);
	fputc('}', out);
}

void cf_bundle_manifest(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan)
{
	fputs("{\n  \"schema\": \"" CF_BUNDLE_SCHEMA "\",\n  \"core\": {\"member\": \"" CF_BUNDLE_CORE "\", \"path\": ",
	      out);
	char *abs = cf_path_absolute(m->core.path);
	cf_json_string(out, abs);
	free(abs);
	fprintf(out, ", \"size\": %llu},\n", (unsigned long long)m->core.size);
	fprintf(out, "  \"machine\": \"%s\",\n  \"class\": %d,\n  \"loader_as_command\": %s,\n  \"km\": %s,\n",
		cf_machine_name(m->core.machine), m->core.order.is64 ? 64 : 32, m->loader_as_command ? "true" : "false",
		m->km ? "true" : "false");
	fprintf(out, "  \"complete\": %s,\n", plan->incomplete ? "false" : "true");
	fputs("  \"scripts\": {\"gdb\": \"" CF_BUNDLE_GDB_PY "\", \"gdb_here\": \"" CF_BUNDLE_GDB_HERE
	      "\", \"lldb\": \"" CF_BUNDLE_LLDB "\", \"lldb_here\": \"" CF_BUNDLE_LLDB_HERE "\"},\n",
	      out);
	fputs("  \"modules\": [", out);
	for (size_t i = 0; i < plan->n; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		module(out, m, &plan->item[i]);
	}
	fputs(plan->n ? "\n  ],\n  \"debug_extra\": [" : "],\n  \"debug_extra\": [", out);
	for (size_t i = 0; i < plan->nextra; i++) {
		fputs(i ? ",\n    {\"member\": " : "\n    {\"member\": ", out);
		cf_json_string(out, plan->extra[i].member);
		fputs(", \"debug_from\": ", out);
		cf_json_string(out, plan->extra[i].from);
		fputc('}', out);
	}
	fputs(plan->nextra ? "\n  ],\n  \"warnings\": [" : "],\n  \"warnings\": [", out);
	for (size_t i = 0; i < m->diag.nwarn; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		cf_json_string(out, m->diag.warn[i]);
	}
	fputs(m->diag.nwarn ? "\n  ]\n}\n" : "]\n}\n", out);
}
