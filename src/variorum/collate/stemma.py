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

**Confidence** of an edge is the share of bootstrap replicates (variation units resampled with
replacement) in which the same edge appears.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import xxhash

from variorum.collate.model import Stemma, StemmaEdge, Variant, Witness

OMIT = 0.2  # per word the child lacks
ADD = 1.0  # per word the child has and the parent lacks
ADD_SHARED = 1.5  # ... when another witness has those words too
SUBST = 1.0  # per substantive reading changed
SUBST_SHARED = 1.5  # ... to a reading another witness has
FIX = 1.0  # the child repairs a formal slip of the parent's own
SLIP = 0.1  # the child introduces a formal difference
MOVE = 2.0  # the child has a passage in another place
LATER = 1000.0  # the child is dated before the parent
ROOT = 10_000.0  # cost of a witness being the root (only one is)
BOOTSTRAP = 100
# Two witnesses are near-copies (and "copies rarely fix errors" applies) when they differ in at
# most COPY_MAX substantive readings, or COPY_SHARE of the changes they share against the parent.
COPY_MAX = 5
COPY_SHARE = 0.25


def _key(v: Variant, wid: str) -> str:
    r = v.readings.get(wid, "")
    if v.kind == "transposition" and v.move is not None:
        return "" if not r else ("moved" if _in_target(v, wid) else "in place")
    return " ".join(r.split()) if not v.substantive else " ".join(r.casefold().split())


def _in_target(v: Variant, wid: str) -> bool:
    return (v.move is not None and wid == v.move.to_witness) or (
        v.spans.get(wid) is not None
        and v.move is not None
        and v.readings.get(wid, "") == v.readings.get(v.move.to_witness, "")
    )


def unit_costs(variants: Sequence[Variant], witnesses: Sequence[Witness]) -> np.ndarray:
    """``costs[u, p, c]``: what unit ``u`` says against ``c`` having been copied from ``p``."""
    ids = [w.id for w in witnesses]
    n = len(ids)
    units = [v for v in variants if not v.wrapper]
    out = np.zeros((len(units), n, n), dtype=np.float64)
    for u, v in enumerate(units):
        keys = [_key(v, i) for i in ids]
        words = max(1, max(len(v.readings.get(i, "").split()) for i in ids))
        counts: dict[str, int] = {}
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        for p in range(n):
            for c in range(n):
                if p == c or keys[p] == keys[c]:
                    continue
                kp, kc = keys[p], keys[c]
                shared = counts[kc] > 1  # the child's reading is found in another witness too
                if v.kind == "transposition":
                    out[u, p, c] = MOVE if kp and kc else (OMIT * words if not kc else ADD * words)
                elif not kc:
                    out[u, p, c] = OMIT * words
                elif not kp:
                    out[u, p, c] = (ADD_SHARED if shared else ADD) * words
                elif v.substantive:
                    out[u, p, c] = SUBST_SHARED if shared else SUBST
                else:
                    out[u, p, c] = FIX if counts[kp] == 1 and shared else SLIP
    return out


def _date_prior(witnesses: Sequence[Witness]) -> np.ndarray:
    n = len(witnesses)
    prior = np.zeros((n, n))
    for p, wp in enumerate(witnesses):
        for c, wc in enumerate(witnesses):
            if p != c and wp.date and wc.date and wc.date < wp.date:
                prior[p, c] = LATER
    return prior


def _arborescence(cost: np.ndarray, witnesses: Sequence[Witness]) -> dict[int, int]:
    """Parent of each witness (-1 for the root) in the minimum spanning arborescence."""
    n = cost.shape[0]
    g = nx.DiGraph()
    dated = sorted(range(n), key=lambda i: (witnesses[i].date or "9999", i))
    for rank, i in enumerate(dated):
        g.add_edge(-1, i, weight=ROOT + rank * 1e-3)
    for p in range(n):
        for c in range(n):
            if p != c:
                g.add_edge(p, c, weight=float(cost[p, c]) + 1e-6 * (p * n + c))  # deterministic ties
    tree = nx.minimum_spanning_arborescence(g, attr="weight", preserve_attrs=False)
    return {c: p for p, c in tree.edges()}


def _reading_agrees(keys: list[str], a: int, b: int) -> bool:
    return keys[a] == keys[b]


def _lost_sources(
    parent: dict[int, int], keys: list[list[str]], substantive: list[bool], n: int
) -> tuple[dict[int, int], dict[int, tuple[int, int]], dict[int, list[int]]]:
    """Insert lost common sources where a child reverts its parent's own readings (see above).

    Returns the new parent map (lost sources get ids n, n+1, ...), the children of each lost
    source, and the units that are the lost source's evidence (the changes its children share).
    """
    parent = dict(parent)
    lost: dict[int, tuple[int, int]] = {}
    evidence: dict[int, list[int]] = {}
    for c in sorted(parent, key=lambda x: x):
        b = parent[c]
        if b < 0 or b >= n:
            continue
        a = parent.get(b, -1)
        while a >= n:  # b already hangs from a lost source: compare with the nearest extant one
            a = parent.get(a, -1)
        if a < 0:
            continue
        # c has a reading (not a gap: dropping text is cheap) where b alone reads otherwise and c
        # reads like b's own parent: c would have had to undo b's change.
        reverts = [
            u for u, k in enumerate(keys) if k[c] and k[c] == k[a] != k[b] and sum(x == k[b] for x in k) == 1
        ]
        shared = [u for u, k in enumerate(keys) if k[b] == k[c] != k[a]]
        # Copies rarely fix errors, but revisers do: the rule only holds between near-copies.
        own_changes = sum(1 for u, k in enumerate(keys) if substantive[u] and k[b] != k[c])
        shared_substantive = sum(1 for u in shared if substantive[u])
        if not reverts or not shared or own_changes > max(COPY_MAX, COPY_SHARE * shared_substantive):
            continue
        x = n + len(lost)
        lost[x] = (b, c)
        evidence[x] = shared
        parent[x] = parent[b]
        parent[b] = x
        parent[c] = x
    return parent, lost, evidence


def _describe(v: Variant, parent_id: str, child_id: str) -> str:
    def short(s: str) -> str:
        s = " ".join(s.split())
        return s if len(s) <= 60 else s[:59] + "…"

    rp, rc = v.readings.get(parent_id, ""), v.readings.get(child_id, "")
    if v.kind == "transposition":
        return f"moved: '{short(rc or rp)}'"
    if not rc:
        return f"omitted: '{short(rp)}'"
    if not rp:
        return f"added: '{short(rc)}'"
    return f"'{short(rp)}' → '{short(rc)}'"


def build_stemma(variants: Sequence[Variant], witnesses: Sequence[Witness], seed: int = 0) -> Stemma:
    """The stemma of ``witnesses`` from their variation units (see the module docstring)."""
    n = len(witnesses)
    ids = [w.id for w in witnesses]
    if n == 0:
        return Stemma(edges=(), root=None)
    units = [v for v in variants if not v.wrapper]
    costs = unit_costs(units, witnesses)
    prior = _date_prior(witnesses)
    keys = [[_key(v, i) for i in ids] for v in units]
    substantive = [v.substantive for v in units]

    def solve(weights: np.ndarray) -> tuple[dict[int, int], dict[int, tuple[int, int]], dict[int, list[int]]]:
        total = np.tensordot(weights, costs, axes=1) if len(units) else np.zeros((n, n))
        tree = _arborescence(total + prior, witnesses)
        return _lost_sources(tree, keys, substantive, n)

    parent, lost, evidence = solve(np.ones(len(units)))
    names = {i: ids[i] for i in range(n)}
    for x, children in lost.items():
        names[x] = (
            "lost-" + xxhash.xxh3_64_hexdigest("\n".join(sorted(ids[c] for c in children)).encode())[:8]
        )

    def signature(par: dict[int, int], lst: dict[int, tuple[int, int]]) -> set[tuple[str, str]]:
        nm = {i: ids[i] for i in range(n)}
        for x, ch in lst.items():
            nm[x] = "lost-" + xxhash.xxh3_64_hexdigest("\n".join(sorted(ids[c] for c in ch)).encode())[:8]
        return {(nm[p], nm[c]) for c, p in par.items() if p >= 0}

    rng = np.random.default_rng(seed)
    tally: dict[tuple[str, str], int] = {}
    replicates = BOOTSTRAP if n <= 20 else 30
    for _ in range(replicates if units else 0):
        weights = np.bincount(rng.integers(0, len(units), len(units)), minlength=len(units)).astype(float)
        for edge in signature(*solve(weights)[:2]):
            tally[edge] = tally.get(edge, 0) + 1

    def extant(x: int) -> int:
        """``x`` itself, or the nearest ancestor of a lost source that is a real witness."""
        while x >= n:
            x = parent.get(x, -1)
        return x

    def evidence_of(p: int, c: int) -> tuple[str, ...]:
        if c >= n:  # parent -> lost source: the changes its children share
            ref, child = extant(p), lost[c][0]
            return (
                tuple(_describe(units[u], ids[ref], ids[child]) for u in evidence[c][:10]) if ref >= 0 else ()
            )
        if p >= n:  # lost source -> child: what this child changed on its own
            sibling = next(s for s in lost[p] if s != c)
            own = [u for u in range(len(units)) if keys[u][c] != keys[u][sibling]]
            own.sort(key=lambda u: -costs[u, sibling, c])
            return tuple(_describe(units[u], ids[sibling], ids[c]) for u in own[:10])
        order = sorted(range(len(units)), key=lambda u: -costs[u, p, c])
        return tuple(_describe(units[u], ids[p], ids[c]) for u in order[:10] if costs[u, p, c] > 0)

    edges = []
    for c, p in sorted(parent.items(), key=lambda kv: (names.get(kv[1], ""), names[kv[0]])):
        if p < 0:
            continue
        confidence = tally.get((names[p], names[c]), 0) / replicates if units else 1.0
        edges.append(StemmaEdge(names[p], names[c], evidence_of(p, c), round(confidence, 3)))
    root = next((names[c] for c, p in parent.items() if p < 0), None)
    return Stemma(edges=tuple(edges), root=root, lost=tuple(names[x] for x in lost))
