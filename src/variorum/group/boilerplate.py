"""Boilerplate: short passages that recur across unrelated documents.

Letterheads, "I have the honour to transmit herewith ...", agency sign-offs and site footers are
shared by many documents that are otherwise unrelated. A passage is flagged as boilerplate when
it is short (at most ``boilerplate_max_words``) and the stretch of text it covers in one of its
documents is shared, by overlapping passages, with documents of at least
``boilerplate_families`` distinct families (counting the document's own). Text shared inside
one family, however often, is the family's own text, and long shared text is a republished text,
never boilerplate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from variorum.config import Settings


def _overlaps(s0: int, e0: int, s1: int, e1: int) -> bool:
    """At least half of the shorter interval lies in the other."""
    inter = min(e0, e1) - max(s0, s1)
    return inter > 0 and inter * 2 >= min(e0 - s0, e1 - s1)


def flag_boilerplate(
    passages: Sequence[tuple[int, int, int, int, int, int, int, int]],
    family_of: Mapping[int, str],
    settings: Settings,
) -> set[int]:
    """Ids of boilerplate passages among rows ``(id, a, b, a_start, a_end, b_start, b_end, words)``."""
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
    for pid, a, b, *_rest, words in passages:
        if words > settings.boilerplate_max_words:
            continue
        if family_of.get(a) is not None and family_of.get(a) == family_of.get(b):
            continue
        if max(spread.get((a, pid), 0), spread.get((b, pid), 0)) >= settings.boilerplate_families:
            flagged.add(pid)
    return flagged
