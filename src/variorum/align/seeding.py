"""The local aligner of :mod:`variorum.align.local` for documents seen in many pairs.

``add`` aligns every candidate pair of a batch, and one document is in dozens of them: on 1,000
real manual pages, 47,518 pairs among 1,000 documents. :func:`~variorum.align.local.seeds`
sorts both documents' n-grams for every pair; a :class:`SeedTable` sorts a document's once and
keeps them grouped by value, so that a pair's seeds are one lookup of the smaller table in the
larger.

Half of those pairs share nothing: they became candidates through a package footer, an option
list or a licence line of fewer than ``min_words`` words. :func:`may_hold_passage` rejects them
before the chaining, from the seeds and how far each seed's diagonal can be extended. The
rejection is exact (a pair it rejects has no passage in :func:`~variorum.align.local.align_tokens`
either), because it bounds what the aligner does from above:

* a chain's seeds follow one another at most ``max_gap + 1`` tokens apart in ``a`` and in ``b``,
  so they lie in one *cluster* of the seeds' positions in ``a`` (split where two consecutive
  distinct positions are further apart) and in one cluster of their positions in ``b``;
* the chain's range is its first seed's left extension to its last seed's right extension, so
  it is no longer, on each side, than the furthest right end of its cluster's seeds minus their
  earliest left end;
* merging only joins ranges that already have ``min_words`` on both sides.

So a pair none of whose seeds has both clusters spanning ``min_words`` holds no passage.

The extensions are computed for many seeds at once, up to ``min_words`` tokens each way (an
extension that long settles the bound on its own), and only for the seeds at the ends of runs
along a diagonal: an extension's end moves only forward with its start, so the seeds inside a
run change no cluster's span. After chaining, the same computation gives the chains' ends: when
they stop short of ``min_words`` they are exactly where the aligner's extension stops; only the
rare longer ones are walked again token by token. :func:`align_group` does all this for one
document and all its partners at once, and the chaining sees a run of seeds along a diagonal
as one step (:func:`chain_runs`). The result is that of
:func:`~variorum.align.local.align_tokens`, match for match (``tests/test_seeding.py`` checks it
by hypothesis and on real manual pages).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein

from variorum.align.codes import Vocabulary, joint_codes, pair_codes, text, vocabulary
from variorum.align.local import MAX_SEED_REPEATS, Match, _extend, _merge, align_tokens
from variorum.arrays import concat_ranges, in_sorted

#: Keys of seeds (:func:`_group_seeds`) stay below this, in int64; a group of documents so long
#: that they would not is aligned in halves.
_KEY_LIMIT = 2**62

#: Up to this many partners, a pair's token codes are numbered for the pair alone
#: (:func:`~variorum.align.codes.joint_codes`, one sort of both documents), not from each
#: document's vocabulary (a sort each, kept for its other pairs): on the benchmarks' generated
#: corpora a document is in one to three pairs, on real manual pages in dozens.
_JOINT_CODES_UP_TO = 3

#: Token value of the padding around a table's tokens, which lets a window of tokens be read past
#: either end of a document without a bounds test (the positions past an end are then masked).
PAD = 0x9E3779B97F4A7C15


@dataclass(frozen=True, eq=False)
class SeedTable:
    """One document's n-grams that can seed, grouped by value, and its padded tokens."""

    #: Sorted distinct n-gram hashes occurring at most ``MAX_SEED_REPEATS`` times.
    values: np.ndarray
    #: Where each value's positions begin in ``positions``, and how many there are.
    starts: np.ndarray
    counts: np.ndarray
    #: Token positions of those n-grams, grouped by value (in no set order within a value).
    positions: np.ndarray
    #: The token hashes with ``pad`` copies of :data:`PAD` on each side.
    padded: np.ndarray
    pad: int
    #: The document's token hashes and n-gram hashes.
    hashes: np.ndarray
    grams: np.ndarray

    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        """The document's :func:`~variorum.align.codes.vocabulary`, for :func:`pair_codes`."""
        return vocabulary(self.hashes)

    @classmethod
    def of(cls, hashes: np.ndarray, grams: np.ndarray, window: int) -> SeedTable:
        """The table of a document with token hashes ``hashes`` and n-gram hashes ``grams``,
        padded for extensions of up to ``window`` tokens.

        The positions of one value come in no set order (a quicksort's, not a stable sort's,
        which costs twice as much): every use of a table sorts the seeds it finds."""
        n = len(grams)
        order = np.argsort(grams)
        ordered = grams[order]
        first = np.empty(n, dtype=bool)
        first[:1] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
        if n and first.all():  # no n-gram twice, as in most documents: one position a value
            values, starts, counts, positions = ordered, np.arange(n), np.ones(n, dtype=np.int64), order
        else:
            group = first.nonzero()[0]
            counts = np.empty(len(group), dtype=np.int64)
            np.subtract(group[1:], group[:-1], out=counts[:-1])
            counts[-1:] = n - group[-1:]
            usable = counts <= MAX_SEED_REPEATS
            if usable.all():
                values, starts, positions = ordered[group], group, order
            else:
                positions = order[usable[np.cumsum(first) - 1]]
                group, counts = group[usable], counts[usable]
                values, starts = ordered[group], np.cumsum(counts) - counts
        pad = window + 2
        tokens = np.asarray(hashes, dtype=np.uint64)
        padded = np.full(len(tokens) + 2 * pad, PAD, dtype=np.uint64)
        padded[pad : pad + len(tokens)] = tokens
        return cls(
            values=values,
            starts=starts,
            counts=counts,
            positions=positions,
            padded=padded,
            pad=pad,
            hashes=tokens,
            grams=grams,
        )


def seed_pairs(ta: SeedTable, tb: SeedTable) -> tuple[np.ndarray, np.ndarray]:
    """The seeds of :func:`~variorum.align.local.seeds` as two arrays ``(i, j)``, same order."""
    if len(ta.values) == 0 or len(tb.values) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    # Look the smaller table up in the larger: a long document pairs with many short ones.
    if len(ta.values) <= len(tb.values):
        at = np.minimum(np.searchsorted(tb.values, ta.values), len(tb.values) - 1)
        hit = tb.values[at] == ta.values
        ka, kb = np.flatnonzero(hit), at[hit]
    else:
        at = np.minimum(np.searchsorted(ta.values, tb.values), len(ta.values) - 1)
        hit = ta.values[at] == tb.values
        ka, kb = at[hit], np.flatnonzero(hit)
    ca, cb = ta.counts[ka], tb.counts[kb]
    if ca.max(initial=0) <= 1 and cb.max(initial=0) <= 1:  # most shared n-grams: once on each side
        i, j = ta.positions[ta.starts[ka]], tb.positions[tb.starts[kb]]
    else:
        i_each = ta.positions[concat_ranges(ta.starts[ka], ca)]  # a's positions, value by value
        partners = cb.repeat(ca)  # each of them pairs with every position of its value in b
        i = i_each.repeat(partners)
        j = tb.positions[concat_ranges(tb.starts[kb].repeat(ca), partners)]
    width = len(tb.grams) + 1  # above every j
    key = i * width + j
    key.sort()  # one sort on one key: by i, then by j
    return key // width, key % width


def extensions(
    ta: SeedTable, tb: SeedTable, i: np.ndarray, j: np.ndarray, ngram: int, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """How far the aligner's extension carries each seed left of ``i`` and right of ``i + ngram``.

    The extension (:func:`~variorum.align.local._extend`) steps over a token pair that is equal,
    or unequal but followed by two equal ones, on the seed's diagonal; it stops at the first
    other. Counts stop at ``window``: a count of ``window`` means *at least* that far. Both
    tables must be padded for ``window`` (:meth:`SeedTable.of`).
    """
    return _reach(
        ta.padded,
        i + ta.pad,
        len(ta.hashes) - i,
        tb.padded,
        j + tb.pad,
        len(tb.hashes) - j,
        np.minimum(i, j),
        ngram,
        window,
        True,
        True,
    )


@functools.lru_cache(maxsize=8)
def _columns(ngram: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The steps of an extension, and the offsets from a seed of the tokens read for them: the
    ``window + 2`` tokens before the seed (nearest first), then those after it."""
    steps = np.arange(window + 2)
    return steps, np.concatenate([-1 - steps, ngram + steps])


def may_hold_passage(
    i: np.ndarray,
    j: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    *,
    ngram: int,
    max_gap: int,
    min_words: int,
) -> bool:
    """False only if the aligner finds no passage of ``min_words`` from these seeds (module doc).

    ``i``/``j`` are the seeds sorted by ``i``; ``left``/``right`` their extensions
    (:func:`extensions` with a window of at least ``min_words``).
    """
    if len(i) == 0:
        return False
    p = np.zeros(len(i), dtype=np.int64)
    return bool(_fits(p, i, j, left, right, ngram, max_gap + 1, min_words).any())


def _cluster_spans(
    pos: np.ndarray, start: np.ndarray, end: np.ndarray, reach: int, group: np.ndarray | None = None
) -> np.ndarray:
    """For each of the sorted ``pos``: the furthest ``end`` minus the earliest ``start`` of its
    cluster (consecutive positions at most ``reach`` apart, of one ``group`` when given: the
    seeds of several pairs, sorted by pair then position)."""
    cut_at = (pos[1:] - pos[:-1]) > reach
    if group is not None:
        cut_at |= group[1:] != group[:-1]
    firsts = np.concatenate([[0], cut_at.nonzero()[0] + 1])
    spans = np.maximum.reduceat(end, firsts) - np.minimum.reduceat(start, firsts)
    return spans.repeat(np.diff(firsts, append=len(pos)))


def align_tables(ta: SeedTable, tb: SeedTable, *, ngram: int, max_gap: int, min_words: int) -> list[Match]:
    """:func:`~variorum.align.local.align_tokens` of the two tables' documents, faster.

    Both tables must be padded for ``min_words`` (:meth:`SeedTable.of`).
    """
    return align_group(ta, [tb], ngram=ngram, max_gap=max_gap, min_words=min_words)[0][0]


#: Token codes of a pair (:func:`~variorum.align.codes.pair_codes`), None when not made.
Codes = tuple[np.ndarray, np.ndarray] | None


def align_group(
    ta: SeedTable, partners: Sequence[SeedTable], *, ngram: int, max_gap: int, min_words: int
) -> list[tuple[list[Match], Codes]]:
    """:func:`align_tables` of ``ta`` with each of ``partners``, in one pass over all of them.

    On real text one document is in dozens of candidate pairs (47 a page on Debian's manual
    pages) that share a few seeds each, and aligning them one by one spends most of its time in
    the fixed cost of numpy calls. Here ``ta``'s table is looked up once for every partner's
    n-grams, and the screen and the extensions of the chains' ends are computed for every
    partner at once; only the chaining itself goes pair by pair (:func:`chain_runs`).

    Each pair's matches come with the pair's token codes when it has any, which the passages'
    identities were computed with and the pair's evidence can use.
    """
    k = len(partners)
    out: list[tuple[list[Match], Codes]] = [([], None) for _ in range(k)]
    if k == 0:
        return out
    if ta.pad < min_words + 2 or any(t.pad != ta.pad for t in partners):  # tables for another window
        return [
            (_align_reference(ta, tb, ngram=ngram, max_gap=max_gap, min_words=min_words), None)
            for tb in partners
        ]
    span = len(ta.grams) + max(len(t.grams) for t in partners) + 2
    if k * span * span >= _KEY_LIMIT:  # a key of the seeds of the group would overflow
        if k == 1:
            return [
                (_align_reference(ta, partners[0], ngram=ngram, max_gap=max_gap, min_words=min_words), None)
            ]
        half = k // 2
        opts = {"ngram": ngram, "max_gap": max_gap, "min_words": min_words}
        return align_group(ta, partners[:half], **opts) + align_group(ta, partners[half:], **opts)
    got = _group_seeds(ta, partners)
    if got is None:
        return out
    p, i, j, key, wj = got
    group = _Group(ta, partners, ngram, min_words)
    step = wj + 1  # from a seed to the next one on its diagonal, in ``key``
    # A seed right after another on its diagonal joins that one's chain (:func:`chain_runs`):
    # the chaining sees each run once, as its first seed and its length.
    row = i if k == 1 else p * (len(ta.grams) + 1) + i
    if len(row) < 2 or (row[1:] > row[:-1]).all():
        # One seed per position of ``ta`` in each pair (most pairs): a seed's successor on its
        # diagonal, if any, is the next seed.
        follows = (row[1:] - row[:-1] == 1) & (j[1:] - j[:-1] == 1)
        prev = np.empty(len(i), dtype=bool)
        prev[:1] = False
        prev[1:] = follows
        succ = np.empty(len(i), dtype=bool)
        succ[:-1] = follows
        succ[-1:] = False
        firsts = ~prev
        at = firsts.nonzero()[0]
        runs = np.zeros(len(i), dtype=np.int64)
        runs[at[:-1]] = at[1:] - at[:-1] - 1
        runs[at[-1:]] = len(i) - at[-1:] - 1
    else:
        prev = in_sorted(key - step, key)
        succ = in_sorted(key + step, key)
        firsts = ~prev
        runs = _run_lengths(p, i, j, firsts)
    # A run that spans ``min_words`` is inside one chain, which is a passage then: a partner
    # with one needs no screen.
    long_run = runs >= min_words - ngram
    if k == 1 and long_run.any():  # the one partner survives (most pairs)
        alive = [0]
    else:
        survive = np.zeros(k, dtype=bool)
        survive[p[long_run]] = True
        unsure = ~survive[p]
        if unsure.any():
            # The screen needs the extensions of the ends of runs along a diagonal only (module doc).
            ends = (unsure & ~(prev & succ)).nonzero()[0]
            left, right = np.zeros(len(i), dtype=np.int64), np.zeros(len(i), dtype=np.int64)
            left[ends], right[ends] = group.extensions(p[ends], i[ends], j[ends])
            u = unsure.nonzero()[0]
            fits = _fits(p[u], i[u], j[u], left[u], right[u], ngram, max_gap + 1, min_words)
            survive[p[u[fits]]] = True
        if not survive.any():
            return out
        firsts &= survive[p]
        alive = survive.nonzero()[0].tolist()
    sel = firsts.nonzero()[0]
    bounds = [0, len(sel)] if k == 1 else np.searchsorted(p[sel], np.arange(k + 1)).tolist()
    starts_i, starts_j, lengths = i[sel].tolist(), j[sel].tolist(), runs[sel].tolist()
    chains_of: list[tuple[int, list[list[int]]]] = []
    for q in alive:
        lo, hi = bounds[q], bounds[q + 1]
        chains_of.append(
            (q, chain_runs(zip(starts_i[lo:hi], starts_j[lo:hi], lengths[lo:hi], strict=True), max_gap))
        )
    # The exact extension of each chain's ends, for all chains of all partners at once.
    c = np.asarray([ch for _, chains in chains_of for ch in chains], dtype=np.int64).reshape(-1, 4)
    cp = None  # one partner: every chain is its
    if k > 1:
        owners = np.asarray([q for q, _ in chains_of], dtype=np.int64)
        cp = np.repeat(owners, [len(ch) for _, ch in chains_of])
    backs, aheads = group.chain_ends(cp, c[:, 0], c[:, 1], c[:, 2], c[:, 3])
    a = ta.hashes
    at = 0
    for q, chains in chains_of:
        tb = partners[q]
        b = tb.hashes
        lists: list[list[int]] = []  # the tokens as lists, made only for an extension walked in full
        ranges: list[list[int]] = []
        for n, (fi, fj, li, lj) in enumerate(chains, at):
            back_k, ahead_k = backs[n], aheads[n]
            if back_k < min_words and ahead_k < min_words:
                a0, a1, b0, b1 = fi - back_k, li + ngram + ahead_k, fj - back_k, lj + ngram + ahead_k
            else:
                if not lists:
                    lists = [a.tolist(), b.tolist()]
                a0, a1, b0, b1 = _extend(lists[0], lists[1], fi, li + ngram, fj, lj + ngram)
            if a1 - a0 >= min_words and b1 - b0 >= min_words:
                ranges.append([a0, a1, b0, b1])
        at += len(chains)
        if not ranges:
            continue
        if k <= _JOINT_CODES_UP_TO and not ("vocabulary" in ta.__dict__ and "vocabulary" in tb.__dict__):
            # A document in few pairs: both documents' tokens numbered in one pass.
            codes = joint_codes(ta.hashes, tb.hashes)
            if codes is not None:
                sa, sb = text(codes[0]), text(codes[1])
        else:
            codes = pair_codes(ta.vocabulary, tb.vocabulary)
            if codes is not None:  # the same identities from strings (:mod:`variorum.align.codes`)
                sa, sb = ta.vocabulary.text, text(codes[1])
        matches = []
        for a0, a1, b0, b1 in _merge(ranges):
            if codes is None:
                identity = Levenshtein.normalized_similarity(a[a0:a1].tolist(), b[b0:b1].tolist())
            else:
                identity = Levenshtein.normalized_similarity(sa[a0:a1], sb[b0:b1])
            matches.append(Match(a0, a1, b0, b1, round(float(identity), 4)))
        matches.sort(key=lambda m: (m.a0, m.b0))
        out[q] = (matches, codes)
    return out


def _align_reference(
    ta: SeedTable, tb: SeedTable, *, ngram: int, max_gap: int, min_words: int
) -> list[Match]:
    return align_tokens(
        ta.hashes.tolist(),
        tb.hashes.tolist(),
        ta.grams,
        tb.grams,
        ngram=ngram,
        max_gap=max_gap,
        min_words=min_words,
    )


def _group_seeds(
    ta: SeedTable, partners: Sequence[SeedTable]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int] | None:
    """The seeds of ``ta`` with every partner as ``(p, i, j, key, wj)``: partner number, position
    in ``ta``, position in the partner, sorted by ``(p, i, j)``, which ``key`` encodes as
    ``(p * wi + i) * wj + j`` (``wi``, ``wj`` above every ``i``, ``j``; None without a seed.

    ``ta``'s values are looked up once for all partners' values; each pair's seeds are those of
    :func:`seed_pairs`, same order."""
    if len(ta.values) == 0:
        return None
    if len(partners) == 1:
        tb = partners[0]
        values, owner = tb.values, None
        positions, starts, counts = tb.positions, tb.starts, tb.counts
    else:
        sizes = [len(t.values) for t in partners]
        values = np.concatenate([t.values for t in partners])
        owner = np.repeat(np.arange(len(partners), dtype=np.int64), sizes)
        offsets = np.cumsum([0] + [len(t.positions) for t in partners[:-1]])
        positions = np.concatenate([t.positions for t in partners])
        starts = np.concatenate([t.starts + o for t, o in zip(partners, offsets.tolist(), strict=True)])
        counts = np.concatenate([t.counts for t in partners])
    if len(values) == 0:
        return None
    at = np.minimum(np.searchsorted(ta.values, values), len(ta.values) - 1)
    kb = (ta.values[at] == values).nonzero()[0]
    if len(kb) == 0:
        return None
    ka = at[kb]
    ca, cb = ta.counts[ka], counts[kb]
    if ca.max() <= 1 and cb.max() <= 1:  # most shared n-grams: once on each side
        i, j = ta.positions[ta.starts[ka]], positions[starts[kb]]
        p = np.zeros(len(kb), dtype=np.int64) if owner is None else owner[kb]
    else:
        i_each = ta.positions[concat_ranges(ta.starts[ka], ca)]  # a's positions, value by value
        others = cb.repeat(ca)  # each of them pairs with every position of its value in b
        i = i_each.repeat(others)
        j = positions[concat_ranges(starts[kb].repeat(ca), others)]
        p = np.zeros(len(i), dtype=np.int64) if owner is None else owner[kb].repeat(ca * cb)
    wi = len(ta.grams) + 1
    wj = max(len(t.grams) for t in partners) + 1
    if owner is None:  # one partner: the key is ``i * wj + j``, all seeds of partner 0
        key = i * wj + j
        key.sort()
        i, j = np.divmod(key, wj)
        return p, i, j, key, wj
    key = (p * wi + i) * wj + j  # below _KEY_LIMIT (:func:`align_group` splits larger groups)
    key.sort()  # one sort on one key: by partner, by i, then by j
    row, j = np.divmod(key, wj)
    p, i = np.divmod(row, wi)
    return p, i, j, key, wj


class _Group:
    """Extensions of seeds of ``ta`` with any of its partners (:func:`extensions`, vectorised
    over pairs): the partners' padded tokens side by side."""

    def __init__(self, ta: SeedTable, partners: Sequence[SeedTable], ngram: int, window: int) -> None:
        self.ta, self.ngram, self.window = ta, ngram, window
        if len(partners) == 1:
            self.padded = partners[0].padded
            self.offset = np.zeros(1, dtype=np.int64)
        else:
            self.padded = np.concatenate([t.padded for t in partners])
            self.offset = np.cumsum([0] + [len(t.padded) for t in partners[:-1]])
        self.lengths = np.asarray([len(t.hashes) for t in partners], dtype=np.int64)

    def extensions(
        self, p: np.ndarray, i: np.ndarray, j: np.ndarray, *, left: bool = True, right: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(left, right)`` of :func:`extensions` for seeds ``(i, j)`` with partners ``p``
        (a side not asked for is returned as zeros)."""
        ta, ngram, window = self.ta, self.ngram, self.window
        return _reach(
            ta.padded,
            i + ta.pad,
            len(ta.hashes) - i,
            self.padded,
            j + (self.offset[p] + ta.pad),
            self.lengths[p] - j,
            np.minimum(i, j),
            ngram,
            window,
            left,
            right,
        )

    def chain_ends(
        self, p: np.ndarray | None, fi: np.ndarray, fj: np.ndarray, li: np.ndarray, lj: np.ndarray
    ) -> tuple[list[int], list[int]]:
        """How far chains of partners ``p`` (None: all of the only partner) extend left of
        their first seeds ``(fi, fj)`` and right of their last ones ``(li, lj)``:
        :meth:`extensions` of each side, in one call that computes only the side each needs."""
        ta, ngram, window = self.ta, self.ngram, self.window
        steps, offsets = _columns(ngram, window)
        w = window + 2
        if p is None:
            at_b, b_length = ta.pad, int(self.lengths[0])
        else:
            at_b, b_length = self.offset[p] + ta.pad, self.lengths[p]
        back = _side(
            ta.padded, fi + ta.pad, self.padded, fj + at_b, offsets[:w], steps, np.minimum(fi, fj), window
        )
        room = np.minimum(len(ta.hashes) - li, b_length - lj) - ngram
        ahead = _side(ta.padded, li + ta.pad, self.padded, lj + at_b, offsets[w:], steps, room, window)
        return back.tolist(), ahead.tolist()


def _side(
    a_padded: np.ndarray,
    ai: np.ndarray,
    b_padded: np.ndarray,
    bj: np.ndarray,
    cols: np.ndarray,
    steps: np.ndarray,
    room: np.ndarray,
    window: int,
) -> np.ndarray:
    """One side's extension counts of :func:`_reach`: the tokens at offsets ``cols`` from the
    seeds, equal on both sides within ``room`` of them, walked as the aligner walks them."""
    equal = a_padded[ai[:, None] + cols] == b_padded[bj[:, None] + cols]
    # Past the start or the end of either document nothing is equal, whatever the padding holds.
    equal &= steps < room[:, None]
    passes = np.zeros((len(ai), window + 1), dtype=bool)
    np.logical_or(equal[:, :window], equal[:, 1 : window + 1] & equal[:, 2:], out=passes[:, :window])
    return passes.argmin(axis=1)  # type: ignore[no-any-return]


def _reach(
    a_padded: np.ndarray,
    ai: np.ndarray,
    a_rest: np.ndarray,
    b_padded: np.ndarray,
    bj: np.ndarray,
    b_rest: np.ndarray,
    before: np.ndarray,
    ngram: int,
    window: int,
    left: bool,
    right: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The extension counts of :func:`extensions` from seeds at ``ai``/``bj`` in the padded
    arrays, ``before`` tokens after both starts and ``a_rest``/``b_rest`` before the ends."""
    n = len(ai)
    reaches = []
    steps, offsets = _columns(ngram, window)
    w = window + 2
    for wanted, cols, room in ((left, offsets[:w], before), (right, offsets[w:], None)):
        if not wanted:
            reaches.append(np.zeros(n, dtype=np.int64))
            continue
        if room is None:
            room = np.minimum(a_rest, b_rest) - ngram
        reaches.append(_side(a_padded, ai, b_padded, bj, cols, steps, room, window))
    return reaches[0], reaches[1]


def _fits(
    p: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    ngram: int,
    reach: int,
    min_words: int,
) -> np.ndarray:
    """:func:`may_hold_passage` seed by seed for seeds of several pairs sorted by ``(p, i)``:
    whether the seed's clusters in both documents span ``min_words``."""
    start = i - left
    end = i + ngram + right
    fits = _cluster_spans(i, start, end, reach, p) >= min_words
    if not fits.any():
        return fits
    by_b = np.argsort(p * (int(j.max()) + reach + 2) + j, kind="stable")
    diagonal = (j - i)[by_b]
    fits_b = np.empty(len(i), dtype=bool)
    fits_b[by_b] = (
        _cluster_spans(j[by_b], start[by_b] + diagonal, end[by_b] + diagonal, reach, p[by_b]) >= min_words
    )
    return fits & fits_b


def _run_lengths(p: np.ndarray, i: np.ndarray, j: np.ndarray, firsts: np.ndarray) -> np.ndarray:
    """For each seed that ``firsts`` marks as the first of a run along its diagonal (its
    predecessor ``(i - 1, j - 1)`` is no seed), how many seeds follow it on that run."""
    runs = np.zeros(len(i), dtype=np.int64)
    if firsts.all():
        return runs
    # In the order of (pair, diagonal, i) the seeds of a run follow one another, its first one
    # first: counting the first seeds numbers the runs.
    wi = int(i.max()) + 2
    span = int((j - i).max()) - int((j - i).min()) + 1
    diagonal = p * span + (j - i - int((j - i).min()))
    order = np.argsort(diagonal * wi + i, kind="stable")
    run_of = np.cumsum(firsts[order]) - 1
    sizes = np.bincount(run_of)
    runs[order[firsts[order]]] = sizes - 1
    return runs


def chain_runs(runs: Iterable[tuple[int, int, int]], max_gap: int) -> list[list[int]]:
    """:func:`~variorum.align.local.chain` of seeds given as runs along diagonals: ``(i, j, n)``
    for the seeds ``(i, j), (i + 1, j + 1), ..., (i + n, j + n)``, in the order of ``(i, j)``.

    The same chains (in another order): a seed ``(i + 1, j + 1)`` always continues the chain
    that took ``(i, j)``. That chain has it at no cost; a chain before it in the list with none
    either would have been on the same diagonal, within reach, when ``(i, j)`` came, and taken
    it; no seed between the two can reach either chain (one with ``i`` takes none ending at
    ``(i, j)``, one with ``i + 1`` and a lower ``j`` cannot follow ``(i, j)``). So a run is taken
    whole by one chain, which takes nothing else meanwhile; the other seeds see its last seed
    where the run had got to when they came: ``t`` steps past its first, with ``t`` the seeds
    of the run before ``(i', j')`` in the order of ``(i, j)``.
    """
    active: list[list[int]] = []  # [first_i, first_j, run_i, run_j, run_n]
    done: list[list[int]] = []
    reach = max_gap + 1
    for i, j, n in runs:
        best = None
        best_cost = reach + 1
        keep: list[list[int]] = []
        for c in active:
            li, lj, m = c[2], c[3], c[4]
            if m:
                t = i - li - 1 + (lj + i - li < j)
                if t > m:
                    t = m
                li += t
                lj += t
            if i - li > reach:
                done.append(c)
                continue
            keep.append(c)
            if li < i and lj < j <= lj + reach:
                cost = abs((j - i) - (lj - li))
                if cost < best_cost:
                    best, best_cost = c, cost
        active = keep
        if best is not None:
            best[2], best[3], best[4] = i, j, n
        else:
            active.append([i, j, i, j, n])
    done.extend(active)
    return [[fi, fj, li + m, lj + m] for fi, fj, li, lj, m in done]


__all__ = [
    "PAD",
    "SeedTable",
    "align_group",
    "align_tables",
    "chain_runs",
    "extensions",
    "may_hold_passage",
    "seed_pairs",
]
