"""The plain, stretch-by-stretch versions of :mod:`variorum.group.boilerplate`'s counts: the
references its vectorised code is tested against (``tests/test_families.py``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from variorum.config import Settings
from variorum.group.boilerplate import _overlaps


def flag_boilerplate_reference(
    passages: Sequence[tuple[int, int, int, int, int, int, int, int]],
    family_of: Mapping[int, str],
    settings: Settings,
    *,
    versions: set[tuple[int, int]] | None = None,
) -> set[int]:
    """:func:`flag_boilerplate` stretch by stretch in Python: the plain reference its tests
    compare with."""
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


def formula_passages_reference(
    passages: Sequence[tuple[int, int, int, int, int, int, int, int]],
    body_words: Mapping[int, int],
    settings: Settings,
    *,
    edited: set[tuple[int, int]] | None = None,
) -> set[int]:
    """:func:`formula_passages` with each stretch's documents found by a walk over its
    document's passages in Python: the plain reference its tests compare with."""
    edited = edited or set()
    s = settings
    by_pair: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    # Per document, its shared spans with the partner and the partner's side of each.
    spans: dict[int, list[tuple[int, int, int, int, int, int]]] = defaultdict(list)
    for _pid, a, b, a0, a1, b0, b1, words in passages:
        by_pair[(a, b)].append((a0, a1, words))
        by_pair[(b, a)].append((b0, b1, words))
        spans[a].append((a0, a1, b, b0, b1, words))
        spans[b].append((b0, b1, a, a0, a1, words))
    for items in spans.values():
        items.sort()
    known: dict[tuple[int, int, int, int], bool] = {}

    def related(x: int, y: int, x0: int, x1: int) -> bool:
        """Whether ``x`` and ``y`` share text away from ``x``'s stretch ``[x0, x1)`` (memoized:
        every passage of one footer asks about the same pairs)."""
        key = (x, y, x0, x1)
        if key not in known:
            if (min(x, y), max(x, y)) in edited:
                known[key] = True
            else:
                words = sum(w for p0, p1, w in by_pair.get((x, y), ()) if not _overlaps(x0, x1, p0, p1))
                least = min(body_words.get(x, 0), body_words.get(y, 0))
                known[key] = words >= max(1, s.formula_other_share * least)
        return known[key]

    formula: set[int] = set()
    verdict: dict[tuple[int, int], bool] = {}  # (doc, passage id) -> the stretch is a formula
    for pid, a, b, a0, a1, b0, b1, words in passages:
        if related(a, b, a0, a1):
            continue
        for doc, s0, e0 in ((a, a0, a1), (b, b0, b1)):
            key = (doc, pid)
            if key not in verdict:
                # The stretch as each of its documents has it: doc's own, the partners' sides.
                members: dict[int, tuple[int, int]] = {doc: (s0, e0)}
                # Documents the stretch is under half of, this one included.
                minority = int(words * 2 < body_words.get(doc, 0))
                for s1, e1, other, q0, q1, w in spans[doc]:
                    if s1 >= e0:
                        break
                    # The other document has (at least half of) this stretch, not merely a
                    # footer inside a whole page this passage spans.
                    if other not in members and (min(e0, e1) - max(s0, s1)) * 2 >= e0 - s0:
                        members[other] = (q0, q1)
                        minority += w * 2 < body_words.get(other, 0)
                verdict[key] = minority * 2 >= len(members) and _is_formula_reference(members, related, s)
            if verdict[key]:
                formula.add(pid)
                break
    return formula


def _is_formula_reference(members: Mapping[int, tuple[int, int]], related, s: Settings) -> bool:
    """:func:`_is_formula`, every pair counted."""
    if len(members) < s.formula_min_documents:
        return False
    docs = sorted(members)[: s.formula_sample]
    pairs = [(x, y) for i, x in enumerate(docs) for y in docs[i + 1 :]]
    otherwise = sum(1 for x, y in pairs if related(x, y, *members[x]))
    return otherwise * 2 < len(pairs)


def recurring_endings_reference(
    passages: Sequence[tuple[int, int, int, int, int, int, int, int]], s: Settings
) -> set[tuple[int, int]]:
    """Every pair whose last stretch (in ``a``) overlaps, in either document, passages shared
    with enough other documents: each pair searched in full."""
    last: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for _pid, a, b, a0, a1, b0, b1, _ in passages:
        pair, stretch = ((a, b), (a0, a1, b0, b1)) if a < b else ((b, a), (b0, b1, a0, a1))
        if pair not in last or stretch[0] > last[pair][0]:
            last[pair] = stretch
    out = set()
    for (a, b), (a0, a1, b0, b1) in last.items():
        docs = {a, b}
        for _pid, x, y, x0, x1, y0, y1, _ in passages:
            for doc, s0, e0 in ((a, a0, a1), (b, b0, b1)):
                if x == doc and _overlaps(s0, e0, x0, x1):
                    docs.add(y)
                if y == doc and _overlaps(s0, e0, y0, y1):
                    docs.add(x)
        if len(docs) >= s.boilerplate_families:
            out.add((a, b))
    return out
