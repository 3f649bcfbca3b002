"""Minimum spanning arborescence (Chu-Liu/Edmonds) on a dense cost matrix.

A stemma has tens of witnesses at most hundreds, and the bootstrap solves it many times, so a
dense numpy implementation (O(n^3) at worst) beats a general graph library by orders of
magnitude here. ``tests/test_stemma.py`` checks it against brute force on small random graphs.
"""

from __future__ import annotations

import numpy as np


def _cycle(parent: np.ndarray, root: int) -> list[int] | None:
    """A cycle in the parent map, if any (the root has parent -1)."""
    n = len(parent)
    state = np.zeros(n, dtype=np.int8)  # 0 unseen, 1 on the current path, 2 done
    for start in range(n):
        path = []
        v = start
        while v != -1 and v != root and state[v] == 0:
            state[v] = 1
            path.append(v)
            v = int(parent[v])
        if v != -1 and v != root and state[v] == 1:
            return path[path.index(v) :]
        for u in path:
            state[u] = 2
    return None


def min_arborescence(cost: np.ndarray, root: int) -> np.ndarray:
    """``parent[v]`` for every node of the cheapest arborescence rooted at ``root`` (-1 there).

    ``cost[p, c]`` is the cost of the edge p -> c; ``inf`` where there is none. Every node must be
    reachable from the root.
    """
    w = np.array(cost, dtype=np.float64)
    n = w.shape[0]
    np.fill_diagonal(w, np.inf)
    w[:, root] = np.inf
    parent = np.argmin(w, axis=0)
    parent[root] = -1
    cycle = _cycle(parent, root)
    if cycle is None:
        return parent
    in_cycle = np.zeros(n, dtype=bool)
    in_cycle[cycle] = True
    others = np.nonzero(~in_cycle)[0]
    cyc = np.array(cycle)
    m = len(others)
    sub = np.full((m + 1, m + 1), np.inf)
    sub[:m, :m] = w[np.ix_(others, others)]
    # entering the cycle at v replaces v's cycle edge: pay the difference
    into = w[np.ix_(others, cyc)] - w[parent[cyc], cyc][None, :]
    sub[:m, m] = into.min(axis=1)
    enter = cyc[into.argmin(axis=1)]
    out = w[np.ix_(cyc, others)]
    sub[m, :m] = out.min(axis=0)
    leave = cyc[out.argmin(axis=0)]
    inner = min_arborescence(sub, int(np.nonzero(others == root)[0][0]))
    result = parent.copy()
    for k, u in enumerate(others):
        p = inner[k]
        result[u] = -1 if p == -1 else (leave[k] if p == m else others[p])
    via = int(inner[m])
    result[enter[via]] = others[via]
    return result
