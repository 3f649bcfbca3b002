"""Comparing candidate pairs by the ``paragraphs`` measure ahead of time, on every core.

:func:`~variorum.dedup.choose.choose` compares pairs one at a time, in an order where each
decision may depend on the ones before. Comparing is what costs (reading both records again,
finding their paragraphs), and which pairs it will compare is known in advance
(:meth:`~variorum.dedup.choose.Visit.pairs`), so :func:`score_pairs` compares them all first in
worker processes and ``choose`` then looks the scores up. The scores are those of
:func:`~variorum.dedup.paragraphs.paragraph_similarity`, whichever process computed them.

Pairs are handed out by connected group (records linked by candidate pairs, such as the copies
of one document), so that a worker reads each record once, and in pieces of at most
:data:`PIECE_PAIRS` pairs, so that a worker holds only one piece's records at a time.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence

import numpy as np

from variorum.dedup.paragraphs import Paragraphs, paragraph_similarity, paragraphs_of
from variorum.dedup.records import RecordReader, RecordTable
from variorum.dedup.tokens import ChunkTokens

#: Pairs per piece of work at most (a group of linked records is never cut).
PIECE_PAIRS = 1000
#: Records read and split into paragraphs together.
READ_BATCH = 256

_state: dict[str, object] = {}


def groups_of(pairs: Sequence[tuple[int, int]]) -> list[int]:
    """For each pair, a number shared by the pairs of one connected group of records."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(a) for a, _ in pairs]


def pieces_of(pairs: Sequence[tuple[int, int]], size: int = PIECE_PAIRS) -> list[list[int]]:
    """Pair indices in pieces of about ``size`` pairs; a group is cut only when it is larger."""
    by_group: dict[int, list[int]] = {}
    for i, g in enumerate(groups_of(pairs)):
        by_group.setdefault(g, []).append(i)
    pieces: list[list[int]] = [[]]
    for members in by_group.values():
        if len(members) > size:  # one large group (a shared heading?): cut, records read again
            pieces.extend(members[at : at + size] for at in range(0, len(members), size))
            pieces.append([])
            continue
        if pieces[-1] and len(pieces[-1]) + len(members) > size:
            pieces.append([])
        pieces[-1].extend(members)
    return [p for p in pieces if p]


def compare_piece(
    reader: RecordReader, pairs: Sequence[tuple[int, int]], tokens: ChunkTokens, at_least: float
) -> np.ndarray:
    """The paragraph similarity of each pair (any value below ``at_least`` when below it)."""
    records = sorted({r for pair in pairs for r in pair}, key=reader.table.offsets.__getitem__)
    found: dict[int, Paragraphs] = {}
    for at in range(0, len(records), READ_BATCH):
        batch = records[at : at + READ_BATCH]
        texts = [reader.read(r)["text"] for r in batch]
        found.update(zip(batch, paragraphs_of(texts, tokens), strict=True))
    scores = [paragraph_similarity(found[a], found[b], at_least) for a, b in pairs]
    return np.array(scores, dtype=np.float64)


def _compare_in_worker(piece: list[int]) -> tuple[list[int], np.ndarray]:
    path, table, pairs, at_least = _state["path"], _state["table"], _state["pairs"], _state["at_least"]
    assert isinstance(path, str) and isinstance(table, RecordTable) and isinstance(pairs, list)
    assert isinstance(at_least, float)
    tokens = _state.get("tokens")
    if not isinstance(tokens, ChunkTokens):
        tokens = _state["tokens"] = ChunkTokens()
    reader = RecordReader(path, table)
    try:
        return piece, compare_piece(reader, [pairs[i] for i in piece], tokens, at_least)
    finally:
        reader.close()


def score_pairs(
    path: str, table: RecordTable, pairs: list[tuple[int, int]], workers: int, at_least: float = 0.0
) -> dict[tuple[int, int], float]:
    """The paragraph similarity of every pair of records of ``table``, by ``workers`` processes.

    A similarity below ``at_least`` may be given as any value below it.
    Worker processes are forked, so that the table and the pairs reach them without being
    copied; where forking is not available, or with one worker, this process compares them.
    """
    scores = np.zeros(len(pairs), dtype=np.float64)
    pieces = pieces_of(pairs)
    if workers <= 1 or len(pieces) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        reader = RecordReader(path, table)
        try:
            tokens = ChunkTokens()
            for piece in pieces:
                scores[piece] = compare_piece(reader, [pairs[i] for i in piece], tokens, at_least)
        finally:
            reader.close()
    else:
        _state.update(path=path, table=table, pairs=pairs, at_least=float(at_least))
        try:
            with multiprocessing.get_context("fork").Pool(min(workers, len(pieces))) as pool:
                for piece, got in pool.imap_unordered(_compare_in_worker, pieces):
                    scores[piece] = got
        finally:
            _state.clear()
    return dict(zip(pairs, scores.tolist(), strict=True))
