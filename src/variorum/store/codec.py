"""How a document's tokens and segments are packed into the index's columns.

Kept apart from :mod:`variorum.store.index` (and free of SQL) so that worker processes can pack a
prepared document while the main process writes another batch: compressing the tokens is the
largest part of storing a document.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from variorum.model import Segment
from variorum.text.normalize import Tokens

if TYPE_CHECKING:
    from variorum.prepare import Prepared

#: Separates normalized tokens in the packed column; never part of a token.
SEP = "\x1f"


@dataclass(frozen=True)
class Packed:
    """A document's ``tokens`` row (without ``num``) and ``segments`` rows (without ``num``)."""

    norms: bytes
    starts: bytes
    ends: bytes
    segments: tuple[tuple[int, int, int, str | None, str, str], ...]


def pack_ints(values: Iterable[int]) -> bytes:
    ints = values if isinstance(values, list) else list(values)
    return zlib.compress(np.asarray(ints, dtype="<i4").tobytes(), 1)


def unpack_ints(blob: bytes) -> list[int]:
    return np.frombuffer(zlib.decompress(blob), dtype="<i4").astype(np.int64).tolist()


def pack(tokens: Tokens, segments: Iterable[Segment]) -> Packed:
    return Packed(
        zlib.compress(SEP.join(tokens.norms).encode("utf-8"), 1),
        pack_ints(tokens.starts),
        pack_ints(tokens.ends),
        tuple(
            (
                i,
                s.start,
                s.end,
                s.language,
                s.role,
                json.dumps([list(x) for x in s.sentences]) if s.sentences else "[]",
            )
            for i, s in enumerate(segments)
        ),
    )


def document_row(num: int | None, prep: Prepared, content_hash: str, now: str) -> tuple[Any, ...]:
    """The ``documents`` row of a prepared document, in the column order of ``Index.insert``
    (``num`` None: SQLite chooses it)."""
    d = prep.doc
    return (
        num,
        d.id,
        content_hash,
        d.path,
        d.format,
        d.title,
        d.source,
        d.date,
        json_strings(tuple(d.dates)),
        d.series,
        json.dumps(dict(d.metadata), ensure_ascii=False, default=str) if d.metadata else "{}",
        json_strings(tuple(prep.languages)),
        prep.words if prep.words >= 0 else len(prep.tokens),
        prep.body_words(),
        d.text,
        now,
    )


@functools.lru_cache(maxsize=4096)
def json_strings(values: tuple[str, ...]) -> str:
    """``json.dumps`` of a list of strings, remembered: most documents have no dates and one of
    a few language lists, and encoding them anew took a JSON encoder's setup each time."""
    return json.dumps(list(values))


def unpack_tokens(norms: bytes, starts: bytes, ends: bytes) -> Tokens:
    text = zlib.decompress(norms).decode("utf-8")
    return Tokens(text.split(SEP) if text else [], unpack_ints(starts), unpack_ints(ends))


__all__ = [
    "SEP",
    "Packed",
    "document_row",
    "json_strings",
    "pack",
    "pack_ints",
    "unpack_ints",
    "unpack_tokens",
]
