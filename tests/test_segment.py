"""Paragraphs, sentences and roles from ``variorum.text.segment``, on built texts and the real seeds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.model import Segment
from variorum.text.segment import paragraph_spans, segment, sentence_spans

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return [text[s:e] for s, e in paragraph_spans(text)]


def flat(text: str) -> str:
    return " ".join(text.split())


def find(text: str, segments: list[Segment], start: str) -> Segment:
    """The segment whose text starts with ``start``."""
    for seg in segments:
        if flat(text[seg.start : seg.end]).startswith(start):
            return seg
    raise AssertionError(f"no paragraph starts with {start!r}")


def check_invariants(text: str, segments: list[Segment]) -> None:
    covered = bytearray(len(text))
    previous_end = 0
    for seg in segments:
        chunk = text[seg.start : seg.end]
        assert chunk and chunk == chunk.strip()
        assert seg.start >= previous_end
        previous_end = seg.end
        covered[seg.start : seg.end] = b"\x01" * (seg.end - seg.start)
        assert seg.role in ("body", "wrapper")
        sentence_end = seg.start
        for s, e in seg.sentences:
            assert seg.start <= s < e <= seg.end and s >= sentence_end
            assert text[s:e] == text[s:e].strip()
            sentence_end = e
        inside = "".join(text[s:e] for s, e in seg.sentences)
        assert "".join(chunk.split()) == "".join(inside.split())
    for i, ch in enumerate(text):
        assert ch.isspace() or covered[i], f"character {i} ({ch!r}) is in no paragraph"


# --- paragraphs ------------------------------------------------------------------------------


def test_empty_and_blank_texts_have_no_segments() -> None:
    assert segment("") == []
    assert segment(" \n\n\t \r\n") == []


def test_blank_lines_separate_paragraphs_and_offsets_index_the_text() -> None:
    text = "\n\nFirst paragraph here.\n\n  Second one, indented.  \n\n\nThird"
    segs = segment(text, sentences=True)
    assert [text[s.start : s.end] for s in segs] == [
        "First paragraph here.",
        "Second one, indented.",
        "Third",
    ]
    check_invariants(text, segs)


def test_crlf_and_missing_final_newline() -> None:
    text = "One sentence here.\r\n\r\nAnother paragraph without a final newline"
    assert paragraphs(text) == ["One sentence here.", "Another paragraph without a final newline"]
    assert paragraphs(text.replace("\r\n", "\r")) == paragraphs(text)


def test_markdown_paragraphs_wrapped_at_72_columns_stay_whole() -> None:
    text = (
        "The Council reaffirmed its commitment to the sovereignty of all states in\n"
        "the region. It called on the parties to resume talks without delay and to\n"
        "refrain from any action that could escalate the situation further.\n"
        "\n"
        "The President of the Council issued a statement on behalf of its members\n"
        "and welcomed the efforts of the mediators to reach a settlement soon.\n"
    )
    assert len(paragraphs(text)) == 2


def wrap(paragraph: str, width: int = 80) -> list[str]:
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines


PROSE = [
    "The delegation recalled that the dispute had been submitted to the commission in 2015 and "
    "that the commission had not yet reported on the merits of the case despite repeated requests.",
    "It further noted that the parties had agreed to a timetable of urgent steps, which was never "
    "implemented because one side refused to withdraw its forces from the occupied areas.",
    "The delegation therefore asked the commission to complete its work without further delay and "
    "to report to the Assembly at its next session on the progress achieved.",
]


def test_hard_wrapped_page_is_split_at_short_sentence_final_lines() -> None:
    lines = [line for paragraph in PROSE for line in wrap(paragraph)]
    lines += wrap(PROSE[0]) + wrap(PROSE[1])  # long enough to be page text
    text = "\n".join(lines) + "\n"
    got = [flat(p) for p in paragraphs(text)]
    assert got == [*PROSE, PROSE[0], PROSE[1]]


def test_double_spaced_extraction_is_joined_back() -> None:
    lines = [line for paragraph in PROSE for line in wrap(paragraph)]
    text = "\n\n".join(lines) + "\n"
    assert [flat(p) for p in paragraphs(text)] == PROSE


def test_heading_and_signature_lines_break_a_wrapped_block() -> None:
    body = wrap(PROSE[0]) + wrap(PROSE[1]) + wrap(PROSE[2])
    text = "\n".join(["Statement by the Ministry", *body, "(Signed) John Smith", "Ambassador"])
    got = [flat(p) for p in paragraphs(text)]
    assert got[0] == "Statement by the Ministry"
    assert got[-2:] == ["(Signed) John Smith", "Ambassador"]
    assert got[1:-2] == PROSE


def test_header_block_of_short_lines_is_kept() -> None:
    text = "Distr.: General\n3 May 2018\n\nOriginal: English\n\n" + PROSE[0]
    assert paragraphs(text)[0] == "Distr.: General\n3 May 2018"


# --- sentences -------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_split_after_final_punctuation_before_a_capital() -> None:
    text = "It was occupied in 1993. Around 60.000 people fled! Why? “Enough,” he said… Then 3.5 left."
    assert sentences(text) == [
        "It was occupied in 1993.",
        "Around 60.000 people fled!",
        "Why?",
        "“Enough,” he said…",
        "Then 3.5 left.",
    ]


def test_no_split_after_abbreviations_or_before_lower_case() -> None:
    text = (
        "Mr. Mario Raffaelli met Dr. Smith of GeoProMining Ltd. and the U.N. envoy, i.e. the Chair, "
        "see para. 4 and No. 5, e.g. Art. 2. The meeting ended. it did not resume."
    )
    assert len(sentences(text)) == 2


def test_cjk_sentences_split_without_spaces() -> None:
    text = "二〇二〇年四月二日，外交部发表声明。声明指出，占领是暂时的！各方应当遵守决议。"
    assert sentences(text) == [
        "二〇二〇年四月二日，外交部发表声明。",
        "声明指出，占领是暂时的！",
        "各方应当遵守决议。",
    ]
    seg = segment(text, sentences=True)
    assert len(seg) == 1 and seg[0].language == "zh" and len(seg[0].sentences) == 3


def test_japanese_text_gets_sentences_and_language() -> None:
    text = "外務省は声明を発表しました。占領は一時的なものです。"
    (seg,) = segment(text, sentences=True)
    assert seg.language == "ja"
    assert [text[s:e] for s, e in seg.sentences] == [
        "外務省は声明を発表しました。",
        "占領は一時的なものです。",
    ]


def test_devanagari_danda_ends_a_sentence() -> None:
    assert len(sentences("यह पहला वाक्य है। यह दूसरा वाक्य है।")) == 2


def test_arabic_paragraph_is_arabic() -> None:
    text = "أصدرت وزارة الخارجية بيانا بمناسبة ذكرى احتلال منطقة كلبجار. ودعت إلى انسحاب القوات المحتلة."
    (seg,) = segment(text)
    assert seg.language == "ar"


# --- invariants ------------------------------------------------------------------------------

texts = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["\n", "\n\n", "\r\n", " ", ". ", "Mr. ", "。", "A", "the", "---", "\u2029"]),
        st.sampled_from([p[:90] for p in PROSE]),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_segments_cover_the_text_in_order(text: str) -> None:
    check_invariants(text, segment(text, sentences=True))


@needs_seeds
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_invariants_hold_on_the_seeds(prefix: str) -> None:
    text = seed(prefix)
    check_invariants(text, segment(text, sentences=True))


# --- roles on built documents ----------------------------------------------------------------

SPANISH_COVER = (
    "La Misión Permanente de la República ante la Oficina de las Naciones Unidas en Ginebra saluda "
    "atentamente a la Oficina del Alto Comisionado y tiene el honor de transmitir adjunta la "
    "declaración del Ministerio de Relaciones Exteriores con motivo del aniversario de los hechos, "
    "que se describen con detalle en el anexo de la presente nota verbal y en sus apéndices."
)


def roles(text: str) -> list[tuple[str, str, str | None]]:
    return [(flat(text[s.start : s.end])[:20], s.role, s.language) for s in segment(text)]


def test_long_foreign_cover_letter_does_not_outvote_the_statement() -> None:
    text = "\n\n".join([SPANISH_COVER, SPANISH_COVER, "Statement by the Ministry", PROSE[0], PROSE[1]])
    assert [role for _, role, _ in roles(text)] == ["wrapper", "wrapper", "body", "body", "body"]


def test_footer_lines_after_the_body_are_wrapper() -> None:
    footer = [
        "Baku, 2 April 2020",
        "Press Service of the Ministry of Foreign Affairs",
        "www.mfa.gov.az",
        "***",
    ]
    got = roles("\n\n".join([*PROSE, "All responsibility lies with them.", *footer]))
    assert [role for _, role, _ in got] == ["body"] * 4 + ["wrapper"] * 4


def test_plain_article_is_all_body() -> None:
    text = "\n\n".join(["Talks resume in Geneva", *PROSE, "The next round is due in May."])
    assert {role for _, role, _ in roles(text)} == {"body"}


# --- golden outcomes on the seeds ------------------------------------------------------------

PARAGRAPH_COUNTS = {"000": 27, "001": 18, "002": 24, "003": 23, "004": 23}

STARTS_000 = [
    "On April 2, 1993", "As a result of occupation", "Private property", "Serious damage",
    "The original architectural", "Amidst the ongoing", "The construction of the Vardenis",
    "Importing minerals", "Armenia, in blatant", "In response to the occupation",
    "Following the adoption", "In his report", "Armenia until now", "Escalation of situation",
    "Armenia has to understand", "All responsibility",
]  # fmt: skip
STARTS_002 = [
    "On April 2, 1993", "As a result of the occupation", "Armenian occupation destroyed",
    "Natural mineral resources", "The Vardenis-Aghdara", "Along with the above-mentioned",
    "In response to the occupation", "Following the adoption of this", "Armenia until now",
    "Escalation of situation", "Armenia has to understand", "The Armenian side",
]  # fmt: skip
LAST_BODY = {
    "000": "All responsibility lies with Armenia",
    "001": "All responsibility lies with Armenia",
    "002": "The Armenian side",
    "003": "The only way to achieve",
    "004": "The only way to achieve",
}


@needs_seeds
@pytest.mark.parametrize("prefix", sorted(PARAGRAPH_COUNTS))
def test_seed_paragraph_counts(prefix: str) -> None:
    assert len(segment(seed(prefix))) == PARAGRAPH_COUNTS[prefix]


@needs_seeds
@pytest.mark.parametrize(("prefix", "starts"), [("000", STARTS_000), ("002", STARTS_002)])
def test_pdf_seeds_recover_the_statement_paragraphs(prefix: str, starts: list[str]) -> None:
    text = seed(prefix)
    segs = segment(text)
    for start in starts:
        find(text, segs, start)


@needs_seeds
def test_pdf_seed_000_never_cuts_a_statement_sentence() -> None:
    text = seed("000")
    segs = segment(text)
    first = segs.index(find(text, segs, "On April 2, 1993"))
    for seg in segs[first:]:
        assert text[seg.start : seg.end].rstrip("”").endswith("."), text[seg.start : seg.end]


@needs_seeds
@pytest.mark.parametrize("prefix", ["001", "003", "004"])
def test_markdown_seeds_keep_their_blank_line_paragraphs(prefix: str) -> None:
    text = seed(prefix)
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    assert paragraphs(text) == blocks


@needs_seeds
@pytest.mark.parametrize("prefix", sorted(LAST_BODY))
def test_statement_paragraphs_are_english_body(prefix: str) -> None:
    text = seed(prefix)
    segs = segment(text)
    first = segs.index(find(text, segs, "On April 2, 1993"))
    last = segs.index(find(text, segs, LAST_BODY[prefix]))
    assert last == len(segs) - 1 or prefix == "003"
    for seg in segs[first : last + 1]:
        assert (seg.role, seg.language) == ("body", "en"), text[seg.start : seg.end]


@needs_seeds
@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("000", "Statement by the Press Service"),
        ("001", "Statement by Hikmat Hajiyev"),
        ("002", "Statement of the Press Service"),
        ("004", "**Statement by the Ministry"),
    ],
)
def test_statement_title_right_before_the_body_is_body(prefix: str, title: str) -> None:
    text = seed(prefix)
    assert find(text, segment(text), title).role == "body"


@needs_seeds
def test_seed_000_cover_letter_is_wrapper() -> None:
    text = seed("000")
    segs = segment(text)
    for start in [
        "Letter dated 17 April 2018",
        "Upon instructions from my Government",
        "I should be grateful",
        "(Signed) Yashar Aliyev",
        "Ambassador",
        "Permanent Representative",
        "* The annex is being circulated",
        "Annex to the letter dated",
    ]:
        assert find(text, segs, start).role == "wrapper", start


@needs_seeds
def test_seed_002_russian_note_verbale_is_wrapper() -> None:
    text = seed("002")
    segs = segment(text)
    statement = segs.index(find(text, segs, "Statement of the Press Service"))
    russian = [seg for seg in segs if seg.language == "ru"]
    assert len(russian) >= 8
    for start in [
        "Совет по правам человека",
        "Пункт 4 повестки дня",
        "Вербальная нота",
        "Постоянное представительство",
        "* Воспроизводится в том виде",
    ]:
        seg = find(text, segs, start)
        assert (seg.role, seg.language) == ("wrapper", "ru"), start
    assert all(seg.role == "wrapper" for seg in segs[:statement])


@needs_seeds
def test_seed_004_spanish_note_verbale_is_wrapper() -> None:
    text = seed("004")
    segs = segment(text)
    for start in [
        "Distr. general",
        "Consejo de Derechos Humanos",
        "Tema 4 de la agenda",
        "Nota verbal de fecha",
        "La Misión Permanente de la República",
        "La Misión Permanente solicita",
        "* Se reproduce tal como se recibió",
    ]:
        seg = find(text, segs, start)
        assert (seg.role, seg.language) == ("wrapper", "es"), start
    assert find(text, segs, "**Annex to the note verbale").role == "wrapper"


@needs_seeds
def test_seed_003_news_frame_is_wrapper() -> None:
    text = seed("003")
    segs = segment(text)
    for start in [
        "**AZERBAIJAN'S MFA ISSUES STATEMENT",
        "03.04.2020",
        "News.az (02 April 2020)",
        "Azerbaijans Ministry of Foreign Affairs has issued a statement",
        "The statement reads:",
        "<https://news.az/",
        "Kaynak/Source:",
    ]:
        assert find(text, segs, start).role == "wrapper", start
    assert all(seg.role == "wrapper" for seg in segs if flat(text[seg.start : seg.end]) in {"---", "-"})


@needs_seeds
def test_seed_001_press_release_line_is_wrapper() -> None:
    text = seed("001")
    segs = segment(text)
    assert find(text, segs, "Press release 02 April 2018").role == "wrapper"
    assert [seg.role for seg in segs].count("wrapper") == 1


@needs_seeds
def test_seeds_segment_quickly() -> None:
    """A loose guard against accidental quadratic work; the real budget is ~2 ms per document."""
    docs = [seed(prefix) for prefix in sorted(PARAGRAPH_COUNTS)]
    segment(docs[0])  # loads the language model
    started = time.perf_counter()
    for _ in range(10):
        for doc in docs:
            segment(doc)
    assert (time.perf_counter() - started) / 50 < 0.05


# -- records of fields (Debian copyright stanzas, mail headers) are wrapper ----------------------

from variorum.text.roles import assign_roles, is_field_stanza  # noqa: E402


def test_a_stanza_of_fields_is_a_record_and_a_licence_paragraph_is_not():
    stanza = "Files: *\nCopyright: 1999-2010 Joey Hess <joeyh@debian.org>\n           2003 T. Kubota\nLicense: BSD-2-clause"
    assert is_field_stanza(stanza)
    assert is_field_stanza("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/")
    assert is_field_stanza("From: Press Office\nSubject: Statement on the anniversary")
    licence = (
        "License: Expat\n Permission is hereby granted, free of charge, to any person obtaining a\n"
        ' copy of this software and associated documentation files (the "Software"),'
    )
    assert not is_field_stanza(licence)
    assert not is_field_stanza("Note: the meeting was postponed to the next session.")
    assert not is_field_stanza("The statement reads: we remain committed to peace.")


def test_the_files_and_holders_above_a_licence_are_wrapper_and_the_licence_is_body():
    texts = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "Files: *\nCopyright: 2010-2017 Benjamin Peterson\nLicense: Expat",
        "Files: debian/*\nCopyright: 2012-2017 Colin Watson <cjwatson@debian.org>\nLicense: Expat",
        "License: Expat\n Permission is hereby granted, free of charge, to any person obtaining a copy of this"
        " software and associated documentation files, to deal in the Software without restriction.",
    ]
    words = [len(t.split()) for t in texts]
    assert assign_roles(texts, ["en"] * 4, words) == ["wrapper", "wrapper", "wrapper", "body"]


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_field_stanza_never_fails_on_any_text(text):
    assert is_field_stanza(text) in (True, False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**9),
            st.integers(0, 10**9),
            st.sampled_from([None, "en", "ru", "zh"]),
            st.sampled_from(["body", "wrapper"]),
        ),
        max_size=8,
    )
)
def test_segments_made_in_bulk_are_the_dataclass_s(fields_of: list) -> None:
    """The segments :func:`segment` fills in without ``Segment.__init__`` equal, hash, read and
    pickle as those ``Segment(...)`` makes."""
    import pickle

    from variorum.text import segment as segment_module

    assert segment_module._PLAIN_SEGMENT  # else the bulk path is never taken
    made = segment_module._segments(
        [(s, e) for s, e, _, _ in fields_of], [lang for *_, lang, _ in fields_of], [r for *_, r in fields_of]
    )
    expected = [Segment(s, e, lang, role) for s, e, lang, role in fields_of]
    assert made == expected
    assert [vars(m) for m in made] == [vars(e) for e in expected]
    assert [hash(m) for m in made] == [hash(e) for e in expected]
    assert pickle.dumps(made) == pickle.dumps(expected)
    for m in made:
        with pytest.raises(AttributeError):
            m.start = 1  # type: ignore[misc]  # still frozen
