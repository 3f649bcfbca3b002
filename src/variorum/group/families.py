"""Families: documents that are versions of one text.

Two documents are linked when the passages they share cover at least ``family_min_containment``
of the body of one of them *and* at least ``family_min_mutual`` of the body of the other.
Containment (not whole-document similarity) admits abridged and expanded versions: the 2020
copy of a statement that kept half the 2018 text is still a version of it. The mutual floor
keeps out a document that merely quotes a paragraph: an op-ed quoting two paragraphs of a
ten-paragraph statement covers a fifth of neither, so it is linked by its passages only. Body
coverage leaves cover letters, notes verbales and page furniture out of both counts.

Families are the connected components of these links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import xxhash

from variorum.config import Settings


def is_version_link(a_body: float, b_body: float, settings: Settings) -> bool:
    """Whether two documents with these body coverages are versions of one text."""
    hi, lo = max(a_body, b_body), min(a_body, b_body)
    return hi >= settings.family_min_containment and lo >= settings.family_min_mutual


def family_id(member_ids: Iterable[str]) -> str:
    """A stable id for a set of documents: the same members always give the same id."""
    key = "\n".join(sorted(member_ids)).encode("utf-8")
    return "f" + xxhash.xxh3_64_hexdigest(key)[:12]


def group_families(
    nums: Iterable[int],
    links: Iterable[tuple[int, int, float, float]],
    ids: Mapping[int, str],
    settings: Settings,
) -> dict[int, str]:
    """Map every document num to its family id (a lone document is a family of one)."""
    parent: dict[int, int] = {n: n for n in nums}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, a_body, b_body in links:
        if a in parent and b in parent and is_version_link(a_body, b_body, settings):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for n in parent:
        members.setdefault(find(n), []).append(n)
    out: dict[int, str] = {}
    for group in members.values():
        fid = family_id(ids[n] for n in group)
        for n in group:
            out[n] = fid
    return out
