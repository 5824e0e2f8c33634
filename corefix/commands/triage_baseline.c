/* The known signatures a triage is held against (--baseline FILE): a
 * corefix/triage report (--json or --merge output; schema 2, or 1 from
 * before crash classes) or a hand-kept text file of signatures. Every
 * group is then marked known or new. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "triage_baseline.h"
#include "triage_json.h"

/* A hand-kept list: every line a signature ("SIGNAL[/CODE] | frame | …"),
 * blank lines and # comments aside. Anything else is no list of
 * signatures: an error, never a baseline that knows nothing. */
static int baseline_text(const char *path, const char *text, size_t len, struct cf_strlist *sigs, char *err,
			 size_t errlen)
{
	size_t line = 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		line++;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		const char *q = e;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
			q--;
		bool ctl = false;
		for (const char *c = p; c < q; c++)
			ctl |= (unsigned char)*c < 0x20;
		if (q > p && *p != '#') {
			if (ctl || !((q - p >= 3 && !strncmp(p, "SIG", 3)) || (q - p >= 4 && !strncmp(p, "none", 4)))) {
				snprintf(err, errlen, "%s:%zu: not a crash signature (want SIGNAL[/CODE] | frame | …)", path, line);
				return -1;
			}
			sigs->v = cf_xrealloc(sigs->v, sigs->n + 1, sizeof *sigs->v);
			sigs->v[sigs->n++] = cf_xasprintf("%.*s", (int)(q - p), p);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* The signatures of the baseline at PATH. The file is read once: a
 * report is parsed from the very text that was looked at. */
static int load(const char *path, struct cf_strlist *sigs, char *err, size_t errlen)
{
	memset(sigs, 0, sizeof *sigs);
	size_t len;
	char *text = cf_triage_slurp(path, &len, err, errlen);
	if (!text)
		return -1;
	if (memchr(text, 0, len)) {
		snprintf(err, errlen, "%s: neither a triage report nor a list of signatures (binary data)", path);
		free(text);
		return -1;
	}
	size_t at = 0;
	while (at < len && strchr(" \t\r\n", text[at]))
		at++;
	if (at == len || text[at] != '{') {
		int rc = baseline_text(path, text, len, sigs, err, errlen);
		free(text);
		if (rc != 0)
			cf_strlist_free(sigs);
		return rc;
	}
	/* Signatures are the same in both schemas: an earlier run's report
	 * from before crash classes is still a baseline. */
	static const char *const schemas[] = {"corefix/triage/2", "corefix/triage/1", NULL};
	struct cf_jv root;
	int parsed = cf_triage_json_parse(path, text, len, &root, schemas, err, errlen);
	free(text);
	if (parsed != 0)
		return -1;
	const struct cf_jv *groups = cf_jv_get(&root, "groups", CF_J_ARR);
	int rc = 0;
	for (size_t i = 0; i < groups->n && rc == 0; i++) {
		const char *sig = cf_jv_str(&groups->v[i], "signature");
		if (!sig) {
			snprintf(err, errlen, "%s: group %zu has no signature", path, i + 1);
			rc = -1;
			break;
		}
		sigs->v = cf_xrealloc(sigs->v, sigs->n + 1, sizeof *sigs->v);
		sigs->v[sigs->n++] = cf_xstrdup(sig);
	}
	if (rc != 0)
		cf_strlist_free(sigs);
	cf_jv_free(&root);
	return rc;
}

int cf_triage_baseline_read(struct cf_triage_baseline *b, const char *path)
{
	memset(b, 0, sizeof *b);
	if (!path)
		return 0;
	char err[512];
	if (load(path, &b->sigs, err, sizeof err) != 0) {
		fprintf(stderr, "corefix: triage --baseline: %s\n", err);
		return -1;
	}
	b->given = true;
	return 0;
}

void cf_triage_baseline_mark(const struct cf_triage_baseline *b, struct cf_triage_report *r)
{
	if (!b->given)
		return;
	r->baseline = true;
	for (size_t i = 0; i < r->ng; i++) {
		r->g[i].known = 0;
		for (size_t k = 0; k < b->sigs.n && !r->g[i].known; k++)
			r->g[i].known = !strcmp(b->sigs.v[k], r->g[i].first.signature);
	}
}

void cf_triage_baseline_free(struct cf_triage_baseline *b)
{
	cf_strlist_free(&b->sigs);
	b->given = false;
}
