"""The examples in docs/ run as written (from a copy of the repository's layout)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from conftest import EXAMPLES

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def blocks(name: str) -> list[str]:
    return BLOCK.findall((DOCS / name).read_text(encoding="utf-8"))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_api_page_runs_and_the_notebook_session_is_short(workdir: Path):
    code = blocks("api.md")
    assert len(code) >= 6
    session = [line for line in code[1].splitlines() if line.strip()]
    assert len(session) < 15  # index, families, query, collate: under 15 lines
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in code:
            exec(compile(block, "docs/api.md", "exec"), namespace)
    printed = out.getvalue()
    assert "2021-03-14 2021-03-press-release.txt" in printed
    assert "around 12.000 residents -> up to 12,000 residents" in printed
    # the session's last line shows rich output in a notebook
    html = namespace["collation"]._repr_html_()
    assert html.startswith("<table>") and "substantive" in html
    assert (workdir / "corpus.db").exists()
