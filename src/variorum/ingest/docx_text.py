"""Word (.docx) files to text with python-docx.

Paragraphs and tables are read in document order; each non-empty paragraph, and each table
cell, becomes one blank-line-separated block (UN documents often lay whole paragraphs out in
table cells). Headers, footers and footnotes are not read: they are page furniture, not the
text. A password-protected .docx is not a zip archive but an OLE compound file (the format of
legacy .doc files too), recognised by its first bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from variorum.errors import EncryptedDocument, MalformedDocument
from variorum.ingest.limits import check_zip

ENCRYPTED_REASON = "encrypted or legacy Office file"
NOT_ZIP_REASON = "malformed DOCX: not a zip archive"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extract_docx(data: bytes, path: str) -> tuple[str, dict[str, Any]]:
    """The text of a .docx file and its title (from the document properties) if set."""
    import docx
    from docx.opc.exceptions import OpcError

    if data.startswith(_OLE_MAGIC):
        raise EncryptedDocument(path, ENCRYPTED_REASON)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise MalformedDocument(path, NOT_ZIP_REASON)
    check_zip(data, path)  # before python-docx expands a byte
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise MalformedDocument(path, f"malformed DOCX: {error}") from error
    if "word/document.xml" not in names:
        raise MalformedDocument(path, "malformed DOCX: zip archive without word/document.xml")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(document))
        title = (document.core_properties.title or "").strip()
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise MalformedDocument(path, f"malformed DOCX: {error}") from error
    except Exception as error:  # lxml's XMLSyntaxError and python-docx's internal errors
        raise MalformedDocument(path, f"malformed DOCX: {type(error).__name__}: {error}") from error
    return "\n\n".join(blocks), ({"title": title} if title else {})


def _blocks(container: Any) -> Iterator[str]:
    """Non-empty paragraphs and table cells of a document or cell, in document order."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _table_blocks(item)
        elif item.text.strip():
            yield item.text


def _table_blocks(table: Any) -> Iterator[str]:
    seen: set[Any] = set()  # lxml elements hash by identity; holding them keeps that stable
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _blocks(cell)
