"""Tokens with a map back to the original text.

Variorum never rewrites a document to compare it. It cuts the original text into tokens and gives
each token a *normalized form* (what comparisons see) and the *character span* it came from
(what reports quote). Everything that makes two copies of one text look different without
changing what they say is absorbed in the normalized form:

* Unicode compatibility forms (NFKC), case (casefold), diacritics (``é`` = ``e``, ``ё`` = ``е``),
  apostrophes (``Azerbaijan’s`` = ``Azerbaijan's`` = ``Azerbaijans``), soft hyphens;
* punctuation, quotes and dashes, which are never tokens (``Mi–24`` = ``Mi-24`` = ``Mi 24``);
* whitespace and hard line wraps, which separate tokens and nothing more;
* Markdown and LaTeX residue: ``**``, ``*…*`` are punctuation; superscripts like ``^{er}`` are
  skipped;
* number formats: ``60.000`` = ``60,000`` = ``60 000`` → ``60000``; ``06`` → ``6``; ``3,5`` → ``3.5``.
  Digits are always kept: figures, dates and document symbols are what changes between versions;
* words cut by extraction: ``aggr ession``, ``civi lians``, ``fro m`` and ``counter-⏎measures`` are
  joined (see :func:`repair_splits`) where the vocabulary shows the joined word.

Scripts: letters and marks of any script form words; Han, Hiragana and Katakana, which are written
without spaces, give one token per character, so Chinese and Japanese texts align character by
character.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import regex

from variorum.text.lazy_pattern import LazyPattern, compile_pattern

# One alternation, tried left to right at each position:
#   1. LaTeX-like superscript residue, skipped (e.g. the "^{er}" of "43^{er} período");
#   2. grouped numbers: 1-3 digits then groups of exactly 3 after "." "," or a (narrow) space;
#   3. other numbers, with an optional decimal part;
#   4. one CJK ideograph or kana;
#   5. a word: letters and marks (soft hyphens and inner apostrophes allowed).
#: Compiled on first use: tokens are cut by the cutters below, which these define (``_cut_reference``
#: and the tests use the patterns themselves).
_TOKEN_RE = LazyPattern(
    regex,
    r"""
    (?P<skip>\^\{[^{}\n]{0,12}\})
  | (?P<group>(?<![\d.,])\d{1,3}(?:(?:[.,]|[ \u00a0\u202f\u2009])\d{3})+(?![\d]|[.,]\d))
  | (?P<num>\d+(?:[.,]\d+)*)
  | (?P<cjk>[\p{Han}\p{Hiragana}\p{Katakana}])
  | (?P<word>[\p{L}\p{M}\u00ad]+(?:['’ʼ`][\p{L}\p{M}\u00ad]+)*)
    """,
    regex.VERBOSE | regex.V1,
)

# The same alternation for ASCII text, in the standard library's faster engine (no Unicode
# properties are needed there): most texts are ASCII, and cutting tokens is the largest single
# cost of adding a document. A test checks that both give the same tokens on ASCII text.
_ASCII_TOKEN_RE = LazyPattern(
    re,
    r"""
    (?P<skip>\^\{[^{}\n]{0,12}\})
  | (?P<group>(?<![\d.,])\d{1,3}(?:[., ]\d{3})+(?!\d|[.,]\d))
  | (?P<num>\d+(?:[.,]\d+)*)
  | (?P<word>[A-Za-z]+(?:['`][A-Za-z]+)*)
    """,
    re.VERBOSE | re.ASCII,
)

WORD, NUMBER, CJK = 0, 1, 2

_APOSTROPHES = "'’ʼ`\u00ad"  # removed from words
# Combining marks removed after NFKD: Latin/Greek/Cyrillic diacritics and Arabic harakat and
# tatweel. Marks of other scripts (e.g. Devanagari vowel signs) carry letters and are kept.
_FOLDED_MARKS = {chr(c) for c in range(0x0300, 0x0370)} | {chr(c) for c in range(0x064B, 0x0660)}
_FOLDED_MARKS |= {"\u0670", "\u0640"}
# Both deleted with re.sub: str.translate looks every character up in a dict, three to four
# times slower on the words of a new document, each of which is normalized once.
_FOLDED_MARK = re.compile("[" + "".join(sorted(_FOLDED_MARKS)) + "]")
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")


@dataclass(frozen=True)
class Tokens:
    """Normalized tokens of one text and the character span of each in that text.

    ``norms[i]`` is compared; ``text[starts[i]:ends[i]]`` is what the document actually says.
    A joined split word spans both pieces and the space between them.
    """

    norms: list[str]
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.norms)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Character span from the start of token ``first`` to the end of token ``last - 1``."""
        return self.starts[first], self.ends[last - 1]


@dataclass(frozen=True)
class RawTokens:
    """Tokens before split-word repair; ``kinds`` says WORD, NUMBER or CJK for each."""

    norms: list[str]
    starts: list[int]
    ends: list[int]
    kinds: list[int]


_norm_cache: dict[str, str] = {}
_number_cache: dict[str, str] = {}
_grouped_cache: dict[str, str] = {}


def normalize_word(raw: str) -> str:
    """The normalized form of one word: NFKC, casefold, diacritics and apostrophes folded."""
    cached = _norm_cache.get(raw)
    if cached is not None:
        return cached
    s = unicodedata.normalize("NFKC", raw).casefold()
    if not s.isascii():
        decomposed = unicodedata.normalize("NFKD", s)
        s = unicodedata.normalize("NFC", _FOLDED_MARK.sub("", decomposed))
    s = _APOSTROPHE.sub("", s)
    if len(_norm_cache) < 1_000_000:
        _norm_cache[raw] = s
    return s


def normalize_words(raws: list[str]) -> list[str]:
    """:func:`normalize_word` of each of ``raws``, normalized as one string.

    A new document in another script brings dozens of words never seen before, and each cost
    several Unicode passes of its own. Normalization never acts across a line break (a starter
    that composes with nothing, which nothing decomposes into and nothing folded away), and
    case folding and the deletions act character by character, so the words joined by line
    breaks are normalized in one go of each pass and split again. Words holding a line break
    themselves (never a token) are normalized one by one.
    """
    if not raws or any("\n" in raw for raw in raws):
        return list(map(normalize_word, raws))
    s = unicodedata.normalize("NFKC", "\n".join(raws)).casefold()
    if not s.isascii():
        decomposed = unicodedata.normalize("NFKD", s)
        s = unicodedata.normalize("NFC", _FOLDED_MARK.sub("", decomposed))
    norms = _APOSTROPHE.sub("", s).split("\n")
    if len(_norm_cache) < 1_000_000:
        _norm_cache.update(zip(raws, norms, strict=True))
    return norms


def normalize_number(raw: str, grouped: bool) -> str:
    """Canonical digits: thousands separators dropped, decimal comma as a point, no leading zeros.

    A separator followed by exactly three digits is read as a thousands separator (``60.000``,
    ``1,500``): official texts use both conventions and "1.500" meaning 1.5 is rarer there than
    "1.500" meaning 1500.
    """
    cache = _grouped_cache if grouped else _number_cache
    cached = cache.get(raw)
    if cached is not None:
        return cached
    s = unicodedata.normalize("NFKC", raw)
    if grouped:
        s = "".join(c for c in s if c.isdigit()).lstrip("0") or "0"
    else:
        parts = s.replace(",", ".").split(".")
        if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
            s = "".join(parts).lstrip("0") or "0"
        else:
            s = ".".join([parts[0].lstrip("0") or "0", *parts[1:]])
    if len(cache) < 100_000:
        cache[raw] = s
    return s


#: Characters of non-ASCII text a process cuts with the ``regex`` module before it builds the
#: table of the Basic Multilingual Plane's characters (:func:`_bmp_classes`). Building it takes
#: ~15 ms (the ``regex`` module classing 65,536 characters), and it then saves about 0.3 ms on a
#: document of 500 words in Cyrillic, Greek or Arabic: a command that reads two pages never pays
#: for it, a worker adding documents pays it back within a few dozen.
BMP_TABLE_AFTER = 200_000
#: Texts shorter than this are cut by the regular expression (:func:`_cut`): the table path
#: (:func:`_cut_by_classes`) costs ~25 microseconds of numpy calls whatever the length, which
#: the engine's ~0.1 microsecond a character only exceeds past a few hundred characters.
TABLE_MIN_CHARS = 200
#: ASCII characters a process that has not imported numpy cuts by the regular expression before
#: it imports numpy for the table path: the expression takes ~0.09 microseconds a character and
#: the table ~0.05 (measured on a one-page seed), so numpy's import (~40 ms, a third of
#: ``variorum collate --files`` on two pages) is paid back only after about this many.
ASCII_TABLE_AFTER = 1_000_000
_unicode_chars = 0  # non-ASCII characters cut so far by the regex module, in this process
_ascii_chars = 0  # ASCII characters cut so far by the expression for want of numpy


def raw_tokens(text: str) -> RawTokens:
    """Cut ``text`` into tokens with normalized forms, before split-word repair."""
    global _unicode_chars, _ascii_chars
    if text.isascii():
        if len(text) < TABLE_MIN_CHARS:
            return _cut(text, _ascii_cutter())
        if _ascii_chars < ASCII_TABLE_AFTER and "numpy" not in sys.modules:
            _ascii_chars += len(text)
            return _cut(text, _ascii_cutter())
        return _cut_by_classes(text, _ascii_classes())
    if len(text) >= TABLE_MIN_CHARS and _unicode_chars >= BMP_TABLE_AFTER:
        return _cut_by_classes(text, _bmp_classes())  # text beyond the BMP goes to _cut
    _unicode_chars += len(text)
    return _cut(text, _unicode_cutter())


@dataclass(frozen=True)
class _Cutter:
    """The token alternation as one capturing group, and what tells its kinds of token apart.

    ``split`` with a single group hands back the text between tokens and the tokens, alternately,
    and nothing else: with one group per kind it also handed back a ``None`` for each other kind
    of every token. The kind is told afterwards from each token's first character: a token that
    starts with ``^`` is skipped residue, one that starts with a digit a number, a Han or kana
    character is one CJK token, anything else a word, since no other alternative can start
    with those characters and the CJK one comes before the word one. Whether a number is a
    grouped one ("60 000") is what the ``group`` alternative, tried first, says at its start.

    Text without any of those characters (``special`` finds none) has only words, and is cut
    by the word alternative alone (``split_words``): the engine then skips from word to word
    instead of trying five alternatives at every space, a third less time.
    """

    split: Callable[[str], list[str]]
    split_words: Callable[[str], list[str]]
    special: Callable[[str], Iterator[re.Match[str]] | Iterator[regex.Match[str]]]
    has_special: Callable[[str], re.Match[str] | regex.Match[str] | None]
    digit: Callable[[str], re.Match[str] | regex.Match[str] | None]
    group: Callable[[str, int], re.Match[str] | regex.Match[str] | None]


def _unnamed(pattern: str) -> str:
    """A reference pattern with its named groups made plain (non-capturing) groups."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def _alternative(pattern: str, name: str) -> str:
    """The named alternative ``name`` of a reference pattern (written one to a line)."""
    match = re.search(rf"^\s*\|?\s*\(\?P<{name}>(.*)\)\s*$", pattern, re.MULTILINE)
    assert match is not None, name
    return match.group(1)


def _cutter(module: ModuleType, reference: str, digit: str, cjk: str, flags: int) -> _Cutter:
    r"""A cutter for the ``reference`` pattern, compiled by ``module``; ``digit`` and ``cjk`` are
    character classes that match what its ``\d`` and its CJK alternative match."""
    special = compile_pattern(module, rf"[\^{digit[1:-1]}{cjk[1:-1]}]", flags)
    return _Cutter(
        compile_pattern(module, f"({_unnamed(reference)})", flags).split,
        compile_pattern(module, f"({_alternative(reference, 'word')})", flags).split,
        special.finditer,
        special.search,
        compile_pattern(module, digit, flags).match,
        compile_pattern(module, _alternative(reference, "group"), flags).match,
    )


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _ascii_cutter() -> _Cutter:
    """:data:`_ASCII_TOKEN_RE` as a cutter."""
    return _cutter(re, _ASCII_TOKEN_RE.pattern, r"[\d]", "[]", re.VERBOSE | re.ASCII)


@functools.cache
def _unicode_cutter() -> _Cutter:
    """:data:`_TOKEN_RE` as a cutter, in the ``regex`` module: for text beyond the BMP."""
    cjk = r"[\p{Han}\p{Hiragana}\p{Katakana}]"
    return _cutter(regex, _TOKEN_RE.pattern, r"[\d]", cjk, regex.VERBOSE | regex.V1)


def _cut(text: str, cutter: _Cutter) -> RawTokens:
    """Tokens of ``text`` by ``cutter`` (one of the two above), cut with ``split``.

    ``split`` hands back the text between tokens and the tokens as one plain list, without a
    match object per token; the spans follow from the lengths by a running sum and the
    normalized forms from the cache, each in one C-level pass. Only numbers, CJK characters and
    skipped residue are handled one by one. :func:`_cut_reference` is the loop over match
    objects this replaces (about a microsecond per token); hypothesis tests keep them equal.
    """
    special = cutter.has_special(text) is not None
    parts = cutter.split(text) if special else cutter.split_words(text)
    tokens = parts[1::2]
    bounds = list(itertools.accumulate(map(len, parts)))
    starts, ends = bounds[0:-1:2], bounds[1::2]
    norms: list[str | None] = list(map(_norm_cache.get, tokens))
    kinds = [WORD] * len(tokens)
    if special:
        firsts = "".join(map(operator.itemgetter(0), tokens))  # one character per token
        for m in cutter.special(firsts):
            slot = m.start()
            piece = tokens[slot]
            if piece[0] == "^":  # "^{...}": skipped
                norms[slot] = ""
            elif cutter.digit(piece):
                grouped = cutter.group(text, starts[slot]) is not None
                norms[slot], kinds[slot] = normalize_number(piece, grouped=grouped), NUMBER
            else:
                norms[slot], kinds[slot] = normalize_word(piece), CJK
    if not all(norms):  # words not seen before, or tokens that normalize to nothing
        for i, norm in enumerate(norms):
            if norm is None:
                norms[i] = normalize_word(tokens[i])
        if "" in norms:  # skipped residue, or a word that normalizes to nothing (a lone soft hyphen)
            keep = list(map(bool, norms))
            norms = list(itertools.compress(norms, keep))
            starts = list(itertools.compress(starts, keep))
            ends = list(itertools.compress(ends, keep))
            kinds = list(itertools.compress(kinds, keep))
    return RawTokens(norms, starts, ends, kinds)  # type: ignore[arg-type]


# Classes of characters for :func:`_cut_by_classes`. The two kinds of word character are next
# to each other, and the classes a text seldom has come last, so that one maximum tells whether
# a text has any of them.
_OTHER, _APOSTROPHE_MARK, _LETTER, _CJK_LETTER, _DIGIT, _CARET, _CJK_OTHER = range(7)


@dataclass(frozen=True)
class _Classes:
    """What :func:`_cut_by_classes` needs to cut one kind of text (ASCII, or the BMP).

    ``table`` holds the class of every code point below its length, found by the very
    expression it stands for, so that both agree on every character by construction; ``special``
    matches the tokens that start at a digit or a caret (numbers and skipped residue) at a given
    position, with the expression's own alternatives.
    """

    table: Any  # numpy uint8, one class per code point
    wide: bool  # text read as UTF-16 code units (False: ASCII bytes)
    special: Callable[[str, int], re.Match[str] | regex.Match[str] | None]


def _class_table(size: int) -> Any:
    """The class of each of the first ``size`` code points, by :data:`_TOKEN_RE`'s own classes."""
    import numpy as np

    chars = "".join(map(chr, range(size)))
    table = np.full(size, _OTHER, dtype=np.uint8)

    def where(cls: str) -> Any:
        found = np.zeros(size, dtype=bool)
        for m in regex.finditer(cls + "+", chars, regex.V1):
            found[m.start() : m.end()] = True
        return found

    letters = where(r"[\p{L}\p{M}\u00ad]")
    cjk = where(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
    digits = where(r"\d")
    table[cjk] = _CJK_OTHER
    table[letters] = _LETTER
    table[letters & cjk] = _CJK_LETTER
    # A digit starts a number even where the CJK alternative would also match: the number
    # alternatives come first.
    table[digits] = _DIGIT
    for c in "'’`":  # "ʼ" is a letter (Lm) and already a word character
        if ord(c) < size and table[ord(c)] == _OTHER:
            table[ord(c)] = _APOSTROPHE_MARK
    table[ord("^")] = _CARET
    # Words are read back with str.split, which must never cut inside one.
    in_words = (table >= _APOSTROPHE_MARK) & (table <= _CJK_LETTER)
    assert not any(chars[i].isspace() for i in np.flatnonzero(in_words))
    return table


def _special(reference: str, module: ModuleType, flags: int) -> Any:
    """``match`` of the alternatives of ``reference`` that start at a caret or a digit."""
    body = "|".join(f"(?P<{name}>{_alternative(reference, name)})" for name in ("skip", "group", "num"))
    return compile_pattern(module, body, flags).match


@functools.cache
def _ascii_classes() -> _Classes:
    """Classes for ASCII text, with :data:`_ASCII_TOKEN_RE`'s numbers."""
    return _Classes(_class_table(128), False, _special(_ASCII_TOKEN_RE.pattern, re, re.VERBOSE | re.ASCII))


@functools.cache
def _bmp_classes() -> _Classes:
    """Classes for text of the Basic Multilingual Plane (nearly all text in any language)."""
    return _Classes(_class_table(0x10000), True, _special(_TOKEN_RE.pattern, regex, regex.VERBOSE | regex.V1))


#: Characters of text a process cuts by the BMP table before it builds the table of letters'
#: normalized forms (:mod:`variorum.text.letter_folds`): building it takes 60-100 ms, and it then
#: saves 0.15 ms of word lookups on a document of 500 words in Cyrillic, Greek, Arabic or
#: Azerbaijani Latin (the ``mixed`` benchmark corpus, 380 against 210 µs to cut one), paid back
#: within a few hundred such documents: this many characters are about 170 of them.
FOLD_TABLE_AFTER = 1_000_000
_table_chars = 0  # characters cut so far by the BMP table, in this process


def _letter_folds(chars: int) -> Any:
    """The table of letters' normalized forms, once ``chars`` more characters make enough."""
    global _table_chars
    if _table_chars < FOLD_TABLE_AFTER:
        _table_chars += chars
        return None
    return _fold_table()


@functools.cache
def _fold_table() -> Any:
    import numpy as np

    from variorum.text.letter_folds import cached_letter_folds

    table = _bmp_classes().table
    letters = np.flatnonzero((table == _LETTER) | (table == _CJK_LETTER))
    return cached_letter_folds(letters, _FOLDED_MARK, _APOSTROPHE)


#: Words of a vocabulary sampled by :func:`warm_tables`, the most recent first, and the share of
#: them outside ASCII from which it builds the tables.
WARM_SAMPLE = 2_000
WARM_SHARE = 0.1


def warm_tables(vocabulary: Mapping[str, int] | None = None) -> None:
    """Build the tables of non-ASCII text now and use them from the first text on.

    A process about to fork workers calls this with the vocabulary of what it has indexed: the
    tables (~80 ms of CPU) are then built once for every worker, instead of once in each worker
    after its first few hundred non-ASCII documents. They are built only where the vocabulary's
    latest words are often non-ASCII (or without a vocabulary): a small add of English text
    would spend more on them than they save.
    """
    global _unicode_chars, _table_chars
    if vocabulary is not None:
        latest = list(itertools.islice(_latest_first(vocabulary), WARM_SAMPLE))
        if not latest or sum(not word.isascii() for word in latest) < WARM_SHARE * len(latest):
            return
    _bmp_classes()
    _spaced_folds()
    _unicode_chars = max(_unicode_chars, BMP_TABLE_AFTER)
    _table_chars = max(_table_chars, FOLD_TABLE_AFTER)


def _latest_first(vocabulary: Mapping[str, int]) -> Iterator[str]:
    """The words of ``vocabulary``, the most recently added first where it keeps that order."""
    return reversed(vocabulary) if isinstance(vocabulary, dict) else iter(vocabulary)


@functools.cache
def _spaced_folds() -> Any:
    """:func:`_fold_table` with every character outside the word classes mapped to a space."""
    import numpy as np

    classes = _bmp_classes().table
    in_words = (classes == _LETTER) | (classes == _CJK_LETTER)
    return np.where(in_words, _fold_table(), np.uint16(32)).astype(np.uint16)


# ASCII letters lower-cased, every other byte a space: the normalized form of an ASCII word is
# its letters lower-cased (apostrophes dropped), so ASCII words need no normalizing one by one.
_ASCII_WORDS = bytes(c | 0x20 if chr(c).isascii() and chr(c).isalpha() else 0x20 for c in range(256))


def _cut_by_classes(text: str, classes: _Classes) -> RawTokens:
    """Tokens of ``text`` from the class of each character, in a few numpy passes.

    What the token expression does one position at a time follows from the classes: a word is a
    maximal *chain* of word characters, where an apostrophe between two of them joins them
    (``[\\p{L}\\p{M}]+(?:'[\\p{L}\\p{M}]+)*`` matches greedily, and only a word holds letters);
    except that the expression, standing at a Han or kana letter, takes that one character
    (the CJK alternative comes first), so a chain that opens with such letters gives them one
    by one and the word starts at its first other letter (``联合ab联`` is ``联``, ``合``, ``ab联``).
    Numbers and ``^{…}`` residue start at a digit or a caret and hold no letter: they are
    matched by the expression's own alternatives, from left to right, at the few positions where
    one can start; residue then drops the words inside it. Chains are found as runs of a boolean
    array, and the words are read in one ``str.split`` of the text with everything but their
    characters turned into spaces: no match object and no slice per word. The tests compare
    this with :func:`_cut_reference` on varied text and on every character of the BMP.
    """
    import numpy as np

    if classes.wide:
        codes = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        if len(codes) != len(text):  # characters beyond the BMP, as surrogate pairs
            return _cut(text, _unicode_cutter())
    else:
        data = text.encode("ascii")
        codes = np.frombuffer(data, dtype=np.uint8)
    cls = classes.table.take(codes)
    inword = (cls - np.uint8(_LETTER)) <= _CJK_LETTER - _LETTER  # wraps below _LETTER
    rare = int(cls.max(initial=0)) >= _CJK_LETTER  # Han or kana, digits, carets
    joins = None
    if "'" in text or "`" in text or (classes.wide and "’" in text):
        joins = np.flatnonzero((cls[1:-1] == _APOSTROPHE_MARK) & inword[:-2] & inword[2:]) + 1
        inword[joins] = True
    padded = np.zeros(len(inword) + 2, dtype=bool)
    padded[1:-1] = inword
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    starts, ends = edges[0::2], edges[1::2]
    singles = None
    if not classes.wide:  # ASCII: no CJK, and words are their letters lower-cased
        lowered = data.translate(_ASCII_WORDS)
        if joins is not None and len(joins):
            buffer = np.frombuffer(lowered, dtype=np.uint8).copy()
            buffer[joins] = 0
            lowered = buffer.tobytes().replace(b"\0", b"")
        norms: list[str] = lowered.decode("ascii").split()
    else:
        split_cjk = rare and bool((cls == _CJK_LETTER).any())
        if split_cjk:
            # A chain's word starts at its first letter that is not Han or kana; the Han and kana
            # letters before it are tokens of their own.
            letters = np.flatnonzero(cls == _LETTER)
            first = ends
            if len(letters):
                first = letters[np.minimum(np.searchsorted(letters, starts), len(letters) - 1)]
                first = np.where((first >= starts) & (first < ends), first, ends)
            cjk = np.flatnonzero(cls == _CJK_LETTER)
            chain = np.searchsorted(starts, cjk, side="right") - 1
            singles = cjk[cjk < first[chain]]
            mask = np.zeros(len(codes) + 1, dtype=np.int8)
            mask[first] += 1  # first == end for a chain of Han and kana only: nothing added
            mask[ends] -= 1
            inword = np.cumsum(mask[:-1]) > 0
            keep = first < ends
            starts, ends = first[keep], ends[keep]
        if rare:
            others = np.flatnonzero(cls == _CJK_OTHER)
            if len(others):
                singles = others if singles is None else np.sort(np.concatenate([singles, others]))
        folds = _letter_folds(len(codes))
        folded = None
        if folds is not None and not split_cjk and (joins is None or not len(joins)):
            # The characters in words are then exactly those of the word classes: a table that
            # also turns every other character into a space folds the text in one take.
            folded = _spaced_folds().take(codes)
        elif folds is not None:
            folded = folds.take(np.where(inword, codes, np.uint16(32)))
        if folded is not None and folded.all():  # every letter normalizes on its own
            norms = folded.tobytes().decode("utf-16-le").split()
        else:
            spaced = np.where(inword, codes, np.uint16(32))
            words = spaced.tobytes().decode("utf-16-le", "surrogatepass").split()
            norms = list(map(_norm_cache.get, words))  # type: ignore[arg-type]
        if not all(norms):  # words not seen before (None), found without a loop over the others
            new = list(
                itertools.compress(itertools.count(), map(operator.is_, norms, itertools.repeat(None)))
            )
            for i, norm in zip(new, normalize_words([words[i] for i in new]), strict=True):
                norms[i] = norm
    start_list: list[int] = starts.tolist()
    end_list: list[int] = ends.tolist()
    kinds = [WORD] * len(norms)
    if rare:
        _add_specials(text, cls, classes, singles, norms, start_list, end_list, kinds)
    if not all(norms):  # residue (dropped), or a word that normalizes to nothing (a lone soft hyphen)
        keep_list = list(map(bool, norms))
        norms = list(itertools.compress(norms, keep_list))
        start_list = list(itertools.compress(start_list, keep_list))
        end_list = list(itertools.compress(end_list, keep_list))
        kinds = list(itertools.compress(kinds, keep_list))
    return RawTokens(norms, start_list, end_list, kinds)


def _add_specials(
    text: str,
    cls: Any,
    classes: _Classes,
    singles: Any,
    norms: list[str],
    starts: list[int],
    ends: list[int],
    kinds: list[int],
) -> None:
    """Put Han and kana characters (``singles``, positions), numbers and residue among the
    words, in order of position; the words inside residue (``^{…}``) get an empty norm."""
    import numpy as np

    extra: list[tuple[int, int, str, int]] = []  # start, end, norm, kind
    skips: list[tuple[int, int]] = []
    digit = cls == _DIGIT
    opens = np.flatnonzero((cls == _CARET) | (digit & ~np.concatenate([[False], digit[:-1]])))
    reach = 0  # the expression's scan is past here
    match = classes.special
    for at in opens.tolist():
        if at < reach:
            continue
        m = match(text, at)
        if m is None:  # a caret without residue
            continue
        reach = m.end()
        if m.lastgroup == "skip":
            skips.append((at, reach))
        else:
            extra.append((at, reach, normalize_number(m.group(), grouped=m.lastgroup == "group"), NUMBER))
    if skips:  # the words and Han or kana characters inside residue are dropped
        edges = np.array(skips, dtype=np.int64).ravel()
        bounds = np.searchsorted(np.asarray(starts, dtype=np.int64), edges).tolist()
        for lo, hi in zip(bounds[0::2], bounds[1::2], strict=True):
            norms[lo:hi] = [""] * (hi - lo)
        if singles is not None:
            singles = singles[np.searchsorted(edges, singles, side="right") % 2 == 0]
    if singles is not None:
        at_list = singles.tolist()
        forms = map(normalize_word, map(text.__getitem__, at_list))
        extra += zip(at_list, (singles + 1).tolist(), forms, itertools.repeat(CJK))
    if not extra:
        return
    extra.sort()
    if len(extra) <= 64:  # a few: inserted, from the last so that positions hold
        places = np.searchsorted(np.asarray(starts, dtype=np.int64), [e[0] for e in extra]).tolist()
        for place, (s, e, n, k) in zip(reversed(places), reversed(extra), strict=True):
            starts.insert(place, s)
            ends.insert(place, e)
            norms.insert(place, n)
            kinds.insert(place, k)
        return
    # Many (Chinese or Japanese text): all sorted at once.
    merged = list(zip(starts, ends, norms, kinds, strict=True)) + extra
    merged.sort(key=operator.itemgetter(0))
    starts[:], ends[:], norms[:], kinds[:] = map(list, zip(*merged, strict=True))


def _cut_reference(text: str, pattern: re.Pattern[str] | regex.Pattern[str]) -> RawTokens:
    """:func:`_cut` as a loop over ``finditer``: the plain reference its tests compare with."""
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    kinds: list[int] = []
    for m in pattern.finditer(text):
        group = m.lastgroup
        if group == "word":
            norm, kind = normalize_word(m.group()), WORD
        elif group == "skip":
            continue
        elif group == "cjk":
            norm, kind = normalize_word(m.group()), CJK
        else:
            norm, kind = normalize_number(m.group(), grouped=group == "group"), NUMBER
        if not norm:
            continue
        s, e = m.span()
        norms.append(norm)
        starts.append(s)
        ends.append(e)
        kinds.append(kind)
    return RawTokens(norms, starts, ends, kinds)


def count_vocabulary(tokens: Iterable[RawTokens], into: Counter[str] | None = None) -> Counter[str]:
    """Collection frequency of each word form (before repair), the evidence for joining splits."""
    counts: Counter[str] = into if into is not None else Counter()
    for t in tokens:
        if t.kinds.count(WORD) == len(t.kinds):  # words only: counted in C
            counts.update(t.norms)
        else:  # the words picked in C too: "not kind" is true for WORD alone
            counts.update(itertools.compress(t.norms, map(operator.not_, t.kinds)))
    return counts


def gap_kind(text: str, end: int, start: int) -> int:
    """0: not joinable; 1: a space or line break; 2: a hyphen at a line end (``coun-⏎ter``)."""
    gap = text[end:start]
    if not gap or len(gap) > 4:
        return 0
    if gap.isspace():
        return 1
    if gap[0] in "-\u00ad\u2010" and "\n" in gap and gap[1:].isspace():
        return 2
    return 0


def repair_splits(
    text: str, raw: RawTokens, vocabulary: Mapping[str, int], sites: Iterable[int] | None = None
) -> Tokens:
    """Join words that extraction split, where the vocabulary shows the joined word.

    ``a b`` (or ``a-⏎b`` at a line end) becomes one token ``ab`` when ``ab`` occurs unsplit in
    the vocabulary and is at least as frequent as the rarer piece. The frequency test keeps real
    word pairs apart: ``a part`` stays two words because "apart" is rarer than "part", while the
    pieces of ``aggr ession`` or ``fro m`` are rarer than "aggression" and "from". For a hyphen at
    a line end the joined word only has to occur. Three pieces (``intern ationa l``) are tried
    when two are not enough.

    ``sites`` are the positions where a join may start (:func:`repair_splits_many` finds them
    for many texts at once); they are found here when not given.
    """
    return _joined(
        raw, _joins(text, raw, vocabulary, _join_sites(raw.norms, vocabulary) if sites is None else sites)
    )


def _joined(raw: RawTokens, joins: list[tuple[int, int, str]]) -> Tokens:
    """The tokens of ``raw`` with the :func:`_joins` made."""
    if not joins:  # the usual case: the raw token lists, shared, not copied (neither is changed)
        return Tokens(raw.norms, raw.starts, raw.ends)
    # Copied once, then each join replaces its pieces, from the last so that positions hold:
    # moving the pointers after a join is cheaper than copying slices around it twice.
    norms, starts, ends = raw.norms.copy(), raw.starts.copy(), raw.ends.copy()
    for site, width, joined in reversed(joins):
        last = site + width
        norms[site:last] = (joined,)
        del starts[site + 1 : last]
        del ends[site : last - 1]
    return Tokens(norms, starts, ends)


def _joins(
    text: str, raw: RawTokens, vocabulary: Mapping[str, int], sites: Iterable[int]
) -> list[tuple[int, int, str]]:
    """The joins :func:`repair_splits` makes: (first token, tokens joined, joined form), in
    order, testing the ``sites`` (sorted) from left to right."""
    norms, starts, ends, kinds = raw.norms, raw.starts, raw.ends, raw.kinds
    n = len(norms)
    joins: list[tuple[int, int, str]] = []
    get = vocabulary.get
    i = 0
    for site in sites:
        if site < i:
            continue  # inside a word joined at an earlier site
        i = site
        if kinds[i] != WORD or i + 1 >= n or kinds[i + 1] != WORD:
            continue
        # Vocabulary lookups first: they are cheap and usually fail, while the gap test slices
        # the text.
        a, b = norms[i], norms[i + 1]
        joined = a + b
        cf = get(joined, 0)
        if cf and min(get(a, 0), get(b, 0)) <= cf:
            gap = gap_kind(text, ends[i], starts[i + 1])
        elif cf:
            gap = 2 if gap_kind(text, ends[i], starts[i + 1]) == 2 else 0
        else:
            gap = 0
        if gap:
            joins.append((i, 2, joined))
            i += 2
            continue
        if i + 2 < n and kinds[i + 2] == WORD:
            c = norms[i + 2]
            cf3 = get(joined + c, 0)
            if (
                cf3
                and min(get(a, 0), get(b, 0), get(c, 0)) <= cf3
                and gap_kind(text, ends[i], starts[i + 1])
                and gap_kind(text, ends[i + 1], starts[i + 2])
            ):
                joins.append((i, 3, joined + c))
                i += 3
    return joins


def repair_splits_many(
    texts: Sequence[str],
    raws: Sequence[RawTokens],
    vocabulary: Mapping[str, int],
    raw_hashes: tuple[Any, Any] | None = None,
    joins: list[list[tuple[int, int, str]]] | None = None,
) -> list[Tokens]:
    """:func:`repair_splits` of each text, the places to test found for all texts at once.

    The hashes leave a few places per text where two or three tokens run together may be a
    word (:mod:`variorum.text.join_sites`), most of them hash collisions. Those are tested
    against the vocabulary for the whole chunk in a few set operations (:func:`_joinable`),
    so that :func:`repair_splits` only visits the places where it may join something: it no
    longer asks a summed vocabulary (a Python ``get``) several times for each collision.

    A :class:`~variorum.text.join_sites.HashedVocabulary` (a worker's) is asked for the exact
    sites and for the counts the repair reads there, all at once
    (:func:`~variorum.text.join_sites.hashed_sites`): the same joins as with a dict of the same
    counts (``tests/test_hashed_vocabulary.py``).

    ``raw_hashes``: :func:`~variorum.text.join_sites.poly_hashes` of all the raw tokens, one
    text after another, if already made (only that table reads them). ``joins``, if given, is
    filled with the joins made in each text: (first token, tokens joined, joined form), in
    order (:func:`variorum.prepare.prepare_many` reads the token hashes of the rest).
    """
    from variorum.text import join_sites

    if isinstance(vocabulary, join_sites.HashedVocabulary):
        exact, known = join_sites.hashed_sites([raw.norms for raw in raws], vocabulary, raw_hashes)
        made = [_joins(t, raw, known, s) for t, raw, s in zip(texts, raws, exact, strict=True)]
        if joins is not None:
            joins.extend(made)
        return list(map(_joined, raws, made))
    if joins is not None:
        raise ValueError("repair_splits_many: joins are reported with a hashed vocabulary only")
    parts = getattr(vocabulary, "parts", None) or (vocabulary,)
    sites: Sequence[Iterable[int] | None] | None = None
    sizes = [len(raw.norms) for raw in raws]
    if sum(sizes) >= JOIN_HASHES_MIN_TOKENS:
        found = join_sites.candidate_positions([raw.norms for raw in raws], parts)
        if found is not None:
            sites = join_sites.split_positions(_joinable(*found, parts), sizes)
    if sites is None:
        sites = [None] * len(raws)
    return [
        repair_splits(text, raw, vocabulary, found)
        for text, raw, found in zip(texts, raws, sites, strict=True)
    ]


def _joinable(flat: Sequence[str], positions: Any, parts: Sequence[Mapping[str, int]]) -> list[int]:
    """The ``positions`` in ``flat`` (sorted) where the next one or two tokens, joined to the
    token there, make a key of one of ``parts``: the only places where :func:`repair_splits`
    can join (a join needs the joined word's count). Positions whose third token lies in the
    next text, or past the end, are tested with it all the same: a superset is harmless."""
    if not len(positions):
        return []
    at: list[int] = positions.tolist()
    last = len(flat) - 1
    firsts = list(map(flat.__getitem__, at))
    seconds = list(map(flat.__getitem__, (positions + 1).tolist()))
    thirds = list(map(flat.__getitem__, [min(p + 2, last) for p in at]))
    pairs = list(map(operator.add, firsts, seconds))
    triples = list(map(operator.add, pairs, thirds))
    hits: set[str] = set()
    for part in parts:
        keys = part.keys()
        hits.update(keys & pairs)
        hits.update(keys & triples)
    if not hits:
        return []
    return [p for p, pair, triple in zip(at, pairs, triples, strict=True) if pair in hits or triple in hits]


#: Token counts from which join sites are found by hashes (:mod:`variorum.text.join_sites`):
#: its numpy calls cost ~30 microseconds whatever the length, as much as building and looking
#: up the joined strings of ~150 tokens. Only in a process that has imported numpy: importing it
#: costs ~40 ms, the strings of a 100,000-token text.
JOIN_HASHES_MIN_TOKENS = 150


def _join_sites(norms: list[str], vocabulary: Mapping[str, int]) -> list[int]:
    """Positions where two or three tokens, run together, make a word of the vocabulary.

    Only there can :func:`repair_splits` join anything; everywhere else tokens are copied in
    slices. This is the cheap filter that keeps repair from testing every token in Python:
    joined strings almost never exist as words. A vocabulary summed from several counts may
    expose them as ``parts`` (dicts), so that the membership tests run as set operations.
    A longer text is tested by hashes (:mod:`variorum.text.join_sites`), which may add a few
    positions where nothing is joined; repair tests each position it visits in full.
    """
    parts = getattr(vocabulary, "parts", None) or (vocabulary,)
    if len(norms) >= JOIN_HASHES_MIN_TOKENS and "numpy" in sys.modules:
        from variorum.text import join_sites

        sites = join_sites.candidate_sites(norms, parts)
        if sites is not None:
            return sites
    pairs = list(map(operator.add, norms, norms[1:]))
    triples = list(map(operator.add, pairs, norms[2:]))
    pair_hits: set[str] = set()
    triple_hits: set[str] = set()
    for part in parts:
        # A dict's keys intersected with a list look each item up in the dict: no set is built.
        keys = part.keys()
        pair_hits.update(keys & pairs)
        triple_hits.update(keys & triples)
    # Each list is scanned again only if it had a hit, against its own set of hits: three
    # tokens run together rarely make a word (on the benchmark corpora, in 1-4% of documents),
    # so the triples are seldom scanned twice.
    sites: set[int] = set()
    if pair_hits:
        sites.update(itertools.compress(itertools.count(), map(pair_hits.__contains__, pairs)))
    if triple_hits:
        sites.update(itertools.compress(itertools.count(), map(triple_hits.__contains__, triples)))
    return sorted(sites)


def tokenize(text: str, vocabulary: Mapping[str, int] | None = None) -> Tokens:
    """Normalized tokens of ``text`` with their spans; splits are repaired against ``vocabulary``.

    Without a vocabulary the text's own word counts are used, which already repairs a split word
    that the same text also spells whole.
    """
    raw = raw_tokens(text)
    if vocabulary is None:
        vocabulary = count_vocabulary([raw])
    return repair_splits(text, raw, vocabulary)


def renormalize(text: str, start: int, end: int, vocabulary: Mapping[str, int]) -> list[str]:
    """The normalized tokens of ``text[start:end]``, for checking a quoted passage."""
    return tokenize(text[start:end], vocabulary).norms
