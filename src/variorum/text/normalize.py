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
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType

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
#: standard-library cutter (:func:`_bmp_cutter`). Building it takes 50-70 ms (compiling classes
#: of ~400 ranges), and it then saves about 40 ns a character (0.15 ms on a document of 500
#: words in Cyrillic, Greek or Arabic): a command that reads two pages never pays for it, a
#: worker adding documents pays it back within a few hundred.
BMP_CUTTER_AFTER = 500_000
_unicode_chars = 0  # non-ASCII characters cut so far by the regex module, in this process


def raw_tokens(text: str) -> RawTokens:
    """Cut ``text`` into tokens with normalized forms, before split-word repair."""
    global _unicode_chars
    if text.isascii():
        return _cut(text, _ascii_cutter())
    if _ASTRAL.search(text) is None and _unicode_chars >= BMP_CUTTER_AFTER:
        return _cut(text, _bmp_cutter())
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


@functools.cache
def _bmp_cutter() -> _Cutter:
    """:data:`_TOKEN_RE` as a cutter in the standard library's engine, for text whose characters
    all lie in the Basic Multilingual Plane (nearly all text in any language).

    ``re`` has no Unicode properties, so the letters and marks, digits and CJK characters of
    the BMP are written out as ranges, found once per process by the ``regex`` module itself
    (a few milliseconds): both engines then agree on every BMP character by construction. The
    standard engine tests such a class with one bitmap lookup and cuts a document in about half
    the time the ``regex`` module takes; beyond the BMP its classes would become long lists of
    ranges, so such text stays with :func:`_unicode_cutter`.
    """
    bmp = "".join(map(chr, range(0x10000)))
    letters = _ranges(bmp, r"[\p{L}\p{M}\u00ad]+")
    digits = _ranges(bmp, r"\d+")
    cjk = _ranges(bmp, r"[\p{Han}\p{Hiragana}\p{Katakana}]+")
    reference = (
        _TOKEN_RE.pattern.replace(r"\p{L}\p{M}\u00ad", letters)
        .replace(r"\p{Han}\p{Hiragana}\p{Katakana}", cjk)
        .replace(r"[\d", f"[{digits}")  # inside a class: "[\d.,]"
        .replace(r"\d", f"[{digits}]")
    )
    assert r"\p" not in reference
    digit, cjk = f"[{digits}]", f"[{cjk}]"
    return _cutter(re, reference, digit, cjk, re.VERBOSE)


def _ranges(chars: str, run: str) -> str:
    """The characters of ``chars`` in the runs ``run`` (a ``regex`` pattern) finds, as the body
    of a ``re`` character class."""
    out = []
    for m in regex.finditer(run, chars):
        first, last = ord(chars[m.start()]), ord(chars[m.end() - 1])
        out.append(f"\\u{first:04x}" if first == last else f"\\u{first:04x}-\\u{last:04x}")
    return "".join(out)


def _cut(text: str, cutter: _Cutter) -> RawTokens:
    """Tokens of ``text`` by ``cutter`` (one of the three above), cut with ``split``.

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
        if t.kinds.count(WORD) == len(t.kinds):
            counts.update(t.norms)  # words only: counted in C
        else:
            counts.update(n for n, k in zip(t.norms, t.kinds, strict=True) if k == WORD)
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


def repair_splits(text: str, raw: RawTokens, vocabulary: Mapping[str, int]) -> Tokens:
    """Join words that extraction split, where the vocabulary shows the joined word.

    ``a b`` (or ``a-⏎b`` at a line end) becomes one token ``ab`` when ``ab`` occurs unsplit in
    the vocabulary and is at least as frequent as the rarer piece. The frequency test keeps real
    word pairs apart: ``a part`` stays two words because "apart" is rarer than "part", while the
    pieces of ``aggr ession`` or ``fro m`` are rarer than "aggression" and "from". For a hyphen at
    a line end the joined word only has to occur. Three pieces (``intern ationa l``) are tried
    when two are not enough.
    """
    norms, starts, ends, kinds = raw.norms, raw.starts, raw.ends, raw.kinds
    n = len(norms)
    out_norms: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    get = vocabulary.get
    i = 0
    for site in _join_sites(norms, vocabulary):
        if site < i:
            continue  # inside a word joined at an earlier site
        out_norms += norms[i:site]
        out_starts += starts[i:site]
        out_ends += ends[i:site]
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
            out_norms.append(joined)
            out_starts.append(starts[i])
            out_ends.append(ends[i + 1])
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
                out_norms.append(joined + c)
                out_starts.append(starts[i])
                out_ends.append(ends[i + 2])
                i += 3
    out_norms += norms[i:]
    out_starts += starts[i:]
    out_ends += ends[i:]
    return Tokens(out_norms, out_starts, out_ends)


def _join_sites(norms: list[str], vocabulary: Mapping[str, int]) -> list[int]:
    """Positions where two or three tokens, run together, make a word of the vocabulary.

    Only there can :func:`repair_splits` join anything; everywhere else tokens are copied in
    slices. This is the cheap filter that keeps repair from testing every token in Python:
    joined strings almost never exist as words. A vocabulary summed from several counts may
    expose them as ``parts`` (dicts), so that the membership tests run as set operations.
    """
    pairs = list(map(operator.add, norms, norms[1:]))
    triples = list(map(operator.add, pairs, norms[2:]))
    pair_hits: set[str] = set()
    triple_hits: set[str] = set()
    for part in getattr(vocabulary, "parts", None) or (vocabulary,):
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
