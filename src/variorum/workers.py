"""Worker processes that prepare batches of documents while the main process aligns another.

Adding a batch has three steps. The first two are per document and run in workers:

1. :func:`~variorum.prepare.preprocess`: tokens, segments, languages (needs nothing else);
2. :func:`~variorum.prepare.prepare`: split-word repair and fingerprints, which need the
   vocabulary *including the batch's own words*, so they can start only once step 1 of the
   whole batch is done;
3. inserting, looking up candidates and aligning, in the main process, which owns the index.

:func:`variorum.pipeline.add` keeps all three busy at once: while the main process aligns batch
``k``, the workers prepare batch ``k + 1`` and preprocess batch ``k + 2``.

The vocabulary reaches the workers in two parts. They are forked with the vocabulary the main
process had then (copy-on-write, never sent), and each prepare task carries only the words
counted since (:attr:`Workers.since_fork`). When that part grows large (a corpus with a large
vocabulary), the pool is started again from the current vocabulary, so what a task carries stays
small. The result is the same as preparing in the main process with the same vocabulary.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from variorum.config import Settings
from variorum.model import Document
from variorum.prepare import Prepared, prepare, preprocess
from variorum.store.codec import Packed, pack
from variorum.text.language import warm_up
from variorum.text.normalize import count_vocabulary

#: Words counted since the workers were forked, past which they are forked again.
REFORK_WORDS = 100_000
#: Tasks per worker and batch: more balances the load, fewer sends the vocabulary less often.
CHUNKS_PER_WORKER = 2

# The vocabulary the workers were forked with; set in the parent just before forking.
_forked_vocabulary: Mapping[str, int] = {}


class CombinedVocabulary(Mapping[str, int]):
    """Two word counts read as their sum, without copying the larger one."""

    def __init__(self, base: Mapping[str, int], extra: Mapping[str, int]) -> None:
        self.base, self.extra = base, extra
        self.parts = (base, extra)  # for the split repair's set operations

    def __getitem__(self, key: str) -> int:
        n = self.base.get(key, 0) + self.extra.get(key, 0)
        if not n:
            raise KeyError(key)
        return n

    def __contains__(self, key: object) -> bool:
        return key in self.base or key in self.extra

    def get(self, key: str, default: Any = None) -> Any:  # fast path for the split repair
        n = self.base.get(key, 0) + self.extra.get(key, 0)
        return n if n else default

    def __iter__(self) -> Iterator[str]:
        return iter(set(self.base) | set(self.extra))

    def __len__(self) -> int:
        return len(set(self.base) | set(self.extra))


def preprocess_chunk(texts: list[str]) -> tuple[list[Any], Counter[str]]:
    """Preprocessed documents, and the word counts they add to the vocabulary."""
    pre = [preprocess(t) for t in texts]
    return pre, count_vocabulary(raw for raw, _, _ in pre)


def prepare_chunk(
    docs: list[Document], pre: list[Any], since_fork: Mapping[str, int], settings: Settings
) -> list[tuple[Prepared, Packed]]:
    """Prepared documents, each with its index columns already packed."""
    vocab = CombinedVocabulary(_forked_vocabulary, since_fork)
    out = []
    for d, (raw, segs, langs) in zip(docs, pre, strict=True):
        p = prepare(d, vocab, settings, raw=raw, segments=segs, languages=langs)
        out.append((p, pack(p.tokens, p.segments)))
    return out


class Workers:
    """A pool of forked workers that preprocess and prepare chunks of a batch."""

    def __init__(self, n: int, vocabulary: Counter[str], settings: Settings) -> None:
        self.n, self.vocabulary, self.settings = n, vocabulary, settings
        self.pool: ProcessPoolExecutor | None = None
        self.since_fork: Counter[str] = Counter()
        warm_up()  # load the language model once, so that every fork has it

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            global _forked_vocabulary
            _forked_vocabulary = Counter(self.vocabulary)
            self.since_fork = Counter()
            self.pool = ProcessPoolExecutor(self.n, mp_context=multiprocessing.get_context("fork"))
        return self.pool

    def _chunks(self, n: int) -> list[slice]:
        size = max(1, -(-n // (self.n * CHUNKS_PER_WORKER)))
        return [slice(i, i + size) for i in range(0, n, size)]

    def preprocess(self, docs: Sequence[Document]) -> list[Future[Any]]:
        """Start preprocessing ``docs``; the futures give ``(preprocessed, word counts)`` chunks."""
        pool = self._pool()
        return [pool.submit(preprocess_chunk, [d.text for d in docs[s]]) for s in self._chunks(len(docs))]

    def count(self, words: Counter[str]) -> None:
        """Add a batch's word counts to the vocabulary the next :meth:`prepare` uses."""
        self.vocabulary.update(words)
        self.since_fork.update(words)
        if len(self.since_fork) > REFORK_WORDS and self.pool is not None:
            self.pool.shutdown(wait=True)  # futures already submitted keep their results
            self.pool = None

    def prepare(self, docs: Sequence[Document], pre: Sequence[Any]) -> list[Future[Any]]:
        """Start preparing ``docs`` with the vocabulary as of the last :meth:`count`; :func:`gather`
        the futures for ``(Prepared, Packed)`` in order."""
        pool = self._pool()
        since = dict(self.since_fork)
        return [
            pool.submit(prepare_chunk, list(docs[s]), list(pre[s]), since, self.settings)
            for s in self._chunks(len(docs))
        ]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def gather(futures: Sequence[Future[Any]]) -> list[Any]:
    """The results of chunked tasks, flattened in submission order."""
    return [item for f in futures for item in f.result()]


__all__ = ["CombinedVocabulary", "Workers", "gather"]
