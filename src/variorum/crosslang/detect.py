"""Translation pairs among documents in different languages, found by anchors in the same order.

Words cannot be compared across languages without a dictionary or a model, but a translation
keeps a document's figures, dates, identifiers, URLs and names, and keeps them *in order*. Two
documents are a translation pair when a long sequence of their anchors matches in the same
order (the longest common subsequence of their anchor sequences) and that sequence covers most
of the anchors of both: two independent statements on one subject share a few dates and names,
often in another order, and leave most of each other's figures unmatched.

Candidates come from an inverted index of hard anchors held by few documents, so the cost of a
new document is a few dictionary lookups and the comparison of a handful of candidates, not a
pass over the index; only pairs in different languages are compared (same-language reuse is the
word-level engine's business).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz, process

from variorum.config import CrossLangSettings
from variorum.crosslang.anchors import HARD_KINDS, Anchor, extract_anchors
from variorum.text.segment import paragraph_spans


@dataclass(frozen=True)
class CrossDoc:
    """A document as cross-language detection sees it: its text, language, paragraphs, anchors."""

    id: str
    text: str
    language: str | None
    paragraphs: tuple[tuple[int, int], ...]
    anchors: tuple[Anchor, ...]

    @cached_property
    def hard_anchors(self) -> int:
        return sum(self.hard)

    # Derived once per document and kept on it: a document is compared with many candidates,
    # and rebuilding these for every pair was most of what a comparison cost on real pages.
    @cached_property
    def keyed(self) -> tuple[str, ...]:
        """Each anchor's key as compared: ``kind:key``, and ``n:<name>`` for a name."""
        return tuple(f"n:{x.key}" if x.kind == "name" else f"{x.kind}:{x.key}" for x in self.anchors)

    @cached_property
    def names(self) -> tuple[tuple[int, str], ...]:
        """``(position, key)`` of every name among the anchors."""
        return tuple((i, x.key) for i, x in enumerate(self.anchors) if x.kind == "name")

    @cached_property
    def name_keys(self) -> tuple[str, ...]:
        """The distinct names, sorted."""
        return tuple(sorted({key for _, key in self.names}))

    @cached_property
    def hard(self) -> tuple[bool, ...]:
        return tuple(x.kind in HARD_KINDS for x in self.anchors)

    @cached_property
    def key_counts(self) -> Counter[str]:
        return Counter(self.keyed)

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """Where each key stands among the anchors, in order."""
        out: dict[str, list[int]] = defaultdict(list)
        for j, k in enumerate(self.keyed):
            out[k].append(j)
        return dict(out)

    def pair_keys(self, renamed: Mapping[str, str]) -> list[str]:
        """Each anchor's key for one pair, a name of this side that matched a name of the other
        written ``renamed`` (see :func:`_renamed`) under the other's name."""
        keys = list(self.keyed)
        for i, key in self.names:
            if key in renamed:
                keys[i] = f"n:{renamed[key]}"
        return keys

    def pair_positions(self, renamed: Mapping[str, str]) -> Mapping[str, list[int]]:
        """:attr:`positions` with the names of ``renamed`` under the other side's name."""
        if not renamed:
            return self.positions
        out = dict(self.positions)
        for old, new in renamed.items():
            moved = out.pop(f"n:{old}", [])
            out[f"n:{new}"] = sorted([*out.get(f"n:{new}", []), *moved])
        return out


def profile(
    doc_id: str,
    text: str,
    language: str | None,
    paragraphs: Sequence[tuple[int, int]] | None = None,
    *,
    min_hard_keys: int = 0,
    keep_text: bool = True,
) -> CrossDoc:
    """Read a document's anchors and paragraphs once; every later comparison reuses them.

    With ``min_hard_keys`` (a :class:`TranslationIndex`'s ``min_shared_keys``), a text with fewer
    distinct hard keys keeps only its hard anchors: it can never be a candidate, so its names
    would never be read. Without ``keep_text`` the profile holds no text (``""``): finding
    pairs reads only anchors and paragraphs, and a corpus's texts need not all be in memory at
    once (:func:`variorum.crosslang.relate.translation_relations` reads those of the pairs found).
    """
    spans = tuple(paragraphs) if paragraphs is not None else tuple(paragraph_spans(text))
    anchors = tuple(extract_anchors(text, names_from=min_hard_keys))
    return CrossDoc(doc_id, text if keep_text else "", language, spans, anchors)


@dataclass(frozen=True)
class AnchorAlignment:
    """The longest sequence of anchors two documents share in the same order."""

    pairs: tuple[tuple[int, int], ...]  # indexes into each document's anchors
    hard: int  # hard anchors among the pairs
    soft: int  # names among the pairs
    a_hard: int  # hard anchors of each document
    b_hard: int
    # Share of each side's hard anchors inside the match, each anchor weighted by its rarity.
    coverage_a: float = 0.0
    coverage_b: float = 0.0
    # The same shares counted only between the first and the last matched anchor of each side:
    # a translators' note appended, or a chapter left out at either end, does not lower them.
    framed_a: float = 0.0
    framed_b: float = 0.0


@dataclass(frozen=True)
class TranslationPair:
    """Two documents in different languages found to be translations of each other."""

    a: str
    b: str
    a_language: str | None
    b_language: str | None
    anchors_in_order: int  # hard anchors matched in order
    names_in_order: int
    coverage_a: float  # share of each side's hard anchors inside the ordered match
    coverage_b: float
    evidence: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (kind, key) matched

    def as_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "a_language": self.a_language,
            "b_language": self.b_language,
            "anchors_in_order": self.anchors_in_order,
            "names_in_order": self.names_in_order,
            "coverage": {"a": round(self.coverage_a, 4), "b": round(self.coverage_b, 4)},
        }


def _renamed(a_names: Sequence[str], b_names: Sequence[str], cutoff: float) -> dict[str, str]:
    """The names of b written differently from a name of a that they match fuzzily: b's name to
    a's (``Kyiv`` in one text, ``Kiev`` in the other). Names the other side writes the same way,
    and names matching none, keep their own key. ``a_names`` and ``b_names`` are distinct."""
    if not a_names or not b_names:
        return {}
    a_exact, b_exact = set(a_names), set(b_names)
    fuzzy_a = sorted(n for n in a_exact if n not in b_exact and len(n) >= 4)
    fuzzy_b = sorted(n for n in b_exact if n not in a_exact and len(n) >= 4)
    renamed: dict[str, str] = {}
    if fuzzy_a and fuzzy_b:
        scores = process.cdist(fuzzy_a, fuzzy_b, scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)
        best = scores.argmax(axis=1)
        for i, j in enumerate(best.tolist()):
            if scores[i, j] >= cutoff:
                renamed[fuzzy_b[j]] = fuzzy_a[i]
    return renamed


Weight = Callable[[str], float]


def _unit(_key: str) -> float:
    return 1.0


Chain = tuple[tuple[int, int], ...]
#: What works out the :func:`anchor_chain` of several pairs ``(earlier, later)``, in order:
#: :func:`chains_here`, or the same spread over processes by whoever can start them.
ChainMany = Callable[[Sequence[tuple["CrossDoc", "CrossDoc"]], CrossLangSettings], list[Chain]]


def anchor_chain(a: CrossDoc, b: CrossDoc, settings: CrossLangSettings) -> Chain:
    """The longest common subsequence of two documents' anchors (names matched fuzzily), as
    ``(position in a, position in b)`` pairs in order.

    Computed as the longest increasing subsequence of matching position pairs (Hunt and
    Szymanski), so its cost grows with the number of matching pairs, not the product of lengths;
    an anchor repeated many times on both sides (a section number, "1") is left out of the pairs,
    as it would only multiply them without telling the order. It depends on the two documents
    and ``settings`` alone, never on the rest of the corpus: an index keeps it for the pair
    (:mod:`variorum.crosslang.stored`) and only weighs it again as the corpus grows.
    """
    renamed = _renamed(a.name_keys, b.name_keys, settings.name_similarity)
    b_positions = b.pair_positions(renamed)
    a_counts = a.key_counts
    limit = settings.max_repeats
    # Hunt-Szymanski: for each position of a, the matching positions of b in decreasing order.
    tails: list[int] = []  # smallest b position ending an increasing run of each length
    tail_node: list[int] = []
    nodes: list[tuple[int, int, int]] = []  # (i, j, previous node)
    # Only the anchors of a whose key b holds, too few times to be left out, in the order of a.
    a_positions = a.positions
    common = [
        k
        for k in a_positions.keys() & b_positions.keys()
        if len(b_positions[k]) * a_counts[k] <= limit * limit
    ]
    for i, k in sorted((i, key) for key in common for i in a_positions[key]):
        js = b_positions[k]
        for j in reversed(js):
            at = bisect.bisect_left(tails, j)
            prev = tail_node[at - 1] if at else -1
            nodes.append((i, j, prev))
            if at == len(tails):
                tails.append(j)
                tail_node.append(len(nodes) - 1)
            else:
                tails[at] = j
                tail_node[at] = len(nodes) - 1
    chain: list[tuple[int, int]] = []
    node = tail_node[-1] if tail_node else -1
    while node >= 0:
        i, j, node = nodes[node]
        chain.append((i, j))
    chain.reverse()
    return tuple(chain)


def chains_here(pairs: Sequence[tuple[CrossDoc, CrossDoc]], settings: CrossLangSettings) -> list[Chain]:
    """:func:`anchor_chain` of each pair, one after another, in this process."""
    return [anchor_chain(a, b, settings) for a, b in pairs]


def align_anchors(
    a: CrossDoc,
    b: CrossDoc,
    settings: CrossLangSettings,
    weight: Weight = _unit,
    weights: Callable[[CrossDoc], Sequence[float]] | None = None,
    chain: Chain | None = None,
) -> AnchorAlignment:
    """The longest common subsequence of two documents' anchors (:func:`anchor_chain`), weighed.

    ``weight`` gives each hard anchor's key (``kind:key``) its weight in the coverages;
    ``weights``, when given, is the same weight for each anchor of a document (0 for a name),
    kept by a caller that compares one document with many. ``chain``, when given, is the pair's
    :func:`anchor_chain` computed before.
    """
    if chain is None:
        chain = anchor_chain(a, b, settings)
    hard_pairs = [(i, j) for i, j in chain if a.hard[i]]
    # A name weighs 0 in these lists, and adding 0.0 leaves a float sum unchanged: the sums are
    # the sums over hard anchors alone, bit for bit.
    wa = weights(a) if weights is not None else anchor_weights(a, weight)
    wb = weights(b) if weights is not None else anchor_weights(b, weight)
    matched = sum(wa[i] for i, _ in hard_pairs)

    def share(part: float, whole: float) -> float:
        return part / whole if whole else 0.0

    a_total, b_total = sum(wa), sum(wb)
    framed_a = framed_b = 0.0
    if hard_pairs:
        (i0, j0), (i1, j1) = hard_pairs[0], hard_pairs[-1]
        framed_a = share(matched, sum(wa[i0 : i1 + 1]))
        framed_b = share(matched, sum(wb[j0 : j1 + 1]))
    return AnchorAlignment(
        chain,
        len(hard_pairs),
        len(chain) - len(hard_pairs),
        a.hard_anchors,
        b.hard_anchors,
        share(matched, a_total),
        share(matched, b_total),
        framed_a,
        framed_b,
    )


def anchor_weights(doc: CrossDoc, weight: Weight) -> list[float]:
    """``weight`` of each hard anchor's ``kind:key``, 0.0 for every name."""
    return [weight(k) if hard else 0.0 for k, hard in zip(doc.keyed, doc.hard, strict=True)]


def is_translation(alignment: AnchorAlignment, settings: CrossLangSettings) -> bool:
    """The floor a pair must pass: enough hard anchors in order, covering most of both sides."""
    low, high = sorted((alignment.coverage_a, alignment.coverage_b))
    if min(alignment.a_hard, alignment.b_hard) >= settings.rich_anchors:
        if alignment.hard < settings.min_anchors_in_order:
            return False
        if low >= settings.min_mutual_coverage and high >= settings.min_containment:
            return True
        # A translation with an added or missing part at an end: nearly every anchor matched
        # between the first and last match, and a good share of each whole side.
        return (
            min(alignment.framed_a, alignment.framed_b) >= settings.min_framed_coverage
            and low >= settings.min_framed_mutual
        )
    # Anchor-poor texts: every anchor of both sides matched, names included.
    total = alignment.hard + alignment.soft
    return total >= settings.poor_min_anchors and alignment.hard >= 1 and low >= settings.poor_min_coverage


def _pair(a: CrossDoc, b: CrossDoc, alignment: AnchorAlignment) -> TranslationPair:
    if (b.id, b.language or "") < (a.id, a.language or ""):
        a, b = b, a
        alignment = AnchorAlignment(
            tuple((j, i) for i, j in alignment.pairs),
            alignment.hard,
            alignment.soft,
            alignment.b_hard,
            alignment.a_hard,
            alignment.coverage_b,
            alignment.coverage_a,
            alignment.framed_b,
            alignment.framed_a,
        )
    evidence = tuple((a.anchors[i].kind, a.anchors[i].key) for i, _ in alignment.pairs)
    return TranslationPair(
        a.id,
        b.id,
        a.language,
        b.language,
        alignment.hard,
        alignment.soft,
        alignment.coverage_a,
        alignment.coverage_b,
        evidence,
    )


class TranslationIndex:
    """An inverted index of hard anchors, to which documents are added batch by batch.

    ``add`` returns the translation pairs each new document forms with the documents already
    added and with the rest of its batch; a pair is reported once. Anchors are weighted by
    rarity (``log((N + 1) / df)`` over the documents added so far, the batch included): a
    translation shares a document's own figures and identifiers, while two related documents
    (the manual pages of ``head`` and ``tail``) share mostly what many documents share.

    ``chains`` keeps each compared pair's :func:`anchor_chain` by the two documents' ids (the
    earlier one first): a chain found there is weighed, not computed, and a chain computed is
    put there. The rarity weights change as documents come, the chains never do. With
    ``chains``, those a batch lacks are worked out before it is weighed, all at once, by
    ``chain_many``: on a thousand manual pages in 27 languages (8,800 pairs compared) they were
    a fifth of the ``refresh`` that ends an ``add``, which spreads them over two processes.
    """

    def __init__(
        self,
        settings: CrossLangSettings | None = None,
        chains: MutableMapping[tuple[str, str], Chain] | None = None,
        chain_many: ChainMany = chains_here,
    ) -> None:
        self.settings = settings or CrossLangSettings()
        self.docs: list[CrossDoc] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.chains = chains
        self.chain_many = chain_many

    @staticmethod
    def _keys(doc: CrossDoc) -> set[str]:
        return {f"{x.kind}:{x.key}" for x in doc.anchors if x.kind in HARD_KINDS}

    def weight(self, key: str) -> float:
        """The rarity weight of a hard anchor's ``kind:key`` among the documents added so far."""
        holders = self.postings.get(key)
        return math.log((len(self.docs) + 1) / (len(holders) if holders else 1))

    def candidates(self, n: int, keys: set[str]) -> list[int]:
        """Earlier documents in another language sharing at least ``min_shared_keys`` rare anchors."""
        s = self.settings
        doc = self.docs[n]
        shared: Counter[int] = Counter()
        for key in keys:
            holders = self.postings.get(key)
            if holders is None or len(holders) > s.max_df:
                continue
            shared.update(m for m in holders if m < n)
        # Most shared anchors first, the earlier document first among equals: ``most_common``
        # alone breaks ties by the order keys were counted in, a set's order, which changes with
        # each process's string hashing, and the cut below then kept different candidates.
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        chosen = [
            m for m, count in ranked if count >= s.min_shared_keys and self.docs[m].language != doc.language
        ]
        return chosen[: s.max_candidates]

    def add(self, docs: Iterable[CrossDoc]) -> list[TranslationPair]:
        s = self.settings
        first = len(self.docs)
        batch_keys: list[set[str]] = []
        for doc in docs:
            keys = self._keys(doc)
            for key in keys:
                self.postings[key].append(len(self.docs))
            self.docs.append(doc)
            batch_keys.append(keys)
        found: list[TranslationPair] = []
        # Rarity weights are fixed until the next batch: each document's are worked out once.
        kept: dict[int, list[float]] = {}

        def weights(doc: CrossDoc) -> list[float]:
            got = kept.get(id(doc))
            if got is None:
                got = kept[id(doc)] = anchor_weights(doc, self.weight)
            return got

        # Every document of the batch with a hard anchor, and its candidates (no hard anchor,
        # as in most prose: none to look up).
        compared = [
            (first + offset, self.candidates(first + offset, keys))
            for offset, keys in enumerate(batch_keys)
            if keys
        ]
        chains = self.chains
        if chains is not None:
            missing = [
                (self.docs[m], self.docs[n])
                for n, ms in compared
                for m in ms
                if (self.docs[m].id, self.docs[n].id) not in chains
            ]
            if missing:
                for (a, b), chain in zip(missing, self.chain_many(missing, s), strict=True):
                    chains[(a.id, b.id)] = chain
        for n, ms in compared:
            doc = self.docs[n]
            for m in ms:
                other = self.docs[m]
                chain = chains[(other.id, doc.id)] if chains is not None else None
                alignment = align_anchors(other, doc, s, self.weight, weights, chain)
                if is_translation(alignment, s):
                    found.append(_pair(other, doc, alignment))
        return found


def find_translations(
    docs: Iterable[CrossDoc],
    settings: CrossLangSettings | None = None,
    chains: MutableMapping[tuple[str, str], Chain] | None = None,
    chain_many: ChainMany = chains_here,
) -> list[TranslationPair]:
    """Every translation pair among ``docs`` (profiles from :func:`profile`), in discovery order
    (``chains`` and ``chain_many``: see :class:`TranslationIndex`)."""
    return TranslationIndex(settings, chains, chain_many).add(docs)
