"""The workers' vocabulary as a hash table (:class:`variorum.text.join_sites.HashedVocabulary`)
against the plain dict the main process repairs with: the same counts, the same joins."""

from __future__ import annotations

import json
import pickle
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum import workers
from variorum.store.codec import SEP
from variorum.store.wordcounts import WordCounts
from variorum.text import join_sites
from variorum.text.join_sites import HashedVocabulary, joined_hashes, joined_starts, poly_hashes
from variorum.text.normalize import count_vocabulary, raw_tokens, repair_splits_many

_pieces = st.sampled_from(
    ["word", "Word", " ", " ", "  ", "\n", "\t", "-", "-\n", "\u00ad", "co-\r\nop", "aggr ession",
     "aggression", "fro m", "from", "a part", "apart", "intern ationa l", "international", "in to",
     "into", "60 000", "don't", "Ёлка", "Ёл ка", "联合 国", "联合国", "𝐀b c", "𝐀bc", "e\u0301", "x" * 300]
)  # fmt: skip
_texts = st.lists(_pieces, max_size=60).map("".join)
_words = st.text(st.characters(blacklist_characters=SEP, codec="utf-8"), max_size=12)


def _add(vocabulary: HashedVocabulary, counts: dict[str, int]) -> None:
    """Add ``counts`` as a worker adds a chunk's word counts."""
    part = WordCounts.of(counts)
    if len(part):
        hashes, _ = joined_hashes(part.words, SEP)
        words = part.words.split(SEP)
        values = np.frombuffer(part.counts, dtype=np.int64)
        vocabulary.add_hashed(hashes, values, lambda picks: [words[i] for i in picks.tolist()])


@settings(max_examples=200, deadline=None)
@given(st.lists(_words, max_size=40))
def test_the_hashes_of_a_joined_column_are_the_words(words: list[str]) -> None:
    if words:
        hashes, starts = joined_hashes(SEP.join(words), SEP)
        assert hashes.tolist() == poly_hashes(words)[0].tolist()
        assert starts.tolist() == [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]


@settings(max_examples=200, deadline=None)
@given(st.lists(_words, max_size=40))
def test_the_starts_of_a_joined_column_are_those_hashing_gives(words: list[str]) -> None:
    if words:
        joined = SEP.join(words)
        assert joined_starts(joined, SEP).tolist() == joined_hashes(joined, SEP)[1].tolist()


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(_words, st.integers(1, 9), max_size=30),
    st.lists(st.dictionaries(_words, st.integers(1, 9), max_size=40), max_size=5),
)
def test_a_hashed_vocabulary_holds_the_sums_a_counter_holds(base: dict[str, int], parts: list[dict]) -> None:
    vocabulary = HashedVocabulary(base, keep_sum=True)
    reference, since = Counter(base), Counter()
    for counts in parts:
        _add(vocabulary, counts)
        reference.update(counts)
        since.update(counts)
    assert dict(vocabulary) == dict(reference)
    assert len(vocabulary) == len(reference)
    for word in [*reference, "absent", "\x00"]:
        assert vocabulary.get(word, 0) == reference[word]
        assert (word in vocabulary) == (word in reference)
    words, counts = vocabulary.sum_since()
    assert dict(zip(words, counts, strict=True)) == dict(since)


def test_a_table_grows_and_keeps_every_count() -> None:
    vocabulary = HashedVocabulary(keep_sum=True)
    reference: Counter[str] = Counter()
    for start in range(0, 30_000, 7_000):  # past several doublings of the first 4,096 slots
        counts = {f"w{i}": i % 5 + 1 for i in range(start // 2, start + 7_000)}
        _add(vocabulary, counts)
        reference.update(counts)
    assert dict(vocabulary) == dict(reference)
    vocabulary.restart_sum()
    assert vocabulary.sum_since() == ([], [])


def test_a_hit_is_confirmed_by_its_string() -> None:
    # A joined string whose hash is a word's (a collision) is not taken for that word.
    vocabulary = HashedVocabulary({"apart": 3})
    slots = vocabulary.find(poly_hashes(["apart"])[0])
    assert vocabulary.confirmed(slots, ["apart"]).tolist() == [3]
    assert vocabulary.confirmed(slots, ["other"]).tolist() == [0]
    assert vocabulary.confirmed(np.array([-1]), ["apart"]).tolist() == [0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_texts, max_size=6),
    st.lists(st.lists(_pieces, max_size=20), max_size=3),
    st.dictionaries(
        st.sampled_from(["apart", "into", "aggression", "联合国", "part", "a"]), st.integers(1, 40)
    ),
)
def test_the_hashed_repair_makes_the_joins_a_dict_makes(
    texts: list[str], extras: list[list[str]], base: dict[str, int]
) -> None:
    """Texts with split words, repaired with a dict of the counts (the reference path) and
    with the hash table of the same counts, built from a base and chunks as a worker's."""
    raws = [raw_tokens(t) for t in texts]
    reference = Counter(base)
    vocabulary = HashedVocabulary(base)
    chunks = [count_vocabulary(raws)] + [count_vocabulary([raw_tokens("".join(e))]) for e in extras]
    for counts in chunks:
        reference.update(counts)
        _add(vocabulary, dict(counts))
    assert repair_splits_many(texts, raws, vocabulary) == repair_splits_many(texts, raws, reference)
    for text, raw in zip(texts, raws, strict=True):
        assert repair_splits_many([text], [raw], vocabulary) == repair_splits_many([text], [raw], reference)


def test_the_sites_are_exact_and_carry_the_counts_asked() -> None:
    texts = [["a", "part", "of", "it"], ["in", "to", "the"], ["in"], ["to", "x"]]
    vocabulary = HashedVocabulary({"apart": 2, "a": 5, "part": 7, "into": 9, "in": 4, "to": 3, "tox": 1})
    sites, known = join_sites.hashed_sites(texts, vocabulary)
    assert sites == [[0], [0], [], [0]]  # "in" + "to" across two texts is no site
    assert known == {"apart": 2, "a": 5, "part": 7, "into": 9, "in": 4, "to": 3, "tox": 1}


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(_words, st.integers(1, 9), max_size=20),
    st.lists(st.lists(st.dictionaries(_words, st.integers(1, 9), max_size=20), max_size=3), max_size=5),
    st.integers(0, 40),
    st.lists(st.integers(0, 4), max_size=3),
)
def test_a_worker_folds_what_a_counter_of_the_parts_gives(
    base: dict[str, int], batches: list[list[dict[str, int]]], bound: int, folds_after: list[int]
) -> None:
    original = workers.VOCABULARY_FOLD_WORDS
    workers.VOCABULARY_FOLD_WORDS = bound
    try:
        words = workers._WorkerWords(Counter(base), True)
        held: Counter[str] = Counter()
        held_words = 0
        for b, batch in enumerate(batches):
            words.add([WordCounts.of(p) for p in batch])
            for p in batch:
                held.update(p)
            held_words += sum(len(p) for p in batch)
            if held_words > bound:
                held, held_words = Counter(), 0
            if b in folds_after:
                expected = json.dumps(dict(sorted(held.items())), ensure_ascii=False)
                assert words.fold().total == expected
                held, held_words = Counter(), 0
    finally:
        workers.VOCABULARY_FOLD_WORDS = original


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(_words, st.integers(1, 9), max_size=30),
    st.lists(st.tuples(st.dictionaries(_words, st.integers(1, 9), max_size=30), st.booleans()), max_size=6),
)
def test_parts_hashed_by_the_counting_worker_add_what_parts_without_hashes_add(
    base: dict[str, int], parts: list[tuple[dict[str, int], bool]]
) -> None:
    plain, hashed = workers._WorkerWords(Counter(base), True), workers._WorkerWords(Counter(base), True)
    for counts, with_hashes in parts:
        part = WordCounts.of(counts)
        sent = pickle.loads(pickle.dumps(workers.hashed_counts(part) if with_hashes else part))
        assert sent == part
        plain.add([part])
        hashed.add([sent])
    assert dict(hashed.reading) == dict(plain.reading)
    assert hashed.reading.words == plain.reading.words
    assert hashed.fold() == plain.fold()


def test_a_few_new_words_of_a_hashed_part_are_sliced_from_its_column() -> None:
    base = {f"w{i}": 1 for i in range(40)}
    words = workers._WorkerWords(Counter(base), False)
    part = workers.hashed_counts(WordCounts.of({**dict.fromkeys(base, 2), "Ёлка": 3, "𝐀bc": 1}))
    assert part.hashes is not None and len(part.hashes) == 8 * len(part)
    words.add([part])
    assert sorted(words.reading.words[-2:]) == sorted(["Ёлка", "𝐀bc"])
    assert dict(words.reading) == {**dict.fromkeys(base, 3), "Ёлка": 3, "𝐀bc": 1}


def test_hashes_are_neither_stored_nor_compared() -> None:
    part = WordCounts.of({"a": 1, "b": 2})
    hashed = workers.hashed_counts(part)
    assert hashed == part and (hashed.words, hashed.counts) == (part.words, part.counts)
    assert (
        np.frombuffer(hashed.hashes or b"", dtype=np.uint64).tolist() == poly_hashes(["a", "b"])[0].tolist()
    )
    assert workers.hashed_counts(WordCounts.of({})).hashes is None


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.integers(-(2**63), 2**63 - 1), max_size=20))
def test_a_fold_s_json_is_json_dumps(counts: dict[str, int]) -> None:
    keys = sorted(counts)
    expected = json.dumps(dict(zip(keys, map(counts.__getitem__, keys), strict=True)), ensure_ascii=False)
    assert workers.json_object(keys, map(counts.__getitem__, keys)) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(st.sampled_from('ab%"\\\x00\x1f\u00e9\u0436\u4e2d\U0001d400 '), max_size=5),
        st.integers(-(2**63), 2**63 - 1),
        max_size=20,
    )
)
def test_a_fold_s_json_is_json_dumps_whether_keys_need_escaping_or_not(counts: dict[str, int]) -> None:
    keys = sorted(counts)
    expected = json.dumps(dict(zip(keys, map(counts.__getitem__, keys), strict=True)), ensure_ascii=False)
    assert workers.json_object(keys, map(counts.__getitem__, keys)) == expected
    plain = {k.replace("%", "").replace('"', "").replace("\\", "").replace("\x00", "").replace("\x1f", ""): v
             for k, v in counts.items()}  # fmt: skip
    keys = sorted(plain)
    expected = json.dumps(dict(zip(keys, map(plain.__getitem__, keys), strict=True)), ensure_ascii=False)
    assert workers.json_object(keys, map(plain.__getitem__, keys)) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.dictionaries(st.text(max_size=8), st.integers(-(2**63), 2**63 - 1), max_size=20),
        st.dictionaries(
            st.text(st.sampled_from("ab#\u00e9\u00ff\u0100\u0436\uffff\U0001d400\U0010ffff"), max_size=5),
            st.integers(0, 10**6),
            max_size=30,
        ),
    )
)
def test_a_fold_s_sorted_json_is_json_dumps_of_the_sorted_dict(counts: dict[str, int]) -> None:
    expected = json.dumps(dict(sorted(counts.items())), ensure_ascii=False)
    assert workers.sorted_json_object(list(counts), list(counts.values())) == expected


def test_a_fold_s_sorted_json_takes_words_that_cannot_be_utf8() -> None:
    counts = {"b\ud800": 1, "a": 2, "\udfff": 3, "ab": 4, "a\u00e9": 5, "\u0436": 6}
    expected = json.dumps(dict(sorted(counts.items())), ensure_ascii=False)
    assert workers.sorted_json_object(list(counts), list(counts.values())) == expected
    assert workers.sorted_json_object([], []) == "{}"


def test_a_nul_is_not_nothing() -> None:
    words = ["", "\x00", "\x00a", "a", "a\x00", "\x00\x00"]
    assert len(set(poly_hashes(words)[0].tolist())) == len(words)
    assert joined_hashes(SEP.join(words), SEP)[0].tolist() == poly_hashes(words)[0].tolist()
