"""The benchmark suite: variorum against datasketch, difflib and CollateX, in one run on one corpus.

Run by hand (never by the test suite), see ``benchmarks/README.md``::

    python benchmarks/run.py [--docs 100000] [--words 500] [--seed 1] [--quick]

One seeded corpus (``corpus.py``) with known families and known reuse; every measurement runs in
a child process of its own (this script with a hidden ``--child`` flag, run by ``collate.py``'s
runner), so that its peak memory is its own:

(a) discovery: ``pipeline.add`` into a fresh index, under ``RLIMIT_AS`` 4 GiB; then passage-level
    and pair-level precision and recall against the ground truth;
(b) datasketch MinHash + MinHashLSH on the same documents: throughput and near-duplicate recall;
(c) difflib ``SequenceMatcher`` on a sample of document pairs: passages and time per pair;
(d) CollateX against ``variorum.collate`` on one family (``collate.py``'s cases and limits);
(e) ``pipeline.query`` latency on the index of (a).

Figures go to stdout, progress to stderr. The exit status is 1 when a target is NOT MET.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import collate
import neardup
import scale
from corpus import KINDS, Corpus, QueryText, family_pairs, make_corpus, make_queries
from reuse import Found, PassageScore, WordCounter, score_passages
from scale import Row, log, mib, pair_scores, percentile, print_table

from variorum import pipeline
from variorum.config import Settings, from_env
from variorum.store.index import Index
from variorum.text.normalize import tokenize

HERE = Path(__file__).resolve()

#: Targets (from the issue that asked for this suite), on 2 cores.
TARGET_DOCS = 100_000
DISCOVERY_SECONDS = 300.0  # for TARGET_DOCS documents of 500 words
DISCOVERY_MEMORY = 4 * 1024**3  # bytes: the RLIMIT_AS of the add child and the peak-memory ceiling
# variorum's near-duplicate finding (documents/s) over datasketch's MinHashLSH insert rate, at
# equal or better recall of near-duplicate pairs: both answer "which documents are near-copies?"
THROUGHPUT_RATIO = 10.0
# Discovery (pipeline.add) against the same insert rate, on every corpus kind, in the same run.
DISCOVERY_RATIO = 1.0
# variorum dedup as a CLI process (whole process, both measures) against datasketch's insert.
DEDUP_CLI_RATIO = 10.0
#: A gigabyte of text (~150 M words) discovered in this many seconds, within DISCOVERY_MEMORY.
GIGABYTE_WORDS = 150_000_000
GIGABYTE_SECONDS = 480.0
#: The static report of a 20,000-document index: written within this time and this size.
REPORT_DOCS = 20_000
REPORT_SECONDS = 60.0
# "< 100 MB" read as decimal megabytes, the stricter of the two readings (100 MiB is 4.9% more).
REPORT_BYTES = 100_000_000
PASSAGE_RECALL = 0.99
PASSAGE_PRECISION = 0.99
QUERY_P95_MS = 100.0

#: Generated reuse counts from this many words (in both documents) on.
MIN_PASSAGE_WORDS = 40
#: A shared paragraph is found when one passage covers this share of its words in both documents.
FOUND_SHARE = 0.5
#: Near-duplicates: two copies of one family sharing this share of each one's paragraphs.
NEAR_DUP_SHARE = 0.8
#: variorum calls a stored pair a near-duplicate when its passages cover this share of the body of
#: both documents: the same number as the LSH threshold below (coverage is not Jaccard, see README).
NEAR_DUP_COVERAGE = 0.5
NEAR_DUP_CUTOFFS = (0.6, 0.7, 0.8)  # also printed, to show the trade-off
MINHASH_THRESHOLD = scale.MINHASH_THRESHOLD

DIFFLIB_PAIRS = 200  # half pairs with generated reuse, half pairs without
QUERIES = 50
QUERY_WORDS = 1000
QUICK_DOCS = 2_000
QUICK_COLLATE_WORDS = 500  # CollateX takes ~5 s on 5 × 500 words, ~100 s on 5 × 2,000
COLLATE_SEED = 7  # collate.py's default, so that its README figures compare
MEMORY_SAMPLE_SECONDS = 0.5


# -- memory of a process tree ----------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux ``/proc``; just ``pid`` elsewhere)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the process ended meanwhile
                todo.extend(int(c) for c in task.read_text().split())
    return out


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class TreeMemory:
    """Peak summed PSS of a child and its descendants, sampled every half second.

    ``ru_maxrss`` is one process's peak; ``pipeline.add`` also runs worker processes, forked, so
    their pages are partly shared. PSS shares each shared page among the processes that map it,
    so the sum is what the tree holds together. A peak shorter than the sampling period can be
    missed, so the report takes the larger of this and ``ru_maxrss``.
    """

    peak_kib: int = 0
    last: float = 0.0

    def __call__(self, pid: int) -> None:
        now = time.monotonic()
        if now - self.last < MEMORY_SAMPLE_SECONDS:
            return
        self.last = now
        self.peak_kib = max(self.peak_kib, sum(_pss_kib(p) for p in _descendants(pid)))


# -- child processes -------------------------------------------------------------------------------


def child_add(params: dict[str, Any]) -> dict[str, Any]:
    """(a) ``scale.py``'s add, counting the candidate pairs that ``add`` aligns.

    Both of ``add``'s ways of aligning a batch (here or in the worker processes) take the pairs
    from ``_AddState._jobs``, which is wrapped: one count per candidate pair aligned, the
    denominator for difflib's extrapolation.
    """
    jobs = pipeline._AddState._jobs
    calls = [0]

    def counted_jobs(self: Any, pairs: Any, sides: Any) -> Any:
        out = jobs(self, pairs, sides)
        calls[0] += len(out[1])
        return out

    pipeline._AddState._jobs = counted_jobs  # type: ignore[method-assign]
    before = _cpu()
    out = scale.child_add(Path(params["corpus"]), Path(params["db"]))
    cpu = _cpu() - before
    return {**out, "compared": calls[0], "maxrss_kib": out["self_maxrss_kib"], "cpu_seconds": cpu}


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the add's workers), user and system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_minhash(params: dict[str, Any]) -> dict[str, Any]:
    """(b) ``scale.py``'s MinHash baseline: signatures, LSH insertion, every document queried."""
    out = scale.child_minhash(Path(params["corpus"]), Path(params["out"]))
    return {**out, "maxrss_kib": out["self_maxrss_kib"]}


def word_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """The normalized tokens variorum compares (``tokenize``: case, diacritics, split words
    repaired against the text's own words) with their character spans. difflib gets these, so
    that its figure measures matching, not normalization."""
    tokens = tokenize(text)
    return tokens.norms, tokens.starts, tokens.ends


def child_difflib(params: dict[str, Any]) -> dict[str, Any]:
    """(c) ``get_matching_blocks`` on the normalized tokens of each sampled pair; blocks of
    ``min_words`` or more words are its passages. Only the matching is timed."""
    from difflib import SequenceMatcher

    out = []
    for pair in json.loads(Path(params["sample"]).read_text()):
        aw, a0, a1 = word_spans(pair["a_text"])
        bw, b0, b1 = word_spans(pair["b_text"])
        t = time.perf_counter()
        blocks = SequenceMatcher(None, aw, bw, autojunk=False).get_matching_blocks()
        seconds = time.perf_counter() - t
        passages = [
            (a0[i], a1[i + n - 1], b0[j], b1[j + n - 1], n) for i, j, n in blocks if n >= params["min_words"]
        ]
        out.append({"a": pair["a"], "b": pair["b"], "seconds": seconds, "passages": passages})
    return {"pairs": out, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def child_query(params: dict[str, Any]) -> dict[str, Any]:
    """(e) ``pipeline.query`` for each query text on the index of (a); the first is a warm-up.

    Answers are cut down to what :func:`scale.check_answer` reads, to keep the reply small.
    """
    docs = scale.read_corpus(Path(params["queries"]))
    settings = from_env()
    times: list[float] = []
    answers: list[dict[str, Any]] = []
    with Index.open(params["db"], create=False) as index:
        for doc in docs:
            t = time.perf_counter()
            answer = pipeline.query(index, doc, settings)
            times.append((time.perf_counter() - t) * 1000)
            answers.append(
                {
                    "matches": [
                        {
                            "document": {"id": m["document"]["id"]},
                            "passages": [
                                {"a_start": p["a_start"], "a_end": p["a_end"]} for p in m["passages"]
                            ],
                        }
                        for m in answer["matches"]
                    ]
                }
            )
    return {
        "cold_ms": times[0],
        "ms": times[1:],
        "answers": answers[1:],
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def child_dedup(params: dict[str, Any]) -> dict[str, Any]:
    """(f) ``neardup.py``'s variorum child: ``find_duplicates`` over the corpus file, every pair."""
    return neardup.child_variorum(Path(params["corpus"]), Path(params["out"]))


CHILDREN = {
    "add": child_add,
    "minhash": child_minhash,
    "difflib": child_difflib,
    "query": child_query,
    "dedup": child_dedup,
}


def run_child(
    mode: str, params: dict[str, Any], *, memory: int | None = None
) -> tuple[collate.Outcome, TreeMemory]:
    tree = TreeMemory()
    return collate.run_child(mode, params, memory=memory, script=HERE, watch=tree), tree


def peak_kib(outcome: collate.Outcome, tree: TreeMemory) -> int:
    """The larger of the process tree's sampled PSS and the largest single process's peak RSS."""
    return max(outcome.maxrss_kib, tree.peak_kib)


# -- the measurements --------------------------------------------------------------------------------


@dataclass
class Discovery:
    """What (a) measured and read back from the index."""

    result: dict[str, Any] | None
    status: str
    peak_kib: int
    found: list[Found] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    coverage: dict[tuple[str, str], float] = field(default_factory=dict)  # pair -> min body coverage

    @property
    def seconds(self) -> float | None:
        return self.result["seconds"] if self.result else None


def measure_discovery(corpus: Corpus, settings: Settings, corpus_path: Path, db_path: Path) -> Discovery:
    n_docs = len(corpus.documents)
    print(
        f"\n[a] variorum discovery: pipeline.add into a fresh index, RLIMIT_AS {DISCOVERY_MEMORY >> 30} GiB"
    )
    outcome, tree = run_child(
        "add", {"corpus": str(corpus_path), "db": str(db_path)}, memory=DISCOVERY_MEMORY
    )
    r = outcome.result
    found = Discovery(r, outcome.status, peak_kib(outcome, tree))
    if r is None:
        print(f"  add {outcome.status}; peak RSS {mib(outcome.maxrss_kib):,.0f} MiB")
        return found
    s = r["seconds"]
    print(
        f"  wall {s:.2f} s (pipeline.add {r['add_seconds']:.2f} s); {n_docs / s:,.0f} docs/s; "
        f"{corpus.words / s:,.0f} words/s; CPU {r['cpu_seconds']:.1f} s in all processes "
        f"({1000 * r['cpu_seconds'] / n_docs:.2f} ms per document); load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"  candidate pairs aligned {r['compared']:,}, pairs with passages {r['pairs']:,}, "
        f"passages {r['passages']:,}; index {scale.db_size(db_path) / 1024**2:,.1f} MiB"
    )
    print(
        f"  peak memory {mib(found.peak_kib):,.0f} MiB (process tree, summed PSS sampled every "
        f"{MEMORY_SAMPLE_SECONDS} s: {mib(tree.peak_kib):,.0f} MiB; largest process's ru_maxrss: "
        f"{mib(outcome.maxrss_kib):,.0f} MiB); completed under RLIMIT_AS"
    )
    with Index.open(db_path, create=False) as index:
        found.found = [
            Found.oriented(
                p["a"],
                p["b"],
                (p["a_start"], p["a_end"], p["b_start"], p["b_end"]),
                p["words"],
                p["boilerplate"],
            )
            for p in pipeline.passages(index, settings)
        ]
        found.groups = [[d["id"] for d in f["documents"]] for f in pipeline.families(index, settings)]
        ids = index.document_ids()
        for a, b, a_body, b_body, _shared in index.pair_rows():
            x, y = sorted((ids[a], ids[b]))
            found.coverage[x, y] = min(a_body, b_body)
    return found


def describe_passages(who: str, score: PassageScore) -> None:
    """Counts on stdout; the first few misses and wrong passages on stderr, to look into."""
    print(
        f"  {who}: shared paragraphs ≥ {MIN_PASSAGE_WORDS} words found {score.found:,} of "
        f"{score.true_passages:,} (recall {score.recall:.4f}); passages ≥ {MIN_PASSAGE_WORDS} words "
        f"correct {score.correct:,} of {score.reported:,} (precision {score.precision:.4f}); "
        f"boilerplate-flagged passages left out of both: {score.boilerplate:,}"
    )
    for a, b, pa, pb in score.missed[:3]:
        log(
            f"    {who.strip()} missed: {a} [{pa.start}:{pa.end}] ~ {b} [{pb.start}:{pb.end}], "
            f"{min(pa.words, pb.words)} words"
        )
    for f in score.wrong[:3]:
        log(
            f"    {who.strip()} wrong: {f.a} [{f.a_start}:{f.a_end}] ~ {f.b} [{f.b_start}:{f.b_end}], "
            f"{f.words} words"
        )


@dataclass
class Baseline:
    """What (b) measured."""

    result: dict[str, Any] | None
    peak_kib: int
    pairs: set[tuple[str, str]]  # LSH candidates
    verified: set[tuple[str, str]] = field(default_factory=set)  # exact Jaccard ≥ the threshold


def measure_minhash(n_docs: int, corpus_path: Path, tmpdir: Path) -> Baseline:
    print(
        f"\n[b] datasketch MinHash ({scale.MINHASH_PERM} perm, {scale.MINHASH_SHINGLE}-word shingles) "
        f"+ MinHashLSH(threshold={MINHASH_THRESHOLD})"
    )
    try:
        import datasketch
    except ImportError:
        print("  datasketch not installed (pip install -e '.[bench]'): baseline skipped")
        return Baseline(None, 0, set())
    out = tmpdir / "minhash_pairs.json"
    outcome, tree = run_child("minhash", {"corpus": str(corpus_path), "out": str(out)})
    r = outcome.result
    if r is None:
        print(f"  {outcome.status}")
        return Baseline(None, 0, set())
    print(
        f"  datasketch {datasketch.__version__}: insert {r['insert_seconds']:.2f} s "
        f"({n_docs / r['insert_seconds']:,.0f} docs/s), query all {r['query_seconds']:.2f} s, "
        f"verify the candidates (exact Jaccard) {r['verify_seconds']:.2f} s, "
        f"peak memory {mib(peak_kib(outcome, tree)):,.0f} MiB"
    )
    return Baseline(
        r,
        peak_kib(outcome, tree),
        {(a, b) for a, b in json.loads(out.read_text())},
        {(a, b) for a, b in json.loads(out.with_suffix(".verified.json").read_text())},
    )


def repeat_timings(
    rounds: int, n_docs: int, corpus_path: Path, tmpdir: Path, add: dict[str, Any], insert: dict[str, Any]
) -> None:
    """(a) and (b) timed ``rounds`` more times, alternately, each add into a fresh index; the
    ``seconds`` of ``add`` and the ``insert_seconds`` of ``insert`` become the medians of all
    their rounds (the first included), which every ratio below then reads.

    The machine's load moves either figure by about 10 % from one run to the next: alternating
    the two and taking medians compares them under the same conditions, where one run of each
    judged a 1.0× target by which of the two drew the quieter minute. Only the times are
    repeated: the passages scored, the memory and the CPU seconds are those of the first round.
    """
    print(f"\n[a+b] discovery and datasketch's insert, {rounds} more time(s) each, alternately")
    adds, inserts = [add["seconds"]], [insert["insert_seconds"]]
    db_path = tmpdir / "again.db"
    for r in range(rounds):
        outcome, _ = run_child(
            "add", {"corpus": str(corpus_path), "db": str(db_path)}, memory=DISCOVERY_MEMORY
        )
        for leftover in tmpdir.glob(db_path.name + "*"):
            leftover.unlink()
        if outcome.result is None:
            print(f"  round {r + 2}: add {outcome.status}; left out")
            continue
        done, _ = run_child("minhash", {"corpus": str(corpus_path), "out": str(tmpdir / "again_pairs.json")})
        if done.result is None:
            print(f"  round {r + 2}: datasketch {done.status}; left out")
            continue
        adds.append(outcome.result["seconds"])
        inserts.append(done.result["insert_seconds"])
        print(
            f"  round {r + 2}: add {adds[-1]:.2f} s, datasketch insert {inserts[-1]:.2f} s: "
            f"{inserts[-1] / adds[-1]:.2f}×; load average {os.getloadavg()[0]:.2f}"
        )
    add["seconds"], insert["insert_seconds"] = statistics.median(adds), statistics.median(inserts)
    print(
        f"  medians of {len(adds)} rounds: add {add['seconds']:.2f} s "
        f"({n_docs / add['seconds']:,.0f} docs/s), "
        f"datasketch insert {insert['insert_seconds']:.2f} s ({n_docs / insert['insert_seconds']:,.0f} "
        f"docs/s): {insert['insert_seconds'] / add['seconds']:.2f}×; round by round "
        + ", ".join(f"{m / v:.2f}×" for v, m in zip(adds, inserts, strict=True))
    )


@dataclass
class NearDuplicates:
    """What (f) measured: variorum's near-duplicate finding (the ``dedup`` engine)."""

    result: dict[str, Any] | None
    peak_kib: int
    pairs: set[tuple[str, str]]


def measure_dedup(
    corpus: Corpus, corpus_path: Path, tmpdir: Path, near: set[tuple[str, str]]
) -> NearDuplicates:
    print(
        f"\n[f] variorum near-duplicates: find_duplicates(measure={neardup.MEASURE!r}, "
        f"threshold={neardup.THRESHOLD}), the engine of `variorum dedup`"
    )
    out = tmpdir / "dedup_pairs.json"
    outcome, tree = run_child("dedup", {"corpus": str(corpus_path), "out": str(out)})
    r = outcome.result
    if r is None:
        print(f"  {outcome.status}")
        return NearDuplicates(None, 0, set())
    ids = [d.id for d in corpus.documents]  # line n of the file is ids[n - 1]
    pairs = set()
    for a, b in json.loads(out.read_text()):
        x, y = ids[a - 1], ids[b - 1]
        pairs.add((min(x, y), max(x, y)))
    precision, recall = pair_scores(pairs, near)
    print(
        f"  {r['seconds']:.2f} s ({len(ids) / r['seconds']:,.0f} docs/s), {r['compared']:,} pairs compared, "
        f"{len(pairs):,} verified pairs: near-duplicates precision {precision:.4f}, recall {recall:.4f}; "
        f"peak memory {mib(peak_kib(outcome, tree)):,.0f} MiB"
    )
    return NearDuplicates(r, peak_kib(outcome, tree), pairs)


@dataclass
class DedupCli:
    """What (g) measured: ``variorum dedup`` as a CLI process, per measure."""

    measure: str
    result: dict[str, Any] | None
    precision: float = 0.0  # removed -> kept pairs of one family
    near_precision: float = 0.0  # removed -> kept pairs that are near-duplicates by the truth
    recall: float = 0.0  # pairs of the measure's own truth (neardup.word_near_duplicates) in one group
    paragraph_recall: float = 0.0  # paragraph near-duplicate pairs that end in one group
    truth: set[tuple[str, str]] = field(default_factory=set)  # the truth ``recall`` is on


def measure_dedup_cli(
    corpus: Corpus, corpus_path: Path, tmpdir: Path, near: set[tuple[str, str]]
) -> list[DedupCli]:
    print("\n[g] `variorum dedup` as a CLI process (start-up, both passes, output written), both measures")
    ids = [d.id for d in corpus.documents]
    family = corpus.truth_pairs()
    word_truth = neardup.word_near_duplicates(corpus)
    out = []
    for measure in ("words", "paragraphs"):
        r = neardup.run_cli_dedup(corpus_path, measure, tmpdir)
        if r is None:
            print(f"  --measure {measure}: FAILED")
            out.append(DedupCli(measure, None))
            continue
        direct, inside = neardup.group_pairs(r["removed"], ids)
        # --measure words promises edit similarity: it is scored on the word-level truth, the
        # paragraph measure on the paragraph truth (see neardup.word_near_duplicates).
        own = word_truth if measure == "words" else near
        found = DedupCli(
            measure,
            r,
            precision=len(direct & family) / len(direct) if direct else 1.0,
            near_precision=len(direct & near) / len(direct) if direct else 1.0,
            recall=len(inside & own) / len(own) if own else 1.0,
            paragraph_recall=len(inside & near) / len(near) if near else 1.0,
            truth=own,
        )
        print(
            f"  --measure {measure}: {r['seconds']:.2f} s wall, {r['cpu_seconds']:.2f} CPU-s with its "
            f"workers ({len(ids) / r['cpu_seconds']:,.0f} docs per CPU-second); "
            f"{r['summary']['removed']:,} removed ({r['summary']['exact']:,} exact copies); removed -> kept "
            f"pairs of one family {found.precision:.4f} "
            f"(near-duplicates by the truth {found.near_precision:.4f}); pairs inside one group: "
            f"{found.paragraph_recall:.4f} of the {len(near):,} paragraph near-duplicates, "
            f"{len(inside & word_truth) / max(1, len(word_truth)):.4f} of the {len(word_truth):,} "
            "word-level ones"
        )
        out.append(found)
    return out


@dataclass
class DifflibSample:
    """What (c) measured on the sample, and variorum's figures on the same pairs."""

    pairs: int
    seconds: float  # mean per pair
    difflib: PassageScore
    variorum: PassageScore


def pick_pairs(corpus: Corpus, n: int, seed: int) -> list[tuple[str, str]]:
    """``n // 2`` pairs with generated reuse of ≥ 40 words, the rest random pairs without any."""
    rng = random.Random(seed)
    reuse = corpus.reuse()
    with_reuse = sorted(
        pair
        for pair, shared in reuse.items()
        if any(min(a.words, b.words) >= MIN_PASSAGE_WORDS for a, b in shared)
    )
    picked = rng.sample(with_reuse, min(n // 2, len(with_reuse)))
    ids = [d.id for d in corpus.documents]
    others: set[tuple[str, str]] = set()
    # A tiny corpus may not have that many pairs without reuse.
    n = min(n, len(picked) + len(ids) * (len(ids) - 1) // 2 - len(reuse))
    while len(picked) + len(others) < n:
        x, y = rng.sample(ids, 2)
        if (key := (min(x, y), max(x, y))) not in reuse:
            others.add(key)
    return picked + sorted(others)


def mean_ms(seconds: list[float]) -> float:
    return statistics.mean(seconds) * 1000 if seconds else float("nan")


def measure_difflib(
    corpus: Corpus, words: WordCounter, variorum: list[Found], seed: int, tmpdir: Path
) -> DifflibSample | None:
    sample = pick_pairs(corpus, DIFFLIB_PAIRS, seed)
    texts = words.texts
    print(
        f"\n[c] difflib.SequenceMatcher(autojunk=False) on the words of {len(sample)} pairs "
        f"({sum(1 for p in sample if p in corpus.reuse())} with generated reuse), blocks ≥ "
        f"{MIN_PASSAGE_WORDS} words as passages"
    )
    path = tmpdir / "difflib_sample.json"
    path.write_text(json.dumps([{"a": a, "b": b, "a_text": texts[a], "b_text": texts[b]} for a, b in sample]))
    outcome, _tree = run_child("difflib", {"sample": str(path), "min_words": MIN_PASSAGE_WORDS})
    if outcome.result is None:
        print(f"  {outcome.status}")
        return None
    rows = outcome.result["pairs"]
    found = [Found.oriented(r["a"], r["b"], tuple(p[:4]), p[4]) for r in rows for p in r["passages"]]
    wanted = set(sample)
    result = DifflibSample(
        pairs=len(rows),
        seconds=statistics.mean(r["seconds"] for r in rows),
        difflib=score_passages(
            corpus, words, found, pairs=wanted, min_words=MIN_PASSAGE_WORDS, share=FOUND_SHARE
        ),
        variorum=score_passages(
            corpus, words, variorum, pairs=wanted, min_words=MIN_PASSAGE_WORDS, share=FOUND_SHARE
        ),
    )
    reuse_s = [r["seconds"] for r in rows if (r["a"], r["b"]) in corpus.reuse()]
    other_s = [r["seconds"] for r in rows if (r["a"], r["b"]) not in corpus.reuse()]
    print(
        f"  {result.seconds * 1000:.1f} ms per pair (pairs with reuse {mean_ms(reuse_s):.1f} ms, "
        f"without {mean_ms(other_s):.1f} ms)"
    )
    describe_passages("difflib ", result.difflib)
    describe_passages("variorum", result.variorum)
    return result


def measure_collation(args: argparse.Namespace) -> list[Row]:
    words = QUICK_COLLATE_WORDS if args.quick else collate.CX_WORDS
    cases = f"5 × {words:,} words" + ("" if args.quick else " and the seeds")
    print(f"\n[d] collation: variorum.collate against CollateX on {cases} (collate.py's cases and limits)")
    have_cx = collate.package_version("collatex") != "not installed"
    if not have_cx:
        print("  CollateX not installed (pip install -e '.[bench]'): its columns stay empty")
    ns = argparse.Namespace(seed=COLLATE_SEED, seeds=args.seeds, quick=args.quick)
    rows = [] if args.quick else collate.case_seeds(ns, have_cx)
    return rows + collate.case_synthetic(ns, have_cx, sizes=[(words, True)])


@dataclass
class Queries:
    median: float
    p95: float
    cold: float
    recall: float
    peak_kib: int


def measure_queries(queries: list[QueryText], db_path: Path, tmpdir: Path) -> Queries | None:
    print(
        f"\n[e] query: {len(queries) - 1} texts of ~{QUERY_WORDS:,} words (2-3 paragraphs of one indexed "
        "document among new ones) on the index of [a], after one uncounted warm-up"
    )
    path = tmpdir / "queries.jsonl"
    scale.write_corpus((q.document for q in queries), path)
    outcome, tree = run_child("query", {"db": str(db_path), "queries": str(path)})
    r = outcome.result
    if r is None:
        print(f"  {outcome.status}")
        return None
    checks = [
        scale.check_answer(q, a, ms / 1000)
        for q, a, ms in zip(queries[1:], r["answers"], r["ms"], strict=True)
    ]
    times = r["ms"]
    result = Queries(
        median=statistics.median(times),
        p95=percentile(times, 0.95),
        cold=r["cold_ms"],
        recall=sum(c.found for c in checks) / sum(c.planted for c in checks),
        peak_kib=peak_kib(outcome, tree),
    )
    new_share = sum(c.new_covered for c in checks) / sum(c.new_chars for c in checks)
    print(
        f"  warm-up {result.cold:.0f} ms; median {result.median:.1f} ms, p95 {result.p95:.1f} ms "
        f"(nearest rank), max {max(times):.1f} ms; peak memory {mib(result.peak_kib):,.0f} MiB"
    )
    print(
        f"  planted paragraphs found against their source {sum(c.found for c in checks)}/"
        f"{sum(c.planted for c in checks)} (recall {result.recall:.3f}); new text wrongly covered "
        f"{new_share:.4f}"
    )
    return result


# -- report ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=TARGET_DOCS, help="documents in the corpus (default 100,000)")
    ap.add_argument("--words", type=int, default=500, help="words per document (default 500)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_DOCS:,} documents and collation of 5 × {QUICK_COLLATE_WORDS} words: under a minute",
    )
    ap.add_argument("--seeds", type=Path, default=collate.DEFAULT_SEEDS, help="real versions to collate")
    ap.add_argument(
        "--kind",
        default="all",
        choices=[*KINDS, "all"],
        help="corpus kind (corpus.py): english, invented, mixed, or all three in turn (default)",
    )
    ap.add_argument("--no-collation", action="store_true", help="leave out collation against CollateX [d]")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="time discovery [a] and datasketch's insert [b] N times each, alternately; their "
        "medians are compared (default 1)",
    )
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return collate.child_main(*args.child, children=CHILDREN)
    kinds = KINDS if args.kind == "all" else (args.kind,)
    failed: list[str] = []
    for n, kind in enumerate(kinds):
        if n:
            print("\n" + "=" * 100 + "\n")
        # Collation does not depend on the corpus kind: it runs once, with the first kind.
        failed += [f"{kind}: {m}" for m in suite(args, kind, first=n == 0)]
    if len(kinds) > 1:
        print()
        print("NOT MET: " + "; ".join(failed) if failed else f"every target MET on {', '.join(kinds)}")
    return 1 if failed else 0


def suite(args: argparse.Namespace, kind: str, *, first: bool) -> list[str]:
    """The whole suite on one corpus kind; the measures NOT MET. Collation, which does not depend
    on the kind, runs with the first kind only; the report runs on every kind, since its size
    does (a Cyrillic, Greek or Arabic letter is two bytes of UTF-8, a Latin one byte)."""
    started = time.perf_counter()
    n_docs = QUICK_DOCS if args.quick else args.docs
    settings = from_env()
    print(
        f"variorum benchmark suite{' (--quick)' if args.quick else ''}: {n_docs:,} {kind} documents of "
        f"~{args.words} words, seed {args.seed}"
    )
    print(
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.2f} at the start"
    )
    print(
        f"variorum {collate.package_version('variorum')}, "
        f"datasketch {collate.package_version('datasketch')}, collatex {collate.package_version('collatex')}"
    )
    print(f"settings: {settings}")

    t0 = time.perf_counter()
    corpus, maker = make_corpus(n_docs, args.words, args.seed, kind=kind)
    queries = make_queries(corpus, maker, QUERIES + 1, QUERY_WORDS, args.seed)
    reuse = corpus.reuse()
    near = corpus.near_duplicates(NEAR_DUP_SHARE)
    truth = corpus.truth_pairs()
    long_shared = sum(
        1 for shared in reuse.values() for a, b in shared if min(a.words, b.words) >= MIN_PASSAGE_WORDS
    )
    covers = sum(1 for ps in corpus.paragraphs.values() if ps and ps[0].role == "cover")
    print(
        f"corpus: {n_docs:,} documents, {corpus.words:,} words; {len(corpus.family_of):,} copies in "
        f"{len(corpus.families):,} families ({covers:,} with a cover note), the rest unrelated; generated in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    print(
        f"truth: {len(truth):,} same-family pairs, {len(near):,} near-duplicate pairs (≥ "
        f"{NEAR_DUP_SHARE:.0%} of each one's paragraphs shared), {long_shared:,} shared paragraphs of ≥ "
        f"{MIN_PASSAGE_WORDS} words in {len(reuse):,} pairs"
    )

    words = WordCounter({d.id: d.text for d in corpus.documents})
    with tempfile.TemporaryDirectory(prefix="variorum-suite-") as tmp:
        tmpdir = Path(tmp)
        corpus_path, db_path = tmpdir / "corpus.jsonl", tmpdir / "index.db"
        scale.write_corpus(corpus.documents, corpus_path)

        disc = measure_discovery(corpus, settings, corpus_path, db_path)
        passages = score_passages(corpus, words, disc.found, min_words=MIN_PASSAGE_WORDS, share=FOUND_SHARE)
        if disc.result is not None:
            describe_passages("variorum", passages)
        base = measure_minhash(n_docs, corpus_path, tmpdir)
        if args.repeat > 1 and disc.result is not None and base.result is not None:
            repeat_timings(args.repeat - 1, n_docs, corpus_path, tmpdir, disc.result, base.result)
        pairs = compare_pairs(disc, base, truth, near)
        diff = measure_difflib(corpus, words, disc.found, args.seed, tmpdir) if disc.result else None
        dedup = measure_dedup(corpus, corpus_path, tmpdir, near)
        cli = measure_dedup_cli(corpus, corpus_path, tmpdir, near)
        report = measure_report(db_path, tmpdir) if disc.result else None
        collation_rows = measure_collation(args) if first and not args.no_collation else []
        q = measure_queries(queries, db_path, tmpdir) if disc.result else None

    rows = build_rows(n_docs, corpus, disc, passages, base, pairs, dedup, near, diff, collation_rows, q)
    rows += cli_rows(n_docs, corpus, disc, base, cli)
    rows += report_rows(n_docs, report)
    print()
    print_table(rows)
    print(
        "\nratio = variorum ÷ baseline. Baselines: datasketch MinHashLSH for discovery and pairs, "
        f"difflib on the {DIFFLIB_PAIRS}-pair sample for passages, CollateX for collation."
    )
    if n_docs != TARGET_DOCS:
        print(
            f"The {TARGET_DOCS:,}-document time is a linear extrapolation from {n_docs:,} documents, not a "
            "measurement; the memory figure is the one measured at this size."
        )
    print(
        f"load average {os.getloadavg()[0]:.2f} at the end; whole run {time.perf_counter() - started:.0f} s"
    )
    failed = [r.measure for r in rows if r.met is False]
    print(f"NOT MET ({kind}): " + "; ".join(failed) if failed else f"every target MET ({kind})")
    return failed


def measure_report(db_path: Path, tmpdir: Path) -> dict[str, Any] | None:
    """(h) ``variorum report`` on the index of (a), as a CLI process: wall, CPU, pages, bytes."""
    print("\n[h] `variorum report` on the index of [a], as a CLI process")
    out = tmpdir / "report"
    cmd = [*neardup.variorum_command(), "report", "-o", str(out), "--db", str(db_path)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        print("  FAILED")
        return None
    files = [p for p in out.iterdir() if p.is_file()]  # the pages and their shared stylesheet and script
    pages = [p for p in files if p.suffix == ".html"]
    result = {
        "seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,  # the report's worker processes included
        "pages": len(pages),
        "bytes": sum(p.stat().st_size for p in files),
        "family_pages": sum(1 for p in pages if p.name.startswith("family-")),
        "document_pages": sum(1 for p in pages if p.name.startswith("doc-")),
    }
    print(
        f"  {wall:.1f} s wall, {result['cpu_seconds']:.1f} CPU-s; {result['pages']:,} pages "
        f"({result['family_pages']:,} family pages, {result['document_pages']:,} document pages), "
        f"{result['bytes'] / 1e6:,.1f} MB with the shared stylesheet and script; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    return result


def report_rows(n_docs: int, report: dict[str, Any] | None) -> list[Row]:
    """The report targets, extrapolated linearly to REPORT_DOCS documents when the run is smaller."""
    if report is None:
        return []
    scale_to = REPORT_DOCS / n_docs
    note = "" if n_docs == REPORT_DOCS else f", extrapolated from {n_docs:,}"
    seconds, size = report["seconds"] * scale_to, report["bytes"] * scale_to / 1e6
    return [
        Row(f"report: {REPORT_DOCS:,}-document index (s{note})", seconds, None, ",.1f",
            f"< {REPORT_SECONDS:.0f} s", seconds < REPORT_SECONDS),
        Row(f"report: output (MB{note})", size, None, ",.1f", f"< {REPORT_BYTES / 1e6:.0f} MB",
            size < REPORT_BYTES / 1e6),
    ]  # fmt: skip


def cli_rows(n_docs: int, corpus: Corpus, disc: Discovery, base: Baseline, cli: list[DedupCli]) -> list[Row]:
    """The targets of this corpus kind beyond ``build_rows``: discovery against datasketch's insert,
    a gigabyte extrapolated, and ``variorum dedup`` as a CLI process."""
    m_s = base.result["insert_seconds"] if base.result else None
    m_cpu = base.result["insert_cpu_seconds"] if base.result else None
    v_s = disc.seconds
    rows = [
        Row("discovery: documents/s vs datasketch insert", n_docs / v_s if v_s else None,
            n_docs / m_s if m_s else None, ",.0f", f"≥ {DISCOVERY_RATIO:.1f}× datasketch",
            bool(v_s and m_s and m_s / v_s >= DISCOVERY_RATIO)),
    ]  # fmt: skip
    if disc.result is not None:
        cpu = disc.result["cpu_seconds"]
        gigabyte = v_s * GIGABYTE_WORDS / corpus.words
        rows += [
            Row("discovery: CPU-s per 1,000 documents (all processes)", 1000 * cpu / n_docs,
                1000 * m_cpu / n_docs if m_cpu else None, ",.2f", "—", None),
            Row(f"discovery: 150 M words (s, extrapolated from {corpus.words / 1e6:,.1f} M)", gigabyte, None,
                ",.0f", f"< {GIGABYTE_SECONDS:.0f} s", gigabyte < GIGABYTE_SECONDS),
        ]  # fmt: skip
    for c in cli:
        r = c.result
        fast = bool(r and m_s and m_s / r["seconds"] >= DEDUP_CLI_RATIO)
        m_recall = pair_scores(base.verified, c.truth)[1] if base.result is not None else None
        recalled = bool(r and m_recall is not None and c.recall >= m_recall)
        kind = "word-level" if c.measure == "words" else "paragraph"
        exact = neardup.exact_copies(corpus)
        rows += [
            Row(f"dedup --measure {c.measure} (CLI process): wall (s)", r and r["seconds"], m_s, ",.2f",
                f"≤ 1/{DEDUP_CLI_RATIO:.0f} of datasketch", fast),
            Row(f"dedup --measure {c.measure}: documents per CPU-second", r and n_docs / r["cpu_seconds"],
                n_docs / m_cpu if m_cpu else None, ",.0f", "— (datasketch: one core)", None),
            Row(f"dedup --measure {c.measure}: {kind} near-dup pair recall", r and c.recall, m_recall, ".4f",
                "≥ datasketch's (verified)", recalled),
            Row(f"dedup --measure {c.measure}: exact copies reported (the corpus has {exact:,})",
                r and r["summary"]["exact"], None, ",.0f", "= the corpus's",
                bool(r and r["summary"]["exact"] == exact)),
            Row(f"dedup --measure {c.measure}: precision (one family)", r and c.precision, None, ".4f",
                f"≥ {neardup.PRECISION}", bool(r and c.precision >= neardup.PRECISION)),
        ]  # fmt: skip
    return rows


@dataclass
class PairFigures:
    """Near-duplicate and same-family pairs: precision and recall of both tools."""

    v_near: tuple[float, float] | None = None
    m_near: tuple[float, float] | None = None
    v_family: tuple[float, float] | None = None
    m_family: tuple[float, float] | None = None


def compare_pairs(
    disc: Discovery, base: Baseline, truth: set[tuple[str, str]], near: set[tuple[str, str]]
) -> PairFigures:
    print(
        f"\n[a][b] pairs against the truth: near-duplicates (variorum: a stored pair whose passages cover ≥ "
        f"{NEAR_DUP_COVERAGE:.0%} of both bodies; MinHash: the LSH candidates) and same-family pairs "
        "(variorum: pipeline.families)"
    )
    out = PairFigures()
    if disc.result is not None:
        predicted = {pair for pair, cov in disc.coverage.items() if cov >= NEAR_DUP_COVERAGE}
        out.v_near = pair_scores(predicted, near)
        out.v_family = pair_scores(family_pairs(disc.groups), truth)
        any_pair = len(near & set(disc.coverage)) / len(near) if near else 1.0
        print(
            f"  variorum: near-duplicates precision {out.v_near[0]:.4f}, recall {out.v_near[1]:.4f} "
            f"(any stored pair: recall {any_pair:.4f}); families {len(disc.groups):,}, pair precision "
            f"{out.v_family[0]:.4f}, recall {out.v_family[1]:.4f}"
        )
        # The cut-off decides the trade-off: show it rather than let one number stand for it.
        steps = []
        for cut in NEAR_DUP_CUTOFFS:
            p, r = pair_scores({pair for pair, cov in disc.coverage.items() if cov >= cut}, near)
            steps.append(f"≥ {cut:.0%}: {p:.3f} / {r:.3f}")
        print(
            "  variorum near-duplicates at other coverage cut-offs (precision / recall): " + "; ".join(steps)
        )
    if base.result is not None:
        # Precision of the verified candidates (exact Jaccard ≥ the threshold), as a user would
        # check them; recall of the raw candidates (verifying can only lower it).
        out.m_near = (pair_scores(base.verified, near)[0], pair_scores(base.pairs, near)[1])
        out.m_family = pair_scores(base.verified, truth)
        print(
            f"  MinHash:  {len(base.pairs):,} candidate pairs, {len(base.verified):,} verified; "
            "near-duplicates precision (verified) "
            f"{out.m_near[0]:.4f}, recall {out.m_near[1]:.4f}; same-family pairs precision "
            f"{out.m_family[0]:.4f}, recall {out.m_family[1]:.4f}"
        )
    return out


def build_rows(
    n_docs: int,
    corpus: Corpus,
    disc: Discovery,
    passages: PassageScore,
    base: Baseline,
    pairs: PairFigures,
    dedup: NearDuplicates,
    near: set[tuple[str, str]],
    diff: DifflibSample | None,
    collation_rows: list[Row],
    q: Queries | None,
) -> list[Row]:
    v_s = disc.seconds
    m_s = base.result["insert_seconds"] if base.result else None
    v_rate = n_docs / v_s if v_s else None
    m_rate = n_docs / m_s if m_s else None
    v_near = pairs.v_near[1] if pairs.v_near else None
    m_near = pairs.m_near[1] if pairs.m_near else None
    at_target = v_s * TARGET_DOCS / n_docs if v_s else None
    d_rate = n_docs / dedup.result["seconds"] if dedup.result else None
    d_near = pair_scores(dedup.pairs, near) if dedup.result else None
    extrapolated = "" if n_docs == TARGET_DOCS else f", extrapolated from {n_docs:,}"
    ok = disc.result is not None
    rows = [
        Row("discovery: wall time (s)", v_s, m_s, ",.2f", "—", None),
        Row("discovery: documents/s", v_rate, m_rate, ",.0f", "—", None),
        Row("discovery: words/s", corpus.words / v_s if v_s else None, corpus.words / m_s if m_s else None,
            ",.0f", "—", None),
        Row(f"discovery: {TARGET_DOCS:,} docs (s{extrapolated})", at_target, None, ",.0f",
            f"< {DISCOVERY_SECONDS:.0f} s", at_target is not None and at_target < DISCOVERY_SECONDS),
        Row(f"discovery: peak memory at {n_docs:,} (MiB)", mib(disc.peak_kib) if ok else None,
            mib(base.peak_kib) if base.result else None, ",.0f", f"≤ {DISCOVERY_MEMORY >> 20:,}, completed",
            ok and disc.peak_kib * 1024 <= DISCOVERY_MEMORY),
        Row("near-dup pairs: recall", v_near, m_near, ".4f", "≥ datasketch's",
            v_near is not None and m_near is not None and v_near >= m_near),
        Row("near-dup pairs: precision", pairs.v_near and pairs.v_near[0], pairs.m_near and pairs.m_near[0],
            ".4f", "—", None),
        Row("near-dup finding: documents/s", d_rate, m_rate, ",.0f", f"≥ {THROUGHPUT_RATIO:.0f}× datasketch",
            d_rate is not None and m_rate is not None and d_rate >= THROUGHPUT_RATIO * m_rate),
        Row("near-dup finding: recall", d_near and d_near[1], m_near, ".4f", "≥ datasketch's",
            d_near is not None and m_near is not None and d_near[1] >= m_near),
        Row("near-dup finding: precision", d_near and d_near[0], pairs.m_near and pairs.m_near[0], ".4f",
            f"≥ {neardup.PRECISION}", d_near is not None and d_near[0] >= neardup.PRECISION),
        Row("families: pair precision", pairs.v_family and pairs.v_family[0],
            pairs.m_family and pairs.m_family[0], ".4f", "—", None),
        Row("families: pair recall", pairs.v_family and pairs.v_family[1],
            pairs.m_family and pairs.m_family[1], ".4f", "—", None),
        Row(f"passages ≥ {MIN_PASSAGE_WORDS} words: recall", passages.recall if ok else None, None, ".4f",
            f"≥ {PASSAGE_RECALL}", ok and passages.recall >= PASSAGE_RECALL),
        Row(f"passages ≥ {MIN_PASSAGE_WORDS} words: precision", passages.precision if ok else None, None,
            ".4f", f"≥ {PASSAGE_PRECISION}", ok and passages.precision >= PASSAGE_PRECISION),
    ]  # fmt: skip
    if diff is not None and disc.result is not None:
        compared = disc.result["compared"]
        rows += [
            Row(f"{diff.pairs}-pair sample: passage recall", diff.variorum.recall, diff.difflib.recall,
                ".4f", "—", None),
            Row(f"{diff.pairs}-pair sample: passage precision", diff.variorum.precision,
                diff.difflib.precision, ".4f", "—", None),
            Row(f"passages of {compared:,} candidate pairs (s)", v_s, diff.seconds * compared, ",.1f",
                "—", None),
            Row("passages of all pairs (s)", v_s, diff.seconds * n_docs * (n_docs - 1) / 2, ",.0f", "—",
                None),
        ]  # fmt: skip
    rows += collation_rows
    rows += [
        Row("query: median (ms)", q and q.median, None, ",.1f", "—", None),
        Row("query: p95 (ms)", q and q.p95, None, ",.1f", f"< {QUERY_P95_MS:.0f} ms",
            q is not None and q.p95 < QUERY_P95_MS),
        Row("query: planted paragraphs found", q and q.recall, None, ".3f", "—", None),
    ]  # fmt: skip
    return rows


if __name__ == "__main__":
    sys.exit(main())
