"""A query result as the stretches of the queried text, for the query page.

``pipeline.query`` answers per matched document (its passages) plus the stretches found nowhere.
A reader of the page wants the text itself, in order: each stretch either recycled (with every
earlier document it was found in, linked at the passage), new, or the plain gap between words.
Passages from different sources overlap, so the text is cut at every passage boundary and
each piece carries the set of sources covering it; neighbouring pieces with the same sources
are joined again.

A query passage is not a stored passage (the query is never indexed), so it has no anchor of its
own on the source's page; it is linked at the stored passage of the source that overlaps it most
(``p<id>``, the anchor document pages carry), and at the top of the page when there is none.
"""

from __future__ import annotations

import itertools
from typing import Any

from variorum.export.report.document import doc_label
from variorum.store.index import Index

#: ``(document id, start, end)`` of a query passage on its source -> the anchor to link it at
Anchors = dict[tuple[str, int, int], str | None]


def source_anchors(index: Index, result: dict[str, Any]) -> Anchors:
    """For each passage of a query result, the stored passage of its source overlapping it most."""
    anchors: Anchors = {}
    for match in result["matches"]:
        doc_id = match["document"]["id"]
        num = index.num_of(doc_id)
        stored = []
        for pid, a, _b, a0, a1, b0, b1, *_rest in index.passage_rows(num):
            start, end = (a0, a1) if a == num else (b0, b1)
            stored.append((pid, start, end))
        for p in match["passages"]:
            s, e = p["b_start"], p["b_end"]
            best, overlap = None, 0
            for pid, start, end in stored:
                inter = min(e, end) - max(s, start)
                if inter > overlap:
                    best, overlap = f"p{pid}", inter
            anchors[(doc_id, s, e)] = best
    return anchors


def stretches(text: str, result: dict[str, Any], anchors: Anchors) -> list[dict[str, Any]]:
    """The whole of ``text`` as consecutive stretches ``{"kind", "start", "end", "text", "sources"}``.

    ``kind`` is ``"recycled"``, ``"new"`` or ``"plain"`` (whitespace and punctuation between new
    and recycled words). ``sources`` (recycled only) lists ``{"number", "document", "label",
    "date", "anchor", "identity", "boilerplate"}``, one per matched document covering the
    stretch (earliest first), where ``number`` is the document's place in ``result["matches"]``
    counted from 1.
    """
    cover: list[tuple[int, int, dict[str, Any]]] = []
    for number, match in enumerate(result["matches"], start=1):
        doc = match["document"]
        for p in match["passages"]:
            source = {
                "number": number,
                "document": doc["id"],
                "label": doc_label(doc["path"], doc["id"]),
                "date": doc["date"],
                "anchor": anchors.get((doc["id"], p["b_start"], p["b_end"])),
                "identity": p["identity"],
                "boilerplate": p["boilerplate"],
            }
            cover.append((p["a_start"], p["a_end"], source))
    cuts = {0, len(text)}
    for start, end, _ in cover:
        cuts.update((start, end))
    new_spans = [(s["start"], s["end"]) for s in result["new"]]
    for start, end in new_spans:
        cuts.update((start, end))
    points = sorted(c for c in cuts if 0 <= c <= len(text))

    out: list[dict[str, Any]] = []
    for start, end in itertools.pairwise(points):
        if start == end:
            continue
        sources = _sources_over(cover, start, end)
        if sources:
            kind = "recycled"
        elif any(s <= start and end <= e for s, e in new_spans):
            kind = "new"
        else:
            kind = "plain"
        last = out[-1] if out else None
        if last is not None and last["kind"] == kind and _same(last["sources"], sources):
            last["end"] = end
            continue
        out.append({"kind": kind, "start": start, "end": end, "sources": sources})
    for s in out:
        s["text"] = text[s["start"] : s["end"]]
    return out


def _sources_over(cover: list[tuple[int, int, dict[str, Any]]], start: int, end: int) -> list[dict[str, Any]]:
    """The sources whose passage covers ``start..end``, one per document (its first passage),
    earliest first: the reader looks for where the text first appeared."""
    found: dict[str, dict[str, Any]] = {}
    for s, e, source in cover:
        if s <= start and end <= e and source["document"] not in found:
            found[source["document"]] = source
    return sorted(found.values(), key=lambda s: (s["date"] is None, s["date"] or "", s["number"]))


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    return [(s["document"], s["anchor"]) for s in a] == [(s["document"], s["anchor"]) for s in b]
