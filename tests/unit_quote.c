/* Quoting for gdb's parsers, comment and JSON escaping. What gdb itself
 * makes of these strings is checked end to end (odd_paths, hostile_path). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "quote.h"
#include "synth.h"

static void quote_is(const char *in, const char *want)
{
	char *q = cf_gdb_quote(in);
	CHECK(strcmp(q, want) == 0, "quote(%s) = %s, want %s", in, q, want);
	free(q);
}

static void json_is(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cf_json_string(f, in);
	fclose(f);
	CHECK(strcmp(buf, want) == 0, "json gives %s, want %s", buf, want);
	free(buf);
}

int main(void)
{
	quote_is("/a b/c", "\"/a b/c\"");
	quote_is("/q\"x", "\"/q\\\"x\"");
	quote_is("/b\\s", "\"/b\\\\s\"");
	quote_is("/'s' $H #c", "\"/'s' $H #c\"");

	CHECK(cf_gdb_safe("/ok path/\"'$#"), "printable is safe");
	CHECK(!cf_gdb_safe("/x\nshell touch /tmp/p"), "newline is not");
	CHECK(!cf_gdb_safe("/x\ry"), "CR is not");
	CHECK(!cf_gdb_safe("/x\x7fy"), "DEL is not");

	CHECK(cf_gdb_literal_ok("/tmp/core"), "plain absolute path");
	CHECK(!cf_gdb_literal_ok("core"), "relative: gdb would resolve it elsewhere");
	CHECK(!cf_gdb_literal_ok("/tmp/core "), "trailing blank: gdb strips it");
	CHECK(!cf_gdb_literal_ok("/tmp/a\nb"), "newline");

	char *c = cf_comment_text("a\nshell x\tq\x01");
	CHECK(strcmp(c, "a\\nshell x\\x09q\\x01") == 0, "comment text %s", c);
	CHECK(!strchr(c, '\n'), "a comment never spans lines");
	free(c);

	json_is("a\"b\\c\nd", "\"a\\\"b\\\\c\\nd\"");
	json_is("\x01", "\"\\u0001\"");
	json_is("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	json_is("bad\xff", "\"bad\\u00ff\"");
	json_is("cut\xc3", "\"cut\\u00c3\"");

	/* load_path in JSON must reach Python's strict UTF-8 decoder intact. */
	CHECK(cf_plain_text("/srv/caf\xc3\xa9/\xf0\x9f\x98\x80 x\"y"), "UTF-8 and quotes are plain");
	CHECK(!cf_plain_text("/a\xff"), "a stray byte is not");
	CHECK(!cf_plain_text("/a\xc3"), "a cut sequence is not");
	CHECK(!cf_plain_text("/a\xc0\xaf"), "an overlong '/' is not");
	CHECK(!cf_plain_text("/a\xed\xa0\x80"), "a surrogate is not");
	CHECK(!cf_plain_text("/a\xf4\x90\x80\x80"), "past U+10FFFF is not");
	CHECK(!cf_plain_text("/a\nb"), "a newline is not");

	CHECK(cf_gdb_dir_ok("/d b/\"q\" 100% #x"), "blanks, quotes, %% and # fit debug-file-directory");
	CHECK(!cf_gdb_dir_ok("/a:b"), "':' separates the list");
	CHECK(!cf_gdb_dir_ok("/a ~b"), "gdb tilde-expands after a blank");
	CHECK(!cf_gdb_dir_ok("/a "), "gdb strips a trailing blank");
	CHECK(!cf_gdb_dir_ok("rel"), "relative");
	char *e = cf_gdb_format_escape("/a\"b\\c%d");
	CHECK(strcmp(e, "/a\\\"b\\\\c%%d") == 0, "format escape %s", e);
	free(e);

	/* lldb: backticks are expressions even inside quotes; '$' is not escapable. */
	char *l = cf_lldb_quote("/a`1+2`b \"q\" \\ $H #c");
	CHECK(strcmp(l, "\"/a\\`1+2\\`b \\\"q\\\" \\\\ $H #c\"") == 0, "lldb quote %s", l);
	free(l);
	CHECK(cf_lldb_ok("/caf\xc3\xa9/`x` #y"), "UTF-8, backticks and # can be quoted for lldb");
	CHECK(!cf_lldb_ok("-rel"), "a relative path could pass for an option");
	CHECK(!cf_lldb_ok("/a\nplatform shell x"), "a newline starts a command");
	CHECK(!cf_lldb_ok("/a\xff"), "not UTF-8");

	char buf[64];
	cf_sources_text(CF_SRC_NTFILE | CF_SRC_LINKMAP | CF_SRC_KM, buf, sizeof buf);
	CHECK(strcmp(buf, "NT_FILE+link_map+KM") == 0, "sources %s", buf);

	printf("unit_quote: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
