"""Families: groups of documents that are versions of one text.

Families are built from the *version* relations of :mod:`variorum.group.relations` (copy,
revision, excerpt, translation), not from a single yes/no threshold, and not as connected
components: with single links, one stray link between two chains of versions, or one licence
that combines the grant of one text with the disclaimer of another, merges two families.

Instead, families are grown by average linkage. Every group starts as one document; the two
groups whose version relations across them have the highest average weight, counted over *all*
pairs across them (a missing relation weighs 0), are merged first, as long as at least
``family_min_linkage`` of those pairs are versions of each other. A relation weighs its score
times its embeddedness: the overlap (Jaccard) of the two documents' versions, themselves
included; a bridge between two groups has ends with few versions in common. A chain of revisions passes,
because versions two or three steps apart are still revisions of each other; two chains joined
by one bridge do not, because only that one pair across them is related; a document related to
two groups joins the one it is closer to. Ties are broken by document numbers, so the result
does not depend on the order relations come in.

A pair whose only shared text is a common ending after two different openings (see
:func:`variorum.group.relations.common_footer`) is no link: two manual pages with one footer
never start a family. But it counts as compatible in the linkage test when other versions bring
the two together: two news sites' copies of one statement under their own intros are both
versions of the statement, and so of one family.

A family's id is derived from its *founding* member, the one indexed first (lowest number):
a family keeps its id when it gains a member, and of two merged families the older id survives.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

import xxhash

from variorum.config import Settings
from variorum.group.relations import VERSION_KINDS, Relation


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
    size: dict[int, int] = {n: 1 for n in nums}
    # links[x][y] = (sum of scores, number of version relations) between groups x and y;
    # a group is named by its smallest member.
    links: dict[int, dict[int, tuple[float, int]]] = {}
    versions: dict[tuple[int, int], float] = {}
    compatible: set[tuple[int, int]] = set()
    for r in relations:
        if r.a not in size or r.b not in size or r.a == r.b:
            continue
        if r.kind not in VERSION_KINDS:
            if r.kind == "quotation" and r.evidence.get("common_footer"):
                compatible.add((min(r.a, r.b), max(r.a, r.b)))
            continue
        pair = (min(r.a, r.b), max(r.a, r.b))
        # One relation per pair: keep the stronger if a pair is given twice.
        versions[pair] = max(versions.get(pair, 0.0), max(r.score, 1e-6))
    neighbours: dict[int, set[int]] = {}
    for a, b in versions:
        neighbours.setdefault(a, {a}).add(b)
        neighbours.setdefault(b, {b}).add(a)
    for (a, b), score in versions.items():
        # Weighted by how embedded the link is: a bridge between two groups, whose ends have
        # few versions in common, counts for little even when it is a strong relation.
        na, nb = neighbours[a], neighbours[b]
        weight = score * len(na & nb) / len(na | nb)
        links.setdefault(a, {})[b] = links.setdefault(b, {})[a] = (weight, 1)
    for a, b in compatible - versions.keys():
        links.setdefault(a, {})[b] = links.setdefault(b, {})[a] = (0.0, 1)
    heap: list[tuple[float, int, int]] = []

    def push(x: int, y: int) -> None:
        total, count = links[x][y]
        pairs = size[x] * size[y]
        if total > 0 and count >= settings.family_min_linkage * pairs:
            heapq.heappush(heap, (-total / pairs, min(x, y), max(x, y)))

    for x, row in links.items():
        for y in row:
            if x < y:
                push(x, y)
    members: dict[int, list[int]] = {n: [n] for n in size}
    while heap:
        neg, x, y = heapq.heappop(heap)
        if x not in members or y not in members or y not in links.get(x, {}):
            continue
        total, _count = links[x][y]
        if abs(-neg - total / (size[x] * size[y])) > 1e-12:
            continue  # a stale entry: the groups changed since it was pushed
        # Merge y into x (x is the smaller name, so the founder stays the smallest member).
        members[x].extend(members.pop(y))
        size[x] += size.pop(y)
        row_y = links.pop(y)
        row_y.pop(x, None)
        links[x].pop(y, None)
        for k, (t, c) in row_y.items():
            links[k].pop(y, None)
            t0, c0 = links[x].get(k, (0.0, 0))
            links[x][k] = links[k][x] = (t0 + t, c0 + c)
        for k in list(links[x]):
            push(min(x, k), max(x, k))
    out: dict[int, str] = {}
    for founder, group in members.items():
        fid = family_id(ids[founder])
        for n in group:
            out[n] = fid
    return out
