"""Golden end-to-end checks on the five real copies of one statement in ../shared/seeds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from variorum import pipeline
from variorum.config import Settings
from variorum.ingest import read_file, read_inputs
from variorum.model import Document, content_id
from variorum.store.index import Index
from variorum.text.normalize import tokenize

from conftest import seed_path

pytestmark = pytest.mark.usefixtures("seeds")


def compare(a: str, b: str) -> dict:
    return pipeline.compare(read_file(seed_path(a)), read_file(seed_path(b)), Settings())


def test_press_release_is_almost_wholly_inside_the_un_letter():
    result = compare("000", "001")
    assert result["coverage"]["b"] >= 0.95
    # the press release (2 April) is the earlier side of every passage
    assert {p["earlier"] for p in result["passages"]} == {"b"}


def test_2020_news_copy_and_2020_annex_share_the_whole_statement():
    result = compare("003", "004")
    assert result["coverage"]["a"] >= 0.86


def test_every_passage_quotes_the_originals_exactly():
    a, b = read_file(seed_path("000")), read_file(seed_path("002"))
    result = pipeline.compare(a, b, Settings())
    assert result["passages"]
    for p in result["passages"]:
        assert a.text[p["a_start"] : p["a_end"]] == p["a_text"]
        assert b.text[p["b_start"] : p["b_end"]] == p["b_text"]
        assert p["words"] >= 20


def test_noise_is_absorbed_inside_passages():
    result = compare("000", "001")
    quoted = " ".join(p["a_text"] for p in result["passages"])
    for noisy in ("aggr ession", "civi lians", "fro m", "territo ry", "Mi–24", "60.000"):
        assert noisy in quoted


def test_detected_dates():
    years = [read_file(seed_path(f"00{i}")).date[:4] for i in range(5)]
    assert years == ["2018", "2018", "2019", "2020", "2020"]


def test_cover_notes_are_wrapper_segments_in_their_language():
    for prefix, lang in (("002", "ru"), ("004", "es")):
        info = pipeline.describe(read_file(seed_path(prefix)))
        wrappers = [s for s in info["segments"] if s["role"] == "wrapper" and s["language"] == lang]
        assert wrappers, prefix
        body = [s for s in info["segments"] if s["role"] == "body"]
        assert body and all(s["language"] == "en" for s in body)
        assert info["languages"][0] == "en" and lang in info["languages"]


def test_seeds_form_exactly_one_family(seeds: Path, tmp_path: Path):
    with Index.open(tmp_path / "seeds.db") as index:
        pipeline.add(index, read_inputs([str(seeds)]), Settings())
        fams = pipeline.families(index, Settings())
    assert len(fams) == 1
    assert sorted(Path(d["path"]).name[:3] for d in fams[0]["documents"]) == [
        "000",
        "001",
        "002",
        "003",
        "004",
    ]
    assert [d["date"][:4] for d in fams[0]["documents"]] == ["2018", "2018", "2019", "2020", "2020"]


GENRE_COVER = (
    "Upon instructions from my Government, I have the honour to submit for your attention a statement by "
    "the Press Service of the Ministry of Foreign Affairs of the Republic of {country} on {topic} (see annex). "
    "I should be grateful if you would have the present letter and its annex circulated as a document of "
    "the General Assembly, under agenda items 35 and 40, and of the Security Council."
)


def genre_documents(n: int, seed: int = 7) -> list[Document]:
    """UN letters annexing unrelated statements: same cover-letter formula, different annexes."""
    rnd = random.Random(seed)
    words = [
        "ministry", "cooperation", "regional", "security", "development", "agreement", "delegation",
        "economic", "council", "negotiations", "framework", "humanitarian", "sovereignty", "initiative",
        "summit", "partners", "commitment", "dialogue", "stability", "investment", "infrastructure",
        "water", "energy", "border", "trade", "citizens", "province", "reform", "budget", "elections",
    ]  # fmt: skip
    docs = []
    for i in range(n):
        country = rnd.choice(["Arvenia", "Belostan", "Corvania", "Dunmark", "Estovia"])
        topic = " ".join(rnd.choice(words) for _ in range(4))
        annex = ". ".join(
            " ".join(rnd.choice(words) for _ in range(rnd.randint(12, 25))).capitalize() for _ in range(18)
        )
        text = (
            f"Letter dated {rnd.randint(1, 28)} May 2019 from the Permanent Representative of {country} to the "
            f"United Nations addressed to the Secretary-General\n\n{GENRE_COVER.format(country=country, topic=topic)}"
            f"\n\n(Signed) Ambassador\n\nAnnex\n\n{annex}."
        )
        docs.append(Document(id=content_id(text), text=text, path=f"genre-{i:03d}.txt"))
    return docs


@pytest.mark.slow
def test_still_exactly_the_five_among_a_hundred_unrelated_letters(seeds: Path, tmp_path: Path):
    settings = Settings()
    with Index.open(tmp_path / "mixed.db") as index:
        pipeline.add(index, genre_documents(100), settings)
        pipeline.add(index, read_inputs([str(seeds)]), settings)
        fams = pipeline.families(index, settings)
        letter = read_file(seed_path("000"))
        shared = pipeline.passages(index, settings, doc_id=letter.id)
    seed_families = [f for f in fams if any("genre" not in (d["path"] or "") for d in f["documents"])]
    assert len(seed_families) == 1
    assert len(seed_families[0]["documents"]) == 5
    # the cover-letter formula 000 shares with the letters of other families is boilerplate
    outside = [p for p in shared if p["b"] not in {d["id"] for d in seed_families[0]["documents"]}]
    assert outside and all(p["boilerplate"] for p in outside)


def test_query_finds_the_recycled_statement_and_the_new_stretch(seeds: Path, tmp_path: Path):
    settings = Settings()
    fresh = (
        "Statement of 2 April 2021. In a new development this year, the ministry announced a reconstruction "
        "programme for the liberated district, with housing, schools and roads to be rebuilt within five years.\n\n"
    )
    old = read_file(seed_path("004")).text.split("On April 2, 1993", 1)[1]
    text = fresh + "On April 2, 1993" + old
    with Index.open(tmp_path / "q.db") as index:
        pipeline.add(index, read_inputs([str(seeds)]), settings)
        result = pipeline.query(index, Document(id=content_id(text), text=text), settings)
    assert {Path(m["document"]["path"]).name[:3] for m in result["matches"]} == {
        "000",
        "001",
        "002",
        "003",
        "004",
    }
    assert result["coverage"] > 0.8
    first_new = result["new"][0]
    assert first_new["start"] == 0 and "reconstruction programme" in first_new["text"]
    for m in result["matches"]:
        for p in m["passages"]:
            assert text[p["a_start"] : p["a_end"]] == p["a_text"]
            assert tokenize(p["a_text"]).norms  # quoted, not empty
