"""``interrupted: N documents kept`` says what the index holds, wherever Ctrl-C lands in a
batch's commit: before its ``COMMIT`` (rolled back, not counted), just after it (committed,
counted even though the commit had not counted it yet), or while the batch is kept for the next
ones (counted)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from reuse_synth import make_records

from variorum import pipeline
from variorum.config import Settings
from variorum.errors import Interrupted
from variorum.model import Document
from variorum.store.index import Index

SETTINGS = Settings(batch_size=50, workers=1)


def _documents() -> list[Document]:
    return [Document(id=r["id"], text=r["text"]) for r in make_records(seed=5, n_docs=160)]


def _interrupted_add(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, workers: int
) -> tuple[int, int]:
    """Add with Ctrl-C at ``where`` in the third batch's commit; (documents said kept, documents indexed)."""
    batch = [0]  # the batch being committed, from 1
    commit = pipeline._AddState.commit

    def counted(self: pipeline._AddState, *args: object, **kwargs: object) -> None:
        batch[0] += 1
        commit(self, *args, **kwargs)  # type: ignore[arg-type]

    transaction = Index.transaction

    @contextlib.contextmanager
    def cut(self: Index) -> Iterator[None]:
        with transaction(self):
            yield
            if batch[0] == 3 and where == "before COMMIT":
                raise KeyboardInterrupt
        if batch[0] == 3 and where == "after COMMIT":
            raise KeyboardInterrupt

    keep_batch = pipeline._AddState._keep_batch

    def cut_keep(self: pipeline._AddState, *args: object) -> None:
        if batch[0] == 3 and where == "keeping the batch":
            raise KeyboardInterrupt
        keep_batch(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline._AddState, "commit", counted)
    monkeypatch.setattr(Index, "transaction", cut)
    monkeypatch.setattr(pipeline._AddState, "_keep_batch", cut_keep)
    db = tmp_path / "i.db"
    with Index.open(db) as index, pytest.raises(Interrupted) as stopped:
        pipeline.add(index, _documents(), replace(SETTINGS, workers=workers))
    monkeypatch.undo()
    with Index.open(db) as index:
        return stopped.value.kept, index.count("documents")


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(
    ("where", "kept"), [("before COMMIT", 100), ("after COMMIT", 150), ("keeping the batch", 150)]
)
def test_the_count_of_an_interrupted_add_is_what_the_index_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, kept: int, workers: int
) -> None:
    said, held = _interrupted_add(tmp_path, monkeypatch, where, workers)
    assert said == held == kept


def test_an_index_unreadable_at_the_interrupt_still_ends_in_the_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the index cannot be read when the interrupt comes, the batch cut short is not
    counted (the count says less, never more) and the interrupt is still :class:`Interrupted`."""

    def unreadable(self: Index, num: int) -> bool:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Index, "committed", unreadable)
    said, held = _interrupted_add(tmp_path, monkeypatch, "after COMMIT", 1)
    assert (said, held) == (100, 150)
