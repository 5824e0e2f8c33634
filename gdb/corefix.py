# corefix inside gdb: `corefix [OPTIONS]` loads every module of the current
# core at its exact bias, `info corefix` shows the module table, and (when
# imported with auto=True, as libcfrt.so's auto-load script does) cores of
# loader-started programs are fixed the moment gdb opens them.
#
# Safety: the corefix binary does the reading; this file only turns its
# JSON into gdb objfiles. gdb 13 has no Python call that adds a symbol file
# at an offset, so add-symbol-file is unavoidable: it gets each module's
# load_path, which the corefix binary chose to be plain text (the path
# itself, or the build-id alias under the per-user cache its gdb script
# uses too: one implementation), as one double-quoted argument. A control
# character (a newline would end the command) is refused here again.
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import tempfile

import gdb

COREFIX_BIN = "@COREFIX_BIN@"
_state = {"applied": set(), "added": set(), "busy": False, "last": None, "last_json": {}, "opened": {}}
# Where this file is, known only while gdb sources it (or imports it).
_HERE = os.path.dirname(os.path.abspath(globals().get("__file__", ".")))


def _binary():
    env = os.environ.get("COREFIX")
    if env:
        return env
    if not COREFIX_BIN.startswith("@") and os.access(COREFIX_BIN, os.X_OK):
        return COREFIX_BIN
    found = shutil.which("corefix")
    # The source copy (gdb/corefix.py, not configured): the tree's default build.
    built = os.path.join(_HERE, "..", "build", "bin", "corefix")
    if not found and COREFIX_BIN.startswith("@") and os.access(built, os.X_OK):
        found = os.path.normpath(built)
    if not found:
        raise gdb.GdbError("corefix: the corefix program was not found (set $COREFIX, put it on PATH, or "
                           "source the built copy, BUILD/share/corefix/gdb/corefix.py)")
    return found


def _core_path():
    """The current core file, from `info target` (gdb 13 has no API)."""
    try:
        text = gdb.execute("info target", to_string=True)
    except gdb.error:
        return None
    m = re.search(r"Local core dump file:\s*\n\s*`(.*?)', file type", text, re.S)
    return m.group(1) if m else None


def _error_line(p):
    """corefix's own one-line error (it names the option or file), not a warning."""
    lines = p.stderr.strip().splitlines()
    msg = [l for l in lines if l.startswith("corefix: ") and "warning:" not in l] or lines
    return msg[0] if msg else "corefix: failed (exit %d)" % p.returncode


def _run(args, core):
    cmd = [_binary(), "modules", "--json"] + list(args) + ["--"] + _source(core)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise gdb.GdbError("corefix: cannot run %s: %s" % (cmd[0], e))
    if p.returncode >= 2:
        raise gdb.GdbError(_error_line(p))
    # What corefix fetched from debuginfod (DEBUGINFOD_URLS passes through
    # with gdb's environment): one final line per file, as on a terminal.
    for line in p.stderr.splitlines():
        if line.startswith("corefix: debuginfod: ") and not _control(line):
            gdb.write(line + "\n", gdb.STDERR)
    try:
        return json.loads(p.stdout)
    except ValueError:
        raise gdb.GdbError("corefix: unreadable output from %s" % cmd[0])


# corefix's options that take a value (the bridge passes every option on).
_VALUE_OPTS = ("--sysroot", "--path-map", "--search", "--cache-dir", "--debug-dir")


def _split_args(args):
    """ARGS as (options, operands): CORE and EXE are the operands."""
    opts, files, it = [], [], iter(args)
    for a in it:
        if a == "--":
            files.extend(it)
        elif a in _VALUE_OPTS:
            # A missing value stays missing: corefix itself says so.
            opts += [a] + [v for v in [next(it, None)] if v is not None]
        elif a.startswith("-") and a != "-":
            opts.append(a)
        else:
            files.append(a)
    return opts, files


def _source(core):
    """The files corefix reads for the open core CORE: the core (and EXE)
    the user named when the bridge opened it (a compressed core is open
    through its plain copy in corefix's cache), else CORE itself."""
    return list(_state["opened"].get(core, [core]))


def open_core(opts, files):
    """`corefix CORE [EXE]`: open CORE the way corefix's gdb script does,
    then load every module. gdb's own library discovery is turned off
    before core-file: it would follow the loader, and a link_map name such
    as /proc/self/fd/N makes gdb open its own descriptor and hang. The
    commands are the script's own (`corefix gdb`), up to its core-file: a
    compressed core (systemd's core.zst) is opened through the plain copy
    corefix keeps in its cache, paths are quoted as the script quotes them."""
    if len(files) > 2:
        raise gdb.GdbError("corefix: too many arguments (CORE [EXE])")
    cmd = [_binary(), "gdb"] + [o for o in opts if o not in ("-q", "--quiet")] + ["-q", "--"] + files
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise gdb.GdbError("corefix: cannot run %s: %s" % (cmd[0], e))
    if p.returncode >= 2:
        lines = p.stderr.strip().splitlines()
        raise gdb.GdbError(lines[0] if lines else "corefix: failed (exit %d)" % p.returncode)
    head, in_python = [], False
    for line in p.stdout.splitlines():
        head.append(line)
        if line == "python":
            in_python = True
        elif in_python and line == "end":
            break  # the core-file of a core that repeats a thread (KM)
        elif not in_python and line.startswith("core-file "):
            break
    else:
        raise gdb.GdbError("corefix: no core-file command in the output of %s" % cmd[0])
    confirm = gdb.parameter("confirm")
    with tempfile.NamedTemporaryFile("w", prefix="corefix-", suffix=".gdb") as f:
        f.write("\n".join(head) + "\n")
        f.flush()
        # `source` takes the rest of its line as the name, quotes included.
        if _control(f.name) or f.name.strip() != f.name:
            raise gdb.GdbError("corefix: gdb cannot be given the temporary file %r" % f.name)
        busy, _state["busy"] = _state["busy"], True  # no auto-load pass: every module is loaded below
        try:
            gdb.execute("source %s" % f.name, to_string=True)
        finally:
            _state["busy"] = busy
            gdb.set_parameter("confirm", confirm)
    core = _core_path()
    if not core:
        raise gdb.GdbError("corefix: gdb did not open %s" % files[0])
    _state["opened"][core] = [os.path.abspath(name) for name in files]
    # The script's `file` dropped every symbol file gdb had.
    _state["added"] = {a for a in _state["added"] if a[0] != core}
    apply(opts)


def _control(text):
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def _gdb_arg(path):
    """PATH as one argument of add-symbol-file (gdb_buildargv's quoting)."""
    return '"%s"' % path.replace("\\", "\\\\").replace('"', '\\"')


def _debug_dirs(args):
    """The --debug-dir values among ARGS, as absolute paths."""
    dirs, it = [], iter(args)
    for a in it:
        if a == "--debug-dir":
            a = "--debug-dir=" + next(it, "")
        if a.startswith("--debug-dir="):
            dirs.append(os.path.abspath(a[len("--debug-dir="):]))
    return dirs


def _set_debug_dirs(dirs):
    """Put DIRS before gdb's debug-file-directory, as the corefix script
    does. gdb.set_parameter builds a `set` command line, which strips
    trailing blanks and expands a '~' after a blank, and the list is
    ':'-separated: such names are refused (the corefix program has already
    refused ':' and control characters). Returns the DIRs that are new."""
    for d in dirs:
        if _control(d) or ":" in d or " ~" in d or d.rstrip(" ") != d:
            raise gdb.GdbError("corefix: --debug-dir %r: gdb cannot be given this folder" % d)
    cur = gdb.parameter("debug-file-directory") or ""
    have = cur.split(":")
    new = [d for i, d in enumerate(dirs) if d not in have and d not in dirs[:i]]
    if new:
        gdb.set_parameter("debug-file-directory", ":".join(new + ([cur] if cur else [])))
    return new


def _has_dwarf(path):
    """True unless PATH is an ELF file without .debug_info (then gdb looked
    for separate debug info when it read it, in the folders it had then)."""
    try:
        with open(path, "rb") as f:
            h = f.read(64)
            if len(h) < 52 or h[:4] != b"\x7fELF" or h[4] not in (1, 2) or h[5] not in (1, 2):
                return True
            e, is64 = "<" if h[5] == 1 else ">", h[4] == 2
            shoff = struct.unpack_from(e + ("Q" if is64 else "I"), h, 0x28 if is64 else 0x20)[0]
            shentsize, shnum, shstrndx = struct.unpack_from(e + "HHH", h, 0x3A if is64 else 0x2E)
            if not shoff or shnum > 4096 or shstrndx >= shnum or shentsize < (64 if is64 else 40):
                return True
            f.seek(shoff)
            table = f.read(shentsize * shnum)
            fmt = e + ("IIQQQQ" if is64 else "IIIIII")
            secs = [struct.unpack_from(fmt, table, i * shentsize) for i in range(shnum)]
            f.seek(secs[shstrndx][4])
            names = f.read(min(secs[shstrndx][5], 1 << 20))
            for name, kind, _, _, _, size in secs:
                n = names[name:names.find(b"\0", name)]
                if n in (b".debug_info", b".zdebug_info") and kind != 8 and size:  # 8: SHT_NOBITS
                    return True
            return False
    except (OSError, struct.error, IndexError):
        return True


def _add_debug_files(dirs):
    """gdb reads a file's separate debug info only when it loads the file:
    give the objfiles it already has (the libraries it found in the core)
    their DIR/.build-id/xx/yyyy.debug through the Python API."""
    objfiles = gdb.objfiles()
    owners = {o.owner.filename for o in objfiles if o.owner is not None}
    for o in objfiles:
        bid = o.build_id
        if o.owner is not None or not bid or len(bid) < 3 or o.filename in owners or _has_dwarf(o.filename):
            continue
        for d in dirs:
            f = os.path.join(d, ".build-id", bid[:2], bid[2:] + ".debug")
            if os.path.isfile(f):
                o.add_separate_debug_file(f)
                break


def _add_debuginfo(mod):
    """debuginfod's debug info for a stripped module (debuginfo_path): its
    cache layout is not one gdb searches, so it is attached to the objfile
    just added, found by build-id, as its separate debug info."""
    dbg, bid = mod.get("debuginfo_path"), mod.get("build_id_core")
    if not dbg or not bid or _control(dbg):
        return
    try:
        gdb.lookup_objfile(bid, by_build_id=True).add_separate_debug_file(dbg)
    except (ValueError, gdb.error) as e:
        gdb.write("warning: corefix: %s: %s\n" % (dbg, e), gdb.STDERR)


def _other_build(mod):
    """gdb's own solib pass takes a library by its name, whatever its build
    (one rebuilt after the crash): say so when it is not the core's."""
    so, want = mod.get("gdb_solib"), mod.get("build_id_core")
    objs = [o for o in gdb.objfiles() if so and o.filename == so and o.owner is None]
    if want and objs and objs[0].build_id and objs[0].build_id != want:
        return "a different build than the core's, build-id %s: its frames may be wrong" % objs[0].build_id
    return ""


def _gdb_has(mod):
    """True when gdb itself has (or is loading) this module at its place."""
    if mod.get("start") and mod.get("end"):
        # gdb knows a shared library by its .text range: probe its pages.
        start, end = int(mod["start"], 16), int(mod["end"], 16)
        for addr in range(start, min(end, start + 256 * 4096), 4096):
            so = gdb.solib_name(addr)
            if so:
                mod["gdb_solib"] = so
                return True
    exe = gdb.current_progspace().filename
    if exe and mod.get("load_path") and os.path.realpath(exe) == os.path.realpath(mod["load_path"]):
        # gdb places the executable through AT_PHDR: right for what the
        # kernel ran (the loader), wrong for a program the loader mapped.
        return mod["role"] != "main" or not _state["last_json"].get("loader_as_command")
    return False


def apply(args=(), quiet=False, auto=False):
    core = _core_path()
    if not core:
        raise gdb.GdbError("corefix: no core file (use core-file CORE first)")
    data = _run(args, core)
    if data.get("modules") and "load_path" not in data["modules"][0]:
        raise gdb.GdbError("corefix: %s is older than this bridge (no load_path in its JSON)" % _binary())
    _state["last_json"] = data
    _state["last"] = (core, list(args))
    if auto and not (data.get("loader_as_command") or data.get("km")):
        return  # gdb reads this core correctly on its own
    dirs = _set_debug_dirs(_debug_dirs(args))
    if dirs:
        _add_debug_files(dirs)
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
            report.append(("gdb has", name, _other_build(mod)))
            continue
        path = mod.get("load_path")
        if not path or _control(path):
            report.append(("skipped", name, "no name gdb can be given for it"))
            continue
        if exe and mod["role"] == "main" and os.path.realpath(exe) == os.path.realpath(path):
            # The executable gdb was given is this program, at the wrong place.
            gdb.execute("symbol-file", to_string=True)
        gdb.execute("add-symbol-file %s -o %#x" % (_gdb_arg(path), int(mod["bias"], 16)), to_string=True)
        _state["added"].add((core, mod["path"]))
        how = "bias %s from %s" % (mod["bias"], "+".join(mod["bias_sources"]))
        if mod.get("path_found_by") == "debuginfod":
            how += ", fetched from debuginfod"
        _add_debuginfo(mod)
        report.append(("loaded", name, how if path == mod["path"] else how + ", through the alias " + path))
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
               [--debug-dir DIR] [--cache-dir DIR] [CORE [EXE]]

Runs the corefix program on the core gdb has open and adds each module it
finds (the real program of a loader-started process included) with its
symbols at the right address. Modules gdb already placed are left alone.
With CORE, opens CORE first as corefix's gdb script does: gdb's own library
discovery off (set auto-solib-add off) before core-file, and a compressed
core (systemd's core.zst) through the plain copy kept in corefix's cache;
then every module is loaded.
--debug-dir DIR puts DIR before gdb's debug-file-directory (separate debug
info as DIR/.build-id/xx/yyyy.debug), for the modules gdb has too.
Cores of programs libcfrt.so ran as a command need no typing: its auto-load
script does this when gdb trusts it (after `cmake --install --prefix P`, put
add-auto-load-safe-path P/lib in ~/.gdbinit; the Debian package needs nothing)."""

    def __init__(self):
        super().__init__("corefix", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        opts, files = _split_args(shlex.split(arg))
        if files:
            open_core(opts, files)
        else:
            apply(opts)


class InfoCorefixCommand(gdb.Command):
    """Show corefix's module table for the current core: paths, build-ids,
biases, and where each fact came from."""

    def __init__(self):
        super().__init__("info corefix", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        core = _core_path()
        if not core:
            raise gdb.GdbError("corefix: no core file")
        # Options given here are corefix's; without any, those `corefix` used.
        args = shlex.split(arg)
        if not args and _state["last"] and _state["last"][0] == core:
            args = _state["last"][1]
        p = subprocess.run([_binary(), "modules"] + args + ["--"] + _source(core), capture_output=True, text=True,
                           errors="replace")
        if p.returncode >= 2:
            raise gdb.GdbError(_error_line(p))
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
