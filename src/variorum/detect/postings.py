"""Which documents hold each fingerprint: an inverted index kept as a few sorted runs.

Candidate pairs come from fingerprints that two documents share. The index answers "who else
holds these fingerprints?" for every batch that is added and for every query, so both the
lookups and the additions must stay cheap while it grows to tens of millions of postings.

A B-tree keyed by fingerprint (the obvious SQL table) makes every addition cost a random write
per posting, all over the tree: once the tree outgrows the page cache, each batch of 500
documents rewrites most of its pages, and adding slows down as the index grows. Here postings
are instead kept as **runs**: arrays of ``(hash, num)`` sorted by hash, one per added batch,
merged like a log-structured merge tree: whenever :data:`FANOUT` runs of one level exist they
become one run of the next level, so there are never more than about ``FANOUT - 1`` runs per
level and every posting is rewritten only ``log_FANOUT(batches)`` times. A lookup is one binary
search per run (numpy, for all probe hashes at once). Runs are stored whole as blobs by
:mod:`variorum.store.index`, so what is on disk is exactly what is in memory.

Each run holds a fingerprint once per document (positions are not kept: alignment recomputes
them), so a fingerprint's document frequency is the sum of its range lengths over the runs.

Most fingerprints a batch probes are in no run (they are new), and each binary search in a run
of millions is a chain of cache misses: on runs shaped as at 300,000 documents (49 M postings
in 17 runs) the lookups of a batch cost 0.3-0.5 ms of CPU per added document. So each run that
is probed often also gets an **occupancy filter**: one bit per bucket of the hash range (the top
bits of a hash), set where the run holds a hash. A probe whose bucket is empty is not in the
run and is not searched for; the buckets are 16 to 32 times more than the postings, so about
4 % of the absent probes pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from variorum.arrays import concat_ranges

#: Runs of one level merged into one of the next level. 4 keeps lookups to a dozen runs or so
#: while each posting is rewritten about log4(batches) times.
FANOUT = 4
#: Runs are not merged past this many postings (a 64 MiB blob of hashes): a merge rewrites the
#: whole run, and SQLite caps a blob at 1 GB.
MAX_RUN = 1 << 23
#: Buckets of a run's occupancy filter per posting, as a power of two over the run's length
#: rounded up: 2**4 gives 16 to 32 buckets (2 to 4 bytes) a posting, and lets 3-6 % of the
#: absent probes through (2**3 let 7-12 % through, and a search for each of those costs more
#: than the filter test of all the probes).
FILTER_BITS = 4
#: A run gets its filter once it has been probed with at least 1/FILTER_PAYBACK hashes per
#: posting: making it costs about as much per posting as a tenth of a binary search per probe
#: (136 ms against 20 ms for a batch of 82,000 probes in a run of 5.2 M). The runs of an index
#: being added to get theirs after a few batches; a one-off query never pays for it.
FILTER_PAYBACK = 8
#: Buckets of a filter made at a time (the bits are set in a byte per bucket, then packed):
#: keeps the scratch memory to 16 MiB for the largest runs.
_FILTER_SLICE = 1 << 24
_SIGN = np.uint64(1 << 63)


def _keys(hashes: np.ndarray) -> np.ndarray:
    """``hashes`` as unsigned integers in the same order (the sign bit flipped)."""
    return hashes.astype(np.int64, copy=False).view(np.uint64) ^ _SIGN


class _Probes:
    """Sorted, distinct probe hashes as :func:`_keys`, with the byte and bit of their bucket in
    a filter of each width (runs of one level have filters of one width: worked out once)."""

    def __init__(self, probe: np.ndarray) -> None:
        self.keys = _keys(probe)
        self._buckets: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def buckets(self, shift: np.uint64) -> tuple[np.ndarray, np.ndarray]:
        got = self._buckets.get(int(shift))
        if got is None:
            bucket = self.keys >> shift
            bit = np.left_shift(np.uint8(1), (bucket & np.uint64(7)).astype(np.uint8))
            got = self._buckets[int(shift)] = ((bucket >> np.uint64(3)).astype(np.intp), bit)
        return got


class _Filter:
    """A run's occupancy filter, made once the probes seen pay for it (see :data:`FILTER_PAYBACK`)."""

    def __init__(self) -> None:
        self.probes = 0
        self.shift: np.uint64 | None = None
        self.bits = np.empty(0, dtype=np.uint8)

    def passing(self, hashes: np.ndarray, probes: _Probes) -> np.ndarray | None:
        """Indices of the ``probes`` that may be in the run of ``hashes``, or None when the run
        has no filter yet (every probe may be)."""
        if self.shift is None:
            self.probes += len(probes.keys)
            if self.probes * FILTER_PAYBACK < len(hashes):
                return None
            self._make(hashes)
        assert self.shift is not None
        byte, bit = probes.buckets(self.shift)
        return np.flatnonzero(self.bits[byte] & bit)

    def _make(self, hashes: np.ndarray) -> None:
        width = min(max(3, (len(hashes) - 1).bit_length() + FILTER_BITS), 40)
        shift = np.uint64(64 - width)
        bucket = _keys(hashes) >> shift  # sorted, as the hashes are
        bits = np.zeros(1 << (width - 3), dtype=np.uint8)
        step = min(1 << width, _FILTER_SLICE)
        scratch = np.zeros(step, dtype=bool)
        starts = np.arange(0, 1 << width, step, dtype=np.uint64)
        cuts = np.append(np.searchsorted(bucket, starts), len(bucket))
        for k, start in enumerate(starts.tolist()):
            scratch[:] = False
            scratch[(bucket[cuts[k] : cuts[k + 1]] - np.uint64(start)).astype(np.intp)] = True
            bits[start >> 3 : (start + step) >> 3] = np.packbits(scratch, bitorder="little")
        self.bits, self.shift = bits, shift


@dataclass(frozen=True)
class Run:
    """Postings sorted by hash (documents in insertion order within a hash)."""

    level: int
    hashes: np.ndarray  # int64, sorted
    nums: np.ndarray  # int32 document nums, parallel to ``hashes``
    occupancy: _Filter = field(default_factory=_Filter, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.hashes)


def make_run(postings: Iterable[tuple[int, np.ndarray]], level: int = 0) -> Run:
    """A level-``level`` run of ``(num, fingerprint hashes)``; repeated hashes count once."""
    nums: list[int] = []
    arrays: list[np.ndarray] = []
    for num, fps in postings:
        nums.append(num)
        arrays.append(np.asarray(fps, dtype=np.int64))
    if not arrays:
        return Run(level, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32))
    h = np.concatenate(arrays)
    n = np.repeat(np.asarray(nums, dtype=np.int32), [len(a) for a in arrays])
    order = postings_order(h, n)
    h, n = h[order], n[order]
    first = np.ones(len(h), dtype=bool)
    first[1:] = (h[1:] != h[:-1]) | (n[1:] != n[:-1])
    return Run(level, h[first], n[first])


def postings_order(h: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The order of ``np.lexsort((n, h))`` (by hash, then num, then position), found faster when
    the nums never decrease, as in a batch (nums grow) or a query (one num).

    Then the order is that of the hashes with equal hashes kept in their input order: numpy's
    quicksort of the hashes, and a stable sort of the few runs of equal hashes (a fingerprint of
    several documents of the batch, or twice in one), is a fifth of the time of the two stable
    sorts of ``lexsort``.
    """
    if len(n) > 1 and not bool((n[1:] >= n[:-1]).all()):
        return np.lexsort((n, h))
    order = np.argsort(h)
    hs = h[order]
    tie = hs[1:] == hs[:-1]
    if tie.any():
        tied = np.zeros(len(h), dtype=bool)
        tied[1:] |= tie
        tied[:-1] |= tie
        at = np.flatnonzero(tied)
        group = np.cumsum(np.concatenate(([True], ~tie)))[at]
        within = order[at]
        order[at] = within[np.lexsort((within, group))]
    return order


def merge(runs: Sequence[Run], level: int) -> Run:
    """One run of ``level`` holding every posting of ``runs`` (earlier runs first within a hash)."""
    h = np.concatenate([r.hashes for r in runs])
    n = np.concatenate([r.nums for r in runs])
    # A stable sort of concatenated sorted runs: timsort finds the runs and merges them.
    order = np.argsort(h, kind="stable")
    return Run(level, h[order], n[order])


def settle(runs: list[Run]) -> tuple[list[Run], list[int]]:
    """Merge trailing runs of equal level, :data:`FANOUT` at a time, until none are left to merge.

    Returns the new list and the indices (into ``runs``) of the runs that were merged away, so
    that the caller can drop their stored copies. Runs at :data:`MAX_RUN` stop growing.
    """
    out = list(runs)
    origin: list[list[int]] = [[i] for i in range(len(runs))]
    while len(out) >= FANOUT:
        tail = out[-FANOUT:]
        level = tail[0].level
        if any(r.level != level for r in tail) or sum(len(r) for r in tail) > MAX_RUN:
            break
        merged = merge(tail, level + 1)
        out[-FANOUT:] = [merged]
        origin[-FANOUT:] = [[i for o in origin[-FANOUT:] for i in o]]
    gone = [i for o in origin if len(o) > 1 for i in o]
    return out, gone


def _found(run: Run, probe: np.ndarray, probes: _Probes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The probes (sorted, distinct) found in ``run``: their indices in ``probe``, ascending,
    and where each is, ``run.hashes[lo:hi]``.

    Only the probes that pass the run's filter are searched for, and the right end only of
    those found: searching both ends of every probe made the lookups of a batch cost three
    times more at 300,000 documents than at 30,000. What follows is in proportion to the probes
    found, not to all the probes.
    """
    hashes = run.hashes
    if not len(hashes):
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, empty
    passing = run.occupancy.passing(hashes, probes)
    sought = probe if passing is None else probe[passing]
    left = np.searchsorted(hashes, sought, side="left")
    found = np.flatnonzero(hashes[np.minimum(left, len(hashes) - 1)] == sought)
    at = found if passing is None else passing[found]
    return at, left[found], np.searchsorted(hashes, sought[found], side="right")


def shared_counts(
    runs: Sequence[Run], fps: Mapping[int, np.ndarray], max_df: int, made: Run | None = None
) -> dict[int, dict[int, int]]:
    """For each num in ``fps``, the other documents in ``runs`` and how many fingerprints they share.

    Shared fingerprints are counted once each, and only those held by at most ``max_df``
    documents (more is a stock phrase). ``fps`` may name documents that are in ``runs`` (a batch
    just added) or not (a query). ``made``: ``make_run(fps.items())``, if the caller has it (the
    run a batch's postings were just written as).
    """
    out: dict[int, dict[int, int]] = {num: {} for num in fps}
    q = make_run(fps.items()) if made is None else made
    if not len(q):
        return out
    # The distinct hashes, where each starts and how often it is there (np.unique with
    # return_index and return_counts, without sorting again: a run is sorted by hash).
    starts = np.ones(len(q), dtype=bool)
    starts[1:] = q.hashes[1:] != q.hashes[:-1]
    first = np.flatnonzero(starts)
    probe = q.hashes[first]
    count = np.diff(np.append(first, len(q)))
    probes = _Probes(probe)
    # The run of the batch itself (written just before its lookup) holds every probe where
    # ``q`` has it: nothing to search, and no filter to make for it.
    found = [
        (np.arange(len(probe)), first, first + count) if r is q else _found(r, probe, probes) for r in runs
    ]
    df = np.zeros(len(probe), dtype=np.int64)
    for at, lo, hi in found:
        df[at] += hi - lo  # a probe is found once per run at most
    keep = df <= max_df
    q_side: list[np.ndarray] = []
    p_side: list[np.ndarray] = []
    for r, (at, lo, hi) in zip(runs, found, strict=True):
        kept = keep[at]
        hit, start, width = at[kept], lo[kept], (hi - lo)[kept]
        if not len(hit):
            continue
        # Every posting of this run for probe j, paired with every probing document of probe j.
        posting = concat_ranges(start, width)
        probe_of = np.repeat(hit, width)
        pairs_per = count[probe_of]
        p_side.append(np.repeat(r.nums[posting], pairs_per))
        q_side.append(q.nums[concat_ranges(first[probe_of], pairs_per)])
    if not q_side:
        return out
    qa = np.concatenate(q_side).astype(np.int64)
    pa = np.concatenate(p_side).astype(np.int64)
    other = qa != pa
    # One int64 key per (probing num, posting num); nums are positive and below 2**31, a query
    # is -1, hence the + 1.
    keys, counts = np.unique(((qa[other] + 1) << 32) | pa[other], return_counts=True)
    for key, c in zip(keys.tolist(), counts.tolist(), strict=True):
        out[(key >> 32) - 1][key & 0xFFFFFFFF] = c
    return out


__all__ = [
    "FANOUT",
    "FILTER_BITS",
    "FILTER_PAYBACK",
    "MAX_RUN",
    "Run",
    "make_run",
    "merge",
    "postings_order",
    "settle",
    "shared_counts",
]
