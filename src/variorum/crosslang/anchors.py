"""Anchors: the parts of a text that a translation keeps whatever its language.

A translator rewrites every word but keeps the figures (``60.000`` becomes ``60 000`` or
``60,000``, never another number), the dates (``17 April 2018`` becomes ``17 апреля 2018 г.`` or
``2018年4月17日``), identifiers (resolution numbers ``A/RES/73/1``, command options ``--lines``,
file paths, ``printf(3)``), URLs and e-mail addresses, and proper names, which change script but
keep their sound (``Путин`` → ``Putin`` after transliteration). Each is reduced here to a key
that is equal in every language: canonical digits, an ISO date, a lower-cased identifier, a
transliterated name.

Figures, dates, identifiers and URLs are *hard* anchors: their keys match exactly. Names are
*soft*: transliterations differ (``Azerbaijan``/``Azerbaydzhan``) and German capitalises every
noun, so names are matched fuzzily and never counted against a document's coverage.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import regex
from anyascii import anyascii

from variorum.ingest.dates import date_spans
from variorum.text.normalize import normalize_number

AnchorKind = Literal["date", "number", "code", "url", "name"]
HARD_KINDS: frozenset[str] = frozenset({"date", "number", "code", "url"})


@dataclass(frozen=True)
class Anchor:
    """One language-independent item of a text: its kind, its key and where it is written."""

    kind: AnchorKind
    key: str
    start: int
    end: int

    @property
    def hard(self) -> bool:
        return self.kind in HARD_KINDS


_URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'»«“”()\[\]⟨⟩]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Identifiers written in Latin letters in every language: options (-c, --lines=NUM), names with
# underscores, dots, slashes or digits (O_RDONLY, /etc/passwd, A/RES/73/1, UTF-8, x86_64),
# references to manual sections (printf(3)).
_CODE = re.compile(
    r"""
    (?<![\w/.-])
    (?:
        --?[A-Za-z][A-Za-z0-9_-]*(?:=\S*)?                      # options
      | /?[A-Za-z_][A-Za-z0-9_+-]*(?:[/._:][A-Za-z0-9_+-]+)+/?  # paths, dotted and joined names
      | [A-Za-z]+[0-9][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*            # letters with digits
      | [A-Za-z]+-[0-9]+                                          # UTF-8, ISO-8859-1
      | [A-Za-z_][A-Za-z0-9_]*\([0-9][a-z]*\)                     # printf(3)
      | [A-Za-z_][A-Za-z0-9]*_[A-Za-z0-9_]+                       # O_RDONLY
    )
    (?![\w/-])
    """,
    re.VERBOSE,
)
# Every identifier holds one of these characters (an option's hyphen, a path's or a dotted name's
# separator, a digit, a manual section's bracket, an underscore) and none spans whitespace. So
# :data:`_CODE` needs to run only over the whitespace-delimited runs that hold one: in prose most
# words hold none, and trying six alternatives at every word was most of the cost of reading a
# document's anchors. :func:`code_matches` gives the same matches as ``_CODE.finditer`` (a test
# compares them): a match starts inside one run, and the look-behind still sees the text before it.
#
# A run whose only such character is its last one ("word." at a sentence's end) cannot hold an
# identifier either (every alternative needs a digit, or more of the identifier after that
# character), so a separator is looked for only where more of the run follows it. Written as one
# class first (with the look-ahead after it), ``re`` skips to the next candidate character at once
# instead of trying two alternatives at every character: a third of the time of
# ``[0-9]|[-/._:(](?=\S)``, which finds the same (``tests/test_crosslang.py``).
_CODE_CHAR = re.compile(r"[-0-9/._:(](?:(?<=[0-9])|(?=\S))")
_RUN_END = re.compile(r"\S*")
# Figures: grouped thousands in every locale's separators (60.000, 60,000, 60 000, 60'000), or
# plain digits with a decimal part. Percent signs and currency words are left to the words around.
_NUMBER = regex.compile(
    r"(?<![\d.,\p{L}])(?:(?P<group>\d{1,3}(?:(?:[.,'’\u066c]|[ \u00a0\u202f\u2009])\d{3})+)(?![\d]|[.,]\d)"
    r"|(?P<num>\d+(?:[.,\u066b]\d+)?))(?!\d)"
)
# Arabic-Indic and Persian digits written as ASCII digits, and the Arabic decimal and thousands
# separators as their Latin counterparts, so that "٦٠٬٠٠٠" is 60000 like "60,000".
_ASCII_DIGITS = {
    c: str(unicodedata.digit(chr(c))) for r in ((0x0660, 0x066A), (0x06F0, 0x06FA)) for c in range(*r)
}
_ARABIC_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": ","})
# Capitalised words and acronyms; runs of Latin letters inside text of another script.
_CAPITALISED = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{L}\p{M}]{2,}")
_CAPITALISED_OR_LATIN = regex.compile(
    r"(?<![\p{L}\p{M}])(?:\p{Lu}[\p{L}\p{M}]{2,}|[A-Za-z]{3,}(?![\p{L}\p{M}]))"
)
NON_LATIN_SHARE = 0.25
_SENTENCE_END = frozenset('.!?:;…»"”\n')
# Shortest name kept: one- and two-letter capitals are initials and roman numerals.
MIN_NAME_CHARS = 3


def code_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of :data:`_CODE` in ``text``, in order, trying only runs that can hold one."""
    finditer, run_end = _CODE.finditer, _RUN_END.match
    end = -1
    for found in _CODE_CHAR.finditer(text):
        at = found.start()
        if at < end:
            continue  # in the run already read
        start = at
        while start and not text[start - 1].isspace():  # str.isspace is the \s of ``re``
            start -= 1
        end = run_end(text, at).end()  # type: ignore[union-attr]
        yield from finditer(text, start, end)


_ASCII_DIGITS_BYTES = b"0123456789"
#: The first bytes of the UTF-8 form of every decimal digit beyond ASCII (``\d`` of ``re`` and of
#: ``regex``: Arabic-Indic, Devanagari, fullwidth, ...), every four-byte character included, so
#: that digits a later Unicode version adds there are covered (a test checks every code point).
_DIGIT_LEADS = (0xD9, 0xDB, 0xDF, 0xE0, 0xE1, 0xEA, 0xEF, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4)


def _byte_classes() -> bytes:
    """The table :func:`screen` translates a text's UTF-8 bytes with: ``l`` an ASCII letter, ``d``
    an ASCII digit, ``c`` a character that may start an identifier's run (:data:`_CODE_CHAR`),
    ``s`` ASCII whitespace (to ``re``), ``n`` the first byte of a character that may be a digit
    beyond ASCII, ``o`` anything else (a byte inside a character beyond ASCII among them)."""
    table = bytearray(b"o" * 256)
    for byte in range(128):
        ch = chr(byte)
        if ch.isalpha():
            table[byte] = ord("l")
        elif ch.isdigit():
            table[byte] = ord("d")
        elif ch in "-/._:(":
            table[byte] = ord("c")
        elif re.match(r"\s", ch):
            table[byte] = ord("s")
    for lead in _DIGIT_LEADS:
        table[lead] = ord("n")
    return bytes(table)


_BYTE_CLASSES = _byte_classes()


def screen(text: str) -> tuple[bool, bool, bool]:
    """What scans of ``text`` can find, told by one pass in C over its bytes: whether it may hold
    a digit (False only when it surely holds none: then no date and no figure), whether it holds
    an ASCII letter (:func:`extract_anchors` reads identifiers only then), and whether it may hold
    an identifier (False only when :data:`_CODE_CHAR` surely finds nothing: no ASCII digit, and
    every ``-/._:(`` followed by whitespace or at the end, as at the end of a sentence).

    Every text in prose without figures used to pay a scan of each character in ``re`` for the
    identifiers (and, beyond ASCII, two more for letters and digits): a fifth of a document's
    anchors' time. Here a byte translation classifies every byte at once and the answers are
    substring tests. A mark followed by whitespace is a ``cs`` pair (a last character is followed
    by the ``s`` appended): a mark is followed by something else exactly where there are more
    ``c`` than ``cs``.
    """
    classes = text.encode("utf-8", "surrogatepass").translate(_BYTE_CLASSES) + b"s"
    ascii_digit = b"d" in classes
    latin = b"l" in classes
    return (
        ascii_digit or b"n" in classes,
        latin,
        ascii_digit or (latin and classes.count(b"c") != classes.count(b"cs")),
    )


def has_digits(text: str) -> bool:
    """Whether ``text`` may hold a digit (False only when it surely holds none).

    Every date and every figure holds one, and a text in prose often none: then both scans are
    spared (:func:`screen`).
    """
    return screen(text)[0]


def _url_key(raw: str) -> str:
    raw = raw.rstrip(".,;:!?'\"")
    key = re.sub(r"^(?:https?|ftp)://", "", raw.lower())
    return key.removeprefix("www.").rstrip("/")


@functools.lru_cache(maxsize=200_000)
def name_key(word: str) -> str:
    """A name's key in Latin letters: transliterated, lower-cased, doubled letters merged.

    ``Маккензи`` → ``makenzi`` and ``MacKenzie`` → ``mackenzie``: transliteration tables differ
    on doubled consonants more than on anything else, and fuzzy matching does the rest.
    """
    latin = anyascii(unicodedata.normalize("NFC", word)).lower()
    latin = "".join(c for c in latin if c.isalnum())
    return re.sub(r"(.)\1+", r"\1", latin)


def _is_name(text: str, start: int, word: str, latin_text: bool) -> bool:
    """Whether a capitalised word (or a Latin one in text of another script) is written as a
    name: inside a sentence, an acronym, or Latin letters inside text of another script."""
    if not latin_text and word.isascii():
        return True
    if word.isupper():
        return True
    before = text[max(0, start - 3) : start].rstrip(" \t\u00a0")
    return bool(before) and before[-1] not in _SENTENCE_END


def extract_anchors(text: str, *, names_from: int = 0) -> list[Anchor]:
    """Every anchor of ``text`` in text order, spans disjoint.

    URLs are read first, then dates, identifiers and figures outside them, then names outside
    all of those: the digits of a date or a URL are not figures of their own. Names are read
    only when the hard anchors have at least ``names_from`` distinct keys: a text with fewer
    can never become a translation candidate (:class:`~variorum.crosslang.detect.TranslationIndex`
    proposes pairs by shared hard keys), and reading names was most of the cost of a text in
    prose without figures.
    """
    found: list[Anchor] = []
    taken = bytearray(len(text) + 1)

    def free(start: int, end: int) -> bool:
        return taken.find(1, start, end) == -1

    def take(kind: AnchorKind, key: str, start: int, end: int) -> None:
        found.append(Anchor(kind, key, start, end))
        taken[start:end] = b"\x01" * (end - start)

    # Most texts hold no URL and no address: the cheap test spares a scan of every word.
    if "://" in text or "www." in text:
        for m in _URL.finditer(text):
            take("url", _url_key(m.group()), m.start(), m.end())
    if "@" in text:
        for m in _EMAIL.finditer(text):
            if free(m.start(), m.end()):
                take("url", m.group().lower().rstrip("."), m.start(), m.end())
    digits, latin, codes = screen(text)
    for start, end, iso in date_spans(text) if digits else ():
        if free(start, end):
            take("date", iso, start, end)
    if latin and codes:
        for m in code_matches(text):
            if free(m.start(), m.end()):
                take("code", m.group().lower().rstrip(".:"), m.start(), m.end())
    for m in _NUMBER.finditer(text) if digits else ():
        if free(m.start(), m.end()):
            raw = m.group().translate(_ASCII_DIGITS).translate(_ARABIC_SEPARATORS)
            key = normalize_number(raw, grouped=m.group("group") is not None)
            take("number", key, m.start(), m.end())
    if names_from and len({(a.kind, a.key) for a in found}) < names_from:
        found.sort(key=lambda a: a.start)
        return found
    # Text in Latin letters, or in another script (where Latin words are names and codes)? The
    # UTF-8 length says how many characters lie beyond ASCII without a pass in Python: under a
    # tenth in German, French or Polish, over half in Russian, Greek or Japanese.
    sample = text[:4000]
    latin_text = len(sample.encode("utf-8")) - len(sample) < NON_LATIN_SHARE * len(sample)
    pattern = _CAPITALISED if latin_text else _CAPITALISED_OR_LATIN
    for m in pattern.finditer(text):
        word = m.group()
        if _is_name(text, m.start(), word, latin_text) and free(m.start(), m.end()):
            key = name_key(word)
            if len(key) >= MIN_NAME_CHARS:
                take("name", key, m.start(), m.end())
    found.sort(key=lambda a: a.start)
    return found


def hard_count(anchors: list[Anchor]) -> int:
    """How many hard anchors (figures, dates, identifiers, URLs) a list holds."""
    return sum(1 for a in anchors if a.kind in HARD_KINDS)
