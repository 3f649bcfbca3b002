"""The stemma of two witnesses in pure Python against the array stemma it stands in for: the
same edge, evidence, confidence and replicates, on generated pairs and on the real seeds."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_stemma import BASE, EXTRA, doc

from variorum.collate import bootstrap, collate_witnesses, make_witnesses, stemma, stemma_pair
from variorum.collate.witness import canonical_order
from variorum.model import Document

from conftest import SEEDS


def both(witnesses, replicates=None):
    """The collation's variants, and the stemma of each path on the witnesses in canonical order."""
    c = collate_witnesses(witnesses, stemma=False)
    ordered = [witnesses[i] for i in canonical_order(witnesses)]
    return (
        c.variants,
        ordered,
        stemma.build_stemma(c.variants, ordered, replicates=replicates),
        stemma_pair.build_pair_stemma(c.variants, ordered, replicates=replicates),
    )


@given(
    st.lists(st.booleans(), min_size=len(BASE), max_size=len(BASE)),
    st.lists(st.booleans(), min_size=len(BASE), max_size=len(BASE)),
    st.lists(st.integers(0, 2), min_size=len(EXTRA), max_size=len(EXTRA)),
    st.sampled_from([("", ""), ("2020-01-01", "2021-01-01"), ("2021-01-01", "2020-01-01")]),
    st.sampled_from([None, 1, 7, 100]),
)
@settings(max_examples=60, deadline=None)
def test_the_pair_stemma_is_the_array_stemma(keep_a, keep_b, extra_in, dates, replicates):
    a = [p for p, k in zip(BASE, keep_a, strict=True) if k] + [
        e for e, w in zip(EXTRA, extra_in, strict=True) if w == 1
    ]
    b = [p for p, k in zip(BASE, keep_b, strict=True) if k] + [
        e for e, w in zip(EXTRA, extra_in, strict=True) if w == 2
    ]
    if not a or not b:
        return
    variants, ordered, arrays, pair = both(make_witnesses([doc(a, dates[0]), doc(b, dates[1])]), replicates)
    assert pair == arrays
    units = stemma_pair.PairUnits(variants, ordered)
    array_units = stemma.Units(variants, ordered)
    assert units.codes == array_units.codes.tolist() and units.support == array_units.support.tolist()
    for chunks in {1, min(len(units), 3), min(len(units), stemma.BOOTSTRAP_CHUNKS)} - {0}:
        assert stemma_pair.chunk_costs(units, chunks) == stemma.chunk_costs(array_units, chunks).tolist()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")
def test_the_pair_stemma_is_the_array_stemma_on_every_pair_of_seeds():
    from variorum.ingest import read_file

    docs = [read_file(str(p)) for p in sorted(SEEDS.glob("*.txt"))]
    witnesses = make_witnesses(docs)
    for x, y in itertools.combinations(range(len(docs)), 2):
        _, _, arrays, pair = both([witnesses[x], witnesses[y]])
        assert pair == arrays, (x, y)
        assert pair.replicates == stemma.BOOTSTRAP


costs = st.sampled_from([0.0, 0.1, 0.2, 1.0, 1.5, 2.5, 9_999.0, 10_000.0, 10_000.001, 1_000.0])


@given(
    st.lists(costs, min_size=4, max_size=4), st.sampled_from(["", "2020-01-01", "2021-01-01"]), st.booleans()
)
@settings(max_examples=300, deadline=None)
def test_the_pair_arborescence_is_edmonds(values, date, swap):
    """Ties included: costs that equal the virtual root's, or each other's with the tie-breakers."""
    w = [Document(id="a", text="a", date=date), Document(id="b", text="b", date="" if swap else "2020-06-01")]
    witnesses = make_witnesses(w)
    cost = [[values[0], values[1]], [values[2], values[3]]]
    assert stemma_pair.arborescence(cost, witnesses) == stemma._arborescence(np.array(cost), witnesses)


def test_the_cached_replicates_read_without_numpy_are_the_drawn_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    for chunks, replicates in ((1, 1), (62, 100), (300, 30)):
        assert bootstrap.cached_rows(0, chunks, replicates) is None  # not drawn yet
        drawn = bootstrap.replicate_weights(0, chunks, replicates).tolist()
        assert bootstrap.cached_rows(0, chunks, replicates) == drawn
    # A damaged or truncated file is drawn again, never read.
    (path,) = [p for p in (tmp_path / "bootstrap").iterdir() if np.load(p).shape == (100, 62)]
    data = path.read_bytes()
    for broken in (data[:-1], data[:8], b"", data.replace(b"(100, 62)", b"(100, 61)")):
        path.write_bytes(broken)
        assert bootstrap.cached_rows(0, 62, 100) is None
    assert bootstrap.numpy_version() == np.__version__
