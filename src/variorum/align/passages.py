"""From aligned token ranges to passages quoted from the original texts."""

from __future__ import annotations

from dataclasses import dataclass

from variorum.align.evidence import NO_EVIDENCE, PairEvidence, pair_evidence
from variorum.align.local import Match, coverage
from variorum.align.seeding import SeedTable, align_tables
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
    a_start, a_end = pa.tokens.span(m.a0, m.a1)
    b_start, b_end = pb.tokens.span(m.b0, m.b1)
    return Passage(
        a_doc=pa.doc.id,
        b_doc=pb.doc.id,
        a_start=a_start,
        a_end=a_end,
        b_start=b_start,
        b_end=b_end,
        a_words=m.a1 - m.a0,
        b_words=m.b1 - m.b0,
        identity=m.identity,
        a_text=pa.doc.text[a_start:a_end],
        b_text=pb.doc.text[b_start:b_end],
        earlier=earlier_side(pa.doc, pb.doc),  # type: ignore[arg-type]
    )


def seed_table(p: Prepared, settings: Settings) -> SeedTable:
    """The :class:`SeedTable` of a prepared document, for :func:`compare_prepared`."""
    return SeedTable.of(p.hashes, p.grams, settings.min_words)


#: What a pair without passages gets: no coverage, no evidence.
_NOTHING = PairResult((), 0.0, 0.0, 0.0, 0.0, PairEvidence(0.0, 0.0, 0.0, 0, 0.0))


def compare_prepared(
    pa: Prepared, pb: Prepared, settings: Settings, tables: tuple[SeedTable, SeedTable] | None = None
) -> PairResult:
    """Align two prepared documents: their passages and coverages.

    ``tables`` are the documents' :func:`seed_table`, for a caller that aligns each document in
    many pairs and keeps them; without them they are made here.
    """
    ta, tb = tables or (seed_table(pa, settings), seed_table(pb, settings))
    matches = align_tables(
        ta, tb, ngram=settings.ngram, max_gap=settings.max_gap, min_words=settings.min_words
    )
    if not matches:
        return _NOTHING
    a_ranges = [(m.a0, m.a1) for m in matches]
    b_ranges = [(m.b0, m.b1) for m in matches]
    na, nb = len(pa.tokens), len(pb.tokens)
    return PairResult(
        passages=tuple(to_passage(pa, pb, m) for m in matches),
        a_coverage=round(coverage(na, a_ranges), 4),
        b_coverage=round(coverage(nb, b_ranges), 4),
        a_body=round(coverage(na, a_ranges, pa.body), 4),
        b_body=round(coverage(nb, b_ranges, pb.body), 4),
        evidence=pair_evidence(
            pa.hashes,
            pb.hashes,
            pa.body,
            pb.body,
            [(m.a0, m.a1, m.b0, m.b1, m.identity) for m in matches],
            settings.run_min_words,
        ),
    )
