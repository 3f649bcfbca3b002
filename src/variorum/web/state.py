"""The index behind the web app: many readers, one writer.

SQLite in WAL mode lets readers go on while one connection writes. Each request borrows a
reader connection from a small pool (a page cache stays warm between requests, and a burst of
requests cannot open a connection each) and reads inside one transaction, so that every page
sees one consistent state of the index even while an upload commits. Writes (uploads) go through
a single connection behind one lock: two uploads run one after the other.

The path is fixed when the app is made; nothing in a request ever names a file.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from variorum import pipeline
from variorum.config import Settings
from variorum.model import Document
from variorum.store.index import Index

_WARM_UP = "A short text, looked up once when the server starts, so that nothing is loaded later."

#: Reader connections kept open at most. Requests beyond this wait for one to be returned. SQLite
#: in WAL mode lets every one of them read at once; 8 is more than the threads that can make
#: progress at once under the GIL, and with :data:`READER_CACHE_KIB` bounds their page caches.
READERS = 8
#: Views kept in memory (the corpus view, and the family and document pages asked for last). A
#: family page collates its versions, which takes a few hundred milliseconds: a page asked for again
#: before the index changes is served from here.
VIEWS = 128
#: Page cache of each reader connection, in KiB (the writer keeps :meth:`Index.open`'s 128 MiB).
READER_CACHE_KIB = 16384


class IndexState:
    """Where the index is, the settings it is read with, and the connections to it."""

    def __init__(self, db_path: str | Path, settings: Settings, readers: int = READERS) -> None:
        self.db_path = Path(db_path)
        self.settings = settings
        self._write_lock = threading.Lock()
        self._writer: Index | None = None
        self._idle: queue.LifoQueue[Index] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(readers)
        self._all: list[Index] = []
        self._all_lock = threading.Lock()
        # Views (the corpus, the last pages asked for) kept until the index changes:
        # name -> (change key, view), least recently used first.
        self._views: OrderedDict[str, tuple[Any, Any]] = OrderedDict()
        self._view_lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}

    def health(self) -> int:
        """How many documents the index holds, read on a connection of its own.

        Not from the pool: a liveness check must answer while every pooled reader is busy with
        a large page, and opening SQLite read-only costs well under a millisecond.
        """
        conn = sqlite3.connect(f"file:{quote(str(self.db_path.resolve()))}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            conn.close()

    def view(self, index: Index, name: str, compute: Callable[[], Any]) -> Any:
        """The view ``name`` of the current index, computed once per change of the index.

        Fifty clients asking for the corpus page at once make one computation; the others wait
        for it and share it (views are read, never changed, by the pages that show them).
        """
        key = index.change_key()
        with self._view_lock:
            cached = self._views.get(name)
            if cached is not None and cached[0] == key:
                self._views.move_to_end(name)
                return cached[1]
            lock = self._computing.setdefault(name, threading.Lock())
        with lock:  # one computation per view; the others wait for it
            with self._view_lock:
                cached = self._views.get(name)
                if cached is not None and cached[0] == key:
                    return cached[1]
            value = compute()
            with self._view_lock:
                self._views[name] = (key, value)
                self._views.move_to_end(name)
                while len(self._views) > VIEWS:
                    old, _ = self._views.popitem(last=False)
                    self._computing.pop(old, None)
            return value

    def prepare(self) -> None:
        """Create or migrate the index before any request, so that a bad path or a foreign file
        fails here and not on a request, and readers never find it missing."""
        with self.write():
            pass

    def warm_up(self) -> None:
        """Query a few words once, so the first real query does not pay for loading the
        language model and opening a connection (about half a second)."""
        with self.read() as index:
            pipeline.query(index, Document(id="warm-up", text=_WARM_UP), self.settings)

    @contextlib.contextmanager
    def read(self) -> Iterator[Index]:
        """A reader connection inside one read transaction (a snapshot), returned to the pool after."""
        self._slots.acquire()
        try:
            index = self._borrow()
            try:
                with self._snapshot(index):
                    yield index
            finally:
                self._idle.put(index)
        finally:
            self._slots.release()

    def _borrow(self) -> Index:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            index = Index.open(self.db_path, create=False)
            index.conn.execute(f"PRAGMA cache_size=-{READER_CACHE_KIB}")
            with self._all_lock:
                self._all.append(index)
            return index

    @contextlib.contextmanager
    def _snapshot(self, index: Index) -> Iterator[None]:
        """Yield ``index`` in a read transaction (one state of the index) whose families are current.

        Readers never write: stale families (an upload between committing its documents and
        storing its families, an interrupted ``variorum add``) are computed in memory for this
        connection (:func:`variorum.pipeline.ensure_fresh`), once per change of the index.
        """
        conn = index.conn
        conn.execute("BEGIN")
        try:
            pipeline.ensure_fresh(index, self.settings)
            yield
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def write(self) -> Iterator[Index]:
        """The one writer connection, held exclusively for the duration of the block."""
        with self._write_lock:
            yield self._writer_index()

    def _writer_index(self) -> Index:
        if self._writer is None:
            self._writer = Index.open(self.db_path, create=True, settings=self.settings)
            self._writer.settings_check(self.settings)
        return self._writer

    def close(self) -> None:
        """Close every connection; called at shutdown, when no request is in flight."""
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        with self._all_lock:
            for index in self._all:
                index.close()
            self._all.clear()
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
