"""The TEI export against TEI's own RELAX NG schema (tei_all, P5 4.3.0), paragraphs kept.

The schema is test data (``tests/data/tei``, BSD-2 / CC-BY, see its README); lxml loads it once
per run, which takes some seconds: it is a large grammar.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from variorum.collate import collate
from variorum.export.tei import TEI_NS, collation_to_tei
from variorum.ingest import read_file
from variorum.model import Document

from conftest import SEEDS

SCHEMA = Path(__file__).parent / "data" / "tei" / "tei_all.rng.gz"
NS = {"tei": TEI_NS}

OLD = """The council met on 3 May and adopted the plan.
It asked the ministry to report within twenty days.

The plan covers five regions of the north.

Members thanked the staff of the Ministry of Foreign
Affairs for their work."""
NEW = """The council met on 3 May and adopted the revised plan.
It asked the ministry to report within ten days.

Members thanked the staff of the Ministry of Foreign Affairs for their work.

The plan covers four regions of the north and the capital."""


@pytest.fixture(scope="module")
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def versions() -> list[Document]:
    return [
        Document(id="old", text=OLD, path="old.txt", date="2019-05-04"),
        Document(id="new", text=NEW, path="new.txt", date="2020-05-04"),
    ]


def tei_of(docs: list[Document]) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(collation_to_tei(collate(docs)).encode("utf-8")))


def assert_valid(schema: etree.RelaxNG, tree: etree._ElementTree) -> None:
    if not schema.validate(tree):
        pytest.fail(
            "TEI export invalid: " + "; ".join(str(e) for e in schema.error_log.filter_from_errors()[:5])
        )


def test_export_validates_and_keeps_paragraphs(schema: etree.RelaxNG) -> None:
    tree = tei_of(versions())
    assert_valid(schema, tree)
    paragraphs = tree.findall(".//tei:body/tei:p", NS)
    assert len(paragraphs) == 3  # the base witness's three paragraphs (the first two lines are one)
    first = "".join(paragraphs[0].itertext())
    assert first.startswith("The council met") and "regions" not in first
    assert all(p.find("tei:app", NS) is not None for p in paragraphs[:2])  # apps inside their paragraph


def test_readings_that_differ_by_a_line_break_are_one(schema: etree.RelaxNG) -> None:
    tree = tei_of(versions())
    for app in tree.iter(f"{{{TEI_NS}}}app"):
        folded = [" ".join((r.text or "").split()) for r in app.findall("tei:rdg", NS)]
        assert len(folded) == len(set(folded)), etree.tostring(app, encoding="unicode")


def test_seeds_export_validates(schema: etree.RelaxNG) -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found: the seed corpus is not beside this checkout")
    tree = tei_of([read_file(p) for p in sorted(SEEDS.iterdir())])
    assert_valid(schema, tree)
    assert len(tree.findall(".//tei:body/tei:p", NS)) >= 10
    for app in tree.iter(f"{{{TEI_NS}}}app"):
        folded = [" ".join((r.text or "").split()) for r in app.findall("tei:rdg", NS)]
        assert len(folded) == len(set(folded))


def test_schema_rejects_a_broken_apparatus(schema: etree.RelaxNG) -> None:
    """The check can fail: an ``<rdg>`` outside an ``<app>`` is not TEI."""
    tree = tei_of(versions())
    p = tree.find(".//tei:body/tei:p", NS)
    etree.SubElement(p, f"{{{TEI_NS}}}rdg").text = "stray"
    assert not schema.validate(tree)
