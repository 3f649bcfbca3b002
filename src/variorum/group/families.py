"""Families: groups of documents that are versions of one text.

Families are built from the *version* relations of :mod:`variorum.group.relations` (copy,
revision, excerpt, translation), not from a single yes/no threshold, and not as connected
components: with single links, one stray link between two chains of versions, or one
compilation that contains two different texts, merges two families into one.

Instead, version links are taken most embedded first: by the overlap of the two documents'
neighbourhoods (the documents each shares text with, itself included; Jaccard), then by kind
(copy, excerpt, revision, translation) and score. A link joins its two groups only when the
groups are *densely* related: at least ``family_min_linkage`` of the document pairs across them
share text at all (any relation but boilerplate). A chain of revisions passes, because versions
two or three steps apart still share text; two chains joined by one bridge do not, because only
that one pair across them does, and the bridge, whose two ends have few neighbours in common,
comes last. The order of the links is fixed (embeddedness, kind, score, then document numbers),
so the result does not depend on the order documents were added in.

A family's id is derived from its *founding* member, the one indexed first (lowest number):
a family keeps its id when it gains a member, and of two merged families the older id survives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import xxhash

from variorum.config import Settings
from variorum.group.relations import VERSION_KINDS, Relation

# Links are taken in this order of kinds: the surest evidence decides first.
_KIND_RANK = {"copy": 0, "excerpt": 1, "revision": 2, "translation": 3}


def family_id(founder_id: str) -> str:
    """The id of the family founded by the document ``founder_id``; stable across runs."""
    return "f" + xxhash.xxh3_64_hexdigest(founder_id.encode("utf-8"))[:12]


def group_families(
    nums: Iterable[int],
    relations: Iterable[Relation],
    ids: Mapping[int, str],
    settings: Settings,
) -> dict[int, str]:
    """Map every document num to its family id (a lone document is a family of one)."""
    rels = list(relations)
    related: set[tuple[int, int]] = {(r.a, r.b) for r in rels if r.kind != "boilerplate"}
    members: dict[int, list[int]] = {n: [n] for n in nums}
    group_of: dict[int, int] = {n: n for n in members}
    neighbours: dict[int, set[int]] = {}
    for a, b in related:
        neighbours.setdefault(a, {a}).add(b)
        neighbours.setdefault(b, {b}).add(a)

    def embeddedness(r: Relation) -> float:
        na, nb = neighbours.get(r.a, {r.a}), neighbours.get(r.b, {r.b})
        return round(len(na & nb) / len(na | nb), 6)

    links = sorted(
        (r for r in rels if r.kind in VERSION_KINDS and r.a in group_of and r.b in group_of),
        key=lambda r: (-embeddedness(r), _KIND_RANK[r.kind], -r.score, r.a, r.b),
    )
    for r in links:
        ga, gb = group_of[r.a], group_of[r.b]
        if ga == gb:
            continue
        left, right = members[ga], members[gb]
        if len(left) * len(right) > 1:
            across = sum(1 for x in left for y in right if (min(x, y), max(x, y)) in related)
            if across < settings.family_min_linkage * len(left) * len(right):
                continue
        keep, gone = (ga, gb) if ga < gb else (gb, ga)
        members[keep].extend(members.pop(gone))
        for n in members[keep]:
            group_of[n] = keep
    out: dict[int, str] = {}
    for group in members.values():
        fid = family_id(ids[min(group)])
        for n in group:
            out[n] = fid
    return out
