"""From aligned token ranges to passages quoted from the original texts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from variorum.align.evidence import NO_EVIDENCE, PairEvidence, covered, pair_evidence
from variorum.align.local import Match
from variorum.align.quotable import Quotable
from variorum.align.seeding import Codes, SeedTable, align_group
from variorum.config import Settings
from variorum.model import Document, Passage
from variorum.prepare import Prepared


@dataclass(frozen=True)
class PairResult:
    """The passages two documents share and how much of each they cover.

    ``a_coverage``/``b_coverage`` count every word; ``a_body``/``b_body`` count only words in
    body segments (cover notes and headers excluded), which is what family membership uses.
    """

    passages: tuple[Passage, ...]
    a_coverage: float
    b_coverage: float
    a_body: float
    b_body: float
    evidence: PairEvidence = NO_EVIDENCE

    @property
    def shared_words(self) -> int:
        return sum(p.words for p in self.passages)


def earlier_side(a: Document, b: Document) -> str | None:
    """``"a"`` or ``"b"`` for the document dated earlier; None if a date is missing or equal."""
    if not a.date or not b.date or a.date == b.date:
        return None
    return "a" if a.date < b.date else "b"


def to_passage(pa: Prepared, pb: Prepared, m: Match) -> Passage:
    """Quote a match from both originals by the character spans of its first and last tokens."""
    return _passages(pa, pb, [m])[0]


def _spans(p: Prepared | Quotable, firsts: list[int], lasts: list[int]) -> tuple[list[int], list[int]]:
    """Where tokens ``firsts`` of ``p`` start and tokens ``lasts`` end."""
    if isinstance(p, Quotable):
        return p.spans(firsts, lasts)
    starts, ends = p.tokens.starts, p.tokens.ends
    return [starts[k] for k in firsts], [ends[k] for k in lasts]


def _passages(
    pa: Prepared | Quotable, pb: Prepared | Quotable, matches: Sequence[Match]
) -> tuple[Passage, ...]:
    """:func:`to_passage` of each of ``matches``, each document's offsets read once."""
    a_starts, a_ends = _spans(pa, [m.a0 for m in matches], [m.a1 - 1 for m in matches])
    b_starts, b_ends = _spans(pb, [m.b0 for m in matches], [m.b1 - 1 for m in matches])
    a_doc, b_doc = pa.doc, pb.doc
    a_text, b_text = a_doc.text, b_doc.text
    earlier = earlier_side(a_doc, b_doc)
    return tuple(
        Passage(
            a_doc=a_doc.id,
            b_doc=b_doc.id,
            a_start=a_start,
            a_end=a_end,
            b_start=b_start,
            b_end=b_end,
            a_words=m.a1 - m.a0,
            b_words=m.b1 - m.b0,
            identity=m.identity,
            a_text=a_text[a_start:a_end],
            b_text=b_text[b_start:b_end],
            earlier=earlier,  # type: ignore[arg-type]
        )
        for m, a_start, a_end, b_start, b_end in zip(matches, a_starts, a_ends, b_starts, b_ends, strict=True)
    )


def seed_table(p: Prepared | Quotable, settings: Settings) -> SeedTable:
    """The :class:`SeedTable` of a prepared document, for :func:`compare_prepared`."""
    return SeedTable.of(p.hashes, p.grams, settings.min_words)


#: What a pair without passages gets: no coverage, no evidence.
_NOTHING = PairResult((), 0.0, 0.0, 0.0, 0.0, PairEvidence(0.0, 0.0, 0.0, 0, 0.0))


def compare_prepared(
    pa: Prepared | Quotable,
    pb: Prepared | Quotable,
    settings: Settings,
    tables: tuple[SeedTable, SeedTable] | None = None,
) -> PairResult:
    """Align two prepared documents (or :class:`~variorum.align.quotable.Quotable` ones): their
    passages and coverages.

    ``tables`` are the documents' :func:`seed_table`, for a caller that aligns each document in
    many pairs and keeps them; without them they are made here.
    """
    ta, tb = tables or (seed_table(pa, settings), seed_table(pb, settings))
    aligned = align_arrays(ta, tb, pa.body, pb.body, settings)
    return _NOTHING if aligned is None else quote(pa, pb, aligned)


@dataclass(frozen=True)
class Aligned:
    """What aligning a pair gives before its passages are quoted from the texts: token ranges
    and figures only, small enough to come back from a worker process (:mod:`variorum.workers`),
    which has the documents' token hashes but not their texts."""

    matches: tuple[Match, ...]
    #: ``a_coverage``, ``b_coverage``, ``a_body``, ``b_body`` of :class:`PairResult`.
    coverages: tuple[float, float, float, float]
    evidence: PairEvidence


def align_arrays(
    ta: SeedTable, tb: SeedTable, a_body: np.ndarray, b_body: np.ndarray, settings: Settings
) -> Aligned | None:
    """The token-level part of :func:`compare_prepared`: None when the pair has no passage.

    ``a_body``/``b_body`` are the documents' body masks (:attr:`Prepared.body`).
    """
    [(matches, codes)] = align_group(
        ta, [tb], ngram=settings.ngram, max_gap=settings.max_gap, min_words=settings.min_words
    )
    return _aligned(ta, tb, a_body, b_body, matches, codes, settings)


def _aligned(
    ta: SeedTable,
    tb: SeedTable,
    a_body: np.ndarray,
    b_body: np.ndarray,
    matches: list[Match],
    codes: Codes,
    settings: Settings,
) -> Aligned | None:
    """What :func:`align_arrays` gives for a pair with these ``matches``."""
    if not matches:
        return None
    # The coverages (:func:`~variorum.align.local.coverage`) from the union of the ranges and
    # the body tokens before each position.
    a_union = covered([(m.a0, m.a1) for m in matches])
    b_union = covered([(m.b0, m.b1) for m in matches])
    counts = _body_counts(a_body), _body_counts(b_body)
    na, nb = len(ta.hashes), len(tb.hashes)
    return Aligned(
        matches=tuple(matches),
        coverages=(
            round(_share(sum(r1 - r0 for r0, r1 in a_union), na), 4),
            round(_share(sum(r1 - r0 for r0, r1 in b_union), nb), 4),
            round(
                _share(sum(int(counts[0][r1] - counts[0][r0]) for r0, r1 in a_union), int(counts[0][-1])), 4
            ),
            round(
                _share(sum(int(counts[1][r1] - counts[1][r0]) for r0, r1 in b_union), int(counts[1][-1])), 4
            ),
        ),
        evidence=pair_evidence(
            ta.hashes,
            tb.hashes,
            a_body,
            b_body,
            [(m.a0, m.a1, m.b0, m.b1, m.identity) for m in matches],
            settings.run_min_words,
            codes,
            counts,
            (a_union, b_union),
        ),
    )


def _body_counts(body: np.ndarray) -> np.ndarray:
    """How many of the first ``k`` tokens are body tokens, for every ``k``."""
    counts = np.zeros(len(body) + 1, dtype=np.int64)
    np.cumsum(body, out=counts[1:])
    return counts


def _share(count: int, total: int) -> float:
    return float(count) / total if total else 0.0


def quote(pa: Prepared | Quotable, pb: Prepared | Quotable, aligned: Aligned) -> PairResult:
    """The :class:`PairResult` of an aligned pair, its passages quoted from both documents."""
    a_coverage, b_coverage, a_body, b_body = aligned.coverages
    return PairResult(
        passages=_passages(pa, pb, aligned.matches),
        a_coverage=a_coverage,
        b_coverage=b_coverage,
        a_body=a_body,
        b_body=b_body,
        evidence=aligned.evidence,
    )


def align_batch(
    docs: Mapping[int, tuple[np.ndarray, np.ndarray, np.ndarray]],
    pairs: Sequence[tuple[int, int]],
    settings: Settings,
    tables: dict[int, SeedTable] | None = None,
) -> list[tuple[int, int, Aligned]]:
    """:func:`align_arrays` of every pair of ``pairs`` (sorted, as :meth:`commit` makes them)
    whose documents' ``(hashes, grams, body)`` are in ``docs``: the pairs with a passage.

    Each document's seed table is made once, and the pairs of one ``x`` are aligned together
    (:func:`~variorum.align.seeding.align_group`). The ``x`` of the pairs ``(x, y)`` come in order;
    a document seen only as an ``x`` (an indexed one, paired with the batch's) is not needed once
    its run of pairs ends, and its table is then dropped. ``tables`` keeps the others for a
    caller that aligns the pairs of one batch in several calls, chunk after chunk.
    """
    tables = {} if tables is None else tables
    ys = {y for _, y in pairs}
    out: list[tuple[int, int, Aligned]] = []
    opts = {"ngram": settings.ngram, "max_gap": settings.max_gap, "min_words": settings.min_words}

    def table(n: int) -> SeedTable:
        if n not in tables:
            hashes, grams, _ = docs[n]
            tables[n] = SeedTable.of(hashes, grams, settings.min_words)
        return tables[n]

    start = 0
    while start < len(pairs):
        x = pairs[start][0]
        end = start + 1
        while end < len(pairs) and pairs[end][0] == x:
            end += 1
        partners = [y for _, y in pairs[start:end]]
        tx = table(x)
        aligned_group = align_group(tx, [table(y) for y in partners], **opts)
        for y, (matches, codes) in zip(partners, aligned_group, strict=True):
            aligned = _aligned(tx, tables[y], docs[x][2], docs[y][2], matches, codes, settings)
            if aligned is not None:
                out.append((x, y, aligned))
        if x not in ys:
            tables.pop(x, None)
        start = end
    return out
