"""The first pass of :mod:`variorum.dedup.stream`: every line parsed once, every record signed.

The file is cut into byte ranges that end at line ends. Each range is read, its lines parsed,
and its records signed in batches (:mod:`variorum.dedup.batch`, which also reads accented Latin
text; texts it cannot read, such as those with digits or other scripts, go through
:class:`~variorum.dedup.tokens.ChunkTokens` one by one). A large file's ranges are
read by worker processes (one per core, forked, so nothing is pickled on the way in), each
returning only its records' :data:`~variorum.dedup.records.RECORD_BYTES` per range and, once
after its last range, the word counts of all its ranges (adding them range by range was a
quarter of this process's CPU on the four-script corpus); line numbers are counted per range
and shifted by the lines of the ranges before. Signatures
depend on nothing but the text (no ``hash()``, no per-process seed), so the result is the same
whichever process signed a record.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier as BarrierType

import numpy as np

from variorum.dedup.batch import Signed, fast_path, sign_texts, sign_tokens
from variorum.dedup.records import NO_DATE, RecordTable, date_key, parse_line
from variorum.dedup.scripts import prepare_tables, script_tokens
from variorum.dedup.signature import BANDS, band_keys, content_hash
from variorum.dedup.tally import WordTally
from variorum.dedup.tokens import ChunkTokens, RunningVocabulary
from variorum.errors import InputError
from variorum.model import Skip

Progress = Callable[[str, int], None]

#: Bytes of a range read at once (the lines of one range are in memory together).
RANGE_BYTES = 1024**2
#: Bytes of a range of a large file given to a worker, but for the last few: every range handed
#: to a worker and answered costs this process ~2 ms of CPU (20,000 invented records, 87 MiB:
#: 0.20-0.24 s with ranges of 1 MiB, 0.06 s with 4 MiB), while the last ranges, of
#: RANGE_BYTES, keep both workers busy to the end.
WORKER_RANGE_BYTES = 4 * 1024**2
#: Files of this size or more are read by worker processes from the start.
PARALLEL_BYTES = 24 * 1024**2
#: A smaller file is read here range by range while what is left looks shorter than this
#: (CPU seconds, projected from the ranges read), then by workers: forking costs more than it
#: saves on a few megabytes of plain prose (0.1 s), not on manual pages full of numbers, code
#: and scripts the batch paths cannot read (1,000 pages, 8.6 MB: 2.5 s).
PARALLEL_SECONDS = 0.3
#: Text bytes (characters, in other scripts) signed together by a batch path. Each batch costs
#: a few dozen numpy calls whatever its size: signing and counting the words of 2,000 generated
#: records took 6% less CPU in batches of 256 KiB than of 128 KiB (English-like), 3% less in
#: other scripts.
BATCH_BYTES = 256 * 1024
_MAX_LINE = 2**32 - 1


@dataclass
class RangeRecords:
    """The records of one byte range: :class:`RecordTable` columns with range-local line numbers."""

    columns: dict[str, np.ndarray]
    skipped: list[tuple[int, str]]  # (range-local line, reason)
    lines: int
    words: Counter[str] | None  # word counts of the per-text path, when counted
    pruned: bool  # the word counts lost rare forms (see RunningVocabulary)
    # The batch path's word counts by hash (from a worker: with the forms it had not sent yet).
    word_hashes: np.ndarray | None = None
    word_counts: np.ndarray | None = None
    word_forms: dict[int, str] | None = None


def line_ranges(path: str, size: int, step: int, *, large: int = 0, tail: int = 0) -> list[tuple[int, int]]:
    """``[start, end)`` byte ranges, each ending just after a line end: of about ``large`` bytes
    while more than ``tail`` bytes would be left after one, then of about ``step`` (all of
    ``step`` when ``large`` is 0)."""
    bounds = [0]
    with open(path, "rb") as file:
        while True:
            want = large if large and size - bounds[-1] - large > tail else step
            if bounds[-1] + want >= size:
                break
            file.seek(bounds[-1] + want - 1)
            rest = file.readline()  # up to and including the next "\n" (or to the end)
            bounds.append(min(size, bounds[-1] + want - 1 + len(rest)))
            if bounds[-1] >= size:
                break
    if bounds[-1] < size:
        bounds.append(size)
    return list(itertools.pairwise(bounds))


class _Signer:
    """Signs the records of a range in input order: texts that fold to ASCII in batches
    (:func:`~variorum.dedup.batch.sign_texts`), texts in other scripts in batches too
    (:func:`~variorum.dedup.scripts.script_tokens`), what neither reads one by one."""

    def __init__(self, tokens: ChunkTokens, tally: WordTally | None, spell: bool = True) -> None:
        self.tokens, self.tally, self.spell = tokens, tally, spell
        self.lengths = array("q")
        self.content = array("Q")
        self.bands = array("Q")
        self.pending: list[tuple[int, bytes, str]] = []  # (row, bytes, text)
        self.pending_bytes = 0
        self.scripts: list[tuple[int, str]] = []  # (row, text)
        self.scripts_size = 0

    def add(self, text: str) -> int:
        """Queue ``text``; returns its row (results are known after :meth:`flush`)."""
        row = len(self.lengths)
        self.lengths.append(0)
        self.content.append(0)
        self.bands.frombytes(bytes(8 * BANDS))
        ascii_bytes = fast_path(text)
        if ascii_bytes is None:
            self.scripts.append((row, text))
            self.scripts_size += len(text)
            if self.scripts_size >= BATCH_BYTES:
                self._flush_scripts()
        else:
            self.pending.append((row, ascii_bytes, text))
            self.pending_bytes += len(ascii_bytes)
            if self.pending_bytes >= BATCH_BYTES:
                self._flush_ascii()
        return row

    def _slow(self, row: int, text: str) -> None:
        hashes = self.tokens.scan_tokens(text)
        self.lengths[row] = len(hashes)
        if len(hashes):
            self.content[row] = content_hash(hashes)
            self.bands[row * BANDS : (row + 1) * BANDS] = array("Q", band_keys(hashes).tobytes())

    def flush(self) -> None:
        self._flush_ascii()
        self._flush_scripts()

    def _flush_ascii(self) -> None:
        if not self.pending:
            return
        signed = sign_texts([b for _, b, _ in self.pending], count_words=self.tally is not None)
        self._take(signed, [(row, text) for row, _, text in self.pending])
        self.pending.clear()
        self.pending_bytes = 0

    def _flush_scripts(self) -> None:
        if not self.scripts:
            return
        ok, hashes, owner, words = script_tokens([text for _, text in self.scripts])
        self._take(sign_tokens(ok, hashes, owner, words), self.scripts)
        self.scripts.clear()
        self.scripts_size = 0

    def _take(self, signed: Signed, queued: list[tuple[int, str]]) -> None:
        if signed.words is not None and self.tally is not None:
            self.tally.add(signed.words.hashes, forms=signed.words.forms if self.spell else None)
        rows = np.fromiter((row for row, _ in queued), dtype=np.int64, count=len(queued))
        ok = signed.ok
        # Numpy views write the batch's results in place; they are gone before the next append.
        np.frombuffer(self.lengths, dtype=np.int64)[rows[ok]] = signed.lengths[ok]
        np.frombuffer(self.content, dtype=np.uint64)[rows[ok]] = signed.content[ok]
        np.frombuffer(self.bands, dtype=np.uint64).reshape(-1, BANDS)[rows[ok]] = signed.bands[ok]
        for k in np.flatnonzero(~ok).tolist():
            row, text = queued[k]
            self._slow(row, text)


def read_range(
    path: str,
    start: int,
    end: int,
    keep: str,
    tokens: ChunkTokens,
    count_words: bool,
    tally: WordTally | None = None,
    spell: bool = True,
) -> RangeRecords:
    """Parse and sign the lines of ``path[start:end]`` (``start`` at a line start).

    Words of texts signed in batches are counted in ``tally`` (a new one when not given, whose
    counts and forms come back in the result), spelt only with ``spell``; the others go to
    ``tokens.vocabulary``.
    """
    own_tally = tally is None and count_words
    if tally is None and count_words:
        tally = WordTally()
    try:
        with open(path, "rb") as file:
            file.seek(start)
            data = file.read(end - start)
    except OSError as error:
        raise InputError(path, f"cannot read file: {error.strerror or error}") from error
    pieces = data.split(b"\n")
    ends_line = data.endswith(b"\n")
    if ends_line:
        pieces.pop()  # the empty piece after the last "\n"
    del data
    signer = _Signer(tokens, tally if count_words else None, spell)
    offsets = array("q")
    sizes = array("q")
    numbers = array("q")
    dates = array("i")
    skipped: list[tuple[int, str]] = []
    offset = start
    last = len(pieces)
    for number, piece in enumerate(pieces, start=1):
        size = len(piece) + (1 if number < last or ends_line else 0)  # the last line of a file may lack "\n"
        line_start, offset = offset, offset + size
        if not piece or piece.isspace():
            continue
        record = parse_line(piece, first=line_start == 0)
        if isinstance(record, str):
            skipped.append((number, record))
            continue
        if size > _MAX_LINE:
            skipped.append((number, "line too long (4 GiB or more) or too far (line 2**32)"))
            continue
        offsets.append(line_start)
        sizes.append(size)
        numbers.append(number)
        dates.append(date_key(record) if keep == "earliest" else NO_DATE)
        signer.add(record["text"])
    signer.flush()
    tokens.fold()
    lengths = np.frombuffer(signer.lengths, dtype=np.int64)
    has_words = lengths > 0
    line_numbers = np.frombuffer(numbers, dtype=np.int64)
    skipped.extend((n, "text has no words to compare") for n in line_numbers[~has_words].tolist())
    skipped.sort()
    columns = {
        "offsets": np.frombuffer(offsets, dtype=np.int64)[has_words],
        "sizes": np.frombuffer(sizes, dtype=np.int64)[has_words].astype(np.uint32),
        "lines": line_numbers[has_words].astype(np.uint32),
        "lengths": lengths[has_words].astype(np.int32),
        "dates": np.frombuffer(dates, dtype=np.int32)[has_words],
        "content": np.frombuffer(signer.content, dtype=np.uint64)[has_words],
        "bands": np.frombuffer(signer.bands, dtype=np.uint64).reshape(-1, BANDS)[has_words],
    }
    vocabulary = tokens.vocabulary
    got = RangeRecords(columns, skipped, len(pieces), None, False)
    if count_words and vocabulary is not None:
        got.words, got.pruned = vocabulary.counts, vocabulary.pruned
    if own_tally and tally is not None:
        got.word_hashes, got.word_counts = tally.take_counts()
        got.word_forms = tally.take_new()
    return got


_worker_state: dict[str, object] = {}


def _worker_read(task: tuple[str, int, int, str, bool, bool]) -> RangeRecords:
    path, start, end, keep, count_words, spell = task
    vocabulary = RunningVocabulary() if count_words else None
    tokens = _worker_state.get("tokens")
    if not isinstance(tokens, ChunkTokens):
        tokens = _worker_state["tokens"] = ChunkTokens()
    tokens.vocabulary = vocabulary  # each range's counts go back with it
    if not count_words:
        return read_range(path, start, end, keep, tokens, count_words)
    # One tally per worker, so that a form goes back once per worker rather than once per range.
    tally = _worker_state.get("tally")
    if not isinstance(tally, WordTally):
        tally = _worker_state["tally"] = WordTally()
    got = read_range(path, start, end, keep, tokens, count_words, tally, spell)
    if len(tally) > tally.limit // 2:
        # Near its limit a tally drops its rarer forms: send the counts now, as every range's
        # were sent once, so that no count is dropped here.
        got.word_hashes, got.word_counts = tally.take_counts()
        got.word_forms = tally.take_new()
    return got


def _worker_counts(_: int) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """A worker's word counts not sent yet, and the forms it has not sent.

    Called once per worker after the last range: the barrier holds each worker until all have
    taken one of these calls, so that no worker takes two.
    """
    barrier = _worker_state["barrier"]
    assert isinstance(barrier, BarrierType)
    barrier.wait()
    tally = _worker_state.get("tally")
    if not isinstance(tally, WordTally):
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64), {}
    hashes, counts = tally.take_counts()
    return hashes, counts, tally.take_new()


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def scan(
    path: str,
    keep: str,
    tokens: ChunkTokens,
    *,
    count_words: bool = True,
    progress: Progress | None = None,
    workers: int | None = None,
    tally: WordTally | None = None,
) -> tuple[RecordTable, list[Skip], int]:
    """The record table, the skipped lines and the number of lines of ``path``.

    ``tokens.vocabulary`` receives the word counts when ``count_words``; given a ``tally``, the
    words of texts signed in batches are counted there instead, by hash and never spelt (the
    ``words`` measure looks them up by hash: :meth:`VocabularyIndex.from_hashes
    <variorum.dedup.tokens.VocabularyIndex.from_hashes>`), and only the others go to
    ``tokens.vocabulary``. ``workers`` (default:
    the usable cores) processes read a file of :data:`PARALLEL_BYTES` or more, and the rest of a
    smaller one that is slow to read (:data:`PARALLEL_SECONDS`). Which process reads a range
    changes nothing in the result.
    """
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise InputError(path, f"cannot read file: {error.strerror or error}") from error
    if workers is None:
        workers = usable_cores()
    # A large file goes to the workers from the start: in larger ranges, the last ones small.
    large = WORKER_RANGE_BYTES if size >= PARALLEL_BYTES and workers > 1 else 0
    ranges = line_ranges(path, size, RANGE_BYTES, large=large, tail=2 * workers * RANGE_BYTES)
    table = RecordTable()
    skipped: list[Skip] = []
    lines = 0

    def take(got: RangeRecords) -> None:
        nonlocal lines
        table.extend(got.columns, lines)
        skipped.extend(Skip(f"{path}:{lines + n}", reason) for n, reason in got.skipped)
        lines += got.lines
        if progress is not None and got.lines:
            progress("reading", got.lines)

    spell = tally is None  # forms are needed only to be folded into tokens.vocabulary
    if tally is None and count_words and tokens.vocabulary is not None:
        tally = WordTally()
    parallel = workers > 1 and len(ranges) > 1 and "fork" in multiprocessing.get_all_start_methods()
    here = 0  # ranges read in this process
    if not parallel or size < PARALLEL_BYTES:
        started = time.process_time()
        for start, end in ranges:
            take(read_range(path, start, end, keep, tokens, count_words, tally, spell))
            here += 1
            left = len(ranges) - here
            if parallel and left > 1 and (time.process_time() - started) / here * left > PARALLEL_SECONDS:
                break
    if here < len(ranges):
        prepare_tables()  # built once here rather than in every worker
        tasks = [(path, start, end, keep, count_words, spell) for start, end in ranges[here:]]
        processes = min(workers, len(tasks))
        context = multiprocessing.get_context("fork")
        _worker_state["barrier"] = context.Barrier(processes)
        try:
            with context.Pool(processes) as pool:
                for got in pool.imap(_worker_read, tasks):
                    take(got)
                    if got.words is not None and tokens.vocabulary is not None:
                        tokens.vocabulary.add_counts(got.words)
                        tokens.vocabulary.pruned |= got.pruned
                    if tally is not None and got.word_hashes is not None and got.word_counts is not None:
                        tally.add_forms(got.word_forms or {})
                        tally.add_later(got.word_hashes, got.word_counts)
                if count_words:
                    # Each worker's counts of all its ranges, added once rather than range by range.
                    for hashes, counts, forms in pool.map(_worker_counts, range(processes), chunksize=1):
                        if tally is not None:
                            tally.add_forms(forms)
                            tally.add_later(hashes, counts)
        finally:
            _worker_state.clear()
    if spell and tally is not None and tokens.vocabulary is not None:
        tokens.vocabulary.add_counts(tally.counter())
        tokens.vocabulary.pruned |= tally.pruned
    return table, skipped, lines
