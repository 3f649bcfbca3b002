"""From stored alignments to relations, families and boilerplate, in one pure function.

The local engine (:func:`variorum.pipeline.refresh`) and the Spark engine both call
:func:`relate`, so they agree by construction. The steps depend on one another in one
direction only:

1. every aligned pair gets a relation (:mod:`variorum.group.relations`);
2. families are grown from the version relations (:mod:`variorum.group.families`);
3. boilerplate is what recurs across families outside version relations
   (:mod:`variorum.group.boilerplate`);
4. a pair whose every passage is boilerplate, and that is no version, becomes a
   ``boilerplate`` relation.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from variorum.config import Settings
from variorum.group.boilerplate import flag_boilerplate
from variorum.group.families import group_families
from variorum.group.relations import VERSION_KINDS, PairFacts, Relation, classify_all

#: ``(id, a, b, a_start, a_end, b_start, b_end, words)``
PassageRow = tuple[int, int, int, int, int, int, int, int]


def _in_spans(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """At least half of ``[start, end)`` lies inside the sorted, disjoint ``spans``."""
    if end <= start:
        return False
    inside = 0
    i = max(0, bisect.bisect_right(spans, (start, 1 << 62)) - 1)
    while i < len(spans) and spans[i][0] < end:
        s, e = spans[i]
        inside += max(0, min(e, end) - max(s, start))
        i += 1
    return inside * 2 >= end - start


def relate(
    ids: Mapping[int, str],
    facts: Iterable[PairFacts],
    passages: Sequence[PassageRow],
    settings: Settings,
    *,
    body_spans: Mapping[int, Sequence[tuple[int, int]]] | None = None,
    extra: Iterable[Relation] = (),
) -> tuple[list[Relation], dict[int, str], set[int]]:
    """Relations, the family of every document, and the ids of boilerplate passages.

    ``body_spans`` gives the body character spans of documents (at least of those with short
    passages); without it every stretch counts as body. ``extra`` adds relations found without
    passages (translations).
    """
    facts = list(facts)
    first = classify_all(facts, settings) + list(extra)
    family_of = group_families(ids, first, ids, settings)
    versions = {(r.a, r.b) for r in first if r.kind in VERSION_KINDS}
    spans = body_spans

    def in_body(doc: int, start: int, end: int) -> bool:
        return spans is None or doc not in spans or _in_spans(spans[doc], start, end)

    flagged = flag_boilerplate(passages, family_of, settings, in_body=in_body, versions=versions)
    per_pair: dict[tuple[int, int], list[bool]] = defaultdict(list)
    for pid, a, b, *_ in passages:
        per_pair[(min(a, b), max(a, b))].append(pid in flagged)
    only_boiler = {pair for pair, marks in per_pair.items() if marks and all(marks)}
    relations = classify_all(facts, settings, only_boiler) + list(extra)
    relations.sort(key=lambda r: (r.a, r.b, r.kind))
    return relations, family_of, flagged
