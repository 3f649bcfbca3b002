"""The embedded index: the one place that reads and writes SQL.

The database runs in WAL mode, and every batch of documents is written in one ``BEGIN
IMMEDIATE`` transaction (documents, fingerprints, alignments together), so a crash or Ctrl-C
loses at most the batch in flight and never leaves half a document behind. Readers never block
the writer.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from variorum.align.evidence import NO_EVIDENCE, PairEvidence, order_agreement
from variorum.config import FINGERPRINT_VERSION, VOCABULARY_FOLD_WORDS, Settings
from variorum.crosslang.stored import PackedProfile
from variorum.detect.postings import Run, make_run, settle, shared_counts
from variorum.errors import IndexError_, UsageError
from variorum.group.relations import PairFacts, Relation
from variorum.model import Document, Passage, Segment, Skip
from variorum.prepare import Prepared, rebuild
from variorum.store.browse import add_foreign_keys, create_views
from variorum.store.codec import Packed, document_row, pack, unpack_tokens
from variorum.store.schema import MIGRATIONS, PAIR_EVIDENCE_COLUMNS, SCHEMA, SCHEMA_VERSION
from variorum.store.wordcounts import WordCounts, add_counts, merged

#: ``json.dumps(value, sort_keys=True)`` with its encoder made once: ``dumps`` with any option
#: builds a new encoder each call, a third of encoding a relation's small evidence.
_EVIDENCE_JSON = json.JSONEncoder(sort_keys=True).encode


def _same_postings(pending: Sequence[tuple[int, np.ndarray]], fps: Mapping[int, np.ndarray]) -> bool:
    """Whether ``pending`` are the postings of ``fps``, in its order, the very same arrays (a
    batch's, written just before its candidates are looked up): their run is then the one the
    lookup would make again."""
    return len(pending) == len(fps) and all(
        num == key and arr is fps[key] for (num, arr), key in zip(pending, fps, strict=True)
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: Page size of a new index file (SQLite's default is 4 KiB); see :meth:`Index.open`.
PAGE_SIZE = 16384

_INSERT_DOCUMENT = (
    "INSERT INTO documents(num, id, content_hash, path, format, title, source, date, dates, series, "
    "metadata, languages, n_words, body_words, text, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


class _SharedRuns:
    """Posting runs already loaded in this process, shared by every connection to one file.

    The web app keeps several reader connections; without this each would hold its own copy of
    every run. A stored run never changes (a merge writes a new row, and ``AUTOINCREMENT`` never
    reuses an id), so a run loaded or committed once is good for every connection. Runs that are
    no longer stored are dropped when a connection sees the new list.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, dict[int, Run]] = {}

    def get(self, key: str | None, run_id: int) -> Run | None:
        with self._lock:
            return self._runs.get(key, {}).get(run_id) if key else None

    def publish(self, key: str | None, runs: list[tuple[int, Run]]) -> None:
        if key:
            with self._lock:
                self._runs[key] = dict(runs)


_shared_runs = _SharedRuns()


def _document_of(row: Sequence[Any]) -> Document:
    """A :class:`Document` from the columns ``id, text, path, format, title, source, date,
    dates, series, metadata`` of its row, in that order (the JSON columns decoded)."""
    did, text, path, fmt, title, source, date, dates, series, metadata = row
    return Document(
        id=did,
        text=text,
        path=path,
        format=fmt,
        title=title,
        source=source,
        date=date,
        dates=tuple(json.loads(dates)),
        series=series,
        metadata=json.loads(metadata),
    )


class Index:
    """A variorum index in one SQLite file. Use :meth:`open`; close with :meth:`close`."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        # Fingerprint postings: the stored runs as loaded (row id, run), and the postings of
        # documents inserted in the open transaction, written as one run when it commits.
        self._runs: list[tuple[int, Run]] = []
        self._pending: list[tuple[int, np.ndarray]] = []
        # Names this index among the runs loaded in this process (a path can be reused).
        self._key: str | None = None
        self._marked_stale = False
        # Relations, families and boilerplate flags computed in memory while the stored ones are
        # stale: (data version they were computed at, family of each num, boilerplate passage ids,
        # relations).
        self._derived: tuple[int, dict[int, str], set[int], list[Relation]] | None = None
        # The distinct main languages of the documents, as read at a data version and kept up
        # to date with this connection's own inserts (see :meth:`main_languages`).
        self._languages: tuple[int, set[str | None]] | None = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, settings: Settings | None = None) -> Index:
        """Open (and with ``create``, make) the index at ``path``, migrating an older schema.

        Raises ``IndexError_`` when the file is missing (without ``create``), is not a SQLite
        database, is a newer schema than this version understands, or was built with other
        fingerprint settings.
        """
        p = Path(path)
        if not create and not p.exists():
            raise IndexError_(f"{p}: no index here (run `variorum add` first, or pass --db)")
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(p), isolation_level=None, timeout=30, check_same_thread=False)
            # A new file gets pages of 16 KiB (an existing one keeps its own): most documents'
            # text then fits one page instead of a chain of overflow pages, and committing a
            # batch of 500 generated documents wrote half as many pages to the WAL (the
            # COMMITs of an ``add`` of 3,000 took 40-60 % less CPU).
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # Fingerprint inserts land all over the postings B-tree: a page cache of 128 MiB keeps
            # them from re-reading pages from disk on a large index.
            conn.execute("PRAGMA cache_size=-131072")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("PRAGMA foreign_keys=ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as e:
            raise IndexError_(f"{p}: not a variorum index ({e})") from None
        index = cls(conn, str(p))
        index._ensure_schema(version, settings or Settings())
        index._key = index.meta("index_id")
        return index

    def _ensure_schema(self, version: int, settings: Settings) -> None:
        if version > SCHEMA_VERSION:
            raise IndexError_(
                f"{self.path}: index schema {version} is newer than this variorum ({SCHEMA_VERSION}); "
                "upgrade variorum"
            )
        if version == 0:
            tables = self.conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            if tables:
                raise IndexError_(f"{self.path}: a SQLite file, but not a variorum index")
            with self.transaction():
                self._script(SCHEMA)
                add_foreign_keys(self.conn)
                create_views(self.conn)
                self._set_meta("fingerprint_version", str(FINGERPRINT_VERSION))
                self._set_meta("ngram", str(settings.ngram))
                self._set_meta("window", str(settings.window))
                self._set_meta("index_id", uuid.uuid4().hex)
                self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            return
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                self._script(MIGRATIONS[step])
                self._migrate(step)
                self.conn.execute(f"PRAGMA user_version={step}")
        fp = self.meta("fingerprint_version")
        if fp != str(FINGERPRINT_VERSION):
            raise IndexError_(f"{self.path}: fingerprints of format {fp}, expected {FINGERPRINT_VERSION}")

    def _migrate(self, step: int) -> None:
        """The part of a schema step that SQL alone cannot do."""
        if step == 4:
            add_foreign_keys(self.conn)
            create_views(self.conn)
        if step == 2:
            self._set_meta("index_id", uuid.uuid4().hex)
            rows = self.conn.execute("SELECT DISTINCT num, hash FROM postings ORDER BY num").fetchall()
            by_num: dict[int, list[int]] = {}
            for num, h in rows:
                by_num.setdefault(num, []).append(h)
            if by_num:
                self._write_run(make_run((n, np.asarray(hs, dtype=np.int64)) for n, hs in by_num.items()))
            self.conn.execute("DROP TABLE postings")
        if step in (3, 5):
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "pairs" in tables:
                have = {r[1] for r in self.conn.execute("PRAGMA table_info(pairs)")}
                for name, decl in PAIR_EVIDENCE_COLUMNS:
                    if name not in have:
                        self.conn.execute(f"ALTER TABLE pairs ADD COLUMN {name} {decl}")

    def _script(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self.conn.execute(statement)

    def settings_check(self, settings: Settings) -> None:
        """Refuse n-gram or window settings other than the ones the index was built with."""
        for key in ("ngram", "window"):
            stored = self.meta(key)
            if stored is not None and int(stored) != getattr(settings, key):
                raise UsageError(
                    f"{self.path}: index built with {key}={stored}, not {getattr(settings, key)}"
                )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write: everything inside commits together or not at all."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self._write_error(error) from None
        self._marked_stale = False
        self._derived = None
        runs = list(self._runs)
        try:
            yield
            self._flush_postings()
            self.conn.execute("COMMIT")
        except BaseException as error:
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            self._runs, self._pending = runs, []
            self._languages = None
            if isinstance(error, sqlite3.OperationalError):
                raise self._write_error(error) from None
            raise
        _shared_runs.publish(self._key, self._runs)

    def _write_error(self, error: sqlite3.OperationalError) -> IndexError_:
        """A failed write (disk full, a locked or read-only index) as one line naming the index."""
        return IndexError_(
            f"{self.path}: cannot write the index: {error} (what was committed before is kept)"
        )

    # -- meta and vocabulary -----------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def vocabulary(self) -> Counter[str]:
        """Every word's collection frequency: ``vocabulary`` plus the batches not folded yet."""
        vocab = Counter(dict(self.conn.execute("SELECT token, cf FROM vocabulary")))
        for part in self._word_batches():
            add_counts(vocab, part)
        return vocab

    def _word_batches(self) -> Iterator[WordCounts]:
        rows = self.conn.execute("SELECT words, counts FROM vocabulary_batches ORDER BY batch")
        return (WordCounts(words, counts) for words, counts in rows)

    def add_vocabulary(self, delta: Mapping[str, int] | str) -> None:
        """Add word counts to ``vocabulary`` at once. They go to SQLite as one JSON object read by
        ``json_each`` (``delta`` may be that object's text already): binding tens of thousands of
        rows one by one (a batch outside English) cost a fifth more than SQLite's own work on
        them."""
        if not delta:
            return
        if not isinstance(delta, str):
            # A Counter is a dict: encoded as it is, without a copy.
            delta = json.dumps(delta if isinstance(delta, dict) else dict(delta), ensure_ascii=False)
        self.conn.execute(
            "INSERT INTO vocabulary(token, cf) SELECT key, value FROM json_each(?) WHERE true "
            "ON CONFLICT(token) DO UPDATE SET cf = cf + excluded.cf",
            (delta,),
        )

    def add_word_counts(self, parts: Iterable[WordCounts]) -> list[int]:
        """Add a batch's word counts (the chunks' counts as the workers sent them), one row each
        in ``vocabulary_batches``; returns the rows' ids, in order.

        They are folded into ``vocabulary`` by :meth:`fold_vocabulary` at the end of the
        ``add``, or here once they hold :data:`~variorum.config.VOCABULARY_FOLD_WORDS` counts.
        The rows commit with the batch's documents, so an interrupted ``add`` leaves the
        vocabulary of the documents it committed."""
        ids = [
            int(
                self.conn.execute(
                    "INSERT INTO vocabulary_batches(words, counts) VALUES (?, ?)", (part.words, part.counts)
                ).lastrowid
                or 0
            )
            for part in parts
        ]
        if ids:
            held = self.conn.execute("SELECT total(length(counts)) FROM vocabulary_batches").fetchone()[0]
            if held // 8 >= VOCABULARY_FOLD_WORDS:
                self.fold_vocabulary()
        return ids

    def fold_sums(self, sums: Iterable[tuple[str, Sequence[int]]]) -> int:
        """Fold sums of rows of ``vocabulary_batches`` worked out elsewhere (``(JSON object, row
        ids)``) into ``vocabulary``, each only where every one of its rows is still here, and
        delete those rows; the other rows stay. Inside a transaction. Returns the sums folded.

        An ``add`` folds the first worker's sums as soon as their batches are committed, so that
        the rows held stay below :data:`~variorum.config.VOCABULARY_FOLD_WORDS` and this process
        never adds a million counts up itself (about 0.7 s of its CPU each time on the
        four-script corpus, in the middle of a batch's commit)."""
        folded = 0
        for total, ids in sums:
            present = 0
            for i in range(0, len(ids), 500):
                chunk = list(ids[i : i + 500])
                q = f"SELECT count(*) FROM vocabulary_batches WHERE batch IN ({','.join('?' * len(chunk))})"
                present += self.conn.execute(q, chunk).fetchone()[0]
            if ids and present == len(set(ids)) == len(ids):
                self.add_vocabulary(total)
                self.conn.executemany("DELETE FROM vocabulary_batches WHERE batch=?", ((i,) for i in ids))
                folded += 1
        return folded

    def fold_vocabulary(self, sums: Iterable[tuple[str, Sequence[int]]] = ()) -> None:
        """Add the rows of ``vocabulary_batches`` to ``vocabulary`` (one upsert of their sum) and
        delete them; inside a transaction. ``vocabulary`` then holds what upserting each batch
        would have left.

        ``sums``: ``(JSON object, row ids)``, the sum of those rows already worked out (by a
        worker process): used as it is where every one of its rows is still here (a row is
        only ever deleted with its counts folded), so that only the rest is added up here."""
        self.fold_sums(sums)
        total_rest = merged(self._word_batches())
        if total_rest:
            self.add_vocabulary(total_rest)
        self.conn.execute("DELETE FROM vocabulary_batches")

    # -- writing documents -------------------------------------------------------------------

    def known_contents(self, hashes: Iterable[str]) -> set[str]:
        """Which of these content hashes are already indexed."""
        return self._present("content_hash", hashes)

    def has_id(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone() is not None

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these document ids are already taken (:meth:`has_id` of many at once)."""
        return self._present("id", ids)

    def _present(self, column: str, values: Iterable[str]) -> set[str]:
        """Which of ``values`` the documents' ``column`` holds, asked 500 at a time (SQLite's
        limit on bound parameters is 999 in old builds)."""
        wanted = list(values)
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            q = f"SELECT {column} FROM documents WHERE {column} IN ({','.join('?' * len(chunk))})"
            found.update(r[0] for r in self.conn.execute(q, chunk))
        return found

    def insert(self, prep: Prepared, content_hash: str, packed: Packed | None = None) -> int:
        """Store a prepared document with its tokens, segments and fingerprints; returns its num.

        ``packed`` is ``pack(prep.tokens, prep.segments)`` if a worker already made it.
        """
        return self.insert_many([(prep, content_hash, packed)])[0]

    def insert_many(self, items: Sequence[tuple[Prepared, str, Packed | None]]) -> list[int]:
        """:meth:`insert` of several documents, in order, with one statement per table: a batch
        of 500 took some 1,500 statements, each a call into SQLite from Python.

        Each document gets the num SQLite would have given it, one past the largest (rowid
        allocation without ``AUTOINCREMENT``), so the rows are those of inserting one by one.
        """
        if not items:
            return []
        now = _now()
        top = self.conn.execute("SELECT max(num) FROM documents").fetchone()[0] or 0
        if top + len(items) < 2**63 - 1:
            nums = list(range(top + 1, top + 1 + len(items)))
            rows = [document_row(n, p, h, now) for n, (p, h, _) in zip(nums, items, strict=True)]
            self.conn.executemany(_INSERT_DOCUMENT, rows)
        else:  # past the largest rowid SQLite chooses nums at random: one by one
            nums = [
                int(self.conn.execute(_INSERT_DOCUMENT, document_row(None, p, h, now)).lastrowid or 0)
                for p, h, _ in items
            ]
        packs = [packed if packed is not None else pack(p.tokens, p.segments) for p, _, packed in items]
        self.conn.executemany(
            "INSERT INTO tokens(num, norms, starts, ends) VALUES (?,?,?,?)",
            [(num, k.norms, k.starts, k.ends) for num, k in zip(nums, packs, strict=True)],
        )
        self.conn.executemany(
            "INSERT INTO segments(num, idx, start, end, language, role, sentences) VALUES (?,?,?,?,?,?,?)",
            [(num, *row) for num, k in zip(nums, packs, strict=True) for row in k.segments],
        )
        self._pending.extend((num, p.fp_hashes) for num, (p, _, _) in zip(nums, items, strict=True))
        if self._languages is not None:
            self._languages[1].update(p.languages[0] if p.languages else None for p, _, _ in items)
        if not self._marked_stale:  # once per transaction is enough
            self._set_meta("families_stale", "1")
            self._marked_stale = True
        return nums

    def record_skip(self, skip: Skip) -> None:
        self.conn.execute(
            "INSERT INTO skips(path, reason, at) VALUES (?,?,?)", (skip.path, skip.reason, _now())
        )

    # -- candidates --------------------------------------------------------------------------

    def candidates(
        self, fps: Mapping[int, np.ndarray], max_df: int, min_shared: int = 1
    ) -> dict[int, Counter[int]]:
        """For each document num in ``fps``, the indexed documents sharing fingerprints with it.

        Fingerprints held by more than ``max_df`` documents are stock phrases and ignored. The
        answer maps each num to a Counter of other nums -> distinct shared fingerprints, keeping
        those that share at least ``min_shared``. Documents inserted in the open transaction
        count as indexed.
        """
        made = self._flush_postings()
        self._sync_runs()
        if made is not None and not _same_postings(made[0], fps):
            made = None
        found = shared_counts([r for _, r in self._runs], fps, max_df, made and made[1])
        return {num: Counter({o: c for o, c in got.items() if c >= min_shared}) for num, got in found.items()}

    def postings(self) -> list[tuple[int, int]]:
        """Every (fingerprint hash, document num), sorted: the index's postings, for checks."""
        self._flush_postings()
        self._sync_runs()
        pairs = {pair for _, r in self._runs for pair in zip(r.hashes.tolist(), r.nums.tolist(), strict=True)}
        return sorted(pairs)

    def _sync_runs(self) -> None:
        """Load the stored runs this connection has not seen (another process may have added)."""
        stored = self.conn.execute("SELECT run FROM posting_runs ORDER BY run").fetchall()
        ids = [r[0] for r in stored]
        if ids == [run_id for run_id, _ in self._runs]:
            return
        have = dict(self._runs)
        runs: list[tuple[int, Run]] = []
        for run_id in ids:
            run = have.get(run_id) or _shared_runs.get(self._key, run_id)
            if run is None:
                level, hashes, nums = self.conn.execute(
                    "SELECT level, hashes, nums FROM posting_runs WHERE run=?", (run_id,)
                ).fetchone()
                run = Run(
                    level,
                    np.frombuffer(hashes, dtype="<i8").astype(np.int64, copy=False),
                    np.frombuffer(nums, dtype="<i4").astype(np.int32, copy=False),
                )
            runs.append((run_id, run))
        self._runs = runs
        _shared_runs.publish(self._key, runs)

    def _write_run(self, run: Run) -> int:
        cur = self.conn.execute(
            "INSERT INTO posting_runs(level, n, hashes, nums) VALUES (?,?,?,?)",
            (run.level, len(run), run.hashes.astype("<i8").tobytes(), run.nums.astype("<i4").tobytes()),
        )
        return int(cur.lastrowid)  # type: ignore[arg-type]

    def _flush_postings(self) -> tuple[list[tuple[int, np.ndarray]], Run] | None:
        """Write the pending postings as a run, then merge runs as :func:`settle` says; returns
        the postings written and their run (None if none were pending)."""
        if not self._pending:
            return None
        self._sync_runs()
        pending = self._pending
        run = make_run(pending)
        self._pending = []
        runs = [*self._runs, (self._write_run(run), run)]
        settled, gone = settle([r for _, r in runs])
        if gone:
            self.conn.executemany("DELETE FROM posting_runs WHERE run=?", [(runs[i][0],) for i in gone])
            kept = [runs[i] for i in range(len(runs)) if i not in set(gone)]
            merged = settled[len(kept) :]
            runs = kept + [(self._write_run(m), m) for m in merged]
        self._runs = runs
        return pending, run

    # -- reading documents -------------------------------------------------------------------

    def committed(self, num: int) -> bool:
        """Whether a document numbered ``num`` is in the index for good: False while a
        transaction is open (its rows may still be rolled back)."""
        if self.conn.in_transaction:
            return False
        return self.conn.execute("SELECT 1 FROM documents WHERE num=?", (num,)).fetchone() is not None

    def num_of(self, doc_id: str) -> int:
        row = self.conn.execute("SELECT num FROM documents WHERE id=?", (doc_id,)).fetchone()
        if row is None:
            row = self.conn.execute(
                "SELECT num FROM documents WHERE id LIKE ? || '%' LIMIT 2", (doc_id,)
            ).fetchall()
            if len(row) == 1:
                return int(row[0][0])
            raise UsageError(f"no document {doc_id!r} in {self.path}")
        return int(row[0])

    def document(self, num: int) -> Document:
        row = self.conn.execute(
            "SELECT id, text, path, format, title, source, date, dates, series, metadata "
            "FROM documents WHERE num=?",
            (num,),
        ).fetchone()
        if row is None:
            raise UsageError(f"no document #{num} in {self.path}")
        return _document_of(row)

    def segments(self, num: int) -> tuple[Segment, ...]:
        rows = self.conn.execute(
            "SELECT start, end, language, role, sentences FROM segments WHERE num=? ORDER BY idx", (num,)
        )
        return tuple(
            Segment(s, e, lang, role, tuple(tuple(x) for x in json.loads(sents)))  # type: ignore[misc]
            for s, e, lang, role, sents in rows
        )

    def languages(self, num: int) -> list[str]:
        row = self.conn.execute("SELECT languages FROM documents WHERE num=?", (num,)).fetchone()
        return json.loads(row[0]) if row else []

    def profile_rows(
        self, nums: Iterable[int] | None = None
    ) -> Iterator[tuple[int, str, str, str | None, list[tuple[int, int]]]]:
        """``(num, id, text, main language, segment spans)`` of every document (or of those of
        ``nums``), by num, read in two passes over the tables (three queries per document cost
        as much as reading its anchors). The rows are streamed: the caller keeps what it needs
        of each text."""
        if nums is not None:
            wanted = sorted(set(nums))
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                where = f"WHERE num IN ({','.join('?' * len(chunk))})"
                yield from self._profile_rows(where, chunk)
            return
        yield from self._profile_rows("", [])

    def _profile_rows(
        self, where: str, args: list[int]
    ) -> Iterator[tuple[int, str, str, str | None, list[tuple[int, int]]]]:
        spans = self.conn.execute(f"SELECT num, start, end FROM segments {where} ORDER BY num, idx", args)
        pending = next(spans, None)
        docs = self.conn.execute(f"SELECT num, id, text, languages FROM documents {where} ORDER BY num", args)
        for num, doc_id, text, languages in docs:
            while pending is not None and pending[0] < num:
                pending = next(spans, None)
            own: list[tuple[int, int]] = []
            while pending is not None and pending[0] == num:
                own.append((pending[1], pending[2]))
                pending = next(spans, None)
            first = json.loads(languages)
            yield num, doc_id, text, first[0] if first else None, own

    # -- what the translation pass keeps (variorum.crosslang.stored) -------------------------

    def anchor_cache_current(self, key: str) -> bool:
        """Whether the kept anchor profiles and chains were made for ``key``."""
        return self.meta("anchor_cache") == key

    def reset_anchor_cache(self, key: str) -> None:
        """Drop the kept anchor profiles and chains; what is kept from now on is for ``key``."""
        self.conn.execute("DELETE FROM anchor_chains")
        self.conn.execute("DELETE FROM anchor_profiles")
        self._set_meta("anchor_cache", key)

    def anchor_profiles(self) -> dict[int, PackedProfile]:
        """Every kept anchor profile, by document num."""
        rows = self.conn.execute(
            "SELECT num, language, paragraphs, kinds, keys, starts, ends FROM anchor_profiles"
        )
        return {num: PackedProfile(*rest) for num, *rest in rows}

    def keep_anchor_profiles(self, profiles: Iterable[tuple[int, PackedProfile]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO anchor_profiles(num, language, paragraphs, kinds, keys, starts, ends) "
            "VALUES (?,?,?,?,?,?,?)",
            ((num, *p) for num, p in profiles),
        )

    def anchor_chains(self) -> dict[tuple[int, int], bytes]:
        """Every kept chain of anchors in order, by ``(a, b)``."""
        return {(a, b): chain for a, b, chain in self.conn.execute("SELECT a, b, chain FROM anchor_chains")}

    def keep_anchor_chains(self, chains: Iterable[tuple[int, int, bytes]]) -> None:
        self.conn.executemany(
            "INSERT INTO anchor_chains(a, b, chain) VALUES (?,?,?) "
            "ON CONFLICT(a, b) DO UPDATE SET chain=excluded.chain",
            chains,
        )

    def translation_evidence(self, a: int, b: int) -> dict[str, Any] | None:
        """The kept evidence of the translation pair ``(a, b)``, if one was kept."""
        row = self.conn.execute("SELECT evidence FROM anchor_chains WHERE a=? AND b=?", (a, b)).fetchone()
        return json.loads(row[0]) if row and row[0] is not None else None

    def keep_translation_evidence(self, items: Iterable[tuple[int, int, Mapping[str, Any]]]) -> None:
        """Keep the evidence of translation pairs (each on its pair's kept chain)."""
        self.conn.executemany(
            "UPDATE anchor_chains SET evidence=? WHERE a=? AND b=?",
            ((_EVIDENCE_JSON(dict(ev)), a, b) for a, b, ev in items),
        )

    def main_languages(self) -> set[str | None]:
        """The distinct first (main) languages of the indexed documents.

        Read once per state of the file that other connections leave (SQLite's ``data_version``)
        and then kept up to date with the documents this connection inserts: the query reads
        every document's row, a tenth of the ``refresh`` that ends an ``add`` of 20,000
        documents, which asked it once before the first batch already."""
        version = self._data_version()
        if self._languages is None or self._languages[0] != version:
            rows = self.conn.execute("SELECT DISTINCT json_extract(languages, '$[0]') FROM documents")
            self._languages = (version, {r[0] for r in rows})
        return set(self._languages[1])

    def load_prepared(self, num: int, settings: Settings) -> Prepared:
        """Rebuild a document's :class:`Prepared` from the stored tokens (no re-normalization)."""
        return self.load_prepared_packed(num, settings)[0]

    def load_prepared_packed(self, num: int, settings: Settings) -> tuple[Prepared, Packed]:
        """:meth:`load_prepared` and the stored token columns it unpacked (``segments`` left
        empty): a cache can keep the columns instead of the unpacked tokens, a third of the memory."""
        doc = self.document(num)
        norms_blob, starts, ends = self.conn.execute(
            "SELECT norms, starts, ends FROM tokens WHERE num=?", (num,)
        ).fetchone()
        tokens = unpack_tokens(norms_blob, starts, ends)
        prep = rebuild(doc, tokens, self.segments(num), tuple(self.languages(num)), settings)
        return prep, Packed(norms_blob, starts, ends, ())

    def aligning_rows(
        self, nums: Sequence[int]
    ) -> Iterator[tuple[int, Document, bytes, bytes, bytes, list[tuple[int, int]]]]:
        """``(num, document, norms, starts, ends, body spans)`` of each of ``nums`` (in no set
        order): what aligning and quoting a document read
        (:func:`~variorum.align.quotable.rebuilt`), in three queries for 500 documents rather
        than four for each."""
        for k in range(0, len(nums), 500):
            chunk = list(nums[k : k + 500])
            marks = ",".join("?" * len(chunk))
            body: dict[int, list[tuple[int, int]]] = {n: [] for n in chunk}
            for num, start, end in self.conn.execute(
                f"SELECT num, start, end FROM segments WHERE num IN ({marks}) AND role='body' "
                "ORDER BY num, idx",
                chunk,
            ):
                body[num].append((start, end))
            columns = {
                num: (norms, starts, ends)
                for num, norms, starts, ends in self.conn.execute(
                    f"SELECT num, norms, starts, ends FROM tokens WHERE num IN ({marks})", chunk
                )
            }
            rows = self.conn.execute(
                "SELECT num, id, text, path, format, title, source, date, dates, series, metadata "
                f"FROM documents WHERE num IN ({marks})",
                chunk,
            )
            for num, *row in rows:
                yield (num, _document_of(row), *columns[num], body[num])

    def doc_rows(self) -> list[dict[str, Any]]:
        """Every document's listing fields, in the order they were added.

        Kept until the database changes (this connection's ``total_changes`` or SQLite's
        ``data_version``, which moves when another connection commits): a report asks for the
        listing once per page, and parsing it again for each of 3,000 documents took half of
        the report's time. Each call gets its own dicts (their ``languages`` lists are shared).
        """
        key = (self.conn.total_changes, self.conn.execute("PRAGMA data_version").fetchone()[0])
        cached = getattr(self, "_doc_rows", None)
        if cached is None or cached[0] != key:
            cached = self._doc_rows = (key, self._read_doc_rows())
        return [dict(row) for row in cached[1]]

    def _read_doc_rows(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT d.num, d.id, d.path, d.date, d.languages, d.title, d.series, d.n_words, f.family "
            "FROM documents d LEFT JOIN families f ON f.num = d.num ORDER BY d.num"
        )
        return [
            {
                "num": num,
                "id": did,
                "path": path,
                "date": date,
                "languages": json.loads(langs),
                "title": title,
                "series": series,
                "words": words,
                "family": self._family(num, fam),
            }
            for num, did, path, date, langs, title, series, words, fam in rows
        ]

    def count(self, table: str) -> int:
        if table == "postings":
            return int(self.conn.execute("SELECT COALESCE(SUM(n), 0) FROM posting_runs").fetchone()[0])
        if table not in {"documents", "passages", "pairs", "skips"}:
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    # -- pairs, passages and families --------------------------------------------------------

    def insert_pair(
        self,
        a: int,
        b: int,
        passages: Iterable[Passage],
        covs: tuple[float, ...],
        shared: int,
        evidence: PairEvidence | None = None,
    ) -> None:
        """Store the alignment of documents ``a`` and ``b`` (either order; stored with a < b)."""
        self.insert_pairs([(a, b, passages, covs, shared, evidence)])

    def insert_pairs(
        self,
        pairs: Iterable[tuple[int, int, Iterable[Passage], tuple[float, ...], int, PairEvidence | None]],
    ) -> None:
        """:meth:`insert_pair` of each of ``pairs``, in order, in one statement for the pairs and
        one for their passages (the same rows, the passages numbered in the same order: two
        statements per pair were a tenth of aligning a batch of the generated corpora)."""
        pair_rows: list[tuple[Any, ...]] = []
        passage_rows: list[tuple[Any, ...]] = []
        for a, b, passages, covs, shared, evidence in pairs:
            plist = list(passages)
            a_cov, b_cov, a_body, b_body = covs
            ev = evidence or NO_EVIDENCE
            a_runs, b_runs, a_ext, b_ext = ev.a_runs, ev.b_runs, ev.a_extent, ev.b_extent
            a_head, b_head = ev.a_head, ev.b_head
            if a > b:
                a, b = b, a
                a_cov, b_cov, a_body, b_body = b_cov, a_cov, b_body, a_body
                a_runs, b_runs, a_ext, b_ext = b_runs, a_runs, b_ext, a_ext
                a_head, b_head = b_head, a_head
                plist = [p.swapped() for p in plist]
            pair_rows.append(
                (
                    *(a, b, a_cov, b_cov, a_body, b_body, shared, a_runs, b_runs, *ev[2:5]),
                    *(a_ext, b_ext, a_head, b_head, ev.heads_alike),
                )
            )
            passage_rows.extend(
                (a, b, p.a_start, p.a_end, p.b_start, p.b_end, p.a_words, p.b_words, p.identity, p.earlier)
                for p in plist
            )
        self.conn.executemany(
            "INSERT OR REPLACE INTO pairs(a, b, a_coverage, b_coverage, a_body, b_body, shared_words, "
            "a_runs, b_runs, order_agreement, longest, identity, a_extent, b_extent, a_head, b_head, "
            "heads_alike) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            pair_rows,
        )
        self.conn.executemany(
            "INSERT INTO passages(a, b, a_start, a_end, b_start, b_end, a_words, b_words, identity, earlier) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            passage_rows,
        )

    def pair_rows(self) -> list[tuple[int, int, float, float, int]]:
        return self.conn.execute("SELECT a, b, a_body, b_body, shared_words FROM pairs").fetchall()

    def pair_facts(self) -> list[PairFacts]:
        """Every aligned pair with its evidence and both documents' body words and dates.

        An index from before schema 3 has no evidence (-1): the order and identity then come
        from the stored passages, and the runs count as the passages' coverage.
        """
        rows = self.conn.execute(
            "SELECT p.a, p.b, da.body_words, db.body_words, p.a_body, p.b_body, p.a_runs, p.b_runs, "
            "p.order_agreement, p.longest, p.identity, p.shared_words, da.date, db.date, "
            "p.a_extent, p.b_extent, p.a_head, p.b_head, p.heads_alike "
            "FROM pairs p JOIN documents da ON da.num = p.a JOIN documents db ON db.num = p.b "
            "ORDER BY p.a, p.b"
        ).fetchall()
        out = []
        for a, b, aw, bw, ab, bb, ar, br, order, longest, ident, shared, ad, bd, *edges in rows:
            if order < 0:
                order, longest, ident = self._passage_evidence(a, b)
            out.append(PairFacts(a, b, aw, bw, ab, bb, ar, br, order, longest, ident, shared, ad, bd, *edges))
        return out

    def _passage_evidence(self, a: int, b: int) -> tuple[float, int, float]:
        rows = self.conn.execute(
            "SELECT a_start, b_start, min(a_words, b_words), identity FROM passages WHERE a=? AND b=?", (a, b)
        ).fetchall()
        total = sum(r[2] for r in rows)
        ident = sum(r[2] * r[3] for r in rows) / total if total else 0.0
        order = order_agreement([(r[0], r[1], r[2]) for r in rows])
        return order, max((r[2] for r in rows), default=0), round(ident, 4)

    def set_relations(self, relations: Iterable[Relation]) -> None:
        self.conn.execute("DELETE FROM relations")
        self.conn.executemany(
            "INSERT INTO relations(a, b, kind, score, shared_words, a_coverage, b_coverage, "
            "order_agreement, longest, identity, earlier, evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    r.a,
                    r.b,
                    r.kind,
                    r.score,
                    r.shared_words,
                    r.a_coverage,
                    r.b_coverage,
                    r.order,
                    r.longest,
                    r.identity,
                    r.earlier,
                    _EVIDENCE_JSON(dict(r.evidence)),
                )
                for r in relations
            ),
        )

    def relations(self, num: int | None = None, kind: str | None = None) -> list[Relation]:
        """Stored relations, optionally only those of document ``num`` and/or of one ``kind``."""
        if self._derived is not None:
            return [
                r
                for r in self._derived[3]
                if (num is None or num in (r.a, r.b)) and (kind is None or r.kind == kind)
            ]
        where, args = [], []
        if num is not None:
            where.append("(a=? OR b=?)")
            args += [num, num]
        if kind is not None:
            where.append("kind=?")
            args.append(kind)
        sql = (
            "SELECT a, b, kind, score, shared_words, a_coverage, b_coverage, order_agreement, longest, "
            "identity, earlier, evidence FROM relations"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.conn.execute(sql + " ORDER BY a, b", args).fetchall()
        return [Relation(*r[:11], evidence=json.loads(r[11])) for r in rows]

    def passage_rows(self, num: int | None = None) -> list[tuple]:
        """Raw passage rows ``(id, a, b, a_start, a_end, b_start, b_end, a_words, b_words,
        identity, boilerplate, earlier)``, optionally only those touching document ``num``."""
        cols = "id, a, b, a_start, a_end, b_start, b_end, a_words, b_words, identity, boilerplate, earlier"
        if num is None:
            rows = self.conn.execute(f"SELECT {cols} FROM passages ORDER BY a, b, a_start").fetchall()
        else:
            rows = self.conn.execute(
                f"SELECT {cols} FROM passages WHERE a=? OR b=? ORDER BY a, b, a_start", (num, num)
            ).fetchall()
        if self._derived is None:
            return rows
        return [(*r[:10], self._boiler(r[0], r[10]), r[11]) for r in rows]

    def set_boilerplate(self, ids: Iterable[int]) -> None:
        """Flag exactly the passages ``ids`` as boilerplate. Only the rows whose flag changes are
        written: rewriting every passage to clear the flags first cost a tenth of a refresh,
        and after an add few flags change."""
        now = set(ids)
        was = {r[0] for r in self.conn.execute("SELECT id FROM passages WHERE boilerplate != 0")}
        self.conn.executemany(
            "UPDATE passages SET boilerplate=0 WHERE id=?", ((i,) for i in sorted(was - now))
        )
        self.conn.executemany(
            "UPDATE passages SET boilerplate=1 WHERE id=?", ((i,) for i in sorted(now - was))
        )

    def set_families(self, families: Mapping[int, str]) -> None:
        self.conn.execute("DELETE FROM families")
        # In the order of the table's key: a third faster than the order families were grown in.
        self.conn.executemany("INSERT INTO families(num, family) VALUES (?, ?)", sorted(families.items()))
        self._set_meta("families_stale", "0")

    def families_stale(self) -> bool:
        return self.meta("families_stale") == "1"

    def change_key(self) -> tuple[Any, ...]:
        """A value that changes whenever what the index shows changes: rows are only ever added
        (documents, passages, skips) and families marked stale and then stored, so the largest
        ids, the stale flag and the families stored identify one state. Cheap: a few lookups."""
        return tuple(
            self.conn.execute(
                "SELECT (SELECT max(num) FROM documents), (SELECT max(id) FROM passages), "
                "(SELECT max(rowid) FROM skips), (SELECT value FROM meta WHERE key='families_stale'), "
                "(SELECT count(*) FROM families)"
            ).fetchone()
        )

    # -- derived state computed without writing ----------------------------------------------

    def _data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def derived_current(self) -> bool:
        """Whether the families and flags read are current: stored ones that are not stale, or
        ones set by :meth:`use_derived` since the index last changed."""
        if self._derived is not None and self._derived[0] == self._data_version():
            return True
        self._derived = None
        return not self.families_stale()

    def use_derived(
        self, families: Mapping[int, str], boilerplate: Iterable[int], relations: Iterable[Relation] = ()
    ) -> None:
        """Read these families, boilerplate flags and relations instead of the stale stored ones.

        Reads never write: while an ``add`` that was interrupted (or is committing) has left the
        stored families stale, a reader computes them in memory and hands them here; every
        listing of this connection then shows them, until the index changes.
        """
        ordered = sorted(relations, key=lambda r: (r.a, r.b))
        self._derived = (self._data_version(), dict(families), set(boilerplate), ordered)

    def _family(self, num: int, stored: str | None) -> str | None:
        return stored if self._derived is None else self._derived[1].get(num)

    def _boiler(self, pid: int, stored: int) -> int:
        return stored if self._derived is None else int(pid in self._derived[2])

    def document_ids(self) -> dict[int, str]:
        return dict(self.conn.execute("SELECT num, id FROM documents"))

    def dates(self) -> dict[int, str | None]:
        return dict(self.conn.execute("SELECT num, date FROM documents"))

    def date(self, num: int) -> str | None:
        """The date of document ``num`` (None if it has none, or there is no such document)."""
        row = self.conn.execute("SELECT date FROM documents WHERE num=?", (num,)).fetchone()
        return row[0] if row else None

    # -- query helpers -----------------------------------------------------------------------

    def vocabulary_for(self, tokens: Iterable[str]) -> dict[str, int]:
        """Collection frequencies of just these word forms (a query needs no whole vocabulary)."""
        toks = list(tokens)
        out: dict[str, int] = {}
        for i in range(0, len(toks), 900):
            chunk = toks[i : i + 900]
            q = f"SELECT token, cf FROM vocabulary WHERE token IN ({','.join('?' * len(chunk))})"
            out.update(self.conn.execute(q, chunk))
        wanted = set(toks)
        for part in self._word_batches():  # batches of an add not folded yet
            counts = part.as_dict()
            for token in wanted.intersection(counts):
                out[token] = out.get(token, 0) + counts[token]
        return out

    def doc_rows_for(self, nums: Iterable[int]) -> list[dict[str, Any]]:
        """``num``, ``id``, ``path``, ``date`` and ``family`` of just these documents."""
        wanted = sorted(set(nums))
        out: list[dict[str, Any]] = []
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            q = (
                "SELECT d.num, d.id, d.path, d.date, f.family FROM documents d "
                "LEFT JOIN families f ON f.num = d.num "
                f"WHERE d.num IN ({','.join('?' * len(chunk))})"
            )
            out.extend(
                {"num": n, "id": d, "path": p, "date": dt, "family": self._family(n, f)}
                for n, d, p, dt, f in self.conn.execute(q, chunk)
            )
        return out

    def boilerplate_spans(self, num: int) -> list[tuple[int, int]]:
        """Character spans of document ``num`` that are flagged boilerplate in some passage."""
        rows = self.conn.execute(
            "SELECT id, boilerplate, CASE WHEN a=? THEN a_start ELSE b_start END, "
            "CASE WHEN a=? THEN a_end ELSE b_end END FROM passages WHERE a=? OR b=?",
            (num, num, num, num),
        )
        return [(s, e) for pid, boiler, s, e in rows if self._boiler(pid, boiler)]
