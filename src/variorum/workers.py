"""Worker processes that prepare batches of documents while the main process aligns another.

Adding a batch has three steps. The first two are per document and run in workers:

1. :func:`~variorum.prepare.preprocess`: tokens, segments, languages (needs nothing else);
2. :func:`~variorum.prepare.prepare`: split-word repair and fingerprints, which need the
   vocabulary *including the batch's own words*, so they can start only once step 1 of the
   whole batch is done;
3. inserting and looking up candidates, in the main process, which owns the index; then
   aligning the candidate pairs, in the workers again (:meth:`Workers.align`): they are sent the
   token and n-gram hashes of the pairs' documents and answer with token ranges and figures,
   which the main process quotes into passages and stores, pair by pair in the same order as
   if it had aligned them itself.

:func:`variorum.pipeline.add` keeps all three busy at once: while the main process stores batch
``k``, the workers prepare batch ``k + 1``, preprocess batch ``k + 2`` and align batch ``k``'s
pairs (on real manual pages, aligning cost the main process more than everything else ``add``
does per batch).

Each worker keeps what it preprocessed until it is asked to prepare it, so the tokens never
travel to the main process and back: step 1 answers with the chunk's word counts only (as two
flat columns, :class:`~variorum.store.wordcounts.WordCounts`), and each worker is then sent every
chunk's counts of the batch (every worker keeps its own copy of the vocabulary, forked from the
main process's and updated batch by batch, in the same order). Only prepared
documents come back, without the text the main process already has, their tokens only in the
packed form the index stores. The result is exactly what
preparing in the main process with the same vocabulary gives (``tests/test_workers.py``).

Workers never outlive the main process: they ask Linux to kill them when it dies
(``PR_SET_PDEATHSIG``) and, on any system, watch that their parent is still the one that started
them. A ``kill -9`` of ``variorum add`` thus takes its workers with it instead of leaving them
holding the index and the terminal (``variorum add … | tee log`` ends). They ignore Ctrl-C, which
is the main process's to handle: it kills them at once (:meth:`Workers.close` with ``abort``),
since nothing they hold is worth waiting for.

Tasks go through one queue per worker (so each worker sees its tasks in order) and answers
through one shared queue; queues, unlike bare pipes, never block the sender, so a large task and a
large answer in flight at the same time cannot deadlock.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing
import os
import pickle
import queue
import re
import signal
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any

import numpy as np

from variorum.align.passages import Aligned, align_batch
from variorum.config import VOCABULARY_FOLD_WORDS, CrossLangSettings, Settings
from variorum.errors import WorkerError
from variorum.model import Document, Segment
from variorum.prepare import Prepared, RawHashes, prepare_many, preprocess_many
from variorum.store.codec import SEP, Packed, pack_many, unpack_tokens
from variorum.store.wordcounts import CountsSum, WordCounts
from variorum.text.join_sites import HashedVocabulary, joined_hashes, joined_starts
from variorum.text.language import warm_up
from variorum.text.normalize import WORD, RawTokens, count_vocabulary, warm_tables

if TYPE_CHECKING:
    from variorum.crosslang.stored import PackedProfile

#: Chunks per worker and batch: more balances the load, fewer costs fewer messages, and every
#: chunk's word counts are hashed by one worker and added by each (:class:`_WorkerWords`), so
#: fewer, larger chunks add fewer distinct words in all. One, with batches of 1,000 documents:
#: 2 (chunks of 125 documents, batches of 500) took 5 % more CPU on the four-script corpus.
CHUNKS_PER_WORKER = 1
#: Chunks of a batch's candidate pairs per worker. Pairs differ a thousandfold in cost (two
#: manual pages of 50,000 words against two of 300), so the chunks are small and handed out as
#: workers finish them; each costs one message of pair numbers and one of results.
ALIGN_CHUNKS_PER_WORKER = 8
#: Chunks a worker holds at once (the one it aligns and the next), so that it never waits for
#: the main process between two.
_ALIGN_AHEAD = 2
#: Seconds between checks that the workers are still alive while waiting for an answer.
_POLL = 1.0
#: Seconds between a worker's checks that its parent is alive (where no parent-death signal exists).
_PARENT_POLL = 0.5
#: ``PR_SET_PDEATHSIG`` of ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1
#: The first-generation collection threshold while workers run (:func:`quiet_collector`).
WORKER_GC_THRESHOLD = 100_000


def quiet_collector() -> tuple[int, int, int]:
    """Collect young objects a hundred times less often than Python does; returns the
    thresholds before, for :meth:`Workers.close` to put back in the main process.

    A worker makes few containers that outlive their step, but large ones (a chunk's token
    lists, tens of thousands of items each), and every young collection walked them: with
    Python's threshold of 700, the two workers' collections took 0.17 ms of CPU per document
    of the four-script corpus at 20,000 documents (8% of all they do), 0.01 ms with this one.
    The main process, which keeps a batch's rows and documents as long, spent 0.038 ms a
    document collecting, 0.021 ms with this one. Cycles are still collected, once 100,000
    more containers were made than freed.
    """
    before = gc.get_threshold()
    gc.set_threshold(WORKER_GC_THRESHOLD, *before[1:])
    return before


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when process ``parent`` ends.

    On Linux the kernel sends SIGKILL at the parent's death (``prctl(PR_SET_PDEATHSIG)``). A
    thread also polls the parent id, for other systems and for the moment before the ``prctl``:
    a parent that died before it leaves this process adopted, with another parent id.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(_PARENT_POLL)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="variorum-parent-watch", daemon=True).start()


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


#: Word counts sent to the workers after which the first worker is asked for their sum during an
#: ``add``: half of :data:`~variorum.config.VOCABULARY_FOLD_WORDS`, so that the index folds that
#: sum before the rows it holds reach the bound where it would add them up itself, and the worker
#: never reaches the bound where it drops its sum.
FOLD_AT_WORDS = VOCABULARY_FOLD_WORDS // 2


class _WorkerWords:
    """A worker's vocabulary: the one it was forked with plus every chunk's word counts since,
    as a :class:`~variorum.text.join_sites.HashedVocabulary`, which the split repair reads.

    Adding a chunk's counts to a dict cost each worker 300-400 ns a word (a string made from
    the column, hashed and looked up in a dict of 10**5-10**6 words), a tenth of a millisecond
    per document on the four-script corpus; the table hashes the column in one pass and makes
    a string only of a word it has not seen.

    With ``keep_sum``, the counts sent since the last fold are also kept apart, as their own
    sum, which the first worker is asked for during and at the end of an ``add``
    (:meth:`Workers.fold_words`), in key order.
    """

    def __init__(self, vocabulary: Counter[str], keep_sum: bool) -> None:
        self.keep_sum = keep_sum
        self.reading = HashedVocabulary(vocabulary, keep_sum=keep_sum)
        self.first = self.parts = self.held = 0  # number of the first part summed; how many; their words

    def add(self, parts: Sequence[WordCounts]) -> None:
        """Add a batch's parts. Past :data:`~variorum.config.VOCABULARY_FOLD_WORDS` words
        held, the sum is dropped (the main process adds those parts up itself)."""
        for part in parts:
            if len(part):
                counts = np.frombuffer(part.counts, dtype=np.int64)
                if part.hashes is None:
                    hashes, starts = joined_hashes(part.words, SEP)
                    self.reading.add_hashed(hashes, counts, _words_at(part.words, starts, len(starts)))
                else:  # hashed once, by the worker that counted the chunk (:func:`hashed_counts`)
                    hashes = np.frombuffer(part.hashes, dtype=np.uint64)
                    self.reading.add_hashed(hashes, counts, _words_at(part.words, None, len(part)))
        if self.keep_sum:
            self.parts += len(parts)
            self.held += sum(len(p) for p in parts)
            if self.held > VOCABULARY_FOLD_WORDS:
                self._restart()

    def fold(self) -> CountsSum:
        """The sum of the parts held, as :class:`CountsSum`; the next parts start a new sum.

        In key order, as SQLite's index on the words holds them: upserting them in that order
        took the main process half the time on a new index (:func:`sorted_json_object`)."""
        words, counts = self.reading.sum_since()
        out = CountsSum(self.first, self.first + self.parts, sorted_json_object(words, counts))
        self._restart()
        return out

    def _restart(self) -> None:
        """Start a new sum (the counts stay in the vocabulary)."""
        self.first, self.parts, self.held = self.first + self.parts, 0, 0
        self.reading.restart_sum()


def sorted_json_object(words: Sequence[str], counts: Sequence[int]) -> str:
    """``json.dumps(dict(sorted(zip(words, counts))), ensure_ascii=False)`` of distinct
    ``words``: the same text, for a third of the time on the words of a fold.

    Sorting a hundred thousand words beyond Latin-1 compared them code point by code point,
    and reading each one's count back from a dict in key order missed the cache at every
    word; that was most of what a fold cost the first worker. Where no word holds a character
    up to ``"`` (nor ``%`` or ``\\``), the items ``"word": count`` are made in one ``%`` of a
    format, read as Latin-1 from their UTF-8 (whose bytes are in code point order, and
    Latin-1 strings are compared by ``memcmp``), sorted as they are (the ``"`` after each word
    orders a word before the words it begins, as the words alone are ordered), and joined and
    read back as UTF-8 once. Otherwise the words are sorted and written by :func:`json_object`.
    """
    if len(words) != len(counts):
        raise ValueError("sorted_json_object: as many counts as words are needed")
    if not words:
        return "{}"
    if _ITEM_ORDER_BREAKERS.search("".join(words)) is None:
        try:
            items = ('"' + '": %d\x1f"'.join(words) + '": %d') % tuple(counts)
            latin = items.encode("utf-8").decode("latin-1").split("\x1f")
        except UnicodeEncodeError:  # a lone surrogate: sorted as a str below
            pass
        else:
            latin.sort()
            return ("{" + ", ".join(latin) + "}").encode("latin-1").decode("utf-8")
    held = dict(zip(words, counts, strict=True))
    keys = sorted(held)
    return json_object(keys, map(held.__getitem__, keys))


#: A character that keeps :func:`sorted_json_object` from sorting the items as text: one that
#: JSON escapes or that sorts before the ``"`` closing a word, the ``%`` of the format.
_ITEM_ORDER_BREAKERS = re.compile(r"[\x00-\x22%\\]")


def json_object(keys: Sequence[str], counts: Iterable[int]) -> str:
    """``json.dumps(dict(zip(keys, counts)), ensure_ascii=False)``, the same text, for a third
    of the time: without building the dict nor walking it item by item.

    Keys that JSON writes as they are (no quote, backslash or control character: every
    normalized word) are joined into one format, ``{"k1": %d, "k2": %d}``, filled with all the
    counts by one ``%`` (a key holding a ``%`` would be read as one, so it takes the other way):
    a call per item cost twice the whole. Otherwise each key is escaped by the encoder's own
    function and the items are joined at once."""
    values = tuple(counts)
    if len(keys) != len(values):
        raise ValueError("json_object: as many counts as keys are needed")
    if not keys:
        return "{}"
    if _VERBATIM_KEYS.search("".join(keys)) is None:
        return ('{"' + '": %d, "'.join(keys) + '": %d}') % values
    items = ", ".join(map("%s: %d".__mod__, zip(map(encode_basestring, keys), values, strict=True)))
    return "{" + items + "}"


#: A character that keeps a key from being written into :func:`json_object`'s format as it is.
_VERBATIM_KEYS = re.compile(r'["\\\x00-\x1f%]')


def hashed_counts(counts: WordCounts) -> WordCounts:
    """``counts`` with the hashes of its words (:func:`joined_hashes`), made once by the worker
    that counted them rather than by every worker it is sent to (:meth:`_WorkerWords.add`)."""
    if not len(counts):
        return counts
    hashes, _ = joined_hashes(counts.words, SEP)
    return replace(counts, hashes=hashes.tobytes())


def counted_words(
    preprocessed: Sequence[tuple[RawTokens, Any, Any]],
) -> tuple[WordCounts, RawHashes | None]:
    """A chunk's word counts, :func:`hashed_counts` of :func:`count_vocabulary` of its raw
    tokens (the same columns), and, where every token is a word, which word each token is
    (:class:`~variorum.prepare.RawHashes`, from which its tokens are hashed when prepared).

    Each token is looked up once in a dict that numbers the words as they first come
    (``Counter.update``'s order); the counts are those numbers counted."""
    raws = [raw for raw, _, _ in preprocessed]
    if any(raw.kinds.count(WORD) != len(raw.kinds) for raw in raws):
        return hashed_counts(WordCounts.of(count_vocabulary(raws))), None
    size = sum(len(raw.norms) for raw in raws)
    numbers: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    flat = itertools.chain.from_iterable(raw.norms for raw in raws)
    ids = np.fromiter(map(numbers.__getitem__, flat), dtype=np.int64, count=size)
    words = list(numbers)
    part = hashed_counts(WordCounts.of_columns(words, np.bincount(ids, minlength=len(words))))
    if part.hashes is None:  # no word
        return part, None
    return part, RawHashes(words, np.frombuffer(part.hashes, dtype=np.uint64), ids)


def _words_at(joined: str, starts: np.ndarray | None, count: int) -> Callable[[np.ndarray], list[str]]:
    """The strings of some of the ``count`` words of ``joined`` (words joined by ``SEP``,
    starting at ``starts``, found if ``None`` and needed), given their positions: sliced one by
    one when they are few, else split all."""

    def words_at(picks: np.ndarray) -> list[str]:
        nonlocal starts
        if 4 * len(picks) > count:
            every = joined.split(SEP)
            return [every[i] for i in picks.tolist()]
        if starts is None:
            starts = joined_starts(joined, SEP)
        ends = np.append(starts[1:] - 1, len(joined))
        return [joined[a:b] for a, b in zip(starts[picks].tolist(), ends[picks].tolist(), strict=True)]

    return words_at


def _serve(
    tasks: Any,
    answers: Any,
    vocabulary: Counter[str],
    settings: Settings,
    parent: int,
    keep_words: bool = False,
) -> None:
    """A worker's loop: preprocess, count, prepare, until it is sent ``None``.

    With ``keep_words`` it also keeps the sum of the word counts it is sent, numbered in order,
    until it is asked for it (``"fold"``; see :meth:`Workers.fold_words`) or they exceed
    :data:`~variorum.config.VOCABULARY_FOLD_WORDS` counts (then it drops it: the main process
    adds them up itself; :class:`_WorkerWords`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    die_with_parent(parent)
    quiet_collector()
    words = _WorkerWords(vocabulary, keep_words)
    kept: dict[int, tuple[list[Document], list[Any]]] = {}
    aligning: dict[int, Any] = {}  # the arrays of the documents whose pairs are being aligned
    tables: dict[int, Any] = {}  # and their seed tables, made once for all chunks of a batch
    while (task := tasks.get()) is not None:
        kind, key, payload = task
        try:
            if kind == "words":
                words.add(pickle.loads(payload))
                continue
            if kind == "fold":
                answers.put((key, words.fold()))
                continue
            if kind == "documents":
                aligning, tables = payload, {}
                continue
            if kind == "align":
                answers.put((key, align_batch(aligning, payload, settings, tables)))
                continue
            if kind == "preprocess":
                pre = preprocess_many([d.text for d in payload])
                part, hashed = counted_words(pre)
                kept[key] = (payload, pre, hashed)
                main = {langs[0] if langs else None for _, _, langs in pre}
                answers.put((key, (part, main)))
            else:
                docs, pre, hashed = kept.pop(key)
                preps = prepare_many(docs, words.reading, settings, pre, hashed)
                answers.put((key, PreparedChunk.of(preps, profiles=bool(payload))))
        except Exception:  # reported to the main process, which raises it
            answers.put((key, _Failure(traceback.format_exc())))


@dataclass(frozen=True)
class PreparedChunk:
    """A chunk's prepared documents as a worker sends them: each array field of
    :class:`~variorum.prepare.Prepared` as one array for the whole chunk, cut again by the
    sizes of each document.

    The main process has the documents, and the packed columns hold the tokens more compactly
    than pickled lists: neither is sent twice. Five small arrays per document cost pickle a
    call each way: a chunk of 125 generated documents of 500 words took 2.8 ms to unpickle and
    rebuild here as separate :class:`Prepared` objects, 1.6 ms as one chunk (and 1-3 ms less to
    pickle in the worker).

    Segments travel once, as the packed ``segments`` rows: a pickled :class:`Segment` costs a
    reduction and a state dictionary each way, more than making it again from its row in the
    main process, which does so only if they are read (:class:`SegmentRows`). Only a document
    whose segments hold sentences (which the rows keep as JSON) sends its segments as they are.
    """

    sizes: np.ndarray  # per document: tokens, n-grams, fingerprints, words as written
    hashes: np.ndarray
    grams: np.ndarray
    fp_hashes: np.ndarray
    fp_positions: np.ndarray
    body: np.ndarray
    segments: tuple[tuple[Segment, ...] | None, ...]  # None: made again from the packed rows
    languages: tuple[tuple[str, ...], ...]
    packed: tuple[Packed, ...]

    @classmethod
    def of(cls, preps: Sequence[Prepared], *, profiles: bool = False) -> PreparedChunk:
        """The chunk of ``preps``; with ``profiles``, each :class:`Packed` also holds the
        document's anchor profile (:func:`anchor_profile`)."""

        def joined(arrays: list[np.ndarray]) -> np.ndarray:
            # Empty arrays are left out, so that one of another dtype cannot change the whole.
            return np.concatenate([a for a in arrays if len(a)] or arrays[:1])

        kept = anchor_profiles(preps) if profiles else None
        return cls(
            np.array(
                [(len(p.hashes), len(p.grams), len(p.fp_hashes), p.words) for p in preps], dtype=np.int64
            ),
            joined([p.hashes for p in preps]),
            joined([p.grams for p in preps]),
            joined([p.fp_hashes for p in preps]),
            joined([p.fp_positions for p in preps]),
            joined([p.body for p in preps]),
            tuple(p.segments if any(s.sentences for s in p.segments) else None for p in preps),
            tuple(p.languages for p in preps),
            tuple(pack_many([(p.tokens, p.segments) for p in preps], kept)),
        )

    def prepared(self, docs: Sequence[Document]) -> list[tuple[Prepared, Packed]]:
        """Each document's :class:`Prepared` (tokens None: packed) and packed columns; the
        arrays are views of the chunk's."""
        ends = np.cumsum(self.sizes[:, :3], axis=0).tolist()
        out: list[tuple[Prepared, Packed]] = []
        t0 = g0 = f0 = 0
        for i, (d, (t1, g1, f1)) in enumerate(zip(docs, ends, strict=True)):
            packed = self.packed[i]
            segments = self.segments[i]
            if segments is None:
                segments = SegmentRows(packed.segments)  # type: ignore[assignment]
            prep = Prepared(
                doc=d,
                tokens=None,  # type: ignore[arg-type]
                hashes=self.hashes[t0:t1],
                grams=self.grams[g0:g1],
                fp_hashes=self.fp_hashes[f0:f1],
                fp_positions=self.fp_positions[f0:f1],
                segments=segments,
                body=self.body[t0:t1],
                languages=self.languages[i],
                words=int(self.sizes[i, 3]),
            )
            out.append((prep, packed))
            t0, g0, f0 = t1, g1, f1
        return out


class SegmentRows(Sequence[Segment]):
    """A prepared document's segments, made from its packed ``segments`` rows when first read.

    An ``add`` stores the rows and never reads the segments of a document a worker prepared:
    making them for every document (seven a document on the four-script corpus, a frozen
    dataclass each) was half of what unpacking a worker's chunk cost the main process. Read,
    they are the tuple of :class:`~variorum.model.Segment` they were, and equal to it.
    """

    __slots__ = ("made", "rows")

    def __init__(self, rows: Sequence[tuple[int, int, int, str | None, str, str]]) -> None:
        self.rows = rows
        self.made: tuple[Segment, ...] | None = None

    def segments(self) -> tuple[Segment, ...]:
        """The segments, made once."""
        if self.made is None:
            self.made = tuple(
                Segment(start, end, language, role)  # type: ignore[arg-type]
                for _, start, end, language, role, _ in self.rows
            )
        return self.made

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: Any) -> Any:
        return self.segments()[i]

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.segments())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SegmentRows):
            other = other.segments()
        return self.segments() == other

    def __hash__(self) -> int:
        return hash(self.segments())

    def __repr__(self) -> str:
        return repr(self.segments())

    def __reduce__(self) -> tuple[Any, ...]:
        return tuple, (self.segments(),)  # pickled (or copied) as the tuple it stands for


#: The default settings' ``min_shared_keys`` (a class attribute of the dataclass), read once:
#: making the settings for every document cost as much as packing its profile.
_MIN_SHARED_KEYS = CrossLangSettings.min_shared_keys


def anchor_profile(prep: Prepared) -> PackedProfile:
    """The ``anchor_profiles`` row of a prepared document, as the translation pass makes it
    from the index (:func:`variorum.crosslang.relate.profiles_of` of
    :meth:`~variorum.store.index.Index.profile_rows`): made here, in a worker, it spares the
    main process reading every new document's anchors after the last batch, alone on a core
    (a tenth of a millisecond a document)."""
    return anchor_profiles([prep])[0]


def anchor_profiles(preps: Sequence[Prepared]) -> list[PackedProfile]:
    """:func:`anchor_profile` of each of ``preps``, the modules that make them looked up once
    for a chunk (they are imported only once a translation pass will need them)."""
    from variorum.crosslang.detect import profile
    from variorum.crosslang.stored import pack_profile

    least = _MIN_SHARED_KEYS
    return [
        pack_profile(
            profile(
                p.doc.id,
                p.doc.text,
                p.languages[0] if p.languages else None,
                [(s.start, s.end) for s in p.segments],
                min_hard_keys=least,
                keep_text=False,
            )
        )
        for p in preps
    ]


def with_tokens(prep: Prepared, packed: Packed | None) -> Prepared:
    """``prep`` with its tokens, unpacked from ``packed`` if a worker sent them packed only."""
    if prep.tokens is not None or packed is None:
        return prep
    return replace(prep, tokens=unpack_tokens(packed.norms, packed.starts, packed.ends))


@dataclass(frozen=True)
class _Failure:
    traceback: str


@dataclass
class Batch:
    """A batch in the workers: its chunks' keys, in order, and the documents of each."""

    keys: list[int]
    docs: list[list[Document]]
    #: The main languages of its documents, once counted.
    languages: set[str | None] = field(default_factory=set)
    #: The number of its first chunk's word counts among the parts sent to the workers.
    first_part: int = 0


class Workers:
    """Forked worker processes that preprocess and prepare the chunks of batches."""

    def __init__(
        self,
        n: int,
        vocabulary: Counter[str],
        settings: Settings,
        languages: set[str | None] | None = None,
    ) -> None:
        """``languages``: the main languages of the documents indexed before (see
        :meth:`prepare`)."""
        warm_up()  # load the language model once, so that every fork has it
        warm_tables(vocabulary)  # and, for non-ASCII text, the tables that cut it
        # What this process holds now (modules, the language model, the vocabulary) lives as long
        # as the workers: out of the collector's sight until :meth:`close`, neither process
        # walks it again at each full collection (three in an add of 3,000 documents, a third of
        # the main process's collecting), and the workers do not copy the pages it touches.
        gc.freeze()
        self.thresholds = quiet_collector()  # in this process, until :meth:`close`
        context = multiprocessing.get_context("fork")
        self.answers: Any = context.Queue()
        self.tasks: list[Any] = [context.Queue() for _ in range(n)]
        self.processes = [
            context.Process(
                target=_serve,
                args=(q, self.answers, vocabulary, settings, os.getpid(), i == 0),
                daemon=True,
            )
            for i, q in enumerate(self.tasks)
        ]
        for p in self.processes:
            p.start()
        self.settings = settings
        self.languages: set[str | None] = set(languages or ())
        self.next_key = 0
        self.parts_sent = 0  # chunks' word counts sent to the workers so far
        self.unfolded = 0  # counts (words of parts) sent since the first worker was last asked to fold
        self.owner: dict[int, int] = {}  # chunk key -> worker
        self.arrived: dict[int, Any] = {}  # answers read while waiting for another

    def preprocess(self, docs: Sequence[Document]) -> Batch:
        """Start preprocessing ``docs``, in chunks spread over the workers."""
        n = len(self.tasks)
        size = max(1, -(-len(docs) // (n * CHUNKS_PER_WORKER)))
        batch = Batch([], [])
        for c, start in enumerate(range(0, len(docs), size)):
            key, self.next_key = self.next_key, self.next_key + 1
            chunk = list(docs[start : start + size])
            self.owner[key] = c % n
            self.tasks[c % n].put(("preprocess", key, chunk))
            batch.keys.append(key)
            batch.docs.append(chunk)
        return batch

    def count(self, batch: Batch) -> list[WordCounts]:
        """Wait for the batch's preprocessing; its word counts, chunk by chunk in order, now
        also known to every worker.

        The chunks' counts are not merged here: each worker adds them to its vocabulary one
        after another (the same sums, the same order of words as adding their total), and
        the index keeps them as they are (:meth:`~variorum.store.index.Index.add_word_counts`).
        """
        parts: list[WordCounts] = []
        for key in batch.keys:
            counts, languages = self._answer(key)
            parts.append(counts)
            batch.languages |= languages
        # Pickled once for every worker (the queues would pickle it once each).
        payload = pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
        for q in self.tasks:
            q.put(("words", -1, payload))
        batch.first_part, self.parts_sent = self.parts_sent, self.parts_sent + len(parts)
        self.unfolded += sum(len(p) for p in parts)
        return parts

    def fold_due(self) -> bool:
        """Whether enough word counts were sent since the last :meth:`fold_words` that the
        first worker should be asked for their sum now (:data:`FOLD_AT_WORDS`)."""
        return self.unfolded >= FOLD_AT_WORDS

    def has_answer(self, key: int) -> bool:
        """Whether the answer to ``key`` has come, without waiting."""
        self._drain()
        return key in self.arrived

    def fold_words(self) -> int:
        """Ask the first worker for the sum of the word counts it was sent (since it was last
        asked, or since it last dropped them); :meth:`folded` waits for it.

        Adding up every chunk's counts of an ``add`` is a Python step a word (a tenth of a
        second for 3,000 documents of invented vocabulary): that worker keeps their sum as they
        come (:class:`_WorkerWords`) and, asked once the last batch is counted, puts it in key
        order while this process commits the last batches."""
        key, self.next_key = self.next_key, self.next_key + 1
        self.owner[key] = 0
        self.tasks[0].put(("fold", key, None))
        self.unfolded = 0
        return key

    def folded(self, key: int) -> CountsSum:
        """The answer to :meth:`fold_words`."""
        value: CountsSum = self._answer(key)
        del self.owner[key]
        return value

    def prepare(self, batch: Batch) -> None:
        """Start preparing a counted batch (with the vocabulary as of its :meth:`count`).

        Once the documents counted so far (and those indexed before) are in more than one main
        language, the translation pass will read every document's anchors after the last
        batch (:func:`variorum.pipeline.refresh`): the workers read them now, with the rest
        (:func:`anchor_profile`). Documents prepared before that read theirs then, as before.
        """
        self.languages |= batch.languages
        profiles = self.settings.translations and len(self.languages - {None}) > 1
        for key in batch.keys:
            self.tasks[self.owner[key]].put(("prepare", key, profiles))

    def prepared(self, batch: Batch) -> list[tuple[Prepared, Packed]]:
        """Wait for a batch's prepared documents, in order.

        Their tokens stay packed (``tokens`` is None) until :func:`with_tokens` unpacks them:
        storing a document needs only the packed form, and only the documents that have a
        candidate pair are aligned (a fifth of them on the benchmark corpora).
        """
        out: list[tuple[Prepared, Packed]] = []
        for key, docs in zip(batch.keys, batch.docs, strict=True):
            out.extend(self._answer(key).prepared(docs))
            del self.owner[key]
        return out

    def align(
        self, docs: Mapping[int, Any], pairs: Sequence[tuple[int, int]]
    ) -> Iterator[list[tuple[int, int, Aligned]]]:
        """:func:`~variorum.align.passages.align_batch` of ``pairs`` in the workers, in chunks
        of consecutive pairs; yields each chunk's results in the order of ``pairs``.

        ``docs`` holds ``(hashes, grams, body)`` of every document of the pairs; each worker is
        sent all of them once. The chunks are handed out as workers finish theirs, so a worker
        that drew the costly pairs of a long page does not hold up the others; while every
        worker holds two and the next result is not in, this process aligns the next chunk
        itself (the workers may still be preparing the next batch, queued before).
        """
        if not pairs:
            return
        n = len(self.tasks)
        size = max(1, -(-len(pairs) // (n * ALIGN_CHUNKS_PER_WORKER)))
        chunks = [pairs[k : k + size] for k in range(0, len(pairs), size)]
        for q in self.tasks:
            q.put(("documents", -1, dict(docs)))
        keys: list[int] = []
        held: list[set[int]] = [set() for _ in range(n)]  # chunk keys sent to each worker

        def hand_out() -> None:
            for w in range(n):
                held[w] = {k for k in held[w] if k not in self.arrived}
                while len(held[w]) < _ALIGN_AHEAD and len(keys) < len(chunks):
                    key, self.next_key = self.next_key, self.next_key + 1
                    self.owner[key] = w
                    self.tasks[w].put(("align", key, chunks[len(keys)]))
                    keys.append(key)
                    held[w].add(key)

        tables: dict[int, Any] = {}  # for the chunks aligned in this process
        hand_out()
        for c in range(len(chunks)):
            while keys[c] not in self.arrived:
                self._drain()
                hand_out()
                if keys[c] in self.arrived:
                    break
                if len(keys) < len(chunks):
                    # Every worker holds its share (or is still preparing the next batch): align
                    # the next chunk here rather than wait.
                    key, self.next_key = self.next_key, self.next_key + 1
                    self.owner[key] = -1
                    keys.append(key)
                    self.arrived[key] = align_batch(docs, chunks[len(keys) - 1], self.settings, tables)
                else:
                    self._receive()
            yield self._answer(keys[c])
            del self.owner[keys[c]]
        # The arrays are not needed any more. (After a failure, the workers are killed.)
        for q in self.tasks:
            q.put(("documents", -1, {}))

    def ready(self, batch: Batch) -> bool:
        """Whether every chunk of ``batch`` has been answered, without waiting."""
        self._drain()
        return all(key in self.arrived for key in batch.keys)

    def _drain(self) -> None:
        while True:
            try:
                key, value = self.answers.get_nowait()
            except queue.Empty:
                return
            self.arrived[key] = value

    def _receive(self) -> None:
        """Wait for one answer, any, and keep it in :attr:`arrived`."""
        while True:
            try:
                got, value = self.answers.get(timeout=_POLL)
            except queue.Empty:
                dead = [p for p in self.processes if not p.is_alive()]
                if dead:
                    raise WorkerError(
                        f"a worker process died (exit code {dead[0].exitcode}; out of memory?): the batches "
                        "committed before are kept; run again with VARIORUM_WORKERS=1 or a smaller "
                        "VARIORUM_BATCH_SIZE"
                    ) from None
                continue
            self.arrived[got] = value
            return

    def _answer(self, key: int) -> Any:
        while key not in self.arrived:
            self._receive()
        value = self.arrived.pop(key)
        if isinstance(value, _Failure):
            raise WorkerError(f"a worker process failed:\n{value.traceback}")
        return value

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers: let them finish their loop, or with ``abort`` (an interruption, an
        error) kill them at once; either way, none is left running."""
        if abort:
            for p in self.processes:
                p.kill()
        else:
            for q in self.tasks:
                q.put(None)
        for p in self.processes:
            p.join(timeout=1 if abort else 5)
            if p.is_alive():
                p.kill()
                p.join(timeout=1)
        for q in [*self.tasks, self.answers]:
            q.close()
            q.cancel_join_thread()
        gc.unfreeze()
        gc.set_threshold(*self.thresholds)


__all__ = [
    "Batch",
    "CombinedVocabulary",
    "PreparedChunk",
    "SegmentRows",
    "Workers",
    "anchor_profile",
    "anchor_profiles",
    "with_tokens",
]
