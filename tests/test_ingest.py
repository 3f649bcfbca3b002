"""Reading inputs: every format from real files built here, and every way a file can fail.

A failing file must be reported with a reason naming it, and must not stop the files after it.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from hypothesis import given, settings
from hypothesis import strategies as st

import variorum.ingest as ingest
from variorum.errors import (
    EmptyDocument,
    EncryptedDocument,
    InputError,
    MalformedDocument,
    UnsupportedFormat,
)
from variorum.ingest import read_file, read_inputs, read_jsonl, read_text
from variorum.ingest.decode import PLAIN_TYPOGRAPHY, decode_bytes
from variorum.ingest.html_text import visible_text
from variorum.model import Document, Skip, content_id

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

STATEMENT = (
    "On April 2, 1993 the Kalbajar district of Azerbaijan was occupied by armed forces of Armenia "
    "as a part of its systematic policy of aggression and occupation against Azerbaijan."
)
SECOND = (
    "As a result of occupation, around 60.000 inhabitants of Kalbajar were subjected to ethnic "
    "cleansing and expelled from their native lands."
)


def read_all(*inputs: str | Path, **kwargs: object) -> tuple[list[Document], list[Skip]]:
    skips: list[Skip] = []
    documents = list(read_inputs([str(item) for item in inputs], on_skip=skips.append, **kwargs))  # type: ignore[arg-type]
    return documents, skips


def write_pdf(path: Path, pages: list[str], *, title: str | None = None, **encryption: str) -> Path:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    if title:
        pdf.set_title(title)
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.output(str(path))
    return path


def write_docx(path: Path, paragraphs: list[str], *, title: str | None = None, table: bool = False) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.add_paragraph("   ")  # empty paragraphs are not blocks
    if table:
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).text = "Cell one"
        grid.cell(0, 1).text = "Cell two"
        grid.cell(1, 0).merge(grid.cell(1, 1)).text = "Merged cell"
    if title:
        document.core_properties.title = title
    document.save(str(path))
    return path


# --- plain text, encodings, offsets -------------------------------------------------------------


def test_plain_text_is_kept_as_is_with_line_endings_normalised(tmp_path: Path) -> None:
    original = "Press release 02 April 2018\r\n\r\n“Quoted” text — with ﬁ ligature and ＡＢ width.\r\n"
    path = tmp_path / "release.txt"
    path.write_bytes(original.encode("utf-8"))

    document = read_file(path)

    assert document.text == original.replace("\r\n", "\n")
    assert document.id == content_id(document.text)
    assert document.path == str(path)
    assert document.source == str(path)
    assert document.format == "txt"
    assert document.title == "Press release 02 April 2018"
    assert document.date == "2018-04-02"
    assert document.dates == ("2018-04-02",)


def test_offsets_index_the_returned_text(tmp_path: Path) -> None:
    path = tmp_path / "quote.txt"
    path.write_text(f"Heading\r\n\r\n{STATEMENT}\r\n“{SECOND}”\r\n", encoding="utf-8")

    document = read_file(path)

    start = document.text.index("“")
    end = document.text.index("”") + 1
    assert document.text[start:end] == f"“{SECOND}”"
    assert "\r" not in document.text


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "Déclaration du 5 avril 2022".encode())
    assert read_file(path).text == "Déclaration du 5 avril 2022"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(tmp_path: Path, encoding: str) -> None:
    text = "Вербальная нота от 6 июня 2019 года\nSecond line"
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))

    document = read_file(path)

    assert document.text == text
    assert document.date == "2019-06-06"


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    text = (
        "Le ministère des affaires étrangères a publié une déclaration à l’occasion de l’anniversaire. "
        "La Misión Permanente saluda atentamente — año 2020, Genève."
    )
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1252"))
    assert read_file(path).text == text


def test_latin1_file_is_decoded(tmp_path: Path) -> None:
    text = "Señor, la Misión Permanente saluda atentamente, año 2020. Café, résumé, naïve, façade."
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    assert read_file(path).text == text


def test_mojibake_is_repaired_but_typography_kept(tmp_path: Path) -> None:
    path = tmp_path / "mojibake.txt"
    path.write_text("Le ministÃ¨re a publiÃ© une dÃ©claration “officielle” — ﬁn.", encoding="utf-8")
    assert read_file(path).text == "Le ministère a publié une déclaration “officielle” — ﬁn."


@given(
    text=st.text(st.characters(categories=["L", "N", "P", "Zs"], exclude_characters="\x00"), max_size=200),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_decoding_round_trips_unicode_encodings(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), "x.txt") == text


# --- empty, binary, missing ---------------------------------------------------------------------


def test_empty_and_blank_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\n\t\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text(STATEMENT, encoding="utf-8")

    documents, skips = read_all(tmp_path)

    assert skips == [
        Skip(str(tmp_path / "blank.md"), "empty after extraction"),
        Skip(str(tmp_path / "empty.txt"), "empty file"),
    ]
    assert [document.text for document in documents] == [STATEMENT]
    with pytest.raises(EmptyDocument):
        read_file(tmp_path / "empty.txt")


def test_binary_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff" * 40)
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "notes.log").write_text(STATEMENT, encoding="utf-8")

    documents, skips = read_all(tmp_path / "binary.txt", tmp_path / "blob.bin", tmp_path / "notes.log")

    assert skips == [
        Skip(str(tmp_path / "binary.txt"), "binary file, not text"),
        Skip(str(tmp_path / "blob.bin"), "binary file, not text"),
    ]
    # A file of unknown extension named explicitly is read as text when it is text.
    assert [(document.format, document.text) for document in documents] == [("txt", STATEMENT)]
    with pytest.raises(UnsupportedFormat, match="binary file, not text"):
        read_file(tmp_path / "binary.txt")


def test_missing_path_is_skipped_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(STATEMENT, encoding="utf-8")
    missing = tmp_path / "missing.txt"

    documents, skips = read_all(missing, tmp_path / "good.txt")

    assert skips == [Skip(str(missing), "no such file")]
    assert str(skips[0]) == f"{missing}: no such file (skipped)"
    assert len(documents) == 1
    with pytest.raises(InputError, match="no such file"):
        read_file(missing)


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_pages_are_joined_with_a_blank_line(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "letter.pdf",
        ["Letter dated 17 April 2018 from the Permanent Representative", STATEMENT],
        title="Letter to the Secretary-General",
    )

    document = read_file(path)

    first, second = document.text.split("\n\n")
    assert first == "Letter dated 17 April 2018 from the Permanent Representative"
    # pypdfium2 keeps the hard line wraps; only the words matter here.
    assert second.split() == STATEMENT.split()
    assert document.format == "pdf"
    assert document.title == "Letter to the Secretary-General"
    assert document.date == "2018-04-17"
    assert document.metadata["pages"] == 2
    assert document.id == content_id(document.text)


def test_pdf_without_title_takes_the_first_line(tmp_path: Path) -> None:
    document = read_file(write_pdf(tmp_path / "untitled.pdf", ["Press release 02 April 2018"]))
    assert document.title == "Press release 02 April 2018"


def test_encrypted_pdf_is_skipped(tmp_path: Path) -> None:
    locked = write_pdf(tmp_path / "locked.pdf", [STATEMENT], owner_password="owner", user_password="user")
    good = write_pdf(tmp_path / "open.pdf", [STATEMENT])

    documents, skips = read_all(locked, good)

    assert skips == [Skip(str(locked), "encrypted PDF, cannot extract text")]
    assert [document.path for document in documents] == [str(good)]
    with pytest.raises(EncryptedDocument):
        read_file(locked)


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    # Permissions without a user password do not stop text extraction, as in every PDF reader.
    path = write_pdf(tmp_path / "restricted.pdf", ["Restricted but readable"], owner_password="owner")
    assert read_file(path).text == "Restricted but readable"


def test_pdf_without_text_layer_is_skipped(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "scan.pdf", [""])
    _, skips = read_all(path)
    assert skips == [Skip(str(path), "PDF has no text layer (scanned?)")]


def test_corrupt_pdfs_are_skipped(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(os.urandom(2048))
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(write_pdf(tmp_path / "whole.pdf", [STATEMENT]).read_bytes()[:400])

    documents, skips = read_all(garbage, truncated, tmp_path / "whole.pdf")

    assert skips == [
        Skip(str(garbage), "malformed PDF: no %PDF header"),
        Skip(str(truncated), "malformed PDF: data format error"),
    ]
    assert len(documents) == 1
    with pytest.raises(MalformedDocument):
        read_file(truncated)


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_cells(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "note.docx", ["Press release 02 April 2018", STATEMENT], title="Statement", table=True
    )

    document = read_file(path)

    assert document.text == "\n\n".join(
        ["Press release 02 April 2018", STATEMENT, "Cell one", "Cell two", "Merged cell"]
    )
    assert document.format == "docx"
    assert document.title == "Statement"
    assert document.date == "2018-04-02"


def test_corrupt_docx_files_are_skipped(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(os.urandom(2048))
    other_zip = tmp_path / "other.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    encrypted = tmp_path / "encrypted.docx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(1024))
    good = write_docx(tmp_path / "good.docx", [STATEMENT])

    documents, skips = read_all(garbage, other_zip, encrypted, good)

    assert skips == [
        Skip(str(garbage), "malformed DOCX: not a zip archive"),
        Skip(str(other_zip), "malformed DOCX: zip archive without word/document.xml"),
        Skip(str(encrypted), "encrypted or legacy Office file"),
    ]
    assert [document.text for document in documents] == [STATEMENT]
    with pytest.raises(EncryptedDocument):
        read_file(encrypted)
    with pytest.raises(MalformedDocument):
        read_file(garbage)


# --- HTML and Markdown ---------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Statement on Kalbajar | Ministry of Foreign Affairs</title>
<meta property="article:published_time" content="2018-04-02"></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News archive</a></li>
<li><a href="/contact">Contact the ministry</a></li></ul></nav>
<div class="sidebar"><h3>Related</h3><ul><li><a href="/x">Another statement on fisheries</a></li></ul></div>
<article>
<h1>Statement by the Spokesperson</h1>
<p>Press release 02 April 2018</p>
<p>{STATEMENT}</p>
<p>{SECOND}</p>
</article>
<footer><p>Copyright 2018 Ministry of Foreign Affairs. All rights reserved.</p></footer>
</body></html>
"""


def test_html_keeps_the_article_and_drops_the_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")

    document = read_file(path)

    assert STATEMENT in document.text
    assert SECOND in document.text
    for boilerplate in ("News archive", "Contact the ministry", "fisheries", "All rights reserved"):
        assert boilerplate not in document.text
    assert document.format == "html"
    assert document.title == "Statement by the Spokesperson"
    assert document.date == "2018-04-02"


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    path = tmp_path / "legacy.htm"
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1251"').replace(
        SECOND, "Совет по правам человека"
    )
    path.write_bytes(page.encode("cp1251"))
    assert "Совет по правам человека" in read_file(path).text


def test_visible_text_fallback_breaks_paragraphs_at_blocks() -> None:
    import lxml.html

    tree = lxml.html.document_fromstring(
        "<html><head><title>T</title><style>p {}</style></head><body><div>One <b>bold</b> line<br>next</div>"
        "<p>Two</p><script>var x = 1;</script><!-- note --><ul><li>Three</li></ul></body></html>"
    )
    assert visible_text(tree) == "One bold line\nnext\n\nTwo\n\nThree"


def test_markdown_markup_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "# Statement **by** the Ministry\n\n"
        "Press release *02 April 2018*, see [the archive](https://example.org/archive) "
        "or <https://example.org/x> ![logo](logo.png) and __this__.\n\n"
        "- first point\n- second point\n\n"
        "3. The Council decides\n\n"
        "---\n\n"
        "```\ncode stays\n```\n\n"
        "43^{er} período de sesiones <span>kept</span>\n",
        encoding="utf-8",
    )

    document = read_file(path)

    assert document.text == (
        "Statement by the Ministry\n\n"
        "Press release 02 April 2018, see the archive or https://example.org/x  and this.\n\n"
        "first point\n\nsecond point\n\n"
        "3. The Council decides\n\n"
        "code stays\n\n"
        "43^{er} período de sesiones kept"
    )
    assert document.format == "md"
    assert document.title == "Statement by the Ministry"
    assert document.date == "2018-04-02"


# --- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_records_and_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps(
            {"id": "un-1", "text": STATEMENT, "series": "UN", "date": "2018-04-17T00:00:00Z", "lang": "en"}
        ),
        '{"id": "broken", "text": ',
        "",
        json.dumps({"id": 7, "text": SECOND, "date": "17 April 2018", "title": "T", "source": "news.az"}),
        json.dumps({"id": "no-text"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"text": "Record without id, dated 3 May 2019"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    documents, skips = read_all(path)

    assert skips == [
        Skip(f"{path}:2", "invalid JSON: Expecting value (column 26)"),
        Skip(f"{path}:5", 'record has no "text" field'),
        Skip(f"{path}:6", "record is a JSON list, not an object"),
        Skip(f"{path}:7", "empty after extraction"),
    ]
    first, second, third = documents
    assert (first.id, first.text, first.series, first.date, first.path) == (
        "un-1",
        STATEMENT,
        "UN",
        "2018-04-17",
        f"{path}:1",
    )
    assert first.metadata == {"lang": "en"}
    assert first.source == str(path)
    assert first.format == "jsonl"
    assert (second.id, second.date, second.title, second.source) == ("7", "2018-04-17", "T", "news.az")
    assert third.id == content_id(third.text)
    assert third.date == "2019-05-03"


def test_jsonl_record_fields_override_caller_metadata(tmp_path: Path) -> None:
    path = tmp_path / "corpus.ndjson"
    path.write_text(
        json.dumps({"id": "a", "text": STATEMENT, "series": "own"})
        + "\n"
        + json.dumps({"id": "b", "text": SECOND}),
        encoding="utf-8",
    )
    documents = list(read_jsonl(str(path), metadata={"series": "default", "batch": 3}))
    assert [(document.series, document.metadata["batch"]) for document in documents] == [
        ("own", 3),
        ("default", 3),
    ]
    with pytest.raises(UnsupportedFormat):
        read_file(path)


def test_an_exception_from_on_skip_stops_the_run_unchanged(tmp_path: Path) -> None:
    class Stop(Exception):
        pass

    def strict(skip: Skip) -> None:
        raise Stop(str(skip))

    bad_line = tmp_path / "corpus.jsonl"
    bad_line.write_text('{"id": 1}\n', encoding="utf-8")
    for path in (bad_line, tmp_path / "missing.txt"):
        with pytest.raises(Stop) as stopped:
            list(read_inputs([str(path)], on_skip=strict))
        assert str(stopped.value).count("(skipped)") == 1


def test_read_jsonl_raises_at_once_for_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_jsonl(str(tmp_path / "missing.jsonl"))
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n\n", encoding="utf-8")
    with pytest.raises(EmptyDocument):
        read_jsonl(str(blank))


# --- stdin, globs, folders -----------------------------------------------------------------------


def test_stdin_is_read_from_the_given_stream() -> None:
    documents, skips = read_all("-", stdin=io.StringIO("Press release 02 April 2018\r\nText."))
    assert skips == []
    (document,) = documents
    assert (document.path, document.text, document.date) == (
        "-",
        "Press release 02 April 2018\nText.",
        "2018-04-02",
    )
    assert document.id == content_id(document.text)


def test_glob_patterns_are_expanded_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "c.md"):
        (tmp_path / name).write_text(f"{name} {STATEMENT}", encoding="utf-8")
    (tmp_path / "docs" / "deep").mkdir(parents=True)
    (tmp_path / "docs" / "deep" / "d.md").write_text(SECOND, encoding="utf-8")

    documents, skips = read_all(tmp_path / "*.txt", tmp_path / "docs" / "**" / "*.md", tmp_path / "*.none")

    assert [Path(document.path or "").name for document in documents] == ["a.txt", "b.txt", "d.md"]
    assert skips == [Skip(str(tmp_path / "*.none"), "no files match the pattern")]


def test_folder_walk_is_recursive_sorted_and_reports_unknown_formats(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "one.txt").write_text(STATEMENT, encoding="utf-8")
    (tmp_path / "a" / "two.md").write_text(SECOND, encoding="utf-8")
    (tmp_path / "z.txt").write_text("Last one", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    (tmp_path / "README").write_text("no extension", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".git" / "config.txt").write_text("hidden folder", encoding="utf-8")

    documents, skips = read_all(tmp_path, tmp_path / "z.txt")  # z.txt named twice, read once

    assert [os.path.relpath(document.path or "", tmp_path) for document in documents] == [
        os.path.join("a", "two.md"),
        os.path.join("b", "one.txt"),
        "z.txt",
    ]
    assert skips == [
        Skip(str(tmp_path / "README"), "unsupported format (no extension)"),
        Skip(str(tmp_path / "picture.png"), "unsupported format .png"),
    ]


def test_one_run_over_every_kind_of_input(tmp_path: Path) -> None:
    good_pdf = write_pdf(tmp_path / "1.pdf", [STATEMENT])
    locked = write_pdf(tmp_path / "2.pdf", [STATEMENT], owner_password="o", user_password="u")
    bad_docx = tmp_path / "3.docx"
    bad_docx.write_bytes(b"garbage")
    good_docx = write_docx(tmp_path / "4.docx", [SECOND])
    empty = tmp_path / "5.txt"
    empty.write_bytes(b"")

    documents, skips = read_all(
        good_pdf, locked, bad_docx, good_docx, empty, "-", stdin=io.StringIO("From stdin")
    )

    assert [document.path for document in documents] == [str(good_pdf), str(good_docx), "-"]
    assert [skip.path for skip in skips] == [str(locked), str(bad_docx), str(empty)]


# --- read_text and metadata ----------------------------------------------------------------------


def test_read_text_formats_and_metadata() -> None:
    document = read_text(
        "# Title\n\nDated 17 April 2018.",
        fmt="md",
        path="upload.md",
        date="2020-01-02",
        series="web",
        lang="en",
    )
    assert document.text == "Title\n\nDated 17 April 2018."
    assert (document.path, document.date, document.dates, document.series) == (
        "upload.md",
        "2020-01-02",
        ("2018-04-17",),
        "web",
    )
    assert document.metadata == {"lang": "en"}
    assert "fisheries" not in read_text(PAGE, fmt="html").text
    with pytest.raises(UnsupportedFormat):
        read_text("x", fmt="pdf")
    with pytest.raises(EmptyDocument):
        read_text(" \n ")


def test_given_metadata_wins_over_what_is_found(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "a.pdf", ["Letter dated 17 April 2018"], title="PDF title")
    documents, _ = read_all(path, metadata={"date": "2018-05-01", "title": "Given", "collection": "mfa"})
    (document,) = documents
    assert (document.date, document.title, document.metadata["collection"]) == ("2018-05-01", "Given", "mfa")
    assert document.dates == ("2018-04-17",)


def test_long_first_line_title_is_cut_at_a_word() -> None:
    title = read_text(" ".join(["word"] * 100)).title or ""
    assert len(title) <= 200
    assert title.endswith("word…")


def test_read_data_reads_bytes_as_the_file_of_that_name_would_be_read(tmp_path: Path) -> None:
    data = b"<html><body><p>Uploaded statement on fisheries.</p></body></html>"
    (tmp_path / "page.html").write_bytes(data)
    [document] = ingest.read_data(data, "page.html")
    assert document.text == read_file(tmp_path / "page.html").text
    assert document.path == "page.html"
    with pytest.raises(EmptyDocument, match=r"upload\.txt: empty file"):
        ingest.read_data(b"", "upload.txt")
    with pytest.raises(MalformedDocument, match=r"broken\.pdf: malformed PDF"):
        ingest.read_data(b"%PDF-1.4 not really", "broken.pdf")
    skips: list[Skip] = []
    lines = b'{"id": "r1", "text": "one"}\nnot json\n'
    assert [d.id for d in ingest.read_data(lines, "c.jsonl", on_skip=skips.append)] == ["r1"]
    assert [s.path for s in skips] == ["c.jsonl:2"]


def test_public_surface() -> None:
    assert sorted(ingest.__all__) == [
        "document_date",
        "find_dates",
        "normalize_date",
        "read_data",
        "read_file",
        "read_inputs",
        "read_jsonl",
        "read_stdin",
        "read_text",
    ]


# --- the real documents --------------------------------------------------------------------------


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")
def test_seed_folder_is_read_whole() -> None:
    documents, skips = read_all(SEEDS)
    assert skips == []
    assert [document.date for document in documents] == [
        "2018-04-17",
        "2018-04-02",
        "2019-06-06",
        "2020-04-03",
        "2020-05-06",
    ]
    for document in documents:
        original = Path(document.path or "").read_text(encoding="utf-8")
        assert document.text == original  # plain UTF-8 text with "\n" endings: nothing to repair
        assert document.id == content_id(original)


def _ascii_and(extra: str) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.one_of(st.characters(max_codepoint=0x7F), st.sampled_from(extra)), max_size=200
    )


@settings(max_examples=500, deadline=None)
@given(_ascii_and(PLAIN_TYPOGRAPHY))
def test_plain_text_skips_ftfy_only_where_ftfy_changes_nothing(text):
    import ftfy

    from variorum.ingest.decode import _ASCII_CONTROLS, _ftfy_config, clean_text

    plain = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _ASCII_CONTROLS.search(plain):
        assert ftfy.fix_text(plain, _ftfy_config()) == plain
    assert clean_text(text) == ftfy.fix_text(plain, _ftfy_config())


def test_mojibake_beside_plain_typography_is_still_repaired():
    from variorum.ingest.decode import clean_text

    # UTF-8 read as cp1252: the apostrophe and the accented letter both come out wrong.
    broken = "It\u2019s the r\u00c3\u00a9sum\u00c3\u00a9 \u00e2\u20ac\u201d see \u201cnotes\u201d"
    assert clean_text(broken) == "It\u2019s the r\u00e9sum\u00e9 \u2014 see \u201cnotes\u201d"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("---\n\n**AZERBAIJAN'S MFA ISSUES STATEMENT**  \n-\n\nBody.", "AZERBAIJAN'S MFA ISSUES STATEMENT"),
        ("# Annual report\n\nText.", "Annual report"),
        ("***\n* * *\n. . .\n\nThe first real line", "The first real line"),
        ("2021 in review\n", "2021 in review"),
        ("—\n…\n", None),
    ],
)
def test_a_title_is_never_a_rule_or_a_punctuation_line(text, title):
    from variorum.ingest.build import first_line_title

    assert first_line_title(text) == title


def test_seed_titles_have_words(seeds):
    from variorum.ingest import read_file

    for path in sorted(seeds.iterdir()):
        assert re.search(r"\w", read_file(path).title or ""), path.name


def _controls_by_category(text: str) -> int:
    """The count of control characters a binary file shows, as first written (one by one)."""
    import unicodedata

    return sum(
        1 for ch in text if ch not in "\t\n\r\f\v" and unicodedata.category(ch) == "Cc" and ch < "\x80"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0x9F), st.characters()), max_size=300))
def test_control_characters_are_counted_as_by_their_category(text):
    from variorum.ingest import decode

    assert len(decode._BINARY_CONTROLS.findall(text)) == _controls_by_category(text)
    every = "".join(map(chr, range(0x100)))
    assert len(decode._BINARY_CONTROLS.findall(every)) == _controls_by_category(every) == 28
