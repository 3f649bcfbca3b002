"""A directed stemma: which version was most likely made from which.

The evidence is asymmetric, as editors' is:

* **abridgment is cheap, new material is not**: a child that lacks words its parent has costs
  little (``OMIT``), a child with words its parent lacks costs much (``ADD``), more still when
  another witness has those words too (the child would have had them from elsewhere);
* **copies rarely fix errors**: where the parent's reading is its own (no other witness has it)
  and the child reads like the others, the child would have had to repair it (``FIX``), while
  introducing a formal slip is nearly free (``SLIP``);
* **dates are a prior**: a witness dated earlier than another cannot be its child (``LATER``).

For every ordered pair (parent, child) these costs are summed over the variation units; the
minimum spanning arborescence (Edmonds) over all witnesses, with a virtual root, is the stemma.
An extant witness can thus be the parent of another.

**Lost sources.** If the chosen parent ``b`` of ``c`` has readings of its own that ``c`` does not
share, while ``c`` agrees there with ``b``'s own parent, and ``c`` is otherwise a near-copy of
``b`` (few substantive differences of their own next to the changes they share: revisers fix
errors, copyists rarely do),
``c`` cannot have been copied from ``b``;
when ``b`` and ``c`` share changes that no earlier witness has, both descend from a lost common
source, which is added with those shared changes as its evidence.

**Confidence** of an edge is the share of bootstrap replicates (chunks of consecutive variation
units resampled with replacement) in which the same edge appears.

**Two witnesses.** Their stemma is one edge, but its direction is a real question (which copy was
made from which), and the bootstrap measures how firmly the evidence decides it. With two
witnesses only two trees exist, and which one a replicate picks depends on one number linear in
the replicate's chunk weights; weights are non-negative and sum to the number of chunks, so that
number lies between the values it takes with all the weight on the chunk that favours either
direction most. When both bounds pick the tree the full data picks (:func:`_two_unanimous`),
every replicate would: the confidence is 1.0 exactly, as the bootstrap would have reported, and
the replicates are not drawn. Otherwise the same replicates are drawn
(:mod:`variorum.collate.bootstrap`) and each is decided by the sign of that number, all at
once, instead of solving an arborescence per replicate (a near-tie goes to the solver).
Confidences are therefore the ones the bootstrap gives, never assumed: reporting 1.0 or "not
computed" for every pair would hide that the direction of a pair of undated near-copies can be
a coin toss. Three witnesses have nine trees and lost sources, which no such linear rule
covers: they go through the bootstrap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xxhash

from variorum.collate.arborescence import min_arborescence
from variorum.collate.bootstrap import replicate_weights
from variorum.collate.model import Stemma, StemmaEdge, Variant, Witness
from variorum.collate.stemma_rules import (
    ADD,
    ADD_SHARED,
    BOOTSTRAP,
    BOOTSTRAP_CHUNKS,
    BOOTSTRAP_LARGE,
    COPY_MAX,
    COPY_SHARE,
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


class Units:
    """The variation units as arrays: ``codes[u, w]`` numbers witness ``w``'s reading of unit
    ``u`` (-1 where it has none), so that costs are computed for all pairs at once."""

    def __init__(self, variants: Sequence[Variant], witnesses: Sequence[Witness]) -> None:
        ids = [w.id for w in witnesses]
        self.variants = [v for v in variants if not v.wrapper]
        n, u = len(ids), len(self.variants)
        self.codes = np.full((u, n), -1, dtype=np.int32)
        self.words = np.ones(u)
        self.substantive = np.zeros(u, dtype=bool)
        self.move = np.zeros(u, dtype=bool)
        for k, v in enumerate(self.variants):
            seen: dict[str, int] = {}
            for w, wid in enumerate(ids):
                key = norm_key(v, witnesses[w]) if v.kind in ("addition", "omission") else reading_key(v, wid)
                if key:
                    self.codes[k, w] = seen.setdefault(key, len(seen))
            self.words[k] = max(1, max(len(v.readings.get(i, "").split()) for i in ids))
            self.substantive[k] = v.substantive
            self.move[k] = v.kind == "transposition"
        # how many witnesses share each witness's reading (0 where it has none)
        same = self.codes[:, :, None] == self.codes[:, None, :]
        self.support = np.where(self.codes >= 0, same.sum(axis=1), 0)

    def __len__(self) -> int:
        return len(self.variants)


def _costs(
    codes: np.ndarray, support: np.ndarray, words: np.ndarray, substantive: np.ndarray, move: np.ndarray
) -> np.ndarray:
    """``costs[u, p, c]`` for a batch of units (the rules of the module docstring)."""
    cp, cc = codes[:, :, None], codes[:, None, :]
    p_empty, c_empty = cp < 0, cc < 0
    shared_c = support[:, None, :] > 1  # the child's reading is found in another witness too
    unique_p = support[:, :, None] == 1
    w = words[:, None, None]
    subst = np.where(
        substantive[:, None, None],
        np.where(shared_c, SUBST_SHARED, SUBST),
        np.where(unique_p & shared_c, FIX, SLIP),
    )
    cost = np.where(c_empty, OMIT * w, np.where(p_empty, np.where(shared_c, ADD_SHARED, ADD) * w, subst))
    cost = np.where(move[:, None, None] & ~c_empty & ~p_empty, MOVE, cost)
    return np.where(cp == cc, 0.0, cost)


def chunk_costs(units: Units, chunks: int) -> np.ndarray:
    """Costs summed over ``chunks`` consecutive groups of units: ``[chunk, p, c]``.

    Summing by chunks keeps memory independent of the number of units, and the bootstrap
    resamples chunks (a block bootstrap, which also respects that neighbouring units are not
    independent).
    """
    n = units.codes.shape[1]
    out = np.zeros((chunks, n, n))
    size = max(1, -(-len(units) // chunks))
    for k, start in enumerate(range(0, len(units), size)):
        sl = slice(start, start + size)
        out[k] = _costs(
            units.codes[sl], units.support[sl], units.words[sl], units.substantive[sl], units.move[sl]
        ).sum(axis=0)
    return out


def pair_costs(units: Units, p: int, c: int) -> np.ndarray:
    """Per-unit costs of ``c`` having been copied from ``p``."""
    idx = np.array([p, c])
    costs = _costs(units.codes[:, idx], units.support[:, idx], units.words, units.substantive, units.move)
    return costs[:, 0, 1]


def _date_prior(witnesses: Sequence[Witness]) -> np.ndarray:
    n = len(witnesses)
    prior = np.zeros((n, n))
    for p, wp in enumerate(witnesses):
        for c, wc in enumerate(witnesses):
            if p != c and wp.date and wc.date and wc.date < wp.date:
                prior[p, c] = LATER
    return prior


def _arborescence(cost: np.ndarray, witnesses: Sequence[Witness]) -> dict[int, int]:
    """Parent of each witness (-1 for the root) in the minimum spanning arborescence, found with a
    virtual root whose edges cost ``ROOT`` (earlier witnesses a hair cheaper), so exactly one
    witness is the root."""
    parent = min_arborescence(_full_costs(cost, witnesses), cost.shape[0])
    n = cost.shape[0]
    return {c: (-1 if int(parent[c]) == n else int(parent[c])) for c in range(n)}


def _full_costs(cost: np.ndarray, witnesses: Sequence[Witness]) -> np.ndarray:
    """``cost`` with the virtual root as row and column ``n`` (see :func:`_arborescence`)."""
    n = cost.shape[0]
    full = np.full((n + 1, n + 1), np.inf)
    # deterministic tie-breaking: a negligible, distinct amount per edge
    full[:n, :n] = cost + 1e-6 * np.arange(n * n).reshape(n, n)
    dated = sorted(range(n), key=lambda i: (witnesses[i].date or "9999", i))
    for rank, i in enumerate(dated):
        full[n, i] = ROOT + rank * 1e-3
    return full


def _two_margin(
    costs: np.ndarray, prior: np.ndarray, witnesses: Sequence[Witness]
) -> tuple[float, np.ndarray]:
    """``const`` and ``d`` such that, for two witnesses, chunk weights ``w`` pick the tree rooted
    at witness 0 when ``const + w @ d > 0``: ``w @ d`` is each chunk's cost of 0 from 1 minus that
    of 1 from 0, ``const`` holds the date prior and the tie-breakers of :func:`_arborescence`."""
    base = _full_costs(np.zeros((2, 2)) + prior, witnesses)
    const = float((base[2, 1] + base[1, 0]) - (base[2, 0] + base[0, 1]))
    return const, costs[:, 1, 0] - costs[:, 0, 1]


def _two_unanimous(const: float, d: np.ndarray, root: int) -> bool:
    """Whether every bootstrap replicate of two witnesses picks the tree rooted at ``root``.

    Replicate weights are non-negative integers summing to ``len(d)``, so ``w @ d`` ranges over
    ``len(d) * [min(d), max(d)]``; if the margin (:func:`_two_margin`) has the same sign, by more
    than :data:`MARGIN`, at both ends, no replicate can pick the other tree.
    """
    low, high = const + len(d) * float(d.min()), const + len(d) * float(d.max())
    return low > MARGIN if root == 0 else high < -MARGIN


def _lost_sources(
    parent: dict[int, int], units: Units, n: int
) -> tuple[dict[int, int], dict[int, tuple[int, int]], dict[int, list[int]]]:
    """Insert lost common sources where a near-copy reverts its parent's own readings.

    Returns the new parent map (lost sources get ids n, n+1, ...), the children of each lost
    source, and the units that are the lost source's evidence (the changes its children share).
    """
    codes = units.codes
    parent = dict(parent)
    lost: dict[int, tuple[int, int]] = {}
    evidence: dict[int, list[int]] = {}
    for c in sorted(parent):
        b = parent[c]
        if b < 0 or b >= n:
            continue
        a = parent.get(b, -1)
        while a >= n:  # b already hangs from a lost source: compare with the nearest extant one
            a = parent.get(a, -1)
        if a < 0:
            continue
        ka, kb, kc = codes[:, a], codes[:, b], codes[:, c]
        # c has a reading (not a gap: dropping text is cheap) where b alone reads otherwise and c
        # reads like b's own parent: c would have had to undo b's change.
        reverts = (kc >= 0) & (kc == ka) & (ka != kb) & (units.support[:, b] == 1)
        shared = (kb == kc) & (kb != ka)
        own_changes = int((units.substantive & (kb != kc)).sum())
        shared_substantive = int((units.substantive & shared).sum())
        # Copies rarely fix errors, but revisers do: the rule only holds between near-copies.
        if (
            not reverts.any()
            or not shared.any()
            or own_changes > max(COPY_MAX, COPY_SHARE * shared_substantive)
        ):
            continue
        x = n + len(lost)
        lost[x] = (b, c)
        evidence[x] = np.nonzero(shared)[0].tolist()
        parent[x] = parent[b]
        parent[b] = x
        parent[c] = x
    return parent, lost, evidence


def by_weight(units: Units, order: Sequence[int], pair: tuple[str, str] | None = None) -> list[int]:
    """``order`` (unit indices) sorted by the weight of the evidence each unit gives
    (:func:`~variorum.collate.stemma_rules.evidence_key`)."""

    def key(u: int) -> tuple[bool, bool, int, int, float, int]:
        shared = int(units.support[u].max()) if units.support.shape[1] else 0
        return evidence_key(units.variants[u], pair, shared, float(units.words[u]), u)

    return sorted(order, key=key)


def build_stemma(
    variants: Sequence[Variant], witnesses: Sequence[Witness], seed: int = 0, replicates: int | None = None
) -> Stemma:
    """The stemma of ``witnesses`` from their variation units (see the module docstring).

    ``replicates`` bounds the bootstrap behind each edge's confidence (default :data:`BOOTSTRAP`,
    :data:`BOOTSTRAP_LARGE` above 20 witnesses); the stemma itself does not depend on it. A caller
    collating a thousand families for pages may take fewer, coarser confidences for speed.
    """
    n = len(witnesses)
    ids = [w.id for w in witnesses]
    if n == 0:
        return Stemma(edges=(), root=None)
    units = Units(variants, witnesses)
    chunks = min(len(units), BOOTSTRAP_CHUNKS)
    costs = chunk_costs(units, chunks) if len(units) else np.zeros((0, n, n))
    prior = _date_prior(witnesses)

    def solve(weights: np.ndarray) -> tuple[dict[int, int], dict[int, tuple[int, int]], dict[int, list[int]]]:
        total = np.tensordot(weights, costs, axes=1) if len(units) else np.zeros((n, n))
        return _lost_sources(_arborescence(total + prior, witnesses), units, n)

    parent, lost, evidence = solve(np.ones(chunks))

    def lost_name(children: tuple[int, int]) -> str:
        return "lost-" + xxhash.xxh3_64_hexdigest("\n".join(sorted(ids[c] for c in children)).encode())[:8]

    names = {i: ids[i] for i in range(n)} | {x: lost_name(ch) for x, ch in lost.items()}

    def signature(par: dict[int, int], lst: dict[int, tuple[int, int]]) -> set[tuple[str, str]]:
        nm = {i: ids[i] for i in range(n)} | {x: lost_name(ch) for x, ch in lst.items()}
        return {(nm[p], nm[c]) for c, p in par.items() if p >= 0}

    tally: dict[tuple[str, str], int] = {}
    default = BOOTSTRAP if n <= 20 else BOOTSTRAP_LARGE
    replicates = default if replicates is None else max(1, min(replicates, default))
    if n == 2 and len(units):
        const, d = _two_margin(costs, prior, witnesses)
        root = next(c for c, p in parent.items() if p < 0)
        if _two_unanimous(const, d, root):
            tally = dict.fromkeys(signature(parent, lost), replicates)
        else:
            draws = replicate_weights(seed, chunks, replicates)
            margins = const + draws.astype(float) @ d
            for weights, margin in zip(draws, margins, strict=True):
                if abs(margin) > MARGIN:  # a near-tie is left to the solver, as in any replicate
                    edges = {(ids[0], ids[1]) if margin > 0 else (ids[1], ids[0])}
                else:
                    edges = signature(*solve(weights.astype(float))[:2])
                for edge in edges:
                    tally[edge] = tally.get(edge, 0) + 1
    elif len(units):
        for counts in replicate_weights(seed, chunks, replicates):
            weights = counts.astype(float)
            for edge in signature(*solve(weights)[:2]):
                tally[edge] = tally.get(edge, 0) + 1

    def extant(x: int) -> int:
        """``x`` itself, or the nearest ancestor of a lost source that is a real witness."""
        while x >= n:
            x = parent.get(x, -1)
        return x

    def describe(order: list[int], p: int, c: int) -> tuple[str, ...]:
        ranked = by_weight(units, order, (ids[p], ids[c]))
        return tuple(describe_unit(units.variants[u], ids[p], ids[c]) for u in ranked[:10])

    def evidence_of(p: int, c: int) -> tuple[str, ...]:
        if c >= n:  # parent -> lost source: the changes its children share
            ref = extant(p)
            return describe(evidence[c], ref, lost[c][0]) if ref >= 0 else ()
        if p >= n:  # lost source -> child: what this child changed on its own
            sibling = next(s for s in lost[p] if s != c)
            pc = pair_costs(units, sibling, c)
            return describe([u for u in np.argsort(-pc, kind="stable").tolist() if pc[u] > 0], sibling, c)
        pc = pair_costs(units, p, c)
        return describe([u for u in np.argsort(-pc, kind="stable").tolist() if pc[u] > 0], p, c)

    edges = []
    for c, p in sorted(parent.items(), key=lambda kv: (names.get(kv[1], ""), names[kv[0]])):
        if p < 0:
            continue
        confidence = tally.get((names[p], names[c]), 0) / replicates if len(units) else 1.0
        edges.append(StemmaEdge(names[p], names[c], evidence_of(p, c), round(confidence, 3)))
    root = next((names[c] for c, p in parent.items() if p < 0), None)
    return Stemma(
        edges=tuple(edges),
        root=root,
        lost=tuple(names[x] for x in lost),
        replicates=replicates if len(units) else 0,
    )
