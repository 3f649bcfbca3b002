"""Where two or three tokens run together might spell a word of the vocabulary, for all at once.

Split-word repair (:func:`variorum.text.normalize.repair_splits`) can only join tokens whose
concatenation is a known word, and such places are rare (a few in a document of 500 words).
Finding them by building every joined pair and triple as a string and looking each up cost
about as much as cutting the tokens. Here they are found with hashes instead: the polynomial
hash of a string's code points composes (``poly(a + b) = poly(a) * BASE**len(b) + poly(b)``),
so numpy computes the hashes of every joined pair and triple from the tokens' own in a few
array operations, and tests them against a bitmap of the vocabulary's hashes. Equal strings
have equal hashes, so no place where a word is spelt is missed; a collision only adds a place
that the repair, which looks the joined string up itself, leaves alone.

The bitmap is kept for each vocabulary object (a ``dict``, such as the ``Counter`` that
``add`` grows batch by batch) and brought up to date when it is asked about: words added since
are the last ones in the dict's order, found by walking back to the last word hashed. If that
word is no longer where it was (words were removed), the bitmap is built again. A vocabulary
that is not a dict (or cannot be referred to weakly) gets no bitmap: the caller then tests
strings.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: Base of the polynomial hashes; odd, so that every code point keeps its bits.
BASE = np.uint64(0x100000001B3)
_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of hash * this
#: Bitmap slots per word of the vocabulary (a power of two at least this): at most one slot in
#: 256 is set, so about 4 of the 1,000 joined pairs and triples of a 500-word text are visited
#: by the repair for nothing, up to :data:`MAX_BITS`.
SLOTS_PER_WORD = 256
_MIN_BITS = 16
#: Largest bitmap (2**27 bits, 16 MB): a vocabulary of more than half a million words fills it
#: beyond one slot in 256, and more positions are visited for nothing.
MAX_BITS = 27

_INVERSE = np.uint64(pow(int(BASE), -1, 2**64))  # BASE is odd, so it has an inverse modulo 2**64
#: Words hashed by one numpy pass; a vocabulary is hashed in slices of this many, so that the
#: tables of powers stay as long as one slice's characters.
_SLICE = 20_000
# ``BASE ** k`` and ``BASE ** -k`` for k below their length, replaced together (one tuple) when
# a longer text needs longer tables.
_tables = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))


def _power_tables(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``BASE ** k`` and ``BASE ** -k`` modulo 2**64 for ``k`` below at least ``size``."""
    global _tables
    tables = _tables
    if len(tables[0]) < size:
        size = max(size, 2 * len(tables[0]), 4096)
        made = []
        for base in (BASE, _INVERSE):
            table = np.full(size, base, dtype=np.uint64)
            table[0] = 1
            made.append(np.cumprod(table, dtype=np.uint64))  # array arithmetic wraps silently
        _tables = tables = (made[0], made[1])
    return tables


def poly_hashes(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The polynomial hash of each word's code points, and ``BASE ** len(word)`` (``uint64``).

    One running sum over all the words' characters, each weighted by ``BASE ** -position``:
    the sum over one word, times ``BASE`` to its last position, is its hash (an odd base has
    an inverse modulo 2**64). No per-character table lookup and no loop over the words.
    """
    if len(words) > _SLICE:
        parts = [poly_hashes(words[i : i + _SLICE]) for i in range(0, len(words), _SLICE)]
        return np.concatenate([h for h, _ in parts]), np.concatenate([p for _, p in parts])
    # The words each followed by a NUL, which adds nothing to a sum and whose places give the
    # words' ends without asking each word its length. (Array arithmetic wraps silently.)
    codes = np.frombuffer(("\0".join(words) + "\0").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.flatnonzero(codes == 0)
    if len(ends) == len(words):
        lengths = ends.copy()
        lengths[1:] -= ends[:-1] + 1
    else:  # a word holds a NUL itself
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = np.cumsum(lengths)
    powers, inverse = _power_tables(len(codes) + 1)
    running = np.zeros(len(codes) + 1, dtype=np.uint64)
    np.cumsum(codes * inverse[: len(codes)], out=running[1:])
    # Each word starts where the one before it ended (past a NUL, which adds nothing), so its
    # sum is the difference of the running sums at consecutive ends: one gather, not two.
    # An empty word sums to 0, whatever power it is multiplied by.
    at_ends = running[ends]
    sums = np.empty_like(at_ends)
    sums[:1] = at_ends[:1]
    np.subtract(at_ends[1:], at_ends[:-1], out=sums[1:])
    hashes = sums * powers[np.maximum(ends - 1, 0)]
    return hashes, powers[lengths]


class _Bitmap:
    """The hashes of a vocabulary's words as bits, and what is needed to keep them current."""

    def __init__(self, vocabulary: dict[str, Any]) -> None:
        self.count = 0
        self.last: str | None = None
        self.hashes = np.empty(0, dtype=np.uint64)
        self.shift = np.uint64(64 - _MIN_BITS)
        self.bits = np.zeros(1 << (_MIN_BITS - 3), dtype=np.uint8)
        self.add(list(vocabulary))
        self.count, self.last = len(vocabulary), next(reversed(vocabulary), None)

    def add(self, words: list[str]) -> None:
        """Set the bits of ``words``; a bitmap grown too full is made again, twice as large."""
        hashes, _ = poly_hashes(words)
        self.hashes = np.concatenate([self.hashes, hashes])
        size = 64 - int(self.shift)
        if len(self.hashes) * SLOTS_PER_WORD > 1 << size and size < MAX_BITS:
            size = min(MAX_BITS, max(_MIN_BITS, (len(self.hashes) * SLOTS_PER_WORD - 1).bit_length()))
            self.shift = np.uint64(64 - size)
            self.bits = np.zeros(1 << (size - 3), dtype=np.uint8)
            hashes = self.hashes
        slots = self._slots(hashes)
        bits = np.left_shift(1, slots & np.uint64(7)).astype(np.uint8)
        np.bitwise_or.at(self.bits, slots >> np.uint64(3), bits)

    def _slots(self, hashes: np.ndarray) -> np.ndarray:
        return (hashes * _SPREAD) >> self.shift  # array arithmetic wraps silently

    def holds(self, hashes: np.ndarray) -> np.ndarray:
        """True where a hash may be a word's (always where it is)."""
        slots = self._slots(hashes)
        byte = self.bits[slots >> np.uint64(3)]
        return ((byte >> (slots & np.uint64(7)).astype(np.uint8)) & 1).astype(bool)

    def catch_up(self, vocabulary: dict[str, Any]) -> bool:
        """Add the words added to ``vocabulary`` since the last call; False if it cannot tell
        which they are (words were removed), and the bitmap must be built again."""
        grown = len(vocabulary) - self.count
        if grown < 0:
            return False
        if grown == 0:
            return self.count == 0 or next(reversed(vocabulary)) is self.last
        new: list[str] = []
        for word in reversed(vocabulary):
            if word is self.last:
                break
            new.append(word)
            if len(new) > grown:
                return False
        if len(new) != grown or (self.last is None and self.count):
            return False
        self.add(new)
        self.count, self.last = len(vocabulary), next(reversed(vocabulary))
        return True


_bitmaps: dict[int, tuple[weakref.ref[Any], _Bitmap]] = {}
_lock = threading.Lock()  # a web app's threads may repair at once


def _bitmap(vocabulary: Mapping[str, int]) -> _Bitmap | None:
    """The current bitmap of ``vocabulary``, or None for a vocabulary that cannot have one."""
    if not isinstance(vocabulary, dict):
        return None
    with _lock:
        return _current(vocabulary)


def _current(vocabulary: dict[str, Any]) -> _Bitmap | None:
    key = id(vocabulary)
    held = _bitmaps.get(key)
    if held is not None and held[0]() is vocabulary and held[1].catch_up(vocabulary):
        return held[1]
    try:
        ref = weakref.ref(vocabulary, lambda _: _bitmaps.pop(key, None))
    except TypeError:  # a plain dict
        return None
    bitmap = _Bitmap(vocabulary)
    _bitmaps[key] = (ref, bitmap)
    return bitmap


def candidate_sites(norms: Sequence[str], parts: Sequence[Mapping[str, int]]) -> list[int] | None:
    """Positions ``i`` where ``norms[i] + norms[i + 1]`` (or that and ``norms[i + 2]``) may be a
    word of one of ``parts``: every position where one is, and a few more. None if a part has
    no bitmap."""
    found = candidate_sites_many([norms], parts)
    return None if found is None else found[0]


def candidate_sites_many(
    texts: Sequence[Sequence[str]], parts: Sequence[Mapping[str, int]]
) -> list[list[int]] | None:
    """:func:`candidate_sites` of the tokens of each of several texts, hashed together.

    The tokens of all texts are hashed in one pass and their pairs and triples tested in one,
    as if they were one text; a pair or triple that runs from one text into the next is then
    left out. A chunk of documents costs a few dozen numpy calls instead of that many per
    document, most of the time for documents of a few hundred words.
    """
    found = candidate_positions(texts, parts)
    if found is None:
        return None
    _, sites = found
    return split_positions(sites.tolist(), [len(norms) for norms in texts])


def split_positions(positions: list[int], sizes: Sequence[int]) -> list[list[int]]:
    """Sorted positions in the texts' tokens run together, as positions in each text (texts of
    ``sizes`` tokens, in order)."""
    if not positions:
        return [[] for _ in sizes]
    out: list[list[int]] = []
    lo = base = 0
    for size in sizes:
        end = base + size
        hi = bisect.bisect_left(positions, end, lo)
        out.append([p - base for p in positions[lo:hi]] if hi > lo else [])
        lo, base = hi, end
    return out


def candidate_positions(
    texts: Sequence[Sequence[str]], parts: Sequence[Mapping[str, int]]
) -> tuple[Sequence[str], np.ndarray] | None:
    """The tokens of all ``texts`` run together, and the positions in them (sorted, ``int64``)
    where :func:`candidate_sites` finds a site of one text. None if a part has no bitmap.

    Split-word repair tests these positions against the vocabulary for the whole chunk at once
    (:func:`variorum.text.normalize.repair_splits_many`), before it visits any text.
    """
    bitmaps = [_bitmap(part) for part in parts]
    if any(b is None for b in bitmaps):
        return None
    sizes = [len(norms) for norms in texts]
    n = sum(sizes)
    flat = texts[0] if len(texts) == 1 else list(itertools.chain.from_iterable(texts))
    if n < 2:
        return flat, np.empty(0, dtype=np.int64)
    hashes, powers = poly_hashes(flat)
    joined = np.empty(2 * n - 3, dtype=np.uint64)  # every pair, then every triple
    pairs, triples = joined[: n - 1], joined[n - 1 :]
    np.multiply(hashes[:-1], powers[1:], out=pairs)
    pairs += hashes[1:]
    np.multiply(pairs[:-1], powers[2:], out=triples)
    triples += hashes[2:]
    hit = None
    for bitmap in bitmaps:
        assert bitmap is not None
        found = bitmap.holds(joined)
        hit = found if hit is None else hit | found
    assert hit is not None
    if len(texts) == 1:
        hit[: n - 2] |= hit[n - 1 :]
        return flat, np.flatnonzero(hit[: n - 1])
    # Tokens left in the same text after each position: a pair needs one, a triple two.
    ends = np.cumsum(sizes)
    left = np.repeat(ends, sizes) - np.arange(1, n + 1)
    hit[: n - 1] &= left[: n - 1] >= 1
    hit[n - 1 :] &= left[: n - 2] >= 2
    hit[: n - 2] |= hit[n - 1 :]
    return flat, np.flatnonzero(hit[: n - 1])
