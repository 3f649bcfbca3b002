"""A generated evaluation set for near-duplicate removal, shared by the dedup tests.

Base texts of 300-800 words drawn from a Zipf vocabulary whose most frequent words are English
function words, near-duplicates with 1-5 % of their words substituted, deleted or inserted, some
words split ("aggr ession") and every copy re-wrapped, and hard negatives (texts sharing one
identical 60-word paragraph with others, and everything else drawn from the same vocabulary).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from reuse_synth import wrap_words

from variorum.dedup import DedupReport

# -- a generated corpus with known families --------------------------------------------------

FUNCTION_WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which "
    "but have an they you were her she there been one all we their has would when if more no its"
).split()
ONSETS = "b c d f g h k l m n p r s t v w z br tr st ch th pl gr".split()
VOWELS = "a e i o u ai ea ou io".split()


class Words:
    """A Zipf vocabulary (exponent 1) whose most frequent ranks are English function words."""

    def __init__(self, rng: np.random.Generator, size: int = 20_000) -> None:
        words = list(FUNCTION_WORDS)
        seen = set(words)
        while len(words) < size:
            syllables = int(rng.integers(1 if len(words) < 300 else 2, 5))
            word = "".join(
                ONSETS[rng.integers(len(ONSETS))] + VOWELS[rng.integers(len(VOWELS))]
                for _ in range(syllables)
            )
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = np.array(words, dtype=object)
        weights = 1.0 / np.arange(1, size + 1)
        self.cdf = np.cumsum(weights / weights.sum())

    def draw(self, rng: np.random.Generator, n: int) -> list[str]:
        at = np.searchsorted(self.cdf, rng.random(n))
        return self.words[np.minimum(at, len(self.cdf) - 1)].tolist()

    def paragraphs(self, rng: np.random.Generator, n_words: int) -> list[list[str]]:
        out: list[list[str]] = []
        while sum(map(len, out)) < n_words:
            out.append(self.draw(rng, int(rng.integers(40, 90))))
        return out


def edited(
    rng: np.random.Generator, words: Words, paragraphs: list[list[str]], rate: float
) -> list[list[str]]:
    """A copy with ``rate`` of its words substituted, deleted or inserted (at least one edit)."""
    paras = [list(p) for p in paragraphs]
    total = sum(map(len, paras))
    for _ in range(max(1, round(total * rate))):
        p = paras[int(rng.integers(len(paras)))]
        i = int(rng.integers(len(p)))
        op = int(rng.integers(3))
        if op == 0:
            p[i] = words.draw(rng, 1)[0]
        elif op == 1 and len(p) > 1:
            del p[i]
        else:
            p.insert(i, words.draw(rng, 1)[0])
    return paras


def split_some(rng: np.random.Generator, paragraphs: list[list[str]], n: int) -> list[list[str]]:
    """``n`` words of 7+ letters cut in two by a space, as PDF extraction cuts them."""
    paras = [list(p) for p in paragraphs]
    slots = [(a, b) for a, p in enumerate(paras) for b, w in enumerate(p) if len(w) >= 7 and " " not in w]
    for k in rng.permutation(len(slots))[:n].tolist():
        a, b = slots[k]
        word = paras[a][b]
        cut = int(rng.integers(3, len(word) - 2))
        paras[a][b] = word[:cut] + " " + word[cut:]
    return paras


def render(rng: np.random.Generator, paragraphs: list[list[str]]) -> str:
    """Paragraphs hard-wrapped at a width of this copy's own (each reprint wraps differently)."""
    width = int(rng.integers(45, 100))
    out = []
    for para in paragraphs:
        text = "\n".join(wrap_words(" ".join(para).split(" "), width))
        out.append(text[:1].upper() + text[1:] + ".")
    return "\n\n".join(out)


@dataclass
class Corpus:
    records: list[dict]
    family: dict[str, str] = field(default_factory=dict)  # record id -> family, duplicates only

    def expected_removals(self) -> int:
        sizes = Counter(self.family.values())
        return sum(n - 1 for n in sizes.values())

    def write(self, path: Path) -> Path:
        path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records), encoding="utf-8"
        )
        return path


def make_corpus(seed: int, bases: int, boilerplate: int = 0, max_copies: int = 3) -> Corpus:
    """``bases`` texts with 0 to ``max_copies`` near-duplicates each, plus ``boilerplate`` texts
    that share one 60-word paragraph with a few others; shuffled."""
    rng = np.random.default_rng(seed)
    words = Words(rng)
    corpus = Corpus([])
    for b in range(bases):
        base = words.paragraphs(rng, int(rng.integers(300, 801)))
        copies = int(rng.integers(0, max_copies + 1))
        corpus.records.append({"id": f"b{b}", "text": render(rng, base)})
        if copies:
            corpus.family[f"b{b}"] = f"b{b}"
        for c in range(copies):
            copy = edited(rng, words, base, float(rng.uniform(0.01, 0.05)))
            copy = split_some(rng, copy, int(rng.integers(0, 4)))
            corpus.records.append({"id": f"b{b}c{c}", "text": render(rng, copy)})
            corpus.family[f"b{b}c{c}"] = f"b{b}"
    shared = [words.draw(rng, 60) for _ in range(max(1, boilerplate // 4))]
    for n in range(boilerplate):
        paras = words.paragraphs(rng, int(rng.integers(300, 801)))
        paras.insert(int(rng.integers(len(paras) + 1)), shared[n % len(shared)])
        corpus.records.append({"id": f"n{n}", "text": render(rng, paras)})
    order = rng.permutation(len(corpus.records))
    corpus.records = [corpus.records[i] for i in order.tolist()]
    return corpus


def read_sidecar(report: DedupReport) -> list[dict]:
    return [json.loads(line) for line in Path(report.removed_path).read_text(encoding="utf-8").splitlines()]


def precision_recall(corpus: Corpus, report: DedupReport) -> tuple[float, float]:
    removed = read_sidecar(report)
    right = sum(
        1
        for r in removed
        if r["id"] in corpus.family and corpus.family[r["id"]] == corpus.family.get(r["duplicate_of"])
    )
    precision = right / len(removed) if removed else 1.0
    expected = corpus.expected_removals()
    return precision, right / expected if expected else 1.0


ORIGINAL = (
    "On April 2, 1993 the Kalbajar district of Azerbaijan was occupied by armed forces of Armenia "
    "as a part of its systematic policy of aggression and occupation against Azerbaijan. As a "
    "result, around 60.000 inhabitants of Kalbajar were subjected to ethnic cleansing."
)


def write_lines(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def family(seed: int = 5) -> list[str]:
    """Three near-duplicate texts of different lengths: base, base + 2 words, base - 3 words."""
    rng = np.random.default_rng(seed)
    base = Words(rng, 5_000).paragraphs(rng, 300)
    longer = [list(p) for p in base]
    longer[0] += ["extra", "words"]
    shorter = [list(p) for p in base]
    del shorter[-1][-3:]
    return [render(rng, base), render(rng, longer), render(rng, shorter)]
