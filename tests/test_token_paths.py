"""The fast ways of cutting tokens give what the plain loop over the token expression gives.

``raw_tokens`` cuts long texts by a table of character classes (:func:`normalize._cut_by_classes`)
and short ones with ``split``; :func:`normalize._cut_reference`, one ``finditer`` over the
expression itself, is the reference both are held to: on varied generated text (hyphens, soft
hyphens, split words, grouped numbers, apostrophes, Markdown and LaTeX residue, other scripts,
combining marks, CRLF), on the seeds, on the benchmark corpora and on long texts that cross the
length at which the table takes over.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.text import normalize
from variorum.text.normalize import raw_tokens

ROOT = Path(__file__).resolve().parents[1]

_pieces = st.sampled_from(
    ["word", "Word", "WORD", " ", " ", "  ", "\n", "\r\n", "\t", "-", "-\n", "\u00ad", "a\u00adb", "co-\r\nop",
     "w o r d", "aggr ession", "fro m", "60.000", "60,000", "60 000", "60\u00a0000", "1 500 000", "3,5", "06",
     "1.2.3", "12,34", ".5", ",", ".", "'", "’", "ʼ", "`", "don't", "Azerbaijan’s", "a''b", "'s", "**bold**",
     "*it*", "^{er}", "^{", "}", "^", "43^{er}", "x^{2 3}y", "_", "#", "[x](y)", "\\emph{x}", "Ёлка", "ёж",
     "Ελληνικά", "ς", "بَيَان", "الخارجية", "ـ", "联合国", "これは", "カタカナ", "㋐", "〇", "한국어", "हिन्दी",
     "e\u0301", "\u0301", "ǅ", "ﬁ", "Ⅻ", "²", "١٢٣", "٣,٥", "१ ५००", "ﷺ", "«", "»", "—", "–", "x9", "9x", "𝐀bc",
     "\U00020000"]
)  # fmt: skip
_texts = st.lists(_pieces, max_size=120).map("".join)


def _agree(text: str) -> None:
    reference = normalize._cut_reference(text, normalize._TOKEN_RE)
    assert raw_tokens(text) == reference
    if max(text, default=" ") < "\U00010000":  # the table covers the Basic Multilingual Plane
        assert normalize._cut_by_classes(text, normalize._bmp_classes()) == reference
    if text.isascii():
        assert normalize._cut_by_classes(text, normalize._ascii_classes()) == reference


@settings(max_examples=600, deadline=None)
@given(st.one_of(_texts, st.text(max_size=300), st.text(st.characters(max_codepoint=0x2FFF), max_size=300)))
def test_the_class_table_cuts_what_the_expression_cuts(text: str) -> None:
    _agree(text)


@settings(max_examples=200, deadline=None)
@given(_texts, st.booleans())
def test_raw_tokens_agree_on_either_side_of_the_table_length(text: str, table_built: bool) -> None:
    # Long texts repeat the short one, so that both the table and the expression cut it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "_unicode_chars", normalize.BMP_TABLE_AFTER if table_built else 0)
        for times in (1, 20):
            _agree(text * times)


def test_the_seeds_are_cut_as_the_expression_cuts_them(seeds: Path) -> None:
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _agree(text)
        _agree(text.replace("\n", "\r\n"))


def _corpus_module():
    path = ROOT / "benchmarks" / "corpus.py"
    spec = importlib.util.spec_from_file_location("variorum_bench_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["english", "invented", "mixed"])
def test_the_benchmark_corpora_are_cut_as_the_expression_cuts_them(kind: str) -> None:
    corpus, _ = _corpus_module().make_corpus(60, 400, seed=3, kind=kind)
    for doc in corpus.documents:
        _agree(doc.text)
