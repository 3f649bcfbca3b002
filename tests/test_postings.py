"""The fingerprint postings: sorted runs, their merging, and lookups against a plain reference."""

from __future__ import annotations

import itertools
import sqlite3
from collections import Counter
from pathlib import Path
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.config import Settings
from variorum.detect import postings
from variorum.detect.postings import FANOUT, Run, make_run, settle, shared_counts
from variorum.model import Document
from variorum.prepare import Prepared, prepare
from variorum.store.index import Index
from variorum.store.schema import SCHEMA_VERSION

# Small hash and num alphabets, so that documents share fingerprints often; and a few hashes from
# the whole range, so that the runs' filters see every bucket.
_SOME_HASHES = st.integers(-6, 6) | st.sampled_from([-(2**63), 2**63 - 1, -(2**62), 2**62, 1 << 40])
documents = st.dictionaries(
    st.integers(1, 40), st.lists(_SOME_HASHES, min_size=0, max_size=12), min_size=0, max_size=12
)


def reference(
    batches: list[dict[int, list[int]]], probe: dict[int, list[int]], max_df: int
) -> dict[int, dict[int, int]]:
    """Shared distinct fingerprints per pair, with sets and loops only."""
    holders: dict[int, set[int]] = {}
    for batch in batches:
        for num, fps in batch.items():
            for h in fps:
                holders.setdefault(h, set()).add(num)
    out: dict[int, dict[int, int]] = {}
    for num, fps in probe.items():
        c: Counter[int] = Counter()
        for h in set(fps):
            docs = holders.get(h, set())
            if len(docs) <= max_df:
                c.update(d for d in docs if d != num)
        out[num] = dict(c)
    return out


def runs_of(batches: list[dict[int, list[int]]]) -> list[Run]:
    runs: list[Run] = []
    for batch in batches:
        runs, _ = settle([*runs, make_run((n, np.asarray(h, dtype=np.int64)) for n, h in batch.items())])
    return runs


@settings(max_examples=150, deadline=None)
@given(st.lists(documents, max_size=7), documents, st.integers(1, 5), st.booleans())
def test_shared_counts_match_the_reference(batches: list, probe: dict, max_df: int, filtered: bool) -> None:
    # Document nums are unique across batches, as in an index.
    batches = [{num + 100 * i: fps for num, fps in b.items()} for i, b in enumerate(batches)]
    runs = runs_of(batches)
    want = reference(batches, probe, max_df)
    # ``filtered``: every run gets its occupancy filter at the first probe.
    with mock.patch.object(postings, "FILTER_PAYBACK", 10**12 if filtered else postings.FILTER_PAYBACK):
        got = shared_counts(runs, {n: np.asarray(h, dtype=np.int64) for n, h in probe.items()}, max_df)
        assert got == want
        # Asked again (the filters are made now, where they were worth it): the same answer.
        again = shared_counts(runs, {n: np.asarray(h, dtype=np.int64) for n, h in probe.items()}, max_df)
    assert again == want


@settings(max_examples=150, deadline=None)
@given(st.lists(documents, max_size=6), documents, st.integers(1, 5))
def test_a_batch_probing_its_own_run_matches_the_reference(batches: list, probe: dict, max_df: int) -> None:
    # A batch looks its candidates up right after its postings are written as the last run,
    # which it passes as ``made``: found there without a search, as the searches would find it.
    batches = [{num + 100 * i: fps for num, fps in b.items()} for i, b in enumerate(batches)]
    probe = {num + 1000: fps for num, fps in probe.items()}
    fps = {n: np.asarray(h, dtype=np.int64) for n, h in probe.items()}
    made = make_run(fps.items())
    want = reference([*batches, probe], probe, max_df)
    assert shared_counts([*runs_of(batches), made], fps, max_df, made) == want
    assert shared_counts(runs_of([*batches, probe]), fps, max_df, made) == want  # merged away


def test_the_probing_batch_itself_is_found_but_never_paired_with_itself() -> None:
    batch = {1: [10, 11, 12], 2: [11, 12, 13], 3: [99]}
    runs = runs_of([batch])
    got = shared_counts(runs, {n: np.asarray(h) for n, h in batch.items()}, max_df=10)
    assert got == {1: {2: 2}, 2: {1: 2}, 3: {}}


def test_a_query_outside_the_index_uses_a_negative_num() -> None:
    runs = runs_of([{1: [5, 6]}, {2: [6, 7]}])
    assert shared_counts(runs, {-1: np.asarray([6, 7, 8])}, max_df=10) == {-1: {1: 1, 2: 2}}


def test_stock_phrases_above_max_df_are_ignored() -> None:
    runs = runs_of([{n: [1, n + 1000] for n in range(1, 6)}])
    got = shared_counts(runs, {-1: np.asarray([1, 1001])}, max_df=4)
    assert got == {-1: {1: 1}}


def test_runs_merge_by_level_and_stay_few() -> None:
    runs: list[Run] = []
    for i in range(FANOUT**3):
        runs, _gone = settle([*runs, make_run([(i + 1, np.asarray([i % 7, i]))])])
        assert all(a.level >= b.level for a, b in itertools.pairwise(runs))
        assert len(runs) <= 3 * (FANOUT - 1) + 1
    assert [r.level for r in runs] == [3]
    merged = runs[0]
    assert np.all(np.diff(merged.hashes) >= 0)
    assert len(merged) == 2 * FANOUT**3 - 7  # (i % 7, i) coincide for i < 7


def test_runs_stop_growing_at_max_run(monkeypatch) -> None:
    monkeypatch.setattr(postings, "MAX_RUN", 3)
    runs: list[Run] = []
    for i in range(FANOUT):
        runs, gone = settle([*runs, make_run([(i + 1, np.asarray([i]))])])
    assert [len(r) for r in runs] == [1] * FANOUT and not gone


def _prepared(doc_id: str, text: str) -> Prepared:
    return prepare(Document(id=doc_id, text=text), {}, Settings())


def _v1_index(path: Path) -> None:
    """A version-1 index with a postings table, made with SQL as version 1 wrote it."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('fingerprint_version', '1');"
        "CREATE TABLE postings (hash INTEGER NOT NULL, num INTEGER NOT NULL, pos INTEGER NOT NULL,"
        " PRIMARY KEY (hash, num, pos)) WITHOUT ROWID;"
        "INSERT INTO postings VALUES (7, 1, 0), (7, 1, 9), (8, 1, 3), (7, 2, 4), (9, 2, 5);"
        "PRAGMA user_version=1;"
    )
    conn.close()


def test_a_version_1_index_keeps_its_postings(tmp_path: Path) -> None:
    _v1_index(tmp_path / "old.db")
    with Index.open(tmp_path / "old.db") as index:
        assert index.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert index.postings() == [(7, 1), (7, 2), (8, 1), (9, 2)]
        assert index.count("postings") == 4
        assert index.candidates({-1: np.asarray([7, 9])}, max_df=10) == {-1: Counter({2: 2, 1: 1})}
        tables = {r[0] for r in index.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "postings" not in tables


def test_a_rolled_back_batch_leaves_no_postings(tmp_path: Path) -> None:
    with Index.open(tmp_path / "v.db") as index:
        with index.transaction():
            index.insert(_prepared("a", "one two three four five six seven eight nine ten"), "ha")
        before = index.postings()
        try:
            with index.transaction():
                index.insert(_prepared("b", "eleven twelve thirteen fourteen fifteen sixteen"), "hb")
                index.candidates({-1: np.asarray([1])}, max_df=10)  # the batch is flushed as a run
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            pass
        assert index.postings() == before
        assert index.count("postings") == len(before)


def test_another_connection_sees_new_runs(tmp_path: Path) -> None:
    with Index.open(tmp_path / "v.db") as writer, Index.open(tmp_path / "v.db") as reader:
        assert reader.postings() == []
        with writer.transaction():
            p = _prepared("a", "one two three four five six seven eight nine ten")
            writer.insert(p, "ha")
        assert reader.postings() == writer.postings() != []
        found = reader.candidates({-1: p.fp_hashes}, max_df=10)[-1]
        assert found == Counter({1: len(set(p.fp_hashes.tolist()))})


def test_connections_in_one_process_share_the_loaded_runs(tmp_path: Path) -> None:
    with Index.open(tmp_path / "v.db") as writer:
        with writer.transaction():
            writer.insert(_prepared("a", "one two three four five six seven eight nine ten"), "ha")
        with Index.open(tmp_path / "v.db") as reader, Index.open(tmp_path / "v.db") as other:
            reader.postings(), other.postings()
            assert reader._runs[0][1] is other._runs[0][1] is writer._runs[0][1]


def test_a_new_index_at_a_reused_path_does_not_see_old_runs(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    with Index.open(db) as first:
        with first.transaction():
            first.insert(_prepared("a", "one two three four five six seven eight nine ten"), "ha")
        old = first.postings()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with Index.open(db) as second:
        with second.transaction():
            second.insert(_prepared("b", "eleven twelve thirteen fourteen fifteen sixteen seventeen"), "hb")
        assert second.postings() != old
        with Index.open(db) as reader:
            assert reader.postings() == second.postings()


_HASHES = st.lists(st.integers(-3, 3) | st.integers(-(2**63), 2**63 - 1), max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 6), _HASHES), max_size=8), st.booleans())
def test_postings_are_ordered_as_lexsort_orders_them(batch: list, grow: bool) -> None:
    """The order of hashes then nums then positions, with nums growing (a batch) or not."""
    if grow:
        batch = sorted(batch, key=lambda p: p[0])
    h = np.asarray([x for _, hs in batch for x in hs], dtype=np.int64)
    n = np.asarray([num for num, hs in batch for _ in hs], dtype=np.int32)
    assert postings.postings_order(h, n).tolist() == np.lexsort((n, h)).tolist()


_WIDE = st.integers(-50, 50) | st.integers(-(2**63), 2**63 - 1)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_WIDE, max_size=80).map(sorted),
    st.lists(_WIDE, max_size=40).map(lambda v: sorted(set(v))),
    st.booleans(),
)
def test_the_probes_found_are_those_both_searches_find(
    hashes: list[int], probe: list[int], filtered: bool
) -> None:
    # The ends are searched for only for the probes found (and with a filter, only for those
    # that pass it); the others get an empty range.
    h, p = np.asarray(hashes, dtype=np.int64), np.asarray(probe, dtype=np.int64)
    run = Run(0, h, np.zeros(len(h), dtype=np.int32))
    if filtered:
        run.occupancy.probes = len(h)  # as if probed enough: the filter is made at once
    at, lo, hi = postings._found(run, p, postings._Probes(p))
    left, right = np.searchsorted(h, p, side="left"), np.searchsorted(h, p, side="right")
    found = np.flatnonzero(left != right)
    assert at.tolist() == found.tolist()
    assert lo.tolist() == left[found].tolist()
    assert hi.tolist() == right[found].tolist()
    if filtered and len(h):
        assert run.occupancy.shift is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(_WIDE, min_size=1, max_size=300).map(sorted), st.lists(_WIDE, max_size=300))
def test_a_filter_passes_every_hash_of_its_run(hashes: list[int], others: list[int]) -> None:
    h = np.asarray(hashes, dtype=np.int64)
    occupancy = postings._Filter()
    occupancy.probes = len(h)
    probe = np.unique(np.asarray(hashes + others, dtype=np.int64))
    passing = occupancy.passing(h, postings._Probes(probe))
    assert passing is not None
    assert set(h.tolist()) <= set(probe[passing].tolist())


def test_a_filter_lets_few_absent_hashes_through_and_waits_to_pay_for_itself() -> None:
    rng = np.random.default_rng(3)
    h = np.sort(rng.integers(-(2**63), 2**63 - 1, 100_000, dtype=np.int64))
    occupancy = postings._Filter()
    probe = np.sort(rng.integers(-(2**63), 2**63 - 1, 1_000, dtype=np.int64))
    # A query's few probes do not pay for a filter of a large run...
    assert occupancy.passing(h, postings._Probes(probe)) is None
    # ...a batch's many do.
    many = np.sort(rng.integers(-(2**63), 2**63 - 1, 20_000, dtype=np.int64))
    passing = occupancy.passing(h, postings._Probes(many))
    assert passing is not None and len(passing) < 0.07 * len(many)
