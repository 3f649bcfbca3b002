"""Quality gate on the real development corpus built from Debian packages (tests/real_corpus.py).

The floors are what the engine reaches today on this corpus, pinned to its hash: when the packages
(and so the bytes) change, the test fails and asks for the floors to be measured again, rather than
judging new data by old numbers. Unit tests of ``score`` itself come first: a scorer that cannot
fail would make the gate meaningless.
"""

from __future__ import annotations

import json

import pytest
import real_corpus as rc

# One worker builds and indexes the corpus once for the whole module.
pytestmark = pytest.mark.xdist_group("real_corpus")

CORPUS_HASH = "5b741d4c8835908e"
# Floors measured on the corpus of CORPUS_HASH (see docs/real-corpus.md for the command).
FLOORS = {"pair_precision": 1.0, "pair_recall": 1.0, "groups_exact": 24, "kind_accuracy": 0.91}
# Hard negatives (documents of no group) placed in a family with another document: at most this many.
MAX_NEGATIVES_GROUPED = 0


# -- score() on hand-made truths ----------------------------------------------------------------


def _truth() -> rc.Truth:
    kinds = {
        frozenset({"a1", "a2"}): "copy",
        frozenset({"a2", "a3"}): "revision",
        frozenset({"b1", "b2"}): "excerpt",
        frozenset({"a1", "q"}): "quotation",
        frozenset({"b1", "n"}): "boilerplate",
    }
    groups = {"a": frozenset({"a1", "a2", "a3"}), "b": frozenset({"b1", "b2"})}
    return rc.Truth(groups=groups, kinds=kinds, negatives=frozenset({"q", "n"}))


def test_a_perfect_answer_scores_one_everywhere():
    t = _truth()
    fams = {"a1": "F", "a2": "F", "a3": "F", "b1": "G", "b2": "G", "q": None}
    s = rc.score(fams, dict(t.kinds), t)
    assert (s["pair_precision"], s["pair_recall"], s["kind_accuracy"]) == (1.0, 1.0, 1.0)
    assert s["groups_exact"] == 2 and s["negatives_grouped"] == [] and s["unrelated_linked"] == []


def test_merging_a_negative_into_a_group_costs_precision_and_the_exact_group():
    t = _truth()
    fams = {"a1": "F", "a2": "F", "a3": "F", "q": "F", "b1": "G", "b2": "G"}
    s = rc.score(fams, dict(t.kinds), t)
    assert s["pair_precision"] == pytest.approx(4 / 7)
    assert s["pair_recall"] == 1.0
    assert s["groups_exact"] == 1 and s["groups_exact_names"] == ["b"]
    assert s["negatives_grouped"] == ["q"]


def test_a_split_group_costs_recall_and_wrong_kinds_cost_accuracy():
    t = _truth()
    fams = {"a1": "F", "a2": "F", "a3": "H", "b1": "G", "b2": "G"}
    rel = dict(t.kinds)
    rel[frozenset({"a2", "a3"})] = "quotation"
    rel[frozenset({"b1", "n"})] = "copy"
    rel[frozenset({"b2", "q"})] = "quotation"
    s = rc.score(fams, rel, t)
    assert s["pair_recall"] == pytest.approx(2 / 4)
    assert s["groups_exact"] == 1
    assert s["kind_accuracy"] == pytest.approx(3 / 4)
    assert s["kind_accuracy_all"] == pytest.approx(3 / 5)
    assert s["kinds"]["revision"] == {"right": 0, "total": 1}
    assert s["kind_confusion"] == {"boilerplate->copy": 1, "revision->quotation": 1}
    assert s["unrelated_linked"] == [("b2", "q")]


def test_an_empty_answer_finds_nothing():
    s = rc.score({}, {}, _truth())
    assert s["pair_recall"] == 0.0 and s["groups_exact"] == 0 and s["kind_accuracy"] == 0.0


# -- the corpus's own truth ------------------------------------------------------------------------


def test_the_corpus_meets_its_specification():
    t = rc.truth()
    specs = rc.specs()
    assert len(specs) >= 60
    assert len(t.groups) >= 12
    assert len(t.negatives) >= 15
    assert {"copy", "revision", "excerpt", "quotation", "boilerplate"} <= set(t.kinds.values())
    languages = {s.language for s in specs if s.group}
    assert {"ru", "uk", "ja", "zh"} <= languages
    assert any(s.extract == "ocr" for s in specs)
    # Quotations join no group: a quoting document is not a version of the quoted one.
    for pair, kind in t.kinds.items():
        if kind == "quotation":
            groups = [g for g in t.groups.values() if pair <= g]
            assert not groups, sorted(pair)


def test_every_package_used_is_in_the_package_list():
    assert {s.package for s in rc.specs()} <= set(rc.PACKAGES)


# -- the gate ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    absent = rc.missing()
    if absent:
        pytest.skip(f"Debian packages not installed (run `make realdata`): {' '.join(absent)}")
    dest = tmp_path_factory.mktemp("realdata") / "corpus"
    rc.build(dest)
    families, relations = rc.analyse(dest, dest.parent / "real.db")
    result = rc.score(families, relations)
    print(json.dumps({k: v for k, v in result.items() if k != "unrelated_linked"}))
    return result, rc.corpus_hash(dest), dest


def test_corpus_is_the_corpus_the_floors_were_measured_on(outcome):
    _, digest, _ = outcome
    assert digest == CORPUS_HASH, f"real corpus changed (hash {digest}): re-measure and re-pin FLOORS"


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_real_corpus_measure_stays_above_its_floor(outcome, measure):
    result, *_ = outcome
    print(f"{measure}: {result[measure]}")
    assert result[measure] >= FLOORS[measure]


def test_hard_negatives_grouped_stay_under_their_ceiling(outcome):
    result, *_ = outcome
    print("negatives grouped:", result["negatives_grouped"])
    assert len(result["negatives_grouped"]) <= MAX_NEGATIVES_GROUPED


def test_building_twice_gives_the_same_bytes(outcome, tmp_path):
    _, digest, _ = outcome
    rc.build(tmp_path / "again")
    assert rc.corpus_hash(tmp_path / "again") == digest


def test_every_pair_sharing_a_long_run_of_words_is_in_the_truth(outcome):
    """The truth was written by reading; this checks it missed no pair that visibly shares text:
    every pair sharing a run of 20 identical words (after lower-casing) must be listed."""
    _, _, dest = outcome
    truth = rc.truth()
    runs = rc.shared_runs(dest, 20)
    unlisted = sorted(tuple(sorted(p)) for p in runs if p not in truth.kinds)
    assert not unlisted, f"pairs sharing 20-word runs but absent from truth.toml: {unlisted}"
