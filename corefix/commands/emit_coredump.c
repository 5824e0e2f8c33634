/* What the emitters say about a compressed core and about the attributes
 * systemd-coredump put on its file. */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "emit.h"
#include "quote.h"

const char *cf_debugger_core(const struct cf_model *m)
{
	return m->core.plain_path ? m->core.plain_path : m->core.path;
}

void cf_comment_compressed(FILE *out, const struct cf_model *m)
{
	if (!m->core.compression)
		return;
	fprintf(out, "# the core is %s-compressed; the debugger reads a decompressed copy in corefix's cache,\n",
		m->core.compression);
	char *p = cf_comment_text(m->core.plain_path ? m->core.plain_path : "(none)");
	fprintf(out, "# %s: %s\n", m->core.plain_reused ? "reused (made by an earlier run)" : "written by this run", p);
	free(p);
}

static void json_number(FILE *out, const char *s)
{
	uint64_t v;
	if (cf_coredump_number(s, &v))
		fprintf(out, "%" PRIu64, v);
	else
		fputs("null", out);
}

void cf_json_coredump(FILE *out, const struct cf_model *m)
{
	const struct cf_coredump *cd = &m->core.coredump;
	if (!cd->present) {
		fputs("null", out);
		return;
	}
	fputs("{\"exe\": ", out);
	cf_json_string(out, cd->exe);
	fputs(", \"comm\": ", out);
	cf_json_string(out, cd->comm);
	fputs(", \"pid\": ", out);
	json_number(out, cd->pid);
	fputs(", \"signal\": ", out);
	json_number(out, cd->signal);
	fputs(", \"timestamp\": ", out);
	json_number(out, cd->timestamp);
	fputs(", \"hostname\": ", out);
	cf_json_string(out, cd->hostname);
	fputc('}', out);
}

static void text_field(FILE *out, bool *first, const char *label, const char *value)
{
	if (!value)
		return;
	char *t = cf_comment_text(value);
	fprintf(out, "%s%s %s", *first ? "" : ", ", label, t);
	free(t);
	*first = false;
}

void cf_text_coredump(FILE *out, const struct cf_model *m)
{
	if (m->core.compression)
		fprintf(out, "The core is stored %s-compressed; corefix read a decompressed copy.\n", m->core.compression);
	const struct cf_coredump *cd = &m->core.coredump;
	if (!cd->present)
		return;
	bool first = true;
	fputs("systemd-coredump recorded: ", out);
	text_field(out, &first, "program", cd->exe);
	text_field(out, &first, "command", cd->comm);
	text_field(out, &first, "pid", cd->pid);
	text_field(out, &first, "signal", cd->signal);
	uint64_t us;
	char when[64] = "";
	if (cf_coredump_number(cd->timestamp, &us)) {
		time_t t = (time_t)(us / 1000000);
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	text_field(out, &first, "time", when[0] ? when : cd->timestamp);
	text_field(out, &first, "host", cd->hostname);
	fputs(".\n", out);
}
