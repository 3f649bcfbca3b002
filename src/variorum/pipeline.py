"""The verbs that the CLI, the web app and notebooks call: add, families, passages, compare, query.

Each verb takes an open :class:`~variorum.store.index.Index` (where it needs one), documents
already read by :mod:`variorum.ingest`, and a :class:`~variorum.config.Settings`; it returns
plain, JSON-ready data and reports progress through an optional callback, never by printing.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import signal
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from variorum.align.passages import PairResult, align_batch, compare_prepared, quote, seed_table
from variorum.config import Settings
from variorum.errors import Interrupted, UsageError, WorkerError
from variorum.group.relations import KINDS, Relation
from variorum.model import Document, Passage, Skip, content_id
from variorum.prepare import Prepared, prepare, prepare_many, preprocess_many
from variorum.text.normalize import count_vocabulary, raw_tokens

if TYPE_CHECKING:  # imported where used, so that a command loads only what it runs
    import numpy as np

    from variorum.align.evidence import PairEvidence
    from variorum.align.quotable import Quotable
    from variorum.align.seeding import SeedTable
    from variorum.collate import Collation
    from variorum.crosslang.stored import PackedProfile
    from variorum.store.codec import Packed
    from variorum.store.index import Index
    from variorum.store.wordcounts import CountsSum, WordCounts
    from variorum.workers import Batch, Workers

#: ``progress(stage, advance)``: called as work is done, e.g. ``("documents", 1)``.
Progress = Callable[[str, int], None]


def _noop(stage: str, advance: int) -> None:
    return None


@dataclass
class AddReport:
    """What one ``add`` did."""

    added: int = 0
    duplicates: int = 0
    skipped: list[Skip] = field(default_factory=list)
    pairs: int = 0
    passages: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "pairs": self.pairs,
            "passages": self.passages,
            "seconds": round(self.seconds, 3),
        }


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def add(
    index: Index,
    documents: Iterable[Document],
    settings: Settings,
    *,
    skipped: list[Skip] | None = None,
    progress: Progress = _noop,
) -> AddReport:
    """Index new documents and align each against everything already indexed.

    Only new content is prepared and aligned (the same text twice is one document). Every batch
    is one transaction, so an interruption keeps all batches before it. While one batch is
    aligned and written, worker processes already prepare the next one and preprocess the one
    after (:mod:`variorum.workers`). Families and boilerplate are refreshed at the end
    (:func:`refresh`). ``skipped`` collects inputs the reader skipped, so they are recorded in
    the index with their reasons.
    """
    from variorum.workers import Workers

    index.settings_check(settings)
    report = AddReport()
    started = time.perf_counter()
    state = _AddState(index, settings, report, progress)
    workers: Workers | None = None
    # Batches in flight, oldest last: being preprocessed, then being prepared.
    preprocessing: _InFlight | None = None
    preparing: _InFlight | None = None
    aborted = False
    try:
        for batch in _batches(documents, settings.batch_size):
            fresh = state.fresh(batch)
            if not fresh:
                continue
            if workers is None and settings.workers > 1 and len(fresh) >= _POOL_THRESHOLD:
                languages = index.main_languages() if settings.translations else None
                workers = state.workers = Workers(settings.workers, state.vocab, settings, languages)
            if workers is None:
                state.commit_here(fresh)
                continue
            # The new batch is queued before waiting for the last one's word counts, so that a
            # worker that finishes its share of a batch first goes on with the next instead of
            # waiting for the other (its tasks run in order, and preprocessing needs no words).
            queued = _InFlight.start(fresh, workers)
            if preprocessing is not None:
                preprocessing = preprocessing.to_prepare(workers)
                if workers.fold_due():
                    state.folds.append(workers.fold_words())
            ready, preparing, preprocessing = preparing, preprocessing, queued
            if ready is not None:
                state.workers_ahead = ready.done(workers)
                state.commit(*ready.results(workers))
        if workers is not None:
            if preprocessing is not None:
                preprocessing = preprocessing.to_prepare(workers)
            fold = workers.fold_words()  # every batch is counted: a worker adds up their words
            # Nothing is left for the workers to prepare: the last batches' pairs are theirs to
            # align (the first adds up the words meanwhile; chunks neither takes up are aligned
            # here all the same), instead of this process aligning them alone on one core.
            state.workers_ahead = True
            for flight in (preparing, preprocessing):
                if flight is not None:
                    state.commit(*flight.results(workers))
            preparing = preprocessing = None
            # (If a worker failed now, every batch is committed: refresh adds up their words.)
            with contextlib.suppress(WorkerError):
                state.answered += [workers.folded(key) for key in state.folds]
                state.folds = []
                for total in state.answered:
                    state.summed(total)
                state.answered = []
                state.summed(workers.folded(fold))
    except KeyboardInterrupt as interrupt:
        # Ctrl-C: stop now (the workers are killed below); the batches committed are kept.
        aborted = True
        if isinstance(interrupt, Interrupted):
            raise
        state.count_cut_short()
        raise Interrupted(report.added) from interrupt
    except BaseException:
        aborted = True
        # A failure while reading the next batch: keep the batch already prepared, if it is.
        # (A batch whose own commit failed is not in flight any more and is not retried.)
        if workers is not None and preparing is not None and preparing.done(workers):
            state.commit(*preparing.results(workers))
        raise
    finally:
        if workers is not None:
            try:
                workers.close(abort=aborted)
            except KeyboardInterrupt as interrupt:  # Ctrl-C while the workers finish their loop
                workers.close(abort=True)
                raise Interrupted(report.added) from interrupt
    try:
        if skipped:
            with index.transaction():
                for s in skipped:
                    index.record_skip(s)
            report.skipped = list(skipped) + report.skipped
        refresh(index, settings, vocabulary_sums=state.sums)
    except KeyboardInterrupt as interrupt:  # every batch is committed; the families stay stale
        if isinstance(interrupt, Interrupted):
            raise
        raise Interrupted(report.added) from interrupt
    report.seconds = time.perf_counter() - started
    return report


# Below this many new documents in a batch, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 64
#: Candidate pairs per document of a batch from which its pairs are aligned in the worker
#: processes rather than here. Sending them the batch's arrays costs about what aligning a few
#: short pairs does: on Debian's manual pages (~47 candidate pairs a page) the workers cut the
#: wall time of adding 1,000 pages by a quarter, while on the generated corpora of
#: ``benchmarks/`` (~0.4 pairs a document) they made ``add`` slower.
ALIGN_IN_WORKERS_PER_DOCUMENT = 1.0
#: Documents ``add`` keeps for aligning the pairs of later batches (:class:`_AddState`): about
#: 14 KiB each for 500 words (hashes, n-grams, offsets packed, the text), some 60 MiB in all.
#: This run's documents are kept as they are committed, the oldest dropped first.
CACHED_DOCUMENTS = 4096
#: Pairs whose documents are gathered at once (:meth:`_AddState._sides`), which bounds how many
#: documents read from the index are held at a time.
_PAIRS_AT_ONCE = 2048
#: The share of :data:`ALIGN_IN_WORKERS_PER_DOCUMENT` that is enough while the workers are ahead
#: (the batch was prepared before this process asked for it): they would wait for this process
#: anyway, and a chunk of pairs they have not taken up yet is aligned here all the same
#: (:meth:`~variorum.workers.Workers.align`). On 300,000 generated documents this process set the
#: pace (561 s of wall time for 922 s of CPU in all processes), and by the last batches of
#: 30,000 the pairs it aligned were a third of its CPU (0.6 of 1.8 ms a document).
ALIGN_IN_WORKERS_AHEAD = 0.05


# A batch ready to commit: its (document, content hash)s, prepared forms, word counts and the
# number of its first part of word counts among those sent to the workers.
_Ready = tuple[
    list[tuple[Document, str]], "list[tuple[Prepared, Packed | None]]", "list[WordCounts]", int | None
]


@dataclass
class _InFlight:
    """A batch in the workers: its documents and, once counted, its word counts."""

    fresh: list[tuple[Document, str]]
    batch: Batch
    words: list[WordCounts] | None = None

    @classmethod
    def start(cls, fresh: list[tuple[Document, str]], workers: Workers) -> _InFlight:
        return cls(fresh, workers.preprocess([d for d, _ in fresh]))

    def to_prepare(self, workers: Workers) -> _InFlight:
        """Wait for the preprocessing, count the batch's words, and start preparing it.

        The main process's vocabulary is not updated: once workers run, every batch goes to
        them, and each keeps its own copy (merging a batch's counts again here cost a fifth of
        a millisecond per document on vocabularies outside English)."""
        words = workers.count(self.batch)
        workers.prepare(self.batch)
        return _InFlight(self.fresh, self.batch, words)

    def done(self, workers: Workers) -> bool:
        return self.words is not None and workers.ready(self.batch)

    def results(self, workers: Workers) -> _Ready:
        assert self.words is not None
        return self.fresh, list(workers.prepared(self.batch)), self.words, self.batch.first_part


class _AddState:
    """What one ``add`` carries from batch to batch: the vocabulary, seen contents, a cache."""

    def __init__(self, index: Index, settings: Settings, report: AddReport, progress: Progress) -> None:
        self.index, self.settings, self.report, self.progress = index, settings, report, progress
        self.vocab: Counter[str] = index.vocabulary()
        # This run's documents, and those read from the index, as pairs are aligned with them.
        self.cache: OrderedDict[int, Quotable] = OrderedDict()
        self.stored: list[tuple[int, int, tuple[Passage, ...], tuple[float, ...], int, PairEvidence]] = []
        self.seen: set[str] = set()
        self.ids: set[str] = set()  # ids of the documents of this run that are in flight or added
        self.workers: Workers | None = None  # once started, they also align the batches' pairs
        # The row of vocabulary_batches of each part of word counts sent to the workers, by
        # number, and the sums of parts a worker worked out, as refresh folds them.
        self.part_rows: dict[int, int] = {}
        self.sums: list[tuple[str, list[int]]] = []
        # Sums of word counts asked of the first worker during the add (:meth:`Workers.fold_words`
        # keys), oldest first, and those answered whose parts are not all committed yet.
        self.folds: list[int] = []
        self.answered: list[CountsSum] = []
        #: Whether the workers had the batch being committed ready before it was asked for.
        self.workers_ahead = False
        #: The numbers of the batch being committed, until it is counted in ``report.added``.
        self.committing: list[int] = []

    def fresh(self, batch: list[Document]) -> list[tuple[Document, str]]:
        """The documents of ``batch`` not indexed yet, with their content hashes."""
        index, report = self.index, self.report
        hashes = [content_id(d.text) for d in batch]
        known, taken = index.known_contents(hashes), index.known_ids(d.id for d in batch)
        fresh: list[tuple[Document, str]] = []
        for d, h in zip(batch, hashes, strict=True):
            if h in known or h in self.seen:
                report.duplicates += 1
                self.progress("documents", 1)
                continue
            if d.id in self.ids or d.id in taken:
                skip = self._skip_id(d)
                with index.transaction():
                    index.record_skip(skip)
                self.progress("documents", 1)
                continue
            self.seen.add(h)
            self.ids.add(d.id)
            fresh.append((d, h))
        return fresh

    def _skip_id(self, d: Document) -> Skip:
        """A document whose id another text already has: a named skip, never a rollback."""
        skip = Skip(d.path or d.id, f"id {d.id!r} is already used by another text")
        self.report.skipped.append(skip)
        return skip

    def commit_here(self, fresh: list[tuple[Document, str]]) -> None:
        """Preprocess, prepare and commit one batch in this process."""
        pre = preprocess_many([d.text for d, _ in fresh])
        words = count_vocabulary(raw for raw, _, _ in pre)
        self.vocab.update(words)
        preps = [(p, None) for p in prepare_many([d for d, _ in fresh], self.vocab, self.settings, pre)]
        from variorum.store.wordcounts import WordCounts

        self.commit(fresh, preps, [WordCounts.of(words)])

    def commit(
        self,
        fresh: list[tuple[Document, str]],
        preps: list[tuple[Prepared, Packed | None]],
        words: list[WordCounts],
        first_part: int | None = None,
    ) -> None:
        """Insert and align one prepared batch in one transaction (``words``: the batch's word
        counts, in parts; ``first_part``: the number of the first among the parts sent to the
        workers)."""

        index, settings, report = self.index, self.settings, self.report
        with index.transaction():
            # Checked again inside the transaction: another process may have added the same text
            # (or taken the id) since :meth:`fresh` looked, and BEGIN IMMEDIATE now keeps it out.
            known = index.known_contents(h for _, h in fresh)
            taken = index.known_ids(d.id for d, _ in fresh)  # ids within a run are distinct (fresh)
            new: list[tuple[Prepared, str, Packed | None]] = []
            for (p, packed), (d, h) in zip(preps, fresh, strict=True):
                if h in known:
                    report.duplicates += 1
                elif d.id in taken:
                    index.record_skip(self._skip_id(d))
                else:
                    new.append((p, h, packed))
            nums = index.insert_many(new)
            self.committing = nums
            _keep_profiles(
                index, [(n, k.profile) for n, (_, _, k) in zip(nums, new, strict=True) if k and k.profile]
            )
            local = {num: p for num, (p, _, _) in zip(nums, new, strict=True)}
            # tokens unpacked only for aligned documents
            packs = {num: packed for num, (_, _, packed) in zip(nums, new, strict=True)}
            rows = index.add_word_counts(words)
            if first_part is not None:
                self.part_rows.update(enumerate(rows, first_part))
                self._fold_answered()
            fps = {n: p.fp_hashes for n, p in local.items()}
            found = index.candidates(fps, settings.max_df, settings.min_shared)
            pairs = sorted({(min(x, y), max(x, y)) for x, others in found.items() for y in others})
            share = ALIGN_IN_WORKERS_AHEAD if self.workers_ahead else 1
            per_document = ALIGN_IN_WORKERS_PER_DOCUMENT * share
            if self.workers is not None and len(pairs) >= per_document * len(local):
                self._align_in_workers(self.workers, pairs, local, packs)
            else:
                self._align_here(pairs, local, packs)
        report.added += len(local)
        self.committing = []
        self._keep_batch(local, packs)  # committed: their numbers are theirs
        self.progress("documents", len(fresh))

    def count_cut_short(self) -> None:
        """Count the batch whose commit an interrupt cut short after its ``COMMIT``, before
        :meth:`commit` counted it (``interrupted: N documents kept`` must say what the index
        holds). Whether it committed is read from the index: the rows are there or not. An
        index that cannot be read then (a full disk, a lost file) leaves the count as it was,
        so that the interrupt still ends in its one line, not a traceback."""
        import sqlite3  # here: the commands that import this module without adding never need it

        nums, self.committing = self.committing, []
        with contextlib.suppress(sqlite3.Error):
            if nums and self.index.committed(nums[0]):
                self.report.added += len(nums)

    def _fold_answered(self) -> None:
        """Fold into the index's vocabulary, inside the commit, the sums the first worker has
        answered (without waiting for one) whose parts are all committed now."""
        workers = self.workers
        while workers is not None and self.folds and workers.has_answer(self.folds[0]):
            self.answered.append(workers.folded(self.folds.pop(0)))
        kept = []
        for total in self.answered:
            rows = [self.part_rows.get(n) for n in range(total.first, total.end)]
            if None in rows:
                kept.append(total)
            else:  # (not folded only if the index folded those rows itself)
                self.index.fold_sums([(total.total, rows)])  # type: ignore[list-item]
        self.answered = kept

    def summed(self, total: CountsSum) -> None:
        """Keep a worker's sum of parts of word counts for :func:`refresh`, if every part it
        covers was committed (otherwise :meth:`Index.fold_vocabulary` adds them up itself)."""
        rows = [self.part_rows.get(n) for n in range(total.first, total.end)]
        if rows and None not in rows:
            self.sums.append((total.total, rows))  # type: ignore[arg-type]

    def _sides(
        self,
        pairs: Sequence[tuple[int, int]],
        local: dict[int, Prepared],
        packs: dict[int, Packed | None],
    ) -> dict[int, Quotable]:
        """Every document of ``pairs`` as aligning and quoting read it
        (:class:`~variorum.align.quotable.Quotable`): this batch's as prepared, the earlier ones
        of this run from :attr:`cache`, the others read from the index (all at once)."""
        from variorum.align.quotable import Quotable, rebuilt

        sides: dict[int, Quotable] = {}
        missing: list[int] = []
        cache = self.cache
        for pair in pairs:
            for n in pair:
                if n in sides:
                    continue
                if n in local:
                    sides[n] = Quotable.of(local[n], packs[n])
                elif (kept := cache.get(n)) is not None:
                    sides[n] = kept
                else:
                    sides[n] = None  # type: ignore[assignment]  # read below, in this order
                    missing.append(n)
        if missing:
            settings = self.settings
            for num, doc, norms, starts, ends, body in self.index.aligning_rows(missing):
                sides[num] = self._keep(num, rebuilt(doc, norms, starts, ends, body, settings))
        return sides

    def _keep(self, num: int, side: Quotable) -> Quotable:
        """Keep ``side`` in :attr:`cache`, the oldest kept dropped beyond :data:`CACHED_DOCUMENTS`."""
        cache = self.cache
        cache[num] = side
        while len(cache) > CACHED_DOCUMENTS:
            cache.popitem(last=False)
        return side

    def _keep_batch(self, local: dict[int, Prepared], packs: dict[int, Packed | None]) -> None:
        """Keep this batch's documents for the pairs of the batches after it, which would
        otherwise read them back from the index (their offsets packed: a worker packed them)."""
        from variorum.align.quotable import Quotable

        for num, p in local.items():
            self._keep(num, Quotable.of(p, packs[num]).packed())

    def _store(self, x: int, y: int, result: PairResult) -> None:
        covs = (result.a_coverage, result.b_coverage, result.a_body, result.b_body)
        self.stored.append((x, y, result.passages, covs, result.shared_words, result.evidence))
        self.report.pairs += 1
        self.report.passages += len(result.passages)

    def _flush(self) -> None:
        """Write the pairs :meth:`_store` collected, in the order they came."""
        if self.stored:
            self.index.insert_pairs(self.stored)
            self.stored = []

    def _align_here(
        self, pairs: list[tuple[int, int]], local: dict[int, Prepared], packs: dict[int, Packed | None]
    ) -> None:
        """Align and store a batch's candidate pairs in this process.

        The pairs of one document are aligned together (:func:`~variorum.align.passages.align_batch`,
        each document's seed table made once), which on real manual pages (~47 pairs a page)
        costs half of aligning them one by one; the documents are gathered a few thousand pairs
        at a time."""
        settings, self.stored = self.settings, []
        tables: dict[int, SeedTable] = {}  # the batch's documents', kept from part to part
        for start in range(0, len(pairs), _PAIRS_AT_ONCE):
            part = pairs[start : start + _PAIRS_AT_ONCE]
            sides = self._sides(part, local, packs)
            docs, jobs = self._jobs(part, sides)
            for x, y, aligned in align_batch(docs, jobs, settings, tables):
                self._store(x, y, quote(sides[x], sides[y], aligned))
        self._flush()

    def _jobs(
        self, pairs: list[tuple[int, int]], sides: dict[int, Quotable]
    ) -> tuple[dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]], list[tuple[int, int]]]:
        """The pairs to align (without those of one series, where ``ignore_series`` says so) and
        what aligning reads of their documents: ``(hashes, grams, body)``."""
        ignore_series = self.settings.ignore_series
        docs: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        jobs: list[tuple[int, int]] = []
        for x, y in pairs:
            px, py = sides[x], sides[y]
            if ignore_series and px.doc.series and px.doc.series == py.doc.series:
                continue
            for n, p in ((x, px), (y, py)):
                if n not in docs:
                    docs[n] = (p.hashes, p.grams, p.body)
            jobs.append((x, y))
        return docs, jobs

    def _align_in_workers(
        self,
        workers: Workers,
        pairs: list[tuple[int, int]],
        local: dict[int, Prepared],
        packs: dict[int, Packed | None],
    ) -> None:
        """What :meth:`_align_here` does, with the alignment itself in the worker processes.

        The workers get each document's token and n-gram hashes and body mask, and answer with
        token ranges and figures (:class:`~variorum.align.passages.Aligned`); the passages are
        quoted and stored here, in the order of ``pairs``, so the index is the same row for row.
        """
        self.stored = []
        sides = self._sides(pairs, local, packs)
        docs, jobs = self._jobs(pairs, sides)
        for chunk in workers.align(docs, jobs):
            for x, y, aligned in chunk:
                self._store(x, y, quote(sides[x], sides[y], aligned))
        self._flush()


def _keep_profiles(index: Index, profiles: list[tuple[int, PackedProfile]]) -> None:
    """Keep the anchor profiles the workers made (:func:`variorum.workers.anchor_profile`), as
    :func:`_translations` keeps those it makes: with the kept ones dropped first if they were
    made for other settings."""
    if not profiles:
        return
    from variorum.config import CrossLangSettings
    from variorum.crosslang import stored

    key = stored.cache_key(CrossLangSettings())
    if not index.anchor_cache_current(key):
        index.reset_anchor_cache(key)
    index.keep_anchor_profiles(profiles)


def refresh(
    index: Index, settings: Settings, *, vocabulary_sums: Iterable[tuple[str, list[int]]] = ()
) -> None:
    """Recompute relations, families and boilerplate flags from the stored alignments (one
    transaction): :func:`relate` does the work, the index stores it. The word counts of the
    batches added are folded into the vocabulary in the same transaction (``vocabulary_sums``:
    sums of some of them already worked out, see :meth:`Index.fold_vocabulary`)."""
    with _collecting_rarely(), index.transaction():
        index.fold_vocabulary(vocabulary_sums)
        typed, family_of, flagged = _derive(index, settings, keep=True)
        index.set_relations(typed)
        index.set_families(family_of)
        index.set_boilerplate(flagged)


#: The first-generation collection threshold while :func:`refresh` runs (Python's is 700).
#: Relations, families and boilerplate make many small containers that live until the end of
#: the refresh, and each young collection walked them again: after an ``add`` of 20,000
#: documents of the four-script corpus, collecting was a quarter of the refresh's CPU
#: (0.23 of 0.96 s), alone on one core while the other idled.
REFRESH_GC_THRESHOLD = 100_000


@contextlib.contextmanager
def _collecting_rarely() -> Iterator[None]:
    """Young objects collected :data:`REFRESH_GC_THRESHOLD` allocations apart, until the end
    of the block (cycles are still collected, only later)."""
    before = gc.get_threshold()
    gc.set_threshold(REFRESH_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _derive(
    index: Index, settings: Settings, *, keep: bool = False
) -> tuple[list[Relation], dict[int, str], list[int]]:
    """Relations, families and boilerplate passage ids, computed from the stored alignments
    (``keep``: inside a write transaction, where the translation pass keeps what it computed).

    Translations (:mod:`variorum.crosslang`) are version relations: a family holds the versions
    of a text in every language (each document carries its languages), and ``collate`` collates
    one language's versions word by word and lists the translations. A pair that shares passages
    (a statement under a cover note in another language) keeps its passage relation.
    """
    from variorum.group.relate import formulas, relate

    ids = index.document_ids()
    facts = index.pair_facts()
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], min(r[7], r[8])) for r in index.passage_rows()]
    formula = _Apart.start(keep and len(rows) >= FORMULAS_APART_FROM, formulas, facts, rows, settings)
    try:
        translations: list[Relation] = []
        # Translations need two languages: a corpus in one language is spared reading every document.
        if settings.translations and len(index.main_languages() - {None}) > 1:
            aligned = {(f.a, f.b) for f in facts}
            translations = [
                r
                for r in _translations(index, ids, keep=keep, apart=settings.workers > 1)
                if (r.a, r.b) not in aligned
            ]
        typed, family_of, flagged = relate(
            ids, facts, rows, settings, extra=translations, formula=formula and formula.result
        )
    finally:
        if formula is not None:
            formula.close()
    return list(typed), dict(family_of), list(flagged)


#: Passages from which :func:`refresh` finds the formula passages (:func:`~variorum.group.relate.formulas`)
#: in a second process, on the core the worker processes leave idle once an ``add`` has ended,
#: while this one works out translations, relations and families: on 20,000 generated documents
#: (20,000 passages) they were a fifth of the time of ``refresh``, which nothing else overlaps.
#: Below, forking costs about what it saves.
FORMULAS_APART_FROM = 5000


def _only_daemons_besides() -> bool:
    """Whether every thread but this one is a daemon thread.

    A forked child holds only the thread that forked, and a lock another thread held at that
    moment stays held in the child forever. The daemon threads seen here are helpers that hold
    only their own locks, which the child never takes: the progress bar's refresh thread (the
    CLI draws one throughout an ``add``, so that requiring no other thread at all kept every
    ``add`` from the command line from forking), a queue's feeder. A thread that is not a daemon
    may be anything (a caller's own work), and then nothing is forked."""
    me = threading.current_thread()
    return all(t.daemon for t in threading.enumerate() if t is not me)


class _Apart:
    """The value of ``fn(*args)`` worked out in a forked child process and read back through a
    pipe (pickled). Where a fork is impossible or unsafe (no ``os.fork``, another thread that is
    not a daemon running, which a child could find holding a lock: :func:`_only_daemons_besides`)
    or the child fails, it is computed here when asked for: the value is the same either way.
    The child runs ``fn`` on what this process holds, writes to its pipe and leaves by
    ``os._exit``: it takes no lock but the interpreter's own, which ``os.fork`` makes safe."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.fn, self.args = fn, args
        self.pid: int | None = None
        self.fd = -1

    @classmethod
    def start(cls, wanted: bool, fn: Callable[..., Any], *args: Any) -> _Apart | None:
        """Start ``fn(*args)`` in a child, if ``wanted`` (None if not)."""
        if not wanted:
            return None
        apart = cls(fn, args)
        if hasattr(os, "fork") and _only_daemons_besides():
            apart._fork()
        return apart

    def _fork(self) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, send, and leave without running any cleanup
            status = 1
            try:
                os.close(read)
                data = pickle.dumps(self.fn(*self.args), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self.pid, self.fd = pid, read

    def result(self) -> Any:
        """The value: the child's, once it has sent it, or computed here."""
        if self.pid is None:
            return self.fn(*self.args)
        with os.fdopen(self.fd, "rb") as src:
            self.fd = -1
            data = src.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0 or not data:
            return self.fn(*self.args)
        return pickle.loads(data)

    def close(self) -> None:
        """Stop and reap a child whose value was not read (an exception on the way)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None


def _translations(
    index: Index, ids: Mapping[int, str], *, keep: bool = False, apart: bool = False
) -> list[Relation]:
    """Translation relations among the indexed documents (:mod:`variorum.crosslang`).

    What depends on one document or one pair (anchor profiles, chains of anchors in order, the
    evidence of a pair found) is read from the index where it was kept, and computed only for
    what is new: the documents added since, and the pairs they form. With ``keep`` (inside
    ``refresh``'s transaction) the new is kept in turn; without, nothing is written (a read).
    The rarity weights and the candidates are worked out again over every kept profile, so the
    relations are those of one pass over the whole corpus (:mod:`variorum.crosslang.stored`).
    With ``apart``, the chains and evidence of new pairs are worked out in two processes
    (:func:`_halves_apart`).
    """
    from variorum.config import CrossLangSettings
    from variorum.crosslang import stored
    from variorum.crosslang.detect import chains_here
    from variorum.crosslang.relate import evaluate_here, profiles_of, translation_relations

    key = stored.cache_key(CrossLangSettings())
    current = index.anchor_cache_current(key)
    if keep and not current:
        index.reset_anchor_cache(key)
        current = True
    packed = index.anchor_profiles() if current else {}
    profiles = stored.unpack_profiles((num, ids[num], p) for num, p in packed.items() if num in ids)
    missing = [num for num in ids if num not in profiles]
    if missing:
        # Profiles without their texts: only the pairs found quote text, and a corpus's texts
        # need not all be held at once.
        made = profiles_of(index.profile_rows(missing), keep_text=False)
        profiles.update(made)
        if keep:
            index.keep_anchor_profiles((num, stored.pack_profile(p)) for num, p in sorted(made.items()))
    num_of = {doc_id: num for num, doc_id in ids.items()}
    kept = index.anchor_chains() if current else {}
    chains = {(ids[a], ids[b]): stored.unpack_chain(c) for (a, b), c in kept.items() if a in ids and b in ids}
    old_chains = set(chains)
    evidences = _KeptEvidence(index if current else None)
    found = translation_relations(
        profiles,
        _Dates(index),
        texts=lambda num: index.document(num).text,
        chains=chains,
        evidences=evidences,
        **(
            {
                "evaluate": functools.partial(_halves_apart, evaluate_here),
                "chain_many": functools.partial(_halves_apart, chains_here),
            }
            if apart
            else {}
        ),
    )
    if keep:
        index.keep_anchor_chains(
            (num_of[x], num_of[y], stored.pack_chain(c))
            for (x, y), c in chains.items()
            if (x, y) not in old_chains
        )
        index.keep_translation_evidence((a, b, ev) for (a, b), ev in evidences.items())
    return found


#: Jobs from which :func:`_halves_apart` forks a second process: below, the fork (a few
#: milliseconds for a large process) costs about what it saves.
APART_FROM = 16


def _halves_apart(
    fn: Callable[[Sequence[Any], Any], list[Any]], jobs: Sequence[Any], settings: Any
) -> list[Any]:
    """``fn(jobs, settings)``, every other job worked out in a forked child (:class:`_Apart`)
    while this process works out the rest: the same values, in order. ``fn`` answers each job
    on its own (:func:`~variorum.crosslang.relate.evaluate_here`,
    :func:`~variorum.crosslang.detect.chains_here`).

    Once an ``add`` has ended, its worker processes have stopped and this one links the
    translations alone: on 1,000 manual pages in 27 languages, the chains of anchors of 8,800
    candidate pairs and the evidence of 1,965 pairs found were some 7 s of a 10 s ``refresh``,
    on one core of two. Alternate jobs go to each side, so that a run of long pages does not
    fall to one of them."""
    if len(jobs) < APART_FROM:
        return fn(jobs, settings)
    child = _Apart.start(True, fn, jobs[1::2], settings)
    assert child is not None  # wanted: started, or left to compute here
    try:
        mine = fn(jobs[0::2], settings)
        theirs = child.result()
    finally:
        child.close()
    out: list[Any] = [None] * len(jobs)
    out[0::2], out[1::2] = mine, theirs
    return out


class _Dates(dict[int, "str | None"]):
    """Documents' dates, read from the index as they are asked for: only the pairs found as
    translations read theirs, and reading every document's (a pass over every row of the
    largest table) was a twentieth of the ``refresh`` that ends an ``add`` of 20,000."""

    def __init__(self, index: Index) -> None:
        super().__init__()
        self.index = index

    def __bool__(self) -> bool:
        return True

    def __missing__(self, num: int) -> str | None:
        date = self[num] = self.index.date(num)
        return date

    def get(self, num: int, default: Any = None) -> Any:  # type: ignore[override]
        return self[num]


class _KeptEvidence(dict[tuple[int, int], dict[str, Any]]):
    """The evidence of translation pairs: those computed in this pass (the dict's items, to be
    kept), and, behind them, those the index kept (read one by one, as pairs are found)."""

    def __init__(self, index: Index | None) -> None:
        super().__init__()
        self.index = index

    def get(self, pair: tuple[int, int], default: Any = None) -> Any:  # type: ignore[override]
        if pair in self:
            return self[pair]
        got = self.index.translation_evidence(*pair) if self.index is not None else None
        return default if got is None else got


def ensure_fresh(index: Index, settings: Settings) -> None:
    """Make what ``index`` reads current, without writing.

    Relations, families and boilerplate flags are stored at the end of every ``add``; an ``add`` that was
    interrupted (or one committing right now, seen from another connection) leaves them stale.
    Then they are computed in memory and read in place of the stored ones (:meth:`Index.use_derived`)
    until the next ``add`` stores them: a read never writes, so it works on a read-only or full disk.
    """
    if not index.derived_current():
        typed, family_of, flagged = _derive(index, settings)
        index.use_derived(family_of, flagged, typed)


# -- reading the index ----------------------------------------------------------------------


def _doc_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "path": row["path"], "date": row["date"], "languages": row["languages"]}


def families(index: Index, settings: Settings, *, include_single: bool = False) -> list[dict[str, Any]]:
    """Families of versions, each with its documents in date order (undated last)."""
    ensure_fresh(index, settings)
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in index.doc_rows():
        groups.setdefault(row["family"], []).append(row)
    out = []
    for fid, rows in groups.items():
        if len(rows) < 2 and not include_single:
            continue
        rows.sort(key=lambda r: (r["date"] is None, r["date"] or "", r["id"]))
        out.append({"id": fid, "documents": [_doc_entry(r) for r in rows]})
    out.sort(key=lambda f: (-len(f["documents"]), f["documents"][0]["date"] or "", f["id"]))
    return out


def relations(
    index: Index, settings: Settings, *, doc_id: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Typed relations between indexed documents (all, or those of one document, seen from it).

    Each carries its kind, score and evidence, the two documents (id, path, date) and, seen
    from ``doc_id``, the document on the other side as ``b``. Sorted by kind (versions first),
    then score.
    """
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown relation kind {kind!r}: choose from {', '.join(KINDS)}")
    ensure_fresh(index, settings)
    num = index.num_of(doc_id) if doc_id else None
    rows = index.relations(num, kind)
    meta = {r["num"]: r for r in index.doc_rows_for({x for r in rows for x in (r.a, r.b)})}
    out = []
    own: tuple[list[tuple], list[tuple[int, int]]] | None = None  # passages and body of doc_id
    for r in rows:
        rel = r.as_dict()
        a, b = r.a, r.b
        if num is not None and b == num:
            a, b = b, a
            rel["a_coverage"], rel["b_coverage"] = rel["b_coverage"], rel["a_coverage"]
            rel["earlier"] = {"a": "b", "b": "a"}.get(rel["earlier"] or "")
            if r.kind == "translation":
                from variorum.crosslang.relate import flip_evidence

                rel["evidence"] = flip_evidence(rel["evidence"])
            else:
                rel["evidence"] = _flip_sides(rel["evidence"])
        out.append({"a": _rel_doc(meta[a]), "b": _rel_doc(meta[b]), **rel, "summary": ""})
        if num is not None and r.kind in ("copy", "revision", "excerpt"):
            if own is None:
                body = [(s.start, s.end) for s in index.segments(num) if s.role == "body"]
                own = index.passage_rows(num), body
            out[-1]["evidence"] = {**rel["evidence"], **_paragraph_changes(index, num, b, *own)}
        out[-1]["summary"] = relation_summary(out[-1])
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda x: (order[x["kind"]], -x["score"], x["a"]["id"], x["b"]["id"]))
    return out


def _flip_sides(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Evidence seen from the other side: every ``a_*`` figure becomes ``b_*`` and back."""
    swap = {"a_": "b_", "b_": "a_"}
    return {(swap[k[:2]] + k[2:] if k[:2] in swap else k): v for k, v in evidence.items()}


def _paragraph_changes(
    index: Index, a: int, b: int, a_rows: list[tuple], a_body: list[tuple[int, int]]
) -> dict[str, int]:
    """Body paragraphs of ``a`` and of ``b`` that the other does not have (``a_only``/``b_only``):
    seen from the earlier version, the paragraphs dropped and added. ``a_rows`` are the passage
    rows touching ``a`` and ``a_body`` its body paragraphs, read once for all its relations."""
    from variorum.group.relations import unshared_paragraphs

    rows = [r for r in a_rows if {r[1], r[2]} == {a, b}]
    b_body = [(s.start, s.end) for s in index.segments(b) if s.role == "body"]
    out = {}
    for side, num, body in (("a_only", a, a_body), ("b_only", b, b_body)):
        spans = [(r[3], r[4]) if r[1] == num else (r[5], r[6]) for r in rows]
        out[f"{side}_paragraphs"] = unshared_paragraphs(body, spans)
    return out


def _rel_doc(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "path": row["path"], "date": row["date"], "family": row["family"]}


def relation_summary(rel: Mapping[str, Any]) -> str:
    """One line a reader understands: "revision of 2018-04-02.txt, 2018 → 2020, 48 % shared"."""
    a, b = rel["a"], rel["b"]
    name = (b["path"] or b["id"]).rsplit("/", 1)[-1]
    phrase = {
        "copy": "copy of",
        "revision": "revision of",
        "excerpt": "excerpt relation with",
        "quotation": "shares a quoted passage with",
        "boilerplate": "shares only formulaic text with",
        "translation": "translation of",
    }[rel["kind"]]
    if rel["kind"] == "excerpt":
        phrase = "excerpt of" if rel["a_coverage"] >= rel["b_coverage"] else "contains an excerpt of"
    parts = [f"{phrase} {name}"]
    if a["date"] and b["date"] and a["date"] != b["date"]:
        first, last = sorted((a["date"], b["date"]))
        parts.append(f"{first[:4]} → {last[:4]}" if first[:4] != last[:4] else f"{first} → {last}")
    if rel["kind"] == "translation":
        ev = rel["evidence"]
        parts[0] += f" ({ev.get('a_language') or '?'} ↔ {ev.get('b_language') or '?'})"
        parts.append(f"{ev.get('anchors_in_order', 0)} figures, dates and identifiers in the same order")
        parts.append(f"{round(100 * rel['a_coverage'])} % of this text's anchors")
        parts.append(f"{len(ev.get('figures_differ', []))} figures differ")
        return ", ".join(parts)
    parts.append(f"{round(100 * rel['a_coverage'])} % of this text shared")
    parts.append(f"{rel['shared_words']} words in passages")
    ev = rel.get("evidence") or {}
    if "a_only_paragraphs" in ev:
        # Seen from the earlier version: its own paragraphs were dropped, the other's added.
        early, late = ("b", "a") if rel.get("earlier") == "b" else ("a", "b")
        dropped, added = ev[f"{early}_only_paragraphs"], ev[f"{late}_only_paragraphs"]
        if rel.get("earlier") in ("a", "b"):
            changes = [
                f"{n} paragraph{'s' * (n != 1)} {what}"
                for n, what in ((dropped, "dropped"), (added, "added"))
                if n
            ]
        else:
            changes = [
                f"{n} paragraph{'s' * (n != 1)} only in {where}"
                for n, where in (
                    (ev["a_only_paragraphs"], "this one"),
                    (ev["b_only_paragraphs"], "the other"),
                )
                if n
            ]
        parts.extend(changes)
    return ", ".join(parts)


def passage_dict(p: Passage) -> dict[str, Any]:
    """The JSON form of a passage (the same keys in every command)."""
    return {
        "a_start": p.a_start,
        "a_end": p.a_end,
        "b_start": p.b_start,
        "b_end": p.b_end,
        "words": p.words,
        "a_words": p.a_words,
        "b_words": p.b_words,
        "identity": p.identity,
        "boilerplate": p.boilerplate,
        "earlier": p.earlier,
        "a_text": p.a_text,
        "b_text": p.b_text,
    }


def passages(index: Index, settings: Settings, *, doc_id: str | None = None) -> list[dict[str, Any]]:
    """Stored passages (all, or those of one document, seen from that document as side a)."""
    ensure_fresh(index, settings)
    num = index.num_of(doc_id) if doc_id else None
    docs: dict[int, Document] = {}

    def doc(n: int) -> Document:
        if n not in docs:
            docs[n] = index.document(n)
        return docs[n]

    out = []
    for pid, a, b, a0, a1, b0, b1, aw, bw, ident, boiler, earlier in index.passage_rows(num):
        p = Passage(
            a_doc=doc(a).id,
            b_doc=doc(b).id,
            a_start=a0,
            a_end=a1,
            b_start=b0,
            b_end=b1,
            a_words=aw,
            b_words=bw,
            identity=ident,
            a_text=doc(a).text[a0:a1],
            b_text=doc(b).text[b0:b1],
            boilerplate=bool(boiler),
            earlier=earlier,
        )
        if num is not None and b == num:
            p = p.swapped()
        out.append({"id": pid, "a": p.a_doc, "b": p.b_doc, **passage_dict(p)})
    return out


# -- collation -------------------------------------------------------------------------------


def family_documents(index: Index, settings: Settings, family_id: str) -> list[Document]:
    """The documents of one family (a unique prefix of its id is enough), in date order."""
    ensure_fresh(index, settings)
    rows = index.doc_rows()
    ids = sorted({r["family"] for r in rows if r["family"] and r["family"].startswith(family_id)})
    if len(ids) != 1:
        raise UsageError(
            f"no family {family_id!r} in {index.path}" if not ids else f"{family_id!r} names several families"
        )
    members = [r for r in rows if r["family"] == ids[0]]
    return [index.document(r["num"]) for r in members]


def collate_family(index: Index, settings: Settings, family_id: str) -> Collation:
    """Collate the versions of one indexed family in its main language (the language most of
    its versions are in; on a tie, its founding member's), reusing their stored segments. The
    versions in other languages are translations, read through :func:`family_translations`."""
    return collate_members(index, family_documents(index, settings, family_id))


def collate_members(index: Index, docs: list[Document], *, replicates: int | None = None) -> Collation:
    """:func:`collate_family` of a family's documents already read (a report holds them all);
    ``replicates`` bounds the stemma's bootstrap (:func:`variorum.collate.stemma.build_stemma`)."""
    from variorum.collate import collate_witnesses, make_witnesses

    nums = [index.num_of(d.id) for d in docs]
    language = {n: (index.languages(n) or [None])[0] for n in nums}
    counts = Counter(language.values())
    founder = min(nums)
    main = max(counts, key=lambda lg: (counts[lg], lg == language[founder]))
    docs = [d for d, n in zip(docs, nums, strict=True) if language[n] == main]
    segments = [index.segments(index.num_of(d.id)) for d in docs]
    return collate_witnesses(make_witnesses(docs, segments=segments), replicates=replicates)


def family_translations(index: Index, settings: Settings, family_id: str) -> list[dict[str, Any]]:
    """The translations of one family's versions (documents in other languages, in the family
    or linked to it): languages, anchors in order, paragraphs aligned and the figures that
    differ between the two languages, seen from the family's version as ``a``."""
    members = {d.id for d in family_documents(index, settings, family_id)}
    out = []
    seen: set[frozenset[str]] = set()
    for member in sorted(members):
        for rel in relations(index, settings, doc_id=member, kind="translation"):
            pair = frozenset((rel["a"]["id"], rel["b"]["id"]))
            if pair in seen:
                continue
            seen.add(pair)
            ev = rel["evidence"]
            out.append(
                {
                    "a": rel["a"],
                    "b": rel["b"],
                    "a_language": ev.get("a_language"),
                    "b_language": ev.get("b_language"),
                    "anchors_in_order": ev.get("anchors_in_order"),
                    "coverage": {"a": rel["a_coverage"], "b": rel["b_coverage"]},
                    "paragraphs": {"a": ev.get("a_paragraphs"), "b": ev.get("b_paragraphs")},
                    "paragraphs_aligned": ev.get("paragraphs_aligned", []),
                    "figures_differ": ev.get("figures_differ", []),
                }
            )
    return out


def collation_summary(c: Collation) -> dict[str, Any]:
    """Counts that tell at a glance how much a family's versions differ."""
    return {
        "witnesses": len(c.witnesses),
        "variants": len(c.variants),
        "substantive": sum(1 for v in c.variants if v.substantive),
        "moves": len(c.moves),
        "claims": len(c.claims),
        "stemma_root": c.stemma.root,
        "lost_sources": len(c.stemma.lost),
    }


# -- no index needed ------------------------------------------------------------------------


def _doc_summary(p: Prepared) -> dict[str, Any]:
    d = p.doc
    return {"id": d.id, "path": d.path, "title": d.title, "date": d.date, "languages": list(p.languages)}


def compare(a: Document, b: Document, settings: Settings) -> dict[str, Any]:
    """Passages shared by two documents, with the share of each document they cover.

    The vocabulary that repairs split words is the two documents' own.
    """
    ra, rb = raw_tokens(a.text), raw_tokens(b.text)
    vocab = count_vocabulary([ra, rb])
    pa = prepare(a, vocab, settings, raw=ra)
    pb = prepare(b, vocab, settings, raw=rb)
    result = compare_prepared(pa, pb, settings)
    return _pair_json(pa, pb, result)


def _pair_json(pa: Prepared, pb: Prepared, result: PairResult) -> dict[str, Any]:
    return {
        "a": _doc_summary(pa),
        "b": _doc_summary(pb),
        "passages": [passage_dict(p) for p in result.passages],
        "coverage": {"a": result.a_coverage, "b": result.b_coverage},
        "body_coverage": {"a": result.a_body, "b": result.b_body},
    }


def describe(doc: Document) -> dict[str, Any]:
    """A document's metadata and segments (what ``variorum doc FILE`` shows)."""
    p = prepare(doc, count_vocabulary([raw_tokens(doc.text)]), Settings())
    return _describe(p.doc, p.segments, list(p.languages), p.words)


def describe_indexed(index: Index, doc_id: str) -> dict[str, Any]:
    num = index.num_of(doc_id)
    doc = index.document(num)
    words = index.conn.execute("SELECT n_words FROM documents WHERE num=?", (num,)).fetchone()[0]
    return _describe(doc, index.segments(num), index.languages(num), words)


def _describe(doc: Document, segments: Iterable[Any], languages: list[str], words: int) -> dict[str, Any]:
    return {
        "id": doc.id,
        "path": doc.path,
        "title": doc.title,
        "format": doc.format,
        "date": doc.date,
        "dates": list(doc.dates),
        "series": doc.series,
        "languages": languages,
        "words": words,
        "metadata": dict(doc.metadata),
        "segments": [
            {"start": s.start, "end": s.end, "language": s.language, "role": s.role} for s in segments
        ],
    }


# -- query ----------------------------------------------------------------------------------


def query(index: Index, doc: Document, settings: Settings, *, changes: int = 0) -> dict[str, Any]:
    """Where the text of ``doc`` appeared before, without adding it to the index.

    ``matches`` lists the indexed documents sharing passages with it, earliest first (undated
    last, then most shared words first); the earliest dated one is marked ``first_seen``. For
    the first ``changes`` matches, ``changes`` lists what differs between ``doc`` and that match
    (figures, dates, names, wording; :func:`variorum.changes.changes_between`): a collation
    each, so 0 (the default) keeps a query as fast as a lookup. ``new`` lists the stretches of
    ``doc`` found in none of the matches; ``coverage`` is the share of its words that were found.
    """
    from variorum.workers import CombinedVocabulary

    index.settings_check(settings)
    ensure_fresh(index, settings)
    raw = raw_tokens(doc.text)
    own = count_vocabulary([raw])
    wanted = set(own)
    wanted.update(a + b for a, b in zip(raw.norms, raw.norms[1:], strict=False))
    vocab = CombinedVocabulary(index.vocabulary_for(wanted), own)
    p = prepare(doc, vocab, settings, raw=raw)
    found = index.candidates({-1: p.fp_hashes}, settings.max_df, settings.min_shared)[-1]
    families_of = {r["num"]: r for r in index.doc_rows_for(found)}
    covered: list[tuple[int, int]] = []
    matches = []
    table = seed_table(p, settings)  # the query's seed table, made once for all its candidates
    for num in found:
        other = index.load_prepared(num, settings)
        result = compare_prepared(p, other, settings, (table, seed_table(other, settings)))
        if not result.passages:
            continue
        boiler = index.boilerplate_spans(num)
        plist = []
        for pas in result.passages:
            is_boiler = any(_mostly_inside(pas.b_start, pas.b_end, s, e) for s, e in boiler)
            plist.append({**passage_dict(pas), "boilerplate": is_boiler})
        covered.extend(_token_ranges(p, result.passages))
        row = families_of.get(num, {})
        matches.append(
            {
                "document": {**_doc_summary(other), "family": row.get("family")},
                "passages": plist,
                "coverage": {"query": result.a_coverage, "document": result.b_coverage},
                "shared_words": result.shared_words,
            }
        )
    matches.sort(key=_earliest_first)
    for k, m in enumerate(matches):
        m["first_seen"] = k == 0 and m["document"]["date"] is not None
        m["changes"] = None  # not computed
    if changes:
        from variorum.changes import changes_between

        for m in matches[:changes]:
            other = index.document(index.num_of(m["document"]["id"]))
            m["changes"] = _near_passages(changes_between(doc, other), m["passages"])
    new, share = _uncovered(p, covered)
    return {"query": _doc_summary(p), "matches": matches, "new": new, "coverage": share}


# About a dozen words: a passage ends where the texts stop agreeing, so the change that ended it
# starts within a few words of its end.
_CHANGE_SLACK = 80


def _near_passages(changes: list[dict[str, Any]], passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes that lie where the two texts share passages (from the first to the last on
    each side): a query that is one paragraph of a long match is not told that it lacks the
    rest of the match. A change just outside (within :data:`_CHANGE_SLACK` characters) counts:
    it is often what ended the passage."""
    hull = {
        "query": (min(p["a_start"] for p in passages), max(p["a_end"] for p in passages)),
        "match": (min(p["b_start"] for p in passages), max(p["b_end"] for p in passages)),
    }
    hull = {side: (lo - _CHANGE_SLACK, hi + _CHANGE_SLACK) for side, (lo, hi) in hull.items()}

    def near(change: dict[str, Any]) -> bool:
        sides = [side for side in ("query", "match") if change[side] is not None]
        if len(sides) == 2:  # a reading changed: near if either side touches the passages
            return any(
                change[side]["start"] < hull[side][1] and change[side]["end"] > hull[side][0]
                for side in sides
            )
        # text on one side only: near if it lies among the passages, not around them
        return all(
            hull[side][0] <= change[side]["start"] and change[side]["end"] <= hull[side][1] for side in sides
        )

    return [c for c in changes if near(c)]


def _earliest_first(m: dict[str, Any]) -> tuple[bool, str, int, str]:
    date = m["document"]["date"]
    return (date is None, date or "", -m["shared_words"], m["document"]["id"])


def _mostly_inside(s0: int, e0: int, s1: int, e1: int) -> bool:
    inter = min(e0, e1) - max(s0, s1)
    return inter > 0 and inter * 2 >= (e0 - s0)


def _token_ranges(p: Prepared, plist: Iterable[Passage]) -> list[tuple[int, int]]:
    """Token index ranges of ``p`` covered by passages (side a), found by their char spans."""
    import bisect

    starts = p.tokens.starts
    return [(bisect.bisect_left(starts, pas.a_start), bisect.bisect_left(starts, pas.a_end)) for pas in plist]


def _uncovered(p: Prepared, ranges: list[tuple[int, int]]) -> tuple[list[dict[str, Any]], float]:
    n = len(p.tokens)
    covered = [False] * n
    for r0, r1 in ranges:
        for i in range(r0, min(r1, n)):
            covered[i] = True
    new = []
    i = 0
    while i < n:
        if covered[i]:
            i += 1
            continue
        j = i
        while j < n and not covered[j]:
            j += 1
        start, end = p.tokens.span(i, j)
        new.append({"start": start, "end": end, "words": j - i, "text": p.doc.text[start:end]})
        i = j
    share = round(sum(covered) / n, 4) if n else 0.0
    return new, share


def summary(index: Index, settings: Settings, report: AddReport | None = None) -> dict[str, Any]:
    """What ``analyze`` reports: counts, families with their documents, and cross-family links."""
    ensure_fresh(index, settings)
    rows = {r["num"]: r for r in index.doc_rows()}
    fams = families(index, settings)
    words = {r["id"]: r["words"] for r in rows.values()}
    for fam in fams:
        for d in fam["documents"]:
            d["words"] = words[d["id"]]
    links: dict[tuple[str, str], dict[str, Any]] = {}
    n_passages = n_boiler = 0
    for _pid, a, b, *_offsets, aw, bw, _ident, boiler, _earlier in index.passage_rows():
        n_passages += 1
        n_boiler += bool(boiler)
        ra, rb = rows[a], rows[b]
        if ra["family"] == rb["family"]:
            continue
        key = (ra["id"], rb["id"])
        link = links.setdefault(
            key,
            {
                "a": ra["id"],
                "b": rb["id"],
                "a_path": ra["path"],
                "b_path": rb["path"],
                "passages": 0,
                "words": 0,
                "boilerplate": 0,
            },
        )
        link["passages"] += 1
        link["words"] += min(aw, bw)
        link["boilerplate"] += bool(boiler)
    skipped = index.conn.execute("SELECT path, reason FROM skips ORDER BY rowid").fetchall()
    kinds = Counter(r.kind for r in index.relations())
    return {
        "counts": {
            "documents": len(rows),
            "families": len(fams),
            "passages": n_passages,
            "boilerplate": n_boiler,
            "skipped": len(skipped),
            "relations": {k: kinds[k] for k in KINDS if kinds[k]},
        },
        "run": report.as_dict() if report else None,
        "families": fams,
        "links": sorted(links.values(), key=lambda x: -x["words"]),
        "skipped": [{"path": p, "reason": r} for p, r in skipped],
    }
