"""Reading a corpus for the Spark engine with the very readers of ``variorum add``.

Each input file is read whole by one task: the readers decode a file's bytes as one text
(its encoding is detected over the whole file, mojibake repaired) before cutting it into
records, so cutting a file into lines first would read some files differently from the local
engine. Corpora meant for Spark are folders of part files, so one file per task parallelizes
well; split a single very large JSON Lines file into parts of a few hundred megabytes.

Every record gets a sort key ``(file rank, file name, record number)``, the order in which
``variorum add`` would meet it, so that both engines number documents alike.

Local paths (no URL scheme, or ``file:``) are expanded on the driver exactly as ``variorum add``
expands them (folders walked, sorted) and read by path in the executors, which must see the same
file system. Any other URL (``hdfs://``, ``s3a://`` …) is handed to Spark's ``binaryFiles``,
which accepts a file, a folder (not walked into subfolders) or a glob; those files are ordered
by their URL.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from variorum.errors import InputError, MalformedDocument, UsageError
from variorum.ingest import read_data, read_inputs
from variorum.ingest.jsonl import parse_record
from variorum.ingest.sources import expand_inputs, read_bytes
from variorum.model import Document, Skip

#: ``((file rank, file name, record number), Document or Skip)``
Record = tuple[tuple[int, str, int], Document | Skip]

PYARROW_HINT = "reading and loading Parquet needs pyarrow: pip install 'variorum[spark]'"
_PARQUET_UNKNOWN = "unsupported format .parquet"


@dataclass
class InputPlan:
    """What to read: local files in ``variorum add`` order, or one URL for ``binaryFiles``."""

    files: list[str] = field(default_factory=list)
    url: str | None = None
    skips: list[Skip] = field(default_factory=list)


def is_local(path: str) -> bool:
    """Whether ``path`` names the local file system (a Windows drive letter is not a scheme)."""
    scheme = urlparse(path).scheme
    return len(scheme) <= 1 or scheme == "file"


def local_path(path: str) -> str:
    """``file:///x/y`` as ``/x/y``; any other local path as it is."""
    return unquote(urlparse(path).path) if path.startswith("file:") else path


def plan_inputs(input_path: str, exclude: Collection[str] = ()) -> InputPlan:
    """The files behind ``input_path``; raises :class:`UsageError` when there are none."""
    if not is_local(input_path):
        return InputPlan(url=input_path)
    plan = InputPlan()
    parquet: list[str] = []

    def on_skip(skip: Skip) -> None:
        # The local engine's folder walk does not know Parquet; the Spark engine reads it.
        if skip.reason == _PARQUET_UNKNOWN:
            parquet.append(skip.path)
        else:
            plan.skips.append(skip)

    plan.files = list(expand_inputs([local_path(input_path)], on_skip, exclude))
    plan.files.extend(parquet)
    if not plan.files:
        why = f" ({plan.skips[0].reason})" if len(plan.skips) == 1 else ""
        raise UsageError(f"{input_path}: no input files to read{why}")
    return plan


def is_parquet(name: str) -> bool:
    return name.lower().endswith(".parquet")


def read_local(rank: int, path: str) -> Iterator[Record]:
    """The documents and skips of one local file, read as ``variorum add`` reads it."""
    skips: list[Skip] = []
    if is_parquet(path):
        try:
            docs = list(parquet_documents(read_bytes(path), path, skips.append))
        except InputError as error:
            skips.append(Skip(error.path, error.reason))
            docs = []
    else:
        docs = list(read_inputs([path], on_skip=skips.append))
    yield from _keyed(rank, "", docs, skips)


def read_remote(url: str, data: bytes) -> Iterator[Record]:
    """The documents and skips of one file fetched by ``binaryFiles`` (named by its URL)."""
    skips: list[Skip] = []
    docs: list[Document] = []
    try:
        if is_parquet(url):
            docs = list(parquet_documents(data, url, skips.append))
        else:
            docs = read_data(data, url, on_skip=skips.append)
    except InputError as error:
        skips.append(Skip(error.path, error.reason))
    yield from _keyed(0, url, docs, skips)


def _keyed(rank: int, name: str, docs: list[Document], skips: list[Skip]) -> Iterator[Record]:
    for number, doc in enumerate(docs):
        yield (rank, name, number), doc
    for skip in skips:
        yield (rank, name, -1), skip


def parquet_documents(data: bytes, label: str, on_skip: Callable[[Skip], None]) -> Iterator[Document]:
    """The rows of a Parquet file as documents, each read as the JSON Lines record it would be.

    Columns are the fields of a record (``id``, ``text``, ``date``, ``series``, ``title``,
    ``source``, anything else goes to metadata), so a Parquet corpus and the same corpus as JSON
    Lines give the same documents; row ``k`` (from 1) is labelled ``file.parquet:k``.
    """
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise UsageError(PYARROW_HINT) from error
    try:
        pf = pq.ParquetFile(io.BytesIO(data))
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError or ValueError here
        raise MalformedDocument(label, f"not a Parquet file ({error})") from error
    if "text" not in pf.schema_arrow.names:
        raise MalformedDocument(label, 'Parquet file has no "text" column')
    number = 0
    for batch in pf.iter_batches():
        for row in batch.to_pylist():
            number += 1
            line = json.dumps(row, ensure_ascii=False, default=str)
            try:
                yield parse_record(line, where=f"{label}:{number}", file=label)
            except InputError as error:
                on_skip(Skip(error.path, error.reason))


def exclude_for(output_path: str) -> list[str]:
    """The output folder, when local, so that an output inside the input folder is not read."""
    return [os.path.abspath(local_path(output_path))] if is_local(output_path) else []
