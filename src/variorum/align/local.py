"""Local alignment of two token sequences into shared passages (seed, chain, extend).

1. **Seeds** are positions where both texts have the same word n-gram (exact, on normalized
   tokens). An n-gram that repeats many times in either text is a stock phrase inside that
   document and seeds nothing.
2. **Chains**: seeds are taken in order of their position in ``a``; a seed continues the chain
   whose last seed is at most ``max_gap`` tokens behind it in *both* texts, preferring the chain
   whose diagonal (offset between the texts) is closest. A substituted word, a dropped clause or a
   word that stayed split therefore bends a chain but does not cut it, while a moved paragraph
   (a far jump of the diagonal) or an inserted paragraph (a long gap on one side) starts a new
   one: passages are local, which is what makes moves and containment visible.
3. **Extension** carries each chain's ends over matching tokens that are too short a run to
   seed (fewer than ``ngram`` words before the text ends or diverges).
4. A chain that spans at least ``min_words`` tokens on both sides is a passage; its identity
   is 1 - the normalized Levenshtein distance between the two token sequences (rapidfuzz).

Chains overlapping on both sides (a side effect of repeated phrases) are merged. Everything works
on token indices; :mod:`variorum.align.passages` turns them into quoted character spans.

N-gram hashes come as numpy arrays (:func:`seeds`) or, for a few short texts, as lists of ints
(:func:`listed_seeds`, the same seeds): the collation of two one-page files never imports numpy,
~40 ms of its ~130 ms, so numpy is imported where arrays are used, not with this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    import numpy as np

# An n-gram occurring more often than this in one text seeds nothing (a refrain, a list marker).
MAX_SEED_REPEATS = 8


@dataclass(frozen=True)
class Match:
    """Aligned token ranges ``a[a0:a1]`` and ``b[b0:b1]`` with their identity."""

    a0: int
    a1: int
    b0: int
    b1: int
    identity: float


def seeds(a_grams: np.ndarray, b_grams: np.ndarray) -> list[tuple[int, int]]:
    """All (i, j) with ``a_grams[i] == b_grams[j]``, sorted, repeats beyond the cap dropped."""
    import numpy as np

    from variorum.arrays import concat_ranges, distinct, in_sorted

    if len(a_grams) == 0 or len(b_grams) == 0:
        return []
    a_distinct = distinct(a_grams)
    common = a_distinct[in_sorted(a_distinct, distinct(b_grams))]
    if len(common) == 0:
        return []
    a_idx = np.flatnonzero(in_sorted(a_grams, common))
    b_idx = np.flatnonzero(in_sorted(b_grams, common))
    a_vals, b_vals = a_grams[a_idx], b_grams[b_idx]
    # Both sides hold exactly the values of ``common``; count them and drop the repeated ones.
    a_count = np.bincount(np.searchsorted(common, a_vals), minlength=len(common))
    b_order = np.argsort(b_vals, kind="stable")  # by value, then by position
    b_count = np.bincount(np.searchsorted(common, b_vals), minlength=len(common))
    b_start = np.cumsum(b_count) - b_count
    usable = (a_count <= MAX_SEED_REPEATS) & (b_count <= MAX_SEED_REPEATS)
    k = np.searchsorted(common, a_vals)
    keep = usable[k]
    i, k = a_idx[keep], k[keep]
    n = b_count[k]
    j = b_idx[b_order][concat_ranges(b_start[k], n)]
    return list(zip(np.repeat(i, n).tolist(), j.tolist(), strict=True))


def listed_seeds(a_grams: Sequence[int], b_grams: Sequence[int]) -> list[tuple[int, int]]:
    """:func:`seeds` of n-gram hashes given as lists, in pure Python (the same pairs, in the same
    order: by position in ``a``, then in ``b``)."""
    b_at: dict[int, list[int]] = {}
    for j, g in enumerate(b_grams):
        b_at.setdefault(g, []).append(j)
    a_count: dict[int, int] = {}
    for g in a_grams:
        if g in b_at:
            a_count[g] = a_count.get(g, 0) + 1
    out: list[tuple[int, int]] = []
    for i, g in enumerate(a_grams):
        at = b_at.get(g)
        if at is not None and len(at) <= MAX_SEED_REPEATS and a_count[g] <= MAX_SEED_REPEATS:
            out.extend((i, j) for j in at)
    return out


def chain(seed_list: Sequence[tuple[int, int]], max_gap: int) -> list[list[int]]:
    """Group seeds into chains ``[first_i, first_j, last_i, last_j]`` (see the module doc)."""
    active: list[list[int]] = []
    done: list[list[int]] = []
    reach = max_gap + 1
    for i, j in seed_list:
        best = None
        best_cost = reach + 1
        keep: list[list[int]] = []
        for c in active:
            li, lj = c[2], c[3]
            if i - li > reach:
                done.append(c)
                continue
            keep.append(c)
            if li < i and lj < j <= lj + reach:
                cost = abs((j - i) - (lj - li))
                if cost < best_cost:
                    best, best_cost = c, cost
        active = keep
        if best is not None:
            best[2], best[3] = i, j
        else:
            active.append([i, j, i, j])
    done.extend(active)
    return done


def _extend(a: Sequence[int], b: Sequence[int], a0: int, a1: int, b0: int, b1: int) -> tuple[int, ...]:
    """Grow the ranges over equal tokens at both ends, bridging one mismatch if 2 matches follow."""
    na, nb = len(a), len(b)
    while True:
        while a1 < na and b1 < nb and a[a1] == b[b1]:
            a1 += 1
            b1 += 1
        if a1 + 2 < na and b1 + 2 < nb and a[a1 + 1] == b[b1 + 1] and a[a1 + 2] == b[b1 + 2]:
            a1 += 1
            b1 += 1
            continue
        break
    while True:
        while a0 > 0 and b0 > 0 and a[a0 - 1] == b[b0 - 1]:
            a0 -= 1
            b0 -= 1
        if a0 >= 3 and b0 >= 3 and a[a0 - 2] == b[b0 - 2] and a[a0 - 3] == b[b0 - 3]:
            a0 -= 1
            b0 -= 1
            continue
        break
    return a0, a1, b0, b1


def _merge(ranges: list[list[int]]) -> list[list[int]]:
    """Merge ranges that overlap in both texts (repeats make several chains over one passage)."""
    ranges.sort()
    out: list[list[int]] = []
    for r in ranges:
        for o in out:
            if r[0] < o[1] and o[0] < r[1] and r[2] < o[3] and o[2] < r[3]:
                o[0], o[1] = min(o[0], r[0]), max(o[1], r[1])
                o[2], o[3] = min(o[2], r[2]), max(o[3], r[3])
                break
        else:
            out.append(list(r))
    return out


def align_tokens(
    a: Sequence[int],
    b: Sequence[int],
    a_grams: np.ndarray | list[int],
    b_grams: np.ndarray | list[int],
    *,
    ngram: int,
    max_gap: int,
    min_words: int,
) -> list[Match]:
    """Shared passages of two token-hash sequences, as token ranges, ordered by position in ``a``.

    ``a_grams``/``b_grams`` are the n-gram hashes of ``a``/``b`` (see
    :func:`variorum.detect.fingerprint.all_ngrams`) so callers that already have them do not
    hash twice; given as lists (:mod:`variorum.detect.hash_lists`), they are seeded without numpy.
    """
    found = listed_seeds(a_grams, b_grams) if isinstance(a_grams, list) else seeds(a_grams, b_grams)
    chains = chain(found, max_gap)
    ranges: list[list[int]] = []
    for fi, fj, li, lj in chains:
        a0, a1, b0, b1 = _extend(a, b, fi, li + ngram, fj, lj + ngram)
        if a1 - a0 >= min_words and b1 - b0 >= min_words:
            ranges.append([a0, a1, b0, b1])
    matches = []
    for a0, a1, b0, b1 in _merge(ranges):
        identity = Levenshtein.normalized_similarity(a[a0:a1], b[b0:b1])
        matches.append(Match(a0, a1, b0, b1, round(float(identity), 4)))
    matches.sort(key=lambda m: (m.a0, m.b0))
    return matches


def coverage(n: int, ranges: Sequence[tuple[int, int]], mask: np.ndarray | None = None) -> float:
    """Share of the ``n`` tokens (or of those where ``mask`` is true) inside any of ``ranges``."""
    if n == 0:
        return 0.0
    import numpy as np

    covered = np.zeros(n, dtype=bool)
    for r0, r1 in ranges:
        covered[r0:r1] = True
    if mask is not None:
        total = int(mask.sum())
        return float((covered & mask).sum()) / total if total else 0.0
    return float(covered.sum()) / n
