/* What systemd-coredump records about a core in the file's extended
 * attributes (user.coredump.*). Untrusted text like the core itself: kept
 * as read (bounded), escaped by whoever prints it. */
#ifndef COREFIX_XATTR_H
#define COREFIX_XATTR_H
#include <stdbool.h>
#include <stdint.h>

struct cf_coredump {
	bool present;           /* at least one attribute was there */
	char *exe, *comm, *hostname;
	char *pid, *signal, *timestamp;  /* decimal text; timestamp in µs since the epoch */
};

/* Reads the attributes of the open file FD; those missing stay NULL. */
void cf_coredump_read(int fd, struct cf_coredump *cd);
void cf_coredump_free(struct cf_coredump *cd);
/* S as a plain decimal number below 2^63 (what systemd writes); false
 * for anything else. */
bool cf_coredump_number(const char *s, uint64_t *v);

#endif
