/* The facts of a crash (crash.c): signal, code, fault address, the
 * crashing thread, the program and its arguments, the abort message. */
#ifndef COREFIX_CRASH_H
#define COREFIX_CRASH_H
#include "frame.h"
#include "model.h"

const char *cf_signal_name(int signo);
const char *cf_signal_code_name(int signo, int code);
/* Fills BT's crash facts from M's notes and BT's threads. */
void cf_crash_facts(const struct cf_model *m, struct cf_backtrace *bt);

#endif
