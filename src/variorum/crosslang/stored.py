"""What an index keeps of the translation pass between two ``add``: each document's anchor
profile and each compared pair's anchor chain, packed into columns (no SQL here).

Finding translations reads every document's anchors (:func:`~variorum.crosslang.detect.profile`)
and aligns the anchors of each candidate pair (:func:`~variorum.crosslang.detect.anchor_chain`),
then quotes the texts of the pairs found (:func:`~variorum.crosslang.relate.evidence`). All
three depend on one document or one pair only, so an index keeps them and an ``add`` computes
them for its new documents alone. What depends on the whole corpus (the rarity weights of the
anchors, the candidates each document is compared with) is worked out again from what is kept,
so the relations are the very ones that one pass over every document gives.

Kept things are valid for one :func:`cache_key`: the profile format, the package version and
the translation settings. Bump :data:`PROFILE_FORMAT` whenever what
:func:`~variorum.crosslang.anchors.extract_anchors`, the paragraph spans, the chain or the
evidence of a pair would come out differently for the same texts: an index whose key differs
drops what it kept and rebuilds it on its next ``add``.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import xxhash

from variorum.config import CrossLangSettings

if TYPE_CHECKING:  # the index imports this module; detection loads only when a pass runs
    from variorum.crosslang.detect import Chain, CrossDoc

#: Version of what is kept: 1 — anchors (kind, key, span), paragraph spans, chains, evidence.
PROFILE_FORMAT = 1

_CODE_OF = {"date": "d", "number": "n", "code": "c", "url": "u", "name": "m"}
_KIND_OF = {code: kind for kind, code in _CODE_OF.items()}
_U32 = np.dtype("<u4")


class PackedProfile(NamedTuple):
    """A document's profile as stored: main language, paragraph spans and anchors in columns."""

    language: str | None
    paragraphs: bytes  # little-endian uint32 (start, end) pairs
    kinds: str  # one letter per anchor (see ``_CODE_OF``)
    keys: str  # the anchors' keys, a JSON list
    starts: bytes  # little-endian uint32 per anchor
    ends: bytes


def cache_key(settings: CrossLangSettings) -> str:
    """What kept profiles, chains and evidence are valid for."""
    from variorum import __version__

    fields = json.dumps([PROFILE_FORMAT, __version__, dataclasses.asdict(settings)], sort_keys=True)
    return xxhash.xxh3_64_hexdigest(fields.encode("utf-8"))


def pack_profile(doc: CrossDoc) -> PackedProfile:
    """The columns of a profile (its text is never kept: the index has it)."""
    # The pairs read as one flat sequence (numpy's reading of nested tuples took longer).
    flat = itertools.chain.from_iterable(doc.paragraphs)
    spans = np.fromiter(flat, dtype=_U32, count=2 * len(doc.paragraphs))
    anchors = doc.anchors
    if not anchors:  # most texts in prose without figures: no encoder needed
        return PackedProfile(doc.language, spans.tobytes(), "", "[]", b"", b"")
    return PackedProfile(
        doc.language,
        spans.tobytes(),
        "".join(_CODE_OF[a.kind] for a in anchors),
        json.dumps([a.key for a in anchors], ensure_ascii=False),
        np.fromiter((a.start for a in anchors), dtype=_U32, count=len(anchors)).tobytes(),
        np.fromiter((a.end for a in anchors), dtype=_U32, count=len(anchors)).tobytes(),
    )


def unpack_profile(doc_id: str, packed: PackedProfile) -> CrossDoc:
    """The profile of :func:`pack_profile`, without text (``keep_text=False``)."""
    from variorum.crosslang.anchors import Anchor
    from variorum.crosslang.detect import CrossDoc

    flat = np.frombuffer(packed.paragraphs, dtype=_U32).tolist()
    spans = tuple(zip(flat[0::2], flat[1::2], strict=True))
    if not packed.kinds:  # no anchors (most prose): nothing more to decode
        return CrossDoc(doc_id, "", packed.language, spans, ())
    keys = json.loads(packed.keys)
    starts = np.frombuffer(packed.starts, dtype=_U32).tolist()
    ends = np.frombuffer(packed.ends, dtype=_U32).tolist()
    kind_of = _KIND_OF
    anchors = tuple(
        Anchor(kind_of[c], key, s, e)  # type: ignore[arg-type]
        for c, key, s, e in zip(packed.kinds, keys, starts, ends, strict=True)
    )
    return CrossDoc(doc_id, "", packed.language, spans, anchors)


def unpack_profiles(rows: Iterable[tuple[int, str, PackedProfile]]) -> dict[int, CrossDoc]:
    """:func:`unpack_profile` of each ``(num, doc_id, packed)``, by num.

    The paragraph spans of every profile are read as one array: read one profile at a time,
    the spans of 20,000 documents without anchors (most prose) cost half of unpacking them,
    which the translation pass does for every kept profile at the end of every ``add``."""
    from variorum.crosslang.detect import CrossDoc

    items = list(rows)
    flat = np.frombuffer(b"".join(p.paragraphs for _, _, p in items), dtype=_U32).tolist()
    spans = list(zip(flat[0::2], flat[1::2], strict=True))
    out: dict[int, CrossDoc] = {}
    at = 0
    for num, doc_id, packed in items:
        step = len(packed.paragraphs) // 8
        if packed.kinds:
            out[num] = unpack_profile(doc_id, packed)
        else:
            out[num] = CrossDoc(doc_id, "", packed.language, tuple(spans[at : at + step]), ())
        at += step
    return out


def pack_chain(chain: Chain) -> bytes:
    """A chain's position pairs as little-endian uint32, flat."""
    return np.asarray(chain, dtype=_U32).reshape(-1).tobytes()


def unpack_chain(blob: bytes) -> Chain:
    flat = np.frombuffer(blob, dtype=_U32).tolist()
    return tuple(zip(flat[0::2], flat[1::2], strict=True))
