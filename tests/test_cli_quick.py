"""compare and collate without typer: every argument list the quick parser reads makes the call
typer makes, and everything else is left to typer (variorum.cli.quick)."""

from __future__ import annotations

import contextlib
import inspect
import io
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
    ["--version"],
    [],
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
        if not with_quick:
            m.setattr(quick, "parse", lambda argv: None)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(argv))
    return calls, status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", COLLATE + COMPARE + TO_TYPER, ids=" ".join)
@pytest.mark.parametrize("db", [None, "env.db"])
def test_the_quick_parser_calls_as_typer_does(argv, db, monkeypatch):
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
