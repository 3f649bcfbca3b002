"""Discovery of about a gigabyte (150 M words) as users run it: ``variorum add corpus.jsonl``.

Run by hand, never by the test suite::

    python benchmarks/gigabyte.py [--words-total 150000000] [--kind invented] [--cache DIR]

``run.py`` times ``pipeline.add`` on a few thousand documents already in memory and extrapolates
to 150 M words; this measures the whole thing: one ``variorum add`` process (its workers
included) reading a JSON Lines file of generated documents (``corpus.py``, the same generator
and kinds as ``run.py``), with the wall time, the CPU of every process and the peak resident
memory of the whole process tree (main process and workers together, sampled from ``/proc``
every 0.2 s, since ``getrusage`` gives only the largest single child; the sum of resident sizes
is checked against the target, and the proportional one, which counts the pages the forked
workers share with the main process once, is printed beside it). The main process's own CPU is
printed apart: on two cores it sets the pace once it is busier than the two workers together,
as it was at 300,000 documents. The corpus is written
once to the cache folder (default ``$XDG_CACHE_HOME/variorum-bench``) and reused.

The targets are the issue's absolute ones: under 8 minutes and under 4 GiB of peak memory.
No baseline runs here (datasketch's insert of the same file would take about as long again);
``run.py`` gives the ratio on the same kinds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import KINDS, make_corpus

#: The targets: seconds and bytes for about 150 M words.
SECONDS = 8 * 60
MEMORY = 4 * 1024**3
#: Seconds between two samples of the process tree's memory.
SAMPLE = 0.2


def corpus_file(cache: Path, kind: str, docs: int, words: int, seed: int) -> Path:
    """The JSON Lines corpus for these parameters, generated and written once."""
    path = cache / f"gigabyte-{kind}-{docs}x{words}-s{seed}.jsonl"
    if path.exists():
        return path
    print(f"generating {docs:,} {kind} documents of ~{words} words ...", file=sys.stderr, flush=True)
    # In a process of its own: the generator holds the whole corpus, and the memory a Python
    # process has freed is not given back, so this one would keep it while add runs.
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pool.apply(_write_corpus, (path, kind, docs, words, seed))
    return path


def _write_corpus(path: Path, kind: str, docs: int, words: int, seed: int) -> None:
    corpus, _ = make_corpus(docs, words, seed=seed, kind=kind)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as f:
        for doc in corpus.documents:
            f.write(json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n")
    partial.replace(path)


def _pss(pid: int) -> int:
    """Proportional set size of ``pid`` in bytes: its resident pages, shared ones divided among
    their sharers, so that forked workers' pages shared with the main process count once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` itself so far (its workers not counted)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_memory(root: int) -> tuple[int, int, int]:
    """Resident bytes of ``root``, and the resident and proportional bytes of ``root`` with all
    its descendants, from ``/proc``."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * page
    resident = proportional = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        resident += rss.get(pid, 0)
        proportional += _pss(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return rss.get(root, 0), resident, proportional


def run_add(corpus: Path, db: Path) -> dict[str, float]:
    """``variorum add`` of ``corpus`` into a fresh ``db``: wall, CPU and peak memory."""
    exe = Path(sys.executable).with_name("variorum")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen([str(exe), "add", str(corpus), "--db", str(db)], stdout=subprocess.DEVNULL)
    peak = {"main": 0, "tree": 0, "pss": 0}
    # The main process's own CPU, as last sampled: it sets the pace when it is busier than the
    # two workers together (the rest of the CPU is theirs).
    main_cpu = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for key, value in zip(("main", "tree", "pss"), tree_memory(process.pid), strict=True):
                peak[key] = max(peak[key], value)
            main_cpu[0] = max(main_cpu[0], cpu_seconds(process.pid))
            done.wait(SAMPLE)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"variorum add failed with exit status {code}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu": cpu, "main_cpu": main_cpu[0], **peak}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words-total", type=int, default=150_000_000, help="words in all (default 150 M)")
    ap.add_argument("--words", type=int, default=500, help="words per document (default 500)")
    ap.add_argument("--kind", choices=KINDS, default="invented", help="corpus kind (default invented)")
    ap.add_argument("--seed", type=int, default=1)
    default_cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "variorum-bench"
    ap.add_argument("--cache", type=Path, default=default_cache, help="where the corpus is kept")
    args = ap.parse_args(argv)

    docs = max(1, args.words_total // args.words)
    args.cache.mkdir(parents=True, exist_ok=True)
    corpus = corpus_file(args.cache, args.kind, docs, args.words, args.seed)
    with tempfile.TemporaryDirectory(prefix="variorum-gigabyte-") as tmp:
        db = Path(tmp) / "index.db"
        got = run_add(corpus, db)
        db_bytes = db.stat().st_size
    megabytes = corpus.stat().st_size / 1e6
    seconds, tree = got["seconds"], got["tree"]
    per_doc = 1e3 * got["cpu"] / docs
    rows = [
        ("corpus", f"{docs:,} {args.kind} documents, ~{args.words_total / 1e6:,.0f} M words"),
        ("corpus file (MB)", f"{megabytes:,.0f}"),
        ("wall (s)", f"{seconds:,.1f}"),
        ("CPU, all processes (s)", f"{got['cpu']:,.1f}"),
        ("… of the main process (s)", f"{got['main_cpu']:,.1f} (sampled every {SAMPLE} s)"),
        ("CPU per document, main / all (ms)", f"{1e3 * got['main_cpu'] / docs:.2f} / {per_doc:.2f}"),
        ("documents/s", f"{docs / seconds:,.0f}"),
        ("peak memory, main process (MiB)", f"{got['main'] / 2**20:,.0f}"),
        ("peak memory, process tree (MiB)", f"{tree / 2**20:,.0f}"),
        ("… counting shared pages once (MiB)", f"{got['pss'] / 2**20:,.0f}"),
        ("index on disk (MB)", f"{db_bytes / 1e6:,.0f}"),
        ("load average at the end", f"{os.getloadavg()[0]:.2f}"),
    ]
    scale = 150_000_000 / args.words_total
    met_time = seconds * scale < SECONDS
    met_memory = tree < MEMORY
    for name, value in rows:
        print(f"{name:<36} {value}")
    note = "" if scale == 1 else f" (scaled ×{scale:g} to 150 M words, linearly)"
    print(f"{'150 M words < 480 s':<36} {seconds * scale:,.0f} s{note}: {'MET' if met_time else 'NOT MET'}")
    print(f"{'peak memory < 4 GiB':<36} {tree / 2**30:.2f} GiB: {'MET' if met_memory else 'NOT MET'}")
    print(f"command: python benchmarks/gigabyte.py --words-total {args.words_total} --kind {args.kind}")
    return 0 if met_time and met_memory else 1


if __name__ == "__main__":
    sys.exit(main())
