"""A collation as plain JSON data: what ``variorum collate --json`` writes and the web app serves.

The shape is a documented, versioned format (``"format": "variorum-collation"``, ``"version"``):
readers may rely on every key listed in :func:`collation_to_json`, and new keys may be added
without a version change. Everything is JSON-native (lists, not tuples; ``null`` for absence), so
``json.dumps(collation_to_json(c), sort_keys=True, ensure_ascii=False)`` is a stable golden file.

Timings are left out on purpose: they change from run to run and would make two exports of the
same collation differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from variorum.collate.model import ClaimChange, Collation, Move, Stemma, Table, Variant, Witness

FORMAT = "variorum-collation"
# Version 1: the first published shape.
VERSION = 1

_V = TypeVar("_V")


def _in_witness_order(values: Mapping[str, _V], order: Iterable[str]) -> dict[str, _V]:
    """``values`` re-keyed in witness order, so that two exports of one collation are identical.

    Keys that name no witness (which the collator should never produce) are kept, after the
    others, rather than dropped: an export must not hide data.
    """
    out: dict[str, _V] = {}
    for wid in order:
        if wid in values:
            out[wid] = values[wid]
    for wid, value in values.items():
        if wid not in out:
            out[wid] = value
    return out


def witness_to_json(w: Witness) -> dict[str, Any]:
    """The identity of a witness; its text is not repeated, readings quote it where needed."""
    return {
        "id": w.id,
        "path": w.path,
        "date": w.date,
        "label": w.label,
        "tokens": len(w.tokens),
        # cover notes, headers and source lines: reported as such, never as variants
        "wrappers": [[start, end] for start, end in w.wrappers],
    }


def move_to_json(m: Move) -> dict[str, Any]:
    return {
        "from": m.from_witness,
        "to": m.to_witness,
        "source": [m.source[0], m.source[1]],
        "target": [m.target[0], m.target[1]],
        "level": m.level,
        "size": m.size,
        "distance": m.distance,
    }


def variant_to_json(v: Variant, order: Iterable[str]) -> dict[str, Any]:
    order = list(order)
    spans = _in_witness_order(v.spans, order)
    return {
        "kind": v.kind,
        "subtype": v.subtype,
        "substantive": v.substantive,
        "wrapper": v.wrapper,
        "columns": [v.columns[0], v.columns[1]],
        "readings": _in_witness_order(v.readings, order),
        "spans": {wid: None if span is None else [span[0], span[1]] for wid, span in spans.items()},
        "move": None if v.move is None else move_to_json(v.move),
    }


def claim_to_json(cl: ClaimChange, order: Iterable[str]) -> dict[str, Any]:
    order = list(order)
    return {
        "kind": cl.kind,
        "readings": _in_witness_order(cl.readings, order),
        "values": _in_witness_order(cl.values, order),
        "change": cl.change,
        "column": cl.column,
        "spans": {
            wid: None if (span := cl.spans.get(wid)) is None else [span[0], span[1]]
            for wid in order
            if wid in cl.spans
        },
    }


def stemma_to_json(s: Stemma) -> dict[str, Any]:
    return {
        "root": s.root,
        "lost": list(s.lost),
        "edges": [
            {
                "parent": e.parent,
                "child": e.child,
                "evidence": list(e.evidence),
                "confidence": e.confidence,
            }
            for e in s.edges
        ],
    }


def table_to_json(t: Table) -> dict[str, Any]:
    """The alignment table column by column, ``null`` where a witness has no token."""
    return {
        "witnesses": [w.id for w in t.witnesses],
        "columns": [list(col) for col in t.columns],
    }


def collation_to_json(c: Collation) -> dict[str, Any]:
    """The whole collation as JSON-ready data.

    Shape (all keys always present)::

        {"format": "variorum-collation", "version": 1,
         "witnesses": [{"id", "path", "date", "label", "tokens"}],
         "variants": [{"kind", "subtype", "substantive", "wrapper", "columns": [c0, c1],
                       "readings": {id: text}, "spans": {id: [start, end] | null},
                       "move": null | MOVE}],
         "moves": [MOVE],
         "claims": [{"kind", "readings": {id: text}, "values": {id: value | null},
                     "change", "column"}],
         "stemma": {"root", "lost": [id], "edges": [{"parent", "child", "evidence", "confidence"}]},
         "table": {"witnesses": [id], "columns": [[token index | null per witness]]}}

    where MOVE is ``{"from", "to", "source": [c0, c1], "target": [c0, c1], "level", "size",
    "distance"}``. Column ranges are half-open, as in :mod:`variorum.collate.model`; spans are
    character offsets into each witness's original text. Per-witness maps are keyed in witness
    order.
    """
    order = [w.id for w in c.witnesses]
    return {
        "format": FORMAT,
        "version": VERSION,
        "witnesses": [witness_to_json(w) for w in c.witnesses],
        "variants": [variant_to_json(v, order) for v in c.variants],
        "moves": [move_to_json(m) for m in c.moves],
        "claims": [claim_to_json(cl, order) for cl in c.claims],
        "stemma": stemma_to_json(c.stemma),
        "table": table_to_json(c.table),
    }


__all__ = ["FORMAT", "VERSION", "collation_to_json"]
