"""Scores of translation detection and paragraph alignment against ``truth.json``.

Shared by the quality gate (tests/test_crosslang_eval.py) and benchmarks/crosslang.py.
"""

from __future__ import annotations

from variorum.config import CrossLangSettings
from variorum.crosslang.paragraphs import align_paragraphs

from .build import positive_pairs


def score(docs, profiles, found, truth, settings: CrossLangSettings | None = None) -> dict:
    """Precision, recall (anchor-rich and anchor-poor, English pairs and all pairs), paragraph accuracy.

    A pair is anchor-rich when both documents hold at least ``rich_anchors`` hard anchors.
    Positives are every two documents rendering one page in two languages; the English pairs
    (a page and its translation) are reported apart from pairs of two translations.
    """
    s = settings or CrossLangSettings()
    positives = positive_pairs(docs)
    linked = {frozenset((f.a, f.b)) for f in found}
    true = linked & positives

    def rich(pair) -> bool:
        return all(profiles[x].hard_anchors >= s.rich_anchors for x in pair)

    def recall(selected) -> tuple[float, int]:
        selected = list(selected)
        return (sum(p in linked for p in selected) / len(selected) if selected else 1.0), len(selected)

    english = [p for p in positives if any(x.startswith("en/") for x in p)]
    out: dict = {
        "linked": len(linked),
        "precision": len(true) / len(linked) if linked else 1.0,
    }
    for name, selected in (
        ("rich_en", [p for p in english if rich(p)]),
        ("poor_en", [p for p in english if not rich(p)]),
        ("rich_all", [p for p in positives if rich(p)]),
        ("poor_all", [p for p in positives if not rich(p)]),
    ):
        out[f"recall_{name}"], out[f"pairs_{name}"] = recall(selected)
    correct = total = 0
    for key, links in truth["paragraphs"].items():
        a, b = key.split()
        got = {(x.a, x.b) for x in align_paragraphs(profiles[a], profiles[b], s)}
        correct += sum((x, y) in got for x, y in links)
        total += len(links)
    out["paragraph_accuracy"] = correct / total if total else 1.0
    out["paragraph_links"] = total
    return out
