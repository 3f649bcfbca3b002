"""The local web app (``variorum serve``): the report's pages served live, a query page, uploads.

Needs the ``web`` extra (FastAPI, uvicorn, python-multipart): ``pip install 'variorum[web]'``.
"""

from __future__ import annotations

import importlib.util

# Forms are parsed by hand (not declared as FastAPI parameters), so nothing else would notice a
# missing form parser before the first upload.
_MISSING = [
    name
    for name, modules in (("fastapi", ["fastapi"]), ("python-multipart", ["python_multipart", "multipart"]))
    if not any(importlib.util.find_spec(m) for m in modules)
]
if _MISSING:  # pragma: no cover - depends on the installation
    raise ImportError(f"variorum's web app needs {' and '.join(_MISSING)}: pip install 'variorum[web]'")

from variorum.web.app import MAX_UPLOAD_BYTES, create_app, serve  # noqa: E402

__all__ = ["MAX_UPLOAD_BYTES", "create_app", "serve"]
