"""Translation pairs as ``translation`` relations, with the evidence a reader checks.

The index stores relations between document numbers; this module turns what
:mod:`variorum.crosslang.detect` finds into :class:`~variorum.group.relations.Relation` rows
whose evidence holds the anchors matched in order, the paragraph alignment and the figures
that differ, so that the report can show the pair side by side without recomputing it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import replace
from typing import Any

from variorum.config import CrossLangSettings
from variorum.crosslang.detect import (
    Chain,
    ChainMany,
    CrossDoc,
    TranslationPair,
    chains_here,
    find_translations,
)
from variorum.crosslang.paragraphs import align_paragraphs, figure_drift, pair_keys
from variorum.group.relations import Relation

#: Anchors listed in a relation's evidence (the count is always complete).
EVIDENCE_ANCHORS = 40
#: Pairs found whose evidence is worked out together (:data:`Evaluate`): their texts are held
#: at once, so this bounds the memory a corpus of many translations takes, not the result.
EVIDENCE_CHUNK = 512

#: A pair's evidence job: the pair found and its two documents, texts included.
EvidenceJob = tuple[TranslationPair, CrossDoc, CrossDoc]
#: What works out the evidence of several jobs, in order (:func:`evaluate_here`, or the same
#: spread over processes by whoever can start them).
Evaluate = Callable[[Sequence[EvidenceJob], CrossLangSettings], list[dict[str, Any]]]


def evidence(pair: TranslationPair, a: CrossDoc, b: CrossDoc, settings: CrossLangSettings) -> dict[str, Any]:
    """Anchors matched in order, paragraphs aligned, coverage of each side, figures that differ."""
    keys = pair_keys(a, b, settings)
    links = align_paragraphs(a, b, settings, keys)
    matched = [[x.a, x.b] for x in links if x.a is not None and x.b is not None]
    drifts = figure_drift(a, b, links, settings, keys)
    return {
        "a_language": a.language,
        "b_language": b.language,
        "anchors_in_order": pair.anchors_in_order,
        "names_in_order": pair.names_in_order,
        "anchors": [f"{kind}:{key}" for kind, key in pair.evidence[:EVIDENCE_ANCHORS]],
        "a_paragraphs": len(a.paragraphs),
        "b_paragraphs": len(b.paragraphs),
        "paragraphs_aligned": matched,
        "figures_differ": [d.as_dict(a.text, b.text) for d in drifts],
    }


def evaluate_here(jobs: Sequence[EvidenceJob], settings: CrossLangSettings) -> list[dict[str, Any]]:
    """:func:`evidence` of each job, one after another, in this process."""
    return [evidence(pair, a, b, settings) for pair, a, b in jobs]


def translation_relations(
    docs: Mapping[int, CrossDoc],
    dates: Mapping[int, str | None] | None = None,
    settings: CrossLangSettings | None = None,
    texts: Callable[[int], str] | None = None,
    *,
    chains: MutableMapping[tuple[str, str], Chain] | None = None,
    evidences: MutableMapping[tuple[int, int], dict[str, Any]] | None = None,
    evaluate: Evaluate = evaluate_here,
    chain_many: ChainMany = chains_here,
) -> list[Relation]:
    """``translation`` relations among documents keyed by their index number (``a < b``).

    ``texts`` gives the text of a document whose profile was made without it (``keep_text``
    of :func:`~variorum.crosslang.detect.profile`): only the evidence of a pair found quotes text.
    ``chains`` (see :class:`~variorum.crosslang.detect.TranslationIndex`) and ``evidences``
    (by ``(a, b)``) keep what depends only on the two documents of a pair, to be reused the next
    time: an evidence found there is taken as it is, and neither text is read.

    The evidence of the pairs without one is worked out by ``evaluate``, :data:`EVIDENCE_CHUNK`
    pairs at a time: on a thousand manual pages in 27 languages it was most of the time of the
    ``refresh`` that ends an ``add``, alone on one core, and each pair's is independent of the
    others' (:func:`variorum.pipeline.refresh` spreads it over two processes, and the chains
    of anchors with it: ``chain_many``, see :class:`~variorum.crosslang.detect.TranslationIndex`).
    """
    s = settings or CrossLangSettings()
    num_of = {doc.id: num for num, doc in docs.items()}
    out: list[Relation] = []
    found = iter(find_translations((docs[n] for n in sorted(docs)), s, chains, chain_many))
    while chunk := list(itertools.islice(found, EVIDENCE_CHUNK)):
        oriented = [_oriented(pair, num_of) for pair in chunk]
        told = [evidences.get((x, y)) if evidences is not None else None for _, x, y in oriented]
        jobs = [
            (k, pair, x, y)
            for k, ((pair, x, y), t) in enumerate(zip(oriented, told, strict=True))
            if t is None
        ]
        if jobs:
            work = [
                (pair, docs[x], docs[y])
                if texts is None
                else (pair, replace(docs[x], text=texts(x)), replace(docs[y], text=texts(y)))
                for _, pair, x, y in jobs
            ]
            for (k, _, x, y), made in zip(jobs, evaluate(work, s), strict=True):
                told[k] = made
                if evidences is not None:
                    evidences[(x, y)] = made
        out += [_relation(pair, x, y, t, dates) for (pair, x, y), t in zip(oriented, told, strict=True)]
    return out


def _oriented(pair: TranslationPair, num_of: Mapping[str, int]) -> tuple[TranslationPair, int, int]:
    """The pair with the document of the smaller number first, and their numbers."""
    x, y = num_of[pair.a], num_of[pair.b]
    return (_swap(pair), y, x) if x > y else (pair, x, y)


def _relation(
    pair: TranslationPair, x: int, y: int, told: dict[str, Any] | None, dates: Mapping[int, str | None] | None
) -> Relation:
    """The ``translation`` relation of documents ``x < y`` found as ``pair``, with its evidence."""
    da, db = (dates or {}).get(x), (dates or {}).get(y)
    earlier = None if not da or not db or da == db else ("a" if da < db else "b")
    return Relation(
        a=x,
        b=y,
        kind="translation",
        score=round(min(pair.coverage_a, pair.coverage_b), 4),
        shared_words=0,
        a_coverage=round(pair.coverage_a, 4),
        b_coverage=round(pair.coverage_b, 4),
        order=1.0,
        longest=pair.anchors_in_order,
        identity=0.0,
        earlier=earlier,
        evidence=told,
    )


def _swap(p: TranslationPair) -> TranslationPair:
    return TranslationPair(
        p.b,
        p.a,
        p.b_language,
        p.a_language,
        p.anchors_in_order,
        p.names_in_order,
        p.coverage_b,
        p.coverage_a,
        p.evidence,
    )


def profiles_of(
    rows: Iterable[tuple[int, str, str, str | None, list[tuple[int, int]]]],
    settings: CrossLangSettings | None = None,
    *,
    keep_text: bool = True,
) -> dict[int, CrossDoc]:
    """Profiles of ``(num, id, text, language, paragraph spans)`` rows, for
    :func:`translation_relations` with the same ``settings`` (see :func:`~variorum.crosslang.
    detect.profile` for what ``keep_text`` leaves out)."""
    from variorum.crosslang.detect import profile

    least = (settings or CrossLangSettings()).min_shared_keys
    return {
        num: profile(doc_id, text, lang, spans, min_hard_keys=least, keep_text=keep_text)
        for num, doc_id, text, lang, spans in rows
    }


def flip_evidence(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """The same evidence seen from the other document (``a`` and ``b`` swapped)."""
    out = dict(evidence)
    for key in ("language", "paragraphs"):
        out[f"a_{key}"], out[f"b_{key}"] = evidence.get(f"b_{key}"), evidence.get(f"a_{key}")
    out["paragraphs_aligned"] = [[b, a] for a, b in evidence.get("paragraphs_aligned", [])]
    out["figures_differ"] = [
        {**d, "a": d["b"], "b": d["a"], "a_paragraph": d["b_paragraph"], "b_paragraph": d["a_paragraph"]}
        for d in evidence.get("figures_differ", [])
    ]
    return out


def _cell(text: str, span: tuple[int, int], marks: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """A paragraph cut into pieces, those inside ``marks`` flagged as differing figures."""
    start, end = span
    pieces: list[dict[str, Any]] = []
    at = start
    for s, e in sorted(marks):
        if s < at or e > end:
            continue
        if s > at:
            pieces.append({"text": text[at:s], "drift": False})
        pieces.append({"text": text[s:e], "drift": True})
        at = e
    if at < end:
        pieces.append({"text": text[at:end], "drift": False})
    return pieces


def side_by_side(
    a_text: str,
    a_spans: list[tuple[int, int]],
    b_text: str,
    b_spans: list[tuple[int, int]],
    evidence: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """Rows of a translation read side by side: aligned paragraphs in one row, a paragraph the
    other side leaves out alone in its row, differing figures marked in both cells."""
    a_marks: dict[int, list[tuple[int, int]]] = {}
    b_marks: dict[int, list[tuple[int, int]]] = {}
    for d in evidence.get("figures_differ", []):
        a_start, b_start = d["a"]["start"], d["b"]["start"]
        a_marks.setdefault(d["a_paragraph"], []).append((a_start, a_start + len(d["a"]["text"])))
        b_marks.setdefault(d["b_paragraph"], []).append((b_start, b_start + len(d["b"]["text"])))
    rows: list[dict[str, Any]] = []
    i = j = 0

    def row(x: int | None, y: int | None) -> dict[str, Any]:
        return {
            "a": None if x is None else _cell(a_text, a_spans[x], a_marks.get(x, [])),
            "b": None if y is None else _cell(b_text, b_spans[y], b_marks.get(y, [])),
        }

    for x, y in [*evidence.get("paragraphs_aligned", []), [len(a_spans), len(b_spans)]]:
        if x > len(a_spans) or y > len(b_spans):
            break
        rows.extend(row(k, None) for k in range(i, x))
        rows.extend(row(None, k) for k in range(j, y))
        if x < len(a_spans) and y < len(b_spans):
            rows.append(row(x, y))
        i, j = x + 1, y + 1
    return rows
