"""A document as ``add`` holds it to align it in pairs and quote the passages found.

Aligning reads a document's token and n-gram hashes and its body mask; quoting a passage reads
its text and the character offsets of the passage's first and last tokens. Nothing else of a
:class:`~variorum.prepare.Prepared` is needed, least of all the normalized tokens, which cost
more to unpack than the rest: a :class:`Quotable` keeps the offsets packed as the index stores
them (:func:`~variorum.store.codec.pack_ints`, about a byte a token) until a pair is quoted,
which makes it small enough for ``add`` to keep the documents of a run as it commits them, and
align a later batch's pairs with them without reading them back from the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from xxhash import xxh3_64_intdigest

from variorum.config import Settings
from variorum.detect.fingerprint import ngram_hashes
from variorum.model import Document, Segment
from variorum.prepare import Prepared, body_mask
from variorum.text.normalize import Tokens

if TYPE_CHECKING:  # the codec is loaded where offsets are packed or read: `compare` never does
    from variorum.store.codec import Packed


class Quotable:
    """What aligning a document and quoting its passages need (module doc).

    ``starts``/``ends`` are the tokens' character offsets, as lists or packed
    (:func:`~variorum.store.codec.pack_ints`); :meth:`spans` reads the few a pair's passages need.
    """

    __slots__ = ("body", "doc", "ends", "grams", "hashes", "starts")

    def __init__(
        self,
        doc: Document,
        hashes: np.ndarray,
        grams: np.ndarray,
        body: np.ndarray,
        starts: Sequence[int] | bytes,
        ends: Sequence[int] | bytes,
    ) -> None:
        self.doc, self.hashes, self.grams, self.body = doc, hashes, grams, body
        self.starts, self.ends = starts, ends

    @classmethod
    def of(cls, p: Prepared, packed: Packed | None = None) -> Quotable:
        """A prepared document's, its offsets taken packed from ``packed`` where given (a worker
        sends them so), else from its tokens."""
        if packed is not None:
            return cls(p.doc, p.hashes, p.grams, p.body, packed.starts, packed.ends)
        return cls(p.doc, p.hashes, p.grams, p.body, p.tokens.starts, p.tokens.ends)

    def packed(self) -> Quotable:
        """This document with its offsets packed, to be kept (a third of the memory of lists)."""
        if isinstance(self.starts, bytes) and isinstance(self.ends, bytes):
            return self
        from variorum.store.codec import pack_ints

        return Quotable(
            self.doc,
            self.hashes,
            self.grams,
            self.body,
            pack_ints(list(self.starts)),
            pack_ints(list(self.ends)),
        )

    def spans(self, firsts: Sequence[int], lasts: Sequence[int]) -> tuple[list[int], list[int]]:
        """Where tokens ``firsts`` start and tokens ``lasts`` end: the character spans of
        passages, read from the packed offsets without unpacking every one of them."""
        return _offsets_at(self.starts, firsts), _offsets_at(self.ends, lasts)


def _offsets_at(column: Sequence[int] | bytes, at: Sequence[int]) -> list[int]:
    if not isinstance(column, bytes):
        return [column[k] for k in at]
    from variorum.store.codec import STEPS_U8, STEPS_U16, unpack_ints

    tag = column[0] if column else None
    if tag in (STEPS_U8, STEPS_U16):
        steps = np.frombuffer(column, dtype=np.uint8 if tag == STEPS_U8 else "<u2", offset=1)
        return steps.cumsum(dtype=np.int64).take(at).tolist()  # type: ignore[no-any-return]
    offsets = unpack_ints(column)
    return [offsets[k] for k in at]


def stored_token_hashes(norms: bytes) -> np.ndarray:
    """:func:`~variorum.detect.fingerprint.token_hashes` of the tokens of a stored ``norms``
    column, hashed from their UTF-8 bytes as they are split in the decompressed column.

    The column is the tokens' UTF-8 encodings joined by that of :data:`~variorum.store.codec.SEP`
    (a single byte, which no other character's encoding contains), so splitting the bytes gives
    each token's encoding, which is what the hash is of: no decoding to ``str`` and encoding
    back, and no lookup of every token in the cache of hashes, which for the 500 tokens of an
    earlier document cost more than hashing them (a third of the time in all)."""
    import zlib

    from variorum.store.codec import SEP

    raw = zlib.decompress(norms)
    tokens = raw.split(SEP.encode("utf-8")) if raw else []
    return np.fromiter(map(xxh3_64_intdigest, tokens), dtype=np.uint64, count=len(tokens))


def rebuilt(
    doc: Document,
    norms: bytes,
    starts: bytes,
    ends: bytes,
    body_spans: Iterable[tuple[int, int]],
    settings: Settings,
) -> Quotable:
    """An indexed document's :class:`Quotable` from its stored columns (``norms``, ``starts``,
    ``ends`` of its ``tokens`` row) and the spans of its body segments: the token and n-gram
    hashes and the body mask of :func:`~variorum.prepare.rebuild`, without the tokens' other
    parts."""
    from variorum.store.codec import unpack_ints

    hashes = stored_token_hashes(norms)
    starts_list = unpack_ints(starts)
    segments = tuple(Segment(s, e, None, "body", ()) for s, e in body_spans)
    body = body_mask(Tokens([], starts_list, []), segments)
    grams = ngram_hashes(hashes, settings.ngram).view(np.int64)
    return Quotable(doc, hashes, grams, body, starts, ends)


__all__ = ["Quotable", "rebuilt", "stored_token_hashes"]
