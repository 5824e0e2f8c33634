/* Files under the --search folders by build-id: a module whose recorded
 * name leads nowhere (`/memfd:NAME (deleted)`, a file deleted or renamed
 * since, a `/proc/self/fd/N` link_map name) is still found by the build-id
 * its first page carries. The folders are walked once per run, on the
 * first module that needs it, and the walk is bounded: a search folder may
 * be `/`. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buildid_index.h"

enum { MAX_DEPTH = 6, MAX_ENTRIES = 100000, MAX_ELF = 8192 };

struct entry {
	unsigned char id[CF_BUILDID_MAX];
	size_t len;
	char *path;
};

struct cf_bidindex {
	struct entry *e;
	size_t n;
	size_t visited;
};

static void add(struct cf_bidindex *x, const char *path)
{
	struct cf_elfinfo info;
	char err[128];
	if (x->n == MAX_ELF || cf_elf_read_file(path, &info, err, sizeof err) != 0)
		return;
	if (info.buildid_len) {
		x->e = cf_grow(x->e, x->n, sizeof *x->e);
		struct entry *e = &x->e[x->n++];
		memcpy(e->id, info.buildid, info.buildid_len);
		e->len = info.buildid_len;
		e->path = cf_xstrdup(path);
	}
	cf_elfinfo_free(&info);
}

/* Symbolic links to folders are not followed (no cycles); links to files
 * are, as the resolver's own name lookups do. */
static void walk(struct cf_bidindex *x, const char *dir, int depth)
{
	DIR *d = depth <= MAX_DEPTH ? opendir(dir) : NULL;
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) && x->visited < MAX_ENTRIES && x->n < MAX_ELF) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		x->visited++;
		char *p = cf_xasprintf("%s/%s", dir, de->d_name);
		struct stat l, st;
		if (lstat(p, &l) == 0 && S_ISDIR(l.st_mode))
			walk(x, p, depth + 1);
		else if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 64)
			add(x, p);
		free(p);
	}
	closedir(d);
}

const char *cf_bidindex_find(struct cf_bidindex **idx, const char *const *dirs, size_t ndirs,
			     const unsigned char *id, size_t len)
{
	if (!len || !ndirs)
		return NULL;
	if (!*idx) {
		*idx = cf_xcalloc(1, sizeof **idx);
		for (size_t i = 0; i < ndirs; i++)
			walk(*idx, dirs[i], 0);
	}
	for (size_t i = 0; i < (*idx)->n; i++)
		if ((*idx)->e[i].len == len && !memcmp((*idx)->e[i].id, id, len))
			return (*idx)->e[i].path;
	return NULL;
}

void cf_bidindex_free(struct cf_bidindex *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->n; i++)
		free(idx->e[i].path);
	free(idx->e);
	free(idx);
}
