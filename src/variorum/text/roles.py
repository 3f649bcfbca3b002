"""Which paragraphs belong to the republished text ("body") and which frame it ("wrapper").

A statement republished as the annex of a UN letter, in a note verbale or on a news site arrives
wrapped in text that differs in every copy: the cover letter, the document header, a signature,
the site's headline and dateline. Telling the frame from the text keeps that noise out of the
comparison. Body is the default; a paragraph becomes wrapper on evidence, by these rules in order:

1. **Frame formulas** (multilingual, ``_FRAME_PHRASES`` and ``_FRAME_START``): cover letters and
   notes verbales ("I have the honour to", "Upon instructions from my Government", "I should be
   grateful if you would have the present letter ... circulated", "présente ses compliments",
   "свидетельствует свое уважение", "saluda atentamente", "tiene el honor de"), footnotes ("The
   annex is being circulated in the language of submission only", "Se reproduce tal como se
   recibió", "Воспроизводится в том виде"), headings ("Letter dated ...", "Nota verbal de fecha
   ...", "Annex to the note verbale dated ..."), news frames ("... has issued a statement", "The
   statement reads:", "Press release 02 April 2018", "Kaynak/Source:").
2. **Header lines**: a paragraph all of whose lines are header lines (:func:`is_header_line`: UN
   organs, sessions, agenda items, "Distr.", "Original:", UN symbols, dates, "(Signed) ...",
   "Ambassador", separators such as "---", bare URLs), or a stanza of fields
   (:func:`is_field_stanza`: "Files: ...", "Copyright: ...", "License: ..." in a Debian copyright
   file, "From:"/"Subject:" in a mail header). The list of files and holders above a licence
   differs in every package that ships the licence, as a cover letter does.
3. **Language**: a paragraph whose language differs from the main body language is wrapper. The
   main language holds most words among the paragraphs not caught by 1-2, so that a long cover
   letter in Spanish cannot outvote the English statement it transmits.
4. **Position**: the body runs from the first to the last long (>= 25 words) paragraph left by
   1-3. A short paragraph before it or after it is wrapper when it has a header or footer shape: a
   dateline ("News.az (02 April 2020)"), an all-caps headline, a footnote ("* ..."), no letters
   (dates, separators, URLs); after the body, also a short title-case line without final
   punctuation (a signature name). A statement title such as "Statement by the Press Service of the
   Ministry of Foreign Affairs on the anniversary ..." right before the body has none of these
   shapes and stays body: it is part of the republished text, and copies of the statement share it.
5. **Introducers**: when an "Annex to ..." heading or "The statement reads:" comes before the body
   and the paragraphs before it hold fewer words than the body after it, everything up to and
   including it is the frame.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from variorum.model import Role
from variorum.text.lazy_pattern import LazyPattern


def _word_list(words: str) -> list[str]:
    """Words written as one whitespace-separated string, to keep long lists compact."""
    return words.split()


#: Paragraphs with at least this many words anchor the body (rule 4).
LONG_WORDS = 25

_MONTHS = _word_list(
    """
    january february march april may june july august september october november december jan feb
    mar apr jun jul aug sep sept oct nov dec enero febrero marzo abril mayo junio julio agosto
    septiembre setiembre octubre noviembre diciembre janvier février fevrier mars avril mai juin
    juillet août aout septembre octobre novembre décembre decembre январь февраль март апрель май
    июнь июль август сентябрь октябрь ноябрь декабрь января февраля марта апреля мая июня июля
    августа сентября октября ноября декабря januar februar märz maerz juni juli oktober dezember
    janeiro fevereiro março junho julho setembro outubro novembro dezembro ocak şubat nisan mayıs
    haziran temmuz ağustos eylül ekim kasım aralık yanvar fevral aprel iyun iyul avqust sentyabr
    oktyabr noyabr dekabr
    """
)
_MONTH_SET = frozenset(_MONTHS)
# Longest first; names of one length alphabetically, so that the pattern's text (and the cached
# compiled program, see variorum.text.lazy_pattern) is the same in every process.
_MONTH_RX = "|".join(sorted(set(_MONTHS), key=lambda name: (-len(name), name)))
_DATE_FILLERS = frozenset(
    _word_list("de del of the to a au and y et und bis до по от с le el года год г er st nd rd th e")
)
_NUMERIC_DATE = LazyPattern(re, r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b")
_DATE = LazyPattern(
    re,
    rf"{_NUMERIC_DATE.pattern}|\b\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:de\s+)?(?:{_MONTH_RX})\b\.?"
    rf"(?:\s+(?:de\s+)?\d{{4}})?|\b(?:{_MONTH_RX})\s+\d{{1,2}},?\s+\d{{4}}\b",
    re.IGNORECASE,
)
_TOKEN = LazyPattern(re, r"\w+")
_MARKUP = "*_#>`~ \t"
#: Every character ``str.isspace`` calls whitespace (tested over every code point), and markup.
_SPACE_AND_MARKUP = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" + _MARKUP
)

_ORGAN_NAMES = (
    "united nations", "general assembly", "security council", "human rights council",
    "economic and social council", "naciones unidas", "asamblea general", "consejo de seguridad",
    "consejo de derechos humanos", "consejo económico y social", "nations unies",
    "assemblée générale", "conseil de sécurité", "conseil des droits de l'homme",
    "организация объединенных наций", "генеральная ассамблея", "совет безопасности",
    "совет по правам человека", "экономический и социальный совет",
)  # fmt: skip
_ORGANS = LazyPattern(re, "(?:" + "|".join(_ORGAN_NAMES) + ")", re.IGNORECASE)
#: ``re`` matches one character of a pattern with one character of the text, also ignoring case,
#: so only a line of one of these lengths can be an organ's name: the others skip the pattern.
_ORGAN_LENGTHS = frozenset(map(len, _ORGAN_NAMES))
_HEADER_LINE = LazyPattern(
    re,
    r"""
    (?:provisional\ )?agenda\ items?\ \d.* | items?\ \d+\ of\ the\ (?:provisional\ )?agenda.*
    | temas?\ \d+.*\ (?:de\ la\ agenda|del\ programa).* | пункты?\ \d+.*\ повестки\ дня.*
    | points?\ \d+.*\ de\ l'ordre\ du\ jour.*
    | distr\.?\s*:?\s*\w+.* | orig(?:inal|\.)\s*:\s*\w+.* | [a-z]{1,6}/[\w./\-–*]*\d[\w./\-–*]*    # UN symbol
    | english|español|spanish|french|français|russian|русский|arabic|chinese|inglés|anglais
    | (?:english|spanish|french|russian|arabic|chinese)\ only
    | \((?:signed|firmado|signé|подпись|подписано|sgd\.?)\).*
    | (?:deputy\ )?permanent\ representative(?:\ of\ .{1,40})? | ambassador(?:\ extraordinary.*)?
    | chargé\ d'affaires.* | embajadora? | representante\ permanente(?:\ adjunt[oa])?
    | ambassadeur | représentante?\ permanente? | (?:постоянный\ )?представитель | посол
    | <?(?:https?://|www\.)\S+>?
    """,
    re.IGNORECASE | re.VERBOSE,
)
#: What a line :data:`_HEADER_LINE` matches can start with (each of its alternatives starts with
#: an ASCII letter, п, р, "(" or "<"; tests/test_segment_reference.py checks every character):
#: a line that starts otherwise skips that pattern.
_HEADER_START = LazyPattern(re, r"[a-zпр(<]", re.IGNORECASE)


class _HeaderStart(dict[str, bool]):
    """Whether :data:`_HEADER_START` takes a character, asked once per character."""

    def __missing__(self, ch: str) -> bool:
        answer = bool(_HEADER_START.match(ch))
        if len(self) < 4_096:  # a text uses a few dozen first characters
            self[ch] = answer
        return answer


_HEADER_FIRST = _HeaderStart()
#: How an alternative of :data:`_HEADER_LINE` that can match a space begins: its first two
#: characters (one for "(signed)"). A line with a space that begins otherwise is no header line
#: by that pattern: the symbols, language names, single titles and URLs hold no space. Prose
#: lines start with "The", "In", "Th...": most skip the pattern on their first two characters
#: (tests/test_segment_reference.py checks these starts against the pattern's alternatives).
_HEADER_SPACED_START = LazyPattern(
    re, r"pr|ag|it|te|пу|po|di|or|en|sp|fr|ru|ar|ch|\(|de|pe|am|re|по|пр", re.IGNORECASE
)


class _HeaderPair(dict[str, bool]):
    """Whether :data:`_HEADER_SPACED_START` takes a line's first two characters, asked once per
    pair."""

    def __missing__(self, pair: str) -> bool:
        answer = bool(_HEADER_SPACED_START.match(pair))
        if len(self) < 16_384:  # a text uses a few hundred pairs
            self[pair] = answer
        return answer


_HEADER_PAIR = _HeaderPair()
_SESSION_WORDS = ("session", "sesiones", "sesión", "сессия", "сессии")
_SESSION_LINE = LazyPattern(
    re, r"(?:[\w\-–^{}.]+ ){1,4}(?:" + "|".join(_SESSION_WORDS) + ")", re.IGNORECASE
)  # "Forty-first session", "43^{er} período de sesiones", "Сорок первая сессия"
#: A session line ends with one of the words, which are at most this long (ignoring case, ``re``
#: matches one character with one), so only the end of a line is searched for them first.
_SESSION_TAIL = LazyPattern(re, "(?:" + "|".join(_SESSION_WORDS) + r")\Z", re.IGNORECASE)
_SESSION_TAIL_LENGTH = max(map(len, _SESSION_WORDS))
#: The characters that match the last letter of a session word ignoring case (checked over every
#: character in tests/test_segment_reference.py).
_SESSION_LAST = frozenset("nNsSſяЯиИ")
_SESSION_KEYS = ("session", "sesi", "сесси")
_ALNUM = LazyPattern(re, r"[^\W_]")
_DIGIT = LazyPattern(re, r"\d")
# Formulas that frame a text wherever they occur in a paragraph, each behind a literal key: one
# big alternation searched over every paragraph would cost more than the rest of segmentation.
_FRAME_PHRASES: tuple[tuple[str, LazyPattern], ...] = tuple(
    (key, LazyPattern(re, pattern))
    for key, pattern in (
        ("honou", r"\bi have the honou?r to\b|\bhas the honou?r to\b"),
        ("compliments", r"\bpresents? its compliments\b|\bprésente ses compliments\b"),
        ("opportunity", r"\bavails? itself of this opportunity\b"),
        ("instructions", r"\b(?:up)?on (?:the )?instructions? (?:from|of) my government\b"),
        ("grateful", r"\bi (?:should|would) be grateful if\b"),
        ("present ", r"\bhave the present (?:letter|note)\b"),
        (
            "circulated",
            r"\bcirculated (?:as (?:an? )?(?:official )?document of|in the language of)\b"
            r"|\bthe annex is being circulated\b",
        ),
        ("reproduc", r"\breproduced as received\b|\bse reproduce tal como se recibió\b"),
        ("l'honneur", r"\ba l'honneur de\b"),
        ("saisit", r"\bsaisit cette occasion\b"),
        ("serais", r"\bje vous serais (?:reconnaissant|obligée?)\b"),
        ("distribu", r"\bfaire distribuer\b|\btenga a bien distribuir\b"),
        ("honor", r"\b(?:tiene|tengo) el honor de\b"),
        ("atentamente", r"\bsaluda atentamente\b"),
        ("oportunidad", r"\baprovecha (?:la|esta) oportunidad\b"),
        ("agradecería", r"\ble agradecería\b"),
        ("честь", r"\bимеет честь\b"),
        ("уважение", r"\bсвидетельствует сво[её] уважение\b"),
        ("возможностью", r"\bпользуется (?:этой )?возможностью\b"),
        ("признател", r"\bбыл[аои]? бы признател"),
        ("распространить", r"\bраспространить настоящ"),
        ("воспроизводится", r"\bвоспроизводится в том виде\b"),
        ("يتشرف", r"يتشرف"),
        ("تحياتها", r"تهدي .{0,80}تحياتها"),
        ("谨随函", r"谨随函转递"),
        ("荣幸", r"荣幸地"),
        (
            "statement",
            r"\b(?:has|have) (?:issued|released|published|made) (?:a|the) statement\b"
            r"|\bthe statement (?:reads|says)\b|\bfull text of the statement\b",
        ),
        ("as follows", r"\breads? as follows\b"),
        (
            "attention",
            r"\bsituations? that requires? the council's attention"
            r"|\brequièrent l'attention du conseil",
        ),
        ("atención", r"\brequieren la atención del consejo"),
        ("внимания", r"\bтребующие внимания со стороны совета"),
        ("rights reserved", r"\ball rights reserved\b"),
    )
)
#: Each phrase with the longest run of its key without spaces: a paragraph whose key is in its
#: flattened start (``" ".join(start.split())``) has that run in its start as it is.
_FRAME_KEYS = tuple((max(key.split(), key=len), key, rx) for key, rx in _FRAME_PHRASES)
_ASCII_FRAME_KEYS = tuple(entry for entry in _FRAME_KEYS if entry[1].isascii())
#: For text beyond ASCII, characters of which every run of a group of keys holds one (Latin,
#: Cyrillic, Arabic runs): text without any of them holds none of the group's runs, and one
#: search for a character or two spares the searches for the runs (a Greek or Arabic text
#: skips the Latin and Cyrillic runs). In ASCII text, a character that prose may lack.
_KEY_GATES = ("eoi", "ти", "ت")
_ASCII_KEY_GATES = ("'",)


def _gated_keys(
    keys: Sequence[tuple[str, str, LazyPattern]], gates: Sequence[str]
) -> tuple[tuple[str, tuple[tuple[str, str, LazyPattern], ...]], ...]:
    """``keys`` grouped under the first of ``gates`` whose characters their runs hold, those
    whose runs hold none under "" (searched in any text)."""
    groups: dict[str, list[tuple[str, str, LazyPattern]]] = {gate: [] for gate in ("", *gates)}
    for entry in keys:
        gate = next((gate for gate in gates if any(ch in entry[0] for ch in gate)), "")
        groups[gate].append(entry)
    return tuple((gate, tuple(entries)) for gate, entries in groups.items() if entries)


_GATED_FRAME_KEYS = _gated_keys(_FRAME_KEYS, _KEY_GATES)
_GATED_ASCII_FRAME_KEYS = _gated_keys(_ASCII_FRAME_KEYS, _ASCII_KEY_GATES)


def _holds_any(text: str, characters: str) -> bool:
    """Whether ``text`` holds one of ``characters`` (``map``: a generator costs more)."""
    return any(map(text.__contains__, characters))


def _present_phrases(everything: str) -> list[tuple[str, LazyPattern]]:
    """The phrases whose key runs ``everything`` (lower case) holds."""
    return [
        (key, rx)
        for gate, entries in (_GATED_ASCII_FRAME_KEYS if everything.isascii() else _GATED_FRAME_KEYS)
        if not gate or _holds_any(everything, gate)
        for run, key, rx in entries
        if run in everything
    ]


# Headings, datelines and source lines, which frame a text when a paragraph starts with them.
_FRAME_START = LazyPattern(
    re,
    r"""
    (?:letter|identical\ letters|note\ verbale)\ dated\b | (?:carta|cartas\ idénticas|nota\ verbal)
      \ de\ fecha\b | (?:lettre|lettres\ identiques|note\ verbale)\ datée?s?\ du\b
    | (?:письмо|идентичные\ письма|вербальная\ нота)\b
    | (?:press\ release|пресс-релиз|comunicado\ de\ prensa|communiqué\ de\ presse)\b
    | (?:kaynak|source|sources|источник|fuente|quelle)\s*(?:/\s*\w+\s*)?:
    | (?:read\ more|read\ also|share\ this|related\ articles?|follow\ us|tags?:|photo:)
    | ©
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ANNEX_HEADING = LazyPattern(
    re,
    r"^(?:annex|annexe|anexo|приложение)(?:\s+[ivx\d]+)?(?:\s+(?:to|à|a|de|del|al|к)\b|\s*$)",
    re.IGNORECASE,
)
#: How what :data:`_FRAME_START` and :data:`_ANNEX_HEADING` match begins, in lower case, when it
#: begins in ASCII: a paragraph whose start begins with none of them (and is ASCII) matches
#: neither, so its start need not be flattened (tests/test_segment_reference.py reads the
#: patterns' alternatives to check this list).
_FRAME_HEADS = (
    "lett", "identical", "not", "cart", "press", "comunicado", "communiqu", "kaynak", "source",
    "fuente", "quelle", "read", "share", "related", "follow", "tag", "photo", "annex", "anexo",
)  # fmt: skip
_FRAME_HEAD_LENGTH = max(map(len, _FRAME_HEADS))
#: The characters what they match can start with, ignoring case as the patterns do: a start that
#: is not ASCII must begin with one of them.
_FRAME_FIRST = LazyPattern(re, "[acfiklnpqrst©вип]", re.IGNORECASE)
_INTRODUCER = LazyPattern(
    re,
    r"""(?:statement|declaration)\ (?:reads|says)|reads?\ as\ follows|^(?:the\ )?(?:full\ )?text\ of
    |^текст\ заявления|^el\ texto\ de|^le\ texte\ de""",
    re.IGNORECASE | re.VERBOSE,
)
_FINAL = LazyPattern(re, r"[.!?…:;。！？।]['\"”’»)\]*]*$")


def _plain(line: str) -> str:
    """A line without surrounding Markdown emphasis, heading or quote marks."""
    return line.strip(_MARKUP)


def _date_word(token: str) -> bool:
    return token.isdigit() or token in _MONTH_SET or token in _DATE_FILLERS


#: The first letters of the months and fillers: a date line's first word starts with one of
#: them, or is a number.
_DATE_WORD_STARTS = frozenset(word[0] for word in (*_MONTH_SET, *_DATE_FILLERS))


class _DateStart(dict[str, bool]):
    """Whether a line starting with a character may be a date line, asked once per character.

    A letter that lowers to one letter is the first character of the line's first word in
    lower case; that word, a letter first, is no number, and it is a month or a filler only if
    one starts with that letter. Anything else may start a date line.
    """

    def __missing__(self, ch: str) -> bool:
        lowered = ch.lower()
        answer = not (len(lowered) == 1 and lowered.isalpha() and lowered not in _DATE_WORD_STARTS)
        if len(self) < 4_096:  # a text uses a few dozen first characters
            self[ch] = answer
        return answer


_DATE_START = _DateStart()


def is_date_line(line: str) -> bool:
    """Whether ``line`` is only a date or a date range ("03.04.2020", "24 июня – 12 июля 2019 года").

    Every word of a date line is a number, a month or a filler, so a line whose first word is
    none of them is told at once, by its first character when that is a letter
    (:class:`_DateStart`): searching a line in another script for a digit first cost three
    times as much (``re`` asks Unicode of each character).
    """
    if len(line) > 60 or not _DATE_START[line[:1]]:
        return False
    lowered = line.lower()
    first = _TOKEN.search(lowered)
    if first is None or not _date_word(first.group()) or not _DIGIT.search(line):
        return False
    tokens = _TOKEN.findall(lowered)
    if not tokens or len(tokens) > 12 or not any(t.isdigit() for t in tokens):
        return False
    if not any(t in _MONTH_SET for t in tokens) and not _NUMERIC_DATE.search(line):
        return False
    return all(map(_date_word, tokens))


def is_header_line(line: str) -> bool:
    """Whether one line is a document-header or signature line, never statement text.

    UN organs, sessions, agenda items, "Distr."/"Original:", UN symbols, language names, dates,
    "(Signed) ...", signature titles, bare URLs and separator lines ("---", "* * *").
    """
    plain = _plain(line)
    if not (plain[:1].isalnum() or _ALNUM.search(plain)):  # [^\W_] is str.isalnum
        return True  # a separator
    if len(plain) > 100:
        return False
    organ = plain.rstrip(" ,")
    if len(organ) in _ORGAN_LENGTHS and _ORGANS.fullmatch(organ):
        return True
    if (
        _HEADER_FIRST[plain[0]]
        and (" " not in plain or _HEADER_PAIR[plain[:2]])
        and _HEADER_LINE.fullmatch(plain)
    ) or (len(plain) <= 60 and is_date_line(plain)):
        return True
    if plain[-1] not in _SESSION_LAST or not _SESSION_TAIL.search(plain, len(plain) - _SESSION_TAIL_LENGTH):
        return False  # no session line: the keys below would only lead to a failed match
    lowered = plain.lower()
    for key in _SESSION_KEYS:  # a loop, not any(): a generator costs more than these tests
        if key in lowered:
            return bool(_SESSION_LINE.fullmatch(plain))
    return False


#: A field line of an RFC 822-style record: an ASCII field name, a colon, then a short value.
_FIELD_LINE = LazyPattern(re, r"([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*):(?:[ \t]+(.*))?$")
#: A field's value or continuation line longer than this is text, not a record.
_FIELD_VALUE_WORDS = 12
#: The line breaks of ``str.splitlines`` ("\r\n" is two here, with a blank line between them).
_BREAKS = r"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: Blank lines, then the first line with text, up to its line break.
_FIRST_LINE = LazyPattern(re, rf"(?:[^\S{_BREAKS}]*[{_BREAKS}])*([^{_BREAKS}]*)")
#: Blank lines, then the name and colon of a field (:data:`_FIELD_LINE`): a record's first line.
_FIELD_HEAD = LazyPattern(re, rf"(?:[^\S{_BREAKS}]*[{_BREAKS}])*[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*:")


def is_field_stanza(text: str) -> bool:
    """Whether a paragraph is a record of fields ("Files: *" / "Copyright: 2010 A. Author" /
    "License: BSD-3-clause"), continuation lines indented, every value short.

    Two fields make a record; one alone only when it is the whole paragraph and its value has no
    sentence end ("Format: https://..."). A licence paragraph that opens with "License: Expat"
    and continues with the licence text is not a record: its continuation lines are prose.
    """
    if not _FIELD_HEAD.match(text):
        return False  # the first line is no field: the loop below says so, reading every line
    lines = [line for line in text.splitlines() if line.strip()]
    fields = 0
    for line in lines:
        match = _FIELD_LINE.match(line.rstrip())
        if match:
            value = match.group(2) or ""
            if len(value.split()) > _FIELD_VALUE_WORDS:
                return False
            fields += 1
        elif not (line[:1].isspace() and fields and len(line.split()) <= _FIELD_VALUE_WORDS // 2):
            return False
    if fields >= 2:
        return True
    return fields == 1 and len(lines) == 1 and not _FINAL.search(lines[0].rstrip())


def is_separator(line: str) -> bool:
    """A line without letters or digits ("---", "* * *"), which is never part of a paragraph."""
    return not _ALNUM.search(line)


def _has_letters(text: str) -> bool:
    return any(map(str.isalpha, text))


def _is_all_caps(text: str) -> bool:
    """At least four cased letters, four fifths of them upper case.

    Counted with ``map`` over the letters, not a loop over the characters: no character is both
    upper and lower case, so the cased letters are the upper-case ones and the lower-case ones.
    """
    letters = "".join(filter(str.isalpha, text))
    upper = sum(map(str.isupper, letters))
    cased = upper + sum(map(str.islower, letters))
    return cased >= 4 and upper >= 0.8 * cased


def _is_dateline(text: str, words: int) -> bool:
    """A short line carrying a date and no sentence: "News.az (02 April 2020)", "Baku, 2 May"."""
    return words <= 10 and not _FINAL.search(text.rstrip(")")) and bool(_DATE.search(text))


def _is_signature_name(text: str, words: int) -> bool:
    tokens = [t for t in _TOKEN.findall(text) if not t.isdigit()]
    return 0 < words <= 10 and not _FINAL.search(text) and all(t[0].isupper() or len(t) <= 3 for t in tokens)


def _first_line(text: str) -> str | None:
    """The first line of ``text`` with text on it, as ``str.splitlines`` gives it, or None."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    # Every line break is unprintable: a printable line that starts with text is the first.
    if not first or first[0].isspace() or not first.isprintable():
        first = _FIRST_LINE.match(text).group(1)  # type: ignore[union-attr]  # matches any text
        if not first.strip():
            return None
    return first


def _flat(text: str) -> str:
    """``" ".join(text.split())``: the words of ``text`` with single spaces between them.

    A paragraph's only whitespace is mostly single spaces and line feeds, and then replacing the
    line feeds gives the same string without splitting it into words (``str.isprintable`` is
    false for every whitespace character but the space: tested over every code point).
    """
    flat = text.replace("\n", " ")
    if flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " ":
        return flat
    return " ".join(text.split())


def _frames(texts: Sequence[str]) -> list[bool]:
    """Rules 1 and 2 for each paragraph of a document: whether it is frame on its own."""
    starts = [text[:600] for text in texts]
    # The keys of the phrases are looked for in all paragraphs at once, and then only those
    # found in each: most documents hold none. A paragraph's start as it is holds every run of
    # a key without spaces that its flattened start holds.
    everything = "\0".join(starts).lower()
    present = _present_phrases(everything)
    return [_frame(text, start, present) for text, start in zip(texts, starts, strict=True)]


def _frame_head(start: str) -> bool:
    """Whether a paragraph's start may begin as :data:`_FRAME_START` or :data:`_ANNEX_HEADING`
    match (:data:`_FRAME_HEADS`, :data:`_FRAME_FIRST`)."""
    head = start.lstrip(_SPACE_AND_MARKUP)[:_FRAME_HEAD_LENGTH]
    return bool(head.lower().startswith(_FRAME_HEADS) if head.isascii() else _FRAME_FIRST.match(head))


class _FrameOpener(dict[str, bool]):
    """Whether a paragraph starting with a character may pass :func:`_frame_head`, asked once
    per character: a head that starts with a character (not space or markup) that
    :data:`_FRAME_FIRST` turns away passes neither test, as the ASCII heads all start with one
    it takes (tests/test_segment_reference.py checks them). Most prose turns away here."""

    def __missing__(self, ch: str) -> bool:
        answer = not ch or ch in _SPACE_AND_MARKUP or bool(_FRAME_FIRST.match(ch))
        if len(self) < 4_096:  # a text uses a few dozen first characters
            self[ch] = answer
        return answer


_FRAME_OPENER = _FrameOpener()


def _frame(text: str, start: str, phrases: Sequence[tuple[str, LazyPattern]]) -> bool:
    """Whether a paragraph is frame by rules 1-2; ``start`` is its first 600 characters and
    ``phrases`` those of :data:`_FRAME_PHRASES` whose keys may be in it."""
    if phrases or (_FRAME_OPENER[start[:1]] and _frame_head(start)):
        plain = _plain(_flat(start))
        if _FRAME_START.match(plain) or (_ANNEX_HEADING.match(plain) and len(plain) < 400):
            return True
        lowered = plain.lower()
        for key, rx in phrases:  # a loop, not any(): a generator costs more than these tests
            if key in lowered and rx.search(lowered):
                return True
    # A record and a paragraph of header lines are told by their first line first.
    first = _first_line(text)
    if first is None:
        return True  # no line with text on it: every line is a header line
    if ":" in first and _FIELD_LINE.match(first.rstrip()) and is_field_stanza(text):
        return True
    return is_header_line(first) and all(is_header_line(line) for line in text.splitlines() if line.strip())


def assign_roles(texts: Sequence[str], languages: Sequence[str | None], words: Sequence[int]) -> list[Role]:
    """The role of each paragraph of one document, by the rules of the module docstring."""
    n = len(texts)
    wrapper = _frames(texts)
    languages, words = languages[:n], words[:n]  # the loops below read n of each, in step

    weights: dict[str, int] = {}
    for wrapped, language, count in zip(wrapper, languages, words, strict=True):
        if not wrapped and language:
            weights[language] = weights.get(language, 0) + count
    if not weights:
        for language, count in zip(languages, words, strict=True):
            if language:
                weights[language] = weights.get(language, 0) + count
    if weights:
        main = max(weights, key=weights.__getitem__)  # the first of the heaviest
        for i, language in enumerate(languages):
            if language is not None and language != main:
                wrapper[i] = True

    long_body = [
        i
        for i, (wrapped, count) in enumerate(zip(wrapper, words, strict=True))
        if not wrapped and count >= LONG_WORDS
    ]
    if long_body:
        first, last = long_body[0], long_body[-1]
        for i in [*range(first), *range(last + 1, n)]:
            if not wrapper[i] and words[i] < LONG_WORDS:
                wrapper[i] = _outside_shape(texts[i], words[i], after=i > last)
        _frame_before_introducer(texts, words, wrapper, first)
    return ["wrapper" if w else "body" for w in wrapper]


def _outside_shape(text: str, words: int, *, after: bool) -> bool:
    """Whether a short paragraph before or after the body looks like a header or footer."""
    plain = _plain(text)
    return (
        not _has_letters(plain)
        or words == 0
        or plain.startswith(("*", "¹", "†"))
        or _is_all_caps(plain)
        or _is_dateline(plain, words)
        or (after and _is_signature_name(plain, words))
    )


def _frame_before_introducer(
    texts: Sequence[str], words: Sequence[int], wrapper: list[bool], first: int
) -> None:
    """Rule 5: everything up to an annex heading or "The statement reads:" is frame."""
    for k in range(first):
        plain = _plain(" ".join(texts[k].split()))
        is_annex = bool(_ANNEX_HEADING.match(plain))
        if not (is_annex or (words[k] <= 15 and plain.endswith(":") and _INTRODUCER.search(plain))):
            continue
        before = sum(words[: k + 1])
        after = sum(w for w, wrapped in zip(words[k + 1 :], wrapper[k + 1 :], strict=True) if not wrapped)
        if before < after:
            for i in range(k + 1):
                wrapper[i] = True
        return
