"""py3langid's feature counts without its byte-by-byte automaton walk, with numpy.

py3langid counts a text's features (byte n-grams of 2 to 6 bytes) by walking an Aho-Corasick
automaton one byte at a time in Python (``visit_counts``): ~0.2 us a byte, which made language
identification the costliest stage of preparing a document on text outside English. The walk
has a form that numpy computes for all positions at once:

* the automaton's state after reading ``text[:p + 1]`` is the longest suffix of it that is a
  node of the trie of features (the Aho-Corasick property), and no trie node is longer than
  :data:`MAX_DEPTH` bytes (checked when the tables are derived, see :func:`derive_tables`);
* so the state at byte ``p`` is the state the automaton reaches from its start on the last
  :data:`MAX_DEPTH` bytes alone: every position's state comes from six steps of the automaton,
  each one numpy gather for all positions at once (the first two from one table of the 65,536
  two-byte strings);
* the feature counted at ``p`` is the state's output, as in the walk.

Positions closer than six bytes to the start of a text read a "dead" byte in place of the
missing ones: a byte no feature contains, which sends every state back to the start (the
shipped model has 60 of them, among them every byte that UTF-8 never uses). The same filler
between texts lets one pass count many texts.

py3langid's walk stays the reference: the tests compare the two on real and generated text.

:class:`Batch` answers many texts at once (the questions of many documents, see
:func:`variorum.text.language.documents_paragraph_languages`): one counting pass, one sort for
each text's distinct features in the order of their first occurrence, the float32 products
one call per text and the normalisation on the rows of one array; the answers are
:meth:`FastIdentifier.classify`'s to the bit.

:class:`FastIdentifier` answers as py3langid's ``LanguageIdentifier`` (0.4.0) does, with the same
numpy operations in the same order, without importing py3langid: its module loads ``logging``
and the compressed model's reader (``tempfile``, ``shutil`` and more), ~7 ms of every start of
``variorum compare`` or ``collate --files`` once the model comes from the cached copy. The tests
check it against a ``LanguageIdentifier`` holding the same arrays, score for score.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from operator import itemgetter

import numpy as np

#: py3langid's score of a text without features when probabilities are not normalised.
RAW_FLOOR = float(np.finfo(np.float32).min)

#: The deepest trie node of py3langid 0.4.0's model; :func:`derive_tables` checks it.
MAX_DEPTH = 6
#: Texts shorter than this (in bytes) are counted by py3langid's walk: numpy's pass costs ~15
#: numpy calls whatever the length, more than the walk's loop over a few dozen bytes
#: (measured on this project's 2-core machine, loaded: 60 bytes walk 12 us, numpy 21 us; 120
#: bytes 29 us and 24 us; 480 bytes 134 us and 46 us).
WALK_BELOW = 96
#: Short texts counted by numpy before the walk's tables are built. The walk needs every state's
#: row offset as a Python list (~100,000 ints, 2-3 ms to build), more than numpy's pass loses
#: on a few hundred short texts (~9 us each, see :data:`WALK_BELOW`): a command on two one-page
#: documents walks two or three texts and never repays it, a batch of documents does at once.
WALK_AFTER = 300


def derive_tables(nextmove: np.ndarray, row: np.ndarray) -> dict[str, np.ndarray]:
    """The state after every two-byte string, and a dead byte.

    Derived once per cached copy of the model, with the checks that make the six-byte windows
    exact: a breadth-first walk from the start state gives each state its trie string (its
    shortest path from the start; any other path to it ends with that string) and so its depth,
    at most :data:`MAX_DEPTH`; the transitions must be Aho-Corasick's
    (:func:`_check_failure_links`); and some byte must lead every state back to the start.
    Raises ValueError otherwise, so that another model is counted by the walk instead of
    differently.
    """
    rows = np.asarray(nextmove).reshape(-1, 256)
    row = np.asarray(row)
    n_states = len(row)
    depth = np.full(n_states, -1, dtype=np.int8)
    parent = np.zeros(n_states, dtype=np.int64)
    label = np.zeros(n_states, dtype=np.int64)
    depth[0] = 0
    frontier = np.zeros(1, dtype=np.int64)
    level = 0
    while len(frontier):
        targets = rows[row[frontier]].ravel()
        new = np.flatnonzero(depth[targets] < 0)
        states = targets[new].astype(np.int64)
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
    _check_failure_links(rows, row, depth, parent, label)
    # Dead bytes: every state goes back to the start on them (no feature contains them).
    dead = np.flatnonzero((rows == 0).all(axis=0))
    if not len(dead):
        raise ValueError("language model: no byte outside every feature")
    first = rows[row[0]].astype(np.int64)
    two = rows[row[first]].astype(np.int32).ravel()  # state after bytes a, b: two[a << 8 | b]
    return {"two": two, "dead": dead[-1:].astype(np.int32)}


def _check_failure_links(
    rows: np.ndarray, row: np.ndarray, depth: np.ndarray, parent: np.ndarray, label: np.ndarray
) -> None:
    """Check that the automaton is Aho-Corasick's: from each state, a byte without a trie child
    leads where it leads from the state of the longest proper suffix that is in the trie (its
    failure link). Then the state after any text is its longest suffix in the trie, which
    depends only on the last :data:`MAX_DEPTH` bytes."""
    fail = np.zeros(len(depth), dtype=np.int64)
    for level in range(2, MAX_DEPTH + 1):
        at = np.flatnonzero(depth == level)
        fail[at] = rows[row[fail[parent[at]]], label[at]]
    # A state without children must move exactly as its failure link does: the same row (py3langid
    # stores each distinct row once). Only the states with children need a byte-by-byte look.
    has_children = np.zeros(len(depth), dtype=bool)
    has_children[parent[1:]] = True
    leaves = np.flatnonzero(~has_children)
    leaves = leaves[leaves != 0]
    if (row[leaves] != row[fail[leaves]]).any():
        raise ValueError("language model: not an Aho-Corasick automaton")
    inner = np.flatnonzero(has_children)
    block = 4096
    for lo in range(0, len(inner), block):
        states = inner[lo : lo + block]
        actual = rows[row[states]].astype(np.int64)
        child = (parent[actual] == states[:, None]) & (depth[actual] == depth[states][:, None] + 1)
        expected = rows[row[fail[states]]]
        expected[states == 0] = 0  # the start state: no child leads back to the start
        if not ((actual == expected) | child).all():
            raise ValueError("language model: not an Aho-Corasick automaton")


class FeatureCounter:
    """Counts py3langid features of UTF-8 byte strings, many strings in one numpy pass."""

    def __init__(
        self, nextmove: np.ndarray, row: np.ndarray, out: np.ndarray, tables: dict[str, np.ndarray]
    ) -> None:
        table = np.asarray(nextmove)
        # int32 throughout: 38,346 rows of 256 entries and 104,583 states fit, and the gathers
        # move half the bytes of int64. The uint32 table is read as int32, without a copy.
        self._nextmove = table.view(np.int32) if table.dtype == np.uint32 else table.astype(np.int32)
        self._rowbase = np.asarray(row).astype(np.int32) << 8
        self._out = np.asarray(out, dtype=np.int32)
        self._two = np.asarray(tables["two"], dtype=np.int32)
        #: The row offset of the state after each two-byte string: the first step's two lookups
        #: (state, then its row) as one, from a table of 65,536 ints made at once.
        self._two_rowbase = self._rowbase.take(self._two)
        self._filler = bytes([int(tables["dead"][0])]) * (MAX_DEPTH - 1)

    def features(self, texts: Sequence[bytes]) -> tuple[np.ndarray, list[int]]:
        """The feature counted at each byte of ``texts`` (-1 for none), and where each text's
        features start in that array (a few positions of filler lie between two texts')."""
        gap = MAX_DEPTH - 1
        starts = []
        at = 0
        for text in texts:
            starts.append(at)
            at += len(text) + gap
        filler = self._filler
        data = np.frombuffer(filler + filler.join(texts), dtype=np.uint8).astype(np.int32)
        n = len(data) - gap  # one state for each byte after the leading filler
        if n <= 0:
            return np.empty(0, dtype=np.int32), starts
        # The state at data[i + gap]: from the start, over data[i : i + gap + 1]. ``take`` into
        # two reused buffers, not indexing: half the time of ``table[index]``, which allocates
        # each step's arrays and checks every index. Every index is in range by construction
        # (a state's row offset plus a byte), so "clip" never clips: it only skips the checks.
        offset = self._two_rowbase.take((data[:n] << 8) | data[1 : n + 1], mode="clip")
        state = np.empty_like(offset)
        for k in range(2, MAX_DEPTH):
            if k > 2:
                self._rowbase.take(state, out=offset, mode="clip")
            offset += data[k : k + n]
            self._nextmove.take(offset, out=state, mode="clip")
        return self._out.take(state, mode="clip"), starts


def count(features: np.ndarray) -> Counter[int]:
    """The counts of ``features`` (-1 for none) as py3langid's walk makes them: a ``Counter``
    of the features in the order they occur (the scores are summed in its order)."""
    return Counter(features[features >= 0].tolist())


def visit_counts(nm: memoryview, rowbase: list[int], out: memoryview, text: bytes) -> Counter[int] | None:
    """py3langid's automaton walk (``py3langid.langid.visit_counts``): the features of ``text``
    counted in the order they occur, or None without any."""
    state, indexes = 0, []
    append = indexes.append
    for letter in text:
        state = nm[rowbase[state] + letter]
        f = out[state]
        if f >= 0:
            append(f)
    return Counter(indexes) if indexes else None


class FastIdentifier:
    """py3langid's identifier, with normalised probabilities, its feature counts from
    :class:`FeatureCounter`.

    Encoding, scoring, normalisation and the folding of aliased labels are py3langid's code,
    carried over (see the module docstring). Texts shorter than :data:`WALK_BELOW` bytes (once
    :data:`WALK_AFTER` of them have been counted), and every text without ``tables`` (a model
    this module does not understand), are counted by py3langid's walk.
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
        self.min_confidence = None
        self.nb_ptc = ptc
        self.nb_pc = pc
        self.nb_classes = classes
        self.tk_nextmove = nextmove
        self.tk_output = out
        self.tk_row = row
        self._norm_probs = True
        first: dict[str, int] = {}
        # (first, duplicate) columns of a label that appears twice (py3langid's srl -> sr).
        self._alias_pairs: list[tuple[int, int]] = []
        for i, label in enumerate(classes):
            if label in first:
                self._alias_pairs.append((first[label], i))
            else:
                first[label] = i
        self._counter = FeatureCounter(nextmove, row, out, tables) if tables is not None else None
        self._walk: tuple[memoryview, list[int], memoryview] | None = None
        self._short_texts = 0  # counted by numpy while the walk's tables are not built

    @staticmethod
    def _encode(text: str | bytes) -> bytes:
        if isinstance(text, bytes):
            from py3langid.langid import decode_trimmed

            decoded = decode_trimmed(text)
            if decoded is None:
                return text
            text = decoded
        if text.isupper():
            text = text.lower()
        return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")

    @classmethod
    def _encode_many(cls, texts: Sequence[str]) -> list[bytes]:
        """:meth:`_encode` of each of ``texts``: one check that all of them are in NFC already
        (most text is; a line break never composes with what is around it, so the join is in
        NFC exactly when every text is) instead of a normalisation of each."""
        if not all(isinstance(text, str) for text in texts):
            return [cls._encode(text) for text in texts]
        cased = [text.lower() if text.isupper() else text for text in texts]
        if not unicodedata.is_normalized("NFC", "\n".join(cased)):
            return [cls._encode(text) for text in texts]
        return [text.encode("utf8", errors="surrogatepass") for text in cased]

    def visits(self, data: bytes) -> Counter[int]:
        """Feature counts of encoded ``data``, as py3langid's ``visit_counts`` gives them."""
        if self._counter is None:
            return self.reference_visits(data) or Counter()
        if len(data) < WALK_BELOW:
            if self._walk is not None or self._short_texts >= WALK_AFTER:
                return self.reference_visits(data) or Counter()
            self._short_texts += 1
        return count(self._counter.features([data])[0])

    def reference_visits(self, data: bytes) -> Counter[int] | None:
        """Feature counts of encoded ``data`` by py3langid's automaton walk."""
        if self._walk is None:
            # Shifted in numpy, then listed: the same ints, ~20x faster than shifting each
            # of the ~100,000 rows in Python (a few ms of every process that walks a text).
            rowbase = (np.asarray(self.tk_row).astype(np.int64) << 8).tolist()
            nextmove = memoryview(np.ascontiguousarray(self.tk_nextmove))
            self._walk = (nextmove, rowbase, memoryview(np.ascontiguousarray(self.tk_output)))
        return visit_counts(*self._walk, data)

    def _sparse_score(self, visits: Counter[int], table: np.ndarray) -> np.ndarray:
        idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
        return np.log1p(counts) @ table[idx] + self.nb_pc

    def _raw_score(self, text: bytes) -> np.ndarray:
        visits = self.visits(text)
        if visits:
            return self._sparse_score(visits, self.nb_ptc)
        return self._featureless()

    def _featureless(self) -> np.ndarray:
        # As py3langid: no features scores 0.0 under normalised probabilities (uniform).
        fill = 0.0 if self._norm_probs else RAW_FLOOR
        return np.full(len(self.nb_classes), fill, dtype=np.float32)

    def _decide(self, text: str | bytes) -> np.ndarray:
        data = self._encode(text)
        return self._normalise(self._raw_score(data), len(data))

    def _normalise(self, scores: np.ndarray, size: int) -> np.ndarray:
        """Probabilities from the raw ``scores`` of a text of ``size`` bytes, in place."""
        # T = sqrt(bytes) keeps py3langid's softmax calibrated across lengths.
        scores *= 1.0 / math.sqrt(size or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for i, j in self._alias_pairs:
            scores[i] += scores[j]
            scores[j] = 0.0
        return scores

    def _normalise_rows(self, scores: np.ndarray, sizes: Sequence[int]) -> None:
        """:meth:`_normalise` of each row of ``scores`` (a text of ``sizes[k]`` bytes), in place:
        the same float32 operations on each element, the same reductions of each row."""
        # 1 / sqrt(size or 1) in float64 (both roundings IEEE's, as math.sqrt's), then float32.
        scale = (1.0 / np.sqrt(np.maximum(np.asarray(sizes, dtype=np.float64), 1.0))).astype(np.float32)
        scores *= scale[:, None]
        np.exp(scores - scores.max(axis=1, keepdims=True), out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        for i, j in self._alias_pairs:
            scores[:, i] += scores[:, j]
            scores[:, j] = 0.0

    def _best(self, scores: np.ndarray) -> tuple[str, float]:
        i = int(scores.argmax())
        return self.nb_classes[i], float(scores[i])

    def classify(self, text: str | bytes) -> tuple[str, float]:
        """*(language, confidence)* of ``text``."""
        return self._best(self._decide(text))

    def batch(self, texts: Sequence[str]) -> Batch | None:
        """``texts`` to be classified together (see :class:`Batch`), or None for a model whose
        features this module cannot count (then :meth:`classify` each)."""
        return Batch(self, texts) if self._counter is not None else None

    def rank(self, text: str | bytes) -> list[tuple[str, float]]:
        """All languages by likelihood, best first, one entry per label."""
        merged: dict[str, float] = {}
        for lang, score in zip(self.nb_classes, self._decide(text).tolist(), strict=True):
            merged.setdefault(lang, score)  # the first column holds a folded label's score
        return sorted(merged.items(), key=itemgetter(1), reverse=True)


class Batch:
    """The answers for many texts, their features counted and their scores normalised together.

    Identifying the languages of a document's paragraphs asks the model about a handful of
    short samples. Asked one at a time, each costs ~40 numpy calls whatever its length (~60 us
    for 120 characters): counting its features (~17), turning the counts into a ``Counter`` and
    back into arrays, scoring and normalising. Here the features of all the texts are counted in
    one pass, the class rows of all their features gathered in one ``take``, and their scores
    normalised as the rows of one array; only the product of each text's counts with its slice
    of those rows stays one call per text.

    The answers are exactly :meth:`FastIdentifier.classify`'s, to the bit: each text's features
    in the same order (their first occurrence, the order of py3langid's ``Counter``), the same
    float32 product for each text (the same BLAS call on the same values, whose order of
    summation is its own; the tests check that it does not depend on where the rows start in
    memory), then the same float32 operations element by element, and the sums and maxima of
    each row, which numpy reduces as it reduces a row alone. The tests compare the two on real
    and generated text.
    """

    def __init__(self, identifier: FastIdentifier, texts: Sequence[str]) -> None:
        assert identifier._counter is not None
        encoded = identifier._encode_many(texts)
        sizes = [len(data) for data in encoded]
        features, starts = identifier._counter.features(encoded)
        ids, counts, bounds = first_occurrences(features, starts, sizes)
        weights = np.log1p(counts.astype(np.float32))
        # The class rows of every text's features, gathered at once; each text's product reads
        # its slice (the same values, rows and order as the rows gathered for it alone).
        rows = identifier.nb_ptc.take(ids, axis=0)
        scores = np.zeros((len(texts), len(identifier.nb_classes)), dtype=np.float32)
        featureless = []
        matmul = np.matmul
        for k, (lo, hi) in enumerate(itertools.pairwise(bounds)):
            if lo == hi:
                featureless.append(k)
            else:
                matmul(weights[lo:hi], rows[lo:hi], out=scores[k])
        scores += identifier.nb_pc
        if featureless:
            scores[featureless] = identifier._featureless()
        identifier._normalise_rows(scores, sizes)
        best = scores.argmax(axis=1)
        confidence = scores[np.arange(len(texts)), best].tolist()
        classes = identifier.nb_classes
        #: *(language, confidence)* of each text, in order.
        self.answers = [(classes[b], c) for b, c in zip(best.tolist(), confidence, strict=True)]

    def classify(self, k: int) -> tuple[str, float]:
        """*(language, confidence)* of the ``k``-th text, as :meth:`FastIdentifier.classify`."""
        return self.answers[k]


def first_occurrences(
    features: np.ndarray, starts: Sequence[int], sizes: Sequence[int]
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Each text's distinct features and their counts, in the order of their first occurrence
    (:func:`count`'s order), for many texts at once: the features of text ``k`` are
    ``ids[bounds[k]:bounds[k + 1]]``, counted ``counts[...]`` times.

    ``features`` and ``starts`` are :meth:`FeatureCounter.features`'s, ``sizes`` the texts'
    lengths in bytes (the filler between two texts counts for neither).
    """
    # Filler positions have no feature: the dead byte leads back to the start, which has none.
    size = len(features)
    at = np.flatnonzero(features >= 0)
    ends = [*starts, size]
    n_features = int(features.max(initial=0)) + 1
    lengths = [hi - lo for lo, hi in itertools.pairwise(ends)]
    owner = np.repeat(np.arange(len(sizes), dtype=np.int64) * n_features, lengths)
    # One sort of (text, feature, position) keys, all distinct: each run of one (text, feature)
    # gives its count, and the run's first key its first position. The position takes the low
    # bits, so that shifts and masks split a key (int64 division is ~10x slower).
    bits = max(size - 1, 1).bit_length()
    keys = owner.take(at, mode="clip")
    keys += features.take(at, mode="clip")
    keys <<= bits
    keys |= at
    keys.sort()
    pair = keys >> bits
    new = np.empty(len(keys), dtype=bool)
    new[:1] = True
    np.not_equal(pair[1:], pair[:-1], out=new[1:])
    runs = np.flatnonzero(new)
    # The counts, put at the first positions, read back in the order of the positions.
    runs_end = np.empty_like(runs)
    runs_end[:-1] = runs[1:]
    runs_end[-1:] = len(keys)
    counted = np.zeros(size, dtype=np.int64)
    counted[keys[runs] & ((1 << bits) - 1)] = runs_end - runs
    firsts = np.flatnonzero(counted)
    return features[firsts], counted[firsts], np.searchsorted(firsts, ends).tolist()
