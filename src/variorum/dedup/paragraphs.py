"""The ``paragraphs`` measure: the share of each record's paragraphs that the other one holds.

Word-level edit similarity (the ``words`` measure of :mod:`variorum.dedup.stream`) reads a
record as one sequence, so a copy that dropped a paragraph, moved one, or opens with a short
cover note falls far below any useful threshold although it plainly is the same document. This
measure reads a record as a set of paragraphs (text between blank lines): a paragraph is
*found* in the other record when at least :data:`FOUND_SHARE` of its word 4-grams occur there
(a few substituted or split words do not lose it), and the similarity of two records is the
smaller of the two shares of paragraphs found. At 0.8, each record keeps at least four in five of
its paragraphs in the other, whatever their order; texts that share a paragraph or two, or only
their vocabulary, stay far below.

Tokens are the normalizer's before split-word repair (a split word costs its paragraph a few
4-grams, not the paragraph). A paragraph without tokens does not count; a record without blank
lines is one paragraph, so the measure then says whether most of its 4-grams are in the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import numpy as np

from variorum.arrays import distinct
from variorum.dedup.batch import fast_path, other_bytes, owners, token_arrays
from variorum.dedup.repair import chunk_starts
from variorum.dedup.scripts import script_tokens
from variorum.dedup.signature import NGRAM
from variorum.dedup.tokens import ChunkTokens
from variorum.detect.fingerprint import mix64, ngram_hashes

#: Share of a paragraph's 4-grams the other record must hold for the paragraph to be found.
FOUND_SHARE = 0.5

_MULT = np.uint64(0x100000001B3)
_BREAK = re.compile(r"\n[^\S\n]*\n\s*")  # a blank line (whitespace only) and what follows it
_BREAK_BYTES = re.compile(rb"\n[ \t\r\f\v\x1c-\x1f]*\n")


@dataclass(frozen=True)
class Paragraphs:
    """A record's 4-gram hashes, the paragraph each belongs to, and its paragraph count."""

    shingles: np.ndarray  # uint64
    paragraph: np.ndarray  # int64, 0 .. count - 1, ascending
    count: int
    distinct: np.ndarray  # sorted unique shingles, for membership tests

    @property
    def size(self) -> int:
        return len(self.shingles) * 2

    @cached_property
    def needed(self) -> np.ndarray:
        """Shingles of each paragraph the other record must hold for it to be found."""
        return FOUND_SHARE * np.bincount(self.paragraph, minlength=self.count)


_EMPTY = Paragraphs(
    np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64), 0, np.empty(0, dtype=np.uint64)
)


def _shingles(hashes: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """4-grams of ``hashes`` that stay in one paragraph, and a whole short paragraph as one."""
    n = len(hashes)
    grams = np.empty(0, dtype=np.uint64)
    gram_owner = np.empty(0, dtype=np.int64)
    if n >= NGRAM:
        with np.errstate(over="ignore"):
            grams = hashes[: n - NGRAM + 1].copy()
            for j in range(1, NGRAM):
                grams = grams * _MULT + hashes[j : n - NGRAM + 1 + j]
        grams = mix64(grams)
        inside = owner[: n - NGRAM + 1] == owner[NGRAM - 1 :]
        grams, gram_owner = grams[inside], owner[: n - NGRAM + 1][inside]
    sizes = np.bincount(owner)
    short = np.flatnonzero((sizes > 0) & (sizes < NGRAM))
    if len(short):
        starts = np.searchsorted(owner, short)
        extra = [
            ngram_hashes(hashes[s : s + sizes[p]], int(sizes[p]))[0]
            for s, p in zip(starts.tolist(), short.tolist(), strict=True)
        ]
        # A short paragraph has no 4-gram of its own: its one shingle goes where its paragraph
        # number falls among the others' (what a stable sort by paragraph gives, without one).
        at = np.searchsorted(gram_owner, short)
        grams = np.insert(grams, at, np.array(extra, dtype=np.uint64))
        gram_owner = np.insert(gram_owner, at, short)
    return grams, gram_owner


def paragraphs(text: str, tokens: ChunkTokens) -> Paragraphs:
    """The :class:`Paragraphs` of ``text``; ``tokens`` tokenizes what the fast path cannot."""
    return paragraphs_of([text], tokens)[0]


def _slow_paragraphs(text: str, tokens: ChunkTokens) -> Paragraphs:
    """The paragraphs of a text the batch paths cannot read, tokenized by ``tokens``.

    When the whole text's whitespace chunks stand for its tokens (no token crosses whitespace),
    each paragraph's tokens are those of its chunks, so the text is looked up once and its
    tokens cut by paragraph: on manual pages, many short paragraphs each, looking up every
    paragraph on its own was most of comparing them. Otherwise, paragraph by paragraph
    (:func:`paragraphs_one_by_one`, the definition).
    """
    got = tokens.chunk_tokens(text)
    if got is None:
        return paragraphs_one_by_one(text, tokens)
    hashes, per_chunk = got
    starts = chunk_starts(text)
    if len(starts) != len(per_chunk):
        raise AssertionError("chunk_starts() and str.split() disagree on the chunks")
    breaks = np.fromiter((m.end() for m in _BREAK.finditer(text)), dtype=np.int64)
    # A chunk never starts inside a break (all whitespace): breaks ending at or before it count.
    owner = np.repeat(np.searchsorted(breaks, starts, side="right"), per_chunk)
    return _paragraphs_from(hashes, owner)


def paragraphs_one_by_one(text: str, tokens: ChunkTokens) -> Paragraphs:
    """The paragraphs of ``text``, each tokenized on its own (what the other paths must equal)."""
    pieces = [tokens.scan_tokens(p) for p in _BREAK.split(text)]
    hashes = np.concatenate([np.empty(0, dtype=np.uint64), *pieces])
    owner = np.repeat(np.arange(len(pieces)), [len(p) for p in pieces])
    return _paragraphs_from(hashes, owner)


def _script_paragraphs(texts: list[str], tokens: ChunkTokens) -> list[Paragraphs]:
    """:func:`_slow_paragraphs` of each text, the paragraphs of all of them tokenized together by
    :func:`~variorum.dedup.scripts.script_tokens` (a text it cannot read goes one by one).

    Paragraph numbers and 4-grams are found once for all the texts it reads, as
    :func:`paragraphs_of` finds them for the fast path, and cut per text: text by text, the
    numpy calls of each record's few hundred tokens were a third of comparing records in other
    scripts by paragraphs.
    """
    split = [_BREAK.split(text) for text in texts]
    flat = [piece for pieces in split for piece in pieces]
    ok, hashes, owner, _ = script_tokens(flat)
    piece_start = np.cumsum([0, *map(len, split)])  # every text has a piece, maybe empty
    read = np.logical_and.reduceat(ok, piece_start[:-1])  # every piece of the text is read
    text_of_token = owners(owner, piece_start)
    kept = read[text_of_token]
    hashes, owner, text_of_token = hashes[kept], owner[kept], text_of_token[kept]
    # Global paragraph numbers, dense over the pieces that have tokens; a text's are consecutive.
    new_paragraph = np.ones(len(owner), dtype=bool)
    new_paragraph[1:] = owner[1:] != owner[:-1]
    numbers = np.cumsum(new_paragraph) - 1
    grams, gram_owner = _shingles(hashes, numbers)
    first_token = np.searchsorted(text_of_token, np.arange(len(texts)))
    token_counts = np.bincount(text_of_token, minlength=len(texts))
    counts = np.bincount(text_of_token[new_paragraph], minlength=len(texts))
    paragraph_bounds = np.searchsorted(gram_owner, np.arange(int(numbers.max(initial=-1)) + 2))
    out: list[Paragraphs] = []
    for j, text in enumerate(texts):
        if not read[j]:
            out.append(_slow_paragraphs(text, tokens))
        elif not token_counts[j]:
            out.append(_EMPTY)
        else:
            p0 = int(numbers[first_token[j]])
            p1 = p0 + int(counts[j])
            g0, g1 = int(paragraph_bounds[p0]), int(paragraph_bounds[p1])
            mine = grams[g0:g1]
            out.append(Paragraphs(mine, gram_owner[g0:g1] - p0, p1 - p0, distinct(mine)))
    return out


def _paragraphs_from(hashes: np.ndarray, owner: np.ndarray) -> Paragraphs:
    """The :class:`Paragraphs` of a text from its token hashes and the piece each is in
    (``owner``, ascending)."""
    # Number the paragraphs that have tokens 0, 1, 2 ... in order: ``owner`` ascends, so a new
    # number starts where it changes (np.unique would sort it, for every record).
    numbers = np.zeros(len(owner), dtype=np.int64)
    if len(owner) > 1:
        np.cumsum(owner[1:] != owner[:-1], out=numbers[1:])
    grams, gram_owner = _shingles(hashes, numbers)
    count = int(gram_owner[-1]) + 1 if len(gram_owner) else 0
    return Paragraphs(grams, gram_owner, count, distinct(grams))


def paragraphs_of(texts: Sequence[str], tokens: ChunkTokens) -> list[Paragraphs]:
    """The :class:`Paragraphs` of each of ``texts``, those of the fast path computed together.

    Fast-path texts (:func:`~variorum.dedup.batch.fast_path`) are joined by a NUL byte, which
    is neither a token nor whitespace, so that no token and no paragraph break crosses from one
    text into the next; each text's start counts as a paragraph break. Tokens, 4-grams and
    paragraph numbers are then found once for the whole batch and cut per text.
    """
    results: list[Paragraphs | None] = [None] * len(texts)
    fast: list[int] = []
    datas: list[bytes] = []
    others: list[int] = []
    for k, text in enumerate(texts):
        data = fast_path(text)
        if data is None:
            others.append(k)
        else:
            fast.append(k)
            datas.append(data)
    if fast:  # digits, apostrophes, "^": one byte-table lookup for all texts, not a search each
        sizes = np.fromiter(map(len, datas), dtype=np.int64, count=len(datas)) + 1
        flagged = other_bytes(b"\0".join(datas))
        if len(flagged):
            moved = set(np.searchsorted(np.cumsum(sizes), flagged, side="right").tolist())
            others = sorted(others + [fast[j] for j in moved])
            fast = [k for j, k in enumerate(fast) if j not in moved]
            datas = [d for j, d in enumerate(datas) if j not in moved]
    if others:
        for k, got in zip(others, _script_paragraphs([texts[k] for k in others], tokens), strict=True):
            results[k] = got
    if fast:
        joined = b"\0".join(datas)
        sizes = np.fromiter(map(len, datas), dtype=np.int64, count=len(datas)) + 1
        text_start = np.cumsum(sizes) - sizes
        starts, _, hashes = token_arrays(np.frombuffer(joined, dtype=np.uint8))
        breaks = np.fromiter((m.end() for m in _BREAK_BYTES.finditer(joined)), dtype=np.int64)
        bounds = np.union1d(breaks, text_start)
        # Global paragraph numbers, dense over the paragraphs that have tokens; those of one
        # text are consecutive. Tokens ascend, so their paragraphs do: a new number starts where
        # it changes (np.unique sorted the batch's 100,000 tokens again).
        paragraph_of_token = owners(starts, bounds)  # bounds start at 0, with the first text
        owner = np.zeros(len(paragraph_of_token), dtype=np.int64)
        if len(owner) > 1:
            np.cumsum(paragraph_of_token[1:] != paragraph_of_token[:-1], out=owner[1:])
        grams, gram_owner = _shingles(hashes, owner)
        text_of_token = owners(starts, text_start)
        first_token = np.searchsorted(text_of_token, np.arange(len(datas)))
        token_counts = np.bincount(text_of_token, minlength=len(datas))
        paragraph_bounds = np.searchsorted(gram_owner, np.arange(int(owner.max(initial=-1)) + 2))
        new_paragraph = np.ones(len(owner), dtype=bool)
        new_paragraph[1:] = owner[1:] != owner[:-1]
        counts = np.bincount(text_of_token[new_paragraph], minlength=len(datas))
        for j, k in enumerate(fast):
            if not token_counts[j]:
                results[k] = _EMPTY
                continue
            p0 = int(owner[first_token[j]])
            p1 = p0 + int(counts[j])
            g0, g1 = int(paragraph_bounds[p0]), int(paragraph_bounds[p1])
            mine = grams[g0:g1]
            results[k] = Paragraphs(mine, gram_owner[g0:g1] - p0, p1 - p0, distinct(mine))
    return cast(list[Paragraphs], results)  # every text has its Paragraphs now


def found(a: Paragraphs, b: Paragraphs) -> int:
    """How many paragraphs of ``a`` are found in ``b`` (see :data:`FOUND_SHARE`).

    Called twice for every pair compared, on a few hundred shingles: the number of numpy calls
    is most of its cost. A shingle beyond the last one of ``b`` is compared with that last one
    (``take`` clips), which it cannot equal; hits per paragraph are counted as bincount weights
    (exact small integers).
    """
    if not a.count or not len(b.distinct):
        return 0
    hit = b.distinct.take(np.searchsorted(b.distinct, a.shingles), mode="clip") == a.shingles
    return int(np.count_nonzero(np.bincount(a.paragraph, hit, a.count) >= a.needed))


def paragraph_similarity(a: Paragraphs, b: Paragraphs, at_least: float = 0.0) -> float:
    """The smaller share of paragraphs found in the other record (0.0 if either has none).

    A result below ``at_least`` may be returned as any value below it (one share is enough).
    """
    if not a.count or not b.count:
        return 0.0
    share = found(a, b) / a.count
    if share < at_least:
        return share
    return min(share, found(b, a) / b.count)
