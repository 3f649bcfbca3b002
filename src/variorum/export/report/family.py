"""The view model of a family page: reading view, side by side, claim drift, stemma, wrappers.

Everything here is derived from the collation's JSON export (:func:`collation_to_json`, which the
view also carries whole as its ``collation`` key) plus the anchoring of
:mod:`variorum.collate.reading`; the template only lays it out.
"""

from __future__ import annotations

from typing import Any

from variorum import pipeline
from variorum.collate.model import Collation, Witness
from variorum.collate.reading import SYMBOL, Piece, reading_groups, reading_paragraphs, sigla, variant_label
from variorum.config import Settings
from variorum.errors import UsageError
from variorum.export.collation_json import collation_to_json
from variorum.export.report.listing import Listing
from variorum.export.report.sidebyside import side_by_side
from variorum.export.report.svg import stemma_layout
from variorum.store.index import Index
from variorum.text.roles import is_header_line

# Readings longer than this are cut in the pop-up (the side-by-side view has them whole); 160
# characters are two lines of the pop-up, and a dropped paragraph needs no more to be recognised.
READING_CHARS = 160
# An added passage is previewed in the base text up to this length.
_INSERT_CHARS = 160


def short(text: str, n: int) -> str:
    """``text`` with its whitespace folded, cut to ``n`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1].rstrip() + "…"


# Shorter wrapper paragraphs are letterheads, datelines and references, not notes.
_NOTE_WORDS = 16
_SIGNED = ("(signed)", "(signé)", "(firmado)", "(подпись)")


def wrapper_kind(text: str, *, before_body: bool) -> str:
    """What a wrapper segment is to a reader: a signature, a footnote, a header or footer
    (header-shaped lines: organs, symbols, dates), else a cover note before the text or a note
    after it. A label for people; the index itself only knows body and wrapper."""
    lines = [line for line in text.splitlines() if line.strip()]
    words = len(text.split())
    head = text.lstrip().lower()
    if head.startswith(_SIGNED):
        return "signature"
    if head.startswith("*") and words > 3:
        return "footnote"
    if (lines and all(is_header_line(line) for line in lines)) or words < _NOTE_WORDS:
        return "header" if before_body else "footer"
    return "cover note" if before_body else "note"


def _variant_entries(c: Collation, cj: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """Each variant as the page shows it: symbol, label, readings grouped by witness."""
    ws = c.witnesses
    out = []
    for number, (v, vj) in enumerate(zip(c.variants, cj["variants"], strict=True), 1):
        groups = [
            {
                "sigla": [names[w] for w in wids],
                "witnesses": wids,
                "text": short(text, READING_CHARS),
                "empty": not text,
            }
            for text, wids in reading_groups(v, ws)
        ]
        added = next((g["text"] for g in groups if not g["empty"]), "")
        out.append(
            {
                **vj,
                "id": f"v{number}",
                "number": number,
                "symbol": SYMBOL[v.kind],
                "label": variant_label(v),
                "groups": groups,
                "insert": short(added, _INSERT_CHARS) if v.kind == "addition" else "",
                "other_place": None,
                "here": [],
            }
        )
    return out


def _pieces(pieces: list[Piece], entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in pieces:
        if p.mark is None:
            out.append({"text": p.text})
            continue
        entry = entries[p.mark.number - 1]
        if p.mark.moved_here:
            entry["other_place"] = f"{entry['id']}-to"
        out.append(
            {
                "variant": p.mark.number,
                "moved_here": p.mark.moved_here,
                "children": _pieces(p.children, entries),
            }
        )
    return out


def _moved_here(c: Collation, number: int, names: dict[str, str]) -> list[str]:
    """Sigla of the witnesses that have a moved passage at its second place (not the base's)."""
    v = c.variants[number - 1]
    m = v.move
    if m is None:
        return []
    cols = c.table.columns
    base_in_source = any(col[0] is not None for col in cols[m.source[0] : m.source[1]])
    first, last = m.target if base_in_source else m.source
    return [
        names[w.id] for k, w in enumerate(c.witnesses) if any(col[k] is not None for col in cols[first:last])
    ]


def _claims(cj: dict[str, Any], c: Collation, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims that changed, appeared or vanished, with the reading in each witness."""
    rows = []
    for cl in cj["claims"]:
        if cl["change"] == "unchanged":
            continue
        values = [cl["values"].get(w.id) for w in c.witnesses]
        first = next((x for x in values if x is not None), None)
        near = next((e["id"] for e in entries if e["columns"][0] <= cl["column"] < e["columns"][1]), None)
        rows.append(
            {
                "kind": cl["kind"],
                "change": cl["change"],
                "variant": near,
                "cells": [
                    {
                        "text": " ".join((cl["readings"].get(w.id) or "").split()),
                        "value": values[k],
                        "differs": values[k] is not None and first is not None and values[k] != first,
                    }
                    for k, w in enumerate(c.witnesses)
                ],
            }
        )
    return rows


def _wrappers(index: Index, w: Witness) -> list[dict[str, Any]]:
    """The witness's wrapper segments (cover notes, headers, source lines), in its own words."""
    segments = {(s.start, s.end): s for s in index.segments(index.num_of(w.id))}
    body_start = w.tokens.starts[0] if w.tokens.starts else len(w.text)
    out = []
    for start, end in w.wrappers:
        seg = segments.get((start, end))
        text = w.text[start:end]
        out.append(
            {
                "start": start,
                "end": end,
                "kind": wrapper_kind(text, before_body=start < body_start),
                "language": seg.language if seg else None,
                "text": text,
            }
        )
    return out


def _stemma(cj: dict[str, Any], c: Collation, names: dict[str, str]) -> dict[str, Any]:
    nodes = [
        {
            "id": w.id,
            "siglum": names[w.id],
            "date": w.date,
            "label": short(w.label or w.id, 28),
            "lost": False,
        }
        for w in c.witnesses
    ]
    for k, lost in enumerate(cj["stemma"]["lost"]):
        nodes.append(
            {
                "id": lost,
                "siglum": f"α{k + 1}" if k else "α",
                "date": None,
                "label": "hypothesised source",
                "lost": True,
            }
        )
    known = {n["id"] for n in nodes}
    for e in cj["stemma"]["edges"]:
        for end in (e["parent"], e["child"]):
            if end not in known:  # defensive: an edge to a node neither witness nor lost
                nodes.append({"id": end, "siglum": "?", "date": None, "label": short(end, 28), "lost": True})
                known.add(end)
    edges = [
        {
            "parent": e["parent"],
            "child": e["child"],
            "confidence": e["confidence"],
            "confidence_label": f"{e['confidence']:.2f}",
            "evidence": list(e["evidence"]),
        }
        for e in cj["stemma"]["edges"]
    ]
    sigla_of = {n["id"]: n["siglum"] for n in nodes}
    return {
        "root": cj["stemma"]["root"],
        "sigla": sigla_of,
        "replicates": c.stemma.replicates,
        **stemma_layout(nodes, edges),
    }


def family_page(
    index: Index,
    settings: Settings,
    family_id: str,
    collation: Collation | None = None,
    listing: Listing | None = None,
    replicates: int | None = None,
) -> dict[str, Any]:
    """The whole family view (see :func:`variorum.export.report.views.family_view`).

    ``collation`` is the family's collation when the caller already has it (``analyze`` does),
    so that a family is not collated twice. ``listing``, from a caller writing many pages, saves
    reading every document's row for this one; with it, ``family_id`` must be a whole id.
    ``replicates`` bounds the stemma's bootstrap when the family is collated here.
    """
    if listing is None:
        docs = pipeline.family_documents(index, settings, family_id)
        rows = {r["id"]: r for r in index.doc_rows()}
    else:
        docs = listing.documents(index, family_id)
        if not docs:
            raise UsageError(f"no family {family_id!r} in {index.path}")
        rows = listing.by_id
    fid = rows[docs[0].id]["family"]
    c = collation if collation is not None else pipeline.collate_members(index, docs, replicates=replicates)
    cj = collation_to_json(c)
    names = sigla(c.witnesses)
    entries = _variant_entries(c, cj, names)
    shown = [(n, v) for n, v in enumerate(c.variants, 1) if not v.wrapper]
    paragraphs = [
        {"index": p.index, "pieces": _pieces(p.pieces, entries)} for p in reading_paragraphs(c, shown)
    ]
    for e in entries:
        if e["other_place"]:
            e["here"] = _moved_here(c, e["number"], names)
    witnesses = [
        {
            "id": w.id,
            "siglum": names[w.id],
            "date": w.date,
            "label": w.label or w.id,
            "path": w.path,
            "languages": rows[w.id]["languages"] if w.id in rows else [],
            "words": rows[w.id]["words"] if w.id in rows else len(w.tokens),
            "body_words": len(w.tokens),
            "wrappers": _wrappers(index, w),
        }
        for w in c.witnesses
    ]
    in_text = [e for e in entries if not e["wrapper"]]
    return {
        "kind": "family",
        "id": fid,
        "title": short(_title(c), 240),
        "witnesses": witnesses,
        "base": witnesses[0]["id"] if witnesses else None,
        "summary": pipeline.collation_summary(c),
        "counts": {
            "variants": len(in_text),
            "substantive": sum(1 for e in in_text if e["substantive"]),
            "formal": sum(1 for e in in_text if not e["substantive"]),
            "by_kind": {k: sum(1 for e in in_text if e["kind"] == k) for k in SYMBOL},
        },
        "variants": entries,
        "reading": paragraphs,
        "side_by_side": side_by_side(c, {e["number"]: e["id"] for e in entries}),
        "claims": _claims(cj, c, entries),
        "stemma": _stemma(cj, c, names),
        "collation": cj,
    }


def _title(c: Collation) -> str:
    """The base text's first paragraph: what the statement is, to a reader scanning the page."""
    base = c.witnesses[0] if c.witnesses else None
    if base is None or not base.tokens.starts:
        return ""
    first = base.paragraph[0]
    last = next((i for i, p in enumerate(base.paragraph) if p != first), len(base.tokens))
    return base.text[base.tokens.starts[0] : base.tokens.ends[last - 1]]
