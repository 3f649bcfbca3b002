"""What the index keeps of the translation pass (anchor profiles, chains, evidence): adding in
several steps gives the relations of one add of everything and of a pass that keeps nothing;
an index made before it was kept opens, answers the same without writing, and fills it on its
next add; kept things made for other settings are dropped."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from variorum import pipeline
from variorum.config import CrossLangSettings, Settings
from variorum.crosslang import stored
from variorum.crosslang.relate import profiles_of, translation_relations
from variorum.group.relations import Relation
from variorum.model import Document
from variorum.store.index import Index

# Pages of the cross-language set (tests/crosslang/): three commands in up to nine languages,
# and two related commands whose pages are hard negatives of each other.
PAGES = ("cat.1", "head.1", "tail.1", "mkdir.1", "rmdir.1")


@pytest.fixture(scope="module")
def pages() -> list[Document]:
    from crosslang.build import _document, skip_unless_installed, truth

    skip_unless_installed()
    docs = []
    for group in truth()["groups"]:
        if group["page"] in PAGES:
            for language in group["languages"]:
                d = _document(language, group["page"])
                docs.append(Document(id=d.id, text=d.text, path=d.id))
    # Interleaved so that each step brings translations of pages indexed in an earlier one.
    return docs[::3] + docs[1::3] + docs[2::3]


@pytest.fixture
def seed_docs(seeds: Path) -> list[Document]:
    return [
        Document(id=p.stem, text=p.read_text(encoding="utf-8"), path=p.name)
        for p in sorted(seeds.glob("*.txt"))
    ]


def translations(index: Index) -> list[Relation]:
    """Every translation relation among the indexed documents, as the translation pass finds
    them (a pair that also shares passages keeps its passage relation in the index)."""
    return pipeline._translations(index, index.document_ids())


def reference(index: Index) -> list[Relation]:
    """The translation pass keeping nothing: every profile, chain and evidence computed anew."""
    profiles = profiles_of(index.profile_rows(), keep_text=False)
    return translation_relations(profiles, index.dates(), texts=lambda num: index.document(num).text)


def add_in_steps(path: Path, docs: list[Document], steps: int) -> Index:
    index = Index.open(path)
    size = -(-len(docs) // steps)
    for k in range(0, len(docs), size):
        pipeline.add(index, docs[k : k + size], Settings())
    return index


def kept_rows(index: Index) -> tuple[int, int, int]:
    count = index.conn.execute
    return (
        count("SELECT count(*) FROM anchor_profiles").fetchone()[0],
        count("SELECT count(*) FROM anchor_chains").fetchone()[0],
        count("SELECT count(*) FROM anchor_chains WHERE evidence IS NOT NULL").fetchone()[0],
    )


def stored_translations(index: Index) -> list[Relation]:
    return [r for r in index.relations() if r.kind == "translation"]


def test_adding_in_steps_finds_the_translations_of_one_add(pages, tmp_path):
    with Index.open(tmp_path / "once.db") as once:
        pipeline.add(once, pages, Settings())
        expected = translations(once)
        expected_stored = stored_translations(once)
        assert expected == reference(once)
    assert len(expected) >= 20
    with add_in_steps(tmp_path / "steps.db", pages, 3) as steps:
        assert translations(steps) == expected
        assert stored_translations(steps) == expected_stored
        assert reference(steps) == expected
        profiles, _chains, evidences = kept_rows(steps)
        assert profiles == len(pages)
        assert evidences >= len(expected)


def test_evidence_worked_out_in_two_processes_is_that_of_one(pages, tmp_path, monkeypatch):
    """With more than one worker, ``refresh`` works out every other new pair's chain of anchors
    and evidence in a forked process (the threshold lowered so that these pages fork, in every
    chunk): the stored relations are those of the pass that keeps nothing and forks nothing."""
    from variorum.crosslang import detect, relate

    monkeypatch.setattr(pipeline, "APART_FROM", 2)
    monkeypatch.setattr(relate, "EVIDENCE_CHUNK", 7)  # several chunks, one of them short
    forked: list[int] = []
    chained: list[int] = []
    fork = pipeline._Apart._fork

    def counted(self: pipeline._Apart) -> None:
        fork(self)
        if self.pid is not None:
            {relate.evaluate_here: forked, detect.chains_here: chained}[self.fn].append(len(self.args[0]))

    monkeypatch.setattr(pipeline._Apart, "_fork", counted)
    # Tests run before this one in the same process may leave a thread that is not a daemon
    # (a thread pool's), which keeps refresh from forking; its child takes no lock of theirs.
    monkeypatch.setattr(pipeline, "_only_daemons_besides", lambda: True)
    with Index.open(tmp_path / "apart.db") as index:
        pipeline.add(index, pages, Settings(workers=2))
        found = stored_translations(index)
        assert len(forked) >= 3 and sum(forked) >= len(found) // 2 - len(forked)
        assert chained and sum(chained) >= len(found) // 2
        assert pipeline._translations(index, index.document_ids()) == reference(index)
    with Index.open(tmp_path / "one.db") as one:
        pipeline.add(one, pages, Settings(workers=1))
        assert stored_translations(one) == found


def test_the_seeds_added_in_steps_relate_as_in_one_add(seed_docs, tmp_path):
    """The seeds (one statement, in English with its Russian and Spanish editions' English
    parts): relations and families after three adds are those of one."""
    with Index.open(tmp_path / "once.db") as once:
        pipeline.add(once, seed_docs, Settings())
        expected = once.relations(), pipeline.families(once, Settings())
    with add_in_steps(tmp_path / "steps.db", seed_docs, 3) as steps:
        assert (steps.relations(), pipeline.families(steps, Settings())) == expected
        assert translations(steps) == reference(steps)


def test_each_document_is_profiled_once(pages, tmp_path, monkeypatch):
    """A later add reads the anchors of its new documents only, and aligns the paragraphs (and
    quotes the texts) of pairs with a new document only."""
    import variorum.crosslang.detect as detect
    import variorum.crosslang.relate as relate

    with add_in_steps(tmp_path / "steps.db", pages[:-5], 1) as index:
        before = len(translations(index))
        read: list[str] = []
        real_profile, real_evidence = detect.profile, relate.evidence

        def profile(doc_id, *args, **kwargs):
            read.append(doc_id)
            return real_profile(doc_id, *args, **kwargs)

        evidenced: list[tuple[str, str]] = []

        def evidence(pair, a, b, settings):
            evidenced.append((a.id, b.id))
            return real_evidence(pair, a, b, settings)

        monkeypatch.setattr(detect, "profile", profile)
        monkeypatch.setattr(relate, "evidence", evidence)
        monkeypatch.setattr(pipeline, "APART_FROM", 10**9)  # counted here, not in a child
        pipeline.add(index, pages[-5:], Settings())
        new = {d.id for d in pages[-5:]}
        assert sorted(read) == sorted(new)
        assert evidenced and all(a in new or b in new for a, b in evidenced)
        ids = index.document_ids()
        found = {frozenset((ids[r.a], ids[r.b])) for r in translations(index)}
        assert {pair for pair in found if pair & new} == {frozenset(p) for p in evidenced}
        # The rarity weights moved with the new pages: a pair or two of the old ones may drop
        # out (as they would in one add of everything), none is evidenced again.
        assert len(found - {frozenset(p) for p in evidenced}) >= before - 5


def _as_previous_version(path: Path) -> None:
    """Make an index look like one written before schema 6 kept anything of the translation pass."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE anchor_chains; DROP TABLE anchor_profiles; "
        "DELETE FROM meta WHERE key='anchor_cache'; PRAGMA user_version=5;"
    )
    conn.close()


def test_an_index_of_the_previous_version_answers_the_same_and_fills_what_is_kept(pages, tmp_path):
    path = tmp_path / "old.db"
    with Index.open(path) as index:
        pipeline.add(index, pages, Settings())
        expected = index.relations()
        expected_translations = translations(index)
        families = pipeline.families(index, Settings())
    _as_previous_version(path)
    with Index.open(path) as index:
        assert index.conn.execute("PRAGMA user_version").fetchone()[0] >= 6
        assert kept_rows(index) == (0, 0, 0)
        # A read computes in memory and writes nothing.
        typed, _family_of, _flagged = pipeline._derive(index, Settings())
        assert typed == expected
        assert translations(index) == expected_translations
        assert kept_rows(index) == (0, 0, 0)
        assert pipeline.families(index, Settings()) == families
        # The next write keeps them, and the answers stay.
        pipeline.refresh(index, Settings())
        assert kept_rows(index)[0] == len(pages)
        assert index.relations() == expected
        assert pipeline.families(index, Settings()) == families
        pipeline.refresh(index, Settings())
        assert index.relations() == expected


def test_what_was_kept_for_other_settings_is_dropped(pages, tmp_path):
    with Index.open(tmp_path / "i.db") as index:
        pipeline.add(index, pages[:20], Settings())
        expected = index.relations()
        index.conn.execute("UPDATE anchor_chains SET evidence='{\"stale\": true}'")
        index.conn.execute("UPDATE meta SET value='other' WHERE key='anchor_cache'")
        assert translations(index) == reference(index)  # a read ignores what is stale
        pipeline.refresh(index, Settings())
        assert index.relations() == expected
        assert not index.conn.execute(
            "SELECT count(*) FROM anchor_chains WHERE evidence LIKE '%stale%'"
        ).fetchone()[0]
        assert index.anchor_cache_current(stored.cache_key(CrossLangSettings()))


def test_a_profile_comes_back_from_its_columns_unchanged(pages):
    from variorum.crosslang.detect import profile

    for d in pages[:12]:
        made = profile(d.id, d.text, "en", None, min_hard_keys=3, keep_text=False)
        assert stored.unpack_profile(d.id, stored.pack_profile(made)) == made
    bare = profile("prose", "Plain prose.\n\nWith no figure at all.", "en", None, keep_text=False)
    assert not bare.anchors
    assert stored.pack_profile(bare) == (
        "en",
        np.asarray(bare.paragraphs, dtype="<u4").reshape(-1).tobytes(),
        "",
        json.dumps([]),
        np.fromiter([], dtype="<u4").tobytes(),
        np.fromiter([], dtype="<u4").tobytes(),
    )
    assert stored.unpack_profile("prose", stored.pack_profile(bare)) == bare
    # Unpacked together, profiles with anchors and without, and one without paragraphs, are
    # those unpacked one at a time.
    none = profile("empty", "", None, None, keep_text=False)
    made = [profile(d.id, d.text, "en", None, keep_text=False) for d in pages[:12]] + [bare, none]
    rows = [(num, p.id, stored.pack_profile(p)) for num, p in enumerate(made, start=5)]
    assert stored.unpack_profiles(rows) == {n: stored.unpack_profile(i, k) for n, i, k in rows}
    chain = ((0, 3), (2, 5), (70000, 9))
    assert stored.unpack_chain(stored.pack_chain(chain)) == chain
    assert stored.unpack_chain(stored.pack_chain(())) == ()


def test_boilerplate_and_formulas_on_real_pages_are_the_references(pages, tmp_path, monkeypatch):
    """The pages share their package's footer and stock option help with dozens of others: the
    numpy count of a stretch's spread flags what the stretch-by-stretch reference flags."""
    import boilerplate_reference

    import variorum.group.relate as relate
    from variorum.group import boilerplate

    compared: dict[str, int] = {}

    def both(name):
        fast, reference = getattr(boilerplate, name), getattr(boilerplate_reference, f"{name}_reference")

        def run(*args, **kwargs):
            found = fast(*args, **kwargs)
            assert found == reference(*args, **kwargs)
            compared[name] = max(compared.get(name, 0), len(found))
            return found

        return run

    for name in ("flag_boilerplate", "formula_passages"):
        monkeypatch.setattr(relate, name, both(name))
    with Index.open(tmp_path / "i.db") as index:
        pipeline.add(index, pages, Settings())
    assert compared["flag_boilerplate"] > 10 and compared["formula_passages"] > 10
