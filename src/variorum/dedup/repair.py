"""Split-word repair at the few places where it can apply, with the normalizer's own rules.

:func:`~variorum.text.normalize.repair_splits` visits every token in Python to ask whether it
joins the next one (``aggr ession`` → ``aggression``). A join needs the joined form in the
vocabulary, so the caller looks up every joined pair and triple of a record at once
(:class:`variorum.dedup.tokens.VocabularyIndex`) and :func:`find_joins` applies repair_splits'
tests, in its order, only at those *sites*: the result is the same token for token (the tests
compare both on generated texts) for a fraction of the time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

# gap_kind is the normalizer's own test of whether two tokens may be joined; calling it (rather
# than a copy) keeps this path from drifting away from repair_splits.
from variorum.text.normalize import WORD, count_vocabulary, gap_kind, raw_tokens, repair_splits

# What a gap of kind 2 ("coun-\nter") starts with, right after the first piece.
_HYPHENS = ("-", "\u00ad", "\u2010")


class Vocabulary(Mapping[str, int]):
    """Word counts read as the sum of a running (bounded) count and one record's own count.

    Only ``get`` and ``in`` are on the hot path; iteration is there to satisfy ``Mapping``.
    """

    def __init__(self, running: Mapping[str, int], own: Mapping[str, int]) -> None:
        self.running, self.own = running, own

    def __getitem__(self, key: str) -> int:
        n = self.running.get(key, 0) + self.own.get(key, 0)
        if not n:
            raise KeyError(key)
        return n

    def get(self, key: str, default: Any = None) -> Any:
        n = self.running.get(key, 0) + self.own.get(key, 0)
        return n if n else default

    def __contains__(self, key: object) -> bool:
        return key in self.running or key in self.own

    def __iter__(self) -> Iterator[str]:
        return iter(set(self.running) | set(self.own))

    def __len__(self) -> int:
        return len(set(self.running) | set(self.own))


def reference_tokens(text: str, running: Mapping[str, int], *, complete: bool = False) -> list[str]:
    """The normalizer's tokens of ``text`` with split words repaired against the vocabulary.

    The vocabulary is ``running`` plus the text's own word counts, unless ``complete`` says
    ``running`` already counts them. This is the slow, obviously right definition that
    :meth:`variorum.dedup.tokens.ChunkTokens.compare_tokens` must equal.
    """
    raw = raw_tokens(text)
    vocabulary = running if complete else Vocabulary(running, count_vocabulary([raw]))
    return repair_splits(text, raw, vocabulary).norms


@cache
def _space_table() -> np.ndarray:
    """``table[min(c, len - 1)]``: whether code point ``c`` is whitespace to ``str.split()``.

    Every whitespace character is in the Basic Multilingual Plane (the last is U+3000).
    """
    spaces = [c for c in range(0x10000) if chr(c).isspace()]
    table = np.zeros(max(spaces) + 2, dtype=bool)
    table[spaces] = True
    return table


def chunk_starts(text: str) -> np.ndarray:
    """Where each chunk of ``text.split()`` starts, as indices into ``text``."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _space_table()
    space = table[np.minimum(codes, len(table) - 1)]
    after_space = np.concatenate(([True], space[:-1]))
    return np.flatnonzero(~space & after_space)


def find_joins(
    text: str,
    chunks: list[str],
    ids: list[int],
    norms_of: Sequence[tuple[str, ...]],
    first_token: list[int],
    vocabulary: Mapping[str, int],
    sites: list[int],
) -> list[tuple[int, int, str]]:
    """Where repair_splits joins tokens: ``(first token, tokens joined, joined form)``, in order.

    The tokens are those of ``text``'s whitespace-separated ``chunks``: chunk ``c`` holds
    ``norms_of[ids[c]]``, tokens ``first_token[c]`` to ``first_token[c + 1]`` (valid only when
    no token crosses whitespace, which the caller has checked). ``sites`` (ascending) include
    every ``i`` where the pair or triple of tokens starting at ``i`` joins into a form in
    ``vocabulary``; extra sites are harmless.
    """
    if not sites:
        return []
    return _Joins(text, chunks, ids, norms_of, first_token, vocabulary).run(sites)


class _Joins:
    """repair_splits' decisions, taken only at the given sites (in order) of one record.

    A site is first tested on word counts alone, which rejects almost all of them; token
    kinds, positions and gaps are worked out only for the rest.
    """

    def __init__(
        self,
        text: str,
        chunks: list[str],
        ids: list[int],
        norms_of: Sequence[tuple[str, ...]],
        first_token: list[int],
        vocabulary: Mapping[str, int],
    ) -> None:
        self.text, self.chunks, self.ids, self.norms_of = text, chunks, ids, norms_of
        self.first_token = first_token
        self.n = first_token[-1]
        self.get = vocabulary.get
        self.chunk_start: np.ndarray | None = None
        self.spans: dict[int, tuple[list[int], list[int], list[int]]] = {}

    def _chunk(self, i: int) -> tuple[int, int]:
        """Token ``i`` is token ``k`` of chunk ``c``: (c, k)."""
        c = bisect_right(self.first_token, i) - 1
        return c, i - self.first_token[c]

    def norm(self, i: int) -> str:
        c, k = self._chunk(i)
        return self.norms_of[self.ids[c]][k]

    def _token(self, i: int) -> tuple[int, int, int]:
        """(kind, start, end) of token ``i`` in the text."""
        if self.chunk_start is None:
            self.chunk_start = chunk_starts(self.text)
            if len(self.chunk_start) != len(self.chunks):
                raise AssertionError("chunk_starts() and str.split() disagree on the chunks")
        c, k = self._chunk(i)
        got = self.spans.get(c)
        if got is None:
            raw = raw_tokens(self.chunks[c])
            got = self.spans[c] = (raw.kinds, raw.starts, raw.ends)
        offset = int(self.chunk_start[c])
        return got[0][k], offset + got[1][k], offset + got[2][k]

    def _gap(self, i: int) -> int:
        return gap_kind(self.text, self._token(i)[2], self._token(i + 1)[1])

    def _possible(self, i: int, a: str, b: str, c: str | None) -> bool:
        """Whether the counts allow a join at ``i``: a necessary condition of repair_splits'."""
        get = self.get
        cf = get(a + b, 0)
        if cf:
            if min(get(a, 0), get(b, 0)) <= cf:
                return True
            # A word cut by a hyphen at a line end joins whatever the counts: the hyphen then
            # ends the first piece's chunk (the gap is the hyphen and whitespace only).
            if self.chunks[self._chunk(i)[0]].endswith(_HYPHENS):
                return True
        if c is not None:
            cf3 = get(a + b + c, 0)
            return bool(cf3) and min(get(a, 0), get(b, 0), get(c, 0)) <= cf3
        return False

    def _join(self, i: int) -> int:
        """How many tokens repair_splits joins at ``i`` (1: none), mirroring its tests exactly."""
        get, n = self.get, self.n
        if i + 1 >= n:
            return 1
        a, b = self.norm(i), self.norm(i + 1)
        c = self.norm(i + 2) if i + 2 < n else None
        if not self._possible(i, a, b, c):
            return 1
        if self._token(i)[0] != WORD or self._token(i + 1)[0] != WORD:
            return 1
        cf = get(a + b, 0)
        if cf and min(get(a, 0), get(b, 0)) <= cf:
            gap = self._gap(i)
        elif cf:
            gap = 2 if self._gap(i) == 2 else 0
        else:
            gap = 0
        if gap:
            return 2
        if c is not None and self._token(i + 2)[0] == WORD:
            cf3 = get(a + b + c, 0)
            if cf3 and min(get(a, 0), get(b, 0), get(c, 0)) <= cf3 and self._gap(i) and self._gap(i + 1):
                return 3
        return 1

    def run(self, sites: list[int]) -> list[tuple[int, int, str]]:
        joins: list[tuple[int, int, str]] = []
        done = 0  # tokens before this index are emitted or joined
        for i in sites:
            if i < done:
                continue
            width = self._join(i)
            if width > 1:
                joins.append((i, width, "".join(self.norm(j) for j in range(i, i + width))))
                done = i + width
        return joins
