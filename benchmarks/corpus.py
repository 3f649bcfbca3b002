"""A seeded synthetic corpus with known families of versions, for ``scale.py``.

Real collections cannot be shipped with the repository and have no complete ground truth, so the
benchmark invents one. Words are pronounceable syllable strings drawn from a Zipf distribution,
so frequent words are short and collide across documents (stock 5-grams exist, as in real
prose) while most n-grams are rare. About a fifth of the documents are copies of a common base
text, each damaged the way republished texts are: paragraphs dropped, a paragraph moved, a few
words substituted, a few words split by extraction ("aggr ession") and the lines re-wrapped.
Everything is drawn from ``numpy.random.default_rng`` streams spawned from one seed, so the same
``--seed`` gives byte-identical texts on every machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from variorum.model import Document

# Syllable parts. Clusters and codas make ~5,000 distinct syllables, so 30,000 words of one to
# four syllables are found quickly without looking like one another.
_ONSETS = (
    "", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
    "br", "cr", "dr", "fr", "gr", "pr", "tr", "st", "sh", "ch", "th", "pl", "bl", "kl", "sp",
)  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "io", "y")
_CODAS = ("", "", "", "", "n", "r", "s", "l", "m", "t", "nd", "st", "rk", "ng", "x")

#: Zipf exponent of word frequencies; 1.0 is the classic value for natural-language text.
ZIPF_EXPONENT = 1.0
#: Share of the documents that belong to a family of versions.
FAMILY_SHARE = 0.2


@dataclass(frozen=True)
class Planted:
    """A paragraph of a query text copied from an indexed document: ``text[start:end]``."""

    start: int
    end: int
    source: str  # id of the indexed document it was copied from


@dataclass(frozen=True)
class QueryText:
    """A query document and the passages planted in it, to measure recall."""

    document: Document
    planted: tuple[Planted, ...]
    words: int


@dataclass
class Corpus:
    """Documents in indexing order and the ground truth about them."""

    documents: list[Document]
    family_of: dict[str, str]  # document id -> family label, for family members only
    words: int  # whitespace-separated words over all documents
    families: dict[str, list[str]] = field(default_factory=dict)  # family label -> member ids

    def truth_pairs(self) -> set[tuple[str, str]]:
        """Every unordered pair of documents in the same family: what a perfect grouping links."""
        return family_pairs(self.families.values())


def family_pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    """All unordered id pairs inside each group (the unit for precision and recall)."""
    out: set[tuple[str, str]] = set()
    for group in groups:
        ids = sorted(group)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                out.add((a, b))
    return out


FUNCTION_WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which "
    "but have an they you were her she there been one all we their has would when if more no its "
    "who will than so can other into only these two may any also after"
).split()


def make_vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    """``size`` distinct invented words, in frequency-rank order (shortest first, like real words).

    Frequent ranks get one or two syllables and rare ranks two to four, because the Zipf sampler
    draws rank 0 most often and real high-frequency words are short.
    """
    # The most frequent ranks are English function words, as Zipf's law has them in real text:
    # real statements always contain them, and language identification relies on them. The rest
    # of the vocabulary is invented, so no passage is shared by accident.
    words: list[str] = list(FUNCTION_WORDS[:size])
    seen: set[str] = set(words)
    while len(words) < size:
        rank = len(words)
        lo, hi = (1, 3) if rank < 100 else (2, 4) if rank < 3000 else (2, 5)
        n = int(rng.integers(lo, hi))
        parts = []
        for _ in range(n):
            parts.append(_ONSETS[rng.integers(len(_ONSETS))])
            parts.append(_VOWELS[rng.integers(len(_VOWELS))])
            parts.append(_CODAS[rng.integers(len(_CODAS))])
        word = "".join(parts)
        if word and word not in seen:
            seen.add(word)
            words.append(word)
    return words


# A document under construction: paragraphs -> sentences -> words. A split word is one entry
# holding a space ("aggr ession"), so that later edits treat it as the single word it was.
Paragraphs = list[list[list[str]]]


class TextMaker:
    """Draws sentences, paragraphs and documents from one Zipf vocabulary."""

    def __init__(self, vocabulary: list[str], exponent: float = ZIPF_EXPONENT) -> None:
        self.vocabulary = np.array(vocabulary, dtype=object)
        weights = 1.0 / np.arange(1, len(vocabulary) + 1, dtype=np.float64) ** exponent
        # Inverse-CDF sampling: one searchsorted per batch instead of rng.choice(p=...), which
        # rebuilds the CDF on every call.
        self.cdf = np.cumsum(weights / weights.sum())

    def words(self, rng: np.random.Generator, n: int) -> list[str]:
        idx = np.searchsorted(self.cdf, rng.random(n), side="right")
        return self.vocabulary[np.minimum(idx, len(self.cdf) - 1)].tolist()

    def paragraphs(self, rng: np.random.Generator, target_words: int) -> Paragraphs:
        """Sentences of 10-30 words until ``target_words``, grouped into paragraphs of 3-6."""
        lengths: list[int] = []
        total = 0
        while total < target_words:
            lengths.append(int(rng.integers(10, 31)))
            total += lengths[-1]
        pool = self.words(rng, total)
        sentences: list[list[str]] = []
        at = 0
        for n in lengths:
            sentences.append(pool[at : at + n])
            at += n
        paras: Paragraphs = []
        i = 0
        while i < len(sentences):
            k = int(rng.integers(3, 7))
            paras.append(sentences[i : i + k])
            i += k
        return paras

    def vary(self, rng: np.random.Generator, base: Paragraphs) -> Paragraphs:
        """One version of ``base``: some paragraphs dropped, one moved, words substituted and split."""
        paras = [[list(s) for s in p] for p in base]
        if len(paras) >= 3:
            for _ in range(int(rng.integers(1, len(paras) // 3 + 1))):
                paras.pop(int(rng.integers(len(paras))))
        if len(paras) >= 2:
            moved = paras.pop(int(rng.integers(len(paras))))
            paras.insert(int(rng.integers(len(paras) + 1)), moved)
        slots = [
            (p, s, w) for p, para in enumerate(paras) for s, sent in enumerate(para) for w in range(len(sent))
        ]
        for k in rng.choice(len(slots), size=min(len(slots), int(rng.integers(2, 7))), replace=False):
            p, s, w = slots[int(k)]
            paras[p][s][w] = self.words(rng, 1)[0]
        long_slots = [
            (p, s, w) for p, s, w in slots if len(paras[p][s][w]) >= 7 and " " not in paras[p][s][w]
        ]
        if long_slots:
            for k in rng.choice(
                len(long_slots), size=min(len(long_slots), int(rng.integers(1, 4))), replace=False
            ):
                p, s, w = long_slots[int(k)]
                word = paras[p][s][w]
                cut = int(rng.integers(3, len(word) - 2))
                paras[p][s][w] = word[:cut] + " " + word[cut:]
        return paras


def render_paragraph(rng: np.random.Generator, sentences: list[list[str]], width: int) -> str:
    """Sentences as prose (capital, a few commas, full stop) wrapped greedily at ``width``."""
    out: list[str] = []
    for sent in sentences:
        words = list(sent)
        words[0] = words[0][:1].upper() + words[0][1:]
        commas = rng.random(len(words)) < 0.06
        for i in range(len(words) - 1):
            if commas[i]:
                words[i] += ","
        words[-1] += "."
        out.append(" ".join(words))
    return wrap(" ".join(out), width)


def wrap(text: str, width: int) -> str:
    """Greedy line wrapping (textwrap is several times slower and we need nothing it adds)."""
    lines: list[str] = []
    line: list[str] = []
    length = 0
    for word in text.split(" "):
        if line and length + 1 + len(word) > width:
            lines.append(" ".join(line))
            line, length = [], 0
        length += len(word) + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


def render(rng: np.random.Generator, paras: Paragraphs) -> str:
    """A whole document; each rendering picks its own line width, as each reprint does."""
    width = int(rng.integers(55, 96))
    return "\n\n".join(render_paragraph(rng, p, width) for p in paras) + "\n"


def make_corpus(
    n_docs: int, words: int, seed: int, vocabulary_size: int = 30_000
) -> tuple[Corpus, TextMaker]:
    """``n_docs`` documents of about ``words`` words, ~20% of them in families of 2-6 versions.

    Documents are shuffled so that versions of one text land in different ``add`` batches, as
    they do when a collection is indexed over time.
    """
    vocab_ss, docs_ss = np.random.SeedSequence(seed).spawn(2)
    maker = TextMaker(make_vocabulary(np.random.default_rng(vocab_ss), vocabulary_size))
    rng = np.random.default_rng(docs_ss)
    texts: list[tuple[str, str | None]] = []
    members_left = round(n_docs * FAMILY_SHARE)
    fam_no = 0
    while members_left >= 2:
        size = min(int(rng.integers(2, 7)), members_left)
        if members_left - size == 1:  # never leave a family of one behind
            size += 1
        label = f"fam{fam_no:05d}"
        base = maker.paragraphs(rng, words)
        texts.extend((render(rng, maker.vary(rng, base)), label) for _ in range(size))
        members_left -= size
        fam_no += 1
    while len(texts) < n_docs:
        texts.append((render(rng, maker.paragraphs(rng, words)), None))
    order = rng.permutation(len(texts))
    documents: list[Document] = []
    family_of: dict[str, str] = {}
    families: dict[str, list[str]] = {}
    total = 0
    for i, k in enumerate(order.tolist()):
        text, label = texts[k]
        doc_id = f"doc{i:05d}"
        documents.append(Document(id=doc_id, text=text, path=f"{doc_id}.txt"))
        total += len(text.split())
        if label is not None:
            family_of[doc_id] = label
            families.setdefault(label, []).append(doc_id)
    return Corpus(documents, family_of, total, families), maker


def make_queries(corpus: Corpus, maker: TextMaker, n: int, words: int, seed: int) -> list[QueryText]:
    """``n`` query texts of about ``words`` words: 2-3 paragraphs of one indexed document, verbatim
    but re-wrapped, interleaved with new paragraphs drawn from the same vocabulary.

    The planted spans are the ground truth for recall; the new paragraphs measure whether the
    answer claims text that was never indexed.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    out: list[QueryText] = []
    for q in range(n):
        source = corpus.documents[int(rng.integers(len(corpus.documents)))]
        paras = [" ".join(p.split()) for p in source.text.split("\n\n") if p.strip()]
        take = sorted(rng.choice(len(paras), size=min(len(paras), int(rng.integers(2, 4))), replace=False))
        planted = [paras[int(k)] for k in take]
        new_words = max(0, words - sum(len(p.split()) for p in planted))
        fresh = [" ".join(" ".join(s) + "." for s in p) for p in maker.paragraphs(rng, new_words)]
        pieces: list[tuple[str, bool]] = [(p, False) for p in fresh]
        for p in planted:
            pieces.insert(int(rng.integers(len(pieces) + 1)), (p, True))
        width = int(rng.integers(55, 96))
        text_parts: list[str] = []
        spans: list[Planted] = []
        at = 0
        for body, is_planted in pieces:
            chunk = wrap(body, width)
            if is_planted:
                spans.append(Planted(at, at + len(chunk), source.id))
            text_parts.append(chunk)
            at += len(chunk) + 2
        text = "\n\n".join(text_parts) + "\n"
        doc = Document(id=f"query{q:02d}", text=text, path=f"query{q:02d}.txt")
        out.append(QueryText(doc, tuple(spans), len(text.split())))
    return out
