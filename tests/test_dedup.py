"""Near-duplicate removal from JSON Lines files (variorum.dedup).

The evaluation set is generated here from a seed: base texts of 300-800 words drawn from a Zipf
vocabulary whose most frequent words are English function words, near-duplicates with 1-5 % of
their words substituted, deleted or inserted, some words split ("aggr ession") and every copy
re-wrapped, and hard negatives (texts sharing one identical 60-word paragraph with others,
and everything else drawn from the same vocabulary). ``python tests/test_dedup.py`` prints
precision, recall and speed on a larger set of the same kind (see :func:`main`).
"""

from __future__ import annotations

import itertools
import json
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import variorum.dedup as dedup_package
from variorum.dedup import RECORD_BYTES, DedupReport, dedup, find_duplicates, removed_path_for, similarity
from variorum.dedup import scan as scan_module
from variorum.dedup import stream as stream_module
from variorum.dedup import verify as verify_module
from variorum.dedup.batch import fast_path, fold_table, sign_texts, token_arrays
from variorum.dedup.choose import choose
from variorum.dedup.paragraphs import _slow_paragraphs, paragraph_similarity, paragraphs, paragraphs_of
from variorum.dedup.records import NO_DATE, date_key
from variorum.dedup.repair import reference_tokens
from variorum.dedup.signature import SIGNATURE_BYTES, band_keys, content_hash
from variorum.dedup.tokens import ChunkTokens, RunningVocabulary, VocabularyIndex, token_hash
from variorum.errors import InputError, MalformedDocument, UsageError
from variorum.ingest import read_jsonl
from variorum.ingest.jsonl import parse_record
from variorum.text.normalize import WORD, count_vocabulary, raw_tokens

# -- a generated corpus with known families --------------------------------------------------

FUNCTION_WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which "
    "but have an they you were her she there been one all we their has would when if more no its"
).split()
ONSETS = "b c d f g h k l m n p r s t v w z br tr st ch th pl gr".split()
VOWELS = "a e i o u ai ea ou io".split()


class Words:
    """A Zipf vocabulary (exponent 1) whose most frequent ranks are English function words."""

    def __init__(self, rng: np.random.Generator, size: int = 20_000) -> None:
        words = list(FUNCTION_WORDS)
        seen = set(words)
        while len(words) < size:
            syllables = int(rng.integers(1 if len(words) < 300 else 2, 5))
            word = "".join(
                ONSETS[rng.integers(len(ONSETS))] + VOWELS[rng.integers(len(VOWELS))]
                for _ in range(syllables)
            )
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = np.array(words, dtype=object)
        weights = 1.0 / np.arange(1, size + 1)
        self.cdf = np.cumsum(weights / weights.sum())

    def draw(self, rng: np.random.Generator, n: int) -> list[str]:
        at = np.searchsorted(self.cdf, rng.random(n))
        return self.words[np.minimum(at, len(self.cdf) - 1)].tolist()

    def paragraphs(self, rng: np.random.Generator, n_words: int) -> list[list[str]]:
        out: list[list[str]] = []
        while sum(map(len, out)) < n_words:
            out.append(self.draw(rng, int(rng.integers(40, 90))))
        return out


def edited(
    rng: np.random.Generator, words: Words, paragraphs: list[list[str]], rate: float
) -> list[list[str]]:
    """A copy with ``rate`` of its words substituted, deleted or inserted (at least one edit)."""
    paras = [list(p) for p in paragraphs]
    total = sum(map(len, paras))
    for _ in range(max(1, round(total * rate))):
        p = paras[int(rng.integers(len(paras)))]
        i = int(rng.integers(len(p)))
        op = int(rng.integers(3))
        if op == 0:
            p[i] = words.draw(rng, 1)[0]
        elif op == 1 and len(p) > 1:
            del p[i]
        else:
            p.insert(i, words.draw(rng, 1)[0])
    return paras


def split_some(rng: np.random.Generator, paragraphs: list[list[str]], n: int) -> list[list[str]]:
    """``n`` words of 7+ letters cut in two by a space, as PDF extraction cuts them."""
    paras = [list(p) for p in paragraphs]
    slots = [(a, b) for a, p in enumerate(paras) for b, w in enumerate(p) if len(w) >= 7 and " " not in w]
    for k in rng.permutation(len(slots))[:n].tolist():
        a, b = slots[k]
        word = paras[a][b]
        cut = int(rng.integers(3, len(word) - 2))
        paras[a][b] = word[:cut] + " " + word[cut:]
    return paras


def render(rng: np.random.Generator, paragraphs: list[list[str]]) -> str:
    """Paragraphs hard-wrapped at a width of this copy's own (each reprint wraps differently)."""
    width = int(rng.integers(45, 100))
    out = []
    for para in paragraphs:
        lines, line = [], ""
        for word in " ".join(para).split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        text = "\n".join(lines)
        out.append(text[:1].upper() + text[1:] + ".")
    return "\n\n".join(out)


@dataclass
class Corpus:
    records: list[dict]
    family: dict[str, str] = field(default_factory=dict)  # record id -> family, duplicates only

    def expected_removals(self) -> int:
        sizes = Counter(self.family.values())
        return sum(n - 1 for n in sizes.values())

    def write(self, path: Path) -> Path:
        path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records), encoding="utf-8"
        )
        return path


def make_corpus(seed: int, bases: int, boilerplate: int = 0, max_copies: int = 3) -> Corpus:
    """``bases`` texts with 0 to ``max_copies`` near-duplicates each, plus ``boilerplate`` texts
    that share one 60-word paragraph with a few others; shuffled."""
    rng = np.random.default_rng(seed)
    words = Words(rng)
    corpus = Corpus([])
    for b in range(bases):
        base = words.paragraphs(rng, int(rng.integers(300, 801)))
        copies = int(rng.integers(0, max_copies + 1))
        corpus.records.append({"id": f"b{b}", "text": render(rng, base)})
        if copies:
            corpus.family[f"b{b}"] = f"b{b}"
        for c in range(copies):
            copy = edited(rng, words, base, float(rng.uniform(0.01, 0.05)))
            copy = split_some(rng, copy, int(rng.integers(0, 4)))
            corpus.records.append({"id": f"b{b}c{c}", "text": render(rng, copy)})
            corpus.family[f"b{b}c{c}"] = f"b{b}"
    shared = [words.draw(rng, 60) for _ in range(max(1, boilerplate // 4))]
    for n in range(boilerplate):
        paras = words.paragraphs(rng, int(rng.integers(300, 801)))
        paras.insert(int(rng.integers(len(paras) + 1)), shared[n % len(shared)])
        corpus.records.append({"id": f"n{n}", "text": render(rng, paras)})
    order = rng.permutation(len(corpus.records))
    corpus.records = [corpus.records[i] for i in order.tolist()]
    return corpus


def read_sidecar(report: DedupReport) -> list[dict]:
    return [json.loads(line) for line in Path(report.removed_path).read_text(encoding="utf-8").splitlines()]


def precision_recall(corpus: Corpus, report: DedupReport) -> tuple[float, float]:
    removed = read_sidecar(report)
    right = sum(
        1
        for r in removed
        if r["id"] in corpus.family and corpus.family[r["id"]] == corpus.family.get(r["duplicate_of"])
    )
    precision = right / len(removed) if removed else 1.0
    expected = corpus.expected_removals()
    return precision, right / expected if expected else 1.0


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

ORIGINAL = (
    "On April 2, 1993 the Kalbajar district of Azerbaijan was occupied by armed forces of Armenia "
    "as a part of its systematic policy of aggression and occupation against Azerbaijan. As a "
    "result, around 60.000 inhabitants of Kalbajar were subjected to ethnic cleansing."
)


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


# -- the fast tokenizer is the normalizer --------------------------------------------------------

pieces = st.sampled_from(
    [*"abc xyz ABC éñ ё ж 联合 12 3.,-’'*^{}\n\t\xa0\xad", "60 000", "1,500", " fro m ", "aggr ession",
     "coun-\nter", "er}", "part", " a ", "inter nation al", "\u2028", "\x1c"]
)  # fmt: skip
texts = st.lists(pieces, max_size=60).map("".join)
vocabularies = st.dictionaries(
    st.sampled_from(
        ["from", "aggression", "counter", "international", "apart", "part", "a", "fro", "m", "abc"]
    ),
    st.integers(1, 5),
)


def hashed(norms: list[str]) -> list[int]:
    return [token_hash(n) for n in norms]


@given(texts)
@settings(max_examples=300, deadline=None)
def test_scan_tokens_are_the_normalizers_tokens(text):
    tokens = ChunkTokens(cache_size=8)  # a tiny cache, emptied again and again
    expected = hashed(raw_tokens(text).norms)
    assert tokens.scan_tokens(text).tolist() == expected
    assert tokens.scan_tokens(text).tolist() == expected  # and again from the cache


@given(texts, vocabularies, st.booleans())
@settings(max_examples=500, deadline=None)
def test_compare_tokens_repair_splits_as_the_normalizer_does(text, running, complete):
    if complete:  # the running counts already hold the text's own words
        running = dict(count_vocabulary([raw_tokens(text)], Counter(running)))
    tokens = ChunkTokens()
    got = tokens.compare_tokens(text, VocabularyIndex(running), complete=complete)
    assert got.tolist() == hashed(reference_tokens(text, running, complete=complete))


def test_compare_tokens_on_generated_prose_with_splits():
    corpus = make_corpus(seed=3, bases=30)
    vocabulary = RunningVocabulary()
    tokens = ChunkTokens(vocabulary, cache_size=2_000)
    for record in corpus.records:
        tokens.scan_tokens(record["text"])
    tokens.fold()
    expected = count_vocabulary(raw_tokens(r["text"]) for r in corpus.records)
    assert vocabulary.counts == expected
    index = VocabularyIndex(vocabulary.counts)
    for record in corpus.records:
        got = tokens.compare_tokens(record["text"], index, complete=True)
        assert got.tolist() == hashed(reference_tokens(record["text"], vocabulary.counts, complete=True))


def test_the_running_vocabulary_is_bounded():
    vocabulary = RunningVocabulary(limit=10)
    vocabulary.add(["the"] * 5 + [f"w{i}" for i in range(20)])
    assert len(vocabulary.counts) <= 10
    assert vocabulary.counts["the"] == 5
    assert vocabulary.pruned


def test_dedup_still_repairs_after_the_vocabulary_is_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr("variorum.dedup.tokens.VOCABULARY_SIZE", 20)
    split = ORIGINAL.replace("aggression", "aggr ession")
    records = [{"id": "a", "text": ORIGINAL + " aggression"}, {"id": "b", "text": split + " aggression"}]
    source = write_lines(tmp_path / "in.jsonl", records)
    report = dedup(str(source), str(tmp_path / "out.jsonl"), threshold=1.0)
    assert [r["id"] for r in read_sidecar(report)] == ["b"]


def test_a_small_chunk_cache_changes_nothing(tmp_path, monkeypatch):
    corpus = make_corpus(seed=6, bases=25)
    source = corpus.write(tmp_path / "in.jsonl")
    default = dedup(str(source), str(tmp_path / "default.jsonl"))
    monkeypatch.setattr("variorum.dedup.tokens.CHUNK_CACHE_SIZE", 3_000)  # emptied every few records
    small = dedup(str(source), str(tmp_path / "small.jsonl"))
    assert read_sidecar(small) == read_sidecar(default)
    assert small.removed > 0


# -- signatures ------------------------------------------------------------------------------------


def test_signature_memory_per_record():
    assert SIGNATURE_BYTES == 256
    assert RECORD_BYTES <= 300


def test_band_keys_agree_for_equal_tokens_and_short_texts_get_keys():
    tokens = ChunkTokens().scan_tokens(ORIGINAL)
    assert (band_keys(tokens) == band_keys(tokens.copy())).all()
    short = ChunkTokens().scan_tokens("one two")
    assert len(band_keys(short)) == 32


# -- the batch path signs as the per-text path does ------------------------------------------------

ascii_pieces = st.sampled_from(
    [
        "abc",
        "XyZ",
        " ",
        "\n",
        "\n\n",
        ",",
        ".",
        "-",
        "*",
        "q",
        "Hello",
        "world",
        "a b c",
        "\t",
        "!",
        "12",
        "it's",
    ]
)
ascii_texts = st.lists(ascii_pieces, max_size=80).map("".join)


def per_text(text: str) -> tuple[int, int, list[int]]:
    hashes = ChunkTokens().scan_tokens(text)
    if not len(hashes):
        return 0, 0, [0] * 32
    return len(hashes), content_hash(hashes), band_keys(hashes).tolist()


@given(st.lists(ascii_texts, min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_the_batch_path_signs_as_the_per_text_path(texts):
    signed = sign_texts([fast_path(t) for t in texts])
    for k, text in enumerate(texts):
        if not signed.ok[k]:
            assert any(c in text for c in "0123456789'`^")
            continue
        got = (int(signed.lengths[k]), int(signed.content[k]), signed.bands[k].tolist())
        assert got == per_text(text)


def test_the_batch_path_on_generated_prose():
    corpus = make_corpus(seed=8, bases=20)
    texts = [r["text"] for r in corpus.records]
    signed = sign_texts([fast_path(t) for t in texts])
    assert signed.ok.all()
    for k, text in enumerate(texts):
        assert (int(signed.lengths[k]), int(signed.content[k]), signed.bands[k].tolist()) == per_text(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGZ .,\n", max_size=200))
@settings(max_examples=200, deadline=None)
def test_batch_token_hashes_are_token_hash(text):
    _, _, hashes = token_arrays(np.frombuffer(text.encode("ascii"), dtype=np.uint8))
    assert hashes.tolist() == hashed(raw_tokens(text).norms)


def test_accented_latin_text_is_folded_and_other_scripts_are_left_to_the_per_text_path():
    assert fast_path("Déjà vu\u00a0— «Straße»") == b"Deja vu . .Strasse."
    assert fast_path("plain") == b"plain"
    assert fast_path("l\u2019été") is None  # an apostrophe joins words: the normalizer decides
    assert fast_path("中文") is None
    assert fast_path("αβγ") is None


# Non-ASCII pieces: folded letters, combining marks, soft hyphens, spaces and punctuation the
# fast path reads, and characters it must leave to the per-text path.
mixed_pieces = st.one_of(
    ascii_pieces,
    st.sampled_from(
        ["é", "É", "ñ", "ß", "ǅ", "ŉ", "İ", "\u0301", "\u00ad", "\u00a0", "\u2028", "—", "«", "»", "…"]
    ),
    st.sampled_from(["’", "中", "α", "æ", "²", "\u200b", "ﬁ"]),
    st.sampled_from(sorted(map(chr, fold_table()))),
)
mixed_texts = st.lists(mixed_pieces, max_size=60).map("".join)


@given(mixed_texts)
@settings(max_examples=300, deadline=None)
def test_folded_text_has_the_normalizers_tokens(text):
    data = fast_path(text)
    if data is None:
        assert any(ord(c) > 127 and ord(c) not in fold_table() for c in text)
        return
    if any(c in data for c in b"0123456789'`^"):
        return  # sign_texts leaves these to the per-text path
    _, _, hashes = token_arrays(np.frombuffer(data, dtype=np.uint8))
    assert hashes.tolist() == hashed(raw_tokens(text).norms)


@given(st.lists(mixed_texts, min_size=1, max_size=6))
@settings(max_examples=150, deadline=None)
def test_the_batch_path_signs_folded_texts_as_the_per_text_path(texts):
    datas = [fast_path(t) for t in texts]
    signed = sign_texts([d for d in datas if d is not None])
    at = 0
    for text, data in zip(texts, datas, strict=True):
        if data is None:
            continue
        if signed.ok[at]:
            got = (int(signed.lengths[at]), int(signed.content[at]), signed.bands[at].tolist())
            assert got == per_text(text)
        at += 1


@given(st.lists(st.lists(st.one_of(mixed_pieces, st.just("\n \n")), max_size=40).map("".join), max_size=6))
@settings(max_examples=150, deadline=None)
def test_paragraphs_of_a_batch_are_those_of_each_text_alone(texts):
    together = paragraphs_of(texts, ChunkTokens())
    for text, got in zip(texts, together, strict=True):
        alone = _slow_paragraphs(text, ChunkTokens())
        assert got.count == alone.count
        assert got.shingles.tolist() == alone.shingles.tolist()
        assert got.paragraph.tolist() == alone.paragraph.tolist()
        assert got.distinct.tolist() == alone.distinct.tolist()


def test_parallel_reading_gives_the_same_decision(tmp_path, monkeypatch):
    corpus = make_corpus(seed=12, bases=60, boilerplate=20)
    corpus.records.append({"id": "accents", "text": "Un texte français, déjà vu, 60 000 fois."})
    source = corpus.write(tmp_path / "in.jsonl")
    with source.open("a", encoding="utf-8") as out:
        out.write("not json\n\n")
        out.write(json.dumps({"id": "last", "text": corpus.records[0]["text"]}))  # no final newline
    single = dedup(str(source), str(tmp_path / "one.jsonl"))
    monkeypatch.setattr(scan_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(scan_module, "RANGE_BYTES", 20_000)  # many ranges, lines cut at every range
    monkeypatch.setattr(scan_module, "BATCH_BYTES", 5_000)
    parallel = dedup(str(source), str(tmp_path / "two.jsonl"))
    assert read_sidecar(parallel) == read_sidecar(single)
    assert parallel.skipped == single.skipped and parallel.lines == single.lines
    assert Path(parallel.output).read_bytes() == Path(single.output).read_bytes()
    assert any(r["id"] == "last" for r in read_sidecar(parallel))


def test_line_ranges_end_at_line_ends(tmp_path):
    source = tmp_path / "lines.txt"
    source.write_bytes(b"".join(b"x" * (i % 7) + b"\n" for i in range(200)) + b"tail")
    data = source.read_bytes()
    ranges = scan_module.line_ranges(str(source), len(data), 50)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert all(data[end - 1 : end] == b"\n" for _, end in ranges[:-1])


# -- the paragraphs measure ---------------------------------------------------------------------------


def test_paragraphs_measure_forgives_dropped_and_moved_paragraphs():
    rng = np.random.default_rng(21)
    words = Words(rng, 5_000)
    base = [words.draw(rng, 60) for _ in range(10)]
    copy = edited(rng, words, base, 0.02)
    copy = [copy[9], *copy[:5], *copy[6:9]]  # one paragraph dropped, the last moved first
    original, reprint = render(rng, base), render(rng, copy)
    assert similarity(original, reprint) < 0.8  # as a word sequence, far apart
    assert similarity(original, reprint, measure="paragraphs") == pytest.approx(0.9)
    other = render(rng, [base[0], *words.paragraphs(rng, 500)])  # shares one paragraph
    assert similarity(original, other, measure="paragraphs") < 0.2


def test_paragraphs_are_the_same_on_both_paths(monkeypatch):
    text = "First paragraph here, with words.\n\nSecond one\nwrapped.\n \n\nThird.\n\n\n"
    fast = paragraphs(text, ChunkTokens())
    monkeypatch.setattr("variorum.dedup.paragraphs.fast_path", lambda text: None)
    slow = paragraphs(text, ChunkTokens())
    assert fast.count == slow.count == 3
    assert fast.shingles.tolist() == slow.shingles.tolist()
    assert fast.paragraph.tolist() == slow.paragraph.tolist()
    assert paragraph_similarity(fast, slow) == 1.0


def test_comparing_by_paragraphs_in_workers_gives_the_same_pairs(tmp_path, monkeypatch):
    corpus = make_corpus(seed=13, bases=60, boilerplate=20)
    corpus.records.append({"id": "accents", "text": "Un texte français, déjà vu, 60 000 fois.\n\nÉté."})
    source = corpus.write(tmp_path / "in.jsonl")
    alone = find_duplicates(source, measure="paragraphs", all_pairs=True, workers=1)
    monkeypatch.setattr(stream_module, "PARALLEL_RECORDS", 0)
    monkeypatch.setattr(verify_module, "PIECE_PAIRS", 7)  # many pieces, large groups cut
    parallel = find_duplicates(source, measure="paragraphs", all_pairs=True, workers=2)
    assert alone.pairs and parallel.pairs == alone.pairs
    assert parallel.duplicate_of.tolist() == alone.duplicate_of.tolist()
    assert parallel.compared == alone.compared
    kept = find_duplicates(source, measure="paragraphs", workers=2)  # not every pair is planned
    kept_alone = find_duplicates(source, measure="paragraphs", workers=1)
    assert kept.duplicate_of.tolist() == kept_alone.duplicate_of.tolist()


def test_planned_pairs_are_the_pairs_choose_compares(tmp_path):
    corpus = make_corpus(seed=14, bases=40, boilerplate=20)
    source = corpus.write(tmp_path / "in.jsonl")
    table, _, _ = scan_module.scan(str(source), "first", ChunkTokens(), count_words=False, workers=1)
    columns = table.arrays()
    for score in (1.0, 0.0):  # every pair similar: nothing cut; none: cut after MAX_COMPARISONS
        compared, planned = compare_all(columns, score)
        assert compared
        if score:
            assert compared == planned
        else:
            assert set(compared) <= set(planned)


def compare_all(columns: dict[str, np.ndarray], score: float) -> tuple[list, list]:
    """The pairs choose compares (in all-pairs mode) when every pair scores ``score``, and those planned."""
    compared: list[tuple[int, int]] = []
    planned: list[tuple[int, int]] = []

    def similar(a: int, b: int) -> float:
        compared.append((a, b))
        return score

    choose(
        columns["bands"].copy(),
        columns["content"],
        columns["lengths"],
        np.arange(len(columns["content"])),
        similar,
        0.8,
        length_ratio=0.0,
        pairs=[],
        visiting=lambda visit: planned.extend(visit.pairs()),
    )
    return compared, planned


def test_pieces_hold_every_pair_once_and_keep_groups_together():
    pairs = [(1, 0), (2, 0), (5, 4), (3, 2), (7, 6), (9, 8), (8, 6)]
    pieces = verify_module.pieces_of(pairs, size=3)
    assert sorted(i for p in pieces for i in p) == list(range(len(pairs)))
    assert all(len(p) <= 3 for p in pieces)
    groups = verify_module.groups_of(pairs)
    assert groups == [0, 0, 4, 0, 6, 6, 6]
    for group in set(groups):  # each group fits in a piece, so none is cut
        assert len({k for k, piece in enumerate(pieces) for i in piece if groups[i] == group}) == 1
    assert all(len(p) <= 2 for p in verify_module.pieces_of(pairs, size=2))


def test_dedup_by_paragraphs_on_generated_near_duplicates(tmp_path):
    corpus = make_corpus(seed=11, bases=120, boilerplate=40)
    source = corpus.write(tmp_path / "in.jsonl")
    report = dedup(str(source), str(tmp_path / "out.jsonl"), measure="paragraphs")
    precision, recall = precision_recall(corpus, report)
    assert precision >= 0.99 and recall >= 0.95


def test_find_duplicates_groups_and_all_pairs(tmp_path):
    a, b, c = family()
    source = write_lines(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate([a, b, c])])
    found = find_duplicates(source, all_pairs=True)
    assert found.groups() == [[1, 2, 3]]
    assert found.pairs is not None
    assert {(x, y) for x, y, _ in found.pairs} == {(1, 0), (2, 0), (2, 1)}
    assert find_duplicates(source).pairs is None


def test_unknown_measure_is_refused(tmp_path):
    source = write_lines(tmp_path / "in.jsonl", [{"id": 1, "text": "a b c"}])
    with pytest.raises(UsageError, match="measure"):
        dedup(str(source), str(tmp_path / "out.jsonl"), measure="letters")


# -- records, sidecar and keep policies -------------------------------------------------------------


def write_lines(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def family(seed: int = 5) -> list[str]:
    """Three near-duplicate texts of different lengths: base, base + 2 words, base - 3 words."""
    rng = np.random.default_rng(seed)
    base = Words(rng, 5_000).paragraphs(rng, 300)
    longer = [list(p) for p in base]
    longer[0] += ["extra", "words"]
    shorter = [list(p) for p in base]
    del shorter[-1][-3:]
    return [render(rng, base), render(rng, longer), render(rng, shorter)]


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
