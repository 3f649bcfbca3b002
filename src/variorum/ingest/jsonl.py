"""JSON Lines corpora: one document per line, as passim and text-dedup exchange them.

Each line is an object with ``id`` and ``text``; ``series``, ``date``, ``title`` and ``source``
become fields of the Document, every other field is kept in ``Document.metadata``. A record's
fields win over the caller's ``metadata``, which only fills in what a record leaves out. One
bad line is reported (as ``file.jsonl:LINE``) and the rest of the file is still read: a corpus
of a million records should not be lost to one stray comma.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from variorum import config
from variorum.errors import EmptyDocument, InputError, MalformedDocument, TooLarge, UnsupportedFormat
from variorum.ingest.build import make_document
from variorum.ingest.decode import BINARY_REASON, bomless_utf16, decode_bytes
from variorum.ingest.formats import Extracted
from variorum.ingest.sources import read_bytes
from variorum.model import Document, Skip

#: Files up to this size are decoded whole, with every encoding guess of
#: :func:`~variorum.ingest.decode.decode_bytes` (legacy code pages included); larger ones are read
#: line by line in the encoding their first bytes show, so that memory never holds the whole file.
WHOLE_FILE_BYTES = 8 * 2**20
#: Longest line read: a record's text at its limit, with room for JSON escapes and metadata.
MAX_LINE_CHARS = 2 * config.MAX_DOCUMENT_CHARS + 2**20
_SAMPLE = 2**16
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def read_jsonl(
    path: str,
    *,
    on_skip: Callable[[Skip], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Iterator[Document]:
    """The documents of a JSON Lines file, in file order, read line by line.

    A file that cannot be read at all raises its :class:`InputError` at once; a bad line is
    passed to ``on_skip`` as ``Skip("file.jsonl:LINE", reason)`` and reading goes on.
    """
    return records(jsonl_lines(path), path, on_skip=on_skip, metadata=metadata)


def jsonl_lines(path: str) -> Iterator[str]:
    """The lines of a JSON Lines file, decoded; raises the :class:`InputError` of an unreadable
    file at once (not when the first line is asked for).

    A line longer than ``MAX_LINE_CHARS`` is given as ``""`` followed by nothing of it: it is
    reported by :func:`records` with its number, and never held whole in memory.
    """
    try:
        total = os.path.getsize(path)
    except OSError:
        total = 0
    if total <= WHOLE_FILE_BYTES:
        text = decode_bytes(read_bytes(path, limit=WHOLE_FILE_BYTES), path)
        if not text.strip():
            raise EmptyDocument(path, "empty after extraction")
        # Split on "\n" only: str.splitlines() would also split at U+2028 inside a JSON string.
        return iter(text.split("\n"))
    with open(path, "rb") as f:
        sample = f.read(_SAMPLE)
    encoding = stream_encoding(sample, path)
    return _stream_lines(path, encoding)


def stream_encoding(sample: bytes, path: str) -> str:
    """The encoding of a large text file from its first bytes: a byte order mark, the NULs of
    UTF-16, or UTF-8 (a legacy code page cannot be told from a sample, and is refused)."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if sample.startswith(bom):
            return encoding
    if b"\x00" in sample:
        even = sample[: len(sample) // 2 * 2]
        if bomless_utf16(even) is None:
            raise UnsupportedFormat(path, BINARY_REASON)
        odd_nul = even[1::2].count(0) > even[0::2].count(0)
        return "utf-16-le" if odd_nul else "utf-16-be"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:  # not just a character cut by the sample's end
            raise UnsupportedFormat(
                path, f"a JSON Lines file over {WHOLE_FILE_BYTES // 2**20} MiB must be UTF-8 or UTF-16"
            ) from error
    return "utf-8"


def _stream_lines(path: str, encoding: str) -> Iterator[str]:
    with open(path, encoding=encoding, newline="\n") as f:
        try:
            while line := f.readline(MAX_LINE_CHARS):
                if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
                    while (rest := f.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                        pass
                    yield _TOO_LONG
                    continue
                yield line.removesuffix("\n")
        except UnicodeDecodeError as error:
            raise MalformedDocument(path, f"invalid {encoding.upper()} text: {error.reason}") from error


#: Stands for a line over ``MAX_LINE_CHARS`` (a real line never holds a NUL: JSON escapes it).
_TOO_LONG = "\x00too long"


def records(
    lines: str | Iterable[str],
    path: str,
    *,
    on_skip: Callable[[Skip], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Iterator[Document]:
    """The documents of the lines of ``text``; an exception raised by ``on_skip`` propagates.

    A file that turns out unreadable part way (an encoding error in a large file) is reported
    as a skip of the file, after the documents of the lines before it.
    """
    if isinstance(lines, str):
        # Split on "\n" only: str.splitlines() would also split at U+2028 inside a JSON string.
        lines = lines.split("\n")
    numbered = enumerate(lines, start=1)
    while True:
        try:
            number, line = next(numbered)
        except StopIteration:
            return
        except InputError as error:
            if on_skip is not None:
                on_skip(Skip(error.path, error.reason))
            return
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            if line == _TOO_LONG:
                raise TooLarge(where, f"line over {MAX_LINE_CHARS:,} characters")
            document = parse_record(line, where=where, file=path, metadata=metadata)
        except InputError as error:
            if on_skip is not None:
                on_skip(Skip(error.path, error.reason))
            continue
        yield document


def load_json(path: str) -> Any:
    """One JSON document from a file (CollateX witness input), or the :class:`InputError` that
    says why not: unreadable, not UTF-8, invalid, nested too deeply. Lone surrogate escapes
    become U+FFFD, as in records, so that whatever is read can be written as UTF-8 again."""
    data = read_bytes(path, limit=config.MAX_FILE_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MalformedDocument(path, f"not UTF-8 JSON: {error.reason} at byte {error.start}") from error
    if _SURROGATE_ESCAPE.search(text):
        text = _LONE_SURROGATE.sub(r"\\ufffd", text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedDocument(path, f"invalid JSON: {error.msg} (line {error.lineno})") from error
    except RecursionError as error:
        raise MalformedDocument(path, "invalid JSON: nested too deeply") from error


def parse_record(line: str, *, where: str, file: str, metadata: Mapping[str, Any] | None = None) -> Document:
    """One JSON Lines record as a Document; raises :class:`MalformedDocument` naming ``where``."""
    if _SURROGATE_ESCAPE.search(line):
        # A lone surrogate escape decodes to no character and cannot be stored: U+FFFD instead.
        line = _LONE_SURROGATE.sub(r"\\ufffd", line)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise MalformedDocument(where, f"invalid JSON: {error.msg} (column {error.colno})") from error
    except RecursionError as error:
        raise MalformedDocument(where, "invalid JSON: nested too deeply") from error
    if not isinstance(record, dict):
        raise MalformedDocument(where, f"record is a JSON {type(record).__name__}, not an object")
    if "text" not in record:
        raise MalformedDocument(where, 'record has no "text" field')
    text = record.pop("text")
    if not isinstance(text, str):
        raise MalformedDocument(where, f'"text" is a {type(text).__name__}, not a string')
    doc_id = record.pop("id", None)
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int | None):
        raise MalformedDocument(where, f'"id" is a {type(doc_id).__name__}, not a string or a number')
    if isinstance(doc_id, str) and not doc_id.strip():
        doc_id = None
    given = {**(metadata or {}), **record}
    given.setdefault("source", file)
    return make_document(
        Extracted(text, "jsonl"),
        path=where,
        given=given,
        doc_id=None if doc_id is None else str(doc_id),
    )
