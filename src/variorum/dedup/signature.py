"""A record's signature: 32 band keys of a MinHash sketch of its word 4-grams, 256 bytes.

Near-duplicates are found without comparing every pair by *locality-sensitive hashing*: two
records whose sets of word 4-grams have Jaccard similarity ``J`` agree on each value of a MinHash
sketch with probability ``J``; the 64 values are cut into 32 bands of 2 and two records become a
candidate pair when any band is equal, which happens with probability ``1 - (1 - J²)³²``:

==================================  ==========  ==========================  ==========
pair                                J (approx)  1 - (1 - J²)³²              measured
==================================  ==========  ==========================  ==========
5 % of the words edited             0.70        > 0.999999                  300 / 300
10 % (similarity ~0.9)              0.54        0.99998                     300 / 300
15 % (similarity ~0.86)             0.41        0.996                       300 / 300
19 % (similarity 0.81-0.85)         0.34        0.98                        294 / 300
sharing one 60-word paragraph       0.05        ~0.08 (compared, rejected)
unrelated, same vocabulary          < 0.002     < 0.0002
==================================  ==========  ==========================  ==========

("measured": pairs found among 300 made by the generator of ``tests/test_dedup.py``, each with
two split words and its own line width.)

Four-word shingles are the compromise between the two ends: with five, a pair at the default
threshold (one word in five edited) keeps too few shingles to be found reliably; with three,
stock phrases ("one of the") make unrelated records collide too often for the comparison to
keep up. Candidates are then compared exactly (:mod:`variorum.dedup.stream`), so a collision
costs time, never precision. Thresholds below ~0.75 still compare exactly but find fewer of
their pairs.

The sketch is a *one-permutation* MinHash (Li, Owen & Zhang 2012): every shingle is hashed once,
the hash space is cut into 64 bins by the top 6 bits, and each bin keeps its smallest hash; an
empty bin (a record of fewer than ~64 words) borrows the next bin's value (Shrivastava & Li
2014's rotation). One sort of a record's shingle hashes gives the whole sketch, instead of 64
hash evaluations per shingle.

Signatures live only for one run and are never stored, so they carry no format version; they
depend on numpy's native byte order only through :func:`content_hash`, which is likewise
compared only within a run.
"""

from __future__ import annotations

import numpy as np
import xxhash

from variorum.detect.fingerprint import mix64, ngram_hashes

#: Words per shingle (see the module docstring for why four).
NGRAM = 4
#: Values in a band: a band matches with probability J**ROWS.
ROWS = 2
#: Bands per record: any matching band makes a candidate pair.
BANDS = 32
BINS = ROWS * BANDS
#: Bytes of signature kept in memory per record.
SIGNATURE_BYTES = BANDS * 8

_BIN_BITS = np.uint64(64 - int(np.log2(BINS)))
_BIN_STARTS = np.arange(BINS, dtype=np.uint64) << _BIN_BITS
_MULT = np.uint64(0x100000001B3)


def shingles(tokens: np.ndarray) -> np.ndarray:
    """Hashes of the word 4-grams of ``tokens`` (token hashes); a shorter text is one shingle."""
    if len(tokens) >= NGRAM:
        return ngram_hashes(tokens, NGRAM)
    return ngram_hashes(tokens, len(tokens)) if len(tokens) else np.empty(0, dtype=np.uint64)


def sketch(tokens: np.ndarray) -> np.ndarray:
    """The one-permutation MinHash of a non-empty record: ``BINS`` ``uint64`` values."""
    values = np.sort(shingles(tokens))
    first = np.searchsorted(values, _BIN_STARTS)
    # The first hash at or after a bin's start is the bin's minimum, or, for an empty bin, the
    # next non-empty bin's (wrapping around): the rotation densification, for free.
    return values[first % len(values)]


def band_keys(tokens: np.ndarray) -> np.ndarray:
    """``BANDS`` ``uint64`` keys; two records are candidates when any key is equal."""
    rows = sketch(tokens).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        combined = rows[:, 0] * _MULT + rows[:, 1]
    return mix64(combined)


def content_hash(tokens: np.ndarray) -> int:
    """A 64-bit hash of the whole token sequence: equal for exact copies (after normalization)."""
    return xxhash.xxh3_64_intdigest(tokens.tobytes())
