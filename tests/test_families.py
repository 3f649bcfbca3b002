"""Relations between pairs, families grown from version relations, boilerplate by spread."""

from __future__ import annotations

import functools
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.config import Settings
from variorum.group.boilerplate import flag_boilerplate
from variorum.group.families import family_id, group_families
from variorum.group.relate import formulas as relate_formulas
from variorum.group.relate import relate
from variorum.group.relations import PairFacts, Relation, classify

S = Settings()


def facts(
    a_words,
    b_words,
    a_body,
    b_body,
    *,
    runs=None,
    order=1.0,
    identity=0.99,
    a=1,
    b=2,
    extent=None,
    heads=(-1.0, -1.0),
    heads_alike=-1.0,
):
    a_runs, b_runs = runs or (a_body, b_body)
    a_ext, b_ext = extent or (1.0, 1.0)
    shared = round(min(a_words * a_body, b_words * b_body))
    return PairFacts(
        a,
        b,
        a_words,
        b_words,
        a_body,
        b_body,
        a_runs,
        b_runs,
        order,
        60,
        identity,
        shared,
        None,
        None,
        a_ext,
        b_ext,
        *heads,
        heads_alike,
    )


def kind(*args, **kw) -> str:
    return classify(facts(*args, **kw), S).kind


def test_each_kind_from_its_evidence():
    assert kind(1000, 990, 0.99, 0.98) == "copy"
    # A licence under each package's own header: one shared block, 60 % of each file.
    assert kind(300, 280, 0.6, 0.64, extent=(0.61, 0.65)) == "copy"
    # The same share in several blocks with text between them is not a copy.
    assert kind(300, 280, 0.6, 0.64, extent=(0.95, 0.9)) == "revision"
    # The same text with names and a clause changed: still near-complete, lower identity.
    assert kind(1000, 990, 0.95, 0.95, identity=0.95) == "revision"
    # A CJK excerpt: one passage covers 85 % of it, and it is 10 % of the essay.
    assert kind(300, 3000, 0.85, 0.09) == "excerpt"
    # A revised re-issue: few long passages, but half of both bodies in in-order runs.
    assert kind(900, 1000, 0.12, 0.11, runs=(0.48, 0.45)) == "revision"
    # A distant revision of a standard: a lot shared, under half of the longer one.
    assert kind(6000, 11000, 0.55, 0.33) == "revision"
    # A short licence edition inside its much longer successor: 700 words, 16 % of the longer.
    assert kind(1200, 4500, 0.58, 0.16) == "revision"
    # A law code and its modern-English revision: a third of both, in order.
    assert kind(2600, 2550, 0.33, 0.34, identity=0.82) == "revision"
    # A news article quoting two paragraphs of a long statement under its own intro.
    assert kind(350, 1200, 0.45, 0.12, extent=(0.6, 0.5)) == "quotation"
    # Shared text in scrambled order is not one text edited in place...
    assert kind(900, 1000, 0.45, 0.4, order=0.3) == "quotation"
    # ... unless it is most of both: a version whose paragraphs were moved around.
    assert kind(320, 440, 0.75, 0.54, order=0.56) == "revision"
    assert classify(facts(350, 1200, 0.2, 0.05), S, only_boilerplate=True).kind == "boilerplate"


def test_a_footer_ending_two_different_texts_makes_no_version():
    # Two short manual pages of different commands: each opens with its own description (55 % and
    # 39 % of it), then both end with one translated footer.
    footer = dict(heads=(0.55, 0.39), extent=(0.45, 0.61))
    assert kind(365, 287, 0.45, 0.61, heads_alike=0.44, **footer) == "quotation"
    # The same shape with reworded but alike openings is an edited text (the ISC licence after
    # the CWI notice: grant reworded, disclaimer kept).
    assert kind(365, 287, 0.45, 0.61, heads_alike=0.9, **footer) == "revision"
    # Shared from the start of both: an edition that rewrote its ending.
    assert kind(365, 287, 0.45, 0.61, heads_alike=0.1, heads=(0.0, 0.0), extent=(0.45, 0.61)) == "revision"
    # Most of both bodies shared is a version whatever its place.
    assert kind(300, 280, 0.8, 0.8, heads_alike=0.1, heads=(0.2, 0.2), extent=(0.8, 0.8)) == "copy"
    # Unknown heads (an index from before they were stored) never make the rule fire.
    assert kind(365, 287, 0.45, 0.61, extent=(0.45, 0.61)) == "revision"


def test_a_low_share_needs_many_words_to_be_a_revision():
    # Two shadow manual pages share two option paragraphs: 67 words, a third of the shorter one.
    assert kind(258, 207, 0.26, 0.33) == "quotation"
    # Two parallel chapters share a third of the shorter one in over 200 words.
    assert kind(812, 893, 0.33, 0.36) == "revision"


def test_earlier_side_comes_from_dates():
    f = PairFacts(1, 2, 100, 100, 1, 1, 1, 1, 1, 100, 1, 100, "2020-04-02", "2018-04-02")
    assert classify(f, S).earlier == "b"
    f = PairFacts(1, 2, 100, 100, 1, 1, 1, 1, 1, 100, 1, 100, None, "2018-04-02")
    assert classify(f, S).earlier is None


def rel(a: int, b: int, kind: str = "revision", score: float = 0.5) -> Relation:
    return Relation(a, b, kind, score, 100, 0.5, 0.5, 1.0, 50, 0.95, None)


def test_a_chain_of_revisions_is_one_family_and_a_lone_document_its_own():
    ids = {n: f"d{n}" for n in range(1, 6)}
    # 1 -> 2 -> 3 -> 4: each revises the previous one; versions two steps apart are still
    # revisions of each other, the first and the last no longer.
    rels = [rel(1, 2), rel(2, 3), rel(3, 4), rel(1, 3, score=0.3), rel(2, 4, score=0.3)]
    fam = group_families(ids, rels, ids, S)
    assert fam[1] == fam[2] == fam[3] == fam[4] != fam[5]
    assert fam[5] == family_id("d5")


def test_one_stray_link_does_not_merge_two_chains():
    ids = {n: f"d{n}" for n in range(1, 7)}
    chain_a = [rel(1, 2), rel(2, 3), rel(1, 3)]
    chain_b = [rel(4, 5), rel(5, 6), rel(4, 6)]
    bridge = [rel(3, 4, "excerpt", 0.9)]
    fam = group_families(ids, chain_a + chain_b + bridge, ids, S)
    assert fam[1] == fam[2] == fam[3]
    assert fam[4] == fam[5] == fam[6]
    assert fam[1] != fam[4]


def test_a_compilation_of_two_texts_does_not_merge_their_families():
    ids = {n: f"d{n}" for n in range(1, 6)}
    # 5 contains text A (versions 1, 2) and text B (versions 3, 4).
    rels = [rel(1, 2, "copy", 0.99), rel(3, 4, "copy", 0.99)]
    rels += [
        rel(1, 5, "excerpt", 0.9),
        rel(2, 5, "excerpt", 0.9),
        rel(3, 5, "excerpt", 0.8),
        rel(4, 5, "excerpt", 0.8),
    ]
    fam = group_families(ids, rels, ids, S)
    assert fam[1] == fam[2] == fam[5]
    assert fam[3] == fam[4] != fam[1]


def test_a_family_keeps_its_id_when_it_gains_a_member():
    ids = {n: f"d{n}" for n in range(1, 5)}
    before = group_families({1: "d1", 2: "d2"}, [rel(1, 2)], ids, S)
    after = group_families(ids, [rel(1, 2), rel(2, 3), rel(1, 3), rel(3, 4), rel(2, 4), rel(1, 4)], ids, S)
    assert before[1] == after[1] == after[4] == family_id("d1")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 8),
            st.integers(1, 8),
            st.sampled_from(["copy", "revision", "excerpt", "quotation"]),
            st.floats(0.1, 1.0),
        ),
        max_size=25,
    ),
    st.permutations(list(range(25))),
)
def test_families_do_not_depend_on_the_order_relations_come_in(links, order):
    ids = {n: f"d{n}" for n in range(1, 9)}
    rels = {}
    for a, b, k, score in links:
        if a != b:
            rels[(min(a, b), max(a, b))] = rel(min(a, b), max(a, b), k, round(score, 3))
    listed = list(rels.values())
    shuffled = [listed[i] for i in order if i < len(listed)]
    assert group_families(ids, listed, ids, S) == group_families(ids, shuffled, ids, S)
    # Every member of a family is linked to another member by a version relation.
    fam = group_families(ids, listed, ids, S)
    for x in ids:
        mates = [y for y in ids if y != x and fam[y] == fam[x]]
        if mates:
            assert any(
                (min(x, y), max(x, y)) in rels and rels[(min(x, y), max(x, y))].kind != "quotation"
                for y in mates
            )


def test_a_stock_phrase_shared_across_families_is_boilerplate():
    family_of = {1: "F1", 2: "F1", 3: "F2", 4: "F3", 5: "F4"}
    # doc 1 shares chars 0-100 (a cover-letter formula) with docs 3, 4, 5 of other families,
    # and its body 200-900 with doc 2 of its own family.
    rows = [
        (10, 1, 3, 0, 100, 0, 100, 25),
        (11, 1, 4, 5, 100, 10, 105, 24),
        (12, 1, 5, 0, 95, 0, 95, 23),
        (13, 1, 2, 200, 900, 150, 850, 140),
    ]
    assert flag_boilerplate(rows, family_of, S) == {10, 11, 12}
    # Recurring in two families only, it is the text of those two, not a formula.
    assert flag_boilerplate(rows[:1] + rows[3:], family_of, S) == set()


def test_text_every_version_repeats_is_never_boilerplate_between_versions():
    family_of = {1: "F1", 2: "F1", 3: "F2", 4: "F3"}
    # The statement (1) and its re-issue (2) share a paragraph that two news sites quote too.
    rows = [(20 + n, 1, n, 500, 800, 100, 400, 60) for n in (2, 3, 4)]
    assert flag_boilerplate(rows, family_of, S, versions={(1, 2)}) == {23, 24}


def test_passages_of_a_protected_pair_are_never_boilerplate():
    family_of = {1: "F1", 3: "F2", 4: "F3", 5: "F4"}
    rows = [(10 + n, 1, n, 0, 100, 0, 100, 25) for n in (3, 4, 5)]
    assert flag_boilerplate(rows, family_of, S) == {13, 14, 15}
    assert flag_boilerplate(rows, family_of, S, versions={(1, 3)}) == {14, 15}


def test_long_passages_are_never_boilerplate():
    family_of = {1: "F1", 3: "F2", 4: "F3", 5: "F4"}
    rows = [(i, 1, other, 0, 1000, 0, 1000, 200) for i, other in enumerate((3, 4, 5))]
    assert flag_boilerplate(rows, family_of, S) == set()


def test_relate_marks_pairs_sharing_only_formulas_as_boilerplate():
    ids = {n: f"d{n}" for n in range(1, 5)}
    # Four letters share only their opening formula (chars 0-100 of a cover note).
    pairs = list(combinations(range(1, 5), 2))
    f = [facts(400, 400, 0.05, 0.05, a=a, b=b) for a, b in pairs]
    rows = [(i, a, b, 0, 100, 0, 100, 22) for i, (a, b) in enumerate(pairs)]
    relations, fam, flagged = relate(ids, f, rows, S)
    assert flagged == set(range(len(pairs)))
    assert {r.kind for r in relations} == {"boilerplate"}
    assert len(set(fam.values())) == 4


def test_relate_keeps_a_revised_reissue_whose_short_passages_are_widely_quoted():
    ids = {n: f"d{n}" for n in range(1, 6)}
    # 1 (2018) and 2 (its revised re-issue) share half their text in short in-order runs and in
    # two short passages; news articles 3, 4 and 5 quote those two passages.
    f = [facts(900, 950, 0.08, 0.07, runs=(0.48, 0.45), a=1, b=2)]
    f += [facts(900, 300, 0.06, 0.2, a=1, b=n) for n in (3, 4, 5)]
    rows = [(1, 1, 2, 100, 400, 120, 420, 40), (2, 1, 2, 900, 1200, 950, 1250, 35)]
    rows += [(10 + n, 1, n, 100, 400, 50, 350, 40) for n in (3, 4, 5)]
    rows += [(20 + n, 1, n, 900, 1200, 500, 800, 35) for n in (3, 4, 5)]
    relations, fam, _flagged = relate(ids, f, rows, S)
    kinds = {(r.a, r.b): r.kind for r in relations}
    assert kinds[(1, 2)] == "revision"
    assert fam[1] == fam[2] and len({fam[1], fam[3], fam[4], fam[5]}) == 4


def test_relate_makes_a_footer_shared_by_short_pages_boilerplate():
    ids = {n: f"d{n}" for n in range(1, 5)}
    # Four short pages of different commands end with one 158-word footer, half of each page.
    pairs = list(combinations(range(1, 5), 2))
    shape = dict(heads=(0.5, 0.5), extent=(0.5, 0.5), heads_alike=0.4)
    f = [facts(320, 320, 0.5, 0.5, a=a, b=b, **shape) for a, b in pairs]
    rows = [(i, a, b, 1000, 2000, 1000, 2000, 158) for i, (a, b) in enumerate(pairs)]
    relations, fam, flagged = relate(ids, f, rows, S)
    assert flagged == set(range(len(pairs)))
    assert {r.kind for r in relations} == {"boilerplate"}
    assert len(set(fam.values())) == 4


def test_an_ending_two_copies_alone_share_is_a_version_and_with_the_original_one_family():
    # Two news sites copy a statement under their own intros: the statement is 60 % of each,
    # at the end. Alone, nothing says the ending is a formula: they are copies of one text.
    shape = dict(heads=(0.4, 0.4), extent=(0.6, 0.6), heads_alike=0.2)
    pair = [facts(500, 500, 0.6, 0.6, a=2, b=3, **shape)]
    rows = [(1, 2, 3, 1000, 3000, 1000, 3000, 300)]
    relations, fam, _ = relate({2: "n1", 3: "n2"}, pair, rows, S)
    assert relations[0].kind == "copy" and fam[2] == fam[3]
    # With the statement itself indexed, each is a copy of it under an intro, the copies quote one another
    # (a common ending after their own intros), and all three are one family.
    ids = {1: "statement", 2: "n1", 3: "n2"}
    f = pair + [facts(300, 500, 1.0, 0.6, a=1, b=n, heads=(0.0, 0.4), extent=(1.0, 0.6)) for n in (2, 3)]
    rows += [(1 + n, 1, n, 0, 2000, 1000, 3000, 300) for n in (2, 3)]
    relations, fam, _ = relate(ids, f, rows, S)
    kinds = {(r.a, r.b): r.kind for r in relations}
    assert kinds == {(1, 2): "copy", (1, 3): "copy", (2, 3): "quotation"}
    assert fam[1] == fam[2] == fam[3]


def test_recurring_endings_count_the_documents_sharing_a_pairs_last_stretch():
    from variorum.group.boilerplate import recurring_endings

    # 1 and 2 end with a footer (chars 500-900) that 3 has too; 4 and 5 share an ending alone.
    rows = [
        (1, 1, 2, 500, 900, 400, 800, 60),
        (2, 1, 3, 520, 900, 300, 680, 58),
        (3, 2, 3, 400, 800, 300, 680, 58),
    ]
    rows += [(4, 4, 5, 100, 500, 200, 600, 60)]
    assert recurring_endings(rows, S) == {(1, 2), (1, 3), (2, 3)}


def test_unshared_paragraphs_count_those_almost_wholly_outside_the_shared_text():
    from variorum.group.relations import unshared_paragraphs

    paragraphs = [(0, 100), (100, 200), (200, 300), (300, 300)]
    # The first is shared, the second only at its edge (10 %), the third half; an empty one
    # never counts.
    assert unshared_paragraphs(paragraphs, [(0, 100), (190, 250)]) == 1
    assert unshared_paragraphs(paragraphs, []) == 3


def test_a_long_footer_on_many_pages_that_share_nothing_else_is_a_formula():
    from variorum.group.boilerplate import formula_passages

    # Nine pages end with one 190-word footer: six long pages, for which it is a minority, and
    # three very short ones that are nearly all footer. No two share anything else.
    words = {1: 1000, 2: 900, 3: 800, 4: 700, 5: 650, 6: 600, 7: 210, 8: 200, 9: 205}
    pairs = list(combinations(range(1, 10), 2))
    rows = [(i, a, b, 5000, 6000, 5000, 6000, 190) for i, (a, b) in enumerate(pairs)]
    assert formula_passages(rows, words, S) == set(range(len(pairs)))
    # Nine copies of one statement under their own intros: the shared text is most of each.
    copies = {n: 250 for n in range(1, 10)}
    assert formula_passages(rows, copies, S) == set()
    # Fewer than eight documents never make a formula (text reused by a few), and an edited
    # pair keeps its passages.
    few = [(i, a, b, 5000, 6000, 5000, 6000, 190) for i, (a, b) in enumerate(combinations(range(1, 8), 2))]
    assert formula_passages(few, words, S) == set()
    assert 0 not in formula_passages(rows, words, S, edited={(1, 2)})


_rows = st.lists(
    st.tuples(
        st.integers(1, 7),  # a
        st.integers(1, 7),  # b
        st.integers(0, 400),  # a_start
        st.integers(0, 200),  # a length
        st.integers(0, 400),  # b_start
        st.integers(0, 200),  # b length
        st.integers(1, 220),  # words
    ),
    max_size=40,
)


@given(_rows, st.lists(st.sampled_from(["F1", "F2", "F3"]), min_size=7, max_size=7), st.integers(0, 30))
@settings(max_examples=300, deadline=None)
def test_boilerplate_flags_counted_with_numpy_are_the_references(raw, families, protect):
    from boilerplate_reference import flag_boilerplate_reference

    rows = [
        (pid, a, b, a0, a0 + al, b0, b0 + bl, words)
        for pid, (a, b, a0, al, b0, bl, words) in enumerate(raw)
        if a != b
    ]
    # Some documents in no family (a group of their own), some pairs protected.
    family_of = {n: f for n, f in enumerate(families, start=1) if n % 4}
    versions = {(min(r[1], r[2]), max(r[1], r[2])) for r in rows[: protect % 5]}
    assert flag_boilerplate(rows, family_of, S, versions=versions) == flag_boilerplate_reference(
        rows, family_of, S, versions=versions
    )


@given(_rows)
@settings(max_examples=300, deadline=None)
def test_recurring_endings_are_the_references(raw):
    from boilerplate_reference import recurring_endings_reference

    from variorum.group.boilerplate import recurring_endings

    rows = [
        (pid, a, b, a0, a0 + al, b0, b0 + bl, words)
        for pid, (a, b, a0, al, b0, bl, words) in enumerate(raw)
        if a != b
    ]
    assert recurring_endings(rows, S) == recurring_endings_reference(rows, S)


@given(_rows, st.lists(st.integers(0, 600), min_size=7, max_size=7), st.integers(0, 30))
@settings(max_examples=300, deadline=None)
def test_formulas_found_with_numpy_are_the_references(raw, words, edit):
    from dataclasses import replace

    from boilerplate_reference import formula_passages_reference

    from variorum.group.boilerplate import formula_passages

    rows = [
        (pid, a, b, a0, a0 + al, b0, b0 + bl, w)
        for pid, (a, b, a0, al, b0, bl, w) in enumerate(raw)
        if a != b
    ]
    body_words = dict(enumerate(words, start=1))
    edited = {(min(r[1], r[2]), max(r[1], r[2])) for r in rows[: edit % 4]}
    # Few documents here: a formula recurs among at least three of them, sampled by five.
    small = replace(S, formula_min_documents=3, formula_sample=5)
    for s in (S, small):
        assert formula_passages(rows, body_words, s, edited=edited) == formula_passages_reference(
            rows, body_words, s, edited=edited
        )


def _relate_reference(ids, facts_, rows, s):
    """:func:`relate` with every pair classified again and families grown again from the
    final relations, as it was before it reused the first ones."""
    from collections import defaultdict

    from variorum.group import relate as r
    from variorum.group.boilerplate import recurring_endings
    from variorum.group.relations import classify_all

    endings = recurring_endings(rows, s)
    first = classify_all(facts_, s, recurring_endings=endings)
    first_families = group_families(ids, first, ids, s)
    kind_of = {(x.a, x.b): x for x in first}
    inside = {
        (f.a, f.b)
        for f in facts_
        if first_families.get(f.a) == first_families.get(f.b) and r._republished(f, kind_of[(f.a, f.b)], s)
    }
    flagged = flag_boilerplate(rows, first_families, s, versions=inside) | r.formulas(facts_, rows, s)
    flagged_words = defaultdict(lambda: [0, 0])
    marks = defaultdict(list)
    for pid, a, b, *_, words in rows:
        pair = (min(a, b), max(a, b))
        marks[pair].append(pid in flagged)
        if pid in flagged:
            flagged_words[pair][0] += words
            flagged_words[pair][1] += words
    only_boiler = {pair for pair, m in marks.items() if m and all(m)}
    net = [r._net(f, *flagged_words[(f.a, f.b)]) if (f.a, f.b) in flagged_words else f for f in facts_]
    relations = classify_all(net, s, only_boiler, endings)
    relations.sort(key=lambda x: (x.a, x.b, x.kind))
    return relations, group_families(ids, relations, ids, s), flagged


@given(
    _rows,
    st.lists(
        st.tuples(st.integers(20, 600), st.floats(0.01, 1.0), st.floats(0.0, 1.0)), min_size=21, max_size=21
    ),
)
@settings(max_examples=200, deadline=None)
def test_relate_reusing_first_relations_is_the_reference(raw, shapes):
    # Pairs of seven documents, each with its words, share of its body and runs; the passages
    # of the pairs that have facts, some of them short enough to be boilerplate.
    from dataclasses import replace

    pairs = list(combinations(range(1, 8), 2))
    f = [
        facts(words, words + 40, share, share, runs=(runs, runs), a=a, b=b)
        for (a, b), (words, share, runs) in zip(pairs, shapes, strict=True)
    ]
    rows = [
        (pid, min(a, b), max(a, b), a0, a0 + al, b0, b0 + bl, w)
        for pid, (a, b, a0, al, b0, bl, w) in enumerate(raw)
        if a != b
    ]
    ids = {n: f"d{n}" for n in range(1, 8)}
    small = replace(S, formula_min_documents=3, formula_sample=5, boilerplate_families=2)
    for s in (S, small):
        assert relate(ids, f, rows, s) == _relate_reference(ids, f, rows, s)
        assert relate(ids, f, rows, s, formula=relate_formulas(f, rows, s)) == _relate_reference(
            ids, f, rows, s
        )
        # or a function that gives them, asked once they are needed
        late = functools.partial(relate_formulas, f, rows, s)
        assert relate(ids, f, rows, s, formula=late) == _relate_reference(ids, f, rows, s)
