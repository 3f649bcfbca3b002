"""The language model's answer for a few samples without numpy, given only where it is certain.

``variorum collate --files a b`` on two one-page files asks the model about a handful of short
paragraphs (titles, datelines), and importing numpy for them was ~40 ms of ~130 ms: the rest of
the command no longer needs it. Here the same model (the cached copy of
:mod:`variorum.text.language_model`, read by :mod:`variorum.npy_format`) scores a sample in pure
Python: the features counted by py3langid's own automaton walk, the scores summed in float64.

numpy computes those scores in float32 (:class:`~variorum.text.langid_features.FastIdentifier`:
a BLAS product whose order of summation is its own, then float32 normalisation), which pure
Python cannot repeat to the bit. So every score is given with a bound on how far numpy's can lie
from it (the float32 rounding errors, with a wide margin, see :func:`_classify_bounds`), the
probabilities with the interval that those bounds allow, and an answer is given only when the
interval decides it as numpy's value would: the most probable language above every other, its
probability on one side of the threshold the caller compares it with. Anything less clear
(a near-tie, a text without features, a model copy not there yet) returns None, and the caller
asks numpy. ``tests/test_langid_bounds.py`` checks the intervals against numpy's scores.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from operator import add

from variorum import npy_format

#: float32's unit roundoff.
_U = 2.0**-24
#: The cached copy's files read here (language_model's ``_ARRAYS``).
_ARRAYS = ("ptc", "pc", "nextmove", "nextmove_row", "out_feat")
#: The bounds' safety factor over the textbook error of each float32 step (a dot product of n
#: terms in any order: n roundings; log1p, exp: a few units in the last place).
_SLACK = 8.0


@dataclass(frozen=True)
class Answer:
    """The most probable language of a sample, and bounds of numpy's probability for it."""

    language: str
    low: float
    high: float


@dataclass(frozen=True)
class BoundedModel:
    """The cached copy's arrays, as flat ``memoryview``s of the memory-mapped files."""

    ptc: memoryview  # feature x class scores, float32, row by row
    pc: list[float]  # class priors
    classes: list[str]
    nextmove: memoryview  # the automaton: next state at row(state) * 256 + byte
    row: memoryview
    out: memoryview  # feature counted on reaching each state, -1 for none

    @property
    def aliases(self) -> list[tuple[int, int]]:
        """(first, duplicate) columns of a label that appears twice, as numpy folds them."""
        first: dict[str, int] = {}
        pairs = []
        for i, label in enumerate(self.classes):
            if label in first:
                pairs.append((first[label], i))
            else:
                first[label] = i
        return pairs


def load(languages: Sequence[str]) -> BoundedModel | None:
    """The cached copy of the model restricted to ``languages``, or None when there is none yet
    (numpy's loader builds it) or it is not read here."""
    from variorum.text.language_model import _model_file, _touch, copy_folder

    try:
        folder = copy_folder(_model_file(), languages)
        classes = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    arrays = [npy_format.read(folder / f"{name}.npy") for name in _ARRAYS]
    if any(found is None for found in arrays):
        return None
    ptc, pc, nextmove, row, out = arrays  # type: ignore[misc]
    n = len(classes)
    if (
        ptc[0] != "<f4"
        or ptc[1][1:] != (n,)
        or pc[0] != "<f4"
        or pc[1] != (n,)
        or out[0] != "<i4"
        or len(out[2]) != len(row[2])
        or nextmove[0] not in ("<u4", "<i4", "<u2")
        or row[0] not in ("<u2", "<u4", "<i4")
    ):
        return None
    _touch(folder)  # as numpy's loader does: the copy is in use (see language_model.prune)
    return BoundedModel(ptc[2], pc[2].tolist(), classes, nextmove[2], row[2], out[2])


def encode(text: str) -> bytes:
    """The sample as py3langid reads it (:meth:`FastIdentifier._encode` of a ``str``)."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def visits(model: BoundedModel, data: bytes) -> dict[int, int]:
    """How often each feature occurs in ``data``: py3langid's automaton walk."""
    nm, row, out = model.nextmove, model.row, model.out
    state = 0
    counts: dict[int, int] = {}
    for byte in data:
        state = nm[(row[state] << 8) + byte]
        f = out[state]
        if f >= 0:
            counts[f] = counts.get(f, 0) + 1
    return counts


def _classify_bounds(model: BoundedModel, data: bytes) -> list[tuple[float, float]] | None:
    """For each class, bounds of the probability numpy gives it for ``data`` (after folding
    duplicate labels, a duplicate's is 0); None for a text without features.

    numpy's raw score of class c is ``log1p(counts) @ ptc[features, c] + pc[c]`` in float32:
    each term and the sum off the exact value by at most ``(F + 3)`` float32 roundings of the
    sum of the terms' magnitudes, for F features in any order of summation (``_SLACK`` times
    that is taken, each term's magnitude bounded by the largest of its feature's row). The
    scores are scaled by ``1 / sqrt(bytes)`` and made probabilities by a softmax in float32: the
    probabilities of every score in those bounds form the interval, then widened by the
    roundings of the float32 ``exp``, sum and division.
    """
    counts = visits(model, data)
    if not counts:
        return None
    n = len(model.classes)
    ptc = model.ptc
    # The rows of the features seen k times summed first (map(add) runs in C), then weighted by
    # log1p(k): most features occur once. The magnitudes are bounded by each row's largest.
    rows: dict[int, list[float]] = {}
    largest: dict[int, float] = {}
    for feature, count in counts.items():
        weights = ptc[feature * n : (feature + 1) * n].tolist()
        total = rows.get(count)
        rows[count] = weights if total is None else list(map(add, total, weights))
        largest[count] = largest.get(count, 0.0) + max(max(weights), -min(weights))
    score = list(model.pc)
    size = sum(math.log1p(k) * m for k, m in largest.items())
    for count, total in rows.items():
        w = math.log1p(count)
        score = [s + w * x for s, x in zip(score, total, strict=True)]
    scale = 1.0 / math.sqrt(len(data) or 1)
    error = _SLACK * _U * (len(counts) + 8)
    logits = [s * scale for s in score]
    spread = [
        scale * error * (size + abs(p)) + _SLACK * _U * abs(x) for p, x in zip(model.pc, logits, strict=True)
    ]
    top = max(x + e for x, e in zip(logits, spread, strict=True))
    low = [math.exp(x - e - top) for x, e in zip(logits, spread, strict=True)]
    high = [math.exp(x + e - top) for x, e in zip(logits, spread, strict=True)]
    total_low, total_high = sum(low), sum(high)
    best = max(logits)
    # Each class at its lowest against the others at their highest, and the reverse (a
    # difference of sums below 0 is rounding: 0). Then the float32 rounding of exp(x - max), of
    # the sum of n terms and of the division.
    rho = [_SLACK * _U * (best - x + n + 8) for x in logits]
    p_low = [
        (lo / (lo + (o if (o := total_high - hi) > 0.0 else 0.0)) if lo else 0.0) * (1 - r) - 1e-30
        for lo, hi, r in zip(low, high, rho, strict=True)
    ]
    p_high = [
        hi / (hi + (o if (o := total_low - lo) > 0.0 else 0.0)) * (1 + r) + 1e-30
        for lo, hi, r in zip(low, high, rho, strict=True)
    ]
    bounds = [
        (lo if lo > 0.0 else 0.0, hi if hi < 1.0 else 1.0) for lo, hi in zip(p_low, p_high, strict=True)
    ]
    for i, j in model.aliases:
        (li, hi), (lj, hj) = bounds[i], bounds[j]
        bounds[i] = ((li + lj) * (1 - 2 * _U), (hi + hj) * (1 + 2 * _U))
        bounds[j] = (0.0, 0.0)
    return bounds


def classify(model: BoundedModel, text: str) -> Answer | None:
    """The language numpy's :meth:`FastIdentifier.classify` gives ``text``, with bounds of its
    confidence; None unless one language is certainly the most probable."""
    bounds = _classify_bounds(model, encode(text))
    if bounds is None:
        return None
    best = max(range(len(bounds)), key=lambda c: bounds[c][0])
    low = bounds[best][0]
    if any(high >= low for c, (_, high) in enumerate(bounds) if c != best):
        return None
    return Answer(model.classes[best], low, bounds[best][1])
