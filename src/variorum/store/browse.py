"""What makes the index a browsable database: foreign keys and views (schema 4).

``datasette variorum.db`` (or sqlite-utils, or any SQLite browser) links rows through foreign
keys and lists views like tables. The tables keep their compact integer document ``num``\\ s;
the foreign keys say that ``passages.a``, ``pairs.b``, ``families.num`` … are documents, so that
datasette shows each as a link to its document row, and the views join in what a reader wants
to see: document ids and paths, and each passage's text on both sides, quoted from the stored
originals with ``substr`` (SQLite counts characters as Python does, so the offsets are the
same). The text of a passage is never stored twice.

Foreign keys cannot be added to an existing SQLite table, so :func:`add_foreign_keys` rebuilds
each table that lacks them from its own ``CREATE TABLE`` statement, whatever columns earlier
schema steps gave it, and restores its indexes.
"""

from __future__ import annotations

import re
import sqlite3

#: Columns that name a document (``documents.num``), by table.
FOREIGN_KEYS: dict[str, tuple[str, ...]] = {
    "pairs": ("a", "b"),
    "passages": ("a", "b"),
    "families": ("num",),
    "relations": ("a", "b"),
}

VIEWS = """
CREATE VIEW IF NOT EXISTS passage_texts AS
SELECT p.id, p.a, da.id AS a_id, da.path AS a_path, p.a_start, p.a_end,
       substr(da.text, p.a_start + 1, p.a_end - p.a_start) AS a_text,
       p.b, db.id AS b_id, db.path AS b_path, p.b_start, p.b_end,
       substr(db.text, p.b_start + 1, p.b_end - p.b_start) AS b_text,
       min(p.a_words, p.b_words) AS words, p.identity, p.boilerplate, p.earlier
FROM passages p JOIN documents da ON da.num = p.a JOIN documents db ON db.num = p.b;
CREATE VIEW IF NOT EXISTS document_list AS
SELECT d.num, d.id, d.path, d.title, d.date, d.languages, d.n_words AS words, f.family, d.added_at
FROM documents d LEFT JOIN families f ON f.num = d.num;
CREATE VIEW IF NOT EXISTS relation_list AS
SELECT r.a, da.id AS a_id, da.path AS a_path, r.b, db.id AS b_id, db.path AS b_path, r.kind, r.score,
       r.shared_words, r.a_coverage, r.b_coverage, r.identity, r.earlier
FROM relations r JOIN documents da ON da.num = r.a JOIN documents db ON db.num = r.b;
"""


def _with_references(sql: str, columns: tuple[str, ...]) -> str:
    for col in columns:
        sql, n = re.subn(rf"(\n\s*{col} INTEGER[^,\n]*)", r"\1 REFERENCES documents(num)", sql, count=1)
        if n != 1:
            raise ValueError(f"column {col} not found in {sql[:60]!r}")
    return sql


def add_foreign_keys(conn: sqlite3.Connection) -> None:
    """Rebuild each table of :data:`FOREIGN_KEYS` that has no foreign key yet (inside the
    caller's transaction). The views are dropped first (renaming a table re-checks every view)
    and made again by :func:`create_views`."""
    if not _has_table(conn, "documents"):
        return  # nothing to refer to (an index from before documents were stored)
    drop_views(conn)
    for table, columns in FOREIGN_KEYS.items():
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()
        if row is None or conn.execute(f"PRAGMA foreign_key_list({table})").fetchone() is not None:
            continue
        indexes = [
            r[0]
            for r in conn.execute(
                "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL",
                (table,),
            )
        ]
        create = _with_references(row[0], columns)
        create = re.sub(rf"^CREATE TABLE (IF NOT EXISTS )?\"?{table}\"?", f"CREATE TABLE {table}_fk", create)
        conn.execute(create)
        conn.execute(f"INSERT INTO {table}_fk SELECT * FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE {table}_fk RENAME TO {table}")
        for sql in indexes:
            conn.execute(sql)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
        is not None
    )


def drop_views(conn: sqlite3.Connection) -> None:
    for name in re.findall(r"CREATE VIEW IF NOT EXISTS (\w+)", VIEWS):
        conn.execute(f"DROP VIEW IF EXISTS {name}")


def create_views(conn: sqlite3.Connection) -> None:
    """Make the views (again); a view over a table this index does not have is left out."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for statement in VIEWS.split(";"):
        needs = set(re.findall(r"(?:FROM|JOIN) (\w+)", statement))
        if statement.strip() and needs <= tables:
            conn.execute(statement)
