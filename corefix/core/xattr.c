#include "xattr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "diag.h"

/* Longer values are not systemd's (exe is a path): left out, not cut. */
enum { MAX_VALUE = 4096 };

static char *get(int fd, const char *name)
{
	char buf[MAX_VALUE + 1];
	ssize_t n = fgetxattr(fd, name, buf, MAX_VALUE);
	if (n <= 0)
		return NULL;
	/* A NUL inside ends the text, as for any C string we print. */
	return cf_xstrndup(buf, (size_t)n);
}

void cf_coredump_read(int fd, struct cf_coredump *cd)
{
	memset(cd, 0, sizeof *cd);
	cd->exe = get(fd, "user.coredump.exe");
	cd->comm = get(fd, "user.coredump.comm");
	cd->pid = get(fd, "user.coredump.pid");
	cd->signal = get(fd, "user.coredump.signal");
	cd->timestamp = get(fd, "user.coredump.timestamp");
	cd->hostname = get(fd, "user.coredump.hostname");
	cd->present = cd->exe || cd->comm || cd->pid || cd->signal || cd->timestamp || cd->hostname;
}

void cf_coredump_free(struct cf_coredump *cd)
{
	free(cd->exe);
	free(cd->comm);
	free(cd->pid);
	free(cd->signal);
	free(cd->timestamp);
	free(cd->hostname);
	memset(cd, 0, sizeof *cd);
}

bool cf_coredump_number(const char *s, uint64_t *v)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	uint64_t x = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return true;
}
