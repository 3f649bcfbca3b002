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
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

#: Base of the polynomial hashes; odd, so that every code point keeps its bits, and with no
#: structure (the FNV prime, ``2**40 + 435``, has powers that are ``435**k + k * 435**(k-1) *
#: 2**40`` modulo 2**64, under which words of close CJK or Hangul code points can collide).
BASE = np.uint64(0x9FB21C651E98DF25)
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


def powers_of_lengths(lengths: np.ndarray) -> np.ndarray:
    """``BASE ** length`` for each of ``lengths``, as :func:`poly_hashes` gives them."""
    return _power_tables(int(lengths.max(initial=0)) + 1)[0][lengths]


def poly_hashes(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The polynomial hash of each word's code points (each plus one), and ``BASE ** len(word)``
    (``uint64``).

    One running sum over all the words' characters, each weighted by ``BASE ** -position``:
    the sum over one word, times ``BASE`` to its last position, is its hash (an odd base has
    an inverse modulo 2**64). No per-character table lookup and no loop over the words.
    """
    if len(words) > _SLICE:
        parts = [poly_hashes(words[i : i + _SLICE]) for i in range(0, len(words), _SLICE)]
        return np.concatenate([h for h, _ in parts]), np.concatenate([p for _, p in parts])
    # The words each followed by a NUL, whose places give the words' ends without asking each
    # word its length (and which then adds nothing to a sum). (Array arithmetic wraps silently.)
    codes = np.frombuffer(("\0".join(words) + "\0").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.flatnonzero(codes == 0)
    separated = len(ends) == len(words)
    if separated:
        lengths = ends.copy()
        lengths[1:] -= ends[:-1] + 1
    else:  # a word holds a NUL itself
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = np.cumsum(lengths)
    return _hashes_ending(codes, ends, lengths, separated=separated)


def _hashes_ending(
    codes: np.ndarray, ends: np.ndarray, lengths: np.ndarray, *, separated: bool
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`poly_hashes` of the words of ``codes`` that end before ``ends``; ``separated``:
    each word is followed by a separator (at its end), which must add nothing to the sums."""
    powers, inverse = _power_tables(len(codes) + 1)
    running = np.zeros(len(codes) + 1, dtype=np.uint64)
    # Each code point plus one: a NUL must weigh something, or "\0a" and "a" would be equal.
    weighted = codes * inverse[: len(codes)]
    weighted += inverse[: len(codes)]
    if separated:
        weighted[ends] = 0
    np.cumsum(weighted, out=running[1:])
    # Each word starts where the one before it ended (past a separator, which adds nothing), so
    # its sum is the difference of the running sums at consecutive ends: one gather, not two.
    # An empty word sums to 0, whatever power it is multiplied by.
    at_ends = running[ends]
    sums = np.empty_like(at_ends)
    sums[:1] = at_ends[:1]
    np.subtract(at_ends[1:], at_ends[:-1], out=sums[1:])
    hashes = sums * powers[np.maximum(ends - 1, 0)]
    return hashes, powers[lengths]


def joined_hashes(joined: str, sep: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`poly_hashes` of the words of ``joined`` (words joined by ``sep``, which none
    holds), and where each starts in it: the hashes of a chunk's word counts as they travel
    (:class:`~variorum.store.wordcounts.WordCounts`), without making a string of each word.
    An empty ``joined`` is one empty word."""
    codes = np.frombuffer((joined + sep).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.flatnonzero(codes == ord(sep))
    starts = np.zeros(len(ends), dtype=np.int64)
    starts[1:] = ends[:-1] + 1
    if len(ends) > _SLICE:  # halves, so that the tables of powers stay short (as poly_hashes)
        cut = int(ends[len(ends) // 2 - 1])
        left, _ = joined_hashes(joined[:cut], sep)
        right, _ = joined_hashes(joined[cut + 1 :], sep)
        return np.concatenate([left, right]), starts
    hashes, _ = _hashes_ending(codes, ends, ends - starts, separated=True)
    return hashes, starts


def joined_starts(joined: str, sep: str) -> np.ndarray:
    """Where each word of ``joined`` (words joined by ``sep``) starts in it, as
    :func:`joined_hashes` gives them, for words whose hashes came with them."""
    ends = np.flatnonzero(
        np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) == ord(sep)
    )
    starts = np.zeros(len(ends) + 1, dtype=np.int64)
    starts[1:] = ends + 1
    return starts


class _Bitmap:
    """The hashes of a vocabulary's words as bits, and what is needed to keep them current."""

    def __init__(self, vocabulary: dict[str, Any]) -> None:
        self.count = 0
        self.last: str | None = None
        # The hashes set so far, in the arrays they came in: joined only when the bitmap is
        # made again (a worker adds a chunk's new words some 150 times in an add of 20,000
        # documents, and joining every time copied the whole vocabulary's hashes each time).
        self.held: list[np.ndarray] = []
        self.size = 0
        self.shift = np.uint64(64 - _MIN_BITS)
        self.bits = np.zeros(1 << (_MIN_BITS - 3), dtype=np.uint8)
        self.add(list(vocabulary))
        self.count, self.last = len(vocabulary), next(reversed(vocabulary), None)

    def add(self, words: list[str]) -> None:
        """Set the bits of ``words``; a bitmap grown too full is made again, twice as large."""
        self.add_hashes(poly_hashes(words)[0])

    @property
    def hashes(self) -> np.ndarray:
        """Every hash set, in order."""
        if len(self.held) != 1:
            self.held = [np.concatenate(self.held) if self.held else np.empty(0, dtype=np.uint64)]
        return self.held[0]

    def add_hashes(self, hashes: np.ndarray) -> None:
        """Set the bits of words of these hashes (:meth:`add`)."""
        self.held.append(hashes)
        self.size += len(hashes)
        size = 64 - int(self.shift)
        if self.size * SLOTS_PER_WORD > 1 << size and size < MAX_BITS:
            size = min(MAX_BITS, max(_MIN_BITS, (self.size * SLOTS_PER_WORD - 1).bit_length()))
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


def _runs_together(
    flat: Sequence[str], hashed: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The tokens' hashes, and the hashes of every two (then every three) tokens run together,
    composed from them (``n >= 2`` tokens: ``n - 1`` pairs, then ``n - 2`` triples).
    ``hashed``: :func:`poly_hashes` of ``flat``, if already made."""
    n = len(flat)
    hashes, powers = poly_hashes(flat) if hashed is None else hashed
    joined = np.empty(2 * n - 3, dtype=np.uint64)
    pairs, triples = joined[: n - 1], joined[n - 1 :]
    np.multiply(hashes[:-1], powers[1:], out=pairs)
    pairs += hashes[1:]
    np.multiply(pairs[:-1], powers[2:], out=triples)
    triples += hashes[2:]
    return hashes, joined


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
    _, joined = _runs_together(flat)
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


#: Largest share of a :class:`HashedVocabulary`'s slots in use: past it the table doubles. At a
#: half, looking up a word that is not there visits 2.5 slots on average (linear probing).
MAX_LOAD = 0.5
_EMPTY = -1


class HashedVocabulary(Mapping[str, int]):
    """Word counts held as an open-addressing hash table in numpy arrays, keyed by
    :func:`poly_hashes`, for the split repair of a process that adds many chunks' counts.

    A dict of a few hundred thousand words costs a few hundred nanoseconds for each word
    added (a string made, hashed and looked up); here a chunk's words are hashed in one pass
    over their joined column (:func:`joined_hashes`) and found, counted and inserted a few
    numpy calls at a time, and only a word not seen before is made a string (kept in
    :attr:`words`, to confirm a hit). The split repair looks the joined pairs and triples of
    a chunk's tokens up by the hashes it composes from the tokens' own (:func:`hashed_sites`).

    Hash collisions. Every hit of a looked-up word is confirmed by comparing its string with
    the word stored in that slot, so a joined string whose hash happens to be a word's is never
    taken for it. What is not confirmed is that two words of the vocabulary have different
    hashes (confirming every word added would cost what the dict did): two such words would
    share one count. For ``V`` words that happens with a chance of about ``V**2 / 2**65``
    (3e-8 for a million words), far below anything else that can go wrong in a run: with a
    base without structure (:data:`BASE`) and every code point counted (a NUL too), the
    polynomial hash modulo 2**64 has no collisions that are likelier between words than
    between random strings, except constructed ones (Thue–Morse sequences of thousands of
    characters), which natural text does not hold and whose effect would be one count.

    With ``keep_sum`` the counts added since :meth:`restart_sum` are also kept apart
    (:meth:`sum_since`): the sum a worker sends for the index (:mod:`variorum.workers`).
    """

    def __init__(self, vocabulary: Mapping[str, int] | None = None, *, keep_sum: bool = False) -> None:
        self.words: list[str] = []
        self.used = 0
        self.bitmap = _Bitmap({})  # looking up joined tokens, most of which are no word, costs less
        self._allocate(1 << 12)
        self._since: np.ndarray | None = np.zeros(len(self._hashes), dtype=np.int64) if keep_sum else None
        if vocabulary:
            words = list(vocabulary)
            hashes, _ = poly_hashes(words)
            counts = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(words))
            self.add_hashed(hashes, counts, lambda picks: [words[i] for i in picks.tolist()], kept=False)

    def _allocate(self, size: int) -> None:
        self._hashes = np.zeros(size, dtype=np.uint64)
        self._refs = np.full(size, _EMPTY, dtype=np.int64)  # index in :attr:`words`
        self._counts = np.zeros(size, dtype=np.int64)
        self.shift = np.uint64(64 - (size.bit_length() - 1))
        self.mask = size - 1

    def _home(self, hashes: np.ndarray) -> np.ndarray:
        return ((hashes * _SPREAD) >> self.shift).astype(np.int64)  # array arithmetic wraps

    def find(self, hashes: np.ndarray) -> np.ndarray:
        """The slot of each hash, or -1 where none holds it: linear probing for all at once,
        each round on the hashes still looking."""
        out = np.full(len(hashes), _EMPTY, dtype=np.int64)
        slots = self._home(hashes)
        todo = np.arange(len(hashes))
        wanted = hashes
        keys, refs, mask = self._hashes, self._refs, self.mask
        while len(todo):
            held = refs[slots] != _EMPTY
            found = held & (keys[slots] == wanted)
            out[todo[found]] = slots[found]
            going = held & ~found
            todo, wanted, slots = todo[going], wanted[going], (slots[going] + 1) & mask
        return out

    def add_hashed(
        self,
        hashes: np.ndarray,
        counts: np.ndarray,
        words_at: Callable[[np.ndarray], list[str]],
        *,
        kept: bool = True,
    ) -> None:
        """Add ``counts[i]`` to the count of the word hashed ``hashes[i]``; ``words_at`` gives
        the strings of the words at some positions (those new to the table). ``kept``: also
        into the sum kept apart, if any."""
        slots = self.find(hashes)
        new = np.flatnonzero(slots == _EMPTY)
        if len(new):
            # Distinct words only (the same hash twice among new words: see the class notes).
            fresh, first, where = np.unique(hashes[new], return_index=True, return_inverse=True)
            if (self.used + len(fresh)) > MAX_LOAD * len(self._hashes):
                self._grow(self.used + len(fresh))
                slots = self.find(hashes)
            refs = np.arange(len(self.words), len(self.words) + len(fresh), dtype=np.int64)
            self.words.extend(words_at(new[first]))
            self.bitmap.add_hashes(fresh)
            slots[new] = self._insert(fresh, refs)[where]
        np.add.at(self._counts, slots, counts)
        if kept and self._since is not None:
            np.add.at(self._since, slots, counts)

    def _insert(self, hashes: np.ndarray, refs: np.ndarray) -> np.ndarray:
        """Put hashes absent from the table (and distinct) in it; their slots. Where several
        want one free slot, the first takes it and the others move on."""
        out = np.empty(len(hashes), dtype=np.int64)
        slots = self._home(hashes)
        todo = np.arange(len(hashes))
        while len(todo):
            free = np.flatnonzero(self._refs[slots] == _EMPTY)
            taken, first = np.unique(slots[free], return_index=True)
            winners = free[first]
            self._hashes[taken] = hashes[todo[winners]]
            self._refs[taken] = refs[todo[winners]]
            out[todo[winners]] = taken
            going = np.ones(len(todo), dtype=bool)
            going[winners] = False
            todo, slots = todo[going], (slots[going] + 1) & self.mask
        self.used += len(hashes)
        return out

    def _grow(self, needed: int) -> None:
        """Move every word into a table large enough for ``needed`` words."""
        held = np.flatnonzero(self._refs != _EMPTY)
        keys, refs, counts = self._hashes[held], self._refs[held], self._counts[held]
        since = self._since[held] if self._since is not None else None
        size = len(self._hashes)
        while needed > MAX_LOAD * size:
            size *= 2
        self._allocate(size)
        self.used = 0
        slots = self._insert(keys, refs)
        self._counts[slots] = counts
        if since is not None:
            self._since = np.zeros(size, dtype=np.int64)
            self._since[slots] = since

    def sum_since(self) -> tuple[list[str], list[int]]:
        """The words and counts added (``kept``) since :meth:`restart_sum`, in no set order."""
        assert self._since is not None
        slots = np.flatnonzero(self._since)
        words = self.words
        return [words[i] for i in self._refs[slots].tolist()], self._since[slots].tolist()

    def restart_sum(self) -> None:
        """Start a new sum kept apart."""
        if self._since is not None:
            self._since[:] = 0

    def confirmed(self, slots: np.ndarray, strings: Sequence[str]) -> np.ndarray:
        """The counts at ``slots`` where the word stored there is ``strings[i]`` (0 elsewhere,
        and where the slot is -1)."""
        held = slots != _EMPTY
        refs = np.where(held, self._refs[slots], _EMPTY).tolist()
        counts = np.where(held, self._counts[slots], 0)
        words = self.words
        same = [r != _EMPTY and words[r] == string for r, string in zip(refs, strings, strict=True)]
        return np.where(np.array(same, dtype=bool), counts, 0)

    def _count(self, word: str) -> int:
        hashes, _ = poly_hashes([word])
        return int(self.confirmed(self.find(hashes), [word])[0])

    def __getitem__(self, word: str) -> int:
        n = self._count(word) if isinstance(word, str) else 0
        if not n:
            raise KeyError(word)
        return n

    def get(self, word: str, default: Any = None) -> Any:
        n = self._count(word) if isinstance(word, str) else 0
        return n if n else default

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._count(word) != 0

    def _held(self) -> np.ndarray:
        return np.flatnonzero((self._refs != _EMPTY) & (self._counts != 0))

    def __iter__(self) -> Iterator[str]:
        words = self.words
        return iter([words[i] for i in self._refs[self._held()].tolist()])

    def __len__(self) -> int:
        return len(self._held())


def hashed_sites(
    texts: Sequence[Sequence[str]],
    vocabulary: HashedVocabulary,
    hashed: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[list[list[int]], dict[str, int]]:
    """The positions in each text where two or three tokens run together make a word of
    ``vocabulary`` (exactly those: every hit is confirmed by its string), and the counts that
    the split repair asks for there: of those joined words and of the tokens at the sites and
    the two after them. Any other word the repair asks about is not in the vocabulary.

    The joined pairs' and triples' hashes are composed from the tokens' own, as in
    :func:`candidate_positions`, and looked up in the table for the whole chunk at once.
    ``hashed``: :func:`poly_hashes` of all the texts' tokens, one text after another, if
    already made.
    """
    sizes = [len(norms) for norms in texts]
    n = sum(sizes)
    if n < 2:
        return [[] for _ in sizes], {}
    flat = texts[0] if len(texts) == 1 else list(itertools.chain.from_iterable(texts))
    hashes, joined = _runs_together(flat, hashed)
    maybe = vocabulary.bitmap.holds(joined)
    if len(texts) > 1:  # a pair or triple that runs from one text into the next is left out
        left = np.repeat(np.cumsum(sizes), sizes) - np.arange(1, n + 1)
        maybe[: n - 1] &= left[: n - 1] >= 1
        maybe[n - 1 :] &= left[: n - 2] >= 2
    hits = np.flatnonzero(maybe)
    slots = vocabulary.find(joined[hits])
    hits, slots = hits[slots != _EMPTY], slots[slots != _EMPTY]
    if not len(hits):
        return [[] for _ in sizes], {}
    at = np.where(hits < n - 1, hits, hits - (n - 1))
    strings = [
        flat[i] + flat[i + 1] if h < n - 1 else flat[i] + flat[i + 1] + flat[i + 2]
        for h, i in zip(hits.tolist(), at.tolist(), strict=True)
    ]
    counts = vocabulary.confirmed(slots, strings)
    known = {s: c for s, c in zip(strings, counts.tolist(), strict=True) if c}
    sites = sorted({i for i, c in zip(at.tolist(), counts.tolist(), strict=True) if c})
    if sites:
        near = np.unique(np.minimum(np.add.outer(np.array(sites), np.arange(3)), n - 1).ravel())
        tokens = [flat[i] for i in near.tolist()]
        found = vocabulary.confirmed(vocabulary.find(hashes[near]), tokens)
        known.update((t, c) for t, c in zip(tokens, found.tolist(), strict=True) if c)
    return split_positions(sites, sizes), known
