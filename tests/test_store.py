"""The SQLite index: schema versioning, WAL, idempotent and incremental adds, crash safety."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from variorum import pipeline
from variorum.config import Settings
from variorum.errors import IndexError_, UsageError
from variorum.model import Document, content_id
from variorum.prepare import prepare
from variorum.store.index import Index
from variorum.store.schema import SCHEMA_VERSION

STATEMENT = (
    "The commission met on 4 May and agreed that the harbour works would resume once the survey of the "
    "northern breakwater was complete and the contractor had filed its revised safety plan with the port "
    "authority. Fishing crews were told to keep clear of the channel until further notice, and the "
    "ferry timetable will change from the first Monday of June."
)


def doc(text: str, **kw) -> Document:
    return Document(id=kw.pop("id", content_id(text)), text=text, **kw)


def versions() -> list[Document]:
    return [
        doc("Press release 4 May 2021\n\n" + STATEMENT, date="2021-05-04"),
        doc("Notice, 9 May 2021.\n\n" + STATEMENT.replace("4 May", "the 4th of May"), date="2021-05-09"),
        doc(
            "A note on something else entirely, with no shared wording at all, about the library opening hours."
        ),
    ]


def test_new_index_has_schema_version_and_wal(tmp_path: Path):
    db = tmp_path / "v.db"
    Index.open(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path):
    db = tmp_path / "v.db"
    Index.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(IndexError_, match="newer"):
        Index.open(db)


def test_foreign_sqlite_file_and_garbage_file_are_refused(tmp_path: Path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    with pytest.raises(IndexError_, match="not a variorum index"):
        Index.open(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(IndexError_, match="not a variorum index"):
        Index.open(junk)


def test_missing_index_without_create(tmp_path: Path):
    with pytest.raises(IndexError_, match="no index here"):
        Index.open(tmp_path / "nope.db", create=False)


def test_other_ngram_settings_are_refused(index: Index):
    with pytest.raises(UsageError, match="ngram"):
        pipeline.add(index, [], Settings(ngram=7))


def test_add_is_idempotent_and_incremental(index: Index, settings: Settings):
    first = pipeline.add(index, versions()[:1], settings)
    assert first.added == 1 and first.pairs == 0
    second = pipeline.add(index, versions(), settings)
    assert (second.added, second.duplicates) == (2, 1)
    assert second.pairs == 1  # only the new document's alignment was computed
    again = pipeline.add(index, versions(), settings)
    assert (again.added, again.duplicates, again.pairs) == (0, 3, 0)
    assert index.count("documents") == 3
    fams = pipeline.families(index, settings)
    assert len(fams) == 1 and len(fams[0]["documents"]) == 2
    assert [d["date"] for d in fams[0]["documents"]] == ["2021-05-04", "2021-05-09"]


def test_same_id_for_other_content_is_skipped_not_overwritten(index: Index, settings: Settings):
    pipeline.add(index, [doc(STATEMENT, id="rec-1")], settings)
    report = pipeline.add(index, [doc("different text entirely " * 10, id="rec-1")], settings)
    assert report.added == 0
    assert "already used" in report.skipped[0].reason
    assert index.document(index.num_of("rec-1")).text == STATEMENT


def test_interrupted_add_keeps_committed_batches_and_a_readable_index(tmp_path: Path):
    settings = Settings(batch_size=2)
    db = tmp_path / "crash.db"
    texts = [f"Document number {i}. " + STATEMENT for i in range(3)] + ["x " * 40]

    def docs():
        for i, t in enumerate(texts):
            if i == 3:
                raise KeyboardInterrupt  # Ctrl-C while reading the second batch
            yield doc(t)

    with Index.open(db) as index, pytest.raises(KeyboardInterrupt):
        pipeline.add(index, docs(), settings)
    with Index.open(db) as index:
        assert index.count("documents") == 2
        assert index.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # the interrupted run left families stale; reading refreshes them
        assert len(pipeline.families(index, settings)) == 1
        report = pipeline.add(index, [doc(t) for t in texts], settings)
        assert (report.added, report.duplicates) == (2, 2)


def test_failure_inside_a_batch_rolls_back_that_batch_only(tmp_path: Path, monkeypatch):
    settings = Settings(batch_size=1)
    db = tmp_path / "fail.db"
    calls = {"n": 0}
    real = pipeline.quote  # called for each aligned pair

    def flaky(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kw)

    monkeypatch.setattr(pipeline, "quote", flaky)
    texts = [f"Version {i}. " + STATEMENT for i in range(3)]
    with Index.open(db) as index, pytest.raises(RuntimeError):
        pipeline.add(index, [doc(t) for t in texts], settings)
    with Index.open(db) as index:
        assert index.count("documents") == 2  # the third document's batch was rolled back whole
        assert index.count("passages") == 1
        nums = [r["num"] for r in index.doc_rows()]
        assert index.conn.execute("SELECT COUNT(*) FROM tokens").fetchone()[0] == len(nums)


def test_reuse_inside_one_series_can_be_ignored(tmp_path: Path):
    from dataclasses import replace

    docs = [
        doc(f"Edition {i} of the gazette. " + STATEMENT, series="gazette", date=f"2021-0{i}-01")
        for i in (1, 2)
    ]
    with Index.open(tmp_path / "s1.db") as index:
        assert pipeline.add(index, docs, Settings()).pairs == 1
    with Index.open(tmp_path / "s2.db") as index:
        assert pipeline.add(index, docs, replace(Settings(), ignore_series=True)).pairs == 0


def test_each_passage_says_which_side_is_earlier(index: Index, settings: Settings):
    pipeline.add(index, versions(), settings)
    rows = pipeline.passages(index, settings)
    assert rows
    for p in rows:
        earlier_id = p["a"] if p["earlier"] == "a" else p["b"]
        assert index.document(index.num_of(earlier_id)).date == "2021-05-04"


def test_a_version_2_index_gains_relations_from_its_stored_passages(tmp_path):
    """Schema 3 adds pair evidence and relations; an older index's pairs have none, and its
    relations come from the stored passages (order, identity) instead."""
    from variorum.ingest import read_file
    from variorum.store.schema import PAIR_EVIDENCE_COLUMNS

    from conftest import EXAMPLES

    db = tmp_path / "v2.db"
    settings = Settings()
    with Index.open(db) as index:
        docs = [read_file(p) for p in sorted(EXAMPLES.glob("*.*"))]
        pipeline.add(index, docs, settings)
        before = pipeline.families(index, settings)
    conn = sqlite3.connect(db)
    for name, _ in PAIR_EVIDENCE_COLUMNS:
        conn.execute(f"ALTER TABLE pairs DROP COLUMN {name}")
    conn.execute("DROP TABLE relations")
    conn.execute("PRAGMA user_version=2")
    conn.commit()
    conn.close()
    with Index.open(db) as index:
        pipeline.refresh(index, settings)
        kinds = {r["kind"] for r in pipeline.relations(index, settings)}
        assert index.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert kinds and kinds <= {"copy", "revision", "excerpt", "quotation", "boilerplate"}
        assert [len(f["documents"]) for f in pipeline.families(index, settings)] == [
            len(f["documents"]) for f in before
        ]


def test_the_document_listing_follows_changes_from_any_connection(tmp_path: Path, settings: Settings):
    # doc_rows is kept between calls (a report asks for it once per page); a write through this
    # connection or a commit through another one must show in the next call.
    db = tmp_path / "index.db"
    with Index.open(db, settings=settings) as reader, Index.open(db, settings=settings) as writer:
        assert reader.doc_rows() == []
        pipeline.add(writer, versions()[:1], settings)
        assert [r["date"] for r in reader.doc_rows()] == ["2021-05-04"]
        pipeline.add(reader, versions()[1:], settings)
        rows = reader.doc_rows()
        assert len(rows) == 3
        rows[0]["date"] = "1999-01-01"  # each call gets its own rows
        assert reader.doc_rows()[0]["date"] == "2021-05-04"
        assert pipeline.families(writer, settings)[0]["documents"][0]["date"] == "2021-05-04"
        families = {r["family"] for r in writer.doc_rows()}
        assert families == {r["family"] for r in reader.doc_rows()}


def test_main_languages_kept_follow_inserts_rollbacks_and_other_connections(
    tmp_path: Path, settings: Settings
):
    # main_languages is read once and then kept up to date with this connection's inserts; it
    # must always be what the query over every document says.
    def query(index: Index) -> set[str | None]:
        rows = index.conn.execute("SELECT DISTINCT json_extract(languages, '$[0]') FROM documents")
        return {r[0] for r in rows}

    english = Document("en", "The committee met on Tuesday and agreed the budget for the year.")
    german = Document("de", "Der Ausschuss hat sich am Dienstag getroffen und den Haushalt beschlossen.")
    french = Document("fr", "Le comité s'est réuni mardi et a adopté le budget de l'année.")
    db = tmp_path / "index.db"
    with Index.open(db, settings=settings) as index, Index.open(db, settings=settings) as other:
        assert index.main_languages() == query(index) == set()
        pipeline.add(index, [english], settings)
        assert index.main_languages() == query(index) and len(query(index)) == 1
        with pytest.raises(RuntimeError), index.transaction():
            index.insert_many([(prepare(german, index.vocabulary(), settings), "h-de", None)])
            assert index.main_languages() == query(index)
            raise RuntimeError("rolled back")
        assert index.main_languages() == query(index) and len(query(index)) == 1
        pipeline.add(other, [german], settings)
        assert index.main_languages() == query(index) and len(query(index)) == 2
        with index.transaction():
            index.insert_many([(prepare(french, index.vocabulary(), settings), "h-fr", None)])
            assert index.main_languages() == query(index) and len(query(index)) == 3
        assert index.main_languages() == query(index) == other.main_languages()


def test_word_counts_are_added_to_the_stored_vocabulary(tmp_path: Path):
    """A batch's counts reach SQLite as one JSON object: quotes, backslashes, control characters,
    characters beyond the BMP and counts already stored all come back as added."""
    from collections import Counter

    with Index.open(tmp_path / "v.db") as index:
        first = Counter({"a": 2, 'é"\\x\u0001': 3, "ᚠ": 1, "😀": 4})
        with index.transaction():
            index.add_vocabulary(first)
            index.add_vocabulary(Counter())
        with index.transaction():
            index.add_vocabulary(Counter({"a": 5, "😀": 1, "новое": 7}))
        assert index.vocabulary() == first + Counter({"a": 5, "😀": 1, "новое": 7})


def _insert_one_by_one(index: Index, prep, content_hash: str) -> int:
    """How documents were stored before ``insert_many``: one statement a row, SQLite's rowid, JSON
    encoded for each document. The reference the batched insert is compared with."""
    import json

    from variorum.store.codec import pack

    d, packed = prep.doc, pack(prep.tokens, prep.segments)
    cur = index.conn.execute(
        "INSERT INTO documents(id, content_hash, path, format, title, source, date, dates, series, "
        "metadata, languages, n_words, body_words, text, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            *(d.id, content_hash, d.path, d.format, d.title, d.source, d.date, json.dumps(list(d.dates))),
            d.series,
            json.dumps(dict(d.metadata), ensure_ascii=False, default=str),
            json.dumps(list(prep.languages)),
            prep.words if prep.words >= 0 else len(prep.tokens),
            prep.body_words(),
            d.text,
            "now",
        ),
    )
    num = int(cur.lastrowid)
    index.conn.execute(
        "INSERT INTO tokens(num, norms, starts, ends) VALUES (?,?,?,?)",
        (num, packed.norms, packed.starts, packed.ends),
    )
    index.conn.executemany(
        "INSERT INTO segments(num, idx, start, end, language, role, sentences) VALUES (?,?,?,?,?,?,?)",
        [(num, *row) for row in packed.segments],
    )
    return num


def test_documents_inserted_together_are_stored_as_one_by_one(tmp_path: Path, settings: Settings):
    from variorum.prepare import prepare
    from variorum.text.normalize import count_vocabulary, raw_tokens
    from variorum.workers import with_tokens

    docs = [
        *versions(),
        doc("Пресс-релиз от 6 июня 2019 года.\n\n" + STATEMENT, title="Релиз", metadata={"n": 1, "a": "é"}),
        doc(
            "Un comunicado del 6 de mayo de 2020.\n\nTexto en español, breve.",
            dates=("2020-05-06", "6 mayo é"),
        ),
    ]
    vocab = count_vocabulary(raw_tokens(d.text) for d in docs)
    preps = [prepare(d, vocab, settings) for d in docs]
    tables = ("documents", "tokens", "segments")

    def rows(index: Index) -> dict[str, list[tuple]]:
        out = {}
        for table in tables:
            cols = [r[1] for r in index.conn.execute(f"PRAGMA table_info({table})") if r[1] != "added_at"]
            out[table] = index.conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY 1, 2").fetchall()
        return out

    stored = {}
    for how in ("one by one", "together"):
        with Index.open(tmp_path / f"{how}.db") as index:
            with index.transaction():
                # a removed last document: the next num is one past the largest left, as SQLite's
                first = _insert_one_by_one(index, preps[0], "h0")
                last = _insert_one_by_one(index, preps[1], "h1")
                index.conn.execute("DELETE FROM segments WHERE num=?", (last,))
                index.conn.execute("DELETE FROM tokens WHERE num=?", (last,))
                index.conn.execute("DELETE FROM documents WHERE num=?", (last,))
                items = [(p, f"h{i}", None) for i, p in enumerate(preps) if i]
                if how == "together":
                    # one of them packed already, as a worker sends it
                    from variorum.store.codec import pack

                    items[1] = (items[1][0], items[1][1], pack(preps[2].tokens, preps[2].segments))
                    nums = index.insert_many([(replace_tokens(p, k), h, k) for p, h, k in items])
                else:
                    nums = [_insert_one_by_one(index, p, h) for p, h, _ in items]
                assert nums == [last + i for i in range(len(items))] and first == 1
            stored[how] = rows(index)
            assert index.known_ids([d.id for d in docs] + ["nobody"]) == {d.id for d in docs}
            assert with_tokens(index.load_prepared(nums[1], settings), None).tokens == preps[2].tokens
    assert stored["together"] == stored["one by one"]


def replace_tokens(prep, packed):
    """``prep`` as a worker sends it: without tokens when they come packed."""
    from dataclasses import replace

    return prep if packed is None else replace(prep, tokens=None)
