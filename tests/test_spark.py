"""The Spark engine gives the local engine's passages and families, and loads into the same index.

One real local-mode Spark session serves the module (it takes ~10 s to start). The corpus is
generated here from a seed: unrelated documents, families of 2-5 versions with dropped and
moved paragraphs, substituted words and words split by extraction ("aggr ession"), a sign-off
sentence shared across families (boilerplate), one repeated text and one malformed line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from reuse_synth import make_records

from variorum import pipeline
from variorum.config import Settings
from variorum.errors import UsageError
from variorum.ingest import read_inputs
from variorum.model import Skip
from variorum.spark.session import java_path
from variorum.store.index import Index

# Under `pytest -n --dist loadgroup` the module's tests share one worker, hence one Spark session.
pytestmark = pytest.mark.xdist_group("spark")

# The reference of the Spark engine: every document added in one batch (see engine docstring).
SETTINGS = Settings(batch_size=10_000)


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(7, '{"id": "broken", "text": ')  # one malformed record, skipped by both engines
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    if java_path() is None:
        pytest.skip("Java is not installed: the Spark engine needs a JVM (Java 17 or newer)")
    from variorum.spark.session import make_session

    session = make_session("local[2]", app_name="variorum-tests", shuffle_partitions=4)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", make_records())


@pytest.fixture(scope="module")
def local_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory):
    skipped: list[Skip] = []
    index = Index.open(tmp_path_factory.mktemp("local") / "local.db")
    docs = read_inputs([str(corpus)], on_skip=skipped.append)
    pipeline.add(index, docs, SETTINGS, skipped=skipped)
    yield index
    index.close()


@pytest.fixture(scope="module")
def spark_output(spark, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from variorum.spark.engine import spark_discover

    out = tmp_path_factory.mktemp("spark") / "out"
    counts = spark_discover(spark, str(corpus), str(out), SETTINGS, partitions=4)
    return out, counts


def _rows(out: Path, name: str) -> list[dict[str, Any]]:
    return pq.read_table(out / name).to_pylist()


def _local_passages(index: Index) -> set[tuple]:
    ids = index.document_ids()
    return {
        (ids[a], ids[b], a0, a1, b0, b1, aw, bw, ident, earlier, bool(boiler), pid)
        for pid, a, b, a0, a1, b0, b1, aw, bw, ident, boiler, earlier in index.passage_rows()
    }


def _spark_passages(out: Path) -> set[tuple]:
    keys = ("a_doc", "b_doc", "a_start", "a_end", "b_start", "b_end", "a_words", "b_words", "identity")
    return {(*(r[k] for k in keys), r["earlier"], r["boilerplate"], r["id"]) for r in _rows(out, "passages")}


# -- the engines agree ------------------------------------------------------------------------


def test_spark_finds_the_local_passages(spark_output, local_index: Index) -> None:
    out, counts = spark_output
    local = _local_passages(local_index)
    assert len(local) > 50, "the corpus should share many passages"
    assert any(p[10] for p in local), "the sign-off should be flagged as boilerplate"
    assert _spark_passages(out) == local
    assert counts["passages"] == len(local)
    assert counts["duplicates"] == 1
    assert counts["documents"] == local_index.count("documents")


def test_spark_finds_the_local_pairs_and_families(spark_output, local_index: Index) -> None:
    out, counts = spark_output
    ids = local_index.document_ids()
    local_pairs = {(ids[a], ids[b], ab, bb, sw) for a, b, ab, bb, sw in local_index.pair_rows()}
    spark_pairs = {(r["a"], r["b"], r["a_body"], r["b_body"], r["shared_words"]) for r in _rows(out, "pairs")}
    assert spark_pairs == local_pairs
    local_families = {r["id"]: r["family"] for r in local_index.doc_rows()}
    assert {r["id"]: r["family"] for r in _rows(out, "families")} == local_families
    assert counts["families"] >= 15


def test_spark_repairs_split_words_with_the_corpus_vocabulary(spark_output) -> None:
    out, _ = spark_output
    joined = [
        d["id"]
        for d in _rows(out, "documents")
        if any(" " in d["text"][s:e] for s, e in zip(d["starts"], d["ends"], strict=True))
    ]
    assert joined, "some split word should have been repaired"


def test_loading_spark_output_gives_the_local_index(spark_output, local_index: Index, tmp_path) -> None:
    from variorum.spark.load import load_spark_output

    out, counts = spark_output
    with Index.open(tmp_path / "loaded.db") as loaded:
        report = load_spark_output(loaded, out, SETTINGS)
        assert report.added == counts["documents"]
        assert report.passages == counts["passages"]
        assert [s.reason for s in report.skipped] == [s.reason for s in _local_skips(local_index)]
        for include_single in (False, True):
            assert pipeline.families(loaded, SETTINGS, include_single=include_single) == pipeline.families(
                local_index, SETTINGS, include_single=include_single
            )
        assert pipeline.passages(loaded, SETTINGS) == pipeline.passages(local_index, SETTINGS)
        assert loaded.vocabulary() == local_index.vocabulary()
        assert loaded.postings() == local_index.postings()
        doc = local_index.document(3)
        assert pipeline.query(loaded, doc, SETTINGS) == pipeline.query(local_index, doc, SETTINGS)
        with pytest.raises(UsageError, match="already holds documents"):
            load_spark_output(loaded, out, SETTINGS)


def _local_skips(index: Index) -> list[Skip]:
    return [Skip(p, r) for p, r in index.conn.execute("SELECT path, reason FROM skips ORDER BY rowid")]


def test_parquet_input_and_ignore_series_agree_with_the_local_engine(spark, corpus, tmp_path) -> None:
    """A Parquet copy of the corpus, aligned ignoring reuse inside a series, in both engines."""
    import pyarrow as pa

    from variorum.spark.engine import spark_discover

    settings = replace(SETTINGS, ignore_series=True)
    with Index.open(tmp_path / "local.db") as local:
        pipeline.add(local, read_inputs([str(corpus)]), settings)
        expected = _local_passages(local)
        series = dict(local.conn.execute("SELECT id, series FROM documents"))
    records = make_records()
    columns = {key: [r.get(key) for r in records] for key in ("id", "text", "date", "series", "source")}
    pq.write_table(pa.table(columns), tmp_path / "corpus.parquet", row_group_size=64)
    counts = spark_discover(spark, str(tmp_path / "corpus.parquet"), str(tmp_path / "out"), settings)
    assert counts["skipped"] == 0
    found = _spark_passages(tmp_path / "out")
    assert found == expected
    assert not any(series[p[0]] and series[p[0]] == series[p[1]] for p in found)
    with pytest.raises(UsageError, match="already exists"):
        spark_discover(spark, str(tmp_path / "corpus.parquet"), str(tmp_path / "out"), settings)


# -- requirements and entry points (no Spark needed) ------------------------------------------


def test_missing_java_is_a_usage_error_with_a_hint(monkeypatch) -> None:
    from variorum.spark import session

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(session.shutil, "which", lambda name: None)
    with pytest.raises(UsageError, match="needs Java"):
        session.run_spark_discover("in.jsonl", "out", SETTINGS)


def test_missing_pyspark_is_a_usage_error_with_a_hint(monkeypatch) -> None:
    from variorum.spark import session

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(UsageError, match=r"pip install 'variorum\[spark\]'"):
        session.check_requirements()


def test_remote_files_are_read_like_local_ones(corpus: Path) -> None:
    """What ``binaryFiles`` hands over (a URL and the bytes) gives the documents of the local reader."""
    from variorum.spark.read import read_remote

    local = list(read_inputs([str(corpus)], on_skip=lambda s: None))
    remote = [doc for _, doc in read_remote("s3a://bucket/corpus.jsonl", corpus.read_bytes())]
    docs = [d for d in remote if not isinstance(d, Skip)]
    assert [(d.id, d.text, d.date, d.series) for d in docs] == [
        (d.id, d.text, d.date, d.series) for d in local
    ]
    assert docs[0].path == "s3a://bucket/corpus.jsonl:1"
    assert [s.path for s in remote if isinstance(s, Skip)] == ["s3a://bucket/corpus.jsonl:8"]


def test_submit_arguments() -> None:
    from variorum.spark.submit import parse_args, settings_from

    args = parse_args(["hdfs:///c", "-o", "hdfs:///out", "--min-words", "30", "--ignore-series"])
    assert (args.input, args.output, args.overwrite) == ("hdfs:///c", "hdfs:///out", False)
    settings = settings_from(args)
    assert (settings.min_words, settings.ignore_series) == (30, True)


def test_loading_refuses_other_fingerprint_settings(spark_output, tmp_path) -> None:
    from variorum.spark.load import load_spark_output

    out, _ = spark_output
    with Index.open(tmp_path / "x.db") as index, pytest.raises(UsageError, match="ngram=5, not 6"):
        load_spark_output(index, out, replace(SETTINGS, ngram=6))


def test_public_surface_imports_no_spark() -> None:
    import variorum.spark

    assert variorum.spark.__all__ == [
        "FORMAT_VERSION",
        "check_requirements",
        "load_spark_output",
        "make_session",
        "read_manifest",
        "run_spark_discover",
        "spark_discover",
    ]
    # The CLI imports the package to report a missing PySpark: the import itself must not need it.
    code = "import sys, variorum.spark, variorum.spark.load; assert 'pyspark' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
