"""Claims followed across versions: a value and its replacement are one change, with offsets in
both witnesses; formal differences are no claim; the most important changes come first."""

from __future__ import annotations

import pytest

from variorum.collate import collate
from variorum.collate.drift import CATEGORIES, rank
from variorum.model import Document


def changes(old: str, new: str):
    c = collate(
        [Document(id="old", text=old, date="2001-01-01"), Document(id="new", text=new, date="2002-01-01")]
    )
    return list(c.claims)


@pytest.mark.parametrize(
    ("old", "new", "kind", "before", "after"),
    [
        (
            "The applicant must reply within twenty days of the notice being served on him.",
            "The applicant must reply within ten days of the notice being served on him.",
            "quantity", "twenty days", "ten days",
        ),
        (
            "The agreement was signed in November 2002 by both parties in the capital city.",
            "The agreement was signed on 3 November 2008 by both parties in the capital city.",
            "date", "November 2002", "3 November 2008",
        ),
        (
            "The function returns five values to the caller when the call succeeds.",
            "The function returns four values to the caller when the call succeeds.",
            "quantity", "five values", "four values",
        ),
        (
            "As a result, around 60.000 inhabitants were expelled from their native lands.",
            "As a result, up to 60,000 inhabitants were expelled from their native lands.",
            "quantity", "around 60.000 inhabitants", "up to 60,000 inhabitants",
        ),
    ],
)  # fmt: skip
def test_a_value_and_its_replacement_are_one_change(
    old: str, new: str, kind: str, before: str, after: str
) -> None:
    (claim,) = changes(old, new)
    assert (claim.kind, claim.change) == (kind, "changed")
    assert claim.readings == {"old": before, "new": after}
    texts = {"old": old, "new": new}
    for wid, (start, end) in claim.spans.items():  # type: ignore[misc]
        assert texts[wid][start:end] == claim.readings[wid]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Unemployment rose to 7.2 % in the second quarter of the year.",
         "Unemployment rose to 7.2 percent in the second quarter of the year."),
        ("More than 70.000 residents are displaced in other regions of the country.",
         "More than 70,000 residents are displaced in other regions of the country."),
        ("The Security Council met on 2 April 2016 in New York.",
         "The SECURITY COUNCIL met on April 2, 2016 in New York."),
    ],
)  # fmt: skip
def test_formal_differences_are_no_claims(old: str, new: str) -> None:
    assert changes(old, new) == []


def test_claim_readings_are_one_line() -> None:
    old = "The statement of the Secretary-General\nwas read by 12 delegates on 3 May 2019 in Geneva today."
    new = "The statement of the Secretary-General was read by 15 delegates on 3 May 2019 in Geneva today."
    (claim,) = changes(old, new)
    assert claim.readings == {"old": "12 delegates", "new": "15 delegates"}
    assert all("\n" not in r for c in changes(old.replace("12", "14"), new) for r in c.readings.values())


def test_claims_are_ranked_figures_dates_qualifiers_then_the_rest() -> None:
    old = (
        "The Minister Anna Berg said on 4 May 2019 that about 300 families had left and that "
        "12 schools had closed in the Northern Province."
    )
    new = (
        "The Minister Carl Holm said on 9 May 2019 that up to 300 families had left and that "
        "14 schools had closed in the Northern Province."
    )
    found = changes(old, new)
    kinds = [(c.kind, c.change, c.readings["new"]) for c in found]
    assert kinds[0] == ("quantity", "changed", "14 schools")  # a figure
    assert kinds[1] == ("date", "changed", "9 May 2019")
    assert kinds[2] == ("quantity", "changed", "up to 300 families")  # a qualifier
    assert [rank(c) for c in found] == sorted(rank(c) for c in found)
    assert CATEGORIES[:3] == ("figure", "date", "qualifier")


def test_names_in_a_dropped_paragraph_belong_to_the_omission() -> None:
    kept = "The council adopted the plan on 3 May 2019 after a long debate in the chamber."
    dropped = (
        "Delegates from Norway, Brazil and Japan praised the work of Ambassador Maria Lopez and "
        "of the Permanent Mission of Chile in Geneva."
    )
    c = collate(
        [
            Document(id="old", text=f"{kept}\n\n{dropped}\n\nThe session closed at noon.", date="2001-01-01"),
            Document(id="new", text=f"{kept}\n\nThe session closed at noon.", date="2002-01-01"),
        ]
    )
    assert any(v.kind == "omission" and "Norway" in v.readings["old"] for v in c.variants)
    assert [cl for cl in c.claims if cl.kind == "entity"] == []


@pytest.mark.parametrize(
    ("old", "new", "before", "after"),
    [
        ("The committee will meet again within twenty days to review the plan.",
         "Within ten days from now, a smaller working group is expected to gather and review it.",
         "twenty days", "ten days"),
        ("The report was published in November 2002 by the agency.",
         "According to officials familiar with the matter, the final version appeared on 3 November 2008.",
         "November 2002", "3 November 2008"),
        ("Nearly 300 families fled the district after the attack on the village.",
         "After the assault, as many as 450 families had to abandon their homes in the district.",
         "Nearly 300 families", "as many as 450 families"),
    ],
)  # fmt: skip
def test_a_value_in_a_rewritten_sentence_is_still_one_change(
    old: str, new: str, before: str, after: str
) -> None:
    """The sentence was rewritten (an omission and an addition), the value changed with it."""
    (claim,) = changes(old, new)
    assert claim.change == "changed" and claim.readings == {"old": before, "new": after}


def test_a_value_restated_in_a_rewritten_sentence_is_no_claim() -> None:
    old = "Nearly 300 families fled the district after the attack on the village."
    new = "After the assault, nearly 300 families had to abandon their homes in the district."
    assert changes(old, new) == []


def test_three_values_at_one_place_are_one_change() -> None:
    texts = [
        "Officials said that 300 families fled the district after the attack on the village.",
        "After the assault on the village officials counted 450 families who had left their homes.",
        "A later report put the number at 500 families, all of them from the district.",
    ]
    c = collate([Document(id=f"v{k}", text=t, date=f"200{k}-01-01") for k, t in enumerate(texts)])
    figures = [cl for cl in c.claims if cl.kind == "quantity"]
    assert len(figures) == 1 and figures[0].change == "changed"
    assert set(figures[0].values.values()) == {"300", "450", "500"}
