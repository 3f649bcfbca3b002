"""Hostile inputs built in code: decompression bombs, deep nesting, huge lines, random bytes.

Shared by the fault tests (``tests/test_hostile_*.py``) and ``benchmarks/bombs.py``, which builds
the full-size versions (``size`` arguments) the tests scale down.
"""

from __future__ import annotations

import json
import random
import struct
import zipfile
import zlib
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(path: Path, size: int) -> Path:
    """A DOCX whose ``word/document.xml`` is ``size`` bytes of XML (mostly spaces): ~1,000:1."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        head = f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>bomb</w:t></w:r></w:p>'.encode()
        tail = b"</w:body></w:document>"
        with archive.open(info, "w", force_zip64=True) as member:
            member.write(head)
            chunk = b" " * (1 << 20)
            left = size - len(head) - len(tail)
            while left > 0:
                member.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            member.write(tail)
    return path


def docx_lying(path: Path, size: int = 32 * 2**20) -> Path:
    """A DOCX bomb whose zip directory states a tiny size for ``word/document.xml``.

    The stated size passes every check on sizes; zipfile must stop expanding at it (and fail the
    CRC) rather than believe the stream.
    """
    docx_bomb(path, size)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    local = data.find(b"PK\x03\x04")
    while local != -1:
        n = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + n] == name:
            struct.pack_into("<I", data, local + 22, 1000)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + n] == name:
            struct.pack_into("<I", data, central + 24, 1000)
            # zip64 extra field: the real sizes live there when the 32-bit ones are 0xFFFFFFFF
            extra_len = struct.unpack_from("<H", data, central + 30)[0]
            extra = central + 46 + n
            end = extra + extra_len
            while extra + 4 <= end:
                tag, length = struct.unpack_from("<HH", data, extra)
                if tag == 1 and length >= 8:
                    struct.pack_into("<Q", data, extra + 4, 1000)
                extra += 4 + length
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


def pdf_bomb(path: Path, size: int) -> Path:
    """A one-page PDF whose content stream is ``size`` bytes (a line of text, then spaces)."""
    raw = b"BT /F1 12 Tf 72 720 Td (Hello bomb) Tj ET\n"
    inflater = zlib.compressobj(9)
    parts = [inflater.compress(raw)]
    chunk = b" " * (1 << 20)
    left = size
    while left > 0:
        parts.append(inflater.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(inflater.flush())
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def deep_html(path: Path, depth: int = 100_000) -> Path:
    """An HTML page of ``depth`` nested ``<div>`` around one sentence."""
    path.write_text(
        "<html><body>" + "<div>" * depth + "Deep text inside." + "</div>" * depth + "</body></html>",
        encoding="utf-8",
    )
    return path


def big_text(path: Path, size: int) -> Path:
    """A plain text file of ``size`` bytes of words (written in 1 MiB blocks)."""
    block = ("The quick brown fox jumps over the lazy dog near the river bank. " * 16 + "\n\n") * 1000
    data = block.encode()
    with path.open("wb") as f:
        left = size
        while left > 0:
            f.write(data[: min(left, len(data))])
            left -= len(data)
    return path


def long_json_line(path: Path, size: int) -> Path:
    """A JSON Lines file: a good record, one record whose text is ``size`` bytes, a good record."""
    good = "A short record that is perfectly fine and has some words in it for the index to keep."
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "before", "text": good + " one"}) + "\n")
        f.write('{"id": "huge", "text": "')
        chunk = "word " * (1 << 18)
        left = size
        while left > 0:
            f.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
        f.write('"}\n')
        f.write(json.dumps({"id": "after", "text": good + " two"}) + "\n")
    return path


def random_bytes(n: int = 65536, seed: int = 3) -> bytes:
    """Bytes that are no text in any encoding (a fixed seed: the same bytes every run)."""
    return random.Random(seed).randbytes(n)
