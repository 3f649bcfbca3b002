"""How a document's tokens and segments are packed into the index's columns.

Kept apart from :mod:`variorum.store.index` (and free of SQL) so that worker processes can pack a
prepared document while the main process writes another batch: compressing the tokens is the
largest part of storing a document.

Token offsets (the ``starts`` and ``ends`` columns) are stored, since schema 7, as the steps
between consecutive offsets, one or two bytes each behind a tag byte: zlib (what schema 6 and
before stored, and what is still read) spent some 50 µs on each column of a 500-word document,
half the cost of packing it, to make it 784 bytes where the steps take 501. A zlib stream never
starts with a tag byte (its first byte's low four bits are 8), so every stored column says how
it was written.
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
    from variorum.crosslang.stored import PackedProfile
    from variorum.prepare import Prepared

#: Separates normalized tokens in the packed column; never part of a token.
SEP = "\x1f"


@dataclass(frozen=True)
class Packed:
    """A document's ``tokens`` row (without ``num``) and ``segments`` rows (without ``num``),
    and its ``anchor_profiles`` row where a worker read its anchors (:mod:`variorum.workers`)."""

    norms: bytes
    starts: bytes
    ends: bytes
    segments: tuple[tuple[int, int, int, str | None, str, str], ...]
    profile: PackedProfile | None = None


#: Tags of a packed offsets column: the steps from one offset to the next (the first from 0), as
#: unsigned bytes, or as little-endian unsigned 16-bit numbers where a step reaches 256 (a long
#: token, a gap of markup). Offsets that go back, or step by 65,536 or more, are zlib-compressed
#: 32-bit numbers, as before schema 7.
STEPS_U8 = 1
STEPS_U16 = 2


def pack_ints(values: Iterable[int]) -> bytes:
    """Non-negative offsets (under 2**31), packed for the ``starts`` and ``ends`` columns."""
    ints = values if isinstance(values, list) else list(values)
    offsets = np.fromiter(ints, dtype=np.int64, count=len(ints))
    steps = offsets.copy()  # np.diff(offsets, prepend=0), without its checks (half the time)
    np.subtract(offsets[1:], offsets[:-1], out=steps[1:])
    if not len(steps) or (steps.min() >= 0 and steps.max() < 256):
        return bytes((STEPS_U8,)) + steps.astype(np.uint8).tobytes()
    if steps.min() >= 0 and steps.max() < 65536:
        return bytes((STEPS_U16,)) + steps.astype("<u2").tobytes()
    return pack_ints_zlib(ints)


def pack_ints_zlib(ints: list[int]) -> bytes:
    """The packing of schema 6 and before (still read, and written where steps do not fit)."""
    return zlib.compress(np.asarray(ints, dtype="<i4").tobytes(), 1)


def unpack_ints(blob: bytes) -> list[int]:
    """The offsets :func:`pack_ints` (or any schema before 7) packed into ``blob``."""
    tag = blob[0] if blob else None
    if tag == STEPS_U8:
        return np.frombuffer(blob, dtype=np.uint8, offset=1).cumsum(dtype=np.int64).tolist()
    if tag == STEPS_U16:
        return np.frombuffer(blob, dtype="<u2", offset=1).cumsum(dtype=np.int64).tolist()
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
    "pack_ints_zlib",
    "unpack_ints",
    "unpack_tokens",
]
