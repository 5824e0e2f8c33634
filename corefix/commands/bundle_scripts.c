/* The debugger scripts inside a bundle. Every file is named relative to
 * the folder the bundle is unpacked into, by member names that are plain
 * ASCII (cf_bundle_member), so no quoting of untrusted paths happens here.
 *
 * A plain gdb or lldb command file cannot learn its own folder, so each
 * debugger gets two:
 *   debug.gdb.py  gdb -x DIR/debug.gdb.py, from any folder: gdb sets
 *                 __file__ while it runs a .py script, and every path is
 *                 joined to that script's folder;
 *   debug.lldb    lldb -s DIR/debug.lldb, from any folder: it runs
 *                 `command script import -c corefix_lldb.py` (-c: relative
 *                 to the command file), and that module joins paths to its
 *                 own __file__; it needs lldb's Python;
 *   here.gdb, here.lldb   plain commands with relative paths, for
 *                 `cd DIR && gdb -x here.gdb` or a debugger without Python. */
#include <stdlib.h>
#include <string.h>

#include "bundle_scripts.h"
#include "emit.h"

/* TEXT as printable ASCII for a comment: Python refuses a source file
 * that is not UTF-8, even in a comment, and a newline would end it. */
static void ascii_comment(FILE *out, const char *prefix, const char *text)
{
	fprintf(out, "# %s", prefix);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			fputc(*p, out);
		else
			fprintf(out, "\\x%02x", *p);
	fputc('\n', out);
}

/* Modules a debugger is given: bundled, placed, the real program first
 * (gdb takes the first add-symbol-file as the one whose symbols win). */
static size_t loadable(const struct cf_bundle_plan *plan, const struct cf_bundle_item **out)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < plan->n; i++) {
			const struct cf_bundle_item *it = &plan->item[i];
			if ((it->mod->role == CF_ROLE_MAIN) == (pass == 0) && it->member && it->mod->has_bias)
				out[n++] = it;
		}
	return n;
}

static void left_out(FILE *out, const struct cf_bundle_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct cf_bundle_item *it = &plan->item[i];
		const char *name = it->mod->name[0] ? it->mod->name : "(unnamed module)";
		if (it->mod->role == CF_ROLE_VDSO)
			continue;
		if (!it->member) {
			ascii_comment(out, "not in the bundle, frames in it stay ??: ", name);
			ascii_comment(out, "  ", it->reason ? it->reason : "?");
		} else if (!it->mod->has_bias) {
			ascii_comment(out, "bundled, but its load bias is unknown; not loaded: ", name);
		}
	}
}

static void header(FILE *out, const struct cf_model *m, const char *how)
{
	fprintf(out, "# corefix bundle: the core in this folder and every module at its load bias.\n%s", how);
	const struct cf_module *main_mod = cf_model_role(m, CF_ROLE_MAIN);
	if (main_mod)
		ascii_comment(out, "program: ", main_mod->name[0] ? main_mod->name : "(unnamed)");
	char *abs = cf_path_absolute(m->core.path);
	ascii_comment(out, "bundled from: ", abs);
	free(abs);
}

/* KM repeats the faulting vCPU's registers; gdb then ends a script at
 * core-file ("The current thread has terminated"). 0 when no thread is. */
static uint32_t repeated_tid(const struct cf_model *m)
{
	bool *first = cf_xcalloc(m->notes.nthread + 1, sizeof *first);
	uint32_t tid = cf_notes_first_threads(&m->notes, first);
	free(first);
	return tid;
}

void cf_bundle_gdb_py(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan)
{
	header(out, m,
	       "# From any folder:  gdb -x DIR/" CF_BUNDLE_GDB_PY "   (gdb -batch -x DIR/" CF_BUNDLE_GDB_PY " -ex bt)\n"
	       "# gdb sets __file__ while it runs a .py script: every path below is joined\n"
	       "# to this script's folder, wherever the bundle was unpacked.\n");
	left_out(out, plan);
	const struct cf_bundle_item **items = cf_xcalloc(plan->n + 1, sizeof *items);
	size_t n = loadable(plan, items);
	fprintf(out, "import os\n\nimport gdb\n\nHERE = os.path.dirname(os.path.abspath(__file__))\n"
		     "CORE = \"" CF_BUNDLE_CORE "\"\nREPEATED_TID = %u\n# (member, bias, role)\nMODULES = [\n",
		repeated_tid(m));
	for (size_t i = 0; i < n; i++) {
		char bias[32];
		cf_bias_text(m, items[i]->mod, bias, sizeof bias);
		fprintf(out, "    (\"%s\", \"%s\", \"%s\"),\n", items[i]->member, bias, cf_role_name(items[i]->mod->role));
	}
	free(items);
	fputs("]\n\n\n"
	      "def _path(rel):\n"
	      "    p = os.path.join(HERE, rel)\n"
	      "    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in p):\n"
	      "        raise gdb.GdbError(\"corefix: %r: gdb cannot be given a path with control characters\" % p)\n"
	      "    return p\n\n\n"
	      "def _quote(p):\n"
	      "    # gdb splits add-symbol-file's arguments like a shell: double quotes,\n"
	      "    # with backslash before '\"' and '\\\\'.\n"
	      "    return '\"' + p.replace('\\\\', '\\\\\\\\').replace('\"', '\\\\\"') + '\"'\n\n\n"
	      "gdb.execute(\"set confirm off\")\n"
	      "# gdb's own library discovery would follow the loader, not the program.\n"
	      "gdb.execute(\"set auto-solib-add off\")\n"
	      "_debug = _path(\"debug\")\n"
	      "if os.path.isdir(_debug):\n"
	      "    # A ':' splits the list; gdb strips trailing blanks and expands ' ~'.\n"
	      "    if \":\" in _debug or _debug != _debug.rstrip() or \" ~\" in _debug:\n"
	      "        gdb.write(\"corefix: %s: gdb cannot be given this folder for debug files\\n\" % _debug, gdb.STDERR)\n"
	      "    else:\n"
	      "        _old = gdb.parameter(\"debug-file-directory\") or \"\"\n"
	      "        gdb.execute(\"set debug-file-directory %s:%s\" % (_debug, _old))\n"
	      "gdb.execute(\"file\")\n"
	      "_core = _path(CORE)\n"
	      "if _core != _core.rstrip():\n"
	      "    # core-file takes the rest of its line literally, minus trailing blanks.\n"
	      "    raise gdb.GdbError(\"corefix: %r: gdb cannot open a core whose path ends in a blank\" % _core)\n"
	      "if REPEATED_TID:\n"
	      "    try:\n"
	      "        gdb.execute(\"core-file \" + _core)\n"
	      "    except gdb.error:\n"
	      "        pass\n"
	      "    for t in gdb.selected_inferior().threads():\n"
	      "        if t.is_valid() and t.ptid[1] == REPEATED_TID:\n"
	      "            t.switch()\n"
	      "else:\n"
	      "    gdb.execute(\"core-file \" + _core)\n"
	      "for member, bias, role in MODULES:\n"
	      "    gdb.execute(\"add-symbol-file %s -o %s\" % (_quote(_path(member)), bias))\n",
	      out);
}

void cf_bundle_gdb_here(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan)
{
	header(out, m,
	       "# Paths are relative to this folder:  cd DIR && gdb -x " CF_BUNDLE_GDB_HERE "\n"
	       "# (from any other folder: gdb -x DIR/" CF_BUNDLE_GDB_PY ")\n");
	left_out(out, plan);
	fputs("set confirm off\nset auto-solib-add off\n"
	      "set $corefix_debug_file_directory = $_gdb_setting_str(\"debug-file-directory\")\n"
	      "eval \"set debug-file-directory debug:%s\", $corefix_debug_file_directory\n"
	      "file\n",
	      out);
	uint32_t tid = repeated_tid(m);
	if (tid)
		fprintf(out, "python\ntry:\n    gdb.execute(\"core-file " CF_BUNDLE_CORE "\")\nexcept gdb.error:\n    pass\n"
			     "for t in gdb.selected_inferior().threads():\n    if t.is_valid() and t.ptid[1] == %u:\n"
			     "        t.switch()\nend\n",
			tid);
	else
		fputs("core-file " CF_BUNDLE_CORE "\n", out);
	const struct cf_bundle_item **items = cf_xcalloc(plan->n + 1, sizeof *items);
	size_t n = loadable(plan, items);
	for (size_t i = 0; i < n; i++) {
		char bias[32];
		cf_bias_text(m, items[i]->mod, bias, sizeof bias);
		fprintf(out, "# %s\nadd-symbol-file \"%s\" -o %s\n", cf_role_name(items[i]->mod->role), items[i]->member,
			bias);
	}
	free(items);
}

void cf_bundle_lldb(FILE *out)
{
	fputs("# corefix bundle: the core in this folder and every module at its load bias.\n"
	      "# From any folder:  lldb -s DIR/" CF_BUNDLE_LLDB "   (lldb -b -s DIR/" CF_BUNDLE_LLDB " -o bt)\n"
	      "# It needs lldb's Python; Debian 12's lldb 14 finds it only with PYTHONPATH:\n"
	      "#   PYTHONPATH=/usr/lib/llvm-14/lib/python3.11/dist-packages lldb -b -s DIR/" CF_BUNDLE_LLDB " -o bt\n"
	      "# -c resolves the module relative to this file; the module joins every\n"
	      "# path to its own folder.\n"
	      "# Without Python:  cd DIR && lldb -s " CF_BUNDLE_LLDB_HERE "\n"
	      "command script import -c " CF_BUNDLE_LLDB_PY "\n",
	      out);
}

/* lldb's --slide is read as an unsigned 64-bit number and added modulo
 * 2^64 (as emit_lldb.c writes it); the SB API takes the signed value. */
static void slide_of(const struct cf_model *m, const struct cf_module *mod, char *buf, size_t len)
{
	snprintf(buf, len, "0x%llx", (unsigned long long)(uint64_t)cf_module_bias_signed(m, mod));
}

void cf_bundle_lldb_py(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan)
{
	header(out, m, "# Imported by " CF_BUNDLE_LLDB " (lldb -s DIR/" CF_BUNDLE_LLDB "); paths are joined to this\n"
		       "# module's folder, wherever the bundle was unpacked.\n");
	left_out(out, plan);
	const struct cf_bundle_item **items = cf_xcalloc(plan->n + 1, sizeof *items);
	size_t n = loadable(plan, items);
	bool prog = n && items[0]->mod->role == CF_ROLE_MAIN;
	fputs("import os\n\nimport lldb\n\nHERE = os.path.dirname(os.path.abspath(__file__))\n"
	      "CORE = \"" CF_BUNDLE_CORE "\"\n",
	      out);
	fputs("# (member, bias): the real program first, as the target's executable\n", out);
	fprintf(out, "PROGRAM = %s\nMODULES = [\n", prog ? "True" : "False");
	for (size_t i = 0; i < n; i++) {
		char bias[32];
		cf_bias_text(m, items[i]->mod, bias, sizeof bias);
		fprintf(out, "    (\"%s\", \"%s\"),\n", items[i]->member, bias);
	}
	free(items);
	fputs("]\n\n\n"
	      "def __lldb_init_module(debugger, internal_dict):\n"
	      "    debug = os.path.join(HERE, \"debug\")\n"
	      "    if os.path.isdir(debug):\n"
	      "        # Before any module is read: lldb looks for its debug file then.\n"
	      "        q = debug.replace(\"\\\\\", \"\\\\\\\\\").replace('\"', '\\\\\"').replace(\"`\", \"\\\\`\")\n"
	      "        debugger.HandleCommand('settings append target.debug-file-search-paths \"%s\"' % q)\n"
	      "    err = lldb.SBError()\n"
	      "    exe = os.path.join(HERE, MODULES[0][0]) if PROGRAM else None\n"
	      "    # No dependents: lldb would read them from this machine, not the bundle.\n"
	      "    target = debugger.CreateTarget(exe, None, None, False, err)\n"
	      "    if not target.IsValid():\n"
	      "        print(\"corefix: cannot create a target: %s\" % err)\n"
	      "        return\n"
	      "    if not target.LoadCore(os.path.join(HERE, CORE)).IsValid():\n"
	      "        print(\"corefix: lldb cannot read the core %s\" % os.path.join(HERE, CORE))\n"
	      "        return\n"
	      "    for i, (member, bias) in enumerate(MODULES):\n"
	      "        path = os.path.join(HERE, member)\n"
	      "        if i == 0 and PROGRAM:\n"
	      "            module = target.FindModule(lldb.SBFileSpec(path))\n"
	      "        else:\n"
	      "            module = target.AddModule(path, None, None)\n"
	      "        if not module.IsValid():\n"
	      "            print(\"corefix: lldb cannot load %s\" % path)\n"
	      "            continue\n"
	      "        target.SetModuleLoadAddress(module, int(bias, 16))\n",
	      out);
}

void cf_bundle_lldb_here(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan)
{
	header(out, m,
	       "# Paths are relative to this folder:  cd DIR && lldb -s " CF_BUNDLE_LLDB_HERE "\n"
	       "# (from any other folder: lldb -s DIR/" CF_BUNDLE_LLDB ", which needs lldb's Python)\n");
	left_out(out, plan);
	const struct cf_bundle_item **items = cf_xcalloc(plan->n + 1, sizeof *items);
	size_t n = loadable(plan, items);
	bool prog = n && items[0]->mod->role == CF_ROLE_MAIN;
	fputs("settings append target.debug-file-search-paths debug\n", out);
	if (prog)
		fprintf(out, "target create --no-dependents --core " CF_BUNDLE_CORE " %s\n", items[0]->member);
	else
		fputs("target create --no-dependents --core " CF_BUNDLE_CORE "\n", out);
	for (size_t i = 0; i < n; i++) {
		char slide[32];
		slide_of(m, items[i]->mod, slide, sizeof slide);
		fprintf(out, "# %s\n", cf_role_name(items[i]->mod->role));
		if (i || !prog)
			fprintf(out, "target modules add %s\n", items[i]->member);
		/* --file compares a relative path with the module's absolute one
		 * and never matches; the build-id is lldb's UUID of the module. */
		const struct cf_module *mod = items[i]->mod;
		char id[2 * CF_BUILDID_MAX + 1];
		if (mod->bid_file_len) {
			cf_hex(mod->bid_file, mod->bid_file_len, id);
			fprintf(out, "target modules load --uuid %s --slide %s\n", id, slide);
		} else {
			fprintf(out, "target modules load --file %s --slide %s\n", cf_base_name(items[i]->member), slide);
		}
	}
	free(items);
}

void cf_bundle_readme(FILE *out)
{
	fputs("A crash bundled by corefix (corefix bundle): the core, the exact file of\n"
	      "every module it mapped, their separate debug files, and debugger scripts.\n"
	      "manifest.json (schema " CF_BUNDLE_SCHEMA ") says which file is which module\n"
	      "and why a module is missing.\n\n"
	      "Unpack with  corefix bundle --extract BUNDLE.tar.zst -C DIR  (or tar), then:\n\n"
	      "  gdb -x DIR/" CF_BUNDLE_GDB_PY "              from any folder\n"
	      "  lldb -s DIR/" CF_BUNDLE_LLDB "               from any folder (needs lldb's Python)\n"
	      "  cd DIR && gdb -x " CF_BUNDLE_GDB_HERE "        plain commands, relative paths\n"
	      "  cd DIR && lldb -s " CF_BUNDLE_LLDB_HERE "      plain commands, relative paths\n"
	      "  corefix modules DIR/core       finds every module inside DIR by itself\n"
	      "  corefix backtrace DIR/core\n",
	      out);
}
