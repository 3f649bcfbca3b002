"""Patterns compiled on first use behave as the compiled pattern and compile once."""

from __future__ import annotations

import re

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
