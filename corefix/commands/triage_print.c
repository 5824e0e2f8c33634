/* A triage's groups rendered: table, JSON (schema corefix/triage/2) and
 * Markdown, and the --html page (triage_html.c). A run over cores and
 * --merge print through here, so both print alike. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "quote.h"
#include "triage_html.h"
#include "triage_print.h"

/* New groups first (when there is a baseline), then most cores. */
static int by_count(const void *a, const void *b)
{
	const struct cf_triage_group *x = a, *y = b;
	if (x->known != y->known)
		return x->known < y->known ? -1 : 1;
	if (x->cores.n != y->cores.n)
		return x->cores.n < y->cores.n ? 1 : -1;
	return strcmp(x->first.signature, y->first.signature);
}

static const char *known_word(const struct cf_triage_group *g)
{
	return g->known < 0 ? "" : g->known ? "known" : "NEW";
}

static void print_table(FILE *out, const struct cf_triage_report *r)
{
	const struct cf_triage_group *g = r->g;
	fprintf(out, "%zu core%s, %zu distinct crash%s\n", r->found, r->found == 1 ? "" : "s", r->ng,
		r->ng == 1 ? "" : "es");
	if (r->baseline)
		fprintf(out, "%-6s", "");
	fprintf(out, "%5s  %-19s %-22s  %-44s  %s\n", "COUNT", "CLASS", "SIGNAL", "TOP FRAMES", "FIRST CORE");
	for (size_t i = 0; i < r->ng; i++) {
		char frames[1024] = "";
		size_t o = 0;
		for (size_t k = 0; k < g[i].first.nframes; k++)
			o += (size_t)snprintf(frames + o, o < sizeof frames ? sizeof frames - o : 0, "%s%s", k ? " < " : "",
					      g[i].first.frames[k]);
		char *f = cf_comment_text(frames), *c = cf_comment_text(g[i].cores.v[0]);
		char *e = cf_comment_text(g[i].first.evidence ? g[i].first.evidence : "");
		if (r->baseline)
			fprintf(out, "%-6s", known_word(&g[i]));
		fprintf(out, "%5zu  %-19s %-22s  %-44s  %s\n", g[i].cores.n, g[i].first.cls, g[i].first.signal, f, c);
		fprintf(out, "%s%7s%s\n", r->baseline ? "      " : "", "", e);
		free(f);
		free(c);
		free(e);
	}
	for (size_t i = 0; i < r->bad.n; i++) {
		char *t = cf_comment_text(r->bad.v[i]), *w = cf_comment_text(r->why.v[i]);
		fprintf(out, "unreadable: %s: %s\n", t, w);
		free(t);
		free(w);
	}
}

static void md_cell(FILE *out, const char *s)
{
	char *t = cf_comment_text(s);
	for (const char *p = t; *p; p++)
		if (*p == '|' || *p == '`' || *p == '<' || *p == '>' || *p == '*' || *p == '_' || *p == '[' ||
		    *p == ']' || *p == '\\' || *p == '&')
			fprintf(out, "\\%c", *p);
		else
			fputc(*p, out);
	free(t);
}

static void print_markdown(FILE *out, const struct cf_triage_report *r)
{
	const struct cf_triage_group *g = r->g;
	size_t fresh = 0;
	for (size_t i = 0; i < r->ng; i++)
		fresh += g[i].known == 0;
	fprintf(out, "### corefix triage: %zu core%s, %zu distinct crash%s", r->found, r->found == 1 ? "" : "s", r->ng,
		r->ng == 1 ? "" : "es");
	if (r->baseline)
		fprintf(out, ", %zu new", fresh);
	fputs("\n\n", out);
	fputs(r->baseline ? "| New | Count | Class | Signal | Top frames | Evidence | First core |\n|---|---:|---|---|---|---|---|\n"
			  : "| Count | Class | Signal | Top frames | Evidence | First core |\n|---:|---|---|---|---|---|\n",
	      out);
	for (size_t i = 0; i < r->ng; i++) {
		if (r->baseline)
			fputs(g[i].known ? "| known " : "| **NEW** ", out);
		fprintf(out, "| %zu | ", g[i].cores.n);
		md_cell(out, g[i].first.cls);
		if (g[i].first.access) {
			fputs(" (", out);
			md_cell(out, g[i].first.access);
			fputc(')', out);
		}
		fputs(" | ", out);
		md_cell(out, g[i].first.signal);
		fputs(" | ", out);
		for (size_t k = 0; k < g[i].first.nframes; k++) {
			if (k)
				fputs(" ← ", out);
			md_cell(out, g[i].first.frames[k]);
		}
		fputs(" | ", out);
		md_cell(out, g[i].first.evidence ? g[i].first.evidence : "");
		fputs(" | ", out);
		md_cell(out, g[i].cores.v[0]);
		fputs(" |\n", out);
	}
	if (r->bad.n) {
		fprintf(out, "\n%zu core%s could not be read:\n", r->bad.n, r->bad.n == 1 ? "" : "s");
		for (size_t i = 0; i < r->bad.n; i++) {
			fputs("- ", out);
			md_cell(out, r->bad.v[i]);
			fputs(": ", out);
			md_cell(out, r->why.v[i]);
			fputc('\n', out);
		}
	}
}

static void json_list(FILE *out, char *const *v, size_t n)
{
	fputc('[', out);
	for (size_t k = 0; k < n; k++) {
		fputs(k ? ", " : "", out);
		cf_json_string(out, v[k]);
	}
	fputc(']', out);
}

static void print_json(FILE *out, const struct cf_triage_report *r)
{
	const struct cf_triage_group *g = r->g;
	fprintf(out, "{\n  \"schema\": \"corefix/triage/2\",\n  \"cores_found\": %zu,\n  \"cores_read\": %zu,\n",
		r->found, r->found - r->bad.n);
	fputs("  \"groups\": [", out);
	for (size_t i = 0; i < r->ng; i++) {
		const struct cf_triage_outcome *f = &g[i].first;
		fprintf(out, "%s\n    {\"signature\": ", i ? "," : "");
		cf_json_string(out, f->signature);
		fputs(", \"signal\": ", out);
		cf_json_string(out, f->signal);
		fputs(", \"frames\": ", out);
		json_list(out, f->frames, f->nframes);
		fprintf(out, ", \"count\": %zu, \"first_core\": ", g[i].cores.n);
		cf_json_string(out, g[i].cores.v[0]);
		fputs(", \"abort_message\": ", out);
		cf_json_string(out, f->abort_msg);
		fputs(", \"class\": ", out);
		cf_json_string(out, f->cls);
		fputs(", \"access\": ", out);
		cf_json_string(out, f->access);
		fputs(", \"evidence\": ", out);
		cf_json_string(out, f->evidence);
		fprintf(out, ", \"known\": %s", g[i].known < 0 ? "null" : g[i].known ? "true" : "false");
		fputs(", \"stack\": ", out);
		json_list(out, f->stack, f->nstack);
		fputs(", \"cores\": ", out);
		json_list(out, g[i].cores.v, g[i].cores.n);
		fputc('}', out);
	}
	fputs(r->ng ? "\n  ],\n  \"unreadable\": [" : "],\n  \"unreadable\": [", out);
	for (size_t i = 0; i < r->bad.n; i++) {
		fputs(i ? ",\n    {\"core\": " : "\n    {\"core\": ", out);
		cf_json_string(out, r->bad.v[i]);
		fputs(", \"error\": ", out);
		cf_json_string(out, r->why.v[i]);
		fputc('}', out);
	}
	fputs(r->bad.n ? "\n  ]\n}\n" : "]\n}\n", out);
}

int cf_triage_print(FILE *out, struct cf_triage_report *r, const struct cf_triage_options *o)
{
	if (r->ng)
		qsort(r->g, r->ng, sizeof *r->g, by_count);
	if (o->format == CF_TRIAGE_JSON)
		print_json(out, r);
	else if (o->format == CF_TRIAGE_MARKDOWN)
		print_markdown(out, r);
	else
		print_table(out, r);
	char err[512];
	if (o->html && cf_triage_html(o->html, r, err, sizeof err) != 0) {
		fprintf(stderr, "corefix: triage --html: %s\n", err);
		return -1;
	}
	return 0;
}

