"""Token codes that rapidfuzz compares as it compares token hashes, as strings.

rapidfuzz's Levenshtein and Indel take a list of ints by converting every item (its Python
``hash``) and take a ``str`` as it is: on two manual pages of 800 words, 19 µs for the lists
(plus 29 µs to make them from arrays) against 1.6 µs for strings of the same length. Two
documents' tokens are therefore numbered, consistently between the two, by their distinct
values, and the numbers read as code points. rapidfuzz compares a list's ints by ``hash``, which
for an int ``n >= 0`` is ``n mod (2**61 - 1)``: the tokens are numbered by that value, so two
strings are equal where the two lists are, position by position, and every figure computed from
them (an LCS's blocks, an edit distance) is the same. Tokens are numbered by their hashes, and
a pair whose hashes differ but are equal modulo that (none was ever seen) gets no codes, so
that the codes are equal exactly where the hashes are, which figures computed without
rapidfuzz (the words two heads share) rely on.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: rapidfuzz compares the items of a list of ints by their Python ``hash``, which for an int
#: ``n >= 0`` is ``n mod (2**61 - 1)``: token hashes equal there are equal to it.
HASH_MODULUS = np.uint64(2**61 - 1)
#: The surrogate code points, which a ``str`` decoded from UTF-32 cannot hold: numbers from
#: here on are shifted past them.
_SURROGATES, _SURROGATE_COUNT = 0xD800, 0x800
#: Numbers a pair may use: every code point but the surrogates.
_MAX_NUMBERS = 0x110000 - _SURROGATE_COUNT


class Vocabulary(NamedTuple):
    """A document's distinct token hashes, for :func:`pair_codes`."""

    #: The distinct token hashes as rapidfuzz compares them (mod ``2**61 - 1``), sorted, the
    #: hash of each, and each token's index among them.
    keys: np.ndarray
    values: np.ndarray
    index: np.ndarray
    #: Whether no two distinct hashes are equal as rapidfuzz compares them.
    injective: bool
    #: The tokens' codes and their string when the document is the first of a pair.
    points: np.ndarray
    text: str


def vocabulary(hashes: np.ndarray) -> Vocabulary:
    """The :class:`Vocabulary` of a document's token hashes."""
    tokens = np.asarray(hashes, dtype=np.uint64)
    order = np.argsort(tokens % HASH_MODULUS)  # any order of equal keys numbers them alike
    ordered = tokens[order]
    keys_ordered = ordered % HASH_MODULUS
    new = np.empty(len(tokens), dtype=bool)
    new[:1] = True
    np.not_equal(keys_ordered[1:], keys_ordered[:-1], out=new[1:])
    number = np.cumsum(new) - 1
    index = np.empty(len(tokens), dtype=np.int64)
    index[order] = number
    values = ordered[new]
    injective = bool((ordered == values[number]).all())
    points = _code_points(index)
    return Vocabulary(keys_ordered[new], values, index, injective, points, text(points))


def pair_codes(a: Vocabulary, b: Vocabulary) -> tuple[np.ndarray, np.ndarray] | None:
    """Code points for the tokens of two documents: equal exactly where the token hashes are,
    which is where rapidfuzz takes them as equal. None when the two have more distinct tokens
    than there are code points, or two distinct hashes rapidfuzz would take as equal (then
    compare the arrays or lists)."""
    if not a.injective or not b.injective or len(a.keys) + len(b.keys) > _MAX_NUMBERS:
        return None
    # b's tokens numbered as a's where a has them, after a's otherwise.
    number = len(a.keys) + np.arange(len(b.keys), dtype=np.int64)
    if len(a.keys):
        at = np.minimum(a.keys.searchsorted(b.keys), len(a.keys) - 1)
        shared = a.keys[at] == b.keys
        at = at[shared]
        if (a.values[at] != b.values[shared]).any():
            return None  # equal as rapidfuzz compares them, but distinct hashes
        number[shared] = at
    return a.points, _code_points(number[b.index])


def joint_codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`pair_codes` of two documents' token hashes, for a pair whose documents are in no
    other: the tokens of both numbered in one sort rather than two :func:`vocabulary` and a
    lookup. The numbers differ from :func:`pair_codes`' but are equal exactly where those are
    (where the hashes are), which is all any use of them reads; None in the same cases."""
    na, nb = len(a), len(b)
    if na + nb > _MAX_NUMBERS:  # perhaps more distinct tokens than code points: count them
        return pair_codes(vocabulary(a), vocabulary(b))
    tokens = np.concatenate([np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64)])
    keys = tokens % HASH_MODULUS
    order = np.argsort(keys)
    ordered = keys[order]
    new = np.empty(na + nb, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    if not new.all():
        # Equal keys must be equal hashes (within either document or across the two).
        same = tokens[order]
        if ((same[1:] != same[:-1]) & ~new[1:]).any():
            return None
    if na + nb <= _SURROGATES:  # numbers below the surrogates: code points as they are
        codes = np.empty(na + nb, dtype=np.uint32)
        numbers = np.cumsum(new, dtype=np.uint32)
        numbers -= 1
        codes[order] = numbers
    else:
        number = np.empty(na + nb, dtype=np.int64)
        number[order] = np.cumsum(new) - 1
        codes = _code_points(number)
    return codes[:na], codes[na:]


def _code_points(numbers: np.ndarray) -> np.ndarray:
    codes = numbers.astype(np.uint32)
    if len(codes) and int(codes.max()) >= _SURROGATES:
        codes[codes >= _SURROGATES] += _SURROGATE_COUNT
    return codes


def text(codes: np.ndarray) -> str:
    """The code points as a string."""
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le")


__all__ = ["HASH_MODULUS", "Vocabulary", "joint_codes", "pair_codes", "text", "vocabulary"]
