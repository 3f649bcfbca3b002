"""Speed on real text: discovery and dedup on Debian's manual pages, against datasketch.

Run by hand, never by the test suite::

    python benchmarks/realspeed.py [--pages 3000] [--cache DIR]

The generated corpora of ``run.py`` say how fast variorum is on text whose shape is known; this
says how fast it is on text nobody here wrote. The corpus is every manual page installed under
``/usr/share/man`` (English and the translations of ``manpages-l10n``, ``manpages-ja``,
``manpages-zh`` and the rest: ``make crosslang-data`` installs the translated ones; the page
count per language is printed), sampled round-robin across languages, rendered with ``man`` as
``tests/crosslang/build.py`` renders them (one paragraph per block). Pages come from many
packages under many licences; none is copied into the project, and the rendered corpus is kept
only in the cache folder (``--cache``, default ``$XDG_CACHE_HOME/variorum-bench``), which makes a
second run start at once.

Measured in the same run, on the same JSONL file, as ``run.py`` measures them:

* variorum discovery: ``pipeline.add`` of every page into a fresh index (``scale.py``'s child),
  wall time, against datasketch's MinHash signing and MinHashLSH insertion (``scale.py``'s
  baseline: 128 permutations, 5-word shingles of ``\\w+`` words). Not the same task: ``add`` also
  aligns every candidate pair into passages, links translations and keeps an index; datasketch
  only signs and inserts. And not the same words: datasketch's ``\\w+`` reads a run of Chinese or
  Japanese characters as one word, where variorum reads one token per character, so on those
  pages datasketch hashes far fewer shingles.
* ``variorum dedup`` as a whole CLI process (``neardup.py``'s runner), both measures, against
  the same datasketch insertion time.

There is no ground truth here (``benchmarks/real.py`` and ``tests/test_crosslang_eval.py``
score quality on real text); the pairs each side finds are counted only as a sanity check.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import neardup  # noqa: E402
import scale  # noqa: E402

from variorum.model import Document  # noqa: E402

MAN_ROOT = Path("/usr/share/man")


def _man_renderer() -> Any:
    """``tests/crosslang/build.py``, loaded by path (``benchmarks/crosslang.py`` has its name)."""
    spec = importlib.util.spec_from_file_location(
        "crosslang_build", HERE.parent / "tests" / "crosslang" / "build.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


man = _man_renderer()


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def installed_pages() -> dict[str, list[Path]]:
    """Every installed page file by language ("en" for the untranslated sections), sorted."""
    by_language: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(MAN_ROOT.glob("**/man*/*")):
        if not path.is_file() or path.is_symlink():
            continue
        parent = path.parent.parent
        language = "en" if parent == MAN_ROOT else parent.relative_to(MAN_ROOT).parts[0]
        by_language[language].append(path)
    return dict(by_language)


def sample(by_language: dict[str, list[Path]], n: int) -> list[Path]:
    """``n`` pages taken round-robin across languages, each language's pages evenly spread."""
    queues = {lang: paths[:: max(1, len(paths) // n)] for lang, paths in sorted(by_language.items())}
    picked: list[Path] = []
    while len(picked) < n and any(queues.values()):
        for lang in sorted(queues):
            if queues[lang] and len(picked) < n:
                picked.append(queues[lang].pop(0))
    return picked


def _render(path: Path) -> str | None:
    try:
        return "\n\n".join(man.render(path))
    except Exception:  # a page man cannot render (a stub .so link, a broken file): left out
        return None


def corpus_file(pages: list[Path], cache: Path) -> Path:
    """The rendered pages as ``scale.py``'s JSONL corpus, rendered once and kept in ``cache``."""
    key = hashlib.sha256()
    for path in pages:
        stat = path.stat()
        key.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    target = cache / f"man-{len(pages)}-{key.hexdigest()[:16]}.jsonl"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    log(f"rendering {len(pages):,} pages with man (kept in {target})")
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        texts = list(pool.map(_render, pages, chunksize=16))
    docs = [
        Document(id=f"{i:05d}", text=text, path=str(path))
        for i, (path, text) in enumerate(zip(pages, texts, strict=True))
        if text and text.strip()
    ]
    tmp = target.with_suffix(".tmp")
    scale.write_corpus(docs, tmp)
    os.replace(tmp, target)
    log(f"rendered {len(docs):,} pages in {time.perf_counter() - started:.0f} s")
    return target


def describe(path: Path) -> dict[str, Any]:
    docs = scale.read_corpus(path)
    languages: dict[str, int] = defaultdict(int)
    for d in docs:
        parent = Path(d.path).parent.parent
        languages["en" if parent == MAN_ROOT else parent.relative_to(MAN_ROOT).parts[0]] += 1
    return {
        "documents": len(docs),
        "megabytes": sum(len(d.text.encode()) for d in docs) / 1e6,
        "words": sum(len(d.text.split()) for d in docs),
        "languages": dict(sorted(languages.items(), key=lambda kv: -kv[1])),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=3000, help="pages to sample (default 3,000)")
    default_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "variorum-bench"
    ap.add_argument("--cache", type=Path, default=default_cache, help="where rendered pages are kept")
    ap.add_argument("--no-dedup", action="store_true", help="leave out variorum dedup")
    args = ap.parse_args(argv)

    by_language = installed_pages()
    if not by_language:
        print(f"no manual pages under {MAN_ROOT}: nothing to measure", file=sys.stderr)
        return 1
    corpus_path = corpus_file(sample(by_language, args.pages), args.cache)
    info = describe(corpus_path)
    n = info["documents"]
    load_before = os.getloadavg()
    print(
        f"variorum on real text: {n:,} Debian manual pages, {info['megabytes']:.1f} MB, "
        f"{info['words']:,} words ({info['words'] / n:,.0f} per page), {len(info['languages'])} languages"
    )
    print("  pages per language: " + ", ".join(f"{k} {v}" for k, v in info["languages"].items()))
    print(
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; load average {load_before[0]:.2f} before"
    )

    with tempfile.TemporaryDirectory(prefix="variorum-realspeed-") as tmp:
        folder = Path(tmp)
        log("variorum add ...")
        add, code = scale.run_child("add", [str(corpus_path), str(folder / "index.db")])
        log("datasketch ...")
        mh, mh_code = scale.run_child("minhash", [str(corpus_path), str(folder / "pairs.json")])
        dedups = {}
        if not args.no_dedup:
            for measure in ("words", "paragraphs"):
                log(f"variorum dedup --measure {measure} ...")
                dedups[measure] = neardup.run_cli_dedup(corpus_path, measure, folder)
    load_after = os.getloadavg()

    rows: list[tuple[str, str, str, str]] = []
    insert = mh["insert_seconds"] if mh else None
    if add:
        rows.append(
            (
                "variorum add (discovery)",
                f"{add['seconds']:.1f} s",
                f"{n / add['seconds']:,.0f} pages/s, {info['megabytes'] / add['seconds']:.2f} MB/s",
                f"{insert / add['seconds']:.2f}× datasketch insert" if insert else "",
            )
        )
        rows.append(("  passages found", f"{add['passages']:,}", f"{add['pairs']:,} pairs", ""))
    else:
        rows.append(("variorum add (discovery)", f"failed ({code})", "", ""))
    if mh:
        rows.append(
            (
                "datasketch MinHash + LSH insert",
                f"{insert:.1f} s",
                f"{n / insert:,.0f} pages/s, {info['megabytes'] / insert:.2f} MB/s",
                f"CPU {mh['insert_cpu_seconds']:.1f} s, one core",
            )
        )
    else:
        rows.append(
            ("datasketch MinHash + LSH insert", f"not run ({mh_code}: pip install -e '.[bench]')", "", "")
        )
    for measure, run in dedups.items():
        if run is None:
            rows.append((f"variorum dedup --measure {measure}", "failed", "", ""))
            continue
        rows.append(
            (
                f"variorum dedup --measure {measure} (CLI)",
                f"{run['seconds']:.1f} s",
                f"{len(run['removed']):,} removed; CPU {run['cpu_seconds']:.1f} s",
                (
                    f"{insert / run['seconds']:.2f}× datasketch insert, "
                    f"{mh['insert_cpu_seconds'] / run['cpu_seconds']:.2f}× per CPU-second"
                    if mh
                    else ""
                ),
            )
        )
    print()
    width = max(len(r[0]) for r in rows)
    for name, time_s, rate, ratio in rows:
        print(f"{name:<{width}}  {time_s:>12}  {rate:<42} {ratio}")
    print(
        f"\nload average {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} cores; "
        f"command: python benchmarks/realspeed.py --pages {args.pages}"
    )
    return 0 if add and mh else 1


if __name__ == "__main__":
    sys.exit(main())
