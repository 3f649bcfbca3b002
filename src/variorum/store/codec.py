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

The normalized tokens are compressed by ISA-L (``isal``), whose level 1 writes a standard zlib
stream, read by ``zlib.decompress`` as every stream before it, about four times as fast as
zlib's level 1 and no larger (generated 500-word documents: 20 against 76 µs, 2,099 against
2,155 bytes; the same text gives other bytes than zlib would, never other tokens).
"""

from __future__ import annotations

import functools
import itertools
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from isal import isal_zlib

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


#: ISA-L's compression level for the normalized tokens (0-3; 1 is as small as zlib's level 1).
NORMS_LEVEL = 1


def pack_norms(norms: list[str]) -> bytes:
    """The ``norms`` column: the normalized tokens joined by :data:`SEP`, compressed."""
    return isal_zlib.compress(SEP.join(norms).encode("utf-8"), NORMS_LEVEL)


def pack_segments(segments: Iterable[Segment]) -> tuple[tuple[int, int, int, str | None, str, str], ...]:
    """The ``segments`` rows of a document (without ``num``)."""
    return tuple(
        (
            i,
            s.start,
            s.end,
            s.language,
            s.role,
            json.dumps([list(x) for x in s.sentences]) if s.sentences else "[]",
        )
        for i, s in enumerate(segments)
    )


def pack(tokens: Tokens, segments: Iterable[Segment]) -> Packed:
    return Packed(
        pack_norms(tokens.norms), pack_ints(tokens.starts), pack_ints(tokens.ends), pack_segments(segments)
    )


def pack_many(
    documents: Sequence[tuple[Tokens, Iterable[Segment]]],
    profiles: Sequence[PackedProfile | None] | None = None,
) -> list[Packed]:
    """:func:`pack` of each ``(tokens, segments)``, the offsets of all in a few numpy calls;
    with ``profiles``, each :class:`Packed` also holds its document's.

    A worker packs a chunk of documents at once: each offsets column cost a dozen numpy calls
    for a few hundred numbers. Here all the documents' offsets are read into one array, their
    steps found in one pass (each document's first step from 0), and each document's column
    is a slice of the steps as bytes, unless its steps need the wider or the zlib packing.
    (Profiles are taken here rather than set afterwards with ``dataclasses.replace``, which
    looks the fields up again for every document.)
    """
    columns = [
        _pack_offsets([tokens.starts for tokens, _ in documents]),
        _pack_offsets([t.ends for t, _ in documents]),
    ]
    kept: Iterable[PackedProfile | None] = (
        itertools.repeat(None, len(documents)) if profiles is None else profiles
    )
    return [
        Packed(pack_norms(tokens.norms), starts, ends, pack_segments(segments), profile)
        for (tokens, segments), starts, ends, profile in zip(documents, *columns, kept, strict=True)
    ]


def _pack_offsets(columns: list[list[int]]) -> list[bytes]:
    """:func:`pack_ints` of each of ``columns``."""
    sizes = list(map(len, columns))
    firsts = [0, *itertools.accumulate(sizes)]
    offsets = np.fromiter(itertools.chain.from_iterable(columns), dtype=np.int64, count=firsts[-1])
    steps = offsets.copy()
    np.subtract(offsets[1:], offsets[:-1], out=steps[1:])
    filled = [i for i, size in enumerate(sizes) if size]
    out = [bytes((STEPS_U8,))] * len(columns)
    if not filled:
        return out
    at = [firsts[i] for i in filled]
    steps[at] = offsets[at]  # each column's first step is from 0
    low = np.minimum.reduceat(steps, at).tolist()
    high = np.maximum.reduceat(steps, at).tolist()
    as_u8 = steps.astype(np.uint8)
    as_u16 = None
    for i, lo, hi in zip(filled, low, high, strict=True):
        a, b = firsts[i], firsts[i + 1]
        if lo >= 0 and hi < 256:
            out[i] = bytes((STEPS_U8,)) + as_u8[a:b].tobytes()
        elif lo >= 0 and hi < 65536:
            as_u16 = steps.astype("<u2") if as_u16 is None else as_u16
            out[i] = bytes((STEPS_U16,)) + as_u16[a:b].tobytes()
        else:
            out[i] = pack_ints_zlib(columns[i])
    return out


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
    "pack_many",
    "pack_norms",
    "pack_segments",
    "unpack_ints",
    "unpack_tokens",
]
