"""What one copy changed against another: the figures, dates, names and wording that differ.

A journalist's question about a match is "what did this copy change?". The answer is the
collation of the two texts (:mod:`variorum.collate`) read as a list of changes, each quoted in
both texts with its character offsets: the claims that changed, appeared or vanished (a figure's
value or qualifier, a date, a name, a cited document), then the substantive variants (lexical
substitutions, additions, omissions, moves) that no claim already reports. Formal variants
(case, punctuation, number format, extraction noise) are left out: they change nothing a reader
would quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from variorum.collate import collate_witnesses, make_witnesses
from variorum.collate.claims import extract_claims
from variorum.collate.model import ClaimChange, Collation, Witness
from variorum.model import Document, Segment

#: What a claim kind is called in a change list.
CLAIM_KINDS = {"quantity": "figure", "date": "date", "entity": "name", "citation": "citation"}


def changes_between(
    first: Document,
    second: Document,
    segments: Sequence[Sequence[Segment]] | None = None,
) -> list[dict[str, Any]]:
    """Changes from ``first`` (the query) to ``second`` (a match), in the reading order of ``first``.

    Each change is ``{"kind", "change", "query": {"start", "end", "text"} | None,
    "match": {"start", "end", "text"} | None}`` where ``kind`` is ``figure``, ``date``, ``name``,
    ``citation`` or ``wording`` and ``change`` is ``changed`` (both have it, differently),
    ``moved`` (wording in another place), ``query_only`` or ``match_only``: ``query`` or
    ``match`` is None where that text lacks the reading. Offsets index each
    document's own text. Identical texts have no changes.
    """
    if first.id == second.id or first.text == second.text:
        return []
    docs = [first, second]
    collation = collate_witnesses(make_witnesses(docs, segments=segments), stemma=False)
    return collation_changes(collation, docs[0].id, docs[1].id)


def collation_changes(c: Collation, query_id: str, match_id: str) -> list[dict[str, Any]]:
    """The changes of a two-witness collation, as :func:`changes_between` describes them."""
    ws = {w.id: w for w in c.witnesses}
    q, m = ws[query_id], ws[match_id]
    claims: list[dict[str, Any]] = []
    for claim in c.claims:
        qs, ms = _claim_span(c, claim, q), _claim_span(c, claim, m)
        kind = CLAIM_KINDS.get(claim.kind, claim.kind)
        claims.append({"kind": kind, "change": _side(qs, ms, "changed"), "query": qs, "match": ms})
    wording: list[dict[str, Any]] = []
    for v in c.variants:
        if not v.substantive or v.wrapper:
            continue
        qs, ms = _span(q, v.spans.get(query_id)), _span(m, v.spans.get(match_id))
        how = "moved" if v.kind == "transposition" else "changed"
        wording.append({"kind": "wording", "change": _side(qs, ms, how), "query": qs, "match": ms})
    # One place, one change: a changed claim covers the wording around it, and a figure or name
    # inside a dropped or added stretch is part of that stretch.
    changed = _spans(x for x in claims if x["change"] == "changed")
    one_sided = _spans(x for x in wording if x["change"] in ("query_only", "match_only"))
    kept = [x for x in claims if x["change"] == "changed" or not _covered(x, one_sided)]
    kept += [x for x in wording if not _covered(x, changed)]
    kept.sort(key=_order)
    return kept


def _side(q: dict[str, Any] | None, m: dict[str, Any] | None, both: str) -> str:
    return both if q is not None and m is not None else ("query_only" if q is not None else "match_only")


def _spans(items: Any) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {"query": [], "match": []}
    for item in items:
        for side in ("query", "match"):
            if item[side] is not None:
                out[side].append((item[side]["start"], item[side]["end"]))
    return out


def _covered(item: dict[str, Any], spans: dict[str, list[tuple[int, int]]]) -> bool:
    """True when every side ``item`` has lies inside one of ``spans`` on that side."""
    sides = [side for side in ("query", "match") if item[side] is not None]
    return bool(sides) and all(
        any(s <= item[side]["start"] and item[side]["end"] <= e for s, e in spans[side]) for side in sides
    )


def _span(w: Witness, span: tuple[int, int] | None) -> dict[str, Any] | None:
    if span is None or span[0] == span[1]:
        return None
    start, end = span
    return {"start": start, "end": end, "text": w.text[start:end]}


def _claim_span(c: Collation, claim: ClaimChange, w: Witness) -> dict[str, Any] | None:
    """Where ``w`` has the reading of ``claim``: the extracted claim at the claim's column."""
    reading = claim.readings.get(w.id) or ""
    if not reading:
        return None
    k = c.witnesses.index(w)
    tok = c.table.columns[claim.column][k] if claim.column < len(c.table.columns) else None
    at = w.tokens.starts[tok] if tok is not None else None
    found = [x for x in extract_claims(w.text) if x.text == reading]
    if not found:
        return None
    if at is not None:
        near = [x for x in found if x.start <= at < x.end]
        found = near or sorted(found, key=lambda x: abs(x.start - at))
    x = found[0]
    return {"start": x.start, "end": x.end, "text": x.text}


def _order(item: dict[str, Any]) -> tuple[int, int]:
    q, m = item["query"], item["match"]
    return (q["start"] if q else 1 << 62, m["start"] if m else 1 << 62)


__all__ = ["CLAIM_KINDS", "changes_between", "collation_changes"]
