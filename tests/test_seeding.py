"""The table-based aligner against the reference aligner it replaces, and its pre-check.

:func:`variorum.align.seeding.align_tables` must give what
:func:`variorum.align.local.align_tokens` gives, match for match, and its screen
(:func:`~variorum.align.seeding.may_hold_passage`) may reject a pair only if the reference finds
no passage in it. Both are checked by hypothesis on texts built to sit at the edges (short shared
runs near ``min_words``, substituted words the extension bridges or not, refrains over the seed
cap, documents ending inside a match) and on real manual pages in four languages and three
scripts.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.align.local import MAX_SEED_REPEATS, align_tokens, seeds
from variorum.align.passages import seed_table
from variorum.align.seeding import PAD, SeedTable, align_tables, extensions, may_hold_passage, seed_pairs
from variorum.config import Settings
from variorum.detect.fingerprint import ngram_hashes
from variorum.model import Document
from variorum.prepare import prepare
from variorum.text.normalize import count_vocabulary, raw_tokens

S = Settings()


def hashed(tokens: list[int]) -> np.ndarray:
    """Small token numbers spread over 64 bits, as real token hashes are."""
    return (np.asarray(tokens, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C1)


def grams(h: np.ndarray, n: int) -> np.ndarray:
    return ngram_hashes(h, n).view(np.int64)


def both(a: list[int], b: list[int], ngram: int, max_gap: int, min_words: int):
    """(fast, reference) alignments of two token lists."""
    ha, hb = hashed(a), hashed(b)
    ga, gb = grams(ha, ngram), grams(hb, ngram)
    opts = {"ngram": ngram, "max_gap": max_gap, "min_words": min_words}
    fast = align_tables(SeedTable.of(ha, ga, min_words), SeedTable.of(hb, gb, min_words), **opts)
    return fast, align_tokens(ha.tolist(), hb.tolist(), ga, gb, **opts)


@st.composite
def related_pair(draw):
    """A text and an edited copy of parts of it, over a small vocabulary (accidental matches)."""
    size = draw(st.integers(2, 40))
    a = draw(st.lists(st.integers(0, size), max_size=140))
    b: list[int] = []
    rnd = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(0, 4))):
        if a and rnd.random() < 0.8:
            start = rnd.randrange(len(a))
            piece = a[start : start + rnd.randint(1, 40)]
            # Substitutions (bridged if isolated), deletions and insertions inside the copied piece.
            edited = []
            for t in piece:
                r = rnd.random()
                if r < 0.08:
                    edited.append(rnd.randint(0, size))
                elif r < 0.12:
                    continue
                else:
                    edited.append(t)
                if rnd.random() < 0.04:
                    edited.append(rnd.randint(0, size))
            b += edited
        else:
            b += [rnd.randint(0, size) for _ in range(rnd.randint(0, 25))]
    return a, b


@given(
    related_pair(),
    st.integers(2, 5),
    st.integers(0, 12),
    st.integers(0, 25),
    st.booleans(),
)
@settings(max_examples=600, deadline=None)
def test_the_table_aligner_finds_what_the_reference_finds(pair, ngram, max_gap, extra, swap):
    a, b = pair
    if swap:
        a, b = b, a
    min_words = ngram + extra
    fast, reference = both(a, b, ngram, max_gap, min_words)
    assert fast == reference


@given(related_pair(), st.integers(0, 12), st.integers(0, 18))
@settings(max_examples=400, deadline=None)
def test_the_screen_rejects_only_pairs_without_a_passage(pair, max_gap, extra):
    a, b = pair
    ngram, min_words = 3, 3 + extra
    ha, hb = hashed(a), hashed(b)
    ta, tb = SeedTable.of(ha, grams(ha, ngram), min_words), SeedTable.of(hb, grams(hb, ngram), min_words)
    i, j = seed_pairs(ta, tb)
    left, right = extensions(ta, tb, i, j, ngram, min_words)
    opts = {"ngram": ngram, "max_gap": max_gap, "min_words": min_words}
    if not may_hold_passage(i, j, left, right, **opts):
        assert align_tokens(ha.tolist(), hb.tolist(), ta.grams, tb.grams, **opts) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=60), st.lists(st.integers(0, 12), max_size=60))
def test_table_seeds_are_the_reference_seeds(a: list[int], b: list[int]) -> None:
    ga, gb = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    h = np.zeros(0, dtype=np.uint64)
    i, j = seed_pairs(SeedTable.of(h, ga, 5), SeedTable.of(h, gb, 5))
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == seeds(ga, gb)


def test_extensions_stop_where_the_reference_extension_stops():
    a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    b = [0, 2, 3, 4, 5, 6, 7, 9, 8, 10, 11, 0]  # 1 and 12 differ, 8/9 swapped: two mismatches
    ha, hb = hashed(a), hashed(b)
    ta, tb = SeedTable.of(ha, grams(ha, 3), 20), SeedTable.of(hb, grams(hb, 3), 20)
    left, right = extensions(ta, tb, np.array([2]), np.array([2]), 3, 20)
    # Left of the seed (3, 4, 5): 2 matches, then 1/0 differ and both documents start.
    assert left.tolist() == [1]
    # Right of it: 6, 7 match, 8/9 are two mismatches in a row.
    assert right.tolist() == [2]


def test_a_short_shared_run_is_rejected_and_a_long_one_is_not():
    rnd = random.Random(3)
    shared = [rnd.randrange(1000, 2000) for _ in range(30)]
    a = [rnd.randrange(2000, 3000) for _ in range(50)]
    b = [rnd.randrange(3000, 4000) for _ in range(50)]
    for length, expected in ((S.min_words - 3, False), (S.min_words, True)):
        x, y = a[:20] + shared[:length] + a[20:], b[:35] + shared[:length] + b[35:]
        hx, hy = hashed(x), hashed(y)
        tx, ty = (SeedTable.of(h, grams(h, S.ngram), S.min_words) for h in (hx, hy))
        i, j = seed_pairs(tx, ty)
        left, right = extensions(tx, ty, i, j, S.ngram, S.min_words)
        opts = {"ngram": S.ngram, "max_gap": S.max_gap, "min_words": S.min_words}
        assert may_hold_passage(i, j, left, right, **opts) is expected
        assert bool(align_tables(tx, ty, **opts)) is expected


def test_a_token_equal_to_the_padding_matches_nothing_past_an_end():
    rnd = random.Random(5)
    a = hashed([rnd.randrange(50) for _ in range(80)])
    a[:3] = a[-3:] = np.uint64(PAD)
    b = np.concatenate([a[40:], a[:40]])
    ga, gb = grams(a, S.ngram), grams(b, S.ngram)
    ta, tb = SeedTable.of(a, ga, S.min_words), SeedTable.of(b, gb, S.min_words)
    opts = {"ngram": S.ngram, "max_gap": S.max_gap, "min_words": S.min_words}
    got = align_tables(ta, tb, **opts)
    assert got and got == align_tokens(a.tolist(), b.tolist(), ga, gb, **opts)


def test_refrains_over_the_seed_cap_extend_as_in_the_reference():
    """A passage whose n-grams repeat past the cap is reached only by extension, walked in full."""
    refrain = [7, 8, 9, 10, 11, 12]
    a = [1, 2, 3, 4, 5, 6] + refrain * (MAX_SEED_REPEATS + 2) + [20, 21]
    b = [1, 2, 3, 4, 5, 6] + refrain * (MAX_SEED_REPEATS + 2) + [30, 31]
    fast, reference = both(a, b, S.ngram, S.max_gap, S.min_words)
    assert fast == reference
    assert fast[0].a1 - fast[0].a0 > S.min_words


# -- real manual pages --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manual_pages():
    from crosslang.build import build, skip_unless_installed

    skip_unless_installed()
    return [d for d in build().values() if d.language in ("en", "de", "ru", "ja")]


def test_real_manual_pages_align_as_with_the_reference(manual_pages):
    """Every pair of pages in one language (they share footers, option lists and licence lines)."""
    by_language: dict[str, list] = {}
    for d in manual_pages:
        by_language.setdefault(d.language, []).append(d)
    rejected = aligned = 0
    for docs in by_language.values():
        raws = [raw_tokens(d.text) for d in docs]
        vocab = count_vocabulary(raws)
        preps = [prepare(Document(id=d.id, text=d.text), vocab, S) for d in docs]
        tables = [seed_table(p, S) for p in preps]
        for x in range(len(preps)):
            for y in range(x + 1, len(preps)):
                pa, pb, ta, tb = preps[x], preps[y], tables[x], tables[y]
                reference = align_tokens(
                    pa.hash_list,
                    pb.hash_list,
                    pa.grams,
                    pb.grams,
                    ngram=S.ngram,
                    max_gap=S.max_gap,
                    min_words=S.min_words,
                )
                i, j = seed_pairs(ta, tb)
                left, right = extensions(ta, tb, i, j, S.ngram, S.min_words)
                opts = {"ngram": S.ngram, "max_gap": S.max_gap, "min_words": S.min_words}
                if len(i) and not may_hold_passage(i, j, left, right, **opts):
                    rejected += 1
                    assert reference == []
                assert align_tables(ta, tb, **opts) == reference
                aligned += bool(reference)
    # The pages share text, and many pairs share a few words only: both paths are exercised.
    assert aligned > 50 and rejected > 50, (aligned, rejected)
