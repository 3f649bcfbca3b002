"""Preparing a document: the body mask agrees with the plain loop over segments it replaced."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.model import Segment
from variorum.prepare import body_mask
from variorum.text.normalize import Tokens, raw_tokens
from variorum.text.segment import segment


def reference_body_mask(tokens: Tokens, segments: tuple[Segment, ...]) -> np.ndarray:
    """One search and one slice per body segment: the implementation before the vectorized one."""
    starts = np.asarray(tokens.starts, dtype=np.int64)
    mask = np.zeros(len(starts), dtype=bool)
    for seg in segments:
        if seg.role != "body":
            continue
        lo = np.searchsorted(starts, seg.start, side="left")
        hi = np.searchsorted(starts, seg.end, side="left")
        mask[lo:hi] = True
    if not mask.any():
        mask[:] = True
    return mask


def _tokens(starts: list[int]) -> Tokens:
    return Tokens(["w"] * len(starts), starts, [s + 1 for s in starts])


segments = st.lists(
    st.tuples(st.integers(-5, 400), st.integers(-5, 400), st.sampled_from(["body", "wrapper"])).map(
        lambda t: Segment(t[0], t[1], None, t[2])  # type: ignore[arg-type]
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 400), max_size=120).map(sorted), segments)
def test_body_mask_agrees_with_the_loop(starts: list[int], segs: list[Segment]) -> None:
    # Overlapping, empty, reversed and out-of-range segments included.
    tokens = _tokens(starts)
    got = body_mask(tokens, tuple(segs))
    assert got.dtype == bool
    assert got.tolist() == reference_body_mask(tokens, tuple(segs)).tolist()


TEXTS = [
    "",
    "Dear Sir,\n\nThe statement follows.\n\nThe commission met on 4 May and agreed on the works.\n\nYours faithfully,\nA. Clerk",
    "Soft\u00adhyphen and co-\noperation.\r\n\r\nCRLF\tparagraphs and a very long line " * 40,
    "# Heading\n\n* markdown residue\n* more\n\nКириллица и ελληνικά, العربية.\n\n" * 5,
]


def test_body_mask_of_real_segments(seeds: Path) -> None:
    texts = TEXTS + [p.read_text(encoding="utf-8", errors="replace") for p in sorted(seeds.iterdir())]
    for text in texts:
        raw = raw_tokens(text)
        tokens = Tokens(list(raw.norms), list(raw.starts), list(raw.ends))
        segs = tuple(segment(text))
        assert body_mask(tokens, segs).tolist() == reference_body_mask(tokens, segs).tolist()
