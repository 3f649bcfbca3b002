"""WAL checkpoints in a thread of their own while ``add`` writes batch after batch.

In WAL mode a commit appends pages to the write-ahead log; SQLite copies them back into the
database file (a checkpoint, with an ``fsync`` of each file) in whichever connection's commit
finds the log past ``wal_autocheckpoint`` pages. During an ``add`` that is nearly every batch's
commit, in the main process, which then waits on the disk while the workers wait for it: at
20,000 documents of the four-script corpus its COMMITs took 2.7 s of wall time for 0.9 s of
CPU, 1.3 s without checkpoints.

:class:`Checkpointer` turns the automatic checkpoints of the writing connection off and runs
passive ones (they never wait for the writer, nor make it wait) in a thread with its own
connection, one after each commit it is told of. The thread spends its time in SQLite, which
releases the GIL, so the main process goes on with the next batch meanwhile. What the log
holds when it stops is checkpointed as before, by the next commit past the threshold or at
the last close. Durability does not change: the commits are the same, only who copies the
log back and when.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading


class Checkpointer:
    """A thread that checkpoints the WAL of the database at ``path`` when poked."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn, self.path = conn, path
        self.wanted = threading.Event()
        self.stopping = False
        (self.threshold,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
        conn.execute("PRAGMA wal_autocheckpoint=0")
        self.thread = threading.Thread(target=self._run, name="variorum-checkpoints", daemon=True)
        self.thread.start()

    def poke(self) -> None:
        """A commit landed: checkpoint what the log holds, once the thread is free."""
        self.wanted.set()

    def stop(self) -> None:
        """Wait for the checkpoint under way, end the thread, and give the writing connection
        its automatic checkpoints back."""
        self.stopping = True
        self.wanted.set()
        self.thread.join()
        self.conn.execute(f"PRAGMA wal_autocheckpoint={int(self.threshold)}")

    def _run(self) -> None:
        try:
            own = sqlite3.connect(self.path, isolation_level=None, timeout=0)
        except sqlite3.Error:
            return  # no checkpoints here: the writer's return when the thread stops
        try:
            while True:
                self.wanted.wait()
                self.wanted.clear()
                if self.stopping:
                    return
                # Busy or failed: the next poke, or the writer once the thread stops, does it.
                with contextlib.suppress(sqlite3.Error):
                    own.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            own.close()


__all__ = ["Checkpointer"]
