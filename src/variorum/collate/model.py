"""What a collation is made of: witnesses, an alignment table, variants, moves, claims, a stemma.

Every reading quotes the original text of its witness by character offsets, like passages do.
These types are the contract between the aligner (:mod:`variorum.collate.align`), the
classifiers (:mod:`variorum.collate.variants`, :mod:`variorum.collate.claims`), the stemma
(:mod:`variorum.collate.stemma`) and the exports (:mod:`variorum.export`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from variorum.text.normalize import Tokens

VariantKind = Literal["addition", "omission", "substitution", "transposition"]
# Substitution subtypes, from the most formal to the most substantive. Transpositions carry their
# level ("paragraph", "sentence", "phrase") as subtype; additions and omissions carry None, or
# "wrapper" when they lie in cover notes, headers or source lines.
SUBTYPES = (
    "case",
    "punctuation",
    "number_format",
    "extraction_noise",
    "split_word",
    "orthographic",
    "lexical",
)


@dataclass(frozen=True)
class Witness:
    """One version of the text, with its tokens and what each token is part of.

    ``paragraph[i]`` is the index of the paragraph token ``i`` lies in, ``wrapper[i]`` whether
    that paragraph is a wrapper segment (cover note, header, source line).
    """

    id: str
    text: str
    tokens: Tokens
    paragraph: tuple[int, ...]
    wrapper: tuple[bool, ...]
    path: str | None = None
    date: str | None = None
    label: str | None = None  # a short human name (file name, or the id)
    # Character spans of the witness's wrapper segments (cover notes, headers, source lines).
    # They are reported as such and kept out of the alignment, whose tokens are the body's.
    wrappers: tuple[tuple[int, int], ...] = ()

    def reading(self, first: int, last: int) -> tuple[int, int, str]:
        """Original text of tokens ``first..last-1``: ``(start, end, text)``."""
        start, end = self.tokens.span(first, last)
        return start, end, self.text[start:end]


@dataclass(frozen=True)
class Table:
    """The alignment table: ``columns[c][w]`` is witness ``w``'s token index in column ``c``, or None.

    Columns are in reading order. Within one witness, its token indices increase from column to
    column: a moved passage occupies different columns in its two places and is linked by a
    :class:`Move`.
    """

    witnesses: tuple[Witness, ...]
    columns: tuple[tuple[int | None, ...], ...]

    def row(self, w: int) -> list[int | None]:
        return [col[w] for col in self.columns]


@dataclass(frozen=True)
class Move:
    """A passage that one witness has in another place than another witness.

    ``source`` is the column range where the passage stands in ``from_witness`` (and its
    alignment), ``target`` the column range where ``to_witness`` has it. ``distance`` is how far it
    moved, in words of the text it jumped over; ``size`` its length in words.
    """

    from_witness: str
    to_witness: str
    source: tuple[int, int]
    target: tuple[int, int]
    level: Literal["paragraph", "sentence", "phrase"]
    size: int
    distance: int


@dataclass(frozen=True)
class Variant:
    """One variation unit: columns where the witnesses do not all read the same.

    ``readings`` maps each witness id to the original text it has there ("" where it has
    nothing), ``spans`` to the character offsets of that text (None where absent).
    """

    kind: VariantKind
    subtype: str | None
    substantive: bool
    columns: tuple[int, int]
    readings: dict[str, str]
    spans: dict[str, tuple[int, int] | None]
    wrapper: bool = False
    move: Move | None = None


@dataclass(frozen=True)
class Claim:
    """A checkable statement found in one witness: a figure, a date, a name or a cited document.

    ``value`` is what is compared across witnesses (``60000`` for "60.000", ISO for dates);
    ``qualifier`` the words that qualify a figure ("around", "up to", "more than").
    """

    kind: Literal["quantity", "date", "entity", "citation"]
    start: int
    end: int
    text: str
    value: str
    qualifier: str | None = None


@dataclass(frozen=True)
class ClaimChange:
    """One claim followed across the witnesses at one aligned place.

    ``change`` is "changed" (value or qualifier differ), "appeared" (absent from the earliest
    witnesses that have this place), "vanished" (present early, absent later) or "unchanged".
    Readings have their whitespace folded to single spaces (a claim quoted across a line wrap
    reads as one line); ``spans`` locate the original text.
    """

    kind: str
    readings: dict[str, str]
    values: dict[str, str | None]
    change: str
    column: int
    # character offsets of each witness's reading (None where it has none): old → new is quoted
    # from both witnesses by these
    spans: dict[str, tuple[int, int] | None] = field(default_factory=dict)


@dataclass(frozen=True)
class StemmaEdge:
    parent: str
    child: str
    evidence: tuple[str, ...]
    confidence: float


@dataclass(frozen=True)
class Stemma:
    """A directed tree of derivation; ``lost`` lists the ids of hypothesised lost sources;
    ``replicates`` is how many bootstrap replicates the edges' confidences come from."""

    edges: tuple[StemmaEdge, ...]
    root: str | None
    lost: tuple[str, ...] = ()
    replicates: int = 0


@dataclass(frozen=True)
class Collation:
    table: Table
    variants: tuple[Variant, ...]
    moves: tuple[Move, ...]
    claims: tuple[ClaimChange, ...]
    stemma: Stemma
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def witnesses(self) -> tuple[Witness, ...]:
        return self.table.witnesses
