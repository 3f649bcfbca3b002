"""numpy feature counts are py3langid's automaton walk's, and the identifier answers as py3langid's.

The reference is py3langid itself: its ``visit_counts`` walk over the same automaton, and a
``LanguageIdentifier`` loaded from the shipped compressed model and restricted with
``set_languages``. Real text: the Debian manual pages of ``tests/crosslang`` (eight languages,
three scripts), rendered at test time. Counts are compared with their order (py3langid sums
the scores in it), so classify's probabilities come out the same to the bit; the tests allow
float tolerance all the same.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from crosslang.build import build, skip_unless_installed
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from variorum.text import language, language_model
from variorum.text.langid_features import (
    WALK_AFTER,
    WALK_BELOW,
    FastIdentifier,
    count,
    derive_tables,
    first_occurrences,
)
from variorum.text.language import LANGUAGES, RETRY_CHARS, SAMPLE_CHARS


@pytest.fixture(scope="module")
def fast() -> FastIdentifier:
    identifier = language._get_identifier()
    assert isinstance(identifier, FastIdentifier)
    assert identifier._counter is not None, "the trie tables were not derived from the model"
    return identifier


@pytest.fixture(scope="module")
def reference() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([lang for lang in LANGUAGES if lang in set(identifier.nb_classes)])
    return identifier


def numpy_counts(fast: FastIdentifier, data: bytes) -> Counter[int]:
    assert fast._counter is not None
    return count(fast._counter.features([data])[0])


def same_counts(got: Counter[int], want: Counter[int] | None) -> bool:
    # Same counts in the same order: py3langid sums the scores in the Counter's order.
    return list(got.items()) == list((want or Counter()).items())


def assert_same_answers(fast: FastIdentifier, reference: LanguageIdentifier, text: str) -> None:
    got, want = fast.classify(text), reference.classify(text)
    assert got[0] == want[0]
    assert got[1] == pytest.approx(want[1], rel=1e-6, abs=1e-9)
    got_rank, want_rank = fast.rank(text), reference.rank(text)
    assert [lang for lang, _ in got_rank] == [lang for lang, _ in want_rank]
    assert dict(got_rank) == pytest.approx(dict(want_rank), rel=1e-6, abs=1e-9)


mixed_text = st.text(
    alphabet=st.one_of(
        st.characters(),  # any code point, surrogates included
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0x400, max_codepoint=0x4FF),  # Cyrillic
        st.characters(min_codepoint=0x600, max_codepoint=0x6FF),  # Arabic
        st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),  # Kana
        st.sampled_from(list("aeioun tsrl ,.")),
    ),
    max_size=700,
)
texts = st.one_of(mixed_text, mixed_text.map(str.upper), st.just(""))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_numpy_counts_are_the_walks_counts(fast, text):
    data = fast._encode(text)
    assert same_counts(numpy_counts(fast, data), fast.reference_visits(data))


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, max_size=6))
def test_texts_counted_together_count_as_each_alone(fast, many):
    encoded = [fast._encode(text) for text in many]
    assert fast._counter is not None
    features, starts = fast._counter.features(encoded)
    for k, data in enumerate(encoded):
        assert same_counts(count(features[starts[k] : starts[k] + len(data)]), fast.reference_visits(data))


@settings(max_examples=100, deadline=None)
@given(texts)
def test_classify_and_rank_answer_as_py3langid(fast, reference, text):
    assert_same_answers(fast, reference, text)


@pytest.fixture(scope="module")
def same_arrays(fast) -> LanguageIdentifier:
    """py3langid's own identifier holding the very arrays of ``fast``."""
    return LanguageIdentifier(
        fast.nb_ptc,
        fast.nb_pc,
        fast.nb_classes,
        fast.tk_nextmove,
        fast.tk_output,
        norm_probs=True,
        tk_row=np.asarray(fast.tk_row).tolist(),
    )


@settings(max_examples=200, deadline=None)
@given(st.one_of(texts, texts.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=300)))
def test_scores_are_py3langids_to_the_bit(fast, same_arrays, text):
    # FastIdentifier carries py3langid's scoring over (not imported by a start): the same
    # arrays give the same float32 scores, bit for bit, and the same answers.
    assert fast._encode(text) == same_arrays._encode(text)
    data = fast._encode(text)
    walk = same_arrays._raw_score(data)
    np.testing.assert_array_equal(fast._raw_score(data), walk)
    np.testing.assert_array_equal(fast._decide(text), same_arrays._decide(text))
    assert fast.classify(text) == same_arrays.classify(text)
    assert fast.rank(text) == same_arrays.rank(text)


def test_the_walk_is_py3langids(fast):
    from py3langid.langid import visit_counts

    fast.reference_visits(b"")  # builds the walk's tables
    assert fast._walk is not None
    for text in ("", "a", "The commission met on 4 May.", "Совет по правам человека " * 5):
        data = fast._encode(text)
        assert visit_counts(*fast._walk, data) == fast.reference_visits(data)


def test_short_texts_take_the_walk_and_long_ones_numpy(fast, reference):
    for text in ("", "a", "É", "ОДИН ДВА", "der die das " * 20, "Совет по правам человека " * 30):
        data = fast._encode(text)
        assert same_counts(fast.visits(data), fast.reference_visits(data))
        assert_same_answers(fast, reference, text)
    assert len(fast._encode("Совет по правам человека " * 30)) >= WALK_BELOW


def test_a_few_short_texts_do_not_build_the_walk():
    # The walk's tables cost a few ms to build: a process that counts a few short texts (a
    # command on two documents) counts them with numpy, the same counts; a batch walks them.
    identifier = language_model.load_identifier(LANGUAGES)
    short = [identifier._encode(f"Paragraph {k} of the report, in short.") for k in range(WALK_AFTER + 2)]
    assert all(len(data) < WALK_BELOW for data in short)
    counted = [identifier.visits(data) for data in short[:WALK_AFTER]]
    assert identifier._walk is None
    assert identifier.visits(short[-1]) is not None and identifier._walk is not None
    for data, got in zip(short, counted, strict=False):
        assert same_counts(got, identifier.reference_visits(data))


@pytest.fixture(scope="module")
def manual_pages() -> list[str]:
    skip_unless_installed()
    paragraphs = []
    for doc in build().values():
        paragraphs.extend(doc.text[start:end] for start, end in doc.paragraphs)
    return paragraphs


def test_manual_pages_count_and_classify_as_py3langid(fast, reference, manual_pages):
    # Every paragraph whole, and the samples language identification gives the model.
    assert len(manual_pages) > 1000
    assert fast._counter is not None
    encoded = [fast._encode(p) for p in manual_pages]
    features, starts = fast._counter.features(encoded)
    long_ones = 0
    for k, data in enumerate(encoded):
        want = fast.reference_visits(data)
        assert same_counts(count(features[starts[k] : starts[k] + len(data)]), want)
        if len(data) >= WALK_BELOW:
            long_ones += 1
            assert same_counts(fast.visits(data), want)
    assert long_ones > 100
    for paragraph in manual_pages[::7]:
        for size in (SAMPLE_CHARS, RETRY_CHARS):
            assert_same_answers(fast, reference, language._sample(paragraph, size))


def test_an_automaton_other_than_aho_corasicks_is_refused(fast):
    # Six-byte windows are exact only for an Aho-Corasick automaton: a transition sent
    # elsewhere (here from the state of "the" on "q", to the start) is caught.
    rows = np.array(fast.tk_nextmove).reshape(-1, 256)
    row = np.asarray(fast.tk_row)

    def state(text: bytes) -> int:
        s = 0
        for b in text:
            s = int(rows[row[s], b])
        return s

    assert derive_tables(rows.ravel(), row)["dead"][0] == 255  # a byte UTF-8 never uses
    the = state(b"the")
    assert rows[row[the], ord("q")] != 0
    rows[row[the], ord("q")] = 0
    with pytest.raises(ValueError, match="Aho-Corasick"):
        derive_tables(rows.ravel(), row)


def test_paragraph_languages_answer_as_with_py3langid(fast, reference, manual_pages, monkeypatch):
    # Whole documents: the manual pages, and paragraphs of invented words (the model unsure).
    words = [p.split() for p in manual_pages[:400]]
    invented = [" ".join(word[::-1].lower() for word in w) for w in words if len(w) > 8]
    documents = [manual_pages[k : k + 12] for k in range(0, len(manual_pages), 12)]
    documents += [invented[k : k + 9] for k in range(0, len(invented), 9)]
    got = [language.paragraph_languages(doc) for doc in documents]
    monkeypatch.setattr(language, "_identifier", reference)
    assert [language.paragraph_languages(doc) for doc in documents] == got


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, max_size=8))
def test_texts_classified_together_get_each_ones_answer_to_the_bit(fast, many):
    # One feature pass, one sort, the rows normalised together: the very (language,
    # confidence) of classify, whose float32 scores are py3langid's to the bit.
    batch = fast.batch(many)
    assert batch is not None
    assert [batch.classify(k) for k in range(len(many))] == [fast.classify(text) for text in many]


def test_manual_page_samples_classified_together_get_each_ones_answer(fast, manual_pages):
    samples = [language._sample(p, size) for p in manual_pages[::3] for size in (SAMPLE_CHARS, RETRY_CHARS)]
    for lo in range(0, len(samples), 300):
        part = samples[lo : lo + 300]
        batch = fast.batch(part)
        assert [batch.classify(k) for k in range(len(part))] == [fast.classify(text) for text in part]


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, max_size=8))
def test_first_occurrences_are_each_texts_counts_in_order(fast, many):
    # The batch's distinct features of each text, counted, in the order py3langid's Counter
    # holds them (the order its scores are summed in).
    assert fast._counter is not None
    encoded = [fast._encode(text) for text in many]
    features, starts = fast._counter.features(encoded)
    ids, counts, bounds = first_occurrences(features, starts, [len(data) for data in encoded])
    for k, data in enumerate(encoded):
        lo, hi = bounds[k], bounds[k + 1]
        got = list(zip(ids[lo:hi].tolist(), counts[lo:hi].tolist(), strict=True))
        assert got == list((fast.reference_visits(data) or Counter()).items())


def test_a_product_over_rows_gathered_together_is_the_product_over_rows_gathered_alone(fast):
    # A batch gathers every text's class rows at once and multiplies each text's slice of them;
    # classify multiplies rows gathered for that text alone. The BLAS call must sum the same way
    # wherever its rows start in memory: every offset of a slice, many lengths.
    rng = np.random.default_rng(11)
    table = fast.nb_ptc
    for size in [*range(1, 130), 257, 480, 1000]:
        ids = rng.integers(0, len(table), size)
        weights = np.log1p(rng.integers(1, 9, size).astype(np.float32))
        want = weights @ table[ids]
        for offset in range(17):
            rows = table.take(np.concatenate([rng.integers(0, len(table), offset), ids]), axis=0)
            spread = np.concatenate([np.zeros(offset, dtype=np.float32), weights])
            got = np.zeros((2, table.shape[1]), dtype=np.float32)
            np.matmul(spread[offset:], rows[offset:], out=got[1])
            assert got[1].tobytes() == want.tobytes(), (size, offset)


_combining = st.text(
    alphabet=st.sampled_from(["e", "\u0301", "\u0308", "A", "\u212b", "\u00e9", "Σ", "\n", " "])
)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts | _combining | _combining.map(str.upper), max_size=8))
def test_texts_encoded_together_are_each_encoded_alone(fast, many):
    # One NFC check of the join stands for one of each text: the same bytes either way.
    assert fast._encode_many(many) == [fast._encode(text) for text in many]
    assert fast._encode_many([*many, b"bytes \xff"]) == [fast._encode(t) for t in [*many, b"bytes \xff"]]
