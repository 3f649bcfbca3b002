"""Uploaded files into documents, and documents into the index.

Every file is read before anything is written: when none of them can be read the upload is
refused and the index is left exactly as it was (not even the skips are recorded); when some can,
they are added and the others are reported, and recorded in the index as skipped, as ``variorum
add`` does. A file's name is used only to choose its format and to label it: it is cut to its
last component and never touches the file system. Files are parsed in a separate reader process
whose memory is capped (:func:`read_uploads_isolated`), never in the server itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import re
import resource
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from variorum import pipeline
from variorum.errors import InputError
from variorum.ingest import read_data
from variorum.model import Document, Skip, content_id
from variorum.web.state import IndexState

_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")
#: Longest file name kept, in characters; a name is a label, not a place.
NAME_CHARS = 200


def clean_name(name: str | None, number: int) -> str:
    """The last component of an uploaded file's name, without control characters.

    Browsers send a bare name, but a client may send ``../../etc/passwd`` or ``C:\\x\\y.txt``; the
    name only labels the document, so it is reduced to what a person would call the file.
    """
    base = re.split(r"[/\\]", name or "")[-1]
    base = _UNSAFE.sub("", base).strip()[-NAME_CHARS:]
    return base or f"upload-{number}.txt"


@dataclass
class Upload:
    """What was read from the files of one upload."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    #: per file: ``{"name", "bytes", "documents", "duplicates", "reason"}`` (reason None when read)
    files: list[dict[str, Any]] = field(default_factory=list)
    #: for each document, the index in ``files`` of the file it came from
    owners: list[int] = field(default_factory=list)


def read_uploads(files: list[tuple[str | None, bytes]]) -> Upload:
    """Read every ``(name, data)``; unreadable files and bad JSON Lines records become skips."""
    upload = Upload()
    for number, (raw_name, data) in enumerate(files, start=1):
        name = clean_name(raw_name, number)
        entry: dict[str, Any] = {
            "name": name,
            "bytes": len(data),
            "documents": 0,
            "duplicates": 0,
            "reason": None,
        }
        upload.files.append(entry)
        try:
            docs = read_data(data, name, on_skip=upload.skipped.append)
        except InputError as error:
            upload.skipped.append(Skip(error.path, error.reason))
            entry["reason"] = error.reason
            continue
        entry["documents"] = len(docs)
        upload.documents.extend(docs)
        upload.owners.extend([number - 1] * len(docs))
    return upload


#: Memory a reader process may take (``RLIMIT_DATA``: heap and private mappings), in bytes. The
#: limits of :mod:`variorum.config` already refuse decompression bombs before they expand; this is
#: the backstop for a parser that blows up anyway. A 20 MiB upload (the default request limit) of
#: real PDFs or DOCX files peaks under 600 MiB.
READER_MEMORY = 1536 * 2**20
#: Say why every file of an upload was lost when its reader process died.
DIED_REASON = "the reader process died (out of memory?): file not read"

_executor: ProcessPoolExecutor | None = None
_executor_lock = threading.Lock()


def _limit_memory(limit: int) -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _reader() -> ProcessPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            # forkserver: the server runs threads, which a plain fork would copy mid-flight.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["variorum.ingest"])
            _executor = ProcessPoolExecutor(
                max_workers=2, mp_context=context, initializer=_limit_memory, initargs=(READER_MEMORY,)
            )
        return _executor


def _reset_reader(broken: ProcessPoolExecutor) -> None:
    global _executor
    with _executor_lock:
        if _executor is broken:
            _executor = None
    broken.shutdown(wait=False, cancel_futures=True)


def read_uploads_isolated(files: list[tuple[str | None, bytes]]) -> Upload:
    """:func:`read_uploads` in a reader process whose memory is capped at ``READER_MEMORY``.

    Parsers of PDF, DOCX and HTML run on bytes from anyone who can reach the server: a file that
    makes one blow up takes down the reader process, not the server, and is reported as a skip.
    """
    executor = _reader()
    try:
        return executor.submit(read_uploads, files).result()
    except BrokenProcessPool:
        _reset_reader(executor)
        upload = Upload()
        for number, (raw_name, data) in enumerate(files, start=1):
            name = clean_name(raw_name, number)
            upload.files.append(
                {"name": name, "bytes": len(data), "documents": 0, "duplicates": 0, "reason": DIED_REASON}
            )
            upload.skipped.append(Skip(name, DIED_REASON))
        return upload


def read_data_isolated(data: bytes, name: str) -> list[Document]:
    """:func:`variorum.ingest.read_data` in the capped reader process (the query page's file)."""
    executor = _reader()
    try:
        return executor.submit(read_data, data, name).result()
    except BrokenProcessPool:
        _reset_reader(executor)
        raise InputError(name, DIED_REASON) from None


def refusal(upload: Upload) -> str:
    """The one-line message of an upload none of whose files could be read."""
    if not upload.files:
        return "no file was uploaded: choose one or more files"
    reasons = "; ".join(str(s).removesuffix(" (skipped)") for s in upload.skipped)
    return f"nothing could be read, the index is unchanged: {reasons}"


def add_uploads(state: IndexState, upload: Upload) -> dict[str, Any]:
    """Add what was read to the index under the write lock; the report of ``pipeline.add``.

    The whole upload is one batch, so one transaction: it lands whole or not at all, and readers
    never see its documents before their families are refreshed, except for the moment of the
    refresh itself (:meth:`IndexState.read` waits for it). Worker processes are turned off:
    forking a server process that runs threads is unsafe, and an upload is bounded in size.
    """
    batch = max(1, len(upload.documents))
    settings = dataclasses.replace(state.settings, workers=1, batch_size=batch)
    with state.write() as index:
        known = index.known_contents(content_id(d.text) for d in upload.documents)
        for doc, owner in zip(upload.documents, upload.owners, strict=True):
            if content_id(doc.text) in known:
                upload.files[owner]["duplicates"] += 1
        report = pipeline.add(index, upload.documents, settings, skipped=upload.skipped)
    return {**report.as_dict(), "files": upload.files}
