"""Translation detection: quality on real translated manual pages, and its cost when adding.

1. Quality (needs ``make crosslang-data``): precision, recall for anchor-rich and anchor-poor
   pairs, hard negatives linked, paragraph alignment accuracy, on the set of tests/crosslang/.
2. Cost: ``pipeline.add`` of N generated documents (default 20,000) in 5 languages, once with
   ``Settings(translations=False)`` and once with translation detection, into fresh indexes.

How the generated documents are made: ``N / 5`` source texts of ~``--words`` words, each
written in 5 "languages" (English, French and Spanish function words plus invented words in
Latin letters; Russian function words plus invented words in Cyrillic; Greek the same way), so
that words never match across languages while every version keeps the source's anchors (a
date, figures in the language's separators, a resolution number, names transliterated) in the
source's order. A fifth of the sources share one date and two names with another source
(independent statements on one subject).

    python benchmarks/crosslang.py [--docs 20000] [--words 250] [--quality-only | --cost-only]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corpus import FOREIGN_FUNCTION_WORDS, FUNCTION_WORDS, TextMaker, make_vocabulary

from variorum import pipeline
from variorum.config import Settings
from variorum.model import Document, content_id
from variorum.store.index import Index

RU_FUNCTION = "и в не на что с по как это из за для от до же так бы но все она он они мы".split()
EL_FUNCTION = "και το να της η που με για τα στο των σε την ο από θα δεν οι τον ότι".split()
_CYR = str.maketrans("abcdefghijklmnopqrstuvwxyz", "абкдефгхийклмнопкрстуввксз")
_GRK = str.maketrans("abcdefghijklmnopqrstuvwxyz", "αβκδεφγηιξκλμνοπκρστυβωξυζ")
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "el": "Ιανουαρίου Φεβρουαρίου Μαρτίου Απριλίου Μαΐου Ιουνίου Ιουλίου Αυγούστου Σεπτεμβρίου "
    "Οκτωβρίου Νοεμβρίου Δεκεμβρίου",
}
LANGS = ("en", "fr", "es", "ru", "el")


def quality() -> None:
    from crosslang.build import build, missing_packages, truth
    from crosslang.score import score

    from variorum.crosslang.detect import find_translations, profile

    missing = missing_packages()
    if missing:
        print(f"quality: skipped, packages missing: {' '.join(missing)} (make crosslang-data)")
        return
    docs = build()
    profiles = {d.id: profile(d.id, d.text, d.language, d.paragraphs) for d in docs.values()}
    started = time.perf_counter()
    found = find_translations(profiles.values())
    seconds = time.perf_counter() - started
    s = score(docs, profiles, found, truth())
    linked = {frozenset((f.a, f.b)) for f in found}
    hard = [frozenset(p) for p in truth()["hard_negatives"]]
    print(f"documents {len(docs)}, detection {seconds:.2f} s")
    print(f"precision {s['precision']:.3f} ({s['linked']} links)")
    for name in ("rich_en", "poor_en", "rich_all", "poor_all"):
        print(f"recall {name:9s} {s['recall_' + name]:.3f} of {s['pairs_' + name]} pairs")
    print(f"hard negatives linked {sum(p in linked for p in hard)} of {len(hard)}")
    print(f"paragraph alignment accuracy {s['paragraph_accuracy']:.3f} of {s['paragraph_links']} links")


def _figure(value: int, lang: str) -> str:
    sep = {"en": ",", "fr": "\u202f", "es": ".", "ru": " ", "el": "."}[lang]
    return f"{value:,}".replace(",", sep)


def make_documents(n: int, words: int, seed: int = 7) -> list[Document]:
    rng = np.random.default_rng(seed)
    function = {
        "en": FUNCTION_WORDS,
        "fr": FOREIGN_FUNCTION_WORDS["fr"],
        "es": FOREIGN_FUNCTION_WORDS["es"],
        "ru": RU_FUNCTION,
        "el": EL_FUNCTION,
    }
    makers = {}
    for lang in LANGS:
        vocab = make_vocabulary(rng, 8000, function[lang])
        if lang == "ru":
            vocab = [w if w in RU_FUNCTION else w.translate(_CYR) for w in vocab]
        if lang == "el":
            vocab = [w if w in EL_FUNCTION else w.translate(_GRK) for w in vocab]
        makers[lang] = TextMaker(vocab)
    names = [w.capitalize() for w in make_vocabulary(rng, 3000, [])[1000:]]
    docs: list[Document] = []
    sources = n // len(LANGS)
    for k in range(sources):
        day, month, year = int(rng.integers(1, 29)), int(rng.integers(1, 13)), int(rng.integers(1990, 2025))
        paras = int(rng.integers(3, 7))
        anchors = [
            (
                int(rng.integers(1000, 900000)),
                f"A/RES/{int(rng.integers(40, 80))}/{int(rng.integers(1, 300))}",
                names[int(rng.integers(len(names)))],
            )
            for _ in range(paras)
        ]
        for lang in LANGS:
            month_name = MONTHS[lang].split()[month - 1]
            head = f"{day} {month_name} {year}"
            body = []
            for figure, resolution, name in anchors:
                text = " ".join(" ".join(s) for s in makers[lang].sentences(rng, words // paras))
                name_written = (
                    name if lang not in ("ru", "el") else name.translate(_CYR if lang == "ru" else _GRK)
                )
                body.append(f"{text} {_figure(figure, lang)} {resolution} {name_written} {text[:40]}.")
            text = head + "\n\n" + "\n\n".join(body)
            docs.append(Document(content_id(text), text, path=f"{lang}/{k}.txt"))
    return docs


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the add's worker processes):
    less sensitive than wall time to other work on a shared machine."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def cost(n: int, words: int) -> None:
    docs = make_documents(n, words)
    print(f"generated {len(docs)} documents in {len(LANGS)} languages, ~{words} words each")
    wall, cpu = {}, {}
    for label, on in (("without", False), ("with", True)):
        with TemporaryDirectory() as tmp, Index.open(Path(tmp) / "x.db") as index:
            settings = Settings(translations=on)
            started, cpu_started = time.perf_counter(), _cpu()
            pipeline.add(index, docs, settings)
            wall[label], cpu[label] = time.perf_counter() - started, _cpu() - cpu_started
            found = sum(1 for r in index.relations() if r.kind == "translation")
            print(
                f"add {label} translation detection: {wall[label]:.1f} s wall, {cpu[label]:.1f} s CPU, "
                f"translation relations {found} (expected {n // len(LANGS) * 10})"
            )
            if on:
                # The detection step alone, run again on the same index: what a later add pays,
                # the anchors, chains and evidence of every document and pair kept by this one.
                started, cpu_started = time.perf_counter(), _cpu()
                pipeline._translations(index, index.document_ids())
                step_wall, step_cpu = time.perf_counter() - started, _cpu() - cpu_started
    print(
        f"extra time, two adds compared: {100 * (wall['with'] / wall['without'] - 1):.1f} % wall, "
        f"{100 * (cpu['with'] / cpu['without'] - 1):.1f} % CPU"
    )
    print(
        f"detection step alone: {step_wall:.1f} s wall, {step_cpu:.1f} s CPU = "
        f"{100 * step_wall / wall['without']:.1f} % / {100 * step_cpu / cpu['without']:.1f} % "
        "of the add without it"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--words", type=int, default=250)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--cost-only", action="store_true")
    args = parser.parse_args()
    if not args.cost_only:
        quality()
    if not args.quality_only:
        cost(args.docs, args.words)


if __name__ == "__main__":
    main()
