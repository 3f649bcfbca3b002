"""A generator of synthetic witnesses whose edit log is the true alignment (for tests and benchmarks)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from variorum.collate.model import Collation
from variorum.model import Document, content_id
from variorum.text.normalize import tokenize

_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
# Letter-only invented words (digits would be separate tokens), a base vocabulary and a
# disjoint one for substitutions and insertions.
VOCAB = [a + b + "n" for a in _SYLLABLES for b in _SYLLABLES][:2000]
REPLACE = [a + b + "x" for a in _SYLLABLES for b in _SYLLABLES][:2000]
FUNCTION = "the of and to in that for with on as by from at which this".split()


@dataclass
class SynthWitness:
    doc: Document
    origin: list[int | None]  # per token: the base token it comes from (None: inserted)
    moved: set[int]  # token indices that were moved


def make_family(n_witnesses: int, words: int, seed: int, edits: float = 0.03) -> list[SynthWitness]:
    """Witnesses derived from one base text by substitutions, insertions, deletions and a move."""
    rnd = random.Random(seed)
    # Every third word is an English function word, as in real prose: the invented words alone
    # would read as no language at all to language identification.
    base = [rnd.choice(FUNCTION) if i % 3 == 1 else rnd.choice(VOCAB) for i in range(words)]
    out = []
    for k in range(n_witnesses):
        toks: list[tuple[str, int | None]] = [(w, i) for i, w in enumerate(base)]
        edited: list[tuple[str, int | None]] = []
        for tok, origin in toks:
            r = rnd.random()
            if r < edits / 3:
                continue  # deletion
            if r < 2 * edits / 3:
                edited.append((rnd.choice(REPLACE), origin))  # substitution: same place
            elif r < edits:
                edited.append((tok, origin))
                edited.append((rnd.choice(REPLACE), None))  # insertion
            else:
                edited.append((tok, origin))
        moved: set[int] = set()
        if k % 2 == 1 and len(edited) > 200:
            start = rnd.randint(20, len(edited) // 2)
            block = edited[start : start + 25]
            del edited[start : start + 25]
            dest = rnd.randint(start + 60, len(edited) - 10)
            edited[dest:dest] = block
            moved = set(range(dest, dest + 25))
        sentences = []
        for i in range(0, len(edited), 15):
            sentences.append(" ".join(t for t, _ in edited[i : i + 15]).capitalize() + ".")
        text = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
        doc = Document(id=content_id(text), text=text, path=f"synth-{k}.txt", date=f"20{10 + k:02d}-01-01")
        out.append(SynthWitness(doc, [o for _, o in edited], moved))
    return out


Pair = tuple[int, int, int, int]  # (witness i, its token, witness j, its token), i < j


def predicted_pairs(c: Collation, wit_index: dict[str, int], exclude: dict[str, set[int]]) -> set[Pair]:
    """Pairs of tokens in one column of the table, as indices into each witness's full tokenization
    (a witness's table tokens are its body tokens only, hence the mapping by character offset)."""
    full = {w.id: {s: i for i, s in enumerate(tokenize(w.text).starts)} for w in c.witnesses}
    pairs: set[Pair] = set()
    for col in c.table.columns:
        present = [
            (wit_index[w.id], full[w.id][w.tokens.starts[t]])
            for w, t in zip(c.witnesses, col, strict=True)
            if t is not None and full[w.id][w.tokens.starts[t]] not in exclude[w.id]
        ]
        for (i, ti), (j, tj) in itertools.combinations(sorted(present), 2):
            pairs.add((i, ti, j, tj))
    return pairs


def true_pairs(family: list[SynthWitness]) -> set[Pair]:
    """Tokens of two witnesses that come from the same base token and were not moved."""
    pairs: set[Pair] = set()
    for (i, wi), (j, wj) in itertools.combinations(enumerate(family), 2):
        where = {o: t for t, o in enumerate(wj.origin) if o is not None and t not in wj.moved}
        for t, o in enumerate(wi.origin):
            if o is not None and t not in wi.moved and o in where:
                pairs.add((i, t, j, where[o]))
    return pairs
