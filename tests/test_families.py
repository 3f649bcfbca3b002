"""Families by containment, and boilerplate by spread across families."""

from __future__ import annotations

from variorum.config import Settings
from variorum.group.boilerplate import flag_boilerplate
from variorum.group.families import family_id, group_families, is_version_link

S = Settings()


def test_abridged_version_is_a_version_but_a_quote_is_not():
    assert is_version_link(0.9, 0.35, S)  # a 2020 copy keeping a third of the 2018 text
    assert not is_version_link(0.3, 0.15, S)  # an op-ed quoting two paragraphs
    assert not is_version_link(1.0, 0.1, S)  # a tweet made of one sentence of a long statement


def test_families_are_connected_components_with_stable_ids():
    ids = {1: "a", 2: "b", 3: "c", 4: "d"}
    links = [(1, 2, 0.9, 0.8), (2, 3, 0.6, 0.3), (3, 4, 0.2, 0.1)]
    fam = group_families(ids, links, ids, S)
    assert fam[1] == fam[2] == fam[3] != fam[4]
    assert fam[1] == family_id(["c", "a", "b"])
    assert family_id(["a", "b"]) == family_id(["b", "a"])


def test_a_stock_phrase_shared_across_families_is_boilerplate_but_family_text_is_not():
    family_of = {1: "F1", 2: "F1", 3: "F2", 4: "F3", 5: "F4"}
    # doc 1 shares chars 0-100 (a cover-letter formula) with docs 3, 4, 5 of other families,
    # and its body 200-900 with doc 2 of its own family.
    rows = [
        (10, 1, 3, 0, 100, 0, 100, 25),
        (11, 1, 4, 5, 100, 10, 105, 24),
        (12, 1, 5, 0, 95, 0, 95, 23),
        (13, 1, 2, 200, 900, 150, 850, 140),
    ]
    assert flag_boilerplate(rows, family_of, S) == {10, 11, 12}


def test_long_passages_are_never_boilerplate():
    family_of = {1: "F1", 3: "F2", 4: "F3", 5: "F4"}
    rows = [(i, 1, other, 0, 1000, 0, 1000, 200) for i, other in enumerate((3, 4, 5))]
    assert flag_boilerplate(rows, family_of, S) == set()
