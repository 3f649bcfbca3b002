"""Token and n-gram hashes as lists of Python ints, for a few short texts.

The same values as :func:`~variorum.detect.fingerprint.token_hashes` and
:func:`~variorum.detect.fingerprint.ngram_hashes` (``.tolist()`` of their ``uint64`` arrays),
computed without numpy: importing numpy costs ~40 ms of a ~130 ms ``variorum collate --files``
on two one-page files, whose ~1,500 n-grams take ~0.5 ms to hash here. Above a few thousand
tokens the arrays win (see :data:`variorum.collate.align.LISTED_TOKENS`).
``tests/test_hash_lists.py`` pins both to the same values.
"""

from __future__ import annotations

from collections.abc import Sequence

import xxhash

_MASK = (1 << 64) - 1
# As in variorum.detect.fingerprint: the polynomial's multiplier and splitmix64's constants.
_MULT = 0x100000001B3
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB


def token_hashes(norms: Sequence[str]) -> list[int]:
    """xxh3-64 of each normalized token's UTF-8 bytes, unsigned."""
    digest = xxhash.xxh3_64_intdigest
    return [digest(tok.encode("utf-8")) for tok in norms]


def ngram_hashes(tok: Sequence[int], n: int) -> list[int]:
    """Hash of every run of ``n`` consecutive token hashes (``len(tok) - n + 1``, or none): the
    polynomial in wrapping 64-bit arithmetic, then the splitmix64 finalizer."""
    out: list[int] = []
    mask, mult, m1, m2 = _MASK, _MULT, _M1, _M2
    for k in range(len(tok) - n + 1):
        h = tok[k]
        for j in range(k + 1, k + n):
            h = (h * mult + tok[j]) & mask
        h ^= h >> 30
        h = (h * m1) & mask
        h ^= h >> 27
        h = (h * m2) & mask
        out.append(h ^ (h >> 31))
    return out
