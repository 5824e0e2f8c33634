/* The groups of a triage — one per crash signature, with its cores in the
 * order they were read — and their renderings: table, JSON (schema
 * corefix/triage/2) and Markdown (the page: triage_html.c). Shared by a
 * run over cores and by --merge over the JSON of earlier runs, so both
 * print alike. */
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

static char **dup_list(char *const *v, size_t n)
{
	char **d = n ? cf_xcalloc(n, sizeof *d) : NULL;
	for (size_t i = 0; i < n; i++)
		d[i] = cf_xstrdup(v[i]);
	return d;
}

void cf_triage_add(struct cf_triage_report *r, const char *core, const struct cf_triage_outcome *o)
{
	size_t k = 0;
	while (k < r->ng && strcmp(r->g[k].first.signature, o->signature) != 0)
		k++;
	if (k == r->ng) {
		r->g = cf_xrealloc(r->g, r->ng + 1, sizeof *r->g);
		struct cf_triage_group *g = &r->g[r->ng++];
		*g = (struct cf_triage_group){
			.first = {
				.signature = cf_xstrdup(o->signature), .signal = cf_xstrdup(o->signal),
				.abort_msg = dup_or_null(o->abort_msg), .frames = dup_list(o->frames, o->nframes),
				.nframes = o->nframes, .cls = cf_xstrdup(o->cls ? o->cls : "other"),
				.access = dup_or_null(o->access), .evidence = dup_or_null(o->evidence),
				.stack = dup_list(o->stack, o->nstack), .nstack = o->nstack,
			},
			.known = -1,
		};
	}
	push(&r->g[k].cores, cf_xstrdup(core));
}

void cf_triage_add_bad(struct cf_triage_report *r, const char *core, const char *why)
{
	push(&r->bad, cf_xstrdup(core));
	push(&r->why, cf_xstrdup(why));
}

int cf_triage_mark(struct cf_triage_report *r, const struct cf_triage_options *o)
{
	if (!o->baseline)
		return 0;
	struct cf_strlist sigs = {0};
	char err[512];
	if (cf_triage_baseline_load(o->baseline, &sigs, err, sizeof err) != 0) {
		fprintf(stderr, "corefix: triage --baseline: %s\n", err);
		return -1;
	}
	r->baseline = true;
	for (size_t i = 0; i < r->ng; i++) {
		r->g[i].known = 0;
		for (size_t k = 0; k < sigs.n && !r->g[i].known; k++)
			r->g[i].known = !strcmp(sigs.v[k], r->g[i].first.signature);
	}
	cf_strlist_free(&sigs);
	return 0;
}

int cf_triage_status(const struct cf_triage_report *r, const struct cf_triage_options *o)
{
	size_t read = r->found - r->bad.n, fresh = 0;
	for (size_t i = 0; i < r->ng; i++)
		fresh += r->g[i].known == 0;
	if (r->found == 0)
		return 3;
	if (read == 0)
		return 2;
	if (o->fail_on_new && fresh)
		return 4;
	return r->bad.n ? 1 : 0;
}

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

void cf_strlist_free(struct cf_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void cf_triage_report_free(struct cf_triage_report *r)
{
	for (size_t i = 0; i < r->ng; i++) {
		cf_triage_outcome_free(&r->g[i].first);
		cf_strlist_free(&r->g[i].cores);
	}
	free(r->g);
	cf_strlist_free(&r->bad);
	cf_strlist_free(&r->why);
	memset(r, 0, sizeof *r);
}
