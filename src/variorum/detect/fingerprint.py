"""Winnowed word n-gram fingerprints.

A document's fingerprints are a sample of the hashes of its word n-grams chosen by *winnowing*
(Schleimer, Wilkerson & Aiken 2003): in every window of ``window`` consecutive n-gram hashes the
smallest is kept. Because the choice depends only on the window's contents, two documents that
share a run of ``ngram + window - 1`` tokens always keep at least one common fingerprint, and a
longer shared run keeps one per ``window`` n-grams. With the defaults (5-word n-grams, windows
of 5) any shared run of 9 clean words is found, so a 20-word passage is found even when a noisy
word cuts it in two.

Stability: a token's hash is xxh3-64 of its normalized UTF-8 bytes, and an n-gram's hash is a
polynomial of its token hashes in wrapping 64-bit arithmetic followed by a splitmix64 finalizer.
Nothing depends on the process (no ``hash()``), the platform's byte order or numpy's version, so
an index built on one machine answers queries from another. ``FINGERPRINT_VERSION`` in
:mod:`variorum.config` names this format.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence

import numpy as np
import xxhash

_MULT = np.uint64(0x100000001B3)  # FNV-64 prime: odd, so the polynomial keeps every token's bits
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)

# Hashes kept as signed 64-bit values: numpy reads a list of those several times faster than a
# list of unsigned ones, and the array is then viewed as unsigned.
_token_cache: dict[str, int] = {}
_SIGN = 1 << 63


def token_hashes(norms: Sequence[str]) -> np.ndarray:
    """xxh3-64 of each normalized token, as ``uint64``; cached since vocabularies repeat."""
    cache = _token_cache
    hashes = list(map(cache.get, norms))
    if not all(hashes):  # tokens not seen before (None), found without a loop over the others
        missing = list(
            itertools.compress(itertools.count(), map(operator.is_, hashes, itertools.repeat(None)))
        )
        for i in missing:
            tok = norms[i]
            h = xxhash.xxh3_64_intdigest(tok.encode("utf-8"))
            hashes[i] = h = h - (h & _SIGN) * 2  # the same 64 bits, signed
            if len(cache) < 2_000_000:
                cache[tok] = h
    return np.array(hashes, dtype=np.int64).view(np.uint64)


#: Tokens from which :func:`token_hashes_many` hashes every token afresh, in one C-level pass
#: (encoding and xxh3 mapped over the tokens), rather than looking each up in the cache: on the
#: tokens of a chunk of documents the cache's lookups, scattered over a large dict, cost more.
VECTOR_MIN_TOKENS = 2_000


def token_hashes_many(texts: Sequence[Sequence[str]]) -> tuple[np.ndarray, list[int]]:
    """:func:`token_hashes` of the tokens of several texts: one ``uint64`` array for all, and
    where each text's start in it (and the end of the last).

    Many tokens at once (a worker's chunk of documents) are hashed by ``xxh3_64_intdigest``
    mapped over their UTF-8 encodings and read into the array by ``np.fromiter``: no Python
    loop, no cache lookup, and a third less time than an xxh3 written in numpy over one joined
    buffer (which this replaced). Fewer go through the cache, as one text at a time does.
    """
    offsets = [0, *itertools.accumulate(map(len, texts))]
    total = offsets[-1]
    if total >= VECTOR_MIN_TOKENS:
        # A lone surrogate raises UnicodeEncodeError, as token_hashes always did.
        encoded = map(str.encode, itertools.chain.from_iterable(texts))
        hashes = np.fromiter(map(xxhash.xxh3_64_intdigest, encoded), dtype=np.uint64, count=total)
        return hashes, offsets
    parts = [token_hashes(norms) for norms in texts]
    return (np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)), offsets


def mix64(h: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads the polynomial's bits so minima are uniform."""
    h = h ^ (h >> np.uint64(30))
    h = h * _M1
    h = h ^ (h >> np.uint64(27))
    h = h * _M2
    return h ^ (h >> np.uint64(31))


def ngram_hashes(tok: np.ndarray, n: int) -> np.ndarray:
    """Hash of every run of ``n`` consecutive tokens (``len(tok) - n + 1`` values, or none)."""
    count = len(tok) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = tok[:count].copy()
        for j in range(1, n):
            h = h * _MULT + tok[j : j + count]
        return mix64(h)


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """Positions kept by winnowing: the rightmost minimum of every window, each once, in order.

    A text shorter than one window keeps its single minimum, so short documents still get a
    fingerprint. The windows' minima are found by sliding: each offset of the window is compared
    with the best so far across all windows at once (``<=``, so that the rightmost minimum
    wins), ``window`` array operations in all rather than one reduction per window.
    """
    if len(hashes) == 0:
        return np.empty(0, dtype=np.int64)
    if len(hashes) <= window:
        rev = hashes[::-1]
        return np.array([len(hashes) - 1 - int(np.argmin(rev))], dtype=np.int64)
    offset = _minimum_offsets(hashes, window)
    pos = offset + np.arange(len(offset))
    # Rightmost minima never move left from one window to the next, so the positions are sorted
    # and each is kept once by dropping repeats (np.unique would sort them again, and its first
    # call in a process imports numpy.ma, tens of milliseconds).
    keep = np.empty(len(pos), dtype=bool)
    keep[0] = True
    np.not_equal(pos[1:], pos[:-1], out=keep[1:])
    return pos[keep]


def _minimum_offsets(hashes: np.ndarray, window: int) -> np.ndarray:
    """For each window of ``window`` consecutive ``hashes`` (``len(hashes) >= window``), the
    offset in it of its rightmost minimum: each offset is compared with the best so far across
    all windows at once (``<=``, so that the rightmost wins), ``window`` array operations in all
    rather than one reduction per window."""
    count = len(hashes) - window + 1
    best = hashes[:count].copy()
    offset = np.zeros(count, dtype=np.int64)
    for j in range(1, window):
        candidate = hashes[j : j + count]
        better = candidate <= best
        np.copyto(offset, j, where=better)  # a masked copy: half the time of offset[better] = j
        np.minimum(best, candidate, out=best)
    return offset


def winnow_many(
    grams: np.ndarray, starts: Sequence[int], counts: Sequence[int], window: int
) -> list[np.ndarray]:
    """:func:`winnow` of several texts' n-gram hashes, all held in ``grams``: text ``i`` has
    ``counts[i]`` of them from ``starts[i]`` on (in order; what lies between is ignored).

    The windows' minima are found for ``grams`` as a whole, in ``window`` array operations,
    and only the windows that lie within one text are kept: a window's minimum depends on its
    contents alone. A text of one window or less keeps its single minimum, as in :func:`winnow`.
    """
    out = [np.empty(0, dtype=np.int64)] * len(counts)
    first = np.asarray(starts, dtype=np.int64)
    sizes = np.asarray(counts, dtype=np.int64)
    long = np.flatnonzero(sizes > window)
    if len(long):
        offset = _minimum_offsets(grams, window)
        count = len(offset)
        # Window starts within one text: a step up at each text's first, down after its last.
        # (One text's end may be the next one's start: counted, not assigned.)
        steps = np.bincount(first[long], minlength=count + 1)
        steps -= np.bincount(first[long] + sizes[long] - window + 1, minlength=count + 1)
        inside = np.cumsum(steps[:count]) > 0
        which = np.flatnonzero(inside)
        pos = offset[which] + which
        # As in winnow: positions never move left within a text, and texts do not overlap.
        keep = np.empty(len(pos), dtype=bool)
        keep[0] = True
        np.not_equal(pos[1:], pos[:-1], out=keep[1:])
        pos = pos[keep]
        lo = np.searchsorted(pos, first[long]).tolist()
        hi = np.searchsorted(pos, first[long] + sizes[long]).tolist()
        for i, a, b in zip(long.tolist(), lo, hi, strict=True):
            out[i] = pos[a:b] - first[i]
    for i in np.flatnonzero((sizes > 0) & (sizes <= window)).tolist():
        out[i] = winnow(grams[first[i] : first[i] + sizes[i]], window)
    return out


def fingerprints(norms: Sequence[str], ngram: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The winnowed fingerprints of a token sequence: ``(hashes as int64, token positions)``.

    Hashes are returned as signed 64-bit integers because that is what SQLite stores.
    """
    grams = ngram_hashes(token_hashes(norms), ngram)
    pos = winnow(grams, window)
    return grams[pos].view(np.int64), pos


def all_ngrams(norms: Sequence[str], ngram: int) -> np.ndarray:
    """Every n-gram hash as int64, for seeding a pairwise alignment."""
    return ngram_hashes(token_hashes(norms), ngram).view(np.int64)
