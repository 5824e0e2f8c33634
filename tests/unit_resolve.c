/* The resolver of a run: each question answered once, an answer that
 * used the core's folder kept for that core only, a warning's answer
 * worked out again. The proof that a question is not worked out again is
 * a better candidate made between two questions. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resolve.h"
#include "synth.h"

static char dir[] = "/tmp/corefix-resolve-XXXXXX";

/* A copy of this test program: an ELF file with a build-id. */
static void copy_self(const char *to)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "cp /proc/%d/exe '%s'", (int)getpid(), to);
	CHECK(system(cmd) == 0, "%s", cmd);
}

static bool ask(struct cf_resolver *r, const char *name, const unsigned char *bid, size_t bidlen, char **path,
		const char **how)
{
	struct cf_wanted w = {.name = name, .bid_core = bid, .bid_core_len = bidlen};
	struct cf_elfinfo info;
	bool found = cf_resolve_file(r, &w, &info);
	CHECK(!found || info.nphdr > 0, "%s: found without program headers", name);
	cf_elfinfo_free(&info);
	free(w.debuginfo);
	*path = w.path;
	*how = w.path_how;
	return found;
}

static void test_answers_kept(void)
{
	char rec[256], recdir[256], found[300], search[256], core[256], core2[320], sub[256];
	snprintf(recdir, sizeof recdir, "%s/rec", dir);
	snprintf(rec, sizeof rec, "%s/rec/prog", dir);
	snprintf(search, sizeof search, "%s/search", dir);
	snprintf(found, sizeof found, "%s/prog", search);
	snprintf(core, sizeof core, "%s/one.core", dir);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	snprintf(core2, sizeof core2, "%s/two.core", sub);
	mkdir(sub, 0700);
	mkdir(search, 0700);
	copy_self(found);
	struct cf_elfinfo self;
	char err[128];
	CHECK(cf_elf_read_file(found, &self, err, sizeof err) == 0 && self.buildid_len, "%s: %s", found, err);

	const char *dirs[] = {search};
	struct cf_options opt = {.search = dirs, .nsearch = 1};
	struct cf_resolver *r = cf_resolver_new(&opt);
	struct cf_diag d = {0};
	cf_resolver_begin_core(r, core, &d);
	char *path;
	const char *how;
	/* REC is not there yet: the search folder has the build. */
	CHECK(ask(r, rec, self.buildid, self.buildid_len, &path, &how) && path && !strcmp(path, found) &&
		      !strcmp(how, "search path"), "first question: %s", path ? path : "none");
	free(path);
	/* Relative: next to the core. */
	char next[300];
	snprintf(next, sizeof next, "%s/prog", dir);
	copy_self(next);
	CHECK(ask(r, "prog", self.buildid, self.buildid_len, &path, &how) && path && !strcmp(how, "next to core"),
	      "relative name: %s", path ? path : "none");
	free(path);

	/* Now the name as recorded leads to the build too, and would win a
	 * new search; asked again, by this core or the next, the answer
	 * given is the one found first. */
	mkdir(recdir, 0700);
	copy_self(rec);
	CHECK(ask(r, rec, self.buildid, self.buildid_len, &path, &how) && path && !strcmp(how, "search path"),
	      "asked again: %s", path ? path : "none");
	free(path);
	cf_resolver_begin_core(r, core2, &d);
	CHECK(ask(r, rec, self.buildid, self.buildid_len, &path, &how) && path && !strcmp(how, "search path"),
	      "next core: %s", path ? path : "none");
	free(path);
	/* A relative name was looked for in the core's folder: for another
	 * core it is another question, worked out again (not next to this
	 * core, so from the search folder). */
	CHECK(ask(r, "prog", self.buildid, self.buildid_len, &path, &how) && path && !strcmp(how, "search path"),
	      "relative, next core: %s", path ? path : "none");
	free(path);
	unlink(next);
	/* The file an answer named is gone: looked for afresh. */
	unlink(found);
	CHECK(ask(r, rec, self.buildid, self.buildid_len, &path, &how) && path && !strcmp(path, rec) &&
		      !strcmp(how, "as recorded"), "answer's file gone: %s", path ? path : "none");
	free(path);
	/* Another build-id is another question. */
	unsigned char other[20] = {1, 2, 3};
	CHECK(ask(r, rec, other, sizeof other, &path, &how) && path && !strcmp(how, "as recorded"),
	      "other build-id: %s", path ? path : "none");
	free(path);

	cf_resolver_free(r);
	cf_diag_free(&d);
	cf_elfinfo_free(&self);
}

/* A question whose answer warned (a server handing out another build)
 * is not kept: the next core gets its own warning. Here the warning is
 * debuginfod's, from a server that is not there. */
static void test_warned_not_kept(void)
{
	char core[256];
	snprintf(core, sizeof core, "%s/w.core", dir);
	setenv("DEBUGINFOD_URLS", "http://127.0.0.1:9/", 1);
	setenv("DEBUGINFOD_TIMEOUT", "1", 1);
	char cache[300];
	snprintf(cache, sizeof cache, "%s/dcache", dir);
	setenv("DEBUGINFOD_CACHE_PATH", cache, 1);
	struct cf_options opt = {.quiet = true};
	struct cf_resolver *r = cf_resolver_new(&opt);
	unsigned char bid[20] = {0xde, 0xad};
	for (int i = 0; i < 2; i++) {
		struct cf_diag d = {0};
		cf_resolver_begin_core(r, core, &d);
		char *path;
		const char *how;
		CHECK(!ask(r, "/nonexistent/libgone.so", bid, sizeof bid, &path, &how), "found a missing file");
		free(path);
		CHECK(d.nwarn >= 1, "core %d: no debuginfod warning (%zu)", i, d.nwarn);
		cf_diag_free(&d);
	}
	cf_resolver_free(r);
	unsetenv("DEBUGINFOD_URLS");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_answers_kept();
	test_warned_not_kept();
	return test_finish("unit_resolve", dir);
}
