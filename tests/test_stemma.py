"""Stemma: the arborescence solver against brute force, and the derivation rules on designed cases."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.collate import collate
from variorum.collate.arborescence import min_arborescence
from variorum.model import Document, content_id


def brute_force(cost: np.ndarray, root: int) -> float:
    n = len(cost)
    best = np.inf
    nodes = [v for v in range(n) if v != root]
    for parents in itertools.product(range(n), repeat=len(nodes)):
        par = dict(zip(nodes, parents, strict=True))
        if any(p == v for v, p in par.items()):
            continue
        ok = True
        for v in nodes:  # every node must reach the root
            seen, u = set(), v
            while u != root:
                if u in seen:
                    ok = False
                    break
                seen.add(u)
                u = par[u]
            if not ok:
                break
        if ok:
            best = min(best, sum(cost[p, v] for v, p in par.items()))
    return best


@given(st.integers(2, 5), st.integers(0, 2**32 - 1))
@settings(max_examples=150, deadline=None)
def test_edmonds_finds_the_cheapest_arborescence(n, seed):
    rng = np.random.default_rng(seed)
    cost = rng.integers(1, 20, size=(n, n)).astype(float)
    parent = min_arborescence(cost, 0)
    assert parent[0] == -1
    total = sum(cost[parent[v], v] for v in range(1, n))
    assert total == brute_force(cost, 0)


BASE = [
    "The agency opened the northern dam on 4 May after a survey of the spillway found no damage.",
    "Around 1,200 residents of the valley were moved to the school in Tarn for three nights.",
    "The minister thanked the volunteers of the Red Cross and the fire brigade of Kessel.",
    "Compensation claims can be filed with the district office until the end of the year.",
    "The agency will publish the full report of the survey before the autumn session.",
]


def doc(paragraphs: list[str], date: str) -> Document:
    text = "\n\n".join(paragraphs)
    return Document(id=content_id(text), text=text, date=date, path=f"{date}.txt")


def edges(c) -> set[tuple[str, str]]:
    return {(e.parent, e.child) for e in c.stemma.edges}


def test_an_abridged_later_copy_is_the_child():
    original = doc(BASE, "2020-01-01")
    abridged = doc([BASE[0], BASE[1], BASE[4]], "2021-01-01")
    c = collate([abridged, original])
    assert edges(c) == {(original.id, abridged.id)}
    assert c.stemma.root == original.id
    assert all(e.evidence and 0 <= e.confidence <= 1 for e in c.stemma.edges)


def test_new_material_points_to_the_parent_with_less():
    original = doc(BASE, "2020-01-01")
    expanded = doc([*BASE, "A second report on the eastern dam is expected next spring."], "2020-06-01")
    expanded_more = doc(
        [
            *BASE,
            "A second report on the eastern dam is expected next spring.",
            "Questions go to the press office.",
        ],
        "2021-01-01",
    )
    c = collate([expanded_more, original, expanded])
    assert edges(c) == {(original.id, expanded.id), (expanded.id, expanded_more.id)}


def test_near_copies_that_share_changes_descend_from_a_lost_source():
    original = doc(BASE, "2019-01-01")
    revised = [
        BASE[0],
        BASE[1].replace("Around", "Up to"),
        BASE[2],
        BASE[4],
        "The agency thanks its partners.",
    ]
    # copy A drops the comma of a figure (a slip); copy B keeps it but changes a word
    copy_a = doc([revised[0], revised[1].replace("1,200", "1200"), *revised[2:]], "2020-03-01")
    copy_b = doc([revised[0].replace("opened", "reopened"), *revised[1:]], "2020-04-01")
    c = collate([original, copy_a, copy_b])
    assert len(c.stemma.lost) == 1
    lost = c.stemma.lost[0]
    assert edges(c) == {(original.id, lost), (lost, copy_a.id), (lost, copy_b.id)}
    shared = next(e for e in c.stemma.edges if e.child == lost).evidence
    assert any("Up to" in s for s in shared)


def test_a_witness_dated_earlier_is_never_the_child():
    early = doc([BASE[0], BASE[1]], "2018-01-01")
    late = doc(BASE, "2019-01-01")  # more material, but later: the early one cannot descend from it
    c = collate([late, early])
    assert edges(c) == {(early.id, late.id)}


def test_fewer_replicates_keep_the_stemma_and_coarsen_only_the_confidence():
    original = doc(BASE, "2020-01-01")
    expanded = doc([*BASE, "A second report on the eastern dam is expected next spring."], "2020-06-01")
    abridged = doc([BASE[0], BASE[1], BASE[4]], "2021-01-01")
    from variorum.collate import collate_witnesses, make_witnesses

    witnesses = make_witnesses([original, expanded, abridged])
    full = collate_witnesses(witnesses)
    few = collate_witnesses(witnesses, replicates=10)
    assert full.stemma.replicates == 100 and few.stemma.replicates == 10
    assert edges(few) == edges(full) and few.stemma.root == full.stemma.root
    assert [e.evidence for e in few.stemma.edges] == [e.evidence for e in full.stemma.edges]
    assert all(round(e.confidence * 10, 6).is_integer() for e in few.stemma.edges)


EXTRA = [
    "A second report on the eastern dam is expected next spring.",
    "Questions go to the press office of the agency in Tarn.",
    "The volunteers will be received by the minister in June.",
    "Roads to the valley remain closed to heavy traffic.",
]


def looped_confidences(variants, witnesses, replicates: int = 100) -> dict[tuple[str, str], float]:
    """The bootstrap of two witnesses as for any family: one arborescence per replicate."""
    from variorum.collate.stemma import BOOTSTRAP_CHUNKS, Units, _arborescence, _date_prior, chunk_costs

    units = Units(variants, witnesses)
    chunks = min(len(units), BOOTSTRAP_CHUNKS)
    costs, prior = chunk_costs(units, chunks), _date_prior(witnesses)
    rng = np.random.default_rng(0)
    tally: dict[tuple[str, str], int] = {}
    for _ in range(replicates):
        weights = np.bincount(rng.integers(0, chunks, chunks), minlength=chunks).astype(float)
        parent = _arborescence(np.tensordot(weights, costs, axes=1) + prior, witnesses)
        edge = next((witnesses[p].id, witnesses[c].id) for c, p in parent.items() if p >= 0)
        tally[edge] = tally.get(edge, 0) + 1
    return {e: round(k / replicates, 3) for e, k in tally.items()}


@given(
    st.lists(st.booleans(), min_size=len(BASE), max_size=len(BASE)),
    st.lists(st.booleans(), min_size=len(BASE), max_size=len(BASE)),
    st.lists(st.integers(0, 2), min_size=len(EXTRA), max_size=len(EXTRA)),
    st.sampled_from([("", ""), ("2020-01-01", "2021-01-01"), ("2021-01-01", "2020-01-01")]),
)
@settings(max_examples=40, deadline=None)
def test_two_witness_confidences_are_the_bootstraps(keep_a, keep_b, extra_in, dates):
    """Two witnesses skip the per-replicate solver (a bound, or one product for all replicates);
    their confidences must be the ones the ordinary bootstrap gives, coin tosses included."""
    from variorum.collate import collate_witnesses, make_witnesses
    from variorum.collate.witness import canonical_order

    a = [p for p, k in zip(BASE, keep_a, strict=True) if k] + [
        e for e, w in zip(EXTRA, extra_in, strict=True) if w == 1
    ]
    b = [p for p, k in zip(BASE, keep_b, strict=True) if k] + [
        e for e, w in zip(EXTRA, extra_in, strict=True) if w == 2
    ]
    if not a or not b or a == b:
        return
    witnesses = make_witnesses([doc(a, dates[0]), doc(b, dates[1])])
    c = collate_witnesses(witnesses)
    ordered = [witnesses[i] for i in canonical_order(witnesses)]
    expected = looped_confidences(c.variants, ordered)
    (edge,) = c.stemma.edges
    assert edge.confidence == expected.get((edge.parent, edge.child), 0.0)


def test_two_undated_witnesses_with_material_of_their_own_get_a_measured_confidence():
    """Neither is an abridgment of the other: the direction is uncertain, and the confidence says so."""
    a = doc([*BASE[:3], EXTRA[0]], "")
    b = doc([*BASE[1:4], EXTRA[1]], "")
    c = collate([a, b])
    (edge,) = c.stemma.edges
    assert 0.0 < edge.confidence < 1.0
