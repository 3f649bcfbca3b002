"""Pages of the web app: the report's templates, rendered with the web app's links.

Every page, the report's and the app's own (query, upload, error), goes through
:func:`variorum.export.report.render.render_page`, so all share one Jinja2 environment with
autoescape on, one stylesheet and one Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse

from variorum.export.report.links import WEB
from variorum.export.report.render import render_page

#: Headers sent with every page: no MIME sniffing, no framing by other sites, and referrers only to
#: this server. ("no-referrer" would make browsers post this server's own forms with "Origin: null",
#: which the same-origin guard must refuse.)
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def page(template: str, view: dict[str, Any], status: int = 200) -> HTMLResponse:
    """``template`` filled with ``view`` as a response."""
    return HTMLResponse(render_page(template, view, WEB), status_code=status, headers=PAGE_HEADERS)
