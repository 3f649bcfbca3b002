"""The bulk paragraph reader and the role prefilters give exactly what the line-by-line rules gave.

``tests/segment_reference.py`` keeps the earlier implementation; every test here compares with it:
on texts built line by line (wrapped prose, header blocks, lists, separators, Markdown, fields,
other scripts, every line break ``str.splitlines`` knows, odd whitespace, very long lines), on
arbitrary text, on the texts of ``tests/test_segment.py``, on the seeds and on the generated
corpora of ``benchmarks/corpus.py``. The facts about Unicode that the fast paths rely on are
checked over every code point.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from re import _constants as sre_constants
from re import _parser as sre_parser

import bench_corpus
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from segment_reference import (
    _FINAL_LINE,
    _first_word,
    _last_word,
    assign_roles_reference,
    is_date_line,
    is_field_stanza_reference,
    is_header_line_reference,
    paragraph_spans_reference,
)
from test_segment import PROSE, SPANISH_COVER, wrap

from variorum.text import roles, segment
from variorum.text.language import paragraph_languages, paragraph_words
from variorum.text.roles import assign_roles, is_field_stanza, is_header_line
from variorum.text.segment import paragraph_spans

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")

BREAKS = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def all_characters() -> Iterator[str]:
    """Every code point, one at a time (a list of them would hold 50 MB)."""
    return map(chr, range(sys.maxunicode + 1))


def check(text: str) -> None:
    """Paragraphs and roles of ``text`` are the reference's."""
    spans = paragraph_spans(text)
    assert spans == paragraph_spans_reference(text)
    check_roles([text[s:e] for s, e in spans])


def check_roles(texts: list[str]) -> None:
    words = paragraph_words(texts)
    languages = paragraph_languages(texts, words)
    assert assign_roles(texts, languages, words) == assign_roles_reference(texts, languages, words)
    # Other languages and word counts reach the language and position rules differently.
    for langs in (["en"] * len(texts), [("en", "es", None, "ru")[i % 4] for i in range(len(texts))]):
        counts = [len(t.split()) for t in texts]
        assert assign_roles(texts, langs, counts) == assign_roles_reference(texts, langs, counts)


# --- what the fast paths rely on, over every code point ------------------------------------------


def test_splitlines_breaks_and_whitespace_are_what_the_patterns_say() -> None:
    breaks = {ch for ch in all_characters() if len(f"a{ch}b".splitlines()) == 2}
    assert breaks == set("".join(BREAKS))
    assert set(roles._BREAKS.encode().decode("unicode_escape")) == breaks
    assert set(segment._OTHER_BREAKS) == breaks - {"\n"}
    assert [ch for ch in breaks if segment._other_breaks(f"a{ch}b")] == [ch for ch in breaks if ch != "\n"]
    assert not segment._other_breaks("a\nb")
    space = re.compile(r"\s")
    assert all(bool(space.match(ch)) == ch.isspace() for ch in all_characters())


def test_alnum_pattern_is_str_isalnum() -> None:
    alnum = re.compile(r"[^\W_]")
    assert all(bool(alnum.match(ch)) == ch.isalnum() for ch in all_characters())


def test_the_only_printable_whitespace_is_the_space() -> None:
    assert [ch for ch in all_characters() if ch.isspace() and ch.isprintable()] == [" "]


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (no nesting, classes or escapes split on)."""
    parts, current, depth, in_class, i = [], [], 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


HEADER_SAMPLES = [
    "provisional agenda item 4", "agenda item 4", "item 4 of the provisional agenda",
    "items 4 of the agenda", "tema 4 de la agenda", "temas 4 y 5 del programa",
    "пункт 4 повестки дня", "points 4 de l'ordre du jour", "distr.: general", "original: english",
    "orig.: english", "a/hrc/43/1", "english", "español", "spanish", "french", "français",
    "russian", "русский", "arabic", "chinese", "inglés", "anglais", "english only",
    "(signed) x", "deputy permanent representative", "permanent representative of x",
    "ambassador", "ambassador extraordinary", "chargé d'affaires a.i.", "embajador",
    "embajadora", "representante permanente", "ambassadeur", "représentant permanent",
    "постоянный представитель", "представитель", "посол", "<https://x>", "https://x", "www.x",
]  # fmt: skip


@cache
def _cased_or_basic() -> list[str]:
    """The characters that can match a pattern's character ignoring case, and more: every
    character of the Basic Multilingual Plane and every cased character beyond it."""
    return [ch for ch in all_characters() if ord(ch) < 0x10000 or ch.lower() != ch or ch.upper() != ch]


@cache
def _characters_to_check() -> list[str]:
    """Characters the header prefilter turns away that could still match a character of the
    pattern ignoring case."""
    start = roles._HEADER_START.compiled()
    return [ch for ch in _cased_or_basic() if not start.match(ch)]


def test_header_pattern_starts_only_where_its_prefilter_says() -> None:
    """Every alternative of ``_HEADER_LINE`` has a sample, and no sample matches once its first
    character is replaced by one the prefilter turns away."""
    flags = re.IGNORECASE | re.VERBOSE
    alternatives = [re.compile(alt, flags) for alt in _alternatives(roles._HEADER_LINE.pattern)]
    assert len(alternatives) > 20
    for alt in alternatives:
        samples = [s for s in HEADER_SAMPLES if alt.fullmatch(s)]
        assert samples, f"no sample for {alt.pattern.strip()!r}"
        for sample in samples:
            rest = sample[1:]
            assert not [ch for ch in _characters_to_check() if alt.fullmatch(ch + rest)], alt.pattern


def test_header_pattern_with_a_space_starts_as_its_pair_prefilter_says() -> None:
    """An alternative of ``_HEADER_LINE`` that matches a sample with a space begins with two
    characters ``_HEADER_SPACED_START`` takes, whatever their case, and one whose samples hold no
    space matches no sample with a space put in it."""
    flags = re.IGNORECASE | re.VERBOSE
    take = roles._HEADER_SPACED_START.compiled()
    for alt in [re.compile(alt, flags) for alt in _alternatives(roles._HEADER_LINE.pattern)]:
        samples = [s for s in HEADER_SAMPLES if alt.fullmatch(s)]
        spaced = [s for s in samples if " " in s]
        if not spaced:
            for sample in samples:
                for at in range(1, len(sample)):
                    assert not alt.fullmatch(sample[:at] + " " + sample[at:]), alt.pattern
                    assert not alt.fullmatch(sample[:at] + " " + sample[at + 1 :]), alt.pattern
            continue
        for sample in spaced:
            assert take.match(sample[:2]), sample
            for at in (0, 1):
                missed = [
                    ch
                    for ch in _cased_or_basic()
                    if not take.match(sample[:at] + ch + sample[at + 1 : 2])
                    and alt.fullmatch(sample[:at] + ch + sample[at + 1 :])
                ]
                assert not missed, (alt.pattern, sample, at, missed)


def _literal_runs(items: object) -> set[tuple[str, bool]]:
    """How a match of parsed pattern ``items`` begins: for each way through it, the literal
    characters every match that way starts with, and whether something else follows them."""
    runs = {("", False)}
    for op, av in items:  # type: ignore[attr-defined]
        if op is sre_constants.LITERAL:
            step = {(chr(av), False)}
        elif op is sre_constants.AT:
            step = {("", False)}  # ^, \b: no character
        elif op is sre_constants.SUBPATTERN:
            step = _literal_runs(av[-1])
        elif op is sre_constants.BRANCH:
            step = set().union(*(_literal_runs(branch) for branch in av[1]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, _, body = av
            step = {(run, True) for run, _ in _literal_runs(body)} | ({("", False)} if low == 0 else set())
        else:
            step = {("", True)}
        runs = {(run, True) for run, closed in runs if closed} | {
            (run + more, ends) for run, closed in runs if not closed for more, ends in step
        }
    return runs


def test_frame_starts_begin_as_their_prefilter_says() -> None:
    """What ``_FRAME_START`` and ``_ANNEX_HEADING`` match begins with one of ``_FRAME_HEADS`` when
    ASCII, and with a character ``_FRAME_FIRST`` takes otherwise."""
    assert not any(ch.isspace() for head in roles._FRAME_HEADS for ch in head)
    first_characters = set()
    for rx in (roles._FRAME_START, roles._ANNEX_HEADING):
        pattern = rx.compiled()
        for run, _ in _literal_runs(sre_parser.parse(pattern.pattern, pattern.flags)):
            assert run, f"{pattern.pattern!r} can start with any character"
            first_characters.add(run[0])
            token = run.split(" ")[0]
            ascii_part = token[: next((i for i, ch in enumerate(token) if not ch.isascii()), len(token))]
            if ascii_part:
                assert ascii_part.lower().startswith(roles._FRAME_HEADS), run
    take = roles._FRAME_FIRST.compiled()
    for first in first_characters:
        same = re.compile(re.escape(first), re.IGNORECASE)
        missed = [ch for ch in _cased_or_basic() if same.fullmatch(ch) and not take.match(ch)]
        assert not missed, (first, missed)


def test_frame_heads_start_with_a_character_the_opener_takes() -> None:
    """An ASCII head that begins as one of ``_FRAME_HEADS`` starts with a character that
    ``_FRAME_FIRST`` takes, so ``_FRAME_OPENER`` turns away only starts both tests turn away."""
    firsts = {head[0] for head in roles._FRAME_HEADS}
    for ch in map(chr, range(128)):
        if ch.lower() in firsts:
            assert roles._FRAME_OPENER[ch], ch
    for start in ["Letter dated", "** Annex", "\u00a0Press", "Zeta", "\u0391\u03b2", "", "Źródło", "вот"]:
        assert roles._FRAME_OPENER[start[:1]] or not roles._frame_head(start), start


def test_gated_keys_are_every_key_under_a_gate_its_run_holds() -> None:
    for groups, keys in (
        (roles._GATED_FRAME_KEYS, roles._FRAME_KEYS),
        (roles._GATED_ASCII_FRAME_KEYS, roles._ASCII_FRAME_KEYS),
    ):
        gated = [(gate, entry) for gate, entries in groups for entry in entries]
        assert sorted(entry[1] for _, entry in gated) == sorted(entry[1] for entry in keys)
        for gate, (run, _, _) in gated:
            assert not gate or any(ch in run for ch in gate), (gate, run)
    assert sum(len(entries) for gate, entries in roles._GATED_FRAME_KEYS if gate) >= 25  # most keys


key_text = st.lists(
    st.sampled_from(
        [*(run for run, _, _ in roles._FRAME_KEYS), "e", "o", "и", "т", "ت", "αβ", "x", "\0", " ", "'"]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(key_text)
def test_present_phrases_are_those_whose_runs_the_text_holds(text: str) -> None:
    expected = [(key, rx) for run, key, rx in roles._FRAME_KEYS if run in text]
    assert sorted(key for key, _ in roles._present_phrases(text)) == sorted(key for key, _ in expected)


def test_session_words_end_with_a_character_of_session_last() -> None:
    for word in roles._SESSION_WORDS:
        last = re.compile(re.escape(word[-1]), re.IGNORECASE)
        assert {ch for ch in _cased_or_basic() if last.fullmatch(ch)} <= roles._SESSION_LAST


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(".!?…:。！？।؟۔\"'”’»)]*¹²³⁴⁵⁶⁷⁸⁹⁰ab.:; \u00a0"), max_size=12))
def test_final_marks_are_the_final_line_pattern(tail: str) -> None:
    for line in (tail.strip(), "Then " + tail.strip(), "x" + tail):
        line = line.strip()
        assert segment._ends_final(line) == bool(_FINAL_LINE.search(line))


def test_space_and_markup_is_every_whitespace_character() -> None:
    spaces = {ch for ch in all_characters() if ch.isspace()}
    assert set(roles._SPACE_AND_MARKUP) == spaces | set(roles._MARKUP)


# --- is_header_line and is_field_stanza ------------------------------------------------------------

HEADER_LINES = [
    *HEADER_SAMPLES, "Distr.: General", "3 May 2018", "Original: English", "(Signed) John Smith",
    "Ambassador", "A/HRC/43/G/12", "Forty-first session", "43^{er} período de sesiones",
    "Сорок первая сессия", "Сорок первая СЕССИИ", "Human Rights Council", "SECURITY COUNCIL,",
    "General Assembly ,", "United Nations", "Организация Объединенных Наций", "www.example.org",
    "<https://news.az/news/x>", "---", "* * *", "***", "=====", "_", "**Distr.: General**",
    "> Original: Spanish", "03.04.2020", "24 июня – 12 июля 2019 года", "2 April 2020", "Session",
    "the session", "Thirty-eighth session of the Human Rights Council session", "ſeſſion",
    "Forty-first ſession", "İtem 4 of the agenda", "KELVIN", "ı",
]  # fmt: skip

header_like = st.one_of(
    st.sampled_from(HEADER_LINES),
    st.builds(
        lambda pre, line, post: pre + line + post,
        st.sampled_from(["", " ", "**", "# ", "> ", "\t", "_", "`", "~ ", "\u00a0"]),
        st.sampled_from(HEADER_LINES),
        st.sampled_from(["", " ", ",", " ,", "**", ".", "\t", " x", "\u00a0"]),
    ),
    st.text(max_size=120),
    st.text(alphabet="SsEeIiOoNnſı ession-–^{}.4 сеияСЕИЯ", max_size=60),
)


@settings(max_examples=1500, deadline=None)
@given(header_like)
def test_header_lines_are_the_references(line: str) -> None:
    assert is_header_line(line) == is_header_line_reference(line)


date_like = st.one_of(
    st.text(alphabet="0123456789 .-/–,ofthedeyaprilJuneиюнягода\u0664\u0966\u00b2İ(ΣσكيK", max_size=70),
    st.builds(
        lambda first, rest: first + rest,
        st.sampled_from(["", "2 ", "June ", "de ", "the ", "İ ", "² ", "(", "x ", "\u0664 "]),
        st.sampled_from(HEADER_LINES),
    ),
    st.text(max_size=70),
)


@settings(max_examples=1500, deadline=None)
@given(date_like)
def test_date_lines_are_the_reference(line: str) -> None:
    assert roles.is_date_line(line) == is_date_line(line)


def test_date_lines_start_as_their_prefilter_says() -> None:
    """No line starting with a character ``_DATE_START`` turns away is a date line."""
    rests = ["", " 3 May 2020", "ay 3, 2020", "ai 2020 3", "e 3 mayo 2020", "1.2.2020", "ктября 2019 3"]
    for ch in _cased_or_basic():
        if not roles._DATE_START[ch]:
            assert not [rest for rest in rests if is_date_line(ch + rest)], ch


words_like = st.text(
    alphabet=st.sampled_from(list('ab .U,N\t\u00a0\u2003\u3000\xad\u200b\n"»)-كي中и')), max_size=60
).map(str.strip)


@settings(max_examples=1500, deadline=None)
@given(words_like)
def test_first_and_last_words_are_the_references(line: str) -> None:
    assert segment._last_word(line) == _last_word(line)
    if line:
        assert segment._first_word(line) == _first_word(line)
    # Slices that start or end with whitespace, as an abbreviation's look-back may be.
    assert segment._last_word(" " + line + " ") == _last_word(" " + line + " ")


def _is_all_caps_reference(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha() and (ch.isupper() or ch.islower())]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


caps_like = st.one_of(
    st.text(alphabet="ABCDEFabcdef ΣσςǅǈⒶⓐⅠⅰªº²İıß-.كي中", max_size=40),
    st.text(max_size=40),
)


@settings(max_examples=1500, deadline=None)
@given(caps_like)
def test_all_caps_is_the_reference(text: str) -> None:
    assert roles._is_all_caps(text) == _is_all_caps_reference(text)
    assert roles._has_letters(text) == any(ch.isalpha() for ch in text)


def test_known_header_lines_are_the_references() -> None:
    for line in HEADER_LINES:
        for variant in (line, line.upper(), line.title(), f"**{line}**", f"  {line}  ", f"{line}:"):
            assert is_header_line(variant) == is_header_line_reference(variant), variant


FIELD_LINES = [
    "Files: *", "Copyright: 1999-2010 Joey Hess <joeyh@debian.org>", "           2003 T. Kubota",
    "License: BSD-2-clause", "License: Expat", " Permission is hereby granted, free of charge,",
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
    "From: Press Office", "Subject: Statement on the anniversary", "X-Debbugs-Cc: a@b",
    "Note: the meeting was postponed to the next session.", "Upstream-Name:", "A-b-c: d",
    " indented continuation", "", "   ", "plain text line", "files: lower case",
]  # fmt: skip

stanzas = st.lists(
    st.tuples(st.sampled_from(FIELD_LINES) | st.text(max_size=30), st.sampled_from(BREAKS)), max_size=8
).map(lambda parts: "".join(line + brk for line, brk in parts))


@settings(max_examples=1000, deadline=None)
@given(stanzas | st.text(max_size=200))
def test_field_stanzas_are_the_references(text: str) -> None:
    assert is_field_stanza(text) == is_field_stanza_reference(text)
    assert roles._first_line(text) == next((line for line in text.splitlines() if line.strip()), None)


# --- texts built line by line ----------------------------------------------------------------------

WORDS = (
    "the of and to in a is that for it as was with by on Mr. Dr. No. U.N. e.g. i.e. para. "
    "Council Assembly statement delegation recalled dispute commission 1993 60.000 peace, talks; "
    "resolution (A/RES/62/243) “quoted” «cité» ¿Qué? ¡Sí! sovereignty aggr- ession self-determination "
    "Armenia Azerbaijan Kalbajar occupation. Following adoption. Él está aquí. Это заявление. "
    "Совет безопасности. и в на — – - / & Ōsaka ÉTAT ǅemal ΣΟΦΙΑ σοφία ς Σ İstanbul ılık "
    "外交部发表声明。 占領は一時的なものです。 यह पहला वाक्य है। أصدرت وزارة الخارجية بيانا. "
    "שלום עולם. 1. 2) a) * • # > ** __ ~~ ` | ½ ² ⅷ Ⅻ ٣ ߁"
).split()

FRAME_PHRASES = [
    "I have the honour to transmit herewith", "The Permanent Mission presents its compliments to",
    "Upon instructions from my Government", "I should be grateful if you would have the present letter",
    "circulated as a document of the Council", "The annex is being circulated in the language of submission only",
    "Reproduced as received", "a l'honneur de", "saisit cette occasion", "tiene el honor de", "saluda atentamente",
    "aprovecha la oportunidad", "имеет честь", "свидетельствует свое уважение", "пользуется этой возможностью",
    "была бы признательна", "распространить настоящее", "Воспроизводится в том виде", "يتشرف", "تهدي أطيب تحياتها",
    "谨随函转递", "荣幸地", "The Ministry has issued a statement", "The statement reads:", "reads as follows:",
    "situations that require the Council's attention", "requieren la atención del consejo",
    "требующие внимания со стороны совета", "All rights reserved.", "Letter dated 2 April 2020",
    "Note verbale dated 3 May", "Nota verbal de fecha", "Press release 02 April 2018", "Kaynak/Source:",
    "Source: MFA", "Read more", "© 2020 News", "Annex to the letter dated", "Annex", "ANNEX I",
    "Приложение к письму", "The full text of the statement:", "Текст заявления:", "I have the HONOR to",
]  # fmt: skip

prose_line = st.lists(st.sampled_from(WORDS), min_size=1, max_size=18).map(" ".join)
long_line = st.lists(st.sampled_from(WORDS), min_size=60, max_size=200).map(" ".join)
short_line = st.sampled_from(
    [
        "# Heading", "## Statement by the Ministry", "> quoted line", "- list item", "* list item",
        "1. numbered item", "2) another", "**Bold title**", "__under__", "Statement by the Ministry",
        "(Signed) John Smith", "Baku, 2 April 2020", "News.az (02 April 2020)", "J. Smith", "Talks resume",
        "AZERBAIJAN'S MFA ISSUES STATEMENT", "***", "---", "-", "¹ Footnote text", "† Deceased", "|",
        "Files: *", "License: Expat", "Copyright: 2010 A. Author", "Mr.", "Annex", "Distr.: General",
    ]
)  # fmt: skip


@st.composite
def wrapped_block(draw: st.DrawFn) -> list[str]:
    """A paragraph hard-wrapped at a width, as PDF extraction and Markdown leave them."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=120))
    if draw(st.booleans()):
        words += draw(st.sampled_from(FRAME_PHRASES)).split()
    width = draw(st.integers(min_value=20, max_value=100))
    return wrap(" ".join(words), width)


line_groups = st.one_of(
    wrapped_block(),
    wrapped_block(),
    st.lists(prose_line, min_size=1, max_size=4),
    st.lists(short_line, min_size=1, max_size=4),
    st.lists(st.sampled_from(HEADER_LINES), min_size=1, max_size=4),
    st.lists(st.sampled_from(FRAME_PHRASES), min_size=1, max_size=2),
    st.lists(st.sampled_from(FIELD_LINES), min_size=1, max_size=4),
    st.lists(long_line, min_size=1, max_size=2),
    st.lists(st.text(max_size=50), min_size=1, max_size=3),
)
indent = st.sampled_from(["", "", "", "", " ", "    ", "\t", "\u00a0", "\x1f", "\u3000"])
trail = st.sampled_from(["", "", "", " ", "  ", "\t", "\u00a0"])
within = st.sampled_from(["\n", "\n", "\n", "\n", "\r\n", "\r", "\x0c", "\x0b", "\x85", "\u2028", "\x1c"])
between = st.sampled_from(
    ["\n\n", "\n\n", "\r\n\r\n", "\n \n", "\n\n\n", "\n\t\n", "\u2029\u2029", "\x0c", "\n"]
)


@st.composite
def built_texts(draw: st.DrawFn) -> str:
    """Blocks of lines with varied breaks, indentation, trailing space and spacing between blocks."""
    double = draw(st.integers(min_value=0, max_value=5)) == 0  # a blank line after every line
    out = [draw(st.sampled_from(["", "", "\n", "  ", "\ufeff", "\n\n "]))]
    for group in draw(st.lists(line_groups, min_size=1, max_size=8)):
        for line in group:
            out += [draw(indent), line, draw(trail), "\n\n" if double else draw(within)]
        out.append(draw(between))
    return "".join(out)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(built_texts())
def test_built_texts_are_the_references(text: str) -> None:
    check(text)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_the_references(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAME_PHRASES) | prose_line | short_line | st.text(max_size=80), max_size=12))
def test_roles_of_any_paragraphs_are_the_references(texts: list[str]) -> None:
    check_roles([t for t in texts if t.strip()])


def test_the_texts_of_the_segment_tests_are_the_references() -> None:
    body = wrap(PROSE[0]) + wrap(PROSE[1]) + wrap(PROSE[2])
    lines = [line for paragraph in PROSE for line in wrap(paragraph)]
    texts = [
        "",
        " \n\n\t \r\n",
        "\n\nFirst paragraph here.\n\n  Second one, indented.  \n\n\nThird",
        "One sentence here.\r\n\r\nAnother paragraph without a final newline",
        "One sentence here.\r\rAnother paragraph without a final newline",
        "\n".join([*lines, *wrap(PROSE[0]), *wrap(PROSE[1])]) + "\n",
        "\n\n".join(lines) + "\n",
        "\n".join(["Statement by the Ministry", *body, "(Signed) John Smith", "Ambassador"]),
        "Distr.: General\n3 May 2018\n\nOriginal: English\n\n" + PROSE[0],
        "\n\n".join([SPANISH_COVER, SPANISH_COVER, "Statement by the Ministry", PROSE[0], PROSE[1]]),
        "\n\n".join(
            [*PROSE, "All responsibility lies with them.", "Baku, 2 April 2020", "www.mfa.gov.az", "***"]
        ),
        "\n\n".join(["Talks resume in Geneva", *PROSE, "The next round is due in May."]),
        "二〇二〇年四月二日，外交部发表声明。声明指出，占领是暂时的！各方应当遵守决议。",
        "أصدرت وزارة الخارجية بيانا بمناسبة ذكرى احتلال منطقة كلبجار. ودعت إلى انسحاب القوات المحتلة.",
        "Files: *\nCopyright: 1999-2010 Joey Hess <joeyh@debian.org>\n           2003 T. Kubota\nLicense: BSD-2-clause",
    ]
    for width in (40, 60, 72, 80, 85, 100):
        texts.append("\n".join(line for p in PROSE for line in wrap(p, width)))
        texts.append("\n\n".join(line for p in PROSE for line in wrap(p, width)))
    for text in texts:
        check(text)


@needs_seeds
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_the_seeds_are_the_references(prefix: str) -> None:
    text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    for variant in (text, text.replace("\r\n", "\n"), text.replace("\n", "\r\n"), text.replace("\n\n", "\n")):
        check(variant)


@pytest.mark.parametrize("kind", ["english", "invented", "mixed"])
def test_the_benchmark_corpora_are_the_references(kind: str) -> None:
    corpus, _ = bench_corpus.make_corpus(60, 500, seed=7, kind=kind)
    for doc in corpus.documents:
        check(doc.text)
