"""The collation's paths without numpy against the array paths they stand in for: token and
n-gram hashes as lists, seeds from lists, and the near-match programme on lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.align.local import align_tokens, listed_seeds, seeds
from variorum.collate import align as collate_align
from variorum.detect import fingerprint, hash_lists

words = st.lists(st.sampled_from(["a", "b", "c", "dé", "ünï", "中文", "x" * 30, "", "the"]), max_size=80)


@given(words, st.integers(1, 6))
@settings(max_examples=200, deadline=None)
def test_listed_hashes_are_the_arrays_values(norms: list[str], n: int) -> None:
    tokens = hash_lists.token_hashes(norms)
    array = fingerprint.token_hashes(norms)
    assert tokens == array.tolist()
    assert hash_lists.ngram_hashes(tokens, n) == fingerprint.ngram_hashes(array, n).tolist()


# Few distinct values, so that n-grams repeat within and across the texts, past the seed cap too.
grams = st.lists(st.integers(0, 12), max_size=150)


@given(grams, grams)
@settings(max_examples=300, deadline=None)
def test_listed_seeds_are_the_array_seeds(a: list[int], b: list[int]) -> None:
    as_array = seeds(np.array(a, dtype=np.int64), np.array(b, dtype=np.int64))
    assert listed_seeds(a, b) == as_array


@given(words, words, st.integers(2, 4))
@settings(max_examples=200, deadline=None)
def test_alignment_from_lists_is_alignment_from_arrays(a: list[str], b: list[str], n: int) -> None:
    ha, hb = hash_lists.token_hashes(a), hash_lists.token_hashes(b)
    listed = align_tokens(
        ha,
        hb,
        hash_lists.ngram_hashes(ha, n),
        hash_lists.ngram_hashes(hb, n),
        ngram=n,
        max_gap=3,
        min_words=n,
    )
    xa, xb = fingerprint.token_hashes(a), fingerprint.token_hashes(b)
    arrays = align_tokens(
        ha,
        hb,
        fingerprint.ngram_hashes(xa, n).view(np.int64),
        fingerprint.ngram_hashes(xb, n).view(np.int64),
        ngram=n,
        max_gap=3,
        min_words=n,
    )
    assert listed == arrays


def reference_near_dp(s_forms, w_norms):
    """``_near_dp`` as it was, on numpy arrays."""
    n, m = len(s_forms), len(w_norms)
    gap = -1.0
    score = np.zeros((n + 1, m + 1))
    score[:, 0] = np.arange(n + 1) * gap
    score[0, :] = np.arange(m + 1) * gap
    sim = np.array([[collate_align._similarity(f, b) for b in w_norms] for f in s_forms]).reshape(n, m)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            score[i, j] = max(
                score[i - 1, j - 1] + sim[i - 1, j - 1], score[i - 1, j] + gap, score[i, j - 1] + gap
            )
    pairs = []
    i, j = n, m
    while i > 0 or j > 0:
        if (
            i > 0
            and j > 0
            and sim[i - 1, j - 1] >= 1.0
            and score[i, j] == score[i - 1, j - 1] + sim[i - 1, j - 1]
        ):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and score[i, j] == score[i - 1, j] + gap:
            pairs.append((i - 1, None))
            i -= 1
        elif j > 0 and score[i, j] == score[i, j - 1] + gap:
            pairs.append((None, j - 1))
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    pairs.reverse()
    return pairs


near = st.sampled_from(["the", "cat", "centre", "center", "aircraft", "aircrafts", "red", "bread", "a", "of"])


@given(st.lists(st.frozensets(near, min_size=1, max_size=3), max_size=14), st.lists(near, max_size=14))
@settings(max_examples=400, deadline=None)
def test_the_near_match_programme_on_lists_is_the_one_on_arrays(s_forms, w_norms) -> None:
    forms = [set(f) for f in s_forms]
    assert collate_align._near_dp(forms, w_norms) == reference_near_dp(forms, w_norms)
