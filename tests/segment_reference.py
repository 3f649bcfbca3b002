"""The paragraph and role rules as they were first written, line by line: the plain references
that the bulk readers of :mod:`variorum.text.segment` and the prefilters of
:mod:`variorum.text.roles` are compared with (``tests/test_segment_reference.py``).

The code is the earlier implementation verbatim. The tables it reads (word lists, thresholds,
patterns) and the helpers the faster code left as they were (``_plain``, rules
3-5 of the roles) are imported from the modules, so that the comparison is about how lines and
paragraphs are read and tested, not about the tables.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from variorum.model import Role
from variorum.text.roles import (
    _ALNUM,
    _ANNEX_HEADING,
    _DATE_FILLERS,
    _DIGIT,
    _FIELD_LINE,
    _FIELD_VALUE_WORDS,
    _FINAL,
    _FRAME_PHRASES,
    _FRAME_START,
    _HEADER_LINE,
    _MONTH_SET,
    _NUMERIC_DATE,
    _ORGANS,
    _SESSION_KEYS,
    _SESSION_LINE,
    _TOKEN,
    LONG_WORDS,
    _frame_before_introducer,
    _outside_shape,
    _plain,
)
from variorum.text.segment import (
    _ABBREVIATIONS,
    _CONNECTORS,
    _OPEN_END,
    _OPENERS,
    _PUNCTUATION,
    PAGE_LINES,
    PROSE_WIDTH,
    SHORT_FINAL_LINE,
    SHORT_LINE,
    WRAPPED_MIN_LINES,
)

_FINAL_LINE = re.compile(r"[.!?…:。！？।؟۔][\"'”’»)\]*¹²³⁴⁵⁶⁷⁸⁹⁰]*$")

# --- roles --------------------------------------------------------------------------------------


def is_date_line(line: str) -> bool:
    """Whether ``line`` is only a date or a date range ("03.04.2020", "24 июня – 12 июля 2019 года")."""
    if len(line) > 60 or not _DIGIT.search(line):
        return False
    tokens = _TOKEN.findall(line.lower())
    if not tokens or len(tokens) > 12 or not any(t.isdigit() for t in tokens):
        return False
    if not any(t in _MONTH_SET for t in tokens) and not _NUMERIC_DATE.search(line):
        return False
    return all(t.isdigit() or t in _MONTH_SET or t in _DATE_FILLERS for t in tokens)


def is_header_line_reference(line: str) -> bool:
    """Whether one line is a document-header or signature line, never statement text.

    UN organs, sessions, agenda items, "Distr."/"Original:", UN symbols, language names, dates,
    "(Signed) ...", signature titles, bare URLs and separator lines ("---", "* * *").
    """
    plain = _plain(line)
    if not _ALNUM.search(plain):
        return True  # a separator
    if len(plain) > 100:
        return False
    if _ORGANS.fullmatch(plain.rstrip(" ,")) or _HEADER_LINE.fullmatch(plain) or is_date_line(plain):
        return True
    lowered = plain.lower()
    for key in _SESSION_KEYS:  # a loop, not any(): a generator costs more than these tests
        if key in lowered:
            return bool(_SESSION_LINE.fullmatch(plain))
    return False


def is_field_stanza_reference(text: str) -> bool:
    """Whether a paragraph is a record of fields ("Files: *" / "Copyright: 2010 A. Author" /
    "License: BSD-3-clause"), continuation lines indented, every value short.

    Two fields make a record; one alone only when it is the whole paragraph and its value has no
    sentence end ("Format: https://..."). A licence paragraph that opens with "License: Expat"
    and continues with the licence text is not a record: its continuation lines are prose.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    fields = 0
    for line in lines:
        match = _FIELD_LINE.match(line.rstrip())
        if match:
            value = match.group(2) or ""
            if len(value.split()) > _FIELD_VALUE_WORDS:
                return False
            fields += 1
        elif not (line[:1].isspace() and fields and len(line.split()) <= _FIELD_VALUE_WORDS // 2):
            return False
    if fields >= 2:
        return True
    return fields == 1 and len(lines) == 1 and not _FINAL.search(lines[0].rstrip())


def is_separator_reference(line: str) -> bool:
    """A line without letters or digits ("---", "* * *"), which is never part of a paragraph."""
    return not _ALNUM.search(line)


def _frame_reference(text: str) -> bool:
    plain = _plain(" ".join(text[:600].split()))
    if _FRAME_START.match(plain) or (_ANNEX_HEADING.match(plain) and len(plain) < 400):
        return True
    lowered = plain.lower()
    for key, rx in _FRAME_PHRASES:  # a loop, not any(): a generator costs more than these tests
        if key in lowered and rx.search(lowered):
            return True
    return is_field_stanza_reference(text) or all(
        is_header_line_reference(line) for line in text.splitlines() if line.strip()
    )


def assign_roles_reference(
    texts: Sequence[str], languages: Sequence[str | None], words: Sequence[int]
) -> list[Role]:
    """The role of each paragraph of one document, by the rules of the module docstring."""
    n = len(texts)
    wrapper = [_frame_reference(text) for text in texts]

    weights: Counter[str] = Counter()
    for i in range(n):
        if not wrapper[i] and languages[i]:
            weights[languages[i]] += words[i]  # type: ignore[index]
    if not weights:
        for i in range(n):
            if languages[i]:
                weights[languages[i]] += words[i]  # type: ignore[index]
    main = weights.most_common(1)[0][0] if weights else None
    for i in range(n):
        if main is not None and languages[i] is not None and languages[i] != main:
            wrapper[i] = True

    long_body = [i for i in range(n) if not wrapper[i] and words[i] >= LONG_WORDS]
    if long_body:
        first, last = long_body[0], long_body[-1]
        for i in [*range(first), *range(last + 1, n)]:
            if not wrapper[i] and words[i] < LONG_WORDS:
                wrapper[i] = _outside_shape(texts[i], words[i], after=i > last)
        _frame_before_introducer(texts, words, wrapper, first)
    return ["wrapper" if w else "body" for w in wrapper]


# --- paragraphs ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    start: int  # offset of the first non-whitespace character
    end: int  # offset after the last non-whitespace character
    text: str
    indented: bool  # the raw line starts with whitespace
    blanks: int  # blank lines between this line and the previous non-blank one
    _header: bool | None = None

    @property
    def header(self) -> bool:
        """Whether this is a header line (computed once: the check is the costly part)."""
        if self._header is None:
            self._header = is_header_line_reference(self.text)
        return self._header


def _read_lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text``; ``str.splitlines`` agrees with ``str.strip`` on whitespace."""
    lines: list[_Line] = []
    pos = 0
    blanks = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            lines.append(_Line(pos + lead, pos + lead + len(stripped), stripped, lead > 0, blanks))
            blanks = 0
        else:
            blanks += 1
        pos += len(raw)
    return lines


def _last_word(line: str) -> str:
    """The last word of ``line``, lower case, inner dots kept ("u.n" in "the U.N.")."""
    tail = line[-40:].split()
    return tail[-1].strip(_PUNCTUATION).lower() if tail else ""


def _ends_open(line: str) -> bool:
    """The line cannot end a paragraph: it ends with a comma, hyphen or function word."""
    return line[-1] in _OPEN_END or _last_word(line) in _CONNECTORS


def _ends_sentence(line: str) -> bool:
    if not _FINAL_LINE.search(line):
        return False
    word = _last_word(line)
    return not (line.rstrip("\"'”’»)]*").endswith(".") and _is_abbreviation(word))


def _is_abbreviation(token: str) -> bool:
    """``token`` (lower case, inner dots kept) before a full stop does not end a sentence."""
    if token in _ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isalpha():
        return True  # an initial: "J. Smith", "U. N."
    return "." in token and all(len(part) <= 2 for part in token.split("."))  # e.g., U.N., i.e.


def _starts_paragraph(ch: str) -> bool:
    return ch.isdigit() or ch in _OPENERS or (ch.isalpha() and not ch.islower())


def _continues(p: _Line, n: _Line) -> bool:
    """The line break between ``p`` and ``n`` is inside a paragraph whatever the layout."""
    return n.text[0].islower() or not _starts_paragraph(n.text[0]) or _ends_open(p.text)


def _first_word(line: str) -> str:
    return line.split(maxsplit=1)[0]


def _breaks(p: _Line, n: _Line, n2: _Line | None, width: float, aggressive: bool) -> bool:
    """Whether a paragraph starts at ``n`` (rules in the module docstring)."""
    if is_separator_reference(p.text) or is_separator_reference(n.text):
        return True
    if _continues(p, n):
        return False
    if p.header or n.header:
        return True
    fill = len(p.text) + 1 + len(_first_word(n.text))
    if _ends_sentence(p.text):
        if aggressive or fill < SHORT_FINAL_LINE * width or (n.indented and not p.indented):
            return True
        # n itself short though the paragraph goes on: an indented first line.
        return (
            n2 is not None
            and not _ends_sentence(n.text)
            and len(n.text) + 1 + len(_first_word(n2.text)) < SHORT_FINAL_LINE * width
        )
    if fill >= SHORT_LINE * width:
        return False
    sibling = len(n.text) < SHORT_LINE * width and 0.7 <= len(n.text) / len(p.text) <= 1.4
    return not sibling


def _percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _is_prose(lines: list[_Line]) -> bool:
    return len(lines) >= WRAPPED_MIN_LINES and _percentile([len(x.text) for x in lines], 0.75) >= PROSE_WIDTH


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    for line in lines:
        if line.blanks or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def _is_double_spaced(blocks: list[list[_Line]]) -> bool:
    """A blank line after every wrapped line: single-line blocks that end mid-sentence."""
    wrapped = 0
    for block, following in pairwise(blocks):
        line = block[0].text
        if (
            len(block) == 1
            and len(line) >= PROSE_WIDTH
            and not _FINAL_LINE.search(line)
            and (following[0].text[0].islower() or _ends_open(line))
        ):
            wrapped += 1
    return wrapped >= 3 and wrapped >= 0.25 * len(blocks)


def _units(lines: list[_Line]) -> list[tuple[list[_Line], str]]:
    """Runs of lines to split, each with its mode: "keep", "strict" or "aggressive"."""
    blocks = _blocks(lines)
    if _is_double_spaced(blocks):
        runs: list[list[_Line]] = []
        previous: list[_Line] | None = None
        for block in blocks:
            soft = previous is not None and block[0].blanks == 1 and (len(previous) == 1 or len(block) == 1)
            if soft:
                runs[-1].extend(block)
            else:
                runs.append(list(block))
            previous = block
        return [(run, "aggressive" if _is_prose(run) else "keep") for run in runs]
    units: list[tuple[list[_Line], str]] = []
    for block in blocks:
        if not _is_prose(block):
            units.append((block, "keep"))
        else:
            units.append((block, "aggressive" if len(block) >= PAGE_LINES else "strict"))
    return units


def paragraph_spans_reference(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the paragraphs of ``text``, in order."""
    lines = _read_lines(text)
    if not lines:
        return []
    units = _units(lines)
    page_lines = [len(x.text) for unit, mode in units if mode == "aggressive" for x in unit]
    page_width = _percentile(page_lines, 0.8) if page_lines else 0
    spans: list[tuple[int, int]] = []
    for unit, mode in units:
        if mode == "keep":
            spans.append((unit[0].start, unit[-1].end))
            continue
        aggressive = mode == "aggressive"
        width = page_width if aggressive else max(len(x.text) for x in unit)
        start = unit[0].start
        for k in range(len(unit) - 1):
            after = unit[k + 2] if k + 2 < len(unit) else None
            if _breaks(unit[k], unit[k + 1], after, width, aggressive):
                spans.append((start, unit[k].end))
                start = unit[k + 1].start
        spans.append((start, unit[-1].end))
    return spans
