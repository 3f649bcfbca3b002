"""Comparing candidate pairs ahead of time, on every core, by either measure.

:func:`~variorum.dedup.choose.choose` compares pairs one at a time, in an order where each
decision may depend on the ones before. Comparing is what costs (reading both records again,
finding their paragraphs), and which pairs it will compare is known in advance
(:meth:`~variorum.dedup.choose.Visit.pairs`), so :func:`score_pairs` compares them all first in
worker processes and ``choose`` then looks the scores up. The scores are those of
:func:`~variorum.dedup.paragraphs.paragraph_similarity` or, for the ``words`` measure, the
edit similarity of the repaired token sequences (:class:`Words`), whichever process computed
them; records are read and tokenized in batches (:func:`~variorum.dedup.scripts.compare_texts`).

Pairs are handed out by connected group (records linked by candidate pairs, such as the copies
of one document), so that a worker reads each record once, and in pieces of at most
:data:`PIECE_PAIRS` pairs, so that a worker holds only one piece's records at a time.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein

from variorum.arrays import distinct
from variorum.dedup.paragraphs import Paragraphs, paragraph_similarity, paragraphs_of
from variorum.dedup.records import RecordReader, RecordTable
from variorum.dedup.scripts import compare_texts, prepare_tables
from variorum.dedup.tokens import ChunkTokens, VocabularyIndex


@dataclass(frozen=True)
class Words:
    """The ``words`` measure's settings: the vocabulary that repairs split words, and whether it
    holds every word of the file (else each record's own words are added, see
    :func:`~variorum.dedup.repair.reference_tokens`)."""

    index: VocabularyIndex
    complete: bool


def words_of(texts: list[str], tokens: ChunkTokens, words: Words) -> list[np.ndarray]:
    """The repaired token hashes of each text, as ``ChunkTokens.compare_tokens`` gives them."""
    found = compare_texts(texts, words.index) if words.complete else [None] * len(texts)
    return [
        got if got is not None else tokens.compare_tokens(text, words.index, complete=words.complete)
        for text, got in zip(texts, found, strict=True)
    ]


def word_similarity(a: np.ndarray, b: np.ndarray, at_least: float = 0.0) -> float:
    """The ``words`` measure of two token sequences (0.0 when below ``at_least``)."""
    # Token hashes stand for the tokens: rapidfuzz compares lists of ints quickly, and two
    # different tokens sharing a 64-bit hash is too unlikely to matter.
    return float(Levenshtein.normalized_similarity(a.tolist(), b.tolist(), score_cutoff=at_least))


#: Distinct tokens a piece may hold to be compared as strings: code points below 0x110000,
#: less the 0x800 surrogates skipped.
MAX_STRING_TOKENS = 0x110000 - 0x800


def token_strings(sequences: dict[int, np.ndarray]) -> dict[int, str] | dict[int, list[int]]:
    """Each record's token hashes as a string, one character per distinct token of them all
    (or as a list of ints, :func:`token_lists`, when there are too many distinct tokens).

    An edit distance depends only on which tokens are equal, so a string whose characters are
    equal where the tokens are gives the same similarity; rapidfuzz compares strings about
    three times faster than lists of Python ints, which it must hash first, pair after pair.
    """
    if not sequences:
        return {}
    joined = np.concatenate(list(sequences.values()))
    codes = dense_codes(joined)
    if codes is None:
        return token_lists(sequences)
    codes += (codes >= 0xD800) * np.uint32(0x800)  # no surrogate: every string encodes
    text = codes.tobytes().decode("utf-32-le")
    out: dict[int, str] = {}
    at = 0
    for record, tokens in sequences.items():
        out[record] = text[at : at + len(tokens)]
        at += len(tokens)
    return out


_SPREAD = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))  # odd: Fibonacci hashing


def dense_codes(values: np.ndarray) -> np.ndarray | None:
    """For each of ``values`` (``uint64``), a code below :data:`MAX_STRING_TOKENS` shared by
    equal values only, or None when there are more than :data:`MAX_STRING_TOKENS` distinct values.

    The codes are places in a hash table (rather than ranks: a sort, :func:`dense_ranks`, took
    seven times as long on this work's pieces of 250,000 tokens): each value has a place in each
    of two halves (two multiplicative hashes); it is written there and read back, and a place
    that reads back another value was taken by it. The few values left without a place are
    numbered after the table. Which values share a code is all that matters (see
    :func:`token_strings`).
    """
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.uint32)
    # Two halves of 2**bits places below MAX_STRING_TOKENS; tokens repeat (a piece of prose
    # holds each distinct one about ten times), so n / 2 places leave most values a place.
    bits = max(1, min((MAX_STRING_TOKENS // 2).bit_length() - 1, n.bit_length() - 1))
    half, shift = 1 << bits, np.uint64(64 - bits)
    table = np.zeros(2 * half, dtype=np.uint64)
    with np.errstate(over="ignore"):
        codes = (values * _SPREAD[0]) >> shift
    table[codes] = values  # of several values at one place, one is written: read back
    lost = np.flatnonzero(table[codes] != values)
    if len(lost):
        looked = values[lost]
        with np.errstate(over="ignore"):
            second = ((looked * _SPREAD[1]) >> shift) + np.uint64(half)
        table[second] = looked
        codes[lost] = second
        left = lost[table[second] != looked]
        if len(left):
            _, where = np.unique(values[left], return_inverse=True)
            codes[left] = np.uint64(2 * half) + where.astype(np.uint64)
    if int(codes.max()) >= MAX_STRING_TOKENS:
        return dense_ranks(values)  # None when there are too many distinct values
    return codes.astype(np.uint32)


def dense_ranks(values: np.ndarray) -> np.ndarray | None:
    """For each of ``values`` (``uint64``), the rank of its value among the distinct ones, or
    None when there are more than :data:`MAX_STRING_TOKENS` distinct values.

    Ranks by a plain sort of the values' high bits with each one's position in the low bits
    (a vectorized sort, where ``argsort`` or a binary search per value cost five to ten times
    as much): equal values end up side by side. Two different values whose high bits agree
    would share a rank; that is checked, and then the ranks come from a binary search instead.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.uint32)
    low = max(1, (n - 1).bit_length())
    packed = ((values >> np.uint64(low)) << np.uint64(low)) | np.arange(n, dtype=np.uint64)
    packed.sort()
    where = (packed & np.uint64((1 << low) - 1)).astype(np.intp)
    ordered = values[where]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(packed[1:] >> np.uint64(low), packed[:-1] >> np.uint64(low), out=new[1:])
    if not np.array_equal(new[1:], ordered[1:] != ordered[:-1]):  # high bits shared
        keys = distinct(values)
        if len(keys) > MAX_STRING_TOKENS:
            return None
        return np.searchsorted(keys, values).astype(np.uint32)
    ranks = np.cumsum(new, dtype=np.int64) - 1
    if int(ranks[-1]) >= MAX_STRING_TOKENS:
        return None
    codes = np.empty(n, dtype=np.uint32)
    codes[where] = ranks
    return codes


def token_lists(sequences: dict[int, np.ndarray]) -> dict[int, list[int]]:
    """Each record's token hashes as a list of ints (the reference of :func:`token_strings`)."""
    return {record: tokens.tolist() for record, tokens in sequences.items()}


#: Pairs per piece of work at most (a group of linked records is never cut).
PIECE_PAIRS = 1000
#: Records read and split into paragraphs together.
READ_BATCH = 256

#: Bytes of records tokenized together by the ``words`` measure: as the first pass's batches
#: (:data:`~variorum.dedup.scan.BATCH_BYTES`), small enough that a batch's arrays stay in
#: cache. Batches of 256 records (about 1.2 MB of generated text) took 15% more CPU.
WORD_BATCH_BYTES = 256 * 1024

_state: dict[str, object] = {}


def batches_of(records: list[int], sizes: Sequence[int], limit: int) -> list[list[int]]:
    """``records`` in order, cut into batches of about ``limit`` bytes (``sizes`` by record):
    each batch is closed by the record that reaches the limit."""
    batches: list[list[int]] = [[]]
    held = 0
    for r in records:
        batches[-1].append(r)
        held += sizes[r]
        if held >= limit:
            batches.append([])
            held = 0
    return [b for b in batches if b]


def groups_of(pairs: Sequence[tuple[int, int]]) -> list[int]:
    """For each pair, a number shared by the pairs of one connected group of records."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(a) for a, _ in pairs]


def pieces_of(pairs: Sequence[tuple[int, int]], size: int = PIECE_PAIRS) -> list[list[int]]:
    """Pair indices in pieces of about ``size`` pairs; a group is cut only when it is larger."""
    by_group: dict[int, list[int]] = {}
    for i, g in enumerate(groups_of(pairs)):
        by_group.setdefault(g, []).append(i)
    pieces: list[list[int]] = [[]]
    for members in by_group.values():
        if len(members) > size:  # one large group (a shared heading?): cut, records read again
            pieces.extend(members[at : at + size] for at in range(0, len(members), size))
            pieces.append([])
            continue
        if pieces[-1] and len(pieces[-1]) + len(members) > size:
            pieces.append([])
        pieces[-1].extend(members)
    return [p for p in pieces if p]


def compare_piece(
    reader: RecordReader,
    pairs: Sequence[tuple[int, int]],
    tokens: ChunkTokens,
    at_least: float,
    words: Words | None = None,
) -> np.ndarray:
    """The similarity of each pair (any value below ``at_least`` when below it): by paragraphs,
    or by words with ``words``."""
    records = sorted({r for pair in pairs for r in pair}, key=reader.table.offsets.__getitem__)
    if words is not None:
        found_words: dict[int, np.ndarray] = {}
        for batch in batches_of(records, reader.table.sizes, WORD_BATCH_BYTES):
            texts = [reader.read(r)["text"] for r in batch]
            found_words.update(zip(batch, words_of(texts, tokens, words), strict=True))
        # Converted once per record rather than once per pair it is in.
        sequences = token_strings(found_words)
        similar = Levenshtein.normalized_similarity
        scores = [similar(sequences[a], sequences[b], score_cutoff=at_least) for a, b in pairs]
        return np.array(scores, dtype=np.float64)
    found: dict[int, Paragraphs] = {}
    for at in range(0, len(records), READ_BATCH):
        batch = records[at : at + READ_BATCH]
        texts = [reader.read(r)["text"] for r in batch]
        found.update(zip(batch, paragraphs_of(texts, tokens), strict=True))
    scores = [paragraph_similarity(found[a], found[b], at_least) for a, b in pairs]
    return np.array(scores, dtype=np.float64)


def _compare_in_worker(piece: list[int]) -> tuple[list[int], np.ndarray]:
    path, table, pairs, at_least = _state["path"], _state["table"], _state["pairs"], _state["at_least"]
    assert isinstance(path, str) and isinstance(table, RecordTable) and isinstance(pairs, list)
    assert isinstance(at_least, float)
    tokens = _state.get("tokens")
    if not isinstance(tokens, ChunkTokens):
        tokens = _state["tokens"] = ChunkTokens()
    words = _state.get("words")
    assert words is None or isinstance(words, Words)
    reader = RecordReader(path, table)
    try:
        return piece, compare_piece(reader, [pairs[i] for i in piece], tokens, at_least, words)
    finally:
        reader.close()


def score_pairs(
    path: str,
    table: RecordTable,
    pairs: list[tuple[int, int]],
    workers: int,
    at_least: float = 0.0,
    words: Words | None = None,
) -> dict[tuple[int, int], float]:
    """The similarity of every pair of records of ``table`` (by paragraphs, or by words with
    ``words``), by ``workers`` processes.

    A similarity below ``at_least`` may be given as any value below it.
    Worker processes are forked, so that the table and the pairs reach them without being
    copied; where forking is not available, or with one worker, this process compares them.
    """
    scores = np.zeros(len(pairs), dtype=np.float64)
    pieces = pieces_of(pairs)
    if workers <= 1 or len(pieces) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        reader = RecordReader(path, table)
        try:
            tokens = ChunkTokens()
            for piece in pieces:
                scores[piece] = compare_piece(reader, [pairs[i] for i in piece], tokens, at_least, words)
        finally:
            reader.close()
    else:
        prepare_tables()
        _state.update(path=path, table=table, pairs=pairs, at_least=float(at_least), words=words)
        try:
            with multiprocessing.get_context("fork").Pool(min(workers, len(pieces))) as pool:
                for piece, got in pool.imap_unordered(_compare_in_worker, pieces):
                    scores[piece] = got
        finally:
            _state.clear()
    return dict(zip(pairs, scores.tolist(), strict=True))
