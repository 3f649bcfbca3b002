"""Adding with worker processes gives exactly what adding in one process gives."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from reuse_synth import make_records

from variorum import pipeline, workers
from variorum.config import Settings
from variorum.errors import WorkerError
from variorum.model import Document
from variorum.store.index import Index

# Batches of 100 documents: above the size that starts workers, and several of them, so that
# batches are preprocessed, prepared and aligned at the same time.
PIPELINED = Settings(batch_size=100, workers=2)


def _documents() -> list[Document]:
    return [
        Document(id=r["id"], text=r["text"], date=r.get("date")) for r in make_records(seed=5, n_docs=330)
    ]


def _state(index: Index) -> tuple:
    return (
        pipeline.passages(index, PIPELINED),
        pipeline.families(index, PIPELINED, include_single=True),
        index.postings(),
        index.vocabulary(),
        [index.load_prepared(n, PIPELINED).tokens for n in range(1, index.count("documents") + 1)],
        # The pairs' coverages and evidence, and the relations derived from them: the workers
        # align the candidate pairs, the main process stores them.
        [tuple(r) for r in index.conn.execute("SELECT * FROM pairs ORDER BY a, b")],
        [tuple(r) for r in index.conn.execute("SELECT * FROM passages ORDER BY id")],
        [tuple(r) for r in index.conn.execute("SELECT * FROM relations ORDER BY a, b")],
    )


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    with Index.open(tmp_path_factory.mktemp("serial") / "v.db") as index:
        report = pipeline.add(index, _documents(), replace(PIPELINED, workers=1))
        return report.as_dict(), _state(index)


@pytest.mark.parametrize("align_in_workers", [True, False], ids=["workers-align", "main-aligns"])
def test_workers_give_what_one_process_gives(
    tmp_path: Path, serial: tuple, align_in_workers: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pairs of these batches are aligned wherever the test says, whatever their number.
    monkeypatch.setattr(pipeline, "ALIGN_IN_WORKERS_PER_DOCUMENT", 0 if align_in_workers else float("inf"))
    with Index.open(tmp_path / "v.db") as index:
        report = pipeline.add(index, _documents(), PIPELINED)
        assert {**report.as_dict(), "seconds": 0} == {**serial[0], "seconds": 0}
        assert report.pairs > 20 and report.duplicates == 1
        assert _state(index) == serial[1]


def test_the_workers_align_a_few_pairs_when_they_are_ahead(
    tmp_path: Path, serial: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers that had each batch ready before it was asked for get its pairs however few.
    monkeypatch.setattr(pipeline, "ALIGN_IN_WORKERS_PER_DOCUMENT", 1e9)
    monkeypatch.setattr(pipeline, "ALIGN_IN_WORKERS_AHEAD", 1e-12)
    monkeypatch.setattr(pipeline._InFlight, "done", lambda self, workers: True)
    sent: list[int] = []
    in_workers = pipeline._AddState._align_in_workers

    def counted(self, workers, pairs, local, packs) -> None:
        sent.append(len(pairs))
        in_workers(self, workers, pairs, local, packs)

    monkeypatch.setattr(pipeline._AddState, "_align_in_workers", counted)
    with Index.open(tmp_path / "v.db") as index:
        report = pipeline.add(index, _documents(), PIPELINED)
        assert {**report.as_dict(), "seconds": 0} == {**serial[0], "seconds": 0}
        assert _state(index) == serial[1]
    assert sum(sent) > 20


def test_a_failing_worker_stops_the_add_with_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(texts: list[str]) -> None:
        raise ValueError("cannot segment this")

    monkeypatch.setattr(workers, "preprocess_many", broken)  # the workers are forked with it
    with Index.open(tmp_path / "v.db") as index:
        with pytest.raises(WorkerError, match="cannot segment this"):
            pipeline.add(index, _documents(), PIPELINED)
        assert index.count("documents") == 0


def test_a_dead_worker_stops_the_add_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(texts: list[str]) -> None:
        os._exit(9)  # as the out-of-memory killer would

    monkeypatch.setattr(workers, "preprocess_many", killed)
    monkeypatch.setattr(workers, "_POLL", 0.1)
    with Index.open(tmp_path / "v.db") as index, pytest.raises(WorkerError, match="died"):
        pipeline.add(index, _documents(), PIPELINED)


def test_a_prepared_chunk_gives_back_each_document_as_prepared() -> None:
    # Empty documents, one word (no n-gram) and other scripts among ordinary ones, through pickle
    # as the queue sends them.
    import pickle
    from collections import Counter

    import numpy as np

    from variorum.prepare import prepare
    from variorum.store.codec import pack
    from variorum.text.segment import segment

    texts = ["", "one", *(d.text for d in _documents()[:6]), "Кириллица и ελληνικά, العربية.", ""]
    docs = [Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]
    preps = [prepare(d, Counter(), PIPELINED) for d in docs]
    # Segments with sentences travel as they are; the others are made again from packed rows.
    preps[3] = replace(preps[3], segments=tuple(segment(docs[3].text, sentences=True)))
    assert any(s.sentences for s in preps[3].segments)
    chunk = pickle.loads(pickle.dumps(workers.PreparedChunk.of(preps)))
    got = chunk.prepared(docs)
    assert len(got) == len(preps)
    for p, (q, packed) in zip(preps, got, strict=True):
        assert packed == pack(p.tokens, p.segments)
        assert workers.with_tokens(q, packed) == replace(
            p, hashes=q.hashes, grams=q.grams, fp_hashes=q.fp_hashes, fp_positions=q.fp_positions, body=q.body
        )
        for name in ("hashes", "grams", "fp_hashes", "fp_positions", "body"):
            a, b = getattr(p, name), getattr(q, name)
            assert a.dtype == b.dtype and np.array_equal(a, b), name


def test_workers_read_the_anchors_once_documents_are_in_two_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Manual pages in up to nine languages among English documents: the workers read each new
    # document's anchors, and the translation pass at the end reads none again; what is kept
    # and related is what one process gives.
    from crosslang.build import _document, skip_unless_installed, truth

    from variorum.crosslang import relate

    skip_unless_installed()
    pages = [
        Document(id=d.id, text=d.text)
        for group in truth()["groups"]
        if group["page"] in ("cat.1", "head.1", "mkdir.1")
        for d in (_document(language, group["page"]) for language in group["languages"])
    ]
    english = _documents()
    docs = english[:150] + pages + english[150:]

    def state(index: Index) -> tuple:
        kept = index.conn.execute("SELECT * FROM anchor_profiles ORDER BY num").fetchall()
        return _state(index), kept, index.meta("anchor_cache")

    with Index.open(tmp_path / "serial.db") as index:
        pipeline.add(index, docs, replace(PIPELINED, workers=1))
        expected = state(index)
    read: list[int] = []
    profiles_of = relate.profiles_of

    def counted(rows, *args, **kwargs):  # type: ignore[no-untyped-def]
        rows = list(rows)
        read.extend(r[0] for r in rows)
        return profiles_of(rows, *args, **kwargs)

    monkeypatch.setattr(relate, "profiles_of", counted)
    with Index.open(tmp_path / "v.db") as index:
        pipeline.add(index, docs, PIPELINED)
        assert state(index) == expected
        assert len(expected[1]) == len(docs) - 1  # one duplicate
    # The first batch, in one language, is read at the end; the batches after it in the workers.
    assert read == list(range(1, 101))


def test_a_chunk_with_profiles_packs_each_documents_profile_as_the_translation_pass() -> None:
    """Profiles packed with the chunk are each document's own, their paragraph spans the bytes
    that numpy's reading of the pairs gave."""
    import pickle
    from collections import Counter

    import numpy as np

    from variorum.config import CrossLangSettings
    from variorum.crosslang import stored
    from variorum.crosslang.detect import profile
    from variorum.prepare import prepare
    from variorum.store.codec import pack

    texts = [
        "",
        "one",
        *(d.text for d in _documents()[:6]),
        "Кириллица 1999 и ελληνικά, العربية.\n\n2024-01-02",
    ]
    docs = [Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]
    preps = [prepare(d, Counter(), PIPELINED) for d in docs]
    chunk = pickle.loads(pickle.dumps(workers.PreparedChunk.of(preps, profiles=True)))
    for p, (_, packed) in zip(preps, chunk.prepared(docs), strict=True):
        made = profile(
            p.doc.id,
            p.doc.text,
            p.languages[0] if p.languages else None,
            [(s.start, s.end) for s in p.segments],
            min_hard_keys=CrossLangSettings.min_shared_keys,
            keep_text=False,
        )
        assert packed.profile == stored.pack_profile(made) == workers.anchor_profile(p)
        assert packed.profile.paragraphs == np.asarray(made.paragraphs, dtype="<u4").reshape(-1).tobytes()
        assert replace(packed, profile=None) == pack(p.tokens, p.segments)


def test_the_collector_runs_rarely_while_workers_run_and_as_before_after() -> None:
    import gc
    from collections import Counter

    before = gc.get_threshold()
    pool = workers.Workers(1, Counter(), PIPELINED)
    try:
        assert gc.get_threshold() == (workers.WORKER_GC_THRESHOLD, *before[1:])
    finally:
        pool.close()
    assert gc.get_threshold() == before


def test_segments_made_again_from_packed_rows_are_the_segments() -> None:
    import copy
    import pickle
    from collections import Counter

    from variorum.prepare import prepare
    from variorum.store.codec import pack_segments

    doc = Document(id="d", text=_documents()[0].text + "\n\nКириллица и ελληνικά, العربية.")
    segments = prepare(doc, Counter(), PIPELINED).segments
    assert len(segments) > 1
    rows = workers.SegmentRows(pack_segments(segments))
    assert len(rows) == len(segments) and rows.made is None  # nothing made until read
    assert rows == segments and segments == rows and rows == workers.SegmentRows(pack_segments(segments))
    assert rows != segments[:-1] and rows != list(segments)
    assert tuple(rows) == segments and rows[0] == segments[0] and rows[1:] == segments[1:]
    assert hash(rows) == hash(segments) and repr(rows) == repr(segments)
    for again in (pickle.loads(pickle.dumps(rows)), copy.deepcopy(rows), copy.copy(rows)):
        assert type(again) is tuple and again == segments
