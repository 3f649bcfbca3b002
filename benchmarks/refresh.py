"""The end-of-add refresh on real text: relations, families, boilerplate and translations.

Run by hand, never by the test suite::

    python benchmarks/refresh.py [--pages 1000] [--add 10] [--cache DIR]

On ``realspeed.py``'s corpus of Debian manual pages in many languages (rendered once and kept
in the cache folder), it indexes every page but the last ``--add`` ones, then measures, as CPU
time of this process (compare runs back to back: wall time means nothing on a shared machine):

* ``refresh`` of that index with nothing new: what every ``add`` pays at the end, whatever it
  added (the translation pass reads what the index kept of every document and pair, and
  computes nothing of them again);
* ``add`` of the last ``--add`` pages: the whole command in this process, the refresh inside
  it, and the CPU of worker processes (none below ``pipeline._POOL_THRESHOLD`` pages).

The figures before the index kept anything of the translation pass (schema 5) come from the
same script run with that version's ``src`` first on ``PYTHONPATH``; the hashes printed of the
relations, families and boilerplate flags after the add must then be the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import realspeed  # noqa: E402
import scale  # noqa: E402

from variorum import pipeline  # noqa: E402
from variorum.config import Settings  # noqa: E402
from variorum.store.index import Index  # noqa: E402
from variorum.store.schema import SCHEMA_VERSION  # noqa: E402


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000, help="pages to sample (default 1,000)")
    ap.add_argument("--add", type=int, default=10, help="pages added to the index of the rest (default 10)")
    default_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "variorum-bench"
    ap.add_argument("--cache", type=Path, default=default_cache, help="where rendered pages are kept")
    args = ap.parse_args(argv)

    by_language = realspeed.installed_pages()
    if not by_language:
        print(f"no manual pages under {realspeed.MAN_ROOT}: nothing to measure", file=sys.stderr)
        return 1
    corpus = realspeed.corpus_file(realspeed.sample(by_language, args.pages), args.cache)
    docs = list(scale.read_corpus(corpus))
    base, new = docs[: -args.add], docs[-args.add :]
    settings = Settings()
    spent = {"refresh": 0.0}
    refresh = pipeline.refresh

    def timed_refresh(index: Index, s: Settings) -> None:
        started = time.process_time()
        try:
            refresh(index, s)
        finally:
            spent["refresh"] += time.process_time() - started

    pipeline.refresh = timed_refresh  # type: ignore[assignment]
    out: dict[str, object] = {"corpus": corpus.name, "schema": SCHEMA_VERSION, "pages": len(docs)}
    with (
        tempfile.TemporaryDirectory(prefix="variorum-refresh-") as tmp,
        Index.open(Path(tmp) / "i.db") as index,
    ):
        started = time.process_time()
        pipeline.add(index, base, settings)
        out["build_cpu"] = round(time.process_time() - started, 2)
        spent["refresh"] = 0.0
        pipeline.refresh(index, settings)
        out["refresh_cpu"] = round(spent["refresh"], 2)
        spent["refresh"] = 0.0
        children = _children_cpu()
        started = time.process_time()
        report = pipeline.add(index, new, settings)
        out[f"add{args.add}_cpu"] = round(time.process_time() - started, 2)
        out[f"add{args.add}_refresh_cpu"] = round(spent["refresh"], 2)
        out[f"add{args.add}_workers_cpu"] = round(_children_cpu() - children, 2)
        out["added"] = report.added
        relations = index.relations()
        out["relations"] = len(relations)
        out["translations"] = sum(r.kind == "translation" for r in relations)
        out["relations_hash"] = _digest(
            [
                [r.a, r.b, r.kind, r.score, r.a_coverage, r.b_coverage, r.earlier, dict(r.evidence)]
                for r in relations
            ]
        )
        out["families_hash"] = _digest(sorted((r["num"], r["family"]) for r in index.doc_rows()))
        out["boilerplate_hash"] = _digest([(r[0], r[10]) for r in index.passage_rows()])
    out["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
