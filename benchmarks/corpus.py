"""A seeded synthetic corpus with known families of versions and known reuse, for the benchmarks.

Real collections cannot be shipped with the repository and have no complete ground truth, so the
benchmark invents one. Words are pronounceable syllable strings drawn from a Zipf distribution,
so frequent words are short and collide across documents (stock 5-grams exist, as in real
prose) while most n-grams are rare. About a fifth of the documents are copies of a common base
text, each damaged the way republished texts are: paragraphs dropped, one added, a paragraph
moved, a few words substituted, a few words split by extraction ("aggr ession", "aggr-⏎ession")
and the lines re-wrapped; some copies open with a cover note in another language. Every copy
records which base paragraph each of its paragraphs comes from and where it is in the text, so
the reuse between any two documents is known exactly (:meth:`Corpus.shared`). Everything is
drawn from ``numpy.random.default_rng`` streams spawned from one seed, so the same ``--seed``
gives byte-identical texts on every machine.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
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
#: Share of family copies that open with a cover note in another language (Spanish or French).
COVER_SHARE = 0.3
#: Share of family copies with a paragraph of their own added somewhere.
ADDED_SHARE = 0.3
#: Chance that a word of 8 letters or more that does not fit at the end of a line is hyphenated
#: across the break (``aggr-⏎ession``), as OCR and print keep it.
HYPHEN_SHARE = 0.15
#: Size of each cover-note language's vocabulary.
FOREIGN_VOCABULARY = 5_000


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


@dataclass(frozen=True)
class Para:
    """One paragraph of a family copy, ``text[start:end]``: the ground truth about reuse.

    Two copies of one family that hold paragraphs of the same ``origin`` share that text, edited
    a little in each. ``words`` counts the generated words (a split word counts once).
    """

    start: int
    end: int
    words: int
    origin: int | None  # index of the base paragraph it was copied from; None: the copy's own
    role: str  # "body", or "cover" for a cover note in another language


@dataclass
class Corpus:
    """Documents in indexing order and the ground truth about them."""

    documents: list[Document]
    family_of: dict[str, str]  # document id -> family label, for family members only
    words: int  # whitespace-separated words over all documents
    families: dict[str, list[str]] = field(default_factory=dict)  # family label -> member ids
    paragraphs: dict[str, tuple[Para, ...]] = field(default_factory=dict)  # family members only
    _reuse: dict[tuple[str, str], list[tuple[Para, Para]]] | None = field(default=None, repr=False)

    def truth_pairs(self) -> set[tuple[str, str]]:
        """Every unordered pair of documents in the same family: what a perfect grouping links."""
        return family_pairs(self.families.values())

    def shared(self, a: str, b: str) -> list[tuple[Para, Para]]:
        """The base paragraphs documents ``a`` and ``b`` both hold, as (paragraph in a, in b).

        Empty unless both are copies in one family: unrelated documents and the copies' own
        paragraphs and cover notes share nothing by construction (beyond chance stock phrases).
        """
        fam = self.family_of.get(a)
        if fam is None or fam != self.family_of.get(b):
            return []
        in_b = {p.origin: p for p in self.paragraphs[b] if p.origin is not None}
        return [(p, in_b[p.origin]) for p in self.paragraphs[a] if p.origin in in_b]

    def reuse(self) -> dict[tuple[str, str], list[tuple[Para, Para]]]:
        """Every pair (a < b) of documents that share base paragraphs, with those paragraphs."""
        if self._reuse is None:
            self._reuse = {}
            for members in self.families.values():
                for a, b in itertools.combinations(sorted(members), 2):
                    if pairs := self.shared(a, b):
                        self._reuse[a, b] = pairs
        return self._reuse

    def near_duplicates(self, share: float = 0.8) -> set[tuple[str, str]]:
        """Pairs (a < b) of one family that share at least ``share`` of each one's body paragraphs.

        Body paragraphs are the base paragraphs and the copy's own additions; the cover note is
        not counted, as it is not part of the text that was copied.
        """
        out: set[tuple[str, str]] = set()
        for (a, b), pairs in self.reuse().items():
            n_a = sum(1 for p in self.paragraphs[a] if p.role == "body")
            n_b = sum(1 for p in self.paragraphs[b] if p.role == "body")
            if len(pairs) >= share * n_a and len(pairs) >= share * n_b:
                out.add((a, b))
        return out


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

#: The most frequent words of the cover notes' languages: real function words, so that language
#: identification sees Spanish or French, followed by invented words as in the main vocabulary.
FOREIGN_FUNCTION_WORDS = {
    "es": (
        "de la que el en y a los se del las un por con no una su para es al lo como más o pero sus "
        "le ha me si sin sobre este ya entre cuando todo esta ser son dos también fue había era muy "
        "años hasta desde está porque han hay vez puede todos así nos ni parte tiene donde bien"
    ).split(),
    "fr": (
        "de la le et les des en un du une que est pour qui dans a par plus pas au sur ne se ce il "
        "sont été avec ses son cette aux ou mais comme ont nous leur elle sa peut entre "
        "deux aussi fait lors dont tout sans était ainsi même ces depuis être avait"
    ).split(),
}


def make_vocabulary(
    rng: np.random.Generator,
    size: int,
    function_words: list[str] = FUNCTION_WORDS,
    spell: Callable[[np.random.Generator, str], str] | None = None,
) -> list[str]:
    """``size`` distinct invented words, in frequency-rank order (shortest first, like real words).

    Frequent ranks get one or two syllables and rare ranks two to four, because the Zipf sampler
    draws rank 0 most often and real high-frequency words are short.
    """
    # The most frequent ranks are real function words, as Zipf's law has them in real text:
    # real statements always contain them, and language identification relies on them. The rest
    # of the vocabulary is invented, so no passage is shared by accident.
    words: list[str] = list(dict.fromkeys(function_words[:size]))
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
        if spell is not None:
            word = spell(rng, word)
        if word and word not in seen:
            seen.add(word)
            words.append(word)
    return words


#: The kinds of corpus :func:`make_corpus` generates. ``english``: the main vocabulary's most
#: frequent ranks are English function words (what an English collection looks like to the
#: language identifier and the tokenizer). ``invented``: every word invented, Latin letters, no
#: real word at all (a language no profile or model knows). ``mixed``: each family and each
#: unrelated document is written in one of four languages and scripts (:data:`MIXED_LANGUAGES`).
KINDS = ("english", "invented", "mixed")

#: The most frequent words of the ``mixed`` kind's languages, real function words, followed in
#: each vocabulary by invented words spelt in that language's script (:data:`_SPELLINGS`).
MIXED_FUNCTION_WORDS = {
    "ru": (
        "и в не на что с по как это из за к от для о его но же был было были также а все она они "
        "он так при уже только или если бы когда даже до ее их мы может этого будет"
    ).split(),
    "ar": (
        "في من على إلى أن عن مع هذا التي الذي كان ما لا هذه بين كل ذلك وقد ثم أو قد بعد عند حتى "
        "إن هو هي كما لم منذ غير عام أي أكثر خلال ولا لها له حول"
    ).split(),
    "el": (
        "και το η της του τα των να σε με για από ο που στο στην θα δεν είναι ένα μια οι τη τον "
        "στη στα στις αλλά όπως ότι μετά έχει ήταν κατά πριν όταν μέχρι"
    ).split(),
    "az": (
        "və bir bu da də üçün ilə olaraq olan kimi daha çox amma ən qədər ki isə onun bütün belə "
        "həm görə sonra artıq hər heç yeni əsas ilk olub edir qarşı"
    ).split(),
}
MIXED_LANGUAGES = tuple(MIXED_FUNCTION_WORDS)

# Invented words are spelt letter by letter in the target script (one letter or a fixed group per
# Latin letter), so each language keeps the Zipf shapes of the English-like vocabulary.
_CYRILLIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "абцдефгхийклмнопкрстувшксыз", strict=False))
_CYRILLIC.update({"x": "кс", "q": "к"})
_GREEK = dict(zip("abcdefghijklmnopqrstuvwxyz", "αβκδεφγηιξκλμνοπκρστυβωχψζ", strict=True))
_ARABIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "ابكديفغهيجكلمنوبقرستوفوخيز", strict=True))
# Azerbaijani-like Latin: a vowel or consonant takes its marked form with probability 0.35.
_MARKED = {"a": "ə", "e": "ə", "o": "ö", "u": "ü", "i": "ı", "c": "ç", "s": "ş", "g": "ğ"}


def _transliterate(table: dict[str, str]) -> Callable[[np.random.Generator, str], str]:
    def spell(rng: np.random.Generator, word: str) -> str:
        return "".join(table.get(ch, ch) for ch in word)

    return spell


def _diacritics(rng: np.random.Generator, word: str) -> str:
    marks = rng.random(len(word)) < 0.35
    return "".join(
        _MARKED[ch] if mark and ch in _MARKED else ch for ch, mark in zip(word, marks, strict=True)
    )


_SPELLINGS: dict[str, Callable[[np.random.Generator, str], str]] = {
    "ru": _transliterate(_CYRILLIC),
    "ar": _transliterate(_ARABIC),
    "el": _transliterate(_GREEK),
    "az": _diacritics,
}


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

    def sentences(self, rng: np.random.Generator, target_words: int, shortest: int = 10) -> list[list[str]]:
        """Sentences of ``shortest``-30 words until ``target_words`` are reached."""
        lengths: list[int] = []
        total = 0
        while total < target_words:
            lengths.append(int(rng.integers(shortest, 31)))
            total += lengths[-1]
        pool = self.words(rng, total)
        sentences: list[list[str]] = []
        at = 0
        for n in lengths:
            sentences.append(pool[at : at + n])
            at += n
        return sentences

    def paragraphs(self, rng: np.random.Generator, target_words: int) -> Paragraphs:
        """Sentences of 10-30 words until ``target_words``, grouped into paragraphs of 3-6."""
        sentences = self.sentences(rng, target_words)
        paras: Paragraphs = []
        i = 0
        while i < len(sentences):
            k = int(rng.integers(3, 7))
            paras.append(sentences[i : i + k])
            i += k
        return paras

    def vary(self, rng: np.random.Generator, base: Paragraphs) -> tuple[Paragraphs, list[int | None]]:
        """One version of ``base`` and the base index of each of its paragraphs (None: added).

        Some paragraphs are dropped, one is moved, sometimes one of the copy's own is added, and
        a few words are substituted and split by a space.
        """
        paras = [[list(s) for s in p] for p in base]
        origins: list[int | None] = list(range(len(paras)))
        if len(paras) >= 3:
            for _ in range(int(rng.integers(1, len(paras) // 3 + 1))):
                k = int(rng.integers(len(paras)))
                paras.pop(k)
                origins.pop(k)
        if len(paras) >= 2:
            k = int(rng.integers(len(paras)))
            moved, origin = paras.pop(k), origins.pop(k)
            k = int(rng.integers(len(paras) + 1))
            paras.insert(k, moved)
            origins.insert(k, origin)
        if rng.random() < ADDED_SHARE:
            k = int(rng.integers(len(paras) + 1))
            paras.insert(k, self.sentences(rng, 60))
            origins.insert(k, None)
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
        return paras, origins


def render_paragraph(
    rng: np.random.Generator, sentences: list[list[str]], width: int, hyphen: float = 0.0
) -> str:
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
    return wrap(" ".join(out), width, rng if hyphen else None, hyphen)


def wrap(text: str, width: int, rng: np.random.Generator | None = None, hyphen: float = 0.0) -> str:
    """Greedy line wrapping (textwrap is several times slower and we need nothing it adds).

    With ``rng``, a word of 8 letters or more that does not fit is hyphenated across the break
    with probability ``hyphen``, its head as long as the line allows (at least 3 letters each side).
    """
    lines: list[str] = []
    line: list[str] = []
    length = 0
    for word in text.split(" "):
        if line and length + 1 + len(word) > width:
            room = width - length - 2  # a space before the head and its hyphen
            if rng is not None and len(word) >= 8 and word.isalpha() and room >= 3 and rng.random() < hyphen:
                cut = min(room, len(word) - 3)
                lines.append(" ".join([*line, word[:cut] + "-"]))
                line, length = [word[cut:]], len(word) - cut
                continue
            lines.append(" ".join(line))
            line, length = [], 0
        length += len(word) + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


def render(
    rng: np.random.Generator, paras: Paragraphs, hyphen: float = HYPHEN_SHARE
) -> tuple[str, list[tuple[int, int]]]:
    """A whole document and each paragraph's character span in it.

    Each rendering picks its own line width, as each reprint does.
    """
    width = int(rng.integers(55, 96))
    spans: list[tuple[int, int]] = []
    chunks: list[str] = []
    at = 0
    for p in paras:
        chunk = render_paragraph(rng, p, width, hyphen)
        spans.append((at, at + len(chunk)))
        chunks.append(chunk)
        at += len(chunk) + 2
    return "\n\n".join(chunks) + "\n", spans


def cover_note(rng: np.random.Generator, makers: list[TextMaker]) -> list[list[str]]:
    """A short paragraph (25-50 words) in one of the cover-note languages."""
    maker = makers[int(rng.integers(len(makers)))]
    return maker.sentences(rng, int(rng.integers(25, 51)), shortest=8)


def make_copy(
    rng: np.random.Generator, maker: TextMaker, covers: list[TextMaker], base: Paragraphs
) -> tuple[str, tuple[Para, ...]]:
    """One family copy of ``base``: its text and where each of its paragraphs came from."""
    paras, origins = maker.vary(rng, base)
    roles = ["body"] * len(paras)
    if rng.random() < COVER_SHARE:
        paras.insert(0, cover_note(rng, covers))
        origins.insert(0, None)
        roles.insert(0, "cover")
    text, spans = render(rng, paras)
    truth = tuple(
        Para(s, e, sum(len(sent) for sent in p), o, r)
        for (s, e), p, o, r in zip(spans, paras, origins, roles, strict=True)
    )
    return text, truth


def make_corpus(
    n_docs: int, words: int, seed: int, vocabulary_size: int = 30_000, kind: str = "english"
) -> tuple[Corpus, TextMaker]:
    """``n_docs`` documents of about ``words`` words, ~20% of them in families of 2-6 versions.

    Documents are shuffled so that versions of one text land in different ``add`` batches, as
    they do when a collection is indexed over time. ``kind`` is one of :data:`KINDS`; for
    ``mixed``, each family and each unrelated document draws one of :data:`MIXED_LANGUAGES` in
    turn, each with a vocabulary of ``vocabulary_size`` words. The maker returned (for query
    texts) is the first language's.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown corpus kind {kind!r}: one of {', '.join(KINDS)}")
    vocab_ss, docs_ss, foreign_ss = np.random.SeedSequence(seed).spawn(3)
    if kind == "mixed":
        makers = [
            TextMaker(
                make_vocabulary(
                    np.random.default_rng(ss), vocabulary_size, MIXED_FUNCTION_WORDS[lang], _SPELLINGS[lang]
                )
            )
            for lang, ss in zip(MIXED_LANGUAGES, vocab_ss.spawn(len(MIXED_LANGUAGES)), strict=True)
        ]
    else:
        function_words = FUNCTION_WORDS if kind == "english" else []
        makers = [
            TextMaker(make_vocabulary(np.random.default_rng(vocab_ss), vocabulary_size, function_words))
        ]
    covers = [
        TextMaker(
            make_vocabulary(np.random.default_rng(ss), FOREIGN_VOCABULARY, FOREIGN_FUNCTION_WORDS[lang])
        )
        for lang, ss in zip(
            sorted(FOREIGN_FUNCTION_WORDS), foreign_ss.spawn(len(FOREIGN_FUNCTION_WORDS)), strict=True
        )
    ]
    rng = np.random.default_rng(docs_ss)
    texts: list[tuple[str, tuple[Para, ...], str | None]] = []
    members_left = round(n_docs * FAMILY_SHARE)
    fam_no = 0
    while members_left >= 2:
        size = min(int(rng.integers(2, 7)), members_left)
        if members_left - size == 1:  # never leave a family of one behind
            size += 1
        label = f"fam{fam_no:05d}"
        maker = makers[fam_no % len(makers)]
        base = maker.paragraphs(rng, words)
        for _ in range(size):
            text, truth = make_copy(rng, maker, covers, base)
            texts.append((text, truth, label))
        members_left -= size
        fam_no += 1
    while len(texts) < n_docs:
        maker = makers[len(texts) % len(makers)]
        texts.append((render(rng, maker.paragraphs(rng, words))[0], (), None))
    order = rng.permutation(len(texts))
    documents: list[Document] = []
    family_of: dict[str, str] = {}
    families: dict[str, list[str]] = {}
    paragraphs: dict[str, tuple[Para, ...]] = {}
    total = 0
    width = len(str(max(len(texts) - 1, 99_999)))
    for i, k in enumerate(order.tolist()):
        text, truth, label = texts[k]
        doc_id = f"doc{i:0{width}d}"
        documents.append(Document(id=doc_id, text=text, path=f"{doc_id}.txt"))
        total += len(text.split())
        if label is not None:
            family_of[doc_id] = label
            families.setdefault(label, []).append(doc_id)
            paragraphs[doc_id] = truth
    return Corpus(documents, family_of, total, families, paragraphs), makers[0]


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
        # Re-typeset: words hyphenated at a line end are whole again, lines are re-wrapped.
        paras = [" ".join(p.replace("-\n", "").split()) for p in source.text.split("\n\n") if p.strip()]
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
