"""Output options shared by every reporting command, declared once (as sqlite-utils does).

A command takes ``as_json: JsonOption = False`` (and ``as_csv: CsvOption = False`` where its
answer is a table), builds its result, and hands it to :func:`emit` with a function that prints
the human table. JSON is the result's ``to_dict()``; CSV its ``to_records()``, one row each.
Rich is imported only when a table is printed, so that ``--json`` and ``--help`` start fast.
"""

from __future__ import annotations

import builtins
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Annotated, Any

from variorum.errors import UsageError


def __getattr__(name: str) -> Any:
    """``JsonOption`` and ``CsvOption``, made on first use: they need typer, which the commands
    run without it (:mod:`variorum.cli.quick`) never import."""
    if name not in ("JsonOption", "CsvOption"):  # ``__path__``, asked by every from-import
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import typer

    csv_help = "Print CSV (one line per table row) instead."
    options = {
        "JsonOption": Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")],
        "CsvOption": Annotated[bool, typer.Option("--csv", help=csv_help)],
    }
    globals().update(options)
    return options[name]


#: Narrowest a file-name column gets before it folds onto more lines.
NAME_MIN = 12


class LazyConsole:
    """A rich Console made on first use (importing rich costs ~40 ms a command may not need)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def get(self) -> Any:
        """The Console itself, for code that needs one (a progress bar, a renderer)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


# No markup or emoji codes by default: file names and document text are printed as they are
# ("report [draft].txt" is not a style tag, ":smile:" not an emoji); a line that styles itself
# passes markup=True and escapes what it quotes.
out = LazyConsole(soft_wrap=True, highlight=False, markup=False, emoji=False)
err = LazyConsole(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def plain_stdout() -> bool:
    """Whether a rich console on stdout (the CLI's ``out``) would print text without any style
    or escape code, so that text may be written to stdout directly instead.

    Rich prints styles where stdout is a terminal, where ``FORCE_COLOR`` or ``TTY_COMPATIBLE``
    says to, and draws its own way in Jupyter and on Windows consoles; in each of those cases
    (and when stdout's encoding is not UTF-8, whose errors rich words its own way) this says
    False and the console prints, as before.
    """
    if sys.platform == "win32" or "FORCE_COLOR" in os.environ or os.environ.get("TTY_COMPATIBLE"):
        return False
    if "get_ipython" in vars(builtins) or getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return False
    stdout = sys.stdout
    if (getattr(stdout, "encoding", None) or "").lower().replace("-", "") != "utf8":
        return False
    try:
        return not stdout.isatty()
    except (AttributeError, ValueError):
        return False


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_csv(records: Sequence[dict[str, Any]]) -> None:
    if not records:
        return
    fields = list(records[0])
    import csv

    writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in records:
        writer.writerow(
            {k: ",".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in row.items()}
        )


def emit(result: Any, *, as_json: bool, as_csv: bool = False, human: Callable[[], None]) -> None:
    """Print ``result`` as JSON, CSV or (``human``) a table, as the flags say."""
    if as_json and as_csv:
        raise UsageError("--json and --csv: give one of them")
    if as_json:
        print_json(result.to_dict() if hasattr(result, "to_dict") else result)
    elif as_csv:
        print_csv(result.to_records())
    else:
        human()


#: Characters of a document id shown in tables; commands accept any unique prefix of an id.
ID_CHARS = 10


def short_id(doc_id: str) -> str:
    return doc_id[:ID_CHARS]


def name_of(path: str | None, fallback: str = "") -> str:
    """A document's file name for tables (the full path is in --json and --csv)."""
    return PurePath(path).name if path else fallback


def table(*columns: str, title: str | None = None, fold: Sequence[str] = ()) -> Any:
    """A rich Table whose columns fit the terminal: short columns never wrap, the ``fold``
    columns (names, text) share what is left and fold onto more lines rather than being cut."""
    from rich import box
    from rich.table import Table

    # No outer border: two more characters for the columns that fold, at 80 columns.
    t = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for col in columns:
        if col in fold:
            t.add_column(col, overflow="fold", min_width=NAME_MIN, ratio=1)
        else:
            t.add_column(col, no_wrap=True)
    return t
