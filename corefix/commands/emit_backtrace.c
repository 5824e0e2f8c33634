/* `corefix backtrace`: stacks for people, and schema corefix/backtrace/1
 * for machines (keys always in this order; schema/backtrace-1.json). */
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "emit.h"
#include "quote.h"

static const char *module_name(const struct cf_frame *f)
{
	if (!f->mod)
		return NULL;
	return f->mod->role == CF_ROLE_VDSO ? "[vdso]" : cf_base_name(f->mod->name[0] ? f->mod->name : "?");
}

static void signal_text(FILE *out, const struct cf_backtrace *bt)
{
	const char *code = bt->have_code ? cf_signal_code_name(bt->signo, bt->code) : NULL;
	fprintf(out, "%s", cf_signal_name(bt->signo));
	if (bt->have_addr)
		fprintf(out, ", address 0x%llx", (unsigned long long)bt->addr);
	if (code)
		fprintf(out, " (%s)", code);
}

void cf_emit_frame_text(FILE *out, size_t k, const struct cf_frame *f, int digits)
{
	char loc[512] = "";
	const char *mod = module_name(f);
	if (mod)
		snprintf(loc, sizeof loc, " (%s+0x%llx)", mod, (unsigned long long)f->offset);
	char *fn = cf_comment_text(f->function ? f->function : "??");
	fprintf(out, "#%-2zu 0x%0*llx  %s%s", k, digits, (unsigned long long)f->pc, fn, loc);
	free(fn);
	if (f->file)
		fprintf(out, "  %s:%d", cf_base_name(f->file), f->line);
	for (size_t j = f->ninl; j-- > 0;) {
		const struct cf_inline *in = &f->inl[j];
		fprintf(out, "%s%s %s:%d", j + 1 == f->ninl ? "   [inlined: " : ", ", in->function ? in->function : "??",
			in->file ? cf_base_name(in->file) : "?", in->line);
		if (j == 0)
			fputc(']', out);
	}
	if (f->signal_frame)
		fputs("   <signal handler called>", out);
	if (f->tail_call)
		fputs("   <tail call>", out);
	fputc('\n', out);
}

int cf_emit_backtrace_text(FILE *out, const struct cf_model *m, const struct cf_backtrace *bt)
{
	char *core = cf_comment_text(m->core.path);
	fprintf(out, "core %s", core);
	free(core);
	if (bt->program) {
		char *p = cf_comment_text(bt->program);
		fprintf(out, ": %s", p);
		free(p);
	}
	if (m->loader_as_command)
		fputs(" (started by a loader run as a command)", out);
	fputc('\n', out);
	if (bt->abort_msg) {
		char *a = cf_comment_text(bt->abort_msg);
		fprintf(out, "abort message: %s\n", a);
		free(a);
	}
	for (size_t i = 0; i < bt->nthread; i++) {
		const struct cf_thread_bt *t = &bt->thread[i];
		fprintf(out, "\nThread %zu (LWP %u)", i + 1, t->tid);
		if (t->crashed) {
			fputs(" — ", out);
			signal_text(out, bt);
			fputs("   <- crashed", out);
		}
		fputc('\n', out);
		for (size_t k = 0; k < t->nframe; k++)
			cf_emit_frame_text(out, k, &t->frame[k], m->core.order.is64 ? 16 : 8);
		if (t->end)
			fprintf(out, "    (backtrace stopped: %s)\n", t->end);
	}
	return 0;
}

void cf_emit_frame_json(FILE *out, size_t k, const struct cf_frame *f)
{
	fprintf(out, "{\"index\": %zu, \"pc\": \"0x%llx\", \"module\": ", k, (unsigned long long)f->pc);
	cf_json_string(out, module_name(f));
	fputs(", \"offset\": ", out);
	cf_json_addr(out, f->mod != NULL, f->offset);
	fputs(", \"function\": ", out);
	cf_json_string(out, f->function);
	fputs(", \"file\": ", out);
	cf_json_string(out, f->file);
	fprintf(out, ", \"line\": %d, \"column\": %d, \"signal_frame\": %s, \"inlined\": [", f->line, f->column,
		f->signal_frame ? "true" : "false");
	for (size_t j = 0; j < f->ninl; j++) {
		fputs(j ? ", {\"function\": " : "{\"function\": ", out);
		cf_json_string(out, f->inl[j].function);
		fputs(", \"file\": ", out);
		cf_json_string(out, f->inl[j].file);
		fprintf(out, ", \"line\": %d, \"column\": %d}", f->inl[j].line, f->inl[j].column);
	}
	fputs("]}", out);
}

int cf_emit_backtrace_json(FILE *out, const struct cf_model *m, const struct cf_backtrace *bt)
{
	fputs("{\n  \"schema\": \"corefix/backtrace/1\",\n  \"core\": ", out);
	cf_json_string(out, m->core.path);
	fprintf(out, ",\n  \"unwinder\": \"%s\",\n  \"program\": ", bt->unwinder);
	cf_json_string(out, bt->program);
	fputs(",\n  \"args\": ", out);
	cf_json_string(out, bt->args);
	fprintf(out, ",\n  \"loader_as_command\": %s,\n  \"signal\": {\"number\": %d, \"name\": \"%s\", \"code\": ",
		m->loader_as_command ? "true" : "false", bt->signo, cf_signal_name(bt->signo));
	if (bt->have_code)
		fprintf(out, "%d", bt->code);
	else
		fputs("null", out);  /* no NT_SIGINFO (qemu, KM): unknown, not SI_USER */
	fputs(", \"code_name\": ", out);
	cf_json_string(out, bt->have_code ? cf_signal_code_name(bt->signo, bt->code) : NULL);
	fputs(", \"address\": ", out);
	cf_json_addr(out, bt->have_addr, bt->addr);
	fprintf(out, "},\n  \"crashed_thread\": %u,\n  \"abort_message\": ", bt->crashed_tid);
	cf_json_string(out, bt->abort_msg);
	fputs(",\n  \"threads\": [", out);
	for (size_t i = 0; i < bt->nthread; i++) {
		const struct cf_thread_bt *t = &bt->thread[i];
		fprintf(out, "%s\n    {\"tid\": %u, \"crashed\": %s, \"frames\": [", i ? "," : "", t->tid,
			t->crashed ? "true" : "false");
		for (size_t k = 0; k < t->nframe; k++) {
			fputs(k ? ",\n      " : "\n      ", out);
			cf_emit_frame_json(out, k, &t->frame[k]);
		}
		fputs(t->nframe ? "\n    ], \"stopped\": " : "], \"stopped\": ", out);
		cf_json_string(out, t->end);
		fputc('}', out);
	}
	/* Last: keys added after schema 1 was published. */
	fputs("\n  ],\n  \"compression\": ", out);
	cf_json_string(out, m->core.compression);
	fputs(",\n  \"coredump\": ", out);
	cf_json_coredump(out, m);
	fputs("\n}\n", out);
	return 0;
}
