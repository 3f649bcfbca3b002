"""Collation exports (variorum JSON, TEI parallel segmentation, CollateX JSON) and CollateX input."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from variorum.collate.model import (
    ClaimChange,
    Collation,
    Move,
    Stemma,
    StemmaEdge,
    Table,
    Variant,
    Witness,
)
from variorum.errors import MalformedDocument
from variorum.export.collatex import collation_to_collatex, read_collatex_witnesses
from variorum.export.collation_json import collation_to_json
from variorum.export.tei import TEI_NS, collation_to_tei, xml_safe
from variorum.text.normalize import tokenize

NS = {"tei": TEI_NS}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NASTY = "<script>&\"'"

# Ids that are not XML names, as file-derived ids often are.
A, B, C = "2021/statement.txt", "2022 web.html", "3-letter.pdf"
TEXT_A = "The agency calls for 12.000 people to return. We remember them."
TEXT_B = "The agency urges 12,000 people to return. We remember them."
TEXT_C = "We remember them. The agency calls for up to 12,000 people to return."


def witness(wid: str, text: str, date: str | None = None, label: str | None = None) -> Witness:
    tokens = tokenize(text)
    n = len(tokens)
    return Witness(wid, text, tokens, (0,) * n, (False,) * n, path=f"/corpus/{wid}", date=date, label=label)


def sample() -> Collation:
    """Three versions: a substitution, an addition, a number format, a moved sentence."""
    wa = witness(A, TEXT_A, "2021-03-02", "statement")
    wb = witness(B, TEXT_B, "2022-09-18", "web page")
    wc = witness(C, TEXT_C)
    # fmt: off
    columns = (
        (None, None, 0), (None, None, 1), (None, None, 2),  # C's moved "We remember them"
        (0, 0, 3), (1, 1, 4),                                # The agency
        (2, 2, 5), (3, None, 6),                             # calls for / urges
        (None, None, 7), (None, None, 8),                    # up to (C only)
        (4, 3, 9),                                           # 12.000 / 12,000
        (5, 4, 10), (6, 5, 11), (7, 6, 12),                  # people to return
        (8, 7, None), (9, 8, None), (10, 9, None),           # We remember them (A, B)
    )
    # fmt: on
    move = Move(A, C, source=(13, 16), target=(0, 3), level="sentence", size=3, distance=10)
    variants = (
        Variant(
            "substitution", "lexical", True, (5, 7),
            {A: "calls for", B: "urges", C: "calls for"},
            {A: wa.tokens.span(2, 4), B: wb.tokens.span(2, 3), C: wc.tokens.span(5, 7)},
        ),
        Variant("addition", None, True, (7, 9), {A: "", B: "", C: "up to"},
                {A: None, B: None, C: wc.tokens.span(7, 9)}),
        Variant(
            "substitution", "number_format", False, (9, 10),
            {A: "12.000", B: "12,000", C: "12,000"},
            {A: wa.tokens.span(4, 5), B: wb.tokens.span(3, 4), C: wc.tokens.span(9, 10)},
        ),
        Variant(
            "transposition", "sentence", True, (13, 16),
            {A: "We remember them", B: "We remember them", C: ""},
            {A: wa.tokens.span(8, 11), B: wb.tokens.span(7, 10), C: None}, move=move,
        ),
    )  # fmt: skip
    claims = (
        ClaimChange(
            "quantity",
            {A: "12.000", B: "12,000", C: "up to 12,000"},
            {A: "12000", B: "12000", C: "12000"},
            "changed",
            9,
            {A: wa.tokens.span(4, 5), B: wb.tokens.span(3, 4), C: wc.tokens.span(7, 10)},
        ),
    )
    stemma = Stemma(
        edges=(
            StemmaEdge("lost-1", A, ("number_format",), 0.8),
            StemmaEdge(A, B, ("lexical", "number_format"), 0.9),
            StemmaEdge("lost-1", C, ("addition",), 0.6),
        ),
        root="lost-1",
        lost=("lost-1",),
    )
    return Collation(Table((wa, wb, wc), columns), variants, (move,), claims, stemma, {"align": 0.01})


def two_witness(reading: str, label: str = "first") -> Collation:
    """Two witnesses differing in one word; ``reading`` is the second witness's reading there."""
    wa, wb = witness("a", "alpha beta gamma", label=label), witness("b", "alpha delta gamma")
    variant = Variant("substitution", "lexical", True, (1, 2), {"a": "beta", "b": reading},
                      {"a": (6, 10), "b": (6, 11)})  # fmt: skip
    table = Table((wa, wb), ((0, 0), (1, 1), (2, 2)))
    return Collation(table, (variant,), (), (), Stemma((), None))


# --- variorum JSON ---------------------------------------------------------------------------


def test_json_shape_and_types() -> None:
    c = sample()
    data = collation_to_json(c)
    assert json.loads(json.dumps(data)) == data  # JSON-native throughout
    assert data["format"] == "variorum-collation" and data["version"] == 1
    assert [w["id"] for w in data["witnesses"]] == [A, B, C]
    assert data["witnesses"][0] == {
        "id": A, "path": f"/corpus/{A}", "date": "2021-03-02", "label": "statement", "tokens": 11, "wrappers": [],
    }  # fmt: skip
    assert data["witnesses"][2]["date"] is None

    sub, add, num, trans = data["variants"]
    assert set(sub) >= {"kind", "subtype", "substantive", "wrapper", "columns", "readings", "spans", "move"}
    assert sub["kind"] == "substitution" and sub["subtype"] == "lexical" and sub["substantive"] is True
    assert sub["columns"] == [5, 7] and sub["wrapper"] is False and sub["move"] is None
    assert list(sub["readings"]) == [A, B, C]
    assert sub["spans"][B] == [11, 16] and TEXT_B[11:16] == "urges"
    assert add["spans"] == {A: None, B: None, C: [39, 44]} and TEXT_C[39:44] == "up to"
    assert num["substantive"] is False
    expected_move = {
        "from": A, "to": C, "source": [13, 16], "target": [0, 3],
        "level": "sentence", "size": 3, "distance": 10,
    }  # fmt: skip
    assert trans["move"] == expected_move
    assert data["moves"] == [expected_move]

    assert data["claims"] == [
        {
            "kind": "quantity",
            "readings": {A: "12.000", B: "12,000", C: "up to 12,000"},
            "values": {A: "12000", B: "12000", C: "12000"},
            "change": "changed",
            "column": 9,
            "spans": {A: [21, 27], B: [17, 23], C: [39, 51]},
        }
    ]
    for cl in data["claims"]:  # old → new quoted from each witness by its offsets
        texts = {A: TEXT_A, B: TEXT_B, C: TEXT_C}
        assert all(texts[w][s0:s1] == cl["readings"][w] for w, (s0, s1) in cl["spans"].items())
    stemma = data["stemma"]
    assert stemma["root"] == "lost-1" and stemma["lost"] == ["lost-1"]
    assert stemma["edges"][1] == {
        "parent": A, "child": B, "evidence": ["lexical", "number_format"], "confidence": 0.9,
    }  # fmt: skip
    table = data["table"]
    assert table["witnesses"] == [A, B, C]
    assert len(table["columns"]) == 16 and table["columns"][0] == [None, None, 0]
    assert all(isinstance(col, list) and len(col) == 3 for col in table["columns"])
    assert "timings" not in data  # run-dependent, kept out of a stable export
    assert json.dumps(collation_to_json(sample())) == json.dumps(data)


# --- TEI -------------------------------------------------------------------------------------


def parse_tei(c: Collation) -> etree._Element:
    xml = collation_to_tei(c)
    assert xml.startswith("<?xml")
    return etree.fromstring(xml.encode("utf-8"))


def witness_text(root: etree._Element, siglum: str) -> str:
    """One witness's text read back from the apparatus: base text plus its own readings."""
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        parts.append(el.text or "")
        for child in el:
            if child.tag == f"{{{TEI_NS}}}app":
                for rdg in child:
                    if f"#{siglum}" in rdg.get("wit", "").split():
                        parts.append(rdg.text or "")
            parts.append(child.tail or "")

    for p in root.findall("tei:text/tei:body/tei:p", NS):
        walk(p)
    return " ".join("".join(parts).split())


def test_tei_header_and_witnesses() -> None:
    root = parse_tei(sample())
    assert root.tag == f"{{{TEI_NS}}}TEI"
    assert root.findtext("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title", namespaces=NS)
    assert root.findtext("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:p", namespaces=NS)
    wits = root.findall("tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:listWit/tei:witness", NS)
    assert [w.get(XML_ID) for w in wits] == ["W1", "W2", "W3"]
    assert [w.get("n") for w in wits] == [A, B, C]
    assert [w.text for w in wits] == ["statement (2021-03-02)", "web page (2022-09-18)", C]
    encoding = root.find("tei:teiHeader/tei:encodingDesc/tei:variantEncoding", NS)
    assert encoding.get("method") == "parallel-segmentation" and encoding.get("location") == "internal"


def test_tei_apparatus() -> None:
    root = parse_tei(sample())
    declared = {w.get(XML_ID) for w in root.iter(f"{{{TEI_NS}}}witness")}
    categories = {cat.get(XML_ID) for cat in root.iter(f"{{{TEI_NS}}}category")}
    apps = root.findall(".//tei:app", NS)
    assert [a.get("type") for a in apps] == [
        "transposition", "substitution", "addition", "substitution", "transposition",
    ]  # fmt: skip
    for app in apps:
        assert app.get("ana") in {"#substantive", "#formal"}
        assert app.get("ana")[1:] in categories
        wits = [ref for rdg in app.findall("tei:rdg", NS) for ref in rdg.get("wit").split()]
        assert all(ref.startswith("#") and ref[1:] in declared for ref in wits)
        assert sorted(wits) == ["#W1", "#W2", "#W3"]  # every witness exactly once
    sub = apps[1]
    assert sub.get("subtype") == "lexical"
    rdgs = sub.findall("tei:rdg", NS)
    assert [(r.get("wit"), r.text) for r in rdgs] == [("#W1 #W3", "calls for"), ("#W2", "urges")]
    assert apps[3].get("ana") == "#formal" and apps[3].get("subtype") == "number_format"
    addition = apps[2].findall("tei:rdg", NS)
    assert [(r.get("wit"), r.text) for r in addition] == [("#W1 #W2", None), ("#W3", "up to")]
    assert [(r.get("wit"), r.text) for r in apps[0]] == [("#W1 #W2", None), ("#W3", "We remember them")]
    # The base text stands where all agree; each witness reads back as itself.
    assert witness_text(root, "W1") == " ".join(TEXT_A.split())
    assert witness_text(root, "W2") == " ".join(TEXT_B.split())


def test_tei_transposition_links() -> None:
    root = parse_tei(sample())
    body = root.find("tei:text/tei:body", NS)
    link_grp = body[-1]
    assert link_grp.tag == f"{{{TEI_NS}}}linkGrp" and link_grp.get("type") == "transposition"
    links = link_grp.findall("tei:link", NS)
    assert len(links) == 1
    ids = {a.get(XML_ID): a for a in root.iter(f"{{{TEI_NS}}}app")}
    targets = links[0].get("target").split()
    assert len(targets) == 2
    for target in targets:
        assert ids[target[1:]].get("type") == "transposition"
        assert ids[target[1:]].get("subtype") == "sentence"


def test_tei_escapes_readings_and_labels() -> None:
    c = two_witness(NASTY, label=NASTY)
    xml = collation_to_tei(c)
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    root = etree.fromstring(xml.encode("utf-8"))
    assert [r.text for r in root.iter(f"{{{TEI_NS}}}rdg")] == ["beta", NASTY]
    assert root.find(".//tei:witness", NS).text == NASTY
    assert root.find("tei:text/tei:body/tei:p", NS).text == "alpha "
    assert collation_to_tei(c) == xml  # deterministic


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tei_round_trips_any_reading(reading: str) -> None:
    root = etree.fromstring(collation_to_tei(two_witness(reading)).encode("utf-8"))
    read_back = [r.text or "" for r in root.iter(f"{{{TEI_NS}}}rdg") if r.get("wit") == "#W2"]
    assert read_back == [xml_safe(reading)] or (reading == "beta" and read_back == [])


# --- CollateX output -------------------------------------------------------------------------


def test_collatex_output_shape() -> None:
    c = sample()
    data = collation_to_collatex(c)
    assert set(data) == {"witnesses", "table"}
    assert data["witnesses"] == [A, B, C]
    rows = data["table"]
    assert len(rows) == 3 and all(len(row) == len(c.table.columns) for row in rows)
    assert rows[0][0] is None and rows[1][6] is None and rows[2][13] is None
    for w_index, (w, row) in enumerate(zip(c.witnesses, rows, strict=True)):
        for col, cell in enumerate(row):
            idx = c.table.columns[col][w_index]
            if idx is None:
                assert cell is None
                continue
            assert isinstance(cell, list) and len(cell) == 1
            token = cell[0]
            assert set(token) == {"t", "n", "_sigil", "_token_array_position"}
            assert token["_sigil"] == w.id and token["n"] == w.tokens.norms[idx]
            assert token["t"].startswith(w.text[w.tokens.starts[idx] : w.tokens.ends[idx]])
        # t carries what follows the word, so a row's t values give back the text.
        assert "".join(cell[0]["t"] for cell in row if cell) == w.text
    # CollateX numbers tokens across all witnesses, one marker slot between witnesses.
    assert rows[0][3][0]["_token_array_position"] == 0
    assert rows[1][3][0]["_token_array_position"] == 12
    assert rows[2][0][0]["_token_array_position"] == 12 + 11
    assert rows[0][12][0]["t"] == "return. " and rows[0][9][0]["n"] == "12000"
    json.dumps(data)


# --- CollateX input --------------------------------------------------------------------------


def test_read_plain_witnesses() -> None:
    data = {"witnesses": [{"id": "A", "content": "The black cat."}, {"id": "B", "content": "The white cat"}]}
    wa, wb = read_collatex_witnesses(data, "in.json")
    assert wa.id == "A" and wa.label == "A" and wa.path == "in.json" and wa.date is None
    assert wa.text == "The black cat." and wa.tokens == tokenize("The black cat.")
    assert wa.paragraph == (0, 0, 0) and wa.wrapper == (False, False, False)
    assert wb.tokens.norms == ["the", "white", "cat"]


def test_read_pretokenized_witness() -> None:
    tokens = [
        {"t": "The ", "n": "the"},
        {"t": "Black ", "n": "BLACK"},
        {"t": "Cat"},
        {"t": ". "},
        {"t": " 60.000 "},
        {"t": "Élan", "ref": 12},
    ]
    (w,) = read_collatex_witnesses({"witnesses": [{"id": "A", "tokens": tokens}]})
    assert w.text == "The Black Cat.  60.000 Élan"
    assert w.tokens.norms == ["the", "BLACK", "cat", ".", "60000", "elan"]
    assert [w.text[s:e] for s, e in zip(w.tokens.starts, w.tokens.ends, strict=True)] == [
        "The", "Black", "Cat", ".", "60.000", "Élan",
    ]  # fmt: skip
    assert list(zip(w.tokens.starts, w.tokens.ends, strict=True))[:5] == [
        (0, 3), (4, 9), (10, 13), (13, 14), (16, 22),
    ]  # fmt: skip
    assert w.path == "<json>" and w.paragraph == (0,) * 6 and w.wrapper == (False,) * 6


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"texts": []}, 'no "witnesses" field'),
        ([], "not an object"),
        ({"witnesses": {}}, '"witnesses" is a JSON dict, not an array'),
        ({"witnesses": []}, '"witnesses" is empty'),
        ({"witnesses": [{"content": "x"}]}, 'witness 1 has no "id"'),
        ({"witnesses": [{"id": 7, "content": "x"}]}, '"id" must be a non-empty string'),
        ({"witnesses": [{"id": "A", "content": "x", "tokens": []}]}, 'has both "content" and "tokens"'),
        ({"witnesses": [{"id": "A"}]}, 'has neither "content" nor "tokens"'),
        ({"witnesses": [{"id": "A", "content": 3}]}, '"content" is a JSON int, not a string'),
        ({"witnesses": [{"id": "A", "tokens": "x"}]}, '"tokens" is a JSON str, not an array'),
        ({"witnesses": [{"id": "A", "tokens": [{"t": "a "}, {"t": 5}]}]}, 'token 2: "t" is a int'),
        ({"witnesses": [{"id": "A", "tokens": [{"n": "a"}]}]}, 'token 1: "t" is missing'),
        ({"witnesses": [{"id": "A", "tokens": [{"t": "a", "n": 1}]}]}, '"n" is a int, not a string'),
        ({"witnesses": [{"id": "A", "tokens": [{"t": "  "}]}]}, "empty or only whitespace"),
        ({"witnesses": [{"id": "A", "tokens": ["a"]}]}, "token 1 is a JSON str, not an object"),
        (
            {
                "witnesses": [
                    {"id": "A", "content": "x"},
                    {"id": "B", "content": "y"},
                    {"id": "A", "content": "z"},
                ]
            },
            "duplicate witness id 'A' (witnesses 1 and 3)",
        ),
    ],
)
def test_read_malformed(data: object, reason: str) -> None:
    with pytest.raises(MalformedDocument) as error:
        read_collatex_witnesses(data, "input.json")  # type: ignore[arg-type]
    assert error.value.path.startswith("input.json")
    assert reason in str(error.value)


def test_read_malformed_names_the_witness() -> None:
    with pytest.raises(MalformedDocument) as error:
        read_collatex_witnesses({"witnesses": [{"id": "B", "tokens": [{"t": None}]}]}, "x.json")
    assert str(error.value).startswith("x.json: witness 'B': token 1")


_word = st.text(st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=8)
_space = st.text(" \t\n", max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_space, _word, _space), min_size=1, max_size=12))
def test_pretokenized_spans_quote_stripped_t(parts: list[tuple[str, str, str]]) -> None:
    tokens = [{"t": lead + word + trail} for lead, word, trail in parts]
    (w,) = read_collatex_witnesses({"witnesses": [{"id": "A", "tokens": tokens}]})
    assert w.text == "".join(t["t"] for t in tokens)
    assert len(w.tokens) == len(tokens)
    for t, start, end, norm in zip(tokens, w.tokens.starts, w.tokens.ends, w.tokens.norms, strict=True):
        assert w.text[start:end] == t["t"].strip()
        assert norm and not re.search(r"\s$", norm)


def test_tei_never_hides_an_unreported_difference() -> None:
    """Columns that differ but carry no variant still get an app, not the first witness's text."""
    c = two_witness("delta")
    bare = Collation(c.table, (), (), (), Stemma((), None))
    root = parse_tei(bare)
    (app,) = root.findall(".//tei:app", NS)
    assert app.get("type") is None and app.get("ana") is None
    assert [(r.get("wit"), r.text) for r in app] == [("#W1", "beta"), ("#W2", "delta")]
    assert witness_text(root, "W2") == "alpha delta gamma"
    assert collation_to_tei(sample()) == collation_to_tei(sample())
