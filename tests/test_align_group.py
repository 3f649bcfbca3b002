"""Aligning a document's candidate pairs together against aligning them one by one as before.

:func:`variorum.align.passages.align_batch` aligns the pairs of one document in one pass
(:func:`~variorum.align.seeding.align_group`), chains runs of seeds as one step
(:func:`~variorum.align.seeding.chain_runs`) and hands rapidfuzz strings of token codes
(:mod:`variorum.align.codes`). :func:`reference_aligned` below is the code it replaces, pair by
pair on the reference aligner :func:`~variorum.align.local.align_tokens`; both must give the same
passages, coverages and evidence, row for row, on the generated corpora of the benchmarks, on
the seeds and on pairs built by hypothesis (repeated passages, transpositions, overlapping
repeats, boilerplate shared by many documents).
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import bench_corpus
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.align import seeding
from variorum.align.codes import HASH_MODULUS, pair_codes, text, vocabulary
from variorum.align.evidence import (
    covered,
    edges,
    edges_counted,
    heads_alike_arrays,
    heads_alike_codes,
    pair_evidence,
    run_coverage,
    run_coverage_codes,
)
from variorum.align.local import Match, align_tokens, chain, coverage
from variorum.align.passages import Aligned, align_arrays, align_batch
from variorum.align.seeding import SeedTable, align_group, chain_runs
from variorum.config import Settings
from variorum.detect.fingerprint import ngram_hashes
from variorum.model import Document
from variorum.prepare import prepare
from variorum.text.normalize import count_vocabulary, raw_tokens

S = Settings()
ROOT = Path(__file__).resolve().parents[1]


def reference_aligned(
    a: tuple[np.ndarray, np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray, np.ndarray], s: Settings
) -> Aligned | None:
    """``align_arrays`` as it was before pairs were aligned together: the reference aligner,
    mask coverages, and the evidence from the arrays of token hashes."""
    (ha, ga, a_body), (hb, gb, b_body) = a, b
    matches = align_tokens(
        ha.tolist(), hb.tolist(), ga, gb, ngram=s.ngram, max_gap=s.max_gap, min_words=s.min_words
    )
    if not matches:
        return None
    a_ranges = [(m.a0, m.a1) for m in matches]
    b_ranges = [(m.b0, m.b1) for m in matches]
    na, nb = len(ha), len(hb)
    return Aligned(
        matches=tuple(matches),
        coverages=(
            round(coverage(na, a_ranges), 4),
            round(coverage(nb, b_ranges), 4),
            round(coverage(na, a_ranges, a_body), 4),
            round(coverage(nb, b_ranges, b_body), 4),
        ),
        evidence=pair_evidence(
            ha, hb, a_body, b_body, [(m.a0, m.a1, m.b0, m.b1, m.identity) for m in matches], s.run_min_words
        ),
    )


def check_batch(
    docs: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]], pairs: list[tuple[int, int]]
) -> int:
    """Assert that :func:`align_batch` gives the reference's results; the pairs with passages."""
    got = {(x, y): aligned for x, y, aligned in align_batch(docs, pairs, S)}
    for x, y in pairs:
        expected = reference_aligned(docs[x], docs[y], S)
        assert got.get((x, y)) == expected, (x, y)
        tables = (
            SeedTable.of(docs[x][0], docs[x][1], S.min_words),
            SeedTable.of(docs[y][0], docs[y][1], S.min_words),
        )
        assert align_arrays(*tables, docs[x][2], docs[y][2], S) == expected, (x, y)
    return len(got)


def hashed(tokens: list[int]) -> np.ndarray:
    """Small token numbers spread over 64 bits, as real token hashes are."""
    return (np.asarray(tokens, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)


def arrays(tokens: list[int], body_from: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    h = hashed(tokens)
    body = np.ones(len(h), dtype=bool)
    body[: min(body_from, len(h))] = False
    return h, ngram_hashes(h, S.ngram).view(np.int64), body


# -- chains of runs -----------------------------------------------------------------------------


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=120, unique=True),
    st.lists(st.tuples(st.integers(0, 50), st.integers(-20, 20), st.integers(1, 25)), max_size=6),
    st.integers(0, 12),
)
@settings(max_examples=800, deadline=None)
def test_runs_chain_as_their_seeds_do(scattered, diagonals, max_gap):
    """Scattered seeds (repeated n-grams: several per ``i``) mixed with runs along diagonals."""
    seeds = set(scattered)
    for i, d, n in diagonals:
        seeds.update((i + t, i + t + d) for t in range(n) if i + t + d >= 0)
    ordered = sorted(seeds)
    runs = []
    for i, j in ordered:
        if (i - 1, j - 1) not in seeds:
            n = 0
            while (i + n + 1, j + n + 1) in seeds:
                n += 1
            runs.append((i, j, n))
    assert sorted(chain_runs(runs, max_gap)) == sorted(chain(ordered, max_gap))


# -- groups of partners built by hypothesis ------------------------------------------------------


@st.composite
def documents(draw):
    """A document and partners made of its passages: copied whole, repeated, transposed,
    overlapping one another, edited; all of them carrying one boilerplate block."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    size = draw(st.sampled_from([15, 60, 5000]))  # small vocabularies repeat n-grams by chance
    boiler = [rnd.randrange(size) for _ in range(draw(st.integers(0, 30)))]
    base = [rnd.randrange(size) for _ in range(draw(st.integers(0, 160)))]
    base = base[: len(base) // 2] + boiler + base[len(base) // 2 :]
    partners = []
    for _ in range(draw(st.integers(1, 6))):
        doc: list[int] = []
        for _ in range(rnd.randint(0, 5)):
            r = rnd.random()
            if base and r < 0.55:
                start = rnd.randrange(len(base))
                piece = base[start : start + rnd.randint(1, 60)]
                if rnd.random() < 0.3:
                    piece = [t if rnd.random() > 0.07 else rnd.randrange(size) for t in piece]
                doc += piece * (2 if rnd.random() < 0.2 else 1)  # a repeated passage
            elif r < 0.7:
                doc += boiler
            else:
                doc += [rnd.randrange(size) for _ in range(rnd.randint(0, 30))]
        if rnd.random() < 0.3 and len(doc) > 10:  # a transposition
            cut = rnd.randrange(len(doc))
            doc = doc[cut:] + doc[:cut]
        partners.append(doc)
    return base, partners, rnd.randint(0, 10)


@given(documents())
@settings(max_examples=300, deadline=None)
def test_a_group_aligns_as_its_pairs_one_by_one(built):
    base, partners, body_from = built
    docs = {0: arrays(base, body_from)} | {n + 1: arrays(p, body_from) for n, p in enumerate(partners)}
    check_batch(docs, [(0, n) for n in range(1, len(docs))])
    # And with the document as the second of each pair (its partners' groups hold it).
    check_batch(docs, sorted((n, 0) for n in range(1, len(docs))))


def test_a_group_too_large_for_its_keys_is_aligned_in_halves(monkeypatch):
    rnd = random.Random(5)
    base = [rnd.randrange(3000) for _ in range(200)]
    docs = {0: arrays(base), 1: arrays(base[50:]), 2: arrays(base[:120]), 3: arrays(base[::-1])}
    # Split down to single pairs; the two shorter partners fit, the longest goes to the reference.
    monkeypatch.setattr(seeding, "_KEY_LIMIT", 3 * 200**2)
    assert check_batch(docs, [(0, 1), (0, 2), (0, 3)]) == 2
    monkeypatch.setattr(seeding, "_KEY_LIMIT", 10)  # no pair fits: the reference aligner
    assert check_batch(docs, [(0, 1), (0, 2), (0, 3)]) == 2


def test_a_group_of_identical_and_empty_partners():
    rnd = random.Random(7)
    base = [rnd.randrange(3000) for _ in range(300)]
    docs = {0: arrays(base), 1: arrays(base), 2: arrays([]), 3: arrays(base[:40]), 4: arrays(base[::-1])}
    assert check_batch(docs, [(0, 1), (0, 2), (0, 3), (0, 4), (1, 3)]) == 3


# -- real and generated text --------------------------------------------------------------------


def prepared_arrays(texts: list[str]) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    vocab = count_vocabulary([raw_tokens(t) for t in texts])
    preps = [prepare(Document(id=str(n), text=t), vocab, S) for n, t in enumerate(texts)]
    return {n: (p.hashes, p.grams, p.body) for n, p in enumerate(preps)}


def test_the_seeds_align_as_before(seeds):
    docs = prepared_arrays([p.read_text(encoding="utf-8") for p in sorted(seeds.iterdir())])
    pairs = [(x, y) for x in docs for y in docs if x < y]
    assert check_batch(docs, pairs) == len(pairs)  # five copies of one statement


@pytest.mark.parametrize("kind", ["english", "invented", "mixed"])
def test_the_candidate_pairs_of_a_generated_corpus_align_as_before(kind, tmp_path, monkeypatch):
    """The pairs ``add`` aligns on 400 documents of the benchmarks' corpus, in its order."""
    from variorum import pipeline
    from variorum.store.index import Index

    made, _ = bench_corpus.make_corpus(400, 300, seed=3, kind=kind)
    settings_ = replace(S, workers=1)
    docs: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    pairs: list[tuple[int, int]] = []
    align = pipeline.align_batch

    def recorded(docs_, jobs, s, tables=None):
        docs.update(docs_)
        pairs.extend(jobs)
        return align(docs_, jobs, s, tables)

    monkeypatch.setattr(pipeline, "align_batch", recorded)
    index = Index.open(tmp_path / "x.db", settings=settings_)
    try:
        pipeline.add(index, [Document(id=d.id, text=d.text) for d in made.documents], settings_)
    finally:
        index.close()
    aligned = check_batch(docs, sorted(pairs))
    assert aligned > 20, aligned


# -- token codes and the evidence computed from them ----------------------------------------------

M = int(HASH_MODULUS)


@given(
    st.lists(st.integers(0, 40), max_size=60),
    st.lists(st.integers(0, 40), max_size=60),
    st.sampled_from(["plain", "collide_across", "collide_within"]),
)
@settings(max_examples=400, deadline=None)
def test_codes_are_equal_exactly_where_the_hashes_are(a, b, collide):
    ha, hb = hashed(a), hashed(b)
    if collide != "plain" and len(ha) and len(hb):
        # A hash equal to another modulo 2**61 - 1, which rapidfuzz would take as equal.
        twin = np.uint64((int(ha[0]) + M) % 2**64 if int(ha[0]) + M < 2**64 else int(ha[0]) - M)
        if collide == "collide_across":
            hb[0] = twin
        else:
            ha[-1] = twin
    codes = pair_codes(vocabulary(ha), vocabulary(hb))
    keys_a, keys_b = (ha % HASH_MODULUS).tolist(), (hb % HASH_MODULUS).tolist()
    if codes is None:
        assert collide != "plain" and any(
            (x == y) != (p == q)
            for x, p in zip(ha.tolist() + hb.tolist(), keys_a + keys_b, strict=True)
            for y, q in zip(ha.tolist() + hb.tolist(), keys_a + keys_b, strict=True)
        )
        return
    ca, cb = codes
    joined, codes_joined = ha.tolist() + hb.tolist(), ca.tolist() + cb.tolist()
    for x, cx in zip(joined, codes_joined, strict=True):
        for y, cy in zip(joined, codes_joined, strict=True):
            assert (x == y) == (cx == cy)
    assert len(text(ca)) == len(ca)


def test_codes_skip_the_surrogates_and_stop_short_of_the_last_code_point():
    many = hashed(list(range(70_000)))
    ca, cb = pair_codes(vocabulary(many[:40_000]), vocabulary(many[30_000:]))
    both = np.concatenate([ca, cb])
    assert not ((both >= 0xD800) & (both < 0xE000)).any()
    assert len(text(cb)) == len(cb) and len(np.unique(ca)) == 40_000
    huge = hashed(list(range(600_000)))
    assert pair_codes(vocabulary(huge), vocabulary(huge + np.uint64(1))) is None


shared_words = st.integers(0, 9)


@given(
    st.lists(st.one_of(shared_words, st.integers(100, 119)), max_size=90),
    st.lists(st.one_of(shared_words, st.integers(200, 219)), max_size=90),
    st.integers(1, 8),
    st.sampled_from([0, 10**9]),
)
@settings(max_examples=500, deadline=None)
def test_run_coverage_of_codes_is_run_coverage(a, b, min_run, reduce_cells):
    """With and without dropping the tokens one side lacks, whatever the sizes."""
    ha, hb = hashed(a), hashed(b)
    ca, cb = pair_codes(vocabulary(ha), vocabulary(hb))
    expected = run_coverage(ha.tolist(), hb.tolist(), min_run)
    assert run_coverage_codes(ca, cb, min_run, reduce_cells=reduce_cells) == expected


@given(
    st.lists(st.integers(0, 30), max_size=60),
    st.lists(st.integers(0, 30), max_size=60),
    st.floats(0, 1),
    st.floats(0, 1),
)
@settings(max_examples=300, deadline=None)
def test_heads_alike_of_codes_is_heads_alike_of_arrays(a, b, head_a, head_b):
    ha, hb = hashed(a), hashed(b)
    ca, cb = pair_codes(vocabulary(ha), vocabulary(hb))
    assert heads_alike_codes(ca, cb, head_a, head_b) == heads_alike_arrays(ha, hb, head_a, head_b)


@given(
    st.lists(st.booleans(), max_size=80),
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, 40)), max_size=6),
)
@settings(max_examples=300, deadline=None)
def test_edges_and_coverages_from_counts_are_those_of_masks(body, spans):
    mask = np.asarray(body, dtype=bool)
    ranges = [(min(s, len(mask)), min(s + n, len(mask))) for s, n in spans]
    counts = np.concatenate([[0], np.cumsum(mask)]).astype(np.int64)
    union = covered(ranges)
    assert edges_counted(counts, union) == edges(mask, ranges)
    if len(mask):
        assert sum(r1 - r0 for r0, r1 in union) / len(mask) == coverage(len(mask), ranges)


def test_matches_are_the_seed_tables_matches():
    """A group's matches are :func:`align_tables`' (seed tables of real text)."""
    rnd = random.Random(11)
    base = [rnd.randrange(500) for _ in range(400)]
    partners = [base[100:250], base[::2], base[300:] + base[:90]]
    ta = SeedTable.of(*arrays(base)[:2], S.min_words)
    tables = [SeedTable.of(*arrays(p)[:2], S.min_words) for p in partners]
    got = align_group(ta, tables, ngram=S.ngram, max_gap=S.max_gap, min_words=S.min_words)
    for (matches, _), tb in zip(got, tables, strict=True):
        reference = align_tokens(
            ta.hashes.tolist(),
            tb.hashes.tolist(),
            ta.grams,
            tb.grams,
            ngram=S.ngram,
            max_gap=S.max_gap,
            min_words=S.min_words,
        )
        assert matches == reference
        assert all(isinstance(m, Match) for m in matches)


# -- what ``add`` stores, against the pair-by-pair code it replaces -------------------------------


def reference_align_here(self, pairs, local, packs):
    """``_AddState._align_here`` as it was: each indexed document read back from the index with
    its tokens, each pair aligned on its own by the reference aligner, quoted from the tokens'
    spans and stored one by one."""
    from variorum.align.passages import earlier_side
    from variorum.model import Passage
    from variorum.workers import with_tokens

    s = self.settings
    for x, y in pairs:
        px, py = (
            with_tokens(local[n], packs[n]) if n in local else self.index.load_prepared(n, s) for n in (x, y)
        )
        if s.ignore_series and px.doc.series and px.doc.series == py.doc.series:
            continue
        aligned = reference_aligned((px.hashes, px.grams, px.body), (py.hashes, py.grams, py.body), s)
        if aligned is None:
            continue
        passages = []
        for m in aligned.matches:
            a_start, a_end = px.tokens.span(m.a0, m.a1)
            b_start, b_end = py.tokens.span(m.b0, m.b1)
            passages.append(
                Passage(
                    a_doc=px.doc.id,
                    b_doc=py.doc.id,
                    a_start=a_start,
                    a_end=a_end,
                    b_start=b_start,
                    b_end=b_end,
                    a_words=m.a1 - m.a0,
                    b_words=m.b1 - m.b0,
                    identity=m.identity,
                    a_text=px.doc.text[a_start:a_end],
                    b_text=py.doc.text[b_start:b_end],
                    earlier=earlier_side(px.doc, py.doc),
                )
            )
        shared = sum(p.words for p in passages)
        self.index.insert_pair(x, y, passages, aligned.coverages, shared, aligned.evidence)
        self.report.pairs += 1
        self.report.passages += len(passages)


def stored_rows(db: Path) -> tuple[list[tuple], list[tuple]]:
    from variorum.store.index import Index

    with Index.open(db) as index:
        pairs = index.conn.execute("SELECT * FROM pairs ORDER BY a, b").fetchall()
        passages = index.conn.execute("SELECT * FROM passages ORDER BY id").fetchall()
    return pairs, passages


@pytest.mark.parametrize("kind", ["invented", "mixed"])
@pytest.mark.parametrize("in_workers", [False, True])
def test_add_stores_what_the_pair_by_pair_code_stored(kind, in_workers, tmp_path, monkeypatch):
    """Row for row, with documents of earlier batches kept (some of them dropped again, and
    read back from the index) and gathered a few pairs at a time, aligned here or in workers."""
    from variorum import pipeline
    from variorum.store.index import Index

    made, _ = bench_corpus.make_corpus(320, 300, seed=5, kind=kind)
    docs = [
        Document(id=d.id, text=d.text, date=f"2020-01-{1 + n % 28:02d}") for n, d in enumerate(made.documents)
    ]
    settings_ = replace(S, workers=2 if in_workers else 1, batch_size=80)
    monkeypatch.setattr(pipeline, "CACHED_DOCUMENTS", 60)
    monkeypatch.setattr(pipeline, "_PAIRS_AT_ONCE", 7)
    monkeypatch.setattr(pipeline, "ALIGN_IN_WORKERS_PER_DOCUMENT", 0)
    with Index.open(tmp_path / "new.db", settings=settings_) as index:
        report = pipeline.add(index, docs, settings_)
    with monkeypatch.context() as m:
        m.setattr(pipeline._AddState, "_align_here", reference_align_here)
        reference_settings = replace(settings_, workers=1)
        with Index.open(tmp_path / "old.db", settings=reference_settings) as index:
            expected = pipeline.add(index, docs, reference_settings)
    assert (report.pairs, report.passages) == (expected.pairs, expected.passages)
    assert report.pairs > 20
    assert stored_rows(tmp_path / "new.db") == stored_rows(tmp_path / "old.db")


def test_a_document_read_back_for_aligning_is_the_stored_one(tmp_path):
    """:func:`~variorum.align.quotable.rebuilt` from the index's rows gives what
    :meth:`Index.load_prepared` does: hashes, n-grams, body mask, offsets, the document."""
    from variorum import pipeline
    from variorum.align.quotable import rebuilt
    from variorum.store.index import Index

    made, _ = bench_corpus.make_corpus(60, 200, seed=9, kind="mixed")
    with Index.open(tmp_path / "x.db", settings=S) as index:
        pipeline.add(index, [Document(id=d.id, text=d.text) for d in made.documents], replace(S, workers=1))
        nums = list(range(1, 61))[::-1]
        rows = list(index.aligning_rows(nums))
        assert sorted(r[0] for r in rows) == sorted(nums)
        for num, doc, norms, starts, ends, body in rows:
            q = rebuilt(doc, norms, starts, ends, body, S)
            p = index.load_prepared(num, S)
            assert q.doc == p.doc
            assert np.array_equal(q.hashes, p.hashes) and q.hashes.dtype == p.hashes.dtype
            assert np.array_equal(q.grams, p.grams) and q.grams.dtype == p.grams.dtype
            assert np.array_equal(q.body, p.body)
            k = list(range(len(p.tokens)))
            assert q.spans(k, k) == (p.tokens.starts, p.tokens.ends)


@given(
    st.lists(st.integers(0, 70_000), max_size=80),
    st.sampled_from(["rising", "small_steps", "any"]),
    st.data(),
)
@settings(max_examples=300, deadline=None)
def test_spans_from_packed_offsets_are_the_offsets(values, shape, data):
    """Steps of one byte, two bytes, and offsets that go back (packed with zlib)."""
    from variorum.align.quotable import Quotable
    from variorum.store.codec import pack_ints

    if shape == "rising":
        values = sorted(values)
    elif shape == "small_steps":
        values = list(np.cumsum([v % 200 for v in values]).tolist())
    at = data.draw(st.lists(st.integers(0, max(len(values) - 1, 0)), max_size=6)) if values else []
    empty = np.empty(0)
    packed = Quotable(Document(id="x", text=""), empty, empty, empty, pack_ints(values), pack_ints(values))
    plain = Quotable(Document(id="x", text=""), empty, empty, empty, values, values)
    expected = [values[k] for k in at]
    assert packed.spans(at, at) == plain.spans(at, at) == (expected, expected)
    assert packed.packed() is packed and plain.packed().spans(at, at) == (expected, expected)


@given(
    st.lists(st.integers(0, 40), max_size=60),
    st.lists(st.integers(0, 40), max_size=60),
    st.sampled_from(["plain", "collide_across", "collide_within", "collide_within_b"]),
)
@settings(max_examples=400, deadline=None)
def test_joint_codes_are_equal_where_pair_codes_are(a, b, collide):
    """Both documents' tokens numbered together: the same equalities, None in the same cases."""
    from variorum.align.codes import joint_codes

    ha, hb = hashed(a), hashed(b)
    if collide != "plain" and len(ha) and len(hb):
        twin = np.uint64((int(ha[0]) + M) % 2**64 if int(ha[0]) + M < 2**64 else int(ha[0]) - M)
        if collide == "collide_across":
            hb[0] = twin
        elif collide == "collide_within":
            ha[-1] = twin
        else:
            hb[-1], hb[0] = twin, ha[0]
    expected = pair_codes(vocabulary(ha), vocabulary(hb))
    got = joint_codes(ha, hb)
    assert (got is None) == (expected is None)
    if got is None:
        return
    joined_got, joined_expected = np.concatenate(got), np.concatenate(expected)
    assert np.array_equal(
        joined_got[:, None] == joined_got[None, :], joined_expected[:, None] == joined_expected[None, :]
    )
    assert len(got[0]) == len(ha) and len(got[1]) == len(hb)
    assert not ((joined_got >= 0xD800) & (joined_got < 0xE000)).any()
    assert len(text(got[0])) == len(ha) and len(text(got[1])) == len(hb)


def test_joint_codes_of_long_documents_are_pair_codes():
    from variorum.align.codes import _MAX_NUMBERS, joint_codes

    many = hashed(list(range(70_000)))
    ca, cb = joint_codes(many[:40_000], many[30_000:])
    assert not ((np.concatenate([ca, cb]) >= 0xD800) & (np.concatenate([ca, cb]) < 0xE000)).any()
    assert len(np.unique(ca)) == 40_000 and len(np.unique(np.concatenate([ca, cb]))) == 70_000
    huge = hashed(list(range(_MAX_NUMBERS // 2 + 1)))
    assert joint_codes(huge, huge + np.uint64(1)) is None


@pytest.mark.parametrize("total", [0xD7FF, 0xD800, 0xD801])
def test_joint_codes_just_below_and_past_the_surrogates(total):
    """Up to 0xD800 tokens the numbers are the code points as they are; past it they skip the
    surrogates: distinct tokens get distinct codes, none a surrogate, as uint32 either way."""
    from variorum.align.codes import joint_codes

    many = hashed(list(range(total)))
    ca, cb = joint_codes(many[: total // 2], many[total // 2 :])
    joined = np.concatenate([ca, cb])
    assert ca.dtype == cb.dtype == np.uint32
    assert len(np.unique(joined)) == total
    assert not ((joined >= 0xD800) & (joined < 0xE000)).any()
    assert len(text(ca)) == total // 2 and len(text(cb)) == total - total // 2


@given(
    st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x1f")), max_size=60)
)
@settings(max_examples=300, deadline=None)
def test_hashes_of_a_stored_norms_column_are_those_of_its_tokens(norms):
    """:func:`~variorum.align.quotable.stored_token_hashes` hashes the tokens' bytes as split in
    the column: :func:`~variorum.detect.fingerprint.token_hashes` of the tokens, empty ones too."""
    from variorum.align.quotable import stored_token_hashes
    from variorum.detect.fingerprint import token_hashes
    from variorum.store.codec import pack_norms

    joined = "\x1f".join(norms)
    tokens = joined.split("\x1f") if joined else []
    got = stored_token_hashes(pack_norms(norms))
    assert got.dtype == np.uint64
    assert np.array_equal(got, token_hashes(tokens))
