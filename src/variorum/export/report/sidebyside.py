"""The side-by-side view of a family: every witness's body text cut into rows of the alignment.

A row is a run of alignment columns, so any two witnesses read in step: what one has in a row
the other has in the same row, or nothing. Rows break where a variant starts or ends, where the
witnesses go from agreeing to disagreeing, and (where they agree) where any witness starts a
paragraph. Each cell carries two group numbers, ``g`` (same words once normalized) and ``f``
(same text letter for letter), so the page can tell, for whichever pair the reader picks,
whether the two cells differ in substance, only in form, or not at all, without the page having
to re-derive anything.
"""

from __future__ import annotations

from typing import Any

from variorum.collate.model import Collation, Witness
from variorum.collate.reading import SYMBOL, closing_end


def _cell_text(w: Witness, first: int, last: int) -> str:
    """Witness ``w``'s text from token ``first`` to just before its token after ``last``, so the
    punctuation and spacing between rows belong to the row before, and nothing is lost."""
    if last + 1 < len(w.tokens):
        return w.text[w.tokens.starts[first] : w.tokens.starts[last + 1]]
    return w.text[w.tokens.starts[first] : closing_end(w.text, w.tokens.ends[last])]


def _groups(values: list[str]) -> list[int]:
    """Each value's group number: equal values share one, numbered in order of first sight."""
    seen: dict[str, int] = {}
    return [seen.setdefault(v, len(seen)) for v in values]


def _breaks(c: Collation) -> tuple[set[int], dict[int, int]]:
    """Column boundaries set by variants (and both ends of every move), and for each column in a
    moved passage the number of its transposition variant."""
    n = len(c.table.columns)
    cuts: set[int] = {0, n}
    moved: dict[int, int] = {}
    for number, v in enumerate(c.variants, 1):
        cuts.update(v.columns)
        if v.move is not None:
            for first, last in (v.move.source, v.move.target):
                cuts.update((first, last))
                for col in range(max(first, 0), min(last, n)):
                    moved.setdefault(col, number)
    return {x for x in cuts if 0 <= x <= n}, moved


def _differs(c: Collation, col: int, in_move: bool) -> bool:
    """Whether the witnesses disagree in a column: different words, or a word some lack (a gap
    inside a moved passage is explained by the move and does not count)."""
    norms = set()
    absent = False
    for w, idx in zip(c.witnesses, c.table.columns[col], strict=True):
        if idx is None:
            absent = True
        else:
            norms.add(w.tokens.norms[idx])
    return len(norms) > 1 or (absent and not in_move)


def _para_starts(c: Collation, col: int) -> bool:
    for w, idx in zip(c.witnesses, c.table.columns[col], strict=True):
        if idx is not None and idx > 0 and w.paragraph[idx] != w.paragraph[idx - 1]:
            return True
    return False


def _runs(c: Collation) -> list[tuple[int, int]]:
    """The rows as half-open column ranges, in reading order."""
    cuts, moved = _breaks(c)
    runs: list[tuple[int, int]] = []
    start = 0
    prev_diff: bool | None = None
    for col in range(len(c.table.columns)):
        diff = _differs(c, col, col in moved)
        new_row = col in cuts or diff != prev_diff or (not diff and _para_starts(c, col))
        if new_row and col > start:
            runs.append((start, col))
            start = col
        prev_diff = diff
    if len(c.table.columns) > start:
        runs.append((start, len(c.table.columns)))
    return runs


def _row(c: Collation, first: int, last: int, row_id: str) -> dict[str, Any]:
    """One row: each witness's text in columns ``first..last-1`` with its group numbers."""
    cols = c.table.columns[first:last]
    cells = []
    norms, flats = [], []
    for k, w in enumerate(c.witnesses):
        idxs = [col[k] for col in cols if col[k] is not None]
        if not idxs:
            cells.append({"text": "", "para": False})
            norms.append("")
            flats.append("")
            continue
        text = _cell_text(w, idxs[0], idxs[-1])
        cells.append({"text": text, "para": idxs[0] == 0 or w.paragraph[idxs[0]] != w.paragraph[idxs[0] - 1]})
        norms.append(" ".join(w.tokens.norms[i] for i in idxs))
        flats.append(" ".join(text.split()))
    for cell, g, f in zip(cells, _groups(norms), _groups(flats), strict=True):
        cell["g"], cell["f"] = g, f
    return {"id": row_id, "cells": cells}


def side_by_side(c: Collation, numbers: dict[int, str]) -> dict[str, Any]:
    """Rows of the alignment for the side-by-side view.

    ``numbers`` maps a variant's number to the element id it has in the reading view, so a row can
    link to it. Returns ``{"default": [0, 1], "rows": [...], "pair": [...]}`` where each row is
    ``{"id", "kind", "symbol", "variant", "move", "move_link", "cells": [{"text", "g", "f",
    "para"}]}`` (one cell per witness) and ``pair`` the rows as the default pair (the first two
    witnesses) reads them (:func:`pair_rows`).
    """
    ws = c.witnesses
    _, moved = _breaks(c)
    kinds: dict[int, tuple[int, str]] = {}
    for number, v in enumerate(c.variants, 1):
        if v.kind == "transposition" or v.wrapper:
            continue
        for col in range(max(v.columns[0], 0), min(v.columns[1], len(c.table.columns))):
            kinds.setdefault(col, (number, v.kind))
    rows: list[dict[str, Any]] = []
    places: list[tuple[int, bool] | None] = []  # per row: (transposition number, at its source)
    first_row_of: dict[tuple[int, bool], str] = {}
    for first, last in _runs(c):
        row = _row(c, first, last, f"r{len(rows) + 1}")
        number, kind = kinds.get(first, (None, None))
        move = moved.get(first)
        row["kind"] = kind
        row["symbol"] = SYMBOL[kind] if kind else None
        row["variant"] = numbers.get(number) if number else None
        row["move"] = numbers.get(move) if move else None
        row["move_link"] = None
        place = None
        if move is not None:
            m = c.variants[move - 1].move
            place = (move, m is not None and m.source[0] <= first < m.source[1])
            first_row_of.setdefault(place, row["id"])
        places.append(place)
        rows.append(row)
    for row, place in zip(rows, places, strict=True):
        if place is not None:
            row["move_link"] = first_row_of.get((place[0], not place[1]))
    default = (0, 1 if len(ws) > 1 else 0)
    return {"default": list(default), "rows": rows, "pair": pair_rows(rows, *default)}


def pair_rows(rows: list[dict[str, Any]], left: int, right: int) -> list[dict[str, Any]]:
    """The rows as two witnesses read them: runs where the two agree joined into one row, rows
    where neither has anything dropped (their ids kept as ``anchors`` of the next row, so links
    to them still land), every other row kept as it is. The page's script does the same when the
    reader picks another pair; this gives the page its first pair without script.
    """
    out: list[dict[str, Any]] = []
    pending: list[str] = []
    for row in rows:
        state = pair_state(row, left, right)
        if state == "blank":
            pending.append(row["id"])
            continue
        a, b = row["cells"][left], row["cells"][right]
        para = (a["para"] and bool(a["text"])) or (b["para"] and bool(b["text"]))
        last = out[-1] if out else None
        if last is not None and state == "same" and last["state"] == "same" and not para:
            last["left"] += a["text"]
            last["right"] += b["text"]
            last["anchors"] += [*pending, row["id"]]
        else:
            out.append(
                {
                    "id": row["id"],
                    "anchors": pending,
                    "state": state,
                    "para": para,
                    "left": a["text"],
                    "right": b["text"],
                    "kind": row["kind"] if state != "same" else None,
                    "symbol": row["symbol"] if state != "same" else None,
                    "variant": row["variant"] if state != "same" else None,
                    "move_link": row["move_link"],
                }
            )
        pending = []
    if pending and out:
        out[-1]["anchors"] += pending
    return out


def pair_state(row: dict[str, Any], left: int, right: int) -> str:
    """How two witnesses compare in one row (the page's script computes the same for other pairs)."""
    a, b = row["cells"][left], row["cells"][right]
    if not a["text"] and not b["text"]:
        return "blank"
    if row["move"] and (not a["text"] or not b["text"]):
        return "moved"
    if a["g"] != b["g"]:
        return "diff"
    if a["f"] != b["f"]:
        return "formal"
    return "same"


__all__ = ["pair_rows", "pair_state", "side_by_side"]
