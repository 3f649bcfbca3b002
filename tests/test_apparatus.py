"""The text apparatus printed without rich is what rich prints where it prints no style."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from collation_cases import CASES
from rich.console import Console

from variorum.cli import apparatus
from variorum.cli.output import plain_stdout
from variorum.collate import collate
from variorum.model import Document


def _rich(c, *, formal: bool) -> str:
    """What the CLI's console (``variorum.cli.app.out``) prints into a pipe or a file."""
    buf = io.StringIO()
    console = Console(file=buf, soft_wrap=True, highlight=False, markup=False, emoji=False)
    assert not console.is_terminal
    apparatus.render(c, console, formal=formal)
    return buf.getvalue()


def _docs(*texts: str, dates: tuple[str | None, ...] = ()) -> list[Document]:
    return [
        Document(id=f"d{k}", text=t, path=f"w{k}.txt", date=dates[k] if k < len(dates) else None)
        for k, t in enumerate(texts)
    ]


def test_plain_is_what_rich_prints_on_the_seeds(seeds):
    from variorum.ingest import read_file

    docs = [read_file(p) for p in sorted(seeds.glob("*.txt"))]
    for group in (docs[1:4:2], docs[:3], docs):
        c = collate(group)
        for formal in (False, True):
            text = apparatus.plain(c, formal=formal)
            assert text is not None and text == _rich(c, formal=formal)


@pytest.mark.parametrize("case", CASES[:12], ids=lambda case: case.name)
def test_plain_is_what_rich_prints_on_the_collation_cases(case):
    c = collate(_docs(*case.witnesses))
    for formal in (False, True):
        assert apparatus.plain(c, formal=formal) == _rich(c, formal=formal)


def test_markup_and_emoji_codes_are_text_in_both():
    c = collate(
        _docs(
            "The report [draft] was :smile: adopted on 2 April 2018 by the [bold]council[/bold] of ten.",
            "The report [final] was adopted on 3 April 2018 by the [bold]council[/bold] of eleven.",
            dates=("2018-04-02", "2018-04-03"),
        )
    )
    for formal in (False, True):
        text = apparatus.plain(c, formal=formal)
        assert text is not None and "[bold]council[/bold]" in text and " :smile" in text
        assert text == _rich(c, formal=formal)


@pytest.mark.parametrize("char", ["\t", "\r", "\a", "\b", "\v", "\f"])
def test_text_that_rich_would_change_is_left_to_rich(char):
    c = collate(_docs(f"One two three four{char}five six seven.", "One two three four five six eight."))
    assert apparatus.plain(c) is None  # the command then prints with rich, as before
    assert char not in _rich(c, formal=False).replace("\n", "")


def _plain_stdout_in(env: dict[str, str], *, tty: bool = False) -> bool:
    code = "from variorum.cli.output import plain_stdout\nimport sys\nsys.stderr.write(str(plain_stdout()))"
    base = {k: v for k, v in __import__("os").environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    if tty:
        pytest.importorskip("pty")
        import pty

        out_fd, in_fd = pty.openpty()
        done = subprocess.run(
            [sys.executable, "-c", code], stdout=in_fd, stderr=subprocess.PIPE, env={**base, **env}, text=True
        )
        for fd in (out_fd, in_fd):
            __import__("os").close(fd)
    else:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, env={**base, **env}, text=True
        )
    return done.stderr.strip() == "True"


def test_plain_output_only_where_rich_would_print_no_style():
    assert _plain_stdout_in({"PYTHONIOENCODING": "utf-8"})  # a pipe
    assert not _plain_stdout_in({"PYTHONIOENCODING": "utf-8", "FORCE_COLOR": "1"})
    assert not _plain_stdout_in({"PYTHONIOENCODING": "utf-8", "FORCE_COLOR": ""})
    assert not _plain_stdout_in({"PYTHONIOENCODING": "utf-8", "TTY_COMPATIBLE": "1"})
    assert not _plain_stdout_in({"PYTHONIOENCODING": "latin-1"})
    assert not _plain_stdout_in({"PYTHONIOENCODING": "utf-8"}, tty=True)
    # In this process stdout is pytest's capture: rich prints no style there either.
    assert isinstance(plain_stdout(), bool)
