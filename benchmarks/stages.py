"""Where a worker's time goes when it prepares a document, stage by stage, per corpus kind.

Run by hand, never by the test suite::

    python benchmarks/stages.py [--docs 1000] [--kind all]

Every stage of :func:`variorum.prepare.preprocess` and :func:`variorum.prepare.prepare` runs over
the same generated documents (``corpus.py``) in this one process, timed in CPU seconds
(``time.process_time``), which a shared machine's load disturbs less than wall time: the shares
tell which stage to work on, on English-like text, on invented vocabulary and on four scripts.
The language model's calls are counted too, with the characters they read (its cost grows with
them).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import KINDS, make_corpus

from variorum.config import from_env
from variorum.detect.fingerprint import ngram_hashes, token_hashes, winnow
from variorum.prepare import preprocess
from variorum.store.codec import pack
from variorum.text import language
from variorum.text.normalize import count_vocabulary, raw_tokens, repair_splits
from variorum.text.roles import assign_roles
from variorum.text.segment import paragraph_spans


class _CountingModel:
    """The language model, counting calls and the characters they read."""

    def __init__(self, model: Any) -> None:
        self.model, self.calls, self.chars = model, 0, 0

    def classify(self, text: str) -> Any:
        self.calls, self.chars = self.calls + 1, self.chars + len(text)
        return self.model.classify(text)

    def rank(self, text: str) -> Any:
        self.calls, self.chars = self.calls + 1, self.chars + len(text)
        return self.model.rank(text)


def _timed(
    rows: list[tuple[str, float]], name: str, items: Sequence[Any], work: Callable[[Any], Any]
) -> list[Any]:
    start = time.process_time()
    out = [work(item) for item in items]
    rows.append((name, time.process_time() - start))
    return out


def stages(kind: str, n_docs: int, words: int, seed: int) -> None:
    corpus, _ = make_corpus(n_docs, words, seed, kind=kind)
    texts = [d.text for d in corpus.documents]
    settings = from_env()
    language.warm_up()
    model = language._identifier
    counting = _CountingModel(model)
    rows: list[tuple[str, float]] = []
    spans = _timed(rows, "paragraph spans", texts, paragraph_spans)
    paragraphs = [[t[s:e] for s, e in sp] for t, sp in zip(texts, spans, strict=True)]
    words_of = _timed(rows, "paragraph words", paragraphs, language.paragraph_words)
    language._identifier = counting
    try:
        both = list(zip(paragraphs, words_of, strict=True))
        langs = _timed(rows, "paragraph languages", both, lambda pw: language.paragraph_languages(*pw))
    finally:
        language._identifier = model
    _timed(rows, "roles", list(zip(paragraphs, langs, words_of, strict=True)), lambda x: assign_roles(*x))
    raws = _timed(rows, "cutting tokens", texts, raw_tokens)
    vocabulary = count_vocabulary(raws)
    pairs = list(zip(texts, raws, strict=True))
    tokens = _timed(rows, "split repair", pairs, lambda tr: repair_splits(tr[0], tr[1], vocabulary))
    n, window = settings.ngram, settings.window
    _timed(rows, "fingerprints", tokens, lambda t: winnow(ngram_hashes(token_hashes(t.norms), n), window))
    pre = _timed(rows, "(preprocess: spans to cutting tokens, in one)", texts, preprocess)
    _timed(
        rows,
        "packing the index columns",
        list(zip(tokens, pre, strict=True)),
        lambda tp: pack(tp[0], tp[1][1]),
    )
    total = sum(seconds for name, seconds in rows if not name.startswith("("))
    print(f"\n{kind}: {n_docs:,} documents of ~{words} words, seed {seed}; CPU ms per document")
    for name, seconds in rows:
        share = "" if name.startswith("(") else f"  {seconds / total:5.1%}"
        print(f"  {name:44s} {1000 * seconds / n_docs:7.3f}{share}")
    print(f"  {'sum of the stages':44s} {1000 * total / n_docs:7.3f}")
    print(
        f"  language model: {counting.calls / n_docs:.2f} calls and "
        f"{counting.chars / n_docs:,.0f} characters per document"
    )


def _kinds(choice: str) -> Iterator[str]:
    yield from KINDS if choice == "all" else (choice,)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="documents per kind (default 1,000)")
    ap.add_argument("--words", type=int, default=500, help="words per document (default 500)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kind", default="all", choices=[*KINDS, "all"])
    args = ap.parse_args(argv)
    for kind in _kinds(args.kind):
        stages(kind, args.docs, args.words, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
