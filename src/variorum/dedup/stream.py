"""Remove near-duplicate records from a JSON Lines file larger than memory, in two passes.

1. **Read**: every line is parsed once; a record keeps only its place in the file and a
   signature (:data:`~variorum.dedup.records.RECORD_BYTES`, under 300 bytes); its words are
   counted for split-word repair, in bounded memory and by token hash (only words of the texts
   the batch paths cannot read are spelt: :func:`word_index`).
2. **Choose** (:mod:`variorum.dedup.choose`): exact copies by content hash, then candidate
   pairs from the signature bands, each compared by reading both records again by offset
   (by paragraphs, all of them first on every core: :mod:`variorum.dedup.verify`).
3. **Write**: the file is read again; every line that is not a removed duplicate is written
   unchanged, byte for byte and in input order, and each removed record gets a line in the
   sidecar: ``{"id", "duplicate_of", "similarity", "line", "duplicate_of_line"}``.

Lines that are not records (bad JSON, no ``text``, a text without words) are reported in
:attr:`DedupReport.skipped` and **passed through unchanged**: a dedup step in a data pipeline
should never lose data it did not understand. Blank lines are passed through silently.

Similarity is :func:`similarity`, by default (``measure="words"``) one minus the Levenshtein
distance between the two token sequences divided by the longer one's length, i.e. the share of
the longer record's words left as they are. Tokens are the normalizer's
(:mod:`variorum.text.normalize`: case, punctuation, line wraps, diacritics and number formats
do not count) with split words ("aggr ession") joined where the record's own words or the
running vocabulary show the whole word. At the default 0.8 a record is a duplicate when at
most one word in five was substituted, deleted or inserted; records that only share a
paragraph, or only their vocabulary, stay far below.
``measure="paragraphs"`` (:mod:`variorum.dedup.paragraphs`) is the share of each record's
paragraphs found in the other instead, for copies that dropped, added or moved paragraphs.

:func:`find_duplicates` is the first two passes alone: which record duplicates which, without
writing anything. :func:`dedup` writes its decision.
"""

from __future__ import annotations

import codecs
import dataclasses
import errno
import json
import os
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from rapidfuzz.distance import Levenshtein

from variorum.arrays import distinct
from variorum.dedup.choose import Choice, Visit, choose
from variorum.dedup.paragraphs import Paragraphs, paragraph_similarity, paragraphs, paragraphs_of
from variorum.dedup.records import RecordReader, RecordTable, parse_line, record_id
from variorum.dedup.repair import reference_tokens
from variorum.dedup.scan import scan, usable_cores
from variorum.dedup.tally import WordTally, summed
from variorum.dedup.tokens import (
    MEMO_SIZE,
    ChunkTokens,
    CountsByPolynomial,
    RunningVocabulary,
    TokenCache,
    VocabularyIndex,
    token_hashes,
    unmix64,
)
from variorum.dedup.verify import Words, score_pairs, word_similarity, words_of
from variorum.errors import InputError, UsageError
from variorum.model import Skip
from variorum.text.normalize import count_vocabulary, raw_tokens

#: ``progress(stage, advance)``, as in :mod:`variorum.pipeline`: stages "reading", "comparing",
#: "writing", advanced by records (comparing: records that have candidates).
Progress = Callable[[str, int], None]
KEEP = ("first", "longest", "earliest")
MEASURES = ("words", "paragraphs")
REMOVED_SUFFIX = ".removed.jsonl"
_STEP = 1024
CHANGED = "changed while being deduplicated; run again"
#: Records read and split into paragraphs together when comparing by paragraphs.
READ_AHEAD = 256
#: Records with candidates from which pairs are compared ahead of time (in worker processes,
#: given several cores)...
PARALLEL_RECORDS = 2_000
#: ... or bytes of such records: manual pages are long and slow to tokenize (600 of them, 2.8 MB,
#: took 2.4 s to compare by paragraphs in one process).
PARALLEL_COMPARE_BYTES = 2 * 1024**2


def _compare_ahead(visit: Visit, table: RecordTable) -> bool:
    """Whether there is enough to compare to do it all first, on every core."""
    if len(visit.active) >= PARALLEL_RECORDS:
        return True
    return int(table.arrays()["sizes"][visit.active].sum(dtype=np.int64)) >= PARALLEL_COMPARE_BYTES


@dataclass(frozen=True)
class DedupReport:
    """What a dedup run did. ``output`` holds ``lines - removed`` lines."""

    input: str
    output: str
    removed_path: str
    lines: int  # lines of the input, blank ones included
    records: int  # records compared (parsed, with at least one word)
    kept: int  # of ``records``
    removed: int  # written to the sidecar instead of the output
    exact: int  # removed records whose normalized tokens equal the kept one's (same content hash)
    compared: int  # candidate pairs compared by reading both records
    skipped: tuple[Skip, ...]  # lines passed through without comparison, and why
    seconds: float


def similarity(
    a: str, b: str, vocabulary: Mapping[str, int] | None = None, *, measure: str = "words"
) -> float:
    """Similarity of two texts in [0, 1]: 1 - token edit distance / the longer token count.

    Split words are repaired against ``vocabulary`` plus each text's own words; by default the
    vocabulary is the words of both texts, so "aggr ession" matches the other's "aggression".
    ``measure="paragraphs"`` gives :func:`~variorum.dedup.paragraphs.paragraph_similarity`
    instead (``vocabulary`` is then not used).
    """
    if measure not in MEASURES:
        raise UsageError(f"measure {measure!r}: choose one of {', '.join(MEASURES)}")
    if measure == "paragraphs":
        tokens = ChunkTokens()
        return paragraph_similarity(paragraphs(a, tokens), paragraphs(b, tokens))
    complete = vocabulary is None
    if vocabulary is None:
        vocabulary = count_vocabulary([raw_tokens(a), raw_tokens(b)])
    return float(
        Levenshtein.normalized_similarity(
            reference_tokens(a, vocabulary, complete=complete),
            reference_tokens(b, vocabulary, complete=complete),
        )
    )


def removed_path_for(output_path: str) -> str:
    """The default sidecar: ``out.jsonl`` -> ``out.removed.jsonl``."""
    return str(Path(output_path).with_suffix(REMOVED_SUFFIX))


def _check_arguments(
    input_path: str,
    output_path: str | None,
    removed_path: str | None,
    threshold: float,
    keep: str,
    measure: str,
) -> None:
    if measure not in MEASURES:
        raise UsageError(f"measure {measure!r}: choose one of {', '.join(MEASURES)}")
    if keep not in KEEP:
        raise UsageError(f"--keep {keep!r}: choose one of {', '.join(KEEP)}")
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"--threshold {threshold}: must be above 0 and at most 1")
    if input_path == "-":
        raise UsageError("dedup reads its input twice and cannot read stdin; save it to a file first")
    if not os.path.isfile(input_path):
        reason = "is a folder, not a file" if os.path.isdir(input_path) else "no such file"
        raise InputError(input_path, reason)
    if removed_path == "-":
        raise UsageError("the removed-records sidecar must be a file, not stdout")
    for path in (output_path, removed_path):
        if path is not None and path != "-" and os.path.isdir(path):
            raise InputError(path, "is a folder: name the file to write")
    paths = [p for p in (input_path, output_path, removed_path) if p is not None and p != "-"]
    real = [os.path.realpath(p) for p in paths]
    if len(set(real)) != len(real):
        raise UsageError(f"input, output and sidecar must be three different files: {', '.join(paths)}")


class _Comparer:
    """Reads, tokenizes (with the complete vocabulary) and compares records of the first pass.

    With at least :data:`PARALLEL_RECORDS` records (or :data:`PARALLEL_COMPARE_BYTES`) to visit, every pair
    :func:`~variorum.dedup.choose.choose` will compare is compared first, records tokenized in
    batches, on ``workers`` processes (:func:`~variorum.dedup.verify.score_pairs`), and looked
    up; a pair not foreseen is compared here, record by record.
    """

    def __init__(
        self,
        reader: RecordReader,
        tokens: ChunkTokens,
        vocabulary: RunningVocabulary,
        threshold: float,
        workers: int = 1,
        tally: WordTally | None = None,
    ) -> None:
        self.reader, self.tokens, self.vocabulary, self.threshold = reader, tokens, vocabulary, threshold
        self.workers = workers
        self.tally = tally
        self.cache = TokenCache()
        self.words: Words | None = None  # built at the first comparison
        self.known: dict[tuple[int, int], float] = {}

    def _words(self) -> Words:
        """The vocabulary of the first pass: ``vocabulary`` by spelling, plus the ``tally`` by
        hash when the first pass counted there (:func:`word_index`)."""
        if self.words is None:
            if self.tally is None:
                self.words = Words(
                    VocabularyIndex(self.vocabulary.counts), complete=not self.vocabulary.pruned
                )
            else:
                self.words = word_index(self.tally, self.vocabulary)
        return self.words

    def visiting(self, visit: Visit) -> None:
        """Compare the pairs to come ahead, in batches and on every core, when there are enough."""
        if _compare_ahead(visit, self.reader.table):
            words = self._words()  # built before the workers fork: they share it
            self.known = score_pairs(
                self.reader.path, self.reader.table, visit.pairs(), self.workers, self.threshold, words
            )

    def _tokens(self, i: int) -> np.ndarray:
        got = self.cache.get(i)
        if got is None:
            text = self.reader.read(i)["text"]
            got = words_of([text], self.tokens, self._words())[0]
            self.cache.put(i, got)
        return got

    def __call__(self, a: int, b: int) -> float:
        score = self.known.get((a, b))
        if score is None:
            score = word_similarity(self._tokens(a), self._tokens(b), self.threshold)
        return score if score >= self.threshold else 0.0


def word_index(tally: WordTally, vocabulary: RunningVocabulary) -> Words:
    """The ``words`` measure's vocabulary from the first pass's counts: ``tally`` by hash (the
    texts signed in batches) and ``vocabulary`` by spelling (the others), added by hash.

    The same counts as spelling every form of the tally and adding it to ``vocabulary``
    (:func:`~variorum.dedup.scan.scan` without a tally), unless either dropped rare forms
    (then which forms of equal count stay may differ: here, those of smaller hash).
    """
    spelled = vocabulary.counts
    extra, extra_polys = token_hashes(list(spelled))
    extra_counts = np.fromiter(spelled.values(), dtype=np.int64, count=len(spelled))
    if len(tally) + tally.later_size + len(extra) > tally.limit:
        tally.add(extra, extra_counts)  # forms may be dropped: as the tally drops them
        hashes, counts = tally.take_counts()
        index = VocabularyIndex.from_hashes(hashes, counts)
    else:
        # Nothing can be dropped: the workers' counts and the spelled words' summed by
        # polynomial in one sort, which also orders the index (three sorts of 200,000 to
        # 400,000 hashes were a tenth of a second of this process between the two passes).
        hashes, counts = tally.take_counts(sum_later=False)
        polys = np.concatenate([unmix64(hashes), extra_polys])
        index = VocabularyIndex.from_polys(*summed(polys, np.concatenate([counts, extra_counts])))
    if len(spelled) <= MEMO_SIZE and isinstance(index.counts, CountsByPolynomial):
        # The words of the texts the batch paths could not read are the ones split repair
        # will ask for by spelling (those texts are compared on the per-text path): known
        # before the comparing workers fork, rather than looked up in each.
        index.counts.known.update(zip(spelled, index.count_of(extra_polys).tolist(), strict=True))
    return Words(index, complete=not (tally.pruned or vocabulary.pruned))


class _ParagraphComparer:
    """Reads records of the first pass and compares them by the ``paragraphs`` measure.

    With several ``workers`` and at least :data:`PARALLEL_RECORDS` records (or
    :data:`PARALLEL_COMPARE_BYTES`) to visit, every pair
    :func:`~variorum.dedup.choose.choose` will compare is compared first, on every core
    (:func:`~variorum.dedup.verify.score_pairs`), and looked up. Otherwise, and for a pair
    not foreseen, records are read ahead in the order ``choose`` visits them, :data:`READ_AHEAD`
    at a time, and their paragraphs computed together
    (:func:`~variorum.dedup.paragraphs.paragraphs_of`); the cache holds up to ``max_shingles``.
    """

    def __init__(
        self, reader: RecordReader, threshold: float, workers: int = 1, max_shingles: int = 4_000_000
    ) -> None:
        self.reader, self.threshold, self.workers = reader, threshold, workers
        self.tokens = ChunkTokens()
        self.max_shingles = max_shingles
        self.size = 0
        self.cache: OrderedDict[int, Paragraphs] = OrderedDict()
        self.order: list[int] = []
        self.place: dict[int, int] = {}
        self.known: dict[tuple[int, int], float] = {}

    def visiting(self, visit: Visit) -> None:
        """Compare the pairs to come on every core when there are enough, else read ahead."""
        if self.workers > 1 and _compare_ahead(visit, self.reader.table):
            self.known = score_pairs(
                self.reader.path, self.reader.table, visit.pairs(), self.workers, self.threshold
            )
            return
        self.order = visit.active.tolist()
        self.place = {r: k for k, r in enumerate(self.order)}

    def _read(self, i: int) -> None:
        at = self.place.get(i)
        wanted = [i]
        if at is not None:
            wanted += [r for r in self.order[at + 1 : at + READ_AHEAD] if r not in self.cache]
        wanted.sort(key=self.reader.table.offsets.__getitem__)  # forward through the file
        texts = [self.reader.read(r)["text"] for r in wanted]
        for r, got in zip(wanted, paragraphs_of(texts, self.tokens), strict=True):
            self.cache[r] = got
            self.size += len(got.shingles)
        self.cache.move_to_end(i)
        while self.size > self.max_shingles and len(self.cache) > 1:
            r, dropped = next(iter(self.cache.items()))
            del self.cache[r]
            self.size -= len(dropped.shingles)

    def _paragraphs(self, i: int) -> Paragraphs:
        got = self.cache.get(i)
        if got is None:
            self._read(i)
            got = self.cache[i]
        self.cache.move_to_end(i)
        return got

    def __call__(self, a: int, b: int) -> float:
        score = self.known.get((a, b))
        if score is None:
            pb = self._paragraphs(b)  # b is the earlier record, in the cache more often
            score = paragraph_similarity(self._paragraphs(a), pb, self.threshold)
        return score if score >= self.threshold else 0.0


def _keep_order(columns: dict[str, np.ndarray], keep: str) -> np.ndarray:
    """Record indices from the one to keep most to the one to keep least; ties by input order."""
    index = np.arange(len(columns["lengths"]))
    if keep == "longest":
        return np.lexsort((index, -columns["lengths"].astype(np.int64)))
    if keep == "earliest":
        return np.lexsort((index, columns["dates"]))
    return index


class _Output:
    """A binary stream for ``path``, written to a temporary file renamed into place on success.

    A failed run therefore never leaves a half-written file where a complete one is expected.
    ``-`` is stdout, written directly.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.temporary: str | None = None
        if path == "-":
            self.stream: IO[bytes] = sys.stdout.buffer
            return
        folder, name = os.path.split(os.path.abspath(path))
        self.temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
        try:
            self.stream = open(self.temporary, "wb", buffering=1 << 20)  # noqa: SIM115 - see finish()
        except OSError as error:
            raise InputError(path, f"cannot write: {error.strerror or error}") from error

    def finish(self, ok: bool) -> None:
        """Close, then rename into place (``ok``) or delete the temporary file."""
        if self.temporary is None:
            self.stream.flush()
            return
        try:
            self.stream.close()
            if ok:
                os.replace(self.temporary, self.path)
                return
        except OSError as error:  # a full disk, a folder or a file that cannot be replaced
            raise InputError(self.path, f"cannot write: {error.strerror or error}") from error
        finally:
            with suppress(FileNotFoundError):
                os.unlink(self.temporary)


@dataclass(frozen=True)
class _Removals:
    """The removed records in input order: their lines, what they duplicate and how closely."""

    lines: np.ndarray  # line numbers of the removed records, ascending
    offsets: np.ndarray  # where each removed record's line starts in the file
    sizes: np.ndarray  # its length in bytes, the "\n" included
    targets: np.ndarray  # record index of the kept record each duplicates
    target_lines: np.ndarray
    similarity: np.ndarray
    target_ids: dict[int, str | int]  # record index -> id, for every target
    # Removed records whose normalized tokens equal their kept record's (equal content hashes).
    # Not "similarity 1.0": with measure="paragraphs" a record whose paragraphs are all found in
    # a longer one scores 1.0 without being a copy of it.
    exact: int


def _removals(input_path: str, table: RecordTable, choice: Choice, reader: RecordReader) -> _Removals:
    columns = table.arrays()
    removed = np.flatnonzero(choice.duplicate_of >= 0)  # record order is input order
    targets = choice.duplicate_of[removed]
    ids: dict[int, str | int] = {}
    for t in distinct(targets).tolist():  # record order is file order: reads move forward
        ids[t] = record_id(reader.read(t), f"{input_path}:{int(columns['lines'][t])}")
    return _Removals(
        lines=columns["lines"][removed],
        offsets=columns["offsets"][removed],
        sizes=columns["sizes"][removed],
        targets=targets,
        target_lines=columns["lines"][targets],
        similarity=choice.similarity[removed],
        target_ids=ids,
        exact=int((columns["content"][removed] == columns["content"][targets]).sum()),
    )


def _write(
    input_path: str,
    out: IO[bytes],
    side: IO[bytes],
    plan: _Removals,
    line_count: int,
    progress: Progress | None,
) -> None:
    """Second pass: copy the input without its removed lines, and describe the removed ones.

    The first pass knows where each removed line starts and how long it is, so what lies
    between two removed lines is copied as one byte range, :data:`COPY_BYTES` at a time, and
    only the removed lines are read and parsed: no line-by-line loop over the whole file. A
    removed line that is no longer a record, or a range that does not end at a line end, means
    the file changed since it was read.
    """
    lines = plan.lines.tolist()
    offsets, sizes = plan.offsets.tolist(), plan.sizes.tolist()
    reported = 0  # lines reported to progress so far
    with open(input_path, "rb") as file:
        position = 0
        last = b"\n"  # the byte before ``position``
        for at, (number, offset, size) in enumerate(zip(lines, offsets, sizes, strict=True)):
            last = _copy(file, out, position, offset, last)
            if last != b"\n":
                raise InputError(f"{input_path}:{number}", CHANGED)
            line = file.read(size)
            position, last = offset + size, line[-1:]
            record = parse_line(line, first=number == 1)
            if isinstance(record, str) or len(line) != size:
                raise InputError(f"{input_path}:{number}", CHANGED)
            entry = {
                "id": record_id(record, f"{input_path}:{number}"),
                "duplicate_of": plan.target_ids[int(plan.targets[at])],
                "similarity": round(float(plan.similarity[at]), 4),
                "line": number,
                "duplicate_of_line": int(plan.target_lines[at]),
            }
            # A lone surrogate (legal in a JSON string) stays an escape rather than failing.
            side.write(json.dumps(entry, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n")
            if progress is not None and number - reported >= _STEP:
                progress("writing", number - reported)
                reported = number
        _copy(file, out, position, None, last)
    if progress is not None and line_count > reported:
        progress("writing", line_count - reported)


#: Bytes copied at a time by the second pass.
COPY_BYTES = 4 * 1024**2
#: Errors of a first ``os.sendfile`` that mean only that it cannot copy between these two
#: files (an output opened for appending, a stream without a descriptor): read and write then.
_NO_SENDFILE = frozenset(
    {errno.EINVAL, errno.ENOSYS, errno.EBADF, errno.ENOTSOCK, errno.EXDEV, errno.EOPNOTSUPP, errno.ESPIPE}
)


def _copy(file: IO[bytes], out: IO[bytes], start: int, end: int | None, last: bytes) -> bytes:
    """Copy ``file[start:end]`` (to the end with None) to ``out``; the last byte copied, or
    ``last`` when there was none. ``file`` is left at the end of what was copied.

    The kernel copies from file to file (``os.sendfile``, as :func:`shutil.copyfile` does):
    writing the 130 MB of a 20,000-record file through Python's buffers took 0.12-0.3 s of
    this process, mostly faulting in fresh pages for each 4 MiB chunk, against 0.05 s.
    """
    copied = _sendfile(file, out, start, end)
    if copied is not None:
        sent, done = copied
        if sent:
            last = os.pread(file.fileno(), 1, start + sent - 1)
        file.seek(start + sent)
        return last if done else b""  # short of ``end``: the file is shorter than it was
    file.seek(start)
    left = -1 if end is None else end - start
    while left:
        chunk = file.read(COPY_BYTES if left < 0 else min(left, COPY_BYTES))
        if not chunk:
            if left > 0:
                return b""  # the file is shorter than it was: not at a line end
            break
        out.write(chunk)
        last = chunk[-1:]
        if left > 0:
            left -= len(chunk)
    return last


def _sendfile(file: IO[bytes], out: IO[bytes], start: int, end: int | None) -> tuple[int, bool] | None:
    """``(bytes copied, whether up to end)`` of ``file[start:end]`` copied by ``os.sendfile``
    to ``out``'s descriptor, or None when that cannot copy between the two (nothing copied)."""
    if not hasattr(os, "sendfile"):
        return None
    try:
        target = out.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return None
    source = file.fileno()
    out.flush()  # what the stream holds goes first
    sent = 0
    while True:
        want = COPY_BYTES if end is None else min(end - start - sent, COPY_BYTES)
        if want <= 0:
            return sent, True
        try:
            got = os.sendfile(target, source, start + sent, want)
        except OSError as error:
            if sent == 0 and error.errno in _NO_SENDFILE:
                return None
            raise
        if got == 0:  # the end of the file
            return sent, end is None
        sent += got


@dataclass(frozen=True)
class Duplicates:
    """Which record duplicates which, as :func:`find_duplicates` decided.

    Records are the lines holding a comparable record, in input order; ``lines[i]`` is record
    ``i``'s line number (1-based), ``duplicate_of[i]`` the record it duplicates (-1: kept) and
    ``similarity[i]`` how closely (0 for kept records). Every removed record was compared with
    the record it names (or is an exact copy of it); two records removed in favour of one kept
    record were not necessarily compared with each other.
    """

    input: str
    lines: np.ndarray  # uint32, per record
    duplicate_of: np.ndarray  # int64, per record
    similarity: np.ndarray  # float32, per record
    line_count: int  # lines of the input, blank ones included
    compared: int
    skipped: tuple[Skip, ...]
    seconds: float
    table: RecordTable
    pairs: tuple[tuple[int, int, float], ...] | None  # (record, record, similarity), when asked for

    def groups(self) -> list[list[int]]:
        """Line numbers of each group of duplicates: the kept record first, then its duplicates."""
        removed = np.flatnonzero(self.duplicate_of >= 0)
        groups: dict[int, list[int]] = {}
        for r, k in zip(removed.tolist(), self.duplicate_of[removed].tolist(), strict=True):
            groups.setdefault(k, [int(self.lines[k])]).append(int(self.lines[r]))
        return list(groups.values())


def find_duplicates(
    input_path: str | os.PathLike[str],
    *,
    threshold: float = 0.8,
    keep: str = "first",
    measure: str = "words",
    progress: Progress | None = None,
    workers: int | None = None,
    all_pairs: bool = False,
) -> Duplicates:
    """Decide which records of ``input_path`` are near-duplicates of which, writing nothing.

    This is :func:`dedup` without its third pass, with the same arguments (see there);
    ``workers`` processes read a large file and, with ``measure="paragraphs"``, compare the
    candidate pairs of a large one (default: one per usable core). With
    ``all_pairs``, :attr:`Duplicates.pairs` also lists every pair of records found similar,
    removed ones included (more comparisons; see :func:`variorum.dedup.choose.choose`).
    """
    started = time.perf_counter()
    input_path = os.fspath(input_path)
    _check_arguments(input_path, None, None, threshold, keep, measure)
    before = os.stat(input_path)
    words = measure == "words"
    vocabulary = RunningVocabulary()
    tokens = ChunkTokens(vocabulary if words else None)
    tally = WordTally() if words else None
    table, skipped, lines = scan(
        input_path, keep, tokens, count_words=words, progress=progress, workers=workers, tally=tally
    )
    columns = table.arrays()
    pairs: list[tuple[int, int, float]] | None = [] if all_pairs else None
    reader = RecordReader(input_path, table)
    try:
        cores = usable_cores() if workers is None else workers
        comparer: _Comparer | _ParagraphComparer = (
            _Comparer(reader, tokens, vocabulary, threshold, cores, tally)
            if words
            else _ParagraphComparer(reader, threshold, cores)
        )
        choice = choose(
            columns["bands"],
            columns["content"],
            columns["lengths"],
            _keep_order(columns, keep),
            comparer,
            threshold,
            progress,
            length_ratio=None if words else 0.0,
            pairs=pairs,
            visiting=comparer.visiting,
        )
    finally:
        reader.close()
    after = os.stat(input_path)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise InputError(input_path, CHANGED)
    return Duplicates(
        input=input_path,
        lines=columns["lines"],
        duplicate_of=choice.duplicate_of,
        similarity=choice.similarity,
        line_count=lines,
        compared=choice.compared,
        skipped=tuple(skipped),
        seconds=round(time.perf_counter() - started, 3),
        table=table,
        pairs=None if pairs is None else tuple(pairs),
    )


def dedup(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    *,
    threshold: float = 0.8,
    keep: str = "first",
    measure: str = "words",
    removed_path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> DedupReport:
    """Write ``input_path`` without its near-duplicate records to ``output_path``.

    ``keep`` says which record of a group stays: ``first`` in input order, ``longest`` (most
    words; ties by input order) or ``earliest`` (the ``date`` field; records without a readable
    date come last; ties by input order). ``measure`` is ``words`` (edit similarity of the
    token sequences) or ``paragraphs`` (share of paragraphs found in the other record), see
    :func:`similarity`. ``removed_path`` (default: ``OUTPUT.removed.jsonl``)
    receives one line per removed record naming the kept record it duplicates. ``output_path``
    may be ``-`` for stdout; the input must be a regular file, since it is read twice and
    revisited by offset. Raises :class:`UsageError` for bad arguments and :class:`InputError`
    when the input cannot be read or changes during the run.
    """
    source = os.fspath(input_path)
    converted = _utf8_copy(source) if os.path.isfile(source) else None
    if converted is None:
        return _dedup(source, output_path, threshold, keep, measure, removed_path, progress)
    try:
        report = _dedup(converted, output_path, threshold, keep, measure, removed_path, progress)
    finally:
        os.unlink(converted)
    skipped = tuple(Skip(k.path.replace(converted, source, 1), k.reason) for k in report.skipped)
    return dataclasses.replace(report, input=source, skipped=skipped)


def may_be_wide(sample: bytes) -> bool:
    """Whether a file starting with ``sample`` may be UTF-16 or UTF-32: without a NUL or a
    UTF-16 byte order mark (UTF-32's hold NULs), :func:`~variorum.ingest.jsonl.stream_encoding`
    can only answer UTF-8 or refuse it."""
    return b"\x00" in sample or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _utf8_copy(path: str) -> str | None:
    """A UTF-8 copy of a UTF-16 or UTF-32 JSON Lines file (which ``add`` reads too), or None
    for a file that is UTF-8 already. The passes below work on UTF-8 bytes, line by line."""
    with open(path, "rb") as f:
        sample = f.read(2**16)
    if not may_be_wide(sample):
        return None  # not importing ingest spares every run a few hundredths of a second
    from variorum.ingest.jsonl import stream_encoding

    try:
        encoding = stream_encoding(sample, path)
    except InputError:
        return None  # not UTF-16/32: the passes report its lines as they find them
    if not encoding.startswith(("utf-16", "utf-32")):
        return None
    handle, copy = tempfile.mkstemp(prefix="variorum-dedup-", suffix=".jsonl")
    try:
        with (
            open(path, encoding=encoding, newline="\n") as src,
            open(handle, "w", encoding="utf-8", newline="\n") as dst,
        ):
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except (OSError, UnicodeError) as error:
        os.unlink(copy)
        raise InputError(path, f"cannot read {encoding.upper()} text: {error}") from error
    return copy


def _dedup(
    input_path: str,
    output_path: str | os.PathLike[str],
    threshold: float,
    keep: str,
    measure: str,
    removed_path: str | os.PathLike[str] | None,
    progress: Progress | None,
) -> DedupReport:
    started = time.perf_counter()
    input_path, output_path = os.fspath(input_path), os.fspath(output_path)
    if removed_path is not None:
        removed_path = os.fspath(removed_path)
    if removed_path is None:
        if output_path == "-":
            raise UsageError("writing to stdout needs an explicit path for the removed-records sidecar")
        removed_path = removed_path_for(output_path)
    _check_arguments(input_path, output_path, removed_path, threshold, keep, measure)
    found = find_duplicates(input_path, threshold=threshold, keep=keep, measure=measure, progress=progress)
    table = found.table
    choice = Choice(found.duplicate_of, found.similarity, found.compared)
    reader = RecordReader(input_path, table)
    try:
        plan = _removals(input_path, table, choice, reader)
    finally:
        reader.close()
    outputs = [_Output(output_path)]
    ok = False
    try:
        outputs.append(_Output(removed_path))
        _write(input_path, outputs[0].stream, outputs[1].stream, plan, found.line_count, progress)
        ok = True
    finally:
        # Every output is finished (renamed or deleted), even when one of them fails: no
        # temporary file is left behind.
        failure: InputError | None = None
        for output in outputs:
            try:
                output.finish(ok and failure is None)
            except InputError as error:
                failure = failure or error
        if failure is not None:
            raise failure
    removed = len(plan.lines)
    exact = plan.exact
    return DedupReport(
        input=input_path,
        output=output_path,
        removed_path=removed_path,
        lines=found.line_count,
        records=len(table),
        kept=len(table) - removed,
        removed=removed,
        exact=exact,
        compared=found.compared,
        skipped=tuple(found.skipped),
        seconds=round(time.perf_counter() - started, 3),
    )
