"""Pages of the web app: the report's templates, rendered with the web app's links.

Every page, the report's and the app's own (query, upload, error), goes through
:func:`variorum.export.report.render.render_page`, so all share one Jinja2 environment with
autoescape on, one stylesheet and one Content-Security-Policy.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi.responses import HTMLResponse

from variorum.export.report.links import WEB
from variorum.export.report.render import render_page

#: Headers sent with every page: no MIME sniffing, no framing by other sites, and referrers only to
#: this server. ("no-referrer" would make browsers post this server's own forms with "Origin: null",
#: which the same-origin guard must refuse.) Every other response gets them from
#: :class:`variorum.web.guards.Guard`.
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# The policy of the page's <meta> tag, which carries the nonce of this render.
_META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
_NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{16,})'")


def page(template: str, view: dict[str, Any], status: int = 200) -> HTMLResponse:
    """``template`` filled with ``view`` as a response."""
    return page_response(render(template, view), status)


def render(template: str, view: dict[str, Any]) -> str:
    """The HTML of ``template`` filled with ``view``, which :func:`page_response` can send (again)."""
    return render_page(template, view, WEB)


def page_response(html: str, status: int = 200) -> HTMLResponse:
    """A rendered page as a response, with a nonce of its own.

    A page rendered once may be sent many times (the app keeps the pages asked for last until the
    index changes), so the nonce that lets its inline style and script run is replaced here by a
    fresh one for every response. The Content-Security-Policy is sent as a header too (a
    ``<meta>`` policy cannot forbid framing), with ``frame-ancestors 'none'``.
    """
    headers = dict(PAGE_HEADERS)
    found = _META_POLICY.search(html, 0, 4096)
    if found is not None:
        nonce = _NONCE.search(found.group(1))
        if nonce is not None:
            html = html.replace(nonce.group(1), secrets.token_urlsafe(18))
            found = _META_POLICY.search(html, 0, 4096)
        assert found is not None
        headers["Content-Security-Policy"] = f"{found.group(1)}; frame-ancestors 'none'"
    return HTMLResponse(html, status_code=status, headers=headers)
