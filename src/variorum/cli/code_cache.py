"""The functions ``dataclasses`` writes for each class, kept compiled in the user cache.

A dataclass's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` (and, frozen, ``__setattr__``
and ``__delattr__``) are Python source that ``dataclasses`` writes and compiles when the class is
defined: ~0.6 ms a class, and ``variorum collate --files`` on two one-page documents defines 28 of
them, ~17 ms of CPU or a tenth of the command. That source depends only on the class's fields,
and compiling it is most of the cost; running the compiled code (which makes the functions, with
the class's own globals and defaults) is cheap.

So while :func:`compiled_dataclasses` is active, the ``exec`` that ``dataclasses`` calls with that
source is this module's: it looks the source up in a file of the user cache
(:func:`variorum.cache.cache_dir`) and runs the code compiled from it, compiling only what the
file lacks, exactly as ``exec`` compiles a string (file name ``<string>``, no future flags
inherited, the interpreter's optimisation level). The functions made are the very ones ``exec``
would make. A file holds the code of one interpreter build and optimisation level (in its name),
so another Python never reads it. New code is added when the block ends, written to a temporary
file and renamed over the old one; a missing, damaged or unwritable file makes classes compile as
before: slower, never different.

Only the CLI's own start uses it (for the commands :mod:`variorum.cli.quick` runs), and only while
it runs: ``dataclasses`` is left as it was afterwards.
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

#: Bump when the layout of the cache file changes.
CACHE_FORMAT = 1
#: Compiled functions a file keeps at most; beyond it the file is rewritten with only those the
#: writing process used (fields that changed between versions of variorum leave stale code).
CACHE_ENTRIES = 2_000


def cache_path() -> str:
    """The cache file for this interpreter build and optimisation level."""
    import xxhash

    from variorum.cache import cache_dir

    parts = [str(CACHE_FORMAT), sys.version, sys.implementation.cache_tag or "", str(sys.flags.optimize)]
    name = f"dataclasses-{xxhash.xxh3_64_hexdigest(chr(0).join(parts).encode())}.marshal"
    return os.path.join(cache_dir(), "code", name)


def _read(path: str) -> dict[str, CodeType]:
    try:
        with open(path, "rb") as f:
            data = f.read()
        codes = marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {k: v for k, v in codes.items() if isinstance(k, str) and isinstance(v, CodeType)}


class CodeCache:
    """Compiled code by its source, read from ``path``; :meth:`exec` stands for ``exec``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.codes = _read(path)
        self.new: dict[str, CodeType] = {}
        self.used: set[str] = set()

    def compile(self, source: str) -> CodeType:
        """``source`` compiled as ``exec(source)`` compiles it, from the cache when it is there."""
        code = self.codes.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            self.codes[source] = self.new[source] = code
        self.used.add(source)
        return code

    def exec(self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /) -> None:
        """``exec(source, globals, locals)``, with a source string's code from the cache."""
        if globals is None:  # exec's defaults are its caller's namespaces, not this frame's
            caller = sys._getframe(1)
            globals = caller.f_globals
            if locals is None:
                locals = caller.f_locals
        if isinstance(source, str):
            source = self.compile(source)
        builtins.exec(source, globals, locals)

    def save(self) -> bool:
        """Add the code compiled since the file was read to it; False when nothing was written."""
        if not self.new:
            return False
        from variorum.cache import write_atomic

        merged = _read(self.path)  # what other processes added meanwhile
        merged.update(self.new)
        if len(merged) > CACHE_ENTRIES:
            merged = {k: v for k, v in merged.items() if k in self.used}
        written = write_atomic(self.path, lambda f, data=marshal.dumps(merged): f.write(data), ".code-")
        self.new.clear()
        return written


@contextmanager
def compiled_dataclasses() -> Iterator[CodeCache | None]:
    """Dataclasses defined in this block compile their functions through a :class:`CodeCache`
    (see the module docstring); yields it, or None when another block already is active."""
    import dataclasses

    if "exec" in vars(dataclasses):  # an enclosing block (or someone else) already hooks it
        yield None
        return
    cache = CodeCache(cache_path())
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    try:
        yield cache
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
        cache.save()
