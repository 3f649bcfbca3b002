"""The JSON twin of every page, and the query endpoint.

Answers are the pipeline's and the report views' own plain data, sent as JSON as they are (the
models in :mod:`variorum.web.models` document them in ``/openapi.json``): ``POST /api/query``
gives exactly what ``variorum query --json`` prints for the same text.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

import variorum
from variorum import pipeline
from variorum.config import QUERY_CHANGES
from variorum.ingest import read_text
from variorum.store.index import Index
from variorum.web import lookup, models
from variorum.web.guards import same_origin
from variorum.web.state import IndexState

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": models.ErrorMessage, "description": "The text cannot be read (the message says why)."},
    413: {"model": models.ErrorMessage, "description": "The request body is over the server's limit."},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": models.ErrorMessage, "description": "No such id in the index."},
}


def _state(request: Request) -> IndexState:
    return request.app.state.index


def _json(data: Any) -> JSONResponse:
    return JSONResponse(data)


@router.get("/healthz", response_model=models.Health, tags=["meta"])
async def healthz(request: Request) -> JSONResponse:
    """Liveness and readiness: the index can be read, and how many documents it holds.

    Answered on the event loop with a connection of its own (one indexed count, under a
    millisecond), so that it answers at once while the worker threads are busy with pages.
    """
    documents = _state(request).health()
    return _json({"status": "ok", "version": variorum.__version__, "documents": documents})


PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="Which page, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=lookup.MAX_PER_PAGE, description="Items of each list per page.")]


@router.get("/api/families", response_model=models.Corpus, tags=["pages"])
def corpus(request: Request, page: PageNumber = 1, per_page: PerPage = lookup.PER_PAGE) -> JSONResponse:
    """The corpus page as data, one page at a time: the families of versions, the links across
    families, the single documents and the skipped inputs (``page`` says how many pages)."""
    state = _state(request)
    with state.read() as index:
        return _json(corpus_page_view(state, index, page, per_page))


def corpus_page_view(state: IndexState, index: Index, page: int, per_page: int) -> dict[str, Any]:
    """One page of the corpus view, the whole view computed once per change of the index."""
    full = state.view(index, "corpus", lambda: lookup.views.corpus_view(index, state.settings))
    return lookup.corpus(index, state.settings, page, per_page, full=full)


@router.get(
    "/api/families/{family_id:path}", response_model=models.FamilyPage, responses=_NOT_FOUND, tags=["pages"]
)
def family(request: Request, family_id: str) -> JSONResponse:
    """A family page as data, with its collation (format ``variorum-collation``)."""
    state = _state(request)
    with state.read() as index:
        return _json(
            state.view(index, f"family:{family_id}", lambda: lookup.family(index, state.settings, family_id))
        )


@router.get(
    "/api/documents/{doc_id:path}", response_model=models.DocumentPage, responses=_NOT_FOUND, tags=["pages"]
)
def document(request: Request, doc_id: str) -> JSONResponse:
    """A document page as data: its text, metadata and the passages it shares."""
    state = _state(request)
    with state.read() as index:
        return _json(
            state.view(index, f"document:{doc_id}", lambda: lookup.document(index, state.settings, doc_id))
        )


@router.post(
    "/api/query",
    response_model=models.QueryResult,
    responses=_ERRORS,
    tags=["query"],
    dependencies=[Depends(same_origin)],
)
async def query(request: Request, body: models.QueryRequest) -> JSONResponse:
    """Where this text appeared before; the text is not added. Same JSON as ``variorum query --json``."""
    return _json(await run_in_threadpool(run_query, _state(request), body.text, body.format))


def run_query(state: IndexState, text: str, fmt: str = "txt") -> dict[str, Any]:
    """``pipeline.query`` of a pasted text, read as ``variorum query -`` reads stdin.

    Raises :class:`~variorum.errors.InputError` when nothing is left of the text after extraction.
    """
    doc = read_text(text, fmt=fmt)
    with state.read() as index:
        return pipeline.query(index, doc, state.settings, changes=QUERY_CHANGES)


__all__ = ["router", "run_query"]
