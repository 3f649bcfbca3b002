"""Hostile and broken inputs through the command line: each is skipped or refused in one line,
within bounded memory and time, and nothing already indexed is lost.

Every case here once failed: a repeated JSON Lines id rolled back a whole batch, bombs took
gigabytes, a glob through a link loop never ended, a full disk or an unwritable output gave a
traceback, random bytes on stdin were indexed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from hostile_run import Run, run
from hostile_synth import big_text, deep_html, docx_bomb, docx_lying, long_json_line, pdf_bomb, random_bytes
from reuse_synth import make_records

from variorum import config

#: Peak memory any refused bomb may cost, in MiB: the process's own ~150 MiB (Python, the
#: libraries) and the file in memory. The bombs expand to 64 MiB-1 GiB when they are not stopped.
BOMB_PEAK_MB = 400


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def count(db: Path, sql: str = "SELECT count(*) FROM documents") -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


# -- a repeated id -----------------------------------------------------------------------------


def repeated_id_corpus(path: Path) -> Path:
    """1,200 records; record 700 reuses the id of record 650 with a text of its own."""
    records = make_records(seed=3, n_docs=1200, n_families=100)
    for i, r in enumerate(records):
        r["id"] = f"r{i}"
    records[699]["id"] = "r649"
    return write_jsonl(path, records)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["add", "analyze"])
def test_a_repeated_id_is_a_named_skip_never_a_rollback(tmp_path, command):
    corpus = repeated_id_corpus(tmp_path / "corpus.jsonl")
    texts = {json.loads(line)["text"] for line in corpus.read_text().splitlines()}
    out = tmp_path / "out"
    args = ["add", corpus, "--db", tmp_path / "x.db"] if command == "add" else ["analyze", corpus, "-o", out]
    db = tmp_path / "x.db" if command == "add" else out / "variorum.db"
    result = run(*args, env={"VARIORUM_BATCH_SIZE": "500"})
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert "id 'r649' is already used by another text (skipped)" in result.err
    # Every text but the one whose id was taken; the records after it are all there.
    assert count(db) == len(texts) - 1
    assert count(db, "SELECT count(*) FROM documents WHERE id = 'r1199'") == 1
    assert count(db, "SELECT count(*) FROM skips WHERE reason LIKE '%r649%'") == 1


def test_two_adds_of_one_folder_at_once_keep_every_document_once(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, r in enumerate(make_records(seed=4, n_docs=120, n_families=10)):
        (folder / f"{i:03}.txt").write_text(r["text"], encoding="utf-8")
    unique = len({p.read_text() for p in folder.iterdir()})
    db = tmp_path / "x.db"
    results: list = []
    threads = [
        threading.Thread(
            target=lambda: results.append(run("add", folder, "--db", db, env={"VARIORUM_BATCH_SIZE": "20"}))
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        assert r.code == 0, r.err
        assert "Traceback" not in r.err
    assert count(db) == unique
    assert integrity(db) == "ok"


def test_a_glob_through_a_link_loop_ends(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "a.txt").write_text("A text that is found once, through the loop or not.")
    (tmp_path / "d" / "sub" / "loop").symlink_to("..")
    result = run("add", "d/**/*.txt", "--db", "x.db", cwd=tmp_path, timeout=60)
    assert result.code == 0, result.err
    assert count(tmp_path / "x.db") == 1


def test_random_bytes_on_stdin_are_skipped_like_a_file(tmp_path):
    data = random_bytes(65536)
    (tmp_path / "noise.txt").write_bytes(data)
    as_file = run("add", tmp_path / "noise.txt", "--db", tmp_path / "a.db")
    as_stdin = run("add", "-", "--db", tmp_path / "b.db", stdin=data)
    for r in (as_file, as_stdin):
        assert r.code == 1
        assert "binary file, not text (skipped)" in r.err
        r.one_line_error()
    assert count(tmp_path / "b.db") == 0


# -- bombs and huge inputs ---------------------------------------------------------------------

BOMBS = {
    "docx_64mib_of_xml": (lambda d: docx_bomb(d / "bomb.docx", 64 * 2**20), "expands"),
    "docx_lying_sizes": (lambda d: docx_lying(d / "lying.docx", 32 * 2**20), "Bad CRC-32"),
    "pdf_256mib_stream": (lambda d: pdf_bomb(d / "bomb.pdf", 256 * 2**20), "flate bomb"),
    "html_100k_deep": (lambda d: deep_html(d / "deep.html", 100_000), "nests elements over"),
    "text_100mb": (lambda d: big_text(d / "big.txt", 100 * 10**6), "limit of one input"),
    "json_line_50mb": (lambda d: long_json_line(d / "line.jsonl", 50 * 10**6), "line over"),
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_bombs_are_refused_in_bounded_memory_and_time(tmp_path, case):
    build, reason = BOMBS[case]
    path = build(tmp_path)
    result = run("add", path, "--db", tmp_path / "x.db", timeout=120)
    assert "Traceback" not in result.err
    assert reason in result.err, result.err
    assert result.peak_mb < BOMB_PEAK_MB, f"{case}: {result.peak_mb:.0f} MiB"
    if case == "json_line_50mb":  # the good records around the huge one are kept
        assert result.code == 0, result.err
        assert count(tmp_path / "x.db") == 2
    else:
        assert result.code == 1
        result.one_line_error()


@pytest.mark.slow
def test_a_1_gib_docx_bomb_is_refused_at_once(tmp_path):
    path = docx_bomb(tmp_path / "bomb.docx", 2**30)
    assert path.stat().st_size < 2 * 2**20
    result = run("add", path, "--db", tmp_path / "x.db", timeout=120)
    assert result.code == 1
    assert "a zip bomb?" in result.one_line_error() or "a zip bomb?" in result.err
    assert result.peak_mb < BOMB_PEAK_MB
    assert result.seconds < 30


def test_a_text_over_the_character_limit_is_refused_naming_the_limit(tmp_path):
    limit = config.MAX_DOCUMENT_CHARS
    path = big_text(tmp_path / "long.txt", limit + 1000)  # under the file limit, over the text limit
    result = run("add", path, "--db", tmp_path / "x.db")
    assert result.code == 1
    assert f"over the {limit:,}-character limit of one document" in result.err


# -- outputs and the index that cannot be written --------------------------------------------

_FULL_DISK = """
import resource, sys
from variorum.text.language import warm_up
warm_up()  # the language model is unpacked to a temporary file: before the limit
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from variorum.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_with_file_limit(limit: int, *args) -> Run:
    """``variorum ARGS`` in a process that cannot write a file beyond ``limit`` bytes (as on a
    full disk: no mount needed)."""
    import sys

    return run(limit, *args, python=[sys.executable, "-c", _FULL_DISK], env={"VARIORUM_BATCH_SIZE": "100"})


def snapshot(db: Path) -> tuple[bytes, int]:
    """The index file's bytes and the size of its write-ahead log (SQLite deletes an empty log
    when the last connection closes: housekeeping, not a write)."""
    wal = Path(f"{db}-wal")
    return db.read_bytes(), wal.stat().st_size if wal.exists() else 0


@pytest.mark.slow
def test_a_full_disk_stops_add_in_one_line_and_reads_still_work_without_writing(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", make_records(seed=6, n_docs=1500, n_families=120))
    db = tmp_path / "x.db"
    result = run_with_file_limit(3_000_000, "add", corpus, "--db", db)
    assert result.code == 1
    line = result.one_line_error()
    assert str(db) in line and "cannot write the index" in line
    kept = count(db)
    assert kept > 0 and integrity(db) == "ok"
    before = snapshot(db)
    # The interrupted add left the families stale; reading them must not write (nor fail).
    outputs = {}
    for command in ("families", "passages"):
        r = run_with_file_limit(3_000_000, command, "--db", db, "--json")
        assert r.code == 0, r.err
        outputs[command] = json.loads(r.out)
    after = snapshot(db)
    assert after[0] == before[0] and after[1] <= before[1]
    # What was read equals what the families stored by a finished add give.
    shutil.copy(db, tmp_path / "y.db")
    if Path(f"{db}-wal").exists():
        shutil.copy(f"{db}-wal", tmp_path / "y.db-wal")
    from variorum import pipeline
    from variorum.config import Settings
    from variorum.store.index import Index

    with Index.open(tmp_path / "y.db") as index:
        assert index.families_stale()
        pipeline.refresh(index, Settings())
        assert pipeline.families(index, Settings()) == outputs["families"]
        assert pipeline.passages(index, Settings()) == outputs["passages"]


def test_an_output_that_cannot_be_written_is_one_line(tmp_path):
    db = tmp_path / "x.db"
    run("add", Path(__file__).parent.parent / "examples", "--db", db)
    result = run("report", "-o", "/proc/x", "--db", db)
    assert result.code == 1
    assert "/proc/x" in result.one_line_error()


def test_dedup_into_a_folder_is_one_line_and_leaves_no_temporary_file(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", make_records(seed=2, n_docs=50, n_families=5))
    folder = tmp_path / "out"
    folder.mkdir()
    result = run("dedup", corpus, "-o", folder, cwd=tmp_path)
    assert result.code == 1
    assert "is a folder" in result.one_line_error()
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_dedup_reads_utf16_json_lines_as_add_does(tmp_path):
    records = make_records(seed=2, n_docs=80, n_families=8)
    utf8 = write_jsonl(tmp_path / "a.jsonl", records)
    utf16 = tmp_path / "b.jsonl"
    utf16.write_text(utf8.read_text(encoding="utf-8"), encoding="utf-16")
    a = run("dedup", utf8, "-o", tmp_path / "a.out.jsonl", "--json")
    b = run("dedup", utf16, "-o", tmp_path / "b.out.jsonl", "--json")
    assert a.code == b.code == 0, b.err
    assert json.loads(a.out)["removed"] == json.loads(b.out)["removed"] > 0
    removed = [json.loads(x)["id"] for x in (tmp_path / "a.out.removed.jsonl").read_text().splitlines()]
    assert removed == [
        json.loads(x)["id"] for x in (tmp_path / "b.out.removed.jsonl").read_text().splitlines()
    ]
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("variorum-dedup-*"))


def test_collatex_input_nested_too_deeply_or_with_a_lone_surrogate(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"witnesses": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run("collate", "--from-collatex", deep, "--format", "collatex")
    assert result.code == 1
    assert "nested too deeply" in result.one_line_error()
    lone = tmp_path / "lone.json"
    lone.write_text(
        '{"witnesses": [{"id": "A", "content": "one two \\ud800 three four"}, '
        '{"id": "B", "content": "one two five three four"}]}'
    )
    result = run("collate", "--from-collatex", lone, "--format", "collatex")
    assert result.code == 0, result.err
    assert "\ufffd" in json.dumps(json.loads(result.out), ensure_ascii=False)


@pytest.mark.parametrize("command", ["query", "text", "doc"])
def test_random_bytes_on_stdin_are_refused_by_every_command(tmp_path, command):
    run("add", Path(__file__).parent.parent / "examples", "--db", tmp_path / "x.db")
    result = (
        run(command, "-", "--db", tmp_path / "x.db", stdin=random_bytes(4096))
        if command == "query"
        else run(command, "-", stdin=random_bytes(4096))
    )
    assert result.code == 1
    assert "binary file, not text" in result.one_line_error()
