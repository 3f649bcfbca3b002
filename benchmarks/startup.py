"""Start-up benchmark: the commands people type by hand, timed as whole processes.

Run by hand (never by the test suite), see ``benchmarks/README.md``::

    python benchmarks/startup.py [--runs 7] [--seeds ../shared/seeds]

Each measure is the median wall time of ``--runs`` fresh processes (after one uncounted warm-up
that fills the page cache and the language model's cache): ``variorum --help``, ``variorum
compare A B --json`` and ``variorum collate --files A B`` on two one-page seeds, and, where
CollateX is installed (the ``bench`` extra), a Python process that reads the same two files and
collates them with CollateX, as a whole process too, each run paired with a ``collate --files``
run just before it (the ratio is the median of the pairs' ratios). Figures go to stdout, progress to stderr;
the exit status is 1 when a target is not met. Wall time on a shared machine varies with its
load, which the closing note prints (before and after); CPU time (user + system, of the process
and its children) is printed beside it and varies less, and the CollateX ratio is given in both.

The package's modules are compiled to bytecode first, as installing a wheel does: an editable
install run with ``PYTHONDONTWRITEBYTECODE`` set would otherwise compile every module of
variorum again in every process (~100 ms), which no installed copy does.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Targets (seconds, median wall time of a whole process).
HELP_SECONDS = 0.25
PAIR_SECONDS = 0.4
#: Whole-process collation of two seeds: at least this many times CollateX-py's wall time.
COLLATEX_RATIO = 20.0

# The first two seeds in English: the 2018 press release and the 2020 news copy.
SEED_A = "001_"
SEED_B = "003_"

COLLATEX_SCRIPT = """
import sys
from collatex import Collation, collate
c = Collation()
for k, path in enumerate(sys.argv[1:]):
    c.add_plain_witness(f"w{k}", open(path, encoding="utf-8").read())
collate(c, output="json", segmentation=False)
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def variorum_command() -> list[str]:
    exe = Path(sys.executable).with_name("variorum")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from variorum.cli import run; run()"]


def timed(cmd: list[str], runs: int, *, warm_up: bool = True) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` processes of ``cmd`` (after one warm-up)."""
    walls, cpus = [], []
    for k in range(0 if warm_up else 1, runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
        if k:  # the first run fills the caches
            walls.append(wall)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def compile_package(python: str) -> None:
    """Write the bytecode of the variorum package that ``python`` imports (see the docstring)."""
    where = subprocess.run(
        [python, "-c", "import os, variorum; print(os.path.dirname(variorum.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", where], check=True, stdout=subprocess.DEVNULL)


def has_collatex() -> bool:
    try:
        import collatex  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per measure (median)")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()
    seeds = sorted(args.seeds.glob("*.txt")) if args.seeds.is_dir() else []
    pick = [next((p for p in seeds if p.name.startswith(prefix)), None) for prefix in (SEED_A, SEED_B)]
    if None in pick:
        log(f"{args.seeds}: seeds {SEED_A}* and {SEED_B}* not found (pass --seeds)")
        return 1
    a, b = (str(p) for p in pick)
    v = variorum_command()
    compile_package(sys.executable)
    load_before = os.getloadavg()
    rows: list[tuple[str, float, float, str, bool | None]] = []

    log("variorum --help")
    wall, cpu = timed([*v, "--help"], args.runs)
    rows.append(("variorum --help", wall, cpu, f"< {HELP_SECONDS} s", wall < HELP_SECONDS))
    log("variorum compare")
    wall, cpu = timed([*v, "compare", a, b, "--json"], args.runs)
    rows.append(("variorum compare A B --json", wall, cpu, f"< {PAIR_SECONDS} s", wall < PAIR_SECONDS))
    log("variorum collate --files")
    collate_wall, cpu = timed([*v, "collate", "--files", a, b], args.runs)
    rows.append(
        (
            "variorum collate --files A B",
            collate_wall,
            cpu,
            f"< {PAIR_SECONDS} s",
            collate_wall < PAIR_SECONDS,
        )
    )
    ratio_note = "CollateX-py not installed (pip install -e '.[bench]')"
    if has_collatex():
        log("CollateX-py (a Python process collating the same two files; slow), paired with variorum")
        # Each CollateX run is paired with a variorum run just before it and the ratio taken per
        # pair: on a shared machine the load moves in the ~10 s a CollateX run takes, and
        # measures minutes apart would compare two different machines.
        cx_cmd = [sys.executable, "-c", COLLATEX_SCRIPT, a, b]
        subprocess.run(cx_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # warm-up
        pairs = [
            (timed([*v, "collate", "--files", a, b], 1, warm_up=False), timed(cx_cmd, 1, warm_up=False))
            for _ in range(max(1, args.runs // 3))
        ]
        cx_wall = statistics.median(cx[0] for _, cx in pairs)
        cx_cpu = statistics.median(cx[1] for _, cx in pairs)
        ratio = statistics.median(cx[0] / ours[0] for ours, cx in pairs)
        cpu_ratio = statistics.median(cx[1] / ours[1] if ours[1] else float("inf") for ours, cx in pairs)
        rows.append(("CollateX-py collate, whole process", cx_wall, cx_cpu, "", None))
        rows.append(
            (
                "  ratio CollateX / variorum collate, paired",
                ratio,
                0.0,
                f">= {COLLATEX_RATIO:.0f}x",
                ratio >= COLLATEX_RATIO,
            )
        )
        ratio_note = (
            f"collate --files is {ratio:.1f}x faster than CollateX-py as whole processes "
            f"({cpu_ratio:.1f}x in CPU time)"
        )

    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'wall':>8}  {'cpu':>8}  target      status")
    for name, wall, cpu, target, met in rows:
        status = "" if met is None else ("MET" if met else "NOT MET")
        figure = f"{wall:7.1f}x" if name.strip().startswith("ratio") else f"{wall:7.3f}s"
        cpu_cell = "" if name.strip().startswith("ratio") else f"{cpu:7.3f}s"
        print(f"{name.ljust(width)}  {figure:>8}  {cpu_cell:>8}  {target:<10}  {status}")
    load = os.getloadavg()
    print(
        f"\nmedian of {args.runs} processes each after one warm-up; seeds {pick[0].name}, {pick[1].name}; "
        f"{ratio_note}; load average (1, 5, 15 min) {load_before[0]:.2f} {load_before[1]:.2f} "
        f"{load_before[2]:.2f} before, {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} after, "
        f"on {os.cpu_count()} cores; "
        f"command: python benchmarks/startup.py --runs {args.runs}"
    )
    return 0 if all(met is not False for *_, met in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
