"""The Spark engine: fingerprinting, candidate pairs and alignment as PySpark jobs.

Every step calls the functions the local engine calls (the ingest readers, :func:`preprocess`,
:func:`prepare`, :func:`compare_prepared`, :func:`relate`);
Spark only decides where they run. So on the same corpus both engines give the same passages,
with one definition to keep in mind:

**The reference is "all documents added in one batch".** Split words (``aggr ession``) are
repaired with the word frequencies of the corpus. ``variorum add`` adds documents in batches of
``Settings.batch_size`` and repairs each batch with the vocabulary of the documents added so
far, so a word split in an early batch may be repaired only once a later batch has shown the
whole word. The Spark engine counts the vocabulary over the whole corpus first, which is what
``variorum add`` does when ``batch_size`` is at least the number of documents. The two engines
agree exactly under that setting (``tests/test_spark.py`` checks it); with smaller batches the
local engine may miss a few repairs, never the other way round.

Documents are numbered in input order (the order ``variorum add`` meets them); side ``a`` of a
pair is the document that comes first, as in the index. The same text twice is one document
(the first); a later document reusing an earlier id with another text is skipped, as ``add``
skips it across batches. (``add`` processes a document at a time, so in the rare chain where a
skipped document's text reappears under a third id, it keeps that third one and this engine
counts it as a duplicate.)

Steps: read the files (one task per file, :mod:`variorum.spark.read`); drop repeated texts and
ids; number the documents; tokenize and segment them; count the vocabulary and broadcast it;
prepare each document; group fingerprints by hash, dropping those of more than ``max_df``
documents, into candidate pairs sharing at least ``min_shared`` of them; align each pair where
both documents meet; then on the driver,
from the pairs and passages (offsets only, no text): number passages, group families, flag
boilerplate. Everything is written as Parquet (:mod:`variorum.spark.layout`).
"""

from __future__ import annotations

import json
import operator
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyspark import StorageLevel

from variorum import __version__
from variorum.align.evidence import PairEvidence
from variorum.align.passages import compare_prepared
from variorum.config import FINGERPRINT_VERSION, Settings
from variorum.errors import UsageError
from variorum.group.families import family_id
from variorum.group.relate import relate
from variorum.group.relations import PairFacts
from variorum.model import Document, Skip, content_id
from variorum.prepare import Prepared, prepare, preprocess
from variorum.spark.layout import FORMAT_VERSION, MANIFEST, spark_schemas
from variorum.spark.read import (
    InputPlan,
    exclude_for,
    is_local,
    local_path,
    plan_inputs,
    read_local,
    read_remote,
)
from variorum.text.normalize import count_vocabulary

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import SparkSession

_KEEP = StorageLevel.MEMORY_AND_DISK
_ID_USED = "id {!r} is already used by another text"


def spark_discover(
    spark: SparkSession,
    input_path: str,
    output_path: str,
    settings: Settings,
    *,
    overwrite: bool = False,
    partitions: int | None = None,
) -> dict[str, Any]:
    """Find the passages shared by the documents under ``input_path``; write them to ``output_path``.

    ``input_path`` is a file, folder or glob of JSON Lines or Parquet files (any format
    ``variorum add`` reads works for local paths). ``partitions`` sets the parallelism of the
    per-document work (default: the context's default parallelism). Raises
    :class:`UsageError` when ``output_path`` exists and ``overwrite`` is false, or when there is
    nothing to read. Returns the counts also written to the manifest: ``read`` (records),
    ``documents``, ``duplicates``, ``skipped``, ``candidate_pairs``, ``pairs`` (with passages),
    ``passages``, ``families`` (of two or more), ``boilerplate`` (passages), ``seconds``.
    """
    started = time.perf_counter()
    sc = spark.sparkContext
    plan = plan_inputs(input_path, exclude=exclude_for(output_path))
    out = _Output(spark, output_path)
    out.clear(overwrite)
    parts = partitions or max(2, sc.defaultParallelism)
    kept: list[Any] = []  # persisted RDDs and broadcasts, released at the end

    def keep(rdd: RDD[Any]) -> RDD[Any]:
        kept.append(rdd.persist(_KEEP))
        return rdd

    def share(value: Any) -> Any:
        kept.append(sc.broadcast(value))
        return kept[-1]

    try:
        records = keep(_read(sc, plan, parts))
        reader_skips = [s for _, s in sorted(records.filter(_is_skip).collect(), key=operator.itemgetter(0))]
        docs = records.filter(lambda r: not _is_skip(r))
        n_read = docs.count()
        unique = keep(docs.map(lambda r: (content_id(r[1].text), r)).reduceByKey(_first))
        duplicates = n_read - unique.count()
        by_id = keep(unique.map(lambda hr: (hr[1][1].id, (hr[1], hr[0]))).groupByKey().mapValues(_in_order))
        id_skips = [Skip(d.path or d.id, _ID_USED.format(d.id)) for d in by_id.flatMap(_losers).collect()]

        ordered = (
            by_id.map(lambda kv: kv[1][0])
            .sortBy(lambda rh: rh[0][0], numPartitions=parts)
            .zipWithIndex()
            .map(lambda v: (v[1], (v[0][0][1], v[0][1])))
        )
        # (ordinal, (Document, content hash, raw tokens, segments, languages)), numbered in input order.
        pre = keep(ordered.mapValues(lambda dh: (dh[0], dh[1], *preprocess(dh[0].text))))
        vocab_rdd = keep(pre.mapPartitions(_partition_vocabulary).reduceByKey(operator.add))
        vocabulary = share(vocab_rdd.collectAsMap())
        prepared = keep(pre.mapValues(partial(_prepare, vocabulary=vocabulary, settings=settings)))
        n_docs = prepared.count()
        pre.unpersist()

        candidates = keep(_candidates(prepared, settings.max_df, settings.min_shared, parts))
        aligned = _align(candidates, prepared, settings).collect()
        aligned.sort(key=lambda r: (r[0], r[1]))
        pair_rows, passage_rows, family_of, flagged = _summarize(aligned, settings)
        families = share(family_of)

        schemas = spark_schemas()
        write = partial(_write, spark, out, schemas)
        write("documents", prepared.map(_document_row))
        write("families", prepared.map(partial(_family_row, families=families)))
        write("pairs", _slices(sc, pair_rows, parts))
        write("passages", _slices(sc, passage_rows, parts))
        write("vocabulary", vocab_rdd)
        skips = id_skips + reader_skips
        write("skips", _slices(sc, [(s.path, s.reason) for s in skips], 1))
        counts = {
            "read": n_read,
            "documents": n_docs,
            "duplicates": duplicates,
            "skipped": len(skips),
            "candidate_pairs": candidates.count(),
            "pairs": len(pair_rows),
            "passages": len(passage_rows),
            "families": _multi_member_families(family_of),
            "boilerplate": len(flagged),
        }
    finally:
        for item in kept:
            item.unpersist()
    counts["seconds"] = round(time.perf_counter() - started, 3)
    out.write_text(MANIFEST, json.dumps(_manifest(input_path, settings, counts), indent=2) + "\n")
    return counts


# -- steps (module functions, so that executors import them rather than unpickle closures) --


def _read(sc: SparkContext, plan: InputPlan, parts: int) -> RDD[Any]:
    skips = sc.parallelize([((-1, "", i), s) for i, s in enumerate(plan.skips)], 1)
    if plan.url is not None:
        files = sc.binaryFiles(plan.url).flatMap(lambda f: read_remote(f[0], f[1]))
    else:
        slices = max(1, min(len(plan.files), parts * 4))
        files = sc.parallelize(list(enumerate(plan.files)), slices).flatMap(lambda f: read_local(*f))
    return skips.union(files)


def _is_skip(record: tuple[Any, Document | Skip]) -> bool:
    return isinstance(record[1], Skip)


def _first(x: tuple[Any, ...], y: tuple[Any, ...]) -> tuple[Any, ...]:
    """Of two keyed records, the one met first in input order."""
    return x if x[0] <= y[0] else y


def _in_order(group: Iterable[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return sorted(group, key=lambda rh: rh[0][0])


def _losers(kv: tuple[str, list[tuple[Any, str]]]) -> Iterator[Document]:
    """Documents whose id an earlier document (of another text) already took."""
    for (_, doc), _ in kv[1][1:]:
        yield doc


def _partition_vocabulary(items: Iterable[tuple[int, tuple[Any, ...]]]) -> Iterator[tuple[str, int]]:
    return iter(count_vocabulary(v[2] for _, v in items).items())


def _prepare(
    value: tuple[Document, str, Any, Any, Any], *, vocabulary: Any, settings: Settings
) -> tuple[str, Prepared]:
    doc, content_hash, raw, segments, languages = value
    prep = prepare(doc, vocabulary.value, settings, raw=raw, segments=segments, languages=languages)
    return content_hash, prep


def _postings(item: tuple[int, tuple[str, Prepared]]) -> Iterator[tuple[int, int]]:
    num, (_, p) = item
    return ((h, num) for h in set(p.fp_hashes.tolist()))


def _candidates(prepared: RDD[Any], max_df: int, min_shared: int, parts: int) -> RDD[tuple[int, int]]:
    """Document pairs ``(a, b)``, ``a < b``, sharing at least ``min_shared`` distinct fingerprints
    held by at most ``max_df`` documents each (as :meth:`variorum.store.index.Index.candidates`).

    A posting list stops growing past ``max_df + 1`` documents: a stock phrase held by a
    million documents never has to fit in one task's memory.
    """
    cap = max_df + 1

    def add(nums: list[int], num: int) -> list[int]:
        if len(nums) < cap:
            nums.append(num)
        return nums

    def merge(x: list[int], y: list[int]) -> list[int]:
        return (x + y)[:cap]

    def pairs(nums: list[int]) -> Iterator[tuple[int, int]]:
        if 2 <= len(nums) <= max_df:
            yield from combinations(sorted(nums), 2)

    lists = prepared.flatMap(_postings).combineByKey(lambda n: [n], add, merge, parts)
    shared = lists.values().flatMap(pairs).map(lambda pair: (pair, 1)).reduceByKey(operator.add, parts)
    return shared.filter(lambda kv: kv[1] >= min_shared).keys()


def _align(candidates: RDD[tuple[int, int]], prepared: RDD[Any], settings: Settings) -> RDD[Any]:
    """Bring both prepared documents of each pair together and align them."""
    with_a = candidates.join(prepared).map(lambda kv: (kv[1][0], (kv[0], kv[1][1][1])))
    return with_a.join(prepared).flatMap(partial(_compare, settings=settings))


def _compare(item: tuple[int, Any], *, settings: Settings) -> Iterator[tuple[Any, ...]]:
    b, ((a, pa), (_, pb)) = item
    if settings.ignore_series and pa.doc.series and pa.doc.series == pb.doc.series:
        return
    result = compare_prepared(pa, pb, settings)
    if not result.passages:
        return
    covs = (result.a_coverage, result.b_coverage, result.a_body, result.b_body)
    passages = [
        (p.a_start, p.a_end, p.b_start, p.b_end, p.a_words, p.b_words, p.identity, p.earlier)
        for p in result.passages
    ]
    docs = ((pa.body_words(), pa.doc.date), (pb.body_words(), pb.doc.date))
    yield a, b, pa.doc.id, pb.doc.id, covs, result.shared_words, passages, tuple(result.evidence), docs


def _summarize(
    aligned: list[tuple[Any, ...]], settings: Settings
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[int, str], set[int]]:
    """Pair and passage rows, families and boilerplate, as ``refresh`` computes them.

    Passages are numbered from 1 in the order ``add`` stores them (pairs by document number,
    then alignment order), which is also their row id once loaded into a new index.
    """
    ids: dict[int, str] = {}
    facts, pair_rows, numbered = [], [], []
    pid = 0
    for a, b, a_id, b_id, covs, shared, passages, ev, docs in aligned:
        ids[a], ids[b] = a_id, b_id
        (a_words, a_date), (b_words, b_date) = docs
        e = PairEvidence(*ev)
        facts.append(
            PairFacts(
                a,
                b,
                a_words,
                b_words,
                covs[2],
                covs[3],
                e.a_runs,
                e.b_runs,
                e.order,
                e.longest,
                e.identity,
                shared,
                a_date,
                b_date,
                e.a_extent,
                e.b_extent,
                e.a_head,
                e.b_head,
                e.heads_alike,
            )
        )
        pair_rows.append((a_id, b_id, *covs, shared, *ev))
        for p in passages:
            pid += 1
            numbered.append((pid, a, b, a_id, b_id, p))
    # Documents in no pair are families of one: relate needs only the linked ones.
    boiler_rows = [(pid, a, b, p[0], p[1], p[2], p[3], min(p[4], p[5])) for pid, a, b, _, _, p in numbered]
    _relations, family_of, flagged = relate(ids, facts, boiler_rows, settings)
    passage_rows = [(pid, a_id, b_id, *p, pid in flagged) for pid, _, _, a_id, b_id, p in numbered]
    return pair_rows, passage_rows, family_of, flagged


def _multi_member_families(family_of: dict[int, str]) -> int:
    sizes: dict[str, int] = {}
    for fam in family_of.values():
        sizes[fam] = sizes.get(fam, 0) + 1
    return sum(1 for n in sizes.values() if n > 1)


def _document_row(item: tuple[int, tuple[str, Prepared]]) -> tuple[Any, ...]:
    num, (content_hash, p) = item
    d, t = p.doc, p.tokens
    return (
        num,
        d.id,
        content_hash,
        d.path,
        d.format,
        d.title,
        d.source,
        d.date,
        list(d.dates),
        d.series,
        json.dumps(dict(d.metadata), ensure_ascii=False, default=str),
        list(p.languages),
        len(t),
        p.body_words(),
        d.text,
        list(t.norms),
        list(t.starts),
        list(t.ends),
        [(s.start, s.end, s.language, s.role, [list(x) for x in s.sentences]) for s in p.segments],
        p.fp_hashes.tolist(),
        p.fp_positions.tolist(),
    )


def _family_row(item: tuple[int, tuple[str, Prepared]], *, families: Any) -> tuple[str, str]:
    num, (_, p) = item
    return p.doc.id, families.value.get(num) or family_id(p.doc.id)


def _slices(sc: SparkContext, rows: list[tuple[Any, ...]], parts: int) -> RDD[Any]:
    """Driver-side rows as an RDD of at most ``parts`` slices of at least 100,000 rows."""
    return sc.parallelize(rows, max(1, min(parts, len(rows) // 100_000 + 1)))


def _write(spark: SparkSession, out: _Output, schemas: dict[str, Any], name: str, rows: RDD[Any]) -> None:
    frame = spark.createDataFrame(rows, schemas[name], verifySchema=False)
    frame.write.mode("overwrite").parquet(out.child(name))


def _manifest(input_path: str, settings: Settings, counts: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "variorum-spark",
        "format_version": FORMAT_VERSION,
        "fingerprint_version": FINGERPRINT_VERSION,
        "variorum_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": input_path,
        "settings": asdict(settings),
        "counts": counts,
    }


class _Output:
    """The output folder, through Hadoop's file system API so that any Spark URL works."""

    def __init__(self, spark: SparkSession, path: str) -> None:
        jvm = spark._jvm  # type: ignore[attr-defined]
        self.path = path.rstrip("/")
        self._jvm = jvm
        self._root = jvm.org.apache.hadoop.fs.Path(self.path)
        self._fs = self._root.getFileSystem(spark._jsc.hadoopConfiguration())  # type: ignore[attr-defined]

    def child(self, name: str) -> str:
        return f"{self.path}/{name}"

    def clear(self, overwrite: bool) -> None:
        if not self._fs.exists(self._root):
            return
        if not overwrite:
            raise UsageError(f"{self.path}: already exists (choose another output, or overwrite it)")
        self._fs.delete(self._root, True)

    def write_text(self, name: str, text: str) -> None:
        if is_local(self.path):  # plainly, without the checksum file Hadoop writes beside it
            Path(local_path(self.child(name))).write_text(text, encoding="utf-8")
            return
        stream = self._fs.create(self._jvm.org.apache.hadoop.fs.Path(self.child(name)), True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()
