#include "quote.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"
#include "diag.h"

bool cf_gdb_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

char *cf_gdb_quote(const char *s)
{
	char *out = cf_xmalloc(2 * strlen(s) + 3), *o = out;
	*o++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '"';
	*o = 0;
	return out;
}

bool cf_gdb_literal_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 1 && s[0] == '/' && s[n - 1] != ' ' && s[n - 1] != '\t' && cf_gdb_safe(s);
}

char *cf_comment_text(const char *s)
{
	char *out = cf_xmalloc(4 * strlen(s) + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			o += sprintf(o, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			o += sprintf(o, "\\x%02x", *p);
		else
			*o++ = (char)*p;
	}
	*o = 0;
	return out;
}

bool cf_plain_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p, n;
		unsigned char lo = 0x80, hi = 0xbf;  /* bounds of the second byte */
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;  /* no overlong, no surrogate */
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;  /* no overlong, <= U+10FFFF */
		else
			return false;
		if (p[1] < lo || p[1] > hi)
			return false;
		for (unsigned i = 2; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

bool cf_gdb_dir_ok(const char *s)
{
	return cf_gdb_literal_ok(s) && !strchr(s, ':') && !strstr(s, " ~");
}

char *cf_gdb_format_escape(const char *s)
{
	char *out = cf_xmalloc(2 * strlen(s) + 1), *o = out;
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*o++ = '\\';
		else if (*s == '%')
			*o++ = '%';
		*o++ = *s;
	}
	*o = 0;
	return out;
}

bool cf_lldb_ok(const char *s)
{
	return s[0] == '/' && cf_plain_text(s);
}

char *cf_lldb_quote(const char *s)
{
	char *out = cf_xmalloc(2 * strlen(s) + 3), *o = out;
	*o++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '`')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '"';
	*o = 0;
	return out;
}

static int mkdirs(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -1;
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(buf, 0700) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

char *cf_alias(const char *cache_dir, const char *target, const char *id, char *err, size_t errlen)
{
	char *dir = cf_cache_folder(cache_dir, "alias");
	if (!dir) {
		snprintf(err, errlen, "no cache folder ($HOME and $XDG_CACHE_HOME unset)");
		return NULL;
	}
	if (!cf_gdb_safe(dir) || mkdirs(dir) != 0) {
		snprintf(err, errlen, "cache folder unusable");
		free(dir);
		return NULL;
	}
	char hash[17];
	if (!id) {
		uint64_t h = 1469598103934665603ull;  /* FNV-1a */
		for (const unsigned char *p = (const unsigned char *)target; *p; p++)
			h = (h ^ *p) * 1099511628211ull;
		snprintf(hash, sizeof hash, "%016llx", (unsigned long long)h);
		id = hash;
	}
	/* Keep a readable, safe tail of the original name for people. */
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	char tail[48];
	size_t t = 0;
	for (const char *p = base; *p && t < sizeof tail - 1; p++)
		tail[t++] = (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				    *p == '.' || *p == '-' || *p == '_'
			    ? *p
			    : '_';
	tail[t] = 0;
	char *link = cf_xasprintf("%s/%s-%s", dir, id, tail);
	char *tmp = cf_xasprintf("%s.%ld.tmp", link, (long)getpid());
	free(dir);
	char cur[PATH_MAX];
	ssize_t n = readlink(link, cur, sizeof cur - 1);
	if (n >= 0 && (size_t)n == strlen(target) && memcmp(cur, target, (size_t)n) == 0) {
		free(tmp);
		return link;
	}
	unlink(tmp);
	if (symlink(target, tmp) != 0 || rename(tmp, link) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", link, strerror(errno));
		unlink(tmp);
		free(tmp);
		free(link);
		return NULL;
	}
	free(tmp);
	return link;
}
