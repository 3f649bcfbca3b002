"""Packed token columns: what is stored decodes to exactly what was packed, and the columns of
indexes written before schema 7 (zlib streams) are read as they always were."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum import pipeline
from variorum.config import Settings
from variorum.model import Document
from variorum.store.codec import STEPS_U8, STEPS_U16, pack, pack_ints, unpack_ints, unpack_tokens
from variorum.store.index import Index
from variorum.store.schema import SCHEMA_VERSION
from variorum.text.normalize import Tokens, raw_tokens


def old_pack_ints(values: list[int]) -> bytes:
    """The packing of schema 6 and before, as it was written."""
    return zlib.compress(np.asarray(values, dtype="<i4").tobytes(), 1)


def old_unpack_ints(blob: bytes) -> list[int]:
    return np.frombuffer(zlib.decompress(blob), dtype="<i4").astype(np.int64).tolist()


offsets = st.lists(st.integers(0, 2**31 - 1), max_size=300)
steps = st.lists(st.integers(0, 300), max_size=300)


@settings(max_examples=300, deadline=None)
@given(st.one_of(offsets, steps.map(lambda s: np.cumsum(s, dtype=np.int64).tolist()), offsets.map(sorted)))
def test_offsets_round_trip(values: list[int]) -> None:
    blob = pack_ints(values)
    assert unpack_ints(blob) == values
    assert unpack_ints(old_pack_ints(values)) == values  # older rows read as before


def test_each_packing_is_chosen_by_the_largest_step() -> None:
    assert pack_ints([]) == bytes((STEPS_U8,))
    assert pack_ints([3, 7, 7, 262]) == bytes((STEPS_U8, 3, 4, 0, 255))
    assert pack_ints([0, 256])[0] == STEPS_U16
    assert pack_ints([0, 65536])[:1] not in (bytes((STEPS_U8,)), bytes((STEPS_U16,)))  # zlib
    assert pack_ints([5, 4]) == old_pack_ints([5, 4])  # offsets that go back: zlib, as before
    for values in ([], [3, 7, 262], [0, 256, 70000], [5, 4]):
        assert unpack_ints(pack_ints(values)) == values


def test_a_zlib_stream_never_starts_with_a_tag() -> None:
    # The first byte of a zlib stream is CMF: compression method 8 in its low four bits.
    for level in range(10):
        for wbits in range(9, 16):
            c = zlib.compressobj(level, zlib.DEFLATED, wbits)
            first = (c.compress(b"\x01\x00\x00\x00") + c.flush())[0]
            assert first & 0x0F == 8 and first not in (STEPS_U8, STEPS_U16)


TEXTS = [
    "",
    "one",
    "Soft\u00adhyphen and co-\noperation, CRLF\r\nlines\tand tabs.",
    "**Markdown** _residue_ [link](http://example.org/" + "x" * 400 + ") and a very long line " * 200,
    "Кириллица, ελληνικά, العربية, 中文字符 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 outside the basic plane.",
    "word " + " " * 70000 + "after a gap of more than 65,536 characters",
]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_tokens_unpack_to_what_was_packed(text: str) -> None:
    raw = raw_tokens(text)
    tokens = Tokens(list(raw.norms), list(raw.starts), list(raw.ends))
    packed = pack(tokens, ())
    assert unpack_tokens(packed.norms, packed.starts, packed.ends) == tokens
    assert old_unpack_ints(old_pack_ints(tokens.starts)) == unpack_ints(packed.starts)


def test_seed_offsets_round_trip(seeds: Path) -> None:
    for path in sorted(seeds.iterdir()):
        raw = raw_tokens(path.read_text(encoding="utf-8", errors="replace"))
        for values in (list(raw.starts), list(raw.ends)):
            assert unpack_ints(pack_ints(values)) == values


def test_an_index_written_before_schema_7_reads_the_same(tmp_path: Path) -> None:
    docs = [Document(id=f"d{i}", text=text) for i, text in enumerate(t for t in TEXTS if t)]
    cfg = Settings()
    db = tmp_path / "v.db"
    with Index.open(db, settings=cfg) as index:
        pipeline.add(index, docs, cfg)
        nums = range(1, index.count("documents") + 1)
        expected = [index.load_prepared(n, cfg).tokens for n in nums]
    # Rewrite the offsets as schema 6 stored them, and mark the file as schema 6.
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT num, starts, ends FROM tokens").fetchall()
    for num, starts, ends in rows:
        conn.execute(
            "UPDATE tokens SET starts=?, ends=? WHERE num=?",
            (old_pack_ints(unpack_ints(starts)), old_pack_ints(unpack_ints(ends)), num),
        )
    conn.execute("PRAGMA user_version=6")
    conn.commit()
    conn.close()
    with Index.open(db, settings=cfg) as index:
        assert index.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [index.load_prepared(n, cfg).tokens for n in nums] == expected
        stored = index.conn.execute("SELECT starts FROM tokens ORDER BY num").fetchall()
        assert all(s[0][0] & 0x0F == 8 for s in stored)  # nothing rewritten
        # Adding to it writes the new packing beside the old.
        pipeline.add(index, [Document(id="new", text=TEXTS[2] + " again")], cfg)
        num = index.num_of("new")
        assert (
            index.conn.execute("SELECT starts FROM tokens WHERE num=?", (num,)).fetchone()[0][0] == STEPS_U8
        )
        assert [index.load_prepared(n, cfg).tokens for n in nums] == expected
