"""Word counts kept as flat columns per batch and folded into the vocabulary: the same counts,
the same stored rows, at every point an ``add`` can stop."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reuse_synth import make_records

from variorum import pipeline
from variorum.config import Settings
from variorum.model import Document
from variorum.prepare import preprocess_many
from variorum.store import index as index_module
from variorum.store.codec import SEP
from variorum.store.index import Index
from variorum.store.schema import SCHEMA_VERSION
from variorum.store.wordcounts import WordCounts, add_counts, merged
from variorum.text.normalize import count_vocabulary

# Words as tokens come: any text but the separator, other scripts, the empty word.
words = st.text(st.characters(blacklist_characters=SEP, blacklist_categories=("Cs",)), max_size=12)
counts = st.dictionaries(words, st.integers(1, 2**40), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, max_size=5), counts)
def test_adding_packed_counts_is_counter_update(parts: list[dict[str, int]], base: dict[str, int]) -> None:
    """The same sums and the same order of words as ``Counter.update``, part after part."""
    reference, fast = Counter(base), Counter(base)
    for part in parts:
        packed = WordCounts.of(part)
        assert len(packed) == len(part)
        assert packed.as_dict() == part and list(packed.as_dict()) == list(part)
        reference.update(part)
        add_counts(fast, packed)
    assert fast == reference and list(fast.items()) == list(reference.items())
    total = Counter[str]()
    for part in parts:
        total.update(part)
    assert merged(WordCounts.of(p) for p in parts) == total


def test_a_word_holding_the_separator_is_refused() -> None:
    with pytest.raises(ValueError, match="separator"):
        WordCounts.of({f"a{SEP}b": 1})
    assert WordCounts.of({}).split() == ([], [])
    assert WordCounts.of({"": 3}).as_dict() == {"": 3}


def _table(index: Index) -> list[tuple[str, int]]:
    return index.conn.execute("SELECT token, cf FROM vocabulary ORDER BY token").fetchall()


BATCHES = [
    [{"a": 2, 'é"\\x\u0001': 3, "ᚠ": 1}, {"😀": 4, "a": 1}],
    [{"a": 5, "новое": 7}, {}],
    [{"ᚠ": 2, "z": 1}],
]


def test_batches_read_before_and_after_the_fold_as_upserted_one_by_one(tmp_path: Path) -> None:
    with Index.open(tmp_path / "ref.db") as ref, Index.open(tmp_path / "new.db") as new:
        for batch in BATCHES:
            with ref.transaction():
                for part in batch:
                    ref.add_vocabulary(part)
            with new.transaction():
                rows = new.add_word_counts([WordCounts.of(p) for p in batch])
                assert len(rows) == len(batch)
        # Not folded yet: every read adds the batches' rows to the table's.
        assert new.vocabulary() == ref.vocabulary()
        wanted = ["a", "ᚠ", "новое", "absent"]
        assert new.vocabulary_for(wanted) == ref.vocabulary_for(wanted)
        assert _table(new) == []
        with new.transaction():
            new.fold_vocabulary()
        assert _table(new) == _table(ref)
        assert new.conn.execute("SELECT count(*) FROM vocabulary_batches").fetchone()[0] == 0


def test_a_sum_worked_out_elsewhere_is_used_only_where_all_its_rows_are_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    added_up: list[int] = []
    real = index_module.merged

    def counting(parts):  # the rows the index adds up itself
        got = list(parts)
        added_up.append(len(got))
        return real(got)

    monkeypatch.setattr(index_module, "merged", counting)
    with Index.open(tmp_path / "ref.db") as ref:
        with ref.transaction():
            for batch in BATCHES:
                for part in batch:
                    ref.add_vocabulary(part)
        expected = _table(ref)
    for cover, missing in ((False, False), (True, False), (True, True)):
        added_up.clear()
        with Index.open(tmp_path / f"v{cover}{missing}.db") as index:
            with index.transaction():
                ids = [index.add_word_counts([WordCounts.of(p) for p in batch]) for batch in BATCHES]
            first = ids[0] + ids[1]
            total = json.dumps(merged(WordCounts.of(p) for p in BATCHES[0] + BATCHES[1]))
            sums = [(total, [*first, 10_000] if missing else first)] if cover else []
            with index.transaction():
                index.fold_vocabulary(sums)
            assert _table(index) == expected
            # Used, the sum leaves the last batch's row; not used, every row is added up here.
            assert added_up == [1 if cover and not missing else 5]


def test_counts_past_the_bound_are_folded_with_their_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "VOCABULARY_FOLD_WORDS", 4)
    with Index.open(tmp_path / "v.db") as index:
        with index.transaction():
            index.add_word_counts([WordCounts.of({"a": 1, "b": 2})])
        assert index.conn.execute("SELECT count(*) FROM vocabulary_batches").fetchone()[0] == 1
        with index.transaction():
            index.add_word_counts([WordCounts.of({"b": 1, "c": 1})])
        assert index.conn.execute("SELECT count(*) FROM vocabulary_batches").fetchone()[0] == 0
        assert _table(index) == [("a", 1), ("b", 3), ("c", 1)]


def test_an_index_of_schema_7_gains_the_table_and_keeps_its_vocabulary(tmp_path: Path) -> None:
    db = tmp_path / "v7.db"
    with Index.open(db) as index, index.transaction():
        index.add_vocabulary({"harbour": 3, "ferry": 1})
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE vocabulary_batches")
    conn.execute("PRAGMA user_version=7")
    conn.commit()
    conn.close()
    with Index.open(db) as index:
        assert index.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 8
        assert index.vocabulary() == Counter({"harbour": 3, "ferry": 1})
        with index.transaction():
            index.add_word_counts([WordCounts.of({"ferry": 2})])
        assert index.vocabulary_for(["ferry"]) == {"ferry": 3}


# -- through add ------------------------------------------------------------------------------

PIPELINED = Settings(batch_size=100, workers=2)


def _documents() -> list[Document]:
    return [Document(id=r["id"], text=r["text"]) for r in make_records(seed=7, n_docs=260)]


def _expected_vocabulary(index: Index) -> Counter[str]:
    """What upserting every batch's counts left: the counts of the words of every stored text."""
    texts = [r[0] for r in index.conn.execute("SELECT text FROM documents ORDER BY num")]
    return count_vocabulary(raw for raw, _, _ in preprocess_many(texts))


@pytest.mark.parametrize("workers", [1, 2])
def test_an_add_leaves_the_vocabulary_of_its_documents_in_the_table(tmp_path: Path, workers: int) -> None:
    docs = _documents()
    with Index.open(tmp_path / "v.db") as index:
        pipeline.add(index, docs[:130], replace(PIPELINED, workers=workers))
        pipeline.add(index, docs[130:], replace(PIPELINED, workers=workers))
        assert index.conn.execute("SELECT count(*) FROM vocabulary_batches").fetchone()[0] == 0
        assert Counter(dict(_table(index))) == _expected_vocabulary(index)


def test_an_interrupted_add_leaves_the_vocabulary_of_what_it_committed(tmp_path: Path) -> None:
    docs = _documents()

    def interrupted():
        for i, d in enumerate(docs):
            if i == 200:
                raise KeyboardInterrupt  # Ctrl-C while reading the fourth batch: the first is in
            yield d

    db = tmp_path / "v.db"
    with Index.open(db) as index, pytest.raises(KeyboardInterrupt):
        pipeline.add(index, interrupted(), replace(PIPELINED, batch_size=64))
    with Index.open(db) as index:
        assert 0 < index.count("documents") < len(docs)
        assert index.conn.execute("SELECT count(*) FROM vocabulary_batches").fetchone()[0] > 0
        assert index.vocabulary() == _expected_vocabulary(index)
        # The next add folds what the interrupted one left, with its own batches.
        pipeline.add(index, docs, PIPELINED)
        assert index.conn.execute("SELECT count(*) FROM vocabulary_batches").fetchone()[0] == 0
        assert Counter(dict(_table(index))) == _expected_vocabulary(index)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(counts, max_size=4), max_size=6),
    counts,
    st.integers(0, 60),
    st.lists(st.integers(0, 5), max_size=3),
)
def test_a_worker_reads_and_folds_the_counts_it_is_sent_as_their_sum(
    batches: list[list[dict[str, int]]], base: dict[str, int], bound: int, folds_after: list[int]
) -> None:
    """What a worker prepares with is its vocabulary plus every part sent; the fold it answers
    is the sum of the parts since the last fold or drop (past the bound), in key order, as
    adding up the held parts again gave."""
    import json

    from variorum import workers

    for keep in (False, True):
        reference = Counter(base)
        held: list[WordCounts] = []
        first = 0
        words = workers._WorkerWords(Counter(base), keep)
        original = workers.VOCABULARY_FOLD_WORDS
        workers.VOCABULARY_FOLD_WORDS = bound
        try:
            for b, batch in enumerate(batches):
                parts = [WordCounts.of(p) for p in batch]
                words.add(parts)
                for p in batch:
                    reference.update(p)
                held.extend(parts)
                if sum(len(p) for p in held) > bound:
                    first, held = first + len(held), []
                reading = words.reading
                assert {w: reading[w] for w in reading} == +reference
                assert all(reading.get(w, 0) == reference[w] for w in [*reference, "absent\x00"])
                if keep and b in folds_after:
                    total = words.fold()
                    expected = json.dumps(dict(sorted(merged(held).items())), ensure_ascii=False)
                    assert (total.first, total.end, total.total) == (first, first + len(held), expected)
                    first, held = first + len(held), []
        finally:
            workers.VOCABULARY_FOLD_WORDS = original


def test_an_add_folds_the_first_workers_sums_as_their_batches_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the workers' bound low, the first worker is asked for sums during the add and the
    index folds each with the batch that completes it: this process never adds the rows up
    itself, and the counts are those of every stored text, also after a Ctrl-C."""
    from variorum import workers as workers_module

    monkeypatch.setattr(workers_module, "FOLD_AT_WORDS", 1500)
    folded: list[int] = []
    fold_sums = Index.fold_sums

    def counting(self: Index, sums):  # type: ignore[no-untyped-def]
        n = fold_sums(self, sums)
        folded.append(n)
        return n

    monkeypatch.setattr(Index, "fold_sums", counting)

    def nothing_left(parts):  # type: ignore[no-untyped-def]
        rest = merged(parts)
        assert not rest, "rows left for this process to add up"
        return rest

    monkeypatch.setattr(index_module, "merged", nothing_left)
    docs = _documents()
    with Index.open(tmp_path / "v.db") as index:
        pipeline.add(index, docs, replace(PIPELINED, batch_size=64))
        assert sum(folded) >= 2  # during the add, not only at its end
        assert index.conn.execute("SELECT count(*) FROM vocabulary_batches").fetchone()[0] == 0
        assert Counter(dict(_table(index))) == _expected_vocabulary(index)

    def interrupted():
        for i, d in enumerate(docs):
            if i == 200:
                raise KeyboardInterrupt
            yield d

    monkeypatch.undo()
    monkeypatch.setattr(workers_module, "FOLD_AT_WORDS", 1500)
    db = tmp_path / "w.db"
    with Index.open(db) as index, pytest.raises(KeyboardInterrupt):
        pipeline.add(index, interrupted(), replace(PIPELINED, batch_size=64))
    with Index.open(db) as index:
        assert index.vocabulary() == _expected_vocabulary(index)
