"""The stemma of two witnesses in pure Python: :func:`variorum.collate.stemma.build_stemma`'s
result for two, without numpy.

``variorum collate --files a b`` on two one-page files spent ~40 ms of ~130 ms importing numpy,
for a stemma of one edge: the arrays of :mod:`variorum.collate.stemma` hold two columns here,
and a few hundred units are summed as fast in lists. The rules are the same ones
(:mod:`variorum.collate.stemma_rules`), applied in the same order; the bootstrap's replicates are
the same draws (read from the cache by :func:`variorum.collate.bootstrap.cached_rows`, drawn by
numpy only where the cache lacks them).

What is not bit for bit the same: numpy sums a replicate's costs with BLAS, in an order of its
own, and lists sum them in order. The sums can differ in their last bits, never in a decision:
costs are multiples of 0.1, and the tie-breakers of the arborescence put every margin at least
~1e-6 away from a tie (:data:`~variorum.collate.stemma_rules.MARGIN` is 1e-9), so the same tree
and the same edge are picked. ``tests/test_stemma_pair.py`` compares both stemmas, evidence and
confidences included, on generated and real pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

from variorum.collate.bootstrap import cached_rows
from variorum.collate.model import Stemma, StemmaEdge, Variant, Witness
from variorum.collate.stemma_rules import (
    ADD,
    ADD_SHARED,
    BOOTSTRAP,
    BOOTSTRAP_CHUNKS,
    FIX,
    LATER,
    MARGIN,
    MOVE,
    OMIT,
    ROOT,
    SLIP,
    SUBST,
    SUBST_SHARED,
    describe_unit,
    evidence_key,
    norm_key,
    reading_key,
)

#: ``cost[p][c]`` of witness ``c`` copied from ``p``, for two witnesses.
Square = list[list[float]]


class PairUnits:
    """The variation units of two witnesses, as :class:`~variorum.collate.stemma.Units` holds
    them: ``codes[u]`` numbers each witness's reading (-1 where it has none), ``support[u]`` how
    many of the two read it (0 where it has none)."""

    def __init__(self, variants: Sequence[Variant], witnesses: Sequence[Witness]) -> None:
        ids = [w.id for w in witnesses]
        self.variants = [v for v in variants if not v.wrapper]
        self.codes: list[list[int]] = []
        self.words: list[float] = []
        self.support: list[list[int]] = []
        for v in self.variants:
            seen: dict[str, int] = {}
            codes = []
            for w, wid in enumerate(ids):
                key = norm_key(v, witnesses[w]) if v.kind in ("addition", "omission") else reading_key(v, wid)
                codes.append(seen.setdefault(key, len(seen)) if key else -1)
            self.codes.append(codes)
            self.words.append(float(max(1, max(len(v.readings.get(i, "").split()) for i in ids))))
            self.support.append([codes.count(k) if k >= 0 else 0 for k in codes])

    def __len__(self) -> int:
        return len(self.variants)

    def cost(self, u: int, p: int, c: int) -> float:
        """The cost of unit ``u`` if ``c`` was copied from ``p`` (the rules of
        :mod:`variorum.collate.stemma`, as its ``_costs`` computes them on arrays)."""
        cp, cc = self.codes[u][p], self.codes[u][c]
        if cp == cc:
            return 0.0
        v, support, w = self.variants[u], self.support[u], self.words[u]
        shared_c = support[c] > 1
        if cc < 0:
            return OMIT * w
        if cp < 0:
            cost = (ADD_SHARED if shared_c else ADD) * w
        elif v.substantive:
            cost = SUBST_SHARED if shared_c else SUBST
        else:
            cost = FIX if support[p] == 1 and shared_c else SLIP
        return MOVE if v.kind == "transposition" and cp >= 0 else cost


def chunk_costs(units: PairUnits, chunks: int) -> list[Square]:
    """Costs summed over ``chunks`` consecutive groups of units (the block bootstrap's unit), as
    :func:`variorum.collate.stemma.chunk_costs` gives them; groups past the last unit are zero."""
    out = [[[0.0, 0.0], [0.0, 0.0]] for _ in range(chunks)]
    if not chunks:
        return out
    size = max(1, -(-len(units) // chunks))
    for k, start in enumerate(range(0, len(units), size)):
        block = range(start, min(start + size, len(units)))
        for p, c in ((0, 1), (1, 0)):
            total = 0.0
            for u in block:
                total += units.cost(u, p, c)
            out[k][p][c] = total
    return out


def _full_costs(cost: Square, witnesses: Sequence[Witness]) -> Square:
    """``cost`` with the virtual root as row and column 2, and the tie-breakers, as
    :func:`variorum.collate.stemma._full_costs` adds them."""
    inf = float("inf")
    full = [[cost[p][c] + 1e-6 * (2 * p + c) for c in range(2)] + [inf] for p in range(2)]
    root = [inf, inf, inf]
    dated = sorted(range(2), key=lambda i: (witnesses[i].date or "9999", i))
    for rank, i in enumerate(dated):
        root[i] = ROOT + rank * 1e-3
    return [*full, root]


def arborescence(cost: Square, witnesses: Sequence[Witness]) -> dict[int, int]:
    """Parent of each witness (-1 for the root), as the minimum spanning arborescence with a
    virtual root gives it for two (:func:`variorum.collate.arborescence.min_arborescence`: each
    takes its cheapest parent, the first on a tie; if they take each other, the one whose entry
    from the root costs least over its edge, the first on a tie, hangs from the root)."""
    full = _full_costs(cost, witnesses)
    parent = [1 if full[1][0] <= full[2][0] else 2, 0 if full[0][1] <= full[2][1] else 2]
    if parent == [1, 0]:
        into = [full[2][0] - full[1][0], full[2][1] - full[0][1]]
        parent[0 if into[0] <= into[1] else 1] = 2
    return {c: -1 if p == 2 else p for c, p in enumerate(parent)}


def _date_prior(witnesses: Sequence[Witness]) -> Square:
    prior = [[0.0, 0.0], [0.0, 0.0]]
    for p, c in ((0, 1), (1, 0)):
        wp, wc = witnesses[p], witnesses[c]
        if wp.date and wc.date and wc.date < wp.date:
            prior[p][c] = LATER
    return prior


def _weighted(weights: Sequence[float], costs: Sequence[Square], prior: Square) -> Square:
    """The costs summed over chunks with ``weights`` (a replicate's counts), plus the prior."""
    out = [[0.0, 0.0], [0.0, 0.0]]
    for p, c in ((0, 1), (1, 0)):
        total = 0.0
        for weight, chunk in zip(weights, costs, strict=True):
            total += weight * chunk[p][c]
        out[p][c] = total + prior[p][c]
    return out


def _replicates(seed: int, chunks: int, replicates: int) -> list[list[int]]:
    """The bootstrap's counts, from the cache without numpy, or drawn (and cached) with it."""
    rows = cached_rows(seed, chunks, replicates)
    if rows is not None:
        return rows
    from variorum.collate.bootstrap import replicate_weights

    return replicate_weights(seed, chunks, replicates).tolist()  # type: ignore[no-any-return]


def build_pair_stemma(
    variants: Sequence[Variant], witnesses: Sequence[Witness], seed: int = 0, replicates: int | None = None
) -> Stemma:
    """:func:`variorum.collate.stemma.build_stemma` of exactly two witnesses (see the module
    docstring): the same edge, evidence, confidence and number of replicates."""
    if len(witnesses) != 2:
        raise ValueError(f"build_pair_stemma: two witnesses, not {len(witnesses)}")
    ids = [w.id for w in witnesses]
    units = PairUnits(variants, witnesses)
    chunks = min(len(units), BOOTSTRAP_CHUNKS)
    costs = chunk_costs(units, chunks)
    prior = _date_prior(witnesses)
    parent = arborescence(_weighted([1.0] * chunks, costs, prior), witnesses)
    replicates = BOOTSTRAP if replicates is None else max(1, min(replicates, BOOTSTRAP))
    root = next(c for c, p in parent.items() if p < 0)
    votes = 0  # replicates that pick the tree rooted where the full data roots it
    if len(units):
        # The tree rooted at witness 0 wins a replicate with weights w when const + w @ d > 0
        # (variorum.collate.stemma._two_margin).
        base = _full_costs(prior, witnesses)
        const = (base[2][1] + base[1][0]) - (base[2][0] + base[0][1])
        d = [chunk[1][0] - chunk[0][1] for chunk in costs]
        low, high = const + chunks * min(d), const + chunks * max(d)
        if (low > MARGIN) if root == 0 else (high < -MARGIN):
            votes = replicates  # every replicate picks this tree (stemma._two_unanimous)
        else:
            for weights in _replicates(seed, chunks, replicates):
                margin = const + sum(float(k) * x for k, x in zip(weights, d, strict=True))
                if abs(margin) > MARGIN:
                    picked = 0 if margin > 0 else 1
                else:  # a near-tie is left to the solver, as in any replicate
                    tree = arborescence(_weighted([float(k) for k in weights], costs, prior), witnesses)
                    picked = next(c for c, p in tree.items() if p < 0)
                votes += picked == root
    p, c = root, 1 - root
    pc = [units.cost(u, p, c) for u in range(len(units))]
    order = [u for u in sorted(range(len(units)), key=lambda u: -pc[u]) if pc[u] > 0]
    pair = (ids[p], ids[c])
    ranked = sorted(
        order, key=lambda u: evidence_key(units.variants[u], pair, max(units.support[u]), units.words[u], u)
    )
    evidence = tuple(describe_unit(units.variants[u], *pair) for u in ranked[:10])
    confidence = votes / replicates if len(units) else 1.0
    return Stemma(
        edges=(StemmaEdge(ids[p], ids[c], evidence, round(confidence, 3)),),
        root=ids[root],
        lost=(),
        replicates=replicates if len(units) else 0,
    )
