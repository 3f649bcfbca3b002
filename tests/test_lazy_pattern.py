"""Patterns compiled on first use behave as the compiled pattern and compile once."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys

import pytest
import regex

from variorum.text.lazy_pattern import LazyPattern


def test_compiles_on_first_use_and_matches_as_the_compiled_pattern():
    lazy = LazyPattern(re, r"(?P<day>\d{1,2}) (?P<month>april|may)", re.IGNORECASE)
    assert lazy._compiled is None and lazy.pattern.startswith("(?P<day>")
    eager = re.compile(lazy.pattern, re.IGNORECASE)
    text = "Baku, 2 April 2018 and 14 MAY 2019"
    assert [m.groupdict() for m in lazy.finditer(text)] == [m.groupdict() for m in eager.finditer(text)]
    assert lazy.flags == eager.flags and lazy.groupindex == eager.groupindex
    compiled = lazy.compiled()
    assert lazy.search(text).re is compiled and lazy.compiled() is compiled


def test_regex_module_patterns_keep_their_flags():
    lazy = LazyPattern(regex, r"(?r)\p{Lu}\w+", regex.I)
    assert (
        lazy.search("one Two three").group()
        == regex.compile(r"(?r)\p{Lu}\w+", regex.I).search("one Two three").group()
    )


def test_importing_the_date_role_and_claim_modules_compiles_nothing():
    from variorum.collate import claim_patterns
    from variorum.ingest import dates
    from variorum.text import roles

    for module in (claim_patterns, dates, roles):
        lazy = [v for v in vars(module).values() if isinstance(v, LazyPattern)]
        assert lazy, module.__name__
        # Patterns used by earlier tests in this process may be compiled; a fresh import is checked
        # in a subprocess below.
    import subprocess
    import sys

    code = (
        "from variorum.collate import claim_patterns as c\nfrom variorum.ingest import dates as d\n"
        "from variorum.text import roles as r\n"
        "from variorum.text.lazy_pattern import LazyPattern as L\n"
        "print(sum(v._compiled is not None for m in (c, d, r) for v in vars(m).values() if isinstance(v, L)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"


# --- the cache of compiled programs (variorum.text.lazy_pattern.compile_pattern) ---------------

#: Patterns of both modules with groups, flags, classes and lookarounds, as the project writes them.
SAMPLES = [
    (re, r"(?P<day>[0-3]?\d)\s+(?P<month>[^\W\d_]+)\.?,?\s+(?P<year>\d{4})(?!\d)", re.IGNORECASE),
    (re, r"(?x) agenda\ items?\ \d+ | distr\.?\s*:?\s*\w+  # verbose", 0),
    (re, "[\u3040-\u30ff\u3400-\u4dbf]|[^\\W\\d_\u3040-\u30ff]+", 0),
    (regex, r"(?r)(?<![\w/])(?P<body>\p{Lu}[\p{L}\p{M}]+)(?:\s+(?P=body))?$", regex.I),
    (regex, r"(?P<n>\d{1,3}(?:[.,\u00a0]\d{3})+)|(?P<w>seventeen|thirteen|four)", regex.I),
]
TEXT = (
    "Baku, 2 April 2018 and 14 MAY 2019; agenda item 4, Distr.: General. 1,234,567 Security Council 漢字かな"
)


def _fresh(tmp_path, monkeypatch):
    """The cache module with no file read yet, its files under ``tmp_path``."""
    from variorum.text import lazy_pattern

    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(lazy_pattern, "_files", {})
    return lazy_pattern


def _same(a, b) -> None:
    assert (a.pattern, a.flags, a.groupindex, a.groups) == (b.pattern, b.flags, b.groupindex, b.groups)
    for text in (TEXT, TEXT.upper(), TEXT[::-1], ""):
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]
        assert [m.groupdict() for m in a.finditer(text)] == [m.groupdict() for m in b.finditer(text)]


def test_a_pattern_built_from_the_cache_is_the_compiled_pattern(tmp_path, monkeypatch):
    lp = _fresh(tmp_path, monkeypatch)
    for module, pattern, flags in SAMPLES:
        _same(lp.compile_pattern(module, pattern, flags), module.compile(pattern, flags))
    lp.save()
    files = sorted(p.name.split("-")[0] for p in (tmp_path / "patterns").iterdir())
    assert files == ["re", "regex"]
    lp = _fresh(tmp_path, monkeypatch)

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again instead of read from the cache")

    for module, pattern, flags in SAMPLES:
        with monkeypatch.context() as m:
            m.setattr(module, "compile", refuse)
            cached = lp.compile_pattern(module, pattern, flags)
        _same(cached, module.compile(pattern, flags))
        if module is re:  # re patterns compare their flags and compiled code
            assert cached == re.compile(pattern, flags)


def test_a_damaged_or_foreign_cache_file_only_costs_a_compile(tmp_path, monkeypatch):
    lp = _fresh(tmp_path, monkeypatch)
    for module, pattern, flags in SAMPLES:
        lp.compile_pattern(module, pattern, flags)
    lp.save()
    for path in (tmp_path / "patterns").iterdir():
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    lp = _fresh(tmp_path, monkeypatch)
    for module, pattern, flags in SAMPLES:
        _same(lp.compile_pattern(module, pattern, flags), module.compile(pattern, flags))
    # A program that is not one (or names another pattern) is dropped and compiled again.
    import marshal

    for path in (tmp_path / "patterns").iterdir():
        path.write_bytes(marshal.dumps({(p, int(f)): b"garbage" for _, p, f in SAMPLES}))
    lp = _fresh(tmp_path, monkeypatch)
    for module, pattern, flags in SAMPLES:
        _same(lp.compile_pattern(module, pattern, flags), module.compile(pattern, flags))


def test_the_regex_unpickler_builds_nothing_but_patterns():
    import pickle

    from variorum.text.lazy_pattern import _revive

    class Boom:
        def __reduce__(self):
            return (print, ("called",))

    with pytest.raises(pickle.UnpicklingError):
        _revive(regex, "x", pickle.dumps(Boom()))


def test_an_unwritable_cache_changes_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    lp = _fresh(blocker / "cache", monkeypatch)
    for module, pattern, flags in SAMPLES:
        _same(lp.compile_pattern(module, pattern, flags), module.compile(pattern, flags))
    lp.save()  # nothing written, nothing raised


def test_a_cache_file_keeps_at_most_its_limit(tmp_path, monkeypatch):
    lp = _fresh(tmp_path, monkeypatch)
    monkeypatch.setattr(lp, "CACHE_ENTRIES", 3)
    for k in range(5):
        lp.compile_pattern(re, rf"old{k}\d+")
    lp.save()
    lp = _fresh(tmp_path, monkeypatch)
    monkeypatch.setattr(lp, "CACHE_ENTRIES", 3)
    lp.compile_pattern(re, r"old1\d+")
    lp.compile_pattern(re, r"new\w+")
    lp.save()
    import marshal

    (path,) = (tmp_path / "patterns").iterdir()
    assert set(marshal.loads(path.read_bytes())) == {(r"old1\d+", 0), (r"new\w+", 0)}


def test_the_patterns_a_collation_compiles_are_the_same_in_every_process(tmp_path):
    """A pattern built from a set's iteration order would differ from one process to the next
    (string hashing is randomized): the cache would never hold it, and its file would grow."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\nfrom variorum.text import lazy_pattern as lp\nseen = set()\n"
        "original = lp.compile_pattern\n"
        "def spy(module, pattern, flags=0):\n"
        "    seen.add((module.__name__, pattern, int(flags)))\n"
        "    return original(module, pattern, flags)\n"
        "lp.compile_pattern = spy\n"
        "from variorum.collate import claim_patterns, claims\nfrom variorum.ingest import dates\n"
        "from variorum.text import roles\n"
        "for module in (claim_patterns, dates, roles):\n"
        "    for value in vars(module).values():\n"
        "        if isinstance(value, lp.LazyPattern):\n"
        "            value.compiled()\n"
        "print(sorted(seen))\n"
    )
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "VARIORUM_CACHE_DIR": str(tmp_path)}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        outs.append(done.stdout)
    assert outs[0] == outs[1] and outs[0].count("(") > 30


def test_debug_and_locale_patterns_are_always_compiled(tmp_path, monkeypatch):
    lp = _fresh(tmp_path, monkeypatch)
    for module in (re, regex):
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            lp.compile_pattern(module, r"\w+", module.DEBUG)
        assert printed.getvalue()  # compiled, so its program was printed
        assert lp.compile_pattern(module, rb"\w+", module.LOCALE).flags & module.LOCALE
    lp.save()
    assert not (tmp_path / "patterns").exists()  # nothing kept


def test_regex_programs_are_kept_for_the_version_they_were_read_as(tmp_path, monkeypatch):
    lp = _fresh(tmp_path, monkeypatch)
    v0 = lp.compile_pattern(regex, r"[[a-z]--[aeiou]]+")
    monkeypatch.setattr(regex, "DEFAULT_VERSION", regex.V1)
    v1 = lp.compile_pattern(regex, r"[[a-z]--[aeiou]]+")
    assert v0.flags != v1.flags
    assert v1.findall("strength") == regex.compile(r"[[a-z]--[aeiou]]+").findall("strength")


# --- every pattern re compiles, through the cache (variorum.text.lazy_pattern.cached_re) --------

#: Patterns the standard library compiles as its modules are imported, str and bytes.
STDLIB_PATTERNS = [
    (r"^(?:\s*(\w+)\s*\.)?\s*(\w+)", 0),
    (r"(?:(?P<sign>[-+])?(?P<int>\d*)(?:\.(?P<frac>\d*))?)", re.VERBOSE | re.IGNORECASE),
    (rb"(__libc_init)|(GLIBC_([0-9.]+))|(libc(_\w+)?\.so(?:\.(\d[0-9.]*))?)", re.ASCII),
    (b"[\x80-\xff]", 0),
    (r"\s+", re.UNICODE),
]


def test_re_compiles_from_the_cache_inside_cached_re_and_as_before_after(tmp_path, monkeypatch):
    from re import _compiler

    lp = _fresh(tmp_path, monkeypatch)
    original = _compiler.compile
    plain = [original(pattern, flags) for pattern, flags in STDLIB_PATTERNS]
    with lp.cached_re():
        assert _compiler.compile is not original
        with lp.cached_re():  # an inner block changes nothing
            pass
        assert _compiler.compile is not original
        first = [_compiler.compile(pattern, flags) for pattern, flags in STDLIB_PATTERNS]
    assert _compiler.compile is original
    lp.save()
    lp = _fresh(tmp_path, monkeypatch)

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again instead of read from the cache")

    monkeypatch.setattr(_compiler, "compile", refuse)
    with lp.cached_re():
        cached = [_compiler.compile(pattern, flags) for pattern, flags in STDLIB_PATTERNS]
    for want, one, two in zip(plain, first, cached, strict=True):
        assert one == want and two == want
        _same_any(two, want)


def _same_any(a, b) -> None:
    assert (a.pattern, a.flags, a.groupindex, a.groups) == (b.pattern, b.flags, b.groupindex, b.groups)
    text = TEXT if isinstance(a.pattern, str) else TEXT.encode("utf-8") + b" GLIBC_2.36 libc.so.6 \xe9"
    assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]


def test_a_warm_quick_command_compiles_no_regular_expression(seeds, tmp_path):
    # Imports (the standard library's, numpy's, variorum's) and the command itself: every
    # pattern but the one pathlib compiles before the block starts comes from the cache.
    a, b = (str(path) for path in sorted(seeds.glob("*.txt"))[1:4:2])
    code = (
        "import sys\n"
        "from re import _compiler\n"
        "compiled = []\n"
        "original = _compiler.compile\n"
        "def counting(pattern, flags=0):\n"
        "    compiled.append(pattern)\n"
        "    return original(pattern, flags)\n"
        "_compiler.compile = counting\n"
        "import pathlib\n"  # imported by the cache's own module before the block starts
        "from variorum.cli import main\n"
        "before = len(compiled)\n"
        "status = main(sys.argv[1:])\n"
        "print(status, compiled[before:], file=sys.stderr)\n"
    )
    env = {"VARIORUM_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for argv in (["collate", "--files", a, b], ["compare", a, b, "--json"]):
        runs = [
            subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env)
            for _ in range(2)
        ]
        first, second = (run.stderr.strip().splitlines()[-1] for run in runs)
        assert first.startswith("0 [") and first != "0 []", runs[0].stderr[-2000:]
        assert second == "0 []", runs[1].stderr[-2000:]


def test_a_str_subclass_is_compiled_and_never_kept(tmp_path, monkeypatch):
    # Some libraries compile a subclass of str, which marshal cannot write: it is compiled as
    # before, and the programs of the other patterns are still kept.
    class Text(str):
        pass

    lp = _fresh(tmp_path, monkeypatch)
    with lp.cached_re():
        sub = re.compile(Text(r"\d+ sub"))
        plain = re.compile(r"\d+ plain")
    assert sub.findall("12 sub") == ["12 sub"] and plain.pattern == r"\d+ plain"
    new = lp._files["re"][1]
    new[(Text("unmarshallable"), 0)] = new[(r"\d+ plain", 0)]  # as a library might have left it
    lp.save()
    kept = lp._read(lp._path(re))
    assert (r"\d+ plain", 0) in kept and all(type(k[0]) is str for k in kept)
