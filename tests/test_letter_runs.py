"""Word counts by character table: the same as counting the pattern's matches, on any text."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.text import language, letter_runs
from variorum.text.language import count_words, paragraph_words, strip_urls

_pieces = st.sampled_from(
    ["word", "Ёлка", "e\u0301", "\u00ad", "中文", "カタ", "한국", "الْعَرَبِيَّة", "हिन्दी", "²", "Ⅻ", "_", "12",
     "a_b", "𝐀bc", "\U00020000", " ", "\n", "https://example.org/x", "a@b.org", "www.x.y", "-", ".", "\ud800"]
)  # fmt: skip
_texts = st.one_of(
    st.lists(_pieces, max_size=20).map("".join), st.text(), st.text(st.characters(max_codepoint=0xFFFF))
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_texts, max_size=6), st.booleans())
def test_paragraph_words_count_what_the_word_pattern_finds(texts: list[str], table_built: bool) -> None:
    # Before a process has counted BMP_TABLE_AFTER non-ASCII characters, they are counted with the
    # pattern itself; after, with the table of the whole BMP.
    with patch.object(letter_runs, "_pattern_chars", letter_runs.BMP_TABLE_AFTER if table_built else 0):
        assert paragraph_words(texts) == [count_words(strip_urls(text)) for text in texts]


def test_every_bmp_character_is_classed_as_the_word_pattern_classes_it(monkeypatch):
    monkeypatch.setattr(letter_runs, "_pattern_chars", letter_runs.BMP_TABLE_AFTER)
    bmp = [chr(c) for c in range(0x10000)]
    # Alone, then between letters and between CJK characters (where a run starts or goes on).
    texts = bmp + [f"a{ch}b" for ch in bmp] + [f"中{ch}中" for ch in bmp[::7]]
    assert letter_runs.count_runs(texts, rf"^\W\d_{language._CJK}", language._CJK) is not None
    assert paragraph_words(texts) == [count_words(text) for text in texts]
