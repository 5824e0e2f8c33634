/* Crash signatures from rule files (rules/README.md explains the rules). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crash.h"
#include "signature.h"

#ifndef COREFIX_RULES_FROM_BIN
#define COREFIX_RULES_FROM_BIN "../share/corefix/rules"
#endif
#ifndef COREFIX_RULES_SOURCE
#define COREFIX_RULES_SOURCE ""
#endif

static const char *const files[3] = {"sentinel.rules", "skip.rules", "fold.rules"};

/* The installed rules, found from the running binary's folder, so any
 * install prefix (or a copied tree) works; NULL when there are none (the
 * build tree, which uses the source tree's). */
static char *installed_rules(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	char *dir = cf_xasprintf("%s/%s", exe, COREFIX_RULES_FROM_BIN);
	struct stat st;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return dir;
	free(dir);
	return NULL;
}

int cf_rules_load(struct cf_rules *r, const char *dir, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	char *found = dir ? NULL : installed_rules();
	if (!dir)
		dir = found ? found : COREFIX_RULES_SOURCE;
	int rc = 0;
	for (int k = 0; k < 3 && rc == 0; k++) {
		char *path = cf_xasprintf("%s/%s", dir, files[k]);
		char why[128];
		int fd = cf_open_regular(path, why, sizeof why);
		FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
		if (!f) {
			snprintf(err, errlen, "%s: cannot read rules: %s", path, fd < 0 ? why : strerror(errno));
			if (fd >= 0)
				close(fd);
			free(path);
			cf_rules_free(r);
			rc = -1;
			break;
		}
		r->file[k] = path;
		char line[512];
		while (fgets(line, sizeof line, f)) {
			size_t n = strcspn(line, "\r\n");
			line[n] = 0;
			while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
				line[--n] = 0;
			if (!n || line[0] == '#')
				continue;
			r->pat[k] = cf_xrealloc(r->pat[k], r->n[k] + 1, sizeof *r->pat[k]);
			r->pat[k][r->n[k]++] = cf_xstrdup(line);
		}
		fclose(f);
	}
	free(found);
	return rc;
}

void cf_rules_free(struct cf_rules *r)
{
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < r->n[k]; i++)
			free(r->pat[k][i]);
		free(r->pat[k]);
		free(r->file[k]);
	}
	memset(r, 0, sizeof *r);
}

/* One frame as the rules see it: its name, and the source file its pc
 * lies in (NULL when unknown). */
struct named {
	char *name;
	const char *file;
};

/* A rule "file=GLOB" matches the frame's source file; any other rule
 * matches its name. */
static bool matches(const struct cf_rules *r, int kind, const struct named *f)
{
	for (size_t i = 0; i < r->n[kind]; i++) {
		const char *p = r->pat[kind][i];
		const char *subject = f->name;
		if (!strncmp(p, "file=", 5))
			p += 5, subject = f->file;
		if (subject && fnmatch(p, subject, 0) == 0)
			return true;
	}
	return false;
}

/* The crashing thread's frames, inlined functions first. */
static struct named *frame_names(const struct cf_thread_bt *t, size_t *n)
{
	struct named *v = NULL;
	*n = 0;
	for (size_t k = 0; k < t->nframe; k++) {
		const struct cf_frame *f = &t->frame[k];
		for (size_t j = 0; j < f->ninl; j++)
			if (f->inl[j].function) {
				v = cf_xrealloc(v, *n + 1, sizeof *v);
				v[(*n)++] = (struct named){cf_xstrdup(f->inl[j].function), f->inl[j].file};
			}
		v = cf_xrealloc(v, *n + 1, sizeof *v);
		char *name;
		if (f->function) {
			name = cf_xstrdup(f->function);
		} else if (f->mod) {
			const char *b = strrchr(f->mod->name, '/');
			name = cf_xasprintf("%s+0x%llx", b ? b + 1 : f->mod->name, (unsigned long long)f->offset);
		} else {
			name = cf_xstrdup("??");
		}
		v[(*n)++] = (struct named){name, f->file};
	}
	return v;
}

char *cf_signature(const struct cf_backtrace *bt, const struct cf_rules *r, size_t want, char ***frames,
		   size_t *nout)
{
	const struct cf_thread_bt *t = NULL;
	for (size_t i = 0; i < bt->nthread && !t; i++)
		if (bt->thread[i].crashed)
			t = &bt->thread[i];
	size_t n = 0;
	struct named *names = t ? frame_names(t, &n) : NULL;
	size_t start = 0;
	for (size_t i = 0; i < n; i++)
		if (matches(r, CF_RULE_SENTINEL, &names[i])) {
			start = i;
			break;
		}
	bool folding = true;
	*frames = NULL;
	*nout = 0;
	for (size_t i = start; i < n && *nout < want; i++) {
		bool sentinel = i == start && matches(r, CF_RULE_SENTINEL, &names[i]);
		if (!sentinel && folding && matches(r, CF_RULE_FOLD, &names[i]))
			continue;
		folding = false;
		if (!sentinel && matches(r, CF_RULE_SKIP, &names[i]))
			continue;
		*frames = cf_xrealloc(*frames, *nout + 1, sizeof **frames);
		(*frames)[(*nout)++] = names[i].name;
		names[i].name = NULL;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i].name);
	free(names);

	const char *code = bt->code > 0 ? cf_signal_code_name(bt->signo, bt->code) : NULL;
	size_t len = 64;
	for (size_t i = 0; i < *nout; i++)
		len += strlen((*frames)[i]) + 3;
	char *sig = cf_xmalloc(len);
	int o = snprintf(sig, len, "%s%s%s", cf_signal_name(bt->signo), code ? "/" : "", code ? code : "");
	for (size_t i = 0; i < *nout; i++)
		o += snprintf(sig + o, len - (size_t)o, " | %s", (*frames)[i]);
	return sig;
}
