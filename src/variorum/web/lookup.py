"""The report's views, looked up by the ids in a URL, shared by a page and its JSON twin.

Ids in URLs are exact: the views also accept a unique prefix (handy on the command line), but a
page must have one address, and a document id given to SQL ``LIKE`` would let ``%`` match
anything. An unknown id is a 404 whose message names the id and not the index file, which is
the server's business.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException

from variorum.config import Settings
from variorum.errors import UsageError
from variorum.export.report import views
from variorum.store.index import Index


def corpus(index: Index, settings: Settings) -> dict[str, Any]:
    return views.corpus_view(index, settings)


def family(index: Index, settings: Settings, family_id: str) -> dict[str, Any]:
    """The family view (which carries its whole collation under ``collation``), or 404."""
    try:
        view = views.family_view(index, settings, family_id)
    except UsageError:
        raise _not_found("family", family_id) from None
    if view.get("id") != family_id:
        raise _not_found("family", family_id)
    return view


def document(index: Index, settings: Settings, doc_id: str) -> dict[str, Any]:
    """The document view, or 404."""
    if not index.has_id(doc_id):
        raise _not_found("document", doc_id)
    return views.document_view(index, settings, doc_id)


def _not_found(kind: str, wanted: str) -> HTTPException:
    shown = wanted if len(wanted) <= 80 else wanted[:79] + "…"
    return HTTPException(404, f"no {kind} {shown!r} in this index")
