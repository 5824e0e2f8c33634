/* Building ELF note data in memory: the notes rewrite puts in a repaired
 * core, and the note-only core the register reader hands to elfutils. */
#ifndef COREFIX_NOTEBUF_H
#define COREFIX_NOTEBUF_H
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

/* Bytes appended at the end; the capacity doubles, so N appends cost their
 * size, not their size times their count (a core holds a few notes per
 * thread, and thousands of threads). */
struct cf_buf {
	unsigned char *p;
	size_t n, cap;
};

/* Appends N bytes of D as they are. */
void cf_buf_put_raw(struct cf_buf *b, const void *d, size_t n);
/* Appends N bytes of D, then zeros up to a multiple of 4 (a note's fields). */
void cf_buf_put(struct cf_buf *b, const void *d, size_t n);
/* Appends one note: the header in O's byte order (n_namesz counting the
 * NUL), OWNER and DESC, each padded to 4. */
void cf_buf_note(struct cf_buf *b, const struct cf_order *o, const char *owner, uint32_t type, const void *desc,
		 size_t len);

#endif
