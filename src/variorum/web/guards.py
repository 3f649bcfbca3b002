"""What every request must pass: a ceiling on its body, and same-origin form posts.

Uploads are parsed into memory and temporary files by the form parser, so an oversized body must
be refused before it is read: by its declared ``Content-Length`` at once, and by counting the
bytes of a body sent without one (chunked). The refusal is an ``HTTPException`` (413) so that the
app's error handlers render it as a page or as JSON, like every other error.
"""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def describe_size(n: int) -> str:
    """``20 MiB (20,971,520 bytes)``: a size as people read it, with the exact figure."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= factor:
            amount = n / factor
            shown = f"{amount:.0f}" if amount == int(amount) else f"{amount:.1f}"
            return f"{shown} {unit} ({n:,} bytes)"
    return f"{n:,} bytes"


def too_large(limit: int) -> HTTPException:
    return HTTPException(
        413,
        f"request too large: uploads are limited to {describe_size(limit)} per request "
        "(split the files over several uploads, or start the server with a higher limit)",
    )


class BodyLimit:
    """ASGI middleware refusing HTTP request bodies longer than ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            # Refuse before the handler reads a byte: raised from the first receive, it reaches
            # the handler's error path as any other HTTPException would.
            async def refuse() -> Message:
                raise too_large(self.limit)

            await self.app(scope, refuse, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise too_large(self.limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def same_origin(request: Request) -> None:
    """Refuse a write sent from a page of another site (a dependency of every POST route).

    A page on any web site can make the user's browser post a form to ``127.0.0.1``, which would
    add documents to the local index. Browsers send ``Origin`` with every cross-site POST, and it
    must name this server; clients that are not browsers (curl, scripts, the tests) send none and
    act for the user directly, so they pass.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")
    if origin.split("://", 1)[-1] != host:
        raise HTTPException(403, "cross-site request refused: submit the form from this server's own pages")
