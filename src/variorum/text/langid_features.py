"""py3langid's feature counts without its byte-by-byte automaton walk, with numpy.

py3langid counts a text's features (byte n-grams of 2 to 6 bytes) by walking an Aho-Corasick
automaton one byte at a time in Python (``visit_counts``): ~0.25 us a byte, which made language
identification the costliest stage of preparing a document on text outside English. The counts
have a closed form that numpy computes for all positions at once:

* the automaton's state after reading ``text[:p + 1]`` is the longest suffix of it that is a
  node of the trie of features (the Aho-Corasick property), and no trie node is longer than the
  longest feature (6 bytes);
* the state's output is the longest feature that is a suffix of the state's string (checked for
  every state when the tables are derived, see :func:`derive_tables`).

So the feature counted at byte ``p`` depends only on the last six bytes. For every start
position, walking down the trie level by level (a byte a level, for all start positions in one
numpy step) finds the windows that are trie nodes; the deepest one ending at ``p`` is the
automaton's state there. A node reached by an automaton transition is a genuine trie child only
when it is one level deeper than its parent, which is how the automaton's own transition table
serves as the trie.

py3langid's walk stays the reference: the tests compare the two on real and generated text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from py3langid.langid import RAW_FLOOR, LanguageIdentifier, visit_counts

#: The deepest trie node of py3langid 0.4.0's model; :func:`derive_tables` checks it.
MAX_DEPTH = 6
#: Texts shorter than this (in bytes) that :meth:`FastIdentifier.prepare` has not seen are
#: counted by py3langid's walk: a numpy pass costs ~35 numpy calls whatever the length, which
#: the walk's ~0.25 us a byte only exceeds beyond a few hundred bytes (measured on this
#: project's 2-core machine, loaded: 120 bytes walk 29 us, numpy 52 us; 480 bytes 142 us and 107 us).
WALK_BELOW = 320


def derive_tables(nextmove: np.ndarray, row: np.ndarray, out: np.ndarray) -> dict[str, np.ndarray]:
    """Each state's depth in the trie, and the trie nodes of every one- and two-byte string.

    The depth comes from a breadth-first walk from the start state: a state's shortest path from
    the start is its trie string (any other path to it ends with that string). Raises ValueError
    if the automaton is not the one this module assumes (a deeper trie, an output that is not
    the longest feature suffix of its state), so that a future model fails loudly instead of
    counting differently.
    """
    rows = np.asarray(nextmove).reshape(-1, 256)
    row = np.asarray(row)
    out = np.asarray(out)
    n_states = len(row)
    depth = np.full(n_states, -1, dtype=np.int8)
    parent = np.zeros(n_states, dtype=np.int64)
    label = np.zeros(n_states, dtype=np.int64)
    depth[0] = 0
    frontier = np.zeros(1, dtype=np.int64)
    level = 0
    while len(frontier):
        targets = rows[row[frontier]].ravel().astype(np.int64)
        new = np.flatnonzero(depth[targets] < 0)
        states = targets[new]
        if len(states) and level + 1 > MAX_DEPTH:
            raise ValueError(f"language model: trie deeper than {MAX_DEPTH} bytes")
        # Each new state is reached by one (state, byte) pair of this level: its trie string.
        depth[states] = level + 1
        parent[states] = frontier[new >> 8]
        label[states] = new & 255
        frontier = np.unique(states)
        level += 1
    if (depth < 0).any():
        raise ValueError("language model: states unreachable from the start")
    _check_outputs(depth, parent, label, out)
    first = rows[row[0]].astype(np.int64)
    single = np.where(depth[first] == 1, first, -1).astype(np.int32)
    pairs = np.full(65536, -1, dtype=np.int32)
    ok = np.flatnonzero(single >= 0)
    second = rows[row[single[ok]]].astype(np.int64)  # (len(ok), 256)
    genuine = depth[second] == 2
    codes = (ok[:, None] << 8) | np.arange(256)[None, :]
    pairs[codes[genuine]] = second[genuine]
    return {"depth": depth, "single": single, "pairs": pairs}


def _check_outputs(depth: np.ndarray, parent: np.ndarray, label: np.ndarray, out: np.ndarray) -> None:
    """Check that each state outputs the longest feature that is a suffix of its string."""
    keys = np.zeros(len(depth), dtype=np.int64)
    for level in range(1, MAX_DEPTH + 1):
        at = np.flatnonzero(depth == level)
        keys[at] = (keys[parent[at]] << 8) | label[at]
    tagged = keys | (depth.astype(np.int64) << 56)
    # A feature's string is that of the shallowest state that outputs it.
    has = np.flatnonzero(out >= 0)
    order = np.lexsort((depth[has], out[has]))
    feats, states = out[has][order], has[order]
    first = np.r_[True, feats[1:] != feats[:-1]]
    own = np.sort(tagged[states[first]])
    feat_of = out[states[first]][np.argsort(tagged[states[first]])]
    expected = np.full(len(depth), -1, dtype=np.int64)
    for length in range(1, MAX_DEPTH + 1):  # shorter suffixes first, longer ones overwrite
        long_enough = np.flatnonzero(depth >= length)
        suffix = (keys[long_enough] & ((1 << (8 * length)) - 1)) | (length << 56)
        at = np.minimum(np.searchsorted(own, suffix), len(own) - 1)
        hit = own[at] == suffix
        expected[long_enough[hit]] = feat_of[at[hit]]
    if not np.array_equal(expected, out.astype(np.int64)):
        raise ValueError("language model: a state's output is not its longest feature suffix")


class FeatureCounter:
    """Counts py3langid features of UTF-8 byte strings, many strings in one numpy pass."""

    def __init__(
        self, nextmove: np.ndarray, row: np.ndarray, out: np.ndarray, tables: dict[str, np.ndarray]
    ) -> None:
        table = np.asarray(nextmove)
        # The states' numbers are below 2**31: read the uint32 table as int32, without a copy.
        self._nextmove = table.view(np.int32) if table.dtype == np.uint32 else table.astype(np.int32)
        # int32 throughout: 38,346 rows of 256 entries and 104,583 states fit, and the gathers
        # below move half the bytes of int64.
        self._rowbase = np.asarray(row).astype(np.int32) << 8
        self._out = np.asarray(out, dtype=np.int32)
        self._depth = np.asarray(tables["depth"], dtype=np.int8)
        self._single = np.asarray(tables["single"], dtype=np.int32)
        self._pairs = np.asarray(tables["pairs"], dtype=np.int32)

    def features(self, texts: Sequence[bytes]) -> tuple[np.ndarray, list[int]]:
        """The feature counted at each byte of ``texts`` (-1 for none), end to end, and where
        each text starts in that array (one more offset at the end)."""
        starts = [0]
        for text in texts:
            starts.append(starts[-1] + len(text))
        n = starts[-1]
        if n == 0:
            return np.empty(0, dtype=np.int32), starts
        data = np.frombuffer(b"".join(texts), dtype=np.uint8).astype(np.int32)
        # Windows never cross from one text into the next: a window of ``level`` bytes may
        # start at a position only if the position's text has that many bytes left.
        left = None
        if len(texts) > 1:
            left = np.repeat(np.asarray(starts[1:], dtype=np.int32), np.diff(starts)) - np.arange(
                n, dtype=np.int32
            )
        # The deepest trie node ending at each position; a start is alive while the window from
        # it is a trie node (a dead start's node is some state, never used).
        state = np.maximum(self._single[data], 0)
        if n < 2:
            return self._out[state], starts
        node = self._pairs[(data[:-1] << 8) | data[1:]]
        alive = node >= 0
        if left is not None:
            alive &= left[:-1] >= 2
        np.copyto(state[1:], node, where=alive)
        np.maximum(node, 0, out=node)
        for level in range(3, MAX_DEPTH + 1):
            if n < level or not alive.any():
                break
            node = self._nextmove[self._rowbase[node[:-1]] + data[level - 1 :]]
            alive = alive[:-1] & (self._depth[node] == level)
            if left is not None:
                alive &= left[: n - level + 1] >= level
            np.copyto(state[level - 1 :], node, where=alive)
        return self._out[state], starts


def count(features: np.ndarray) -> Counter[int]:
    """The counts of ``features`` (-1 for none) as py3langid's walk makes them: a ``Counter``
    of the features in the order they occur (the scores are summed in its order)."""
    return Counter(features[features >= 0].tolist())


class FastIdentifier(LanguageIdentifier):
    """py3langid's identifier with its feature counts from :class:`FeatureCounter`.

    Only the counting step is replaced: encoding, scoring, normalisation and the folding of
    aliased labels are py3langid's own code. Texts shorter than :data:`WALK_BELOW` bytes, and
    every text without ``tables`` (a model this module does not understand), are counted by
    py3langid's walk.
    """

    def __init__(
        self,
        ptc: np.ndarray,
        pc: np.ndarray,
        classes: list[str],
        nextmove: np.ndarray,
        row: np.ndarray,
        out: np.ndarray,
        tables: dict[str, np.ndarray] | None,
    ) -> None:
        # No ``tk_row`` for the base class: it would build a Python list of every state's row
        # offset at each start (~5 ms) for a walk that only the reference uses.
        super().__init__(ptc, pc, classes, nextmove, out, norm_probs=True, tk_row=())
        self.tk_row = row
        self._counter = FeatureCounter(nextmove, row, out, tables) if tables is not None else None
        self._walk: tuple[memoryview, list[int], memoryview] | None = None

    def visits(self, data: bytes) -> Counter[int]:
        """Feature counts of encoded ``data``, as py3langid's ``visit_counts`` gives them."""
        if self._counter is None or len(data) < WALK_BELOW:
            return self.reference_visits(data) or Counter()
        return count(self._counter.features([data])[0])

    def reference_visits(self, data: bytes) -> Counter[int] | None:
        """Feature counts of encoded ``data`` by py3langid's own automaton walk."""
        if self._walk is None:
            rowbase = [int(r) << 8 for r in np.asarray(self.tk_row).tolist()]
            nextmove = memoryview(np.ascontiguousarray(self.tk_nextmove))
            self._walk = (nextmove, rowbase, memoryview(np.ascontiguousarray(self.tk_output)))
        return visit_counts(*self._walk, data)

    def _raw_score(self, text: bytes) -> np.ndarray:
        visits = self.visits(text)
        if visits:
            return self._sparse_score(visits, self.nb_ptc)
        # As py3langid: no features scores 0.0 under normalised probabilities (uniform).
        fill = 0.0 if self._norm_probs else RAW_FLOOR
        return np.full(len(self.nb_classes), fill, dtype=np.float32)
