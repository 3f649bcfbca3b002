"""The public Python API: its surface, its typed results and their three views."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import variorum
from variorum import pipeline
from variorum.changes import changes_between
from variorum.config import Settings
from variorum.ingest import read_file, read_text
from variorum.results import plural
from variorum.store.index import Index as Store

from conftest import EXAMPLES, seed_path

PUBLIC = [
    "AddResult",
    "Change",
    "CollationResult",
    "Comparison",
    "Document",
    "DocumentInfo",
    "Families",
    "Family",
    "Index",
    "InputError",
    "Match",
    "Passage",
    "Passages",
    "QueryResult",
    "Relations",
    "Segment",
    "Settings",
    "SharedPassage",
    "Skip",
    "VariorumError",
    "__version__",
    "collate",
    "compare",
    "read",
    "read_text",
]


def test_the_public_surface_is_deliberate():
    assert variorum.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(variorum, name) is not None, name
    assert callable(variorum.collate) and callable(variorum.compare)
    with pytest.raises(AttributeError):
        variorum.pipeline_compare  # noqa: B018


def test_collate_stays_a_function_once_the_collate_package_is_imported():
    import variorum.collate as package  # noqa: F401 - the import is what is tested
    from variorum.collate import collate_witnesses  # noqa: F401

    assert variorum.collate.__module__ == "variorum.api"


@pytest.fixture(scope="module")
def ix(tmp_path_factory) -> variorum.Index:
    ix = variorum.Index(tmp_path_factory.mktemp("api") / "corpus.db")
    result = ix.add(EXAMPLES)
    assert result.added == len([p for p in EXAMPLES.rglob("*") if p.is_file()])
    return ix


def test_results_give_the_cli_json(ix):
    with Store.open(ix.path) as store:
        assert ix.families().to_dict() == pipeline.families(store, Settings())
        assert ix.passages().to_dict() == pipeline.passages(store, Settings())


def test_families_passages_and_relations_are_typed(ix):
    families = ix.families()
    assert len(families) == 1 and isinstance(families[0], variorum.Family)
    family = families[0]
    dates = [d.date for d in family.documents]
    assert dates == sorted(dates)
    assert {d.name for d in family.documents} >= {"2021-03-press-release.txt", "2023-04-statement.md"}
    first = family.documents[0].id
    mine = ix.passages(first)
    assert mine and all(p.a == first for p in mine)
    assert sum(1 for _ in ix.passages()) >= len(mine)
    relations = ix.relations()
    assert relations and {r.kind for r in relations} <= {
        "copy",
        "revision",
        "excerpt",
        "translation",
        "quotation",
        "boilerplate",
    }
    assert all(r.a.path and r.b.path and r.summary for r in relations)
    assert len(ix.relations(kind="copy")) == sum(1 for r in relations if r.kind == "copy")


def test_records_are_flat_rows_for_pandas(ix):
    for result in (ix.families(), ix.passages(), ix.relations(), ix.collate(ix.families()[0].id)):
        rows = result.to_records()
        assert rows and all(isinstance(r, dict) for r in rows)
        keys = list(rows[0])
        for r in rows:
            assert list(r) == keys
            assert all(not isinstance(v, (dict, list)) for v in r.values())


def test_query_earliest_first_with_first_seen_and_changes(ix):
    answer = ix.query(EXAMPLES / "2023-03-news-article.html", changes=2)
    dates = [m.document.date for m in answer.matches]
    assert dates == sorted(dates)
    assert [m.first_seen for m in answer.matches] == [True] + [False] * (len(dates) - 1)
    assert answer.first_seen is answer.matches[0]
    assert answer.first_seen.document.name == "2021-03-press-release.txt"
    assert all(m.changes is not None for m in answer.matches[:2])
    assert all(m.changes is None for m in answer.matches[2:])
    figure = next(c for c in answer.first_seen.changes if c.kind == "figure")
    assert (figure.query.text, figure.match.text) == ("up to 12,000 residents", "around 12.000 residents")
    # offsets index each text
    query_text = read_file(EXAMPLES / "2023-03-news-article.html").text
    match_text = ix.document(answer.first_seen.document.id).text
    assert query_text[figure.query.start : figure.query.end] == figure.query.text
    assert match_text[figure.match.start : figure.match.end] == figure.match.text
    data = answer.to_dict()
    assert data["matches"][0]["first_seen"] is True
    assert json.loads(json.dumps(data)) == data


def test_compare_and_collate_take_paths_or_documents():
    a, b = EXAMPLES / "2021-03-press-release.txt", EXAMPLES / "2023-04-statement.md"
    by_path = variorum.compare(a, b)
    by_doc = variorum.compare(variorum.read(a), read_file(b))
    assert by_path.to_dict() == by_doc.to_dict()
    assert by_path.to_dict() == pipeline.compare(read_file(a), read_file(b), Settings())
    assert by_path.passages and 0 < by_path.coverage["a"] <= 1
    collation = variorum.collate([a, b])
    assert len(collation.witnesses) == 2 and collation.to_dict()["format"] == "variorum-collation"
    with pytest.raises(variorum.InputError):
        variorum.collate([a])


def test_notebook_views_escape_the_text():
    a = variorum.read_text("<script>alert(1)</script> " + "the same words over and over again " * 8)
    b = variorum.read_text("<script>alert(1)</script> " + "the same words over and over again " * 8 + "end")
    html = variorum.compare(a, b)._repr_html_()
    assert html.startswith("<table>") and "</script>" not in html and "&lt;/script&gt;" in html


def test_reading_a_missing_file_is_one_clear_error(tmp_path: Path):
    with pytest.raises(variorum.InputError, match=r"nope\.txt"):
        variorum.read(tmp_path / "nope.txt")


def test_plural():
    assert plural(1, "family", "families") == "1 family"
    assert plural(2, "family", "families") == "2 families"
    assert plural(0, "passage") == "0 passages"
    assert plural(3, "copy") == "3 copies"


# -- changes between a query and a match ---------------------------------------------------------

BASE = (
    "As a result of the occupation, around 60.000 inhabitants of the district were expelled from "
    "their native lands, and 511 civilians were killed. The commission met on 4 May 2018 and agreed "
    "that the works would resume once the survey of the northern breakwater was complete."
)


def test_changes_quote_both_texts_with_offsets():
    query = read_text(BASE.replace("around 60.000", "up to 60,000").replace("resume", "restart"))
    match = read_text(BASE)
    changes = changes_between(query, match)
    kinds = {(c["kind"], c["change"]) for c in changes}
    assert ("figure", "changed") in kinds and ("wording", "changed") in kinds
    for c in changes:
        for side, doc in (("query", query), ("match", match)):
            if c[side] is not None:
                assert doc.text[c[side]["start"] : c[side]["end"]] == c[side]["text"]
    figure = next(c for c in changes if c["kind"] == "figure")
    assert figure["query"]["text"].startswith("up to") and figure["match"]["text"].startswith("around")
    # a change of number format only is not a change
    assert all(c["kind"] != "figure" or "up to" in c["query"]["text"] for c in changes)


def test_identical_texts_have_no_changes():
    assert changes_between(read_text(BASE), read_text(BASE)) == []


def test_a_retyped_2020_paragraph_was_first_seen_in_the_2018_press_release(seeds, tmp_path):
    ix = variorum.Index(tmp_path / "seeds.db")
    ix.add(seeds)
    paragraph = next(
        p for p in seed_path("003").read_text().split("\n\n") if "up to 60.000" in p
    )  # the 2020 news copy
    retyped = "\n".join(paragraph[i : i + 70] for i in range(0, len(paragraph), 70))
    answer = ix.query(read_text(retyped))
    first = answer.matches[0]
    assert first.first_seen and first.document.date == "2018-04-02"
    assert first.document.name.startswith("001_")
    figure = next(c for c in first.changes if c.kind == "figure")
    assert "around" in figure.match.text and "up to" in figure.query.text
