"""Languages identified for many documents at once are the languages identified one question at
a time.

The reference is ``tests/language_reference.py``: ``paragraph_languages`` as it was before the
model's questions of many documents were answered together (each sample to
``FastIdentifier.classify``, the scripts told by twelve searches). Compared on the three kinds
of generated corpus of ``benchmarks/corpus.py``, the seeds, the manual pages of
``tests/crosslang`` and generated documents of hostile text; with the scripts told by
searches and by the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import bench_corpus
import language_reference as reference
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.prepare import preprocess, preprocess_many
from variorum.text import language
from variorum.text.language import (
    documents_paragraph_languages,
    documents_paragraph_words,
    documents_words_and_languages,
    paragraph_languages,
    paragraph_words,
    script_of,
    scripts_of,
)
from variorum.text.segment import paragraph_spans

ROOT = Path(__file__).resolve().parents[1]


def _paragraphs(text: str) -> list[str]:
    return [text[s:e] for s, e in paragraph_spans(text)]


@pytest.fixture(params=["searches", "table"])
def script_table(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Scripts told by searches (a process's first characters) or by the table (later ones)."""
    monkeypatch.setattr(
        language, "_script_chars", 0 if request.param == "searches" else language.SCRIPT_TABLE_AFTER
    )
    monkeypatch.setattr(language, "SCRIPT_TABLE_AFTER", 10**12 if request.param == "searches" else 0)
    yield request.param


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the batches the model answers (checks that the batch path was taken)."""
    identifier = language._get_identifier()
    sizes: list[int] = []
    make = identifier.batch

    def counted(texts):  # type: ignore[no-untyped-def]
        sizes.append(len(texts))
        return make(texts)

    monkeypatch.setattr(identifier, "batch", counted)
    return sizes


def assert_as_reference(documents: list[list[str]], batches: list[int]) -> None:
    words = documents_paragraph_words(documents)
    assert words == [paragraph_words(texts) for texts in documents]
    want = [reference.paragraph_languages(texts) for texts in documents]
    assert documents_paragraph_languages(documents, words) == want
    assert documents_paragraph_languages(documents) == want
    assert documents_words_and_languages(documents) == (words, want)
    if len(documents) > 10:
        assert batches and max(batches) >= language.BATCH_FROM


@pytest.mark.parametrize("kind", ["english", "invented", "mixed"])
def test_benchmark_corpora_get_the_reference_languages(kind, script_table, batches):
    corpus, _ = bench_corpus.make_corpus(250, 500, seed=7, kind=kind)
    documents = [_paragraphs(doc.text) for doc in corpus.documents]
    assert_as_reference(documents, batches)


@pytest.fixture(scope="module")
def manual_pages() -> list[list[str]]:
    """The paragraphs of each manual page of ``tests/crosslang`` (eight languages, three scripts)."""
    from crosslang.build import build, skip_unless_installed

    skip_unless_installed()
    return [[doc.text[s:e] for s, e in doc.paragraphs] for doc in build().values()]


def test_seeds_and_manual_pages_get_the_reference_languages(seeds, manual_pages, script_table, batches):
    documents = [_paragraphs(path.read_text(encoding="utf-8")) for path in sorted(seeds.glob("*.txt"))]
    documents += manual_pages
    assert len(documents) > 100
    assert_as_reference(documents, batches)


def test_one_document_asks_one_question_at_a_time(batches):
    corpus, _ = bench_corpus.make_corpus(3, 500, seed=3, kind="invented")
    for doc in corpus.documents:
        texts = _paragraphs(doc.text)
        assert paragraph_languages(texts) == reference.paragraph_languages(texts)
    assert not batches


def test_preprocessing_many_texts_is_preprocessing_each(seeds):
    texts = [path.read_text(encoding="utf-8") for path in sorted(seeds.glob("*.txt"))]
    texts += [doc.text for doc in bench_corpus.make_corpus(40, 300, seed=5, kind="mixed")[0].documents]
    texts += ["", "   \n\n", "12.04.2020 — ---"]
    assert preprocess_many(texts) == [preprocess(text) for text in texts]


_words = st.sampled_from(
    [
        "the", "of", "and", "commission", "statement", "el", "de", "la", "declaración", "le", "des",
        "und", "die", "Совет", "по", "правам", "человека", "и", "في", "من", "وزارة", "الخارجية",
        "Υπουργείο", "Εξωτερικών", "外務省", "声明", "외교부", "בעניין", "ქართული", "Հայաստան",
        "ไทย", "हिन्दी", "kalbajar", "zoubaikeli", "ma", "tro", "2020", "12.04", "—", "https://un.org/x",
        "a@b.org", "co\u00adoper\u00adation", "non-\ngovernmental", "\t", "*", "#", "»", "İstanbul",
        "ÉTAT", "𝐀𝐁𝐂", "😀", "\ud800", "Ⅻ", "²",
    ]
)  # fmt: skip
_paragraph = st.lists(_words, max_size=120).map(" ".join) | st.lists(_words, max_size=12).map("\r\n".join)
_document = st.lists(_paragraph, max_size=9)


@settings(max_examples=60, deadline=None)
@given(st.lists(_document, min_size=1, max_size=6))
def test_generated_documents_get_the_reference_languages(documents):
    want = [reference.paragraph_languages(texts) for texts in documents]
    assert documents_paragraph_languages(documents) == want
    assert documents_paragraph_words(documents) == [paragraph_words(texts) for texts in documents]
    samples = [language._sample(language.strip_urls(text)) for texts in documents for text in texts]
    assert [language._profile(sample) for sample in samples] == [reference._profile(s) for s in samples]


_sample_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list("aeioun tsrl,.\n")),
        st.characters(min_codepoint=0x370, max_codepoint=0x6FF),
        st.characters(min_codepoint=0x3040, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xAC00, max_codepoint=0xAC40),
        st.characters(min_codepoint=0x900, max_codepoint=0x97F),
    ),
    max_size=160,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_sample_text, max_size=8))
def test_scripts_of_many_texts_are_each_ones(texts):
    want = [reference.script_of(text) for text in texts]
    assert [script_of(text) for text in texts] == want
    for told_by_table in (False, True):
        saved = language._script_chars, language.SCRIPT_TABLE_AFTER
        language._script_chars, language.SCRIPT_TABLE_AFTER = (1, 0) if told_by_table else (0, 10**12)
        try:
            assert scripts_of(texts) == want
        finally:
            language._script_chars, language.SCRIPT_TABLE_AFTER = saved


def test_the_script_table_classes_every_bmp_character_as_the_searches_do():
    table = language._script_table()
    chars = "".join(map(chr, range(0x10000)))
    for number, (name, letters) in enumerate(language._SCRIPT_LETTERS, 1):
        want = np.zeros(0x10000, dtype=bool)
        for match in re.finditer(f"[{letters}]", chars):
            want[match.start()] = True
        assert ((table & 15) == number).tolist() == want.tolist(), name
    outside = np.zeros(0x10000, dtype=bool)
    for match in re.finditer(language._NON_LATIN_LETTER.pattern, chars):
        outside[match.start()] = True
    assert ((table & language._NON_LATIN) != 0).tolist() == outside.tolist()


_profile_text = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(list("aeioun tsrl,.;:-()\"'!?_0123456789\t\n\u00a0\u00ad")),
        st.sampled_from(
            ["the ", "of ", "и ", "в ", "في ", "من ", "və ", "de ", "la ", "İ", "ß", "Σ", "²", "½"]
        ),
        st.characters(min_codepoint=0x370, max_codepoint=0x6FF),
        st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
    ),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_profile_text | _profile_text.map(str.upper) | _paragraph)
def test_profile_words_are_the_patterns_words(text):
    # Words found by translate/split where they can be told so, by _WORD otherwise: the same.
    tokens, words, languages = language._profile_words(text)
    decoded = [t.decode("ascii") if isinstance(t, bytes) else t for t in tokens]
    assert decoded == language._WORD.findall(text.lower())
    # ... looked up in the function words of their own kind (bytes or str), with the same languages.
    assert [languages.get(t) if t in words else None for t in tokens] == [
        language._FUNCTION_WORD_LANGUAGES.get(t) for t in decoded
    ]
    assert language._profile(text) == reference._profile(text)


def test_profile_words_take_every_path():
    # ASCII (bytes), other letters split at spaces and punctuation, and the pattern's fallbacks.
    assert language._profile_words("The cat, the (dog).")[0] == [b"the", b"cat", b"the", b"dog"]
    assert language._profile_words("Совет, по-правам «человека»")[0] == ["совет", "по", "правам", "человека"]
    assert language._profile_words("Совет 2020 по")[0] == ["совет", "по"]  # digits: the pattern
    assert language._profile_words("Совет 外務省")[0] == ["совет", "外", "務", "省"]  # Han: the pattern
    assert language._profile("the cat and the dog of the house") == "en"
    assert language._profile("что это было, из его Совета") == "ru"


@settings(max_examples=100, deadline=None)
@given(_document)
def test_a_document_without_urls_is_its_own_cleaned_text(texts):
    assert list(language._strip_document_urls(texts)) == [language.strip_urls(text) for text in texts]


def test_the_scripts_of_many_documents_are_told_together(seeds):
    # One scripts_of for all the samples of a chunk: the same scripts as each document's own.
    documents = [_paragraphs(path.read_text(encoding="utf-8")) for path in sorted(seeds.glob("*.txt"))]
    documents += [
        _paragraphs(doc.text) for doc in bench_corpus.make_corpus(40, 300, seed=9, kind="mixed")[0].documents
    ]
    samples = [
        language._sample(language.strip_urls(text)) for texts in documents for text in texts if text.strip()
    ]
    want = [reference.script_of(sample) for sample in samples]
    for told_by_table in (False, True):
        saved = language._script_chars, language.SCRIPT_TABLE_AFTER
        language._script_chars, language.SCRIPT_TABLE_AFTER = (1, 0) if told_by_table else (0, 10**12)
        try:
            assert scripts_of(samples) == want
        finally:
            language._script_chars, language.SCRIPT_TABLE_AFTER = saved


@settings(max_examples=200, deadline=None)
@given(_sample_text, st.sampled_from([None, "other", *(name for name, _ in language._SCRIPT_LETTERS)]))
def test_one_script_is_one_search_for_each_other_script(text, script):
    assert language._one_script(text, script) == reference._one_script(text, script)


def assert_profiles_as_reference(samples: list[str]) -> None:
    """:func:`language.profiles` of ``samples`` is each one's reference profile, found together
    from one sample on (the numpy paths whatever their number) and from the usual number on."""
    want = [reference._profile(sample) for sample in samples]
    saved = language.PROFILES_TOGETHER
    try:
        for together in (1, saved):
            language.PROFILES_TOGETHER = together
            assert language.profiles(samples) == want
    finally:
        language.PROFILES_TOGETHER = saved


_samples = st.lists(
    _profile_text | _profile_text.map(str.upper) | _paragraph | st.text(max_size=150), max_size=12
)


@settings(max_examples=300, deadline=None)
@given(_samples)
def test_profiles_of_many_samples_are_each_ones(samples):
    # Joined, split once and counted by numpy: the same profile as each sample's own.
    assert_profiles_as_reference(samples)
    assert_profiles_as_reference([*samples, "a\x00b the of and to in the"])


def test_profiles_of_the_benchmark_corpora_are_each_samples(seeds):
    samples = [_sample_of(path.read_text(encoding="utf-8")) for path in sorted(seeds.glob("*.txt"))]
    for kind in ("english", "invented", "mixed"):
        corpus, _ = bench_corpus.make_corpus(60, 500, seed=11, kind=kind)
        samples += [language._sample(text) for doc in corpus.documents for text in _paragraphs(doc.text)]
    samples += ["The cat, the (dog) and the house of the king is in the tower.", "и в на не что это и в на"]
    assert_profiles_as_reference(samples)
    assert {"en", "ar", "ru"} <= set(language.profiles(samples))


def _sample_of(text: str) -> str:
    return language._sample(language.strip_urls(text))


def test_the_word_tables_cover_every_character_the_split_sees():
    # White space, letters and function-word letters are all in the BMP: a character beyond it
    # is looked up as U+FFFF (neither), and its sample is profiled alone.
    beyond = "".join(map(chr, range(0x10000, 0x110000)))
    assert beyond.split() == [beyond]
    apart, splits, letter_number = language._word_letters()
    assert not apart[0xFFFF] and not splits[0xFFFF] and not letter_number[0xFFFF]
    samples = ["Совет 𝐀𝐁𝐂 и в на не что это и в на", "Совет\u3000и в на не что это и в на\u00a0и", "ΣΑΣ και"]
    assert_profiles_as_reference(samples)
