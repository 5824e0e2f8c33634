/* Names of files: as a core records them, and as we make them. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "paths.h"

const char *cf_base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

char *cf_path_absolute(const char *p)
{
	if (p[0] == '/')
		return cf_xstrdup(p);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return cf_xstrdup(p);
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	return cf_xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", p);
}

char *cf_dir_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? cf_xstrndup(p, (size_t)(s - p) + (s == p)) : cf_xstrdup(".");
}

/* gdb's gcore copies NT_FILE names from /proc/PID/maps, where the kernel
 * writes a newline in a path as "\012". NULL when NAME has no such escape. */
char *cf_maps_unescape(const char *name)
{
	if (!strstr(name, "\\0"))
		return NULL;
	char *out = cf_xstrdup(name), *o = out;
	for (const char *p = name; *p;) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 4;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	return out;
}

bool cf_name_is_file(const char *name)
{
	static const char *const not_files[] = {"/proc", "/dev", "/memfd:"};
	if (name[0] != '/')
		return true;
	/* "//proc/./self" and "/usr/../proc/self" are /proc/self to the
	 * kernel: compare the name with its dot components folded. */
	size_t n = strlen(name);
	char *norm = cf_xmalloc(n + 2), *o = norm;
	for (const char *p = name; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > norm && *--o != '/')
				;
		} else if (len) {
			*o++ = '/';
			memcpy(o, p, len);
			o += len;
		}
		p += len;
	}
	*o = 0;
	/* /dev/shm holds real files (a JIT's or sandbox's libraries). */
	bool file = !strncmp(norm, "/dev/shm/", 9);
	for (size_t i = 0; i < sizeof not_files / sizeof *not_files && !file; i++) {
		size_t l = strlen(not_files[i]);
		if (!strncmp(norm, not_files[i], l) && (not_files[i][l - 1] == ':' || !norm[l] || norm[l] == '/')) {
			free(norm);
			return false;
		}
	}
	free(norm);
	return true;
}
