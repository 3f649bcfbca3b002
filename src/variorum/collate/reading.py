"""The reading view of a collation: the earliest witness as base text, each variant anchored in it.

The terminal apparatus (:mod:`variorum.cli.apparatus`) and the HTML report
(:mod:`variorum.export.report`) show the same thing in two media; this module holds what they
share, with no presentation in it: the sigla, where each variant sits in the base text, and the
base text cut into paragraphs of plain stretches and marked stretches.

A variant is anchored on the base witness's own reading when it has one (a substitution, an
omission, the base's side of a transposition) and otherwise at the end of the base token that
precedes it, as a zero-width mark (an addition, the place a passage moved to). Marks may nest: a
substitution inside a moved paragraph stays inside it, where a flat list would push it past the
paragraph's end.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from variorum.collate.model import Collation, Variant, Witness

#: One symbol per kind, so a variant is told apart without colour.
SYMBOL = {"addition": "+", "omission": "−", "substitution": "~", "transposition": "↔"}

# Punctuation right after a paragraph's last word (a full stop, a closing quote) belongs to it.
_CLOSING = re.compile(r"[^\w\s]*")


def sigla(witnesses: Sequence[Witness]) -> dict[str, str]:
    """Short names for the witnesses in collation order: A, B, C … then W27, W28 …"""
    return {w.id: chr(ord("A") + k) if k < 26 else f"W{k + 1}" for k, w in enumerate(witnesses)}


def paragraph_spans(base: Witness) -> dict[int, tuple[int, int]]:
    """Character span of each body paragraph of ``base`` (from its first to its last word), in
    paragraph order."""
    spans: dict[int, tuple[int, int]] = {}
    for tok, para in enumerate(base.paragraph):
        s, e = base.tokens.starts[tok], base.tokens.ends[tok]
        lo, hi = spans.get(para, (s, e))
        spans[para] = (min(lo, s), max(hi, e))
    return dict(sorted(spans.items()))


def closing_end(text: str, pos: int) -> int:
    """``pos`` moved past the punctuation that closes the word ending there."""
    m = _CLOSING.match(text, pos)
    return m.end() if m else pos


def _point_before(c: Collation, column: int) -> tuple[int, int, int]:
    """A zero-width anchor after the last base token left of ``column``."""
    base = c.witnesses[0]
    cols = c.table.columns
    for k in range(min(column, len(cols)) - 1, -1, -1):
        tok = cols[k][0]
        if tok is not None:
            end = base.tokens.ends[tok]
            return base.paragraph[tok], end, end
    first = base.tokens.starts[0] if base.tokens.starts else 0
    return (base.paragraph[0] if base.paragraph else 0), first, first


def anchor(c: Collation, v: Variant) -> tuple[int, int, int]:
    """Where the variant sits in the base witness: (paragraph, start, end) of its base text."""
    base = c.witnesses[0]
    span = v.spans.get(base.id)
    if span is not None and base.tokens.starts:
        tok = max(0, bisect.bisect_right(base.tokens.starts, span[0]) - 1)
        return base.paragraph[tok], span[0], span[1]
    return _point_before(c, v.columns[0])


def other_place(c: Collation, v: Variant) -> tuple[int, int, int] | None:
    """For a transposition, the zero-width anchor of its second place: where the passage stands
    in the witnesses that moved it, which the base text does not have. None for other kinds."""
    m = v.move
    if m is None:
        return None
    cols = c.table.columns
    in_source = any(col[0] is not None for col in cols[m.source[0] : m.source[1]])
    in_target = any(col[0] is not None for col in cols[m.target[0] : m.target[1]])
    if in_source == in_target:
        return None
    return _point_before(c, m.target[0] if in_source else m.source[0])


@dataclass(frozen=True)
class Mark:
    """A marked stretch of base text: variant number ``number``; ``moved_here`` for the second
    place of a transposition."""

    start: int
    end: int
    number: int
    variant: Variant
    moved_here: bool = False


@dataclass
class Piece:
    """Base text, either plain (``mark`` None) or marked, with marks nested inside it."""

    text: str
    mark: Mark | None = None
    children: list[Piece] = field(default_factory=list)


@dataclass
class Paragraph:
    """One base paragraph cut into pieces, and the marks it holds in reading order."""

    index: int
    start: int
    end: int
    pieces: list[Piece]
    marks: list[Mark]


def _order(m: Mark) -> tuple[int, bool, int, int]:
    # Zero-width marks at a position come before a stretch starting there; wider stretches
    # before the narrower ones they contain.
    return (m.start, m.end > m.start, -m.end, m.number)


def _nest(text: str, lo: int, hi: int, marks: list[Mark]) -> list[Piece]:
    """``text[lo:hi]`` cut at the marks (sorted by :func:`_order`); a mark that starts inside
    another one is nested in it, one that only overlaps it is clipped to start after it."""
    pieces: list[Piece] = []
    pos, i = lo, 0
    while i < len(marks):
        m = marks[i]
        s = min(max(m.start, pos), hi)
        e = min(max(m.end, s), hi)
        j = i + 1
        if e > s:
            while j < len(marks) and marks[j].start < e:
                j += 1
        if s > pos:
            pieces.append(Piece(text[pos:s]))
        pieces.append(Piece("", m, _nest(text, s, e, marks[i + 1 : j]) if e > s else []))
        pos, i = e, j
    if hi > pos:
        pieces.append(Piece(text[pos:hi]))
    return pieces


def reading_paragraphs(c: Collation, numbered: Sequence[tuple[int, Variant]]) -> list[Paragraph]:
    """The base text paragraph by paragraph, with ``numbered`` variants marked in place.

    ``numbered`` pairs each variant to show with the number it is known by; a transposition
    also gets a zero-width mark (``moved_here``) at its second place.
    """
    ws = c.witnesses
    if not ws or not ws[0].tokens.norms:
        return []
    base = ws[0]
    by_para: dict[int, list[Mark]] = {}
    for n, v in numbered:
        para, start, end = anchor(c, v)
        by_para.setdefault(para, []).append(Mark(start, end, n, v))
        other = other_place(c, v)
        if other is not None:
            by_para.setdefault(other[0], []).append(Mark(other[1], other[2], n, v, moved_here=True))
    out = []
    for para, (lo, hi) in paragraph_spans(base).items():
        marks = sorted(by_para.get(para, []), key=_order)
        # A variant running on into the next paragraph is clipped here rather than shown twice.
        end = closing_end(base.text, hi)
        out.append(Paragraph(para, lo, end, _nest(base.text, lo, end, marks), marks))
    return out


def reading_groups(v: Variant, witnesses: Sequence[Witness]) -> list[tuple[str, list[str]]]:
    """The distinct readings of a variant (whitespace folded, "" for none) with the ids of the
    witnesses that have each, in witness order."""
    groups: dict[str, list[str]] = {}
    for w in witnesses:
        groups.setdefault(" ".join(v.readings.get(w.id, "").split()), []).append(w.id)
    return list(groups.items())


def variant_label(v: Variant) -> str:
    """The kind, the subtype and for a move its size: "transposition, paragraph, 51 words …"."""
    label = v.kind if not v.subtype else f"{v.kind}, {v.subtype}"
    if v.move is not None:
        label += f", {v.move.size} words moved over {v.move.distance}"
    return label


__all__ = [
    "SYMBOL",
    "Mark",
    "Paragraph",
    "Piece",
    "anchor",
    "closing_end",
    "other_place",
    "paragraph_spans",
    "reading_groups",
    "reading_paragraphs",
    "sigla",
    "variant_label",
]
