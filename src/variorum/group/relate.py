"""From stored alignments to relations, families and boilerplate, in one pure function.

The local engine (:func:`variorum.pipeline.refresh`) and the Spark engine both call
:func:`relate`, so they agree by construction. Boilerplate and relations depend on each other
(a footer shared by every manual page makes a short page look like a revision of a long one; a
licence that ends with another licence's disclaimer looks like a revision of both), so:

1. a first relation for every aligned pair, from all its shared text, and first families from
   them (:mod:`variorum.group.families`);
2. boilerplate flags (:mod:`variorum.group.boilerplate`): the spread of a stretch is counted in
   first families (text every version of one statement repeats counts once), and passages between two members
   of one first family that share more than formulas could make (see :func:`_republished`)
   are never boilerplate;
3. the final relations from the shared text *net of boilerplate*: a pair that shares only a
   footer and stock option help is ``boilerplate``, not a revision;
4. the final families from the final version relations.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from variorum.config import Settings
from variorum.group.boilerplate import flag_boilerplate, formula_passages, recurring_endings
from variorum.group.families import group_families
from variorum.group.relations import PairFacts, Relation, classify, classify_all

#: ``(id, a, b, a_start, a_end, b_start, b_end, words)``
PassageRow = tuple[int, int, int, int, int, int, int, int]


def _one_stretch(f: PairFacts, s: Settings) -> bool:
    """Whether the shared text is one stretch in both bodies, nothing unshared inside it."""
    if f.a_extent < 0 or f.b_extent < 0:
        return False
    return max(f.a_extent - f.a_body, f.b_extent - f.b_body) <= s.copy_max_inner_gap


def _republished(f: PairFacts, first: Relation, s: Settings) -> bool:
    """Whether a pair shares more than formulas could make: it is a copy, or an excerpt in one
    stretch, or a good share of both texts (``republished_min_share``) is shared, or it shares
    a passage longer than a formula, or twice that many words in in-order runs. (Short licences
    are nothing but formulas, yet two editions of one licence are versions of it.) An "excerpt"
    made of several stretches of stock option help and a footer is no such evidence: two
    manual pages of related commands look like that."""
    if (
        first.kind == "copy"
        or (first.kind == "excerpt" and _one_stretch(f, s))
        or min(first.a_coverage, first.b_coverage) >= s.republished_min_share
    ):
        return True
    runs = max(f.a_runs * f.a_words, f.b_runs * f.b_words)
    return f.longest > s.boilerplate_max_words or runs >= 2 * s.boilerplate_max_words


def _net(f: PairFacts, a_flagged: int, b_flagged: int) -> PairFacts:
    """The facts of a pair with its boilerplate words taken out of every coverage."""
    if not a_flagged and not b_flagged:
        return f
    da = a_flagged / f.a_words if f.a_words else 0.0
    db = b_flagged / f.b_words if f.b_words else 0.0
    return dataclasses.replace(
        f,
        a_body=max(0.0, f.a_body - da),
        b_body=max(0.0, f.b_body - db),
        a_runs=max(0.0, f.a_runs - da) if f.a_runs >= 0 else f.a_runs,
        b_runs=max(0.0, f.b_runs - db) if f.b_runs >= 0 else f.b_runs,
    )


def formulas(facts: Sequence[PairFacts], passages: Sequence[PassageRow], settings: Settings) -> set[int]:
    """The ids of the passages that are a formula however long
    (:func:`~variorum.group.boilerplate.formula_passages`), from the pairs' facts alone."""
    s = settings
    body_words = {f.a: f.a_words for f in facts} | {f.b: f.b_words for f in facts}
    edited = {
        (f.a, f.b)
        for f in facts
        if min(f.a_runs, f.b_runs) - max(f.a_body, f.b_body) >= s.formula_other_share
    }
    return formula_passages(passages, body_words, s, edited=edited)


def relate(
    ids: Mapping[int, str],
    facts: Iterable[PairFacts],
    passages: Sequence[PassageRow],
    settings: Settings,
    *,
    extra: Iterable[Relation] = (),
    formula: set[int] | Callable[[], set[int]] | None = None,
) -> tuple[list[Relation], dict[int, str], set[int]]:
    """Relations, the family of every document, and the ids of boilerplate passages.

    ``extra`` adds relations found without passages (translations). ``formula``: the passages
    of :func:`formulas`, if the caller worked them out already (they depend on nothing else
    computed here, so another process can find them meanwhile), or a function that returns
    them, called only once the first relations, families and boilerplate flags are worked out
    (so that this process waits for the other one as late as it can).
    """
    s = settings
    facts = list(facts)
    extra = list(extra)
    endings = recurring_endings(passages, s)
    first = classify_all(facts, s, recurring_endings=endings) + extra
    first_families = group_families(ids, first, ids, s)
    kind_of = {(r.a, r.b): r for r in first}
    inside = {
        (f.a, f.b)
        for f in facts
        if first_families.get(f.a) == first_families.get(f.b) and _republished(f, kind_of[(f.a, f.b)], s)
    }
    flagged = flag_boilerplate(passages, first_families, s, versions=inside)
    if formula is None:
        flagged |= formulas(facts, passages, s)
    else:
        flagged |= formula() if callable(formula) else formula
    flagged_words: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    marks: dict[tuple[int, int], list[bool]] = defaultdict(list)
    for pid, a, b, *_, words in passages:
        pair = (min(a, b), max(a, b))
        marks[pair].append(pid in flagged)
        if pid in flagged:
            flagged_words[pair][0] += words
            flagged_words[pair][1] += words
    only_boiler = {pair for pair, m in marks.items() if m and all(m)}
    relations, regroup = _final(facts, first, flagged_words, only_boiler, endings, s)
    relations += extra
    relations.sort(key=lambda r: (r.a, r.b, r.kind))
    family_of = group_families(ids, relations, ids, s) if regroup else first_families
    return relations, family_of, flagged


def _final(
    facts: Sequence[PairFacts],
    first: Sequence[Relation],
    flagged_words: Mapping[tuple[int, int], list[int]],
    only_boiler: set[tuple[int, int]],
    endings: set[tuple[int, int]],
    s: Settings,
) -> tuple[list[Relation], bool]:
    """The final relation of every pair of ``facts`` (``first`` holds their first relations, in
    the same order), and whether families must be grouped again.

    Only a pair with boilerplate passages (every pair of ``only_boiler`` is one) is classified
    again, from its net facts: any other has the facts and flags of its first relation, so it
    keeps it. Families are grown from the kinds and scores of version relations and the
    common footers of quotations only (:func:`~variorum.group.families.group_families`, which
    does not depend on the order of relations); when no pair changed in any of those, the
    first families are the final ones. On most corpora nothing is boilerplate, and this spares
    classifying every pair and growing every family a second time."""
    relations: list[Relation] = []
    regroup = False
    for f, was in zip(facts, first, strict=False):
        pair = (f.a, f.b)
        if pair not in flagged_words:
            relations.append(was)
            continue
        now = classify(
            _net(f, *flagged_words[pair]),
            s,
            only_boilerplate=pair in only_boiler,
            ending_recurs=pair in endings,
        )
        relations.append(now)
        regroup = regroup or _links(now) != _links(was)
    return relations, regroup


def _links(r: Relation) -> tuple[str, float, bool]:
    """What families read of a relation (:func:`~variorum.group.families.group_families`)."""
    return r.kind, r.score, bool(r.evidence.get("common_footer"))
