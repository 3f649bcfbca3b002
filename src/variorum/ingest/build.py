"""Assemble a :class:`Document` from extracted text and what is known about it.

Every format ends here, so the cleaning of the text, the id, the dates and the title are decided
in one place. Precedence, from strongest to weakest: what the caller states (``metadata`` of
``read_inputs``, the fields of a JSON Lines record), what the format states (an HTML page's
published date, a PDF's or DOCX's title), what is found in the text (the first dated line,
the first line).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from variorum.errors import EmptyDocument
from variorum.ingest.dates import head_dates, normalize_date
from variorum.ingest.decode import clean_text
from variorum.ingest.formats import Extracted
from variorum.ingest.limits import check_text_length
from variorum.model import Document, content_id

EMPTY_REASON = "empty after extraction"
#: A title taken from the first line of the text is cut to this many characters.
TITLE_CHARS = 200
# Markdown marks around a first line: heading #, quote >, list bullets, emphasis * and _.
_TITLE_MARKS = re.compile(r"^(?:[#>*_+\s-]|\d+[.)]\s)+|[*_\s]+$")
_HAS_WORD = re.compile(r"[^\W_]")
#: Metadata keys that become fields of the Document rather than entries of its ``metadata``.
FIELDS = ("title", "source", "date", "series")


def make_document(
    extracted: Extracted,
    *,
    path: str,
    given: Mapping[str, Any] | None = None,
    doc_id: str | None = None,
) -> Document:
    """A Document for ``extracted``; ``doc_id`` None means the content id of the cleaned text.

    Raises :class:`EmptyDocument` when only whitespace is left after extraction.
    """
    check_text_length(path, len(extracted.text))
    text = clean_text(extracted.text)
    if not text.strip():
        raise EmptyDocument(path, EMPTY_REASON)
    given = given or {}
    found = extracted.metadata
    extra: dict[str, Any] = {key: value for key, value in found.items() if key not in FIELDS}
    extra.update((key, value) for key, value in given.items() if key not in FIELDS)

    date = None
    for source in (given, found):
        if source.get("date") is None:
            continue
        date = normalize_date(source["date"])
        if date is not None:
            break
        # An unreadable stated date is kept as written rather than silently lost.
        extra.setdefault("date", source["date"])
    dates, own_date = head_dates(text, own=date is None)
    return Document(
        id=doc_id if doc_id is not None else content_id(text),
        text=text,
        path=path,
        format=extracted.format,
        title=_text_field(given, found, "title") or first_line_title(text),
        source=_text_field(given, found, "source") or path,
        date=date or own_date,
        dates=tuple(dates),
        series=_text_field(given, found, "series"),
        metadata=extra,
    )


def first_line_title(text: str) -> str | None:
    """The first line with a letter or a digit, without Markdown heading, quote, list and emphasis
    marks, cut at a word boundary to at most ``TITLE_CHARS`` characters.

    A rule (``---``, ``***``), a lone ``-`` or a line of punctuation is never a title: extracted
    news pages start with them (one of the seeds begins ``---``, ``**HEADLINE**``, ``-``).
    """
    for line in text.split("\n"):
        line = _TITLE_MARKS.sub("", " ".join(line.split()))
        if not _HAS_WORD.search(line):
            continue
        if len(line) <= TITLE_CHARS:
            return line
        cut = line[: TITLE_CHARS - 1].rsplit(" ", 1)[0]
        return cut + "…"
    return None


def _text_field(given: Mapping[str, Any], found: Mapping[str, Any], key: str) -> str | None:
    for source in (given, found):
        value = source.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None
