/* `triage --html FILE`: the report as one self-contained page — styles
 * and script inline, nothing fetched (its Content-Security-Policy forbids
 * it) — that stays small and quick with 10 000 cores: one representative
 * stack per group, the core lists kept as data (paths after their common
 * folder) and shown a page at a time by the page's own script, which also
 * draws the bar chart. Every string is untrusted (core paths, function
 * names, messages read from the core): escaped for HTML, and for the
 * script's JSON so that no "</script>" can end it. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "quote.h"
#include "triage_html.h"

static void html(FILE *out, const char *s)
{
	char *t = cf_comment_text(s ? s : "");
	for (const char *p = t; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*p, out);
		}
	}
	free(t);
}

/* A JSON string safe inside <script>: <, > and & only ever occur inside
 * strings there, where \u escapes mean the same. */
static void json_in_script(FILE *out, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return;
	cf_json_string(m, s);
	fclose(m);
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '<' || buf[i] == '>' || buf[i] == '&')
			fprintf(out, "\\u%04x", (unsigned char)buf[i]);
		else
			fputc(buf[i], out);
	free(buf);
}

/* The folder every core lies in (through its last '/'), said once. */
static size_t common_folder(const struct cf_triage_report *r)
{
	const char *first = NULL;
	size_t n = 0;
	for (size_t i = 0; i < r->ng; i++)
		for (size_t k = 0; k < r->g[i].cores.n; k++) {
			const char *c = r->g[i].cores.v[k];
			if (!first) {
				first = c;
				n = strlen(c);
				continue;
			}
			size_t j = 0;
			while (j < n && c[j] == first[j])
				j++;
			n = j;
		}
	while (n && first[n - 1] != '/')
		n--;
	return n;
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}"
	"h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.05em;margin:.2em 0}"
	".group{background:#fff;border:1px solid #ddd;border-left:6px solid #999;border-radius:4px;"
	"padding:.6em 1em;margin:.8em 0}.group.new{border-left-color:#d33}.group.known{border-left-color:#3a3}"
	".badge{display:inline-block;font-size:.75em;font-weight:700;padding:.1em .5em;border-radius:3px;"
	"color:#fff;background:#999;margin-right:.4em}.badge.new{background:#d33}.badge.known{background:#3a3}"
	".cls{font-weight:600}.sig,.stack,.corelist{font-family:ui-monospace,monospace;font-size:.9em}"
	".sig{color:#555;word-break:break-all}.evidence{margin:.3em 0}.stack{margin:.3em 0;padding-left:2.2em}"
	".corelist{list-style:none;padding-left:1em;margin:.3em 0}.more{margin:.3em 1em}"
	"#chart svg{display:block;max-width:100%}.bar{fill:#5b8def}.bar.new{fill:#d33}.bar.known{fill:#3a3}"
	"#chart text{font:12px system-ui,sans-serif}.bad{color:#a40}";

/* Draws the chart from the data and shows the core lists a page at a time. */
static const char script[] =
	"(function(){'use strict';"
	"var d=JSON.parse(document.getElementById('triage-data').textContent);"
	"var NS='http://www.w3.org/2000/svg',MAX=50,PAGE=100;"
	"function el(n,a,t){var e=document.createElementNS(NS,n);for(var k in a)e.setAttribute(k,a[k]);"
	"if(t!==undefined)e.textContent=t;return e;}"
	"var gs=d.groups.slice(0,MAX),top=gs.reduce(function(m,g){return Math.max(m,g.count);},1);"
	"var rowh=22,lw=190,w=760,svg=el('svg',{width:w,height:rowh*gs.length+6,role:'img',"
	"'aria-label':'cores per group'});"
	"gs.forEach(function(g,i){var y=i*rowh+3,bw=Math.max(2,(w-lw-60)*g.count/top);"
	"var a=el('a',{href:'#'+g.id});"
	"a.appendChild(el('text',{x:0,y:y+14},'#'+(i+1)+' '+g.cls.slice(0,24)));"
	"var r=el('rect',{x:lw,y:y,width:bw,height:rowh-6,'class':'bar '+g.status,'data-count':g.count});"
	"r.appendChild(el('title',{},g.count+' cores: '+g.cls));a.appendChild(r);"
	"a.appendChild(el('text',{x:lw+bw+6,y:y+14,'class':'barcount'},String(g.count)));svg.appendChild(a);});"
	"var c=document.getElementById('chart');c.appendChild(svg);"
	"if(d.groups.length>MAX){var p=document.createElement('p');"
	"p.textContent='The chart shows the '+MAX+' largest of '+d.groups.length+' groups.';c.appendChild(p);}"
	"d.groups.forEach(function(g){var ul=document.getElementById(g.id+'-cores'),shown=0;if(!ul)return;"
	"var b=document.createElement('button');b.className='more';"
	"function more(){var end=Math.min(g.cores.length,shown+PAGE);for(;shown<end;shown++){"
	"var li=document.createElement('li');li.textContent=d.prefix+g.cores[shown];ul.appendChild(li);}"
	"b.textContent='Show '+Math.min(PAGE,g.cores.length-shown)+' more of '+(g.cores.length-shown);"
	"b.hidden=shown>=g.cores.length;}"
	"b.addEventListener('click',more);ul.after(b);more();});"
	"document.body.setAttribute('data-rendered',String(d.groups.length));})();";

static void write_page(FILE *out, const struct cf_triage_report *r)
{
	size_t fresh = 0, pre = common_folder(r);
	for (size_t i = 0; i < r->ng; i++)
		fresh += r->g[i].known == 0;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "script-src 'unsafe-inline'\">\n",
	      out);
	fprintf(out, "<title>corefix triage: %zu cores, %zu crashes</title>\n<style>%s</style></head>\n<body>\n",
		r->found, r->ng, style);
	fprintf(out, "<h1>corefix triage</h1>\n<p id=\"summary\"><span id=\"n-cores\">%zu</span> cores, "
		     "<span id=\"n-groups\">%zu</span> distinct crashes",
		r->found, r->ng);
	if (r->baseline)
		fprintf(out, ", <span id=\"n-new\">%zu</span> new", fresh);
	if (r->bad.n)
		fprintf(out, ", <span id=\"n-bad\">%zu</span> unreadable", r->bad.n);
	fputs("</p>\n<div id=\"chart\"></div>\n", out);
	for (size_t i = 0; i < r->ng; i++) {
		const struct cf_triage_group *g = &r->g[i];
		const char *st = g->known < 0 ? "" : g->known ? "known" : "new";
		fprintf(out, "<section class=\"group %s\" id=\"g%zu\" data-count=\"%zu\" data-class=\"", st, i + 1,
			g->cores.n);
		html(out, g->first.cls);
		fprintf(out, "\">\n<h2>");
		if (*st)
			fprintf(out, "<span class=\"badge %s\">%s</span>", st, g->known ? "known" : "NEW");
		fprintf(out, "#%zu · <span class=\"count\">%zu</span> core%s · <span class=\"cls\">", i + 1, g->cores.n,
			g->cores.n == 1 ? "" : "s");
		html(out, g->first.cls);
		if (g->first.access) {
			fputs(" (", out);
			html(out, g->first.access);
			fputc(')', out);
		}
		fputs("</span> · ", out);
		html(out, g->first.signal);
		fputs("</h2>\n<div class=\"sig\">", out);
		html(out, g->first.signature);
		fputs("</div>\n<div class=\"evidence\">", out);
		html(out, g->first.evidence);
		fputs("</div>\n", out);
		if (g->first.abort_msg) {
			fputs("<div class=\"evidence\">abort message: ", out);
			html(out, g->first.abort_msg);
			fputs("</div>\n", out);
		}
		fputs("<details open><summary>Stack of the first core</summary><ol class=\"stack\" start=\"0\">", out);
		for (size_t k = 0; k < g->first.nstack; k++) {
			fputs("<li>", out);
			html(out, g->first.stack[k]);
			fputs("</li>", out);
		}
		fprintf(out, "</ol></details>\n<details%s><summary>%zu core%s</summary><ul class=\"corelist\" "
			     "id=\"g%zu-cores\"></ul></details>\n</section>\n",
			g->cores.n <= 10 ? " open" : "", g->cores.n, g->cores.n == 1 ? "" : "s", i + 1);
	}
	if (r->bad.n) {
		fprintf(out, "<section id=\"unreadable\"><h2>%zu unreadable</h2><ul class=\"corelist\">", r->bad.n);
		for (size_t i = 0; i < r->bad.n; i++) {
			fputs("<li><span>", out);
			html(out, r->bad.v[i]);
			fputs("</span>: <span class=\"bad\">", out);
			html(out, r->why.v[i]);
			fputs("</span></li>", out);
		}
		fputs("</ul></section>\n", out);
	}
	fputs("<script type=\"application/json\" id=\"triage-data\">{\"prefix\":", out);
	char *prefix = cf_xasprintf("%.*s", (int)pre, r->ng ? r->g[0].cores.v[0] : "");
	json_in_script(out, prefix);
	free(prefix);
	fputs(",\"groups\":[", out);
	for (size_t i = 0; i < r->ng; i++) {
		const struct cf_triage_group *g = &r->g[i];
		fprintf(out, "%s\n{\"id\":\"g%zu\",\"count\":%zu,\"status\":\"%s\",\"cls\":", i ? "," : "", i + 1,
			g->cores.n, g->known < 0 ? "" : g->known ? "known" : "new");
		json_in_script(out, g->first.cls);
		fputs(",\"cores\":[", out);
		for (size_t k = 0; k < g->cores.n; k++) {
			fputs(k ? "," : "", out);
			json_in_script(out, g->cores.v[k] + pre);
		}
		fputs("]}", out);
	}
	fprintf(out, "]}</script>\n<script>%s</script>\n</body></html>\n", script);
}

int cf_triage_html(const char *path, const struct cf_triage_report *r, char *err, size_t errlen)
{
	/* Written beside PATH and renamed: a reader never sees half a page. */
	char *tmp = cf_xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	FILE *f = fdopen(fd, "w");
	if (f)
		write_page(f, r);
	bool bad = !f || ferror(f);
	bad |= f ? fclose(f) != 0 : close(fd) != 0;
	if (bad || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, bad ? "write error" : strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
