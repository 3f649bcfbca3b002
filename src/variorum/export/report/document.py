"""The view model of a document page: its original text, segment by segment, with the passages
it shares with other documents marked in it.

Passages may overlap (the same paragraph shared with four other versions), so the text is cut at
every passage boundary and every segment boundary into pieces; each piece lists the passages
covering it, outermost first, and the page nests one ``<mark>`` per passage around it. A passage
split over several pieces carries its anchor (``p<id>``, the same on both documents' pages) on
its first piece and its link to the other document after its last.
"""

from __future__ import annotations

import itertools
from typing import Any

from variorum import pipeline
from variorum.config import Settings
from variorum.export.report.family import short, wrapper_kind
from variorum.export.report.listing import Listing
from variorum.group.relations import VERSION_KINDS
from variorum.model import Document, Segment
from variorum.store.index import Index

# The passage's opening words in the table of passages (the whole passage is marked in the text).
EXCERPT_CHARS = 60


def _blocks(text: str, segments: tuple[Segment, ...]) -> list[dict[str, Any]]:
    """The text as blocks, one per segment (the blank lines after a segment included in it, so
    the blocks cover the whole text), with wrapper segments labelled by what they are."""
    if not segments:
        return [{"start": 0, "end": len(text), "role": "body", "kind": None, "language": None}]
    body = [k for k, s in enumerate(segments) if s.role == "body"]
    first_body = body[0] if body else len(segments)
    blocks = []
    if segments[0].start > 0:
        blocks.append({"start": 0, "end": segments[0].start, "role": "body", "kind": None, "language": None})
    for k, s in enumerate(segments):
        end = segments[k + 1].start if k + 1 < len(segments) else len(text)
        kind = (
            wrapper_kind(text[s.start : s.end], before_body=k < first_body) if s.role == "wrapper" else None
        )
        blocks.append({"start": s.start, "end": end, "role": s.role, "kind": kind, "language": s.language})
    return blocks


def _cut(text: str, lo: int, hi: int, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``text[lo:hi]`` cut into pieces at passage boundaries, each with its covering passages."""
    points = {lo, hi}
    for p in spans:
        for x in (p["start"], p["end"]):
            if lo < x < hi:
                points.add(x)
    cuts = sorted(points)
    pieces = []
    for a, b in itertools.pairwise(cuts):
        covering = [p for p in spans if p["start"] <= a and b <= p["end"]]
        covering.sort(key=lambda p: (p["start"], -p["end"], p["id"]))
        pieces.append(
            {
                "text": text[a:b],
                "marks": [
                    {
                        "passage": p["id"],
                        "other": p["other"],
                        "boilerplate": p["boilerplate"],
                        "same_family": p["same_family"],
                        "anchor": f"p{p['id']}" if p["start"] == a else None,
                    }
                    for p in covering
                ],
                "ends": [
                    {
                        "passage": p["id"],
                        "other": p["other"],
                        "number": p["number"],
                        "label": p["other_label"],
                    }
                    for p in covering
                    if p["end"] == b
                ],
            }
        )
    return pieces


def _trim(pieces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop the whitespace that closes a block (blocks are spaced by the page, not by blank lines)."""
    while pieces and not pieces[-1]["marks"] and not pieces[-1]["text"].strip():
        pieces.pop()
    if pieces and not pieces[-1]["marks"]:
        pieces[-1]["text"] = pieces[-1]["text"].rstrip()
    return pieces


def document_page(
    index: Index, settings: Settings, doc_id: str, listing: Listing | None = None
) -> dict[str, Any]:
    """The whole document view (see :func:`variorum.export.report.views.document_view`).
    ``listing``, from a caller writing many pages, saves reading every document's row again."""
    num = index.num_of(doc_id)
    doc = index.document(num)
    meta = pipeline.describe_indexed(index, doc.id)
    if listing is None:
        listing = Listing.read(index)
    rows = listing.by_id
    family = rows[doc.id]["family"]
    members = listing.family_of(doc.id)
    passages = []
    for p in pipeline.passages(index, settings, doc_id=doc.id):
        other = rows.get(p["b"], {})
        passages.append(
            {
                "id": p["id"],
                "start": p["a_start"],
                "end": p["a_end"],
                "other": p["b"],
                "other_label": doc_label(other.get("path"), p["b"]),
                "other_date": other.get("date"),
                "other_start": p["b_start"],
                "other_end": p["b_end"],
                "words": p["words"],
                "identity": p["identity"],
                "boilerplate": p["boilerplate"],
                "earlier": p["earlier"],
                "same_family": bool(family) and other.get("family") == family,
                "excerpt": short(p["a_text"], EXCERPT_CHARS),
            }
        )
    passages.sort(key=lambda p: (p["start"], p["end"], p["id"]))
    # The other documents, numbered by date, so a link after a passage can be a short "[2]".
    others = sorted(
        {p["other"]: (p["other_date"], p["other_label"]) for p in passages}.items(),
        key=lambda x: (x[1][0] is None, x[1][0] or "", x[0]),
    )
    number = {other: k for k, (other, _) in enumerate(others, 1)}
    for p in passages:
        p["number"] = number[p["other"]]
    related = [
        {
            "id": r["b"]["id"],
            "label": doc_label(r["b"]["path"], r["b"]["id"]),
            "date": r["b"]["date"],
            "kind": r["kind"],
            "score": r["score"],
            "shared": r["a_coverage"],
            "summary": r["summary"],
            "version": r["kind"] in VERSION_KINDS,
            "side_by_side": _translation_rows(index, doc, num, r) if r["kind"] == "translation" else None,
        }
        for r in pipeline.relations(index, settings, doc_id=doc.id)
    ]
    blocks = []
    for b in _blocks(doc.text, index.segments(num)):
        inside = [p for p in passages if p["start"] < b["end"] and p["end"] > b["start"]]
        blocks.append({**b, "pieces": _trim(_cut(doc.text, b["start"], b["end"], inside))})
    blocks = [b for b in blocks if b["pieces"]]
    return {
        "kind": "document",
        "id": doc.id,
        "label": doc_label(doc.path, doc.id),
        "meta": meta,
        "family": family if len(members) > 1 else None,
        "family_members": [
            {"id": r["id"], "label": doc_label(r["path"], r["id"]), "date": r["date"]} for r in members
        ]
        if len(members) > 1
        else [],
        "passages": passages,
        "relations": related,
        "shared_with": [
            {
                "id": other,
                "number": k,
                "label": label,
                "date": date,
                "same_family": bool(family) and rows.get(other, {}).get("family") == family,
            }
            for k, (other, (date, label)) in enumerate(others, 1)
        ],
        "counts": {
            "passages": len(passages),
            "boilerplate": sum(1 for p in passages if p["boilerplate"]),
            "documents": len(others),
        },
        "blocks": blocks,
    }


def _translation_rows(index: Index, doc: Document, num: int, rel: dict[str, Any]) -> list[dict[str, Any]]:
    """This document and its translation side by side, paragraphs aligned, figures that differ marked."""
    from variorum.crosslang.relate import side_by_side

    other = index.num_of(rel["b"]["id"])
    a_spans = [(s.start, s.end) for s in index.segments(num)]
    b_spans = [(s.start, s.end) for s in index.segments(other)]
    return side_by_side(doc.text, a_spans, index.document(other).text, b_spans, rel["evidence"])


def doc_label(path: str | None, doc_id: str) -> str:
    """A short human name: the file name, or the id for text without one."""
    if not path or path == "-":
        return doc_id
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or doc_id
