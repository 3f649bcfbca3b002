"""The static HTML report: pages written from an index, parsed back with lxml."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html

from variorum import pipeline
from variorum.collate.reading import Piece, reading_paragraphs
from variorum.config import REPORT_STEMMA_REPLICATES, Settings
from variorum.export.report import render as render_module
from variorum.export.report import views
from variorum.export.report.family import READING_CHARS
from variorum.export.report.links import STATIC, WEB, document_file, family_file, file_stem
from variorum.export.report.pagedata import (
    apply_edit,
    compact_row,
    edit_ops,
    family_data,
    read_rows,
    reading_text,
)
from variorum.export.report.render import ASSETS, render_page, report_pages, write_report
from variorum.export.report.sidebyside import pair_rows
from variorum.ingest import read_inputs
from variorum.store.index import Index

from conftest import EXAMPLES

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_ATTR = '" onmouseover="x'


def build(folder: Path, inputs: list[str]) -> tuple[Path, list[Path]]:
    """Index ``inputs`` in ``folder`` and write the report there; the index path and the pages."""
    settings = Settings()
    skipped: list = []
    db = folder / "index.db"
    with Index.open(db) as index:
        pipeline.add(index, read_inputs(inputs, on_skip=skipped.append), settings, skipped=skipped)
        pages = write_report(index, settings, folder / "report")
    return db, pages


def parse(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory) -> tuple[Path, list[Path]]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found")
    return build(tmp_path_factory.mktemp("seeds"), [str(SEEDS)])


@pytest.fixture(scope="module")
def examples_report(tmp_path_factory) -> tuple[Path, list[Path]]:
    return build(tmp_path_factory.mktemp("examples"), [str(EXAMPLES)])


@pytest.fixture(scope="module")
def evil_report(tmp_path_factory) -> tuple[Path, list[Path]]:
    """The examples plus a version of the press release carrying markup, and a file whose name
    carries an attribute, so hostile text reaches every kind of page."""
    folder = tmp_path_factory.mktemp("evil")
    inputs = folder / "inputs"
    shutil.copytree(EXAMPLES, inputs, ignore=shutil.ignore_patterns("other"))
    release = (EXAMPLES / "2021-03-press-release.txt").read_text(encoding="utf-8")
    paragraphs = release.split("\n\n")
    paragraphs.insert(3, f"Readers {EVIL_SCRIPT} were told {EVIL_ATTR} nothing of the kind, said the agency.")
    (inputs / "2024-01-copy.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    (inputs / 'x" onmouseover="x.txt').write_text(
        f"A short note {EVIL_SCRIPT} that nobody copied, {EVIL_ATTR} about the weather in spring.",
        encoding="utf-8",
    )
    return build(folder, [str(inputs)])


def q(root: html.HtmlElement, xpath: str) -> list:
    """XPath with ``C(name)`` standing for "has class name" (lxml's CSS selectors need an extra
    package)."""
    xpath = re.sub(r"C\(([\w-]+)\)", r"contains(concat(' ', normalize-space(@class), ' '), ' \1 ')", xpath)
    return root.xpath(xpath)


def page(pages: list[Path], prefix: str) -> list[Path]:
    return [p for p in pages if p.name.startswith(prefix)]


# -- corpus page --------------------------------------------------------------------------------


def test_corpus_page_lists_the_seed_family_on_a_timeline(seeds_report):
    _, pages = seeds_report
    assert pages[0].name == "index.html"
    root = parse(pages[0])
    families = q(root, "//section[C(family)]")
    assert len(families) == 1
    rows = q(families[0], ".//table[C(timeline-table)]/tbody/tr")
    assert len(rows) == 5
    years = [q(r, ".//time")[0].get("datetime")[:4] for r in rows]
    assert years == ["2018", "2018", "2019", "2020", "2020"]
    markers = q(families[0], ".//svg//a[C(marker)]")
    assert len(markers) == 5
    assert {m.get("data-doc") for m in markers} == {r.get("data-doc") for r in rows}
    assert [t.text for t in q(families[0], ".//svg//text[C(year)]")][:3] == ["2018", "2019", "2020"]
    link = q(families[0], ".//h3/a")[0].get("href")
    assert (pages[0].parent / link).is_file()


def test_corpus_page_shows_the_quotation_and_the_boilerplate(examples_report):
    _, pages = examples_report
    root = parse(pages[0])
    links = q(root, "//*[@id='links']//article[C(link)]")
    assert links, "the op-ed's quotation and the shared sign-off are links across families"
    assert any("quoting-op-ed" in a.text_content() for a in links)
    flagged = q(root, "//*[@id='links']//ul[C(passages)]/li[C(boilerplate)]")
    assert flagged and all(q(li, ".//*[C(badge)][C(boilerplate)]") for li in flagged)
    assert q(root, "//*[@id='singles']//tbody/tr")
    assert q(root, "//*[@id='skipped']")


# -- family page --------------------------------------------------------------------------------


def family_page(pages: list[Path]) -> html.HtmlElement:
    (path,) = page(pages, "family-")
    return parse(path)


def island(root: html.HtmlElement) -> dict:
    """A family page's data for its script (``<script type="application/json">``)."""
    (data,) = q(root, "//script[@type='application/json'][@id='family-data']")
    return json.loads(data.text)


def cell_texts(row: dict) -> list[str]:
    """A row of :func:`compact_row` with every cell's text written out (a number stands for an
    earlier cell that reads the same)."""
    return [row["c"][c] if isinstance(c, int) else c for c in row["c"]]


def page_reading_text(root: html.HtmlElement) -> str:
    """The reading view's text as the page's script reads it from the page: the text of its
    paragraphs, less marks, previews of added text, pop-ups and move notes."""
    skip = {"vmark", "vins", "vreadings", "move-note"}

    def walk(el, tail: bool) -> str:
        inner = ""
        if not skip & set((el.get("class") or "").split()):
            inner = (el.text or "") + "".join(walk(child, True) for child in el)
        return inner + ((el.tail or "") if tail else "")

    return "".join(walk(p, False) for p in q(root, "//div[C(reading)]//p[C(para)]"))


def island_texts(root: html.HtmlElement) -> list[list[str]]:
    """Every cell's text of a family page's island, read as its script reads it."""
    return read_rows(island(root)["rows"], page_reading_text(root))


def test_family_page_marks_the_2020_addition_and_the_move(seeds_report):
    root = family_page(seeds_report[1])
    added = "Armenia is responsible for all the illegal activities"
    additions = q(root, "//*[C(reading)]//*[C(variant)][@data-kind='addition']")
    addition = next(a for a in additions if added in q(a, "./*[C(vins)]")[0].text_content())
    # its readings are not in the HTML: the script builds them from the rows, which hold them
    assert not q(addition, "./*[C(vreadings)]")
    rows = [
        texts
        for r, texts in zip(island(root)["rows"], island_texts(root), strict=True)
        if r.get("v") == addition.get("id")
    ]
    assert any(added in text for texts in rows for text in texts)
    moves = q(root, "//*[C(reading)]//*[C(variant)][@data-kind='transposition']")
    assert len(moves) == 1
    move = moves[0]
    assert "The only way to achieve a durable and lasting settlement" in move.text_content()
    # a move's readings are its passage's rows, at both places; how far it moved is data
    assert not q(move, "./*[C(vreadings)]")
    number = move.get("id")[1:]
    label, other_place, *here = island(root)["moves"][number]
    assert label.startswith("transposition, paragraph, ") and " words moved over " in label
    assert other_place == f"{move.get('id')}-to" and here
    moved = [
        texts
        for r, texts in zip(island(root)["rows"], island_texts(root), strict=True)
        if r.get("m") == move.get("id")
    ]
    assert any("The only way to achieve a durable and lasting peace" in t for texts in moved for t in texts)
    assert move.get("data-subtype") == "paragraph" and move.get("data-substantive") == "true"
    # the two places link each other (the move's pop-up, which the script builds, links the
    # other place: other_place above)
    other = root.get_element_by_id(f"{move.get('id')}-to")
    assert q(other, ".//a[C(vmark)]")[0].get("href") == f"#{move.get('id')}"


def test_every_variant_element_says_what_it_is(seeds_report):
    root = family_page(seeds_report[1])
    variants = q(root, "//*[C(variant)]")
    assert variants
    symbols = {"addition": "+", "omission": "−", "substitution": "~", "transposition": "↔"}
    for v in variants:
        kind = v.get("data-kind")
        assert kind in symbols
        assert v.get("data-substantive") in {"true", "false"}
        assert re.fullmatch(r"v\d+", v.get("id"))
        mark = q(v, "./button[C(vmark)]")[0]
        assert mark.text.startswith(symbols[kind])
        # a pop-up in the HTML describes its mark; the script builds the others and links them
        popup = q(v, "./*[C(vreadings)]")
        assert mark.get("aria-describedby") == (f"{v.get('id')}-r" if popup else None)
        assert not popup, v.get("id")  # every reading of the seeds is in the rows
    formal = q(root, "//*[C(variant)][@data-substantive='false']")
    assert formal, "formal variants are in the page, hidden by the toggle"
    toggle = root.get_element_by_id("show-formal")
    assert toggle.get("type") == "checkbox" and toggle.get("checked") is None


def test_family_page_views_are_all_in_the_page(seeds_report):
    root = family_page(seeds_report[1])
    tabs = q(root, "//*[@role='tablist']//*[@role='tab']")
    panels = [root.get_element_by_id(t.get("aria-controls")) for t in tabs]
    assert [p.get("id") for p in panels] == [
        "view-reading", "view-sbs", "view-claims", "view-stemma", "view-wrappers",
    ]  # fmt: skip
    # side by side: two selects, the first two witnesses chosen; the static page carries every
    # witness's cells once, row by row, and leaves building the pair to its script
    left, right = root.get_element_by_id("sbs-left"), root.get_element_by_id("sbs-right")
    assert len(q(left, ".//option")) == len(q(right, ".//option")) == 5
    assert left.value == "0" and right.value == "1"
    assert not q(root, "//*[@id='sbs']/*[C(sbs-row)][not(C(sbs-head))]")
    data = island(root)
    assert data["sigla"] == ["A", "B", "C", "D", "E"]
    assert data["rows"] and all(len(r["c"]) == 5 for r in data["rows"])  # a cell per witness
    assert any(len(set(r.get("g", [0]))) > 1 for r in data["rows"])  # rows that differ
    assert any(isinstance(c, int) for r in data["rows"] for c in r["c"][1:])  # cells written once
    # claims: one column per witness
    claims = q(root, "//table[C(claims)]/tbody/tr")
    assert claims and all(len(q(r, "./td")) == 2 + 5 + 1 for r in claims)
    assert any(r.get("data-change") == "changed" for r in claims)
    # wrappers, labelled, never variants
    wrappers = q(root, "//*[@id='view-wrappers']//*[C(wrapper)]")
    assert wrappers and all(q(w, "./*[C(wrapper-label)]")[0].text.startswith("wrapper: ") for w in wrappers)


def test_the_stemma_has_five_witnesses_and_one_lost_source(seeds_report):
    root = family_page(seeds_report[1])
    nodes = q(root, "//svg[C(stemma-svg)]//g[C(node)]")
    assert len(nodes) == 6
    assert [n.get("data-lost") for n in nodes].count("true") == 1
    lost = next(n for n in nodes if n.get("data-lost") == "true")
    assert q(lost, ".//rect") and not q(lost, ".//a")
    edges = q(root, "//svg[C(stemma-svg)]//g[C(edge)]")
    assert len(edges) == 5
    ids = {n.get("data-id") for n in nodes}
    for e in edges:
        assert e.get("data-parent") in ids and e.get("data-child") in ids
        assert q(e, "./title")[0].text.startswith("confidence ")
        assert re.fullmatch(r"\d\.\d\d", q(e, "./text[C(conf)]")[0].text)


def test_the_reading_view_keeps_the_base_text_whole(tmp_path):
    """Cutting the base text into marks never drops or repeats a character."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found")
    from variorum.collate import collate
    from variorum.ingest import read_file

    c = collate([read_file(p) for p in sorted(SEEDS.iterdir())])

    def flat(pieces: list[Piece]) -> str:
        return "".join(p.text if p.mark is None else flat(p.children) for p in pieces)

    base = c.witnesses[0]
    paragraphs = reading_paragraphs(c, list(enumerate(c.variants, 1)))
    assert paragraphs
    for para in paragraphs:
        assert flat(para.pieces) == base.text[para.start : para.end]


# -- document pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("corpus", ["seeds_report", "examples_report"])
def test_document_pages_mark_passages_linked_to_existing_pages(corpus, request):
    _, pages = request.getfixturevalue(corpus)
    folder = pages[0].parent
    docs = page(pages, "doc-")
    assert docs
    marked = 0
    for path in docs:
        root = parse(path)
        # a mark names its passage, and the table of passages (data for the page's script in the
        # static report) says with which document
        assert not q(root, "//table[C(passages)]/tbody/tr")
        (data,) = q(root, "//script[@type='application/json'][@id='passages-data']")
        table = json.loads(data.text)
        other_of = {str(row[0]): table["others"][row[3] - 1][0] for row in table["rows"]}
        for other_id, file, _label, _date in table["others"]:
            assert file == document_file(other_id) and (folder / file).is_file()
        for mark in q(root, "//mark[C(passage)]"):
            marked += 1
            other = folder / document_file(other_of[mark.get("data-passage")])
            assert other.is_file()
        for a in q(root, "//a[C(plink)]"):
            target, _, anchor = a.get("href").partition("#")
            assert (folder / target).is_file()
            assert parse(folder / target).get_element_by_id(anchor) is not None
    assert marked


def test_boilerplate_and_wrappers_on_a_document_page(examples_report):
    db, pages = examples_report
    with Index.open(db) as index:
        letter = next(r["id"] for r in index.doc_rows() if r["path"].endswith("letter-annex.pdf"))
    root = parse(pages[0].parent / document_file(letter))
    assert q(root, "//mark[C(passage)][C(boilerplate)]")
    wrappers = q(root, "//*[C(doc-text)]/*[C(block)][C(wrapper)]")
    assert wrappers
    for w in wrappers:
        label = q(w, "./*[C(wrapper-label)]")[0].text
        assert label.startswith("wrapper: ") and w.get("data-wrapper-kind") in label


def test_document_text_is_the_original_text(examples_report):
    """The text blocks hold exactly the document's characters (what #chars- anchors count on)."""
    db, pages = examples_report
    with Index.open(db) as index:
        for row in index.doc_rows()[:6]:
            text = index.document(row["num"]).text
            root = parse(pages[0].parent / document_file(row["id"]))
            for block in q(root, "//*[C(doc-text)]//*[C(text)][@data-start]"):
                for a in q(block, ".//a[C(plink)]"):
                    a.drop_tree()
                start = int(block.get("data-start"))
                shown = block.text_content()
                assert text[start : start + len(shown)] == shown


# -- safety and self-containment ----------------------------------------------------------------


def test_pages_load_nothing_from_the_network(seeds_report, examples_report):
    for _, pages in (seeds_report, examples_report):
        for path in pages:
            root = parse(path)
            for el in root.iter():
                for attr in ("src", "href", "action", "data", "poster"):
                    value = (el.get(attr) or "").strip().lower()
                    assert not value.startswith(("http:", "https:", "//")), (path.name, el.tag, value)
            assert not q(root, "//img | //iframe | //link[not(@rel='stylesheet')]")
            # the one stylesheet and the one script are the shared files beside the pages
            assert [el.get("href") for el in q(root, "//link")] == [ASSETS["css"]]
            assert [el.get("src") for el in q(root, "//script[@src]")] == [ASSETS["js"]]
            assert not list(root.iter("style")), path.name
        folder = pages[0].parent
        css = (folder / ASSETS["css"]).read_text(encoding="utf-8")
        assert "url(" not in css and "@import" not in css
        js = (folder / ASSETS["js"]).read_text(encoding="utf-8")
        assert "fetch(" not in js and "XMLHttpRequest" not in js and "import(" not in js


def test_hostile_text_is_shown_escaped_on_every_page(evil_report):
    db, pages = evil_report
    with Index.open(db) as index:
        hostile = [r for r in index.doc_rows() if EVIL_SCRIPT in index.document(r["num"]).text]
    assert len(hostile) == 2
    seen_script = seen_attr = 0
    for path in pages:
        source = path.read_text(encoding="utf-8")
        assert "<script>alert" not in source
        root = parse(path)
        # one script runs, the shared file; a family page also has its data, which never runs
        scripts = list(root.iter("script"))
        assert [s.get("src") for s in scripts if s.get("type") != "application/json"] == [ASSETS["js"]]
        islands = [s for s in scripts if s.get("type") == "application/json"]
        expected = {"family-": ["family-data"], "doc-": ["passages-data"]}.get(
            path.name.split("-")[0] + "-", []
        )
        assert [s.get("id") for s in islands] in (expected, [] if path.name.startswith("doc-") else expected)
        for island in islands:  # text from documents, escaped for the element it is in
            assert "</script" not in island.text.lower() and "<!--" not in island.text
            json.loads(island.text)
        for el in root.iter():
            assert not any(name.startswith("on") for name in el.attrib), (path.name, el.tag, el.attrib)
        text = root.text_content()
        seen_script += EVIL_SCRIPT in text
        seen_attr += EVIL_ATTR in text
    # The family page and the copy's page at least. The note shares nothing, so it has no page
    # of its own: the corpus page lists it, its hostile file name escaped.
    assert seen_script >= 2
    assert seen_attr >= 2
    note = next(r for r in hostile if "onmouseover" in r["path"])
    assert not any(p.name == document_file(note["id"]) for p in pages)
    listed = q(parse(pages[0]), f"//section[@id='singles']//tr[@data-doc='{note['id']}']")
    assert len(listed) == 1 and not listed[0].xpath(".//a")
    assert 'onmouseover="x' in listed[0].text_content()
    assert page(pages, "family-")
    family = family_page(pages)
    assert any(EVIL_SCRIPT in v.text_content() for v in q(family, "//*[C(variant)]"))


def test_each_render_has_its_own_nonce(examples_report):
    db, _ = examples_report
    with Index.open(db) as index:
        view = views.corpus_view(index, Settings())
    pages = [render_page("corpus.html", view, STATIC) for _ in range(2)]
    nonces = []
    for source in pages:
        root = html.fromstring(source)
        csp = q(root, "//meta[@http-equiv='Content-Security-Policy']")[0].get("content")
        assert "unsafe-inline" not in csp
        (nonce,) = set(re.findall(r"'nonce-([^']+)'", csp))
        assert [s.get("nonce") for s in root.iter("style", "script")] == [nonce, nonce]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    # the static report links its shared stylesheet and script, allowed by the same nonce
    shared = html.fromstring(render_page("corpus.html", view, STATIC, shared_assets=True))
    csp = q(shared, "//meta[@http-equiv='Content-Security-Policy']")[0].get("content")
    (nonce,) = set(re.findall(r"'nonce-([^']+)'", csp))
    assert f"style-src 'nonce-{nonce}';" in csp and f"script-src 'nonce-{nonce}';" in csp
    linked = q(shared, "//link[@rel='stylesheet'] | //script")
    assert [(el.get("href") or el.get("src"), el.get("nonce")) for el in linked] == [
        (ASSETS["css"], nonce),
        (ASSETS["js"], nonce),
    ]
    assert not list(shared.iter("style"))
    # the web app renders the same template with route links
    web = html.fromstring(render_page("corpus.html", view, WEB))
    assert q(web, "//a[@href='/query']") and q(web, "//a[starts-with(@href, '/families/')]")


def test_report_is_deterministic_apart_from_nonce_and_time(examples_report, tmp_path):
    db, pages = examples_report
    with Index.open(db) as index:
        again = write_report(index, Settings(), tmp_path / "again")
    assert [p.name for p in again] == [p.name for p in pages]

    def stable(path: Path) -> str:
        source = path.read_text(encoding="utf-8")
        source = re.sub(r"nonce-[\w-]+|nonce=\"[\w-]+\"", "NONCE", source)
        return re.sub(r" on \d{4}-\d\d-\d\d \d\d:\d\d UTC", "", source)

    for a, b in zip(pages, again, strict=True):
        assert stable(a) == stable(b), a.name


def test_views_are_plain_json_data(examples_report):
    db, _ = examples_report
    settings = Settings()
    with Index.open(db) as index:
        corpus = views.corpus_view(index, settings)
        fam = views.family_view(index, settings, corpus["families"][0]["id"][:6])
        doc = views.document_view(index, settings, corpus["families"][0]["documents"][0]["id"])

    def plain(x: object) -> bool:
        if isinstance(x, dict):
            return all(isinstance(k, str) and plain(v) for k, v in x.items())
        if isinstance(x, list):
            return all(plain(v) for v in x)
        return x is None or isinstance(x, str | int | float | bool)

    for view in (corpus, fam, doc):
        assert plain(view)
        assert json.loads(json.dumps(view)) == view
        assert view["version"] == views.VIEW_VERSION
    assert [corpus["kind"], fam["kind"], doc["kind"]] == ["corpus", "family", "document"]
    assert fam["id"] == corpus["families"][0]["id"]
    assert fam["collation"]["format"] == "variorum-collation"


def test_pair_rows_join_agreement_and_keep_differences():
    def cell(text: str, g: int, para: bool = False) -> dict:
        return {"text": text, "g": g, "f": g, "para": para}

    def row(n: int, a: dict, b: dict, kind: str | None = None) -> dict:
        return {
            "id": f"r{n}",
            "kind": kind,
            "symbol": None,
            "variant": None,
            "move": None,
            "move_link": None,
            "cells": [a, b],
        }

    rows = [
        row(1, cell("The cat ", 0), cell("The cat ", 0)),
        row(2, cell("sat ", 0), cell("sat ", 0)),
        row(3, cell("", 0), cell("", 0)),
        row(4, cell("on ", 0), cell("under ", 1), "substitution"),
        row(5, cell("the mat.", 0), cell("the mat.", 0)),
        row(6, cell("New.", 0, para=True), cell("New.", 0, para=True)),
    ]
    out = pair_rows(rows, 0, 1)
    assert [(r["id"], r["state"], r["left"], r["right"]) for r in out] == [
        ("r1", "same", "The cat sat ", "The cat sat "),
        ("r4", "diff", "on ", "under "),
        ("r5", "same", "the mat.", "the mat."),
        ("r6", "same", "New.", "New."),
    ]
    assert out[0]["anchors"] == ["r2"] and out[1]["anchors"] == ["r3"]


def test_odd_ids_make_safe_file_names():
    assert file_stem("d0123abc") == "d0123abc"
    for odd in ("a/b", "../x", "x y", "", ".hidden"):
        stem = file_stem(odd)
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", stem)
    assert file_stem("a/b") != file_stem("a_b")
    assert WEB.document("a/b", "p1") == "/documents/a%2Fb#p1"


def test_pages_are_written_for_families_and_shared_passages_with_progress(examples_report, tmp_path):
    db, _ = examples_report
    settings = Settings()
    calls: list[tuple[str, int]] = []
    with Index.open(db) as index:
        written = write_report(index, settings, tmp_path / "r", progress=lambda s, n: calls.append((s, n)))
        expected = report_pages(index, settings)
        families = pipeline.families(index, settings)
        members = {d["id"] for f in families for d in f["documents"]}
        sharing = {p[k] for p in pipeline.passages(index, settings) for k in ("a", "b")}
        ids = {r["id"] for r in index.doc_rows()}
    assert len(written) == expected == sum(n for _, n in calls)
    assert {s for s, _ in calls} <= {"corpus page", "family pages", "document pages"}
    with_page = {p.name for p in written}
    for doc_id in ids:
        assert (document_file(doc_id) in with_page) == (doc_id in members | sharing), doc_id


def test_report_written_by_workers_matches_one_process(examples_report, tmp_path, monkeypatch):
    db, _ = examples_report
    settings = Settings()
    one = dataclasses.replace(settings, workers=1)
    two = dataclasses.replace(settings, workers=2)
    # small chunks, so that this small corpus's pages go to both workers; each worker notes its pid
    monkeypatch.setattr(render_module, "_CHUNK", 2)
    started = tmp_path / "workers"
    start = render_module._start_worker

    def noted(parent: int) -> None:
        with started.open("a") as f:
            f.write(f"{os.getpid()}\n")
        start(parent)

    monkeypatch.setattr(render_module, "_start_worker", noted)
    with Index.open(db) as index:
        alone = write_report(index, one, tmp_path / "one")
        assert not started.exists()
        shared = write_report(index, two, tmp_path / "two")
        family_ids = [f["id"] for f in pipeline.families(index, settings)]
    assert len(set(started.read_text().split())) == 2 and str(os.getpid()) not in started.read_text()
    assert [p.name for p in shared] == [p.name for p in alone]

    def stable(path: Path) -> str:
        source = re.sub(r"nonce-[\w-]+|nonce=\"[\w-]+\"", "NONCE", path.read_text(encoding="utf-8"))
        return re.sub(r" on \d{4}-\d\d-\d\d \d\d:\d\d UTC", "", source)

    for a, b in zip(alone, shared, strict=True):
        assert stable(a) == stable(b), a.name
    assert all((tmp_path / "two" / name).is_file() for name in ASSETS.values())
    # family pages say how many resamplings their stemma's confidences come from
    for fid in family_ids:
        text = (tmp_path / "two" / family_file(fid)).read_text(encoding="utf-8")
        assert f"share of {REPORT_STEMMA_REPLICATES} resamplings" in text


# -- the data pages hand to their script ----------------------------------------------------------


@given(
    st.lists(
        st.lists(
            st.sampled_from(["", "a b", "a  b", "a\nb", "a\u00a0b", " a b", "a b ", "<!--", "</script>"]),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_island_rows_write_a_cell_once_and_read_back_the_same(texts):
    """A cell that reads like an earlier one (HTML collapses ASCII whitespace runs, not a
    no-break space) is written as that cell's number; every cell reads back as it looks."""
    html_space = re.compile(r"[ \t\n\f\r]+")
    for k, row_texts in enumerate(texts):
        row = {"id": f"r{k + 1}", "cells": [{"text": t, "g": 0, "f": 0, "para": False} for t in row_texts]}
        compact = compact_row(row, k)
        assert "i" not in compact and set(compact) <= {"c"}
        back = cell_texts(compact)
        for cell in compact["c"]:
            if isinstance(cell, int):
                assert isinstance(compact["c"][cell], str) and compact["c"][cell]
        assert [html_space.sub(" ", t) for t in back] == [html_space.sub(" ", t) for t in row_texts]
        assert sum(1 for c in compact["c"] if isinstance(c, str) and c) == len(
            {html_space.sub(" ", t) for t in row_texts if t}
        )


def test_family_data_leaves_to_the_script_only_pop_ups_the_rows_give(seeds_report):
    db, _ = seeds_report
    settings = Settings()
    with Index.open(db) as index:
        fid = pipeline.families(index, settings)[0]["id"]
        view = views.family_view(index, settings, fid, replicates=REPORT_STEMMA_REPLICATES)
    shown = [e for e in view["variants"] if not e["wrapper"]]
    static = family_data(view, static=True, reading_chars=READING_CHARS)
    assert static.popups_in_html == set()
    assert set(static.script["moves"]) == {str(e["number"]) for e in shown if e["kind"] == "transposition"}
    assert family_data(view, static=False, reading_chars=READING_CHARS).popups_in_html == {
        e["id"] for e in shown
    }
    # a variant whose rows do not give its readings keeps its pop-up in the HTML
    broken = json.loads(json.dumps(view))
    for kind in ("substitution", "transposition"):
        target = next(e for e in broken["variants"] if not e["wrapper"] and e["kind"] == kind)
        target["readings"] = {w: "not in the rows " + text for w, text in target["readings"].items()}
        data = family_data(broken, static=True, reading_chars=READING_CHARS)
        assert target["id"] in data.popups_in_html and str(target["number"]) not in data.script["moves"]
    assert (
        json.loads(render_module.environment().from_string("{{ d|tojson }}").render(d=static.script))
        == static.script
    )


# Text the island must carry exactly: markup, a comment, quotes, right-to-left Arabic, combining
# accents, astral-plane emoji (two UTF-16 units each), a line separator and a no-break space.
HOSTILE_WORDS = [
    "a",
    "word",
    "</script>",
    "<!--",
    "-->",
    "<b>bold</b>",
    "'quoted'",
    '"q"',
    "&amp;",
    "مرحبا",
    "بالعالم،",
    "e\u0301te\u0301",
    "😀",
    "👩\u200d👩\u200d👧",
    "x\u2028y",
    ",",
    ".",
]
hostile_text = st.lists(
    st.tuples(st.sampled_from(HOSTILE_WORDS), st.sampled_from([" ", "\n", "  ", "\u00a0", ""])),
    max_size=12,
).map(lambda pairs: "".join(w + sep for w, sep in pairs))


@given(hostile_text, hostile_text)
def test_an_edit_gives_back_the_text_exactly(model, text):
    ops = edit_ops(model, text)
    if ops is not None:
        assert apply_edit(model, ops) == text
        assert not (ops and isinstance(ops[-1], int) and ops[-1] < 0)  # nothing skipped at the end


@given(
    st.lists(hostile_text.filter(lambda t: t.strip()), min_size=1, max_size=5),
    st.lists(st.sampled_from(["\n\n", "\n \n", "\n\n– ", "\n\n«"]), min_size=5, max_size=5),
    st.lists(st.integers(min_value=1, max_value=40), max_size=8),
    st.lists(st.sampled_from(["", "same", "edit", "other"]), min_size=3, max_size=3),
)
def test_island_base_cells_come_from_the_reading_view(paragraphs, gaps, cuts, others):
    """The base text, cut into cells anywhere (inside paragraphs, across the text between them),
    reads back exactly from the reading view's text, which the island does not repeat; the other
    cells too, whether written out, referred to or edited."""
    from variorum.export.report import pagedata

    full = "".join(p + (gaps[k] if k + 1 < len(paragraphs) else "") for k, p in enumerate(paragraphs))
    bounds = sorted({0, len(full), *(c % (len(full) + 1) for c in cuts)})
    base = [full[a:b] for a, b in itertools.pairwise(bounds)]
    rows = []
    for k, text in enumerate(base):
        cells = [text]
        for kind in others:
            cells.append({"": "", "same": text, "edit": text.replace("a", "ä", 1) + "😀", "other": "x"}[kind])
        rows.append({"id": f"r{k + 1}", "cells": [{"text": t, "g": 0, "f": 0, "para": False} for t in cells]})
    compact = pagedata._compact_rows(rows, paragraphs)
    expected = [cell_texts(compact_row(r, k)) for k, r in enumerate(rows)]
    assert read_rows(compact, "".join(paragraphs)) == expected
    # the paragraphs are counted, not written: what base text the island writes out lies
    # between them
    written = sum(
        len(p)
        for r in compact
        for p in (r["c"][0] if isinstance(r["c"][0], list) else [r["c"][0]])
        if isinstance(p, str)
    )
    assert written <= sum(len(g) for g in gaps)


def test_a_family_page_carries_the_base_text_once(seeds_report):
    """The island counts the base text in the reading view instead of repeating it: no base
    paragraph is in the island, what it writes of the base is the text between paragraphs, and
    the page is smaller than it was with the text twice (80.7 KB)."""
    db, pages = seeds_report
    (path,) = page(pages, "family-")
    source = path.read_text(encoding="utf-8")
    root = parse(path)
    settings = Settings()
    with Index.open(db) as index:
        fid = pipeline.families(index, settings)[0]["id"]
        view = views.family_view(index, settings, fid, replicates=REPORT_STEMMA_REPLICATES)
    assert page_reading_text(root) == reading_text(view)
    expected = [cell_texts(compact_row(r, k)) for k, r in enumerate(view["side_by_side"]["rows"])]
    assert island_texts(root) == expected
    (data,) = q(root, "//script[@id='family-data']")
    lines = [line for para in view["reading"] for line in reading_text({"reading": [para]}).split("\n")]
    assert sum(len(line) for line in lines) > 5000
    for line in lines:
        if len(line) > 30:
            assert line not in data.text, line
    base_written = sum(
        len(part)
        for r in island(root)["rows"]
        for part in (r["c"][0] if isinstance(r["c"][0], list) else [r["c"][0]])
        if isinstance(part, str)
    )
    assert base_written < 200  # the text between paragraphs, no more
    assert len(source.encode("utf-8")) < 76_000


def test_island_writes_the_base_out_where_html_would_not_keep_it():
    """A reading view holding a CR or a NUL, which an HTML parser changes, cannot stand for the
    base cells: they are written out, and still read back the same."""
    from variorum.export.report import pagedata

    for odd in ("\r", "\x00"):
        paragraphs = [f"First line{odd}of the text.", "Second paragraph 😀 here."]
        cells = [paragraphs[0] + "\n\n", paragraphs[1]]
        rows = [
            {
                "id": f"r{k + 1}",
                "cells": [
                    {"text": t, "g": 0, "f": 0, "para": False},
                    {"text": t, "g": 0, "f": 0, "para": False},
                ],
            }
            for k, t in enumerate(cells)
        ]
        compact = pagedata._compact_rows(rows, paragraphs)
        assert [r["c"][0] for r in compact] == cells
        assert read_rows(compact, "") == [[t, t] for t in cells]
