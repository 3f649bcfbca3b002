"""Near-duplicate benchmark: variorum's dedup pass against datasketch MinHash + MinHashLSH.

Run by hand (never by the test suite)::

    python benchmarks/neardup.py [--docs 100000] [--words 500] [--seed 1] [--quick]

The corpus is ``corpus.make_corpus`` written as JSON Lines (as ``scale.py`` writes it). Each
tool then runs in a child process of its own, so that its time and peak memory are its own:

* variorum: :func:`variorum.dedup.find_duplicates` on the file, ``measure="paragraphs"`` at
  0.8 with ``all_pairs``: the whole first and second pass of ``variorum dedup`` (reading and
  parsing the file, signing, candidate selection, verification by re-reading records), timed
  from the call to its return, on every usable core;
* datasketch: ``scale.child_minhash``, single process: MinHash.bulk(num_perm=128) over distinct
  lower-cased 5-word shingles into MinHashLSH(threshold=0.5) ("insert"), then every document
  queried for its candidate pairs ("query"). Reading the file is not timed.

Truth: ``Corpus.near_duplicates(0.8)``, pairs of one family sharing at least 80% of each one's
body paragraphs. variorum is scored on its verified pairs (every pair it compared and found at
or above the threshold, exact copies included), datasketch on its LSH candidate pairs. The
paragraph measure is used because the truth is about paragraphs: copies drop, add and move
paragraphs and 30% open with a cover note, which a word-sequence similarity reads as large
differences (at 0.8 it finds ~4% of the truth pairs here), while "each record keeps >= 80% of its
paragraphs in the other" is the truth's own definition, up to the cover notes, which count as
paragraphs for variorum and not for the truth (the pairs it loses).

``variorum dedup`` as a CLI process runs with both measures. ``--measure paragraphs`` is scored
on that truth; ``--measure words`` (edit similarity of the token sequences, in order) on the
pairs its definition promises, :func:`word_near_duplicates`: one family, at least 80% of the
words left in order. datasketch's verified pairs are scored on each truth beside it.

Figures on stdout, progress on stderr; exit status 1 when a target is NOT MET.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import KINDS, Corpus, make_corpus
from scale import MINHASH_THRESHOLD, child_minhash, log, mib, pair_scores, write_corpus

from variorum.dedup import find_duplicates

THRESHOLD = 0.8
MEASURE = "paragraphs"
_WORD = re.compile(r"\w+")
#: Targets: throughput against datasketch's insert rate, recall at least datasketch's.
SPEEDUP = 10.0
PRECISION = 0.99


def child_variorum(corpus_path: Path, out_path: Path) -> dict[str, Any]:
    """The dedup decision with every verified pair; pairs go to ``out_path`` as line numbers."""
    started = time.perf_counter()
    found = find_duplicates(corpus_path, threshold=THRESHOLD, measure=MEASURE, all_pairs=True)
    seconds = time.perf_counter() - started
    lines = found.lines.tolist()
    pairs = [(lines[a], lines[b]) for a, b, _ in found.pairs or ()]
    out_path.write_text(json.dumps(pairs))
    return {
        "seconds": seconds,
        "records": len(lines),
        "compared": found.compared,
        "removed": int((found.duplicate_of >= 0).sum()),
        "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "workers_maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


def run_child(mode: str, args: list[str]) -> tuple[dict[str, Any] | None, int]:
    """This script in ``mode`` in a new process: its JSON answer (or None) and its peak RSS (KiB)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = output.strip().splitlines()
    result = json.loads(lines[-1]) if proc.returncode == 0 and lines else None
    return result, usage.ru_maxrss


def variorum_command() -> list[str]:
    """The installed ``variorum`` script beside this interpreter, else its entry point run by it."""
    script = Path(sys.executable).with_name("variorum")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from variorum.cli import main; main()"]


def run_cli_dedup(corpus_path: Path, measure: str, folder: Path) -> dict[str, Any] | None:
    """``variorum dedup`` as a user runs it, a whole process: wall time (start-up, reading, signing,
    comparing, writing both outputs), CPU time of the process and its workers (``wait4``), and the
    removed records as (line, line of the record it duplicates)."""
    out, side = folder / f"dedup-{measure}.jsonl", folder / f"dedup-{measure}.removed.jsonl"
    cmd = [*variorum_command(), "dedup", str(corpus_path), "-o", str(out), "--removed", str(side)]
    cmd += ["--measure", measure, "--threshold", str(THRESHOLD), "--json"]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    removed = [json.loads(line) for line in side.read_text(encoding="utf-8").splitlines() if line]
    return {
        "seconds": wall,
        "load": load,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "maxrss_kib": usage.ru_maxrss,
        "summary": json.loads(output),
        "removed": [(r["line"], r["duplicate_of_line"]) for r in removed],
    }


def word_near_duplicates(corpus: Corpus, share: float = THRESHOLD) -> set[tuple[str, str]]:
    """Pairs (a < b) of one family whose word sequences have an edit similarity of ``share`` or more.

    What ``--measure words --threshold 0.8`` promises: at most one word in five substituted,
    deleted or inserted, in order. ``corpus.near_duplicates`` counts shared *paragraphs*, and its
    copies each drop and move paragraphs, which an edit similarity reads as deletions and
    insertions: on the invented corpus of 3,000 documents the median words similarity of its
    pairs is 0.44 and 3% reach 0.8. So each measure is scored on the truth that matches its
    definition, and datasketch on both. Words are lower-cased ``\\w+`` runs (datasketch's
    shingles' words), independent of variorum's normalizer; rapidfuzz computes the distance.
    """
    from rapidfuzz.distance import Levenshtein

    text = {d.id: d.text for d in corpus.documents}
    out: set[tuple[str, str]] = set()
    for members in corpus.families.values():
        words = {m: _WORD.findall(text[m].lower()) for m in members}
        for a, b in itertools.combinations(sorted(members), 2):
            if Levenshtein.normalized_similarity(words[a], words[b], score_cutoff=share) >= share:
                out.add((a, b))
    return out


def exact_copies(corpus: Corpus) -> int:
    """Documents whose lower-cased words, in order, are an earlier document's: what ``dedup``
    should report as exact copies (the generated copies are all edited, so usually none)."""
    seen: set[tuple[str, ...]] = set()
    copies = 0
    for d in corpus.documents:
        words = tuple(_WORD.findall(d.text.lower()))
        copies += words in seen
        seen.add(words)
    return copies


def group_pairs(
    removed: list[tuple[int, int]], ids: list[str]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The pairs a dedup output implies: (direct pairs removed -> kept, every pair inside a group)."""
    direct: set[tuple[str, str]] = set()
    groups: dict[int, list[int]] = {}
    for line, kept in removed:
        x, y = ids[line - 1], ids[kept - 1]
        direct.add((min(x, y), max(x, y)))
        groups.setdefault(kept, [kept]).append(line)
    inside: set[tuple[str, str]] = set()
    for members in groups.values():
        names = sorted(ids[m - 1] for m in members)
        inside.update((a, b) for i, a in enumerate(names) for b in names[i + 1 :])
    return direct, inside


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000, help="documents (default 100,000)")
    ap.add_argument("--words", type=int, default=500, help="words per document (default 500)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument(
        "--kind", choices=KINDS, default="english", help="corpus kind (corpus.py; default english)"
    )
    ap.add_argument("--quick", action="store_true", help="3,000 documents: a smoke run under a minute")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        mode, corpus_path, out_path = args.child
        run = child_variorum if mode == "variorum" else child_minhash
        print(json.dumps(run(Path(corpus_path), Path(out_path))))
        return 0

    n_docs = 3_000 if args.quick else args.docs
    print(
        f"variorum near-duplicate benchmark: {n_docs:,} {args.kind} documents of ~{args.words} words, "
        f"seed {args.seed}"
    )
    print(
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    t0 = time.perf_counter()
    corpus, _ = make_corpus(n_docs, args.words, args.seed, kind=args.kind)
    truth = corpus.near_duplicates(0.8)
    word_truth = word_near_duplicates(corpus)
    exact = exact_copies(corpus)
    family = corpus.truth_pairs()
    ids = [d.id for d in corpus.documents]  # line n of the file is ids[n - 1]
    print(
        f"corpus: {len(ids):,} documents, {corpus.words:,} words, {len(truth):,} near-duplicate pairs "
        f"(same family, >= 80% of each one's body paragraphs shared), {len(word_truth):,} of them "
        f"or others with >= {THRESHOLD:.0%} of their words left in order (edit similarity); generated in "
        f"{time.perf_counter() - t0:.1f} s"
    )

    with tempfile.TemporaryDirectory(prefix="variorum-neardup-") as tmp:
        folder = Path(tmp)
        corpus_path = folder / "corpus.jsonl"
        write_corpus(corpus.documents, corpus_path)
        print(f"file: {corpus_path.stat().st_size / 1024**2:,.0f} MiB of JSON Lines")

        log("variorum: find_duplicates ...")
        v, v_rss = run_child("variorum", [str(corpus_path), str(folder / "v.json")])
        v_pairs: set[tuple[str, str]] = set()
        if v is not None:
            for a, b in json.loads((folder / "v.json").read_text()):
                x, y = ids[a - 1], ids[b - 1]
                v_pairs.add((min(x, y), max(x, y)))

        cli: dict[str, dict[str, Any] | None] = {}
        for measure in ("words", "paragraphs"):
            log(f"variorum dedup --measure {measure} (CLI process) ...")
            cli[measure] = run_cli_dedup(corpus_path, measure, folder)

        log("datasketch: MinHash + MinHashLSH ...")
        try:
            import datasketch

            version = datasketch.__version__
            m_load = os.getloadavg()[0]
            m, m_rss = run_child("minhash", [str(corpus_path), str(folder / "m.json")])
        except ImportError:
            version, m, m_rss, m_load = None, None, 0, 0.0
        m_pairs: set[tuple[str, str]] = set()
        m_verified: set[tuple[str, str]] = set()
        if m is not None:
            m_pairs = {(a, b) for a, b in json.loads((folder / "m.json").read_text())}
            m_verified = {(a, b) for a, b in json.loads((folder / "m.verified.json").read_text())}

    print()
    if v is None:
        print("variorum FAILED")
        return 1
    v_rate = n_docs / v["seconds"]
    v_prec, v_rec = pair_scores(v_pairs, truth)
    v_peak = v_rss + v["workers_maxrss_kib"]
    print(
        f"[variorum] find_duplicates(measure={MEASURE!r}, threshold={THRESHOLD}, all_pairs=True): "
        f"{v['seconds']:.2f} s, {v_rate:,.0f} docs/s, {corpus.words / v['seconds']:,.0f} words/s; "
        f"{v['compared']:,} pairs compared, {len(v_pairs):,} verified pairs, {v['removed']:,} records "
        f"removed; peak RSS {mib(v_rss):,.0f} MiB + workers {mib(v['workers_maxrss_kib']):,.0f} MiB"
    )
    print(f"           pairs: precision {v_prec:.4f}, recall {v_rec:.4f}")
    if m is None:
        print("[datasketch] not installed (pip install -e '.[bench]') or FAILED: no ratios")
        return 1
    insert_rate = n_docs / m["insert_seconds"]
    total_rate = n_docs / m["seconds"]
    m_prec, m_rec = pair_scores(m_pairs, truth)
    mv_prec, mv_rec = pair_scores(m_verified, truth)
    print(
        f"[datasketch {version}] at load {m_load:.1f}: insert {m['insert_seconds']:.2f} s "
        f"({insert_rate:,.0f} docs/s, CPU {m['insert_cpu_seconds']:.2f} s), "
        f"insert + query {m['seconds']:.2f} s ({total_rate:,.0f} docs/s), verifying the candidates "
        f"(exact Jaccard ≥ {MINHASH_THRESHOLD}) {m['verify_seconds']:.2f} s more; "
        f"peak RSS {mib(m_rss):,.0f} MiB"
    )
    print(
        f"           {len(m_pairs):,} candidate pairs: precision {m_prec:.4f}, recall {m_rec:.4f}; "
        f"{len(m_verified):,} verified: precision {mv_prec:.4f}, recall {mv_rec:.4f}"
    )
    rows = [
        ("find_duplicates docs/s vs datasketch insert", f"{v_rate:,.0f} / {insert_rate:,.0f}",
         f"{v_rate / insert_rate:.2f}×", "—", None),
        ("find_duplicates pair recall", f"{v_rec:.4f} / {mv_rec:.4f}", "—", "—", None),
    ]  # fmt: skip
    for measure, r in cli.items():
        if r is None:
            print(f"[variorum dedup --measure {measure}] FAILED")
            rows.append((f"dedup --measure {measure} (CLI)", "FAILED", "—", f">= {SPEEDUP:.0f}×", False))
            continue
        direct, inside = group_pairs(r["removed"], ids)
        # Each measure's recall on the truth its definition matches (see word_near_duplicates),
        # datasketch's verified pairs on the same; precision: removed -> kept pairs of one family.
        own = word_truth if measure == "words" else truth
        near_precision = len(direct & truth) / len(direct) if direct else 1.0
        precision = len(direct & family) / len(direct) if direct else 1.0
        recall = len(inside & own) / len(own) if own else 1.0
        paragraph_recall = len(inside & truth) / len(truth) if truth else 1.0
        m_own_rec = pair_scores(m_verified, own)[1]
        ratio = m["insert_seconds"] / r["seconds"]
        per_core = n_docs / r["cpu_seconds"]
        insert_cpu_rate = n_docs / m["insert_cpu_seconds"]
        print(
            f"[variorum dedup --measure {measure}] CLI process {r['seconds']:.2f} s wall at load "
            f"{r['load']:.1f} "
            f"({n_docs / r['seconds']:,.0f} docs/s), CPU {r['cpu_seconds']:.2f} s with its workers "
            f"({per_core:,.0f} docs per CPU-second, datasketch {insert_cpu_rate:,.0f} on its one core); "
            f"{r['summary']['removed']:,} removed ({r['summary']['exact']:,} exact copies); removed -> kept "
            f"pairs near-duplicates {near_precision:.4f}, same family {precision:.4f}; pairs inside a "
            f"group: of the paragraph near-duplicates {paragraph_recall:.4f}, of the word-level ones "
            f"{len(inside & word_truth) / max(1, len(word_truth)):.4f}; "
            f"peak RSS {mib(r['maxrss_kib']):,.0f} MiB"
        )
        rows += [
            (f"dedup --measure {measure} (CLI): time vs datasketch insert",
             f"{r['seconds']:.2f} s / {m['insert_seconds']:.2f} s",
             f"{ratio:.2f}× faster ({per_core / insert_cpu_rate:.2f}× per core)",
             f">= {SPEEDUP:.0f}×", ratio >= SPEEDUP),
            (f"dedup --measure {measure} (CLI): docs per CPU-second",
             f"{per_core:,.0f} / {insert_cpu_rate:,.0f}", f"{per_core / insert_cpu_rate:.2f}×", "—", None),
            (f"dedup --measure {measure}: recall ({'word-level' if measure == 'words' else 'paragraph'} "
             "near-dups)", f"{recall:.4f} / {m_own_rec:.4f}", "—", ">= datasketch (verified)",
             recall >= m_own_rec),
            (f"dedup --measure {measure}: exact copies reported", f"{r['summary']['exact']:,} / {exact:,}",
             "—", "= the corpus's", r["summary"]["exact"] == exact),
            (f"dedup --measure {measure}: precision (one family)", f"{precision:.4f} / {mv_prec:.4f}", "—",
             f">= {PRECISION}", precision >= PRECISION),
        ]  # fmt: skip
    rows.append(("peak memory (MiB)", f"{mib(v_peak):,.0f} / {mib(m_rss):,.0f}", "—", "—", None))
    print()
    header = ("measure", "variorum / datasketch", "ratio", "target", "status")
    status = {None: "—", True: "MET", False: "NOT MET"}
    table = [header] + [(a, b, c, d, status[e]) for a, b, c, d, e in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for n, r in enumerate(table):
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0 if all(r[4] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
