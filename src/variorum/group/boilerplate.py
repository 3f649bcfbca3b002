"""Boilerplate: short formulaic passages that recur across otherwise unrelated documents.

Letterheads, "I have the honour to transmit herewith ...", agency sign-offs, site footers, the
footer and stock option help of manual pages, and licence disclaimers are shared by many
documents that are otherwise unrelated. A passage is flagged as boilerplate when it is short (at
most ``boilerplate_max_words``) and the stretch of text it covers in one of its documents is
shared, by overlapping passages, with at least ``boilerplate_families`` groups of documents
(counting the document's own).

The caller decides what a group is and which pairs are protected
(:func:`variorum.group.relate.relate`: groups of copies, so that the same text republished counts
once; pairs inside one family, so that a paragraph every version of a statement repeats is never
boilerplate between two of them). The same paragraph quoted by three news sites under their own
intros is flagged for those quoting pairs, which changes their relation from ``quotation`` to
``boilerplate`` and nothing else. Long shared text is a republished text, never boilerplate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from variorum.config import Settings


def _overlaps(s0: int, e0: int, s1: int, e1: int) -> bool:
    """At least half of the shorter interval lies in the other."""
    inter = min(e0, e1) - max(s0, s1)
    return inter > 0 and inter * 2 >= min(e0 - s0, e1 - s1)


def recurring_endings(
    passages: Sequence[tuple[int, int, int, int, int, int, int, int]], settings: Settings
) -> set[tuple[int, int]]:
    """Pairs ``(a, b)`` (``a < b``) whose last shared stretch is shared with other documents
    too: at least ``boilerplate_families`` documents in all, the pair included.

    The footer of a manual page ends every page of its package; the ending of one statement that
    two news sites copied under their own intros is in those two only, unless the statement
    itself (or a third copy) is indexed too.
    """
    spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    last: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for _pid, a, b, a0, a1, b0, b1, _ in passages:
        spans[a].append((a0, a1, b))
        spans[b].append((b0, b1, a))
        pair, stretch = ((a, b), (a0, a1, b0, b1)) if a < b else ((b, a), (b0, b1, a0, a1))
        if pair not in last or stretch[0] > last[pair][0]:
            last[pair] = stretch
    out: set[tuple[int, int]] = set()
    for (a, b), (a0, a1, b0, b1) in last.items():
        docs = {a, b}
        for doc, s0, e0 in ((a, a0, a1), (b, b0, b1)):
            docs.update(other for s1, e1, other in spans[doc] if _overlaps(s0, e0, s1, e1))
        if len(docs) >= settings.boilerplate_families:
            out.add((a, b))
    return out


def flag_boilerplate(
    passages: Sequence[tuple[int, int, int, int, int, int, int, int]],
    family_of: Mapping[int, str],
    settings: Settings,
    *,
    versions: set[tuple[int, int]] | None = None,
) -> set[int]:
    """Ids of boilerplate passages among rows ``(id, a, b, a_start, a_end, b_start, b_end, words)``.

    ``family_of`` maps documents to their groups (a document missing is a group of its own);
    ``versions`` holds the ``(a, b)`` pairs (``a < b``) whose passages are never boilerplate.
    """
    # Per document, the intervals it shares and the partner's family.
    spans: dict[int, list[tuple[int, int, str, int]]] = defaultdict(list)
    for pid, a, b, a0, a1, b0, b1, _ in passages:
        spans[a].append((a0, a1, family_of.get(b, str(b)), pid))
        spans[b].append((b0, b1, family_of.get(a, str(a)), pid))
    spread: dict[tuple[int, int], int] = {}
    for doc, items in spans.items():
        items.sort()
        own = family_of.get(doc, str(doc))
        for s0, e0, _fam, pid in items:
            fams = {own}
            for s1, e1, fam1, _ in items:
                if s1 >= e0:
                    break
                if _overlaps(s0, e0, s1, e1):
                    fams.add(fam1)
            spread[(doc, pid)] = len(fams)
    flagged: set[int] = set()
    protected = versions or set()
    for pid, a, b, *_spans, words in passages:
        if words > settings.boilerplate_max_words:
            continue
        if (min(a, b), max(a, b)) in protected:
            continue
        if max(spread.get((a, pid), 0), spread.get((b, pid), 0)) >= settings.boilerplate_families:
            flagged.add(pid)
    return flagged
