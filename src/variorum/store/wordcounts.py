"""A batch's word counts in two flat columns: the words joined by one separator, the counts as
little-endian 64-bit integers.

This is how word counts travel from a worker to the main process, from there to every worker,
and into the index's ``vocabulary_batches`` (:mod:`variorum.store.schema`, version 8). A
``Counter`` of the 13,000 words of 125 generated documents took pickle a call per word each way,
and merging chunks' Counters in the main process was a Python loop over every word (a quarter of
a second for 3,000 documents of invented vocabulary): two flat columns are one string and one
byte string, copied as they are, and only the processes that must look words up split them.

Kept free of SQL, like :mod:`variorum.store.codec`, so that workers can pack their counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import add

import numpy as np

from variorum.store.codec import SEP

_COUNT = np.dtype("<i8")


@dataclass(frozen=True)
class WordCounts:
    """Word counts as stored: ``words`` joined by :data:`~variorum.store.codec.SEP`, ``counts``
    the count of each, in the same order, as little-endian int64.

    ``hashes``, if given, is the polynomial hash of each word, in the same order, as native
    uint64 (:func:`~variorum.text.join_sites.joined_hashes`): the worker that counts a chunk
    hashes its words once, and every worker adds them to its vocabulary without hashing them
    again (:mod:`variorum.workers`). It is not stored, nor compared: parts read back from the
    index have none, and those who need hashes then make them."""

    words: str
    counts: bytes
    hashes: bytes | None = field(default=None, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.counts) // _COUNT.itemsize

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> WordCounts:
        """The columns of ``counts``, in its order. Raises ``ValueError`` if a word holds the
        separator (a normalized token never does) and so could not be told apart again."""
        joined = SEP.join(counts)
        if joined.count(SEP) != max(0, len(counts) - 1):
            raise ValueError("a word holds the separator of packed word counts")
        values = np.fromiter(counts.values(), dtype=_COUNT, count=len(counts))
        return cls(joined, values.tobytes())

    @classmethod
    def of_columns(cls, words: list[str], counts: np.ndarray) -> WordCounts:
        """The columns of ``words`` counted ``counts`` (distinct words, in order), as
        :meth:`of` makes them of the dict of the same items."""
        joined = SEP.join(words)
        if joined.count(SEP) != max(0, len(words) - 1):
            raise ValueError("a word holds the separator of packed word counts")
        return cls(joined, counts.astype(_COUNT).tobytes())

    def split(self) -> tuple[list[str], list[int]]:
        """The words and their counts, as lists in the stored order."""
        n = len(self)
        words = self.words.split(SEP) if n else []
        return words, np.frombuffer(self.counts, dtype=_COUNT).tolist()

    def as_dict(self) -> dict[str, int]:
        words, counts = self.split()
        return dict(zip(words, counts, strict=True))


@dataclass(frozen=True)
class CountsSum:
    """The sum of the parts numbered ``first`` to ``end - 1`` of an ``add`` (parts are numbered
    in the order the workers were sent them), as the JSON object that
    :meth:`~variorum.store.index.Index.fold_vocabulary` upserts: a worker adds them up while the
    main process commits the last batches (:mod:`variorum.workers`)."""

    first: int
    end: int
    total: str


def add_counts(into: dict[str, int], part: WordCounts) -> None:
    """Add ``part`` to ``into`` as ``Counter.update`` would (the same sums, new words appended
    in ``part``'s order), with the loop in C: ``map`` of ``dict.get`` and ``operator.add``
    instead of a Python statement a word. ``into`` may be a ``Counter``."""
    words, counts = part.split()
    add_words(into, words, counts)


def add_mapping(into: dict[str, int], counts: Mapping[str, int]) -> None:
    """Add ``counts`` to ``into`` as :func:`add_counts` adds a part."""
    add_words(into, counts, counts.values())


def add_words(into: dict[str, int], words: Iterable[str], counts: Iterable[int]) -> None:
    """Add ``counts[i]`` to ``into[words[i]]``, new words appended in order, with the loop in C
    (``words`` is read twice: a sequence or a mapping's keys)."""
    dict.update(into, zip(words, map(add, counts, map(into.get, words, repeat(0))), strict=True))


def merged(parts: Iterable[WordCounts]) -> dict[str, int]:
    """The sum of ``parts``, words in the order they first appear."""
    total: dict[str, int] = {}
    for part in parts:
        add_counts(total, part)
    return total


__all__ = ["CountsSum", "WordCounts", "add_counts", "add_mapping", "add_words", "merged"]
