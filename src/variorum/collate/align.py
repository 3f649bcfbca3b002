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
4. **Gaps.** Blocks are first trimmed to run from their first to their last run of
   ``ANCHOR_NGRAM`` equal words, and a short kept block inside a longer move is dropped (an
   added sentence is never aligned against a moved passage). Between kept blocks, stretches up
   to ``DP_CELLS`` are anchored on words that occur once on each side, chained by
   :func:`_pivot_chain` (a pivot that keeps its rank beats a longer block that swapped), and the
   rest aligned by a small Needleman-Wunsch programme that prefers exact, then near matches, so
   that a changed word stands in the column of the word it replaces. A column matches every
   form read in it. Stretches with nothing in common stay an omission and an addition rather
   than a forced substitution; longer stretches are aligned by edit distance (rapidfuzz
   opcodes). ``tests/collation_cases.py`` names, case by case, the rule that settles an
   ambiguous alignment.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from variorum.align.local import Match, align_tokens
from variorum.collate.model import Move, Table, Witness
from variorum.detect import hash_lists

ANCHOR_NGRAM = 3
MOVE_MIN = 6
# Rounds of dropping short kept blocks that lie inside a move and choosing the order again.
MOVE_ROUNDS = 3
ANCHOR_WEIGHT = 4.0
# Replaced stretches up to this many cells are aligned by the near-match programme.
DP_CELLS = 2_500
# Stretches of at least this many words on both sides, of which less than this share of the
# shorter one is found in the other, are not paired.
UNRELATED_MIN = 6
# Words shorter than this are never near matches: "red" and "bread" score 75 but are not one
# word respelled, while "centre"/"center" and "aircraft"/"aircrafts" are.
NEAR_MIN = 4
UNRELATED_BELOW = 0.5
# A gap anchor loses this much weight per place its rank among the anchors differs between the
# two stretches: more than half a word, so that a one-word pivot that keeps its place outweighs
# a two-word block that swapped with another ("the cat is black" / "black is the cat").
DISPLACEMENT = 0.75
# Columns plus witness tokens up to which a merge in a process that has not imported numpy hashes
# and seeds in pure Python (variorum.detect.hash_lists): importing numpy is ~40 ms of a ~130 ms
# collation of two one-page files. Arrays are faster once numpy is there (measured, seeding a
# text and its revision: 1,000 tokens 2.1 ms listed against 1.0 ms, 10,000 tokens 23 ms against
# 13 ms), so larger merges, and every merge in a process that has numpy, use them.
LISTED_TOKENS = 10_000

Pair = tuple[int | None, int | None]


@dataclass
class _Columns:
    """The growing alignment: columns in order, and where each witness's tokens went."""

    order: list[int] = field(default_factory=list)  # column ids in reading order
    norm: list[str] = field(default_factory=list)  # first token's normalized form, per column id
    # every normalized form read in the column: a later witness matches any of them, so that
    # "b" meets the "b" of "a b" even where the first witness read "x" ("a x" / "b" / "a b")
    forms: list[set[str]] = field(default_factory=list)
    para_start: list[bool] = field(default_factory=list)  # a paragraph starts here in some witness
    cells: dict[int, list[int]] = field(default_factory=dict)  # witness -> column id per token

    def new_column(self, norm: str, para_start: bool) -> int:
        self.norm.append(norm)
        self.forms.append({norm})
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


def _similarity(forms: set[str], norm: str) -> float:
    """Score of putting ``norm`` in a column that reads ``forms``: 2 for the same word, 1 for a
    near spelling (fuzz ratio ≥ 70, words of ``NEAR_MIN`` letters or more), else a penalty that
    still beats two gaps for one word against one word, so that a replaced word stands under the
    word it replaces. Other words are all alike: a half-similar word ("red"/"bread") does not
    pull a replacement out of its place."""
    if norm in forms:
        return 2.0
    r = max(fuzz.ratio(f, norm) for f in forms)
    if r >= 70 and min(len(norm), max(len(f) for f in forms)) >= NEAR_MIN:
        return 1.0
    return -1.0


def _near_dp(s_forms: Sequence[set[str]], w_norms: Sequence[str]) -> list[Pair]:
    """Align two short stretches preferring exact, then near matches (Needleman-Wunsch).

    Ties are broken so that a matched word takes the last of its equally good copies (a
    repeated word matches the copy next to the words matched after it: "the the cat" / "the
    cat" leaves the first "the" unmatched), and an unmatched word takes the earliest free column
    after the last match, as CollateX ranks it ("x y" / "p b q": "x" under "p", "y" under "b").
    """
    n, m = len(s_forms), len(w_norms)
    gap = -1.0
    # Plain lists of floats: the stretches hold at most DP_CELLS cells, where reading and writing
    # one numpy element at a time is slower than a list's, and the sums are the same doubles.
    sim = [[_similarity(f, b) for b in w_norms] for f in s_forms]
    score = [[j * gap for j in range(m + 1)]]
    for i in range(1, n + 1):
        up, row, here = score[i - 1], [i * gap], sim[i - 1]
        for j in range(1, m + 1):
            row.append(max(up[j - 1] + here[j - 1], up[j] + gap, row[j - 1] + gap))
        score.append(row)
    pairs: list[Pair] = []
    i, j = n, m
    while i > 0 or j > 0:
        if (
            i > 0
            and j > 0
            and sim[i - 1][j - 1] >= 1.0
            and score[i][j] == score[i - 1][j - 1] + sim[i - 1][j - 1]
        ):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and score[i][j] == score[i - 1][j] + gap:
            pairs.append((i - 1, None))
            i -= 1
        elif j > 0 and score[i][j] == score[i][j - 1] + gap:
            pairs.append((None, j - 1))
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    pairs.reverse()
    return pairs


def _unique_blocks(s_forms: Sequence[set[str]], w_norms: Sequence[str]) -> list[tuple[int, int, int]]:
    """Runs of words that occur once in each stretch, matched: ``(s0, w0, length)``.

    A word repeated in either stretch anchors nothing here (the DP between anchors places it),
    so that a repeated word cannot pull an anchor into the wrong copy.
    """
    s_count: dict[str, int] = {}
    for f in s_forms:
        for x in f:
            s_count[x] = s_count.get(x, 0) + 1
    w_count: dict[str, int] = {}
    for x in w_norms:
        w_count[x] = w_count.get(x, 0) + 1
    where = {x: k for k, f in enumerate(s_forms) for x in f if s_count[x] == 1}
    pairs = sorted((where[x], j) for j, x in enumerate(w_norms) if w_count[x] == 1 and x in where)
    blocks: list[list[int]] = []
    for i, j in pairs:
        if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
            blocks[-1][2] += 1
        else:
            blocks.append([i, j, 1])
    return [(a, b, n) for a, b, n in blocks]


def _pivot_chain(blocks: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The blocks kept in order: the heaviest chain, each block weighing its length less
    ``DISPLACEMENT`` per place its rank among the blocks differs between the two stretches.

    When two blocks swap around a third ("the cat is black" / "black is the cat"), the one that
    keeps its rank ("is") is the pivot that stays, and the swapped ones are the transposition,
    even if one of them is longer; between equal chains the one that keeps the earlier words of
    the columns wins ("a b c" / "b a c": "a" and "c" stay). O(B²) on the few blocks of a gap.
    """
    if not blocks:
        return []
    by_s = sorted(blocks)
    w_rank = {b: r for r, b in enumerate(sorted(blocks, key=lambda b: b[1]))}
    weight = [b[2] - DISPLACEMENT * abs(r - w_rank[b]) for r, b in enumerate(by_s)]
    best = [0.0] * len(by_s)
    prev = [-1] * len(by_s)
    for k, (a, b, _n) in enumerate(by_s):
        best[k], prev[k] = weight[k], -1
        for j in range(k):
            pa, pb, pn = by_s[j]
            if pa + pn <= a and pb + pn <= b and best[j] + weight[k] > best[k] + 1e-9:
                best[k], prev[k] = best[j] + weight[k], j
    top = max(best)
    if top <= 0:
        return []
    k = next(i for i in range(len(by_s)) if best[i] >= top - 1e-9)
    chosen = []
    while k != -1:
        chosen.append(by_s[k])
        k = prev[k]
    return chosen[::-1]


def _anchored_dp(s_forms: Sequence[set[str]], w_norms: Sequence[str]) -> list[Pair]:
    """Align two short stretches: unique shared words first (:func:`_pivot_chain`), then the
    near-match DP between them."""
    chosen = _pivot_chain(_unique_blocks(s_forms, w_norms))
    out: list[Pair] = []
    ps = pw = 0
    for a, b, n in [*chosen, (len(s_forms), len(w_norms), 0)]:
        for i, j in _near_dp(s_forms[ps:a], w_norms[pw:b]):
            out.append((None if i is None else ps + i, None if j is None else pw + j))
        out.extend((a + k, b + k) for k in range(n))
        ps, pw = a + n, b + n
    return out


def _as_read(forms: Sequence[set[str]], present: set[str]) -> list[str]:
    """Each column as one word for edit distances: the form the witness shares with it, if any
    (most columns have a single form)."""
    return [
        next(iter(f)) if len(f) == 1 else next((x for x in sorted(f) if x in present), min(f)) for f in forms
    ]


def _pair_align(
    s_idx: Sequence[int], w_idx: Sequence[int], s_forms: Sequence[set[str]], w_norms: Sequence[str]
) -> list[Pair]:
    """Align two stretches (given as index lists into the column and witness sequences)."""
    if not s_idx:
        return [(None, w) for w in w_idx]
    if not w_idx:
        return [(s, None) for s in s_idx]
    b = [w_norms[w] for w in w_idx]
    present = set(b)
    forms = [s_forms[s] for s in s_idx]
    # each column read as the form the witness shares with it, if any, for edit distances
    a = _as_read(forms, present)
    if min(len(a), len(b)) >= UNRELATED_MIN and _containment(a, b) < UNRELATED_BELOW:
        # Two unrelated stretches (a sentence dropped, another added) share only common words:
        # pairing them would scatter one sentence's words under the other's.
        return [(s, None) for s in s_idx] + [(None, w) for w in w_idx]
    if len(a) * len(b) <= DP_CELLS:
        return [
            (None if i is None else s_idx[i], None if j is None else w_idx[j])
            for i, j in _anchored_dp(forms, b)
        ]
    out: list[Pair] = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b):
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out.extend((s_idx[i], w_idx[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "delete":
            out.extend((s_idx[i], None) for i in range(i1, i2))
        elif tag == "insert":
            out.extend((None, w_idx[j]) for j in range(j1, j2))
        elif (i2 - i1) * (j2 - j1) <= DP_CELLS:
            for i, j in _anchored_dp(forms[i1:i2], b[j1:j2]):
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
    """Put forced omissions/insertions (moved words) into an aligned stretch at their places:
    each before the first pair whose position on its side is greater (``s_extra`` and
    ``w_extra`` are ascending, so one pass per side places them all)."""
    return _insert_side(_insert_side(pairs, s_extra, 0), w_extra, 1)


def _insert_side(pairs: list[Pair], extras: Sequence[int], side: int) -> list[Pair]:
    if not extras:
        return list(pairs)
    out: list[Pair] = []
    k = 0
    for p in pairs:
        here = p[side]
        while k < len(extras) and here is not None and here > extras[k]:
            out.append((extras[k], None) if side == 0 else (None, extras[k]))
            k += 1
        out.append(p)
    out.extend((x, None) if side == 0 else (None, x) for x in extras[k:])
    return out


def _overlap(a0: int, a1: int, ranges: Sequence[tuple[int, int]]) -> int:
    return sum(max(0, min(a1, r1) - max(a0, r0)) for r0, r1 in ranges)


def _moves(
    blocks: Sequence[Match], weights: Sequence[float], chosen: Sequence[int]
) -> tuple[list[Match], set[int], set[int]]:
    """Blocks left out of the order that are moves (see the module docstring), and the column
    and witness positions they cover outside the kept blocks."""
    kept_s = [(blocks[k].a0, blocks[k].a1) for k in chosen]
    kept_w = [(blocks[k].b0, blocks[k].b1) for k in chosen]
    move_s: set[int] = set()
    move_w: set[int] = set()
    found: list[Match] = []
    in_kept_s = {s for a0, a1 in kept_s for s in range(a0, a1)}
    in_kept_w = {j for b0, b1 in kept_w for j in range(b0, b1)}
    for k in sorted(set(range(len(blocks))) - set(chosen), key=lambda k: -weights[k]):
        b = blocks[k]
        size = min(b.a1 - b.a0, b.b1 - b.b0)
        if size < MOVE_MIN or b.identity < 0.7:
            continue
        if _overlap(b.a0, b.a1, kept_s) > 0.2 * size or _overlap(b.b0, b.b1, kept_w) > 0.2 * size:
            continue
        if any(i in move_s for i in range(b.a0, b.a1)) or any(j in move_w for j in range(b.b0, b.b1)):
            continue
        move_s.update(s for s in range(b.a0, b.a1) if s not in in_kept_s)
        move_w.update(j for j in range(b.b0, b.b1) if j not in in_kept_w)
        found.append(b)
    return found, move_s, move_w


def _trim(b: Match, s_forms: Sequence[set[str]], w_norms: Sequence[str]) -> tuple[int, int, int, int]:
    """The block cut down to run from its first to its last run of ``ANCHOR_NGRAM`` equal words.

    Chained seeds can start a block on a neighbouring diagonal ("district of Azerbaijan" in a
    title matched on into the body), and the words before its first true run then belong to the
    gap before it, where they are aligned word by word with the rest of that gap.
    """
    w = list(w_norms[b.b0 : b.b1])
    present = set(w)
    a = _as_read(s_forms[b.a0 : b.a1], present)
    runs = [op for op in Levenshtein.opcodes(a, w) if op[0] == "equal" and op[2] - op[1] >= ANCHOR_NGRAM]
    if not runs:
        return b.a0, b.a1, b.b0, b.b1
    return b.a0 + runs[0][1], b.a0 + runs[-1][2], b.b0 + runs[0][3], b.b0 + runs[-1][4]


def _hashes(norms: Sequence[str], listed: bool) -> tuple[list[int], Any]:
    """Token hashes as ints, and the ``ANCHOR_NGRAM``-gram hashes: a list where ``listed``
    (see :data:`LISTED_TOKENS`), else a numpy array. Both hold the same values."""
    if listed:
        tokens = hash_lists.token_hashes(norms)
        return tokens, hash_lists.ngram_hashes(tokens, ANCHOR_NGRAM)
    import numpy as np

    from variorum.detect.fingerprint import ngram_hashes, token_hashes

    array = token_hashes(norms)
    return array.tolist(), ngram_hashes(array, ANCHOR_NGRAM).view(np.int64)


def _merge(cols: _Columns, wi: int, w: Witness, moves: list[_RawMove]) -> None:
    """Merge witness ``wi`` into the columns (see the module docstring)."""
    s_ids = list(cols.order)
    s_norms = [cols.norm[c] for c in s_ids]
    s_forms = [cols.forms[c] for c in s_ids]
    w_norms = w.tokens.norms
    w_starts = _paragraph_starts(w)
    listed = len(s_norms) + len(w_norms) <= LISTED_TOKENS and "numpy" not in sys.modules
    s_hash, s_grams = _hashes(s_norms, listed)
    w_hash, w_grams = _hashes(w_norms, listed)
    blocks = align_tokens(
        s_hash,
        w_hash,
        s_grams,
        w_grams,
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
    # A short block kept in order inside a longer block that moved ("the occupied territories of
    # Azerbaijan" in a new sentence, matched where the moved paragraph used to be) is dropped
    # and the order chosen again: an addition is never aligned against a moved passage.
    for _ in range(MOVE_ROUNDS):
        chosen = _weighted_chain(blocks, weights)
        found, move_s, move_w = _moves(blocks, weights, chosen)
        clashing = [
            k
            for k in chosen
            if any(
                min(blocks[k].a1 - blocks[k].a0, blocks[k].b1 - blocks[k].b0) * 2
                <= min(m.a1 - m.a0, m.b1 - m.b0)
                and (
                    _overlap(blocks[k].a0, blocks[k].a1, [(m.a0, m.a1)])
                    or _overlap(blocks[k].b0, blocks[k].b1, [(m.b0, m.b1)])
                )
                for m in found
            )
        ]
        if not clashing:
            break
        for k in clashing:
            weights[k] = 0.0
        chosen = [k for k in chosen if weights[k] > 0]
    chosen = [k for k in chosen if weights[k] > 0]
    found, move_s, move_w = _moves(blocks, weights, chosen)

    spans = {k: _trim(blocks[k], s_forms, w_norms) for k in chosen}
    pairs: list[Pair] = []
    prev_s = prev_w = 0
    for k in [*chosen, None]:
        s_end = spans[k][0] if k is not None else len(s_ids)
        w_end = spans[k][2] if k is not None else len(w_norms)
        s_gap = [s for s in range(prev_s, max(prev_s, s_end)) if s not in move_s]
        w_gap = [j for j in range(prev_w, max(prev_w, w_end)) if j not in move_w]
        stretch = _pair_align(s_gap, w_gap, s_forms, w_norms)
        s_extra = [s for s in range(prev_s, max(prev_s, s_end)) if s in move_s]
        w_extra = [j for j in range(prev_w, max(prev_w, w_end)) if j in move_w]
        pairs.extend(_insert_extras(stretch, s_extra, w_extra))
        if k is None:
            break
        ba0, ba1, bb0, bb1 = spans[k]
        a0, b0 = max(ba0, prev_s), max(bb0, prev_w)
        pairs.extend(_pair_align(list(range(a0, ba1)), list(range(b0, bb1)), s_forms, w_norms))
        prev_s, prev_w = max(prev_s, ba1), max(prev_w, bb1)

    cells = [-1] * len(w_norms)
    order: list[int] = []
    for s, j in pairs:
        if s is not None:
            col = s_ids[s]
            if j is not None:
                cells[j] = col
                cols.forms[col].add(w_norms[j])
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
