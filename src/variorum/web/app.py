"""The local web app: the report's pages served live from one index, a query page, uploads.

Like datasette, it is local first (127.0.0.1 unless told otherwise), every HTML page has a JSON
twin under ``/api/``, and SQLite is read by many connections and written by one
(:mod:`variorum.web.state`). The index path is fixed here, at startup: no request names a file,
and no file outside the index is ever served (pages inline their styles and scripts, so there is
no static route at all).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

import variorum
from variorum.config import Settings, from_env
from variorum.errors import IndexError_, InputError, UsageError, VariorumError
from variorum.web import api, pages
from variorum.web.guards import LOCAL_HOSTS, BodyLimit, Guard
from variorum.web.render import page
from variorum.web.state import IndexState

#: Requests worked on at once by threads (pages, queries, uploads); the others queue, holding no
#: thread. Two cores and one GIL: more threads than this only share the same CPU more thinly.
PAGE_THREADS = 4
#: Default ceiling on a request body (all files of one upload together).
MAX_UPLOAD_BYTES = 20 * 2**20


def create_app(
    db_path: str | Path,
    settings: Settings | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    allowed_hosts: Iterable[str] = (),
) -> FastAPI:
    """The app serving the index at ``db_path`` (created empty if missing, so uploads can fill it).

    It answers only requests whose ``Host`` is a loopback name (127.0.0.1, localhost, ::1) or one
    of ``allowed_hosts`` (:class:`~variorum.web.guards.Guard`).

    ``settings`` default to those of the CLI (defaults overridden by ``VARIORUM_*`` variables), so
    that ``POST /api/query`` answers as ``variorum query --json`` does in the same environment.
    Raises :class:`~variorum.errors.IndexError_` at once for a file that is not a usable index.
    """
    state = IndexState(db_path, settings if settings is not None else from_env(Settings()))
    state.prepare()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Pages are CPU work under one GIL: forty threads at once only make each other (and the
        # event loop, which answers /healthz) wait for it. A few at a time keep latency flat.
        anyio.to_thread.current_default_thread_limiter().total_tokens = PAGE_THREADS
        yield
        state.close()

    app = FastAPI(
        title="variorum",
        version=variorum.__version__,
        summary="Where has this text been published before, and what changed?",
        description=(
            "The JSON twins of the pages of a variorum index (families of versions, documents, "
            "shared passages) and the query of a new text against it. The HTML pages are at the "
            "same paths without `/api`."
        ),
        lifespan=lifespan,
        # The interactive docs load their scripts from a CDN: a local-first app serves only the
        # schema, which works offline.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.index = state
    app.state.max_upload_bytes = max_upload_bytes
    app.include_router(api.router)
    app.include_router(pages.router)
    _install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=max_upload_bytes)
    app.add_middleware(Guard, allowed={*LOCAL_HOSTS, *allowed_hosts})  # outermost: runs first
    return app


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in {"/healthz", "/openapi.json"}


def _error(request: Request, status: int, message: str) -> Response:
    """One refusal, as JSON on API routes and as a page elsewhere; never a traceback."""
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    title = {
        400: "Cannot read this input",
        403: "Refused",
        404: "Not found",
        405: "Method not allowed",
        413: "Too large",
    }.get(status, "Error")
    return page("error.html", {"kind": "error", "status": status, "title": title, "message": message}, status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        response = _error(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            # FastAPI's own answer echoes the input, which may be megabytes, or hold a lone
            # surrogate ("\ud800") that cannot be encoded: the error would become a 500.
            errors = [{k: v for k, v in e.items() if k not in {"input", "ctx"}} for e in exc.errors()]
            return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)
        return _error(request, 400, "the request is not what this page expects")

    @app.exception_handler(InputError)
    async def unreadable(request: Request, exc: InputError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(UsageError)
    async def unknown(request: Request, exc: UsageError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(IndexError_)
    async def unusable(request: Request, exc: IndexError_) -> Response:
        return _error(request, 503, str(exc))

    @app.exception_handler(VariorumError)
    async def refused(request: Request, exc: VariorumError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # The server logs the traceback (the exception is raised on after this response).
        return _error(request, 500, "internal error: the server log has the details")


def serve(
    db: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: Settings | None = None,
    allow_hosts: Sequence[str] = (),
) -> None:
    """Serve the index at ``db`` until interrupted; logs the address it listens on.

    Bound to 127.0.0.1 unless ``host`` says otherwise: the app has no authentication, and anyone
    who can reach it can read every document and add new ones. Requests must name the server by
    a loopback name, by ``host``, or by one of ``allow_hosts`` (the names under which it is
    reached from elsewhere).
    """
    import uvicorn

    app = create_app(db, settings, allowed_hosts=[host, *allow_hosts])
    app.state.index.warm_up()
    # Handshake and keep-alive bounds keep 50 clients from holding every connection slot.
    config = uvicorn.Config(app, host=host, port=port, log_level="info", backlog=2048)
    server = uvicorn.Server(config)
    # uvicorn's logger is the one its configuration shows; the app's own would stay silent.
    log = logging.getLogger("uvicorn.error")
    shown = f"[{host}]" if ":" in host else host
    log.info("variorum: serving %s at http://%s:%d/", db, shown, port)
    if host not in {"127.0.0.1", "localhost", "::1"}:
        log.warning(
            "variorum: reachable beyond this machine; anyone who can reach it can read and add documents"
        )
    server.run()


__all__ = ["MAX_UPLOAD_BYTES", "create_app", "serve"]
