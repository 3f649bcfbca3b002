"""A document made ready for comparison: tokens, hashes, fingerprints, segments.

Preparing is the per-document work (normalize, segment, fingerprint) that every comparison
reuses; it depends on nothing but the document, the vocabulary used to repair split words and
the settings, so it runs the same in the CLI, the web app and a Spark executor.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xxhash

from variorum.config import Settings
from variorum.detect.fingerprint import (
    fingerprints,
    ngram_hashes,
    token_hashes,
    token_hashes_many,
    winnow,
    winnow_many,
)
from variorum.model import Document, Segment
from variorum.text.join_sites import HashedVocabulary, powers_of_lengths
from variorum.text.language import document_languages
from variorum.text.normalize import RawTokens, Tokens, raw_tokens, repair_splits, repair_splits_many
from variorum.text.segment import segment, segment_documents


@dataclass(frozen=True)
class Prepared:
    """Everything the aligner needs about one document."""

    doc: Document
    tokens: Tokens
    hashes: np.ndarray  # uint64 hash of each token
    grams: np.ndarray  # int64 hash of every n-gram (seeds)
    fp_hashes: np.ndarray  # int64 winnowed fingerprints (the index)
    fp_positions: np.ndarray  # their token positions
    segments: tuple[Segment, ...]
    body: np.ndarray  # bool per token: inside a body segment
    languages: tuple[str, ...]
    # Words as written (tokens before split repair): what users are told a document has. The
    # repaired token count depends on the vocabulary (the index's, or the compared documents'),
    # so it would change when a file is indexed; this one depends on the text alone.
    words: int = -1

    @property
    def hash_list(self) -> list[int]:
        return self.hashes.tolist()

    def body_words(self) -> int:
        return int(self.body.sum())


def body_mask(tokens: Tokens, segments: tuple[Segment, ...]) -> np.ndarray:
    """True for tokens that start inside a ``body`` segment.

    A document with no body segment at all (everything looked like a wrapper) counts every token
    as body: it is better to compare a short note in full than to ignore it.

    Each body segment's tokens are found by two binary searches in the (sorted) token starts, and
    touching ranges are merged before any array is made: most documents are body from end to end,
    and their mask is then one ``np.ones``. Converting the starts to an array for one vectorised
    search cost more than the searches (a tenth of a millisecond for 500 words).
    """
    starts = tokens.starts
    n = len(starts)
    ranges: list[list[int]] = []
    for seg in segments:
        if seg.role != "body":
            continue
        lo = bisect_left(starts, seg.start)
        hi = bisect_left(starts, seg.end)
        if lo >= hi:
            continue
        if ranges and ranges[-1][0] <= lo <= ranges[-1][1]:
            if hi > ranges[-1][1]:
                ranges[-1][1] = hi
        else:
            ranges.append([lo, hi])
    if not ranges or (len(ranges) == 1 and ranges[0][0] == 0 and ranges[0][1] == n):
        return np.ones(n, dtype=bool)  # no body token (then all count), or all are body
    mask = np.zeros(n, dtype=bool)
    for lo, hi in ranges:
        mask[lo:hi] = True
    return mask


_SPAN = (1 << 40) - 1  # characters of one text in body_masks' keys


def body_masks(
    tokens: Sequence[Tokens], segments: Sequence[tuple[Segment, ...]]
) -> tuple[np.ndarray, list[int]]:
    """:func:`body_mask` of several texts as one array, and where each text's tokens start in
    it (and the end of the last): one search for all texts' segments.

    Text ``i``'s token starts are read as ``i * 2**40 + start``, so that all are in one sorted
    array and each segment bound finds its token within its own text.
    """
    sizes = [len(t.starts) for t in tokens]
    offsets = [0, *itertools.accumulate(sizes)]
    n = offsets[-1]
    starts = np.fromiter(itertools.chain.from_iterable(t.starts for t in tokens), dtype=np.int64, count=n)
    text_base = np.arange(len(tokens), dtype=np.int64) << 40
    starts += np.repeat(text_base, sizes)
    # Bounds before a text's start (or past 2**40) find what its first (or no) token would.
    bounds = [
        (base + min(max(seg.start, 0), _SPAN), base + min(max(seg.end, 0), _SPAN))
        for base, segs in zip(text_base.tolist(), segments, strict=True)
        for seg in segs
        if seg.role == "body"
    ]
    mask = np.zeros(n, dtype=bool)
    if bounds:
        at = np.searchsorted(starts, np.array(bounds, dtype=np.int64).ravel(), side="left")
        lo, hi = at[0::2], at[1::2]
        steps = np.bincount(lo, minlength=n + 1) - np.bincount(np.maximum(lo, hi), minlength=n + 1)
        mask = np.cumsum(steps[:n]) > 0
    # A text whose body holds no token counts every token as body, as in body_mask.
    texts = [i for i, size in enumerate(sizes) if size]
    if texts:
        filled = np.logical_or.reduceat(mask, [offsets[i] for i in texts]).tolist()
        for i, any_body in zip(texts, filled, strict=True):
            if not any_body:
                mask[offsets[i] : offsets[i + 1]] = True
    return mask, offsets


def preprocess(text: str) -> tuple[RawTokens, tuple[Segment, ...], tuple[str, ...]]:
    """The part of preparing that needs no vocabulary: tokens, segments and languages.

    It is the expensive part (language identification above all), so :func:`variorum.pipeline.add`
    runs it in worker processes, ahead of the batch being aligned.
    """
    return preprocess_many([text])[0]


def preprocess_many(texts: Sequence[str]) -> list[tuple[RawTokens, tuple[Segment, ...], tuple[str, ...]]]:
    """:func:`preprocess` of each of ``texts``, the languages of their paragraphs identified
    together (:func:`~variorum.text.segment.segment_documents`), which costs a third as much."""
    return [
        (raw_tokens(text), tuple(segs), tuple(document_languages(segs, words=words)))
        for text, (segs, words) in zip(texts, segment_documents(texts), strict=True)
    ]


def prepare(
    doc: Document,
    vocabulary: Mapping[str, int],
    settings: Settings,
    raw: RawTokens | None = None,
    segments: tuple[Segment, ...] | None = None,
    languages: tuple[str, ...] | None = None,
) -> Prepared:
    """Normalize, segment and fingerprint ``doc``; the parts :func:`preprocess` makes may be
    passed if already made."""
    raw = raw if raw is not None else raw_tokens(doc.text)
    tokens = repair_splits(doc.text, raw, vocabulary)
    hashes = token_hashes(tokens.norms)
    grams = ngram_hashes(hashes, settings.ngram)
    pos = winnow(grams, settings.window)
    segs = segments if segments is not None else tuple(segment(doc.text))
    return Prepared(
        doc=doc,
        tokens=tokens,
        hashes=hashes,
        grams=grams.view(np.int64),
        fp_hashes=grams[pos].view(np.int64),
        fp_positions=pos,
        segments=segs,
        body=body_mask(tokens, segs),
        languages=languages if languages is not None else tuple(document_languages(segs, doc.text)),
        words=len(raw.norms),
    )


@dataclass(frozen=True)
class RawHashes:
    """A chunk's distinct words (the norms of its raw tokens), their polynomial hashes
    (:func:`~variorum.text.join_sites.poly_hashes`) and which word each raw token is (the
    documents' tokens one after another): what :func:`prepare_many` hashes the tokens from.

    A worker counts a chunk's words and hashes them polynomially for the vocabulary anyway
    (:func:`variorum.workers.counted_words`). Split-word repair hashed every raw token again
    polynomially, and the fingerprints hashed every token with xxh3: a chunk of 125 generated
    documents has 62,000 tokens and 13,000 distinct words, whose hashes are gathered instead.
    """

    words: Sequence[str]
    poly: np.ndarray  # uint64, of each word
    ids: np.ndarray  # int64, the word of each raw token

    def polynomial(self) -> tuple[np.ndarray, np.ndarray]:
        """:func:`~variorum.text.join_sites.poly_hashes` of the raw tokens."""
        lengths = np.fromiter(map(len, self.words), dtype=np.int64, count=len(self.words))
        return self.poly.take(self.ids), powers_of_lengths(lengths).take(self.ids)

    def xxh3(self) -> np.ndarray:
        """:func:`~variorum.detect.fingerprint.token_hashes` of the raw tokens. A lone
        surrogate raises ``UnicodeEncodeError``, as there."""
        encoded = map(str.encode, self.words)
        hashes = np.fromiter(map(xxhash.xxh3_64_intdigest, encoded), dtype=np.uint64, count=len(self.words))
        return hashes.take(self.ids)


def prepare_many(
    docs: Sequence[Document],
    vocabulary: Mapping[str, int],
    settings: Settings,
    preprocessed: Sequence[tuple[RawTokens, tuple[Segment, ...], tuple[str, ...]]],
    raw_hashes: RawHashes | None = None,
) -> list[Prepared]:
    """:func:`prepare` of each of ``docs`` from what :func:`preprocess_many` made of them.

    The same result, with the array work done once for all the documents (a worker's chunk):
    join sites, token hashes, n-grams, winnowing and body masks each take a few dozen numpy
    calls whatever the number of documents, where one document at a time paid them for each.
    Each document's arrays are views of the chunk's. ``raw_hashes`` (:class:`RawHashes`), with
    a worker's vocabulary (a :class:`~variorum.text.join_sites.HashedVocabulary`): the token
    hashes are read from those of the raw tokens, and only joined words are hashed.
    """
    texts, raws = [d.text for d in docs], [raw for raw, _, _ in preprocessed]
    if raw_hashes is not None and isinstance(vocabulary, HashedVocabulary):
        joins: list[list[tuple[int, int, str]]] = []
        tokens = repair_splits_many(texts, raws, vocabulary, raw_hashes.polynomial(), joins)
        hashes, offsets = _joined_hashes(tokens, raws, joins, raw_hashes.xxh3())
    else:
        tokens = repair_splits_many(texts, raws, vocabulary)
        hashes, offsets = token_hashes_many([t.norms for t in tokens])
    n = settings.ngram
    grams = ngram_hashes(hashes, n)  # also over the seams between documents, never read
    counts = [max(0, len(t) - n + 1) for t in tokens]
    picks = winnow_many(grams, offsets[:-1], counts, settings.window)
    body, _ = body_masks(tokens, [segs for _, segs, _ in preprocessed])
    signed = grams.view(np.int64)
    out = []
    for i, (doc, (raw, segs, langs)) in enumerate(zip(docs, preprocessed, strict=True)):
        lo, hi = offsets[i], offsets[i + 1]
        own = signed[lo : lo + counts[i]]
        out.append(
            Prepared(
                doc=doc,
                tokens=tokens[i],
                hashes=hashes[lo:hi],
                grams=own,
                fp_hashes=own[picks[i]],
                fp_positions=picks[i],
                segments=segs,
                body=body[lo:hi],
                languages=langs,
                words=len(raw.norms),
            )
        )
    return out


def _joined_hashes(
    tokens: Sequence[Tokens],
    raws: Sequence[RawTokens],
    joins: Sequence[Sequence[tuple[int, int, str]]],
    raw_xxh3: np.ndarray,
) -> tuple[np.ndarray, list[int]]:
    """:func:`token_hashes_many` of ``tokens``, the raw tokens repaired by ``joins`` (first
    token, tokens joined, joined form) of ``raws``, whose token hashes are ``raw_xxh3``: each
    join's first token takes the joined word's hash and the others are left out."""
    offsets = [0, *itertools.accumulate(len(t.norms) for t in tokens)]
    if not any(joins):
        return raw_xxh3, offsets
    keep = np.ones(len(raw_xxh3), dtype=bool)
    at: list[int] = []
    joined: list[str] = []
    base = 0
    for raw, made in zip(raws, joins, strict=True):
        for site, width, word in made:
            keep[base + site + 1 : base + site + width] = False
            at.append(base + site)
            joined.append(word)
        base += len(raw.norms)
    hashes = raw_xxh3.copy()
    encoded = map(str.encode, joined)
    hashes[at] = np.fromiter(map(xxhash.xxh3_64_intdigest, encoded), dtype=np.uint64, count=len(joined))
    return hashes[keep], offsets


def rebuild(
    doc: Document,
    tokens: Tokens,
    segments: tuple[Segment, ...],
    languages: tuple[str, ...],
    settings: Settings,
    fp_hashes: np.ndarray | None = None,
    fp_positions: np.ndarray | None = None,
    words: int | None = None,
) -> Prepared:
    """A :class:`Prepared` from stored parts (the index, a Spark output), without normalizing
    again: token and n-gram hashes are recomputed from the stored normalized tokens. ``words``
    is the stored word count (the token count where it is not known)."""
    hashes = token_hashes(tokens.norms)
    empty = np.empty(0, dtype=np.int64)
    return Prepared(
        doc=doc,
        tokens=tokens,
        hashes=hashes,
        grams=ngram_hashes(hashes, settings.ngram).view(np.int64),
        fp_hashes=empty if fp_hashes is None else fp_hashes,
        fp_positions=empty if fp_positions is None else fp_positions,
        segments=segments,
        body=body_mask(tokens, segments),
        languages=languages,
        words=len(tokens) if words is None else words,
    )


__all__ = [
    "Prepared",
    "RawHashes",
    "body_mask",
    "body_masks",
    "fingerprints",
    "prepare",
    "prepare_many",
    "preprocess",
    "preprocess_many",
    "rebuild",
]
