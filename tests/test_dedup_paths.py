"""The dedup engine's fast paths against its reference paths: tokens, signatures, batches, paragraphs.

Every fast path (numpy batch signing, folded accented text, batched paragraphs, comparing in
workers) must give exactly what the per-text path gives; these tests pin that, mostly with
hypothesis.
"""

from __future__ import annotations

import io
import itertools
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from dedup_synth import (
    ORIGINAL,
    Words,
    edited,
    family,
    make_corpus,
    precision_recall,
    read_sidecar,
    render,
    write_lines,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.dedup import RECORD_BYTES, dedup, find_duplicates, similarity
from variorum.dedup import batch as batch_module
from variorum.dedup import scan as scan_module
from variorum.dedup import stream as stream_module
from variorum.dedup import verify as verify_module
from variorum.dedup.batch import (
    fast_path,
    fold_table,
    owners,
    power_table,
    power_table_reference,
    sign_texts,
    sign_tokens,
    token_arrays,
)
from variorum.dedup.choose import choose
from variorum.dedup.paragraphs import (
    Paragraphs,
    _slow_paragraphs,
    paragraph_similarity,
    paragraphs,
    paragraphs_of,
    paragraphs_one_by_one,
)
from variorum.dedup.records import parse_line, parse_line_reference
from variorum.dedup.repair import reference_tokens
from variorum.dedup.scripts import compare_texts, gap_kinds, script_tokens
from variorum.dedup.signature import SIGNATURE_BYTES, band_keys, content_hash
from variorum.dedup.tally import WordTally
from variorum.dedup.tokens import (
    BASE,
    ChunkTokens,
    RunningVocabulary,
    VocabularyIndex,
    poly_hash,
    poly_hashes,
    token_hash,
    token_hashes,
    unmix64,
)
from variorum.detect.fingerprint import mix64
from variorum.errors import UsageError
from variorum.text.normalize import count_vocabulary, gap_kind, raw_tokens

# -- the fast tokenizer is the normalizer --------------------------------------------------------

pieces = st.sampled_from(
    [*"abc xyz ABC éñ ё ж 联合 12 3.,-’'*^{}\n\t\xa0\xad", "60 000", "1,500", " fro m ", "aggr ession",
     "coun-\nter", "er}", "part", " a ", "inter nation al", "\u2028", "\x1c"]
)  # fmt: skip
texts = st.lists(pieces, max_size=60).map("".join)
vocabularies = st.dictionaries(
    st.sampled_from(
        ["from", "aggression", "counter", "international", "apart", "part", "a", "fro", "m", "abc"]
    ),
    st.integers(1, 5),
)


def hashed(norms: list[str]) -> list[int]:
    return [token_hash(n) for n in norms]


def hash_index(counts: dict[str, int]) -> VocabularyIndex:
    """The index of ``counts`` known by token hash only, as the first pass gives it."""
    hashes = token_hashes(list(counts))[0]
    return VocabularyIndex.from_hashes(hashes, np.array(list(counts.values()), dtype=np.int64))


@given(texts)
@settings(max_examples=300, deadline=None)
def test_scan_tokens_are_the_normalizers_tokens(text):
    tokens = ChunkTokens(cache_size=8)  # a tiny cache, emptied again and again
    expected = hashed(raw_tokens(text).norms)
    assert tokens.scan_tokens(text).tolist() == expected
    assert tokens.scan_tokens(text).tolist() == expected  # and again from the cache


@given(texts, vocabularies, st.booleans())
@settings(max_examples=500, deadline=None)
def test_compare_tokens_repair_splits_as_the_normalizer_does(text, running, complete):
    if complete:  # the running counts already hold the text's own words
        running = dict(count_vocabulary([raw_tokens(text)], Counter(running)))
    tokens = ChunkTokens()
    got = tokens.compare_tokens(text, VocabularyIndex(running), complete=complete)
    assert got.tolist() == hashed(reference_tokens(text, running, complete=complete))


ascii_pieces = st.sampled_from(
    [*"abc xyz ABC .,-*{}\n\t", " fro m ", "aggr ession", "coun-\nter", "coun- \n ter", "part", " a ",
     "inter nation al", "interna tional", "\x1c", "12", "'"]
)  # fmt: skip


@given(st.lists(ascii_pieces, max_size=60).map("".join), vocabularies)
@settings(max_examples=500, deadline=None)
def test_ascii_texts_are_compared_as_the_normalizer_repairs_them(text, running):
    running = dict(count_vocabulary([raw_tokens(text)], Counter(running)))  # complete
    got = compare_texts([text], VocabularyIndex(running))[0]
    if any(c in text for c in "0123456789'^"):
        assert got is None  # left to the per-text path
        return
    assert got is not None
    assert got.tolist() == hashed(reference_tokens(text, running, complete=True))


folded_pieces = st.sampled_from(
    ["é", "ÉTÉ", "ß", "\xa0", "\xad", "\u2010\n", "\u2028", "\u0301", "ñ", "œ", "Ж", "déjà vu", " déf ense ",
     "Ёлка", "προ σωπο", "ـ", "bakı", "şə hər", "中"]
)  # fmt: skip


@given(st.lists(st.lists(ascii_pieces | folded_pieces, max_size=30).map("".join), max_size=6), vocabularies)
@settings(max_examples=400, deadline=None)
def test_texts_compared_together_are_compared_as_the_normalizer_repairs_them(texts, running):
    running = dict(count_vocabulary((raw_tokens(t) for t in texts), Counter(running)))
    for index in (VocabularyIndex(running), hash_index(running)):  # by spelling, by hash
        together = compare_texts([*texts, "中"], index)
        assert together[-1] is None
        for text, got in zip(texts, together, strict=False):
            alone = compare_texts([text], index)[0]
            assert (got is None) == (alone is None)
            if got is not None:
                assert got.tolist() == hashed(reference_tokens(text, running, complete=True))


@given(st.integers(0, 2**64 - 1), st.integers(1, 3 * 4096 + 5))
@settings(max_examples=60, deadline=None)
def test_power_tables_are_the_running_products(factor, size):
    assert power_table(factor, size).tolist() == power_table_reference(factor, size)


@given(st.lists(st.integers(0, 60), max_size=12), st.lists(st.integers(0, 80), max_size=40))
@settings(max_examples=300, deadline=None)
def test_owners_are_the_last_text_starting_at_or_before_each_token(starts, later_texts):
    # Text starts ascend from 0 and may repeat (a text whose characters all vanished).
    text_start = np.array(sorted([0, *later_texts]), dtype=np.int64)
    starts = np.array(sorted(starts), dtype=np.int64)
    expected = np.searchsorted(text_start, starts, side="right") - 1
    assert owners(starts, text_start).tolist() == expected.tolist()


gap_pieces = st.sampled_from([*" \t\n\r\x0b\x0c\x1c\x1f-.,;ab\xa0\xad\u2010\u2028\u3000é", "-\n", " \r\n"])


@given(st.lists(gap_pieces, max_size=14).map("".join), st.data())
@settings(max_examples=500, deadline=None)
def test_gap_kinds_are_the_normalizers_gap_kinds(text, data):
    # Every (end, start) with end <= start inside the text, gaps of up to six characters.
    spans = [(e, s) for e in range(len(text) + 1) for s in range(e, min(len(text), e + 6) + 1)]
    chosen = data.draw(st.lists(st.sampled_from(spans), max_size=20)) if spans else []
    ends = np.array([e for e, _ in chosen], dtype=np.int64)
    starts = np.array([s for _, s in chosen], dtype=np.int64)
    original = np.frombuffer((text + "\n").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    got = gap_kinds(original, text + "\n", ends, starts).tolist()
    assert got == [gap_kind(text + "\n", e, s) for e, s in chosen]


def test_records_in_other_scripts_are_compared_on_the_batch_path():
    index = VocabularyIndex({"елка": 3, "σωπο": 1, "προσωπο": 2})
    got = compare_texts(["Ёлка и ель", "προ σωπο", "مرحبا", "مَرحبا", "60 000"], index)
    assert [g is not None for g in got] == [True, True, True, False, False]  # a vowel mark vanishes
    assert got[1].tolist() == [token_hash("προσωπο")]


def test_compare_tokens_on_generated_prose_with_splits():
    corpus = make_corpus(seed=3, bases=30)
    vocabulary = RunningVocabulary()
    tokens = ChunkTokens(vocabulary, cache_size=2_000)
    for record in corpus.records:
        tokens.scan_tokens(record["text"])
    tokens.fold()
    expected = count_vocabulary(raw_tokens(r["text"]) for r in corpus.records)
    assert vocabulary.counts == expected
    index = VocabularyIndex(vocabulary.counts)
    checked = 0
    for record in corpus.records:
        got = tokens.compare_tokens(record["text"], index, complete=True)
        expected = hashed(reference_tokens(record["text"], vocabulary.counts, complete=True))
        assert got.tolist() == expected
        plain = compare_texts([record["text"]], index)[0]
        assert plain is None or plain.tolist() == expected
        checked += plain is not None
    assert checked > len(corpus.records) // 2
    # All together, known by hash as the words measure knows them (its sites decided at once).
    by_hash = hash_index(dict(vocabulary.counts))
    together = compare_texts([r["text"] for r in corpus.records], by_hash)
    for record, got in zip(corpus.records, together, strict=True):
        expected = hashed(reference_tokens(record["text"], vocabulary.counts, complete=True))
        assert got is None or got.tolist() == expected
    assert sum(got is not None for got in together) == checked


@pytest.mark.parametrize("workers", [1, 2])
def test_the_first_pass_counts_the_normalizers_words(tmp_path, monkeypatch, workers):
    # Batch-signed texts are counted by token hash and spelt once per hash (WordTally), the
    # others by the per-text path: together they are the normalizer's word counts.
    corpus = make_corpus(seed=5, bases=30)
    corpus.records.append({"id": "digits", "text": "Ici 60 000 mots, déjà vus; Ёлка и ель."})
    source = corpus.write(tmp_path / "in.jsonl")
    monkeypatch.setattr(scan_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(scan_module, "RANGE_BYTES", 20_000)  # many ranges, forms sent once per worker
    vocabulary = RunningVocabulary()
    scan_module.scan(str(source), "first", ChunkTokens(vocabulary), workers=workers)
    assert vocabulary.counts == count_vocabulary(raw_tokens(r["text"]) for r in corpus.records)
    assert not vocabulary.pruned


@given(st.lists(st.integers(0, 2**64 - 1), max_size=50))
@settings(max_examples=200, deadline=None)
def test_unmix64_undoes_mix64(values):
    h = np.array(values, dtype=np.uint64)
    with np.errstate(over="ignore"):
        assert unmix64(mix64(h)).tolist() == values


@given(
    vocabularies, st.lists(st.text(max_size=8) | st.sampled_from(["from", "part", "a", "abc"]), max_size=10)
)
@settings(max_examples=300, deadline=None)
def test_counts_by_polynomial_answer_as_the_spelled_counts(running, asked):
    counts = hash_index(running).counts
    for word in asked:
        assert counts.get(word, 0) == running.get(word, 0)
        assert (word in counts) == (word in running)
    assert counts.keys() & asked == running.keys() & asked
    assert len(counts) == len(running)


@given(texts, vocabularies, st.booleans())
@settings(max_examples=300, deadline=None)
def test_an_index_by_hash_repairs_splits_as_the_spelled_vocabulary(text, running, complete):
    if complete:  # the running counts already hold the text's own words
        running = dict(count_vocabulary([raw_tokens(text)], Counter(running)))
    expected = hashed(reference_tokens(text, running, complete=complete))
    index = hash_index(running)
    assert ChunkTokens().compare_tokens(text, index, complete=complete).tolist() == expected
    assert hashed(reference_tokens(text, index.counts, complete=complete)) == expected
    if complete:
        got = compare_texts([text], index)[0]
        assert got is None or got.tolist() == expected


@given(
    st.text(max_size=40),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"]),
    st.binary(max_size=8),
)
@settings(max_examples=300, deadline=None)
def test_only_a_sample_that_may_be_wide_is_given_to_ingest(text, encoding, tail):
    from variorum.errors import InputError
    from variorum.ingest.jsonl import stream_encoding

    sample = text.encode(encoding, "replace") + tail
    try:
        answer = stream_encoding(sample, "x.jsonl")
    except InputError:
        answer = None
    if not stream_module.may_be_wide(sample):
        assert answer in (None, "utf-8", "utf-8-sig")


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("early", [False, True])
def test_the_first_pass_counts_by_hash_what_it_would_spell(tmp_path, monkeypatch, workers, early):
    # Given a tally, the batch paths' words are counted by hash and never spelt: the counts are
    # the spelled ones, by hash. With ``early``, the tallies' limit is the number of forms, so
    # that workers send their counts range by range (near the limit) and nothing is dropped.
    corpus = make_corpus(seed=5, bases=30)
    corpus.records.append({"id": "digits", "text": "Ici 60 000 mots, déjà vus; Ёлка и ель."})
    source = corpus.write(tmp_path / "in.jsonl")
    monkeypatch.setattr(scan_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(scan_module, "RANGE_BYTES", 20_000)
    expected = count_vocabulary(raw_tokens(r["text"]) for r in corpus.records)
    if early:
        monkeypatch.setattr("variorum.dedup.tally.VOCABULARY_SIZE", len(expected))
    spelled = RunningVocabulary()
    scan_module.scan(str(source), "first", ChunkTokens(spelled), workers=workers)
    assert spelled.counts == expected
    vocabulary = RunningVocabulary()
    tally = WordTally(limit=len(expected) if early else None)
    scan_module.scan(str(source), "first", ChunkTokens(vocabulary), workers=workers, tally=tally)
    assert set(vocabulary.counts) < set(expected)  # only the per-text path's words are spelt
    words = stream_module.word_index(tally, vocabulary)
    assert words.complete
    assert words.index.keys.tolist() == sorted(poly_hashes(list(expected)).tolist())
    assert all(words.index.counts[w] == n for w, n in expected.items())


@given(st.lists(st.text(max_size=12), max_size=20))
@settings(max_examples=200, deadline=None)
def test_polynomials_of_many_words_are_each_ones(words):
    assert poly_hashes(words).tolist() == [poly_hash(w) for w in words]


def test_the_running_vocabulary_is_bounded():
    vocabulary = RunningVocabulary(limit=10)
    vocabulary.add(["the"] * 5 + [f"w{i}" for i in range(20)])
    assert len(vocabulary.counts) <= 10
    assert vocabulary.counts["the"] == 5
    assert vocabulary.pruned


def test_dedup_still_repairs_after_the_vocabulary_is_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr("variorum.dedup.tokens.VOCABULARY_SIZE", 20)
    split = ORIGINAL.replace("aggression", "aggr ession")
    records = [{"id": "a", "text": ORIGINAL + " aggression"}, {"id": "b", "text": split + " aggression"}]
    source = write_lines(tmp_path / "in.jsonl", records)
    report = dedup(str(source), str(tmp_path / "out.jsonl"), threshold=1.0)
    assert [r["id"] for r in read_sidecar(report)] == ["b"]


def test_a_small_chunk_cache_changes_nothing(tmp_path, monkeypatch):
    corpus = make_corpus(seed=6, bases=25)
    source = corpus.write(tmp_path / "in.jsonl")
    default = dedup(str(source), str(tmp_path / "default.jsonl"))
    monkeypatch.setattr("variorum.dedup.tokens.CHUNK_CACHE_SIZE", 3_000)  # emptied every few records
    small = dedup(str(source), str(tmp_path / "small.jsonl"))
    assert read_sidecar(small) == read_sidecar(default)
    assert small.removed > 0


# -- signatures ------------------------------------------------------------------------------------


def test_signature_memory_per_record():
    assert SIGNATURE_BYTES == 256
    assert RECORD_BYTES <= 300


def test_band_keys_agree_for_equal_tokens_and_short_texts_get_keys():
    tokens = ChunkTokens().scan_tokens(ORIGINAL)
    assert (band_keys(tokens) == band_keys(tokens.copy())).all()
    short = ChunkTokens().scan_tokens("one two")
    assert len(band_keys(short)) == 32


# -- the batch path signs as the per-text path does ------------------------------------------------

ascii_pieces = st.sampled_from(
    [
        "abc",
        "XyZ",
        " ",
        "\n",
        "\n\n",
        ",",
        ".",
        "-",
        "*",
        "q",
        "Hello",
        "world",
        "a b c",
        "\t",
        "!",
        "12",
        "it's",
    ]
)
ascii_texts = st.lists(ascii_pieces, max_size=80).map("".join)


def per_text(text: str) -> tuple[int, int, list[int]]:
    hashes = ChunkTokens().scan_tokens(text)
    if not len(hashes):
        return 0, 0, [0] * 32
    return len(hashes), content_hash(hashes), band_keys(hashes).tolist()


@given(st.lists(ascii_texts, min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_the_batch_path_signs_as_the_per_text_path(texts):
    signed = sign_texts([fast_path(t) for t in texts])
    for k, text in enumerate(texts):
        if not signed.ok[k]:
            assert any(c in text for c in "0123456789'`^")
            continue
        got = (int(signed.lengths[k]), int(signed.content[k]), signed.bands[k].tolist())
        assert got == per_text(text)


def test_the_batch_path_on_generated_prose():
    corpus = make_corpus(seed=8, bases=20)
    texts = [r["text"] for r in corpus.records]
    signed = sign_texts([fast_path(t) for t in texts])
    assert signed.ok.all()
    for k, text in enumerate(texts):
        assert (int(signed.lengths[k]), int(signed.content[k]), signed.bands[k].tolist()) == per_text(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGZ .,\n", max_size=200))
@settings(max_examples=200, deadline=None)
def test_batch_token_hashes_are_token_hash(text):
    _, _, hashes = token_arrays(np.frombuffer(text.encode("ascii"), dtype=np.uint8))
    assert hashes.tolist() == hashed(raw_tokens(text).norms)


script_pieces = st.sampled_from(
    ["Привет", "МИР", "Ёлка", "ель", "Καλημέρα", "ΣΑΣ", "ς", "ά", "مَرحبا", "بالعالم", "ـ", "bakı",
     "şəhər", "İ", "ı", " ", "\n", "\n\n", ",", "«", "—", "\u00a0", "\u0301", "\u00ad", "\u2028",
     "Ω", "ǅ", "ß", "中", "’", "x", "Ab", "\u0660", "\u200b", "\u0640"]
)  # fmt: skip
script_texts = st.lists(script_pieces | ascii_pieces, max_size=50).map("".join)


@given(st.lists(script_texts, min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_texts_in_other_scripts_are_signed_as_the_per_text_path_signs_them(texts):
    ok, hashes, owner, words = script_tokens(texts)
    signed = sign_tokens(ok, hashes, owner, words)
    for k, text in enumerate(texts):
        if not ok[k]:
            continue
        assert (int(signed.lengths[k]), int(signed.content[k]), signed.bands[k].tolist()) == per_text(text)
        forms = [words.form(i) for i in np.flatnonzero(owner == k).tolist()]
        assert forms == raw_tokens(text).norms


def test_cyrillic_greek_arabic_and_azerbaijani_take_the_script_path():
    texts = ["Привет, Мир! Ёлка.", "Καλημέρα ΣΑΣ, κόσμε", "مَرحبا بالعالم", "Bakı şəhəri, İstanbul", "60 000"]
    ok, _, _, _ = script_tokens(texts)
    assert ok.tolist() == [True, True, True, True, False]


def test_batch_token_hashes_past_the_tables_of_powers():
    # Polynomials come from running sums against tables of BASE**k and BASE**-k: a batch longer
    # than the tables grows them, and long words far into it are still hashed right.
    rng = np.random.default_rng(3)
    words = ["".join(rng.choice(list("abcdefghij"), size=int(n))) for n in rng.integers(1, 40, 40_000)]
    text = " ".join(words)
    assert len(text) > 1 << 18
    _, _, hashes = token_arrays(np.frombuffer(text.encode("ascii"), dtype=np.uint8))
    assert hashes.tolist() == hashed(words)


def test_accented_latin_text_is_folded_and_other_scripts_are_left_to_the_per_text_path():
    assert fast_path("Déjà vu\u00a0— «Straße»") == b"Deja vu . .Strasse."
    assert fast_path("plain") == b"plain"
    assert fast_path("l\u2019été") is None  # an apostrophe joins words: the normalizer decides
    assert fast_path("中文") is None
    assert fast_path("αβγ") is None


# Non-ASCII pieces: folded letters, combining marks, soft hyphens, spaces and punctuation the
# fast path reads, and characters it must leave to the per-text path.
mixed_pieces = st.one_of(
    ascii_pieces,
    st.sampled_from(
        ["é", "É", "ñ", "ß", "ǅ", "ŉ", "İ", "\u0301", "\u00ad", "\u00a0", "\u2028", "—", "«", "»", "…"]
    ),
    st.sampled_from(["’", "中", "α", "æ", "²", "\u200b", "ﬁ"]),
    st.sampled_from(sorted(map(chr, fold_table()))),
)
mixed_texts = st.lists(mixed_pieces, max_size=60).map("".join)


@given(mixed_texts)
@settings(max_examples=300, deadline=None)
def test_folded_text_has_the_normalizers_tokens(text):
    data = fast_path(text)
    if data is None:
        assert any(ord(c) > 127 and ord(c) not in fold_table() for c in text)
        return
    if any(c in data for c in b"0123456789'`^"):
        return  # sign_texts leaves these to the per-text path
    _, _, hashes = token_arrays(np.frombuffer(data, dtype=np.uint8))
    assert hashes.tolist() == hashed(raw_tokens(text).norms)


@given(st.lists(mixed_texts, min_size=1, max_size=6))
@settings(max_examples=150, deadline=None)
def test_the_batch_path_signs_folded_texts_as_the_per_text_path(texts):
    datas = [fast_path(t) for t in texts]
    signed = sign_texts([d for d in datas if d is not None])
    at = 0
    for text, data in zip(texts, datas, strict=True):
        if data is None:
            continue
        if signed.ok[at]:
            got = (int(signed.lengths[at]), int(signed.content[at]), signed.bands[at].tolist())
            assert got == per_text(text)
        at += 1


@given(
    st.lists(
        st.lists(st.one_of(mixed_pieces, script_pieces, st.just("\n \n")), max_size=40).map("".join),
        max_size=6,
    )
)
@settings(max_examples=200, deadline=None)
def test_paragraphs_of_a_batch_are_those_of_each_text_alone(texts):
    together = paragraphs_of(texts, ChunkTokens())
    for text, got in zip(texts, together, strict=True):
        alone = _slow_paragraphs(text, ChunkTokens())
        assert got.count == alone.count
        assert got.shingles.tolist() == alone.shingles.tolist()
        assert got.paragraph.tolist() == alone.paragraph.tolist()
        assert got.distinct.tolist() == alone.distinct.tolist()


@given(st.lists(st.one_of(texts, st.just("\n\n"), st.just(" \n \t\n ")), max_size=8).map("".join))
@settings(max_examples=300, deadline=None)
def test_paragraphs_of_a_whole_text_are_those_of_each_paragraph(text):
    tokens = ChunkTokens(cache_size=64)  # emptied now and then, as on a long run
    got, expected = _slow_paragraphs(text, tokens), paragraphs_one_by_one(text, ChunkTokens())
    assert got.count == expected.count
    assert got.shingles.tolist() == expected.shingles.tolist()
    assert got.paragraph.tolist() == expected.paragraph.tolist()


@pytest.mark.parametrize("measure", ["words", "paragraphs"])
def test_a_slow_small_file_read_partly_here_partly_by_workers_gives_the_same_decision(
    tmp_path, monkeypatch, measure
):
    corpus = make_corpus(seed=14, bases=40, boilerplate=10)
    corpus.records.append({"id": "digits", "text": "Ici 60 000 mots, déjà vus; Ёлка и ель. 1,500 fois."})
    source = corpus.write(tmp_path / "in.jsonl")
    monkeypatch.setattr(scan_module, "RANGE_BYTES", 20_000)
    single = find_duplicates(source, measure=measure, workers=1, all_pairs=True)
    vocabulary = RunningVocabulary()
    scan_module.scan(str(source), "first", ChunkTokens(vocabulary), workers=1)
    monkeypatch.setattr(scan_module, "PARALLEL_SECONDS", 0.0)  # the first range here, the rest not
    both = find_duplicates(source, measure=measure, workers=2, all_pairs=True)
    assert both.duplicate_of.tolist() == single.duplicate_of.tolist()
    assert both.similarity.tolist() == single.similarity.tolist()
    assert both.pairs == single.pairs and both.line_count == single.line_count
    here: list[int] = []  # ranges read by this process (a forked worker appends to its own copy)
    read_range = scan_module.read_range
    monkeypatch.setattr(scan_module, "read_range", lambda *a, **k: here.append(1) or read_range(*a, **k))
    split = RunningVocabulary()
    scan_module.scan(str(source), "first", ChunkTokens(split), workers=2)
    assert split.counts == vocabulary.counts
    assert len(here) == 1 < len(scan_module.line_ranges(str(source), source.stat().st_size, 20_000)) - 1


def test_parallel_reading_gives_the_same_decision(tmp_path, monkeypatch):
    corpus = make_corpus(seed=12, bases=60, boilerplate=20)
    corpus.records.append({"id": "accents", "text": "Un texte français, déjà vu, 60 000 fois."})
    source = corpus.write(tmp_path / "in.jsonl")
    with source.open("a", encoding="utf-8") as out:
        out.write("not json\n\n")
        out.write(json.dumps({"id": "last", "text": corpus.records[0]["text"]}))  # no final newline
    single = dedup(str(source), str(tmp_path / "one.jsonl"))
    monkeypatch.setattr(scan_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(scan_module, "RANGE_BYTES", 20_000)  # many ranges, lines cut at every range
    monkeypatch.setattr(scan_module, "BATCH_BYTES", 5_000)
    parallel = dedup(str(source), str(tmp_path / "two.jsonl"))
    assert read_sidecar(parallel) == read_sidecar(single)
    assert parallel.skipped == single.skipped and parallel.lines == single.lines
    assert Path(parallel.output).read_bytes() == Path(single.output).read_bytes()
    assert any(r["id"] == "last" for r in read_sidecar(parallel))


def test_line_ranges_end_at_line_ends(tmp_path):
    source = tmp_path / "lines.txt"
    source.write_bytes(b"".join(b"x" * (i % 7) + b"\n" for i in range(200)) + b"tail")
    data = source.read_bytes()
    for large, tail in ((0, 0), (200, 100), (200, 0), (5_000, 100)):
        ranges = scan_module.line_ranges(str(source), len(data), 50, large=large, tail=tail)
        assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
        assert all(data[end - 1 : end] == b"\n" for _, end in ranges[:-1])
        sizes = [end - start for start, end in ranges]
        # Large ranges first while more than ``tail`` bytes are left after one, then small ones.
        small = [k for k, (start, _) in enumerate(ranges) if not large or len(data) - start - large <= tail]
        assert all(size < 50 + 7 for size in sizes[small[0] : -1]) if small else True
        assert all(size >= large for size in sizes[: small[0] if small else None])


# -- the paragraphs measure ---------------------------------------------------------------------------


def test_paragraphs_measure_forgives_dropped_and_moved_paragraphs():
    rng = np.random.default_rng(21)
    words = Words(rng, 5_000)
    base = [words.draw(rng, 60) for _ in range(10)]
    copy = edited(rng, words, base, 0.02)
    copy = [copy[9], *copy[:5], *copy[6:9]]  # one paragraph dropped, the last moved first
    original, reprint = render(rng, base), render(rng, copy)
    assert similarity(original, reprint) < 0.8  # as a word sequence, far apart
    assert similarity(original, reprint, measure="paragraphs") == pytest.approx(0.9)
    other = render(rng, [base[0], *words.paragraphs(rng, 500)])  # shares one paragraph
    assert similarity(original, other, measure="paragraphs") < 0.2


def test_paragraphs_are_the_same_on_both_paths(monkeypatch):
    text = "First paragraph here, with words.\n\nSecond one\nwrapped.\n \n\nThird.\n\n\n"
    fast = paragraphs(text, ChunkTokens())
    monkeypatch.setattr("variorum.dedup.paragraphs.fast_path", lambda text: None)
    slow = paragraphs(text, ChunkTokens())
    assert fast.count == slow.count == 3
    assert fast.shingles.tolist() == slow.shingles.tolist()
    assert fast.paragraph.tolist() == slow.paragraph.tolist()
    assert paragraph_similarity(fast, slow) == 1.0


def test_comparing_by_paragraphs_in_workers_gives_the_same_pairs(tmp_path, monkeypatch):
    corpus = make_corpus(seed=13, bases=60, boilerplate=20)
    corpus.records.append({"id": "accents", "text": "Un texte français, déjà vu, 60 000 fois.\n\nÉté."})
    source = corpus.write(tmp_path / "in.jsonl")
    alone = find_duplicates(source, measure="paragraphs", all_pairs=True, workers=1)
    monkeypatch.setattr(stream_module, "PARALLEL_RECORDS", 0)
    monkeypatch.setattr(verify_module, "PIECE_PAIRS", 7)  # many pieces, large groups cut
    parallel = find_duplicates(source, measure="paragraphs", all_pairs=True, workers=2)
    assert alone.pairs and parallel.pairs == alone.pairs
    assert parallel.duplicate_of.tolist() == alone.duplicate_of.tolist()
    assert parallel.compared == alone.compared
    kept = find_duplicates(source, measure="paragraphs", workers=2)  # not every pair is planned
    kept_alone = find_duplicates(source, measure="paragraphs", workers=1)
    assert kept.duplicate_of.tolist() == kept_alone.duplicate_of.tolist()


def test_comparing_by_words_ahead_in_batches_and_workers_gives_the_same_pairs(tmp_path, monkeypatch):
    corpus = make_corpus(seed=15, bases=60, boilerplate=20)
    corpus.records.append({"id": "accents", "text": "Un texte français, déjà vu, 60 000 fois.\n\nÉté."})
    source = corpus.write(tmp_path / "in.jsonl")
    monkeypatch.setattr(stream_module, "PARALLEL_RECORDS", 10**9)  # record by record
    monkeypatch.setattr(stream_module, "PARALLEL_COMPARE_BYTES", 10**12)
    alone = find_duplicates(source, all_pairs=True, workers=1)
    monkeypatch.setattr(stream_module, "PARALLEL_RECORDS", 0)
    monkeypatch.setattr(verify_module, "PIECE_PAIRS", 7)
    for workers in (1, 2):
        ahead = find_duplicates(source, all_pairs=True, workers=workers)
        assert alone.pairs and ahead.pairs == alone.pairs
        assert ahead.duplicate_of.tolist() == alone.duplicate_of.tolist()
        assert ahead.compared == alone.compared


def test_planned_pairs_are_the_pairs_choose_compares(tmp_path):
    corpus = make_corpus(seed=14, bases=40, boilerplate=20)
    source = corpus.write(tmp_path / "in.jsonl")
    table, _, _ = scan_module.scan(str(source), "first", ChunkTokens(), count_words=False, workers=1)
    columns = table.arrays()
    for score in (1.0, 0.0):  # every pair similar: nothing cut; none: cut after MAX_COMPARISONS
        compared, planned = compare_all(columns, score)
        assert compared
        if score:
            assert compared == planned
        else:
            assert set(compared) <= set(planned)


def compare_all(columns: dict[str, np.ndarray], score: float) -> tuple[list, list]:
    """The pairs choose compares (in all-pairs mode) when every pair scores ``score``, and those planned."""
    compared: list[tuple[int, int]] = []
    planned: list[tuple[int, int]] = []

    def similar(a: int, b: int) -> float:
        compared.append((a, b))
        return score

    choose(
        columns["bands"].copy(),
        columns["content"],
        columns["lengths"],
        np.arange(len(columns["content"])),
        similar,
        0.8,
        length_ratio=0.0,
        pairs=[],
        visiting=lambda visit: planned.extend(planned_pairs(visit)),
    )
    return compared, planned


def planned_pairs(visit) -> list[tuple[int, int]]:
    """The visit's pairs in order (the reference), checked against the vectorized ones."""
    in_order = visit.pairs_in_order()
    fast = visit.pairs()
    assert len(fast) == len(set(fast)) and set(fast) == set(in_order)
    return in_order


def test_pieces_hold_every_pair_once_and_keep_groups_together():
    pairs = [(1, 0), (2, 0), (5, 4), (3, 2), (7, 6), (9, 8), (8, 6)]
    pieces = verify_module.pieces_of(pairs, size=3)
    assert sorted(i for p in pieces for i in p) == list(range(len(pairs)))
    assert all(len(p) <= 3 for p in pieces)
    groups = verify_module.groups_of(pairs)
    assert groups == [0, 0, 4, 0, 6, 6, 6]
    for group in set(groups):  # each group fits in a piece, so none is cut
        assert len({k for k, piece in enumerate(pieces) for i in piece if groups[i] == group}) == 1
    assert all(len(p) <= 2 for p in verify_module.pieces_of(pairs, size=2))


def test_dedup_by_paragraphs_on_generated_near_duplicates(tmp_path):
    corpus = make_corpus(seed=11, bases=120, boilerplate=40)
    source = corpus.write(tmp_path / "in.jsonl")
    report = dedup(str(source), str(tmp_path / "out.jsonl"), measure="paragraphs")
    precision, recall = precision_recall(corpus, report)
    assert precision >= 0.99 and recall >= 0.95


def test_find_duplicates_groups_and_all_pairs(tmp_path):
    a, b, c = family()
    source = write_lines(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate([a, b, c])])
    found = find_duplicates(source, all_pairs=True)
    assert found.groups() == [[1, 2, 3]]
    assert found.pairs is not None
    assert {(x, y) for x, y, _ in found.pairs} == {(1, 0), (2, 0), (2, 1)}
    assert find_duplicates(source).pairs is None


def test_unknown_measure_is_refused(tmp_path):
    source = write_lines(tmp_path / "in.jsonl", [{"id": 1, "text": "a b c"}])
    with pytest.raises(UsageError, match="measure"):
        dedup(str(source), str(tmp_path / "out.jsonl"), measure="letters")


# fast_path first looks for a character the fold table cannot fold and gives up at once; it must
# give exactly what folding every non-ASCII run and then testing the result gives.
_folded = sorted(fold_table())


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([chr(c) for c in _folded[:: max(1, len(_folded) // 60)]]),
            st.sampled_from([*"ab Z,.-\n", "Ж", "λ", "ع", "中", "\u00e9", "\u2019", "\u0301", "ə"]),
            st.characters(),
        ),
        max_size=40,
    ).map("".join)
)
def test_fast_path_rules_out_unfoldable_text_as_folding_it_would(text: str) -> None:
    from variorum.dedup.batch import _NON_ASCII, _fold_match

    folded = _NON_ASCII.sub(_fold_match, text)
    assert fast_path(text) == (folded.encode("ascii") if folded.isascii() else None)


# -- reading records: orjson where it can, the standard library as reference and fallback ---------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
records = st.fixed_dictionaries(
    {"text": st.text() | st.integers()}, optional={"id": json_values, "date": json_values, "x": json_values}
)


@given(records | json_values, st.booleans(), st.booleans())
@settings(max_examples=400, deadline=None)
def test_a_line_is_read_as_the_standard_library_reads_it(value, ascii_only, first):
    line = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    got, expected = parse_line(line + b"\n", first), parse_line_reference(line, first)
    assert got == expected or (got != got and expected != expected)  # NaN is not equal to itself


@given(st.binary(max_size=40), st.booleans())
@settings(max_examples=300, deadline=None)
def test_a_broken_line_gets_the_standard_librarys_reason(junk, first):
    for line in (junk, b'{"text": "a"' + junk, b"\xef\xbb\xbf" + b'{"text": "b"}' + junk):
        assert parse_line(line, first) == parse_line_reference(line, first)


@given(st.lists(st.text(min_size=1, max_size=40), max_size=60))
def test_token_hashes_of_many_forms_are_each_forms_hash(norms):
    from variorum.dedup.tokens import MODULUS, base_powers, poly_hash, token_hash, token_hashes

    hashes, polys = token_hashes(norms)
    assert hashes.tolist() == [token_hash(n) for n in norms]
    assert polys.tolist() == [poly_hash(n) for n in norms]
    lengths = np.array([len(n) for n in norms], dtype=np.int64)
    assert base_powers(lengths).tolist() == [pow(BASE, len(n), MODULUS) for n in norms]


@given(st.lists(script_texts, min_size=1, max_size=6))
@settings(max_examples=100, deadline=None)
def test_a_batchs_words_are_spelt_together_as_one_by_one(texts):
    _, hashes, _, words = script_tokens(texts)
    every = np.arange(len(hashes))
    assert words.forms(every) == [words.form(i) for i in every.tolist()]
    data = [t.encode("ascii", "ignore").replace(b"0", b"") for t in texts]
    signed = sign_texts(data, count_words=True)
    if signed.words is not None:
        every = np.arange(len(signed.words.hashes))[::-1]
        assert signed.words.forms(every) == [signed.words.form(i) for i in every.tolist()]


@pytest.mark.parametrize("seed", range(6))
def test_planned_pairs_with_crowded_buckets_match_the_reference(monkeypatch, seed):
    # Few distinct band keys, so buckets overflow MAX_KEPT_PER_BUCKET (made small here).
    from variorum.dedup import choose as choose_module
    from variorum.dedup.signature import BANDS

    monkeypatch.setattr(choose_module, "MAX_KEPT_PER_BUCKET", 3)
    rng = np.random.default_rng(seed)
    n = 60
    columns = {
        "bands": rng.integers(0, 6, size=(n, BANDS)).astype(np.uint64),
        "content": rng.integers(0, 40, size=n).astype(np.uint64),  # some exact copies
        "lengths": rng.integers(5, 12, size=n).astype(np.int32),
    }
    checked: list[int] = []

    def check(visit) -> None:
        checked.append(len(planned_pairs(visit)))

    choose(
        columns["bands"], columns["content"], columns["lengths"], rng.permutation(n),
        lambda a, b: 1.0, 0.8, pairs=[], visiting=check,
    )  # fmt: skip
    assert checked and checked[0] > 0


@given(st.lists(texts, max_size=6))
@settings(max_examples=100, deadline=None)
def test_folding_chunk_counts_at_once_counts_as_one_chunk_at_a_time(batch):
    # A vocabulary that cannot fill up is counted in one loop; one that might is counted chunk by
    # chunk (limit: exactly the forms there are, so that nothing is dropped). Same counts, same order.
    expected = count_vocabulary(raw_tokens(t) for t in batch)
    counted = []
    for limit in (10**9, max(1, len(expected))):
        vocabulary = RunningVocabulary(limit=limit)
        tokens = ChunkTokens(vocabulary)
        for text in batch:
            tokens.scan_tokens(text)
        tokens.fold()
        counted.append(list(vocabulary.counts.items()))
    assert counted[0] == counted[1]
    assert dict(counted[0]) == expected


@given(
    st.lists(st.lists(st.integers(0, 12), max_size=40), min_size=1, max_size=6),
    st.sampled_from([0, 2**63, 2**64 - 13]),
    st.floats(0.0, 1.0),
)
@settings(max_examples=300, deadline=None)
def test_tokens_compared_as_strings_score_as_lists_of_ints(records, offset, cutoff):
    from rapidfuzz.distance import Levenshtein

    sequences = {r: np.array(tokens, dtype=np.uint64) + np.uint64(offset) for r, tokens in enumerate(records)}
    strings = verify_module.token_strings(sequences)
    lists = verify_module.token_lists(sequences)
    assert all(isinstance(s, str) for s in strings.values())
    for a, b in itertools.product(sequences, repeat=2):
        expected = Levenshtein.normalized_similarity(lists[a], lists[b], score_cutoff=cutoff)
        assert Levenshtein.normalized_similarity(strings[a], strings[b], score_cutoff=cutoff) == expected


def test_tokens_past_the_surrogates_and_too_many_tokens(monkeypatch):
    from rapidfuzz.distance import Levenshtein

    rng = np.random.default_rng(7)
    many = rng.permutation(70_000).astype(np.uint64) * np.uint64(2**40 + 1)
    sequences = {0: many[:600], 1: np.concatenate([many[:300], many[60_000:60_300]]), 2: many}
    strings = verify_module.token_strings(sequences)
    lists = verify_module.token_lists(sequences)
    assert max(map(ord, strings[2])) >= 0xE000
    for a, b in [(0, 1), (1, 2), (0, 2)]:
        expected = Levenshtein.normalized_similarity(lists[a], lists[b])
        assert Levenshtein.normalized_similarity(strings[a], strings[b]) == expected
    monkeypatch.setattr(verify_module, "MAX_STRING_TOKENS", 100)
    assert verify_module.token_strings(sequences) == lists


@given(st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 40), max_size=300), st.booleans())
@settings(max_examples=300, deadline=None)
def test_dense_ranks_are_ranks_among_distinct_values(values, shared_high_bits):
    array = np.array(values, dtype=np.uint64)
    if shared_high_bits and len(array):
        array = (array & np.uint64(0xFF)) | np.uint64(0xABC0000000000000)
    ranks = {v: k for k, v in enumerate(sorted(set(array.tolist())))}
    assert verify_module.dense_ranks(array).tolist() == [ranks[v] for v in array.tolist()]


@given(
    st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 40), max_size=300),
    st.sampled_from([None, 5, 40, 100, 300]),
    st.integers(1, 8),
)
@settings(max_examples=300, deadline=None)
def test_dense_codes_are_equal_exactly_where_the_values_are(values, limit, repeats):
    # Codes are places in a hash table, not ranks: equal values share one, different values
    # never do, and all are below the limit (None when there are more distinct values).
    array = np.array(values * repeats, dtype=np.uint64)
    if limit is not None:
        mp = pytest.MonkeyPatch()
        mp.setattr(verify_module, "MAX_STRING_TOKENS", limit)
    try:
        codes = verify_module.dense_codes(array)
    finally:
        if limit is not None:
            mp.undo()
    if limit is not None and len(set(values)) > limit:
        assert codes is None
        return
    assert codes is not None and codes.dtype == np.uint32
    assert all(c < (limit or verify_module.MAX_STRING_TOKENS) for c in codes.tolist())
    assert len(set(zip(array.tolist(), codes.tolist(), strict=True))) == len(set(values))
    assert len(set(codes.tolist())) == len(set(values))


def test_dense_codes_of_many_distinct_values_that_crowd_the_table():
    rng = np.random.default_rng(3)
    values = rng.integers(0, 2**63, size=50_000, dtype=np.int64).astype(np.uint64)  # all distinct
    codes = verify_module.dense_codes(np.concatenate([values, values[::-1]]))
    assert codes is not None
    assert np.array_equal(codes[:50_000], codes[50_000:][::-1])
    assert len(np.unique(codes[:50_000])) == 50_000


@given(
    st.lists(st.integers(0, 0x2FFFF), max_size=400),
    st.sampled_from([np.uint8, np.int16, np.uint32]),
    st.lists(st.integers(1, 80), max_size=40),
    st.data(),
)
@settings(max_examples=300, deadline=None)
def test_run_polys_are_the_polynomials_of_the_runs(values, dtype, lengths, data):
    limit = int(np.iinfo(dtype).max)
    codes = np.array([v % (limit + 1) for v in values], dtype=dtype)
    starts, ends, at = [], [], 0
    for length in lengths:  # runs in order, apart, inside the codes
        at += data.draw(st.integers(0, 3))
        if at + length > len(codes):
            break
        starts.append(at)
        ends.append(at + length)
        at += length
    starts_a, ends_a = np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)
    expected = [poly_of(codes[a:b].tolist()) for a, b in zip(starts, ends, strict=True)]
    assert batch_module.run_polys(codes, starts_a, ends_a).tolist() == expected
    assert batch_module.run_polys_by_sums(codes, starts_a, ends_a).tolist() == expected


def poly_of(codes):
    """``sum(code * BASE**(n - 1 - k))`` modulo 2**64, in pure Python."""
    value = 0
    for code in codes:
        value = (value * BASE + code) % 2**64
    return value


@pytest.mark.parametrize("target", ["file", "appended", "bytesio"])
@pytest.mark.parametrize(
    ("start", "end"), [(0, None), (0, 7), (3, 12), (7, 7), (5, 99), (12, None), (40, None)]
)
def test_byte_ranges_are_copied_alike_by_the_kernel_and_by_python(tmp_path, target, start, end):
    # os.sendfile copies file to file; an output opened for appending, or without a descriptor,
    # takes the read-and-write loop. Both give the same bytes, last byte and position.
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"a": 1}\n{"b": 22}\n{"c": 3}\n')
    copied = tmp_path / "copied"
    copied.write_bytes(b"before\n")
    with open(source, "rb") as file:
        if target == "bytesio":
            out = io.BytesIO(b"before\n")
            out.seek(0, io.SEEK_END)
            last = stream_module._copy(file, out, start, end, b"?")
            got = out.getvalue()
        else:
            with open(copied, "ab" if target == "appended" else "r+b", buffering=1 << 20) as out:
                out.seek(0, io.SEEK_END)
                last = stream_module._copy(file, out, start, end, b"?")
            got = copied.read_bytes()
        position = file.tell()
    data = source.read_bytes()
    piece = data[start:end]
    assert got == b"before\n" + piece
    short = end is not None and end > len(data)
    assert last == (b"" if short else piece[-1:] or b"?")
    assert position == start + len(piece)


@given(st.lists(st.integers(0, 6), max_size=12), st.integers(0, 2**64 - 1))
@settings(max_examples=300, deadline=None)
def test_paragraphs_numbered_and_shingled_without_sorting_as_with(sizes, seed):
    # Paragraph numbers from where an ascending owner changes, and the shingle of each short
    # paragraph put in place, are what np.unique and a stable sort by paragraph gave.
    from variorum.dedup import paragraphs as paragraphs_module

    rng = np.random.default_rng(seed % 2**32)
    owner = np.repeat(np.arange(len(sizes)) * 3, sizes).astype(np.int64)  # gaps: pieces without tokens
    hashes = rng.integers(0, 2**63, size=len(owner), dtype=np.int64).astype(np.uint64)
    got = paragraphs_module._paragraphs_from(hashes, owner)
    _, dense = np.unique(owner, return_inverse=True)
    dense = dense.astype(np.int64)
    n = len(hashes)
    grams, gram_owner = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    if n >= 4:
        windows = [
            paragraphs_module.ngram_hashes(hashes[i : i + 4], 4)[0]
            for i in range(n - 3)
            if dense[i] == dense[i + 3]
        ]
        grams = np.array(windows, dtype=np.uint64)
        gram_owner = np.array([dense[i] for i in range(n - 3) if dense[i] == dense[i + 3]], dtype=np.int64)
    counts = np.bincount(dense)
    short = np.flatnonzero((counts > 0) & (counts < 4))
    extra = [paragraphs_module.ngram_hashes(hashes[dense == p], int(counts[p]))[0] for p in short.tolist()]
    grams = np.concatenate([grams, np.array(extra, dtype=np.uint64)])
    gram_owner = np.concatenate([gram_owner, short])
    order = np.argsort(gram_owner, kind="stable")
    assert got.shingles.tolist() == grams[order].tolist()
    assert got.paragraph.tolist() == gram_owner[order].tolist()
    assert got.count == (int(gram_owner.max()) + 1 if len(gram_owner) else 0)


@given(
    st.lists(
        st.integers(0, 2**64 - 1) | st.integers(0, 2**16) | st.sampled_from([2**40, 2**40 + 1, 7 << 33]),
        max_size=200,
    )
)
@settings(max_examples=300, deadline=None)
def test_keys_ordered_by_radix_passes_are_sorted(values):
    from variorum.dedup.choose import key_order

    keys = np.array(values, dtype=np.uint64)
    order, ordered = key_order(keys)
    assert sorted(order.tolist()) == list(range(len(keys)))
    assert ordered.tolist() == keys[order].tolist() == sorted(values)


def found_reference(a: Paragraphs, b: Paragraphs) -> int:
    """``paragraphs.found`` as first written: the reference the faster one must equal."""
    if not a.count or not len(b.distinct):
        return 0
    at = np.searchsorted(b.distinct, a.shingles)
    at[at == len(b.distinct)] = 0
    hit = b.distinct[at] == a.shingles
    hits = np.bincount(a.paragraph[hit], minlength=a.count)
    return int((hits >= a.needed).sum())


@given(
    st.lists(st.lists(st.integers(0, 30), max_size=12), max_size=6),
    st.lists(st.lists(st.integers(0, 30), max_size=12), max_size=6),
    st.sampled_from([0, 2**64 - 31]),
)
@settings(max_examples=300, deadline=None)
def test_paragraphs_found_as_first_written(a_paragraphs, b_paragraphs, offset):
    from variorum.dedup import paragraphs as paragraphs_module

    def made(pieces: list[list[int]]) -> Paragraphs:
        kept = [p for p in pieces if p]
        shingles = np.array([v for p in kept for v in p], dtype=np.uint64) + np.uint64(offset)
        paragraph = np.repeat(np.arange(len(kept)), [len(p) for p in kept]).astype(np.int64)
        return Paragraphs(shingles, paragraph, len(kept), np.unique(shingles))

    a, b = made(a_paragraphs), made(b_paragraphs)
    for x, y in ((a, b), (b, a), (a, a)):
        assert paragraphs_module.found(x, y) == found_reference(x, y)
