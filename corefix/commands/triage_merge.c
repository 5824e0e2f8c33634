/* `corefix triage --merge A.json B.json …`: the --json reports of runs
 * over shards of a set of cores, reduced to the report one run over all
 * of them gives. Groups are keyed by signature; a group's cores keep the
 * order of the files, then of each file, so with shards cut in order its
 * first core, signal and abort message are the ones one run would pick.
 * The reader knows only what corefix/triage/2 holds. The same reader
 * takes a --baseline's signatures. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	char *s;                /* J_STR */
	double num;
	struct jv *v;           /* J_ARR, J_OBJ: values */
	char **k;               /* J_OBJ: keys */
	size_t n;
};

struct parser {
	const char *p, *end;
	int depth;
};

static void jv_free(struct jv *j)
{
	free(j->s);
	for (size_t i = 0; i < j->n; i++) {
		jv_free(&j->v[i]);
		if (j->k)
			free(j->k[i]);
	}
	free(j->v);
	free(j->k);
}

static void ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r'))
		ps->p++;
}

static void utf8(char **o, unsigned c)
{
	char *q = *o;
	if (c < 0x80) {
		*q++ = (char)c;
	} else if (c < 0x800) {
		*q++ = (char)(0xc0 | c >> 6), *q++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*q++ = (char)(0xe0 | c >> 12), *q++ = (char)(0x80 | (c >> 6 & 0x3f)), *q++ = (char)(0x80 | (c & 0x3f));
	} else {
		*q++ = (char)(0xf0 | c >> 18), *q++ = (char)(0x80 | (c >> 12 & 0x3f));
		*q++ = (char)(0x80 | (c >> 6 & 0x3f)), *q++ = (char)(0x80 | (c & 0x3f));
	}
	*o = q;
}

static bool hex4(struct parser *ps, unsigned *out)
{
	if (ps->end - ps->p < 4)
		return false;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = *ps->p++;
		v = v * 16 + (unsigned)(c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
					: c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99);
		if (v >= 0x10000)
			return false;
	}
	*out = v;
	return true;
}

/* A JSON string after its opening quote; escapes decoded to UTF-8. */
static char *string(struct parser *ps)
{
	char *out = cf_xmalloc((size_t)(ps->end - ps->p) + 1), *o = out;
	while (ps->p < ps->end && *ps->p != '"') {
		char c = *ps->p++;
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		if (ps->p >= ps->end)
			break;
		c = *ps->p++;
		unsigned u, lo;
		switch (c) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u':
			if (!hex4(ps, &u))
				goto bad;
			if (u >= 0xd800 && u < 0xdc00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
				ps->p += 2;
				if (!hex4(ps, &lo) || lo < 0xdc00 || lo >= 0xe000)
					goto bad;
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (u == 0)
				goto bad;  /* a NUL cannot be part of a path or a name */
			utf8(&o, u);
			break;
		default: *o++ = c; break;  /* \" \\ \/ */
		}
	}
	if (ps->p >= ps->end)
		goto bad;
	ps->p++;
	*o = 0;
	return out;
bad:
	free(out);
	return NULL;
}

static bool value(struct parser *ps, struct jv *j)
{
	memset(j, 0, sizeof *j);
	ws(ps);
	if (ps->p >= ps->end || ++ps->depth > 32)
		return false;
	char c = *ps->p;
	bool ok = true;
	if (c == '"') {
		ps->p++;
		j->t = J_STR;
		ok = (j->s = string(ps)) != NULL;
	} else if (c == '[' || c == '{') {
		bool obj = c == '{';
		j->t = obj ? J_OBJ : J_ARR;
		ps->p++;
		ws(ps);
		if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
			ps->p++;
		} else {
			for (;;) {
				char *key = NULL;
				if (obj) {
					ws(ps);
					if (ps->p >= ps->end || *ps->p != '"')
						return ps->depth--, false;
					ps->p++;
					if (!(key = string(ps)))
						return ps->depth--, false;
					ws(ps);
					if (ps->p >= ps->end || *ps->p++ != ':')
						return free(key), ps->depth--, false;
				}
				j->v = cf_xrealloc(j->v, j->n + 1, sizeof *j->v);
				if (obj) {
					j->k = cf_xrealloc(j->k, j->n + 1, sizeof *j->k);
					j->k[j->n] = key;
				}
				ok = value(ps, &j->v[j->n]);
				j->n++;
				ws(ps);
				if (!ok || ps->p >= ps->end)
					return ps->depth--, false;
				c = *ps->p++;
				if (c == (obj ? '}' : ']'))
					break;
				if (c != ',')
					return ps->depth--, false;
			}
		}
	} else if (!strncmp(ps->p, "null", 4)) {
		ps->p += 4;
	} else if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "false", 5)) {
		j->t = J_BOOL;
		j->num = c == 't';
		ps->p += c == 't' ? 4 : 5;
	} else {
		char *end;
		errno = 0;
		j->t = J_NUM;
		j->num = strtod(ps->p, &end);
		ok = end != ps->p && errno == 0;
		ps->p = end;
	}
	ps->depth--;
	return ok;
}

static const struct jv *get(const struct jv *obj, const char *key, enum jtype t)
{
	for (size_t i = 0; obj->t == J_OBJ && i < obj->n; i++)
		if (!strcmp(obj->k[i], key))
			return obj->v[i].t == t ? &obj->v[i] : NULL;
	return NULL;
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	char why[128];
	int fd = cf_open_regular(path, why, sizeof why);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, fd >= 0 ? strerror(errno) : why);
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = cf_xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0)
		if ((n += got) == cap)
			buf = cf_xrealloc(buf, cap *= 2, 1);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static const char *const schema_now = "corefix/triage/2";

static bool str_list(const struct jv *a, char ***out, size_t *n)
{
	*out = a && a->n ? cf_xcalloc(a->n, sizeof **out) : NULL;
	*n = 0;
	for (size_t k = 0; a && k < a->n; k++) {
		if (a->v[k].t != J_STR)
			return false;
		(*out)[(*n)++] = a->v[k].s;
	}
	return a != NULL;
}

static const char *str_or_null(const struct jv *obj, const char *key)
{
	const struct jv *v = get(obj, key, J_STR);
	return v ? v->s : NULL;
}

/* A triage report parsed into ROOT; SCHEMAS the ones accepted. */
static char *read_report(const char *path, struct jv *root, const char *const *schemas, char *err, size_t errlen)
{
	size_t len;
	char *text = slurp(path, &len, err, errlen);
	if (!text)
		return NULL;
	struct parser ps = {text, text + len, 0};
	bool ok = value(&ps, root);
	ws(&ps);
	const struct jv *schema = ok ? get(root, "schema", J_STR) : NULL;
	bool known = false;
	for (size_t i = 0; schema && schemas[i]; i++)
		known |= !strcmp(schema->s, schemas[i]);
	if (!ok || ps.p != ps.end || !known || !get(root, "cores_found", J_NUM) || !get(root, "groups", J_ARR) ||
	    !get(root, "unreadable", J_ARR)) {
		snprintf(err, errlen, "%s: not the output of corefix triage --json (schema %s)", path, schemas[0]);
		jv_free(root);
		memset(root, 0, sizeof *root);
		free(text);
		return NULL;
	}
	return text;
}

/* One report into R; -1 with the reason in ERR. */
static int merge_one(struct cf_triage_report *r, const char *path, char *err, size_t errlen)
{
	struct jv root;
	static const char *const schemas[] = {"corefix/triage/2", NULL};
	char *text = read_report(path, &root, schemas, err, errlen);
	if (!text)
		return -1;
	const struct jv *found = get(&root, "cores_found", J_NUM), *groups = get(&root, "groups", J_ARR);
	const struct jv *bad = get(&root, "unreadable", J_ARR);
	bool ok = true;
	for (size_t i = 0; ok && i < groups->n; i++) {
		const struct jv *g = &groups->v[i], *cores = get(g, "cores", J_ARR), *count = get(g, "count", J_NUM);
		struct cf_triage_outcome o = {
			.signature = (char *)str_or_null(g, "signature"), .signal = (char *)str_or_null(g, "signal"),
			.abort_msg = (char *)str_or_null(g, "abort_message"), .cls = (char *)str_or_null(g, "class"),
			.access = (char *)str_or_null(g, "access"), .evidence = (char *)str_or_null(g, "evidence"),
		};
		ok = o.signature && o.signal && o.cls && cores && count && count->num == (double)cores->n && cores->n > 0;
		ok = str_list(get(g, "frames", J_ARR), &o.frames, &o.nframes) && ok;
		ok = str_list(get(g, "stack", J_ARR), &o.stack, &o.nstack) && ok;
		for (size_t k = 0; ok && k < cores->n; k++)
			if ((ok = cores->v[k].t == J_STR))
				cf_triage_add(r, cores->v[k].s, &o);
		free(o.frames);
		free(o.stack);
		if (!ok)
			snprintf(err, errlen, "%s: group %zu is not as %s describes it", path, i + 1, schema_now);
	}
	for (size_t i = 0; ok && i < bad->n; i++) {
		const struct jv *core = get(&bad->v[i], "core", J_STR), *why = get(&bad->v[i], "error", J_STR);
		if (!(ok = core && why))
			snprintf(err, errlen, "%s: unreadable entry %zu is not as %s describes it", path, i + 1, schema_now);
		else
			cf_triage_add_bad(r, core->s, why->s);
	}
	if (ok)
		r->found += (size_t)found->num;
	jv_free(&root);
	free(text);
	return ok ? 0 : -1;
}

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

int cf_triage_baseline_load(const char *path, struct cf_strlist *sigs, char *err, size_t errlen)
{
	memset(sigs, 0, sizeof *sigs);
	size_t len;
	char *text = slurp(path, &len, err, errlen);
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
	free(text);
	/* Signatures are the same in both schemas: an earlier run's report
	 * from before crash classes is still a baseline. */
	static const char *const schemas[] = {"corefix/triage/2", "corefix/triage/1", NULL};
	struct jv root;
	if (!(text = read_report(path, &root, schemas, err, errlen)))
		return -1;
	const struct jv *groups = get(&root, "groups", J_ARR);
	int rc = 0;
	for (size_t i = 0; i < groups->n && rc == 0; i++) {
		const char *sig = str_or_null(&groups->v[i], "signature");
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
	jv_free(&root);
	free(text);
	return rc;
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
	int status = cf_triage_mark(&r, o) != 0 || cf_triage_print(out.f, &r, o) != 0 ? 2 : cf_triage_status(&r, o);
	cf_triage_report_free(&r);
	if (cf_output_close(&out, true) != 0)
		status = 2;
	return status;
}
