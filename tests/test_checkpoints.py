"""WAL checkpoints in a thread of their own (:mod:`variorum.store.checkpoints`): the log is
copied back into the file while the writer goes on, every commit stays, and the writer gets its
automatic checkpoints back when the block ends."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from variorum import pipeline
from variorum.config import Settings
from variorum.model import Document
from variorum.store.index import Index


def _texts(n: int, salt: str) -> list[Document]:
    return [
        Document(f"{salt}{k}", " ".join(f"{salt}word{(k * 31 + j) % 997} term{j % 89}" for j in range(400)))
        for k in range(n)
    ]


def test_the_thread_copies_the_log_back_while_the_writer_checkpoints_nothing(tmp_path: Path):
    settings = Settings(workers=1)
    path = tmp_path / "i.db"
    index = Index.open(path, settings=settings)
    threads = threading.active_count()
    with index.checkpoints_apart():
        assert index.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        assert threading.active_count() == threads + 1
        before = path.stat().st_size
        for n in range(3):
            pipeline.add(index, _texts(40, f"b{n}x"), settings)
        deadline = time.monotonic() + 20
        while path.stat().st_size <= before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.stat().st_size > before  # pages reached the file: the thread checkpointed
    assert index.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert threading.active_count() == threads
    assert len(index.document_ids()) == 120
    index.close()
    # Every commit is in the file as another connection reads it.
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 120


def test_an_add_with_workers_leaves_no_thread_and_the_same_index(tmp_path: Path):
    docs = _texts(150, "w")
    counts = []
    for workers in (1, 2):
        settings = Settings(workers=workers)
        index = Index.open(tmp_path / f"{workers}.db", settings=settings)
        threads = threading.active_count()
        pipeline.add(index, docs, settings)
        assert threading.active_count() == threads
        assert index.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        counts.append(
            [
                index.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "pairs", "passages")
            ]
        )
        index.close()
    assert counts[0] == counts[1]
    assert counts[0][0] == 150
