"""JSON Lines corpora: one document per line, as passim and text-dedup exchange them.

Each line is an object with ``id`` and ``text``; ``series``, ``date``, ``title`` and ``source``
become fields of the Document, every other field is kept in ``Document.metadata``. A record's
fields win over the caller's ``metadata``, which only fills in what a record leaves out. One
bad line is reported (as ``file.jsonl:LINE``) and the rest of the file is still read: a corpus
of a million records should not be lost to one stray comma.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from variorum.errors import EmptyDocument, InputError, MalformedDocument
from variorum.ingest.build import make_document
from variorum.ingest.decode import decode_bytes
from variorum.ingest.formats import Extracted
from variorum.ingest.sources import read_bytes
from variorum.model import Document, Skip


def read_jsonl(
    path: str,
    *,
    on_skip: Callable[[Skip], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Iterator[Document]:
    """The documents of a JSON Lines file, in file order.

    A file that cannot be read at all raises its :class:`InputError` at once; a bad line is
    passed to ``on_skip`` as ``Skip("file.jsonl:LINE", reason)`` and reading goes on.
    """
    return records(load_jsonl(path), path, on_skip=on_skip, metadata=metadata)


def load_jsonl(path: str) -> str:
    """The decoded text of a JSON Lines file, or the :class:`InputError` that says why not."""
    text = decode_bytes(read_bytes(path), path)
    if not text.strip():
        raise EmptyDocument(path, "empty after extraction")
    return text


def records(
    text: str,
    path: str,
    *,
    on_skip: Callable[[Skip], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Iterator[Document]:
    """The documents of the lines of ``text``; an exception raised by ``on_skip`` propagates."""
    # Split on "\n" only: str.splitlines() would also split at U+2028 inside a JSON string.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            document = parse_record(line, where=where, file=path, metadata=metadata)
        except InputError as error:
            if on_skip is not None:
                on_skip(Skip(error.path, error.reason))
            continue
        yield document


def parse_record(line: str, *, where: str, file: str, metadata: Mapping[str, Any] | None = None) -> Document:
    """One JSON Lines record as a Document; raises :class:`MalformedDocument` naming ``where``."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise MalformedDocument(where, f"invalid JSON: {error.msg} (column {error.colno})") from error
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
