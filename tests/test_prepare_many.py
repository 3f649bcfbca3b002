"""A chunk of documents prepared and packed at once gives what each document gives alone.

Workers prepare a chunk of documents with :func:`variorum.prepare.prepare_many`, whose array
steps run once for the whole chunk: join sites (:func:`join_sites.candidate_sites_many`), token
hashes (:func:`fingerprint.token_hashes_many`),
winnowing (:func:`fingerprint.winnow_many`), body masks (:func:`prepare.body_masks`) and offsets
packing (:func:`codec.pack_many`). Each is held here to the one-document code it replaces, on
generated text (other scripts, hyphens, soft hyphens, CRLF, tabs, Markdown residue, long lines,
empty texts), on the seeds and on the three kinds of benchmark corpus.
"""

from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path

import bench_corpus
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum import workers
from variorum.config import Settings
from variorum.detect import fingerprint
from variorum.detect.fingerprint import ngram_hashes, token_hashes, token_hashes_many, winnow, winnow_many
from variorum.model import Document, Segment
from variorum.prepare import Prepared, body_mask, body_masks, prepare, prepare_many, preprocess_many
from variorum.store.codec import pack, pack_many, unpack_tokens
from variorum.store.wordcounts import WordCounts
from variorum.text import join_sites, normalize
from variorum.text.normalize import Tokens, count_vocabulary, raw_tokens, repair_splits, repair_splits_many
from variorum.workers import CombinedVocabulary

ROOT = Path(__file__).resolve().parents[1]

_pieces = st.sampled_from(
    ["word", "Word", "WORD", " ", " ", "  ", "\n", "\r\n", "\t", "-", "-\n", "\u00ad", "a\u00adb", "co-\r\nop",
     "aggr ession", "aggression", "fro m", "from", "a part", "apart", "intern ationa l", "international",
     "60.000", "60 000", "3,5", "'", "’", "don't", "**bold**", "*it*", "^{er}", "# Title", "[x](y)", "Ёлка",
     "Ёл ка", "Ελληνικά", "بَيَان", "联合国", "これは", "한국어", "हिन्दी", "e\u0301", "ﬁ", "𝐀bc", "\x1f",
     "x" * 300, "Dear Sir,\n\n", "Yours faithfully,\n"]
)  # fmt: skip
_texts = st.lists(_pieces, max_size=80).map("".join)


def _documents(texts: list[str]) -> list[Document]:
    return [Document(id=f"d{i}", text=text) for i, text in enumerate(texts)]


def _same(one: Prepared, many: Prepared) -> None:
    assert many.tokens == one.tokens
    for field in ("hashes", "grams", "fp_hashes", "fp_positions", "body"):
        a, b = getattr(one, field), getattr(many, field)
        assert a.dtype == b.dtype, field
        assert a.tolist() == b.tolist(), field
    assert (many.segments, many.languages, many.words) == (one.segments, one.languages, one.words)


def _agree(texts: list[str], vocabulary: Counter[str] | None = None, config: Settings | None = None) -> None:
    """prepare_many of ``texts`` is prepare of each, and pack_many is pack of each."""
    config = config or Settings()
    docs = _documents(texts)
    pre = preprocess_many(texts)
    if vocabulary is None:
        vocabulary = count_vocabulary(raw for raw, _, _ in pre)
    many = prepare_many(docs, vocabulary, config, pre)
    assert len(many) == len(docs)
    for doc, (raw, segs, langs), got in zip(docs, pre, many, strict=True):
        _same(prepare(doc, vocabulary, config, raw=raw, segments=segs, languages=langs), got)
    packed = pack_many([(p.tokens, p.segments) for p in many])
    for p, got in zip(many, packed, strict=True):
        alone = pack(p.tokens, p.segments)
        assert (got.starts, got.ends, got.segments) == (alone.starts, alone.ends, alone.segments)
        assert zlib.decompress(got.norms) == zlib.decompress(alone.norms)
        assert unpack_tokens(got.norms, got.starts, got.ends) == p.tokens


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_texts, max_size=6),
    st.lists(_pieces, max_size=30),
    st.sampled_from([(5, 5), (3, 4), (1, 1), (8, 2)]),
    st.booleans(),
)
def test_a_chunk_prepares_as_each_document_alone(
    texts: list[str], extra: list[str], shape: tuple[int, int], by_hashes: bool
) -> None:
    pre = preprocess_many(texts)
    vocabulary = count_vocabulary(raw for raw, _, _ in pre)
    vocabulary.update(w.replace(" ", "") for w in extra)  # joined words known to the vocabulary
    with pytest.MonkeyPatch.context() as patch:
        # The chunk's hashing paths taken even by a few tokens, or never.
        patch.setattr(fingerprint, "VECTOR_MIN_TOKENS", 0 if by_hashes else 10**9)
        patch.setattr(normalize, "JOIN_HASHES_MIN_TOKENS", 0 if by_hashes else 10**9)
        _agree(texts, vocabulary, Settings(ngram=shape[0], window=shape[1]))


_word_pieces = st.sampled_from(
    ["word", "Word", " ", "  ", "\n", "-\n", "co-\r\nop", "aggr ession", "aggression", "fro m", "from", "a part",
     "apart", "intern ationa l", "international", "Ёл ка", "Ёлка", "e\u0301", "don't", "**bold**", "\x1f"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.lists(_word_pieces, max_size=80).map("".join), _texts), max_size=6),
    st.lists(
        st.sampled_from(["aggression", "from", "international", "Ёлка", "coop", "apart", "wordword"]),
        max_size=6,
    ),
)
def test_a_chunk_prepared_from_the_hashes_of_its_words_is_the_chunk_prepared(
    texts: list[str], extra: list[str]
) -> None:
    """A worker counts a chunk's words with which word each token is (:func:`workers.counted_words`):
    the counts are those counted one by one, and the chunk prepared from them is the chunk
    prepared without, its split words joined or not."""
    docs = _documents(texts)
    pre = preprocess_many(texts)
    counted = count_vocabulary(raw for raw, _, _ in pre)
    part, hashed = workers.counted_words(pre)
    expected = workers.hashed_counts(WordCounts.of(counted))
    assert (part.words, part.counts, part.hashes) == (expected.words, expected.counts, expected.hashes)
    if len(counted) and all(raw.kinds.count(normalize.WORD) == len(raw.kinds) for raw, _, _ in pre):
        assert hashed is not None
    vocabulary = join_sites.HashedVocabulary(counted + Counter(extra * 3))
    for one, got in zip(
        prepare_many(docs, vocabulary, Settings(), pre),
        prepare_many(docs, vocabulary, Settings(), pre, hashed),
        strict=True,
    ):
        _same(one, got)
    for one, got in zip(  # a vocabulary of another kind does not read them
        prepare_many(docs, counted, Settings(), pre),
        prepare_many(docs, counted, Settings(), pre, hashed),
        strict=True,
    ):
        _same(one, got)


def test_a_chunk_prepared_from_the_hashes_of_its_words_joins_split_words() -> None:
    texts = ["the aggr ession of words " * 30, "plain words only " * 40, "co-\nop and fro m " * 20, ""]
    pre = preprocess_many(texts)
    counted = count_vocabulary(raw for raw, _, _ in pre)
    _, hashed = workers.counted_words(pre)
    assert hashed is not None
    vocabulary = join_sites.HashedVocabulary(counted + Counter({"aggression": 100, "coop": 100, "from": 100}))
    docs = _documents(texts)
    joins: list[list[tuple[int, int, str]]] = []
    repair_splits_many(texts, [raw for raw, _, _ in pre], vocabulary, None, joins)
    assert [len(made) for made in joins] == [30, 0, 40, 0]
    for one, got in zip(
        prepare_many(docs, vocabulary, Settings(), pre),
        prepare_many(docs, vocabulary, Settings(), pre, hashed),
        strict=True,
    ):
        _same(one, got)


def test_the_seeds_prepare_as_each_alone(seeds: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    _agree(texts)
    _agree([t.replace("\n", "\r\n") for t in texts] + ["", "one"])


@pytest.mark.parametrize("kind", ["english", "invented", "mixed"])
def test_the_benchmark_corpora_prepare_as_each_document_alone(kind: str) -> None:
    corpus, _ = bench_corpus.make_corpus(120, 400, seed=4, kind=kind)
    texts = [d.text for d in corpus.documents]
    vocabulary: Counter[str] = Counter()
    for lo in range(0, len(texts), 40):  # chunk by chunk, the vocabulary growing as in add
        part = texts[lo : lo + 40]
        vocabulary.update(count_vocabulary(raw_tokens(t) for t in part))
        _agree(part, vocabulary)


# -- each step against the one-document code ----------------------------------------------------


_token = st.one_of(
    st.text(min_size=1, max_size=12), st.sampled_from(["a", "\x1f", "a\x1fb", "é" * 70, "x" * 200])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_token, max_size=20), max_size=6), st.booleans())
def test_token_hashes_of_many_texts_are_each_text_s(texts: list[list[str]], vectorized: bool) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fingerprint, "VECTOR_MIN_TOKENS", 0 if vectorized else 10**9)
        hashes, offsets = token_hashes_many(texts)
    assert hashes.dtype == np.uint64
    assert offsets == [0, *np.cumsum([len(t) for t in texts]).tolist()]
    for i, norms in enumerate(texts):
        assert hashes[offsets[i] : offsets[i + 1]].tolist() == token_hashes(norms).tolist()


def test_a_token_that_cannot_be_utf8_fails_as_it_always_did() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fingerprint, "VECTOR_MIN_TOKENS", 0)
        with pytest.raises(UnicodeEncodeError):
            token_hashes_many([["fine", "lone \ud800 surrogate"]])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.one_of(st.integers(0, 5), st.integers(0, 2**64 - 1)), max_size=30), max_size=6),
    st.integers(1, 9),
    st.integers(0, 3),
)
def test_winnowing_many_texts_keeps_what_winnowing_each_keeps(
    values: list[list[int]], window: int, gap: int
) -> None:
    # Each text's n-grams followed by ``gap`` values that belong to none (the seams).
    chunk: list[int] = []
    starts = []
    for own in values:
        starts.append(len(chunk))
        chunk += own + [0] * gap
    grams = np.array(chunk, dtype=np.uint64)
    got = winnow_many(grams, starts, [len(v) for v in values], window)
    for own, picks in zip(values, got, strict=True):
        assert picks.dtype == np.int64
        assert picks.tolist() == winnow(np.array(own, dtype=np.uint64), window).tolist()


_segments = st.lists(
    st.tuples(st.integers(-5, 400), st.integers(-5, 400), st.sampled_from(["body", "wrapper"])).map(
        lambda t: Segment(t[0], t[1], None, t[2])  # type: ignore[arg-type]
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 400), max_size=60).map(sorted), _segments), max_size=6))
def test_body_masks_of_many_texts_are_each_text_s(texts: list[tuple[list[int], list[Segment]]]) -> None:
    tokens = [Tokens(["w"] * len(s), s, [x + 1 for x in s]) for s, _ in texts]
    segments = [tuple(segs) for _, segs in texts]
    mask, offsets = body_masks(tokens, segments)
    assert mask.dtype == bool
    for i, (t, segs) in enumerate(zip(tokens, segments, strict=True)):
        assert mask[offsets[i] : offsets[i + 1]].tolist() == body_mask(t, segs).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(_texts, max_size=5), st.lists(_pieces, max_size=30), st.booleans())
def test_join_sites_of_many_texts_are_each_text_s(texts: list[str], extra: list[str], combined: bool) -> None:
    raws = [raw_tokens(t) for t in texts]
    vocabulary = count_vocabulary(raws)
    vocabulary.update(w.replace(" ", "") for w in extra)
    parts = (vocabulary, Counter(extra)) if combined else (vocabulary,)
    many = join_sites.candidate_sites_many([r.norms for r in raws], parts)
    assert many == [join_sites.candidate_sites(r.norms, parts) for r in raws]
    both = CombinedVocabulary(vocabulary, Counter(extra)) if combined else vocabulary
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "JOIN_HASHES_MIN_TOKENS", 0)
        repaired = repair_splits_many(texts, raws, both)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "JOIN_HASHES_MIN_TOKENS", 10**9)  # joined strings, looked up
        assert repaired == [repair_splits(t, r, both) for t, r in zip(texts, raws, strict=True)]


def test_n_grams_of_a_chunk_are_each_document_s() -> None:
    # The chunk's n-grams are hashed across the seams too; each document's are a slice.
    texts = [["a", "b", "c", "d", "e", "f"], ["g"], [], ["h", "i", "j", "k", "l"]]
    hashes, offsets = token_hashes_many(texts)
    grams = ngram_hashes(hashes, 5)
    for i, norms in enumerate(texts):
        own = ngram_hashes(token_hashes(norms), 5)
        assert grams[offsets[i] : offsets[i] + len(own)].tolist() == own.tolist()
