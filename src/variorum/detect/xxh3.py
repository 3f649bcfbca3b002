"""xxh3-64 of many short byte strings at once, in numpy.

A token's hash is xxh3-64 (seed 0) of its normalized UTF-8 bytes (:mod:`variorum.detect.fingerprint`).
Hashing the tokens of a chunk of documents one by one, even from a cache of words already
seen, cost a dictionary lookup and a Python integer per token: more than cutting the tokens.
xxh3 reads an input of up to 128 bytes in a fixed number of 64-bit loads, multiplies and xors
chosen by its length alone, so the tokens of each length class are hashed together here, as
arrays, from one buffer holding all of them. Inputs of more than 128 bytes (rare as tokens)
are handed to the ``xxhash`` library one by one.

The constants and steps are those of the xxHash reference (``XXH3_64bits``, version 0.8: the
default secret's first 128 bytes, ``XXH3_len_1to3_64b`` … ``XXH3_len_17to128_64b``); the tests
compare every length from 0 to 300 and random bytes with ``xxhash.xxh3_64_intdigest``.
"""

from __future__ import annotations

import numpy as np
import xxhash

_SECRET = bytes.fromhex(
    "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
    "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c"
    "3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8"
    "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364"
)


def _u64(offset: int) -> np.uint64:
    return np.uint64(int.from_bytes(_SECRET[offset : offset + 8], "little"))


def _u32(offset: int) -> int:
    return int.from_bytes(_SECRET[offset : offset + 4], "little")


_PRIME64_1 = np.uint64(0x9E3779B185EBCA87)
_PRIME64_2 = np.uint64(0xC2B2AE3D27D4EB4F)
_PRIME64_3 = np.uint64(0x165667B19E3779F9)
_PRIME_MX1 = np.uint64(0x165667919E3779F9)
_PRIME_MX2 = np.uint64(0x9FB21C651E98DF25)
_LOW32 = np.uint64(0xFFFFFFFF)
_EMPTY = int(xxhash.xxh3_64_intdigest(b""))
#: Longest input hashed here; longer ones go to the library.
LONGEST = 128
# The steps of xxh3 by input length: 0, 1-3, 4-8, 9-16, 17-128 bytes, longer.
_CLASS_OF_LENGTH = np.searchsorted(np.array([0, 3, 8, 16, LONGEST]), np.arange(LONGEST + 2))


def _shift(h: np.ndarray, bits: int) -> np.ndarray:
    return h ^ (h >> np.uint64(bits))


def _xxh64_avalanche(h: np.ndarray) -> np.ndarray:
    h = _shift(h, 33) * _PRIME64_2
    h = _shift(h, 29) * _PRIME64_3
    return _shift(h, 32)


def _xxh3_avalanche(h: np.ndarray) -> np.ndarray:
    return _shift(_shift(h, 37) * _PRIME_MX1, 32)


def _fold(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The low and high halves of the 128-bit products ``a * b``, xored (``XXH3_mul128_fold64``),
    from four 32-bit products (numpy has no 128-bit integers)."""
    a_lo, a_hi = a & _LOW32, a >> np.uint64(32)
    b_lo, b_hi = b & _LOW32, b >> np.uint64(32)
    lo_lo = a_lo * b_lo
    hi_lo = a_hi * b_lo
    lo_hi = a_lo * b_hi
    cross = (lo_lo >> np.uint64(32)) + (hi_lo & _LOW32) + lo_hi
    upper = (hi_lo >> np.uint64(32)) + (cross >> np.uint64(32)) + a_hi * b_hi
    lower = (cross << np.uint64(32)) | (lo_lo & _LOW32)
    return upper ^ lower


class _Reader:
    """Little-endian 64- and 32-bit loads at any byte offsets of one buffer.

    The buffer is viewed as 64-bit words from each of its eight first bytes (eight copies, as
    fast as copying bytes), so that a load at any offset is one element of those: one gather
    per load of many offsets.
    """

    def __init__(self, data: bytes) -> None:
        words = len(data) // 8 + 1
        # Zero bytes after the end: a load may then start at any byte of the data.
        padded = data + bytes(8 * words + 8 - len(data))
        self.words = words
        self.table = np.concatenate(
            [np.frombuffer(padded, dtype="<u8", count=words, offset=shift) for shift in range(8)]
        ).astype(np.uint64, copy=False)

    def u64(self, at: np.ndarray) -> np.ndarray:
        return self.table.take((at & 7) * self.words + (at >> 3))

    def u32(self, at: np.ndarray) -> np.ndarray:
        return self.u64(at) & _LOW32


def _len_1to3(data: np.ndarray, at: np.ndarray, n: np.ndarray) -> np.ndarray:
    c1 = data[at].astype(np.uint64)
    c2 = data[at + (n >> 1)].astype(np.uint64)
    c3 = data[at + n - 1].astype(np.uint64)
    combined = (c1 << np.uint64(16)) | (c2 << np.uint64(24)) | c3 | (n.astype(np.uint64) << np.uint64(8))
    return _xxh64_avalanche(combined ^ np.uint64(_u32(0) ^ _u32(4)))


def _len_4to8(read: _Reader, at: np.ndarray, n: np.ndarray) -> np.ndarray:
    first = read.u32(at)
    last = read.u32(at + n - 4)
    h = (last + (first << np.uint64(32))) ^ (_u64(8) ^ _u64(16))
    rot49 = (h << np.uint64(49)) | (h >> np.uint64(15))
    rot24 = (h << np.uint64(24)) | (h >> np.uint64(40))
    h = (h ^ rot49 ^ rot24) * _PRIME_MX2
    h = (h ^ ((h >> np.uint64(35)) + n.astype(np.uint64))) * _PRIME_MX2
    return _shift(h, 28)


def _len_9to16(read: _Reader, at: np.ndarray, n: np.ndarray) -> np.ndarray:
    lo = read.u64(at) ^ (_u64(24) ^ _u64(32))
    hi = read.u64(at + n - 8) ^ (_u64(40) ^ _u64(48))
    acc = n.astype(np.uint64) + lo.byteswap() + hi + _fold(lo, hi)
    return _xxh3_avalanche(acc)


def _mix16(read: _Reader, at: np.ndarray, secret: int) -> np.ndarray:
    return _fold(read.u64(at) ^ _u64(secret), read.u64(at + 8) ^ _u64(secret + 8))


def _len_17to128(read: _Reader, at: np.ndarray, n: np.ndarray) -> np.ndarray:
    acc = n.astype(np.uint64) * _PRIME64_1
    acc += _mix16(read, at, 0)
    acc += _mix16(read, at + n - 16, 16)
    # The longer inputs add more pairs of 16-byte mixes; each subset is hashed on its own.
    for longer, first, second in ((32, 16, 32), (64, 32, 64), (96, 48, 96)):
        more = np.flatnonzero(n > longer)
        if not len(more):
            break
        part_at, part_n = at[more], n[more]
        extra = _mix16(read, part_at + first, second)
        extra += _mix16(read, part_at + part_n - first - 16, second + 16)
        acc[more] += extra
    return _xxh3_avalanche(acc)


def xxh3_64_many(data: bytes, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``xxh3_64(data[s:s + n])`` for each start ``s`` and length ``n``, as ``uint64``."""
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    out = np.empty(len(starts), dtype=np.uint64)
    if not len(starts):
        return out
    buffer = np.frombuffer(data, dtype=np.uint8)
    read = _Reader(data)
    with np.errstate(over="ignore"):
        classes = _CLASS_OF_LENGTH.take(np.minimum(lengths, LONGEST + 1))
        counts = np.bincount(classes, minlength=6)
        for cls in np.flatnonzero(counts).tolist():
            if counts[cls] == len(starts):  # one class only: no gather
                which, at, n = None, starts, lengths
            else:
                which = np.flatnonzero(classes == cls)
                at, n = starts[which], lengths[which]
            if cls == 0:
                hashed = np.full(len(at), _EMPTY, dtype=np.uint64)
            elif cls == 1:
                hashed = _len_1to3(buffer, at, n)
            elif cls == 2:
                hashed = _len_4to8(read, at, n)
            elif cls == 3:
                hashed = _len_9to16(read, at, n)
            elif cls == 4:
                hashed = _len_17to128(read, at, n)
            else:
                hashed = np.fromiter(
                    (
                        xxhash.xxh3_64_intdigest(data[s : s + k])
                        for s, k in zip(at.tolist(), n.tolist(), strict=True)
                    ),
                    dtype=np.uint64,
                    count=len(at),
                )
            if which is None:
                out[:] = hashed
            else:
                out[which] = hashed
    return out


__all__ = ["LONGEST", "xxh3_64_many"]
