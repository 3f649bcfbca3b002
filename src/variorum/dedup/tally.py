"""Word counts keyed by token hash while a file is read (:class:`WordTally`).

The batch paths (:func:`variorum.dedup.batch.sign_texts`, :mod:`variorum.dedup.scripts`) know
every token's hash without making its string, and the ``words`` measure needs the count of
every word of the file (split-word repair asks how common a joined form is). Counting is done
for every token of the file, so it has to cost a few numpy operations per batch, not a sort:
sorting each batch's hashes and binary-searching them in a sorted run of all hashes seen was a
third of the first pass on generated corpora.

The hashes seen are therefore kept in a hash table of numpy arrays: each hash has two places
(two multiplicative hashes of it), and a batch's tokens are counted with two gathers, a
comparison and one unbuffered addition. A hash that finds neither of its places free goes to a
small sorted overflow run, as the whole tally used to be kept. Only a hash never seen before
has its form decoded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

import numpy as np

from variorum.dedup.tokens import VOCABULARY_SIZE

_SPREAD = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))  # odd: Fibonacci hashing
#: Slots of a new table (a power of two); the table doubles when it is half full.
FIRST_BITS = 16


class WordTally:
    """Word counts keyed by token hash, each form decoded once; see the module docstring.

    :meth:`counter` gives the counts by form, as the :class:`~variorum.dedup.tokens.RunningVocabulary`
    keeps them. Beyond ``limit`` forms the rarer half is dropped (ties: the smaller hash stays),
    and :attr:`pruned` says so.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = VOCABULARY_SIZE if limit is None else limit
        self._table(FIRST_BITS)
        self.overflow = np.empty(0, dtype=np.uint64)  # sorted, distinct, none in the table
        self.overflow_counts = np.empty(0, dtype=np.int64)
        self.forms: dict[int, str] = {}
        self.new: dict[int, str] = {}  # forms decoded since the last take_new()
        self.pruned = False
        # Distinct counts from other tallies not added yet (see add_later), and how many.
        self.later: list[tuple[np.ndarray, np.ndarray]] = []
        self.later_size = 0

    def _table(self, bits: int) -> None:
        self.bits = bits
        self.shift = np.uint64(64 - bits)
        self.keys = np.zeros(1 << bits, dtype=np.uint64)  # 0: a free slot (hash 0 overflows)
        self.counts = np.zeros(1 << bits, dtype=np.int64)
        self.size = 0  # hashes in the table

    def _slots(self, hashes: np.ndarray, way: int) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((hashes * _SPREAD[way]) >> self.shift).astype(np.intp)

    def __len__(self) -> int:
        return self.size + len(self.overflow)

    def add(
        self,
        hashes: np.ndarray,
        counts: np.ndarray | None = None,
        form: Callable[[int], str] | None = None,
        *,
        forms: Callable[[np.ndarray], list[str]] | None = None,
        distinct: bool = False,
    ) -> None:
        """Count ``hashes`` (once each, or ``counts`` times); ``form(i)`` spells ``hashes[i]``,
        or ``forms(indices)`` spells several at once. ``distinct`` promises that no hash repeats
        (another tally's :meth:`take_counts`), which makes adding counts one indexed addition."""
        if not len(hashes):
            return
        # Every token asks the table, even though a batch of prose holds each distinct word
        # about four times: counting the batch by value first (a sort of its hashes) cost twice
        # as much as the lookups it saved (20,000 records of 500 words: 0.47 s against 0.22 s).
        self._add_later()
        rest: np.ndarray | None = None  # tokens not counted yet (None: all of them)
        zero = not hashes.all()  # hash 0 would match a free slot: it is kept in the overflow
        for way in (0, 1):
            looked = hashes if rest is None else hashes[rest]
            slots = self._slots(looked, way)
            hit = self.keys[slots] == looked
            if zero:
                hit &= looked != 0
            if counts is None:
                np.add.at(self.counts, slots[hit], 1)  # numpy's fast path for a scalar
            else:
                looked_counts = counts[hit] if rest is None else counts[rest[hit]]
                if distinct:  # distinct hashes hold distinct slots
                    self.counts[slots[hit]] += looked_counts
                else:
                    self._count(slots[hit], looked_counts)
            rest = np.flatnonzero(~hit) if rest is None else rest[~hit]
            if not len(rest):
                return
        self._add_rest(hashes[rest], rest, None if counts is None else counts[rest], form, forms)

    def _count(self, slots: np.ndarray, counts: np.ndarray) -> None:
        """Add ``counts`` at ``slots``, which may repeat."""
        # With an array of values np.add.at is slow (a worker's counts, 100,000 at a time, took
        # 1.3 s of the main process on 130 MB); counts are far below 2**53, so the float
        # weights of bincount are exact.
        if len(slots) >= len(self.keys) // 16:
            self.counts += np.bincount(slots, weights=counts, minlength=len(self.keys)).astype(np.int64)
        elif len(slots):
            distinct, where = np.unique(slots, return_inverse=True)
            self.counts[distinct] += np.bincount(where, weights=counts).astype(np.int64)

    def _add_rest(
        self,
        hashes: np.ndarray,
        index: np.ndarray,
        counts: np.ndarray | None,
        form: Callable[[int], str] | None,
        forms: Callable[[np.ndarray], list[str]] | None,
    ) -> None:
        """Count the tokens the table does not hold (``index``: where they are in the batch)."""
        order = np.argsort(hashes)
        ordered = hashes[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        distinct, first = ordered[starts], index[order[starts]]
        if counts is None:
            tally = np.diff(np.append(starts, len(ordered)))
        else:
            tally = np.add.reduceat(counts[order].astype(np.int64), starts)
        found = _found(self.overflow, distinct)
        self.overflow_counts[found[found >= 0]] += tally[found >= 0]
        fresh = found < 0
        if not fresh.any():
            return
        new_hashes, new_counts = distinct[fresh], tally[fresh]
        spelt: list[str] | None = None
        if forms is not None:
            spelt = forms(first[fresh])
        elif form is not None:
            spelt = [form(i) for i in first[fresh].tolist()]
        if spelt is not None:
            decoded = dict(zip(new_hashes.tolist(), spelt, strict=True))
            self.forms.update(decoded)
            self.new.update(decoded)
        self._insert(new_hashes, new_counts)
        if len(self) > self.limit:
            self._prune()
        elif self.size > len(self.keys) // 2:
            self._rebuild(self.bits + 1)

    def _insert(self, hashes: np.ndarray, counts: np.ndarray) -> None:
        """Place new distinct ``hashes`` (sorted, in neither the table nor the overflow)."""
        left = np.flatnonzero(hashes != 0)
        for way in (0, 1):
            if not len(left):
                break
            slots = self._slots(hashes[left], way)
            free = np.flatnonzero(self.keys[slots] == 0)
            # Of the new hashes wanting one free slot, the one numpy writes last takes it: read
            # back, the slot holds its hash (no sort to find, say, the smallest).
            wanted, wanting = slots[free], hashes[left[free]]
            self.keys[wanted] = wanting
            taken = free[self.keys[wanted] == wanting]
            self.counts[slots[taken]] = counts[left[taken]]
            self.size += len(taken)
            placed = np.zeros(len(left), dtype=bool)
            placed[taken] = True
            left = left[~placed]
        rest = np.ones(len(hashes), dtype=bool)
        rest[np.flatnonzero(hashes != 0)] = False
        rest[left] = True
        self.overflow, self.overflow_counts = _merged(
            self.overflow, self.overflow_counts, hashes[rest], counts[rest]
        )

    def _entries(self) -> tuple[np.ndarray, np.ndarray]:
        """Every hash counted (table and overflow), sorted, with its count."""
        self._add_later()
        used = np.flatnonzero(self.keys)
        keys = np.concatenate([self.keys[used], self.overflow])
        counts = np.concatenate([self.counts[used], self.overflow_counts])
        order = np.argsort(keys)
        return keys[order], counts[order]

    def _rebuild(self, bits: int, keys: np.ndarray | None = None, counts: np.ndarray | None = None) -> None:
        """A table of ``2**bits`` slots holding ``keys`` (sorted; default: every hash counted)."""
        if keys is None or counts is None:
            keys, counts = self._entries()
        self._table(bits)
        self.overflow, self.overflow_counts = keys[:0], counts[:0]
        self._insert(keys, counts)

    def _prune(self) -> None:
        keys, counts = self._entries()
        kept = np.sort(np.argsort(-counts, kind="stable")[: self.limit // 2])
        keys, counts = keys[kept], counts[kept]
        self.forms = {h: self.forms[h] for h in keys.tolist() if h in self.forms}
        self.pruned = True
        self._rebuild(max(FIRST_BITS, (2 * len(keys)).bit_length()), keys, counts)

    def add_later(self, hashes: np.ndarray, counts: np.ndarray) -> None:
        """Counts of distinct ``hashes`` (another tally's :meth:`take_counts`), added only when
        the tally is next changed or read: :meth:`take_counts` then adds them all with one sort
        rather than placing each hash in the table (a worker's counts, 100,000 forms each, took
        a tenth of a second of the main process each). Counts that could make the tally drop
        forms are added at once, as :meth:`add` adds them."""
        if not len(hashes):
            return
        self.later.append((hashes, counts))
        self.later_size += len(hashes)
        if len(self) + self.later_size > self.limit:
            self._add_later()

    def _add_later(self) -> None:
        later, self.later, self.later_size = self.later, [], 0
        for hashes, counts in later:
            self.add(hashes, counts, distinct=True)

    def add_forms(self, forms: Mapping[int, str]) -> None:
        """Forms decoded elsewhere (by a worker process), for hashes counted with :meth:`add`."""
        self.forms.update(forms)

    def take_new(self) -> dict[int, str]:
        """The forms decoded since the last call (what another process has not been sent)."""
        new, self.new = self.new, {}
        return new

    def take_counts(self, *, sum_later: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The hashes counted so far (distinct, in no particular order) and their counts, then
        start counting afresh; forms are kept, up to ``limit`` of them (beyond, they are
        forgotten and decoded again when seen). Not sorted: a worker's counts, taken for every
        range it reads, only go to another tally's :meth:`add`. Without ``sum_later``, the
        counts of other tallies not added yet (:meth:`add_later`) come as they are, so a hash
        may repeat: for a caller that sums them with more counts in one sort."""
        used = np.flatnonzero(self.counts)
        seen = np.flatnonzero(self.overflow_counts)
        keys = np.concatenate([self.keys[used], self.overflow[seen], *(h for h, _ in self.later)])
        counts = np.concatenate([self.counts[used], self.overflow_counts[seen], *(c for _, c in self.later)])
        self.counts[used] = 0
        self.overflow_counts[seen] = 0
        if len(self.forms) > self.limit:
            self._table(FIRST_BITS)
            self.overflow, self.overflow_counts = self.overflow[:0], self.overflow_counts[:0]
            self.forms = {}
        if self.later:  # counts of other tallies: sum the counts of each hash
            self.later, self.later_size = [], 0
            if sum_later:
                keys, counts = summed(keys, counts)
        return keys, counts

    def counter(self) -> Counter[str]:
        """The counts by form, in hash order (a hash whose form was dropped by pruning is left
        out)."""
        keys, counts = self._entries()
        seen = counts > 0
        spelt = list(map(self.forms.get, keys[seen].tolist()))
        pairs = zip(spelt, counts[seen].tolist(), strict=True)
        got: Counter[str] = Counter()
        # dict.update from pairs: what a comprehension does, without its per-item bytecode.
        dict.update(got, pairs if None not in spelt else ((f, c) for f, c in pairs if f is not None))
        return got


def summed(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys`` (sorted) and the sum of the ``counts`` of each."""
    if not len(keys):
        return keys, counts
    order = np.argsort(keys)
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], np.add.reduceat(counts[order].astype(np.int64), starts)


def _found(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each of ``values`` (sorted), its place in ``keys`` (sorted), or -1."""
    if not len(keys):
        return np.full(len(values), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
    return np.where(keys[at] == values, at, -1)


def _merged(
    keys: np.ndarray, counts: np.ndarray, more: np.ndarray, more_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs of distinct keys (none in both) merged, with their counts."""
    if not len(more):
        return keys, counts
    combined = np.concatenate([keys, more])
    order = np.argsort(combined, kind="stable")  # timsort merges two sorted runs in linear time
    return combined[order], np.concatenate([counts, more_counts])[order]
