"""Files and records in: the only code of variorum that reads input files.

Formats: plain text, Markdown, HTML, PDF, DOCX and JSON Lines records (one document per line);
``-`` reads plain text from stdin. Every document comes out as a :class:`~variorum.model.Document`
whose ``text`` is the extracted original (line endings normalised to ``\\n``, mojibake repaired,
typography untouched), the text every later offset indexes.

An input that cannot be read never stops a run: :func:`read_inputs` reports it as a
:class:`~variorum.model.Skip` with a specific reason ("encrypted PDF, cannot extract text",
"binary file, not text", "malformed DOCX: not a zip archive") and goes on. :func:`read_file`
raises the :class:`~variorum.errors.InputError` instead, for callers that handle one file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any, TextIO

from variorum.errors import EmptyDocument, InputError, UnsupportedFormat
from variorum.ingest.build import make_document
from variorum.ingest.dates import document_date, find_dates, normalize_date
from variorum.ingest.decode import BINARY_REASON, decode_bytes, is_binary
from variorum.ingest.formats import TEXT_FORMATS, extract_bytes, extract_str, format_of
from variorum.ingest.jsonl import jsonl_lines, read_jsonl, records
from variorum.ingest.limits import check_file_size, file_limit
from variorum.ingest.sources import STDIN, expand_inputs, read_bytes
from variorum.model import Document, Skip


def read_inputs(
    inputs: Sequence[str],
    *,
    stdin: TextIO | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
    exclude: Collection[str] = (),
) -> Iterator[Document]:
    """Every document named by ``inputs``: files, folders (walked), glob patterns, ``-`` for stdin.

    Paths in ``exclude`` (files or folders, such as the index being written) are never read.

    ``stdin`` is the stream ``-`` reads (``sys.stdin`` by default). Each input that cannot be read
    is passed to ``on_skip`` and the iteration goes on. ``metadata`` applies to every document:
    ``title``, ``source``, ``date`` and ``series`` override what is found in the files (a JSON
    Lines record's own fields override them in turn); other keys go to ``Document.metadata``.
    """

    def report(skip: Skip) -> None:
        if on_skip is not None:
            on_skip(skip)

    for path in expand_inputs(inputs, report, exclude):
        # on_skip may raise (a --strict run stops at the first skip): it is never called inside
        # the try blocks, so its exception propagates as it is.
        if format_of(path) == "jsonl":
            try:
                lines = jsonl_lines(path)
            except InputError as error:
                report(Skip(error.path, error.reason))
                continue
            yield from records(lines, path, on_skip=report, metadata=metadata)
            continue
        try:
            if path == STDIN:
                document = _read_stream(stdin if stdin is not None else sys.stdin, metadata)
            else:
                document = read_file(path, metadata=metadata)
        except InputError as error:
            report(Skip(error.path, error.reason))
            continue
        yield document


def read_file(path: str | os.PathLike[str], *, metadata: Mapping[str, Any] | None = None) -> Document:
    """The document in one file, or the specific :class:`InputError` that says why not.

    A JSON Lines file holds many documents: read it with :func:`read_inputs` or :func:`read_jsonl`.
    """
    name = os.fspath(path)
    fmt = format_of(name)
    if fmt == "jsonl":
        raise UnsupportedFormat(name, "a JSON Lines file holds many documents: read it with read_inputs")
    extracted = extract_bytes(read_bytes(name), name, fmt)
    return make_document(extracted, path=name, given=metadata)


def read_text(text: str, *, path: str = STDIN, fmt: str = "txt", **meta: Any) -> Document:
    """A document from text already in memory (a web upload, a notebook cell).

    ``fmt`` is one of ``txt``, ``md``, ``html``; ``meta`` is as ``metadata`` of :func:`read_inputs`.
    """
    if fmt not in TEXT_FORMATS:
        raise UnsupportedFormat(
            path, f"format {fmt!r} cannot be read from text (use one of {', '.join(TEXT_FORMATS)})"
        )
    return make_document(extract_str(text, path, fmt), path=path, given=meta)


def read_data(
    data: bytes,
    name: str,
    *,
    on_skip: Callable[[Skip], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> list[Document]:
    """The documents in the bytes of one file called ``name`` that is not on disk (a web upload).

    ``name`` only chooses the format (by extension, as for files) and labels the documents and
    errors; nothing is read from or written to the file system. A file that cannot be read raises
    its :class:`InputError`; a JSON Lines file gives one document per good record and passes each
    bad record to ``on_skip``, as :func:`read_jsonl` does. The result is a list, so that every
    error of a plain file is raised here and not later, while the caller iterates.
    """
    if not data:
        raise EmptyDocument(name, "empty file")
    fmt = format_of(name)
    if fmt != "jsonl":
        check_file_size(name, len(data), fmt)
    if fmt == "jsonl":
        text = decode_bytes(data, name)
        if not text.strip():
            raise EmptyDocument(name, "empty after extraction")
        return list(records(text, name, on_skip=on_skip, metadata=metadata))
    return [make_document(extract_bytes(data, name, fmt), path=name, given=metadata)]


def read_stdin(stream: TextIO | None = None, *, metadata: Mapping[str, Any] | None = None) -> Document:
    """The document on standard input (``-``), read as a file is: binary input is refused."""
    return _read_stream(stream if stream is not None else sys.stdin, metadata)


def _read_stream(stream: TextIO, metadata: Mapping[str, Any] | None) -> Document:
    """Stdin read as a file is: its bytes decoded (binary refused), within the same size limit."""
    limit = file_limit("txt")
    try:
        raw = getattr(stream, "buffer", None)
        data: bytes | str = raw.read(limit + 1) if raw is not None else stream.read(limit + 1)
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(STDIN, f"cannot read stdin: {error}") from error
    check_file_size(STDIN, len(data), "txt")
    if isinstance(data, bytes):
        if not data:
            raise EmptyDocument(STDIN, "empty input")
        if is_binary(data):
            raise UnsupportedFormat(STDIN, BINARY_REASON)
        text = decode_bytes(data, STDIN)
    else:
        text = data
    return make_document(extract_str(text, STDIN, "txt"), path=STDIN, given=metadata)


__all__ = [
    "document_date",
    "find_dates",
    "normalize_date",
    "read_data",
    "read_file",
    "read_inputs",
    "read_jsonl",
    "read_stdin",
    "read_text",
]
