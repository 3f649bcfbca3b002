"""The command line, end to end: shapes of --json output, exit codes, messages, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from variorum.cli import main
from variorum.cli.app import app

from conftest import EXAMPLES, seed_path

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *args: str):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_every_command_exists():
    assert COMMANDS == [
        "add",
        "analyze",
        "collate",
        "compare",
        "dedup",
        "doc",
        "families",
        "passages",
        "query",
        "relations",
        "report",
        "serve",
        "spark-discover",
        "text",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "Example" in out


def test_every_command_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for command in COMMANDS:
        assert f"variorum {command}" in readme, command


def test_compare_json_shape_and_offsets_index_the_text_command(capsys, seeds):
    a, b = seed_path("003"), seed_path("004")
    result = run_json(capsys, "compare", str(a), str(b))
    assert set(result) >= {"a", "b", "passages", "coverage"}
    assert set(result["a"]) >= {"path", "date", "languages"}
    assert set(result["coverage"]) == {"a", "b"}
    code, text_a, _ = run(capsys, "text", str(a))
    assert code == 0
    for p in result["passages"]:
        assert set(p) >= {"a_start", "a_end", "b_start", "b_end", "words", "identity", "a_text", "b_text"}
        assert text_a[p["a_start"] : p["a_end"]] == p["a_text"]


def test_index_commands_json_shapes(capsys, seeds, tmp_path):
    db = str(tmp_path / "i.db")
    code, out, _err = run(capsys, "add", str(seeds), "--db", db)
    assert code == 0 and "5 added" in out
    fams = run_json(capsys, "families", "--db", db)
    assert len(fams) == 1
    assert set(fams[0]) == {"id", "documents"}
    assert set(fams[0]["documents"][0]) == {"id", "path", "date", "languages"}
    doc_id = fams[0]["documents"][0]["id"]
    rows = run_json(capsys, "passages", "--db", db, "--doc", doc_id)
    assert rows and all(r["a"] == doc_id for r in rows)
    info = run_json(capsys, "doc", doc_id, "--db", db)
    assert set(info) >= {"id", "path", "date", "dates", "languages", "segments"}
    assert set(info["segments"][0]) >= {"start", "end", "language", "role"}
    answer = run_json(capsys, "query", str(seed_path("001")), "--db", db)
    assert set(answer) >= {"matches", "new", "coverage"}
    assert set(answer["matches"][0]) >= {"document", "passages"}


def test_doc_of_a_file_needs_no_index(capsys, seeds, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    info = run_json(capsys, "doc", str(seed_path("002")))
    assert info["date"] == "2019-06-06"
    assert not (tmp_path / "variorum.db").exists()


def test_user_errors_exit_1_with_one_line_and_no_traceback(capsys, tmp_path):
    cases = [
        ("families", "--db", str(tmp_path / "missing.db")),
        ("doc", "no-such-id", "--db", str(tmp_path / "missing.db")),
        ("compare", str(tmp_path / "nope.txt"), str(tmp_path / "nope2.txt")),
        ("add", "--no-such-flag"),
    ]
    for args in cases:
        code, _out, err = run(capsys, *args)
        assert code == 1, args
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err


def test_unknown_document_id_in_an_index(capsys, seeds, tmp_path):
    db = str(tmp_path / "i.db")
    run(capsys, "add", str(seed_path("001")), "--db", db)
    code, _, err = run(capsys, "passages", "--db", db, "--doc", "zzz")
    assert code == 1 and "no document 'zzz'" in err


def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A perfectly ordinary statement about water supplies. " * 5)
    (folder / "empty.txt").write_text("   \n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a docx")
    return folder


def test_bad_inputs_are_skipped_with_a_reason_and_the_run_goes_on(capsys, tmp_path):
    db = str(tmp_path / "b.db")
    code, out, err = run(capsys, "add", str(bad_folder(tmp_path)), "--db", db)
    assert code == 0
    assert "1 added" in out and "4 skipped" in out
    for name in ("empty.txt", "binary.txt", "broken.pdf", "broken.docx"):
        assert name in err
    assert len([line for line in err.splitlines() if "skipped" in line]) == 4


def test_strict_makes_a_skip_fatal(capsys, tmp_path):
    code, _out, err = run(
        capsys, "add", str(bad_folder(tmp_path)), "--db", str(tmp_path / "s.db"), "--strict"
    )
    assert code == 1
    assert "--strict" in err and "Traceback" not in err


def test_skips_are_recorded_in_the_index(capsys, tmp_path):
    db = str(tmp_path / "r.db")
    run(capsys, "add", str(bad_folder(tmp_path)), "--db", db)
    import sqlite3

    reasons = sqlite3.connect(db).execute("SELECT path, reason FROM skips").fetchall()
    assert len(reasons) == 4


def test_stdin_and_jsonl(capsys, tmp_path, monkeypatch):
    import io

    text = "The harbour authority confirmed the new ferry timetable for the summer season today. " * 3
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code, out, _ = run(capsys, "text", "-")
    assert code == 0 and out == text
    records = tmp_path / "r.jsonl"
    records.write_text(
        json.dumps({"id": "r1", "text": text, "series": "gazette", "date": "2021-06-01", "page": 4}) + "\n"
    )
    db = str(tmp_path / "j.db")
    assert run(capsys, "add", str(records), "--db", db)[0] == 0
    info = run_json(capsys, "doc", "r1", "--db", db)
    assert info["id"] == "r1" and info["date"] == "2021-06-01" and info["series"] == "gazette"


def test_analyze_writes_a_summary(capsys, tmp_path):
    out_dir = tmp_path / "out"
    code, _out, err = run(capsys, "analyze", str(EXAMPLES), "-o", str(out_dir))
    assert code == 0, err
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["counts"]["families"] >= 1
    assert (out_dir / "variorum.db").exists()


def test_console_script_runs(tmp_path):
    exe = Path(sys.executable).with_name("variorum")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "analyze" in result.stdout


def test_analyze_with_its_output_inside_the_input_folder_never_reads_its_own_files(capsys, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The harbour authority confirmed the new ferry timetable for the summer. " * 4
    )
    for _ in range(2):
        code, _out, err = run(capsys, "analyze", str(folder), "-o", str(folder / "out"))
        assert code == 0 and "skipped" not in err.replace("0 skipped", "")


def test_nothing_readable_is_a_user_error(capsys, tmp_path):
    code, _out, err = run(capsys, "add", str(tmp_path / "missing"), "--db", str(tmp_path / "x.db"))
    assert code == 1
    assert "no such file" in err and "nothing could be read" in err


def test_collate_files_json_shape(capsys, tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(
        "Press release 1 May 2021\n\nAround 12.000 residents lost their water supply when the dam failed."
    )
    b.write_text(
        "Press release 1 June 2022\n\nUp to 12,000 residents lost their water supply when the old dam failed."
    )
    data = run_json_collate(capsys, "collate", "--files", str(a), str(b), "--format", "json")
    assert set(data) >= {"witnesses", "variants", "claims", "stemma", "table"}
    assert set(data["witnesses"][0]) >= {"id", "path", "date"}
    v = data["variants"][0]
    assert set(v) >= {"kind", "subtype", "substantive", "readings"}
    assert set(data["stemma"]) >= {"edges"}
    edge = data["stemma"]["edges"][0]
    assert set(edge) == {"parent", "child", "evidence", "confidence"}
    assert [c["change"] for c in data["claims"] if c["kind"] == "quantity"] == ["changed"]


def test_names_and_text_are_printed_as_they_are_not_as_markup(capsys, tmp_path):
    a = tmp_path / "a [draft].txt"
    b = tmp_path / "b [bold]final :smile:.txt"
    a.write_text(
        "Press release 1 May 2021\n\nAround 12.000 residents [red]lost[/] their water supply when the dam failed."
    )
    b.write_text(
        "Press release 1 June 2022\n\nUp to 12,000 residents [red]lost[/] their water supply when the old dam failed."
    )
    code, out, err = run(capsys, "collate", "--files", str(a), str(b))
    assert code == 0, err
    assert "a [draft].txt" in out and "b [bold]final :smile:.txt" in out
    assert "[red]lost[/]" in out
    written = tmp_path / "apparatus.txt"
    code, _, err = run(capsys, "collate", "--files", str(a), str(b), "--format", "text", "-o", str(written))
    assert code == 0, err
    assert "a [draft].txt" in written.read_text() and ":smile:" in written.read_text()
    code, out, err = run(capsys, "compare", str(a), str(b), "--min-words", "5")
    assert code == 0, err
    assert out.startswith(f"{a}: ") and f"; {b}: " in out


def run_json_collate(capsys, *args: str):
    code, out, err = run(capsys, *args)
    assert code == 0, err
    return json.loads(out)


def test_collate_from_collatex_both_witness_forms(capsys, tmp_path):
    source = tmp_path / "w.json"
    source.write_text(
        json.dumps(
            {
                "witnesses": [
                    {"id": "A", "content": "The black cat sat on the mat"},
                    {
                        "id": "B",
                        "tokens": [{"t": "The "}, {"t": "white "}, {"t": "cat "}, {"t": "sat", "n": "sat"}],
                    },
                ]
            }
        )
    )
    data = run_json_collate(capsys, "collate", "--from-collatex", str(source), "--format", "collatex")
    assert data["witnesses"] == ["A", "B"]
    rows = data["table"]
    assert len(rows) == 2 and len(rows[0]) == len(rows[1])
    a_row, b_row = rows
    col = next(k for k, cell in enumerate(a_row) if cell and cell[0]["t"].startswith("black"))
    assert b_row[col][0]["t"].startswith("white")  # the changed word under the word it replaces
    assert all(cell is None or len(cell) == 1 for row in rows for cell in row)


def test_collate_a_family_from_the_index(capsys, tmp_path):
    db = str(tmp_path / "c.db")
    assert run(capsys, "add", str(EXAMPLES), "--db", db)[0] == 0
    family = run_json(capsys, "families", "--db", db)[0]["id"]
    code, out, err = run(capsys, "collate", family[:6], "--db", db)
    assert code == 0, err
    assert "Witnesses" in out and "↔" in out
    code, _, err = run(capsys, "collate", "nosuchfamily", "--db", db)
    assert code == 1 and "no family" in err


def test_collate_user_errors(capsys, tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("some text to collate with itself")
    for args in (("collate", "--files", str(f)), ("collate", "--files", str(f), str(f), "--format", "pdf")):
        code, _, err = run(capsys, *args)
        assert code == 1 and len(err.strip().splitlines()) == 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"witnesses": [{"id": "A"}]}')
    code, _, err = run(capsys, "collate", "--from-collatex", str(bad))
    assert code == 1 and "bad.json" in err


def test_analyze_writes_each_familys_collation(capsys, tmp_path):
    out_dir = tmp_path / "o"
    assert run(capsys, "analyze", str(EXAMPLES), "-o", str(out_dir))[0] == 0
    summary = json.loads((out_dir / "summary.json").read_text())
    fam = summary["families"][0]
    assert fam["collation"]["moves"] == 1 and fam["collation"]["substantive"] > 0
    assert (out_dir / "collations" / f"{fam['id']}.json").exists()
    assert (out_dir / "collations" / f"{fam['id']}.tei.xml").exists()


def test_add_from_spark_refuses_paths_too(capsys, tmp_path):
    code, _, err = run(capsys, "add", "x.txt", "--from-spark", str(tmp_path), "--db", str(tmp_path / "d.db"))
    assert code == 1 and "not both" in err
    code, _, err = run(capsys, "add", "--db", str(tmp_path / "d.db"))
    assert code == 1 and "nothing to add" in err


def test_dedup_writes_kept_lines_unchanged_and_a_sidecar(capsys, tmp_path):
    base = (EXAMPLES / "2021-03-press-release.txt").read_text()
    noisy = base.replace("residents", "resi dents").replace("\n\n", "\n\n\n", 3)
    lines = [
        json.dumps({"id": "a", "text": base}),
        json.dumps({"id": "b", "text": noisy}),
        json.dumps({"id": "c", "text": (EXAMPLES / "2022-09-quoting-op-ed.txt").read_text()}),
        "{not json",
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    report = run_json(capsys, "dedup", str(source), "-o", str(out))
    assert report["removed"] == 1 and report["passed_through"] == 1
    assert out.read_text().splitlines() == [lines[0], lines[2], lines[3]]
    removed = [json.loads(x) for x in Path(report["removed_ids"]).read_text().splitlines()]
    assert [(r["id"], r["duplicate_of"]) for r in removed] == [("b", "a")]


def test_dedup_measure_paragraphs_forgives_moved_and_dropped_paragraphs(capsys, tmp_path):
    base = (EXAMPLES / "2021-03-press-release.txt").read_text()
    paragraphs = [p for p in base.split("\n\n") if p.strip()]
    assert len(paragraphs) == 14
    moved = "\n\n".join([*paragraphs[7:], *paragraphs[:6]])  # halves swapped, one dropped
    lines = [json.dumps({"id": "a", "text": base}), json.dumps({"id": "b", "text": moved})]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    by_words = run_json(capsys, "dedup", str(source), "-o", str(tmp_path / "w.jsonl"))
    assert by_words["removed"] == 0
    by_paragraphs = run_json(
        capsys, "dedup", str(source), "-o", str(tmp_path / "p.jsonl"), "--measure", "paragraphs"
    )
    assert by_paragraphs["removed"] == 1
    assert by_paragraphs["exact"] == 0  # a near-duplicate with moved paragraphs, not an exact copy
    code, _, err = run(capsys, "dedup", str(source), "-o", str(tmp_path / "x.jsonl"), "--measure", "lines")
    assert code == 1 and "'lines' is not one of 'words', 'paragraphs'" in err


def test_relations_types_every_pair_of_the_seeds(capsys, seeds, tmp_path):
    db = str(tmp_path / "v.db")
    assert main(["add", str(seeds), "--db", db]) == 0
    capsys.readouterr()
    rows = run_json(capsys, "relations", "--db", db)
    assert len(rows) == 10
    by_names = {frozenset(Path(r[s]["path"]).name[:3] for s in "ab"): r for r in rows}
    # The 2018 press release and the UN annex of it are copies; so are the two 2020 copies.
    assert by_names[frozenset({"000", "001"})]["kind"] == "copy"
    assert by_names[frozenset({"003", "004"})]["kind"] == "copy"
    # The 2020 edition revises the 2018 statement, and the press release is the earlier side.
    rel = by_names[frozenset({"001", "003"})]
    assert rel["kind"] == "revision"
    assert rel[rel["earlier"]]["path"].endswith(seed_path("001").name)
    assert "revision of" in rel["summary"] and "2018 → 2020" in rel["summary"]
    only = run_json(capsys, "relations", "--db", db, "--kind", "copy")
    assert {r["kind"] for r in only} == {"copy"} and len(only) == 2
    doc = by_names[frozenset({"001", "003"})]["a"]["id"]
    mine = run_json(capsys, "relations", "--db", db, "--doc", doc)
    assert len(mine) == 4 and all(r["a"]["id"] == doc for r in mine)
    # Seen from one document, a version says which paragraphs the other lacks: the 2020 edition
    # dropped paragraphs of the 2018 release and added its own.
    to_2020 = next(r for r in mine if Path(r["b"]["path"]).name.startswith("003"))
    assert to_2020["evidence"]["a_only_paragraphs"] > 0 and to_2020["evidence"]["b_only_paragraphs"] > 0
    assert "paragraphs dropped" in to_2020["summary"] and "added" in to_2020["summary"]
    code, _, err = run(capsys, "relations", "--db", db, "--kind", "cousin")
    assert code == 1 and "unknown relation kind 'cousin'" in err


def test_word_count_of_a_file_does_not_change_once_indexed(capsys, seeds, tmp_path):
    db = str(tmp_path / "w.db")
    paths = [*sorted(EXAMPLES.glob("*.*")), *sorted(seeds.iterdir())]
    code, _, err = run(capsys, "add", *map(str, paths), "--db", db)
    assert code == 0, err
    for path in paths:
        as_file = run_json(capsys, "doc", str(path))
        indexed = run_json(capsys, "doc", as_file["id"], "--db", db)
        assert indexed["words"] == as_file["words"], path.name


def test_version(capsys):
    from variorum import __version__

    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"variorum {__version__}"


@pytest.mark.parametrize(
    ("command", "listed"),
    [
        ("collate", "<text|json|tei|collatex>"),
        ("dedup", "<first|longest|earliest>"),
        ("dedup", "<words|paragraphs>"),
    ],
)
def test_choices_are_listed_in_help_and_checked(capsys, command, listed):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and listed in " ".join(out.split())
    code, _, err = run(capsys, "collate", "--files", "a", "b", "--format", "pdf")
    assert code == 1 and "'pdf' is not one of" in err and len(err.strip().splitlines()) == 1


def test_csv_and_json_are_the_same_options_everywhere(capsys, tmp_path):
    import csv
    import io

    db = str(tmp_path / "c.db")
    assert run(capsys, "add", str(EXAMPLES), "--db", db)[0] == 0
    for args in (["families"], ["passages"], ["query", str(EXAMPLES / "2023-04-statement.md")]):
        code, out, err = run(capsys, *args, "--db", db, "--csv")
        assert code == 0, err
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows, args
        code, _, err = run(capsys, *args, "--db", db, "--csv", "--json")
        assert code == 1 and "give one of them" in err
    a, b = str(EXAMPLES / "2021-03-press-release.txt"), str(EXAMPLES / "2023-04-statement.md")
    code, out, _ = run(capsys, "compare", a, b, "--csv")
    assert code == 0 and out.startswith("a_start,a_end,b_start,b_end")
    collation = run_json(capsys, "collate", "--files", a, b)
    assert collation["format"] == "variorum-collation"


def test_tables_name_files_and_count_in_the_right_number(capsys, tmp_path):
    db = str(tmp_path / "t.db")
    run(capsys, "add", str(EXAMPLES), "--db", db)
    code, out, _ = run(capsys, "families", "--db", db)
    assert code == 0 and "2021-03-press-release.txt" in out and "(5 documents)" in out
    code, out, _ = run(capsys, "query", str(EXAMPLES / "2023-03-news-article.html"), "--db", db)
    assert code == 0 and "first seen" in out and "2021-03-press-release.txt" in out
    first = out.index("2021-03-press-release.txt")
    assert first < out.index("2023-04-statement.md")  # earliest first
    assert "up to 12,000" in out and "around 12.000" in out
    single = tmp_path / "one"
    single.mkdir()
    (single / "a.txt").write_text((EXAMPLES / "2021-03-press-release.txt").read_text())
    (single / "b.txt").write_text((EXAMPLES / "2021-03-press-release.txt").read_text() + "\n\nOne more line.")
    code, out, _ = run(capsys, "analyze", str(single), "--db", str(tmp_path / "one.db"))
    assert code == 0 and "1 family of versions" in out and "1 families" not in out
