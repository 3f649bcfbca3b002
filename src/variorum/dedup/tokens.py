"""The normalizer's tokens at streaming speed, for deduplicating millions of records.

:func:`variorum.text.normalize.raw_tokens` runs one regular expression over the whole text:
about 1.4 ms for a 500-word record, three times the budget of a dedup that should read 2,000
records a second. But no token crosses whitespace except in two rare cases (a number grouped
with a space, ``60 000``, and ``^{…}`` residue), so a text's tokens are the tokens of its
whitespace-separated *chunks*, and real text repeats its chunks ("the", "of", "States,").
:class:`ChunkTokens` therefore tokenizes each distinct chunk once, with the normalizer itself,
and keeps its tokens, their hashes and an id; a record is then a handful of C-level lookups and
numpy gathers. A text with either rare case takes the normalizer's own path, so the result is
the normalizer's, token for token (the tests compare the two on generated texts).

Word counts for split-word repair are kept per chunk id while the file is read (one numpy
addition per record) and folded into the word counts of a :class:`RunningVocabulary` when the
cache is emptied and at the end of the pass.
"""

from __future__ import annotations

import itertools
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, KeysView, Mapping
from itertools import chain, repeat
from typing import Any

import numpy as np
import regex

from variorum.dedup.repair import Vocabulary, find_joins, reference_tokens
from variorum.detect.fingerprint import mix64
from variorum.text.normalize import WORD, raw_tokens

#: Distinct chunks whose tokens are cached (~300 bytes each with the per-id arrays, so about
#: 30 MB). The cache is emptied when full, which costs only re-tokenizing chunks seen again.
CHUNK_CACHE_SIZE = 100_000
#: Word forms kept in the running vocabulary (~100 bytes each, so up to ~100 MB). When it is
#: full the rarer half is dropped, and from then on each record's own words are added to it
#: when the record is repaired (see :func:`~variorum.dedup.repair.reference_tokens`).
VOCABULARY_SIZE = 1_000_000
#: Words whose counts a :class:`CountsByPolynomial` remembers (~100 bytes each, so ~20 MB).
MEMO_SIZE = 200_000

# A number grouped with a single space ("60 000") is one token across two chunks.
_CROSS_NUMBER = regex.compile(r"\d[ \u00a0\u202f\u2009]\d")
_STARTS_DIGIT, _ENDS_DIGIT = 1, 2
#: Base and modulus of the polynomial hashes (:func:`poly_hash`, :func:`token_hash`).
BASE, MODULUS = 0x100000001B3, 2**64
_BASE, _MODULUS = BASE, MODULUS
_MASK = MODULUS - 1
_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of hash * this


def poly_hash(text: str) -> int:
    """Polynomial hash of the code points: poly(a + b) = poly(a) * BASE**len(b) + poly(b)."""
    h = 0
    for c in text:
        h = (h * _BASE + ord(c)) % _MODULUS
    return h


def poly_hashes(words: list[str]) -> np.ndarray:
    """:func:`poly_hash` of each word, for many words at once (``uint64``).

    Horner's rule one position at a time over the words sorted longest first, so that the words
    still running are always a prefix (as :func:`variorum.dedup.batch.token_polys` does).
    """
    n = len(words)
    if not n:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=n)
    firsts = np.cumsum(lengths) - lengths
    order = np.argsort(-lengths, kind="stable")
    lengths, firsts = lengths[order], firsts[order]
    poly = np.zeros(n, dtype=np.uint64)
    base = np.uint64(_BASE)
    with np.errstate(over="ignore"):
        for j in range(int(lengths[0]) if n else 0):
            m = int(np.searchsorted(-lengths, -j, side="left"))  # words longer than j
            poly[:m] = poly[:m] * base + codes[firsts[:m] + j]
    out = np.empty(n, dtype=np.uint64)
    out[order] = poly
    return out


def token_hash(norm: str) -> int:
    """The hash of a normalized token in signatures and comparisons (stable across processes).

    The splitmix64 finalizer (:func:`variorum.detect.fingerprint.mix64`) of the polynomial of
    the token's code points (:func:`poly_hash`): a definition numpy can evaluate for every token
    of a batch of texts at once (:mod:`variorum.dedup.batch`, :mod:`variorum.dedup.scripts`),
    with the same result as this one. Signatures live for one run only, so the definition is
    free to change between versions.
    """
    h = poly_hash(norm)
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & _MASK
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 31)


def token_hashes(norms: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(token_hash, poly_hash)`` of every token, as ``uint64`` arrays computed for all at once.

    On real text a run meets many word forms it has not cached yet (manual pages in 27
    languages: 1.2 million new forms in 1,000 pages), and hashing them one by one in Python was
    the largest single cost of ``variorum dedup`` there.
    """
    poly = poly_hashes(norms)
    with np.errstate(over="ignore"):
        return mix64(poly), poly


def base_powers(lengths: np.ndarray) -> np.ndarray:
    """``BASE ** length`` modulo 2**64 for every length (``uint64``), from one running product."""
    table = np.full(int(lengths.max(initial=0)) + 1, _BASE, dtype=np.uint64)
    table[0] = 1
    with np.errstate(over="ignore"):
        table = np.cumprod(table, dtype=np.uint64)
    return table[lengths]


def _grown(*arrays: np.ndarray, at_least: int = 0) -> tuple[np.ndarray, ...]:
    """The arrays, zero-extended to twice their size (or ``at_least``)."""
    size = max(2 * len(arrays[0]), at_least)
    return tuple(np.concatenate([a, np.zeros(size - len(a), a.dtype)]) for a in arrays)


class RunningVocabulary:
    """Collection frequencies of word forms over the records read so far, in bounded memory."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = VOCABULARY_SIZE if limit is None else limit
        self.counts: Counter[str] = Counter()
        # Until forms are dropped, the counts include every word of every record read.
        self.pruned = False

    def add(self, words: Iterable[str], times: int = 1) -> None:
        """Count ``words`` (each ``times`` times); drop the rarer half beyond ``limit`` forms."""
        if times == 1:
            self.counts.update(words)
        else:
            counts = self.counts
            for word in words:
                counts[word] += times
        self._bound()

    def add_counts(self, counts: Mapping[str, int]) -> None:
        """Add word counts (one batch's or one worker's); drop the rarer half beyond ``limit``."""
        self.counts.update(counts)
        self._bound()

    def _bound(self) -> None:
        if len(self.counts) > self.limit:
            self.counts = Counter(dict(self.counts.most_common(self.limit // 2)))
            self.pruned = True


class ChunkTokens:
    """Tokens of texts through a cache of per-chunk tokens; one instance per dedup run.

    ``vocabulary``, when given, receives the word counts of the texts passed to
    :meth:`scan_tokens` (after :meth:`fold`).
    """

    def __init__(self, vocabulary: RunningVocabulary | None = None, cache_size: int | None = None) -> None:
        cache_size = CHUNK_CACHE_SIZE if cache_size is None else cache_size
        self.vocabulary = vocabulary
        self.cache_size = cache_size
        self.cache: dict[str, int] = {}  # chunk -> id
        self.norms_of: list[tuple[str, ...]] = []  # by chunk id
        self.words_of: list[tuple[str, ...]] = []  # by chunk id: the norms of kind WORD
        size = min(cache_size, 4096)  # grown as needed, up to the cache size
        self.first = np.zeros(size, dtype=np.int64)  # first token in the per-token arrays, by chunk id
        self.length = np.zeros(size, dtype=np.int64)  # tokens in the chunk
        self.edges = np.zeros(size, dtype=np.uint8)  # _STARTS_DIGIT | _ENDS_DIGIT
        self.seen = np.zeros(size, dtype=np.int64)  # occurrences not yet folded
        # Per token of all cached chunks: its hash (for signatures), and the polynomial hash of
        # its form with the matching power of the base and whether it is a word (for repair).
        self.hashes = np.zeros(size, dtype=np.uint64)
        self.poly = np.zeros(size, dtype=np.uint64)
        self.power = np.zeros(size, dtype=np.uint64)
        self.is_word = np.zeros(size, dtype=bool)
        self.used = 0

    def fold(self) -> None:
        """Add the chunk occurrences counted so far to the vocabulary's word counts."""
        counted = np.flatnonzero(self.seen[: len(self.words_of)])
        vocabulary = self.vocabulary
        if vocabulary is not None:
            pairs = zip(counted.tolist(), self.seen[counted].tolist(), strict=True)
            if len(vocabulary.counts) + int(self.length[counted].sum()) <= vocabulary.limit:
                # No form can be dropped while these are added: count them in one loop, in the
                # same order (so in the same dictionary order) as one add() per chunk would,
                # without its call and bound check for each distinct chunk (a tenth of reading
                # manual pages, whose chunks are mostly distinct).
                counts, words_of = vocabulary.counts, self.words_of
                for i, times in pairs:
                    for word in words_of[i]:
                        counts[word] += times
            else:
                for i, times in pairs:
                    vocabulary.add(self.words_of[i], times)
        self.seen[counted] = 0

    def _clear(self) -> None:
        self.fold()
        self.cache.clear()
        self.norms_of.clear()
        self.words_of.clear()
        self.used = 0

    def _add_all(self, chunks: list[str]) -> None:
        """Tokenize and cache new distinct ``chunks`` (one numpy write per array for all)."""
        first = len(self.words_of)
        # One tokenizer call for all the new chunks, joined by line breaks: no token crosses a
        # line break (what _split checked for the record), so each chunk's tokens are the ones
        # starting inside it. Per chunk, the call's own overhead was most of the cost on text
        # outside the ASCII fast path, whose records bring many new chunks.
        raw = raw_tokens("\n".join(chunks))
        norms_all, kinds_all = raw.norms, raw.kinds
        bounds = list(itertools.accumulate((len(c) + 1 for c in chunks), initial=0))
        cuts = np.searchsorted(np.asarray(raw.starts, dtype=np.int64), bounds).tolist()
        for chunk, lo, hi in zip(chunks, cuts, cuts[1:], strict=False):
            norms = tuple(norms_all[lo:hi])
            kinds = kinds_all[lo:hi]
            if kinds.count(WORD) == len(kinds):
                words = norms
            else:
                words = tuple(n for n, k in zip(norms, kinds, strict=True) if k == WORD)
            self.cache[chunk] = len(self.words_of)
            self.norms_of.append(norms)
            self.words_of.append(words)
        last = len(self.words_of)
        while last > len(self.first):
            self.first, self.length, self.edges, self.seen = _grown(
                self.first, self.length, self.edges, self.seen
            )
        start, end = self.used, self.used + len(norms_all)
        if end > len(self.hashes):
            self.hashes, self.poly, self.power, self.is_word = _grown(
                self.hashes, self.poly, self.power, self.is_word, at_least=end
            )
        lengths = np.fromiter(map(len, self.norms_of[first:last]), dtype=np.int64, count=last - first)
        self.length[first:last] = lengths
        self.first[first:last] = start + np.cumsum(lengths) - lengths
        self.edges[first:last] = [
            (_STARTS_DIGIT if chunk[0].isdigit() else 0) | (_ENDS_DIGIT if chunk[-1].isdigit() else 0)
            for chunk in chunks
        ]
        n = len(norms_all)
        self.hashes[start:end], self.poly[start:end] = token_hashes(norms_all)
        self.power[start:end] = base_powers(np.fromiter(map(len, norms_all), dtype=np.int64, count=n))
        self.is_word[start:end] = [k == WORD for k in kinds_all]
        self.used = end

    def _split(self, text: str) -> tuple[list[str], np.ndarray] | None:
        """The chunks of ``text`` and their ids; None if a token may cross whitespace."""
        if "^{" in text:
            return None
        chunks = text.split()
        if len(chunks) > self.cache_size // 2:
            return None
        if len(self.cache) + len(chunks) > self.cache_size:
            self._clear()  # before the lookups, so that no id of this record goes stale
        ids = np.fromiter(map(self.cache.get, chunks, repeat(-1)), dtype=np.int64, count=len(chunks))
        if ids.min(initial=0) < 0:
            missing = np.flatnonzero(ids < 0).tolist()
            self._add_all(list(dict.fromkeys(chunks[i] for i in missing)))
            ids[missing] = list(map(self.cache.__getitem__, (chunks[i] for i in missing)))
        edges = self.edges[ids]
        ends_digit = (edges[:-1] & _ENDS_DIGIT) != 0
        starts_digit = (edges[1:] & _STARTS_DIGIT) != 0
        if (ends_digit & starts_digit).any() and _CROSS_NUMBER.search(text):
            return None
        return chunks, ids

    def scan_tokens(self, text: str) -> np.ndarray:
        """Token hashes (``uint64``) of ``text`` before split repair, its words counted.

        This is what a record's signature is computed from while the file is first read, when
        the vocabulary is not complete yet; a split word costs a signature only a few shingles.
        """
        got = self._split(text)
        if got is None:
            raw = raw_tokens(text)
            if self.vocabulary is not None:
                self.vocabulary.add(n for n, k in zip(raw.norms, raw.kinds, strict=True) if k == WORD)
            return token_hashes(raw.norms)[0]
        ids = got[1]
        np.add.at(self.seen, ids, 1)
        return self.hashes[self._token_index(ids)]

    def chunk_tokens(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """:meth:`scan_tokens` of ``text`` and how many tokens each chunk of ``text.split()``
        holds, or None where the chunks cannot stand for the text (then call scan_tokens)."""
        got = self._split(text)
        if got is None:
            return None
        ids = got[1]
        np.add.at(self.seen, ids, 1)
        return self.hashes[self._token_index(ids)], self.length[ids]

    def _token_index(self, ids: np.ndarray) -> np.ndarray:
        """Where the tokens of the chunks ``ids`` are in the per-token arrays, in order."""
        lengths = self.length[ids]
        firsts = self.first[ids]
        if lengths.min(initial=1) == 1 and lengths.max(initial=1) == 1:
            return firsts
        # Chunk c's tokens are at firsts[c] : firsts[c] + lengths[c]: gather all ranges.
        placed = np.cumsum(lengths) - lengths
        return np.arange(int(lengths.sum())) + np.repeat(firsts - placed, lengths)

    def compare_tokens(self, text: str, vocabulary: VocabularyIndex, *, complete: bool = False) -> np.ndarray:
        """Token hashes of :func:`~variorum.dedup.repair.reference_tokens` (same arguments)."""
        got = self._split(text)
        if got is None:
            norms = reference_tokens(text, vocabulary.counts, complete=complete)
            return token_hashes(list(norms))[0]
        chunks, ids = got
        index = self._token_index(ids)
        hashes = self.hashes[index]
        if len(hashes) < 2:
            return hashes
        poly, power = self.poly[index], self.power[index]
        with np.errstate(over="ignore"):
            pairs = poly[:-1] * power[1:] + poly[1:]
            triples = pairs[:-1] * power[2:] + poly[2:]
        known = vocabulary.contains(pairs)
        known[:-1] |= vocabulary.contains(triples)
        counts: Mapping[str, int] = vocabulary.counts
        if not complete:
            own = np.unique(poly[self.is_word[index]])
            known |= np.isin(pairs, own)
            known[:-1] |= np.isin(triples, own)
            words = chain.from_iterable(map(self.words_of.__getitem__, ids.tolist()))
            counts = Vocabulary(counts, Counter(words))
        sites = np.flatnonzero(known).tolist()
        if not sites:
            return hashes
        first_token = [0, *np.cumsum(self.length[ids]).tolist()]
        joins = find_joins(text, chunks, ids.tolist(), self.norms_of, first_token, counts, sites)
        if not joins:
            return hashes
        keep = np.ones(len(hashes), dtype=bool)
        for i, width, joined in joins:
            hashes[i] = token_hash(joined)
            keep[i + 1 : i + width] = False
        return hashes[keep]


class VocabularyIndex:
    """A vocabulary that no longer changes, with the polynomial hashes of its words.

    Finding where a record may hold a split word means asking whether each joined pair and
    triple of its tokens is a known word. With the hashes of :func:`poly_hash`, which compose
    (the hash of ``a + b`` follows from those of ``a`` and ``b``), numpy answers for a whole
    record at once: a bitmap rules out almost every candidate, the sorted hashes settle the
    rest, and a collision of 64-bit hashes only adds a site that the exact test rejects.
    """

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = counts
        polys = poly_hashes(list(counts))
        self.keys, first = np.unique(polys, return_index=True)
        # Each key's count, for settling most join sites without a string (None if two words
        # share a 64-bit polynomial: then every site takes the exact test).
        self.key_counts: np.ndarray | None = None
        if len(self.keys) == len(polys):
            self.key_counts = np.fromiter(counts.values(), dtype=np.int64, count=len(polys))[first]
        self._bitmap()

    @classmethod
    def from_hashes(cls, hashes: np.ndarray, counts: np.ndarray) -> VocabularyIndex:
        """The index of words known by :func:`token_hash` only (distinct ``hashes``, ``counts``).

        The first pass counts words by hash (:class:`~variorum.dedup.tally.WordTally`), and
        spelling every form only to hash it again here was most of the time between reading
        and comparing on text with a large vocabulary. :attr:`counts` then answers by spelling
        through the polynomial (:class:`CountsByPolynomial`).
        """
        polys = unmix64(np.asarray(hashes, dtype=np.uint64))
        order = np.argsort(polys)
        return cls.from_polys(polys[order], np.asarray(counts, dtype=np.int64)[order])

    @classmethod
    def from_polys(cls, keys: np.ndarray, counts: np.ndarray) -> VocabularyIndex:
        """:meth:`from_hashes` given the words' polynomials (:func:`unmix64` of their hashes),
        sorted and distinct."""
        index = cls.__new__(cls)
        index.keys = keys
        index.key_counts = np.asarray(counts, dtype=np.int64)
        index.counts = CountsByPolynomial(index)
        index._bitmap()
        return index

    def _bitmap(self) -> None:
        bits = max(16, min(24, (16 * len(self.keys)).bit_length()))  # <= 1/16 of slots set, <= 16 MB
        self.shift = np.uint64(64 - bits)
        self.bitmap = np.zeros(1 << bits, dtype=bool)
        self.bitmap[self._slots(self.keys)] = True

    def _slots(self, hashes: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return (hashes * _SPREAD) >> self.shift

    def count_of(self, hashes: np.ndarray) -> np.ndarray:
        """The count of the word whose polynomial is each of ``hashes`` (0 when none is);
        requires :attr:`key_counts`."""
        assert self.key_counts is not None
        if not len(self.keys):
            return np.zeros(len(hashes), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, hashes), len(self.keys) - 1)
        return np.where(self.keys[at] == hashes, self.key_counts[at], 0)

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """Which of ``hashes`` are the hash of a word of the vocabulary."""
        found = self.bitmap[self._slots(hashes)]
        maybe = np.flatnonzero(found)
        if len(maybe):
            at = np.minimum(np.searchsorted(self.keys, hashes[maybe]), len(self.keys) - 1)
            found[maybe] = self.keys[at] == hashes[maybe]
        return found


class CountsByPolynomial(Mapping[str, int]):
    """The counts of a :meth:`VocabularyIndex.from_hashes` index, looked up by spelling.

    A word is found by its :func:`poly_hash` (a 64-bit collision between two words would give
    one the other's count; the first pass already counts words by hash). Only ``get`` and
    ``in`` are on a hot path (split repair of the texts the batch paths cannot read); the
    words themselves are not known, so iteration yields nothing.
    """

    def __init__(self, index: VocabularyIndex) -> None:
        self.index = index
        # Words looked up so far and their counts: repair asks for the same words again and
        # again, and a polynomial in Python and a binary search cost ~10 µs a word.
        self.known: dict[str, int] = {}

    def _count(self, key: object) -> int:
        if not isinstance(key, str):
            return 0
        n = self.known.get(key)
        if n is None:
            keys = self.index.keys
            poly = poly_hash(key)
            at = int(np.searchsorted(keys, np.uint64(poly)))
            n = 0
            if at < len(keys) and int(keys[at]) == poly:
                assert self.index.key_counts is not None
                n = int(self.index.key_counts[at])
            if len(self.known) >= MEMO_SIZE:
                self.known.clear()
            self.known[key] = n
        return n

    def __getitem__(self, key: str) -> int:
        n = self._count(key)
        if not n:
            raise KeyError(key)
        return n

    def get(self, key: str, default: Any = None) -> Any:
        return self._count(key) or default

    def __contains__(self, key: object) -> bool:
        return self._count(key) > 0

    def keys(self) -> KeysView[str]:
        """A view whose ``&`` with a list keeps the list's known words (as a dict's does)."""
        return _KnownWords(self)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return int(np.count_nonzero(self.index.key_counts))


class _KnownWords(KeysView[str]):
    def __and__(self, other: Iterable[Any]) -> set[str]:
        counts = self._mapping
        return {word for word in other if word in counts}


_M1_INVERSE = np.uint64(pow(0xBF58476D1CE4E5B9, -1, 2**64))
_M2_INVERSE = np.uint64(pow(0x94D049BB133111EB, -1, 2**64))


def unmix64(h: np.ndarray) -> np.ndarray:
    """The inverse of :func:`~variorum.detect.fingerprint.mix64`: the polynomial of a token
    from its :func:`token_hash` (each step of the finalizer is a bijection of 64-bit words)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(31)) ^ (h >> np.uint64(62))
        h = h * _M2_INVERSE
        h = h ^ (h >> np.uint64(27)) ^ (h >> np.uint64(54))
        h = h * _M1_INVERSE
        return h ^ (h >> np.uint64(30)) ^ (h >> np.uint64(60))


class TokenCache:
    """Compared records' tokens, most recently used first, up to a total number of tokens.

    A kept record is compared with each of its duplicates; caching its tokens saves reading and
    tokenizing it again for every one of them.
    """

    def __init__(self, max_tokens: int = 1_000_000) -> None:
        self.max_tokens = max_tokens
        self.size = 0
        self.items: OrderedDict[int, np.ndarray] = OrderedDict()

    def get(self, key: int) -> np.ndarray | None:
        tokens = self.items.get(key)
        if tokens is not None:
            self.items.move_to_end(key)
        return tokens

    def put(self, key: int, tokens: np.ndarray) -> None:
        self.items[key] = tokens
        self.size += len(tokens)
        while self.size > self.max_tokens and len(self.items) > 1:
            _, dropped = self.items.popitem(last=False)
            self.size -= len(dropped)
