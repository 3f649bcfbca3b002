"""compare, collate and dedup without typer: every argument list the quick parser reads makes the
call typer makes, and everything else is left to typer (variorum.cli.quick)."""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from variorum.cli import main, quick

COLLATE = [
    ["collate", "--files", "a.txt", "b.txt"],
    ["collate", "--files", "a.txt", "b.txt", "c.txt"],
    ["collate", "a.txt", "--files", "b.txt"],
    ["collate", "--files", "-", "b.txt"],
    ["collate", "--files", "a.txt", "b.txt", "--json"],
    ["collate", "--files", "a.txt", "b.txt", "--all"],
    ["collate", "--all", "--files", "a.txt", "b.txt", "--format", "tei"],
    ["collate", "--files", "a.txt", "b.txt", "--format=collatex"],
    ["collate", "--files", "a.txt", "b.txt", "--format", "json", "--json"],
    ["collate", "--files", "a.txt", "b.txt", "--format", "tei", "--json"],
    ["collate", "--files", "a.txt", "b.txt", "-o", "out.txt"],
    ["collate", "--files", "a.txt", "b.txt", "--output", "dir/out.xml", "--format", "tei"],
    ["collate", "--files", "a.txt", "b.txt", "--output=out.json", "--json"],
    ["collate", "--files", "a.txt", "b.txt", "--format", "text"],
]
#: Argument lists the quick parser leaves to typer (which may accept them, or refuse them).
TO_TYPER = [
    ["collate", "--files", "a.txt"],
    ["collate", "a.txt", "b.txt"],
    ["collate", "f3a9c2d1"],
    ["collate", "--files", "a.txt", "b.txt", "--format", "TEI"],
    ["collate", "--files", "a.txt", "b.txt", "--format", "html"],
    ["collate", "--files", "a.txt", "b.txt", "--db", "x.db"],
    ["collate", "--files", "a.txt", "b.txt", "--help"],
    ["collate", "--files", "a.txt", "b.txt", "-o"],
    ["collate", "--files", "a.txt", "b.txt", "-oout.txt"],
    ["collate", "--files", "a.txt", "b.txt", "-o", "-x"],
    ["collate", "--files", "a.txt", "b.txt", "--output="],
    ["collate", "--files", "a.txt", "b.txt", "--all", "--all"],
    ["collate", "--files", "a.txt", "b.txt", "--", "-c"],
    ["collate", "--files", "a.txt", "b.txt", "--from-collatex", "w.json"],
    ["collate", "--files=yes", "a.txt", "b.txt"],
    ["compare", "a.txt"],
    ["compare", "a.txt", "b.txt", "c.txt"],
    ["compare", "a.txt", "b.txt", "--min-words", "7"],
    ["compare", "a.txt", "b.txt", "--json=1"],
    ["compare", "a.txt", "-b"],
    ["dedup", "in.jsonl"],
    ["dedup", "in.jsonl", "-o", "-"],
    ["dedup", "in.jsonl", "b.jsonl", "-o", "out.jsonl"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--threshold", "1e-1"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--threshold", ".8"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--threshold", "0.8.1"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--keep", "Longest"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--measure", "chars"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--removed="],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--keep", "first", "--keep", "longest"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--help"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--json=1"],
    ["--version"],
    [],
]
DEDUP = [
    ["dedup", "in.jsonl", "-o", "out.jsonl"],
    ["dedup", "-o", "out.jsonl", "dir/./in.jsonl", "--json"],
    ["dedup", "in.jsonl", "--output=out.jsonl", "--threshold", "0.75", "--keep", "longest"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--threshold=1", "--keep=earliest", "--measure", "paragraphs"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--measure", "words", "--removed", "dir/gone.jsonl"],
    ["dedup", "in.jsonl", "-o", "out.jsonl", "--removed=gone.jsonl", "--json", "--threshold", "0"],
    ["dedup", "-", "-o", "out.jsonl"],
]
COMPARE = [
    ["compare", "a.txt", "b.txt"],
    ["compare", "a.txt", "b.txt", "--json"],
    ["compare", "--csv", "a.txt", "b.txt"],
    ["compare", "a.txt", "-", "--json", "--csv"],
]


def _outcome(argv: list[str], monkeypatch, *, with_quick: bool) -> tuple[Any, ...]:
    """The call each command function received (arguments by name), the exit status and what
    was printed."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str, fn: Any) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            bound = inspect.signature(fn).bind(*args, **kwargs)
            calls.append((name, dict(bound.arguments)))

        return record

    with monkeypatch.context() as m:
        m.setattr(quick, "collate", recorder("collate", quick.collate))
        m.setattr(quick, "compare", recorder("compare", quick.compare))
        m.setattr(quick, "dedup", recorder("dedup", quick.dedup))
        if not with_quick:
            m.setattr(quick, "parse", lambda argv: None)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(argv))
    return calls, status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", COLLATE + COMPARE + DEDUP + TO_TYPER, ids=" ".join)
@pytest.mark.parametrize("db", [None, "env.db"])
def test_the_quick_parser_calls_as_typer_does(argv, db, monkeypatch):
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):  # stderr as rich sees it: not a terminal
        monkeypatch.delenv(name, raising=False)
    if db is None:
        monkeypatch.delenv("VARIORUM_DB", raising=False)
    else:
        monkeypatch.setenv("VARIORUM_DB", db)
    assert (quick.parse(argv) is None) == (argv in TO_TYPER)
    quick_way = _outcome(argv, monkeypatch, with_quick=True)
    typer_way = _outcome(argv, monkeypatch, with_quick=False)
    assert quick_way == typer_way
    if argv not in TO_TYPER:
        assert len(quick_way[0]) == 1 and quick_way[1] == 0


def test_the_values_are_the_types_typer_gives():
    call = quick.parse(["collate", "--files", "a.txt", "b.txt", "--format", "tei", "-o", "x.xml"])
    assert call is not None
    kwargs = call.__closure__[0].cell_contents  # type: ignore[union-attr]
    assert kwargs["fmt"] is quick.CollateFormat.tei
    assert kwargs["output"] == Path("x.xml") and isinstance(kwargs["output"], Path)
    assert kwargs["items"] == ["a.txt", "b.txt"] and isinstance(kwargs["items"], list)


def test_quick_commands_run_without_typer_or_rich(seeds):
    a, b = (str(p) for p in sorted(seeds.glob("*.txt"))[1:4:2])
    for argv in (
        ["collate", "--files", a, b],
        ["collate", "--files", a, b, "--json"],
        ["compare", a, b, "--json"],
    ):
        code = (
            "import sys\nfrom variorum.cli import main\nstatus = main(sys.argv[1:])\n"
            "loaded = [m for m in ('typer', 'rich', 'pydantic', 'click') if m in sys.modules]\n"
            "assert status == 0 and not loaded, (status, loaded)\n"
        )
        done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]


def test_errors_end_as_they_do_under_typer(tmp_path, monkeypatch):
    missing = str(tmp_path / "missing.txt")
    present = tmp_path / "a.txt"
    present.write_text("One two three four five six seven eight nine ten.\n", encoding="utf-8")
    for argv in (
        ["collate", "--files", missing, str(present)],
        ["compare", str(present), missing, "--json"],
        ["collate", "--files", str(present), str(present), "-o", str(tmp_path)],  # a folder
        ["collate", "--files", str(present), str(present), "--json", "--format", "tei"],
    ):
        results = []
        for with_quick in (True, False):
            with monkeypatch.context() as m:
                if not with_quick:
                    m.setattr(quick, "parse", lambda argv: None)
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    status = main(argv)
            results.append((status, out.getvalue(), err.getvalue()))
        assert results[0] == results[1] and results[0][0] == 1, argv


@pytest.mark.parametrize("malformed", [False, True])
def test_dedup_runs_without_typer_and_writes_what_typer_writes(malformed, tmp_path, monkeypatch):
    """The quick ``dedup`` (no typer, no progress display, rich only to print a message) and
    typer's give the same files, summary and messages."""
    sys.path.insert(0, str(Path(__file__).parent))
    from dedup_synth import make_corpus

    source = make_corpus(seed=3, bases=12, boilerplate=4).write(tmp_path / "in.jsonl")
    lines = len(source.read_text(encoding="utf-8").splitlines())
    if malformed:
        with source.open("a", encoding="utf-8") as f:
            f.write("not json\n")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    # rich prints the message about a malformed line; nothing else needs it.
    unused = ("typer", "pydantic", "click") if malformed else ("typer", "rich", "pydantic", "click")
    results = []
    for way in ("quick", "typer"):
        out = tmp_path / f"{way}.jsonl"
        argv = ["dedup", str(source), "-o", str(out), "--json", "--threshold", "0.8", "--keep", "longest"]
        if way == "quick":
            code = (
                "import sys\nfrom variorum.cli import main\nstatus = main(sys.argv[1:])\n"
                f"loaded = [m for m in {unused!r} if m in sys.modules]\n"
                "assert status == 0 and not loaded, (status, loaded)\n"
            )
            done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-2000:]
            stdout, stderr = done.stdout, done.stderr
        else:
            with monkeypatch.context() as m:
                m.setattr(quick, "parse", lambda argv: None)
                o, e = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
                    assert main(argv) == 0
            stdout, stderr = o.getvalue(), e.getvalue()
        summary = json.loads(stdout)
        assert summary.pop("seconds") >= 0
        summary["removed_ids"] = Path(summary["removed_ids"]).name.replace(way, "W")
        removed = out.with_suffix(".removed.jsonl").read_bytes()
        results.append((out.read_bytes(), removed, summary, stderr.replace(str(source), "IN")))
    assert results[0] == results[1]
    assert results[0][2]["removed"] > 0 and results[0][2]["passed_through"] == malformed
    message = f"IN:{lines + 1}: invalid JSON: Expecting value (column 1) (passed through)\n"
    assert results[0][3] == (message if malformed else "")


def test_dedup_with_a_terminal_on_stderr_is_left_to_typer(monkeypatch):
    """A terminal gets the progress display, which is rich's: typer's path draws it."""
    argv = ["dedup", "in.jsonl", "-o", "out.jsonl"]
    monkeypatch.setattr(quick, "interactive_stderr", lambda: False)
    assert quick.parse(argv) is not None
    monkeypatch.setattr(quick, "interactive_stderr", lambda: True)
    assert quick.parse(argv) is None
