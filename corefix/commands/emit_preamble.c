/* The '#' lines every debugger script opens with (emit.h). Apart from
 * emit_common.c, which emit_coredump.c uses: the preamble uses both. */
#include <stdio.h>
#include <stdlib.h>

#include "emit.h"
#include "quote.h"

static void comment(FILE *out, const char *prefix, const char *text)
{
	char *t = cf_comment_text(text);
	fprintf(out, "# %s%s\n", prefix, t);
	free(t);
}

void cf_script_preamble(FILE *out, const struct cf_model *m, const char *tool, const char *run)
{
	fprintf(out, "# corefix: %s commands for a core; run with  %s\n", tool, run);
	comment(out, "core: ", m->core.path);
	cf_comment_compressed(out, m);
	const struct cf_module *exec = cf_model_role(m, CF_ROLE_EXEC), *main_mod = cf_model_role(m, CF_ROLE_MAIN);
	if (m->loader_as_command && exec && main_mod) {
		comment(out, "the kernel ran the loader as the program: ", exec->name);
		comment(out, "the real program: ", main_mod->name[0] ? main_mod->name : "(unnamed)");
	}
	if (m->km)
		fprintf(out, "# Kontain KM core layout\n");
}
