"""Which format a file is, and the extraction of its raw text.

A format is chosen by extension only, never by content, except for files whose extension
variorum does not know: given by name they are read as plain text unless their bytes are
binary. The text returned here is raw: line endings and mojibake are repaired afterwards, in one
place (:func:`variorum.ingest.decode.clean_text`), whatever the format.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from variorum.errors import InputError, MalformedDocument, UnsupportedFormat, VariorumError
from variorum.ingest.decode import BINARY_REASON, decode_bytes, is_binary

#: Extensions variorum reads, lower case, and the format of each.
EXTENSIONS: Mapping[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
#: Formats whose content can also be given as a string (``read_text``).
TEXT_FORMATS = ("txt", "md", "html")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMAT_NAMES = {"pdf": "PDF", "docx": "DOCX", "html": "HTML", "md": "Markdown", "txt": "text"}


@dataclass(frozen=True)
class Extracted:
    """Raw text of one file and what its format says about it (title, date, page count …)."""

    text: str
    format: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


def format_of(path: str) -> str | None:
    """The format of a path by its extension, or None when variorum does not know the extension."""
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def extract_bytes(data: bytes, path: str, fmt: str | None) -> Extracted:
    """Extract the raw text of a file's bytes; ``fmt`` None means an unknown extension."""
    if fmt is None:
        if data.startswith(_OLE_MAGIC):
            raise UnsupportedFormat(path, "legacy Office file (.doc/.xls/.ppt): save it as .docx")
        if is_binary(data):
            raise UnsupportedFormat(path, BINARY_REASON)
        fmt = "txt"
    if fmt == "pdf":
        from variorum.ingest.pdf_text import extract_pdf

        return _guarded(extract_pdf, data, path, fmt)
    if fmt == "docx":
        from variorum.ingest.docx_text import extract_docx

        return _guarded(extract_docx, data, path, fmt)
    return extract_str(decode_bytes(data, path, html=fmt == "html"), path, fmt)


def extract_str(text: str, path: str, fmt: str) -> Extracted:
    """Extract the raw text of a text format (txt, md, html) already decoded."""
    if fmt == "txt":
        return Extracted(text, fmt)
    if fmt == "md":
        from variorum.ingest.markdown_text import markdown_to_text

        return Extracted(markdown_to_text(text), fmt)
    if fmt == "html":
        from variorum.ingest.html_text import extract_html

        if not text.strip():
            return Extracted("", fmt)
        return _guarded(extract_html, text, path, fmt)
    raise UnsupportedFormat(
        path, f"format {fmt!r} cannot be read from text (use one of {', '.join(TEXT_FORMATS)})"
    )


def _guarded(extract: Any, content: Any, path: str, fmt: str) -> Extracted:
    """Run a third-party parser; its unexpected failure on odd input makes the file malformed.

    One strange file must not stop a run over ten thousand: the failure is reported as a skip
    with the parser's own message instead of propagating.
    """
    try:
        text, metadata = extract(content, path)
    except InputError:
        raise
    except ImportError as error:
        # Not this file's fault: every file of the format would fail the same way. Stop the run.
        raise VariorumError(
            f"{path}: cannot read {_FORMAT_NAMES[fmt]} files: {error} (a dependency of variorum is "
            "missing: reinstall it)"
        ) from error
    except Exception as error:
        raise MalformedDocument(
            path, f"malformed {_FORMAT_NAMES[fmt]}: {type(error).__name__}: {error}"
        ) from error
    return Extracted(text, fmt, metadata)
