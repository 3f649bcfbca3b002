"""Passages found by a tool, scored against the corpus generator's ground truth (for ``run.py``).

The truth is paragraph-level: two copies of one family share the base paragraphs they both hold
(:meth:`corpus.Corpus.shared`), at known character spans in each. A tool's passage is a pair of
character spans. Both are compared in words, a word being a run of non-space characters counted
at its first character, so a passage that stops a character short of a paragraph's end still
covers all of its words but the last.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from corpus import Corpus, Para

_WORD_START = re.compile(r"\S+")


@dataclass(frozen=True)
class Found:
    """A passage a tool reports between documents ``a`` and ``b`` (``a < b``; spans follow)."""

    a: str
    b: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int  # the tool's own count (variorum: the shorter side; difflib: the block's words)
    boilerplate: bool = False

    @classmethod
    def oriented(
        cls, a: str, b: str, spans: tuple[int, int, int, int], words: int, boilerplate: bool = False
    ) -> Found:
        """The passage with its documents in id order, whichever order the tool gave them in."""
        a0, a1, b0, b1 = spans
        if a > b:
            a, b, a0, a1, b0, b1 = b, a, b0, b1, a0, a1
        return cls(a, b, a0, a1, b0, b1, words, boilerplate)


class WordCounter:
    """Counts the words of a document's text inside a character range (offsets cached per document)."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.starts: dict[str, list[int]] = {}

    def count(self, doc: str, start: int, end: int) -> int:
        starts = self.starts.get(doc)
        if starts is None:
            starts = self.starts[doc] = [m.start() for m in _WORD_START.finditer(self.texts[doc])]
        if end <= start:
            return 0
        return bisect.bisect_left(starts, end) - bisect.bisect_left(starts, start)

    def covered(self, doc: str, para: Para, start: int, end: int) -> float:
        """Share of the words of ``para`` (in ``doc``) that lie in ``[start, end)``."""
        total = self.count(doc, para.start, para.end)
        inside = self.count(doc, max(start, para.start), min(end, para.end))
        return inside / total if total else 0.0


@dataclass
class PassageScore:
    """Passage-level recall and precision, with the counts behind them."""

    true_passages: int = 0  # shared base paragraphs of >= min_words words in both documents
    found: int = 0
    reported: int = 0  # passages of >= min_words words, boilerplate left out
    correct: int = 0
    boilerplate: int = 0  # flagged passages, left out of both measures
    missed: list[tuple[str, str, Para, Para]] = field(default_factory=list)
    wrong: list[Found] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.true_passages if self.true_passages else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 1.0


def score_passages(
    corpus: Corpus,
    words: WordCounter,
    passages: Iterable[Found],
    *,
    pairs: set[tuple[str, str]] | None = None,
    min_words: int = 40,
    share: float = 0.5,
) -> PassageScore:
    """Score ``passages`` against the shared paragraphs of the corpus (of ``pairs`` only, if given).

    Recall: a shared paragraph of at least ``min_words`` words in both documents is *found* when
    one passage between the two documents covers at least ``share`` of its words in each.
    Precision: a passage of at least ``min_words`` words is *correct* when, for some paragraph the
    two documents share, it overlaps that paragraph in both documents. Boilerplate-flagged
    passages count for neither.
    """
    by_pair: dict[tuple[str, str], list[Found]] = {}
    score = PassageScore()
    for p in passages:
        if pairs is not None and (p.a, p.b) not in pairs:
            continue
        if p.boilerplate:
            score.boilerplate += 1
            continue
        by_pair.setdefault((p.a, p.b), []).append(p)
    reuse = corpus.reuse()
    for (a, b), shared in reuse.items():
        if pairs is not None and (a, b) not in pairs:
            continue
        found_here = by_pair.get((a, b), [])
        for pa, pb in shared:
            if min(pa.words, pb.words) < min_words:
                continue
            score.true_passages += 1
            if any(
                words.covered(a, pa, f.a_start, f.a_end) >= share
                and words.covered(b, pb, f.b_start, f.b_end) >= share
                for f in found_here
            ):
                score.found += 1
            else:
                score.missed.append((a, b, pa, pb))
    for (a, b), plist in by_pair.items():
        shared = reuse.get((a, b), [])
        for f in plist:
            if f.words < min_words:
                continue
            score.reported += 1
            if any(
                f.a_start < pa.end and pa.start < f.a_end and f.b_start < pb.end and pb.start < f.b_end
                for pa, pb in shared
            ):
                score.correct += 1
            else:
                score.wrong.append(f)
    return score
