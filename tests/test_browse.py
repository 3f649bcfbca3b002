"""The index as a browsable database: foreign keys to documents and views with passage text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from variorum import pipeline
from variorum.config import FINGERPRINT_VERSION, Settings
from variorum.ingest import read_inputs
from variorum.store.browse import FOREIGN_KEYS
from variorum.store.index import Index
from variorum.store.schema import SCHEMA, SCHEMA_VERSION

from conftest import EXAMPLES


def _add_examples(path: Path) -> None:
    with Index.open(path) as index:
        pipeline.add(index, read_inputs([str(EXAMPLES)]), Settings())


def test_tables_name_their_documents_by_foreign_keys(tmp_path: Path):
    db = tmp_path / "v.db"
    _add_examples(db)
    conn = sqlite3.connect(db)
    for table, columns in FOREIGN_KEYS.items():
        keys = {(row[3], row[2], row[4]) for row in conn.execute(f"PRAGMA foreign_key_list({table})")}
        assert keys == {(col, "documents", "num") for col in columns}, table
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_passage_texts_view_quotes_what_the_pipeline_quotes(tmp_path: Path):
    db = tmp_path / "v.db"
    _add_examples(db)
    with Index.open(db) as index:
        expected = {p["id"]: p for p in pipeline.passages(index, Settings())}
        rows = index.conn.execute(
            "SELECT id, a_id, a_path, a_text, b_id, b_path, b_text, words FROM passage_texts"
        ).fetchall()
        paths = {r["id"]: r["path"] for r in index.doc_rows()}
    assert len(rows) == len(expected) > 0
    for pid, a_id, a_path, a_text, b_id, b_path, b_text, words in rows:
        p = expected[pid]
        assert (a_id, b_id, a_text, b_text, words) == (p["a"], p["b"], p["a_text"], p["b_text"], p["words"])
        assert (a_path, b_path) == (paths[a_id], paths[b_id])


def test_document_and_relation_views(tmp_path: Path):
    db = tmp_path / "v.db"
    _add_examples(db)
    conn = sqlite3.connect(db)
    docs = conn.execute("SELECT id, path, family FROM document_list").fetchall()
    assert len(docs) == conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert any(family for _, _, family in docs)
    relations = conn.execute("SELECT a_id, b_id, kind FROM relation_list").fetchall()
    assert len(relations) == conn.execute("SELECT count(*) FROM relations").fetchone()[0] > 0


def test_an_index_of_schema_3_gains_foreign_keys_and_views_and_keeps_its_rows(tmp_path: Path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA)  # the tables as schema 3 made them, without foreign keys
    conn.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?)",
        [("fingerprint_version", str(FINGERPRINT_VERSION)), ("ngram", "5"), ("window", "5")],
    )
    for num in (1, 2):
        conn.execute(
            "INSERT INTO documents(num, id, content_hash, path, n_words, body_words, text, added_at) "
            "VALUES (?, ?, ?, ?, 3, 3, ?, '2024-01-01')",
            (num, f"d{num}", f"h{num}", f"/tmp/{num}.txt", f"text number {num} é"),
        )
    conn.execute(
        "INSERT INTO passages(a, b, a_start, a_end, b_start, b_end, a_words, b_words, identity) "
        "VALUES (1, 2, 5, 11, 5, 11, 1, 1, 1.0)"
    )
    conn.execute("INSERT INTO families(num, family) VALUES (1, 'f1'), (2, 'f1')")
    conn.execute("PRAGMA user_version=3")
    conn.commit()
    conn.close()

    with Index.open(db) as index:
        conn = index.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA foreign_key_list(passages)").fetchall()
        assert conn.execute("SELECT a_text, b_path FROM passage_texts").fetchall() == [
            ("number", "/tmp/2.txt")
        ]
        assert conn.execute("SELECT count(*) FROM families").fetchone()[0] == 2
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"passages_a", "passages_b", "families_family", "relations_b"} <= indexes


def test_datasette_shows_passages_linked_to_documents_with_their_text(tmp_path: Path):
    import asyncio

    from datasette.app import Datasette

    db = tmp_path / "v.db"
    _add_examples(db)

    async def browse() -> tuple:
        ds = Datasette([str(db)])
        await ds.invoke_startup()
        linked = await ds.client.get("/v/passages.json?_labels=on&_shape=objects&_size=5")
        texts = await ds.client.get("/v/passage_texts.json?_shape=objects&_size=5")
        page = await ds.client.get("/v/passages")
        return linked, texts, page

    linked, texts, page = asyncio.run(browse())
    assert linked.status_code == texts.status_code == page.status_code == 200
    row = linked.json()["rows"][0]
    assert set(row["a"]) == {"value", "label"} and row["a"]["label"]  # a link to the document, by title
    shown = texts.json()["rows"][0]
    assert shown["a_text"] and shown["b_text"] and shown["a_path"].startswith(str(EXAMPLES))
    assert 'href="/v/documents/' in page.text
