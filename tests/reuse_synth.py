"""A seeded corpus of generated documents with families of versions, for end-to-end tests.

Families of 2-5 versions (a paragraph dropped, one moved, words substituted, words split by
extraction, each version wrapped at its own width) among unrelated documents of the same
Zipf-weighted vocabulary; some end with a shared sign-off (boilerplate across families).
"""

from __future__ import annotations

import random
from typing import Any

_SYLLABLES = [c + v for c in "bcdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
_FUNCTION = "the of and to in a is that for it as was with be by on not this are or from at which".split()
SIGN_OFF = (
    "For further information please contact the press office of the ministry at any time during "
    "normal working hours and quote the reference number given above in all correspondence."
)


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words = list(_FUNCTION)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class _Maker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = _vocabulary(rng)
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]

    def paragraphs(self, n_words: int) -> list[list[str]]:
        paras: list[list[str]] = []
        total = 0
        while total < n_words:
            para = [
                w
                for _ in range(self.rng.randint(2, 4))
                for w in self.rng.choices(self.words, self.weights, k=self.rng.randint(10, 20))
            ]
            paras.append(para)
            total += len(para)
        return paras

    def vary(self, base: list[list[str]]) -> list[list[str]]:
        rng = self.rng
        paras = [list(p) for p in base]
        if len(paras) >= 4 and rng.random() < 0.5:
            paras.pop(rng.randrange(len(paras)))
        if len(paras) >= 2:
            paras.insert(rng.randrange(len(paras)), paras.pop(rng.randrange(len(paras))))
        for _ in range(rng.randint(1, 5)):
            p = rng.randrange(len(paras))
            paras[p][rng.randrange(len(paras[p]))] = rng.choice(self.words)
        for _ in range(rng.randint(0, 3)):  # extraction splits a long word in two
            p = rng.randrange(len(paras))
            i = rng.randrange(len(paras[p]))
            word = paras[p][i]
            if len(word) >= 6 and " " not in word:
                cut = rng.randint(2, len(word) - 2)
                paras[p][i] = word[:cut] + " " + word[cut:]
        return paras

    def render(self, paras: list[list[str]], sign_off: bool) -> str:
        width = self.rng.randint(50, 90)
        blocks = []
        for para in paras:
            lines = wrap_words(" ".join(para).split(" "), width)
            lines[-1] += "."
            blocks.append("\n".join(lines))
        if sign_off:
            blocks.append(SIGN_OFF)
        return "\n\n".join(blocks) + "\n"


def make_records(seed: int = 11, n_docs: int = 200, n_families: int = 20) -> list[dict[str, Any]]:
    """JSON Lines records: ``n_families`` families of 2-5 versions among ``n_docs`` documents."""
    rng = random.Random(seed)
    maker = _Maker(rng)
    texts: list[str] = []
    for _ in range(n_families):
        base = maker.paragraphs(300)
        texts.extend(maker.render(maker.vary(base), rng.random() < 0.3) for _ in range(rng.randint(2, 5)))
    while len(texts) < n_docs:
        texts.append(maker.render(maker.paragraphs(rng.randint(150, 350)), rng.random() < 0.1))
    rng.shuffle(texts)
    records: list[dict[str, Any]] = []
    for i, text in enumerate(texts):
        record: dict[str, Any] = {"id": f"doc{i:03d}", "text": text, "source": "generated"}
        if rng.random() < 0.8:
            record["date"] = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.3:
            record["series"] = rng.choice(["gazette", "bulletin"])
        records.append(record)
    records.append({**records[5], "id": "repeat"})  # the same text again: one document
    return records


def wrap_words(words: list[str], width: int) -> list[str]:
    """Words filled into lines of at most ``width`` characters (a longer word stands alone)."""
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines
