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

#: Families (and, on the same page, links across families, single documents and skipped inputs)
#: per page of the corpus, and the most a client may ask for. The whole corpus of a 5,000-document
#: index is megabytes of HTML: a page of 50 families is tens of kilobytes.
PER_PAGE = 50
MAX_PER_PAGE = 500
#: The lists of the corpus view that are cut into pages.
PAGED = ("families", "links", "singles", "skipped")


def corpus(
    index: Index,
    settings: Settings,
    page: int = 1,
    per_page: int = PER_PAGE,
    full: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Page ``page`` (from 1) of the corpus view: ``per_page`` items of each of its lists.

    ``page`` says which page this is, how many there are and how long each whole list is. ``full``
    is the whole view when the caller has it already (the app keeps it until the index changes).
    """
    view = full if full is not None else views.corpus_view(index, settings)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    totals = {key: len(view.get(key) or []) for key in PAGED}
    pages = max(1, max(-(-n // per_page) for n in totals.values()))
    page = max(1, min(page, pages))
    start = (page - 1) * per_page
    sliced = {key: (view.get(key) or [])[start : start + per_page] for key in PAGED}
    return {
        **view,
        **sliced,
        "page": {"number": page, "per_page": per_page, "pages": pages, "totals": totals},
    }


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
