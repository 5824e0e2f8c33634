/* `corefix triage`: find the cores, read each, group them by signature,
 * report the groups (table, JSON schema corefix/triage/1, or Markdown). */
#define _GNU_SOURCE
#include "triage.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "quote.h"

struct list {
	char **v;
	size_t n;
};

static void push(struct list *l, char *s)
{
	l->v = cf_xrealloc(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = s;
}

/* An ELF core, either byte order: checked from its first bytes only.
 * O_NONBLOCK: a file that turned into a FIFO since the folder was listed
 * must not hold the scan (read then fails and it is not a core). */
static bool is_core(const char *path)
{
	unsigned char h[18];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return false;
	bool ok = read(fd, h, sizeof h) == (ssize_t)sizeof h && !memcmp(h, ELFMAG, SELFMAG) &&
		  (h[EI_DATA] == ELFDATA2MSB ? h[17] == ET_CORE && h[16] == 0 : h[16] == ET_CORE && h[17] == 0);
	close(fd);
	return ok;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_cores(const char *dir, struct list *out, int depth)
{
	DIR *d = opendir(dir);
	if (!d || depth > 32) {
		if (d)
			closedir(d);
		return;
	}
	struct list found = {0};
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = cf_xasprintf("%s/%s", dir, e->d_name);
		/* Only regular files are read: a FIFO, a device or a socket in the
		 * folder is no core, and opening a FIFO would wait for a writer. */
		struct stat st;
		bool seen = lstat(p, &st) == 0;
		if (seen && S_ISDIR(st.st_mode))
			find_cores(p, &found, depth + 1), free(p);
		else if (seen && S_ISREG(st.st_mode) && is_core(p))
			push(&found, p);
		else
			free(p);
	}
	closedir(d);
	if (found.n)
		qsort(found.v, found.n, sizeof *found.v, by_name);
	for (size_t i = 0; i < found.n; i++)
		push(out, found.v[i]);
	free(found.v);
}

struct group {
	char *signature, *signal, *abort_msg;
	char **frames;
	size_t nframes;
	struct list cores;
};

static int by_count(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->cores.n != y->cores.n)
		return x->cores.n < y->cores.n ? 1 : -1;
	return strcmp(x->signature, y->signature);
}

static void print_table(FILE *out, const struct group *g, size_t ng, const struct list *bad, size_t found)
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

static void print_markdown(FILE *out, const struct group *g, size_t ng, const struct list *bad, size_t found)
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

static void print_json(FILE *out, const struct group *g, size_t ng, const struct list *bad, const struct list *why,
		       size_t found)
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

int cf_triage(FILE *out, const char *const *inputs, size_t n, const struct cf_triage_options *o)
{
	struct cf_rules rules;
	char err[512];
	if (cf_rules_load(&rules, o->rules_dir, err, sizeof err) != 0) {
		fprintf(stderr, "corefix: %s\n", err);
		return 2;
	}
	struct list cores = {0}, bad = {0}, why = {0};
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode))
			find_cores(inputs[i], &cores, 0);
		else
			push(&cores, cf_xstrdup(inputs[i]));
	}
	struct group *g = NULL;
	size_t ng = 0;
	bool progress = isatty(2) && !o->quiet && cores.n > 20;
	for (size_t i = 0; i < cores.n; i++) {
		if (progress)
			fprintf(stderr, "\rcorefix: triage: %zu/%zu cores", i + 1, cores.n);
		struct cf_model m;
		struct cf_backtrace bt;
		struct cf_diag d = {0};
		if (cf_model_build(&m, cores.v[i], o->opt) != 0 || cf_backtrace_build(&m, o->bt, &bt, &d) != 0) {
			const char *e = m.diag.error[0] ? m.diag.error : d.error;
			if (!o->quiet)
				fprintf(stderr, "%scorefix: %s\n", progress ? "\n" : "", e);
			push(&bad, cf_xstrdup(cores.v[i]));
			push(&why, cf_xstrdup(e));
			cf_model_free(&m);
			continue;
		}
		char **frames;
		size_t nf;
		char *sig = cf_signature(&bt, &rules, o->frames, &frames, &nf);
		size_t k = 0;
		while (k < ng && strcmp(g[k].signature, sig) != 0)
			k++;
		if (k == ng) {
			g = cf_xrealloc(g, ng + 1, sizeof *g);
			const char *code = bt.code > 0 ? cf_signal_code_name(bt.signo, bt.code) : NULL;
			g[ng++] = (struct group){
				.signature = sig, .frames = frames, .nframes = nf,
				.signal = cf_xasprintf("%s%s%s", cf_signal_name(bt.signo), code ? "/" : "", code ? code : ""),
				.abort_msg = bt.abort_msg ? cf_xstrdup(bt.abort_msg) : NULL,
			};
		} else {
			free(sig);
			for (size_t j = 0; j < nf; j++)
				free(frames[j]);
			free(frames);
		}
		push(&g[k].cores, cf_xstrdup(cores.v[i]));
		cf_backtrace_free(&bt);
		cf_model_free(&m);
	}
	if (progress)
		fputc('\n', stderr);
	if (ng)
		qsort(g, ng, sizeof *g, by_count);
	if (o->format == CF_TRIAGE_JSON)
		print_json(out, g, ng, &bad, &why, cores.n);
	else if (o->format == CF_TRIAGE_MARKDOWN)
		print_markdown(out, g, ng, &bad, cores.n);
	else
		print_table(out, g, ng, &bad, cores.n);
	int status = cores.n == 0 ? 3 : bad.n == cores.n ? 2 : bad.n ? 1 : 0;
	if (cores.n == 0 && !o->quiet)
		fprintf(stderr, "corefix: triage: no core found\n");
	for (size_t i = 0; i < ng; i++) {
		free(g[i].signature);
		free(g[i].signal);
		free(g[i].abort_msg);
		for (size_t k = 0; k < g[i].nframes; k++)
			free(g[i].frames[k]);
		free(g[i].frames);
		for (size_t k = 0; k < g[i].cores.n; k++)
			free(g[i].cores.v[k]);
		free(g[i].cores.v);
	}
	free(g);
	for (size_t i = 0; i < cores.n; i++)
		free(cores.v[i]);
	for (size_t i = 0; i < bad.n; i++)
		free(bad.v[i]), free(why.v[i]);
	free(cores.v);
	free(bad.v);
	free(why.v);
	cf_rules_free(&rules);
	return status;
}
