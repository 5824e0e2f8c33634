/* The resolver's memory: each question it was asked, with its answer (which
 * file, how it was found, whether it is the build), so that a question
 * asked again (by another stage, for another image of the same file, or by
 * the next core of a triage run) looks through no candidate. The answer is
 * not the file's contents: those are read again from the file named. */
#ifndef COREFIX_ANSWERS_H
#define COREFIX_ANSWERS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wanted.h"

struct cf_answer;
struct cf_answers {
	struct cf_answer **slot;   /* open addressing, at most half full */
	size_t nslot, n;
};

/* EPOCH 0: an answer that holds for every core of the run; else the
 * number of the core it holds for (its folder or bundle took part). */
const struct cf_answer *cf_answers_find(const struct cf_answers *a, const struct cf_wanted *q, uint64_t epoch);
/* Keeps Q's answer (its answer fields; FOUND: a file was found) for later
 * questions. */
void cf_answers_put(struct cf_answers *a, const struct cf_wanted *q, uint64_t epoch, bool found);
/* Hands a kept answer out: fills Q's answer fields (copies the caller
 * owns); returns whether a file was found. */
bool cf_answer_give(const struct cf_answer *ans, struct cf_wanted *q);
void cf_answers_free(struct cf_answers *a);

#endif
