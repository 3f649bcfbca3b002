"""Witnesses from documents: tokens on one shared vocabulary, and each token's paragraph and role."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from variorum.collate.model import Witness
from variorum.model import Document, Segment
from variorum.text.normalize import Tokens, count_vocabulary, raw_tokens, repair_splits
from variorum.text.segment import segment


def token_paragraphs(tokens: Tokens, segments: Sequence[Segment]) -> tuple[tuple[int, ...], tuple[bool, ...]]:
    """For each token, the index of the segment it starts in and whether that segment is a wrapper."""
    starts = [s.start for s in segments]
    paragraph: list[int] = []
    wrapper: list[bool] = []
    for pos in tokens.starts:
        k = max(0, bisect.bisect_right(starts, pos) - 1)
        paragraph.append(k)
        wrapper.append(bool(segments) and segments[k].role == "wrapper")
    return tuple(paragraph), tuple(wrapper)


def framing(segments: Sequence[Segment]) -> list[Segment]:
    """Segments with only the *framing* wrappers kept as wrappers: the runs at the head and the
    tail of the document (cover notes, headers, footers, source lines).

    A paragraph flagged as wrapper in the middle of the body (a list of names whose language
    looked different, say) stays in the collation: dropping text that is part of the statement
    would hide its variants.
    """
    segs = list(segments)
    head = 0
    while head < len(segs) and segs[head].role == "wrapper":
        head += 1
    tail = len(segs)
    while tail > head and segs[tail - 1].role == "wrapper":
        tail -= 1
    return [
        s if (i < head or i >= tail or s.role == "body") else replace(s, role="body")
        for i, s in enumerate(segs)
    ]


def make_witnesses(
    documents: Sequence[Document],
    vocabulary: Mapping[str, int] | None = None,
    segments: Sequence[Sequence[Segment]] | None = None,
) -> list[Witness]:
    """Witnesses for ``documents``, tokenized on their joint vocabulary, body tokens only.

    Split words are repaired against the documents' own word counts (plus ``vocabulary``, e.g.
    the index's), so that ``aggr ession`` in one witness aligns with ``aggression`` in another.
    """
    raws = [raw_tokens(d.text) for d in documents]
    counts = count_vocabulary(raws)
    if vocabulary:
        for word, n in vocabulary.items():
            counts[word] += n
    out = []
    for k, (doc, raw) in enumerate(zip(documents, raws, strict=True)):
        tokens = repair_splits(doc.text, raw, counts)
        segs = list(segments[k]) if segments is not None else segment(doc.text)
        segs = framing(segs)
        paragraph, wrapper = token_paragraphs(tokens, segs)
        if not all(wrapper):
            # Only the body is collated; wrapper segments are listed by their spans.
            keep = [i for i, is_wrapper in enumerate(wrapper) if not is_wrapper]
            tokens = Tokens(
                [tokens.norms[i] for i in keep],
                [tokens.starts[i] for i in keep],
                [tokens.ends[i] for i in keep],
            )
            paragraph, wrapper = tuple(paragraph[i] for i in keep), tuple(False for _ in keep)
        out.append(
            Witness(
                id=doc.id,
                text=doc.text,
                tokens=tokens,
                paragraph=paragraph,
                wrapper=wrapper,
                path=doc.path,
                date=doc.date,
                label=Path(doc.path).name if doc.path and doc.path != "-" else doc.id,
                wrappers=tuple((g.start, g.end) for g in segs if g.role == "wrapper"),
            )
        )
    return out


def canonical_order(witnesses: Sequence[Witness]) -> list[int]:
    """The order in which witnesses are merged: by date (undated last), then length, then id.

    It depends only on the witnesses themselves, never on the order they were given in, which is
    what makes the collation the same for every permutation of its input.
    """
    return sorted(
        range(len(witnesses)),
        key=lambda i: (witnesses[i].date or "9999", -len(witnesses[i].tokens), witnesses[i].id),
    )
