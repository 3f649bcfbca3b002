"""Which records to keep: exact copies first, then candidates from the bands, compared greedily.

Records are visited in the order of the ``keep`` policy (input order, longest first, earliest
first). A record is removed when it is similar, at the threshold or above, to a record already
*kept*; otherwise it is kept. This greedy "leader" grouping, rather than the connected
components of all similar pairs (union-find), is deliberate: every removed record is similar to
the record it names in the sidecar, at the similarity written there. Components chain (A ~ B,
B ~ C, A !~ C) and would remove C in favour of a record it does not duplicate, which also
undermines precision. Because a record is only compared with kept ones, a large family of
near-copies costs about one comparison per member, not one per pair.

Exact copies (equal content hashes: the same normalized tokens before split repair) are settled
without reading anything: the first of them in keep order stands for all, and the others share
its fate (kept → duplicates of it with similarity 1.0; removed → duplicates of the same kept
record, at the same similarity).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from variorum.arrays import distinct

#: Kept records remembered per band bucket. A bucket shared by many records that are not
#: duplicates of each other (a common heading, a disclaimer) would otherwise make the work
#: quadratic; a true duplicate shares many bands, so it is still found through another one.
MAX_KEPT_PER_BUCKET = 64
#: Comparisons per record at most, most promising first (most bands in common).
MAX_COMPARISONS = 32
#: Allowance for split-word repair, which can shorten a record after its length was counted.
LENGTH_SLACK = 0.9

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Choice:
    """The outcome for each record: ``duplicate_of`` is -1 for kept records."""

    duplicate_of: np.ndarray  # int64 record index of the kept record, or -1
    similarity: np.ndarray  # float32, 0 for kept records
    compared: int  # candidate pairs compared by reading both texts


def representatives(content: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """For each record the first record, in keep order, with the same content hash."""
    n = len(content)
    by = np.lexsort((rank, content))
    sorted_content = content[by]
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = sorted_content[1:] != sorted_content[:-1]
    run_first = by[np.flatnonzero(new_run)]
    rep = np.empty(n, dtype=np.int64)
    rep[by] = run_first[np.cumsum(new_run) - 1]
    return rep


def buckets_in_place(bands: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Replace each band key of ``members`` by a bucket number shared with equal keys, -1 if alone.

    Works in place (the keys are not needed afterwards) so that selection needs no memory
    beyond the signatures; rows not in ``members`` become -1. Returns the int64 view.
    """
    buckets = bands.view(np.int64)
    others = np.ones(len(bands), dtype=bool)
    others[members] = False
    shared = np.empty(len(members), dtype=bool)
    found = np.empty(len(members), dtype=np.int64)
    next_bucket = 0
    for j in range(bands.shape[1]):  # column by column: no n × BANDS temporary
        order, keys = key_order(bands[members, j])
        equal = keys[1:] == keys[:-1]
        shared[:] = False
        shared[1:] |= equal
        shared[:-1] |= equal
        run = np.cumsum(np.concatenate(([True], ~equal))) - 1 + next_bucket
        next_bucket = int(run[-1]) + 1 if len(run) else next_bucket
        found[order] = np.where(shared, run, -1)
        buckets[members, j] = found
        buckets[others, j] = -1
    return buckets


_HIGH, _TOP = np.uint64(32), np.uint64(48)


def key_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An order of ``keys`` (``uint64``) that sorts them, and the keys in that order.

    By their top 32 bits, in two stable passes over 16 bits each (numpy sorts 16-bit keys by
    radix: a twentieth of the time of a comparison sort of 64-bit keys on a CPU without a
    vectorized sort). Two different keys whose top bits agree would be left unordered; that
    is checked, and then the keys are sorted whole.
    """
    order = np.argsort((keys >> _HIGH).astype(np.uint16), kind="stable")
    order = order[np.argsort((keys[order] >> _TOP).astype(np.uint16), kind="stable")]
    ordered = keys[order]
    top = ordered >> _HIGH
    if not np.array_equal(ordered[1:] == ordered[:-1], top[1:] == top[:-1]):
        order = np.argsort(keys)
        ordered = keys[order]
    return order, ordered


@dataclass(frozen=True)
class Visit:
    """The records :func:`choose` is about to visit, and what decides which pairs it compares."""

    active: np.ndarray  # records that share a bucket with another, in the order visited
    buckets: np.ndarray  # n × BANDS bucket numbers, -1 where alone
    rank: np.ndarray  # place of each record in keep order
    lengths: np.ndarray
    ratio: float  # pairs whose shorter record is below this share of the longer are skipped

    def pairs(self) -> list[tuple[int, int]]:
        """The pairs :func:`choose` compares when listing all pairs, each once, in no order.

        Without its cut after :data:`MAX_COMPARISONS` dissimilar pairs for one record. When
        only kept records are compared, most of its pairs are among these (not all: a bucket
        full of :data:`MAX_KEPT_PER_BUCKET` records may hold later kept ones instead).

        Found with numpy, as :meth:`pairs_in_order` does record by record (its reference, and
        a second of the single-core part of a large run): in all-pairs mode every record joins
        its buckets, so the record at place ``r`` of a bucket (in visit order) meets the first
        ``min(r, MAX_KEPT_PER_BUCKET)`` of them.
        """
        if not len(self.active):
            return []
        placed = self.buckets[self.active]  # row: place in visit order
        rows, columns = np.nonzero(placed >= 0)
        bucket = placed[rows, columns]
        order = np.lexsort((rows, bucket))  # by bucket, then by place
        bucket, member = bucket[order], rows[order]
        new = np.ones(len(bucket), dtype=bool)
        new[1:] = bucket[1:] != bucket[:-1]
        first = np.flatnonzero(new)[np.cumsum(new) - 1]  # where each one's bucket starts
        earlier = np.minimum(np.arange(len(bucket)) - first, MAX_KEPT_PER_BUCKET)
        each = np.repeat(np.arange(len(bucket)), earlier)
        step = np.arange(len(each)) - np.repeat(np.cumsum(earlier) - earlier, earlier)
        later, before = member[each], member[first[each] + step]
        if not len(later):
            return []
        keys = distinct(later.astype(np.int64) * len(self.active) + before)
        d = self.active[keys // len(self.active)]
        k = self.active[keys % len(self.active)]
        ld, lk = self.lengths[d].astype(np.float64), self.lengths[k].astype(np.float64)
        fits = np.minimum(ld, lk) >= self.ratio * np.maximum(ld, lk)
        return list(zip(d[fits].tolist(), k[fits].tolist(), strict=True))

    def pairs_in_order(self) -> list[tuple[int, int]]:
        """:meth:`pairs` in the order :func:`choose` compares them, found as it finds them."""
        kept_in: dict[int, list[int]] = {}
        planned: list[tuple[int, int]] = []
        rank, lengths, ratio = self.rank, self.lengths, self.ratio
        for d in self.active.tolist():
            mine = [b for b in self.buckets[d].tolist() if b >= 0]
            shared: dict[int, int] = {}
            for b in mine:
                for k in kept_in.get(b, ()):
                    shared[k] = shared.get(k, 0) + 1
            length = int(lengths[d])
            for k in sorted(shared, key=lambda k: (-shared[k], rank[k])):
                other = int(lengths[k])
                if min(length, other) >= ratio * max(length, other):
                    planned.append((d, k))
            for b in mine:
                kept = kept_in.setdefault(b, [])
                if len(kept) < MAX_KEPT_PER_BUCKET:
                    kept.append(d)
        return planned


def choose(
    bands: np.ndarray,
    content: np.ndarray,
    lengths: np.ndarray,
    order: np.ndarray,
    similar: Callable[[int, int], float],
    threshold: float,
    progress: Progress | None = None,
    *,
    length_ratio: float | None = None,
    pairs: list[tuple[int, int, float]] | None = None,
    visiting: Callable[[Visit], None] | None = None,
) -> Choice:
    """Decide every record's fate (see the module docstring).

    ``bands`` (n × BANDS ``uint64``) is overwritten with bucket numbers. ``order`` lists the
    record indices from the one to keep most to the one to keep least; ``lengths`` are token
    counts, which bound the similarity (see :func:`variorum.dedup.stream.similarity`) and spare
    reading pairs of very different length: a pair is not compared when the shorter record has
    fewer than ``length_ratio`` (default ``threshold * LENGTH_SLACK``; 0 compares every pair)
    times the longer one's tokens. ``similar(a, b)`` returns the similarity of two records when
    it is at least ``threshold`` and 0.0 otherwise.

    With a ``pairs`` list, each record is also compared with the earlier records (in keep
    order) that were removed, and every pair found similar is appended to it as ``(record,
    earlier record, similarity)``, exact copies with their representative at 1.0: all verified
    near-duplicate pairs rather than only each removed record's kept one. A record is still
    removed in favour of the first kept record found similar.

    ``visiting``, when given, is called once with the :class:`Visit` about to be made, before
    any comparison, so that ``similar`` can read records ahead or compare them in advance.
    """
    n = len(content)
    duplicate_of = np.full(n, -1, dtype=np.int64)
    similarity = np.zeros(n, dtype=np.float32)
    if n == 0:
        return Choice(duplicate_of, similarity, 0)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    rep = representatives(content, rank)
    reps = np.flatnonzero(rep == np.arange(n))
    buckets = buckets_in_place(bands, reps)
    shares = np.zeros(n, dtype=bool)
    for j in range(buckets.shape[1]):  # column by column: no n × BANDS temporary
        shares |= buckets[:, j] >= 0
    active = np.flatnonzero(shares)  # only representatives have buckets
    active = active[np.argsort(rank[active], kind="stable")]
    ratio = threshold * LENGTH_SLACK if length_ratio is None else length_ratio
    if visiting is not None:
        visiting(Visit(active, buckets, rank, lengths, ratio))

    kept_in: dict[int, list[int]] = {}
    # In pairs mode every record is remembered, kept or not; kept ones are told apart below.
    all_pairs = pairs is not None
    compared = 0
    done = 0
    for d in active.tolist():
        mine = [b for b in buckets[d].tolist() if b >= 0]
        shared: dict[int, int] = {}
        for b in mine:
            for k in kept_in.get(b, ()):
                shared[k] = shared.get(k, 0) + 1
        if shared:
            length = int(lengths[d])
            tries = 0
            for k in sorted(shared, key=lambda k: (-shared[k], rank[k])):
                other = int(lengths[k])
                if min(length, other) < ratio * max(length, other):
                    continue
                compared += 1
                score = similar(d, k)
                if score >= threshold:
                    if pairs is not None:
                        pairs.append((d, k, score))
                    if duplicate_of[d] < 0 and duplicate_of[k] < 0:
                        duplicate_of[d] = k
                        similarity[d] = score
                    if not all_pairs:
                        break
                    continue
                tries += 1
                if tries >= MAX_COMPARISONS:
                    break
        if duplicate_of[d] < 0 or all_pairs:
            for b in mine:
                kept = kept_in.setdefault(b, [])
                if len(kept) < MAX_KEPT_PER_BUCKET:
                    kept.append(d)
        done += 1
        if progress is not None and done % 1024 == 0:
            progress("comparing", 1024)
    if progress is not None and done % 1024:
        progress("comparing", done % 1024)

    copies = np.flatnonzero(rep != np.arange(n))
    leader = rep[copies]
    if pairs is not None:
        pairs.extend((c, r, 1.0) for c, r in zip(copies.tolist(), leader.tolist(), strict=True))
    leader_kept = duplicate_of[leader] < 0
    duplicate_of[copies] = np.where(leader_kept, leader, duplicate_of[leader])
    similarity[copies] = np.where(leader_kept, 1.0, similarity[leader])
    return Choice(duplicate_of, similarity, compared)
