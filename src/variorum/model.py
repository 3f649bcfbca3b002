"""The data that flows between the stages: frozen dataclasses, nothing else.

Every character offset in these types indexes ``Document.text``, the extracted original text
(``variorum text FILE`` prints it), so that a passage can always be quoted exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import xxhash

Role = Literal["body", "wrapper"]
Side = Literal["a", "b"]


def content_id(text: str) -> str:
    """A stable document id derived from the extracted text.

    xxh3-128 of the UTF-8 bytes, so the same content read twice (or on another machine) is the
    same document; Python's ``hash()`` is salted per process and must never be used for ids.
    """
    return "d" + xxhash.xxh3_128_hexdigest(text.encode("utf-8"))[:16]


@dataclass(frozen=True)
class Document:
    """One ingested document: its original text and what is known about it."""

    id: str
    text: str
    path: str | None = None
    format: str = "txt"
    title: str | None = None
    source: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD); the document's own date
    dates: tuple[str, ...] = ()  # every date found in the head of the text, in order
    series: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skip:
    """An input that could not be read, with the reason, for the end-of-run report."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason} (skipped)"


@dataclass(frozen=True)
class Segment:
    """A paragraph of a document, with its language and its role.

    ``role`` is ``"wrapper"`` for text that frames a republished statement rather than
    belonging to it: cover letters, notes verbales, document headers and footers, source lines.
    """

    start: int
    end: int
    language: str | None
    role: Role
    # Sentence spans, filled only by ``segment(text, sentences=True)`` (the index leaves them
    # out; indexes built before schema 2 hold them).
    sentences: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Passage:
    """A stretch of text shared by two documents, quoted from both originals."""

    a_doc: str
    b_doc: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_words: int
    b_words: int
    identity: float  # 1 - normalized token edit distance between the two sides
    a_text: str
    b_text: str
    boilerplate: bool = False
    earlier: Side | None = None  # which side is dated earlier, where both dates are known

    @property
    def words(self) -> int:
        """The passage length reported to users: the shorter side, so it is never overstated."""
        return min(self.a_words, self.b_words)

    def swapped(self) -> Passage:
        """The same passage seen from the other document."""
        return Passage(
            a_doc=self.b_doc,
            b_doc=self.a_doc,
            a_start=self.b_start,
            a_end=self.b_end,
            b_start=self.a_start,
            b_end=self.a_end,
            a_words=self.b_words,
            b_words=self.a_words,
            identity=self.identity,
            a_text=self.b_text,
            b_text=self.a_text,
            boilerplate=self.boilerplate,
            earlier={"a": "b", "b": "a"}.get(self.earlier) if self.earlier else None,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Family:
    """Documents that are versions of the same text."""

    id: str
    documents: tuple[str, ...]
