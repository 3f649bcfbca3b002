"""The normalizer: what counts as the same word, and the map back to the original characters."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.text import normalize
from variorum.text.normalize import count_vocabulary, raw_tokens, repair_splits, tokenize
from variorum.workers import CombinedVocabulary


def norms(text: str, vocab: dict[str, int] | None = None) -> list[str]:
    return tokenize(text, vocab).norms


def test_case_quotes_dashes_and_punctuation_are_not_words():
    assert (
        norms("“The Mi–24” **helicopter**")
        == norms('"the mi-24" helicopter')
        == ["the", "mi", "24", "helicopter"]
    )


def test_apostrophes_fold_so_possessives_match_their_typos():
    assert norms("Azerbaijan’s") == norms("Azerbaijan's") == norms("Azerbaijans") == ["azerbaijans"]


def test_number_formats_are_one_figure():
    assert norms("60.000") == norms("60,000") == norms("60 000") == norms("60\u202f000") == ["60000"]
    assert norms("06 April") == ["6", "april"]
    assert norms("3,5 and 3.5") == ["3.5", "and", "3.5"]


def test_numbers_in_lists_and_years_are_not_merged():
    assert norms("resolutions 853 (1993), 874 (1993)") == ["resolutions", "853", "1993", "874", "1993"]
    assert norms("in 1993 150 villages") == ["in", "1993", "150", "villages"]


def test_digits_are_kept_and_document_symbols_split_into_parts():
    assert norms("A/73/825 of 2 April") == ["a", "73", "825", "of", "2", "april"]


def test_latex_superscript_residue_is_ignored():
    assert norms("43^{er} período de sesiones") == ["43", "periodo", "de", "sesiones"]


def test_diacritics_fold_across_scripts():
    assert norms("Ёлка período") == ["елка", "periodo"]


def test_cjk_without_spaces_gives_one_token_per_character():
    assert norms("联合国大会") == ["联", "合", "国", "大", "会"]
    assert norms("これは声明です") == ["こ", "れ", "は", "声", "明", "で", "す"]


def test_arabic_words_and_harakat():
    assert norms("بيان وزارة الخارجية") == ["بيان", "وزارة", "الخارجية"]
    assert norms("بَيَان") == ["بيان"]


def test_split_words_are_repaired_where_the_vocabulary_shows_the_joined_word():
    text = "policy of aggr ession and fro m the civi lians; aggression from civilians"
    assert norms(text)[:5] == ["policy", "of", "aggression", "and", "from"]


def test_real_word_pairs_stay_apart():
    vocab = Counter({"a": 500, "part": 40, "apart": 3, "in": 900, "to": 800, "into": 60})
    assert norms("a part of it went in to the room", vocab)[:6] == ["a", "part", "of", "it", "went", "in"]


def test_hyphen_at_line_end_is_joined_when_the_word_exists():
    vocab = Counter({"countermeasures": 2, "counter": 1, "measures": 3})
    tokens = tokenize("taken counter-\nmeasures which", vocab)
    assert tokens.norms == ["taken", "countermeasures", "which"]


def test_joined_token_spans_both_pieces():
    text = "the aggr ession, aggression"
    t = tokenize(text)
    assert text[t.starts[1] : t.ends[1]] == "aggr ession"


# -- properties of the offset map ---------------------------------------------------------------

pieces = st.sampled_from([*list("abc xyz ABC éñ ё ж 联合 12 3.,-’'*^{}\n\t\xad"), "60.000", " fro m ", "er}"])
texts = st.lists(pieces, max_size=80).map("".join)


@given(texts)
@settings(max_examples=300, deadline=None)
def test_spans_are_ordered_and_inside_the_text(text):
    t = tokenize(text)
    assert len(t.norms) == len(t.starts) == len(t.ends)
    previous_end = 0
    for s, e, n in zip(t.starts, t.ends, t.norms, strict=True):
        assert previous_end <= s < e <= len(text)
        assert n
        previous_end = e


@given(texts)
@settings(max_examples=300, deadline=None)
def test_every_token_renormalizes_from_its_original_characters(text):
    raw = raw_tokens(text)
    vocab = count_vocabulary([raw])
    t = repair_splits(text, raw, vocab)
    for s, e, n in zip(t.starts, t.ends, t.norms, strict=True):
        assert "".join(tokenize(text[s:e], vocab).norms) == n


@given(texts, st.integers(0, 30), st.integers(0, 30))
@settings(max_examples=300, deadline=None)
def test_any_token_aligned_slice_renormalizes_to_its_tokens(text, i, j):
    raw = raw_tokens(text)
    vocab = count_vocabulary([raw])
    t = repair_splits(text, raw, vocab)
    if not t.norms:
        return
    i, j = sorted((i % len(t.norms), j % len(t.norms)))
    start, end = t.span(i, j + 1)
    assert tokenize(text[start:end], vocab).norms == t.norms[i : j + 1]


# ASCII text goes through a faster expression in the standard library's engine; on any ASCII text
# it must cut exactly the tokens the Unicode expression cuts.
_ascii_pieces = st.sampled_from(
    ["word", "Mi", "'s", "`", "60.000", "60,000", "1 500", "3,5", "06", "^{er}", "^{", "}", ".", ",", " ",
     "\n", "-", "x9", "9x", "1.2.3", "12,34", "a'b", "''", "_", "1,000,000", "0"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.lists(_ascii_pieces, max_size=30).map("".join), st.text(alphabet=st.characters(max_codepoint=127))
    )
)
def test_the_ascii_expression_cuts_what_the_unicode_one_cuts(text: str) -> None:
    reference = normalize._cut_reference(text, normalize._TOKEN_RE)
    assert normalize._cut_reference(text, normalize._ASCII_TOKEN_RE) == reference
    assert normalize._cut(text, normalize._ascii_cutter()) == reference
    assert normalize.raw_tokens(text) == reference


# Tokens are cut with ``split`` and running sums rather than a loop over match objects; the loop
# is kept as the reference, and every cutter must agree with it on the text it is used for: the
# ``regex`` one on any text, the standard-library one on text of the Basic Multilingual Plane.
_unicode_pieces = st.sampled_from(
    ["Ёлка", "é", "e\u0301", "\u00ad", "a\u00adb", "ʼ", "’s", "中文", "カタ", "한국", "الْعَرَبِيَّة", "ελληνικά",
     "हिन्दी", "60 000", "60\u202f000", "١٢٣", "٣,٥", "१ ५००", "ǅ", "ﬁ", "Ⅻ", "\u0301", "²", "^{er}", "«", "»", "—",
     "a联合", "联a", "𝐀bc", "𠀋", "\ud800", "𝟙𝟚", "'", "`"]
)  # fmt: skip
_bmp_text = st.text(alphabet=st.characters(max_codepoint=0xFFFF))


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.lists(st.one_of(_ascii_pieces, _unicode_pieces), max_size=30).map("".join),
        st.text(),
        _bmp_text,
    )
)
def test_cutting_with_split_gives_what_the_match_loop_gives(text: str) -> None:
    reference = normalize._cut_reference(text, normalize._TOKEN_RE)
    assert normalize._cut(text, normalize._unicode_cutter()) == reference
    assert normalize.raw_tokens(text) == reference
    if not normalize._ASTRAL.search(text):
        assert normalize._cut_by_classes(text, normalize._bmp_classes()) == reference
    if text.isascii():
        assert normalize._cut(text, normalize._ascii_cutter()) == reference
        assert normalize._cut_by_classes(text, normalize._ascii_classes()) == reference


def test_the_class_table_agrees_with_the_expression_on_every_bmp_character():
    bmp = "".join(map(chr, range(0x10000)))
    # Every character alone, between letters (where marks and apostrophes act), between Han
    # characters and between digits, cuts as the expression cuts it.
    for text in (" ".join(bmp), "a".join(bmp), "联".join(bmp[::3]), "1".join(bmp[::5])):
        assert normalize._cut_by_classes(text, normalize._bmp_classes()) == normalize._cut_reference(
            text, normalize._TOKEN_RE
        )


def _fold_reference(word: str) -> str:
    """normalize_word written out character by character."""
    s = unicodedata.normalize("NFKC", word).casefold()
    if not s.isascii():
        decomposed = unicodedata.normalize("NFKD", s)
        s = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in normalize._FOLDED_MARKS))
    return s.translate(str.maketrans("", "", normalize._APOSTROPHES))


@settings(max_examples=300, deadline=None)
@given(st.one_of(_unicode_pieces, st.text(max_size=12)))
def test_normalize_word_folds_marks_as_the_character_loop_does(word: str) -> None:
    assert normalize.normalize_word(word) == _fold_reference(word)


# Split repair only visits the positions where joined tokens form a known word; visiting every
# position must give the same tokens.
_split_pieces = st.sampled_from(
    ["aggr", "ession", "aggression", "fro", "m", "from", "a", "part", "apart", "in", "to", "into", "counter",
     "measures", "countermeasures", "intern", "ationa", "l", "international", "12", " ", " ", "\n", "-\n", ", "]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_split_pieces, max_size=40).map(" ".join),
    st.lists(_split_pieces, max_size=40).map(" ".join),
    st.booleans(),
)
def test_repair_at_join_sites_equals_repair_everywhere(text: str, other: str, combined: bool) -> None:
    raw = raw_tokens(text)
    vocab: Mapping[str, int] = count_vocabulary([raw, raw_tokens(other.replace(" ", ""))])
    if combined:
        vocab = CombinedVocabulary(count_vocabulary([raw]), count_vocabulary([raw_tokens(other)]))
    fast = repair_splits(text, raw, vocab)
    with patch.object(normalize, "_join_sites", lambda norms, _vocabulary: list(range(len(norms)))):
        assert repair_splits(text, raw, vocab) == fast


def test_non_ascii_text_is_cut_by_the_class_table_once_a_process_has_cut_enough(monkeypatch):
    monkeypatch.setattr(normalize, "BMP_TABLE_AFTER", 100)
    monkeypatch.setattr(normalize, "TABLE_MIN_CHARS", 10)
    monkeypatch.setattr(normalize, "_unicode_chars", 0)
    built = normalize._bmp_classes
    used: list[int] = []
    monkeypatch.setattr(normalize, "_bmp_classes", lambda: used.append(1) or built())
    text = "Ёлка и 60 000 ёлок, 3,5 км^{2} — 联合国 período. "
    for _ in range(6):
        assert raw_tokens(text) == normalize._cut_reference(text, normalize._TOKEN_RE)
    cut_by_regex = -(-100 // len(text))  # calls until 100 characters were cut the slower way
    assert len(used) == 6 - cut_by_regex > 0


_word_chars = st.one_of(
    st.sampled_from(["a", "É", "ё", "ς", "Σ", "ǅ", "ﬁ", "ß", "İ", "\u0301", "\u0345", "\u00ad", "'", "’", "ʼ", "`",
                     "\u1100", "\u1161", "\u11a8", "가", "ـ", "َ", "ٰ", "ﷺ", "ﷻ", "㋐", "Ⅻ", "²", "\u0f73", "\u0344"]),
    st.characters(max_codepoint=0xFFFF, exclude_characters="\n"),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_word_chars, max_size=6).map("".join), max_size=20))
def test_words_normalized_together_are_normalized_as_one_by_one(words: list[str]) -> None:
    normalize._norm_cache.clear()
    together = normalize.normalize_words(words)
    normalize._norm_cache.clear()
    assert together == [_fold_reference(w) for w in words]


def test_every_bmp_character_is_normalized_together_as_alone():
    chars = [chr(c) for c in range(0x10000) if c != 0x0A]
    for words in (chars, [c + "\u0301" for c in chars], ["\u0301" + c for c in chars]):
        normalize._norm_cache.clear()
        together = normalize.normalize_words(words)
        normalize._norm_cache.clear()
        assert together == list(map(normalize.normalize_word, words))
