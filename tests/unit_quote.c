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

	char buf[64];
	cf_sources_text(CF_SRC_NTFILE | CF_SRC_LINKMAP | CF_SRC_KM, buf, sizeof buf);
	CHECK(strcmp(buf, "NT_FILE+link_map+KM") == 0, "sources %s", buf);

	printf("unit_quote: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
