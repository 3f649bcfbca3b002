"""Texts in other scripts signed in batches: Cyrillic, Greek, Arabic, and Latin beyond ASCII.

:func:`variorum.dedup.batch.fast_path` reads texts that fold to ASCII. A text in Cyrillic,
Greek or Arabic, or in Latin with letters such as ``ə`` and ``ı``, used to be tokenized one by
one by :class:`~variorum.dedup.tokens.ChunkTokens`, with a Python call per new word: ten times
the CPU of an English record. Most such texts are letters whose normalized form does not
depend on their neighbours (lower case, diacritics removed: ``Ё`` → ``е``, ``Ά`` → ``α``,
Arabic vowel marks and the tatweel vanish) and characters that only separate words.
:func:`code_table` gives each such character its normalized code point (0: it vanishes inside
a word; a space: it separates words), derived from the normalizer itself as
:func:`~variorum.dedup.batch.fold_table` is; :func:`script_tokens` then maps a whole batch of
texts, as one array of code points, and finds every token and its hash with numpy. A text with
any other character (digits, apostrophes, ``^``, CJK, a letter whose form has two characters
such as ``ß``) is left to the per-text path. Token hashes are
:func:`~variorum.dedup.tokens.token_hash` (the tests compare them with the normalizer's tokens).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from variorum.dedup.batch import (
    _powers,
    _unfoldable,
    fold_table,
    folded_in_place,
    gathered,
    owners,
    run_polys,
)
from variorum.dedup.tokens import CountsByPolynomial, VocabularyIndex
from variorum.detect.fingerprint import mix64
from variorum.text.normalize import WORD, gap_kind, raw_tokens

#: Code points :func:`code_table` considers: ASCII, Latin-1 to Cyrillic (with IPA, combining
#: marks and Greek), Arabic, Latin Extended Additional and general punctuation.
SCRIPT_BLOCKS = (range(0x0, 0x530), range(0x600, 0x700), range(0x1E00, 0x2070))
_SPACE = 0x20
_BAD = -1


@cache
def code_table() -> np.ndarray:
    """For each code point below the table's end: its normalized code point inside a word, 0 when
    it vanishes there, a space when it only separates words, -1 when the text must take the
    per-text path.

    A letter (or mark, or soft hyphen) ``c`` gets code point ``f`` when the normalizer gives
    ``c`` alone as the one word ``f`` (or nothing, for 0) and ``"a" + c + "b"`` as the one word
    ``"a" + f + "b"``. Any other character gets a space when it is no token alone and separates
    ``"a" + c + "b"`` into ``a`` and ``b``. Digits, apostrophes and ``^`` (which have rules of
    their own) are -1. The normalizer is called twice for all the characters, each on a line of
    its own (no token crosses a line break), rather than twice per character.
    """
    size = max(block.stop for block in SCRIPT_BLOCKS)
    table = np.full(size, _BAD, dtype=np.int32)
    chars = [
        chr(code)
        for block in SCRIPT_BLOCKS
        for code in block
        if not (chr(code) in "'\u2019\u02bc`^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
                or chr(code).isdigit() or chr(code).isnumeric())
    ]  # fmt: skip
    alone = _per_line(chars)
    inside = _per_line(["a" + c + "b" for c in chars])
    for c, (norms, kinds), (in_norms, in_kinds) in zip(chars, alone, inside, strict=True):
        if unicodedata.category(c)[0] in "LM" or c == "\u00ad":
            form = norms[0] if len(norms) == 1 else ""
            if (
                len(norms) <= 1
                and len(form) <= 1
                and (form == "" or kinds == [WORD])
                and in_norms == ["a" + form + "b"]
                and in_kinds == [WORD]
            ):
                table[ord(c)] = ord(form) if form else 0
        elif not norms and in_norms == ["a", "b"]:
            table[ord(c)] = _SPACE
    for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":  # line breaks separate words
        table[ord(c)] = _SPACE if raw_tokens("a" + c + "b").norms == ["a", "b"] else _BAD
    return table


def _per_line(pieces: list[str]) -> list[tuple[list[str], list[int]]]:
    """The normalizer's (norms, kinds) of each piece, from one call over the pieces as lines."""
    raw = raw_tokens("\n".join(pieces))
    bounds = np.cumsum([0, *(len(p) + 1 for p in pieces)])
    cuts = np.searchsorted(np.asarray(raw.starts, dtype=np.int64), bounds).tolist()
    return [(raw.norms[lo:hi], raw.kinds[lo:hi]) for lo, hi in itertools.pairwise(cuts)]


@dataclass(frozen=True)
class ScriptWords:
    """The tokens of a batch by hash, as :class:`variorum.dedup.batch.BatchWords`."""

    hashes: np.ndarray
    codes: np.ndarray  # the batch's normalized code points
    starts: np.ndarray
    ends: np.ndarray

    def form(self, i: int) -> str:
        return "".join(map(chr, self.codes[self.starts[i] : self.ends[i]].tolist()))

    def forms(self, indices: np.ndarray) -> list[str]:
        """:meth:`form` of each of ``indices``, decoded together."""
        chars, bounds = gathered(self.codes, self.starts[indices], self.ends[indices])
        text = chars.astype(np.uint32).tobytes().decode("utf-32-le")
        return [text[a:b] for a, b in itertools.pairwise(bounds)]


def script_tokens(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, ScriptWords]:
    """Which ``texts`` are read here (``ok``), the hashes of their tokens in order, the text each
    token belongs to, and the tokens' forms (for word counts)."""
    n = len(texts)
    joined = "\n".join(texts) + "\n"
    raw = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=n) + 1
    text_start = np.cumsum(sizes) - sizes
    mapped = mapped_codes(raw)
    ok = np.ones(n, dtype=bool)
    bad = np.flatnonzero(mapped < 0)
    if len(bad):
        ok[np.searchsorted(text_start, bad, side="right") - 1] = False
    if mapped.all():  # nothing vanishes (the usual case): no gather
        codes, starts_of_text = mapped, text_start
    else:
        kept = np.flatnonzero(mapped)  # characters that vanish inside a word are dropped
        codes = mapped[kept]
        starts_of_text = np.searchsorted(kept, text_start)
    letter = np.zeros(len(codes) + 2, dtype=bool)
    np.greater(codes, _SPACE, out=letter[1:-1])  # a letter's code point is above the space's
    edges = np.flatnonzero(letter[1:] != letter[:-1])
    starts, ends = edges[0::2], edges[1::2]
    poly = run_polys(codes, starts, ends)
    owner = owners(starts, starts_of_text)
    keep = ok[owner]
    hashes = mix64(poly[keep])
    return ok, hashes, owner[keep], ScriptWords(hashes, codes, starts[keep], ends[keep])


@cache
def _clipped_table() -> np.ndarray:
    """:func:`code_table` as ``int16`` with one more entry, -1, for every code point beyond it."""
    table = code_table()
    out = np.full(len(table) + 1, _BAD, dtype=np.int16)
    out[:-1] = table
    return out


def prepare_tables() -> None:
    """Build the tables both batch paths read (:func:`~variorum.dedup.batch.fold_table`,
    :func:`code_table`) in this process, before it forks workers: they then share one copy
    rather than each building its own."""
    fold_table()
    _unfoldable()
    _clipped_table()


def mapped_codes(raw: np.ndarray) -> np.ndarray:
    """:func:`code_table`'s value for each code point of ``raw`` (-1 beyond the table), in one
    pass (``take`` clips to the last entry)."""
    return _clipped_table().take(raw, mode="clip")


_HYPHENS = "-\u00ad\u2010"  # what may open a gap_kind 2 gap (a hyphen at a line end)
_HYPHEN_CODES = np.array([ord(c) for c in _HYPHENS], dtype=np.uint32)
#: str.isspace of each ASCII character, and False at index 128 (any other character).
_ASCII_SPACE = np.array([chr(c).isspace() for c in range(128)] + [False])


def _may_join(
    sites: np.ndarray,
    poly: np.ndarray,
    pairs: np.ndarray,
    triples: np.ndarray,
    owner: np.ndarray,
    ends: np.ndarray,
    original: np.ndarray,
    index: VocabularyIndex,
) -> np.ndarray:
    """The ``sites`` where repair_splits' rules could join two or three tokens, by their counts.

    A necessary condition only, from the counts by polynomial: two pieces join when the joined
    word is known and at least as frequent as the rarer piece, or after a hyphen at a line end;
    three when their word is at least as frequent as the rarest piece. In English text most
    sites are two common words that make a rarer one ("in" + "to"), and each cost a few
    dictionary lookups and a gap test in Python; the exact rules still decide the rest.
    ``original`` holds the code points of the texts as given (where the gaps are read).
    """
    cf2 = index.count_of(pairs[sites])
    cfa, cfb = index.count_of(poly[sites]), index.count_of(poly[sites + 1])
    rarer = np.minimum(cfa, cfb)
    hyphen = np.isin(original[ends[sites]], _HYPHEN_CODES)
    may = (cf2 > 0) & ((rarer <= cf2) | hyphen)
    inner = sites < len(triples)
    if inner.any():
        at = sites[inner]
        cf3 = index.count_of(triples[at])
        rarest = np.minimum(rarer[inner], index.count_of(poly[at + 2]))
        may[inner] |= (cf3 > 0) & (rarest <= cf3) & (owner[at + 2] == owner[at])
    return sites[may]


def gap_kinds(original: np.ndarray, text: str, ends: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """:func:`~variorum.text.normalize.gap_kind` of ``text`` between each of ``ends`` and the
    next token's start (``starts``), all at once; ``original`` is ``text``'s code points.

    A gap of ASCII characters is tested here (one to four characters, all whitespace: 1; a
    hyphen, then whitespace holding a line break: 2); a gap with any other character is given
    to ``gap_kind`` itself.
    """
    length = starts - ends
    kinds = np.zeros(len(length), dtype=np.int8)
    if not len(length):
        return kinds
    columns = np.arange(4)
    chars = original[np.minimum(ends[:, None] + columns, len(original) - 1)]
    inside = columns < length[:, None]
    fits = (length >= 1) & (length <= 4)
    space = _ASCII_SPACE[np.minimum(chars, 128)] | ~inside
    blank = space.all(axis=1)
    kinds[fits & blank] = 1
    newline = ((chars[:, 1:] == 10) & inside[:, 1:]).any(axis=1)
    kinds[fits & ~blank & (chars[:, 0] == 0x2D) & space[:, 1:].all(axis=1) & newline] = 2
    for k in np.flatnonzero(fits & ((chars >= 128) & inside).any(axis=1)).tolist():
        kinds[k] = gap_kind(text, int(ends[k]), int(starts[k]))
    return kinds


def _join_widths(
    sites: np.ndarray,
    poly: np.ndarray,
    pairs: np.ndarray,
    triples: np.ndarray,
    owner: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    original: np.ndarray,
    text: str,
    index: VocabularyIndex,
) -> np.ndarray:
    """How many tokens repair_splits joins at each of ``sites`` (0, 2 or 3) when the join is not
    inside one made at an earlier site: its rules, in its order, for all sites at once from the
    counts by polynomial (a site's decision depends on nothing but its own tokens and gaps).
    Deciding site by site in Python was over a quarter of tokenizing the records to compare
    (the 3,899 of 20,000 invented records: 0.50 s of CPU, 0.36 s this way)."""
    count = index.count_of
    n = len(poly)
    cf2, ca, cb = count(pairs[sites]), count(poly[sites]), count(poly[sites + 1])
    rarer = np.minimum(ca, cb)
    g1 = gap_kinds(original, text, ends[sites], starts[sites + 1])
    two = (cf2 > 0) & np.where(rarer <= cf2, g1 > 0, g1 == 2)
    third = sites + 2 < n
    third[third] = owner[sites[third] + 2] == owner[sites[third]]
    cf3 = np.zeros(len(sites), dtype=np.int64)
    cc = np.zeros(len(sites), dtype=np.int64)
    cf3[third] = count(triples[sites[third]])
    cc[third] = count(poly[sites[third] + 2])
    maybe = ~two & third & (cf3 > 0) & (np.minimum(rarer, cc) <= cf3) & (g1 > 0)
    at = sites[maybe]
    three = np.zeros(len(sites), dtype=bool)
    three[maybe] = gap_kinds(original, text, ends[at + 1], starts[at + 2]) > 0
    return np.where(two, 2, np.where(three, 3, 0))


def _runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end and polynomial of every run of code points other than a space."""
    letter = np.zeros(len(codes) + 2, dtype=bool)
    letter[1:-1] = codes != _SPACE
    edges = np.flatnonzero(letter[1:] != letter[:-1])
    starts, ends = edges[0::2], edges[1::2]
    if not len(starts):
        return starts, ends, np.empty(0, dtype=np.uint64)
    return starts, ends, run_polys(codes, starts, ends)


def _spelled_joins(
    sites: np.ndarray,
    codes: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    owner: np.ndarray,
    text: str,
    index: VocabularyIndex,
) -> Iterator[tuple[int, int]]:
    """(site, tokens joined there) where repair_splits joins, its rules asked of a spelled
    vocabulary word by word (sites inside an earlier join included: the caller skips them)."""
    normalized = codes.tobytes().decode("utf-32-le")
    get = index.counts.get
    starts_list, ends_list, owners = starts.tolist(), ends.tolist(), owner.tolist()
    n = len(starts_list)

    def norm(i: int) -> str:
        return normalized[starts_list[i] : ends_list[i]]

    def gap(i: int) -> int:
        return gap_kind(text, ends_list[i], starts_list[i + 1])

    for i in sites.tolist():
        # repair_splits at site i: every token is a word here.
        a, b = norm(i), norm(i + 1)
        cf, ca, cb = get(a + b, 0), get(a, 0), get(b, 0)
        if cf and min(ca, cb) <= cf:
            width = 2 if gap(i) else 0
        elif cf:
            width = 2 if gap(i) == 2 else 0
        else:
            width = 0
        if not width and i + 2 < n and owners[i + 2] == owners[i]:
            c = norm(i + 2)
            cf3, cc = get(a + b + c, 0), get(c, 0)
            if cf3 and min(ca, cb, cc) <= cf3 and gap(i) and gap(i + 1):
                width = 3
        if width:
            yield i, width


def compare_texts(texts: Sequence[str], index: VocabularyIndex) -> list[np.ndarray | None]:
    """:meth:`ChunkTokens.compare_tokens` of each text with a complete vocabulary, all tokenized
    together; None for a text this path cannot read.

    A text is read here when every character keeps its place: plain ASCII, Latin that
    :func:`~variorum.dedup.batch.folded_in_place` folds one for one, or letters and separators
    of :func:`code_table` none of which vanishes. Its normalized code points then sit at the
    text's own offsets, so tokens and their polynomials come from the code points (running sums,
    as :func:`~variorum.dedup.batch.token_polys`) and the gaps that split repair tests from the
    original text. Sites where two or three tokens run together make a word of the vocabulary
    are found for all texts at once (pairs and triples across two texts left out); there
    :func:`~variorum.text.normalize.repair_splits`' own rules decide, in its order.
    """
    out: list[np.ndarray | None] = [None] * len(texts)
    if not texts:
        return out
    source = [folded_in_place(t) or t for t in texts]  # folding keeps every offset
    joined_text = "\n".join(texts) + "\n"
    raw = np.frombuffer(("\n".join(source) + "\n").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # The texts' own code points, where the gaps are read: the same unless folding changed one.
    original = raw
    if any(s is not t for s, t in zip(source, texts, strict=True)):
        original = np.frombuffer(joined_text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    mapped = mapped_codes(raw)
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    text_start = np.cumsum(sizes) - sizes
    eligible = list(range(len(texts)))
    ok = np.ones(len(texts), dtype=bool)
    moved = np.flatnonzero(mapped <= 0)  # another path's character, or one that vanishes
    if len(moved):
        ok[np.searchsorted(text_start, moved, side="right") - 1] = False
    codes = np.where(mapped > 0, mapped, _SPACE).astype(np.uint32)
    starts, ends, poly = _runs(codes)
    owner = owners(starts, text_start)
    hashes = mix64(poly)
    n = len(hashes)
    keep: np.ndarray | None = None
    if n >= 2:
        power = _powers(ends - starts)
        same = owner[:-1] == owner[1:]
        with np.errstate(over="ignore"):
            pairs = poly[:-1] * power[1:] + poly[1:]
            triples = pairs[:-1] * power[2:] + poly[2:]
        known = index.contains(pairs) & same
        known[:-1] |= index.contains(triples) & same[:-1] & same[1:]
        known &= ok[owner[:-1]]
        found = np.flatnonzero(known)
        if index.key_counts is not None and len(found):
            found = _may_join(found, poly, pairs, triples, owner, ends, original, index)
        # Counts by polynomial are what index.counts.get gives such an index: every site's
        # decision at once (_join_widths); a spelled vocabulary is asked word by word.
        if isinstance(index.counts, CountsByPolynomial):
            widths = _join_widths(
                found, poly, pairs, triples, owner, starts, ends, original, joined_text, index
            )
            chosen = np.flatnonzero(widths)
            joins = zip(found[chosen].tolist(), widths[chosen].tolist(), strict=True)
        else:
            joins = _spelled_joins(found, codes, starts, ends, owner, joined_text, index)
        done = 0
        joined2: list[int] = []
        joined3: list[int] = []
        for i, width in joins:
            if i < done:
                continue  # inside a word joined at an earlier site
            if keep is None:
                keep = np.ones(n, dtype=bool)
            (joined2 if width == 2 else joined3).append(i)
            keep[i + 1 : i + width] = False
            done = i + width
        # The joined word's hash from the polynomials already composed: token_hash(a + b) for
        # every join at once.
        hashes[joined2] = mix64(pairs[joined2])
        hashes[joined3] = mix64(triples[joined3])
    bounds = np.searchsorted(owner, np.arange(len(eligible) + 1)).tolist()
    for j, k in enumerate(eligible):
        if ok[j]:
            lo, hi = bounds[j], bounds[j + 1]
            out[k] = hashes[lo:hi] if keep is None else hashes[lo:hi][keep[lo:hi]]
    return out
