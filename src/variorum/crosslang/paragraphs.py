"""Paragraph alignment of a translation pair, and the figures that differ across languages.

A translation renders its source paragraph by paragraph, in order, leaving some out and adding
others (a translators' note, a section of a newer version). The alignment is therefore monotone
with omissions and additions: a dynamic programme over the two paragraph sequences, where a
pair of paragraphs scores by the anchors they share (figures, dates, identifiers, names) and by
their length ratio (against the ratio of the two whole texts, which absorbs the difference of
scripts), and leaving a paragraph unmatched costs nothing. Paragraphs without anchors are placed
by length between the anchored ones.

Claim drift: inside an aligned pair, a figure or date of one side that the other lacks, facing
one of the same kind that the first lacks ("60.000" against "65 000"), is reported.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from variorum.config import CrossLangSettings
from variorum.crosslang.anchors import Anchor
from variorum.crosslang.detect import CrossDoc, _renamed


@dataclass(frozen=True)
class ParagraphLink:
    """One step of the alignment: paragraph ``a`` renders paragraph ``b``; ``None`` on one side
    is a paragraph the other leaves out."""

    a: int | None
    b: int | None
    score: float = 0.0


@dataclass(frozen=True)
class FigureDrift:
    """A figure or date that differs between two aligned paragraphs."""

    kind: str  # "number" or "date"
    a_paragraph: int
    b_paragraph: int
    a_key: str
    b_key: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int

    def as_dict(self, a_text: str, b_text: str) -> dict[str, object]:
        return {
            "kind": self.kind,
            "a_paragraph": self.a_paragraph,
            "b_paragraph": self.b_paragraph,
            "a": {"value": self.a_key, "text": a_text[self.a_start : self.a_end], "start": self.a_start},
            "b": {"value": self.b_key, "text": b_text[self.b_start : self.b_end], "start": self.b_start},
        }


_FIGURES = ("number", "date")


def _paragraph_anchors(doc: CrossDoc, keys: list[str]) -> list[list[tuple[str, Anchor]]]:
    """The keyed anchors of each paragraph (an anchor belongs to the paragraph it starts in)."""
    out: list[list[tuple[str, Anchor]]] = [[] for _ in doc.paragraphs]
    p = 0
    for anchor, key in zip(doc.anchors, keys, strict=True):
        while p < len(doc.paragraphs) and doc.paragraphs[p][1] <= anchor.start:
            p += 1
        if p < len(doc.paragraphs) and doc.paragraphs[p][0] <= anchor.start:
            out[p].append((key, anchor))
    return out


PairKeys = tuple[list[str], list[str]]


def pair_keys(a: CrossDoc, b: CrossDoc, settings: CrossLangSettings) -> PairKeys:
    """Each anchor's key for this pair (names matched across the two sides get one key)."""
    return list(a.keyed), b.pair_keys(_renamed(a.name_keys, b.name_keys, settings.name_similarity))


def _blank(keys: PairKeys) -> PairKeys:
    # An anchor the other document lacks altogether (a section title, a German noun, the
    # translators' addresses) says nothing about which paragraph renders which: it is blanked.
    a_keys, b_keys = keys
    both = set(a_keys) & set(b_keys)
    return [k if k in both else "" for k in a_keys], [k if k in both else "" for k in b_keys]


def _similarity(ka: Counter[str], kb: Counter[str], la: int, lb: int, ratio: float) -> float:
    """How well two paragraphs correspond, in [0, 1]: shared anchors (Dice), then length.

    The reference form of the score :class:`_Scorer` computes from precomputed parts.
    """
    length = math.exp(-abs(math.log(max(la, 1) / (max(lb, 1) * ratio))))
    if not ka or not kb:
        return 0.55 * length
    shared = sum(min(v, kb[k]) for k, v in ka.items() if k in kb)
    return 0.75 * (2 * shared / (ka.total() + kb.total())) + 0.25 * length


class _Scorer:
    """:func:`_similarity` with each paragraph's logarithm of length and anchor total computed
    once: the dynamic programme asks for the score of every pair in its band."""

    def __init__(
        self, ca: list[Counter[str]], cb: list[Counter[str]], la: list[int], lb: list[int], ratio: float
    ):
        self.ca, self.cb = ca, cb
        self.ta, self.tb = [c.total() for c in ca], [c.total() for c in cb]
        self.lla = [math.log(max(x, 1)) - math.log(ratio) for x in la]
        self.llb = [math.log(max(x, 1)) for x in lb]

    def __call__(self, i: int, j: int) -> float:
        length = math.exp(-abs(self.lla[i] - self.llb[j]))
        ta, tb = self.ta[i], self.tb[j]
        if not ta or not tb:
            return 0.55 * length
        ka, kb = self.ca[i], self.cb[j]
        shared = sum(min(v, kb[k]) for k, v in ka.items() if k in kb)
        return 0.75 * (2 * shared / (ta + tb)) + 0.25 * length


def align_paragraphs(
    a: CrossDoc, b: CrossDoc, settings: CrossLangSettings | None = None, keys: PairKeys | None = None
) -> list[ParagraphLink]:
    """The monotone paragraph alignment of a translation pair, in order of both documents.

    Each paragraph of either side appears exactly once: matched (``a`` and ``b`` set) or left
    out (the other side ``None``). Long pairs are aligned inside a band around the diagonal the
    anchors trace, so the cost stays near linear.
    """
    s = settings or CrossLangSettings()
    a_keys, b_keys = _blank(keys or pair_keys(a, b, s))
    pa, pb = _paragraph_anchors(a, a_keys), _paragraph_anchors(b, b_keys)
    ca = [Counter(k for k, _ in p if k) for p in pa]
    cb = [Counter(k for k, _ in p if k) for p in pb]
    la = [e - st for st, e in a.paragraphs]
    lb = [e - st for st, e in b.paragraphs]
    n, m = len(la), len(lb)
    if n == 0 or m == 0:
        return [ParagraphLink(i, None) for i in range(n)] + [ParagraphLink(None, j) for j in range(m)]
    # The length ratio of the two languages, first from the whole texts, then again from the
    # paragraphs the first pass matched: a translators' section or a missing chapter would
    # otherwise skew it.
    links = _align(ca, cb, la, lb, max(sum(la), 1) / max(sum(lb), 1), s)
    matched = [(x.a, x.b) for x in links if x.a is not None and x.b is not None]
    if matched:
        first = max(sum(la), 1) / max(sum(lb), 1)
        ratio = max(sum(la[i] for i, _ in matched), 1) / max(sum(lb[j] for _, j in matched), 1)
        if abs(math.log(ratio / first)) > 0.05:  # a second pass only where the ratio moved
            links = _align(ca, cb, la, lb, ratio, s)
    return links


def _align(
    ca: list[Counter[str]],
    cb: list[Counter[str]],
    la: list[int],
    lb: list[int],
    ratio: float,
    s: CrossLangSettings,
) -> list[ParagraphLink]:
    """The banded dynamic programme, a row at a time.

    ``best[i][j]`` (the best score aligning the first ``i`` paragraphs of a with the first ``j``
    of b) is the larger of a row's candidate from the row before (match or skip a paragraph of
    a) and ``best[i][j - 1]`` (skip one of b), so a row is a running maximum of its candidates:
    numpy computes it, where a Python loop over every cell of the band took most of the time
    of linking translations of long documents. Scores are the reference's own floating-point
    operations (the length factor through ``math.exp``, not numpy's, which may differ in the
    last bit), so the alignment is the same, ties included: :func:`_align_reference` is the
    loop it replaces, and a property test keeps them equal.
    """
    n, m = len(la), len(lb)
    width = max(s.paragraph_band, int(0.2 * max(n, m)))
    floor = s.paragraph_match_floor
    neg = -1e18
    lla = [math.log(max(x, 1)) - math.log(ratio) for x in la]
    llb = [math.log(max(x, 1)) for x in lb]
    ta = [c.total() for c in ca]
    tb = np.array([c.total() for c in cb], dtype=np.float64)
    b_has = tb > 0
    holders: dict[str, list[tuple[int, int]]] = {}
    for q, counts in enumerate(cb):
        for key, count in counts.items():
            holders.setdefault(key, []).append((q, count))
    exp = math.exp
    steps: list[tuple[int, np.ndarray]] = []  # per row: first column of the band, step codes
    scores: list[np.ndarray] = []  # per row i >= 1: score of (i - 1, j - 1) for j in the band, j >= 1
    prev = np.full(m + 1, neg)
    for i in range(n + 1):
        centre = i * m / n
        lo, hi = max(0, int(centre) - width), min(m, int(centre) + width)
        cand = np.full(hi - lo + 1, neg)
        how = np.zeros(hi - lo + 1, dtype=np.int8)
        if i == 0:
            if lo == 0:
                cand[0] = 0.0
        else:
            first = max(lo, 1)  # the first column with a paragraph of b before it
            qs = range(first - 1, hi)
            x = lla[i - 1]
            length = np.array([exp(-abs(x - llb[q])) for q in qs])
            if ta[i - 1]:
                shared = np.zeros(len(length))
                for key, count in ca[i - 1].items():
                    for q, other in holders.get(key, ()):
                        if first - 1 <= q < hi:
                            shared[q - first + 1] += min(count, other)
                denominator = ta[i - 1] + tb[first - 1 : hi]
                has = b_has[first - 1 : hi]
                dice = np.divide(2 * shared, denominator, out=np.zeros(len(length)), where=has)
                score = np.where(has, 0.75 * dice + 0.25 * length, 0.55 * length)
            else:
                score = 0.55 * length
            scores.append(score)
            at = first - lo
            before = prev[first - 1 : hi]
            value = before + score - floor
            take = (before > neg) & (value > neg)
            cand[at:] = np.where(take, value, neg)
            how[at:] = np.where(take, 1, 0)
            up = prev[lo : hi + 1]
            take = up > cand
            cand = np.where(take, up, cand)
            how[take] = 2
        row = np.maximum.accumulate(cand)
        how[1:][row[:-1] > cand[1:]] = 3
        prev = np.full(m + 1, neg)
        prev[lo : hi + 1] = row
        steps.append((lo, how))

    def step(i: int, j: int) -> int:
        lo, how_row = steps[i]
        return int(how_row[j - lo]) if lo <= j < lo + len(how_row) else 0

    def score_of(i: int, j: int) -> float:  # paragraphs i and j: row i + 1, column j + 1
        return float(scores[i][j + 1 - max(steps[i + 1][0], 1)])

    return _trace(n, m, step, score_of)


def _align_reference(
    ca: list[Counter[str]],
    cb: list[Counter[str]],
    la: list[int],
    lb: list[int],
    ratio: float,
    s: CrossLangSettings,
) -> list[ParagraphLink]:
    """:func:`_align` cell by cell in Python: the plain reference its tests compare with."""
    n, m = len(la), len(lb)
    width = max(s.paragraph_band, int(0.2 * max(n, m)))
    floor = s.paragraph_match_floor
    score_of = _Scorer(ca, cb, la, lb, ratio)
    neg = -1e18
    # best[i][j]: best score aligning the first i paragraphs of a with the first j of b.
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    step = [[0] * (m + 1) for _ in range(n + 1)]  # 1 match, 2 skip a, 3 skip b
    best[0][0] = 0.0
    for i in range(n + 1):
        centre = i * m / n
        lo, hi = max(0, int(centre) - width), min(m, int(centre) + width)
        row, prev = best[i], best[i - 1] if i else None
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            score, how = neg, 0
            if i and j and prev is not None and prev[j - 1] > neg:
                value = prev[j - 1] + score_of(i - 1, j - 1) - floor
                if value > score:
                    score, how = value, 1
            if i and prev is not None and prev[j] > score:
                score, how = prev[j], 2
            if j and row[j - 1] > score:
                score, how = row[j - 1], 3
            row[j] = score
            step[i][j] = how
    return _trace(n, m, lambda i, j: step[i][j], score_of)


def _trace(
    n: int, m: int, step: Callable[[int, int], int], score_of: Callable[[int, int], float]
) -> list[ParagraphLink]:
    """The links of a filled programme, read back from cell ``(n, m)``: ``step(i, j)`` is how
    cell ``(i, j)`` was reached (1 match, 2 skip a, 3 skip b, 0 outside the band)."""
    links: list[ParagraphLink] = []
    i, j = n, m
    while i or j:
        how = step(i, j)
        if how == 1:
            links.append(ParagraphLink(i - 1, j - 1, round(score_of(i - 1, j - 1), 4)))
            i, j = i - 1, j - 1
        elif how == 2 or (how == 0 and i):
            links.append(ParagraphLink(i - 1, None))
            i -= 1
        else:
            links.append(ParagraphLink(None, j - 1))
            j -= 1
    links.reverse()
    return links


def figure_drift(
    a: CrossDoc,
    b: CrossDoc,
    links: list[ParagraphLink],
    settings: CrossLangSettings | None = None,
    keys: PairKeys | None = None,
) -> list[FigureDrift]:
    """Figures and dates that differ between aligned paragraphs, in order of ``a``.

    Only a pair that shares at least one anchor is read, so that two paragraphs placed together
    by length alone never report a difference; within it, the unmatched figures of each side
    are paired in order, kind by kind.
    """
    s = settings or CrossLangSettings()
    a_keys, b_keys = keys or pair_keys(a, b, s)
    pa, pb = _paragraph_anchors(a, a_keys), _paragraph_anchors(b, b_keys)
    drifts: list[FigureDrift] = []
    for link in links:
        if link.a is None or link.b is None:
            continue
        left, right = pa[link.a], pb[link.b]
        ka, kb = Counter(k for k, _ in left), Counter(k for k, _ in right)
        if not (ka & kb):
            continue
        only_a, only_b = ka - kb, kb - ka
        for kind in _FIGURES:
            xs = _unmatched(left, only_a, kind)
            ys = _unmatched(right, only_b, kind)
            for x, y in zip(xs, ys, strict=False):
                drifts.append(FigureDrift(kind, link.a, link.b, x.key, y.key, x.start, x.end, y.start, y.end))
    return drifts


def _unmatched(anchors: list[tuple[str, Anchor]], extra: Counter[str], kind: str) -> list[Anchor]:
    left = Counter(extra)
    out: list[Anchor] = []
    for key, anchor in anchors:
        if anchor.kind == kind and left[key] > 0:
            left[key] -= 1
            out.append(anchor)
    return out
