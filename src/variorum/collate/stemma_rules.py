"""The stemma's costs, how it compares two witnesses' readings and how it lists its evidence.

The rules of :mod:`variorum.collate.stemma` (see its docstring), kept free of numpy: the stemma of
many witnesses computes them on arrays there, the stemma of two in pure Python
(:mod:`variorum.collate.stemma_pair`), which spares ``variorum collate --files a b`` numpy's
import (~40 ms of ~130 ms). Both read the same constants and the same keys here.
"""

from __future__ import annotations

import bisect

from rapidfuzz import fuzz

from variorum.collate.model import Variant, Witness

OMIT = 0.2  # per word the child lacks
ADD = 1.0  # per word the child has and the parent lacks
ADD_SHARED = 1.5  # ... when another witness has those words too
SUBST = 1.0  # per substantive reading changed
SUBST_SHARED = 1.5  # ... to a reading another witness has
FIX = 1.0  # the child repairs a formal slip of the parent's own
SLIP = 0.1  # the child introduces a formal difference
MOVE = 2.0  # the child has a passage in another place
LATER = 1000.0  # the child is dated before the parent
ROOT = 10_000.0  # cost of a witness being the root (only one is)
# Two witnesses are near-copies (and "copies rarely fix errors" applies) when they differ in at
# most COPY_MAX substantive readings, or COPY_SHARE of the changes they share against the parent.
COPY_MAX = 5
COPY_SHARE = 0.25

BOOTSTRAP = 100
BOOTSTRAP_LARGE = 30  # replicates for more than 20 witnesses
# Units are summed into at most this many consecutive chunks, the unit of the block bootstrap.
BOOTSTRAP_CHUNKS = 200
#: Bound on the floating-point error of a two-witness decision margin: below it the bound of
#: the two-witness test of unanimity is not trusted and the bootstrap decides. Costs are
#: multiples of 0.1 summed over at most a few thousand units (error ~1e-12); tie-breakers are
#: 1e-6 apart.
MARGIN = 1e-9


def reading_key(v: Variant, wid: str) -> str:
    r = v.readings.get(wid, "")
    if v.kind == "transposition" and v.move is not None:
        return "" if not r else ("moved" if _in_target(v, wid) else "in place")
    return " ".join(r.split()) if not v.substantive else " ".join(r.casefold().split())


def norm_key(v: Variant, w: Witness) -> str:
    """The witness's reading as normalized words: case, punctuation, number format and repaired
    split words never tell two readings apart (a unit joined across another witness's omission
    may hold such formal differences)."""
    span = v.spans.get(w.id)
    if span is None:
        return ""
    starts = w.tokens.starts
    first = bisect.bisect_left(starts, span[0])
    last = bisect.bisect_left(starts, span[1])
    return " ".join(w.tokens.norms[first:last]) or " ".join(v.readings.get(w.id, "").split())


def _in_target(v: Variant, wid: str) -> bool:
    return (v.move is not None and wid == v.move.to_witness) or (
        v.spans.get(wid) is not None
        and v.move is not None
        and v.readings.get(wid, "") == v.readings.get(v.move.to_witness, "")
    )


#: Evidence is listed heaviest first: substantive before formal, passages (``PASSAGE_WORDS`` or
#: more) before words, then moves, additions and omissions (a paragraph added or moved decides an
#: edge) before substitutions, then the changes shared by more witnesses (shared errors), then
#: the longer ones.
_KIND_WEIGHT = {"transposition": 0, "addition": 1, "omission": 1, "substitution": 2}


def evidence_key(
    v: Variant, pair: tuple[str, str] | None, shared: int, words: float, u: int
) -> tuple[bool, bool, int, int, float, int]:
    """The sort key of unit ``u`` (variant ``v``, of ``words`` words, whose most shared reading
    is read by ``shared`` witnesses) among an edge's evidence, heaviest first (see
    :data:`_KIND_WEIGHT`). With ``pair`` (parent and child ids), a unit counts as substantive for
    that edge only if the two readings differ by more than a respelling: a unit joined across a
    third witness's omission may hold "center" / "centre" between these two."""
    substantive = v.substantive and (pair is None or _differs(v, *pair))
    passage = words >= PASSAGE_WORDS
    return (not substantive, not passage, _KIND_WEIGHT.get(v.kind, 3), -shared, -float(words), u)


def _differs(v: Variant, a: str, b: str) -> bool:
    """Whether two witnesses' readings of ``v`` differ by more than a respelling (fuzz ratio of
    their folded words below ``RESPELLED``), or one of them has none, or the unit is a move."""
    ra, rb = (" ".join(v.readings.get(w, "").casefold().split()) for w in (a, b))
    if v.kind == "transposition" or not ra or not rb:
        return True
    return fuzz.ratio(ra, rb) < RESPELLED


#: A unit of this many words or more is a passage (a sentence or a paragraph), not a word.
PASSAGE_WORDS = 8
#: Readings at least this similar (fuzz ratio) are one text respelled, for ordering evidence.
RESPELLED = 95


def describe_unit(v: Variant, parent_id: str, child_id: str) -> str:
    def short(s: str) -> str:
        s = " ".join(s.split())
        return s if len(s) <= 60 else s[:59] + "…"

    rp, rc = v.readings.get(parent_id, ""), v.readings.get(child_id, "")
    if v.kind == "transposition":
        return f"moved: '{short(rc or rp)}'"
    if not rc:
        return f"omitted: '{short(rp)}'"
    if not rp:
        return f"added: '{short(rc)}'"
    return f"'{short(rp)}' → '{short(rc)}'"
