"""Bounds on what one input may cost, checked before or while it is expanded.

Every input is untrusted. A 1 MB DOCX may hold a gigabyte of XML, an HTML page may nest a
hundred thousand elements, a text file may be larger than memory; each is refused here with a
reason that names the limit (the limits and the real data behind them are in
:mod:`variorum.config`), before the parser that would blow up sees it. The reason ends up in the
file's skip, like every other unreadable input.
"""

from __future__ import annotations

import contextlib
import io
import re
import zlib

from variorum import config
from variorum.errors import MalformedDocument, TooLarge

#: Bytes per character at most in any encoding we decode (UTF-32): a text file larger than this
#: many times the character limit is refused by its size, before it is read or decoded.
_MAX_BYTES_PER_CHAR = 4


def size(n: float) -> str:
    """``64 MiB``: a byte count as people read it."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= factor:
            return f"{n / factor:.0f} {unit}"
    return f"{int(n)} bytes"


def file_limit(fmt: str | None) -> int:
    """The largest file of format ``fmt`` read at all (JSON Lines files are streamed)."""
    if fmt in (None, "txt", "md"):
        return min(config.MAX_FILE_BYTES, _MAX_BYTES_PER_CHAR * config.MAX_DOCUMENT_CHARS)
    if fmt == "html":
        return min(config.MAX_FILE_BYTES, config.MAX_HTML_BYTES)
    return config.MAX_FILE_BYTES


def check_file_size(path: str, n: int, fmt: str | None) -> None:
    limit = file_limit(fmt)
    if n > limit:
        raise TooLarge(
            path, f"file of {size(n)} is over the {size(limit)} limit of one input (split it into parts)"
        )


def check_text_length(path: str, n: int) -> None:
    """Refuse a document text over ``MAX_DOCUMENT_CHARS``; a cut text would hide its passages."""
    if n > config.MAX_DOCUMENT_CHARS:
        raise TooLarge(
            path,
            f"text of {n:,} characters is over the {config.MAX_DOCUMENT_CHARS:,}-character limit of one "
            "document (split it into parts)",
        )


def check_zip(data: bytes, path: str) -> None:
    """Refuse a zip (DOCX) whose XML would expand beyond ``MAX_DOCX_XML_BYTES`` or whose members
    expand more than ``MAX_ZIP_RATIO`` times.

    The sizes are those of the zip's central directory. They cannot lie in our favour: zipfile
    stops expanding a member at its stated size and fails its CRC, so what python-docx parses is
    never more than what was checked here.
    """
    import zipfile  # here: only .docx files are zips

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise MalformedDocument(path, f"malformed DOCX: {error}") from error
    xml = 0
    for info in infos:
        if info.file_size > 2**20 and info.file_size > config.MAX_ZIP_RATIO * max(1, info.compress_size):
            ratio = info.file_size // max(1, info.compress_size)
            raise TooLarge(
                path,
                f"zip member {info.filename!r} expands {ratio:,} times ({size(info.file_size)}), over the "
                f"limit of {config.MAX_ZIP_RATIO} (a zip bomb?)",
            )
        if info.filename.lower().endswith((".xml", ".rels")):
            xml += info.file_size
    if xml > config.MAX_DOCX_XML_BYTES:
        raise TooLarge(
            path, f"DOCX of {size(xml)} of XML is over the {size(config.MAX_DOCX_XML_BYTES)} limit"
        )


_STREAM = re.compile(rb"stream\r?\n")
_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")


def check_pdf_streams(data: bytes, path: str) -> None:
    """Refuse a PDF whose Flate streams (images aside) expand beyond ``MAX_PDF_EXPANDED`` in all,
    or a large one more than ``MAX_ZIP_RATIO`` times: a flate bomb, which PDFium would expand
    whole in memory while extracting the text.

    Each stream is expanded here 64 KiB at a time and thrown away, so the check itself holds
    almost nothing. Streams with other filters (LZW, a filter chain) are not checked; PDFium
    bounds the nesting of objects itself (64 levels).
    """
    total = 0
    limit = config.MAX_PDF_EXPANDED
    for found in _STREAM.finditer(data):
        start = found.end()
        if data[found.start() - 3 : found.start()] == b"end":
            continue
        head = data[max(0, found.start() - 4096) : found.start()]
        objects = list(_OBJ.finditer(head))
        header = head[objects[-1].end() :] if objects else head
        if b"/FlateDecode" not in header or b"/Image" in header:
            continue
        expanded, used = _inflated_size(data, start, limit - total)
        total += expanded
        if total > limit:
            raise TooLarge(path, f"PDF streams expand beyond the {size(limit)} limit (a flate bomb?)")
        if expanded > 2**20 and expanded > config.MAX_ZIP_RATIO * max(1, used):
            raise TooLarge(
                path,
                f"a PDF stream expands {expanded // max(1, used):,} times, over the limit of "
                f"{config.MAX_ZIP_RATIO} (a flate bomb?)",
            )


def _inflated_size(data: bytes, start: int, budget: int) -> tuple[int, int]:
    """Bytes a zlib stream at ``data[start:]`` expands to (stopping once over ``budget`` or once
    its ratio is clearly a bomb), and the compressed bytes read."""
    inflater = zlib.decompressobj()
    out = used = 0
    step = 1 << 16
    at = start
    try:
        while not inflater.eof and at < len(data):
            chunk = data[at : at + step]
            at += len(chunk)
            used += len(chunk)
            piece = inflater.decompress(chunk, step)
            out += len(piece)
            while inflater.unconsumed_tail and not inflater.eof:
                piece = inflater.decompress(inflater.unconsumed_tail, step)
                out += len(piece)
                if out > budget or (out > 2**20 and out > config.MAX_ZIP_RATIO * used):
                    return out, used
            if out > budget:
                break
    except zlib.error:
        pass  # encrypted, or not what its dictionary says: PDFium will judge it
    return out, used - len(inflater.unused_data)


def check_html_depth(source: str, path: str) -> None:
    """Refuse a page nesting elements deeper than ``MAX_HTML_DEPTH``, counted while it is parsed.

    Parsers and the main-text extractor walk the tree recursively; a page of 100,000 nested
    ``<div>`` would exhaust the stack or the memory long after it was read. The count runs on a
    streaming parse that keeps no tree.
    """
    import lxml.etree

    limit = config.MAX_HTML_DEPTH
    parser = lxml.etree.HTMLPullParser(events=("start", "end"))
    depth = 0
    step = 1 << 16
    for at in range(0, len(source), step):
        parser.feed(source[at : at + step])
        for event, element in parser.read_events():
            if event == "start":
                depth += 1
                if depth > limit:
                    raise TooLarge(path, f"HTML nests elements over {limit} deep (malformed or hostile)")
            else:
                depth -= 1
                element.clear(keep_tail=False)
    with contextlib.suppress(lxml.etree.XMLSyntaxError):
        parser.close()


__all__ = [
    "check_file_size",
    "check_html_depth",
    "check_pdf_streams",
    "check_text_length",
    "check_zip",
    "file_limit",
]
