"""Which lines of a text ftfy could change, found in one pass, so that only those go through ftfy.

ftfy fixes a text line by line (each line, ``\\n`` included, is one segment fixed on its own),
and with the settings of :func:`variorum.ingest.decode.clean_text` a line comes out unchanged
unless (a) ftfy's mojibake heuristic ``ftfy.badness.BADNESS_RE`` matches in it, or (b) it holds
a character that one of the other fixers removes or replaces: a C1 or C0 control character, an
escape, a carriage return, a Unicode line or paragraph separator, a surrogate, a byte order mark
or another of ``ftfy.chardata.CONTROL_CHARS``. Running ftfy over a text in French, Russian or
Arabic cost 2 ms a document in the main process of ``variorum add`` (9 function calls and a
scan of that large regular expression per line), more than a third of its work on the mixed
benchmark corpus, and almost no line of such a text can be changed.

The screen is one character class, built from ftfy's own regular expression: every branch of
``BADNESS_RE`` is a sequence of character classes, and a match of the branch must hold one
character of each class that is not optional. For each branch the screen takes one such class
made only of non-ASCII characters, the one least likely in ordinary text (few small letters,
none of the plain typography of English), so a line without a character of the screen cannot
match ``BADNESS_RE``; the characters of (b) are added. A line with one is then tested as ftfy
tests it (:meth:`Screen.changes`: a character of (b), or ``BADNESS_RE`` on a line beyond ASCII),
since a capital such as ``В`` or ``Ç`` that starts a mojibake pattern is common in ordinary
Russian or Turkish; only the lines that pass go through ftfy, each on its own, exactly as ftfy
would have fixed them. The result is ftfy's result on the whole text (``tests/test_mojibake.py``
compares the two on generated text with real mojibake).

If the installed ftfy is not of major version 6, fixes segments other than by lines, or has a
branch the screen cannot read, :func:`screen` gives ``None`` and the whole text goes through
ftfy as before.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any, NamedTuple

#: Characters that ftfy's fixers other than the mojibake repair remove or replace, besides
#: ``ftfy.chardata.CONTROL_CHARS``: C1 controls (``fix_c1_controls``, ``fix_line_breaks``), the
#: escape that starts a terminal sequence (``remove_terminal_escapes``), line breaks other than
#: ``\\n`` (``fix_line_breaks``) and surrogates (``fix_surrogates``).
_OTHER_FIXED = (
    [chr(c) for c in range(0x80, 0xA0)]
    + ["\x1b", "\r", "\u2028", "\u2029"]
    + [chr(c) for c in range(0xD800, 0xE000)]
)
# Characters of ordinary text that a screen class should avoid, besides small letters (an accented
# letter is in almost every line of French or Greek): the plain typography of English.
_COMMON_TYPOGRAPHY = "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026"


def _parser() -> Any:
    import re._parser as parser  # the parser of ``re`` itself (Python 3.11 and later)

    return parser


def _item_chars(op: Any, av: Any, parser: Any) -> set[str] | None:
    """The characters a required item of a branch matches, if it is a plain literal or a
    class of literals and ranges (not negated, no category); else None."""
    if op == parser.LITERAL:
        return {chr(av)}
    if op != parser.IN:
        return None
    chars: set[str] = set()
    for sub_op, sub_av in av:
        if sub_op == parser.LITERAL:
            chars.add(chr(sub_av))
        elif sub_op == parser.RANGE:
            lo, hi = sub_av
            chars.update(chr(c) for c in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY: may match anything
            return None
    return chars


def _cost(chars: set[str]) -> int:
    """How often a class is expected to turn up in ordinary text (lower is rarer): small
    letters (``à``, ``в``) and English typography are everywhere, capitals at the start of
    sentences, symbols (``€``, ``²``, box drawing) seldom."""
    return sum(_char_cost(c) for c in chars)


def _char_cost(c: str) -> int:
    name = unicodedata.name(c, "")
    if c in _COMMON_TYPOGRAPHY or "SMALL LETTER" in name:
        return 100
    return 10 if "LETTER" in name else 1


def screen_chars(pattern: re.Pattern[str]) -> set[str] | None:
    """Characters such that every match of ``pattern`` holds one of them, all outside ASCII,
    chosen as rare as the branches allow; None if some branch has no class of non-ASCII
    characters that it cannot do without (or the pattern is not a plain alternation)."""
    if pattern.flags & (re.IGNORECASE | re.LOCALE):
        return None
    parser = _parser()
    try:
        tree = parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # another parser than expected: no screen, ftfy reads every line
        return None
    items = list(tree)
    branches = items[0][1][1] if len(items) == 1 and items[0][0] == parser.BRANCH else [tree]
    chosen: set[str] = set()
    for branch in branches:
        candidates = []
        for op, av in branch:
            chars = _item_chars(op, av, parser)
            if chars and all(ord(c) >= 0x80 for c in chars):
                candidates.append(chars)
        if not candidates:
            return None
        chosen |= min(candidates, key=_cost)
    return chosen


def _class(chars: set[str]) -> re.Pattern[str]:
    """One character class of ``chars``, written as ranges of code points."""
    codes = sorted(ord(c) for c in chars)
    parts = []
    start = prev = codes[0]
    for c in [*codes[1:], None]:
        if c is not None and c == prev + 1:
            prev = c
            continue
        parts.append(f"\\U{start:08x}" if start == prev else f"\\U{start:08x}-\\U{prev:08x}")
        if c is not None:
            start = prev = c
    return re.compile("[" + "".join(parts) + "]")


class Screen(NamedTuple):
    """What tells the lines ftfy could change (see the module's description)."""

    candidates: re.Pattern[str]  # a line without one of these characters is left as it is
    fixed: re.Pattern[str]  # characters a fixer other than the mojibake repair changes
    bad: re.Pattern[str]  # ftfy's mojibake heuristic, ``ftfy.badness.BADNESS_RE``

    def changes(self, line: str) -> bool:
        """Whether ftfy could change this line (candidates, once found, are tested exactly:
        ftfy leaves a line alone unless it holds mojibake or a character it removes)."""
        return self.fixed.search(line) is not None or (
            not line.isascii() and self.bad.search(line) is not None
        )


@cache
def screen() -> Screen | None:
    """The screen of the lines ftfy could change, for the installed ftfy (None: no screen can
    be made, let ftfy read every line)."""
    import ftfy
    from ftfy.badness import BADNESS_RE
    from ftfy.chardata import CONTROL_CHARS

    if not ftfy.__version__.startswith("6."):
        return None
    chars = screen_chars(BADNESS_RE)
    if chars is None:
        return None
    fixed = {chr(c) for c in CONTROL_CHARS} | set(_OTHER_FIXED)
    return Screen(_class(chars | fixed), _class(fixed), BADNESS_RE)


def fix_lines(text: str, config: Any) -> str:
    """``ftfy.fix_text(text, config)``, with only the lines that :func:`screen` finds going
    through ftfy. ``config`` must fix nothing beyond what :func:`screen` knows of: no HTML
    unescaping, quote uncurling, ligature or width changes, or Unicode normalization."""
    import ftfy

    found = screen()
    if (
        found is None
        or len(text) > config.max_decode_length  # ftfy would also cut lines this long
        or config.unescape_html
        or config.uncurl_quotes
        or config.fix_latin_ligatures
        or config.fix_character_width
        or config.normalization is not None
    ):
        return ftfy.fix_text(text, config)
    out: list[str] = []
    pos = kept = 0  # text[kept:pos] stays as it is; pos starts a line
    search = found.candidates.search
    while (hit := search(text, pos)) is not None:
        at = hit.start()
        start = text.rfind("\n", pos, at) + 1 or pos  # the line of the hit, as ftfy cuts it
        end = text.find("\n", at) + 1 or len(text)
        line = text[start:end]
        if found.changes(line):
            out.append(text[kept:start])
            out.append(ftfy.fix_text(line, config))
            kept = end
        pos = end
    if not out:
        return text
    out.append(text[kept:])
    return "".join(out)


__all__ = ["Screen", "fix_lines", "screen", "screen_chars"]
