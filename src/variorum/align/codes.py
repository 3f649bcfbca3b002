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

from variorum.arrays import in_sorted

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

    #: The sorted distinct token hashes, and each token's index among them.
    values: np.ndarray
    index: np.ndarray
    #: The values as rapidfuzz compares them (mod ``2**61 - 1``), in the order of ``values``,
    #: and sorted.
    keys: np.ndarray
    sorted_keys: np.ndarray
    #: Whether no two distinct values are equal as rapidfuzz compares them.
    injective: bool


def vocabulary(hashes: np.ndarray) -> Vocabulary:
    """The :class:`Vocabulary` of a document's token hashes."""
    tokens = np.asarray(hashes, dtype=np.uint64)
    order = np.argsort(tokens, kind="stable")
    ordered = tokens[order]
    new = np.empty(len(tokens), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    index = np.empty(len(tokens), dtype=np.int64)
    index[order] = np.cumsum(new) - 1
    values = ordered[new]
    keys = values % HASH_MODULUS
    sorted_keys = np.sort(keys)
    injective = not bool((sorted_keys[1:] == sorted_keys[:-1]).any())
    return Vocabulary(values, index, keys, sorted_keys, injective)


def pair_codes(a: Vocabulary, b: Vocabulary) -> tuple[np.ndarray, np.ndarray] | None:
    """Code points for the tokens of two documents: equal exactly where the token hashes are,
    which is where rapidfuzz takes them as equal. None when the two have more distinct tokens
    than there are code points, or two distinct hashes rapidfuzz would take as equal (then
    compare the arrays or lists)."""
    if not a.injective or not b.injective or len(a.values) + len(b.values) > _MAX_NUMBERS:
        return None
    # b's values numbered as a's where a has them, after a's otherwise.
    number = len(a.values) + np.arange(len(b.values), dtype=np.int64)
    if len(a.values):
        at = np.minimum(np.searchsorted(a.values, b.values), len(a.values) - 1)
        shared = a.values[at] == b.values
        if not np.array_equal(in_sorted(b.keys, a.sorted_keys), shared):
            return None  # a value of b equals one of a as rapidfuzz compares them, and only there
        number[shared] = at[shared]
    return _code_points(a.index), _code_points(number[b.index])


def _code_points(numbers: np.ndarray) -> np.ndarray:
    codes = numbers.astype(np.uint32)
    if len(codes) and int(codes.max()) >= _SURROGATES:
        codes[codes >= _SURROGATES] += _SURROGATE_COUNT
    return codes


def text(codes: np.ndarray) -> str:
    """The code points as a string."""
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le")


__all__ = ["HASH_MODULUS", "Vocabulary", "pair_codes", "text", "vocabulary"]
