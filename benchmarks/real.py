"""Real-corpus benchmark: variorum against two simple baselines on documents nobody generated.

Run by hand (never by the test suite)::

    python benchmarks/real.py [--dest DIR] [--json]

The corpus is ``tests/real_corpus.py``'s: about a hundred documents extracted from installed
Debian packages (``make realdata`` installs them), with relations written by reading them
(``tests/realdata/truth.toml``, described in ``docs/real-corpus.md``). Every tool gets the same
input, the text ``variorum.ingest.read_file`` extracts from each built file:

* variorum: what ``variorum analyze`` does (``pipeline.add`` into a fresh index, then families
  and typed relations: ``real_corpus.analyse``);
* MinHash: datasketch ``MinHash(num_perm=128)`` over distinct 5-word shingles (one token per Han
  or kana character, as variorum tokenizes), ``MinHashLSH(threshold=0.5)``; families are the
  connected components of candidate pairs whose estimated Jaccard is at least 0.5; a pair is a
  ``copy`` at 0.8 or more, else a ``revision``. MinHash measures resemblance of whole documents,
  so it has no notion of excerpt or quotation;
* difflib: ``SequenceMatcher(autojunk=False)`` on the word lists of every pair that shares an
  8-word shingle (pairs that share none cannot reach the thresholds below); a pair is a ``copy``
  when matching blocks of 8+ words cover 90 % of both, an ``excerpt`` when they cover 80 % of the
  shorter and under half the longer, a ``revision`` when they cover half of either, a
  ``quotation`` when one block has 20 words or more; families are the connected components of
  copy, revision and excerpt pairs.

Figures on stdout (a table, or ``--json``), progress on stderr.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import real_corpus as rc  # noqa: E402

from variorum.ingest import read_file  # noqa: E402

_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|[^\W_]+")
SHINGLE = 5
BLOCK = 8


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def words(text: str) -> list[str]:
    """Lower-cased words, one token per Han or kana character."""
    return _TOKEN.findall(text.lower())


def components(ids: list[str], pairs: list[frozenset[str]]) -> dict[str, str | None]:
    """Families as connected components; a document alone is in no family."""
    groups = {frozenset(g) for g in rc._components(ids, pairs)}
    out: dict[str, str | None] = dict.fromkeys(ids)
    for g in groups:
        name = min(g)
        for d in g:
            out[d] = name
    return out


def minhash_baseline(texts: dict[str, list[str]]) -> tuple[dict[str, str | None], dict[frozenset[str], str]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sigs = {}
    for doc, ws in texts.items():
        m = MinHash(num_perm=128)
        for sh in {" ".join(ws[i : i + SHINGLE]) for i in range(max(1, len(ws) - SHINGLE + 1))}:
            m.update(sh.encode("utf-8"))
        sigs[doc] = m
        lsh.insert(doc, m)
    relations: dict[frozenset[str], str] = {}
    for doc, m in sigs.items():
        for other in lsh.query(m):
            if other == doc:
                continue
            j = m.jaccard(sigs[other])
            if j >= 0.5:
                relations[frozenset((doc, other))] = "copy" if j >= 0.8 else "revision"
    return components(sorted(texts), list(relations)), relations


def difflib_kind(a: list[str], b: list[str]) -> str | None:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = [m.size for m in sm.get_matching_blocks() if m.size >= BLOCK]
    if not blocks:
        return None
    shared = sum(blocks)
    short, long_ = sorted((shared / max(1, len(a)), shared / max(1, len(b))), reverse=True)
    if short >= 0.9 and long_ >= 0.9:
        return "copy"
    if short >= 0.8 and long_ < 0.5:
        return "excerpt"
    if short >= 0.5:
        return "revision"
    if max(blocks) >= 20:
        return "quotation"
    return None


def difflib_baseline(texts: dict[str, list[str]]) -> tuple[dict[str, str | None], dict[frozenset[str], str]]:
    shingles = {d: {tuple(ws[i : i + BLOCK]) for i in range(len(ws) - BLOCK + 1)} for d, ws in texts.items()}
    relations: dict[frozenset[str], str] = {}
    for a, b in itertools.combinations(sorted(texts), 2):
        if shingles[a].isdisjoint(shingles[b]):
            continue
        kind = difflib_kind(texts[a], texts[b])
        if kind:
            relations[frozenset((a, b))] = kind
    fam_pairs = [p for p, k in relations.items() if k in rc.FAMILY_KINDS]
    return components(sorted(texts), fam_pairs), relations


def per_group(result: dict[str, Any], truth: rc.Truth, families: dict[str, str | None]) -> list[str]:
    """One line per truth group that was not found exactly: how it was split or merged."""
    lines = []
    exact = set(result["groups_exact_names"])
    for name, members in sorted(truth.groups.items()):
        if name in exact:
            continue
        fams: dict[str | None, list[str]] = defaultdict(list)
        for d in sorted(members):
            fams[families.get(d)].append(d)
        parts = [f"{'alone' if f is None else 'family'}: {', '.join(ds)}" for f, ds in fams.items()]
        extra = sorted(d for d, f in families.items() if f is not None and f in fams and d not in members)
        if extra:
            parts.append(f"joined by {', '.join(extra)}")
        lines.append(f"{name}: " + " | ".join(parts))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dest", type=Path, help="build the corpus here (default: a temporary folder)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    absent = rc.missing()
    if absent:
        log(f"Debian packages missing (run `make realdata`): {' '.join(absent)}")
        return 1
    tmp = tempfile.TemporaryDirectory()
    dest = args.dest or Path(tmp.name) / "corpus"
    specs = rc.build(dest)
    digest = rc.corpus_hash(dest)
    truth = rc.truth()
    log(f"corpus {digest}: {len(specs)} documents, {len(truth.groups)} groups, {len(truth.negatives)} alone")

    results: dict[str, Any] = {}
    fams_of: dict[str, dict[str, str | None]] = {}
    t0 = time.perf_counter()
    fams, rels = rc.analyse(dest, Path(tmp.name) / "real.db")
    results["variorum"] = {**rc.score(fams, rels), "seconds": time.perf_counter() - t0}
    fams_of["variorum"] = fams
    log(f"variorum: {results['variorum']['seconds']:.1f} s")

    texts = {rc.id_of_path(p): words(read_file(p).text) for p in sorted(dest.iterdir())}
    for name, fn in (("minhash", minhash_baseline), ("difflib", difflib_baseline)):
        t0 = time.perf_counter()
        try:
            fams, rels = fn(texts)
        except ImportError as e:
            log(f"{name}: skipped ({e}; pip install -e '.[bench]')")
            continue
        results[name] = {**rc.score(fams, rels), "seconds": time.perf_counter() - t0}
        fams_of[name] = fams
        log(f"{name}: {results[name]['seconds']:.1f} s")

    if args.json:
        print(
            json.dumps(
                {"corpus": digest, "documents": len(specs), "results": results}, indent=1, default=list
            )
        )
        return 0
    tools = list(results)
    rows = [
        ("pair precision", lambda r: f"{r['pair_precision']:.3f}"),
        ("pair recall", lambda r: f"{r['pair_recall']:.3f}"),
        ("pairs found / true", lambda r: f"{r['pairs_found']}/{r['pairs_true']}"),
        ("groups exact", lambda r: f"{r['groups_exact']}/{r['groups']}"),
        ("kind accuracy", lambda r: f"{r['kind_accuracy']:.3f}"),
        *[(f"  {k}", lambda r, k=k: f"{r['kinds'][k]['right']}/{r['kinds'][k]['total']}") for k in rc.KINDS],
        ("hard negatives grouped", lambda r: str(len(r["negatives_grouped"]))),
        ("unrelated pairs linked", lambda r: str(len(r["unrelated_linked"]))),
        ("seconds", lambda r: f"{r['seconds']:.1f}"),
    ]
    print(f"real corpus {digest}: {len(specs)} documents, {len(truth.groups)} groups")
    print(f"{'measure':26s}" + "".join(f"{t:>12s}" for t in tools))
    for label, fmt in rows:
        print(f"{label:26s}" + "".join(f"{fmt(results[t]):>12s}" for t in tools))
    for t in tools:
        print(f"\n{t}: groups not found exactly")
        for line in per_group(results[t], truth, fams_of[t]):
            print(f"  {line}")
        print(f"{t}: kind confusion (truth->answer): {results[t]['kind_confusion']}")
        print(f"{t}: hard negatives grouped: {', '.join(results[t]['negatives_grouped']) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
