"""Boilerplate: short formulaic passages that recur across unrelated documents.

Letterheads, "I have the honour to transmit herewith ...", agency sign-offs and site footers are
shared by many documents that are otherwise unrelated. A passage is flagged as boilerplate when
it is short (at most ``boilerplate_max_words``) and the stretch of text it covers in one of its
documents is shared, by overlapping passages, with documents of at least
``boilerplate_families`` distinct families (counting the document's own).

A paragraph that many documents republish from one statement is that statement, not a formula:
news sites quoting the same two paragraphs are as many families as there are sites. So a
passage that lies in the *body* of both of its documents (not in a cover note, header or
footer) needs a wider spread, ``boilerplate_body_families``. Text shared inside one family,
and text shared by two documents in a version relation, is never boilerplate; nor is long
shared text, which is a republished text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from variorum.config import Settings


def _overlaps(s0: int, e0: int, s1: int, e1: int) -> bool:
    """At least half of the shorter interval lies in the other."""
    inter = min(e0, e1) - max(s0, s1)
    return inter > 0 and inter * 2 >= min(e0 - s0, e1 - s1)


def flag_boilerplate(
    passages: Sequence[tuple[int, int, int, int, int, int, int, int]],
    family_of: Mapping[int, str],
    settings: Settings,
    *,
    in_body: Callable[[int, int, int], bool] | None = None,
    versions: set[tuple[int, int]] | None = None,
) -> set[int]:
    """Ids of boilerplate passages among rows ``(id, a, b, a_start, a_end, b_start, b_end, words)``.

    ``in_body(doc, start, end)`` tells whether a stretch lies in the body of ``doc`` (without
    it, every stretch counts as body); ``versions`` holds the ``(a, b)`` pairs (``a < b``) in a
    version relation, whose passages are never boilerplate.
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
    for pid, a, b, a0, a1, b0, b1, words in passages:
        if words > settings.boilerplate_max_words:
            continue
        if family_of.get(a) is not None and family_of.get(a) == family_of.get(b):
            continue
        if (min(a, b), max(a, b)) in protected:
            continue
        reach = max(spread.get((a, pid), 0), spread.get((b, pid), 0))
        if reach < settings.boilerplate_families:
            continue
        body = in_body is None or (in_body(a, a0, a1) and in_body(b, b0, b1))
        if not body or reach >= settings.boilerplate_body_families:
            flagged.add(pid)
    return flagged
