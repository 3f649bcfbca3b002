"""What every request must pass: its Host, a ceiling on its body, and same-origin form posts; and
the security headers every response carries.

Uploads are parsed into memory and temporary files by the form parser, so an oversized body must
be refused before it is read: by its declared ``Content-Length`` at once, and by counting the
bytes of a body sent without one (chunked). The refusal is an ``HTTPException`` (413) so that the
app's error handlers render it as a page or as JSON, like every other error.
"""

from __future__ import annotations

from urllib.parse import urlsplit

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
    add documents to the local index. Browsers send ``Origin`` with every cross-site POST, and its
    scheme, host and port must be this server's; clients that are not browsers (curl, scripts,
    the tests) send none and act for the user directly, so they pass. (The ``Host`` itself was
    checked against the allow-list by :class:`Guard`.)
    """
    origin = request.headers.get("origin")
    if origin is None:
        return
    scheme = request.url.scheme
    host = request.headers.get("host", "")
    if _origin_key(origin) != _origin_key(f"{scheme}://{host}"):
        raise HTTPException(403, "cross-site request refused: submit the form from this server's own pages")


def _origin_key(origin: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an origin, the port made explicit; None when unreadable."""
    try:
        url = urlsplit(origin.strip())
        port = url.port
    except ValueError:
        return None
    if url.scheme not in {"http", "https"} or not url.hostname:
        return None
    return url.scheme, url.hostname.lower(), port or (443 if url.scheme == "https" else 80)


#: Names a browser on this machine uses for a server bound to loopback. A page served by any other
#: name (``evil.example`` resolving to 127.0.0.1: DNS rebinding) must not reach the index.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

#: Security headers of every response (pages set their own Content-Security-Policy, with the nonce
#: of their inline script and style; every other response, JSON included, gets the strictest one).
#: "no-referrer" would make browsers post this server's own forms with "Origin: null", which the
#: same-origin guard must refuse, hence "same-origin".
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
)


def host_name(value: str) -> str:
    """The host of a ``Host`` header or URL authority, without port, brackets or case:
    ``[::1]:8000`` -> ``::1``, ``LocalHost:80`` -> ``localhost``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


class Guard:
    """ASGI middleware: a ``Host`` allow-list, ``HEAD`` for every ``GET`` route, security headers.

    * A request whose ``Host`` is not one of ``allowed`` (loopback names, the name the server is
      bound to, and what ``--allow-host`` adds) is refused with 421 before any route runs: a
      page on another site that made its name resolve to 127.0.0.1 gets nothing.
    * ``HEAD`` is answered as ``GET`` without the body (FastAPI routes declare GET only).
    * Every response, error pages and JSON included, carries :data:`SECURITY_HEADERS` (a
      response's own ``Content-Security-Policy`` wins: pages allow their nonce).
    """

    def __init__(self, app: ASGIApp, allowed: set[str]) -> None:
        self.app = app
        self.allowed = {host_name(h) for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        host = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
        if host_name(host) not in self.allowed:
            body = b'{"detail":"host not allowed: this server answers only to its own names"}'
            await secured(
                {
                    "type": "http.response.start",
                    "status": 421,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", b"%d" % len(body)),
                    ],
                }
            )
            await secured({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, secured)
