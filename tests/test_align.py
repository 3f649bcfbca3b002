"""The local aligner against a slow, obviously-correct reference, plus the cases that matter."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.align.local import MAX_SEED_REPEATS, align_tokens, seeds
from variorum.align.passages import compare_prepared
from variorum.config import Settings
from variorum.detect.fingerprint import all_ngrams
from variorum.model import Document
from variorum.prepare import prepare
from variorum.text.normalize import count_vocabulary, raw_tokens, tokenize

S = Settings()


def reference_runs(a: list[str], b: list[str], min_len: int) -> list[tuple[int, int, int]]:
    """Every maximal exact common run (i, j, length) with length >= min_len, by dynamic programming."""
    runs = []
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
        for j in range(1, len(b) + 1):
            n = cur[j]
            ends_here = i == len(a) or j == len(b) or a[i] != b[j]
            if n >= min_len and ends_here:
                runs.append((i - n, j - n, n))
        prev = cur
    return runs


def align(a: list[str], b: list[str], **kw):
    opts = {"ngram": S.ngram, "max_gap": S.max_gap, "min_words": S.min_words, **kw}
    return align_tokens(a, b, all_ngrams(a, S.ngram), all_ngrams(b, S.ngram), **opts)


vocab = [f"w{i}" for i in range(300)]
word_lists = st.lists(st.sampled_from(vocab), min_size=0, max_size=120)


# Refrains (an n-gram repeated more than MAX_SEED_REPEATS times in one text) seed nothing by design,
# so the shared run is drawn without repeated words.
@given(
    word_lists,
    word_lists,
    st.lists(st.sampled_from(vocab), min_size=20, max_size=60, unique=True),
    st.integers(0, 10**6),
)
@settings(max_examples=150, deadline=None)
def test_every_exact_shared_run_of_min_words_is_inside_a_passage(left, right, shared, seed):
    rnd = random.Random(seed)
    a = left + shared + right
    b = right[: rnd.randint(0, len(right))] + shared + left[: rnd.randint(0, len(left))]
    found = align(a, b)
    for i, j, n in reference_runs(a, b, S.min_words):
        assert any(m.a0 <= i and i + n <= m.a1 and m.b0 <= j and j + n <= m.b1 for m in found), (i, j, n)


@given(word_lists, word_lists)
@settings(max_examples=100, deadline=None)
def test_passages_are_within_bounds_and_long_enough(a, b):
    for m in align(a, b):
        assert 0 <= m.a0 < m.a1 <= len(a) and 0 <= m.b0 < m.b1 <= len(b)
        assert m.a1 - m.a0 >= S.min_words and m.b1 - m.b0 >= S.min_words
        assert 0.0 <= m.identity <= 1.0


def words(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return [rnd.choice(vocab) for _ in range(n)]


def test_sparse_substitutions_and_a_split_word_do_not_cut_a_passage():
    a = words(80, 1)
    b = list(a)
    b[20] = "changed"
    b[50:51] = ["spl", "it"]
    found = align(a, b)
    assert len(found) == 1
    assert (found[0].a0, found[0].a1) == (0, 80)
    assert found[0].identity < 1.0


def test_a_moved_paragraph_is_its_own_passage():
    p1, p2, p3 = words(40, 2), words(40, 3), words(40, 4)
    found = align(p1 + p2 + p3, p1 + p3 + p2)
    spans = sorted((m.a0, m.a1, m.b0, m.b1) for m in found)
    assert (40, 80, 80, 120) in spans  # p2 found at its new place
    assert any(a0 == 80 and b0 == 40 for a0, _, b0, _ in spans)  # p3 too


def test_an_inserted_paragraph_splits_the_passage_and_is_not_covered():
    p1, new, p2 = words(40, 5), words(40, 6), words(40, 7)
    found = align(p1 + p2, p1 + new + p2)
    assert [(m.b0, m.b1) for m in found] == [(0, 40), (80, 120)]


def test_short_overlaps_are_not_passages():
    a = words(60, 8)
    b = words(30, 9) + a[10:25] + words(30, 10)
    assert align(a, b) == []


def test_repeated_refrain_does_not_explode():
    refrain = words(6, 11)
    a = (refrain + words(3, 12)) * 30
    b = (refrain + words(3, 13)) * 30
    assert len(align(a, b)) <= 30


def _prepared(text: str, vocab):
    return prepare(Document(id="x" + str(hash(text) % 1000), text=text), vocab, S, segments=())


def test_quoted_passage_renormalizes_to_the_aligned_tokens():
    a_text = "Intro words here. " + " ".join(words(60, 14)) + " and the aggr ession ended. " + "tail " * 5
    b_text = "Other opening! " + " ".join(words(60, 14)) + " and the aggression ended."
    ra, rb = raw_tokens(a_text), raw_tokens(b_text)
    vocab = count_vocabulary([ra, rb])
    pa, pb = _prepared(a_text, vocab), _prepared(b_text, vocab)
    result = compare_prepared(pa, pb, S)
    assert len(result.passages) == 1
    p = result.passages[0]
    assert p.a_text == a_text[p.a_start : p.a_end]
    assert tokenize(p.a_text, vocab).norms == tokenize(p.b_text, vocab).norms
    assert p.a_text.endswith("aggr ession ended")
    assert p.identity == 1.0


noise_words = [
    "peace",
    "withdrawal",
    "Kalbajar",
    "occupied",
    "60.000",
    "Mi–24",
    "district",
    "“forces”",
    "the",
    "of",
]


@given(
    st.lists(st.sampled_from(noise_words + vocab[:40]), min_size=25, max_size=80),
    st.lists(st.sampled_from(["", "\n", "  ", "**", " -\n"]), min_size=80, max_size=80),
    st.integers(0, 10**6),
)
@settings(max_examples=100, deadline=None)
def test_quoted_originals_renormalize_to_exactly_the_aligned_tokens(words_, seps, seed):
    rnd = random.Random(seed)
    a_text = "Preface. " + " ".join(w + s for w, s in zip(words_, seps, strict=False)) + " End."
    b_words = [w.upper() if rnd.random() < 0.2 else w.replace(".", ",") for w in words_]
    b_text = "Other. " + "\n".join(b_words)
    ra, rb = raw_tokens(a_text), raw_tokens(b_text)
    vocab_ = count_vocabulary([ra, rb])
    pa, pb = _prepared(a_text, vocab_), _prepared(b_text, vocab_)
    for p in compare_prepared(pa, pb, S).passages:
        i = pa.tokens.starts.index(p.a_start)
        j = pb.tokens.starts.index(p.b_start)
        assert tokenize(p.a_text, vocab_).norms == pa.tokens.norms[i : i + p.a_words]
        assert tokenize(p.b_text, vocab_).norms == pb.tokens.norms[j : j + p.b_words]


def _reference_seeds(a: list[int], b: list[int]) -> list[tuple[int, int]]:
    """Every equal (i, j), in order, leaving out values repeated more than the cap on either side."""
    return [
        (i, j)
        for i, h in enumerate(a)
        if a.count(h) <= MAX_SEED_REPEATS and b.count(h) <= MAX_SEED_REPEATS
        for j, g in enumerate(b)
        if g == h
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=60), st.lists(st.integers(0, 12), max_size=60))
def test_seeds_match_the_reference(a: list[int], b: list[int]) -> None:
    got = seeds(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
    assert got == _reference_seeds(a, b)


# -- where the shared text sits in each body ----------------------------------------------------

from variorum.align.evidence import edges, heads_alike, heads_alike_arrays  # noqa: E402


def test_edges_give_the_unshared_head_and_the_extent_of_the_shared_text():
    body = np.ones(10, dtype=bool)
    assert edges(body, [(6, 10)]) == (0.6, 0.4)  # a footer: six words of its own, then shared
    assert edges(body, [(0, 3), (7, 9)]) == (0.0, 0.9)
    assert edges(body, []) == (0.0, 0.0)
    # Tokens outside the body (a cover note) count neither way.
    body[:4] = False
    assert edges(body, [(6, 10)]) == (round(2 / 6, 4), round(4 / 6, 4))


def test_heads_alike_is_the_share_of_the_shorter_heads_words_in_the_other():
    a = [1, 2, 3, 4, 9, 9, 9, 9]  # head: the first half
    b = [1, 2, 5, 6, 9, 9, 9, 9]
    assert heads_alike(a, b, 0.5, 0.5) == 0.5
    assert heads_alike(a, b, 0.0, 0.5) == 0.0


@given(
    st.lists(st.integers(0, 20), min_size=1, max_size=40),
    st.lists(st.integers(0, 20), min_size=1, max_size=40),
    st.floats(0, 1),
    st.floats(0, 1),
)
@settings(max_examples=200, deadline=None)
def test_heads_alike_is_a_share_and_symmetric(a, b, ha, hb):
    value = heads_alike(a, b, ha, hb)
    assert 0.0 <= value <= 1.0
    assert value == heads_alike(b, a, hb, ha)


@given(
    st.lists(st.integers(0, 30), max_size=60),
    st.lists(st.integers(0, 30), max_size=60),
    st.floats(0, 1),
    st.floats(0, 1),
)
@settings(max_examples=300, deadline=None)
def test_heads_alike_of_arrays_is_heads_alike_of_lists(a, b, ha, hb):
    spread = np.uint64(0x9E3779B97F4A7C15)  # token hashes use all 64 bits
    a_hashes = np.asarray(a, dtype=np.uint64) * spread
    b_hashes = np.asarray(b, dtype=np.uint64) * spread
    expected = heads_alike(a_hashes.tolist(), b_hashes.tolist(), ha, hb)
    assert heads_alike_arrays(a_hashes, b_hashes, ha, hb) == expected
