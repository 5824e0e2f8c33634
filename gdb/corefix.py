# corefix inside gdb: `corefix [OPTIONS]` loads every module of the current
# core at its exact bias, `info corefix` shows the module table, and (when
# imported with auto=True, as libcfrt.so's auto-load script does) cores of
# loader-started programs are fixed the moment gdb opens them.
#
# Safety: the corefix binary does the reading; this file only turns its
# JSON into gdb objfiles. No path from a core is ever pasted into gdb's
# command parser: a path made only of plain characters is used as is,
# anything else goes through a symlink under the per-user cache whose name
# we build from hex digits and a sanitized file name. Paths holding control
# characters (a newline can end a gdb command) are skipped and reported.
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess

import gdb

COREFIX_BIN = "@COREFIX_BIN@"
_SAFE = re.compile(r"^/[A-Za-z0-9_.+,@%=/-]*$")
_state = {"applied": set(), "added": set(), "busy": False, "last": None, "last_json": {}}


def _binary():
    env = os.environ.get("COREFIX")
    if env:
        return env
    if not COREFIX_BIN.startswith("@") and os.access(COREFIX_BIN, os.X_OK):
        return COREFIX_BIN
    found = shutil.which("corefix")
    if not found:
        raise gdb.GdbError("corefix: the corefix program was not found (set $COREFIX or put it on PATH)")
    return found


def _core_path():
    """The current core file, from `info target` (gdb 13 has no API)."""
    try:
        text = gdb.execute("info target", to_string=True)
    except gdb.error:
        return None
    m = re.search(r"Local core dump file:\s*\n\s*`(.*?)', file type", text, re.S)
    return m.group(1) if m else None


def _run(args, core):
    cmd = [_binary(), "modules", "--json"] + list(args) + ["--", core]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise gdb.GdbError("corefix: cannot run %s: %s" % (cmd[0], e))
    if p.returncode >= 2:
        lines = p.stderr.strip().splitlines()
        msg = [l for l in lines if l.startswith("corefix: ") and "warning:" not in l] or lines
        raise gdb.GdbError(msg[0] if msg else "corefix: failed (exit %d)" % p.returncode)
    try:
        return json.loads(p.stdout)
    except ValueError:
        raise gdb.GdbError("corefix: unreadable output from %s" % cmd[0])


def _cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "corefix", "alias")


def _gdb_path(path, build_id):
    """A path gdb can be given safely, or None (with the reason)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return None, "its path holds control characters"
    if _SAFE.match(path):
        return path, None
    d = _cache_dir()
    if not _SAFE.match(d):
        return None, "the cache folder %r is not a plain path" % d
    os.makedirs(d, mode=0o700, exist_ok=True)
    ident = build_id or hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    tail = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(path))[:40]
    link = os.path.join(d, "%s-%s" % (ident, tail))
    try:
        if os.readlink(link) == path:
            return link, None
    except OSError:
        pass
    tmp = "%s.%d.tmp" % (link, os.getpid())
    try:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(path, tmp)
        os.replace(tmp, link)
    except OSError as e:
        return None, "cannot make an alias: %s" % e
    return link, None


def _gdb_has(mod):
    """True when gdb itself has (or is loading) this module at its place."""
    if mod.get("start") and mod.get("end"):
        # gdb knows a shared library by its .text range: probe its pages.
        start, end = int(mod["start"], 16), int(mod["end"], 16)
        for addr in range(start, min(end, start + 256 * 4096), 4096):
            if gdb.solib_name(addr):
                return True
    exe = gdb.current_progspace().filename
    if exe and mod.get("path") and os.path.realpath(exe) == os.path.realpath(mod["path"]):
        # gdb places the executable through AT_PHDR: right for what the
        # kernel ran (the loader), wrong for a program the loader mapped.
        return mod["role"] != "main" or not _state["last_json"].get("loader_as_command")
    return False


def apply(args=(), quiet=False, auto=False):
    core = _core_path()
    if not core:
        raise gdb.GdbError("corefix: no core file (use core-file CORE first)")
    data = _run(args, core)
    _state["last_json"] = data
    _state["last"] = (core, list(args))
    if auto and not (data.get("loader_as_command") or data.get("km")):
        return  # gdb reads this core correctly on its own
    report = []
    exe = gdb.current_progspace().filename
    for mod in data["modules"]:
        name = mod["name"] or "(unnamed)"
        if mod["role"] == "vdso":
            continue
        if not mod["loadable"]:
            report.append(("skipped", name, mod["status"]))
            continue
        if (core, mod["path"]) in _state["added"]:
            report.append(("loaded", name, "earlier"))
            continue
        if _gdb_has(mod):
            report.append(("gdb has", name, ""))
            continue
        path, why = _gdb_path(mod["path"], mod.get("build_id_file"))
        if not path:
            report.append(("skipped", name, why))
            continue
        if exe and mod["role"] == "main" and os.path.realpath(exe) == os.path.realpath(mod["path"]):
            # The executable gdb was given is this program, at the wrong place.
            gdb.execute("symbol-file", to_string=True)
        gdb.execute("add-symbol-file %s -o %#x" % (path, int(mod["bias"], 16)), to_string=True)
        _state["added"].add((core, mod["path"]))
        report.append(("loaded", name, "bias %s from %s" % (mod["bias"], "+".join(mod["bias_sources"]))))
    for w in data.get("warnings", []):
        gdb.write("warning: %s\n" % w, gdb.STDERR)
    if quiet:
        loaded = [r for r in report if r[0] == "loaded" and r[2] != "earlier"]
        gdb.write("corefix: loaded %d module%s (%s)\n" % (len(loaded), "" if len(loaded) == 1 else "s",
                  "loader run as a command" if data.get("loader_as_command") else "KM core"))
        return
    for what, name, detail in report:
        gdb.write("corefix: %-8s %s%s\n" % (what, name.encode("unicode_escape").decode(),
                                            "  (%s)" % detail if detail else ""))


class CorefixCommand(gdb.Command):
    """Load every module of the current core at its exact load bias.

Usage: corefix [--sysroot DIR] [--path-map OLD=NEW] [--search DIR] [--force]

Runs the corefix program on the core gdb has open and adds each module it
finds (the real program of a loader-started process included) with its
symbols at the right address. Modules gdb already placed are left alone."""

    def __init__(self):
        super().__init__("corefix", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        apply(shlex.split(arg))


class InfoCorefixCommand(gdb.Command):
    """Show corefix's module table for the current core: paths, build-ids,
biases, and where each fact came from."""

    def __init__(self):
        super().__init__("info corefix", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        core = _core_path()
        if not core:
            raise gdb.GdbError("corefix: no core file")
        args = _state["last"][1] if _state["last"] and _state["last"][0] == core else shlex.split(arg)
        p = subprocess.run([_binary(), "modules"] + args + ["--", core], capture_output=True, text=True,
                           errors="replace")
        gdb.write(p.stdout)
        for line in p.stderr.splitlines():
            gdb.write(line + "\n", gdb.STDERR)


def _on_new_objfile(event):
    """Auto-load: gdb adds the vDSO's objfile last when it opens a core,
    after its own shared-library pass, so that is the moment to fill in
    what gdb missed."""
    name = event.new_objfile.filename or ""
    if _state["busy"] or not name.startswith("system-supplied DSO"):
        return
    _auto_apply()


def _auto_apply():
    core = _core_path()
    if not core:
        return
    try:
        st = os.stat(core)
        key = (core, st.st_ino, st.st_mtime_ns)
    except OSError:
        return
    if key in _state["applied"]:
        return
    _state["applied"].add(key)
    _state["busy"] = True
    try:
        apply(quiet=True, auto=True)
    except gdb.GdbError as e:
        gdb.write("%s\n" % e, gdb.STDERR)
    finally:
        _state["busy"] = False


def register(auto=False):
    if not getattr(gdb, "_corefix_registered", False):
        CorefixCommand()
        InfoCorefixCommand()
        gdb._corefix_registered = True
    if auto and not getattr(gdb, "_corefix_auto", False):
        gdb.events.new_objfile.connect(_on_new_objfile)
        gdb._corefix_auto = True
        # `gdb LOADER CORE` loads auto-load scripts only after the core:
        # fix the core that is already open.
        _auto_apply()


register()
