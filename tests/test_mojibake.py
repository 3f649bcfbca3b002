"""Only the lines ftfy could change go through ftfy, and the text comes out as ftfy makes it."""

from __future__ import annotations

import re

import ftfy
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.ingest.decode import _ftfy_config, clean_text
from variorum.ingest.mojibake import fix_lines, screen, screen_chars

# Letters and marks of ordinary text in several scripts, the typography around them, and what
# ftfy repairs or removes: C0 and C1 controls, a terminal escape, other line breaks, a byte
# order mark, lone surrogates, box drawing and the symbols of mojibake.
_ALPHABET = (
    "abcxyz ABC 019.,;:!?'\"-\t"
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœŒ ÀÉÈÎÔÛÇÑ ĀăĄčĎđęěğİıłńňőřśşšţťůűźżž"
    "абвгдежзийклмнопрстуфхцчшщъыьэюя АБВГДЕЖЗИЙКРСТЯ Ђђ ΑΒΓΔΕΖΗΘαβγδεζηθλμνξοπρστω"
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي 中文字 ✔☺"
    "\u00a0\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2026\u00ab\u00bb\u2039\u203a"
    "¡¢£¤¥¦§¨©ª¬®¯°±²³´µ¶·¸¹º¼½¾¿×÷€™†‡•‰ƒˆˇ˘˛˜˝№√∞≈≠≤≥│┌═║╔▀█░▒▓◊\ufffd"
    "\x00\x07\x0b\x0c\x1b\x7f\x80\x85\x8d\x9d\x9f\u2028\u2029\ufeff\u206a\ufff9\ud83d\udca9"
)


def _mojibake(line: str, encoding: str) -> str:
    """``line`` as UTF-8 bytes read in ``encoding``, as a file read in the wrong code page is."""
    return line.encode("utf-8", "surrogatepass").decode(encoding, "replace")


_LINE = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=60)
_BROKEN = st.builds(_mojibake, _LINE, st.sampled_from(["cp1252", "latin-1", "cp1251", "mac_roman", "cp1253"]))
_TEXT = st.lists(st.one_of(_LINE, _LINE, _BROKEN), max_size=12).map("\n".join)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_fixing_the_screened_lines_gives_what_ftfy_gives_for_the_whole_text(text: str) -> None:
    config = _ftfy_config()
    assert fix_lines(text, config) == ftfy.fix_text(text, config)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(["\n", "\r\n", "\r"]))
def test_clean_text_is_ftfy_of_the_text_with_its_line_endings_normalised(text: str, newline: str) -> None:
    text = text.replace("\n", newline)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = re.sub("[\ud800-\udfff]", "\ufffd", expected)
    assert clean_text(text) == ftfy.fix_text(expected, _ftfy_config())


def test_the_installed_ftfy_gets_a_screen_and_ordinary_text_passes_it() -> None:
    found = screen()
    assert found is not None, "ftfy's mojibake pattern could not be read: every line goes through ftfy"
    for ordinary in (
        "Le garçon a mangé à la fenêtre, où l'été dure.",
        "Der Bär läuft über die Straße.",
        "и в этом году он сказал, что всё хорошо",
        "καλημέρα κόσμε, τι κάνεις σήμερα",
        "قال الوزير إن الاجتماع سيعقد غدا",
        "It\u2019s \u2014 quite \u2013 so\u2026",
    ):
        assert found.candidates.search(ordinary) is None, ordinary
    for repaired in (
        "rÃ©sumÃ©",
        "donâ€™t",
        "Ð¿Ñ€Ð¸Ð²ÐµÑ‚",
        "a\x85b",
        "x\u2028y",
        "\ufeffhead",
        "\x1b[31mred",
    ):
        assert found.candidates.search(repaired) is not None, repaired
        assert found.changes(repaired), repaired
    # A capital that starts a mojibake pattern, in ordinary text: a candidate, found unchanged.
    assert found.candidates.search("В Москве") is not None
    assert not found.changes("В Москве")


def test_a_screen_holds_a_character_of_every_branch_or_there_is_none() -> None:
    chars = screen_chars(re.compile("[é€][x]|a[Ā-ą]|[b-d]✔"))
    assert chars is not None
    assert "€" in chars and "é" in chars  # the one class of non-ASCII characters of the first branch
    assert set("āĂăĄą") <= chars and "✔" in chars
    assert screen_chars(re.compile("[é€]x|[a-z]{2}")) is None  # a branch with ASCII only
    assert screen_chars(re.compile("[^a-z]é", re.IGNORECASE)) is None


def test_a_long_text_and_a_text_without_a_line_break_are_fixed_whole() -> None:
    config = _ftfy_config()
    one_line = "caf\u00c3\u00a9 " * 50
    assert fix_lines(one_line, config) == ftfy.fix_text(one_line, config) == "café " * 50
    short = config._replace(max_decode_length=40)
    text = "plain line\n" + "caf\u00c3\u00a9 " * 20 + "\nend"
    assert fix_lines(text, short) == ftfy.fix_text(text, short)
