"""The HTML pages: the report's corpus, family and document pages, the query page, uploads.

Forms are parsed here by hand rather than declared as parameters, so that a bad submission
re-shows its form with a message (and the pasted text kept) instead of a bare validation error,
and so that the parser's own limits match the app's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from variorum import pipeline
from variorum.config import QUERY_CHANGES
from variorum.errors import InputError, UnsupportedFormat
from variorum.ingest import read_text
from variorum.model import Document
from variorum.web import highlight, lookup, uploads
from variorum.web.api import PerPage, corpus_page_view
from variorum.web.guards import describe_size, same_origin
from variorum.web.models import MAX_QUERY_CHARS
from variorum.web.render import page, page_response, render
from variorum.web.state import IndexState

router = APIRouter(include_in_schema=False)

#: Most files one upload may carry (the form parser's own default is 1,000).
MAX_FILES = 1000
_FORMATS = ("txt", "md", "html")


def _state(request: Request) -> IndexState:
    return request.app.state.index


def _limit(request: Request) -> int:
    return int(request.app.state.max_upload_bytes)


@router.get("/", response_class=HTMLResponse)
def corpus_page(
    request: Request,
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
    per_page: PerPage = lookup.PER_PAGE,
) -> HTMLResponse:
    """The corpus, one page of each of its lists at a time."""
    state = _state(request)
    with state.read() as index:
        html = state.view(
            index,
            f"html:corpus:{page_number}:{per_page}",
            lambda: render("corpus.html", corpus_page_view(state, index, page_number, per_page)),
        )
    return page_response(html)


@router.get("/families/{family_id:path}", response_class=HTMLResponse)
def family_page(request: Request, family_id: str) -> HTMLResponse:
    state = _state(request)
    with state.read() as index:
        view = state.view(
            index, f"family:{family_id}", lambda: lookup.family(index, state.settings, family_id)
        )
    return page("family.html", view)


@router.get("/documents/{doc_id:path}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> HTMLResponse:
    state = _state(request)
    with state.read() as index:
        html = state.view(
            index,
            f"html:document:{doc_id}",
            lambda: render("document.html", lookup.document(index, state.settings, doc_id)),
        )
    return page_response(html)


# -- query ------------------------------------------------------------------------------------


def _query_view(request: Request, **changes: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "kind": "query",
        "text": "",
        "format": "txt",
        "formats": list(_FORMATS),
        "file_name": None,
        "error": None,
        "result": None,
        "max_chars": MAX_QUERY_CHARS,
        "max_size": describe_size(_limit(request)),
    }
    view.update(changes)
    return view


@router.get("/query", response_class=HTMLResponse)
def query_form(request: Request) -> HTMLResponse:
    return page("query.html", _query_view(request))


@router.post("/query", response_class=HTMLResponse, dependencies=[Depends(same_origin)])
async def query_page(request: Request) -> HTMLResponse:
    """The pasted text (or the chosen file) with recycled stretches linked to their sources."""
    async with request.form(max_files=1, max_fields=8, max_part_size=_limit(request)) as form:
        text = form.get("text")
        text = text if isinstance(text, str) else ""
        fmt = form.get("format")
        fmt = fmt if isinstance(fmt, str) and fmt in _FORMATS else "txt"
        upload = form.get("file")
        data = await upload.read() if isinstance(upload, UploadFile) and upload.filename else None
        name = upload.filename if isinstance(upload, UploadFile) and upload.filename else None
    shown = _query_view(request, text=text, format=fmt, file_name=name)
    try:
        # Extraction (a PDF, a DOCX) and the query are CPU work: off the event loop.
        doc = await run_in_threadpool(_query_document, text, fmt, data, name)
    except InputError as error:
        return page("query.html", {**shown, "error": str(error)}, 400)
    result = await run_in_threadpool(_run_query, _state(request), doc)
    return page("query.html", {**shown, "result": result})


def _query_document(text: str, fmt: str, data: bytes | None, name: str | None) -> Document:
    """The document to look up: the chosen file when there is one, else the pasted text."""
    if data is not None and name is not None:
        name = uploads.clean_name(name, 1)
        docs = uploads.read_data_isolated(data, name)
        if len(docs) != 1:
            raise UnsupportedFormat(name, "holds several documents: query one text at a time")
        return docs[0]
    if not text.strip():
        raise InputError("query", "nothing to look up: paste a text or choose a file")
    if len(text) > MAX_QUERY_CHARS:
        limit = f"{MAX_QUERY_CHARS:,}"
        raise InputError("query", f"the text is longer than {limit} characters: query a part of it")
    return read_text(text, fmt=fmt)


def _run_query(state: IndexState, doc: Document) -> dict[str, Any]:
    """The query result as the page shows it: the text in stretches, the matches, the new parts."""
    with state.read() as index:
        result = pipeline.query(index, doc, state.settings, changes=QUERY_CHANGES)
        anchors = highlight.source_anchors(index, result)
    for number, match in enumerate(result["matches"], start=1):
        match["number"] = number
        for p in match["passages"]:
            p["anchor"] = anchors.get((match["document"]["id"], p["b_start"], p["b_end"]))
    words = sum(s["words"] for s in result["new"])
    return {
        **result,
        "text": doc.text,
        "stretches": highlight.stretches(doc.text, result, anchors),
        "new_words": words,
    }


# -- upload -----------------------------------------------------------------------------------


def _upload_view(request: Request, **changes: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "kind": "upload",
        "error": None,
        "report": None,
        "files": [],
        "max_size": describe_size(_limit(request)),
        "accept": ".txt,.text,.md,.markdown,.html,.htm,.xhtml,.pdf,.docx,.jsonl,.ndjson",
    }
    view.update(changes)
    return view


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request) -> HTMLResponse:
    return page("upload.html", _upload_view(request))


@router.post("/upload", response_class=HTMLResponse, dependencies=[Depends(same_origin)])
async def upload_page(request: Request) -> HTMLResponse:
    """Add the uploaded files to the index; refused whole when none of them can be read."""
    limits = {"max_files": MAX_FILES, "max_fields": MAX_FILES + 8, "max_part_size": _limit(request)}
    async with request.form(**limits) as form:
        files = [
            (item.filename, await item.read())
            for item in form.getlist("files")
            if isinstance(item, UploadFile) and (item.filename or item.size)
        ]
    read = await run_in_threadpool(uploads.read_uploads_isolated, files)
    if not read.documents:
        return page("upload.html", _upload_view(request, error=uploads.refusal(read), files=read.files), 400)
    report = await run_in_threadpool(uploads.add_uploads, _state(request), read)
    return page("upload.html", _upload_view(request, report=report, files=report["files"]))


@router.get("/families", include_in_schema=False)
@router.get("/documents", include_in_schema=False)
def to_corpus() -> RedirectResponse:
    """The lists of families and documents are on the corpus page."""
    return RedirectResponse("/", status_code=307)
