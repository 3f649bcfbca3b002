"""Claims in one witness: quantities, dates, citations and entities, with exact offsets."""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.collate.claims import extract_claims
from variorum.collate.model import Claim
from variorum.ingest.dates import date_spans, month_number

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")


def claims_of(text: str, kind: str) -> list[Claim]:
    return [c for c in extract_claims(text) if c.kind == kind]


def only(text: str, kind: str) -> Claim:
    (claim,) = claims_of(text, kind)
    return claim


@cache
def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def find(prefix: str, kind: str, text: str) -> Claim:
    """The one claim of ``kind`` in a seed that quotes ``text`` (line wraps ignored)."""
    found = [c for c in extract_claims(seed(prefix)) if c.kind == kind and " ".join(c.text.split()) == text]
    assert len(found) == 1, (prefix, kind, text, found)
    return found[0]


# ---------------------------------------------------------------------------------------------
# Quantities


@pytest.mark.parametrize(
    ("text", "quoted", "value", "qualifier"),
    [
        (
            "As a result, around 60.000 inhabitants of Kalbajar",
            "around 60.000 inhabitants",
            "60000",
            "around",
        ),
        ("up to 60.000 were expelled", "up to 60.000", "60000", "up to"),
        (
            "Currently, more than 70.000 Kalbajar residents are",
            "more than 70.000 Kalbajar residents",
            "70000",
            "more than",
        ),
        ("lands, 511 innocent civilians were killed", "511 innocent civilians", "511", None),
        ("killed, 321 persons were taken hostage", "321 persons", "321", None),
        ("district, around 150 villages, dozens of", "around 150 villages", "150", "around"),
        ("schools, 9 kindergarten and hospitals", "9 kindergarten", "9", None),
        ("nearly two million cubic metres of water", "nearly two million cubic metres", "2000000", "nearly"),
        ("unemployment rose by 12 % last year", "12 %", "12%", None),
        ("unemployment rose by 12 percent last year", "12 percent", "12%", None),
        ("some 1.5 million people", "some 1.5 million people", "1500000", "some"),
        ("as many as 300 families", "as many as 300 families", "300", "as many as"),
        ("no fewer than 40 villages", "no fewer than 40 villages", "40", "no fewer than"),
        ("composed of nine countries, worked", "nine countries", "9", None),
        ("two hundred and fifty thousand people", "two hundred and fifty thousand people", "250000", None),
        (
            "dozens of historical-cultural monuments, one",
            "dozens of historical-cultural monuments",
            "12",
            "dozens of",
        ),
        (
            "tens of thousands of refugees fled",
            "tens of thousands of refugees",
            "10000",
            "tens of thousands of",
        ),
        ("около 60 000 жителей были", "около 60 000 жителей", "60000", "около"),
        ("более 70 000 жителей", "более 70 000 жителей", "70000", "более"),
        ("alrededor de 60.000 habitantes", "alrededor de 60.000 habitantes", "60000", "alrededor de"),
        ("hasta 60.000 habitantes", "hasta 60.000 habitantes", "60000", "hasta"),
        ("environ 60 000 habitants", "environ 60 000 habitants", "60000", "environ"),
        ("jusqu’à 60 000 habitants", "jusqu’à 60 000 habitants", "60000", "jusqu'à"),
        ("2,5 млн человек", "2,5 млн человек", "2500000", None),
    ],
)
def test_quantities(text: str, quoted: str, value: str, qualifier: str | None) -> None:
    claim = only(text, "quantity")
    assert (claim.text, claim.value, claim.qualifier) == (quoted, value, qualifier)


def test_number_formats_give_one_value() -> None:
    values = {only(f"more than {n} residents", "quantity").value for n in ("70.000", "70,000", "70 000")}
    assert values == {"70000"}


def test_a_figure_may_wrap_and_carry_markdown() -> None:
    claim = only("Currently, more than 70.000\nKalbajar residents are", "quantity")
    assert claim.text == "more than 70.000\nKalbajar residents"
    claim = only("around **60.000** inhabitants", "quantity")
    assert (claim.text, claim.value, claim.qualifier) == ("around **60.000** inhabitants", "60000", "around")


@pytest.mark.parametrize(
    "text",
    [
        "circulated under agenda items 35 and 40, and item 4",
        "del 43^{er} período de sesiones, tema 4 de la agenda",
        "the forty-first session of the Council",
        "Пункт 4 повестки дня",
        "On April 2, 1993 the district, on 6 April 1993, 03.04.2020 and 2020-04-03",
        "in 1993, since 2002, in April 2016",
        "resolutions 853 (1993), 874 (1993) and 884 (1993) and Resolution 822",
        "documents A/73/825 and S/2018/345 and A/HRC/41/G/7",
        "Mi-24 helicopters, the G20 and COVID-19",
        "1. First item\n2. Second item",
        "no one knows, one of them",
        "https://news.az/articles/politics/147105",
    ],
)
def test_numbers_that_are_not_quantities(text: str) -> None:
    assert claims_of(text, "quantity") == []


# ---------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("text", "quoted", "value"),
    [
        ("statement on 6 April 1993 on behalf", "6 April 1993", "1993-04-06"),
        ("statement on 06 April 1993 on behalf", "06 April 1993", "1993-04-06"),
        ("On April 2, 1993 the Kalbajar district", "April 2, 1993", "1993-04-02"),
        ("statement on 6 April, 1993. Then", "6 April, 1993", "1993-04-06"),
        ("contact on 2 April 2016 as the result", "2 April 2016", "2016-04-02"),
        ("Council dated 27 July 1993, the", "27 July 1993", "1993-07-27"),
        ("Letter dated 17 April 2018 from", "17 April 2018", "2018-04-17"),
        ("от 6 июня 2019 года в адрес", "6 июня 2019 года", "2019-06-06"),
        ("Distr. general 6 de mayo de 2020", "6 de mayo de 2020", "2020-05-06"),
        ("03.04.2020", "03.04.2020", "2020-04-03"),
        ("issued 2020-04-03.", "2020-04-03", "2020-04-03"),
        ("the occupation in 1993 and", "in 1993", "1993"),
        ("Since 2002, Base Metals CJSC", "Since 2002", "2002"),
        ("в 1993 году и", "в 1993 году", "1993"),
        ("the escalation in April 2016 was", "April 2016", "2016-04"),
        ("в апреле 2016 года (см.", "апреле 2016 года", "2016-04"),
        ("en abril de 2016 (véase", "abril de 2016", "2016-04"),
    ],
)
def test_dates(text: str, quoted: str, value: str) -> None:
    claim = only(text, "date")
    assert (claim.text, claim.value) == (quoted, value)


def test_one_day_written_three_ways_has_one_value() -> None:
    texts = ["on 6 April 1993.", "on 06 April 1993.", "on April 6, 1993."]
    assert {only(t, "date").value for t in texts} == {"1993-04-06"}


def test_both_ends_of_a_range_are_dates() -> None:
    dates = claims_of("24 июня – 12 июля 2019 года", "date")
    assert [(c.text, c.value) for c in dates] == [
        ("24 июня", "2019-06-24"),
        ("12 июля 2019 года", "2019-07-12"),
    ]


def test_date_spans_and_month_number() -> None:
    text = "June 24–28, 2019; 24 de febrero a 20 de marzo de 2020"
    assert [(text[s:e], iso) for s, e, iso in date_spans(text)] == [
        ("June 24", "2019-06-24"),
        ("28, 2019", "2019-06-28"),
        ("24 de febrero", "2020-02-24"),
        ("20 de marzo de 2020", "2020-03-20"),
    ]
    assert (month_number("Sept."), month_number("июня"), month_number("APRİL")) == (9, 6, None)


def test_a_year_in_a_citation_is_not_a_date() -> None:
    assert claims_of("adopted resolution 822 (1993) and 874 (1993)", "date") == []


# ---------------------------------------------------------------------------------------------
# Citations


@pytest.mark.parametrize(
    ("text", "quoted", "value"),
    [
        ("adoption of resolution 822 (1993), the", "resolution 822 (1993)", "resolution 822 (1993)"),
        ("Council adopted Resolution 822, which", "Resolution 822", "resolution 822"),
        (
            "Security Council resolution 822 (1993), the",
            "Security Council resolution 822 (1993)",
            "resolution 822 (1993)",
        ),
        (
            "adoption of Security\nCouncil resolution 822 (1993)",
            "Security\nCouncil resolution 822 (1993)",
            "resolution 822 (1993)",
        ),
        ("as demanded by UNSCR 822.", "UNSCR 822", "resolution 822"),
        ("Council resolution 14/2 (2009) on", "resolution 14/2 (2009)", "resolution 14/2 (2009)"),
        ("under decision 2/CP.15 of", "decision 2/CP.15", "decision 2/CP.15"),
        ("see document A/73/825.", "A/73/825", "A/73/825"),
        ("see document S/2018/345.", "S/2018/345", "S/2018/345"),
        ("see document A/HRC/41/G/7.", "A/HRC/41/G/7", "A/HRC/41/G/7"),
        ("see S/RES/822 (1993).", "S/RES/822 (1993)", "resolution 822 (1993)"),
    ],
)
def test_citations(text: str, quoted: str, value: str) -> None:
    claim = only(text, "citation")
    assert (claim.text, claim.value) == (quoted, value)


def test_a_list_of_resolutions_gives_one_claim_each() -> None:
    text = "adopted resolutions 853\n(1993), 874 (1993) and 884 (1993) demanding"
    cited = claims_of(text, "citation")
    assert [(c.text, c.value) for c in cited] == [
        ("853\n(1993)", "resolution 853 (1993)"),
        ("874 (1993)", "resolution 874 (1993)"),
        ("884 (1993)", "resolution 884 (1993)"),
    ]


def test_citation_values_ignore_case_and_body() -> None:
    texts = ["resolution 822 (1993)", "Resolution 822 (1993)", "UN Security Council resolution 822 (1993)"]
    assert {only(t, "citation").value for t in texts} == {"resolution 822 (1993)"}


# ---------------------------------------------------------------------------------------------
# Entities


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The United Nations Security Council met.", ["United Nations Security Council"]),
        (
            "Since 2002, Base Metals CJSC, which is owned by the Armenia’s Vallex Group CJSC, registered in Liechtenstein,",
            ["Base Metals CJSC", "Armenia", "Vallex Group CJSC", "Liechtenstein"],
        ),
        ("exploiting Gyzylbulag mine near Heyvaly village.", ["Gyzylbulag", "Heyvaly"]),
        (
            "Since 2007, GPM Gold, a subsidiary of GeoProMining Ltd., has been extracting ore in Soyudlu gold mine.",
            ["GPM Gold", "GeoProMining Ltd.", "Soyudlu"],
        ),
        ("the CSCE Minsk Group worked out", ["CSCE Minsk Group"]),
        ("the Chairman, Mr. Mario Raffaelli, emphasized", ["Chairman", "Mario Raffaelli"]),
        ("construction of the Vardenis-Aghdara highway", ["Vardenis-Aghdara"]),
        (
            "the Kalbajar district of Azerbaijan was occupied by Armenia.",
            ["Kalbajar", "Azerbaijan", "Armenia"],
        ),
        (
            "при Отделении Организации Объединенных Наций в Женеве",
            ["Отделении Организации Объединенных Наций", "Женеве"],
        ),
        ("ratified by “Vallex Group” in May", ["Vallex Group"]),
    ],
)
def test_entities(text: str, names: list[str]) -> None:
    assert [c.text for c in claims_of(text, "entity")] == names


@pytest.mark.parametrize(
    "text",
    [
        "Currently, more than 70.000 residents are displaced.",
        "Serious damage was inflicted. The damage was serious.",
        "On Monday, in April, the district was occupied.",
        "**AZERBAIJAN'S MFA ISSUES STATEMENT ON ANNIVERSARY OF KALBAJAR DISTRICT'S OCCUPATION**",
        "I should be grateful. Following that, nothing.",
    ],
)
def test_words_that_are_not_entities(text: str) -> None:
    assert claims_of(text, "entity") == []


def test_entity_values_fold_dashes_quotes_and_wraps() -> None:
    assert (
        only("heavy weaponry, Mi–24 helicopter", "entity").value
        == only("heavy weaponry, Mi-24 helicopter", "entity").value
        == "mi-24"
    )
    wrapped = (
        "the adoption of this resolution was followed by the work of the CSCE\nMinsk Group, composed of nine"
    )
    assert only(wrapped, "entity").value == "csce minsk group"


def test_names_do_not_run_across_signature_lines() -> None:
    text = "(Signed) Yashar Aliyev\nAmbassador\nPermanent Representative\n"
    assert [c.text for c in claims_of(text, "entity")] == ["Yashar Aliyev", "Permanent Representative"]


# ---------------------------------------------------------------------------------------------
# The seeds


@needs_seeds
def test_seed_qualifiers_differ_where_the_versions_do() -> None:
    around = find("001", "quantity", "around 60.000 inhabitants")
    assert (around.value, around.qualifier) == ("60000", "around")
    for prefix in ("003", "004"):
        up_to = find(prefix, "quantity", "up to 60.000 inhabitants")
        assert (up_to.value, up_to.qualifier) == ("60000", "up to")


@needs_seeds
def test_seed_values_agree_across_formats() -> None:
    assert (
        find("000", "quantity", "more than 70.000 Kalbajar residents").value
        == find("003", "quantity", "more than 70,000 Kalbajar residents").value
        == "70000"
    )
    assert (
        find("000", "citation", "Security Council resolution 822 (1993)").value
        == find("001", "citation", "Security Council resolution 822 (1993)").value
        == "resolution 822 (1993)"
    )
    assert (
        find("000", "date", "6 April 1993").value
        == find("001", "date", "06 April 1993").value
        == "1993-04-06"
    )
    assert find("000", "entity", "Mi–24").value == find("001", "entity", "Mi-24").value


@needs_seeds
def test_seed_003() -> None:
    claims = extract_claims(seed("003"))
    quantities = [(c.text, c.value, c.qualifier) for c in claims if c.kind == "quantity"]
    assert quantities == [
        ("up to 60.000 inhabitants", "60000", "up to"),
        ("511 innocent civilians", "511", None),
        ("321 persons", "321", None),
        ("more than 70,000 Kalbajar residents", "70000", "more than"),
    ]
    assert [c.value for c in claims if c.kind == "citation"] == ["resolution 822"]
    assert [c.value for c in claims if c.kind == "date"] == [
        "2016-04", "2020-04-03", "2020-04-02", "1993", "2016", "1993-04-02", "1993-04-06", "2016-04-02",
    ]  # fmt: skip
    entities = {c.value for c in claims if c.kind == "entity"}
    assert {"kalbajar", "nagorno-karabakh", "mi-24", "csce minsk group", "un security council"} <= entities
    assert not entities & {"april", "escalation", "natural", "azerbaijan's mfa issues statement"}


@needs_seeds
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_offsets(prefix: str) -> None:
    text = seed(prefix)
    claims = extract_claims(text)
    assert claims and all(text[c.start : c.end] == c.text for c in claims)


# ---------------------------------------------------------------------------------------------
# Invariants

PIECES = st.sampled_from(
    ["resolution", "Resolutions", "UNSCR", "A/", "S/RES/", "around", "up to", "more than", "two", "million",
     "dozens of", "of", "the", "April", "апреле", "года", "de", "mayo", "in", "since", "Mr.", "Ltd.",
     "https://x.org/1", "İ", "ſept", "APRİL", "١٩٩٣", "Security Council", "\n", "\n\n", "**", "^{er}", "1.",
     "2020-04-03", "03.04.2020", "24 June – ", "June 24–28, ", "one", "forty-first", " and ", " items ",
     "60.000", "12 %", "(1993)", ", ", ". ", "’s", "Kalbajar", "CJSC"]
)  # fmt: skip


def check_invariants(text: str) -> None:
    claims = extract_claims(text)
    assert [c.start for c in claims] == sorted(c.start for c in claims)
    for claim in claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.text
    for kind in ("quantity", "date", "entity", "citation"):
        spans = [(c.start, c.end) for c in claims if c.kind == kind]
        assert all(end <= start for (_, end), (start, _) in pairwise(spans))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(PIECES, st.integers(0, 3000).map(str), st.text(max_size=4)), max_size=25).map(" ".join)
)
def test_claims_quote_their_offsets_and_do_not_overlap(text: str) -> None:
    check_invariants(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_extraction_never_raises(text: str) -> None:
    check_invariants(text)
