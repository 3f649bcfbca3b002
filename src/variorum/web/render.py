"""Pages of the web app: the report's templates, rendered with the web app's links.

Every page, the report's and the app's own (query, upload, error), goes through
:func:`variorum.export.report.render.render_page`, so all share one Jinja2 environment with
autoescape on, one stylesheet and one Content-Security-Policy.
"""

from __future__ import annotations

import re
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


def page(template: str, view: dict[str, Any], status: int = 200) -> HTMLResponse:
    """``template`` filled with ``view`` as a response.

    The Content-Security-Policy is sent as a header too (a ``<meta>`` policy cannot forbid
    framing, and applies only once the browser has parsed it), with ``frame-ancestors 'none'``.
    """
    html = render_page(template, view, WEB)
    headers = dict(PAGE_HEADERS)
    found = _META_POLICY.search(html, 0, 4096)
    if found is not None:
        headers["Content-Security-Policy"] = f"{found.group(1)}; frame-ancestors 'none'"
    return HTMLResponse(html, status_code=status, headers=headers)
