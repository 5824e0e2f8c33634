/* The resolver's memory of questions and answers. A question is what the
 * model knows of a module before any file is read: its recorded name, the
 * build-id and header layout the core holds. The answer is what
 * cf_resolve_file learns of the file it chose. */
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "diag.h"

/* One block per answer: the build-ids and the strings follow the struct.
 * A run keeps one per module; at a few hundred bytes each they cost less
 * than one more page fault per module would. */
struct cf_answer {
	uint64_t hash, epoch;
	bool deleted, vdso, header_in_core;       /* the question */
	uint64_t layout_core;
	unsigned char *bid_core;
	size_t bid_core_len;
	const char *name;
	bool found, bid_mismatch, not_elf;        /* the answer */
	const char *path, *path_how, *debuginfo;
	uint64_t path_dev, path_ino;
	unsigned char *bid_file;
	size_t bid_file_len;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

/* The layout stands in for a build-id only where there is none. */
static uint64_t layout_key(const struct cf_wanted *q)
{
	return q->header_in_core && !q->bid_core_len ? q->layout_core : 0;
}

static uint64_t question_hash(const struct cf_wanted *q, uint64_t epoch)
{
	uint64_t h = mix(cf_hash_str(q->name), epoch);
	h = mix(h, (uint64_t)q->deleted | (uint64_t)q->vdso << 1 | (uint64_t)q->header_in_core << 2);
	h = mix(h, layout_key(q));
	for (size_t i = 0; i < q->bid_core_len; i++)
		h = mix(h, q->bid_core[i]);
	return h;
}

static bool same_question(const struct cf_answer *a, const struct cf_wanted *q, uint64_t epoch)
{
	return a->epoch == epoch && a->deleted == q->deleted && a->vdso == q->vdso &&
	       a->header_in_core == q->header_in_core && a->layout_core == layout_key(q) &&
	       a->bid_core_len == q->bid_core_len && !memcmp(a->bid_core, q->bid_core, q->bid_core_len) &&
	       !strcmp(a->name, q->name);
}

const struct cf_answer *cf_answers_find(const struct cf_answers *a, const struct cf_wanted *q, uint64_t epoch)
{
	if (!a->nslot)
		return NULL;
	uint64_t h = question_hash(q, epoch);
	size_t mask = a->nslot - 1;
	for (size_t k = (size_t)h & mask; a->slot[k]; k = (k + 1) & mask)
		if (a->slot[k]->hash == h && same_question(a->slot[k], q, epoch))
			return a->slot[k];
	return NULL;
}

static void slot_put(struct cf_answer **slot, size_t nslot, struct cf_answer *ans)
{
	size_t mask = nslot - 1, k = (size_t)ans->hash & mask;
	while (slot[k])
		k = (k + 1) & mask;
	slot[k] = ans;
}

/* N bytes of P copied to AT, which moves past them. */
static void *place(char **at, const void *p, size_t n)
{
	void *to = memcpy(*at, p, n);
	*at += n;
	return to;
}

static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

void cf_answers_put(struct cf_answers *a, const struct cf_wanted *q, uint64_t epoch, bool found)
{
	size_t name = str_size(q->name), path = str_size(q->path), dbg = str_size(q->debuginfo);
	struct cf_answer *ans = cf_xmalloc(sizeof *ans + q->bid_core_len + q->bid_file_len + name + path + dbg);
	*ans = (struct cf_answer){
		.hash = question_hash(q, epoch), .epoch = epoch,
		.deleted = q->deleted, .vdso = q->vdso, .header_in_core = q->header_in_core, .layout_core = layout_key(q),
		.bid_core_len = q->bid_core_len,
		.found = found, .bid_mismatch = q->bid_mismatch, .not_elf = q->not_elf,
		.path_how = q->path_how, .path_dev = q->path_dev, .path_ino = q->path_ino,
		.bid_file_len = q->bid_file_len,
	};
	char *at = (char *)(ans + 1);
	ans->bid_core = place(&at, q->bid_core, q->bid_core_len);
	ans->bid_file = place(&at, q->bid_file, q->bid_file_len);
	ans->name = place(&at, q->name, name);
	ans->path = path ? place(&at, q->path, path) : NULL;
	ans->debuginfo = dbg ? place(&at, q->debuginfo, dbg) : NULL;
	if (2 * (a->n + 1) > a->nslot) {
		size_t n = a->nslot ? 2 * a->nslot : 64;
		struct cf_answer **slot = cf_xcalloc(n, sizeof *slot);
		for (size_t k = 0; k < a->nslot; k++)
			if (a->slot[k])
				slot_put(slot, n, a->slot[k]);
		free(a->slot);
		a->slot = slot;
		a->nslot = n;
	}
	slot_put(a->slot, a->nslot, ans);
	a->n++;
}

bool cf_answer_give(const struct cf_answer *ans, struct cf_wanted *q)
{
	free(q->path);
	q->path = ans->path ? cf_xstrdup(ans->path) : NULL;
	q->path_how = ans->path_how;
	q->path_dev = ans->path_dev;
	q->path_ino = ans->path_ino;
	free(q->debuginfo);
	q->debuginfo = ans->debuginfo ? cf_xstrdup(ans->debuginfo) : NULL;
	memcpy(q->bid_file, ans->bid_file, ans->bid_file_len);
	q->bid_file_len = ans->bid_file_len;
	q->bid_mismatch = ans->bid_mismatch;
	q->not_elf = ans->not_elf;
	return ans->found;
}

void cf_answers_free(struct cf_answers *a)
{
	for (size_t k = 0; k < a->nslot; k++)
		free(a->slot[k]);
	free(a->slot);
	*a = (struct cf_answers){0};
}
