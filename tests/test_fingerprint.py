"""Fingerprints: stable across processes, and winnowing's guarantee."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.detect.fingerprint import fingerprints, ngram_hashes, token_hashes, winnow

TEXT = [
    "the",
    "only",
    "way",
    "to",
    "achieve",
    "a",
    "durable",
    "and",
    "lasting",
    "peace",
    "is",
    "to",
    "ensure",
    "the",
    "complete",
    "withdrawal",
]


def test_fingerprints_are_the_same_in_another_process_with_another_hash_seed():
    here, _ = fingerprints(TEXT, 5, 5)
    code = (
        "import json; from variorum.detect.fingerprint import fingerprints;"
        f"print(json.dumps(fingerprints({TEXT!r}, 5, 5)[0].tolist()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout) == here.tolist()


def test_known_values_pin_the_format():
    # If this changes, bump FINGERPRINT_VERSION: old indexes would silently stop matching.
    assert int(token_hashes(["peace"])[0]) == 0x6260F90662EECD9E
    assert fingerprints(TEXT, 5, 5)[0].tolist()[:3] == [
        5984122082765189054,
        6727307058325580370,
        4171089447789624448,
    ]
    assert ngram_hashes(token_hashes(TEXT), 5).dtype == np.uint64
    assert len(ngram_hashes(token_hashes(TEXT), 5)) == len(TEXT) - 4


def test_short_texts_still_get_one_fingerprint():
    h, _pos = fingerprints(["a", "b", "c", "d", "e", "f"], 5, 5)
    assert len(h) == 1
    assert fingerprints(["too", "short"], 5, 5)[0].size == 0


words = st.lists(st.sampled_from([f"w{i}" for i in range(40)]), min_size=0, max_size=60)


@given(words, words, words)
@settings(max_examples=200, deadline=None)
def test_any_shared_run_of_ngram_plus_window_minus_one_words_shares_a_fingerprint(left, right, shared_pad):
    shared = [f"s{i}" for i in range(9)] + shared_pad[:3]  # >= 5 + 5 - 1 tokens
    a = left + shared + right
    b = right[::-1] + shared + left
    ha, _ = fingerprints(a, 5, 5)
    hb, _ = fingerprints(b, 5, 5)
    assert set(ha.tolist()) & set(hb.tolist())


@given(st.lists(st.integers(0, 2**63), min_size=1, max_size=50), st.integers(1, 8))
@settings(deadline=None)  # a loaded machine delays one example now and then; timing is not tested
def test_winnowing_keeps_a_minimum_of_every_window(values, window):
    h = np.array(values, dtype=np.uint64)
    kept = set(winnow(h, window).tolist())
    for i in range(max(1, len(h) - window + 1)):
        win = range(i, min(i + window, len(h)))
        assert any(k in kept for k in win)
        assert min(h[k] for k in win) in {h[k] for k in kept if k in win}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=6), max_size=30), st.lists(st.text(min_size=1, max_size=6)))
def test_token_hashes_are_xxh3_of_utf8_whether_cached_or_not(tokens, seen_before):
    token_hashes(seen_before)  # some tokens cached, others not
    expected = [xxhash.xxh3_64_intdigest(t.encode("utf-8")) for t in tokens]
    assert token_hashes(tokens).tolist() == expected
    assert token_hashes(tokens).tolist() == expected  # now all cached


# -- the fast paths against the code they replaced ----------------------------------------------


def _winnow_reference(hashes: np.ndarray, window: int) -> np.ndarray:
    """Winnowing by one argmin per window (the former implementation)."""
    if len(hashes) == 0:
        return np.empty(0, dtype=np.int64)
    if len(hashes) <= window:
        return np.array([len(hashes) - 1 - int(np.argmin(hashes[::-1]))], dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(hashes, window)
    pos = np.arange(len(windows)) + (window - 1 - np.argmin(windows[:, ::-1], axis=1))
    return np.array(sorted(set(pos.tolist())), dtype=np.int64)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.integers(0, 5), st.integers(0, 2**64 - 1)), max_size=80),
    st.integers(1, 9),
)
def test_winnowing_by_sliding_keeps_what_one_argmin_per_window_keeps(values, window):
    h = np.array(values, dtype=np.uint64)
    assert winnow(h, window).tolist() == _winnow_reference(h, window).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=40))
def test_token_hashes_are_unsigned_xxh3_values(tokens):
    hashes = token_hashes(tokens)
    assert hashes.dtype == np.uint64
    assert hashes.tolist() == [xxhash.xxh3_64_intdigest(t.encode("utf-8")) for t in tokens]
