/* Reading back what corefix triage --json wrote: a small JSON parser for
 * untrusted text (bounded depth, every escape checked, no NUL in a
 * string), and the checks that make it a triage report. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "diag.h"
#include "triage_json.h"

struct parser {
	const char *p, *end;
	int depth;
};

void cf_jv_free(struct cf_jv *j)
{
	free(j->s);
	for (size_t i = 0; i < j->n; i++) {
		cf_jv_free(&j->v[i]);
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

static bool value(struct parser *ps, struct cf_jv *j)
{
	memset(j, 0, sizeof *j);
	ws(ps);
	if (ps->p >= ps->end || ++ps->depth > 32)
		return false;
	char c = *ps->p;
	bool ok = true;
	if (c == '"') {
		ps->p++;
		j->t = CF_J_STR;
		ok = (j->s = string(ps)) != NULL;
	} else if (c == '[' || c == '{') {
		bool obj = c == '{';
		j->t = obj ? CF_J_OBJ : CF_J_ARR;
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
		j->t = CF_J_BOOL;
		j->num = c == 't';
		ps->p += c == 't' ? 4 : 5;
	} else {
		char *end;
		errno = 0;
		j->t = CF_J_NUM;
		j->num = strtod(ps->p, &end);
		ok = end != ps->p && errno == 0;
		ps->p = end;
	}
	ps->depth--;
	return ok;
}

const struct cf_jv *cf_jv_get(const struct cf_jv *obj, const char *key, enum cf_jtype t)
{
	for (size_t i = 0; obj->t == CF_J_OBJ && i < obj->n; i++)
		if (!strcmp(obj->k[i], key))
			return obj->v[i].t == t ? &obj->v[i] : NULL;
	return NULL;
}

char *cf_triage_slurp(const char *path, size_t *len, char *err, size_t errlen)
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
	/* strncmp and strtod in the parser stop at a NUL: one ends the text
	 * (the loop leaves N below CAP), so a number or a literal cut short
	 * at the end of the file is never read past it. */
	buf[n] = 0;
	*len = n;
	return buf;
}

const char *cf_jv_str(const struct cf_jv *obj, const char *key)
{
	const struct cf_jv *v = cf_jv_get(obj, key, CF_J_STR);
	return v ? v->s : NULL;
}

int cf_triage_json_parse(const char *path, const char *text, size_t len, struct cf_jv *root,
			 const char *const *schemas, char *err, size_t errlen)
{
	struct parser ps = {text, text + len, 0};
	bool ok = value(&ps, root);
	ws(&ps);
	const struct cf_jv *schema = ok ? cf_jv_get(root, "schema", CF_J_STR) : NULL;
	bool known = false;
	for (size_t i = 0; schema && schemas[i]; i++)
		known |= !strcmp(schema->s, schemas[i]);
	if (!ok || ps.p != ps.end || !known || !cf_jv_get(root, "cores_found", CF_J_NUM) ||
	    !cf_jv_get(root, "groups", CF_J_ARR) || !cf_jv_get(root, "unreadable", CF_J_ARR)) {
		snprintf(err, errlen, "%s: not the output of corefix triage --json (schema %s)", path, schemas[0]);
		cf_jv_free(root);
		memset(root, 0, sizeof *root);
		return -1;
	}
	return 0;
}

int cf_triage_json_read(const char *path, struct cf_jv *root, const char *const *schemas, char *err, size_t errlen)
{
	size_t len;
	char *text = cf_triage_slurp(path, &len, err, errlen);
	if (!text)
		return -1;
	int rc = cf_triage_json_parse(path, text, len, root, schemas, err, errlen);
	free(text);
	return rc;
}
