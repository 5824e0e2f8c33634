/* The resolver's memory of questions and answers. A question is what the
 * model knows of a module before any file is read: its recorded name, the
 * build-id and header layout the core holds. The answer is everything
 * cf_resolve_file learns. */
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "diag.h"

struct cf_answer {
	uint64_t hash, epoch;
	struct cf_wanted q;        /* its strings in the same block */
	unsigned char bid_core[CF_BUILDID_MAX];
	bool found;
	struct cf_elfinfo info;    /* when FOUND */
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static uint64_t question_hash(const struct cf_wanted *q, uint64_t epoch)
{
	uint64_t h = mix(cf_hash_str(q->name), epoch);
	h = mix(h, (uint64_t)q->deleted | (uint64_t)q->vdso << 1 | (uint64_t)q->header_in_core << 2);
	h = mix(h, q->header_in_core && !q->bid_core_len ? q->layout_core : 0);
	for (size_t i = 0; i < q->bid_core_len; i++)
		h = mix(h, q->bid_core[i]);
	return h;
}

static bool same_question(const struct cf_answer *a, const struct cf_wanted *q, uint64_t epoch)
{
	const struct cf_wanted *k = &a->q;
	return a->epoch == epoch && k->deleted == q->deleted && k->vdso == q->vdso &&
	       k->header_in_core == q->header_in_core && k->bid_core_len == q->bid_core_len &&
	       !memcmp(k->bid_core, q->bid_core, q->bid_core_len) &&
	       (!q->header_in_core || q->bid_core_len || k->layout_core == q->layout_core) && !strcmp(k->name, q->name);
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

static struct cf_elfinfo info_copy(const struct cf_elfinfo *from)
{
	struct cf_elfinfo to = *from;
	if (from->nphdr) {
		to.phdr = cf_xcalloc(from->nphdr, sizeof *to.phdr);
		memcpy(to.phdr, from->phdr, from->nphdr * sizeof *to.phdr);
	}
	return to;
}

/* S copied to AT, which moves past it; NULL stays NULL. */
static char *place(char **at, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *to = memcpy(*at, s, n);
	*at += n;
	return to;
}

void cf_answers_put(struct cf_answers *a, const struct cf_wanted *q, uint64_t epoch, bool found,
		    const struct cf_elfinfo *info)
{
	/* One block per answer (the phdrs, then the strings): a run keeps
	 * hundreds, and one allocation each costs what the look-up saves. */
	size_t nph = found ? info->nphdr : 0;
	size_t size = sizeof(struct cf_answer) + nph * sizeof(GElf_Phdr) + strlen(q->name) + 1 +
		      (q->path ? strlen(q->path) + 1 : 0) + (q->debuginfo ? strlen(q->debuginfo) + 1 : 0);
	struct cf_answer *ans = cf_xmalloc(size);
	memset(ans, 0, sizeof *ans);
	ans->hash = question_hash(q, epoch);
	ans->epoch = epoch;
	ans->q = *q;
	ans->found = found;
	if (found) {
		ans->info = *info;
		ans->info.phdr = nph ? (GElf_Phdr *)(ans + 1) : NULL;
		if (nph)
			memcpy(ans->info.phdr, info->phdr, nph * sizeof(GElf_Phdr));
	}
	char *at = (char *)(ans + 1) + nph * sizeof(GElf_Phdr);
	ans->q.name = place(&at, q->name);
	ans->q.path = place(&at, q->path);
	ans->q.debuginfo = place(&at, q->debuginfo);
	/* The bytes of the build-id are the key: kept here, not borrowed. */
	memcpy(ans->bid_core, q->bid_core, q->bid_core_len);
	ans->q.bid_core = ans->bid_core;
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

bool cf_answer_give(const struct cf_answer *ans, struct cf_wanted *q, struct cf_elfinfo *info)
{
	const struct cf_wanted *k = &ans->q;
	free(q->path);
	q->path = k->path ? cf_xstrdup(k->path) : NULL;
	q->path_how = k->path_how;
	q->path_dev = k->path_dev;
	q->path_ino = k->path_ino;
	free(q->debuginfo);
	q->debuginfo = k->debuginfo ? cf_xstrdup(k->debuginfo) : NULL;
	memcpy(q->bid_file, k->bid_file, sizeof q->bid_file);
	q->bid_file_len = k->bid_file_len;
	q->bid_mismatch = k->bid_mismatch;
	q->not_elf = k->not_elf;
	if (ans->found)
		*info = info_copy(&ans->info);
	else
		memset(info, 0, sizeof *info);
	return ans->found;
}

void cf_answers_free(struct cf_answers *a)
{
	for (size_t k = 0; k < a->nslot; k++)
		free(a->slot[k]);
	free(a->slot);
	*a = (struct cf_answers){0};
}
