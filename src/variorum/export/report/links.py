"""Where pages link to: the same templates serve the static report and the web app.

A static report lives on disk and is opened with ``file://``: every link is a relative file name
(``family-f123.html``). The web app serves the same pages under routes (``/families/f123``). Templates
only ever call a :class:`Links` object, never build URLs themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Links:
    """Link builder for pages; ``static=True`` for the report on disk."""

    static: bool = True

    def corpus(self) -> str:
        return "index.html" if self.static else "/"

    def family(self, family_id: str) -> str:
        return f"family-{quote(family_id)}.html" if self.static else f"/families/{quote(family_id)}"

    def document(self, doc_id: str, anchor: str | None = None) -> str:
        base = f"doc-{quote(doc_id)}.html" if self.static else f"/documents/{quote(doc_id)}"
        return f"{base}#{quote(anchor)}" if anchor else base

    def query(self) -> str | None:
        """The query page exists only in the web app."""
        return None if self.static else "/query"

    def upload(self) -> str | None:
        return None if self.static else "/upload"


STATIC = Links(static=True)
WEB = Links(static=False)
