"""The SQLite schema of the index, versioned with ``PRAGMA user_version``.

Version history (bump ``SCHEMA_VERSION`` and add a step to ``MIGRATIONS`` for every change):

* 1 — documents, tokens, segments, postings (winnowed fingerprints, clustered by hash), pairs, passages,
  families, vocabulary, skips, meta.
* 2 — ``postings`` replaced by ``posting_runs``: the same fingerprints, one row per sorted run of
  ``(hash, num)`` (see :mod:`variorum.detect.postings`), so that adding a batch appends a row
  instead of writing all over a B-tree. Positions are no longer stored (nothing read them).
* 3 — ``pairs`` gain the evidence of :mod:`variorum.align.evidence` (in-order run coverage of
  each body, passage order agreement, longest passage, weighted identity, the extent of the
  passages in each body; -1 where an older index never computed them), and ``relations``
  holds one typed, scored relation per pair
  (:mod:`variorum.group.relations`), recomputed with families at the end of every ``add``.
* 4 — foreign keys from ``pairs``, ``passages``, ``families`` and ``relations`` to
  ``documents(num)``, and the views ``passage_texts`` (passages with both documents' ids, paths
  and quoted text), ``document_list`` and ``relation_list``, so that datasette and other SQLite
  browsers link and show them (:mod:`variorum.store.browse`).
* 5 — ``pairs`` gain ``a_head`` and ``b_head``, the share of each body before the first passage
  word, and ``heads_alike``, how alike those two openings are (-1 where an older index never
  computed them), which tell a footer shared by two texts from an edited text
  (:mod:`variorum.group.relations`).
* 6 — ``anchor_profiles`` (each document's anchors and paragraph spans, as the translation pass
  reads them) and ``anchor_chains`` (the anchors two documents share in order, and the evidence
  of a pair found to be a translation): kept so that an ``add`` reads and compares only its new
  documents (:mod:`variorum.crosslang.stored`). An older index gets them empty, filled on its
  next ``add``; until then a read computes them in memory.
* 7 — the ``starts`` and ``ends`` of ``tokens`` may hold the steps between offsets behind a tag
  byte instead of a zlib stream (:mod:`variorum.store.codec`); rows written before are read as
  they are, so nothing is rewritten, but an older variorum could not read the new rows.
* 8 — ``vocabulary_batches``: the word counts of each batch an ``add`` commits, written as one
  row (:class:`variorum.store.wordcounts.WordCounts`) with the batch's documents, and folded into
  ``vocabulary`` at the end of the ``add`` (or once they hold
  :data:`~variorum.config.VOCABULARY_FOLD_WORDS` words). Upserting each batch's 26,000 words
  of invented vocabulary one row at a time cost the main process more than its documents' rows;
  the words of six batches are some 44,000 distinct ones. The vocabulary read is ``vocabulary``
  plus every row here, so an interrupted ``add`` leaves the counts of the batches it committed.

Documents have an integer ``num`` (the rowid, compact in postings) and a public text ``id``.
Passages do not store their text: it is always re-quoted from ``documents.text`` by offsets, so
there is exactly one copy of every original.
"""

from __future__ import annotations

SCHEMA_VERSION = 8

#: Evidence columns of ``pairs`` (name, declaration): schema 3 added the first seven, schema 5
#: the last three.
PAIR_EVIDENCE_COLUMNS = (
    ("a_runs", "REAL NOT NULL DEFAULT -1"),
    ("b_runs", "REAL NOT NULL DEFAULT -1"),
    ("order_agreement", "REAL NOT NULL DEFAULT -1"),
    ("longest", "INTEGER NOT NULL DEFAULT -1"),
    ("identity", "REAL NOT NULL DEFAULT -1"),
    ("a_extent", "REAL NOT NULL DEFAULT -1"),
    ("b_extent", "REAL NOT NULL DEFAULT -1"),
    ("a_head", "REAL NOT NULL DEFAULT -1"),
    ("b_head", "REAL NOT NULL DEFAULT -1"),
    ("heads_alike", "REAL NOT NULL DEFAULT -1"),
)

RELATIONS = """
CREATE TABLE IF NOT EXISTS relations (
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    shared_words INTEGER NOT NULL,
    a_coverage REAL NOT NULL,
    b_coverage REAL NOT NULL,
    order_agreement REAL NOT NULL,
    longest INTEGER NOT NULL,
    identity REAL NOT NULL,
    earlier TEXT,
    evidence TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relations_b ON relations(b);
CREATE INDEX IF NOT EXISTS relations_kind ON relations(kind);
"""

ANCHORS = """
CREATE TABLE IF NOT EXISTS anchor_profiles (
    num INTEGER PRIMARY KEY REFERENCES documents(num),
    language TEXT,
    paragraphs BLOB NOT NULL,
    kinds TEXT NOT NULL,
    keys TEXT NOT NULL,
    starts BLOB NOT NULL,
    ends BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS anchor_chains (
    a INTEGER NOT NULL REFERENCES documents(num),
    b INTEGER NOT NULL REFERENCES documents(num),
    chain BLOB NOT NULL,
    evidence TEXT,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
"""

VOCABULARY_BATCHES = """
CREATE TABLE IF NOT EXISTS vocabulary_batches (
    batch INTEGER PRIMARY KEY,
    words TEXT NOT NULL,   -- the words, joined by U+001F
    counts BLOB NOT NULL   -- the count of each, little-endian int64
);
"""

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL UNIQUE,
    path TEXT,
    format TEXT,
    title TEXT,
    source TEXT,
    date TEXT,
    dates TEXT NOT NULL DEFAULT '[]',
    series TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    languages TEXT NOT NULL DEFAULT '[]',
    n_words INTEGER NOT NULL,
    body_words INTEGER NOT NULL,
    text TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    num INTEGER PRIMARY KEY REFERENCES documents(num),
    norms BLOB NOT NULL,
    starts BLOB NOT NULL,
    ends BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    num INTEGER NOT NULL REFERENCES documents(num),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    language TEXT,
    role TEXT NOT NULL,
    sentences TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (num, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS posting_runs (
    run INTEGER PRIMARY KEY AUTOINCREMENT,
    level INTEGER NOT NULL,
    n INTEGER NOT NULL,
    hashes BLOB NOT NULL,  -- n little-endian int64 fingerprints, sorted
    nums BLOB NOT NULL     -- n little-endian int32 document nums, parallel to hashes
);
CREATE TABLE IF NOT EXISTS pairs (
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    a_coverage REAL NOT NULL,
    b_coverage REAL NOT NULL,
    a_body REAL NOT NULL,
    b_body REAL NOT NULL,
    shared_words INTEGER NOT NULL,
    a_runs REAL NOT NULL DEFAULT -1,
    b_runs REAL NOT NULL DEFAULT -1,
    order_agreement REAL NOT NULL DEFAULT -1,
    longest INTEGER NOT NULL DEFAULT -1,
    identity REAL NOT NULL DEFAULT -1,
    a_extent REAL NOT NULL DEFAULT -1,
    b_extent REAL NOT NULL DEFAULT -1,
    a_head REAL NOT NULL DEFAULT -1,
    b_head REAL NOT NULL DEFAULT -1,
    heads_alike REAL NOT NULL DEFAULT -1,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY,
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    a_start INTEGER NOT NULL,
    a_end INTEGER NOT NULL,
    b_start INTEGER NOT NULL,
    b_end INTEGER NOT NULL,
    a_words INTEGER NOT NULL,
    b_words INTEGER NOT NULL,
    identity REAL NOT NULL,
    boilerplate INTEGER NOT NULL DEFAULT 0,
    earlier TEXT
);
CREATE INDEX IF NOT EXISTS passages_a ON passages(a);
CREATE INDEX IF NOT EXISTS passages_b ON passages(b);
CREATE TABLE IF NOT EXISTS families (
    num INTEGER PRIMARY KEY,
    family TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS families_family ON families(family);
"""
    + RELATIONS
    + """CREATE TABLE IF NOT EXISTS vocabulary (
    token TEXT PRIMARY KEY,
    cf INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS skips (
    path TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
"""
    + ANCHORS
    + VOCABULARY_BATCHES
)

#: Steps from version N-1 to N, applied in order to an older index.
#: Version 2 also moves the rows of ``postings`` into runs, which takes Python
#: (:meth:`variorum.store.index.Index._migrate`), before the old table is dropped; version 3
#: adds the columns of :data:`PAIR_EVIDENCE_COLUMNS` to ``pairs`` where they are missing;
#: version 4 rebuilds tables with foreign keys there (:func:`variorum.store.browse.add_foreign_keys`)
#: before its views are made.
MIGRATIONS: dict[int, str] = {
    2: """
CREATE TABLE IF NOT EXISTS posting_runs (
    run INTEGER PRIMARY KEY AUTOINCREMENT,
    level INTEGER NOT NULL,
    n INTEGER NOT NULL,
    hashes BLOB NOT NULL,
    nums BLOB NOT NULL
);
""",
    3: RELATIONS,
    4: "",  # foreign keys and views: variorum.store.browse, run by Index._migrate
    5: "",  # the new columns of PAIR_EVIDENCE_COLUMNS, added by Index._migrate
    6: ANCHORS,
    7: "",  # token offsets packed as steps (variorum.store.codec); older rows stay readable
    8: VOCABULARY_BATCHES,
}
