/* The groups of a triage: a core joins the group of its signature, an
 * unreadable one the list of the unreadable, and the exit status follows
 * from what was found. Shared by a run over cores and by --merge over the
 * JSON of earlier runs; triage_print.c renders them. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "triage_report.h"

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

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void cf_triage_outcome_free(struct cf_triage_outcome *o)
{
	free(o->error);
	free(o->signature);
	free(o->signal);
	free(o->abort_msg);
	free_list(o->frames, o->nframes);
	free(o->cls);
	free(o->access);
	free(o->evidence);
	free_list(o->stack, o->nstack);
	memset(o, 0, sizeof *o);
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
