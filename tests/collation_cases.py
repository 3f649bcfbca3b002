"""Small collation cases with their expected tables, in the manner of CollateX's test suites.

Each case gives its witnesses (sigla A, B, C … in the order given) and the expected alignment
table, one row per witness, one cell per column, ``-`` where the witness has nothing. A column
holds the tokens that stand in one place: matched words, and the words that replace each other
there. Where the alignment is ambiguous, ``rule`` says which rule of
:mod:`variorum.collate.align` picks the expected answer.

The test suite checks variorum against every case (``tests/test_collation_cases.py``), and
``benchmarks/collate.py --cases`` scores variorum and CollateX on them side by side, per kind.
The witnesses are written for these tests; the phrases are common English.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    witnesses: tuple[str, ...]
    table: tuple[str, ...]  # one row per witness: cells separated by spaces, "-" for none
    rule: str = ""

    def columns(self) -> list[tuple[int | None, ...]]:
        """The expected table as columns of token indices (None where a witness has nothing)."""
        rows = [row.split() for row in self.table]
        width = {len(r) for r in rows}
        if len(width) != 1:
            raise ValueError(f"{self.name}: rows of unequal length")
        counters = [0] * len(rows)
        out: list[tuple[int | None, ...]] = []
        for c in range(width.pop()):
            col: list[int | None] = []
            for w, row in enumerate(rows):
                if row[c] == "-":
                    col.append(None)
                else:
                    col.append(counters[w])
                    counters[w] += 1
            out.append(tuple(col))
        for w, (row, n) in enumerate(zip(rows, counters, strict=True)):
            words = self.witnesses[w].split()
            if [x for x in row if x != "-"] != words or n != len(words):
                raise ValueError(f"{self.name}: row {w} does not spell its witness")
        return out


PIVOT = "a one-word anchor that keeps its rank among the anchors outweighs a longer one that swapped"
EARLIER = (
    "between equally good orders, the one that keeps the earlier words of the witness merged first "
    "(the longest; of equal lengths, the first by id)"
)
LEFT = "an unmatched word stands in the first free column after the last match (CollateX's rank)"
NEIGHBOUR = (
    "a repeated word matches the copy next to the words matched after it, as CollateX 2.3 does "
    '("district [of the Republic] of Azerbaijan" against "district of Azerbaijan")'
)

CASES: tuple[Case, ...] = (
    # -- double transpositions: a greedy match of the longer block must not win ----------------
    Case("swap around a pivot", "double transposition",
         ("the cat is black", "black is the cat"),
         ("the cat is black -",
          "black - is the cat"), PIVOT + "; " + LEFT),
    Case("two words swapped", "double transposition",
         ("a b", "b a"),
         ("- a b",
          "b a -"), EARLIER),
    Case("swap before a shared end", "double transposition",
         ("a b c", "b a c"),
         ("- a b c",
          "b a - c"), EARLIER),
    Case("subject and object swapped", "double transposition",
         ("the dog bites the man", "the man bites the dog"),
         ("the dog bites the man",
          "the man bites the dog"), NEIGHBOUR + "; " + LEFT),
    Case("clause swap around a verb", "double transposition",
         ("red wine and white bread were served", "white bread and red wine were served"),
         ("red wine and white bread were served",
          "white bread and red wine were served"), PIVOT + "; " + LEFT),
    # -- a token repeated in one witness -----------------------------------------------------
    Case("doubled article", "repeated token",
         ("the cat", "the the cat"),
         ("- the cat",
          "the the cat"), NEIGHBOUR),
    Case("repeated word dropped", "repeated token",
         ("a b a c", "a c"),
         ("a b a c",
          "- - a c"), NEIGHBOUR),
    Case("repeated word with three witnesses", "repeated token",
         ("the black cat", "the black and the white cat", "the white cat"),
         ("the black - - - cat",
          "the black and the white cat",
          "- - - the white cat"), NEIGHBOUR),
    Case("repeat at the start", "repeated token",
         ("to be or not to be", "not to be"),
         ("to be or not to be",
          "- - - not to be"), NEIGHBOUR),
    # -- an addition combined with a transposition -------------------------------------------
    Case("added word beside moved pair", "addition and transposition",
         ("a b c d", "c d x a b"),
         ("a b c d - - -",
          "- - c d x a b"), EARLIER + "; " + LEFT),
    Case("moved word and an added one", "addition and transposition",
         ("the quick brown fox", "the brown quick fox jumps"),
         ("the quick brown - fox -",
          "the - brown quick fox jumps"), EARLIER + "; " + LEFT),
    Case("three witnesses, one adds and moves", "addition and transposition",
         ("we met in paris last year", "we met in paris last year", "last year we met in rome"),
         ("- - we met in paris last year",
          "- - we met in paris last year",
          "last year we met in rome - -"), EARLIER + "; " + LEFT),
    # -- a replacement next to a transposition ------------------------------------------------
    Case("replacement after a swap", "replacement and transposition",
         ("a b c d e", "a c b x e"),
         ("a - b c d e",
          "a c b x - e"), EARLIER + "; " + LEFT),
    Case("swapped adjectives and new noun", "replacement and transposition",
         ("a large red house", "a red large barn"),
         ("a - large red house",
          "a red large barn -"), EARLIER + "; " + LEFT),
    # -- two fillers around one shared token ---------------------------------------------------
    Case("fillers on both sides", "fillers around a shared token",
         ("x a y", "p a", "a q"),
         ("x a y",
          "p a -",
          "- a q"), LEFT),
    Case("shared token read by later witnesses", "fillers around a shared token",
         ("x y", "p b q", "b"),
         ("x y -",
          "p b q",
          "- b -"), LEFT),
    Case("fillers of unequal length", "fillers around a shared token",
         ("one two here three", "four here five six"),
         ("one two here three -",
          "four - here five six"), LEFT),
    # -- short witnesses -------------------------------------------------------------------------
    Case("shared second word", "short witnesses",
         ("a x", "b", "a b"),
         ("a x",
          "- b",
          "a b"), LEFT),
    Case("one word against two", "short witnesses",
         ("b", "a b", "a x"),
         ("- b",
          "a b",
          "a x"), LEFT),
    Case("single words", "short witnesses",
         ("peace", "peace", "war"),
         ("peace",
          "peace",
          "war"), LEFT),
    Case("short title lines", "short witnesses",
         ("statement on the anniversary", "statement of the ministry", "the anniversary"),
         ("statement on the anniversary",
          "statement of the ministry",
          "- - the anniversary"), LEFT),
)  # fmt: skip

KINDS: tuple[str, ...] = tuple(dict.fromkeys(c.kind for c in CASES))


Columns = list[tuple[int | None, ...]]


def match_pairs(case: Case, columns: Columns) -> set[tuple[int, int, int, int]]:
    """Pairs of equal words (case folded) of two witnesses that stand in one column: the matches."""
    words = [w.casefold().split() for w in case.witnesses]
    out = set()
    for col in columns:
        cells = [(w, t) for w, t in enumerate(col) if t is not None]
        for a in range(len(cells)):
            for b in range(a + 1, len(cells)):
                (i, ti), (j, tj) = cells[a], cells[b]
                if words[i][ti] == words[j][tj]:
                    out.add((i, ti, j, tj))
    return out


def score(case: Case, columns: Columns) -> tuple[float, bool]:
    """Match F1 of ``columns`` against the expected table, and whether the table is exactly it
    (columns no witness reads are ignored)."""
    expected = case.columns()
    got = [c for c in columns if any(x is not None for x in c)]
    truth, found = match_pairs(case, expected), match_pairs(case, got)
    hit = len(truth & found)
    precision = hit / len(found) if found else 1.0
    recall = hit / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, got == expected
