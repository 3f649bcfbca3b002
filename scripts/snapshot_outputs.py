"""Write what ``variorum collate`` and ``variorum compare`` print on every input at hand, one
file per command, so that two versions of the code can be compared byte for byte::

    python scripts/snapshot_outputs.py OUT_DIR [--seeds ../shared/seeds] [--python PY]
    diff -r before/ after/

A speed change must leave every file identical. The inputs: every pair and triple of the seeds
and of ``examples/``, and all of each (``collate`` in each output format, text with and without
``--all``, and ``compare`` of each pair, JSON and table), and each case of
``tests/collation_cases.py`` and a few generated families of ``tests/collation_synth.py``,
written to files and collated the same way. Each command runs as its own process of
``--python`` (default: this interpreter), with the working directory and file paths the same
from one run to the next, so that a run of the old code (``PYTHONPATH=old/src``) and of the new
one differ only by the code.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Where the case and generated witnesses are written (fixed, so that paths in outputs agree).
CASE_DIR = Path("/tmp/variorum-snapshot-inputs")
COLLATE_FORMATS: tuple[tuple[str, ...], ...] = (
    (),
    ("--all",),
    ("--json",),
    ("--format", "tei"),
    ("--format", "collatex"),
)


def case_files() -> list[list[Path]]:
    """Witness files of each collation case and of a few generated families."""
    sys.path.insert(0, str(ROOT / "tests"))
    from collation_cases import CASES
    from collation_synth import make_family

    groups: list[list[Path]] = []
    for case in CASES:
        folder = CASE_DIR / "cases" / case.name
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for k, text in enumerate(case.witnesses):
            path = folder / f"{chr(65 + k)}.txt"
            path.write_text(text + "\n", encoding="utf-8")
            paths.append(path)
        groups.append(paths)
    for n, words, seed in ((2, 300, 1), (3, 400, 2), (4, 250, 3)):
        folder = CASE_DIR / "synth" / f"{n}-{words}-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for k, w in enumerate(make_family(n, words, seed)):
            path = folder / f"20{10 + k:02d}-01-01-w{k}.txt"
            path.write_text(w.doc.text, encoding="utf-8")
            paths.append(path)
        groups.append(paths)
    return groups


def subsets(files: list[Path]) -> list[list[Path]]:
    """Every pair and triple of ``files``, and all of them."""
    sizes = sorted({r for r in (2, 3) if r < len(files)} | {len(files)})
    return [list(c) for r in sizes for c in itertools.combinations(files, r)]


def commands(seeds: Path) -> list[tuple[str, list[str]]]:
    """(output name, arguments) for every command of the snapshot."""
    out: list[tuple[str, list[str]]] = []
    groups: list[tuple[str, list[list[Path]]]] = []
    if seeds.is_dir():
        groups.append(("seeds", subsets(sorted(seeds.glob("*.txt")))))
    examples = sorted(p for p in (ROOT / "examples").iterdir() if p.is_file())
    groups.append(("examples", subsets(examples)))
    groups.append(("cases", case_files()))
    for label, sets in groups:
        for files in sets:
            where = f"{files[0].parent.name}__" if label == "cases" else ""  # cases share file names
            stem = f"{label}__{where}" + "+".join(p.stem for p in files)
            names = [str(p) for p in files]
            for fmt in COLLATE_FORMATS:
                out.append((f"{stem}__collate{''.join(fmt)}", ["collate", "--files", *names, *fmt]))
            if len(files) == 2 and label != "cases":
                out.append((f"{stem}__compare--json", ["compare", *names, "--json"]))
                out.append((f"{stem}__compare", ["compare", *names]))
    return out


def run(python: str, args: list[str], target: Path) -> None:
    done = subprocess.run(
        [python, "-c", "from variorum.cli import run; run()", *args],
        capture_output=True,
        env={**os.environ, "COLUMNS": "100"},
        cwd=ROOT,
    )
    status = f"\n--- exit {done.returncode}\n".encode()
    target.write_bytes(done.stdout + b"\n--- stderr\n" + done.stderr + status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="", help="only the outputs whose name starts with this")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    todo = [item for item in commands(args.seeds) if item[0].startswith(args.only)]
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(lambda item: run(args.python, item[1], args.out / item[0]), todo))
    print(f"{len(todo)} outputs written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
