"""The report and the web app in a real browser: Debian's chromium driven by Playwright.

The browser is never downloaded: ``make test`` installs Debian's package and Playwright is given
its path. Screenshots of the main pages are kept in ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from variorum.cli import main

from conftest import EXAMPLES, ROOT, SEEDS

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INJECTION = 'Statement of the Ministry. <script>window.__xss = 1; alert(1)</script> <img src=x onerror="window.__xss=2">'


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (`make browser` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found: the seed corpus is not beside this checkout")
    out = tmp_path_factory.mktemp("seeds-report")
    assert main(["analyze", str(SEEDS), "-o", str(out)]) == 0
    return out


def test_seeds_report_from_disk_shows_one_family_of_five_with_their_years(page, seeds_report):
    page.goto((seeds_report / "index.html").as_uri())
    families = page.locator("section.family[data-family]")
    assert families.count() == 1
    rows = families.first.locator("table.timeline-table tr[data-doc]")
    assert rows.count() == 5
    years = sorted(rows.nth(k).locator("time").get_attribute("datetime")[:4] for k in range(5))
    assert years == ["2018", "2018", "2019", "2020", "2020"]
    assert families.first.locator("a.marker[data-doc]").count() == 5
    shot(page, "seeds-corpus")


def test_seeds_family_page_reading_view_marks_the_addition_and_the_move(page, seeds_report):
    page.goto((seeds_report / "index.html").as_uri())
    page.locator("section.family[data-family] a[href^='family-']").first.click()
    page.wait_for_selector("body.page-family")
    added = page.locator("span.variant[data-kind='addition']").filter(
        has=page.locator(".vreadings", has_text="Armenia is responsible for all the illegal activities")
    )
    assert added.count() >= 1
    moved = page.locator("span.variant[data-kind='transposition']").filter(
        has=page.locator(".vreadings", has_text="The only way to achieve a durable and lasting peace")
    )
    assert moved.count() == 1
    # its readings appear when the mark is focused
    moved.first.locator("button.vmark").focus()
    assert moved.first.locator(".vreadings").is_visible()
    shot(page, "seeds-family-reading")


def test_family_page_switches_views(page, seeds_report):
    family = next(seeds_report.glob("family-*.html"))
    page.goto(family.as_uri())
    assert page.locator("#view-reading").is_visible()
    page.click("#tab-sbs")
    assert page.locator("#view-sbs").is_visible() and not page.locator("#view-reading").is_visible()
    # the shared script and stylesheet beside the pages loaded from disk under the page's CSP: the
    # script built the first pair from every witness's rows, the stylesheet lays the rows out
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert page.locator("#sbs .sbs-row:not(.sbs-head)").count() > 10
    assert page.locator("#sbs .sbs-row.state-diff").count() >= 1
    assert page.evaluate("getComputedStyle(document.querySelector('#sbs .sbs-row')).display") == "grid"
    before = page.locator("#sbs").get_attribute("data-right")
    page.select_option("#sbs-right", "3")
    assert page.locator("#sbs").get_attribute("data-right") == "3" != before
    assert page.locator("#sbs .sbs-row").count() > 10
    shot(page, "seeds-family-side-by-side")
    page.click("#tab-claims")
    assert page.locator("table.claims tr[data-change='changed']").count() >= 1
    every = page.locator("table.claims tbody tr:visible").count()
    page.click("label[for='claim-kind-quantity']")  # the claim-kind filter
    kinds = page.locator("table.claims tbody tr:visible").evaluate_all(
        "rows => rows.map(r => r.dataset.kind)"
    )
    assert kinds and set(kinds) == {"quantity"} and len(kinds) < every
    page.click("label[for='claim-kind-all']")
    assert page.locator("table.claims tbody tr:visible").count() == every
    page.click("#tab-stemma")
    nodes = page.locator("svg.stemma-svg g.node")
    assert nodes.count() == 6 and page.locator("svg.stemma-svg g.node[data-lost='true']").count() == 1
    assert "evidence" in page.locator("svg.stemma-svg g.edge title").first.text_content().lower() or (
        page.locator("svg.stemma-svg g.edge title").first.text_content()
    )
    shot(page, "seeds-family-stemma")


def test_formal_variants_are_hidden_until_asked_for(page, seeds_report):
    family = next(seeds_report.glob("family-*.html"))
    page.goto(family.as_uri())
    marks = page.locator("span.variant[data-substantive='false'] > button.vmark")
    assert marks.count() > 0
    assert not marks.first.is_visible()  # the base text stays, its formal mark does not
    page.check("#show-formal")
    assert marks.first.is_visible()


# -- the served app -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from variorum import pipeline
    from variorum.config import Settings
    from variorum.ingest import read_inputs, read_text
    from variorum.store.index import Index
    from variorum.web import create_app

    db = tmp_path_factory.mktemp("served") / "served.db"
    with Index.open(db) as index:
        pipeline.add(index, read_inputs([str(EXAMPLES)]), Settings(workers=1))
        pipeline.add(index, [read_text(INJECTION * 3, path="injection.txt")], Settings(workers=1))
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the app did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_served_app_click_into_a_family_and_switch_views(page, server):
    page.goto(server + "/")
    assert page.locator("section.family[data-family]").count() == 1
    shot(page, "app-corpus")
    page.locator("section.family[data-family] a[href^='/families/']").first.click()
    page.wait_for_selector("body.page-family")
    assert page.locator("span.variant[data-kind='transposition']").count() >= 1
    page.click("#tab-stemma")
    assert page.locator("svg.stemma-svg g.node").count() == 5


def test_query_by_pasting_text_shows_recycled_and_new_stretches(page, server):
    recycled = (EXAMPLES / "2021-03-press-release.txt").read_text().split("\n\n")[4]
    fresh = "In a separate announcement today the ministry of tourism opened three new cycling routes along the coast."
    page.goto(server + "/query")
    page.fill("#query-text", fresh + "\n\n" + recycled)
    page.click("#query-submit")
    page.wait_for_selector("#query-result")
    assert page.locator("mark.stretch.recycled").count() >= 1
    assert (
        "retaining wall" in page.locator("mark.stretch.recycled").first.text_content()
        or page.locator("mark.stretch.recycled").count()
    )
    new = page.locator("span.stretch.new")
    assert any("cycling routes" in new.nth(k).text_content() for k in range(new.count()))
    assert page.locator("sup.sources a.source").count() >= 1
    shot(page, "app-query")
    page.locator("sup.sources a.source").first.click()
    page.wait_for_selector("body.page-document")
    assert page.locator("mark.passage").count() >= 1


def test_a_document_with_a_script_runs_no_script(page, server):
    from variorum.model import content_id

    page.goto(server + "/")
    assert page.evaluate("window.__xss === undefined")
    page.goto(server + "/documents/" + content_id(INJECTION * 3))
    assert "<script>window.__xss" in page.locator("main").text_content()  # shown as text
    assert page.evaluate("window.__xss === undefined")
    assert page.dialogs == []  # type: ignore[attr-defined]
    shot(page, "app-document-injection")
    page.goto(server + "/query")
    page.fill("#query-text", INJECTION * 3)
    page.click("#query-submit")
    page.wait_for_selector("#query-result")
    assert page.evaluate("window.__xss === undefined") and page.dialogs == []  # type: ignore[attr-defined]
    assert "<script>" in page.locator("#query-marked").text_content()


# -- pop-ups the script builds ------------------------------------------------------------------

HOSTILE_VARIANTS = [
    # (in the press release, replaced by) – each becomes a variant whose readings carry it
    ("the retaining wall", "the </script><script>window.__xss = 3</script> wall"),
    ("Tessel stream and,", "Tessel <!-- brook --> and,"),
    ("around 12.000 residents", "around 12,500\u00a0residents"),
    ("Merrow and Sant Idris", "Мерроу, 'Sant' & \"Idris\""),
]
HOSTILE_PARAGRAPH = (
    "Readers </script><!--<script>window.__xss = 4</script>--> were told\u2028nothing of the kind 😀, said "
    "the agency in a note that runs on for well over one hundred and sixty characters, so that its "
    "pop-up has to cut it 😀😀 somewhere near here and no later."
)


def _popup_tree(source: str | None) -> object:
    """A pop-up's markup as nested (tag, attributes, text, children, tail), to compare what the
    browser built with what the server writes, whatever either escapes."""
    from lxml import html

    if source is None:
        return None

    def tree(el) -> tuple:
        return (el.tag, dict(el.attrib), el.text or "", [tree(c) for c in el], el.tail or "")

    node = html.fragment_fromstring(source)
    return tree(node)[:4]


def _assert_popups_as_the_server_writes_them(page, report: Path, db: Path) -> int:
    """Every variant of every family page in ``report`` has, once its script ran, the pop-up that
    the web app writes into its HTML for the same view; the number of pop-ups the script built."""
    from lxml import etree, html

    from variorum import pipeline
    from variorum.config import REPORT_STEMMA_REPLICATES, Settings
    from variorum.export.report import views
    from variorum.export.report.links import WEB, family_file
    from variorum.export.report.render import render_page
    from variorum.store.index import Index

    settings = Settings()
    built = 0
    with Index.open(db, create=False) as index:
        families = [f["id"] for f in pipeline.families(index, settings)]
        assert families
        for fid in families:
            view = views.family_view(index, settings, fid, replicates=REPORT_STEMMA_REPLICATES)
            served = html.fromstring(render_page("family.html", view, WEB))
            expected = {
                v.get("id"): _popup_tree(etree.tostring(r[0], encoding="unicode", with_tail=False))
                for v in served.xpath("//div[@class='reading']//span[contains(@class, 'variant')][@id]")
                for r in [v.xpath("./span[@class='vreadings']")]
            }
            page.goto((report / family_file(fid)).as_uri())
            page.wait_for_selector("body.page-family")
            in_html = set(
                html.fromstring((report / family_file(fid)).read_text(encoding="utf-8")).xpath(
                    "//span[@class='vreadings']/@id"
                )
            )
            shown = page.evaluate(
                """() => Object.fromEntries(Array.from(document.querySelectorAll('.reading .variant[id]'))
                .map(v => { const r = v.querySelector(':scope > .vreadings');
                            const b = v.querySelector(':scope > button.vmark');
                            return [v.id, [r ? r.outerHTML : null, b.getAttribute('aria-describedby')]]; }))"""
            )
            assert set(shown) == set(expected), fid
            for vid, (outer, described) in shown.items():
                assert _popup_tree(outer) == expected[vid], (fid, vid)
                assert described == f"{vid}-r"
            built += len(shown) - len(in_html)
    return built


def _assert_passage_tables_as_the_server_writes_them(page, report: Path, db: Path) -> int:
    """Every document page of ``report`` shows, once its script ran, the table of passages the
    web app writes for the same view (links aside, which point to files here and to routes
    there); the number of rows compared."""
    import re
    from urllib.parse import unquote

    from lxml import html

    from variorum.config import Settings
    from variorum.export.report import views
    from variorum.export.report.links import WEB, document_file
    from variorum.export.report.render import render_page
    from variorum.store.index import Index

    def static_href(href: str) -> str:
        m = re.fullmatch(r"/documents/([^#]+)(#.*)?", href)
        return document_file(unquote(m.group(1))) + (m.group(2) or "") if m else href

    compared = 0
    with Index.open(db, create=False) as index:
        for row in index.doc_rows():
            path = report / document_file(row["id"])
            if not path.is_file():
                continue
            view = views.document_view(index, Settings(), row["id"])
            served = html.fromstring(render_page("document.html", view, WEB))
            for a in served.xpath("//table[@class='passages']//a[@href]"):
                a.set("href", static_href(a.get("href")))
            expected = [
                _popup_tree(html.tostring(tr, encoding="unicode"))
                for tr in served.xpath("//table[@class='passages']/tbody/tr")
            ]
            page.goto(path.as_uri())
            shown = page.evaluate(
                "() => Array.from(document.querySelectorAll('table.passages > tbody > tr')).map(tr => tr.outerHTML)"
            )
            assert [_popup_tree(tr) for tr in shown] == expected, path.name
            compared += len(shown)
    return compared


def test_script_built_passage_tables_match_the_served_ones(page, seeds_report, hostile_family):
    assert (
        _assert_passage_tables_as_the_server_writes_them(page, seeds_report, seeds_report / "variorum.db")
        >= 10
    )
    assert (
        _assert_passage_tables_as_the_server_writes_them(page, hostile_family, hostile_family / "variorum.db")
        >= 3
    )
    assert page.evaluate("window.__xss === undefined")


def test_script_built_pop_ups_show_every_version_s_reading(page, seeds_report):
    built = _assert_popups_as_the_server_writes_them(page, seeds_report, seeds_report / "variorum.db")
    assert built >= 10  # the seeds' variants but the move: readings written once, in the rows
    # hovering over a mark shows its readings
    family = next(seeds_report.glob("family-*.html"))
    page.goto(family.as_uri())
    added = page.locator("span.variant[data-kind='addition']").filter(
        has=page.locator(".vreadings", has_text="Armenia is responsible for all the illegal activities")
    )
    assert added.count() >= 1
    assert not added.first.locator(".vreadings").is_visible()
    added.first.locator("button.vmark").hover()
    assert added.first.locator(".vreadings").is_visible()
    assert added.first.locator(".vreadings .vrow").count() >= 2


@pytest.fixture(scope="module")
def hostile_family(tmp_path_factory) -> Path:
    """Three versions of the press release, two carrying markup, a comment, quotes, a line
    separator, astral characters and other scripts in their readings."""
    folder = tmp_path_factory.mktemp("hostile-family")
    inputs = folder / "inputs"
    inputs.mkdir()
    release = (EXAMPLES / "2021-03-press-release.txt").read_text(encoding="utf-8")
    changed = release
    for old, new in HOSTILE_VARIANTS:
        assert old in changed
        changed = changed.replace(old, new, 1)
    paragraphs = changed.split("\n\n")
    paragraphs.insert(6, HOSTILE_PARAGRAPH)
    (inputs / "2021-03-release.txt").write_text(release, encoding="utf-8")
    (inputs / "2021-05-release-copy.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    del paragraphs[8]
    (inputs / "2021-07-release-copy.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    out = folder / "out"
    assert main(["analyze", str(inputs), "-o", str(out)]) == 0
    return out


def test_script_built_pop_ups_keep_hostile_text_as_text(page, hostile_family):
    assert _assert_popups_as_the_server_writes_them(page, hostile_family, hostile_family / "variorum.db") >= 4
    family = next(hostile_family.glob("family-*.html"))
    page.goto(family.as_uri())
    readings = page.locator(".reading .vreadings")
    texts = [readings.nth(k).text_content() for k in range(readings.count())]
    # readings run from a variant's first word to its last, as text, cut at 160 characters
    assert any("script>window.__xss = 3</script" in t for t in texts)
    assert any("Sant' & \"Idris" in t for t in texts)
    quoted = page.locator(".reading .vreadings q").all_text_contents()
    assert any(
        "</script><!--<script>window.__xss = 4</script>--> were told nothing" in t and t.endswith("…")
        for t in quoted
    )
    assert page.evaluate("window.__xss === undefined")
    assert page.dialogs == []  # type: ignore[attr-defined]
    page.click("#tab-sbs")
    assert page.locator("#sbs .sbs-row.state-diff").count() >= 4
    assert "script>window.__xss = 3</script>" in page.locator("#sbs").text_content()
    assert page.evaluate("window.__xss === undefined")


def _expected_pair(view: dict, left: int, right: int) -> list[tuple]:
    """The side-by-side rows of a pair as the page shows them: the rows of
    :func:`~variorum.export.report.sidebyside.pair_rows`, each cell read as the island writes it
    (a cell that reads like an earlier one, HTML collapsing whitespace, shows that one's text)."""
    from variorum.export.report.pagedata import compact_row
    from variorum.export.report.sidebyside import pair_rows

    rows = []
    for k, row in enumerate(view["side_by_side"]["rows"]):
        cells = compact_row(row, k)["c"]
        texts = [cells[c] if isinstance(c, int) else c for c in cells]
        rows.append({**row, "cells": [{**c, "text": t} for c, t in zip(row["cells"], texts, strict=True)]})
    out = []
    for r in pair_rows(rows, left, right):
        links = []
        if r["variant"]:
            links.append([f"#{r['variant']}", r["symbol"] or "•", "this variant in the reading view"])
        if r["move_link"]:
            links.append([f"#{r['move_link']}", "↔", "the other place of this moved passage"])
        out.append(
            (
                r["id"],
                f"sbs-row state-{r['state']}" + (" para" if r["para"] else ""),
                r["kind"],
                r["left"],
                r["right"],
                sorted(r["anchors"]),
                links,
            )
        )
    return out


_SHOWN_PAIR = """() => Array.from(document.querySelectorAll('#sbs > .sbs-row:not(.sbs-head)')).map(row => {
  const [left, right, gutter] = row.children;
  return [row.id, row.className, row.getAttribute('data-kind'), left.textContent, right.textContent,
          Array.from(gutter.querySelectorAll('span[id]')).map(s => s.id).sort(),
          Array.from(gutter.querySelectorAll('a')).map(a => [a.getAttribute('href'), a.textContent, a.title])];
})"""


def _assert_side_by_side_as_expected(page, report: Path, db: Path) -> int:
    """Every pair of witnesses of every family page in ``report``, chosen in the page, shows the
    rows its island stands for, text for text; the number of pairs compared."""
    from variorum import pipeline
    from variorum.config import REPORT_STEMMA_REPLICATES, Settings
    from variorum.export.report import views
    from variorum.export.report.links import family_file
    from variorum.store.index import Index

    settings = Settings()
    compared = 0
    with Index.open(db, create=False) as index:
        for fam in pipeline.families(index, settings):
            view = views.family_view(index, settings, fam["id"], replicates=REPORT_STEMMA_REPLICATES)
            page.goto((report / family_file(fam["id"])).as_uri())
            page.wait_for_selector("body.page-family")
            page.click("#tab-sbs")
            n = len(view["witnesses"])
            assert [tuple(r) for r in page.evaluate(_SHOWN_PAIR)] == [
                tuple(r) for r in _expected_pair(view, 0, 1)
            ]
            for left in range(n):
                for right in range(n):
                    if left == right:
                        continue
                    page.select_option("#sbs-left", str(left))
                    page.select_option("#sbs-right", str(right))
                    shown = [tuple(r) for r in page.evaluate(_SHOWN_PAIR)]
                    assert shown == [tuple(r) for r in _expected_pair(view, left, right)], (
                        fam["id"],
                        left,
                        right,
                    )
                    compared += 1
    return compared


# The base text itself hostile, so that the rows counted in the reading view's text cross markup,
# right-to-left text, combining accents and astral characters (two UTF-16 units, one code point).
HOSTILE_BASE = (
    "Notice <b>bold</b> & 'quoted' \"twice\" </script><!-- not a comment --> from the office 😀 of "
    "e\u0301te\u0301 affairs, مرحبا بالعالم، said 👩\u200d👩\u200d👧 the spokesman\u2028today."
)


@pytest.fixture(scope="module")
def hostile_base_family(tmp_path_factory) -> Path:
    """Three versions of the press release with a hostile paragraph in the base text; one copy
    drops it and one changes it in form only, so that its row is long and the copy's cell an
    edit of the base's, with astral characters before the change."""
    folder = tmp_path_factory.mktemp("hostile-base")
    inputs = folder / "inputs"
    inputs.mkdir()
    release = (EXAMPLES / "2021-03-press-release.txt").read_text(encoding="utf-8")
    paragraphs = release.split("\n\n")
    paragraphs.insert(4, HOSTILE_BASE)
    paragraphs.insert(6, HOSTILE_BASE.replace("office", "bureau 😀😀"))
    (inputs / "2021-03-release.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    copy = [p.replace("😀 of", "😀 of the").replace(", said", " said") for p in paragraphs]
    copy[4] = paragraphs[4].replace("affairs,", "affairs").replace("spokesman", "Spokesman")
    (inputs / "2021-05-release-copy.txt").write_text("\n\n".join(copy), encoding="utf-8")
    copy = [p.replace("<b>bold</b>", "<i>bold</i>").replace("مرحبا", "أهلا") for p in paragraphs]
    del copy[4]
    (inputs / "2021-07-release-copy.txt").write_text("\n\n".join(copy), encoding="utf-8")
    out = folder / "out"
    assert main(["analyze", str(inputs), "-o", str(out)]) == 0
    return out


def test_script_built_side_by_side_shows_every_pair_s_rows(
    page, seeds_report, hostile_family, hostile_base_family
):
    import json

    from lxml import html

    assert _assert_side_by_side_as_expected(page, seeds_report, seeds_report / "variorum.db") >= 20
    for report in (hostile_family, hostile_base_family):
        assert _assert_side_by_side_as_expected(page, report, report / "variorum.db") >= 6
    db = hostile_base_family / "variorum.db"
    assert _assert_popups_as_the_server_writes_them(page, hostile_base_family, db) >= 2
    # the base's rows were counted in the reading view's text, not written out, and a long
    # cell was written as an edit of the base's, astral characters and all
    family = next(hostile_base_family.glob("family-*.html"))
    (data,) = html.fromstring(family.read_text(encoding="utf-8")).xpath("//script[@id='family-data']")
    rows = json.loads(data.text)["rows"]
    assert all(not isinstance(r["c"][0], str) or len(r["c"][0]) < 3 for r in rows)
    assert any(isinstance(c, list) for r in rows for c in r["c"][1:])
    page.click("#tab-sbs")
    shown = page.locator("#sbs").text_content()
    assert "</script><!-- not a comment -->" in shown and "مرحبا بالعالم" in shown and "😀" in shown
    assert page.evaluate("window.__xss === undefined")
    assert page.dialogs == []  # type: ignore[attr-defined]
