"""The fast ways of cutting tokens give what the plain loop over the token expression gives.

``raw_tokens`` cuts long texts by a table of character classes (:func:`normalize._cut_by_classes`)
and short ones with ``split``; :func:`normalize._cut_reference`, one ``finditer`` over the
expression itself, is the reference both are held to: on varied generated text (hyphens, soft
hyphens, split words, grouped numbers, apostrophes, Markdown and LaTeX residue, other scripts,
combining marks, CRLF), on the seeds, on the benchmark corpora and on long texts that cross the
length at which the table takes over.
"""

from __future__ import annotations

from pathlib import Path

import bench_corpus
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.text import normalize
from variorum.text.normalize import raw_tokens

ROOT = Path(__file__).resolve().parents[1]

_pieces = st.sampled_from(
    ["word", "Word", "WORD", " ", " ", "  ", "\n", "\r\n", "\t", "-", "-\n", "\u00ad", "a\u00adb", "co-\r\nop",
     "w o r d", "aggr ession", "fro m", "60.000", "60,000", "60 000", "60\u00a0000", "1 500 000", "3,5", "06",
     "1.2.3", "12,34", ".5", ",", ".", "'", "’", "ʼ", "`", "don't", "Azerbaijan’s", "a''b", "'s", "**bold**",
     "*it*", "^{er}", "^{", "}", "^", "43^{er}", "x^{2 3}y", "_", "#", "[x](y)", "\\emph{x}", "Ёлка", "ёж",
     "Ελληνικά", "ς", "بَيَان", "الخارجية", "ـ", "联合国", "これは", "カタカナ", "㋐", "〇", "한국어", "हिन्दी",
     "e\u0301", "\u0301", "ǅ", "ﬁ", "Ⅻ", "²", "١٢٣", "٣,٥", "१ ५००", "ﷺ", "«", "»", "—", "–", "x9", "9x", "𝐀bc",
     "\U00020000"]
)  # fmt: skip
_texts = st.lists(_pieces, max_size=120).map("".join)


def _agree(text: str) -> None:
    reference = normalize._cut_reference(text, normalize._TOKEN_RE)
    assert raw_tokens(text) == reference
    if max(text, default=" ") < "\U00010000":  # the table covers the Basic Multilingual Plane
        assert normalize._cut_by_classes(text, normalize._bmp_classes()) == reference
    if text.isascii():
        assert normalize._cut_by_classes(text, normalize._ascii_classes()) == reference


@settings(max_examples=600, deadline=None)
@given(st.one_of(_texts, st.text(max_size=300), st.text(st.characters(max_codepoint=0x2FFF), max_size=300)))
def test_the_class_table_cuts_what_the_expression_cuts(text: str) -> None:
    _agree(text)


@settings(max_examples=200, deadline=None)
@given(_texts, st.booleans())
def test_raw_tokens_agree_on_either_side_of_the_table_length(text: str, table_built: bool) -> None:
    # Long texts repeat the short one, so that both the table and the expression cut it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "_unicode_chars", normalize.BMP_TABLE_AFTER if table_built else 0)
        for times in (1, 20):
            _agree(text * times)


def test_the_seeds_are_cut_as_the_expression_cuts_them(seeds: Path) -> None:
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _agree(text)
        _agree(text.replace("\n", "\r\n"))


@pytest.mark.parametrize("kind", ["english", "invented", "mixed"])
def test_the_benchmark_corpora_are_cut_as_the_expression_cuts_them(kind: str) -> None:
    corpus, _ = bench_corpus.make_corpus(60, 400, seed=3, kind=kind)
    for doc in corpus.documents:
        _agree(doc.text)


# -- split repair: join sites found by hashes ---------------------------------------------------

_split_pieces = st.sampled_from(
    ["aggr", "ession", "aggression", "fro", "m", "from", "a", "part", "apart", "in", "to", "into", "counter",
     "measures", "countermeasures", "intern", "ationa", "l", "international", "12", " ", " ", "\n", "-\n",
     "\u00ad\n", ", ", "Ёл", "ка", "Ёлка", "联", "合", "w o r d", "word", "co-\r\nop", "coop", "60 000"]
)  # fmt: skip


def _repair_by_strings(text: str, raw: normalize.RawTokens, vocabulary) -> normalize.Tokens:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "JOIN_HASHES_MIN_TOKENS", 10**9)
        return normalize.repair_splits(text, raw, vocabulary)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_split_pieces, max_size=200).map(" ".join), st.lists(_split_pieces, max_size=60), st.booleans()
)
def test_repair_with_hashed_sites_equals_repair_with_strings(
    text: str, extra: list[str], combined: bool
) -> None:
    from collections import Counter

    from variorum.workers import CombinedVocabulary

    raw = raw_tokens(text)
    vocabulary = Counter(normalize.count_vocabulary([raw]))
    vocabulary.update(w.replace(" ", "") for w in extra)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "JOIN_HASHES_MIN_TOKENS", 0)
        if combined:
            both = CombinedVocabulary(vocabulary, Counter(extra))
            assert normalize.repair_splits(text, raw, both) == _repair_by_strings(text, raw, both)
        else:
            assert normalize.repair_splits(text, raw, vocabulary) == _repair_by_strings(text, raw, vocabulary)


def test_the_bitmap_follows_a_vocabulary_that_grows_shrinks_and_is_replaced() -> None:
    from collections import Counter

    text = "the policy of aggr ession and fro m the intern ationa l"
    raw = raw_tokens(text)
    joined = ["the", "policy", "of", "aggression", "and", "from", "the", "international"]
    vocabulary: Counter[str] = Counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "JOIN_HASHES_MIN_TOKENS", 0)
        assert normalize.repair_splits(text, raw, vocabulary).norms == raw.norms
        vocabulary.update(["aggression"])  # grown: "aggression" is joined
        assert "aggression" in normalize.repair_splits(text, raw, vocabulary).norms
        vocabulary.update(["from", "international", *raw.norms])
        assert normalize.repair_splits(text, raw, vocabulary).norms == joined
        del vocabulary["aggression"]  # shrunk: the bitmap is made again
        vocabulary["the"] += 1
        assert "aggression" not in normalize.repair_splits(text, raw, vocabulary).norms
        vocabulary.pop("from")
        vocabulary["aggression"] = 5  # as many words as before, the last one different
        out = normalize.repair_splits(text, raw, vocabulary).norms
        assert out == _repair_by_strings(text, raw, vocabulary).norms
        assert "aggression" in out and "from" not in out
        for _ in range(3):  # new vocabularies, perhaps at the address of an old one
            fresh = Counter([*raw.norms, "from"])
            assert (
                normalize.repair_splits(text, raw, fresh).norms == _repair_by_strings(text, raw, fresh).norms
            )


def test_polynomial_hashes_are_those_of_the_code_points_plus_one() -> None:
    from variorum.text import join_sites

    def poly(word: str) -> int:
        h = 0
        for c in word:
            h = (h * int(join_sites.BASE) + ord(c) + 1) % 2**64
        return h

    words = ["", "a", "hello", "", "Ёлка", "𝐀bc", "\ud800x", "x" * 5000, "a\0b", "联合"]
    for sample in (words, words * 3000, [], [""], ["a\0"]):
        hashes, powers = join_sites.poly_hashes(sample)
        assert hashes.tolist() == [poly(w) for w in sample]
        assert powers.tolist() == [pow(int(join_sites.BASE), len(w), 2**64) for w in sample]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_split_pieces, max_size=60).map(" ".join), max_size=6),
    st.lists(_split_pieces, max_size=60),
    st.booleans(),
    st.booleans(),
)
def test_repair_of_a_chunk_is_repair_of_each_text_at_every_position(
    texts: list[str], extra: list[str], combined: bool, hashed: bool
) -> None:
    """The chunk's sites, filtered against the vocabulary at once, lose no join; the raw tokens
    (whose lists an unjoined text shares) are left as they were."""
    from collections import Counter

    from variorum.workers import CombinedVocabulary

    raws = [raw_tokens(t) for t in texts]
    counts = Counter(normalize.count_vocabulary(raws))
    counts.update(w.replace(" ", "") for w in extra)
    vocabulary = CombinedVocabulary(counts, Counter(extra)) if combined else counts
    before = [(r.norms[:], r.starts[:], r.ends[:], r.kinds[:]) for r in raws]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "JOIN_HASHES_MIN_TOKENS", 0 if hashed else 10**9)
        got = normalize.repair_splits_many(texts, raws, vocabulary)
    everywhere = [
        normalize.repair_splits(t, r, vocabulary, range(len(r.norms)))
        for t, r in zip(texts, raws, strict=True)
    ]
    assert got == everywhere
    assert [(r.norms, r.starts, r.ends, r.kinds) for r in raws] == before


@settings(max_examples=300, deadline=None)
@given(st.lists(_texts, max_size=5))
def test_word_counts_are_the_words_counted_one_by_one_in_order(texts: list[str]) -> None:
    from collections import Counter

    raws = [raw_tokens(t) for t in texts]
    want: Counter[str] = Counter()
    for raw in raws:
        for norm, kind in zip(raw.norms, raw.kinds, strict=True):
            if kind == normalize.WORD:
                want[norm] += 1
    got = normalize.count_vocabulary(raws)
    assert list(got.items()) == list(want.items())
    into: Counter[str] = Counter({"zz": 2})
    assert normalize.count_vocabulary(raws, into) is into
    assert into["zz"] == 2 + want["zz"]


def test_warmed_tables_cut_non_ascii_text_from_the_first_text_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalize, "_unicode_chars", 0)
    monkeypatch.setattr(normalize, "_table_chars", 0)
    normalize.warm_tables()
    assert normalize._letter_folds(1) is normalize._fold_table()
    text = "Ёлка и 60 000 ёлок, 3,5 км^{2} — 联合国 período, Ελληνικά. " * 8
    used: list[int] = []
    cut = normalize._cut_by_classes
    monkeypatch.setattr(normalize, "_cut_by_classes", lambda *a: used.append(1) or cut(*a))
    assert raw_tokens(text) == normalize._cut_reference(text, normalize._TOKEN_RE)
    assert used


def test_tables_are_warmed_for_a_vocabulary_of_non_ascii_words_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import Counter

    monkeypatch.setattr(normalize, "_unicode_chars", 0)
    monkeypatch.setattr(normalize, "_table_chars", 0)
    normalize.warm_tables(Counter([*(f"word{i}" for i in range(30)), "período"]))
    normalize.warm_tables(Counter())
    assert (normalize._unicode_chars, normalize._table_chars) == (0, 0)
    normalize.warm_tables(Counter(["the", "policy", "ёлка", "και"]))
    assert normalize._unicode_chars >= normalize.BMP_TABLE_AFTER
    assert normalize._table_chars >= normalize.FOLD_TABLE_AFTER
