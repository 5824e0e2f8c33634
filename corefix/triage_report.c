/* The groups of a triage — one per crash signature, with its cores in the
 * order they were read — and their three renderings: table, JSON (schema
 * corefix/triage/1) and Markdown. Shared by a run over cores and by
 * --merge over the JSON of earlier runs, so both print alike. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "quote.h"
#include "triage.h"

static void push(struct cf_strlist *l, char *s)
{
	l->v = cf_xrealloc(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = s;
}

static char *dup_or_null(const char *s)
{
	return s ? cf_xstrdup(s) : NULL;
}

void cf_triage_add(struct cf_triage_report *r, const char *core, const char *sig, const char *signal,
		   char *const *frames, size_t nframes, const char *abort_msg)
{
	size_t k = 0;
	while (k < r->ng && strcmp(r->g[k].signature, sig) != 0)
		k++;
	if (k == r->ng) {
		r->g = cf_xrealloc(r->g, r->ng + 1, sizeof *r->g);
		struct cf_triage_group *g = &r->g[r->ng++];
		*g = (struct cf_triage_group){
			.signature = cf_xstrdup(sig), .signal = cf_xstrdup(signal), .abort_msg = dup_or_null(abort_msg),
			.frames = nframes ? cf_xcalloc(nframes, sizeof *g->frames) : NULL, .nframes = nframes,
		};
		for (size_t i = 0; i < nframes; i++)
			g->frames[i] = cf_xstrdup(frames[i]);
	}
	push(&r->g[k].cores, cf_xstrdup(core));
}

void cf_triage_add_bad(struct cf_triage_report *r, const char *core, const char *why)
{
	push(&r->bad, cf_xstrdup(core));
	push(&r->why, cf_xstrdup(why));
}

static int by_count(const void *a, const void *b)
{
	const struct cf_triage_group *x = a, *y = b;
	if (x->cores.n != y->cores.n)
		return x->cores.n < y->cores.n ? 1 : -1;
	return strcmp(x->signature, y->signature);
}

static void print_table(FILE *out, const struct cf_triage_group *g, size_t ng, const struct cf_strlist *bad,
			size_t found)
{
	fprintf(out, "%zu core%s, %zu distinct crash%s%s\n", found, found == 1 ? "" : "s", ng, ng == 1 ? "" : "es",
		bad->n ? "" : "");
	fprintf(out, "%5s  %-22s  %-44s  %s\n", "COUNT", "SIGNAL", "TOP FRAMES", "FIRST CORE");
	for (size_t i = 0; i < ng; i++) {
		char frames[1024] = "";
		size_t o = 0;
		for (size_t k = 0; k < g[i].nframes; k++)
			o += (size_t)snprintf(frames + o, o < sizeof frames ? sizeof frames - o : 0, "%s%s", k ? " < " : "",
					      g[i].frames[k]);
		char *f = cf_comment_text(frames), *c = cf_comment_text(g[i].cores.v[0]);
		fprintf(out, "%5zu  %-22s  %-44s  %s\n", g[i].cores.n, g[i].signal, f, c);
		free(f);
		free(c);
	}
	for (size_t i = 0; i < bad->n; i++) {
		char *t = cf_comment_text(bad->v[i]);
		fprintf(out, "unreadable: %s\n", t);
		free(t);
	}
}

static void md_cell(FILE *out, const char *s)
{
	char *t = cf_comment_text(s);
	for (const char *p = t; *p; p++)
		if (*p == '|' || *p == '`' || *p == '<' || *p == '>' || *p == '*' || *p == '_')
			fprintf(out, "\\%c", *p);
		else
			fputc(*p, out);
	free(t);
}

static void print_markdown(FILE *out, const struct cf_triage_group *g, size_t ng, const struct cf_strlist *bad,
			   size_t found)
{
	fprintf(out, "### corefix triage: %zu core%s, %zu distinct crash%s\n\n", found, found == 1 ? "" : "s", ng,
		ng == 1 ? "" : "es");
	fputs("| Count | Signal | Top frames | First core |\n|---:|---|---|---|\n", out);
	for (size_t i = 0; i < ng; i++) {
		fprintf(out, "| %zu | ", g[i].cores.n);
		md_cell(out, g[i].signal);
		fputs(" | ", out);
		for (size_t k = 0; k < g[i].nframes; k++) {
			if (k)
				fputs(" ← ", out);
			md_cell(out, g[i].frames[k]);
		}
		fputs(" | ", out);
		md_cell(out, g[i].cores.v[0]);
		fputs(" |\n", out);
	}
	if (bad->n) {
		fprintf(out, "\n%zu core%s could not be read:\n", bad->n, bad->n == 1 ? "" : "s");
		for (size_t i = 0; i < bad->n; i++) {
			fputs("- ", out);
			md_cell(out, bad->v[i]);
			fputc('\n', out);
		}
	}
}

static void print_json(FILE *out, const struct cf_triage_group *g, size_t ng, const struct cf_strlist *bad,
		       const struct cf_strlist *why,		       size_t found)
{
	fprintf(out, "{\n  \"schema\": \"corefix/triage/1\",\n  \"cores_found\": %zu,\n  \"cores_read\": %zu,\n", found,
		found - bad->n);
	fputs("  \"groups\": [", out);
	for (size_t i = 0; i < ng; i++) {
		fprintf(out, "%s\n    {\"signature\": ", i ? "," : "");
		cf_json_string(out, g[i].signature);
		fputs(", \"signal\": ", out);
		cf_json_string(out, g[i].signal);
		fputs(", \"frames\": [", out);
		for (size_t k = 0; k < g[i].nframes; k++) {
			fputs(k ? ", " : "", out);
			cf_json_string(out, g[i].frames[k]);
		}
		fprintf(out, "], \"count\": %zu, \"first_core\": ", g[i].cores.n);
		cf_json_string(out, g[i].cores.v[0]);
		fputs(", \"abort_message\": ", out);
		cf_json_string(out, g[i].abort_msg);
		fputs(", \"cores\": [", out);
		for (size_t k = 0; k < g[i].cores.n; k++) {
			fputs(k ? ", " : "", out);
			cf_json_string(out, g[i].cores.v[k]);
		}
		fputs("]}", out);
	}
	fputs(ng ? "\n  ],\n  \"unreadable\": [" : "],\n  \"unreadable\": [", out);
	for (size_t i = 0; i < bad->n; i++) {
		fputs(i ? ",\n    {\"core\": " : "\n    {\"core\": ", out);
		cf_json_string(out, bad->v[i]);
		fputs(", \"error\": ", out);
		cf_json_string(out, why->v[i]);
		fputc('}', out);
	}
	fputs(bad->n ? "\n  ]\n}\n" : "]\n}\n", out);
}

void cf_triage_print(FILE *out, struct cf_triage_report *r, enum cf_triage_format format)
{
	if (r->ng)
		qsort(r->g, r->ng, sizeof *r->g, by_count);
	if (format == CF_TRIAGE_JSON)
		print_json(out, r->g, r->ng, &r->bad, &r->why, r->found);
	else if (format == CF_TRIAGE_MARKDOWN)
		print_markdown(out, r->g, r->ng, &r->bad, r->found);
	else
		print_table(out, r->g, r->ng, &r->bad, r->found);
}

void cf_triage_report_free(struct cf_triage_report *r)
{
	for (size_t i = 0; i < r->ng; i++) {
		struct cf_triage_group *g = &r->g[i];
		free(g->signature);
		free(g->signal);
		free(g->abort_msg);
		for (size_t k = 0; k < g->nframes; k++)
			free(g->frames[k]);
		free(g->frames);
		for (size_t k = 0; k < g->cores.n; k++)
			free(g->cores.v[k]);
		free(g->cores.v);
	}
	free(r->g);
	for (size_t i = 0; i < r->bad.n; i++)
		free(r->bad.v[i]), free(r->why.v[i]);
	free(r->bad.v);
	free(r->why.v);
	memset(r, 0, sizeof *r);
}
