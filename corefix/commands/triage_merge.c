/* `corefix triage --merge A.json B.json …`: the --json reports of runs
 * over shards of a set of cores, reduced to the report one run over all
 * of them gives. Groups are keyed by signature; a group's cores keep the
 * order of the files, then of each file, so with shards cut in order its
 * first core, signal and abort message are the ones one run would pick.
 * The reader knows only what corefix/triage/2 holds. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "triage_baseline.h"
#include "triage_json.h"
#include "triage_merge.h"
#include "triage_print.h"

static const char *const schema_now = "corefix/triage/2";

static bool str_list(const struct cf_jv *a, char ***out, size_t *n)
{
	*out = a && a->n ? cf_xcalloc(a->n, sizeof **out) : NULL;
	*n = 0;
	for (size_t k = 0; a && k < a->n; k++) {
		if (a->v[k].t != CF_J_STR)
			return false;
		(*out)[(*n)++] = a->v[k].s;
	}
	return a != NULL;
}

/* One report into R; -1 with the reason in ERR. */
static int merge_one(struct cf_triage_report *r, const char *path, char *err, size_t errlen)
{
	struct cf_jv root;
	static const char *const schemas[] = {"corefix/triage/2", NULL};
	if (cf_triage_json_read(path, &root, schemas, err, errlen) != 0)
		return -1;
	const struct cf_jv *found = cf_jv_get(&root, "cores_found", CF_J_NUM);
	const struct cf_jv *groups = cf_jv_get(&root, "groups", CF_J_ARR);
	const struct cf_jv *bad = cf_jv_get(&root, "unreadable", CF_J_ARR);
	bool ok = true;
	for (size_t i = 0; ok && i < groups->n; i++) {
		const struct cf_jv *g = &groups->v[i], *cores = cf_jv_get(g, "cores", CF_J_ARR);
		const struct cf_jv *count = cf_jv_get(g, "count", CF_J_NUM);
		struct cf_triage_outcome o = {
			.signature = (char *)cf_jv_str(g, "signature"), .signal = (char *)cf_jv_str(g, "signal"),
			.abort_msg = (char *)cf_jv_str(g, "abort_message"), .cls = (char *)cf_jv_str(g, "class"),
			.access = (char *)cf_jv_str(g, "access"), .evidence = (char *)cf_jv_str(g, "evidence"),
		};
		ok = o.signature && o.signal && o.cls && cores && count && count->num == (double)cores->n && cores->n > 0;
		ok = str_list(cf_jv_get(g, "frames", CF_J_ARR), &o.frames, &o.nframes) && ok;
		ok = str_list(cf_jv_get(g, "stack", CF_J_ARR), &o.stack, &o.nstack) && ok;
		for (size_t k = 0; ok && k < cores->n; k++)
			if ((ok = cores->v[k].t == CF_J_STR))
				cf_triage_add(r, cores->v[k].s, &o);
		free(o.frames);
		free(o.stack);
		if (!ok)
			snprintf(err, errlen, "%s: group %zu is not as %s describes it", path, i + 1, schema_now);
	}
	for (size_t i = 0; ok && i < bad->n; i++) {
		const struct cf_jv *core = cf_jv_get(&bad->v[i], "core", CF_J_STR);
		const struct cf_jv *why = cf_jv_get(&bad->v[i], "error", CF_J_STR);
		if (!(ok = core && why))
			snprintf(err, errlen, "%s: unreadable entry %zu is not as %s describes it", path, i + 1, schema_now);
		else
			cf_triage_add_bad(r, core->s, why->s);
	}
	if (ok)
		r->found += (size_t)found->num;
	cf_jv_free(&root);
	return ok ? 0 : -1;
}

int cf_triage_merge(const char *output, const char *const *files, size_t n, const struct cf_triage_options *o)
{
	struct cf_triage_report r = {0};
	char err[512];
	for (size_t i = 0; i < n; i++) {
		if (merge_one(&r, files[i], err, sizeof err) != 0) {
			fprintf(stderr, "corefix: triage --merge: %s\n", err);
			cf_triage_report_free(&r);
			return 2;
		}
	}
	struct cf_reads reads = {0};
	for (size_t i = 0; i < n; i++)
		cf_reads_add(&reads, files[i], "the input report");
	struct cf_output out;
	int refused = cf_triage_open_outputs(&out, output, &reads, o);
	cf_reads_free(&reads);
	if (refused) {
		cf_triage_report_free(&r);
		return 2;
	}
	struct cf_triage_baseline base;
	int status = 2;
	if (cf_triage_baseline_read(&base, o->baseline) == 0) {
		cf_triage_baseline_mark(&base, &r);
		status = cf_triage_print(out.f, &r, o) != 0 ? 2 : cf_triage_status(&r, o);
	}
	cf_triage_baseline_free(&base);
	cf_triage_report_free(&r);
	if (cf_output_close(&out, true) != 0)
		status = 2;
	return status;
}
