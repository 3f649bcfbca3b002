"""variorum's alignment against the CollateX-style cases of ``tests/collation_cases.py``."""

from __future__ import annotations

import pytest
from collation_cases import CASES, Case, score
from collation_real import REAL_CASES, RealCase, load
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.collate import collate
from variorum.collate.align import _anchored_dp, _pivot_chain, _unique_blocks
from variorum.collate.model import Collation
from variorum.model import Document


def collate_case(case: Case) -> Collation:
    docs = [Document(id=chr(ord("A") + k), text=t, path=None) for k, t in enumerate(case.witnesses)]
    return collate(docs)


def table_of(c: Collation, order: list[str]) -> list[tuple[int | None, ...]]:
    """The collation's table with witnesses in the given order (the case's), empty columns dropped."""
    index = {w.id: k for k, w in enumerate(c.witnesses)}
    cols = [tuple(col[index[wid]] for wid in order) for col in c.table.columns]
    return [col for col in cols if any(x is not None for x in col)]


def render(case: Case, columns: list[tuple[int | None, ...]]) -> list[str]:
    words = [w.split() for w in case.witnesses]
    return [
        " ".join("-" if col[w] is None else words[w][col[w]] for col in columns) for w in range(len(words))
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_table(case: Case) -> None:
    expected = case.columns()
    order = [chr(ord("A") + k) for k in range(len(case.witnesses))]
    got = table_of(collate_case(case), order)
    assert render(case, got) == list(case.table), case.rule
    assert got == expected


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_does_not_depend_on_witness_order(case: Case) -> None:
    order = [chr(ord("A") + k) for k in range(len(case.witnesses))]
    docs = [Document(id=o, text=t, path=None) for o, t in zip(order, case.witnesses, strict=True)]
    first = table_of(collate(docs), order)
    again = table_of(collate(docs[::-1]), order)
    assert first == again


def test_score_counts_matches_and_exact_tables() -> None:
    case = CASES[0]  # "the cat is black" / "black is the cat"
    assert score(case, case.columns()) == (1.0, True)
    greedy = [(0, 2), (1, 3), (2, None), (3, None), (None, 0), (None, 1)]  # "the cat" matched
    f1, exact = score(case, greedy)
    assert not exact and f1 == 0.0  # the pivot "is" is the one match the table should have


@pytest.mark.parametrize("real", REAL_CASES, ids=[c.name for c in REAL_CASES])
def test_real_case_table(real: RealCase) -> None:
    case, why = load(real)
    if case is None:
        pytest.skip(why)
    order = [chr(ord("A") + k) for k in range(len(case.witnesses))]
    got = table_of(collate_case(case), order)
    assert render(case, got) == list(case.table), case.rule


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("abcdefg"), max_size=12),
    st.lists(st.sampled_from("abcdefgh"), max_size=12),
)
def test_gap_alignment_is_an_order_keeping_cover(a: list[str], b: list[str]) -> None:
    """Every word of both stretches once and in order; when no word repeats, at least the words
    of the chosen pivot blocks are matched."""
    pairs = _anchored_dp([{x} for x in a], b)
    left = [i for i, _ in pairs if i is not None]
    right = [j for _, j in pairs if j is not None]
    assert left == list(range(len(a))) and right == list(range(len(b)))
    if len(set(a)) == len(a) and len(set(b)) == len(b):
        matched = sum(1 for i, j in pairs if i is not None and j is not None and a[i] == b[j])
        pivots = sum(n for _, _, n in _pivot_chain(_unique_blocks([{x} for x in a], b)))
        assert matched >= pivots
