"""Every package the code imports at run time is declared, so that a fresh install works.

A fresh install once lacked ``lxml_html_clean`` (imported by trafilatura through justext, declared
by neither): every HTML input was skipped as malformed and nothing failed loudly. Two checks: the
imports of the source against ``pyproject.toml``, and a real install in a new virtual environment
from the declared dependencies only, which must read an HTML page.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "variorum"
#: Folders whose imports belong to an extra rather than the core dependencies.
EXTRA_OF = {"web": "web", "spark": "spark"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared() -> dict[str, set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    out = {"core": {_name(r) for r in project["dependencies"]}}
    for extra, reqs in project["optional-dependencies"].items():
        out[extra] = {_name(r) for r in reqs if not r.startswith("variorum")}
    return out


def imported() -> dict[str, set[str]]:
    """Top-level modules imported by the source (function-level imports too), by part."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        part = EXTRA_OF.get(path.relative_to(SRC).parts[0], "core")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.setdefault(part, set()).update(n.split(".")[0] for n in names)
    return found


def test_every_imported_package_is_declared():
    deps = declared()
    dists = importlib.metadata.packages_distributions()
    missing = []
    for part, modules in imported().items():
        allowed = deps["core"] | deps.get(part, set())
        for module in sorted(modules):
            if module in sys.stdlib_module_names or module in {"variorum", "__future__"}:
                continue
            names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
            if not names & allowed:
                missing.append(f"{module} ({part}): from {sorted(names)}")
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_lxml_html_clean_is_declared_for_trafilatura():
    assert "lxml-html-clean" in declared()["core"]


@pytest.mark.slow
def test_a_fresh_install_from_the_declared_dependencies_reads_html(tmp_path):
    """``pip install .`` into a new virtual environment (pip's cache is reused), then ``variorum
    add`` of an HTML page: it must be added, not skipped."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", str(ROOT)], capture_output=True, text=True, timeout=1800
    )
    assert install.returncode == 0, install.stderr[-2000:]
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>A statement</title></head><body><article><h1>A statement</h1>"
        + "".join(
            f"<p>Paragraph {i}: the ministry restated its position on the matter once again today.</p>"
            for i in range(8)
        )
        + "</article></body></html>",
        encoding="utf-8",
    )
    result = subprocess.run(
        [env_dir / "bin" / "variorum", "add", page, "--db", tmp_path / "x.db"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout + result.stderr, result.stderr
