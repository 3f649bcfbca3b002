"""Regular expressions compiled on first use, from a cache of compiled programs.

The date, role and claim modules hold a few dozen large multilingual patterns (month names in
eight languages, UN header formulas, figure and citation grammars); compiling them all takes
tens of milliseconds, which every command paid at import, whether it read a date or not. A
:class:`LazyPattern` stands where the compiled pattern stood and compiles it the first time an
attribute other than ``pattern`` is read; the attribute is then kept on the instance, so later
calls cost what a call on the compiled pattern costs.

It is not the compiled pattern itself: code that compares a match's ``.re`` with it must compare
with :meth:`LazyPattern.compiled`.

Compiling is itself slow: ``re`` and ``regex`` parse a pattern and generate its program in
Python, ~40 ms for the patterns that collating two one-page documents needs, a fifth of the
command. :func:`compile_pattern` keeps each program it compiles in a file of the user cache
(:func:`variorum.cache.cache_dir`) and builds later processes' patterns from it in microseconds:

* for ``regex``, the program is the pattern's pickle (the module pickles its compiled code and
  rebuilds a pattern from it without parsing), read back by an unpickler that can call nothing
  but ``regex``'s own constructor;
* for ``re``, it is the arguments ``re`` itself hands to its C constructor (``_sre.compile``),
  recorded only when the pattern built from them equals the one ``re.compile`` made (``re``
  patterns compare their flags and compiled code).

While :func:`cached_re` is active, every pattern ``re`` compiles (the standard library's and
numpy's own, as they are imported: ~55 patterns and ~7 ms of CPU of ``variorum collate --files``)
comes from the same cache: ``re.compile`` and the functions that compile for it call
:func:`compile_pattern` in place of ``re``'s compiler, and the patterns are those the compiler
makes (see above). The CLI's quick commands run inside it.

A file holds the programs of one module for one interpreter build and one version of that
module (in its name), so an upgrade starts a new file rather than reading programs another
version made. Programs a process compiled are added to the file when it exits, written to a
temporary file and renamed over it, so concurrent processes never read half a file (one that
races another may lose its additions, which the next process adds again). A missing, damaged or
unwritable file makes patterns compile as before: slower, never different.
"""

from __future__ import annotations

import _sre
import atexit
import marshal
import os
import sys
import threading
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from typing import Any

# Imported here, not when a cache file is first read: reading one while cached_re is active
# must not import a module that compiles a pattern (pathlib does), which would come back here.
from variorum.cache import cache_dir, write_atomic

#: The array type of ``re``'s compiled code (``_sre.CODESIZE`` bytes a code, in the file's name).
_CODE_TYPE = next(t for t in "IL" if array(t).itemsize == _sre.CODESIZE)

#: Bump when the layout of the cache files changes. 2: ``re`` programs' code as bytes.
CACHE_FORMAT = 2
#: Programs a cache file keeps at most. Beyond it, the file is rewritten with only those the
#: writing process used: patterns that changed from one version of variorum to the next leave
#: stale programs behind, and the file is read whole at every start (~200 programs today, 70 KB).
CACHE_ENTRIES = 2_000

# Re-entrant: a pattern compiled while a cache file is read (by a module imported then) comes
# back to the same thread through cached_re.
_lock = threading.RLock()
#: module name -> the cache file's programs (None until read), the ones this process compiled,
#: and the keys it used.
_files: dict[str, tuple[dict[Any, Any], dict[Any, Any], set[Any]]] = {}
_exit_hook = False


@cache
def _regex_unpickler() -> Any:
    """An unpickler that rebuilds a ``regex`` pattern from its pickle and refuses to build any
    other object (made on first use: ``pickle`` is imported only by a process that needs it)."""
    import pickle

    class RegexUnpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) == ("regex._regex", "compile"):
                from regex import _regex

                return _regex.compile
            raise pickle.UnpicklingError(f"{module}.{name}: not a compiled regex pattern")

    return RegexUnpickler


def _file_name(module: ModuleType) -> str:
    import xxhash

    parts = [str(CACHE_FORMAT), module.__name__, sys.version, sys.implementation.cache_tag or ""]
    if module.__name__ == "re":
        import _sre

        parts += [str(_sre.MAGIC), str(_sre.CODESIZE)]
    else:
        parts.append(str(getattr(module, "__version__", "")))
    return f"{module.__name__}-{xxhash.xxh3_64_hexdigest(chr(0).join(parts).encode())}.marshal"


def _path(module: ModuleType) -> str:
    return os.path.join(cache_dir(), "patterns", _file_name(module))


def _read(path: str) -> dict[Any, Any]:
    try:
        with open(path, "rb") as f:
            data = f.read()  # marshal.load(f) reads the file object by object: 50x slower
        programs = marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return programs if isinstance(programs, dict) else {}


def _cache(module: ModuleType) -> tuple[dict[Any, Any], dict[Any, Any], set[Any]]:
    global _exit_hook
    entry = _files.get(module.__name__)
    if entry is None:
        with _lock:
            entry = _files.get(module.__name__)
            if entry is None:
                entry = (_read(_path(module)), {}, set())
                _files[module.__name__] = entry
                if not _exit_hook:
                    atexit.register(save)
                    _exit_hook = True
    return entry


def _revive(module: ModuleType, pattern: str, program: Any) -> Any:
    """The compiled pattern from its cached program (raises when the program is not one)."""
    if module.__name__ == "re":
        import _sre

        flags, code, groups, groupindex, indexgroup = program
        ops = array(_CODE_TYPE)
        ops.frombytes(code)  # raises unless whole codes
        return _sre.compile(pattern, flags, ops.tolist(), groups, groupindex, indexgroup)
    import io

    compiled = _regex_unpickler()(io.BytesIO(program)).load()
    if compiled.pattern != pattern:
        raise ValueError("a cached program of another pattern")
    return compiled


def _program(module: ModuleType, pattern: str, flags: int, compiled: Any) -> Any:
    """What :func:`_revive` rebuilds ``compiled`` from, or None when it cannot be kept."""
    if module.__name__ == "re":
        import _sre
        from re import _compiler, _parser

        parsed = _parser.parse(pattern, flags)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in parsed.state.groupdict.items():
            indexgroup[index] = name
        code = [int(op) for op in _compiler._code(parsed, flags)]
        program = (
            int(flags | parsed.state.flags),
            code,
            parsed.state.groups - 1,
            dict(parsed.state.groupdict),
            tuple(indexgroup),
        )
        if _sre.compile(pattern, *program) != compiled:
            return None
        # The code as bytes: marshal reads them in one piece, where a list of ints costs it an
        # object per code (the cutters' character classes hold tens of thousands).
        return (program[0], array(_CODE_TYPE, code).tobytes(), *program[2:])
    if module.__name__ == "regex":
        import pickle

        return pickle.dumps(compiled, protocol=4)
    return None


#: ``re``'s own compiler (``re._compiler.compile``) while :func:`cached_re` stands in for it.
_re_compiler: Any = None


def _compile(module: ModuleType, pattern: Any, flags: int) -> Any:
    """The pattern compiled by ``module`` itself (by ``re``'s compiler while :func:`cached_re`
    stands in for it: ``re.compile`` would come back here)."""
    compiler = _re_compiler
    if compiler is not None and module.__name__ == "re":
        return compiler(pattern, flags)
    return module.compile(pattern, flags)


def compile_pattern(module: ModuleType, pattern: str, flags: int = 0) -> Any:
    """``module.compile(pattern, flags)`` for ``re`` or ``regex``, from the cache when it has
    the program (see the module docstring); any other module just compiles."""
    if (
        module.__name__ not in ("re", "regex")
        # ``re`` compiles bytes patterns with the same program format. Exactly str or bytes:
        # marshal cannot keep a subclass (some libraries compile one).
        or type(pattern) not in ((str,) if module.__name__ == "regex" else (str, bytes))
        # DEBUG prints the program as it compiles; LOCALE reads the locale of the moment.
        or flags & (module.DEBUG | module.LOCALE)
    ):
        return _compile(module, pattern, flags)
    key = (pattern, int(flags))
    if module.__name__ == "regex" and not flags & (module.V0 | module.V1):
        key = (pattern, int(flags) | int(module.DEFAULT_VERSION))  # what the pattern is read as
    programs, new, used = _cache(module)
    program = programs.get(key)
    if program is not None:
        try:
            compiled = _revive(module, pattern, program)
        except Exception:  # a program this interpreter cannot use: compile it again
            programs.pop(key, None)
        else:
            used.add(key)
            return compiled
    compiled = _compile(module, pattern, flags)
    try:
        program = _program(module, pattern, int(flags), compiled)
    except Exception:  # another re/regex than the ones this module knows: no cache
        program = None
    if program is not None:
        with _lock:
            new[key] = program
            used.add(key)
    return compiled


def _re_compile_cached(pattern: Any, flags: int = 0) -> Any:
    """Stands for ``re._compiler.compile`` in :func:`cached_re`."""
    import re

    if type(pattern) in (str, bytes) and not flags & (re.DEBUG | re.LOCALE):
        return compile_pattern(re, pattern, flags)
    return _re_compiler(pattern, flags)


@contextmanager
def cached_re() -> Iterator[None]:
    """Inside this block, ``re`` compiles a pattern from the cache of compiled programs when it
    has it (see the module docstring); ``re`` is as it was afterwards. A block inside another
    changes nothing."""
    global _re_compiler
    from re import _compiler

    if _re_compiler is not None or not callable(getattr(_compiler, "compile", None)):
        yield
        return
    _re_compiler = _compiler.compile
    _compiler.compile = _re_compile_cached
    try:
        yield
    finally:
        _compiler.compile = _re_compiler
        _re_compiler = None


def save() -> None:
    """Add the programs this process compiled to the cache files (run at exit)."""
    for name, (_programs, new, used) in list(_files.items()):
        if not new:
            continue
        module = sys.modules[name]
        path = _path(module)
        merged = _read(path)  # what other processes added meanwhile
        merged.update(new)
        if len(merged) > CACHE_ENTRIES:
            merged = {k: v for k, v in merged.items() if k in used}
        try:
            data = marshal.dumps(merged)
        except ValueError:  # a program marshal cannot keep: keep the others
            data = marshal.dumps({k: v for k, v in merged.items() if _marshallable((k, v))})
        # Unwritable: compiled again next time.
        write_atomic(path, lambda f, data=data: f.write(data), ".patterns-")
        new.clear()


def _marshallable(value: Any) -> bool:
    try:
        marshal.dumps(value)
    except ValueError:
        return False
    return True


class LazyPattern:
    """``module.compile(pattern, flags)`` (``re`` or ``regex``), done on first use."""

    def __init__(self, module: ModuleType, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern  # readable without compiling: patterns are built from others
        self._module = module
        self._flags = flags
        self._compiled: Any = None

    def compiled(self) -> Any:
        """The compiled pattern (``re.Pattern`` or ``regex.Pattern``)."""
        if self._compiled is None:
            self._compiled = compile_pattern(self._module, self.pattern, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set yet: compile, then keep the attribute (a bound
        # method such as ``search``) on the instance so the next lookup does not come here.
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self.compiled(), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"
