"""Adding with worker processes gives exactly what adding in one process gives."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from reuse_synth import make_records

from variorum import pipeline, workers
from variorum.config import Settings
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
    )


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    with Index.open(tmp_path_factory.mktemp("serial") / "v.db") as index:
        report = pipeline.add(index, _documents(), replace(PIPELINED, workers=1))
        return report.as_dict(), _state(index)


def test_workers_give_what_one_process_gives(tmp_path: Path, serial: tuple) -> None:
    with Index.open(tmp_path / "v.db") as index:
        report = pipeline.add(index, _documents(), PIPELINED)
        assert {**report.as_dict(), "seconds": 0} == {**serial[0], "seconds": 0}
        assert report.pairs > 20 and report.duplicates == 1
        assert _state(index) == serial[1]


def test_workers_forked_again_for_a_large_vocabulary_give_the_same(
    tmp_path: Path, serial: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every batch brings more new words than this, so the pool is started again each time.
    monkeypatch.setattr(workers, "REFORK_WORDS", 10)
    pools: list[object] = []

    def counted(*args: object, **kwargs: object) -> ProcessPoolExecutor:
        pools.append(args)
        return ProcessPoolExecutor(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "ProcessPoolExecutor", counted)
    with Index.open(tmp_path / "v.db") as index:
        pipeline.add(index, _documents(), PIPELINED)
        assert _state(index) == serial[1]
    assert len(pools) >= 3
