"""Typed relations between documents that share text: copy, revision, excerpt, quotation, boilerplate.

A user asks "which documents are versions of this one, and how are they related?". One yes/no
threshold answers neither half, so every aligned pair gets a *kind*, a score and the evidence
behind it:

``copy``
    near-identical bodies: passages cover nearly all of both at a high identity, or the same
    text as one block under each document's own intro, header or cover note;
``excerpt``
    one body mostly inside the other, however small a share of the other it is (a tweet-length
    excerpt of a long statement, the opening of an essay);
``revision``
    the same text edited: a good share of both bodies shared, as passages or as in-order runs
    too short for a passage (a figure changed every sentence), mostly in the same order; at any
    distance in time;
``quotation``
    a passage of one quoted in an otherwise different text (a news article quoting two
    paragraphs of a statement under its own intro);
``boilerplate``
    only formulaic text shared (letterheads, sign-offs);
``translation``
    the same text in another language (found by :mod:`variorum.crosslang`, not from passages).

Copy, excerpt, revision and translation are *version* relations: families are built from them
(:mod:`variorum.group.families`). The thresholds live in :class:`~variorum.config.Settings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from variorum.config import Settings

KINDS = ("copy", "revision", "excerpt", "translation", "quotation", "boilerplate")
#: Relations that make two documents versions of one text (members of one family).
VERSION_KINDS = frozenset({"copy", "revision", "excerpt", "translation"})


@dataclass(frozen=True)
class PairFacts:
    """What the index knows about one aligned pair (``a < b`` by document number)."""

    a: int
    b: int
    a_words: int  # body words of each document
    b_words: int
    a_body: float  # share of each body inside passages
    b_body: float
    a_runs: float  # share of each body inside in-order runs (-1: not computed)
    b_runs: float
    order: float
    longest: int
    identity: float
    shared_words: int
    a_date: str | None = None
    b_date: str | None = None
    a_extent: float = -1.0  # share of each body from its first to its last passage word
    b_extent: float = -1.0
    a_head: float = -1.0  # share of each body before its first passage word
    b_head: float = -1.0
    heads_alike: float = -1.0  # share of the shorter head's distinct words in the other head


@dataclass(frozen=True)
class Relation:
    """A typed, scored relation between documents ``a`` and ``b`` (``a < b``), with its evidence."""

    a: int
    b: int
    kind: str
    score: float
    shared_words: int
    a_coverage: float  # share of a's body shared with b (passages or runs, whichever is more)
    b_coverage: float
    order: float
    longest: int
    identity: float
    earlier: str | None  # "a", "b", or None when the dates do not tell
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "score": self.score,
            "shared_words": self.shared_words,
            "a_coverage": self.a_coverage,
            "b_coverage": self.b_coverage,
            "order": self.order,
            "longest": self.longest,
            "identity": self.identity,
            "earlier": self.earlier,
            "evidence": dict(self.evidence),
        }


def _earlier(a_date: str | None, b_date: str | None) -> str | None:
    if not a_date or not b_date or a_date == b_date:
        return None
    return "a" if a_date < b_date else "b"


def _long_shared(f: PairFacts, large_c: float, s: Settings) -> bool:
    """Whether the pair shares so many words in order that it is one text at any share of the
    longer document (a short licence edition inside a much longer one)."""
    runs = max(f.a_runs * f.a_words, f.b_runs * f.b_words)
    return max(f.shared_words, runs) >= s.revision_min_shared_words and large_c >= s.revision_min_large / 2


def _one_block(f: PairFacts, s: Settings) -> bool:
    """Whether the shared text is one block in both bodies (almost nothing unshared between its
    first and last word), covering a good share of both, at a copy's identity."""
    if f.a_extent < 0 or f.b_extent < 0:
        return False
    gaps = max(f.a_extent - f.a_body, f.b_extent - f.b_body)
    return (
        gaps <= s.copy_max_inner_gap
        and min(f.a_body, f.b_body) >= s.copy_block_min_coverage
        and f.identity >= s.copy_min_identity
        and f.order >= 0.99
    )


def common_footer(f: PairFacts, s: Settings) -> bool:
    """Whether the shared text is a common ending of two bodies that each open with different
    text of their own: the footer of two manual pages, a news site's sign-off. Such a pair is
    two texts with one formula, not two versions of one text.

    A reworded opening before a kept ending (a licence whose grant was edited, its disclaimer
    kept) has alike heads and stays a candidate version. A common *opening* is no such sign:
    editions of a text keep its opening and rewrite its end, and letterheads are wrapper.
    """
    if min(f.a_head, f.b_head, f.a_extent, f.b_extent) < 0:
        return False
    a_tail = 1.0 - f.a_head - f.a_extent
    b_tail = 1.0 - f.b_head - f.b_extent
    return (
        min(f.a_head, f.b_head) >= s.edge_min_own
        and max(a_tail, b_tail) <= s.edge_max_gap
        and 0 <= f.heads_alike < s.edge_heads_alike
    )


def classify(
    f: PairFacts, settings: Settings, *, only_boilerplate: bool = False, ending_recurs: bool = True
) -> Relation:
    """The relation of one aligned pair.

    ``only_boilerplate`` says that every passage of the pair was flagged boilerplate, which
    makes it a ``boilerplate`` relation unless the runs alone show a revision.
    ``ending_recurs`` says that the pair's last shared stretch is found in other documents too:
    only then is a :func:`common_footer` a formula. Two copies of a statement under their own
    intros end alike and nothing else does; a manual page's footer ends many pages.
    """
    s = settings
    a_cov = max(f.a_body, f.a_runs)
    b_cov = max(f.b_body, f.b_runs)
    # The smaller document is the one that can be contained in the other.
    a_small = (f.a_words, f.a) <= (f.b_words, f.b)
    small_p, large_p = (f.a_body, f.b_body) if a_small else (f.b_body, f.a_body)
    small_c, large_c = (a_cov, b_cov) if a_small else (b_cov, a_cov)
    evidence: dict[str, Any] = {
        "a_passages": f.a_body,
        "b_passages": f.b_body,
        "a_runs": f.a_runs,
        "b_runs": f.b_runs,
        "a_words": f.a_words,
        "b_words": f.b_words,
    }
    both = min(f.a_body, f.b_body)
    if f.a_head >= 0 and f.b_head >= 0:
        evidence["a_head"] = f.a_head
        evidence["b_head"] = f.b_head
    if f.heads_alike >= 0:
        evidence["heads_alike"] = f.heads_alike
    formula = ending_recurs and min(a_cov, b_cov) < s.edge_version_min_coverage and common_footer(f, s)
    if formula:
        # Families count such a pair as compatible when other versions bring the two together
        # (two news sites' copies of one statement, each under its own intro), never as a link.
        evidence["common_footer"] = True
        kind, score = ("boilerplate" if only_boilerplate else "quotation"), small_c
    elif both >= s.copy_min_coverage and f.identity >= s.copy_min_identity:
        kind, score = "copy", both * f.identity
    elif _one_block(f, s):
        # The same text under each document's own intro, header or cover note.
        kind, score = "copy", both * f.identity
    elif small_p >= s.excerpt_min_coverage and large_p <= s.excerpt_max_share:
        kind, score = "excerpt", small_p * max(f.identity, 0.5)
    elif (
        small_c >= s.revision_min_small
        and (small_c >= s.revision_low_share or f.shared_words >= s.revision_low_share_min_words)
        and (large_c >= s.revision_min_large or _long_shared(f, large_c, s))
        and (f.order >= s.revision_min_order or min(small_p, large_p) >= s.revision_moved_min_share)
    ):
        kind, score = "revision", (small_c + large_c) / 2
    elif only_boilerplate:
        kind, score = "boilerplate", small_c
    else:
        kind, score = "quotation", small_c
    return Relation(
        a=f.a,
        b=f.b,
        kind=kind,
        score=round(score, 4),
        shared_words=f.shared_words,
        a_coverage=round(a_cov, 4),
        b_coverage=round(b_cov, 4),
        order=f.order,
        longest=f.longest,
        identity=f.identity,
        earlier=_earlier(f.a_date, f.b_date),
        evidence=evidence,
    )


def classify_all(
    facts: Iterable[PairFacts],
    settings: Settings,
    boilerplate_pairs: set[tuple[int, int]] | None = None,
    recurring_endings: set[tuple[int, int]] | None = None,
) -> list[Relation]:
    """Relations of every aligned pair; ``boilerplate_pairs`` have only boilerplate passages,
    ``recurring_endings`` (None: all) a last shared stretch found in other documents too."""
    only = boilerplate_pairs or set()
    return [
        classify(
            f,
            settings,
            only_boilerplate=(f.a, f.b) in only,
            ending_recurs=recurring_endings is None or (f.a, f.b) in recurring_endings,
        )
        for f in facts
    ]


#: A body paragraph with less than this share of its characters inside shared passages is one
#: the other document does not have (dropped from, or added to, a version).
PARAGRAPH_KEPT_SHARE = 0.2


def unshared_paragraphs(paragraphs: Iterable[tuple[int, int]], shared: Iterable[tuple[int, int]]) -> int:
    """How many of ``paragraphs`` (character spans of body paragraphs) lie almost wholly outside
    the ``shared`` spans: for a revision seen from its earlier side, the paragraphs dropped."""
    spans = sorted(shared)
    count = 0
    for p0, p1 in paragraphs:
        if p1 <= p0:
            continue
        inside = sum(max(0, min(p1, s1) - max(p0, s0)) for s0, s1 in spans if s0 < p1 and s1 > p0)
        if inside < PARAGRAPH_KEPT_SHARE * (p1 - p0):
            count += 1
    return count


def describe(rel: Relation, a_label: str, b_label: str) -> str:
    """One line a user reads: "revision of X, 2018 → 2020, 48 % shared"."""
    share = round(100 * max(rel.a_coverage, rel.b_coverage))
    if rel.earlier == "b":
        a_label, b_label = b_label, a_label
    return f"{rel.kind}: {a_label} ↔ {b_label}, {share} % shared, {rel.shared_words} words in passages"
