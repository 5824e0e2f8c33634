/* lldb 14 cannot open some cores at all: KM's note owners count no NUL, and
 * an x86 core that nowhere says it is Linux is "Unsupported OS". For those,
 * `corefix lldb` names a repaired copy instead — rewrite's plan applied to
 * a copy in the cache, beside decompressed cores — so its command file
 * works as printed. The copy is named by the input's identity (device,
 * inode, size, change time) and corefix's version: hashing a multi-GiB core
 * to name it would cost more than writing it. */
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"
#include "rewrite.h"

#ifndef COREFIX_VERSION
#define COREFIX_VERSION "0.1"
#endif

static char *copy_name(const char *dir, const char *from, const struct stat *st)
{
	char key[512], hex[2 * SHA256_DIGEST_SIZE + 1];
	uint8_t d[SHA256_DIGEST_SIZE];
	int n = snprintf(key, sizeof key, "corefix-lldb %s\n%s\n%llu %llu %lld %lld.%09ld", COREFIX_VERSION, from,
			 (unsigned long long)st->st_dev, (unsigned long long)st->st_ino, (long long)st->st_size,
			 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	struct sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, n > 0 && (size_t)n < sizeof key ? (size_t)n : sizeof key - 1, (const uint8_t *)key);
	sha256_digest(&c, sizeof d, d);
	cf_hex(d, sizeof d, hex);
	return cf_xasprintf("%s/%s.lldb.core", dir, hex);
}

int cf_lldb_repaired_core(const struct cf_model *m, const char *cache_dir, struct cf_diag *diag, char **out,
			  bool *reused_out, char *err, size_t errlen)
{
	/* A compressed core is repaired from its plain copy. */
	const char *from = m->core.plain_path ? m->core.plain_path : m->core.path;
	char *abs = realpath(from, NULL);
	struct stat st;
	if (!abs || stat(abs, &st) != 0) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		free(abs);
		return -1;
	}
	char *dir = cf_cores_folder(cache_dir, err, errlen);
	if (!dir) {
		free(abs);
		return -1;
	}
	char *path = copy_name(dir, abs, &st);
	free(dir);
	struct stat have;
	bool reused = stat(path, &have) == 0 && S_ISREG(have.st_mode) && have.st_size > 0;
	int r = 0;
	if (!reused) {
		struct cf_plan plan;
		cf_rewrite_plan(m, &plan, diag);
		struct cf_diag d = {0};
		if (!plan.npatch) {
			snprintf(err, errlen, "rewrite has nothing to repair in it");
			r = -1;
		} else if (cf_rewrite_write(abs, path, &plan, NULL, &d) != 0) {
			snprintf(err, errlen, "%s", d.error);
			r = -1;
		}
		cf_plan_free(&plan);
		cf_diag_free(&d);
	}
	free(abs);
	if (r != 0) {
		free(path);
		return -1;
	}
	*out = path;
	*reused_out = reused;
	return 0;
}
