"""Multi-witness alignment into one table, with moves.

Witnesses are merged one at a time, in :func:`~variorum.collate.witness.canonical_order` (by
date, then length, then id — never in the order the caller gave), into a growing sequence of
columns. Merging witness W into the columns:

1. **Anchors.** Word 3-grams shared by the columns (each column read as its first token) and W
   seed the local aligner of :mod:`variorum.align.local`, which chains them into blocks. A
   3-gram repeated many times seeds nothing, so repeated phrases cannot pull blocks astray.
2. **Order.** The heaviest set of blocks that is in the same order on both sides is kept
   (weighted chaining in O(B log B)). A block's weight is its matched words, several times more
   inside a paragraph of W that begins where a paragraph begins in the columns, so that when two
   passages swap places the one cut out of the middle of a paragraph is the one that moved.
3. **Moves.** A block left out of that order, at least ``MOVE_MIN`` words long and similar on
   both sides, is a move: W's words go into new columns where W has them, and a :class:`Move`
   links them to the columns where the others have them. It is one transposition, not an
   omission plus an addition.
4. **Gaps.** Between kept blocks, the remaining words are aligned by edit distance (rapidfuzz
   opcodes), and unequal replaced stretches by a small dynamic programme that prefers near
   matches, so that a changed word stands in the column of the word it replaces. Stretches with
   nothing in common stay an omission and an addition rather than a forced substitution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from variorum.align.local import Match, align_tokens
from variorum.collate.model import Move, Table, Witness
from variorum.detect.fingerprint import ngram_hashes, token_hashes

ANCHOR_NGRAM = 3
MOVE_MIN = 6
ANCHOR_WEIGHT = 4.0
# Replaced stretches up to this many cells are aligned by the near-match programme.
DP_CELLS = 2_500
# Stretches of at least this many words on both sides, of which less than this share of the
# shorter one is found in the other, are not paired.
UNRELATED_MIN = 4
UNRELATED_BELOW = 0.5

Pair = tuple[int | None, int | None]


@dataclass
class _Columns:
    """The growing alignment: columns in order, and where each witness's tokens went."""

    order: list[int] = field(default_factory=list)  # column ids in reading order
    norm: list[str] = field(default_factory=list)  # first token's normalized form, per column id
    para_start: list[bool] = field(default_factory=list)  # a paragraph starts here in some witness
    cells: dict[int, list[int]] = field(default_factory=dict)  # witness -> column id per token

    def new_column(self, norm: str, para_start: bool) -> int:
        self.norm.append(norm)
        self.para_start.append(para_start)
        return len(self.norm) - 1


@dataclass(frozen=True)
class _RawMove:
    from_witness: int
    to_witness: int
    source: list[int]  # column ids
    target: list[int]
    level: str


def _paragraph_starts(w: Witness) -> list[bool]:
    p = w.paragraph
    return [i == 0 or p[i] != p[i - 1] for i in range(len(p))]


def _weighted_chain(
    blocks: Sequence[Match], weights: Sequence[float], slack: int = ANCHOR_NGRAM
) -> list[int]:
    """Indices of the heaviest subset of blocks ordered the same way on both sides.

    Consecutive blocks may overlap by up to ``slack`` tokens (extension can make neighbours share
    a word); the pairing step trims the overlap.
    """
    n = len(blocks)
    if n == 0:
        return []
    by_start = sorted(range(n), key=lambda k: (blocks[k].a0, blocks[k].b0))
    by_end = sorted(range(n), key=lambda k: blocks[k].a1)
    keys = sorted({blocks[k].b1 - slack for k in range(n)})
    size = len(keys)
    tree_val = [0.0] * (size + 1)
    tree_arg = [-1] * (size + 1)

    def update(pos: int, value: float, arg: int) -> None:
        pos += 1
        while pos <= size:
            if value > tree_val[pos]:
                tree_val[pos], tree_arg[pos] = value, arg
            pos += pos & -pos

    def query(pos: int) -> tuple[float, int]:  # best over keys[0..pos-1]
        best, arg = 0.0, -1
        while pos > 0:
            if tree_val[pos] > best:
                best, arg = tree_val[pos], tree_arg[pos]
            pos -= pos & -pos
        return best, arg

    import bisect

    best = [0.0] * n
    prev = [-1] * n
    e = 0
    for k in by_start:
        while e < n and blocks[by_end[e]].a1 - slack <= blocks[k].a0:
            j = by_end[e]
            update(bisect.bisect_left(keys, blocks[j].b1 - slack), best[j], j)
            e += 1
        value, arg = query(bisect.bisect_right(keys, blocks[k].b0))
        best[k] = value + weights[k]
        prev[k] = arg
    k = max(range(n), key=lambda i: best[i])
    chosen = []
    while k != -1:
        chosen.append(k)
        k = prev[k]
    return sorted(chosen, key=lambda i: blocks[i].a0)


def _near_dp(s_norms: Sequence[str], w_norms: Sequence[str]) -> list[Pair]:
    """Align two short stretches preferring exact, then near matches (Needleman-Wunsch)."""
    n, m = len(s_norms), len(w_norms)
    gap = -1.0
    score = np.zeros((n + 1, m + 1))
    score[:, 0] = np.arange(n + 1) * gap
    score[0, :] = np.arange(m + 1) * gap
    sim = np.zeros((n, m))
    for i, a in enumerate(s_norms):
        for j, b in enumerate(w_norms):
            if a == b:
                sim[i, j] = 2.0
            else:
                r = fuzz.ratio(a, b)
                sim[i, j] = 1.0 if r >= 70 else (-0.5 if r >= 40 else -1.5)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            score[i, j] = max(
                score[i - 1, j - 1] + sim[i - 1, j - 1], score[i - 1, j] + gap, score[i, j - 1] + gap
            )
    pairs: list[Pair] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and score[i, j] == score[i - 1, j - 1] + sim[i - 1, j - 1]:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and score[i, j] == score[i - 1, j] + gap:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    pairs.reverse()
    return pairs


def _pair_align(
    s_idx: Sequence[int], w_idx: Sequence[int], s_norms: Sequence[str], w_norms: Sequence[str]
) -> list[Pair]:
    """Align two stretches (given as index lists into the column and witness sequences)."""
    if not s_idx:
        return [(None, w) for w in w_idx]
    if not w_idx:
        return [(s, None) for s in s_idx]
    a = [s_norms[s] for s in s_idx]
    b = [w_norms[w] for w in w_idx]
    if min(len(a), len(b)) >= UNRELATED_MIN and _containment(a, b) < UNRELATED_BELOW:
        # Two unrelated stretches (a sentence dropped, another added) share only common words:
        # pairing them would scatter one sentence's words under the other's.
        return [(s, None) for s in s_idx] + [(None, w) for w in w_idx]
    out: list[Pair] = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b):
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out.extend((s_idx[i], w_idx[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "delete":
            out.extend((s_idx[i], None) for i in range(i1, i2))
        elif tag == "insert":
            out.extend((None, w_idx[j]) for j in range(j1, j2))
        elif (i2 - i1) * (j2 - j1) <= DP_CELLS:
            for i, j in _near_dp(a[i1:i2], b[j1:j2]):
                out.append((None if i is None else s_idx[i1 + i], None if j is None else w_idx[j1 + j]))
        else:
            out.extend((s_idx[i], None) for i in range(i1, i2))
            out.extend((None, w_idx[j]) for j in range(j1, j2))
    return out


def _containment(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of the shorter stretch's words found, in order, in the other (LCS / shorter length)."""
    lcs = (len(a) + len(b) - Indel.distance(a, b)) / 2
    return lcs / min(len(a), len(b))


def _insert_extras(pairs: list[Pair], s_extra: Sequence[int], w_extra: Sequence[int]) -> list[Pair]:
    """Put forced omissions/insertions (moved words) into an aligned stretch at their places."""
    out = list(pairs)
    for s in s_extra:
        pos = next((k for k, p in enumerate(out) if p[0] is not None and p[0] > s), len(out))
        out.insert(pos, (s, None))
    for w in w_extra:
        pos = next((k for k, p in enumerate(out) if p[1] is not None and p[1] > w), len(out))
        out.insert(pos, (None, w))
    return out


def _overlap(a0: int, a1: int, ranges: Sequence[tuple[int, int]]) -> int:
    return sum(max(0, min(a1, r1) - max(a0, r0)) for r0, r1 in ranges)


def _merge(cols: _Columns, wi: int, w: Witness, moves: list[_RawMove]) -> None:
    """Merge witness ``wi`` into the columns (see the module docstring)."""
    s_ids = list(cols.order)
    s_norms = [cols.norm[c] for c in s_ids]
    w_norms = w.tokens.norms
    w_starts = _paragraph_starts(w)
    s_hash = token_hashes(s_norms)
    w_hash = token_hashes(w_norms)
    blocks = align_tokens(
        s_hash.tolist(),
        w_hash.tolist(),
        ngram_hashes(s_hash, ANCHOR_NGRAM).view(np.int64),
        ngram_hashes(w_hash, ANCHOR_NGRAM).view(np.int64),
        ngram=ANCHOR_NGRAM,
        max_gap=3,
        min_words=ANCHOR_NGRAM,
    )
    # A paragraph of W whose first words match the first words of a paragraph in the columns is
    # anchored: it is where it was. Blocks in anchored paragraphs weigh more, so that when two
    # passages swap, the one that was cut out of the middle of a paragraph is the one that moved.
    anchored = {
        w.paragraph[b.b0]
        for b in blocks
        if w_starts[b.b0] and any(cols.para_start[s_ids[a]] for a in range(b.a0, min(b.a0 + 2, b.a1)))
    }
    weights = [
        min(b.a1 - b.a0, b.b1 - b.b0) * b.identity * (ANCHOR_WEIGHT if w.paragraph[b.b0] in anchored else 1.0)
        for b in blocks
    ]
    chosen = _weighted_chain(blocks, weights)
    kept_s = [(blocks[k].a0, blocks[k].a1) for k in chosen]
    kept_w = [(blocks[k].b0, blocks[k].b1) for k in chosen]
    move_s: set[int] = set()
    move_w: set[int] = set()
    found: list[Match] = []
    for k in sorted(set(range(len(blocks))) - set(chosen), key=lambda k: -weights[k]):
        b = blocks[k]
        size = min(b.a1 - b.a0, b.b1 - b.b0)
        if size < MOVE_MIN or b.identity < 0.7:
            continue
        if _overlap(b.a0, b.a1, kept_s) > 0.2 * size or _overlap(b.b0, b.b1, kept_w) > 0.2 * size:
            continue
        if any(i in move_s for i in range(b.a0, b.a1)) or any(j in move_w for j in range(b.b0, b.b1)):
            continue
        move_s.update(s for s in range(b.a0, b.a1) if _overlap(s, s + 1, kept_s) == 0)
        move_w.update(j for j in range(b.b0, b.b1) if _overlap(j, j + 1, kept_w) == 0)
        found.append(b)

    pairs: list[Pair] = []
    prev_s = prev_w = 0
    for k in [*chosen, None]:
        s_end = blocks[k].a0 if k is not None else len(s_ids)
        w_end = blocks[k].b0 if k is not None else len(w_norms)
        s_gap = [s for s in range(prev_s, max(prev_s, s_end)) if s not in move_s]
        w_gap = [j for j in range(prev_w, max(prev_w, w_end)) if j not in move_w]
        stretch = _pair_align(s_gap, w_gap, s_norms, w_norms)
        s_extra = [s for s in range(prev_s, max(prev_s, s_end)) if s in move_s]
        w_extra = [j for j in range(prev_w, max(prev_w, w_end)) if j in move_w]
        pairs.extend(_insert_extras(stretch, s_extra, w_extra))
        if k is None:
            break
        b = blocks[k]
        a0, b0 = max(b.a0, prev_s), max(b.b0, prev_w)
        pairs.extend(_pair_align(list(range(a0, b.a1)), list(range(b0, b.b1)), s_norms, w_norms))
        prev_s, prev_w = max(prev_s, b.a1), max(prev_w, b.b1)

    cells = [-1] * len(w_norms)
    order: list[int] = []
    for s, j in pairs:
        if s is not None:
            col = s_ids[s]
            if j is not None:
                cells[j] = col
                cols.para_start[col] = cols.para_start[col] or w_starts[j]
        else:
            assert j is not None
            col = cols.new_column(w_norms[j], w_starts[j])
            cells[j] = col
        order.append(col)
    cols.order = order
    cols.cells[wi] = cells
    for b in found:
        src = [s_ids[s] for s in range(b.a0, b.a1)]
        owner = next((v for v, vc in cols.cells.items() if v != wi and any(c in set(src) for c in vc)), wi)
        para = [w.paragraph[j] for j in range(b.b0, b.b1)]
        p_len = sum(1 for p in w.paragraph if p == para[0])
        size = b.b1 - b.b0
        level = "paragraph" if size >= 0.8 * p_len else "sentence" if size >= 8 else "phrase"
        moves.append(_RawMove(owner, wi, src, [cells[j] for j in range(b.b0, b.b1)], level))


def align_witnesses(witnesses: Sequence[Witness], merge_order: Sequence[int]) -> tuple[Table, list[Move]]:
    """The alignment table of ``witnesses`` and the moves found while building it."""
    cols = _Columns()
    raw_moves: list[_RawMove] = []
    for wi in merge_order:
        w = witnesses[wi]
        if not cols.order:
            starts = _paragraph_starts(w)
            cols.cells[wi] = [cols.new_column(n, st) for n, st in zip(w.tokens.norms, starts, strict=True)]
            cols.order = list(cols.cells[wi])
            continue
        _merge(cols, wi, w, raw_moves)
    position = {c: k for k, c in enumerate(cols.order)}
    columns: list[list[int | None]] = [[None] * len(witnesses) for _ in cols.order]
    for wi, cells in cols.cells.items():
        for tok, c in enumerate(cells):
            columns[position[c]][wi] = tok
    table = Table(tuple(witnesses), tuple(tuple(c) for c in columns))
    moves = []
    for m in raw_moves:
        src = sorted(position[c] for c in m.source)
        tgt = sorted(position[c] for c in m.target)
        source, target = (src[0], src[-1] + 1), (tgt[0], tgt[-1] + 1)
        lo, hi = min(source[1], target[1]), max(source[0], target[0])
        moves.append(
            Move(
                from_witness=witnesses[m.from_witness].id,
                to_witness=witnesses[m.to_witness].id,
                source=source,
                target=target,
                level=m.level,  # type: ignore[arg-type]
                size=len(m.target),
                distance=max(0, hi - lo),
            )
        )
    return table, moves
