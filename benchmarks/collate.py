"""Collation benchmark: variorum's ``collate`` against CollateX on real and synthetic witnesses.

Run by hand (never by the test suite), see ``benchmarks/README.md``::

    python benchmarks/collate.py [--quick | --cases] [--seed 7]

Figures go to stdout, progress to stderr; the exit status is 1 when a target is not met. Each
measured collation runs in a child process of its own, so that its peak RSS is its own and so
that CollateX, whose aligner fills a full Python-object edit table per witness, can be stopped by
a time limit and an address-space limit without taking the run (or the machine) with it.

The synthetic witnesses come from ``tests/collation_synth.py``, the generator the test suite
scores against, so the match F1 here is the tests' measure on longer and more numerous witnesses.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The generator lives with the tests that define its truth; import it rather than copy it, so the
# benchmark and the tests can never disagree about what the true alignment is.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from collation_cases import CASES, KINDS, Case, score
from collation_real import REAL_CASES, load
from collation_synth import Pair, SynthWitness, make_family, predicted_pairs, true_pairs
from scale import Row, log, mib, print_table

from variorum.collate import Collation, collate
from variorum.ingest import read_file
from variorum.model import Document
from variorum.text.normalize import tokenize

#: Targets (from the issue that asked for this benchmark).
SEEDS_SECONDS = 0.5
SMALL_SECONDS = 2.0  # 5 witnesses of 10,000 words
LARGE_SECONDS = 20.0  # 50 witnesses of 10,000 words
#: The test suite's floor for match F1 on synthetic witnesses (tests/test_collate.py).
MATCH_F1 = 0.97
#: "Memory linear in total words": the collation's own MiB per million words may vary by at most
#: this factor between 10 and 50 witnesses. Our reading of "roughly constant", not the issue's.
MEMORY_SPREAD = 1.5

SEED_RUNS = 5
SYNTH_RUNS = 3  # median of 3 for the 5-witness cases, one run for the memory series
WORDS = 10_000
CX_WORDS = 2_000
MEMORY_SERIES = (10, 25, 50)

CX_MEMORY = 6 * 1024**3  # RLIMIT_AS of every CollateX child
CX_SECONDS_SMALL = 300.0  # seeds
CX_SECONDS_LARGE = 600.0  # 5 × 2,000 words
#: Measured by hand with this script's CollateX child on 2 cores (README, "CollateX's cost"):
#: 5 × 2,000 words take ~90 s and ~1 GiB, 5 × 4,000 words ~570 s and ~3.6 GiB. Its edit table grows
#: with the square of the length, so 5 × 10,000 words would need ~6× that: past both limits.
CX_SKIP_FROM = 4_000
CX_SKIP_NOTE = "skipped: CollateX needs >{s:,} s / >{gb} GB here, per the figures in the README"
CX_NEEDS = {WORDS: (3_500, 20)}  # seconds, GB for 5 × 10,000 words

EXIT_OUT_OF_MEMORY = 3
DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"  # beside the checkout


# -- what is measured, in the child processes ---------------------------------------------------


def rss_now_kib() -> int:
    """Current resident set (not the high-water mark): what the process holds before a measure."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: an upper bound


def maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def read_seeds(folder: Path) -> list[Document]:
    return [read_file(p) for p in sorted(folder.iterdir()) if p.is_file()]


def timed_collations(docs: list[Document], runs: int) -> tuple[list[float], Collation, dict[str, float]]:
    """``runs`` timed collations; the last result, and the stage timings of the median run.

    ``Collation.timings`` starts after the witnesses are made (tokenizing, split repair,
    segmentation with language ID), so that share is added as ``witnesses``.
    """
    seconds: list[float] = []
    stages: list[dict[str, float]] = []
    result: Collation | None = None
    for _ in range(runs):
        t = time.perf_counter()
        result = collate(docs)
        took = time.perf_counter() - t
        seconds.append(took)
        stages.append({"witnesses": took - sum(result.timings.values()), **result.timings})
    assert result is not None
    median_run = sorted(range(runs), key=lambda k: seconds[k])[runs // 2]
    return seconds, result, stages[median_run]


def child_variorum_seeds(params: dict[str, Any]) -> dict[str, Any]:
    """Case 1: warm up on the seeds (the language model loads once), then time ``collate``."""
    docs = read_seeds(Path(params["seeds"]))
    collate(docs)
    before = rss_now_kib()
    seconds, c, stages = timed_collations(docs, params["runs"])
    return {
        "seconds": statistics.median(seconds),
        "runs": seconds,
        "stages": stages,
        "rss_before_kib": before,
        "maxrss_kib": maxrss_kib(),
        "words": sum(len(d.text.split()) for d in docs),
        "columns": len(c.table.columns),
        "variants": len(c.variants),
        "moves": len(c.moves),
    }


def check_tokens(family: list[SynthWitness]) -> None:
    """The truth indexes the generator's tokens, the scoring variorum's: they must be the same."""
    for k, w in enumerate(family):
        n = len(tokenize(w.doc.text))
        if n != len(w.origin):
            raise SystemExit(f"witness {k}: variorum reads {n} tokens, the generator made {len(w.origin)}")


def child_variorum_synth(params: dict[str, Any]) -> dict[str, Any]:
    """Cases 2-4 for variorum: time (and score) ``collate`` on one seeded synthetic family.

    The warm-up is a small family of another seed: it pays the one-off language-model load and
    imports without filling the caches with the measured witnesses' own words.
    """
    collate([w.doc for w in make_family(2, 300, params["seed"] + 1000)])
    family = make_family(params["witnesses"], params["words"], params["seed"])
    docs = [w.doc for w in family]
    before = rss_now_kib()
    seconds, c, stages = timed_collations(docs, params["runs"])
    out: dict[str, Any] = {
        "seconds": statistics.median(seconds),
        "runs": seconds,
        "stages": stages,
        "rss_before_kib": before,
        "maxrss_kib": maxrss_kib(),  # read before scoring, which holds sets of pairs
        "words": sum(len(w.origin) for w in family),
        "columns": len(c.table.columns),
        "variants": len(c.variants),
        "moves": len(c.moves),
    }
    if params["quality"]:
        check_tokens(family)
        index = {w.doc.id: k for k, w in enumerate(family)}
        exclude = {w.doc.id: w.moved for w in family}
        out["quality"] = scores(predicted_pairs(c, index, exclude), true_pairs(family))
        out["blocks_found"] = moved_blocks_found(c, family)
        out["blocks_planted"] = sum(1 for w in family if w.moved)
    return out


def collatex_tokens(text: str) -> list[dict[str, str]]:
    """variorum's tokens of ``text`` as CollateX token dicts, so that indices correspond.

    CollateX would otherwise cut plain content at every non-word character, and its token
    ``n`` is what it compares: giving it variorum's normalized form makes it match what
    variorum matches (case and accents folded), a fair footing for the F1.
    """
    tokens = tokenize(text)
    return [
        {"t": text[s:e], "n": n} for n, s, e in zip(tokens.norms, tokens.starts, tokens.ends, strict=True)
    ]


def run_collatex(witnesses: list[dict[str, Any]]) -> tuple[float, dict[str, Any], int]:
    """Seconds, parsed JSON table and peak RSS of one CollateX collation (no segmentation)."""
    from collatex import Collation as CxCollation
    from collatex import collate as cx_collate

    collation = CxCollation()
    for w in witnesses:
        collation.add_witness(w)
    t = time.perf_counter()
    answer = cx_collate(collation, output="json", segmentation=False)
    seconds = time.perf_counter() - t
    peak = maxrss_kib()
    return seconds, json.loads(answer), peak


def child_collatex_seeds(params: dict[str, Any]) -> dict[str, Any]:
    """Case 1 for CollateX: the seeds as plain ``content`` witnesses, its own tokenizer."""
    docs = read_seeds(Path(params["seeds"]))
    before = rss_now_kib()
    seconds, table, peak = run_collatex([{"id": f"w{k}", "content": d.text} for k, d in enumerate(docs)])
    return {
        "seconds": seconds,
        "rss_before_kib": before,
        "maxrss_kib": peak,
        "columns": len(table["table"][0]) if table["table"] else 0,
    }


def child_collatex_synth(params: dict[str, Any]) -> dict[str, Any]:
    """Cases 2 and 4 for CollateX: the same family as variorum's, pre-tokenized, then scored."""
    family = make_family(params["witnesses"], params["words"], params["seed"])
    witnesses = [{"id": f"w{k}", "tokens": collatex_tokens(w.doc.text)} for k, w in enumerate(family)]
    check_tokens(family)
    before = rss_now_kib()
    seconds, table, peak = run_collatex(witnesses)
    exclude = [w.moved for w in family]
    return {
        "seconds": seconds,
        "rss_before_kib": before,
        "maxrss_kib": peak,
        "words": sum(len(w.origin) for w in family),
        "columns": len(table["table"][0]) if table["table"] else 0,
        "quality": scores(collatex_pairs(table, witnesses, exclude), true_pairs(family)),
        # CollateX 2.3's JSON table has no transpositions, and its detect_transpositions=True
        # raises AttributeError in the aligner: nothing to count.
        "transpositions": None,
    }


CHILDREN = {
    "variorum-seeds": child_variorum_seeds,
    "variorum-synth": child_variorum_synth,
    "collatex-seeds": child_collatex_seeds,
    "collatex-synth": child_collatex_synth,
}


# -- the CollateX-style cases (tests/collation_cases.py) ------------------------------------------


def variorum_case_columns(case: Case) -> list[tuple[int | None, ...]]:
    """variorum's table of a case, witnesses in the case's order."""
    order = [f"w{k}" for k in range(len(case.witnesses))]
    c = collate([Document(id=o, text=t) for o, t in zip(order, case.witnesses, strict=True)])
    index = {w.id: k for k, w in enumerate(c.witnesses)}
    return [tuple(col[index[o]] for o in order) for col in c.table.columns]


def collatex_case_columns(case: Case) -> list[tuple[int | None, ...]]:
    """CollateX's table of a case (EditGraphAligner, no segmentation, variorum's tokens)."""
    from collatex import Collation as CxCollation
    from collatex import collate as cx_collate

    collation = CxCollation()
    witnesses = [{"id": f"w{k}", "tokens": collatex_tokens(t)} for k, t in enumerate(case.witnesses)]
    for w in witnesses:
        collation.add_witness(w)
    table = json.loads(cx_collate(collation, output="json", segmentation=False))
    rows = {s: row for s, row in zip(table["witnesses"], table["table"], strict=True)}
    counters = [0] * len(witnesses)
    columns: list[tuple[int | None, ...]] = []
    for c in range(len(table["table"][0]) if table["table"] else 0):
        col: list[int | None] = []
        for k, w in enumerate(witnesses):
            cell = rows[w["id"]][c]
            if cell:
                col.append(counters[k])
                counters[k] += len(cell)
            else:
                col.append(None)
        columns.append(tuple(col))
    return columns


def case_collatex_style(have_cx: bool) -> list[Row]:
    """(5) The CollateX-style cases: match F1 and exact tables per kind, both tools side by side."""
    print(
        f"\n[5] CollateX-style cases: {len(CASES)} cases with expected tables (tests/collation_cases.py), "
        f"and {len(REAL_CASES)} from real re-issues (tests/collation_real.py)"
    )
    tally: dict[str, dict[str, list[float]]] = {}
    cases = list(CASES)
    kinds = list(KINDS)
    for real in REAL_CASES:
        case, why = load(real)
        if case is None:
            print(f"  {real.name}: skipped, {why}")
            continue
        cases.append(case)
        if case.kind not in kinds:
            kinds.append(case.kind)
    for case in cases:
        for who, run in (("variorum", variorum_case_columns), ("collatex", collatex_case_columns)):
            if who == "collatex" and not have_cx:
                continue
            f1, exact = score(case, run(case))
            t = tally.setdefault(case.kind, {}).setdefault(who, [])
            t.append(f1)
            tally[case.kind].setdefault(who + "-exact", []).append(float(exact))
    rows: list[Row] = []
    print(
        f"  {'kind':<32} {'cases':>5}  {'variorum F1':>11} {'CollateX F1':>11}"
        f"  {'variorum exact':>14} {'CollateX exact':>14}"
    )
    everything: dict[str, list[float]] = {}
    for kind in kinds:
        t = tally[kind]
        for key, values in t.items():
            everything.setdefault(key, []).extend(values)
        vf, ve = statistics.mean(t["variorum"]), statistics.mean(t["variorum-exact"])
        cf = statistics.mean(t["collatex"]) if "collatex" in t else None
        ce = statistics.mean(t["collatex-exact"]) if "collatex" in t else None
        n = len(t["variorum"])
        print(
            f"  {kind:<32} {n:>5}  {vf:>11.3f} {cf if cf is not None else float('nan'):>11.3f}"
            f"  {round(ve * n):>8}/{n:<5} {'' if ce is None else round(ce * n):>8}/{n:<5}"
        )
        rows.append(Row(f"cases, {kind}: match F1", vf, cf, ".3f", "≥ CollateX", cf is None or vf >= cf))
    vf, ve = statistics.mean(everything["variorum"]), statistics.mean(everything["variorum-exact"])
    cf = statistics.mean(everything["collatex"]) if "collatex" in everything else None
    ce = statistics.mean(everything["collatex-exact"]) if "collatex-exact" in everything else None
    print(
        f"  {'all':<32} {len(cases):>5}  {vf:>11.3f} {cf if cf is not None else float('nan'):>11.3f}"
        f"  {ve:>14.2f} {ce if ce is not None else float('nan'):>14.2f}"
    )
    rows += [
        Row("cases: mean match F1", vf, cf, ".3f", "≥ CollateX", cf is None or vf >= cf),
        Row("cases: exact tables (share)", ve, ce, ".2f", "≥ CollateX", ce is None or ve >= ce),
    ]
    return rows


# -- scoring against the generator's truth ---------------------------------------------------------


def collatex_pairs(
    table: dict[str, Any], witnesses: list[dict[str, Any]], exclude: list[set[int]]
) -> set[Pair]:
    """The same pairs from CollateX's JSON table (one row per witness, one cell per column).

    A witness's tokens appear in its row in reading order, so counting them gives each one's
    index in the token list it was given; the token text is checked on the way.
    """
    sigla = {w["id"]: k for k, w in enumerate(witnesses)}
    rows = {sigla[s]: row for s, row in zip(table["witnesses"], table["table"], strict=True)}
    indexed: dict[int, list[list[int]]] = {}
    for k, row in rows.items():
        given = witnesses[k]["tokens"]
        seen = 0
        cells: list[list[int]] = []
        for cell in row:
            here = []
            for token in cell or []:
                if token["t"] != given[seen]["t"]:
                    raise ValueError(f"witness {k}, token {seen}: CollateX has {token['t']!r}")
                here.append(seen)
                seen += 1
            cells.append(here)
        if seen != len(given):
            raise ValueError(f"witness {k}: {seen} of its {len(given)} tokens are in the table")
        indexed[k] = cells
    pairs: set[Pair] = set()
    for col in range(len(table["table"][0]) if table["table"] else 0):
        present = sorted((k, t) for k, cells in indexed.items() for t in cells[col] if t not in exclude[k])
        for (i, ti), (j, tj) in itertools.combinations(present, 2):
            if i != j:
                pairs.add((i, ti, j, tj))
    return pairs


def scores(predicted: set[Pair], truth: set[Pair]) -> dict[str, float]:
    hit = len(predicted & truth)
    precision = hit / len(predicted) if predicted else 1.0
    recall = hit / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def moved_blocks_found(c: Collation, family: list[SynthWitness]) -> int:
    """How many of the generator's moved blocks variorum's :class:`Move` s cover.

    A move's column range that belongs to the block's witness (``source`` when it is the
    ``from_witness``, ``target`` when it is the ``to_witness``: a move may be reported from either
    side) covers that witness's tokens in those columns. A block counts as found when the moves
    together cover at least half of it: an edit inside a moved block can cut it into two moves.
    """
    row = {w.id: k for k, w in enumerate(c.witnesses)}
    full = {w.id: {s: i for i, s in enumerate(tokenize(w.text).starts)} for w in c.witnesses}
    covered: dict[str, set[int]] = {w.doc.id: set() for w in family}
    for m in c.moves:
        for wid, (lo, hi) in ((m.from_witness, m.source), (m.to_witness, m.target)):
            w = c.witnesses[row[wid]]
            covered[wid].update(
                full[wid][w.tokens.starts[t]]
                for col in c.table.columns[lo:hi]
                if (t := col[row[wid]]) is not None
            )
    return sum(1 for w in family if w.moved and len(covered[w.doc.id] & w.moved) >= len(w.moved) / 2)


# -- child processes ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one child: its answer (None unless it finished) and its peak RSS."""

    result: dict[str, Any] | None
    status: str  # "finished", "timed out after N s", "out of memory (RLIMIT_AS N GiB)", "failed …"
    maxrss_kib: int  # the child's whole life, from wait4: also known for a child that was killed

    @property
    def peak_kib(self) -> int:
        """Peak RSS up to the end of the collation, read by the child before it scores the
        result (scoring holds sets of pairs); the whole life's peak for a child that did not finish."""
        return self.result["maxrss_kib"] if self.result else self.maxrss_kib


def run_child(
    mode: str,
    params: dict[str, Any],
    *,
    seconds: float | None = None,
    memory: int | None = None,
    script: Path = Path(__file__).resolve(),
    watch: Callable[[int], None] | None = None,
) -> Outcome:
    """Run ``mode`` in a new process of ``script``, under the given time and address-space limits.

    ``os.wait4`` gives the peak RSS of this one child even when it was killed, which the
    RUSAGE_CHILDREN maximum over all children could not. ``script`` is another benchmark whose
    ``--child MODE PARAMS OUT`` calls :func:`child_main` with its own modes (``run.py``);
    ``watch(pid)`` is called every 50 ms while the child runs (to sample its memory).
    """

    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    with tempfile.TemporaryDirectory(prefix="variorum-collate-bench-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, str(script), "--child", mode, json.dumps(params), str(out)]
        # The child's stdout goes to our stderr: stdout holds only the figures.
        proc = subprocess.Popen(cmd, stdout=sys.stderr, preexec_fn=limit)
        deadline = time.monotonic() + seconds if seconds else None
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if watch is not None:
                watch(proc.pid)
            if deadline is not None and time.monotonic() > deadline:
                proc.kill()
                timed_out = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        result = json.loads(out.read_text()) if code == 0 and out.exists() else None
    if result is not None:
        state = "finished"
    elif timed_out:
        state = f"timed out after {seconds:.0f} s"
    elif code == EXIT_OUT_OF_MEMORY:
        state = f"out of memory (RLIMIT_AS {memory / 1024**3:.3g} GiB)" if memory else "out of memory"
    else:
        state = f"failed (exit code {code})"
    return Outcome(result, state, usage.ru_maxrss)


def child_main(
    mode: str,
    params: str,
    out: str,
    children: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = CHILDREN,
) -> int:
    try:
        result = children[mode](json.loads(params))
    except MemoryError:
        os._exit(EXIT_OUT_OF_MEMORY)  # no unwinding: there may be no memory left to do it with
    Path(out).write_text(json.dumps(result))
    return 0


# -- report ---------------------------------------------------------------------------------------


def stages_text(stages: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in stages.items())


def describe_variorum(r: dict[str, Any]) -> None:
    runs = ", ".join(f"{s:.3f}" for s in r["runs"])
    print(f"  variorum: median {r['seconds']:.3f} s over {len(r['runs'])} run(s) [{runs}]")
    print(f"    stages of the median run (s): {stages_text(r['stages'])}")
    grew = r["maxrss_kib"] - r["rss_before_kib"]
    print(
        f"    peak RSS {mib(r['maxrss_kib']):,.0f} MiB ({mib(r['rss_before_kib']):,.0f} MiB before "
        f"collating, +{mib(grew):,.0f} MiB); {r['words']:,} words, {r['columns']:,} columns, "
        f"{r['variants']:,} variants, {r['moves']} moves"
    )


def describe_collatex(o: Outcome) -> None:
    if o.result is None:
        print(f"  CollateX: {o.status}; peak RSS {mib(o.peak_kib):,.0f} MiB")
        return
    r = o.result
    print(
        f"  CollateX: {r['seconds']:.2f} s, peak RSS {mib(o.peak_kib):,.0f} MiB "
        f"({mib(r['rss_before_kib']):,.0f} MiB before collating); {r['columns']:,} columns; {o.status}"
    )


def describe_quality(who: str, q: dict[str, float]) -> None:
    print(f"  {who} match F1 {q['f1']:.4f} (precision {q['precision']:.4f}, recall {q['recall']:.4f})")


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic witnesses (default 7)")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of real versions to collate")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="the seeds (both tools) and variorum on 5 × 2,000 words only: about a minute",
    )
    ap.add_argument(
        "--cases",
        action="store_true",
        help="only the CollateX-style cases with expected tables (both tools, per kind): seconds",
    )
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child_main(*args.child)

    print("variorum collation benchmark" + (" (--quick)" if args.quick else ""))
    print(
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(f"variorum {package_version('variorum')}, collatex {package_version('collatex')}; seed {args.seed}")
    rows: list[Row] = []
    have_cx = package_version("collatex") != "not installed"
    if not have_cx:
        print("CollateX not installed (pip install -e '.[bench]'): its columns stay empty")
    rows += case_collatex_style(have_cx)
    if args.cases:
        print()
        print_table(rows)
        return 0 if all(r.met is not False for r in rows) else 1
    rows += case_seeds(args, have_cx)
    rows += case_synthetic(args, have_cx)
    if not args.quick:
        rows += case_memory(args)
    print()
    print_table(rows)
    print(
        "\nbaseline = CollateX 2.3 (EditGraphAligner, segmentation=False), in a child under RLIMIT_AS "
        f"{CX_MEMORY / 1024**3:.0f} GiB; ratio = variorum / CollateX."
    )
    return 0 if all(r.met is not False for r in rows) else 1


def case_seeds(args: argparse.Namespace, have_cx: bool) -> list[Row]:
    """(1) The real seeds: variorum's median of five warm runs against one CollateX run."""
    if not args.seeds.is_dir():
        print(f"\n[1] seeds: {args.seeds} not found (--seeds DIR): skipped")
        return [Row("seeds: collate (s)", None, None, ".3f", f"< {SEEDS_SECONDS} s", False)]
    n = sum(1 for p in args.seeds.iterdir() if p.is_file())
    print(f"\n[1] seeds: the {n} texts in {args.seeds}, read before timing")
    log("  variorum on the seeds …")
    v = run_child("variorum-seeds", {"seeds": str(args.seeds), "runs": SEED_RUNS})
    if v.result:
        describe_variorum(v.result)
    else:
        print(f"  variorum: {v.status}")
    cx: Outcome | None = None
    if have_cx:
        log(f"  CollateX on the seeds (≤ {CX_SECONDS_SMALL:.0f} s) …")
        cx = run_child(
            "collatex-seeds", {"seeds": str(args.seeds)}, seconds=CX_SECONDS_SMALL, memory=CX_MEMORY
        )
        describe_collatex(cx)
    vr, cr = v.result, cx.result if cx else None
    return [
        Row("seeds: collate (s)", vr and vr["seconds"], cr and cr["seconds"], ".3f",
            f"< {SEEDS_SECONDS} s", vr is not None and vr["seconds"] < SEEDS_SECONDS),
        Row("seeds: peak RSS (MiB)", vr and mib(vr["maxrss_kib"]), cx and mib(cx.peak_kib), ",.0f",
            "—", None),
    ]  # fmt: skip


def case_synthetic(
    args: argparse.Namespace, have_cx: bool, sizes: list[tuple[int, bool]] | None = None
) -> list[Row]:
    """(2) and (4): 5 witnesses of 2,000 words (both tools), and of 10,000 (variorum only).

    ``sizes``: (words per witness, whether CollateX runs too) for each case, in place of these
    (``run.py`` picks its own).
    """
    rows: list[Row] = []
    if sizes is None:
        sizes = [(CX_WORDS, False)] if args.quick else [(CX_WORDS, True), (WORDS, False)]
    for words, with_cx in sizes:
        label = f"5×{words:,}"
        print(f"\n[2][4] synthetic: 5 witnesses of {words:,} words, seed {args.seed}")
        log(f"  variorum on {label} …")
        params = {"witnesses": 5, "words": words, "seed": args.seed, "runs": SYNTH_RUNS, "quality": True}
        v = run_child("variorum-synth", params)
        vr = v.result
        if vr:
            describe_variorum(vr)
            describe_quality("variorum:", vr["quality"])
            print(
                f"  variorum: moved blocks reported {vr['blocks_found']} of {vr['blocks_planted']} "
                f"({vr['moves']} moves in all)"
            )
        else:
            print(f"  variorum: {v.status}")
        cx: Outcome | None = None
        if words >= CX_SKIP_FROM:
            s, gb = CX_NEEDS.get(words, CX_NEEDS[WORDS])
            print("  CollateX: " + CX_SKIP_NOTE.format(s=s, gb=gb))
        elif have_cx and with_cx:
            log(f"  CollateX on {label} (≤ {CX_SECONDS_LARGE:.0f} s, RLIMIT_AS 6 GiB) …")
            params = {"witnesses": 5, "words": words, "seed": args.seed}
            cx = run_child("collatex-synth", params, seconds=CX_SECONDS_LARGE, memory=CX_MEMORY)
            describe_collatex(cx)
            if cx.result:
                describe_quality("CollateX:", cx.result["quality"])
                print("  CollateX: moved blocks reported: none reported (its output has no transpositions)")
        cr = cx.result if cx else None
        target = f"< {SMALL_SECONDS:.0f} s" if words == WORDS else "—"
        met = (vr is not None and vr["seconds"] < SMALL_SECONDS) if words == WORDS else None
        planted = vr["blocks_planted"] if vr else 2
        rows += [
            Row(f"{label}: collate (s)", vr and vr["seconds"], cr and cr["seconds"], ".3f", target, met),
            Row(f"{label}: peak RSS (MiB)", vr and mib(vr["maxrss_kib"]), cx and mib(cx.peak_kib),
                ",.0f", "—", None),
            Row(f"{label}: match F1", vr and vr["quality"]["f1"], cr and cr["quality"]["f1"], ".4f",
                f"≥ {MATCH_F1}", vr is not None and vr["quality"]["f1"] >= MATCH_F1),
            Row(f"{label}: moved blocks reported", vr and vr["blocks_found"], 0 if cr else None, "d",
                f"all {planted}", vr is not None and vr["blocks_found"] == planted),
        ]  # fmt: skip
    return rows


def case_memory(args: argparse.Namespace) -> list[Row]:
    """(3) 10, 25 and 50 witnesses of 10,000 words: time at 50, and memory per million words.

    The memory figure is what collating added to the process (peak RSS minus the resident set
    just before ``collate``), so the interpreter, the imports and the language model, which do
    not grow with the input, do not make small inputs look expensive.
    """
    print(f"\n[3] synthetic: {', '.join(map(str, MEMORY_SERIES))} witnesses of {WORDS:,} words, one run each")
    per_mword: list[float] = []
    rows: list[Row] = []
    large: dict[str, Any] | None = None
    for n in MEMORY_SERIES:
        log(f"  variorum on {n}×{WORDS:,} …")
        params = {"witnesses": n, "words": WORDS, "seed": args.seed, "runs": 1, "quality": False}
        v = run_child("variorum-synth", params)
        r = v.result
        if r is None:
            print(f"  {n}×{WORDS:,}: {v.status}")
            rows.append(Row(f"memory: {n}×{WORDS:,} (MiB/Mword)", None, None, ",.0f", "—", None))
            continue
        mwords = r["words"] / 1e6
        mcells = r["columns"] * n / 1e6  # the table is columns × witnesses
        grew = mib(r["maxrss_kib"] - r["rss_before_kib"])
        per_mword.append(grew / mwords)
        print(
            f"  {n}×{WORDS:,}: {r['seconds']:.2f} s ({stages_text(r['stages'])}); peak RSS "
            f"{mib(r['maxrss_kib']):,.0f} MiB, +{grew:,.0f} MiB collating = {grew / mwords:,.0f} MiB per "
            f"million words ({mib(r['maxrss_kib']) / mwords:,.0f} counting the whole process), "
            f"{grew / mcells:,.0f} MiB per million table cells; {r['columns']:,} columns, {r['moves']} moves"
        )
        rows.append(Row(f"memory: {n}×{WORDS:,} (MiB/Mword)", grew / mwords, None, ",.0f", "—", None))
        if n == MEMORY_SERIES[-1]:
            large = r
    spread = max(per_mword) / min(per_mword) if len(per_mword) == len(MEMORY_SERIES) else None
    rows.append(
        Row("memory: spread of MiB/Mword (max/min)", spread, None, ".2f", f"≤ {MEMORY_SPREAD}",
            spread is not None and spread <= MEMORY_SPREAD)
    )  # fmt: skip
    n = MEMORY_SERIES[-1]
    rows.insert(
        0,
        Row(f"{n}×{WORDS:,}: collate (s)", large and large["seconds"], None, ".2f",
            f"< {LARGE_SECONDS:.0f} s", large is not None and large["seconds"] < LARGE_SECONDS),
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    sys.exit(main())
