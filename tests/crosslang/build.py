"""Build the cross-language evaluation set from Debian's translated manual pages.

Sources, installed by apt-get (``make crosslang-data``, package list in ``packages.txt``):

* English pages: ``coreutils`` (GPL-3+, help2man output), ``man-db`` (GPL-2+), ``passwd``
  (shadow, BSD-3-Clause) and ``manpages`` (the Linux man-pages project, "verbatim" licence and
  others, see /usr/share/doc/manpages/copyright);
* translations: ``manpages-de``, ``-fr``, ``-es``, ``-pl``, ``-ru``, ``-uk`` (manpages-l10n,
  GPL-3+), ``manpages-ja`` (JM project, GPL-2+ / the originals' licences) and ``manpages-zh``
  (Chinese Man Pages Project, GFDL-free: GPL-2+ / the originals' licences).

Only the ground truth (which pages are translations of which, which are not, and the
paragraph alignment of a subset, written by reading the rendered pages) is kept in the project,
in ``truth.json``; the texts are rendered at test time with ``man`` and never copied here.

Rendering: ``man -l`` at a width of 1,000 columns, so that a paragraph is one line; the first
and last lines (running header and footer) are dropped; blocks separated by blank lines are
paragraphs, their lines joined by a space (an option's tag and its description are one
paragraph).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
TRUTH = HERE / "truth.json"
PACKAGES = HERE / "packages.txt"
MAN_ROOT = Path("/usr/share/man")


@dataclass(frozen=True)
class EvalDoc:
    """One rendered page: its id (``lang/page``), language, script, text and paragraph spans."""

    id: str
    page: str
    language: str
    text: str
    paragraphs: tuple[tuple[int, int], ...]


def packages() -> list[str]:
    return [
        line.split("#")[0].strip() for line in PACKAGES.read_text().splitlines() if line.split("#")[0].strip()
    ]


def missing_packages() -> list[str]:
    """Packages of ``packages.txt`` that dpkg does not report installed."""
    if shutil.which("dpkg-query") is None:
        return packages()
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Status}\n", *packages()],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    installed = {line.split()[0] for line in out.splitlines() if line.endswith("install ok installed")}
    return [p for p in packages() if p not in installed]


def skip_unless_installed() -> None:
    """Skip the calling test (or fixture) where the Debian packages of the set are missing, naming
    them and how to install them (under ``CI=true`` a skip fails: tests/conftest.py)."""
    missing = missing_packages()
    if missing:
        import pytest

        pytest.skip(
            f"Debian packages missing for the manual pages: {' '.join(missing)} (make crosslang-data)"
        )


def page_path(language: str, page: str) -> Path:
    section = page.rsplit(".", 1)[1]
    folder = MAN_ROOT / f"man{section}" if language == "en" else MAN_ROOT / language / f"man{section}"
    return folder / f"{page}.gz"


_OVERSTRIKE = re.compile(r".\x08")


def render(path: Path) -> list[str]:
    """The paragraphs of a manual page, as ``man`` renders it, one string each."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "MANWIDTH": "1000", "MAN_KEEP_FORMATTING": ""}
    out = subprocess.run(
        ["man", "--nj", "--nh", "-E", "UTF-8", "-l", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    lines = _OVERSTRIKE.sub("", out).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    lines = lines[1:-1]  # running header and footer
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(re.sub(r"\s+", " ", line.strip()))
        elif block:
            paragraphs.append(" ".join(block))
            block = []
    return paragraphs


def _document(language: str, page: str) -> EvalDoc:
    paragraphs = render(page_path(language, page))
    spans: list[tuple[int, int]] = []
    offset = 0
    for p in paragraphs:
        spans.append((offset, offset + len(p)))
        offset += len(p) + 2
    return EvalDoc(f"{language}/{page}", page, language, "\n\n".join(paragraphs), tuple(spans))


def truth() -> dict:
    return json.loads(TRUTH.read_text())


def build() -> dict[str, EvalDoc]:
    """Every document of the set, by id; raises FileNotFoundError naming a missing page."""
    docs: dict[str, EvalDoc] = {}
    for group in truth()["groups"]:
        for language in group["languages"]:
            path = page_path(language, group["page"])
            if not path.exists():
                raise FileNotFoundError(f"{path}: page missing (install: {' '.join(packages())})")
            doc = _document(language, group["page"])
            docs[doc.id] = doc
    return docs


def data_hash(docs: dict[str, EvalDoc]) -> str:
    """A hash of the rendered texts: the floors of the quality gate are pinned to it."""
    h = hashlib.sha256()
    for doc_id in sorted(docs):
        h.update(doc_id.encode())
        h.update(docs[doc_id].text.encode())
    return h.hexdigest()[:16]


def positive_pairs(docs: dict[str, EvalDoc]) -> set[frozenset[str]]:
    """Every pair of documents in different languages rendering the same page."""
    by_page: dict[str, list[str]] = {}
    for doc in docs.values():
        by_page.setdefault(doc.page, []).append(doc.id)
    pairs: set[frozenset[str]] = set()
    for ids in by_page.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs.add(frozenset((a, b)))
    return pairs


def main() -> None:
    """Print the rendered paragraphs of a page in two languages, numbered, for writing truth."""
    import sys

    page, *languages = sys.argv[1:]
    for language in languages:
        print(f"===== {language}/{page}")
        for i, p in enumerate(render(page_path(language, page))):
            print(f"[{i}] {p}")


if __name__ == "__main__":
    main()
