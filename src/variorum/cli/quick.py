"""``compare`` and ``collate``, the commands people run by hand on a few files, ``dedup``, which
a data pipeline runs on a file, and a parser that runs them without typer when their arguments
are plain.

Importing typer and building its command costs ~20-45 ms of every start, an eighth of
``variorum collate --files a.txt b.txt``. :func:`parse` reads the argument lists these commands
are usually given (``compare A B [--json|--csv]``, ``collate --files A B … [--all] [--json]
[--format F] [-o FILE]``, ``dedup INPUT -o OUT [--threshold X] [--keep K] [--measure M]
[--removed FILE] [--json]`` with stderr not a terminal) and returns the call typer would make;
anything else (another
command, ``--help``, an option it does not know, a value typer would convert or reject) returns
None, and typer parses it as before. ``tests/test_cli_quick.py`` checks, argument list by
argument list, that both paths call these functions with the same values.

The commands' work lives here, free of typer, and :mod:`variorum.cli.app` declares their
options for typer and calls the same functions.
"""

from __future__ import annotations

import builtins
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from variorum.cli.output import emit, err, out, plain_stdout, print_json, table
from variorum.config import DEFAULT_DB, Settings, from_env
from variorum.errors import InputError, UsageError

if TYPE_CHECKING:
    from variorum.model import Document


class CollateFormat(StrEnum):
    text = "text"
    json = "json"
    tei = "tei"
    collatex = "collatex"


FORMATS = tuple(f.value for f in CollateFormat)


def settings(min_words: int | None = None, ignore_series: bool | None = None) -> Settings:
    """The settings of a command: defaults, then ``VARIORUM_*`` variables, then its flags."""
    s = from_env(Settings())
    if min_words is not None:
        s = replace(s, min_words=min_words)
    if ignore_series is not None:
        s = replace(s, ignore_series=ignore_series)
    return s


def read_one(path: str) -> Document:
    from variorum.ingest import read_file, read_stdin

    if path == "-":
        return read_stdin()  # bytes decoded as a file's, binary refused
    return read_file(path)


def snippet(text: str, n: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def passage_table(rows: Any) -> None:
    t = table("a chars", "b chars", "words", "identity", "text (a)", fold=("text (a)",))
    for p in rows:
        t.add_row(
            f"{p.a_start}-{p.a_end}",
            f"{p.b_start}-{p.b_end}",
            str(p.words),
            f"{p.identity:.2f}",
            snippet(p.a_text),
        )
    out.print(t)


def compare(a: str, b: str, min_words: int | None, as_json: bool, as_csv: bool) -> None:
    """The ``compare`` command: the passages two files share."""
    from variorum.api import compare as compare_documents

    s = settings(min_words)
    result = compare_documents(read_one(a), read_one(b), settings=s)

    def human() -> None:
        out.print(f"{a}: {result.coverage['a']:.0%} of its words shared; {b}: {result.coverage['b']:.0%}")
        if result.passages:
            passage_table(result.passages)
        else:
            out.print(f"no shared passage of {s.min_words} words or more")

    emit(result, as_json=as_json, as_csv=as_csv, human=human)


def collate(
    items: list[str] | None,
    files: bool,
    from_collatex: Path | None,
    fmt: CollateFormat,
    all_variants: bool,
    output: Path | None,
    db: Path,
    as_json: bool,
) -> None:
    """The ``collate`` command: a family from the index, files, or CollateX witnesses."""
    fmt_name = "json" if as_json else CollateFormat(fmt).value
    if as_json and fmt not in (CollateFormat.text, CollateFormat.json):
        raise UsageError(f"--json and --format {CollateFormat(fmt).value} ask for two formats: give one")
    items = items or []
    translations: list[dict[str, Any]] = []
    if from_collatex is not None:
        from variorum.collate import collate_witnesses
        from variorum.export.collatex import read_collatex_witnesses
        from variorum.ingest.jsonl import load_json

        data = load_json(str(from_collatex))
        if not isinstance(data, dict):
            raise InputError(str(from_collatex), "not CollateX witness JSON (expected an object)")
        result = collate_witnesses(read_collatex_witnesses(data, str(from_collatex)))
    elif files:
        if len(items) < 2:
            raise UsageError("--files needs at least two files")
        from variorum.collate import collate as collate_documents

        result = collate_documents([read_one(p) for p in items])
    else:
        if len(items) != 1:
            raise UsageError("give one family id, or --files A B …, or --from-collatex FILE")
        from variorum import pipeline
        from variorum.store.index import Index

        with Index.open(db, create=False) as index:
            result = pipeline.collate_family(index, settings(), items[0])
            translations = pipeline.family_translations(index, settings(), items[0])
    if fmt_name == "text" and output is None:
        from variorum.cli import apparatus

        text = apparatus.plain(result, formal=all_variants) if plain_stdout() else None
        if text is not None:
            sys.stdout.write(text)
        else:
            apparatus.render(result, out.get(), formal=all_variants)
        print_translations(translations)
        return
    if fmt_name == "tei":
        from variorum.export.tei import collation_to_tei

        payload = collation_to_tei(result)
    elif fmt_name == "collatex":
        from variorum.export.collatex import collation_to_collatex

        payload = json.dumps(collation_to_collatex(result), ensure_ascii=False, sort_keys=True)
    elif fmt_name == "json":
        from variorum.export.collation_json import collation_to_json

        data = collation_to_json(result)
        if translations:
            data["translations"] = translations
        payload = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        from rich.console import Console

        console = Console(record=True, width=100, file=open(os.devnull, "w"), markup=False, emoji=False)  # noqa: SIM115
        from variorum.cli.apparatus import render

        render(result, console, formal=all_variants)
        payload = console.export_text()
    if output is not None:
        output.write_text(payload if payload.endswith("\n") else payload + "\n", encoding="utf-8")
        err.print(f"written: {output}")
    else:
        sys.stdout.write(payload if payload.endswith("\n") else payload + "\n")


def print_translations(translations: list[dict[str, Any]]) -> None:
    """The translations of a collated family: languages, paragraphs aligned, figures that differ."""
    for t in translations:
        name = {side: (t[side]["path"] or t[side]["id"]).rsplit("/", 1)[-1] for side in ("a", "b")}
        out.print(
            f"translation {name['a']} ({t['a_language']}) ↔ {name['b']} ({t['b_language']}): "
            f"{t['anchors_in_order']} anchors in order, {len(t['paragraphs_aligned'])} of "
            f"{t['paragraphs']['a']}/{t['paragraphs']['b']} paragraphs aligned",
            markup=False,
            highlight=False,
        )
        for d in t["figures_differ"]:
            out.print(
                f"  figure differs: {d['a']['text']!r} ↔ {d['b']['text']!r} "
                f"(paragraphs {d['a_paragraph'] + 1} ↔ {d['b_paragraph'] + 1})",
                markup=False,
                highlight=False,
            )


def dedup(
    input_path: Path,
    output: str,
    threshold: float,
    keep: str,
    measure: str,
    removed: Path | None,
    as_json: bool,
) -> None:
    """The ``dedup`` command: ``input_path`` without its near-duplicate records.

    A progress display is drawn only where rich would draw one (:func:`interactive_stderr`);
    elsewhere it drew nothing but a blank line on stderr, and building it imported rich.
    """
    from variorum.dedup import dedup as run_dedup

    def run(progress: Callable[[str, int], None] | None) -> Any:
        return run_dedup(
            str(input_path),
            output,
            threshold=threshold,
            keep=keep,
            measure=measure,
            removed_path=str(removed) if removed else None,
            progress=progress,
        )

    if interactive_stderr():
        from variorum.cli.app import _progress

        with _progress() as bar:
            task = bar.add_task("reading", total=None)
            result = run(lambda stage, n: bar.update(task, advance=n, description=stage))
    else:
        result = run(None)
    for s in result.skipped:
        err.print(f"{s.path}: {s.reason} (passed through)", markup=False)
    summary = {
        "records": result.records,
        "kept": result.kept,
        "removed": result.removed,
        "exact": result.exact,
        "passed_through": len(result.skipped),
        "removed_ids": str(result.removed_path),
        "seconds": round(result.seconds, 3),
    }
    if as_json:
        print_json(summary)
        return
    from variorum.results import plural

    (err if output == "-" else out).print(
        f"{plural(result.records, 'record')}: {result.kept} kept, {result.removed} removed "
        f"({plural(result.exact, 'exact copy', 'exact copies')}), "
        f"{plural(len(result.skipped), 'malformed line')} passed through; "
        f"removed ids in {result.removed_path}"
    )


def interactive_stderr() -> bool:
    """Whether rich would draw on stderr (the CLI's ``err``) as on a terminal: it does where
    stderr is one, where ``FORCE_COLOR`` or ``TTY_COMPATIBLE`` is set, in Jupyter and in IDLE
    (each of those counts as interactive here, so a progress display is drawn as before)."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return True
    if "get_ipython" in vars(builtins) or getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return True
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):
        return False


# --- the parser ----------------------------------------------------------------------------

#: Flags each command takes here: option -> keyword of the command's function.
_FLAGS = {
    "compare": {"--json": "as_json", "--csv": "as_csv"},
    "collate": {"--files": "files", "--all": "all_variants", "--json": "as_json"},
    "dedup": {"--json": "as_json"},
}
#: Options that take a value here: option -> keyword.
_VALUES = {
    "compare": {},
    "collate": {"--format": "fmt", "-o": "output", "--output": "output"},
    "dedup": {
        "-o": "output",
        "--output": "output",
        "--threshold": "threshold",
        "--keep": "keep",
        "--measure": "measure",
        "--removed": "removed",
    },
}
#: ``dedup``'s choices, as typer's (case-sensitive) enum options take them.
_KEEP = ("first", "longest", "earliest")
_MEASURES = ("words", "paragraphs")
#: A number typer reads as ``float`` does: digits, at most one point, no sign or exponent.
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")


def _plain_value(value: str) -> bool:
    """A value typer would take as it is: not empty, not like an option."""
    return bool(value) and not value.startswith("-")


def parse(argv: Sequence[str]) -> Callable[[], None] | None:
    """The call typer would make for ``argv`` (without the program name), or None when it is
    not one of the plain forms this module reads (see the module docstring)."""
    if not argv or argv[0] not in _FLAGS:
        return None
    command, flags, valued = argv[0], _FLAGS[argv[0]], _VALUES[argv[0]]
    given: dict[str, Any] = {}
    positional: list[str] = []
    args = list(argv[1:])
    while args:
        arg = args.pop(0)
        if arg == "-" or not arg.startswith("-"):
            positional.append(arg)
            continue
        name, eq, inline = arg.partition("=")
        if name in flags and not eq:
            key, value = flags[name], True
        elif name in valued and name.startswith("--") and eq:
            key, value = valued[name], inline
        elif arg in valued and args:
            key, value = valued[arg], args.pop(0)
        else:
            return None  # --help, an option this parser does not read, a missing value
        if key in given or (isinstance(value, str) and not _plain_value(value)):
            return None  # repeated, or a value typer may read otherwise
        given[key] = value
    if command == "dedup":
        return _dedup_call(positional, given)
    if command == "compare":
        if len(positional) != 2:
            return None
        a, b = positional
        kwargs = {"as_json": False, "as_csv": False, **given}
        return lambda: compare(a, b, None, kwargs["as_json"], kwargs["as_csv"])
    if not given.get("files") or len(positional) < 2:
        return None
    fmt = given.get("fmt", CollateFormat.text.value)
    if fmt not in FORMATS:
        return None
    db = os.environ.get("VARIORUM_DB")
    call = {
        "items": positional,
        "files": True,
        "from_collatex": None,
        "fmt": CollateFormat(fmt),
        "all_variants": given.get("all_variants", False),
        "output": Path(given["output"]) if "output" in given else None,
        "db": Path(db) if db else Path(DEFAULT_DB),
        "as_json": given.get("as_json", False),
    }
    return lambda: collate(**call)


def _dedup_call(positional: list[str], given: dict[str, Any]) -> Callable[[], None] | None:
    """The ``dedup`` call typer would make, or None (see :func:`parse`). A terminal on stderr is
    left to typer too: the progress display imports rich, and typer with it costs little more."""
    if len(positional) != 1 or "output" not in given or interactive_stderr():
        return None
    threshold = given.get("threshold", "0.8")
    keep, measure = given.get("keep", "first"), given.get("measure", "words")
    if not _DECIMAL.fullmatch(threshold) or keep not in _KEEP or measure not in _MEASURES:
        return None
    call = {
        "input_path": Path(positional[0]),
        "output": given["output"],
        "threshold": float(threshold),
        "keep": keep,
        "measure": measure,
        "removed": Path(given["removed"]) if "removed" in given else None,
        "as_json": given.get("as_json", False),
    }
    return lambda: dedup(**call)
