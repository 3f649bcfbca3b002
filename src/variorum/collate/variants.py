"""Variation units from the alignment table, classified.

A column *agrees* when every witness has a token there, with the same normalized form and the same
original spelling up to the next token (whitespace and line wraps aside). Consecutive columns
that do not agree, with the same witnesses present, form one variation unit. Its kind:

* **addition** / **omission**: some witnesses have words there and others none. Direction is
  judged against the first witness in date order (the earliest): what it lacks was added.
* **substitution**: all have words but they differ. Subtypes, from formal to substantive:
  ``case``, ``punctuation`` (quotes, dashes, Markdown emphasis between equal words),
  ``number_format`` (``70.000``/``70,000``), ``split_word`` (``aggr ession``/``aggression``,
  ``counter measures``/``countermeasures``), ``extraction_noise`` (``^{er}`` residue and the
  like), ``orthographic`` (``centre``/``center``: the same word spelled otherwise) and
  ``lexical`` (other words, or other figures). Only lexical substitutions are substantive.
* **transposition**: a :class:`~variorum.collate.model.Move`; its columns are not reported again
  as omissions or additions.

Units in wrapper segments (cover notes, headers, source lines) are flagged ``wrapper`` and never
substantive: they frame the text rather than vary it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from variorum.collate.model import Move, Table, Variant, Witness
from variorum.ingest.dates import month_number
from variorum.text.lazy_pattern import compile_pattern

_SPACE = compile_pattern(regex, r"\s+")
_PUNCT = compile_pattern(regex, r"[\p{P}\p{S}]")


def _after(w: Witness, tok: int) -> str:
    """The token's original text and what follows it up to the next body token (spaces
    collapsed); after the last body token, only the punctuation that closes it."""
    t = w.tokens
    if tok + 1 < len(t):
        return _SPACE.sub(" ", w.text[t.starts[tok] : t.starts[tok + 1]]).strip()
    closing = _CLOSING.match(w.text, t.ends[tok])
    return w.text[t.starts[tok] : closing.end() if closing else t.ends[tok]]


_CLOSING = compile_pattern(regex, r"[^\w\s]*")


def _agrees(table: Table, c: int) -> bool:
    """Every witness has the same word here, spelled and punctuated the same way."""
    col = table.columns[c]
    if any(t is None for t in col):
        return False
    ws = table.witnesses
    first = ws[0].tokens.norms[col[0]]  # type: ignore[index]
    if any(w.tokens.norms[t] != first for w, t in zip(ws, col, strict=True)):  # type: ignore[index]
        return False
    return len({_after(w, t) for w, t in zip(ws, col, strict=True)}) == 1  # type: ignore[arg-type]


_NUMBER = compile_pattern(regex, r"\d(?:[\d.,\u00a0\u202f ]*\d)?")
_MARKUP = ("*", "^{", "_", "#", "`")


def _subtype(readings: Sequence[str], norms: Sequence[str]) -> str:
    """Classify a substitution from the witnesses' readings and normalized forms."""
    if len(set(norms)) == 1:
        numbers = [tuple(_NUMBER.findall(r)) for r in readings]
        if any(numbers) and len(set(numbers)) > 1:
            return "number_format"  # 70.000 / 70,000, 06 / 6: the same figure written otherwise
        bare = {_SPACE.sub("", _PUNCT.sub("", r)) for r in readings}
        if len(bare) == 1:
            return "extraction_noise" if any(m in r for r in readings for m in _MARKUP) else "punctuation"
        if len({b.casefold() for b in bare}) == 1:
            return "case"
        return "orthographic"  # diacritics, ligatures and other spellings folded by the normalizer
    compact = {n.replace(" ", "") for n in norms}
    if len(compact) == 1:
        return "split_word"
    if any(any(ch.isdigit() for ch in n) for n in norms):
        return "lexical"
    # The same word spelled otherwise (centre/center, aircraft/aircrafts): a small edit that is
    # not a change of ending (demanded/demanding, change/changing stay lexical).
    if all(
        Levenshtein.distance(norms[0], n) <= 2 and fuzz.ratio(norms[0], n) >= 80 for n in norms[1:]
    ) and not _inflected(norms):
        return "orthographic"
    return "lexical"


_ENDINGS = ("ing", "ed", "es", "s", "ly", "er", "ion")


def _inflected(norms: Sequence[str]) -> bool:
    """Whether the forms differ by a grammatical ending (a lexical change, not a spelling)."""
    for a in norms:
        for b in norms:
            short, long_ = sorted((a, b), key=len)
            if short != long_ and long_.startswith(short.rstrip("e")) and long_.endswith(_ENDINGS):
                return len(long_) - len(short) >= 2
    return False


def find_variants(table: Table, moves: Sequence[Move], base: int = 0) -> list[Variant]:
    """Every variation unit of ``table``; ``base`` is the witness additions are judged against."""
    n_cols = len(table.columns)
    in_move = [False] * n_cols
    for m in moves:
        for c in range(*m.source):
            in_move[c] = True
        for c in range(*m.target):
            in_move[c] = True
    out: list[Variant] = []
    ranges: list[tuple[int, int]] = []
    c = 0
    while c < n_cols:
        if in_move[c] or _agrees(table, c):
            c += 1
            continue
        shape = _shape(table, c)
        d = c + 1
        while d < n_cols and not in_move[d] and not _agrees(table, d) and _shape(table, d) == shape:
            d += 1
        # A short stretch that some witnesses lack, next to a changed word ("around" / "up to"),
        # is one substitution, not an addition beside a substitution.
        while d < n_cols and not in_move[d] and not _agrees(table, d):
            e = d + 1
            while (
                e < n_cols
                and not in_move[e]
                and not _agrees(table, e)
                and _shape(table, e) == _shape(table, d)
            ):
                e += 1
            first, second = _unit_kind(table, c, d), _unit_kind(table, d, e)
            if max(d - c, e - d) > MERGE_MAX or {first, second} != {"changed", "partial"}:
                break
            d = e
        ranges.append((c, d))
        c = d
    out = _date_orders(table, [_unit(table, c0, c1, base) for c0, c1 in _join_absences(table, ranges)])
    for m in moves:
        out.append(_move_variant(table, m))
    out.sort(key=lambda v: v.columns)
    return out


# Neighbouring units up to this many columns each are merged when one of them changes a word.
MERGE_MAX = 3


def _date_orders(table: Table, units: list[Variant]) -> list[Variant]:
    """An addition and an omission of the same day number on either side of a month name are a
    date written in another order ("April 2, 2016" / "2 April 2016"): formal, subtype
    ``date_format``, not two substantive units."""
    out = list(units)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if {a.kind, b.kind} != {"addition", "omission"} or a.substantive is False or b.wrapper:
            continue
        between = range(a.columns[1], b.columns[0])
        if not 1 <= len(between) <= 2 or not any(_is_month(table, c) for c in between):
            continue
        moved = set()
        for w in table.witnesses:
            x, y = a.readings.get(w.id, ""), b.readings.get(w.id, "")
            if bool(x) == bool(y):
                break
            moved.add(" ".join((x or y).split()).strip(".,"))
        else:
            if len(moved) == 1 and next(iter(moved)).isdigit():
                out[k] = replace(a, subtype="date_format", substantive=False)
                out[k + 1] = replace(b, subtype="date_format", substantive=False)
    return out


def _is_month(table: Table, c: int) -> bool:
    """Every witness reads a month name in column ``c``."""
    col = table.columns[c]
    return all(
        t is not None and month_number(table.witnesses[k].tokens.norms[t]) is not None
        for k, t in enumerate(col)
    )


# Units joined across a common absence: at least one of the two is this short (in columns). The
# seeds' title differences are 1 to 5 columns; sentences one witness adds inside a paragraph that
# another dropped (2019's "Since 2007, GPM Gold …") are 20 and more, and stay units of their own.
JOIN_MAX = 8


def _join_absences(table: Table, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Neighbouring units that one witness lacks throughout, inside one paragraph, joined when
    one of them is short (``JOIN_MAX``).

    Where a witness has no title, or dropped a paragraph, the others' small differences there
    (an added "the Republic of", a respelled word) would otherwise cut its one omission into a
    unit per difference: the five seeds' title line gave twenty. The joined unit keeps every
    witness's reading, so the differences stay visible in it.
    """
    out: list[tuple[int, int]] = []
    for c0, c1 in ranges:
        if (
            out
            and out[-1][1] == c0
            and min(c1 - c0, out[-1][1] - out[-1][0]) <= JOIN_MAX
            and _common_absentee(table, out[-1][0], c1)
            and _one_paragraph(table, c0)
        ):
            out[-1] = (out[-1][0], c1)
        else:
            out.append((c0, c1))
    return out


def _common_absentee(table: Table, c0: int, c1: int) -> bool:
    """Some witness has no token in any of the columns ``c0..c1-1``, and some other has one."""
    absent = [all(table.columns[c][w] is None for c in range(c0, c1)) for w in range(len(table.witnesses))]
    return any(absent) and not all(absent)


def _one_paragraph(table: Table, c: int) -> bool:
    """No witness present on both sides of the boundary before column ``c`` starts a new paragraph
    there (nor a wrapper changes)."""
    for w, wit in enumerate(table.witnesses):
        after = table.columns[c][w]
        if after is None:
            continue
        before = next((t for k in range(c - 1, -1, -1) if (t := table.columns[k][w]) is not None), None)
        if before is not None and (
            wit.paragraph[before] != wit.paragraph[after] or wit.wrapper[before] != wit.wrapper[after]
        ):
            return False
    return True


def _unit_kind(table: Table, c0: int, c1: int) -> str:
    """ "changed" (all witnesses have words, not the same ones), "formal" (the same words, spelled
    otherwise) or "partial" (some witnesses have no words there)."""
    present, same = _shape(table, c0)
    if not all(present):
        return "partial"
    return "formal" if same else "changed"


def _shape(table: Table, c: int) -> tuple[tuple[bool, ...], bool]:
    """Which witnesses have a token in column ``c``, and whether those tokens read the same word.

    Columns of one unit share their shape, so that a respelled figure is not merged with the
    changed word next to it.
    """
    col = table.columns[c]
    norms = {table.witnesses[k].tokens.norms[t] for k, t in enumerate(col) if t is not None}
    return tuple(t is not None for t in col), len(norms) == 1


def _span(table: Table, w: int, c0: int, c1: int) -> tuple[int, int] | None:
    toks = [table.columns[c][w] for c in range(c0, c1) if table.columns[c][w] is not None]
    if not toks:
        return None
    return table.witnesses[w].tokens.span(min(toks), max(toks) + 1)  # type: ignore[type-var]


def _unit(table: Table, c0: int, c1: int, base: int) -> Variant:
    ws = table.witnesses
    spans = {w.id: _span(table, k, c0, c1) for k, w in enumerate(ws)}
    readings = {w.id: (w.text[s[0] : s[1]] if (s := spans[w.id]) else "") for w in ws}
    wrapper = all(
        ws[k].wrapper[t] for c in range(c0, c1) for k, t in enumerate(table.columns[c]) if t is not None
    )
    have = [k for k, w in enumerate(ws) if spans[w.id] is not None]
    if len(have) < len(ws):
        kind = "omission" if spans[ws[base].id] is not None else "addition"
        return Variant(
            kind=kind,  # type: ignore[arg-type]
            subtype="wrapper" if wrapper else None,
            substantive=not wrapper and _has_words(readings.values()),
            columns=(c0, c1),
            readings=readings,
            spans=spans,
            wrapper=wrapper,
        )
    norms = [
        " ".join(
            ws[k].tokens.norms[t]  # type: ignore[index]
            for c in range(c0, c1)
            if (t := table.columns[c][k]) is not None
        )
        for k in have
    ]
    subtype = _subtype([readings[ws[k].id] for k in have], norms)
    return Variant(
        kind="substitution",
        subtype="wrapper" if wrapper else subtype,
        substantive=subtype == "lexical" and not wrapper,
        columns=(c0, c1),
        readings=readings,
        spans=spans,
        wrapper=wrapper,
    )


def _has_words(readings) -> bool:  # type: ignore[no-untyped-def]
    return any(any(ch.isalnum() for ch in r) for r in readings)


def _move_variant(table: Table, m: Move) -> Variant:
    ws = table.witnesses
    spans: dict[str, tuple[int, int] | None] = {}
    for k, w in enumerate(ws):
        spans[w.id] = _span(table, k, *m.target) or _span(table, k, *m.source)
    readings = {w.id: (w.text[s[0] : s[1]] if (s := spans[w.id]) else "") for w in ws}
    return Variant(
        kind="transposition",
        subtype=m.level,
        substantive=True,
        columns=m.source,
        readings=readings,
        spans=spans,
        move=m,
    )
