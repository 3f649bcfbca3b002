"""The shapes of the JSON API, as pydantic models, so that ``/openapi.json`` documents every route.

The routes return the pipeline's own plain data (the same JSON as ``variorum query --json`` and
the other commands); these models describe that data for the schema and are checked against it
by the tests, rather than re-serializing each answer through pydantic on every request.
Models of data that other modules own (family and document views) declare the keys the web app
relies on and allow more, so that a key added there is never a schema violation here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Longest text ``POST /api/query`` and the query page accept, in characters (about 150,000
#: words): far beyond any statement, short enough that one request cannot occupy the server.
MAX_QUERY_CHARS = 1_000_000


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorMessage(_Closed):
    """Every refusal: one line naming what was wrong and, where there is one, the fix."""

    detail: str


class Health(_Closed):
    status: Literal["ok"]
    version: str
    documents: int = Field(ge=0)


# -- query ----------------------------------------------------------------------------------


class QueryRequest(_Closed):
    """A text to look up, as pasted; it is not added to the index."""

    text: str = Field(
        min_length=1,
        max_length=MAX_QUERY_CHARS,
        description="The text to look up. Markup is read as plain text unless `format` says otherwise.",
    )
    format: Literal["txt", "md", "html"] = Field(
        "txt", description="How to read `text`: plain text (as `variorum query -`), Markdown or HTML."
    )


class DocumentSummary(_Closed):
    id: str
    path: str | None
    title: str | None
    date: str | None
    languages: list[str]


class MatchedDocument(DocumentSummary):
    family: str | None


class QueryPassage(_Closed):
    """A passage between the query (side a) and an indexed document (side b), by character offsets."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int
    a_words: int
    b_words: int
    identity: float
    boilerplate: bool
    earlier: Literal["a", "b"] | None
    a_text: str
    b_text: str


class MatchCoverage(_Closed):
    query: float
    document: float


class Quote(_Closed):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Change(_Closed):
    """One difference between the query and a match (:mod:`variorum.changes`)."""

    kind: Literal["figure", "date", "name", "citation", "wording"]
    change: Literal["changed", "moved", "query_only", "match_only"]
    query: Quote | None
    match: Quote | None


class Match(_Closed):
    document: MatchedDocument
    passages: list[QueryPassage]
    coverage: MatchCoverage
    shared_words: int
    first_seen: bool = Field(description="The earliest dated match: where the text was first seen.")
    changes: list[Change] | None = Field(
        description="Figures, dates, names and wording that differ, with offsets in both texts; "
        "null where not worked out (matches after the first ten)."
    )


class NewStretch(_Closed):
    start: int
    end: int
    words: int
    text: str


class QueryResult(_Closed):
    """What ``variorum query --json`` prints: matches (earliest first), new stretches, coverage."""

    query: DocumentSummary
    matches: list[Match]
    new: list[NewStretch]
    coverage: float = Field(ge=0, le=1)


# -- collation (variorum.export.collation_json, format version 1) ----------------------------


class CollationWitness(_Open):
    id: str
    path: str | None
    date: str | None
    label: str | None
    tokens: int


class CollationMove(_Open):
    from_: str = Field(alias="from")
    to: str
    source: list[int]
    target: list[int]
    level: str
    size: int
    distance: int


class CollationVariant(_Open):
    kind: str
    subtype: str | None
    substantive: bool
    wrapper: bool
    columns: list[int]
    readings: dict[str, str]
    spans: dict[str, list[int] | None]
    move: CollationMove | None


class CollationClaim(_Open):
    kind: str
    readings: dict[str, str]
    values: dict[str, str | None]
    change: str
    column: int


class StemmaEdge(_Open):
    parent: str
    child: str
    evidence: list[str]
    confidence: float


class Stemma(_Open):
    root: str | None
    lost: list[str]
    edges: list[StemmaEdge]


class CollationTable(_Open):
    witnesses: list[str]
    columns: list[list[int | None]]


class Collation(_Open):
    format: Literal["variorum-collation"]
    version: int
    witnesses: list[CollationWitness]
    variants: list[CollationVariant]
    moves: list[CollationMove]
    claims: list[CollationClaim]
    stemma: Stemma
    table: CollationTable


# -- the pages' views (variorum.export.report.views, view version 1) -------------------------


class CorpusCounts(_Open):
    documents: int
    families: int
    passages: int


class CorpusDocument(_Open):
    id: str
    label: str
    path: str | None
    date: str | None
    languages: list[str]
    words: int


class CorpusFamily(_Open):
    id: str
    lede: str
    documents: list[CorpusDocument]


class SkippedInput(_Open):
    path: str
    reason: str


class PageTotals(_Open):
    families: int
    links: int
    singles: int
    skipped: int


class Page(_Open):
    """Which page of a list this is: ``number`` (from 1) of ``pages``, ``per_page`` items of each
    list, and the length of each whole list."""

    number: int
    per_page: int
    pages: int
    totals: PageTotals


class Corpus(_Open):
    """One page of the corpus page's view: counts, families of versions, single documents,
    cross-family links and skipped inputs (``per_page`` of each list; ``page`` says which)."""

    kind: Literal["corpus"]
    version: int
    counts: CorpusCounts
    families: list[CorpusFamily]
    singles: list[CorpusDocument]
    links: list[dict[str, Any]]
    skipped: list[SkippedInput]
    page: Page


class FamilyWitness(_Open):
    id: str
    siglum: str
    date: str | None
    label: str | None
    path: str | None


class FamilyPage(_Open):
    """A family page's view; ``collation`` is the whole ``variorum collate --json`` export."""

    kind: Literal["family"]
    version: int
    id: str
    witnesses: list[FamilyWitness]
    variants: list[dict[str, Any]]
    collation: Collation


class DocumentPassage(_Open):
    id: int
    start: int
    end: int
    other: str
    words: int
    identity: float
    boilerplate: bool


class DocumentRelation(_Open):
    """How this document is related to another: copy, revision, excerpt, translation,
    quotation or boilerplate, with a one-line summary."""

    id: str
    label: str
    date: str | None
    kind: Literal["copy", "revision", "excerpt", "translation", "quotation", "boilerplate"]
    score: float
    shared: float
    summary: str
    version: bool
    # For a translation: rows of paragraphs read side by side ({"a": pieces | None, "b": ...}),
    # each piece {"text", "drift"}, drift marking a figure that differs between the languages.
    side_by_side: list[dict[str, Any]] | None = None


class DocumentPage(_Open):
    """A document page's view: metadata, the passages it shares, its text cut into marked pieces."""

    kind: Literal["document"]
    version: int
    id: str
    label: str
    meta: dict[str, Any]
    family: str | None
    passages: list[DocumentPassage]
    relations: list[DocumentRelation]
    blocks: list[dict[str, Any]]
