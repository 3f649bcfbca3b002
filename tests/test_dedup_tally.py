"""WordTally (the first pass's word counts by token hash) against a Counter and against the
sorted-run tally it replaced, kept here as its reference."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.dedup.tally import FIRST_BITS, WordTally, summed
from variorum.dedup.tokens import VOCABULARY_SIZE, token_hash


@given(st.lists(st.lists(st.sampled_from(["a", "b", "cc", "dd", "e"]), max_size=8), max_size=12))
@settings(max_examples=100, deadline=None)
def test_a_word_tally_counts_as_a_counter_does(batches):
    tally = WordTally()
    for batch in batches:
        forms, counts = np.unique(np.array(batch, dtype=object), return_counts=True) if batch else ([], [])
        hashes = np.array([token_hash(f) for f in forms], dtype=np.uint64)
        order = np.argsort(hashes)
        tally.add(
            hashes[order], np.asarray(counts, dtype=np.int64)[order], lambda i, o=order, f=forms: f[o[i]]
        )
    assert tally.counter() == Counter(w for batch in batches for w in batch)


def test_a_word_tally_grows_its_table_as_new_forms_come():
    rng = np.random.default_rng(4)
    words = [f"w{int(k)}" for k in rng.zipf(1.3, 40_000) % 30_000] + [
        f"v{int(k)}" for k in rng.integers(0, 90_000, 60_000)
    ]
    tally = WordTally()
    for at in range(0, len(words), 1_500):  # batches bringing new forms, again and again
        batch = words[at : at + 1_500]
        hashes = np.array([token_hash(w) for w in batch], dtype=np.uint64)
        tally.add(hashes, form=batch.__getitem__)
    assert tally.bits > FIRST_BITS  # the table grew at least once
    assert tally.counter() == Counter(words)


def test_a_word_tally_beyond_its_limit_keeps_the_frequent_half():
    tally = WordTally(limit=4)
    words = ["the"] * 5 + ["of"] * 3 + ["w1", "w2", "w3", "w4"]
    forms, counts = np.unique(np.array(words, dtype=object), return_counts=True)
    hashes = np.array([token_hash(f) for f in forms], dtype=np.uint64)
    order = np.argsort(hashes)
    tally.add(hashes[order], counts[order].astype(np.int64), lambda i: forms[order[i]])
    assert tally.counter() == Counter({"the": 5, "of": 3})
    assert tally.pruned


class SortedTally:
    """The sorted-run tally that WordTally replaced: the reference it must agree with."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = VOCABULARY_SIZE if limit is None else limit
        self.known = np.empty(0, dtype=np.uint64)  # sorted, distinct
        self.counts = np.empty(0, dtype=np.int64)  # beside ``known``
        self.recent = np.empty(0, dtype=np.uint64)  # sorted, distinct, none in ``known``
        self.recent_counts = np.empty(0, dtype=np.int64)
        self.forms: dict[int, str] = {}
        self.new: dict[int, str] = {}  # forms decoded since the last take_new()
        self.pruned = False

    def add(
        self,
        hashes: np.ndarray,
        counts: np.ndarray | None = None,
        form: Callable[[int], str] | None = None,
        *,
        forms: Callable[[np.ndarray], list[str]] | None = None,
    ) -> None:
        """Count ``hashes`` (once each, or ``counts`` times); ``form(i)`` spells ``hashes[i]``,
        or ``forms(indices)`` spells several at once."""
        if not len(hashes):
            return
        # Sorted first: numpy's binary search is several times faster for sorted keys.
        order = np.argsort(hashes)
        ordered = hashes[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        distinct, first = ordered[starts], order[starts]
        if counts is None:
            tally = np.diff(np.append(starts, len(ordered)))
        else:
            tally = np.add.reduceat(counts[order].astype(np.int64), starts)
        found = _found(self.known, distinct)
        self.counts[found[found >= 0]] += tally[found >= 0]
        rest = found < 0
        if not rest.any():
            return
        distinct, first, tally = distinct[rest], first[rest], tally[rest]
        found = _found(self.recent, distinct)
        self.recent_counts[found[found >= 0]] += tally[found >= 0]
        fresh = found < 0
        if not fresh.any():
            return
        new_hashes = distinct[fresh]
        spelt: list[str] | None = None
        if forms is not None:
            spelt = forms(first[fresh])
        elif form is not None:
            spelt = [form(i) for i in first[fresh].tolist()]
        if spelt is not None:
            decoded = dict(zip(new_hashes.tolist(), spelt, strict=True))
            self.forms.update(decoded)
            self.new.update(decoded)
        # New hashes join a small sorted run, merged into the large one only when it has grown
        # to a fraction of it: each batch costs its own size, not the size of all words seen.
        self.recent, self.recent_counts = _merged(self.recent, self.recent_counts, new_hashes, tally[fresh])
        if len(self.recent) > max(4096, len(self.known) // 4):
            self._merge()
        if len(self.known) + len(self.recent) > self.limit:
            self._prune()

    def _merge(self) -> None:
        self.known, self.counts = _merged(self.known, self.counts, self.recent, self.recent_counts)
        self.recent, self.recent_counts = self.recent[:0], self.recent_counts[:0]

    def _prune(self) -> None:
        self._merge()
        kept = np.sort(np.argsort(-self.counts, kind="stable")[: self.limit // 2])
        self.known, self.counts = self.known[kept], self.counts[kept]
        self.forms = {h: self.forms[h] for h in self.known.tolist() if h in self.forms}
        self.pruned = True

    def add_forms(self, forms: Mapping[int, str]) -> None:
        """Forms decoded elsewhere (by a worker process), for hashes counted with :meth:`add`."""
        self.forms.update(forms)

    def take_new(self) -> dict[int, str]:
        """The forms decoded since the last call (what another process has not been sent)."""
        new, self.new = self.new, {}
        return new

    def take_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """The hashes counted so far and their counts, then start counting afresh; forms are
        kept, up to ``limit`` of them (beyond, they are forgotten and decoded again when seen)."""
        self._merge()
        seen = self.counts > 0
        got = self.known[seen], self.counts[seen]
        self.counts = np.zeros(len(self.known), dtype=np.int64)
        if len(self.forms) > self.limit:
            self.known, self.counts, self.forms = self.known[:0], self.counts[:0], {}
        return got

    def counter(self) -> Counter[str]:
        """The counts by form (a hash whose form was dropped by pruning is left out)."""
        self._merge()
        seen = self.counts > 0
        forms = self.forms
        pairs = zip(self.known[seen].tolist(), self.counts[seen].tolist(), strict=True)
        return Counter({forms[h]: c for h, c in pairs if h in forms})


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


def _batches(
    draw_words: list[list[int]], with_counts: list[bool]
) -> list[tuple[np.ndarray, np.ndarray | None]]:
    out = []
    for words, counted in zip(draw_words, with_counts, strict=False):
        hashes = np.array(words, dtype=np.uint64)
        if counted:  # as the main process adds a worker's counts: distinct, sorted, with counts
            hashes, counts = np.unique(hashes, return_counts=True)
            out.append((hashes, counts.astype(np.int64)))
        else:
            out.append((hashes, None))
    return out


# Hashes from a small pool (so that batches repeat them) and a few chosen to collide in the
# table's slots (multiples of a large power of two share their top bits after multiplying),
# with 0, which the table cannot hold.
_POOL = [0, 1, 2, 3, 1 << 40, 2 << 40, 3 << 40, 2**64 - 1, 2**63, 12345678901234567]
_HASHES = st.one_of(st.sampled_from(_POOL), st.integers(0, 2**64 - 1))


@given(
    st.lists(st.lists(_HASHES, max_size=30), max_size=10),
    st.lists(st.booleans(), min_size=10, max_size=10),
    st.sampled_from([4, 7, 16, VOCABULARY_SIZE]),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_a_word_tally_agrees_with_the_sorted_tally_it_replaced(words, with_counts, limit, take):
    fast, reference = WordTally(limit), SortedTally(limit)
    for hashes, counts in _batches(words, with_counts):
        spell: Callable[[int], str] = lambda i, h=hashes: f"w{int(h[i])}"  # noqa: E731
        fast.add(hashes, counts, spell, distinct=counts is not None)
        reference.add(hashes, counts, spell)
        assert fast.pruned == reference.pruned
        assert fast.take_new() == reference.take_new()
        if take:
            got, expected = fast.take_counts(), reference.take_counts()
            order = np.argsort(got[0])
            assert got[0][order].tolist() == expected[0].tolist()
            assert got[1][order].tolist() == expected[1].tolist()
    assert list(fast.counter().items()) == list(reference.counter().items())


def test_a_word_tally_holds_many_words_in_its_table_and_a_few_beyond():
    rng = np.random.default_rng(7)
    hashes = rng.integers(1, 2**63, 200_000, dtype=np.int64).view(np.uint64)
    tally = WordTally()
    for at in range(0, len(hashes), 20_000):
        tally.add(hashes[at : at + 20_000], form=lambda i: "x")
    assert len(tally) == len(np.unique(hashes))
    assert tally.size > 0.9 * len(tally)  # two places per hash: the overflow stays small
    assert tally.size <= len(tally.keys) // 2
    keys, _ = tally.take_counts()
    assert sorted(keys.tolist()) == np.unique(hashes).tolist()


def test_a_word_tally_adds_large_batches_of_counts_with_repeats_exactly():
    # Large batches with counts take another addition than small ones; hashes may repeat.
    rng = np.random.default_rng(8)
    pool = rng.integers(0, 2**63, 500, dtype=np.int64).view(np.uint64)
    fast, reference = WordTally(), SortedTally()
    for _ in range(3):
        hashes = pool[rng.integers(0, 500, 10_000)]
        counts = rng.integers(1, 10**12, 10_000)
        fast.add(hashes, counts, lambda i, h=hashes: f"w{int(h[i])}")
        reference.add(hashes, counts, lambda i, h=hashes: f"w{int(h[i])}")
    assert list(fast.counter().items()) == list(reference.counter().items())


@given(
    st.lists(st.lists(_HASHES, max_size=30), max_size=10),
    st.lists(st.booleans(), min_size=10, max_size=10),
    st.sampled_from([4, 7, 16, VOCABULARY_SIZE]),
)
@settings(max_examples=300, deadline=None)
def test_counts_added_later_are_the_counts_added_at_once(words, later, limit):
    # Another tally's counts (distinct hashes) may wait to be summed with one sort; the counts,
    # the forms dropped and the counter are those of adding them at once.
    fast, reference = WordTally(limit), SortedTally(limit)
    for (hashes, _), wait in zip(_batches(words, [True] * len(words)), later, strict=False):
        counts = np.arange(1, len(hashes) + 1, dtype=np.int64)
        fast.add_forms({int(h): f"w{int(h)}" for h in hashes.tolist()})
        if wait:
            fast.add_later(hashes, counts)
        else:
            fast.add(hashes, counts, lambda i, h=hashes: f"w{int(h[i])}", distinct=True)
        reference.add(hashes, counts, lambda i, h=hashes: f"w{int(h[i])}")
    got, expected = fast.take_counts(), reference.take_counts()
    order = np.argsort(got[0])
    assert got[0][order].tolist() == expected[0].tolist()
    assert got[1][order].tolist() == expected[1].tolist()
    assert fast.pruned == reference.pruned
    assert not fast.later


def test_summed_adds_the_counts_of_each_hash():
    keys, counts = summed(np.array([5, 1, 5, 3, 1], dtype=np.uint64), np.array([1, 2, 3, 4, 5]))
    assert keys.tolist() == [1, 3, 5]
    assert counts.tolist() == [7, 4, 4]


@given(
    st.lists(st.lists(_HASHES, max_size=300), max_size=10),
    st.sampled_from([4, 7, 16, VOCABULARY_SIZE]),
)
@settings(max_examples=300, deadline=None)
def test_tokens_without_forms_are_counted_as_one_by_one(words, limit):
    # Batches without forms to spell (the words measure's) are counted token by token in the
    # table, a word repeated in a batch included: the same counts, and the same forms dropped.
    fast, reference = WordTally(limit), SortedTally(limit)
    for hashes, _ in _batches(words, [False] * len(words)):
        fast.add(hashes)
        reference.add(hashes, None, lambda i, h=hashes: f"w{int(h[i])}")
        assert fast.pruned == reference.pruned
    got, expected = fast.take_counts(), reference.take_counts()
    order = np.argsort(got[0])
    assert got[0][order].tolist() == expected[0].tolist()
    assert got[1][order].tolist() == expected[1].tolist()
