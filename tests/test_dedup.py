"""Near-duplicate removal from JSON Lines files (variorum.dedup).

The evaluation set is generated from a seed (``dedup_synth.py``): base texts of 300-800 words drawn from a Zipf
vocabulary whose most frequent words are English function words, near-duplicates with 1-5 % of
their words substituted, deleted or inserted, some words split ("aggr ession") and every copy
re-wrapped, and hard negatives (texts sharing one identical 60-word paragraph with others,
and everything else drawn from the same vocabulary). ``python tests/test_dedup.py`` prints
precision, recall and speed on a larger set of the same kind (see :func:`main`).
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from dedup_synth import (
    ORIGINAL,
    Corpus,
    Words,
    family,
    make_corpus,
    precision_recall,
    read_sidecar,
    write_lines,
)

import variorum.dedup as dedup_package
from variorum.dedup import DedupReport, dedup, removed_path_for, similarity
from variorum.dedup import stream as stream_module
from variorum.dedup.records import NO_DATE, date_key
from variorum.dedup.repair import reference_tokens
from variorum.errors import InputError, MalformedDocument, UsageError
from variorum.ingest import read_jsonl
from variorum.ingest.jsonl import parse_record
from variorum.text.normalize import WORD

# -- the decision on a generated evaluation set ------------------------------------------------


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory) -> tuple[Corpus, DedupReport]:
    folder = tmp_path_factory.mktemp("dedup")
    corpus = make_corpus(seed=11, bases=250, boilerplate=80)
    source = corpus.write(folder / "corpus.jsonl")
    return corpus, dedup(str(source), str(folder / "out.jsonl"))


def test_precision_and_recall_on_generated_near_duplicates(evaluation):
    corpus, report = evaluation
    precision, recall = precision_recall(corpus, report)
    assert precision >= 0.99
    assert recall >= 0.95
    assert report.records == len(corpus.records)


def test_texts_sharing_a_paragraph_or_a_vocabulary_are_kept(evaluation):
    _, report = evaluation
    removed = {r["id"] for r in read_sidecar(report)}
    assert not {i for i in removed if i.startswith("n")}


def test_every_removed_record_is_similar_to_the_record_it_names(evaluation):
    corpus, report = evaluation
    texts = {r["id"]: r["text"] for r in corpus.records}
    for entry in read_sidecar(report)[:40]:
        assert entry["similarity"] >= 0.8
        assert similarity(texts[entry["id"]], texts[entry["duplicate_of"]]) >= 0.8


def test_kept_lines_are_the_input_lines_in_order(evaluation):
    corpus, report = evaluation
    removed_lines = {r["line"] for r in read_sidecar(report)}
    source = Path(report.input).read_bytes().splitlines(keepends=True)
    expected = b"".join(line for n, line in enumerate(source, start=1) if n not in removed_lines)
    assert Path(report.output).read_bytes() == expected
    assert report.kept + report.removed == len(corpus.records)


# -- similarity: what counts as a difference -----------------------------------------------------


def test_split_words_hyphenation_and_rewrapping_do_not_count():
    damaged = (
        "On April 2, 1993 the Kalbajar district of Azerbaijan was\noccupied by armed forces of "
        "Armenia as a part of its systematic policy of aggr ession and occu-\npation against "
        "Azerbaijan.\nAs a result, around 60 000 inhabitants of Kalbajar were\nsubjected to "
        "ethnic cleansing."
    )
    assert similarity(ORIGINAL, damaged) == 1.0


def test_similarity_is_the_share_of_words_left_as_they_are():
    words = ORIGINAL.split()
    changed = " ".join(["CHANGED" if i % 10 == 0 else w for i, w in enumerate(words)])
    tokens = len(reference_tokens(ORIGINAL, {}))
    assert similarity(ORIGINAL, changed) == pytest.approx(1 - len(range(0, len(words), 10)) / tokens)


def test_a_split_word_is_repaired_by_another_records_spelling(tmp_path):
    # "aggression" is whole only in the first record: the running vocabulary repairs the second.
    whole = ORIGINAL
    split = ORIGINAL.replace("aggression", "aggr ession").replace("ethnic", "eth nic")
    source = write_lines(tmp_path / "in.jsonl", [{"id": "a", "text": whole}, {"id": "b", "text": split}])
    report = dedup(str(source), str(tmp_path / "out.jsonl"), threshold=1.0)
    assert read_sidecar(report) == [
        {"id": "b", "duplicate_of": "a", "similarity": 1.0, "line": 2, "duplicate_of_line": 1}
    ]


# -- records, sidecar and keep policies -------------------------------------------------------------


def test_keep_first_keeps_input_order(tmp_path):
    a, b, c = family()
    source = write_lines(
        tmp_path / "in.jsonl", [{"id": "x", "text": a}, {"id": "y", "text": b}, {"id": "z", "text": c}]
    )
    report = dedup(str(source), str(tmp_path / "out.jsonl"))
    assert [(r["id"], r["duplicate_of"]) for r in read_sidecar(report)] == [("y", "x"), ("z", "x")]


def test_keep_longest_keeps_the_most_words(tmp_path):
    a, b, c = family()
    source = write_lines(
        tmp_path / "in.jsonl", [{"id": "x", "text": a}, {"id": "y", "text": b}, {"id": "z", "text": c}]
    )
    report = dedup(str(source), str(tmp_path / "out.jsonl"), keep="longest")
    assert [(r["id"], r["duplicate_of"]) for r in read_sidecar(report)] == [("x", "y"), ("z", "y")]
    assert [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()] == ["y"]


def test_keep_earliest_uses_the_date_field_and_puts_undated_records_last(tmp_path):
    a, b, c = family()
    records = [
        {"id": "undated", "text": a},
        {"id": "late", "text": b, "date": "2001-05-04"},
        {"id": "early", "text": c, "date": "4 May 1999"},
    ]
    source = write_lines(tmp_path / "in.jsonl", records)
    report = dedup(str(source), str(tmp_path / "out.jsonl"), keep="earliest")
    assert {r["id"]: r["duplicate_of"] for r in read_sidecar(report)} == {"undated": "early", "late": "early"}


def test_keep_earliest_breaks_ties_by_input_order(tmp_path):
    a, b, _ = family()
    records = [{"id": "p", "text": a, "date": "2000-01-01"}, {"id": "q", "text": b, "date": "2000-01-01"}]
    source = write_lines(tmp_path / "in.jsonl", records)
    report = dedup(str(source), str(tmp_path / "out.jsonl"), keep="earliest")
    assert [(r["id"], r["duplicate_of"]) for r in read_sidecar(report)] == [("q", "p")]


def test_date_keys():
    assert date_key({"date": "2018-04-17T10:00:00Z"}) == 20180417
    assert date_key({"date": "someday"}) == date_key({}) == NO_DATE


def test_a_chain_of_edits_is_not_collapsed_onto_its_first_link(tmp_path):
    # B is A with a tenth of its words changed, C is B with another tenth: B duplicates A and C
    # duplicates B, but C is not similar enough to A, the record that stays for B.
    rng = np.random.default_rng(8)
    words = Words(rng, 5_000)
    a = words.draw(rng, 400)
    b = [w if i % 10 else "bchanged" for i, w in enumerate(a)]
    c = [w if i % 10 != 5 else "cchanged" for i, w in enumerate(b)]
    recs = [{"id": k, "text": " ".join(v)} for k, v in (("a", a), ("b", b), ("c", c))]
    source = write_lines(tmp_path / "in.jsonl", recs)
    report = dedup(str(source), str(tmp_path / "out.jsonl"), threshold=0.85)
    assert similarity(recs[0]["text"], recs[2]["text"]) < 0.85
    assert [(r["id"], r["duplicate_of"]) for r in read_sidecar(report)] == [("b", "a")]


def test_exact_copies_are_settled_without_reading_them_again(tmp_path):
    text = family()[0]
    source = write_lines(tmp_path / "in.jsonl", [{"id": i, "text": text} for i in range(5)])
    report = dedup(str(source), str(tmp_path / "out.jsonl"))
    assert report.compared == 0
    assert report.removed == report.exact == 4
    assert [r["duplicate_of"] for r in read_sidecar(report)] == [0, 0, 0, 0]


def test_exact_copies_are_counted_by_content_not_by_a_similarity_of_one(tmp_path):
    # With measure="paragraphs", a copy whose paragraphs were only reordered scores 1.0 (every
    # paragraph is found in the other) without being a copy of the same text.
    paragraphs = family()[0].split("\n\n")
    assert len(paragraphs) >= 3
    moved = [paragraphs[1], paragraphs[0], *paragraphs[2:]]
    recs = [
        {"id": "a", "text": "\n\n".join(paragraphs)},
        {"id": "moved", "text": "\n\n".join(moved)},
        {"id": "copy", "text": "\n\n".join(paragraphs)},
    ]
    source = write_lines(tmp_path / "in.jsonl", recs)
    report = dedup(str(source), str(tmp_path / "out.jsonl"), measure="paragraphs")
    sidecar = {r["id"]: r for r in read_sidecar(report)}
    assert sidecar["moved"]["duplicate_of"] == sidecar["copy"]["duplicate_of"] == "a"
    assert sidecar["moved"]["similarity"] == 1.0
    assert report.removed == 2
    assert report.exact == 1


def test_lines_are_copied_byte_for_byte(tmp_path):
    a, b, _ = family()
    lines = [
        "\ufeff" + json.dumps({"id": "first", "text": a}),
        json.dumps({"id": "dup", "text": b}) + "\r",
        json.dumps(
            {"id": "ü", "text": "Ein völlig anderer Text über etwas anderes.", "extra": [1, 2.50]},
            ensure_ascii=False,
        ),
        "",
        '{"text":  "spacing   kept", "id": 7}',
    ]
    source = tmp_path / "in.jsonl"
    source.write_bytes("\n".join(lines).encode("utf-8"))  # no newline after the last line
    report = dedup(str(source), str(tmp_path / "out.jsonl"))
    kept = [line for n, line in enumerate(lines) if n != 1]
    assert (tmp_path / "out.jsonl").read_bytes() == "\n".join(kept).encode("utf-8")
    assert read_sidecar(report) == [
        {
            "id": "dup",
            "duplicate_of": "first",
            "similarity": read_sidecar(report)[0]["similarity"],
            "line": 2,
            "duplicate_of_line": 1,
        }
    ]
    assert report.lines == 5


def test_a_record_without_id_is_named_as_ingest_names_it(tmp_path):
    a, b, _ = family()
    source = write_lines(tmp_path / "in.jsonl", [{"text": a}, {"id": "", "text": b}])
    report = dedup(str(source), str(tmp_path / "out.jsonl"))
    ids = [d.id for d in read_jsonl(str(source))]
    assert read_sidecar(report)[0]["id"] == ids[1]
    assert read_sidecar(report)[0]["duplicate_of"] == ids[0]


def test_malformed_lines_are_reported_and_passed_through(tmp_path):
    text = family()[0]
    lines = [
        json.dumps({"id": "ok", "text": text}),
        '{"id": "broken", "text": ',
        "[1, 2]",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "number", "text": 5}),
        json.dumps({"id": True, "text": text}),
        json.dumps({"id": "empty", "text": " -- "}),
        json.dumps({"id": "copy", "text": text}),
    ]
    source = write_lines(tmp_path / "in.jsonl", lines)
    report = dedup(str(source), str(tmp_path / "out.jsonl"))
    assert [(s.path, s.reason) for s in report.skipped] == [
        (f"{source}:2", "invalid JSON: Expecting value (column 26)"),
        (f"{source}:3", "record is a JSON list, not an object"),
        (f"{source}:4", 'record has no "text" field'),
        (f"{source}:5", '"text" is a int, not a string'),
        (f"{source}:6", '"id" is a bool, not a string or a number'),
        (f"{source}:7", "text has no words to compare"),
    ]
    assert (tmp_path / "out.jsonl").read_text().splitlines() == lines[:-1]
    assert [r["id"] for r in read_sidecar(report)] == ["copy"]
    assert report.records == 2
    # The same reasons as `variorum add` gives for the same lines.
    for skip, line in zip(report.skipped[:5], lines[1:6], strict=True):
        with pytest.raises(MalformedDocument) as error:
            parse_record(line, where=skip.path, file=str(source))
        assert error.value.reason == skip.reason


def test_invalid_utf8_is_reported(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n')
    report = dedup(str(source), str(tmp_path / "out.jsonl"))
    assert report.skipped[0].reason == "invalid UTF-8 at byte 24"
    assert (tmp_path / "out.jsonl").read_bytes() == source.read_bytes()


def test_lone_surrogates_in_ids_and_texts(tmp_path):
    text = family()[0] + " \ud800"
    records = [{"id": "a\ud800", "text": text}, {"id": "b\ud800", "text": text}, {"text": text}]
    report = dedup(
        str(write_lines(tmp_path / "in.jsonl", [json.dumps(r) for r in records])), str(tmp_path / "o.jsonl")
    )
    sidecar = read_sidecar(report)
    assert [(r["id"], r["duplicate_of"]) for r in sidecar[:1]] == [("b\ud800", "a\ud800")]
    assert sidecar[1]["id"].startswith("d")


def test_paths_may_be_path_objects(tmp_path):
    a, b, _ = family()
    source = write_lines(tmp_path / "in.jsonl", [{"id": "a", "text": a}, {"id": "b", "text": b}])
    report = dedup(source, tmp_path / "out.jsonl", removed_path=tmp_path / "gone.jsonl")
    assert report.removed_path == str(tmp_path / "gone.jsonl")
    assert report.removed == 1


def test_default_sidecar_path():
    assert removed_path_for("data/out.jsonl") == "data/out.removed.jsonl"
    assert removed_path_for("out") == "out.removed.jsonl"


def test_output_to_stdout(tmp_path, capfdbinary):
    a, b, _ = family()
    source = write_lines(tmp_path / "in.jsonl", [{"id": "a", "text": a}, {"id": "b", "text": b}])
    dedup(str(source), "-", removed_path=str(tmp_path / "removed.jsonl"))
    assert capfdbinary.readouterr().out == source.read_bytes().splitlines(keepends=True)[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"keep": "last"}, "--keep 'last'"),
        ({"threshold": 0.0}, "--threshold 0.0"),
        ({"threshold": 1.5}, "--threshold 1.5"),
    ],
)
def test_bad_arguments(tmp_path, kwargs, message):
    source = write_lines(tmp_path / "in.jsonl", [{"id": "a", "text": "some words"}])
    with pytest.raises(UsageError, match=message):
        dedup(str(source), str(tmp_path / "out.jsonl"), **kwargs)


def test_bad_paths(tmp_path):
    source = write_lines(tmp_path / "in.jsonl", [{"id": "a", "text": "some words"}])
    with pytest.raises(UsageError, match="three different files"):
        dedup(str(source), str(source))
    with pytest.raises(UsageError, match="cannot read stdin"):
        dedup("-", str(tmp_path / "out.jsonl"))
    with pytest.raises(UsageError, match="explicit path"):
        dedup(str(source), "-")
    with pytest.raises(InputError, match="no such file"):
        dedup(str(tmp_path / "missing.jsonl"), str(tmp_path / "out.jsonl"))
    assert not (tmp_path / "out.jsonl").exists()


def test_no_partial_output_after_a_failure(tmp_path, monkeypatch):
    a, b, _ = family()
    source = write_lines(tmp_path / "in.jsonl", [{"id": "a", "text": a}, {"id": "b", "text": b}])

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("variorum.dedup.stream._write", fail)
    with pytest.raises(RuntimeError):
        dedup(str(source), str(tmp_path / "out.jsonl"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_progress_reports_every_stage(tmp_path):
    corpus = make_corpus(seed=4, bases=20)
    source = corpus.write(tmp_path / "in.jsonl")
    seen: Counter[str] = Counter()
    report = dedup(
        str(source), str(tmp_path / "out.jsonl"), progress=lambda stage, n: seen.update({stage: n})
    )
    assert seen["reading"] == seen["writing"] == report.lines == len(corpus.records)
    assert 0 < seen["comparing"] <= report.records


@pytest.mark.parametrize("change", ["shorter", "shifted", "not a record"])
def test_a_file_changed_between_the_passes_stops_the_second_one(tmp_path, monkeypatch, change):
    # The second pass copies byte ranges found by the first; a file changed in between must not
    # be copied with the wrong lines left out.
    corpus = make_corpus(seed=4, bases=20)
    source = corpus.write(tmp_path / "in.jsonl")
    real = stream_module.find_duplicates

    def then_change(*args, **kwargs):
        found = real(*args, **kwargs)
        assert (found.duplicate_of >= 0).any()
        data = source.read_bytes()
        if change == "shorter":
            data = data[: len(data) // 3]
        elif change == "shifted":
            data = b'{"text": "a new first record"}\n' + data
        else:
            data = data.replace(b'"text"', b'"txet"')
        source.write_bytes(data)
        return found

    monkeypatch.setattr(stream_module, "find_duplicates", then_change)
    with pytest.raises(InputError, match="changed while being deduplicated"):
        dedup(str(source), str(tmp_path / "out.jsonl"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


# -- streaming: memory per record, not per byte of text --------------------------------------------


def short_records(path: Path, n: int, words: int, seed: int = 2) -> Path:
    rng = np.random.default_rng(seed)
    vocabulary = Words(rng, 5_000)
    with path.open("w", encoding="utf-8") as out:
        pool = vocabulary.draw(rng, n * words)
        for i in range(n):
            text = " ".join(pool[i * words : (i + 1) * words])
            if i % 10 == 9:  # every tenth record repeats the one before
                text = " ".join(pool[(i - 1) * words : i * words])
            out.write(json.dumps({"id": i, "text": text}) + "\n")
    return path


def peak_memory(source: Path, tmp_path: Path) -> tuple[int, DedupReport]:
    tracemalloc.start()
    try:
        report = dedup(str(source), str(tmp_path / f"{source.stem}.out.jsonl"))
        return tracemalloc.get_traced_memory()[1], report
    finally:
        tracemalloc.stop()


def test_memory_grows_by_a_few_hundred_bytes_per_record_whatever_the_text_size(tmp_path):
    dedup(str(short_records(tmp_path / "warm.jsonl", 200, 20)), str(tmp_path / "warm.out.jsonl"))
    small, _ = peak_memory(short_records(tmp_path / "small.jsonl", 1_000, 150), tmp_path)
    large_file = short_records(tmp_path / "large.jsonl", 20_000, 150)
    large, report = peak_memory(large_file, tmp_path)
    assert report.records == 20_000 and report.removed >= 2_000
    per_record = (large - small) / 19_000
    assert per_record < 500  # RECORD_BYTES and the selection's arrays, while a line is ~1 KB
    assert large < 0.7 * large_file.stat().st_size


def test_public_surface():
    assert set(dedup_package.__all__) == {
        "KEEP",
        "MEASURES",
        "RECORD_BYTES",
        "REMOVED_SUFFIX",
        "DedupReport",
        "Duplicates",
        "dedup",
        "find_duplicates",
        "removed_path_for",
        "similarity",
    }
    assert WORD == 0


def main(argv: list[str]) -> None:
    """Print precision, recall and speed on a larger generated set (not run by pytest).

    ``python tests/test_dedup.py [BASES [MAX_COPIES]]``: BASES texts (2,000) with 0 to
    MAX_COPIES (3) near-duplicates each, and BASES / 4 texts sharing a paragraph.
    """
    import tempfile

    bases = int(argv[0]) if argv else 2_000
    max_copies = int(argv[1]) if len(argv) > 1 else 3
    corpus = make_corpus(seed=29, bases=bases, boilerplate=bases // 4, max_copies=max_copies)
    with tempfile.TemporaryDirectory() as folder:
        source = corpus.write(Path(folder) / "corpus.jsonl")
        words = sum(len(r["text"].split()) for r in corpus.records) / len(corpus.records)
        started = time.perf_counter()
        cpu = time.process_time()
        report = dedup(str(source), str(Path(folder) / "out.jsonl"))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        precision, recall = precision_recall(corpus, report)
    print(
        f"{len(corpus.records)} records of {words:.0f} words on average, {corpus.expected_removals()} duplicates"
    )
    print(
        f"removed {report.removed} ({report.exact} identical once normalized), {report.compared} pairs compared"
    )
    print(f"precision {precision:.4f}  recall {recall:.4f}  at threshold 0.8")
    print(
        f"{len(corpus.records) / wall:.0f} records/s wall, {len(corpus.records) / cpu:.0f} records/s of CPU time"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
