"""The CLI's fast start changes nothing it does: the one-command app (variorum.cli.app_for) and
the deferring parameter coercion (variorum.cli.fastparams) answer as the whole app and typer do."""

from __future__ import annotations

import contextlib
import enum
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer import core

from variorum.cli import app_for
from variorum.cli.app import app


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except typer.BadParameter as e:
        return "error", e.format_message()
    return type(result).__name__, repr(result) if isinstance(result, float) else result  # nan == nan


def _samples(param: Any, tmp_path: Path) -> list[Any]:
    annotation = param.type_descriptor.annotation
    values: list[Any] = [param.default, None]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        values += [*annotation, *(m.value for m in annotation), "no-such-choice", ""]
        values += [m.value.upper() for m in annotation] + [f" {m.value}" for m in annotation]
    elif isinstance(annotation, type) and issubclass(annotation, Path):
        unreadable = tmp_path / "unreadable"
        unreadable.write_text("x")
        unreadable.chmod(0)
        values += [Path("no/such/file"), "no/such/file", tmp_path, str(tmp_path), unreadable, "-"]
        values += [str(unreadable), "", "./x/../y", "ümlaut.jsonl"]
    elif annotation is str:
        values += ["text", "", "-", "ümlaut"]
    elif annotation is int or annotation is float:
        values += ["7", "0", "1.5", "x", 3, 3.0, "-2", "-0.25", "007", "1_000", " 7", "1e3", "inf", "nan"]
        values += ["12345678901234", "1234567890123456789012", "0.8", "-", "", True]
    elif annotation is bool:
        values += [True, False, "true", "0", 1, "x"]
    else:
        values += [("a", "b"), ["c"], (), "-"]
    return values


def test_installed_for_the_typer_in_use():
    assert getattr(core.build_runtime_param, "_deferring", False)


def test_every_parameter_of_every_command_coerces_as_typer_does(tmp_path):
    group = typer.main.get_command(app)
    original = core.build_runtime_param.original
    checked = 0
    for name, command in group.commands.items():
        ctx = command.make_context(name, [], resilient_parsing=True)
        for param in command.params:
            descriptor = param.type_descriptor
            deferred, real = core.build_runtime_param(descriptor), original(descriptor)
            for value in _samples(param, tmp_path):
                got, want = _outcome(deferred, value, param, ctx), _outcome(real, value, param, ctx)
                assert got == want, (name, param.name, value)
                checked += 1
    assert checked > 100


#: What each quick command must not import: it does not use them, and each costs its start time
#: (pydantic ~70 ms through typer's adapters, ftfy ~50 ms, typer ~20-40 ms, rich ~20 ms,
#: numpy.ma ~15 ms, numpy.random ~10 ms, sqlite3 ~7 ms, py3langid with logging and tempfile ~7 ms
#: once the language model comes from its cached copy, numpy ~40 ms where two files are collated
#: ...). The seeds compared are the two English ones, whose text needs no repair by ftfy.
NOT_IMPORTED = {
    "--help": ["numpy", "pydantic", "rich", "sqlite3", "variorum.pipeline", "py3langid", "email"],
    "compare": [
        "pydantic",
        "ftfy",
        "numpy.ma",
        "wcmatch",
        "rich",
        "sqlite3",
        "variorum.store",
        "email",
        "typer",
        *("py3langid", "logging", "tempfile"),
    ],
    "collate": [
        *("pydantic", "ftfy", "numpy.ma", "wcmatch", "sqlite3", "variorum.pipeline", "email"),
        *("typer", "rich", "numpy", "py3langid", "logging", "tempfile"),
    ],
}


@pytest.mark.parametrize(
    "argv", [["--help"], ["compare", "A", "B", "--json"], ["collate", "--files", "A", "B"]]
)
def test_quick_commands_import_only_what_they_use(argv, seeds):
    a, b = (str(path) for path in sorted(seeds.glob("*.txt"))[1:4:2])
    args = [a if arg == "A" else b if arg == "B" else arg for arg in argv]
    unwanted = NOT_IMPORTED[argv[0]]
    code = (
        "import sys\nfrom variorum.cli import main\nstatus = main(sys.argv[1:])\n"
        f"imported = [m for m in {unwanted!r} if m in sys.modules]\n"
        "assert status == 0 and not imported, (status, imported)\n"
    )
    # A first run fills the user cache where it is empty (the language model's copy, compiled
    # patterns, the bootstrap's weights), importing what building them takes.
    subprocess.run([sys.executable, "-c", code.split("imported")[0], *args], capture_output=True)
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def _run(runner: typer.Typer, argv: list[str]) -> tuple[str, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = runner(args=argv, prog_name="variorum", standalone_mode=False)
        except (typer.Exit, typer.TyperException) as e:
            result = f"{type(e).__name__}: {getattr(e, 'exit_code', '')} {e}"
    return out.getvalue(), err.getvalue(), str(result)


def test_the_one_command_app_answers_as_the_whole_app():
    names = [typer.main.get_command_name(c.callback.__name__) for c in app.registered_commands if not c.name]
    names += [c.name for c in app.registered_commands if c.name]
    assert len(names) >= 14
    for name in names:
        assert app_for([name]) is not app
        for argv in ([name, "--help"], [name, "--no-such-option"], [name, "--db", "x.db", "--help"]):
            assert _run(app_for(argv), argv) == _run(app, argv), argv
    for argv in ([], ["--help"], ["--version"], ["compar", "a", "b"], ["--db", "compare"]):
        assert app_for(argv) is app or _run(app_for(argv), argv) == _run(app, argv), argv


def test_typed_options_do_not_import_pydantic(tmp_path):
    """Numbers, choices and paths typed on the command line are read without typer's pydantic
    adapters (~70 ms of each start): ``dedup`` as the benchmarks and scripts run it."""
    data = tmp_path / "in.jsonl"
    data.write_text('{"id": "a", "text": "one two three"}\n', encoding="utf-8")
    argv = ["dedup", str(data), "-o", str(tmp_path / "out.jsonl"), "--removed", str(tmp_path / "side.jsonl")]
    argv += ["--measure", "paragraphs", "--threshold", "0.8", "--keep", "longest", "--json"]
    code = (
        "import sys\nfrom variorum.cli import main\nstatus = main(sys.argv[1:])\n"
        "assert status == 0 and 'pydantic' not in sys.modules, (status, 'pydantic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_the_console_script_ends_a_quick_command_without_a_last_collection(seeds):
    # The objects a quick command made live until the process ends: where it ends next (the
    # console script), the collector's threshold stays raised, so that no collection of all of
    # them (~7 ms) runs on the way out; a caller that goes on gets Python's threshold back.
    import gc

    from variorum.cli import QUICK_GC_THRESHOLD, main

    a, b = (str(path) for path in sorted(seeds.glob("*.txt"))[1:4:2])
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('threshold', gc.get_threshold()[0], file=sys.stderr))\n"
        "from variorum.cli import run\n"
        "sys.argv = ['variorum', 'collate', '--files', sys.argv[1], sys.argv[2]]\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code, a, b], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == f"threshold {QUICK_GC_THRESHOLD}"
    before = gc.get_threshold()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["collate", "--files", a, b]) == 0
    assert gc.get_threshold() == before


def test_the_console_script_runs_run():
    # run() ends a quick command without tearing the interpreter down (~20% of the CPU of
    # collate --files on two one-page files); main() returns to a caller that goes on.
    import tomllib
    from importlib.metadata import entry_points

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["scripts"]["variorum"] == "variorum.cli:run"
    installed = entry_points(group="console_scripts", name="variorum")
    assert [ep.value for ep in installed] == ["variorum.cli:run"]
