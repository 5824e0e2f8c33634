#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "quote.h"

const char *cf_role_name(enum cf_role r)
{
	switch (r) {
	case CF_ROLE_MAIN: return "main";
	case CF_ROLE_EXEC: return "loader";
	case CF_ROLE_VDSO: return "vdso";
	default: return "dso";
	}
}

/* Names of the CF_SRC_* bits, in bit order. */
static const char *const names[] = {"NT_FILE", "link_map", "KM", "memory", "auxv"};

const char *cf_sources_text(unsigned src, char *buf, size_t len)
{
	/* Twice a module in every listing: no snprintf. */
	size_t o = 0;
	for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
		size_t n = strlen(names[i]);
		if (!(src & (1u << i)) || o + (o > 0) + n >= len)
			continue;
		if (o)
			buf[o++] = '+';
		memcpy(buf + o, names[i], n);
		o += n;
	}
	buf[o] = 0;
	return buf;
}

const char *cf_machine_name(unsigned machine)
{
	switch (machine) {
	case EM_X86_64: return "x86-64";
	case EM_386: return "i386";
	case EM_AARCH64: return "aarch64";
	case EM_ARM: return "arm";
	case EM_RISCV: return "riscv";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	default: return "unknown";
	}
}

void cf_bias_text(const struct cf_model *m, const struct cf_module *mod, char *buf, size_t len)
{
	int64_t b = cf_module_bias_signed(m, mod);
	if (b < 0)
		snprintf(buf, len, "-0x%llx", (unsigned long long)-(uint64_t)b);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)b);
}

const char *cf_module_status(const struct cf_module *mod, bool force)
{
	if (mod->role == CF_ROLE_VDSO)
		return mod->has_bias ? "ok" : "no-bias";
	if (!mod->path)
		return "missing";
	if (mod->bid_mismatch && !force)
		return "build-id-mismatch";
	if (!mod->has_bias)
		return mod->ncand > 1 ? "bias-ambiguous" : mod->bias_conflict ? "bias-conflict" : "no-bias";
	return "ok";
}

void cf_json_sources(FILE *out, unsigned src)
{
	fputc('[', out);
	bool first = true;
	for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
		if (src & (1u << i)) {
			fprintf(out, "%s\"%s\"", first ? "" : ", ", names[i]);
			first = false;
		}
	fputc(']', out);
}

void cf_json_addr(FILE *out, bool have, uint64_t v)
{
	if (have)
		fprintf(out, "\"0x%llx\"", (unsigned long long)v);
	else
		fputs("null", out);
}

/* JSON wants UTF-8; a path may hold any bytes. Valid sequences pass,
 * anything else becomes U+FFFD-free \u00XX of the byte (lossy, but valid). */
void cf_json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', out);
	while (*p) {
		unsigned c = *p;
		if (c == '"' || c == '\\') {
			fprintf(out, "\\%c", c);
			p++;
		} else if (c == '\n') {
			fputs("\\n", out);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			p++;
		} else if (c < 0x80) {
			fputc((int)c, out);
			p++;
		} else {
			int n = c >= 0xf0 ? (c < 0xf5 ? 4 : 0) : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			bool ok = n > 0;
			for (int i = 1; ok && i < n; i++)
				ok = (p[i] & 0xc0) == 0x80;
			if (ok) {
				fwrite(p, 1, (size_t)n, out);
				p += n;
			} else {
				fprintf(out, "\\u%04x", c);
				p++;
			}
		}
	}
	fputc('"', out);
}

char *cf_usable_path(const char *path, const unsigned char *bid, size_t bidlen, const struct cf_emit_opts *eo,
		     bool (*ok)(const char *), bool *aliased, char *err, size_t errlen)
{
	*aliased = false;
	if (ok(path))
		return cf_xstrdup(path);
	if (!eo) {
		snprintf(err, errlen, "no alias made here");
		return NULL;
	}
	/* Named by build-id, so a second run (or the bridge after the script)
	 * reuses the alias; a file without one is named by a hash of PATH. */
	char id[2 * CF_BUILDID_MAX + 1];
	if (bidlen)
		cf_hex(bid, bidlen, id);
	char *alias = cf_alias(eo->cache_dir, path, bidlen ? id : NULL, err, errlen);
	if (alias && cf_gdb_literal_ok(alias) && ok(alias)) {
		*aliased = true;
		return alias;
	}
	if (alias)
		snprintf(err, errlen, "the alias path is not plain either");
	free(alias);
	return NULL;
}

void cf_json_buildid(FILE *out, const unsigned char *b, size_t n)
{
	char h[2 * CF_BUILDID_MAX + 1];
	if (!n) {
		fputs("null", out);
		return;
	}
	cf_hex(b, n, h);
	fprintf(out, "\"%s\"", h);
}

void cf_json_bias(FILE *out, const struct cf_model *m, const struct cf_module *mod)
{
	if (!mod->has_bias) {
		fputs("null", out);
		return;
	}
	char bias[32];
	cf_bias_text(m, mod, bias, sizeof bias);
	cf_json_string(out, bias);
}
