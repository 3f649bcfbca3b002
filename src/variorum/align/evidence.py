"""What two aligned documents share beyond their passages: in-order runs and passage order.

Passages (:mod:`variorum.align.local`) need 20 words in a row, give or take a few substituted
words. A statement revised sentence by sentence (a figure changed here, a clause added there)
keeps most of its words in order but in runs too short for a passage: on a real 2018 statement
and its revised edition, passages held 106 words where half the text survived. The relation
between two documents (:mod:`variorum.group.relations`) therefore also looks at the *runs*:
the blocks of at least ``min_run`` tokens that a longest common subsequence of the two bodies
keeps in order. Runs that short occur by chance between texts on one topic too ("the Ministry
of Foreign Affairs of the Republic of"), which is why a run coverage only counts towards a
version link above a floor set on real hard negatives (see ``config.py``).

The order agreement of the passages tells a revision (the same text, edited in place) from a
compilation of moved pieces: the share of passage words that lie on the heaviest chain of
passages in the same order on both sides.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Indel

from variorum.align.codes import HASH_MODULUS, text
from variorum.arrays import concat_ranges, distinct, in_sorted

#: Above this many token pairs (``len(a) * len(b)``) the runs are not computed: the bit-parallel
#: LCS costs about ``len(a) * len(b) / 64`` word operations, ~10 ms at this size.
MAX_RUN_CELLS = 400_000_000


class PairEvidence(NamedTuple):
    """Figures on one aligned pair, beyond its passages, stored with the pair."""

    #: Share of each body inside in-order runs of at least ``min_run`` tokens (-1: not computed).
    a_runs: float
    b_runs: float
    #: Share of passage words on the heaviest chain of passages in the same order on both sides.
    order: float
    #: Words of the longest passage (the shorter side of it).
    longest: int
    #: Passage identity, weighted by words.
    identity: float
    #: Share of each body from its first to its last passage word (-1: not computed). Minus the
    #: passage coverage, it is the unshared text *between* shared stretches: nearly none for a
    #: copy under its own intro or cover note, much for a text edited throughout.
    a_extent: float = -1.0
    b_extent: float = -1.0
    #: Share of each body before its first passage word (-1: not computed). A manual page's
    #: footer or a letterhead is shared text at the same edge of two bodies that each open with
    #: text of their own; an edited text is shared from its start.
    a_head: float = -1.0
    b_head: float = -1.0
    #: How alike the two heads are (-1: not computed): the share of the shorter head's distinct
    #: words found in the other. An edited opening before a kept ending (a licence whose grant
    #: was reworded) is alike; two manual pages of different commands before one footer are not.
    heads_alike: float = -1.0


#: What a pair stored before evidence was computed carries: every figure unknown.
NO_EVIDENCE = PairEvidence(-1.0, -1.0, -1.0, -1, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0)


def extent(body: np.ndarray, ranges: Sequence[tuple[int, int]]) -> float:
    """Share of the body tokens from the first to the last body token inside ``ranges``."""
    return edges(body, ranges)[1]


def edges(body: np.ndarray, ranges: Sequence[tuple[int, int]]) -> tuple[float, float]:
    """``(head, extent)``: the share of the body tokens before the first body token inside
    ``ranges``, and from that token to the last one inside them."""
    total = int(body.sum())
    if not total or not ranges:
        return 0.0, 0.0
    covered = np.zeros(len(body), dtype=bool)
    for r0, r1 in ranges:
        covered[r0:r1] = True
    inside = np.flatnonzero(covered[body])
    if not len(inside):
        return 0.0, 0.0
    return round(int(inside[0]) / total, 4), round((int(inside[-1]) - int(inside[0]) + 1) / total, 4)


def covered(ranges: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The union of ``ranges`` as sorted disjoint ranges."""
    out: list[list[int]] = []
    for r0, r1 in sorted(ranges):
        if r1 <= r0:
            continue
        if out and r0 <= out[-1][1]:
            out[-1][1] = max(out[-1][1], r1)
        else:
            out.append([r0, r1])
    return out


def edges_counted(counts: np.ndarray, union: Sequence[Sequence[int]]) -> tuple[float, float]:
    """:func:`edges` from the body tokens before each position (``counts[k]``: body tokens
    among the first ``k``, ``len(body) + 1`` of them) and the :func:`covered` union of the
    ranges: a few sums instead of a mask as long as the document."""
    total = int(counts[-1])
    if not total or not union:
        return 0.0, 0.0
    inside = [(int(counts[r0]), int(counts[r1])) for r0, r1 in union]
    inside = [(c0, c1) for c0, c1 in inside if c1 > c0]
    if not inside:
        return 0.0, 0.0
    first, last = inside[0][0], inside[-1][1] - 1
    return round(first / total, 4), round((last - first + 1) / total, 4)


def heads_alike_codes(a: np.ndarray, b: np.ndarray, a_head: float, b_head: float) -> float:
    """:func:`heads_alike_arrays` of two bodies' :func:`~variorum.align.codes.pair_codes`
    (equal where the hashes are): small numbers, counted in a table rather than sorted."""
    ha, hb = a[: round(a_head * len(a))], b[: round(b_head * len(b))]
    if not len(ha) or not len(hb):
        return 0.0
    top = max(int(ha.max()), int(hb.max())) + 1
    in_a = np.zeros(top, dtype=bool)
    in_a[ha] = True
    in_b = np.zeros(top, dtype=bool)
    in_b[hb] = True
    shared = int(np.count_nonzero(in_a & in_b))
    return round(shared / min(int(np.count_nonzero(in_a)), int(np.count_nonzero(in_b))), 4)


def heads_alike(a_seq: Sequence[int], b_seq: Sequence[int], a_head: float, b_head: float) -> float:
    """Share of the distinct words of the shorter head (body words before the first passage)
    that the other head has too; 0.0 when either head is empty."""
    a_words = set(a_seq[: round(a_head * len(a_seq))])
    b_words = set(b_seq[: round(b_head * len(b_seq))])
    if not a_words or not b_words:
        return 0.0
    return round(len(a_words & b_words) / min(len(a_words), len(b_words)), 4)


def heads_alike_arrays(a: np.ndarray, b: np.ndarray, a_head: float, b_head: float) -> float:
    """:func:`heads_alike` of two arrays of token hashes, without making sets of them (a head
    is often most of a manual page, before its footer)."""
    a_words = distinct(a[: round(a_head * len(a))])
    b_words = distinct(b[: round(b_head * len(b))])
    if not len(a_words) or not len(b_words):
        return 0.0
    shared = int(np.count_nonzero(in_sorted(a_words, b_words)))
    return round(shared / min(len(a_words), len(b_words)), 4)


def run_coverage(
    a: Sequence[int], b: Sequence[int], min_run: int, max_cells: int = MAX_RUN_CELLS
) -> tuple[float, float]:
    """Share of ``a`` and of ``b`` inside common in-order blocks of at least ``min_run`` tokens.

    The blocks are those of one longest common subsequence (rapidfuzz's bit-parallel Indel
    opcodes). Returns ``(-1.0, -1.0)`` when the pair is too large to compute cheaply.
    """
    if not a or not b:
        return 0.0, 0.0
    if len(a) * len(b) > max_cells:
        return -1.0, -1.0
    kept = 0
    for tag, a0, a1, _b0, _b1 in Indel.opcodes(a, b):
        if tag == "equal" and a1 - a0 >= min_run:
            kept += a1 - a0
    return round(kept / len(a), 4), round(kept / len(b), 4)


def run_coverage_codes(
    a: np.ndarray,
    b: np.ndarray,
    min_run: int,
    max_cells: int = MAX_RUN_CELLS,
    reduce_cells: int | None = None,
) -> tuple[float, float]:
    """:func:`run_coverage_arrays` of two documents' tokens given by their
    :func:`~variorum.align.codes.pair_codes`: the same figures from strings, which rapidfuzz
    reads without converting every item, and from its matching blocks, fewer Python objects
    than its opcodes (the same equal blocks, and one of size 0 at the end)."""
    na, nb = len(a), len(b)
    if not na or not nb:
        return 0.0, 0.0
    if na * nb > max_cells:
        return -1.0, -1.0
    if na * nb < (_REDUCE_CELLS if reduce_cells is None else reduce_cells):
        kept = 0
        for block in Indel.opcodes(text(a), text(b)).as_matching_blocks():
            if block.size >= min_run:
                kept += block.size
        return round(kept / na, 4), round(kept / nb, 4)
    # Without the tokens the other side lacks, as :func:`run_coverage_arrays` (its docstring).
    prefix, suffix = _common_ends(a, b)
    kept = sum(r for r in (prefix, suffix) if r >= min_run)
    mid_a, mid_b = a[prefix : na - suffix], b[prefix : nb - suffix]
    if len(mid_a) and len(mid_b):
        top = max(int(mid_a.max()), int(mid_b.max())) + 1
        # Four code points found on neither side, to stop rapidfuzz stripping an affix.
        ends = top if top + 4 <= 0xD800 else max(top, 0xE000)
        if ends + 4 > 0x110000:
            return run_coverage(text(a), text(b), min_run, max_cells)
        in_a = np.zeros(top, dtype=bool)
        in_a[mid_a] = True
        in_b = np.zeros(top, dtype=bool)
        in_b[mid_b] = True
        ia = in_b[mid_a].nonzero()[0]
        jb = in_a[mid_b].nonzero()[0]
        if len(ia) and len(jb):
            sa = chr(ends) + text(mid_a[ia]) + chr(ends + 1)
            sb = chr(ends + 2) + text(mid_b[jb]) + chr(ends + 3)
            blocks = [
                (a0 - 1, b0 - 1, size) for a0, b0, size in Indel.opcodes(sa, sb).as_matching_blocks() if size
            ]
            if blocks:
                starts_a, starts_b, lengths = (
                    np.asarray(c, dtype=np.int64) for c in zip(*blocks, strict=True)
                )
                i = ia[concat_ranges(starts_a, lengths)]
                j = jb[concat_ranges(starts_b, lengths)]
                # Runs of pairs consecutive on both sides: the original's equal blocks.
                cut = ((i[1:] - i[:-1] != 1) | (j[1:] - j[:-1] != 1)).nonzero()[0] + 1
                runs = np.diff(np.concatenate([[0], cut, [len(i)]]))
                kept += int(runs[runs >= min_run].sum())
    return round(kept / na, 4), round(kept / nb, 4)


_HASH_MODULUS = HASH_MODULUS
#: Below this many token pairs, :func:`run_coverage_arrays` calls :func:`run_coverage` as it is:
#: the bit matrix costs less than the array work that would shrink it (two manual pages of
#: 1,400 words, measured on 1,000 of them).
_REDUCE_CELLS = 2_000_000


def _common_ends(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """The lengths of the common prefix of ``a`` and ``b``, then of the common suffix of what
    is left, as rapidfuzz strips them before it compares the middles."""
    na, nb = len(a), len(b)
    n = min(na, nb)
    differ = (a[:n] != b[:n]).nonzero()[0]
    prefix = int(differ[0]) if len(differ) else n
    n -= prefix
    differ = (a[na - n :][::-1] != b[nb - n :][::-1]).nonzero()[0]
    suffix = int(differ[0]) if len(differ) else n
    return prefix, suffix


def run_coverage_arrays(
    a: np.ndarray,
    b: np.ndarray,
    min_run: int,
    max_cells: int = MAX_RUN_CELLS,
    reduce_cells: int = _REDUCE_CELLS,
) -> tuple[float, float]:
    """:func:`run_coverage` of two arrays of token hashes, the same figures at a fraction of the
    cost when the two share little of their vocabulary (two translations of one long manual
    page, which share option names and code but few words, cost most on real text).

    rapidfuzz finds the longest common subsequence with a bit matrix over the two sequences,
    after stripping their common prefix and suffix, and walks it back from the end. A token of
    one sequence that the other lacks leaves that matrix unchanged in its row (or column), and
    the walk steps over it (it is deleted or inserted, never matched). Removing such tokens
    after the common affix is stripped therefore gives the same matched pairs, provided
    rapidfuzz does not strip an affix the removals exposed: each reduced sequence is put
    between two tokens of its own, absent from the other, for that. The blocks of the original
    opcodes are the runs of matched pairs consecutive on both sides, mapped back. Pairs of
    fewer than ``reduce_cells`` token pairs go to :func:`run_coverage` directly.
    ``tests/test_evidence.py`` checks this against :func:`run_coverage`.
    """
    na, nb = len(a), len(b)
    if not na or not nb:
        return 0.0, 0.0
    if na * nb > max_cells:
        return -1.0, -1.0
    if na * nb < reduce_cells:
        return run_coverage(a.tolist(), b.tolist(), min_run, max_cells)
    ka = np.asarray(a, dtype=np.uint64) % _HASH_MODULUS
    kb = np.asarray(b, dtype=np.uint64) % _HASH_MODULUS
    # The common prefix, then the common suffix of what is left, as rapidfuzz strips them.
    prefix, suffix = _common_ends(ka, kb)
    kept = sum(r for r in (prefix, suffix) if r >= min_run)
    ma = na - prefix - suffix
    # One sort of both middles numbers their distinct tokens and tells which occur on both sides.
    keys = np.concatenate([ka[prefix : na - suffix], kb[prefix : nb - suffix]])
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new_value = np.empty(len(keys), dtype=bool)
    new_value[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_value[1:])
    labels = np.empty(len(keys), dtype=np.int64)
    labels[order] = np.cumsum(new_value) - 1
    top = int(labels.max(initial=-1)) + 1
    in_a = np.zeros(top, dtype=bool)
    in_a[labels[:ma]] = True
    in_b = np.zeros(top, dtype=bool)
    in_b[labels[ma:]] = True
    both = in_a & in_b
    ia = both[labels[:ma]].nonzero()[0]
    jb = both[labels[ma:]].nonzero()[0]
    if len(ia) and len(jb):
        ids_a = labels[:ma][ia].tolist()
        ids_b = labels[ma:][jb].tolist()
        blocks = [
            (a0 - 1, b0 - 1, a1 - a0)
            for tag, a0, a1, b0, _ in Indel.opcodes([top, *ids_a, top + 1], [top + 2, *ids_b, top + 3])
            if tag == "equal"
        ]
        if blocks:
            starts_a, starts_b, lengths = (np.asarray(c, dtype=np.int64) for c in zip(*blocks, strict=True))
            i = ia[concat_ranges(starts_a, lengths)]
            j = jb[concat_ranges(starts_b, lengths)]
            # Runs of pairs consecutive on both sides: the original's equal blocks.
            cut = ((i[1:] - i[:-1] != 1) | (j[1:] - j[:-1] != 1)).nonzero()[0] + 1
            runs = np.diff(np.concatenate([[0], cut, [len(i)]]))
            kept += int(runs[runs >= min_run].sum())
    return round(kept / na, 4), round(kept / nb, 4)


def order_agreement(spans: Sequence[tuple[int, int, int]]) -> float:
    """Share of weight on the heaviest chain increasing on both sides.

    ``spans`` are ``(a_position, b_position, weight)``; the chain is a weighted longest
    increasing subsequence of ``b_position`` taken in ``a_position`` order, O(n²) on the handful
    of passages a pair has (a few hundred at most).
    """
    if not spans:
        return 0.0
    items = sorted(spans)
    total = sum(w for _, _, w in items)
    if total <= 0:
        return 0.0
    if len(items) > 2000:
        # A patience sort on positions alone: unweighted, but linear-logarithmic.
        tails: list[int] = []
        for _, bpos, _ in items:
            k = bisect.bisect_left(tails, bpos)
            if k == len(tails):
                tails.append(bpos)
            else:
                tails[k] = bpos
        return round(len(tails) / len(items), 4)
    best = [0] * len(items)
    for i, (_, bi, wi) in enumerate(items):
        prev = 0
        for j in range(i):
            if items[j][1] < bi and best[j] > prev:
                prev = best[j]
        best[i] = prev + wi
    return round(max(best) / total, 4)


def pair_evidence(
    a_hashes: np.ndarray,
    b_hashes: np.ndarray,
    a_body: np.ndarray,
    b_body: np.ndarray,
    matches: Sequence[tuple[int, int, int, int, float]],
    min_run: int,
    codes: tuple[np.ndarray, np.ndarray] | None = None,
    counts: tuple[np.ndarray, np.ndarray] | None = None,
    unions: tuple[list[list[int]], list[list[int]]] | None = None,
) -> PairEvidence:
    """Evidence for one pair from its token hashes, body masks and passage matches.

    ``matches`` are ``(a0, a1, b0, b1, identity)`` token ranges. Runs are computed on the body
    tokens only, so that cover notes and page furniture neither add nor dilute them. ``codes``
    are the pair's :func:`~variorum.align.codes.pair_codes`, when the caller has them: the same
    runs, computed on strings. ``counts`` are the bodies' :func:`edges_counted` counts, and
    ``unions`` the :func:`covered` unions of the matches' ranges on each side when the caller
    has them too.
    """
    if codes is None:
        a_array, b_array = a_hashes[a_body], b_hashes[b_body]
        a_runs, b_runs = run_coverage_arrays(a_array, b_array, min_run)
    else:
        a_codes, b_codes = codes[0][a_body], codes[1][b_body]
        a_runs, b_runs = run_coverage_codes(a_codes, b_codes, min_run)
    weights = [min(a1 - a0, b1 - b0) for a0, a1, b0, b1, _ in matches]
    total = sum(weights)
    identity = sum(w * m[4] for w, m in zip(weights, matches, strict=True)) / total if total else 0.0
    if counts is None:
        a_head, a_extent = edges(a_body, [(m[0], m[1]) for m in matches])
        b_head, b_extent = edges(b_body, [(m[2], m[3]) for m in matches])
    else:
        if unions is None:
            unions = covered([(m[0], m[1]) for m in matches]), covered([(m[2], m[3]) for m in matches])
        a_head, a_extent = edges_counted(counts[0], unions[0])
        b_head, b_extent = edges_counted(counts[1], unions[1])
    if codes is None:
        alike = heads_alike_arrays(a_array, b_array, a_head, b_head)
    else:
        alike = heads_alike_codes(a_codes, b_codes, a_head, b_head)
    return PairEvidence(
        a_runs=a_runs,
        b_runs=b_runs,
        order=order_agreement([(m[0], m[2], w) for m, w in zip(matches, weights, strict=True)]),
        longest=max(weights, default=0),
        identity=round(identity, 4),
        a_extent=a_extent,
        b_extent=b_extent,
        a_head=a_head,
        b_head=b_head,
        heads_alike=alike,
    )
