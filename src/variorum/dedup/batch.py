"""Tokens and signatures of many records at once, over the bytes of their texts.

Most records of a large corpus are plain ASCII prose. For such a text the normalizer's tokens
(:func:`variorum.text.normalize.raw_tokens`) are simply its runs of ASCII letters, lower-cased:
without digits, apostrophes or ``^{`` residue none of the regular expression's other branches
can match, and NFKC, casefolding and diacritic folding leave ASCII letters as ASCII lower case.
:func:`sign_texts` therefore treats a whole batch of such texts as one ``uint8`` array and
finds every token, its hash, every shingle and every record's signature with a few dozen numpy
operations, where the per-text path (:class:`variorum.dedup.tokens.ChunkTokens`) makes Python
calls for each word. Any other text is left to that path; both give the same hashes (the tests
compare them), so a record's signature never depends on which path signed it.

Token hashes are :func:`variorum.dedup.tokens.token_hash`: the splitmix64 finalizer of the
polynomial ``sum(byte[i] * BASE**(n - 1 - i)) mod 2**64`` of the token's UTF-8 bytes. The
polynomial of every token of an array is a difference of two prefix sums of ``byte * BASE**-i``
(``BASE`` is odd, hence invertible modulo ``2**64``), scaled back by ``BASE**(end - 1)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xxhash

from variorum.dedup.signature import BANDS, BINS, NGRAM, ROWS, band_keys
from variorum.dedup.tokens import BASE, MODULUS
from variorum.detect.fingerprint import mix64

_MULT = np.uint64(0x100000001B3)  # as in variorum.detect.fingerprint.ngram_hashes
_BIN_SHIFT = np.uint64(64 - int(np.log2(BINS)))
_EMPTY = np.iinfo(np.uint64).max

# Bytes that rule a text out of the fast path: digits (numbers have their own rules), the
# apostrophes that join a word ("'", "`") and "^" (superscript residue); non-ASCII texts are
# ruled out before they are encoded.
_OTHER = np.zeros(256, dtype=bool)
_OTHER[[*b"0123456789'`^"]] = True


class _Powers:
    """``BASE**i`` and ``BASE**-i`` modulo 2**64 for ``i`` below a size grown on demand."""

    def __init__(self) -> None:
        self.up = np.ones(0, dtype=np.uint64)
        self.down = np.ones(0, dtype=np.uint64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if n > len(self.up):
            size = max(n, 2 * len(self.up), 1 << 16)
            inverse = pow(BASE, -1, MODULUS)
            self.up = np.full(size, BASE, dtype=np.uint64)
            self.down = np.full(size, inverse, dtype=np.uint64)
            self.up[0] = self.down[0] = 1
            np.multiply.accumulate(self.up, out=self.up)  # wraps modulo 2**64
            np.multiply.accumulate(self.down, out=self.down)
        return self.up[:n], self.down[:n]


_POWERS = _Powers()


def fast_path(text: str) -> bytes | None:
    """The ASCII bytes of ``text`` when :func:`sign_texts` may sign it, else None.

    The byte test (digits, apostrophes, ``^``) is done by :func:`sign_texts` for the whole batch.
    """
    return text.encode("ascii") if text.isascii() else None


@dataclass(frozen=True)
class Signed:
    """What :func:`sign_texts` gives for each text; ``ok`` is False where the text was not signed.

    ``lengths`` (token counts) is 0 for a text without tokens; its other fields are then 0.
    """

    ok: np.ndarray  # bool
    lengths: np.ndarray  # int64
    content: np.ndarray  # uint64, as variorum.dedup.signature.content_hash
    bands: np.ndarray  # n x BANDS uint64, as variorum.dedup.signature.band_keys
    words: dict[str, int] | None  # word counts of the signed texts, when asked for


def token_arrays(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end (exclusive) and hash of every token of ASCII bytes ``data`` (fast-path text)."""
    lower = data | np.uint8(0x20)  # ASCII letters in lower case; other bytes are not used
    letter = (lower - np.uint8(97)) < np.uint8(26)
    edge = np.diff(letter.view(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edge == 1)
    ends = np.flatnonzero(edge == -1)
    if not len(starts):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.uint64)
    # The polynomial over the letters alone: tokens are runs of letters, so each is a run of
    # the letters' array too, from its start's rank among the letters.
    letters = lower[letter]
    lengths = ends - starts
    first = np.cumsum(lengths) - lengths
    last = first + lengths - 1
    up, down = _POWERS.get(len(letters))
    with np.errstate(over="ignore"):
        prefix = np.cumsum(letters * down, dtype=np.uint64)
        before = prefix[first - 1]
        before[0] = 0
        poly = (prefix[last] - before) * up[last]
    return starts, ends, mix64(poly)


def sign_texts(texts: Sequence[bytes], *, count_words: bool = False) -> Signed:
    """Token counts, content hashes and band keys of fast-path ``texts`` (see :func:`fast_path`).

    A text holding a byte the fast path cannot read gets ``ok`` False and must be signed one by
    one; every other result equals what the per-text path computes. With ``count_words``,
    :attr:`Signed.words` counts the signed texts' tokens (all of them words) by form.
    """
    n = len(texts)
    ok = np.ones(n, dtype=bool)
    lengths = np.zeros(n, dtype=np.int64)
    content = np.zeros(n, dtype=np.uint64)
    bands = np.zeros((n, BANDS), dtype=np.uint64)
    if n == 0:
        return Signed(ok, lengths, content, bands, {} if count_words else None)
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=n) + 1
    data = np.frombuffer(b"\n".join(texts) + b"\n", dtype=np.uint8)
    text_start = np.cumsum(sizes) - sizes
    other = np.add.reduceat(_OTHER[data].view(np.int8), text_start, dtype=np.int64)
    ok[:] = other == 0  # each text ends in "\n", so no reduceat segment is empty
    starts, ends, hashes = token_arrays(data)
    owner = np.searchsorted(text_start, starts, side="right") - 1
    keep = ok[owner]
    owner, hashes = owner[keep], hashes[keep]
    words: dict[str, int] | None = None
    if count_words:
        forms, at, counts = np.unique(hashes, return_index=True, return_counts=True)
        spans = zip(starts[keep][at].tolist(), ends[keep][at].tolist(), strict=True)
        raw = data.tobytes()
        tallies = counts.tolist()
        words = {raw[s:e].decode("ascii").lower(): c for (s, e), c in zip(spans, tallies, strict=True)}
        del forms
    lengths[:] = np.bincount(owner, minlength=n)
    first = np.cumsum(lengths) - lengths

    with np.errstate(over="ignore"):
        grams = hashes[: len(hashes) - NGRAM + 1].copy()
        for j in range(1, NGRAM):
            grams = grams * _MULT + hashes[j : len(hashes) - NGRAM + 1 + j]
    grams = mix64(grams)
    # A shingle counts only where its NGRAM tokens are all of one text.
    valid = owner[: len(grams)] == owner[NGRAM - 1 :]
    gram_owner = owner[: len(grams)][valid]
    grams = grams[valid]
    slot = gram_owner * BINS + (grams >> _BIN_SHIFT).astype(np.int64)
    minima = np.full(n * BINS, _EMPTY, dtype=np.uint64)
    np.minimum.at(minima, slot, grams)
    filled = np.bincount(slot, minlength=n * BINS).reshape(n, BINS) > 0
    minima = minima.reshape(n, BINS)
    # An empty bin takes the next non-empty bin's minimum, wrapping around (the rotation of
    # variorum.dedup.signature.sketch): find it in the row written twice.
    doubled_filled = np.concatenate([filled, filled], axis=1)
    at = np.where(doubled_filled, np.arange(2 * BINS), 2 * BINS)
    nearest = np.minimum.accumulate(at[:, ::-1], axis=1)[:, ::-1][:, :BINS] % BINS
    sketches = np.take_along_axis(minima, nearest, axis=1).reshape(n, BANDS, ROWS)
    with np.errstate(over="ignore"):
        bands[:] = mix64(sketches[:, :, 0] * _MULT + sketches[:, :, 1])

    for i in np.flatnonzero(ok & (lengths > 0)).tolist():
        tokens = hashes[first[i] : first[i] + lengths[i]]
        content[i] = xxhash.xxh3_64_intdigest(tokens.tobytes())
        if lengths[i] < NGRAM:  # one shingle of all its tokens: the per-text path's rule
            bands[i] = band_keys(tokens)
    bands[lengths == 0] = 0
    return Signed(ok, lengths, content, bands, words)
