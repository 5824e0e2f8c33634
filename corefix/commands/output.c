/* Refusing outputs that are inputs, and writing text outputs atomically. */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quote.h"

void cf_reads_add(struct cf_reads *r, const char *path, const char *what)
{
	if (!path)
		return;
	r->v = cf_xrealloc(r->v, r->n + 1, sizeof *r->v);
	r->v[r->n++] = (struct cf_read_file){cf_xstrdup(path), what};
}

void cf_reads_add_model(struct cf_reads *r, const struct cf_model *m, const char *exe)
{
	cf_reads_add(r, m->core.path, "the input core");
	cf_reads_add(r, m->core.plain_path, "the decompressed copy of the input core");
	cf_reads_add(r, exe, "the program");
	for (size_t i = 0; i < m->nmod; i++) {
		cf_reads_add(r, m->mod[i].path, "the module file");
		cf_reads_add(r, m->mod[i].debuginfo, "the debug file");
	}
}

void cf_reads_free(struct cf_reads *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

int cf_output_check(const char *out, const struct cf_reads *r)
{
	struct stat o, s;
	/* stat follows symlinks: a link to the core is the core. */
	if (!out || !strcmp(out, "-") || stat(out, &o) != 0)
		return 0;
	for (size_t i = 0; i < r->n; i++) {
		if (stat(r->v[i].path, &s) != 0 || s.st_dev != o.st_dev || s.st_ino != o.st_ino)
			continue;
		char *a = cf_comment_text(out), *b = cf_comment_text(r->v[i].path);
		fprintf(stderr, "corefix: %s: is %s %s; refusing to overwrite it\n", a, r->v[i].what, b);
		free(a);
		free(b);
		return -1;
	}
	return 0;
}

int cf_output_open(struct cf_output *o, const char *path, const struct cf_reads *r)
{
	*o = (struct cf_output){.f = stdout};
	if (!path || !strcmp(path, "-"))
		return 0;
	if (cf_output_check(path, r) != 0)
		return -1;
	o->path = path;
	o->tmp = cf_xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd >= 0) {
		/* mkstemp makes 0600; an output file gets the usual 0666 & ~umask. */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	o->f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!o->f) {
		fprintf(stderr, "corefix: %s: %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	return 0;
}

int cf_output_close(struct cf_output *o, bool keep)
{
	int bad = ferror(o->f);
	if (!o->path)
		return fflush(o->f) != 0 || bad ? -1 : 0;
	bad |= fclose(o->f) != 0;
	int r = 0;
	if (keep && (bad || rename(o->tmp, o->path) != 0)) {
		fprintf(stderr, "corefix: %s: %s\n", o->path, strerror(errno));
		r = -1;
	}
	if (!keep || r != 0)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return r;
}
