"""The local aligner of :mod:`variorum.align.local` for documents seen in many pairs.

``add`` aligns every candidate pair of a batch, and one document is in dozens of them: on 1,000
real manual pages, 47,518 pairs among 1,000 documents. :func:`~variorum.align.local.seeds`
sorts both documents' n-grams for every pair; a :class:`SeedTable` sorts a document's once and
keeps them grouped by value, so that a pair's seeds are one lookup of the smaller table in the
larger.

Half of those pairs share nothing: they became candidates through a package footer, an option
list or a licence line of fewer than ``min_words`` words. :func:`may_hold_passage` rejects them
before the chaining, from the seeds and how far each seed's diagonal can be extended. The
rejection is exact (a pair it rejects has no passage in :func:`~variorum.align.local.align_tokens`
either), because it bounds what the aligner does from above:

* a chain's seeds follow one another at most ``max_gap + 1`` tokens apart in ``a`` and in ``b``,
  so they lie in one *cluster* of the seeds' positions in ``a`` (split where two consecutive
  distinct positions are further apart) and in one cluster of their positions in ``b``;
* the chain's range is its first seed's left extension to its last seed's right extension, so
  it is no longer, on each side, than the furthest right end of its cluster's seeds minus their
  earliest left end;
* merging only joins ranges that already have ``min_words`` on both sides.

So a pair none of whose seeds has both clusters spanning ``min_words`` holds no passage.

The extensions are computed for many seeds at once, up to ``min_words`` tokens each way (an
extension that long settles the bound on its own), and only for the seeds at the ends of runs
along a diagonal: an extension's end moves only forward with its start, so the seeds inside a
run change no cluster's span. After chaining, the same computation gives the chains' ends: when
they stop short of ``min_words`` they are exactly where the aligner's extension stops; only the
rare longer ones are walked again token by token. The result is that of
:func:`~variorum.align.local.align_tokens`, match for match (``tests/test_seeding.py`` checks it
by hypothesis and on real manual pages).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein

from variorum.align.local import MAX_SEED_REPEATS, Match, _extend, _merge, align_tokens, chain
from variorum.arrays import concat_ranges, in_sorted

#: Up to this many seeds, a pair's extensions are computed for every seed: finding the ends of
#: runs costs more than it saves.
_FEW_SEEDS = 32

#: Token value of the padding around a table's tokens, which lets a window of tokens be read past
#: either end of a document without a bounds test (the positions past an end are then masked).
PAD = 0x9E3779B97F4A7C15


@dataclass(frozen=True, eq=False)
class SeedTable:
    """One document's n-grams that can seed, grouped by value, and its padded tokens."""

    #: Sorted distinct n-gram hashes occurring at most ``MAX_SEED_REPEATS`` times.
    values: np.ndarray
    #: Where each value's positions begin in ``positions``, and how many there are.
    starts: np.ndarray
    counts: np.ndarray
    #: Token positions of those n-grams, grouped by value, ascending within a value.
    positions: np.ndarray
    #: The token hashes with ``pad`` copies of :data:`PAD` on each side.
    padded: np.ndarray
    pad: int
    #: The document's token hashes and n-gram hashes.
    hashes: np.ndarray
    grams: np.ndarray

    @classmethod
    def of(cls, hashes: np.ndarray, grams: np.ndarray, window: int) -> SeedTable:
        """The table of a document with token hashes ``hashes`` and n-gram hashes ``grams``,
        padded for extensions of up to ``window`` tokens."""
        order = np.argsort(grams, kind="stable")
        ordered = grams[order]
        if len(ordered):
            first = np.empty(len(ordered), dtype=bool)
            first[0] = True
            np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
            group = np.flatnonzero(first)
            counts = np.diff(np.append(group, len(ordered)))
            usable = counts <= MAX_SEED_REPEATS
            group, counts = group[usable], counts[usable]
        else:
            group = counts = np.empty(0, dtype=np.int64)
        pad = window + 2
        tokens = np.asarray(hashes, dtype=np.uint64)
        padding = np.full(pad, PAD, dtype=np.uint64)
        return cls(
            values=ordered[group],
            starts=np.cumsum(counts) - counts,
            counts=counts,
            positions=order[concat_ranges(group, counts)],
            padded=np.concatenate([padding, tokens, padding]),
            pad=pad,
            hashes=tokens,
            grams=grams,
        )


def seed_pairs(ta: SeedTable, tb: SeedTable) -> tuple[np.ndarray, np.ndarray]:
    """The seeds of :func:`~variorum.align.local.seeds` as two arrays ``(i, j)``, same order."""
    if len(ta.values) == 0 or len(tb.values) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    # Look the smaller table up in the larger: a long document pairs with many short ones.
    if len(ta.values) <= len(tb.values):
        at = np.minimum(np.searchsorted(tb.values, ta.values), len(tb.values) - 1)
        hit = tb.values[at] == ta.values
        ka, kb = np.flatnonzero(hit), at[hit]
    else:
        at = np.minimum(np.searchsorted(ta.values, tb.values), len(ta.values) - 1)
        hit = ta.values[at] == tb.values
        ka, kb = at[hit], np.flatnonzero(hit)
    ca, cb = ta.counts[ka], tb.counts[kb]
    if ca.max(initial=0) <= 1 and cb.max(initial=0) <= 1:  # most shared n-grams: once on each side
        i, j = ta.positions[ta.starts[ka]], tb.positions[tb.starts[kb]]
    else:
        i_each = ta.positions[concat_ranges(ta.starts[ka], ca)]  # a's positions, value by value
        partners = cb.repeat(ca)  # each of them pairs with every position of its value in b
        i = i_each.repeat(partners)
        j = tb.positions[concat_ranges(tb.starts[kb].repeat(ca), partners)]
    width = len(tb.grams) + 1  # above every j
    key = i * width + j
    key.sort()  # one sort on one key: by i, then by j
    return key // width, key % width


def extensions(
    ta: SeedTable, tb: SeedTable, i: np.ndarray, j: np.ndarray, ngram: int, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """How far the aligner's extension carries each seed left of ``i`` and right of ``i + ngram``.

    The extension (:func:`~variorum.align.local._extend`) steps over a token pair that is equal,
    or unequal but followed by two equal ones, on the seed's diagonal; it stops at the first
    other. Counts stop at ``window``: a count of ``window`` means *at least* that far. Both
    tables must be padded for ``window`` (:meth:`SeedTable.of`).
    """
    steps, offsets = _columns(ngram, window)
    x = i[:, None] + (offsets + ta.pad)
    y = j[:, None] + (offsets + tb.pad)
    equal = (ta.padded[x] == tb.padded[y]).reshape(len(i), 2, window + 2)
    # Past the start or the end of either document nothing is equal, whatever the padding holds.
    equal[:, 0] &= steps < np.minimum(i, j)[:, None]
    equal[:, 1] &= steps < (np.minimum(len(ta.hashes) - i, len(tb.hashes) - j) - ngram)[:, None]
    # The extension passes a token pair that is equal or followed by two equal ones; the last
    # column, never passed, gives ``window`` to a seed that passes them all.
    passes = np.zeros((len(i), 2, window + 1), dtype=bool)
    bridged = equal[:, :, 1 : window + 1] & equal[:, :, 2:]
    np.logical_or(equal[:, :, :window], bridged, out=passes[:, :, :window])
    reach = passes.argmin(axis=2)
    return reach[:, 0], reach[:, 1]


@functools.lru_cache(maxsize=8)
def _columns(ngram: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The steps of an extension, and the offsets from a seed of the tokens read for them: the
    ``window + 2`` tokens before the seed (nearest first), then those after it."""
    steps = np.arange(window + 2)
    return steps, np.concatenate([-1 - steps, ngram + steps])


def may_hold_passage(
    i: np.ndarray,
    j: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    *,
    ngram: int,
    max_gap: int,
    min_words: int,
) -> bool:
    """False only if the aligner finds no passage of ``min_words`` from these seeds (module doc).

    ``i``/``j`` are the seeds sorted by ``i``; ``left``/``right`` their extensions
    (:func:`extensions` with a window of at least ``min_words``).
    """
    if len(i) == 0:
        return False
    reach = max_gap + 1
    start = i - left
    end = i + ngram + right
    fits_a = _cluster_spans(i, start, end, reach) >= min_words
    if not fits_a.any():
        return False
    by_b = np.argsort(j, kind="stable")
    diagonal = (j - i)[by_b]
    fits_b = np.empty(len(i), dtype=bool)
    fits_b[by_b] = _cluster_spans(j[by_b], start[by_b] + diagonal, end[by_b] + diagonal, reach) >= min_words
    return bool((fits_a & fits_b).any())


def _cluster_spans(pos: np.ndarray, start: np.ndarray, end: np.ndarray, reach: int) -> np.ndarray:
    """For each of the sorted ``pos``: the furthest ``end`` minus the earliest ``start`` of its
    cluster (consecutive positions at most ``reach`` apart)."""
    cut = ((pos[1:] - pos[:-1]) > reach).nonzero()[0] + 1
    firsts = np.concatenate([[0], cut])
    spans = np.maximum.reduceat(end, firsts) - np.minimum.reduceat(start, firsts)
    return spans.repeat(np.diff(firsts, append=len(pos)))


def align_tables(ta: SeedTable, tb: SeedTable, *, ngram: int, max_gap: int, min_words: int) -> list[Match]:
    """:func:`~variorum.align.local.align_tokens` of the two tables' documents, faster.

    Both tables must be padded for ``min_words`` (:meth:`SeedTable.of`).
    """
    if ta.pad < min_words + 2 or tb.pad < min_words + 2:  # tables made for a shorter window
        return align_tokens(
            ta.hashes.tolist(),
            tb.hashes.tolist(),
            ta.grams,
            tb.grams,
            ngram=ngram,
            max_gap=max_gap,
            min_words=min_words,
        )
    i, j = seed_pairs(ta, tb)
    if len(i) == 0:
        return []
    # A seed with seeds right before and after it on its diagonal extends no further than they
    # do (an extension's end moves only forward with its start), and it is in their clusters:
    # the screen needs only the ends of such runs, a long shared passage is one run.
    if len(i) <= _FEW_SEEDS:
        left, right = extensions(ta, tb, i, j, ngram, min_words)
    else:
        width = len(tb.grams) + 1
        key = i * width + j
        ends = (~(in_sorted(key + (width + 1), key) & in_sorted(key - (width + 1), key))).nonzero()[0]
        left, right = np.zeros(len(i), dtype=np.int64), np.zeros(len(i), dtype=np.int64)
        left[ends], right[ends] = extensions(ta, tb, i[ends], j[ends], ngram, min_words)
    if not may_hold_passage(i, j, left, right, ngram=ngram, max_gap=max_gap, min_words=min_words):
        return []
    chains = chain(list(zip(i.tolist(), j.tolist(), strict=True)), max_gap)
    # The exact extension of each chain's ends, for all chains at once.
    c = np.asarray(chains, dtype=np.int64).reshape(-1, 4)
    ends_i, ends_j = np.concatenate([c[:, 0], c[:, 2]]), np.concatenate([c[:, 1], c[:, 3]])
    back, ahead = extensions(ta, tb, ends_i, ends_j, ngram, min_words)
    backs, aheads = back[: len(c)].tolist(), ahead[len(c) :].tolist()
    a, b = ta.hashes, tb.hashes
    lists: list[list[int]] = []  # the tokens as lists, made only for an extension walked in full
    ranges: list[list[int]] = []
    for (fi, fj, li, lj), back_k, ahead_k in zip(chains, backs, aheads, strict=True):
        if back_k < min_words and ahead_k < min_words:
            a0, a1, b0, b1 = fi - back_k, li + ngram + ahead_k, fj - back_k, lj + ngram + ahead_k
        else:
            if not lists:
                lists = [a.tolist(), b.tolist()]
            a0, a1, b0, b1 = _extend(lists[0], lists[1], fi, li + ngram, fj, lj + ngram)
        if a1 - a0 >= min_words and b1 - b0 >= min_words:
            ranges.append([a0, a1, b0, b1])
    matches = []
    for a0, a1, b0, b1 in _merge(ranges):
        identity = Levenshtein.normalized_similarity(a[a0:a1].tolist(), b[b0:b1].tolist())
        matches.append(Match(a0, a1, b0, b1, round(float(identity), 4)))
    matches.sort(key=lambda m: (m.a0, m.b0))
    return matches


__all__ = ["PAD", "SeedTable", "align_tables", "extensions", "may_hold_passage", "seed_pairs"]
