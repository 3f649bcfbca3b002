"""JSON Lines records read by byte offset, so that a file larger than memory can be revisited.

:mod:`variorum.ingest.jsonl` reads a whole file into memory to make Documents; deduplication
must not, so it reads lines itself, keeps only where each record starts, and reads a record
again by seeking when it has to be compared. The conventions are ingest's: a line is split on
``\\n`` only, a record is an object with a string ``text`` and an optional string or number
``id``, and a bad line is reported as ``file.jsonl:LINE`` with the same reasons. Files are
UTF-8, as JSON Lines requires (a byte order mark on the first line is allowed).
"""

from __future__ import annotations

import json
from array import array
from typing import Any

import numpy as np
import orjson

from variorum.dedup.signature import BANDS
from variorum.errors import InputError

#: Sort key of a record without a readable ``date`` (after every real date).
NO_DATE = 99_999_999
#: Bytes of state kept per record while the file is read: offset, size, line, token count,
#: date, content hash (8 + 4 + 4 + 4 + 4 + 8) and the band keys.
RECORD_BYTES = 32 + BANDS * 8
_MAX_LINE = 2**32 - 1


def parse_line(line: bytes, first: bool) -> dict[str, Any] | str:
    """The record of one line, or the reason it is not one (ingest's wording).

    orjson reads a valid line three times as fast as the standard library (reading is most of a
    dedup pass after signing); a line it refuses (bad JSON, invalid UTF-8, a lone surrogate,
    ``NaN``, a byte order mark) is read again by :func:`json.loads`, which gives the same record
    where it accepts one and the reason where it does not.
    """
    if line.endswith(b"\n"):
        line = line[:-1]  # as ingest splits: the "\n" is not part of the record
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return parse_line_reference(line, first)
    # orjson reads an integer beyond 64 bits as a float, where json keeps it an int: a float in a
    # field dedup reads, or anything but an object, is read again the reference way.
    if type(record) is not dict:
        return parse_line_reference(line, first)
    get = record.get
    doc_id = get("id")
    if type(get("text")) is str and (doc_id is None or type(doc_id) is str or type(doc_id) is int):
        # The usual record, checked without a call per field: a string text, a usable id.
        return parse_line_reference(line, first) if type(get("date")) is float else record
    if type(get("text")) is float or type(doc_id) is float or type(get("date")) is float:
        return parse_line_reference(line, first)
    return _checked(record)


def parse_line_reference(line: bytes, first: bool) -> dict[str, Any] | str:
    """:func:`parse_line` with the standard library only: its reference, and its fallback."""
    if line.endswith(b"\n"):
        line = line[:-1]
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"invalid UTF-8 at byte {error.start}"
    if first and decoded.startswith("\ufeff"):
        decoded = decoded[1:]
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as error:
        return f"invalid JSON: {error.msg} (column {error.colno})"
    except RecursionError:
        return "invalid JSON: nested too deeply"
    return _checked(record)


def _checked(record: Any) -> dict[str, Any] | str:
    """The record when it is an object with a string ``text`` and a usable ``id``, else why not."""
    if not isinstance(record, dict):
        return f"record is a JSON {type(record).__name__}, not an object"
    if "text" not in record:
        return 'record has no "text" field'
    text = record["text"]
    if not isinstance(text, str):
        return f'"text" is a {type(text).__name__}, not a string'
    doc_id = record.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int | None):
        return f'"id" is a {type(doc_id).__name__}, not a string or a number'
    return record


def record_id(record: dict[str, Any], where: str) -> str | int:
    """The record's ``id`` as written (string or number), or the id ``variorum add`` would give.

    A record without an id is named by the content id of its cleaned text, as ingest names it,
    so that the sidecar can be joined with an index built from the same file.
    """
    doc_id = record.get("id")
    if isinstance(doc_id, int) or (isinstance(doc_id, str) and doc_id.strip()):
        return doc_id
    # Imported here: ingest (with its format readers) is needed only for a record without an
    # id, and importing it cost every dedup run a tenth of a second at start.
    from variorum.ingest.build import make_document
    from variorum.ingest.formats import Extracted
    from variorum.model import content_id

    text = record["text"]
    try:
        return make_document(Extracted(text, "jsonl"), path=where).id
    except (InputError, UnicodeError):  # a lone surrogate ("\ud800") cannot be encoded
        return content_id(text.encode("utf-8", "replace").decode("utf-8"))


def date_key(record: dict[str, Any]) -> int:
    """``YYYYMMDD`` of the record's ``date`` field, :data:`NO_DATE` when missing or unreadable."""
    from variorum.ingest.dates import normalize_date  # only with --keep earliest

    iso = normalize_date(record.get("date"))
    if iso is None:
        return NO_DATE
    return int(iso[:4]) * 10_000 + int(iso[5:7]) * 100 + int(iso[8:10])


class RecordTable:
    """Per-record state of the first pass, in flat arrays: :data:`RECORD_BYTES` a record."""

    def __init__(self) -> None:
        self.offsets = array("q")
        self.sizes = array("I")
        self.lines = array("I")
        self.lengths = array("i")
        self.dates = array("i")
        self.content = array("Q")
        self.bands = array("Q")

    def __len__(self) -> int:
        return len(self.offsets)

    def fits(self, size: int, line: int) -> bool:
        """Whether a line's size and number fit the table's 32-bit fields."""
        return size <= _MAX_LINE and line <= _MAX_LINE

    def append(
        self, offset: int, size: int, line: int, length: int, date: int, content: int, bands: np.ndarray
    ) -> None:
        self.offsets.append(offset)
        self.sizes.append(size)
        self.lines.append(line)
        self.lengths.append(length)
        self.dates.append(date)
        self.content.append(content)
        self.bands.frombytes(bands.tobytes())

    def extend(self, columns: dict[str, np.ndarray], line_offset: int = 0) -> None:
        """Append the records of :meth:`arrays`-shaped ``columns``, their lines moved by ``line_offset``."""
        for name, column in columns.items():
            if name == "lines":
                column = column + np.uint32(line_offset)
            getattr(self, name).frombytes(np.ascontiguousarray(column).tobytes())

    def arrays(self) -> dict[str, np.ndarray]:
        """Numpy views of the columns (no copy); ``bands`` is n × BANDS and writable."""
        views = {
            name: np.frombuffer(getattr(self, name), dtype=dtype)
            for name, dtype in (
                ("offsets", np.int64),
                ("sizes", np.uint32),
                ("lines", np.uint32),
                ("lengths", np.int32),
                ("dates", np.int32),
                ("content", np.uint64),
            )
        }
        views["bands"] = np.frombuffer(self.bands, dtype=np.uint64).reshape(-1, BANDS)
        return views


class RecordReader:
    """Reads record ``i`` of a :class:`RecordTable` again from the file, by seeking."""

    def __init__(self, path: str, table: RecordTable) -> None:
        self.path = path
        self.table = table
        self.file = open(path, "rb")  # noqa: SIM115 - closed by close(), used across many calls

    def close(self) -> None:
        self.file.close()

    def read(self, i: int) -> dict[str, Any]:
        """The parsed record; the file must not have changed since the first pass."""
        self.file.seek(self.table.offsets[i])
        line = self.file.read(self.table.sizes[i])
        record = parse_line(line, first=self.table.lines[i] == 1)
        if isinstance(record, str):
            raise InputError(
                f"{self.path}:{self.table.lines[i]}", "changed while being deduplicated; run again"
            )
        return record
