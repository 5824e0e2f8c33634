/* The resolver's memory: each question it was asked, with its answer, so
 * that a question asked again (by another stage, for another image of the
 * same file, or by the next core of a triage run) reads no file. */
#ifndef COREFIX_ANSWERS_H
#define COREFIX_ANSWERS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wanted.h"

struct cf_answers {
	struct cf_answer **slot;   /* open addressing, at most half full */
	size_t nslot, n;
};

/* EPOCH 0: an answer that holds for every core of the run; else the
 * number of the core it holds for (its folder or bundle took part). */
const struct cf_answer *cf_answers_find(const struct cf_answers *a, const struct cf_wanted *q, uint64_t epoch);
/* Keeps Q's answer (its path and what was learned of the file, INFO when
 * FOUND) for later questions. */
void cf_answers_put(struct cf_answers *a, const struct cf_wanted *q, uint64_t epoch, bool found,
		    const struct cf_elfinfo *info);
/* Hands a kept answer out as if just found: fills Q's answer fields and
 * INFO (copies the caller owns); returns whether a file was found. */
bool cf_answer_give(const struct cf_answer *ans, struct cf_wanted *q, struct cf_elfinfo *info);
void cf_answers_free(struct cf_answers *a);

#endif
