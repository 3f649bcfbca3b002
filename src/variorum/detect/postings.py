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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from variorum.arrays import concat_ranges

#: Runs of one level merged into one of the next level. 4 keeps lookups to a dozen runs or so
#: while each posting is rewritten about log4(batches) times.
FANOUT = 4
#: Runs are not merged past this many postings (a 64 MiB blob of hashes): a merge rewrites the
#: whole run, and SQLite caps a blob at 1 GB.
MAX_RUN = 1 << 23


@dataclass(frozen=True)
class Run:
    """Postings sorted by hash (documents in insertion order within a hash)."""

    level: int
    hashes: np.ndarray  # int64, sorted
    nums: np.ndarray  # int32 document nums, parallel to ``hashes``

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


def _ranges(hashes: np.ndarray, probe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``searchsorted`` of ``probe`` in ``hashes``, left and right; the right one only for the
    probes found (for the others both are equal).

    Most probes of a batch are in no run, and each binary search in a run of millions is a
    chain of cache misses: searching both sides of every probe made the lookups of a batch cost
    three times more at 300,000 documents (49 M postings, 14 runs) than at 30,000.
    """
    lo = np.searchsorted(hashes, probe, side="left")
    hi = lo.copy()
    if len(hashes):
        found = np.flatnonzero(hashes[np.minimum(lo, len(hashes) - 1)] == probe)
        hi[found] = np.searchsorted(hashes, probe[found], side="right")
    return lo, hi


def shared_counts(
    runs: Sequence[Run], fps: Mapping[int, np.ndarray], max_df: int
) -> dict[int, dict[int, int]]:
    """For each num in ``fps``, the other documents in ``runs`` and how many fingerprints they share.

    Shared fingerprints are counted once each, and only those held by at most ``max_df``
    documents (more is a stock phrase). ``fps`` may name documents that are in ``runs`` (a batch
    just added) or not (a query).
    """
    out: dict[int, dict[int, int]] = {num: {} for num in fps}
    q = make_run(fps.items())
    if not len(q):
        return out
    # The distinct hashes, where each starts and how often it is there (np.unique with
    # return_index and return_counts, without sorting again: a run is sorted by hash).
    starts = np.ones(len(q), dtype=bool)
    starts[1:] = q.hashes[1:] != q.hashes[:-1]
    first = np.flatnonzero(starts)
    probe = q.hashes[first]
    count = np.diff(np.append(first, len(q)))
    ranges = [_ranges(r.hashes, probe) for r in runs]
    df = np.zeros(len(probe), dtype=np.int64)
    for lo, hi in ranges:
        df += hi - lo
    keep = (df > 0) & (df <= max_df)
    q_side: list[np.ndarray] = []
    p_side: list[np.ndarray] = []
    for r, (lo, hi) in zip(runs, ranges, strict=True):
        width = np.where(keep, hi - lo, 0)
        hit = np.flatnonzero(width)
        if not len(hit):
            continue
        # Every posting of this run for probe j, paired with every probing document of probe j.
        posting = concat_ranges(lo[hit], width[hit])
        probe_of = np.repeat(hit, width[hit])
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


__all__ = ["FANOUT", "MAX_RUN", "Run", "make_run", "merge", "postings_order", "settle", "shared_counts"]
