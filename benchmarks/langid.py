"""Language identification's model calls: py3langid's own identifier against variorum's.

Run by hand, never by the test suite::

    python benchmarks/langid.py [--docs 300] [--rounds 5]

For each generated corpus kind (``corpus.py``), :func:`variorum.text.language.paragraph_languages`
runs over the documents once with a recording identifier, which keeps every text the model is
asked about: the real call pattern. Those texts are then classified by py3langid's shipped
identifier (its compressed model, restricted with ``set_languages``: float16 table, the walk
over bytes) and by variorum's (:class:`variorum.text.langid_features.FastIdentifier`: float32
table, numpy windows), in turn, ``--rounds`` times; the figure is the fastest round, in CPU
milliseconds per document, which a shared machine's load disturbs least. The answers must be the
same: labels equal, probabilities equal to 1e-6.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import KINDS, make_corpus
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from variorum.text import language
from variorum.text.segment import paragraph_spans


class _Recording:
    """The model, keeping every text it is asked about."""

    def __init__(self, model: Any) -> None:
        self.model, self.texts = model, []

    def classify(self, text: str) -> Any:
        self.texts.append(text)
        return self.model.classify(text)

    def rank(self, text: str) -> Any:
        self.texts.append(text)
        return self.model.rank(text)


def _asked(kind: str, n_docs: int, words: int, seed: int) -> list[str]:
    corpus, _ = make_corpus(n_docs, words, seed, kind=kind)
    recording = _Recording(language._get_identifier())
    language._identifier = recording
    try:
        for doc in corpus.documents:
            language.paragraph_languages([doc.text[s:e] for s, e in paragraph_spans(doc.text)])
    finally:
        language._identifier = recording.model
    return recording.texts


def _timed(model: Any, texts: list[str]) -> tuple[float, list[tuple[str, float]]]:
    start = time.process_time()
    answers = [model.classify(text) for text in texts]
    return time.process_time() - start, answers


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300, help="documents per kind (default 300)")
    ap.add_argument("--words", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    ours = language._get_identifier()
    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    shipped.set_languages([lang for lang in language.LANGUAGES if lang in set(shipped.nb_classes)])
    print("CPU ms per document for the model's calls (fastest of the rounds)")
    print(f"  {'kind':10s} {'calls':>6s} {'chars':>6s} {'py3langid':>10s} {'variorum':>9s}  same answers")
    differ = 0
    for kind in KINDS:
        texts = _asked(kind, args.docs, args.words, args.seed)
        before = after = float("inf")
        for _ in range(args.rounds):  # in turn, so that both see the same load
            seconds, want = _timed(shipped, texts)
            before = min(before, seconds)
            seconds, got = _timed(ours, texts)
            after = min(after, seconds)
        same = all(g[0] == w[0] and abs(g[1] - w[1]) <= 1e-6 for g, w in zip(got, want, strict=True))
        differ += not same
        chars = sum(len(t) for t in texts) / args.docs
        print(
            f"  {kind:10s} {len(texts) / args.docs:6.2f} {chars:6.0f} {1000 * before / args.docs:10.3f}"
            f" {1000 * after / args.docs:9.3f}  {'yes' if same else 'NO'}"
        )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"load average {load}; command: python benchmarks/langid.py --docs {args.docs} --rounds {args.rounds}"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
