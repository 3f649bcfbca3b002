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

import numpy as np

from variorum.config import Settings


def _overlaps(s0: int, e0: int, s1: int, e1: int) -> bool:
    """At least half of the shorter interval lies in the other."""
    inter = min(e0, e1) - max(s0, s1)
    return inter > 0 and inter * 2 >= min(e0 - s0, e1 - s1)


def _words_away(spans: Sequence[tuple[int, int, int]], x0: int, x1: int) -> int:
    """The words of ``spans`` ``(start, end, words)`` that do not :func:`_overlaps` ``[x0, x1)``:
    the test written out inline, as it runs for every passage of every pair."""
    words = 0
    n0 = x1 - x0
    for p0, p1, w in spans:
        inter = (x1 if x1 < p1 else p1) - (x0 if x0 > p0 else p0)
        if inter <= 0:
            words += w
        else:
            n1 = p1 - p0
            if inter * 2 < (n0 if n0 < n1 else n1):
                words += w
    return words


def formula_passages(
    passages: Sequence[tuple[int, int, int, int, int, int, int, int]],
    body_words: Mapping[int, int],
    settings: Settings,
    *,
    edited: set[tuple[int, int]] | None = None,
) -> set[int]:
    """Ids of passages that are a formula however long: text recurring among at least
    ``formula_min_documents`` documents, under half of the body of at least half of them, most
    pairs of which share nothing else, between two of them that share nothing else either.

    A manual page's translated footer (170 to 190 words in Polish) ends every page of its
    package; most pages share nothing but it, and two one-line commands whose pages are nearly
    all footer are two texts with one formula, not copies. A statement's paragraph quoted by
    news sites recurs among versions that share the rest of the statement too, and between two
    versions it is never a formula. "Nothing else" is less than ``formula_other_share`` of the
    smaller body shared outside the stretch; ``edited`` pairs ``(a, b)``, ``a < b``, share
    more in in-order runs than in passages (one text edited sentence by sentence) and are always
    related. At most ``formula_sample`` documents of a stretch are compared pairwise, so that a
    footer on thousands of pages costs no more than on twelve.

    The documents holding a stretch are found with numpy over its document's passages (a walk
    over them in Python, kept as the reference in tests/boilerplate_reference.py, was most of the
    cost on manual pages, each sharing its footer with hundreds of others); a test keeps the two
    equal.
    """
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
    # Per document, its sorted spans as columns: start, end, partner, the partner's start and
    # end, words, and the partner's body words.
    columns: dict[int, tuple[np.ndarray, ...]] = {}

    def columns_of(doc: int) -> tuple[np.ndarray, ...]:
        got = columns.get(doc)
        if got is None:
            table = np.array(spans[doc], dtype=np.int64).reshape(-1, 6)
            partner_words = np.array([body_words.get(o, 0) for o in table[:, 2].tolist()], dtype=np.int64)
            got = columns[doc] = (*table.T, partner_words)
        return got

    known: dict[tuple[int, int, int, int], bool] = {}

    def related(x: int, y: int, x0: int, x1: int) -> bool:
        """Whether ``x`` and ``y`` share text away from ``x``'s stretch ``[x0, x1)`` (memoized:
        every passage of one footer asks about the same pairs)."""
        key = (x, y, x0, x1)
        if key not in known:
            if (min(x, y), max(x, y)) in edited:
                known[key] = True
            else:
                least = min(body_words.get(x, 0), body_words.get(y, 0))
                known[key] = _words_away(by_pair.get((x, y), ()), x0, x1) >= max(
                    1, s.formula_other_share * least
                )
        return known[key]

    formula: set[int] = set()
    verdict: dict[tuple[int, int], bool] = {}  # (doc, passage id) -> the stretch is a formula
    seen: dict[tuple[tuple[int, int, int], ...], bool] = {}
    for pid, a, b, a0, a1, b0, b1, words in passages:
        if related(a, b, a0, a1):
            continue
        for doc, s0, e0 in ((a, a0, a1), (b, b0, b1)):
            key = (doc, pid)
            if key not in verdict:
                # The stretch as each of its documents has it: doc's own, the partners' sides.
                # A partner holds it when it has at least half of it, not merely a footer
                # inside a whole page this passage spans; its first such passage, in order of
                # the spans, gives its side.
                start, end, other, q0, q1, w, other_words = columns_of(doc)
                held = np.flatnonzero(
                    (start < e0) & ((np.minimum(e0, end) - np.maximum(s0, start)) * 2 >= e0 - s0)
                )
                partners, first = np.unique(other[held], return_index=True)
                chosen = held[first]
                members: dict[int, tuple[int, int]] = {doc: (s0, e0)}
                members.update(
                    zip(
                        partners.tolist(),
                        zip(q0[chosen].tolist(), q1[chosen].tolist(), strict=True),
                        strict=True,
                    )
                )
                # Documents the stretch is under half of, this one included.
                minority = int(words * 2 < body_words.get(doc, 0))
                minority += int(np.count_nonzero(w[chosen] * 2 < other_words[chosen]))
                verdict[key] = minority * 2 >= len(members) and _is_formula(members, related, s, seen)
            if verdict[key]:
                formula.add(pid)
                break
    return formula


def _is_formula(
    members: Mapping[int, tuple[int, int]],
    related,
    s: Settings,
    seen: dict[tuple[tuple[int, int, int], ...], bool],
) -> bool:
    """Whether most pairs among the (first ``formula_sample``) documents holding a stretch share
    nothing but it. ``seen`` keeps the answer for each sample (documents and their sides of the
    stretch): every passage of one footer samples the same documents, and asking ``related``
    about their 66 pairs again was most of the cost on manual pages."""
    if len(members) < s.formula_min_documents:
        return False
    docs = sorted(members)[: s.formula_sample]
    sample = tuple((x, *members[x]) for x in docs)
    got = seen.get(sample)
    if got is None:
        pairs = [(x, y) for i, x in enumerate(docs) for y in docs[i + 1 :]]
        otherwise = sum(1 for x, y in pairs if related(x, y, *members[x]))
        got = seen[sample] = otherwise * 2 < len(pairs)
    return got


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
    for items in spans.values():
        items.sort()
    out: set[tuple[int, int]] = set()
    enough = settings.boilerplate_families
    for (a, b), (a0, a1, b0, b1) in last.items():
        # Each of the two lists holds the pair's own passage, which adds no document: a pair
        # whose two documents share text with nobody else (most of them) is not searched.
        if len(spans[a]) + len(spans[b]) < enough:
            continue
        if _found_in(a, b, ((a, a0, a1), (b, b0, b1)), spans, enough):
            out.add((a, b))
    return out


def _found_in(
    a: int,
    b: int,
    stretches: Sequence[tuple[int, int, int]],
    spans: Mapping[int, list[tuple[int, int, int]]],
    enough: int,
) -> bool:
    """Whether at least ``enough`` documents, ``a`` and ``b`` included, share one of the
    ``(doc, start, end)`` stretches; stops at the first that makes it enough."""
    docs = {a, b}
    for doc, s0, e0 in stretches:
        n0 = e0 - s0
        for s1, e1, other in spans[doc]:
            if s1 >= e0:
                break
            if other in docs:
                continue
            # :func:`_overlaps` written out: it runs for every passage near every pair's ending.
            inter = (e0 if e0 < e1 else e1) - (s0 if s0 > s1 else s1)
            n1 = e1 - s1
            if inter > 0 and inter * 2 >= (n0 if n0 < n1 else n1):
                docs.add(other)
                if len(docs) >= enough:
                    return True
    return len(docs) >= enough


def _spread_below(items: Sequence[tuple[int, int, int, int]], own: int, enough: int) -> bool:
    """Whether no stretch of a document can spread to ``enough`` groups: a spread counts the
    groups of the partners (``items``' third column) and the document's own, so it is at most
    as many as there are of those. Most documents share text with one or two others, and the
    arrays :func:`flag_boilerplate` makes for one cost more than this test."""
    groups = {item[2] for item in items}
    return len(groups) + (own not in groups) < enough


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

    The spread of a stretch is counted only for the passages that can be flagged (short, not
    between versions), and for all of one document's at once with numpy: a footer shared with
    hundreds of pages made the stretch-by-stretch count (kept as the reference in
    tests/boilerplate_reference.py, which a test keeps equal to this) quadratic in Python in each
    page's passages.
    """
    enough = settings.boilerplate_families
    protected = versions or set()
    short = {
        pid
        for pid, a, b, *_spans, words in passages
        if words <= settings.boilerplate_max_words and (min(a, b), max(a, b)) not in protected
    }
    if not short:
        return set()
    codes: dict[str, int] = {}
    code_of: dict[int, int] = {}  # each document's code, looked up once

    def code(doc: int) -> int:
        got = code_of.get(doc)
        if got is None:
            got = code_of[doc] = codes.setdefault(family_of.get(doc, str(doc)), len(codes))
        return got

    # Per document, the intervals it shares: (start, end, the partner's family, passage id).
    spans: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for pid, a, b, a0, a1, b0, b1, _ in passages:
        # (the codes looked up here first: a call of ``code`` for each cost as much again)
        code_b = code_of.get(b)
        spans[a].append((a0, a1, code(b) if code_b is None else code_b, pid))
        code_a = code_of.get(a)
        spans[b].append((b0, b1, code(a) if code_a is None else code_a, pid))
    flagged: set[int] = set()
    for doc, items in spans.items():
        rows = [i for i, item in enumerate(items) if item[3] in short and item[3] not in flagged]
        if not rows or _spread_below(items, code(doc), enough):
            continue
        table = np.array(items, dtype=np.int64)
        start, end, fam = table[:, 0], table[:, 1], table[:, 2]
        length = end - start
        # Columns grouped by family: a stretch's spread is its own family and those of the
        # groups holding at least one overlapping interval.
        order = np.argsort(fam, kind="stable")
        fams = fam[order]
        firsts = np.flatnonzero(np.r_[True, fams[1:] != fams[:-1]])
        own = fams[firsts] == code(doc)
        start, end, length = start[order], end[order], length[order]
        step = max(1, (1 << 21) // len(items))
        for at in range(0, len(rows), step):
            chunk = np.array(rows[at : at + step])
            s0, e0 = table[chunk, 0:1], table[chunk, 1:2]
            inter = np.minimum(e0, end) - np.maximum(s0, start)
            overlaps = (inter > 0) & (inter * 2 >= np.minimum(e0 - s0, length))
            held = np.logical_or.reduceat(overlaps, firsts, axis=1)
            spread = held.sum(axis=1) + ~held[:, own].any(axis=1)
            flagged.update(
                items[r][3] for r, n in zip(chunk.tolist(), spread.tolist(), strict=True) if n >= enough
            )
    return flagged
