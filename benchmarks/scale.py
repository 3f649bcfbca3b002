"""Scale benchmark: add 10,000 documents, query 1,000-word texts, compare with naive baselines.

Run by hand (never by the test suite), see ``benchmarks/README.md``::

    python benchmarks/scale.py [--docs 10000] [--words 500] [--seed 1] [--quick]

Figures go to stdout, progress to stderr. Targets are checked against absolute limits; the
baselines (datasketch MinHash LSH for grouping, difflib for querying) are measured in the same
run on the same corpus, so the ratios do not depend on the machine the way raw seconds do.

The ``add`` runs in a child process so that its peak RSS is its own (the parent holds the
corpus, the baselines' data and the query index) and so that an address-space limit can be put
on it alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus, QueryText, family_pairs, make_corpus, make_queries

from variorum import pipeline
from variorum.config import Settings, from_env
from variorum.model import Document
from variorum.store.index import Index

#: Targets (see the task that introduced this benchmark and README.md).
ADD_SECONDS = 60.0
ADD_MEMORY = 2 * 1024**3  # bytes: both the RLIMIT_AS of the child and the peak-RSS ceiling
QUERY_MS = 200.0
#: Our own bar for "the answer finds the reused passages": share of planted paragraphs found.
PLANTED_RECALL = 0.9
#: A planted paragraph counts as found when passages against its source document cover this
#: share of its characters (a passage may stop a word or two short of a paragraph's ends).
FOUND_SHARE = 0.5

QUERIES = 20
QUERY_WORDS = 1000
DIFFLIB_SAMPLE = 200
MINHASH_PERM = 128
MINHASH_SHINGLE = 5
MINHASH_THRESHOLD = 0.5

_WORD = re.compile(r"\w+")


def log(msg: str) -> None:
    """Progress and diagnostics on stderr, so stdout holds only the figures."""
    print(msg, file=sys.stderr, flush=True)


# -- corpus on disk (what the child processes read) ----------------------------------------------


def write_corpus(docs: Iterable[Document], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"id": d.id, "text": d.text, "path": d.path}, ensure_ascii=False) + "\n")


def read_corpus(path: Path) -> list[Document]:
    with path.open(encoding="utf-8") as f:
        return [Document(**json.loads(line)) for line in f]


# -- child processes -------------------------------------------------------------------------------


def child_add(corpus_path: Path, db_path: Path) -> dict[str, Any]:
    """Open a fresh index and add every document; only this is timed (reading the JSONL is not)."""
    docs = read_corpus(corpus_path)
    settings = from_env()
    started = time.perf_counter()
    last = [started, 0]

    def progress(stage: str, advance: int) -> None:
        last[1] += advance
        now = time.perf_counter()
        if now - last[0] >= 5 or last[1] == len(docs):
            log(f"  add: {last[1]:>6,} / {len(docs):,} documents, {now - started:6.1f} s")
            last[0] = now

    index = Index.open(db_path, settings=settings)
    report = pipeline.add(index, docs, settings, progress=progress)
    index.close()
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "add_seconds": report.seconds,
        "added": report.added,
        "duplicates": report.duplicates,
        "pairs": report.pairs,
        "passages": report.passages,
        "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def shingles(text: str) -> list[bytes]:
    """Distinct 5-word shingles of the lower-cased words, the usual MinHash input for near-dups."""
    words = _WORD.findall(text.lower())
    n = MINHASH_SHINGLE
    grams = {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}
    return [g.encode("utf-8") for g in grams]


def child_minhash(corpus_path: Path, out_path: Path) -> dict[str, Any]:
    """Baseline (a): MinHash signatures + MinHashLSH, then every document queried for its pairs.

    ``MinHash.bulk`` is datasketch's fastest documented way to sign many sets, so the baseline
    gets its best case. Timed: shingling + signing + insertion ("insert"), and querying all
    documents for candidate pairs ("query"); the pair list is written to ``out_path``.
    """
    from datasketch import MinHash, MinHashLSH

    docs = read_corpus(corpus_path)
    t0, c0 = time.perf_counter(), time.process_time()
    sets = [shingles(d.text) for d in docs]
    sigs = MinHash.bulk(sets, num_perm=MINHASH_PERM)
    lsh = MinHashLSH(threshold=MINHASH_THRESHOLD, num_perm=MINHASH_PERM)
    with lsh.insertion_session() as session:
        for d, m in zip(docs, sigs, strict=True):
            session.insert(d.id, m)
    t1, c1 = time.perf_counter(), time.process_time()
    pairs: set[tuple[str, str]] = set()
    for d, m in zip(docs, sigs, strict=True):
        for other in lsh.query(m):
            if other != d.id:
                pairs.add((min(d.id, other), max(d.id, other)))
    t2 = time.perf_counter()
    # Verified: the candidates whose shingle sets really reach the LSH threshold (exact Jaccard),
    # what a datasketch user does before trusting a pair; precision is compared on these.
    by_id = {d.id: set(s) for d, s in zip(docs, sets, strict=True)}
    verified = [
        (a, b)
        for a, b in sorted(pairs)
        if len(by_id[a] & by_id[b]) >= MINHASH_THRESHOLD * len(by_id[a] | by_id[b])
    ]
    t3 = time.perf_counter()
    out_path.write_text(json.dumps(sorted(pairs)))
    out_path.with_suffix(".verified.json").write_text(json.dumps(verified))
    return {
        "insert_seconds": t1 - t0,
        "insert_cpu_seconds": c1 - c0,
        "query_seconds": t2 - t1,
        "verify_seconds": t3 - t2,
        "seconds": t2 - t0,
        "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def _limit_address_space() -> None:
    """Runs in the child before exec: the whole add process, interpreter included, gets 2 GiB."""
    resource.setrlimit(resource.RLIMIT_AS, (ADD_MEMORY, ADD_MEMORY))


def run_child(
    mode: str, args: list[str], *, preexec: Callable[[], None] | None = None
) -> tuple[dict[str, Any] | None, int]:
    """Run this script in ``mode`` in a new process; its JSON answer (or None) and exit code."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *args]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, preexec_fn=preexec, check=False)
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if proc.returncode == 0 and lines else None
    return result, proc.returncode


# -- measures -------------------------------------------------------------------------------------


def pair_scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    """Precision and recall of same-family pairs (1.0 when there is nothing to find or claim)."""
    hit = len(predicted & truth)
    precision = hit / len(predicted) if predicted else 1.0
    recall = hit / len(truth) if truth else 1.0
    return precision, recall


def _covered_chars(spans: Iterable[tuple[int, int]], start: int, end: int) -> int:
    marks = bytearray(end - start)
    for s, e in spans:
        lo, hi = max(s, start), min(e, end)
        if lo < hi:
            marks[lo - start : hi - start] = b"\x01" * (hi - lo)
    return sum(marks)


@dataclass
class QueryCheck:
    """How one query answer compares with what was planted in the query text."""

    seconds: float
    found: int  # planted paragraphs found against their source document
    planted: int
    planted_chars: int
    planted_covered: int  # planted characters covered by passages with the source document
    new_chars: int
    new_covered: int  # characters of never-indexed text covered by some passage
    matches: int


def check_answer(q: QueryText, answer: dict[str, Any], seconds: float) -> QueryCheck:
    by_doc: dict[str, list[tuple[int, int]]] = {}
    for m in answer["matches"]:
        by_doc[m["document"]["id"]] = [(p["a_start"], p["a_end"]) for p in m["passages"]]
    found = planted_chars = planted_covered = 0
    for p in q.planted:
        cov = _covered_chars(by_doc.get(p.source, []), p.start, p.end)
        planted_chars += p.end - p.start
        planted_covered += cov
        found += cov >= FOUND_SHARE * (p.end - p.start)
    all_spans = [s for spans in by_doc.values() for s in spans]
    text_len = len(q.document.text)
    total_covered = _covered_chars(all_spans, 0, text_len)
    planted_any = sum(_covered_chars(all_spans, p.start, p.end) for p in q.planted)
    new_chars = text_len - planted_chars
    return QueryCheck(
        seconds=seconds,
        found=found,
        planted=len(q.planted),
        planted_chars=planted_chars,
        planted_covered=planted_covered,
        new_chars=new_chars,
        new_covered=total_covered - planted_any,
        matches=len(answer["matches"]),
    )


def difflib_query(query: Document, docs: list[Document], sample: int, seed: int) -> tuple[float, int]:
    """Baseline (b): seconds to match ``query`` against ``sample`` random documents with difflib.

    ``get_matching_blocks`` on word lists is what a script without an index would do to find
    shared passages; the word lists are prepared before timing, which favours the baseline.
    """
    rng = random.Random(seed)
    picked = rng.sample(docs, min(sample, len(docs)))
    from difflib import SequenceMatcher

    qwords = query.text.lower().split()
    lists = [d.text.lower().split() for d in picked]
    t0 = time.perf_counter()
    for words in lists:
        SequenceMatcher(None, qwords, words).get_matching_blocks()
    return time.perf_counter() - t0, len(picked)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: with 20 queries p95 is the 19th, an observed value."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]


# -- report ---------------------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    variorum: float | None
    baseline: float | None
    fmt: str
    target: str
    met: bool | None  # None: reported only, no target

    def cells(self) -> list[str]:
        v = "—" if self.variorum is None else format(self.variorum, self.fmt)
        b = "—" if self.baseline is None else format(self.baseline, self.fmt)
        ratio = "—"
        if self.variorum is not None and self.baseline:
            r = self.variorum / self.baseline
            ratio = f"{r:.2f}×" if r >= 0.01 else f"{r:.2g}×"  # a 700-fold gap must not print as 0.00
        status = "—" if self.met is None else ("MET" if self.met else "NOT MET")
        return [self.measure, v, b, ratio, self.target, status]


def print_table(rows: list[Row]) -> None:
    header = ["measure", "variorum", "baseline", "ratio", "target", "status"]
    table = [header] + [r.cells() for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for n, r in enumerate(table):
        print(
            "  ".join(
                c.ljust(w) if i == 0 or i >= 4 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def mib(kib: float) -> float:
    return kib / 1024


# -- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000, help="documents to add (default 10,000)")
    ap.add_argument("--words", type=int, default=500, help="words per document (default 500)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument(
        "--quick", action="store_true", help="1,000 documents: a smoke run in well under a minute"
    )
    ap.add_argument(
        "--in-process",
        action="store_true",
        help="run the add in this process (no memory figure), so `python -m cProfile` sees it",
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        mode, *rest = args.child
        result = (
            child_add(Path(rest[0]), Path(rest[1]))
            if mode == "add"
            else child_minhash(Path(rest[0]), Path(rest[1]))
        )
        print(json.dumps(result))
        return 0

    n_docs = 1000 if args.quick else args.docs
    settings = from_env()
    print(f"variorum scale benchmark: {n_docs:,} documents of ~{args.words} words, seed {args.seed}")
    print(
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(f"settings: {settings}")

    t0 = time.perf_counter()
    corpus, maker = make_corpus(n_docs, args.words, args.seed)
    queries = make_queries(corpus, maker, QUERIES + 1, QUERY_WORDS, args.seed)
    gen_s = time.perf_counter() - t0
    truth = corpus.truth_pairs()
    print(
        f"corpus: {len(corpus.documents):,} documents, {corpus.words:,} words "
        f"({corpus.words / len(corpus.documents):.0f}/doc), {len(corpus.family_of):,} in "
        f"{len(corpus.families):,} families ({len(truth):,} same-family pairs); generated in {gen_s:.1f} s"
    )

    with tempfile.TemporaryDirectory(prefix="variorum-bench-") as tmp:
        tmpdir = Path(tmp)
        corpus_path = tmpdir / "corpus.jsonl"
        db_path = tmpdir / "index.db"
        write_corpus(corpus.documents, corpus_path)
        rows, ok = run(args, settings, corpus, queries, truth, corpus_path, db_path, tmpdir)
    print()
    print_table(rows)
    return 0 if ok else 1


def run(
    args: argparse.Namespace,
    settings: Settings,
    corpus: Corpus,
    queries: list[QueryText],
    truth: set[tuple[str, str]],
    corpus_path: Path,
    db_path: Path,
    tmpdir: Path,
) -> tuple[list[Row], bool]:
    n_docs = len(corpus.documents)
    rows: list[Row] = []

    # (1) add, in a child limited to 2 GiB of address space. It is the first child this process
    # waits for, so RUSAGE_CHILDREN's maximum is its peak RSS.
    print("\n[1] add to a fresh index")
    if args.in_process:
        added: dict[str, Any] | None = child_add(corpus_path, db_path)
        code, peak_kib = 0, None
    else:
        log(f"  add: child process, RLIMIT_AS = {ADD_MEMORY / 1024**3:.0f} GiB")
        added, code = run_child("add", [str(corpus_path), str(db_path)], preexec=_limit_address_space)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if added is None:
        print(f"  add FAILED (exit code {code}): ran out of the 2 GiB address space or crashed")
        add_s = None
    else:
        add_s = added["seconds"]
        print(
            f"  wall {add_s:.2f} s (pipeline.add {added['add_seconds']:.2f} s); "
            f"{n_docs / add_s:,.0f} docs/s; {corpus.words / add_s:,.0f} words/s"
        )
        print(
            f"  added {added['added']:,}, duplicates {added['duplicates']}, aligned pairs with passages "
            f"{added['pairs']:,}, passages {added['passages']:,}"
        )
        if peak_kib is not None:
            print(
                f"  peak RSS of the add process: {mib(peak_kib):,.0f} MiB (completed under RLIMIT_AS 2 GiB)"
            )
        print(f"  index size: {db_size(db_path) / 1024**2:,.1f} MiB")

    # (a) MinHash LSH baseline on the same corpus.
    print("\n[a] baseline: datasketch MinHash (128 perm, 5-word shingles) + MinHashLSH(threshold=0.5)")
    mh: dict[str, Any] | None = None
    mh_pairs: set[tuple[str, str]] = set()
    try:
        import datasketch

        pairs_path = tmpdir / "minhash_pairs.json"
        mh, code = run_child("minhash", [str(corpus_path), str(pairs_path)])
        if mh is None:
            print(f"  baseline FAILED (exit code {code})")
        else:
            mh_pairs = {(a, b) for a, b in json.loads(pairs_path.read_text())}
            print(
                f"  datasketch {datasketch.__version__}: insert {mh['insert_seconds']:.2f} s "
                f"({n_docs / mh['insert_seconds']:,.0f} docs/s), query all {mh['query_seconds']:.2f} s, "
                f"peak RSS {mib(mh['self_maxrss_kib']):,.0f} MiB"
            )
    except ImportError:
        print("  datasketch not installed (pip install -e '.[bench]'): baseline skipped")

    # Families found by the add, against the ground truth.
    print("\n[families] same-family pairs against the ground truth")
    v_prec = v_rec = None
    if added is not None:
        with Index.open(db_path, create=False) as index:
            groups = [[d["id"] for d in f["documents"]] for f in pipeline.families(index, settings)]
        v_pairs = family_pairs(groups)
        v_prec, v_rec = pair_scores(v_pairs, truth)
        print(
            f"  variorum: {len(groups):,} families, {len(v_pairs):,} pairs; "
            f"precision {v_prec:.4f}, recall {v_rec:.4f}"
        )
    m_prec = m_rec = None
    if mh is not None:
        m_prec, m_rec = pair_scores(mh_pairs, truth)
        print(f"  minhash:  {len(mh_pairs):,} candidate pairs; precision {m_prec:.4f}, recall {m_rec:.4f}")

    # (2) query.
    print(
        f"\n[2] query: {QUERIES} texts of ~{QUERY_WORDS} words, "
        "each with 2-3 paragraphs of one indexed document"
    )
    checks: list[QueryCheck] = []
    cold_ms = None
    if added is not None:
        with Index.open(db_path, create=False) as index:
            for i, q in enumerate(queries):
                t = time.perf_counter()
                answer = pipeline.query(index, q.document, settings)
                seconds = time.perf_counter() - t
                if i == 0:  # first query pays imports' lazy work and cold caches; not counted
                    cold_ms = seconds * 1000
                    continue
                checks.append(check_answer(q, answer, seconds))
    med = p95 = recall = char_recall = new_share = None
    if checks:
        times = [c.seconds * 1000 for c in checks]
        med, p95 = statistics.median(times), percentile(times, 0.95)
        recall = sum(c.found for c in checks) / sum(c.planted for c in checks)
        char_recall = sum(c.planted_covered for c in checks) / sum(c.planted_chars for c in checks)
        new_share = sum(c.new_covered for c in checks) / sum(c.new_chars for c in checks)
        print(
            f"  first (cold) query {cold_ms:.1f} ms, not counted; over {len(checks)}: median {med:.1f} ms, "
            f"p95 {p95:.1f} ms, min {min(times):.1f}, max {max(times):.1f}"
        )
        print(
            f"  planted paragraphs found against their source: {sum(c.found for c in checks)}/"
            f"{sum(c.planted for c in checks)} (recall {recall:.3f}); planted characters covered "
            f"{char_recall:.3f}; new text wrongly covered {new_share:.4f}; "
            f"mean matches per answer {statistics.mean(c.matches for c in checks):.1f}"
        )

    # (b) difflib baseline on the first counted query.
    q0 = queries[1].document
    diff_s, sampled = difflib_query(q0, corpus.documents, DIFFLIB_SAMPLE, args.seed)
    diff_ms = diff_s * 1000 * n_docs / sampled
    print(
        f"\n[b] baseline: difflib.SequenceMatcher on word lists, one query against {sampled} random documents"
    )
    print(
        f"  {diff_s * 1000:,.0f} ms for {sampled} ({diff_s * 1000 / sampled:.1f} ms each), "
        f"extrapolated to {n_docs:,} documents: {diff_ms:,.0f} ms"
    )

    add_mem_ok = added is not None and (peak_kib is None or peak_kib * 1024 <= ADD_MEMORY)
    mh_s = mh["insert_seconds"] if mh else None
    rows += [
        Row("add: wall time (s)", add_s, mh_s, ".2f", f"< {ADD_SECONDS:.0f} s",
            add_s is not None and add_s < ADD_SECONDS),
        Row("add: documents/s", n_docs / add_s if add_s else None,
            n_docs / mh_s if mh_s else None, ",.0f", "—", None),
        Row("add: words/s", corpus.words / add_s if add_s else None,
            corpus.words / mh_s if mh_s else None, ",.0f", "—", None),
        Row("add: peak RSS (MiB)", mib(peak_kib) if peak_kib else None,
            mib(mh["self_maxrss_kib"]) if mh else None, ",.0f",
            "≤ 2048 MiB, under RLIMIT_AS", add_mem_ok if peak_kib is not None else None),
        Row("families: pair precision", v_prec, m_prec, ".4f", "—", None),
        Row("families: pair recall", v_rec, m_rec, ".4f", "—", None),
        Row("query: median (ms)", med, diff_ms, ",.1f", f"< {QUERY_MS:.0f} ms",
            med is not None and med < QUERY_MS),
        Row("query: p95 (ms)", p95, None, ",.1f", f"< {QUERY_MS:.0f} ms", p95 is not None and p95 < QUERY_MS),
        Row("query: planted recall", recall, None, ".3f", f"≥ {PLANTED_RECALL}",
            recall is not None and recall >= PLANTED_RECALL),
    ]  # fmt: skip
    print(
        "\nbaselines: add rows = MinHash shingling + signing + LSH insertion (querying every document "
        "for its pairs is extra, see [a]); "
        f"query median = difflib extrapolated from {sampled} to {n_docs:,} documents. "
        "ratio = variorum / baseline."
    )
    ok = all(r.met is not False for r in rows)
    return rows, ok


def db_size(path: Path) -> int:
    """The index on disk, WAL and shared-memory files included."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


if __name__ == "__main__":
    sys.exit(main())
