"""Where pages link to: the same templates serve the static report and the web app.

A static report lives on disk and is opened with ``file://``: every link is a relative file name
(``family-f123.html``). The web app serves the same pages under routes (``/families/f123``). Templates
only ever call a :class:`Links` object, never build URLs themselves.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def file_stem(item_id: str) -> str:
    """A document or family id as it appears in a report file name.

    Ids are content hashes, but a JSON Lines record may bring its own (``"a/b"``, ``"../x"``):
    such an id is reduced to safe characters plus a short hash of the original, so every page
    is one file in the report folder and two ids never share a file. The report's links and its
    file names both come from here, so they always agree.
    """
    if _PLAIN.fullmatch(item_id) and len(item_id) <= 120:
        return item_id
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", item_id)[:60].strip("._") or "id"
    return f"{safe}-{hashlib.sha1(item_id.encode('utf-8')).hexdigest()[:10]}"


def family_file(family_id: str) -> str:
    """File name of a family page in the static report."""
    return f"family-{file_stem(family_id)}.html"


def document_file(doc_id: str) -> str:
    """File name of a document page in the static report."""
    return f"doc-{file_stem(doc_id)}.html"


@dataclass(frozen=True)
class Links:
    """Link builder for pages; ``static=True`` for the report on disk.

    ``pages``, when given, are the ids of the documents that have a page of their own (a large
    static report writes pages only for documents with something to show, see
    :func:`variorum.export.report.render.write_report`); the others are listed without a link.
    """

    static: bool = True
    pages: frozenset[str] | None = None

    def has_page(self, doc_id: str) -> bool:
        """Whether a link to ``doc_id``'s page leads somewhere."""
        return self.pages is None or doc_id in self.pages

    def corpus(self) -> str:
        return "index.html" if self.static else "/"

    def family(self, family_id: str) -> str:
        return family_file(family_id) if self.static else f"/families/{quote(family_id, safe='')}"

    def document(self, doc_id: str, anchor: str | None = None) -> str:
        base = document_file(doc_id) if self.static else f"/documents/{quote(doc_id, safe='')}"
        return f"{base}#{quote(anchor, safe='')}" if anchor else base

    def query(self) -> str | None:
        """The query page exists only in the web app."""
        return None if self.static else "/query"

    def upload(self) -> str | None:
        return None if self.static else "/upload"


STATIC = Links(static=True)
WEB = Links(static=False)
