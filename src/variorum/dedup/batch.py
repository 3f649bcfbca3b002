"""Tokens and signatures of many records at once, over the bytes of their texts.

Most records of a large corpus are plain ASCII prose. For such a text the normalizer's tokens
(:func:`variorum.text.normalize.raw_tokens`) are simply its runs of ASCII letters, lower-cased:
without digits, apostrophes or ``^{`` residue none of the regular expression's other branches
can match, and NFKC, casefolding and diacritic folding leave ASCII letters as ASCII lower case.
Most accented Latin letters fold to ASCII letters whatever surrounds them (``é`` → ``e``,
``ß`` → ``ss``), combining diacritics and soft hyphens vanish inside a word, and most other
punctuation and spaces only separate words: :func:`fast_path` rewrites a text made of such
characters into the ASCII text with the same tokens (:func:`fold_table`, derived from the
normalizer itself, character by character). :func:`sign_texts` then treats a whole batch of
texts as one ``uint8`` array and
finds every token, its hash, every shingle and every record's signature with a few dozen numpy
operations, where the per-text path (:class:`variorum.dedup.tokens.ChunkTokens`) makes Python
calls for each word. Any other text is left to that path; both give the same hashes (the tests
compare them), so a record's signature never depends on which path signed it.

Token hashes are :func:`variorum.dedup.tokens.token_hash`: the splitmix64 finalizer of the
polynomial ``sum(code[i] * BASE**(n - 1 - i)) mod 2**64`` of the token's code points, for
every token of a batch at once from running sums (:func:`token_polys`). Texts in other scripts
take :mod:`variorum.dedup.scripts`, which ends in :func:`sign_tokens` too.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import xxhash

from variorum.dedup.signature import BANDS, BINS, NGRAM, ROWS, band_keys
from variorum.dedup.tokens import BASE
from variorum.detect.fingerprint import mix64
from variorum.text.normalize import WORD, raw_tokens

_MULT = np.uint64(0x100000001B3)  # as in variorum.detect.fingerprint.ngram_hashes
_BASE = np.uint64(BASE)
_BIN_SHIFT = np.uint64(64 - int(np.log2(BINS)))
_EMPTY = np.iinfo(np.uint64).max

# Bytes that rule a text out of the fast path: digits (numbers have their own rules), the
# apostrophes that join a word ("'", "`") and "^" (superscript residue); non-ASCII texts are
# ruled out before they are encoded.
_OTHER_BYTES = bytes(1 if chr(b) in "0123456789'`^" else 0 for b in range(256))


def other_bytes(data: bytes) -> np.ndarray:
    """Where ``data`` holds a byte that rules its text out of the fast path. ``bytes.translate``
    maps every byte to 0 or 1 in one C loop, three times faster than a numpy table lookup."""
    return np.flatnonzero(np.frombuffer(data.translate(_OTHER_BYTES), dtype=bool))


# Code points fold_table() considers: Latin-1 and Latin Extended letters, combining
# diacritics, Latin Extended Additional (Vietnamese) and general punctuation.
_FOLD_CANDIDATES = (range(0x80, 0x250), range(0x300, 0x370), range(0x1E00, 0x1F00), range(0x2000, 0x2070))


@cache
def fold_table() -> dict[int, str]:
    """Non-ASCII characters the fast path reads, each with the ASCII text standing for it.

    A letter (or combining mark, or soft hyphen) maps to its normalized form when that form is
    ASCII letters (possibly none) and the normalizer gives it in the middle of any ASCII word:
    ``raw_tokens("a" + c + "b")`` is the one word ``"a" + form + "b"``. A character that is
    no token and separates two words maps to a space when it is whitespace (so that paragraph
    breaks stay where they were) and to ``"."`` otherwise. Apostrophes, digits, CJK and every
    other character are not in the table: a text holding one takes the per-text path.
    """
    table: dict[int, str] = {}
    for block in _FOLD_CANDIDATES:
        for code in block:
            c = chr(code)
            if c in "'\u2019\u02bc`" or c.isdigit() or c.isnumeric():
                continue
            alone = raw_tokens(c).norms
            inside = raw_tokens("a" + c + "b")
            if unicodedata.category(c)[0] in "LM" or c == "\u00ad":
                form = alone[0] if len(alone) == 1 else ""
                if (
                    len(alone) <= 1
                    and form.isascii()
                    and (form == "" or (form.isalpha() and form.islower()))
                    and inside.norms == ["a" + form + "b"]
                    and inside.kinds == [WORD]
                ):
                    table[code] = form
            elif not alone and inside.norms == ["a", "b"]:
                table[code] = " " if c.isspace() else "."
    return table


def fast_path(text: str) -> bytes | None:
    """ASCII bytes with the tokens of ``text`` when :func:`sign_texts` may sign it, else None.

    Non-ASCII texts are rewritten with :func:`fold_table`; the byte test (digits, apostrophes,
    ``^``) is done by :func:`sign_texts` for the whole batch.
    """
    if not text.isascii():
        # A character the table does not fold (Cyrillic, Greek, Arabic, CJK ...) rules the text
        # out: one scan that stops at the first such character, instead of rewriting every
        # non-ASCII run of a text in another script only to find it still is not ASCII (that
        # was a third of dedup's time on Cyrillic, Greek and Arabic records).
        if _unfoldable().search(text):
            return None
        # Few characters of a text are not ASCII: replacing each match costs less than
        # str.translate, which visits every character.
        text = _NON_ASCII.sub(_fold_match, text)
        if not text.isascii():
            return None
    return text.encode("ascii")


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@cache
def _unfoldable() -> re.Pattern[str]:
    """Any character that is neither ASCII nor folded by :func:`fold_table`."""
    return _outside(sorted(fold_table()))


@cache
def _not_one_for_one() -> re.Pattern[str]:
    """Any character that is neither ASCII nor folded by :func:`fold_table` into one character."""
    return _outside(sorted(code for code, form in fold_table().items() if len(form) == 1))


def _outside(codes: list[int]) -> re.Pattern[str]:
    """A pattern matching any character that is neither ASCII nor one of ``codes`` (sorted)."""
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    allowed = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )
    return re.compile(f"[^\\x00-\\x7f{allowed}]")


def folded_in_place(text: str) -> str | None:
    """ASCII text with the tokens of ``text`` at the same offsets, or None.

    Plain ASCII is itself; a text whose other characters each fold to one ASCII character
    (``é`` → ``e``, a no-break space → a space) is rewritten by :func:`fold_table`. Characters
    that vanish (combining marks, soft hyphens) or grow (``ß`` → ``ss``) would move every later
    offset, so such a text gives None.
    """
    if text.isascii():
        return text
    if _not_one_for_one().search(text):
        return None
    return _NON_ASCII.sub(_fold_match, text)


def _fold_match(match: re.Match[str]) -> str:
    table = fold_table()
    run = match.group()
    return "".join([table.get(ord(c), c) for c in run])


def gathered(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """``values[starts[i]:ends[i]]`` for every ``i``, concatenated, and where each piece starts
    (with the total at the end): one gather instead of a slice and a decode per piece, which
    was half of counting a batch's new words when many are new (a corpus in several scripts)."""
    lengths = (ends - starts).astype(np.int64)
    placed = np.cumsum(lengths) - lengths
    index = np.arange(int(lengths.sum())) + np.repeat(starts - placed, lengths)
    return values[index], [0, *np.cumsum(lengths).tolist()]


@dataclass(frozen=True)
class BatchWords:
    """The tokens of a batch (all words) by hash; :meth:`form` spells one.

    Forms are decoded on demand: a :class:`~variorum.dedup.tally.WordTally` asks only for the
    hashes it has not seen.
    """

    hashes: np.ndarray  # uint64, one per token
    data: np.ndarray  # the batch's bytes
    starts: np.ndarray  # where each token starts in ``data``
    ends: np.ndarray

    def form(self, i: int) -> str:
        return self.data[self.starts[i] : self.ends[i]].tobytes().decode("ascii").lower()

    def forms(self, indices: np.ndarray) -> list[str]:
        """:meth:`form` of each of ``indices``, decoded together (tokens are ASCII letters, so
        setting bit 0x20 lower-cases them)."""
        chars, bounds = gathered(self.data, self.starts[indices], self.ends[indices])
        text = (chars | np.uint8(0x20)).tobytes().decode("ascii")
        return [text[a:b] for a, b in itertools.pairwise(bounds)]


@dataclass(frozen=True)
class Signed:
    """What :func:`sign_texts` gives for each text; ``ok`` is False where the text was not signed.

    ``lengths`` (token counts) is 0 for a text without tokens; its other fields are then 0.
    """

    ok: np.ndarray  # bool
    lengths: np.ndarray  # int64
    content: np.ndarray  # uint64, as variorum.dedup.signature.content_hash
    bands: np.ndarray  # n x BANDS uint64, as variorum.dedup.signature.band_keys
    words: Any  # the signed texts' words (BatchWords, scripts.ScriptWords), when asked for


def token_arrays(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end (exclusive) and hash of every token of ASCII bytes ``data`` (fast-path text)."""
    starts, ends, poly = token_polys(data)
    return starts, ends, mix64(poly)


def token_polys(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end (exclusive) and polynomial of every token of ASCII bytes ``data``: the
    :func:`~variorum.dedup.tokens.poly_hash` of its lower-cased letters, before mixing.

    ``BASE`` is odd, so it has an inverse modulo 2**64, and the polynomial of ``c[s:e]`` is
    ``BASE**(e-1) * (S[e] - S[s])`` where ``S[k]`` is the sum of ``c[i] * BASE**-i`` for ``i < k``:
    one multiplication and one cumulative sum over the bytes give every token's polynomial
    (numpy's unsigned arithmetic wraps modulo 2**64, as the definition does).
    """
    lower = data | np.uint8(0x20)  # ASCII letters in lower case; other bytes are not used
    letter = np.zeros(len(data) + 2, dtype=bool)
    np.less(lower - np.uint8(97), np.uint8(26), out=letter[1:-1])
    # Where a run of letters starts or ends: alternately a start and an end, in order.
    edges = np.flatnonzero(letter[1:] != letter[:-1])
    starts, ends = edges[0::2], edges[1::2]
    if not len(starts):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=np.uint64)
    return starts, ends, run_polys(lower, starts, ends)


#: Longest run :func:`run_polys` takes letter by letter; a batch with a longer one takes running
#: sums (:func:`run_polys_by_sums`), whose cost does not grow with a run's length.
HORNER_LENGTH = 64


def run_polys(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The polynomial of each run ``codes[starts[i]:ends[i]]`` (non-empty, ``ends`` exclusive):
    ``sum(codes[k] * BASE**(end - 1 - k))`` modulo 2**64, as :func:`run_polys_by_sums` gives it.

    By Horner's rule for all runs at once, letter by letter: runs sorted longest first, so that
    the runs still going at step ``j`` are a prefix and each step is a few operations on it.
    Words are short, so that is a dozen or two steps over the batch's letters, where running
    sums take a multiplication and a cumulative sum over every code of the batch (the
    cumulative sum alone cost more than all these steps).
    """
    if not len(starts):
        return np.empty(0, dtype=np.uint64)
    lengths = ends - starts
    longest = int(lengths.max())
    if longest > HORNER_LENGTH:
        return run_polys_by_sums(codes, starts, ends)
    if codes.dtype.kind != "u":  # signed codes (-1 outside every run) would not add to uint64
        codes = codes.astype(np.uint32)
    order = np.argsort(-lengths.astype(np.int8), kind="stable")  # a radix sort of small keys
    going = len(starts) - np.cumsum(np.bincount(lengths, minlength=longest + 1))  # longer than j
    cursor = starts[order]
    poly = np.zeros(len(starts), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(longest):
            head = poly[: int(going[j])]
            at = cursor[: len(head)]
            head *= _BASE
            head += codes[at]
            at += 1
    out = np.empty_like(poly)
    out[order] = poly
    return out


def run_polys_by_sums(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """:func:`run_polys` from running sums (:func:`_running_sum`): its reference, and its way for
    a batch with a very long run."""
    powers, inverses = _position_powers(len(codes))
    running = _running_sum(codes, inverses)
    with np.errstate(over="ignore"):
        return powers[ends - 1] * (running[ends] - running[starts])


def _running_sum(codes: np.ndarray, inverses: np.ndarray) -> np.ndarray:
    """``S`` with ``S[k]`` the sum of ``codes[i] * BASE**-i`` for ``i < k`` (``S[0]`` is 0), modulo
    2**64: the sum over ``codes[s:e]`` is ``S[e] - S[s]``, with no test for a token at 0."""
    running = np.empty(len(codes) + 1, dtype=np.uint64)
    running[0] = 0
    with np.errstate(over="ignore"):
        # Code points -1 (texts left to the per-text path) wrap; only sums inside a token are used.
        np.multiply(codes, inverses[: len(codes)], out=running[1:], dtype=np.uint64, casting="unsafe")
        np.cumsum(running[1:], out=running[1:])
    return running


_POWERS: list[np.ndarray] = []


def _position_powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``BASE**k`` and ``BASE**-k`` modulo 2**64 for ``k < size`` (kept, grown as needed)."""
    if not _POWERS or len(_POWERS[0]) < size:
        # Doubled (up to 4M entries, 32 MB a table), so that batches of slowly growing sizes
        # do not rebuild it each time.
        size = max(size, 1 << 18, min(2 * len(_POWERS[0]), 1 << 22) if _POWERS else 0)
        _POWERS[:] = [power_table(factor, size) for factor in (BASE, pow(BASE, -1, 2**64))]
    return _POWERS[0], _POWERS[1]


#: Powers per row of :func:`power_table`.
_POWER_BLOCK = 4096


def power_table(factor: int, size: int) -> np.ndarray:
    """``factor**k`` modulo 2**64 for ``k < size``, as :func:`power_table_reference` gives it.

    A running product is one dependent multiplication after another (25 ms for a table of two
    million, built again by every worker that compares records); here only two short running
    products are taken, ``factor**j`` for ``j`` below :data:`_POWER_BLOCK` and ``factor**(i *
    _POWER_BLOCK)`` for each row ``i``, and their outer product gives the table (about ten times
    faster: the same values, since multiplication modulo 2**64 is associative).
    """
    width = max(1, min(size, _POWER_BLOCK))
    rows = max(1, -(-size // width))
    with np.errstate(over="ignore"):
        within = _running_powers(factor, width)
        across = _running_powers(pow(factor, width, 2**64), rows)
        table = np.empty((rows, width), dtype=np.uint64)
        np.multiply(across[:, None], within[None, :], out=table)
    return table.reshape(-1)[:size]


def _running_powers(factor: int, size: int) -> np.ndarray:
    """``factor**k`` modulo 2**64 for ``k < size``, by a running product."""
    table = np.ones(size, dtype=np.uint64)
    if size > 1:
        with np.errstate(over="ignore"):
            table[1:] = np.multiply.accumulate(np.full(size - 1, factor, dtype=np.uint64))
    return table


def power_table_reference(factor: int, size: int) -> list[int]:
    """``factor**k`` modulo 2**64 for ``k < size``, in pure Python (the reference of
    :func:`power_table`)."""
    out, value = [], 1
    for _ in range(size):
        out.append(value)
        value = value * factor % 2**64
    return out


def _powers(lengths: np.ndarray) -> np.ndarray:
    """``BASE ** length mod 2**64`` for each length."""
    table = _power_table(int(lengths.max(initial=0)) + 1)
    return table[lengths]


@cache
def _power_table(size: int) -> np.ndarray:
    size = max(size, 64)
    table = np.ones(size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(1, size):
            table[k] = table[k - 1] * _BASE
    return table


def owners(starts: np.ndarray, text_start: np.ndarray) -> np.ndarray:
    """The text each token belongs to: for each of ``starts`` (ascending), the last text whose
    start (``text_start``, ascending from 0) is at or before it. That is
    ``np.searchsorted(text_start, starts, side="right") - 1``, found by searching the few text
    starts among the many tokens instead (a batch of 30 texts: 15 us instead of 110)."""
    first = np.searchsorted(starts, text_start)
    return np.repeat(np.arange(len(text_start)), np.diff(first, append=len(starts)))


def sign_texts(texts: Sequence[bytes], *, count_words: bool = False) -> Signed:
    """Token counts, content hashes and band keys of fast-path ``texts`` (see :func:`fast_path`).

    A text holding a byte the fast path cannot read gets ``ok`` False and must be signed one by
    one; every other result equals what the per-text path computes. With ``count_words``,
    :attr:`Signed.words` counts the signed texts' tokens (all of them words) by hash.
    """
    n = len(texts)
    ok = np.ones(n, dtype=bool)
    if n == 0:
        return sign_tokens(ok, np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64))
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=n) + 1
    joined = b"\n".join(texts) + b"\n"
    data = np.frombuffer(joined, dtype=np.uint8)
    text_start = np.cumsum(sizes) - sizes
    other = other_bytes(joined)  # one pass over the batch, not a search per text
    if len(other):
        ok[np.searchsorted(text_start, other, side="right") - 1] = False
    starts, ends, hashes = token_arrays(data)
    owner = owners(starts, text_start)
    keep = ok[owner]
    owner, hashes = owner[keep], hashes[keep]
    words: BatchWords | None = None
    if count_words:
        words = BatchWords(hashes, data, starts[keep], ends[keep])
    return sign_tokens(ok, hashes, owner, words)


def sign_tokens(ok: np.ndarray, hashes: np.ndarray, owner: np.ndarray, words: Any = None) -> Signed:
    """:class:`Signed` of a batch of texts from the hashes of their tokens, in order, and the
    text each belongs to (``owner``, ascending; texts not ``ok`` have no tokens here)."""
    n = len(ok)
    lengths = np.zeros(n, dtype=np.int64)
    content = np.zeros(n, dtype=np.uint64)
    bands = np.zeros((n, BANDS), dtype=np.uint64)
    if n == 0:
        return Signed(ok, lengths, content, bands, words)
    lengths[:] = np.diff(np.searchsorted(owner, np.arange(n + 1)))  # owner ascends
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
