"""Run coverage on arrays (:func:`run_coverage_arrays`) against the rapidfuzz walk it shortcuts.

The fast path drops the tokens one side lacks before rapidfuzz aligns the two bodies; it must
give the figures of :func:`run_coverage` on the whole bodies exactly, which hypothesis checks on
token sequences built to sit at the edges (shared runs around ``min_run``, common prefixes and
suffixes that the dropped tokens hide or expose, token hashes that rapidfuzz takes as equal),
and real manual pages check in four languages and three scripts.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.align.evidence import MAX_RUN_CELLS, run_coverage, run_coverage_arrays
from variorum.config import Settings
from variorum.model import Document
from variorum.prepare import prepare
from variorum.text.normalize import count_vocabulary, raw_tokens

SPREAD = np.uint64(0x9E3779B97F4A7C15)  # token hashes use all 64 bits


def _hashes(tokens: list[int]) -> np.ndarray:
    return (np.asarray(tokens, dtype=np.uint64) + np.uint64(1)) * SPREAD


def _reference(a: np.ndarray, b: np.ndarray, min_run: int) -> tuple[float, float]:
    return run_coverage(a.tolist(), b.tolist(), min_run)


# Shared tokens 0-9, tokens of ``a`` only 100-119, of ``b`` only 200-219: sequences that share
# runs and differ by words only one of them has, which the fast path drops.
shared_words = st.integers(0, 9)
sequences = st.tuples(
    st.lists(st.one_of(shared_words, st.integers(100, 119)), max_size=80),
    st.lists(st.one_of(shared_words, st.integers(200, 219)), max_size=80),
    st.lists(shared_words, max_size=12),  # a common opening
    st.lists(shared_words, max_size=12),  # a common ending
    st.lists(st.one_of(shared_words, st.integers(100, 119)), max_size=6),  # hides the opening
    st.lists(st.one_of(shared_words, st.integers(200, 219)), max_size=6),  # hides the ending
)


@given(sequences, st.integers(1, 8), st.booleans())
@settings(max_examples=600, deadline=None)
def test_run_coverage_of_arrays_is_run_coverage(parts, min_run, swap):
    a_body, b_body, opening, ending, a_lead, b_tail = parts
    a = _hashes(a_lead + opening + a_body + ending)
    b = _hashes(opening + b_body + ending + b_tail)
    if swap:
        a, b = b, a
    assert run_coverage_arrays(a, b, min_run, reduce_cells=0) == _reference(a, b, min_run)


@given(st.lists(st.integers(0, 3), max_size=60), st.lists(st.integers(0, 3), max_size=60), st.integers(1, 5))
@settings(max_examples=300, deadline=None)
def test_run_coverage_of_arrays_on_a_few_shared_words(a, b, min_run):
    ha, hb = _hashes(a), _hashes(b)
    assert run_coverage_arrays(ha, hb, min_run, reduce_cells=0) == _reference(ha, hb, min_run)


def test_tokens_rapidfuzz_takes_as_equal_stay_equal():
    """rapidfuzz compares list items by ``hash``: two token hashes ``2**61 - 1`` apart are equal."""
    step = 2**61 - 1
    a = np.asarray([5, 6, 7, 8, 9, 10, 11, 12, 13], dtype=np.uint64)
    b = np.asarray([1, 5 + step, 6 + 2 * step, 7, 8 + step, 9, 10, 11, 12, 2], dtype=np.uint64)
    assert _reference(a, b, 3) == (round(8 / 9, 4), 0.8)
    assert run_coverage_arrays(a, b, 3, reduce_cells=0) == _reference(a, b, 3)


def test_edges_are_those_of_run_coverage():
    empty = np.empty(0, dtype=np.uint64)
    some = _hashes([1, 2, 3])
    assert run_coverage_arrays(empty, some, 2, reduce_cells=0) == (0.0, 0.0)
    assert run_coverage_arrays(some, some, 2, reduce_cells=0) == (1.0, 1.0)
    assert run_coverage_arrays(some, _hashes([4, 5]), 2, reduce_cells=0) == (0.0, 0.0)
    assert run_coverage_arrays(some, some, 2, max_cells=8, reduce_cells=0) == (-1.0, -1.0)
    long = _hashes(list(range(5000)))
    assert MAX_RUN_CELLS > len(long) ** 2 >= 2_000_000  # above the size the fast path starts at
    assert run_coverage_arrays(long, long[::-1].copy(), 6) == _reference(long, long[::-1].copy(), 6)


def test_long_random_texts_with_moves_and_edits():
    rng = random.Random(7)
    for _ in range(5):
        base = [rng.randrange(400) for _ in range(3000)]
        other = list(base)
        for _ in range(60):  # substitutions with words of its own, deletions, a moved stretch
            k = rng.randrange(len(other))
            other[k] = 1000 + rng.randrange(300)
        del other[500:700]
        other[1500:1500] = base[2000:2300]
        a, b = _hashes(base), _hashes(other)
        assert run_coverage_arrays(a, b, 6) == _reference(a, b, 6)


@pytest.fixture(scope="module")
def manual_pages():
    from crosslang.build import build, skip_unless_installed

    skip_unless_installed()
    return [d for d in build().values() if d.language in ("en", "de", "ru", "ja")]


def test_real_manual_pages_give_the_run_coverage_of_the_whole_bodies(manual_pages):
    """Every pair of pages, across languages too (translations share option names and code)."""
    S = Settings()
    raws = [raw_tokens(d.text) for d in manual_pages]
    vocab = count_vocabulary(raws)
    preps = [prepare(Document(id=d.id, text=d.text), vocab, S) for d in manual_pages]
    bodies = [p.hashes[p.body] for p in preps]
    reduced = 0
    for x in range(len(bodies)):
        for y in range(x + 1, len(bodies)):
            a, b = bodies[x], bodies[y]
            expected = _reference(a, b, S.run_min_words)
            assert run_coverage_arrays(a, b, S.run_min_words, reduce_cells=0) == expected, (x, y)
            reduced += expected[0] > 0
    assert reduced > 10  # pairs with runs, not only pairs with nothing in common
