"""The table of letters' normalized forms normalizes as ``normalize_word`` does.

:mod:`variorum.text.letter_folds` claims that each letter in its table normalizes on its own,
so that a word made of them normalizes letter by letter; :func:`normalize._cut_by_classes` then
reads a text's normalized words from the table. Held here to ``normalize_word`` on every letter
of the table, on words of random table letters (of every script at once), and to the plain
expression (:func:`normalize._cut_reference`) on generated text, the seeds and the benchmark
corpora with the table in use.
"""

from __future__ import annotations

from pathlib import Path

import bench_corpus
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.text import normalize
from variorum.text.letter_folds import second_halves

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def folds() -> np.ndarray:
    return normalize._fold_table()


def _letters() -> list[int]:
    table = normalize._fold_table()
    return [int(c) for c in np.flatnonzero(table) if c != ord(" ")]


def test_every_letter_of_the_table_normalizes_to_its_form(folds: np.ndarray) -> None:
    letters = _letters()
    assert len(letters) > 40_000  # Latin, Greek, Cyrillic, Arabic, Han, kana … letters
    normalize._norm_cache.clear()
    wrong = [hex(c) for c in letters if normalize.normalize_word(chr(c)) != chr(folds[c])]
    assert not wrong


def test_letters_that_do_not_normalize_alone_are_left_out(folds: np.ndarray) -> None:
    # Marks, jamo that compose, letters folding to two or to none, apostrophes, soft hyphens.
    for c in ("\u0301", "\u1161", "\u11a8", "ß", "ﬁ", "\u0640", "'", "’", "\u00ad", "\u0f73"):
        assert folds[ord(c)] == 0, hex(ord(c))
    assert folds[ord(" ")] == ord(" ")
    assert chr(folds[ord("ŉ")]) == "n"  # ʼn: the apostrophe deleted
    assert chr(folds[ord("É")]) == "e" and chr(folds[ord("Ё")]) == "е" and chr(folds[ord("ς")]) == "σ"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=12))
def test_words_of_table_letters_normalize_letter_by_letter(picks: list[int]) -> None:
    letters = _letters()
    folds = normalize._fold_table()
    word = "".join(chr(letters[p % len(letters)]) for p in picks)
    normalize._norm_cache.pop(word, None)
    assert normalize.normalize_word(word) == "".join(chr(folds[ord(c)]) for c in word)


def test_no_composition_beyond_the_plane_ends_in_it() -> None:
    # second_halves scans the BMP only; a composition of characters beyond it never takes one
    # of the BMP as its second half.
    everywhere = second_halves(0x110000)
    assert {c for c in everywhere if c < 0x10000} == second_halves()


_pieces = st.sampled_from(
    ["word", "Word", " ", "\n", "\r\n", "\t", "-\n", "\u00ad", "don't", "Azerbaijan’s", "60 000", "^{er}",
     "Ёлка", "ёж", "Ελληνικά", "ΣΑΣ", "ς", "بَيَان", "إلى", "الخارجية", "ـ", "联合国", "これは", "カタカナ", "한국어",
     "हिन्दी", "e\u0301", "\u0301", "ǅ", "ﬁ", "İstanbul", "ıi", "straße", "ŉ", "١٢٣", "x9", "𝐀bc", "Ꭰꭰ"]
)  # fmt: skip


def _agree(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "_table_chars", normalize.FOLD_TABLE_AFTER)
        reference = normalize._cut_reference(text, normalize._TOKEN_RE)
        if max(text, default=" ") < "\U00010000":
            assert normalize._cut_by_classes(text, normalize._bmp_classes()) == reference


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(_pieces, max_size=100).map("".join), st.text(st.characters(max_codepoint=0xFFFF))))
def test_texts_cut_with_the_table_are_cut_as_the_expression_cuts_them(text: str) -> None:
    _agree(text)


def test_the_seeds_with_the_table(seeds: Path) -> None:
    for path in sorted(seeds.glob("*.txt")):
        _agree(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["english", "invented", "mixed"])
def test_the_benchmark_corpora_with_the_table(kind: str) -> None:
    corpus, _ = bench_corpus.make_corpus(60, 400, seed=5, kind=kind)
    for doc in corpus.documents:
        _agree(doc.text)


def test_the_spaced_table_folds_word_characters_and_spaces_the_rest() -> None:
    classes = normalize._bmp_classes().table
    in_words = (classes == normalize._LETTER) | (classes == normalize._CJK_LETTER)
    codes = np.arange(0x10000, dtype=np.uint16)
    spaced = normalize._fold_table().take(np.where(in_words, codes, np.uint16(32)))
    assert normalize._spaced_folds().dtype == np.uint16
    assert normalize._spaced_folds().tolist() == spaced.tolist()


def test_the_cached_table_is_the_table_worked_out_and_a_damaged_one_is_worked_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from variorum.text import letter_folds as lf

    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    classes = normalize._bmp_classes().table
    letters = np.flatnonzero((classes == normalize._LETTER) | (classes == normalize._CJK_LETTER))
    args = (letters, normalize._FOLDED_MARK, normalize._APOSTROPHE)
    made = lf.letter_folds(*args)
    first = lf.cached_letter_folds(*args)  # worked out, then kept
    (kept,) = (tmp_path / "letter-folds").iterdir()
    assert np.array_equal(first, made)
    assert np.array_equal(lf.cached_letter_folds(*args), made)  # read back
    kept.write_bytes(b"not a table")
    assert np.array_equal(lf.cached_letter_folds(*args), made)  # worked out again
    assert np.array_equal(np.load(kept), made)  # and kept again
    # Other inputs are another file, never the first one's table.
    fewer = lf.cached_letter_folds(letters[: len(letters) // 2], *args[1:])
    assert len(list((tmp_path / "letter-folds").iterdir())) == 2
    assert np.array_equal(fewer, lf.letter_folds(letters[: len(letters) // 2], *args[1:]))
