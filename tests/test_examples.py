"""Golden end-to-end test on the bundled example corpus (ground truth: docs/example-corpus.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from variorum import pipeline
from variorum.config import Settings
from variorum.ingest import read_file, read_inputs
from variorum.store.index import Index

from conftest import EXAMPLES

VERSIONS = [
    "2021-03-press-release.txt",
    "2021-03-letter-annex.pdf",
    "2022-04-note-verbale.docx",
    "2023-03-news-article.html",
    "2023-04-statement.md",
]
OP_ED = "2022-09-quoting-op-ed.txt"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    settings = Settings()
    skipped: list = []
    with Index.open(tmp_path_factory.mktemp("ex") / "ex.db") as index:
        report = pipeline.add(index, read_inputs([str(EXAMPLES)], on_skip=skipped.append), settings)
        fams = pipeline.families(index, settings)
        by_name = {Path(r["path"]).name: r["id"] for r in index.doc_rows()}
        passages = pipeline.passages(index, settings)
    return report, fams, by_name, passages, skipped


def test_every_example_file_is_read(analysed):
    report, *_, skipped = analysed
    assert skipped == []
    assert report.added == 18  # 5 versions, the op-ed, 12 unrelated documents


def test_exactly_one_family_of_the_five_versions_in_date_order(analysed):
    _, fams, by_name, *_ = analysed
    assert len(fams) == 1
    assert [d["id"] for d in fams[0]["documents"]] == [by_name[n] for n in VERSIONS]
    assert [d["date"] for d in fams[0]["documents"]] == [
        "2021-03-14",
        "2021-03-29",
        "2022-04-05",
        "2023-03-14",
        "2023-04-03",
    ]


def test_the_op_ed_is_linked_by_its_quotation_only(analysed):
    _, fams, by_name, passages, _ = analysed
    op_ed = by_name[OP_ED]
    assert op_ed not in {d["id"] for d in fams[0]["documents"]}
    quoted = [p for p in passages if op_ed in (p["a"], p["b"])]
    v1 = by_name[VERSIONS[0]]
    with_v1 = [p for p in quoted if v1 in (p["a"], p["b"])]
    assert len(with_v1) == 1 and with_v1[0]["words"] >= 140
    text = with_v1[0]["a_text"] if with_v1[0]["a"] == op_ed else with_v1[0]["b_text"]
    assert "retaining wall" in text and "around 12.000 residents" in text


def test_stock_letter_wording_is_boilerplate(analysed):
    _, _, by_name, passages, _ = analysed
    letters = {by_name["2021-05-fisheries-letter.txt"], by_name["2022-06-navigation-letter.md"]}
    stock = [p for p in passages if {p["a"], p["b"]} & letters]
    assert stock and all(p["boilerplate"] for p in stock)
    assert all("I should be grateful" in p["a_text"] for p in stock)


def test_moved_paragraph_is_a_passage_of_its_own(analysed):
    _, _, by_name, passages, _ = analysed
    v3, v4 = by_name[VERSIONS[2]], by_name[VERSIONS[3]]
    pair = [p for p in passages if {p["a"], p["b"]} == {v3, v4}]
    moved = [p for p in pair if p["a_text"].startswith("The Agency remembers the three people")]
    assert len(moved) == 1 and moved[0]["words"] >= 70


def test_noisy_markdown_copy_matches_despite_split_words(analysed):
    _, _, by_name, passages, _ = analysed
    v4, v5 = by_name[VERSIONS[3]], by_name[VERSIONS[4]]
    pair = [p for p in passages if {p["a"], p["b"]} == {v4, v5}]
    md_side = " ".join(p["b_text"] if p["b"] == v5 else p["a_text"] for p in pair)
    for noisy in ("resi dents", "Remedia tion", "fro m", "ob ligation", "contami nated", "compen sation"):
        assert noisy in md_side
    assert all(p["identity"] >= 0.97 for p in pair)


def test_cover_notes_are_wrappers_in_their_languages():
    for name, lang in (("2022-04-note-verbale.docx", "fr"), ("2023-04-statement.md", "es")):
        info = pipeline.describe(read_file(EXAMPLES / name))
        assert any(s["role"] == "wrapper" and s["language"] == lang for s in info["segments"]), name
        assert info["languages"][0] == "en"


def test_pdf_and_html_extraction_keep_the_statement_and_drop_the_page_furniture():
    html = read_file(EXAMPLES / "2023-03-news-article.html").text
    assert "The Agency remembers the three people" in html
    assert "Most read" not in html and "Subscribe" not in html
    pdf = read_file(EXAMPLES / "2021-03-letter-annex.pdf").text
    assert "Letter dated 29 March 2021" in pdf and "Clean water cannot be replaced" in pdf
