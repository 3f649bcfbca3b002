"""Word lists, compiled patterns and small text helpers behind :mod:`variorum.collate.claims`.

Kept apart from the extraction logic so that the vocabulary (qualifiers, number words, stop words,
document keywords) can be read and extended in one place. Every pattern is compiled once, at
import. Full-text scans use the ``regex`` module, which finds digit and capital classes several
times faster than ``re``; case-insensitive alternations of many words are slow in both, so they
are only tried at a few known positions (at a keyword found by :func:`find_all`, before a year).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator

import regex

from variorum.text.lazy_pattern import LazyPattern
from variorum.text.normalize import normalize_word

# Whitespace and Markdown emphasis between two words of one claim; at most one line break, so
# that a claim may wrap but never runs across a blank line into the next paragraph.
GAP = r"(?:[ \t\u00a0\u202f*_]|\n(?![ \t\u00a0]*\n))+"

# ---------------------------------------------------------------------------------------------
# Quantities

#: Words that qualify a figure, written as they are matched (case-insensitive), longest first.
QUALIFIERS = (
    "no fewer than", "no less than", "no more than", "as many as", "in excess of", "upwards of",
    "more than", "fewer than", "less than", "at least", "at most", "up to", "close to", "an estimated",
    "around", "about", "approximately", "approx.", "roughly", "some", "nearly", "almost", "over",
    "under", "не менее", "не более", "более чем", "около", "более", "свыше", "почти", "примерно",
    "приблизительно", "порядка", "менее", "до", "alrededor de", "más de", "menos de", "cerca de",
    "al menos", "por lo menos", "aproximadamente", "hasta", "casi", "unos", "unas", "environ",
    "plus de", "moins de", "près de", "au moins", "jusqu'à", "jusqu’à", "presque", "mehr als",
    "weniger als", "bis zu", "mindestens", "ungefähr", "etwa", "rund", "fast", "knapp",
)  # fmt: skip
#: The qualifiers as compared: casefolded, one space between words, straight apostrophes.
QUALIFIER_SET = frozenset(" ".join(q.casefold().replace("’", "'").split()) for q in QUALIFIERS)

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
#: Multipliers after a figure, in the languages read; the value is a power of ten.
SCALES = {
    "hundred": 2, "thousand": 3, "million": 6, "millions": 6, "billion": 9, "billions": 9,
    "mil": 3, "millón": 6, "millon": 6, "millones": 6, "mille": 3, "milliard": 9, "milliards": 9,
    "тыс": 3, "тысяча": 3, "тысячи": 3, "тысяч": 3, "млн": 6, "миллион": 6, "миллиона": 6,
    "миллионов": 6, "млрд": 9, "миллиард": 9, "миллиарда": 9, "миллиардов": 9, "tausend": 3,
    "mio": 6, "millionen": 6, "milliarde": 9, "milliarden": 9, "mrd": 9,
}  # fmt: skip
#: Vague figures ("dozens of", "tens of thousands of"): the order of magnitude they name.
VAGUE = {
    "dozens": 12, "tens": 10, "hundreds": 100, "thousands": 1000, "millions": 10**6,
    "billions": 10**9, "decenas": 10, "cientos": 100, "centenares": 100, "miles": 1000,
    "millones": 10**6, "dizaines": 10, "centaines": 100, "milliers": 1000, "десятки": 10,
    "сотни": 100, "тысячи": 1000, "тысяч": 1000, "миллионы": 10**6, "миллионов": 10**6,
}  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER_WORD = rf"(?:{_alternation([*UNITS, 'hundred', 'thousand', 'million', 'billion'])})"
_VAGUE_WORD = rf"(?:{_alternation(VAGUE)})"
_OF = r"(?:of|de|d['’])"
#: The tokenizer's two number forms (variorum.text.normalize), so that values equal token norms.
DIGITS = LazyPattern(
    regex,
    r"(?P<group>(?<![\d.,])\d{1,3}(?:(?:[.,]|[ \u00a0\u202f\u2009])\d{3})+(?![\d]|[.,]\d))"
    r"|(?P<num>\d+(?:[.,]\d+)*)",
)
SCALE_AFTER = LazyPattern(regex, rf"[ \u00a0]+(?P<scale>{_alternation(SCALES)})(?!\w)\.?", regex.I)
_WORD_FIGURE = (
    rf"(?P<words>{_NUMBER_WORD}(?:(?:[ \t]+(?:and[ \t]+)?|-){_NUMBER_WORD})*)(?![\w])"
    rf"|(?P<vague>{_VAGUE_WORD}(?:[ \t]+{_OF}[ \t]*{_VAGUE_WORD}|[ \t]+{_VAGUE_WORD})?"
    rf"(?:[ \t]+{_OF}(?![\w])|[ \t]+d['’](?=\w))?)(?![\w-])"
)
#: Number words and vague figures, matched where a word starts ("two million", "dozens of").
WORD_FIGURE = LazyPattern(regex, _WORD_FIGURE, regex.I)
#: Beginnings of every word a number-word or vague figure can start with ("thir" for thirteen
#: and thirty), for a quick search of lowercased text: fewer searches than words.
FIGURE_WORD_STARTS = (
    "one", "two", "thre", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twe",
    "thir", "fif", "forty", "dozens", "hundred", "thousand", "mill", "billion", "decenas", "cientos",
    "cent", "dizaines", "miles", "десятки", "сотни", "тысяч", "миллион",
)  # fmt: skip
#: Words before "one" that make it a pronoun ("no one", "the one").
ONE_BLOCKERS = frozenset("no any every some the each this that which such anyone".split())
PERCENT = LazyPattern(
    regex,
    r"[ \u00a0]?%|[ \t\u00a0]+(?:per[ \t]?cent|percent|por[ \t]+ciento|pour[ \t]?cent|prozent|"
    r"процент(?:а|ов)?)(?!\w)",
    regex.I,
)
#: One word of the counted noun phrase after a figure (a hyphenated compound is one word).
NOUN_WORD = LazyPattern(regex, rf"(?:{GAP}|(?<=['’]))(?P<w>[\p{{L}}\p{{M}}]+(?:[-‐'’][\p{{L}}\p{{M}}]+)*)")
#: Words before a number that designates (an item, a paragraph) rather than counts; compared
#: casefolded and without a final period. Lists after them designate too: "items 35 and 40".
DESIGNATOR_WORDS = frozenset(
    """
    item items paragraph paragraphs para paras section sections article articles art chapter chapters
    annex annexes page pages p pp no nos number numbers rule rules point points figure table vol volume
    version session tema temas punto puntos párrafo párrafos artículo artículos capítulo capítulos tabla
    sesión alinéa alinéas paragraphe paragraphes chapitre chapitres annexe annexes séance пункт пункта
    пункту пунктом пунктах пункты статья статьи статье статью раздел раздела разделе глава главы главе
    параграф сессия сессии tagesordnungspunkt ziffer absatz artikel kapitel sitzung №
    """.split()
)
LIST_SEP = LazyPattern(regex, r"\s*(?:,|;|&|[-–]|\s(?:and|or|to|и|или|y|o|et|ou|und|oder)\s)\s*", regex.I)
#: The word just before a position, across spaces, Markdown and one line break; search it with
#: a short window ending at the position (reverse search: one attempt, at the end).
PREV_WORD = LazyPattern(regex, rf"(?r)(?<![\w'’])(?P<w>[\p{{L}}№][\p{{L}}\p{{M}}'’]*\.?){GAP}$")
URL = LazyPattern(regex, r"(?:https?://|www\.)[^\s<>\"'“”()]+", regex.I)

#: Words that end a counted noun phrase: function words and auxiliaries, folded like tokens.
STOP_WORDS = frozenset(
    normalize_word(w)
    for w in """
    of the a an and or but nor in on at to from by for with as per than that which who whom whose were was
    is are be been being have has had will would shall should may might can could do does did not no this
    these those it its their they them there here into onto upon over under between among during before
    after since until till while when where so such each every all both also only just still yet more less
    most least out up down off about around against within without through across along via if then else i
    we you he she his her our your my me us one de del la el los las y e o u en a al con por para que
    fueron fue son es han ha se su sus sin sobre entre desde hasta como mas menos cada este esta estos
    estas lo le les des du et ou à au aux avec par pour qui ont sont est été sur sans dans depuis comme
    plus moins l d der die das den dem und oder im am an auf mit von vom zu zur zum für wurden wurde sind
    ist waren war haben hat и в во на из с со по к о от до для за при были был была было будет является
    что которые который которая как а но или не это его их ее
    """.split()
)

# ---------------------------------------------------------------------------------------------
# Dates that dates.date_spans does not read: a month with its year, and a year alone.

YEAR = LazyPattern(regex, r"(?<![\d.,/])(?P<year>1[5-9]\d\d|20\d\d)(?![\d]|[.,/]\d)")
#: Russian months in the prepositional case ("в апреле 2016 года"), which full dates never use.
_RU_MONTHS = "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре"
RU_MONTHS_PREPOSITIONAL = {name: number for number, name in enumerate(_RU_MONTHS.split(), 1)}
#: Words that make a year alone a date: "in 1993", "since 2002", "в 1993 году", "desde 2002".
YEAR_PREPOSITIONS = frozenset(
    "in since from until till by before after during of circa в с до к en desde hasta depuis jusqu'en "
    "seit jahr bis ab".split()
)
YEAR_SUFFIX = LazyPattern(regex, r"[ \t\u00a0]+(?:года|году|г\.)", regex.I)

# ---------------------------------------------------------------------------------------------
# Citations

_BODY = (
    r"(?:(?:United\s+Nations\s+|UN\s+)?(?:Security\s+Council|General\s+Assembly|Human\s+Rights\s+Council|"
    r"Economic\s+and\s+Social\s+Council)|UNSC|UNGA|HRC)\s+"
)
_ITEM = r"(?P<num>\d+(?:/[\p{L}\d]+(?:\.[\p{L}\d]+)*)*)(?![\w/])(?:\s*\((?P<year>\d{4})\))?"
_KEYWORD = (
    r"(?P<kw>UNSCRs?|resolutions?|resoluci[oó]n(?:es)?|résolutions?|resolutionen|резолюци[а-я]*|"
    r"decisions?|decisi[oó]n(?:es)?|décisions?|решени[а-я]*|beschl(?:uss|üsse))"
    rf"\s+(?:(?:No\.|№|n[º°o]\.?)\s*)?{_ITEM}"
)
#: "resolution 822 (1993)", "resolutions 853 (1993)", "decision 2/CP.15", matched at the keyword.
CITATION_AT = LazyPattern(regex, _KEYWORD, regex.I)
#: Beginnings of the keywords, for a quick search of lowercased text.
CITATION_STEMS = ("resolu", "résolu", "decisi", "décisi", "unscr", "резолюц", "решени", "beschl")
#: The body that adopted it, just before the keyword: "Security Council", "UN General Assembly".
BODY_BEFORE = LazyPattern(regex, rf"(?r)(?<![\w/]){_BODY}$", regex.I)
#: A further item of a cited list: ", 874 (1993) and 884 (1993)".
CITATION_NEXT = LazyPattern(
    regex,
    rf"(?:\s*[,;]\s*(?:and\s+|y\s+|et\s+|и\s+)?|\s+(?:and|&|и|y|et|und|as\s+well\s+as)\s+){_ITEM}",
    regex.I,
)
#: UN document symbols: "A/73/825", "S/2018/345", "A/HRC/41/G/7", "E/CN.4/2005/L.10/Rev.1".
SYMBOL = LazyPattern(
    regex,
    r"(?<![\w/.])(?P<sym>[A-Z]{1,6}(?:/(?:[A-Z0-9]+(?:[.\-][A-Za-z0-9]+)*|(?:Rev|Add|Corr)\.\d+))+)"
    r"(?![\w/])(?:\s*\((?P<year>\d{4})\))?",
)
#: Symbols of resolutions, read as the resolution they name.
RESOLUTION_SYMBOL = LazyPattern(regex, r"(?:S/RES/(?P<sc>\d+)|(?:A|A/HRC|E)/RES/(?P<ga>\d+/\d+))")

# ---------------------------------------------------------------------------------------------
# Entities

_CAP_WORD = (
    r"(?:\p{Lu}\.){2,}"  # U.S., U.N.
    r"|\p{Lu}[\p{L}\p{M}\d]*(?:['’](?![sS]\b)[\p{L}\p{M}]+)*(?:[-‐–][\p{L}\d][\p{L}\p{M}\d]*)*"
    r"(?:(?<=\b(?:Ltd|Inc|Corp|Co|Jr|Sr|Bros|Plc|Ltda|Cie))\.|\.[a-z]{2,4}(?![\w.]))?"  # "Ltd.", "News.az"
)
CONNECTORS = frozenset(
    "of the and for de la del des du le los las y para et pour und von für van der di da do dos".split()
)
# Longest first; words of one length alphabetically, so that the pattern's text (and the cached
# compiled program, see variorum.text.lazy_pattern) is the same in every process.
_CONNECTOR = "|".join(sorted(CONNECTORS, key=lambda word: (-len(word), word)))
_SPACE = r"(?:[ \t\u00a0]+|[ \t\u00a0]*\n[ \t\u00a0]*)"
#: A maximal run of capitalised words, with lowercase connectors inside and one line break at most
#: between two words.
ENTITY_RUN = LazyPattern(
    regex, rf"(?<![\w\-‐–'’/])(?:{_CAP_WORD})(?:{_SPACE}(?:(?:{_CONNECTOR}){_SPACE}){{0,2}}(?:{_CAP_WORD}))*"
)
WORD_IN_RUN = LazyPattern(regex, r"\S+")
#: Five or more all-capital words in a row (digits and punctuation between them): a headline.
CAPS_BLOCK = LazyPattern(regex, r"\p{Lu}[\p{Lu}\d'’\-]*\b(?:[\s\d,;:&'’\-–—*/]+\p{Lu}[\p{Lu}\d'’\-]*\b){4,}")
#: Words dropped from the start of a run: function words, and the adverbs and participles that
#: open sentences ("Following the Presidential Statement ...", "Since 2002, ...").
LEADING_WORDS = frozenset(
    """
    the a an in on at by for from with as of to and but or if this that these those it its our their his
    her we they he she i you there here when while after before since upon under over following according
    despite during amidst amid instead currently then also however moreover furthermore all any each every
    some such other both no not only along among between within without further signed dear yours el la
    los las un una en de del por para con y según le les une des du dans par pour avec et selon der die
    das ein eine im in am mit von und auf в на с по и но это как для согласно
    """.split()
)
TITLES = frozenset("mr mrs ms dr prof sir madam mme sra h.e. г-н г-жа".split())
#: Single capitalised words that are not names: weekdays, and the citation keywords.
NOT_NAMES = frozenset(
    """
    resolution resolutions unscr unscrs decision decisions resolución résolution monday tuesday wednesday
    thursday friday saturday sunday lunes martes miércoles jueves viernes sábado domingo lundi mardi
    mercredi jeudi vendredi samedi dimanche montag dienstag mittwoch donnerstag freitag samstag sonntag
    понедельник вторник среда четверг пятница суббота воскресенье
    """.split()
)
SENTENCE_END = frozenset(".!?:;")
#: A line ending in these (a blank line, a full stop, bold Markdown) is followed by a sentence.
LINE_END = frozenset("\n.!?:;*")
#: Characters skipped when looking back for the end of the previous sentence.
OPENERS = frozenset(" \t\u00a0*_#>\"“”„‘’'«»([-–—•")
#: A line shorter than this is a heading or a signature, not wrapped prose (see heading_line).
SHORT_LINE = 40


# ---------------------------------------------------------------------------------------------
# Helpers


class Spans:
    """Character spans merged into disjoint intervals, for fast "does this overlap any" tests."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.spans = merged
        self._starts = [s for s, _ in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1
        return i >= 0 and self.spans[i][1] > start


_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-", "‐": "-", "‑": "-"})


def fold(raw: str) -> str:
    """A claim's words as compared: casefolded, whitespace collapsed, quotes and dashes folded."""
    return " ".join(raw.translate(_FOLD).casefold().split())


def lowercase(text: str) -> str:
    """``text`` in lowercase, offsets kept: a character that lowercases to two ("İ") stays."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


def find_all(lowered: str, needles: Iterable[str]) -> list[int]:
    """Sorted starts of the needles in lowercased text where they do not continue a word.

    Several str.find calls are faster than one case-insensitive alternation of the same words.
    """
    found: set[int] = set()
    for needle in needles:
        i = lowered.find(needle)
        while i != -1:
            if i == 0 or not (lowered[i - 1].isalnum() or lowered[i - 1] in "-‐'’"):
                found.add(i)
            i = lowered.find(needle, i + 1)
    return sorted(found)


def occurrences(text: str, word: str) -> Iterator[int]:
    """Starts of ``word`` in ``text`` as a whole word."""
    i = text.find(word)
    while i != -1:
        after = i + len(word)
        if (i == 0 or not text[i - 1].isalpha()) and (after >= len(text) or not text[after].isalpha()):
            yield i
        i = text.find(word, i + 1)


def url_spans(text: str, lowered: str) -> list[tuple[int, int]]:
    """Spans of web addresses, where no claim is read ("news.az/articles/politics/147105")."""
    if "://" not in text and "www." not in lowered:
        return []
    return [m.span() for m in URL.finditer(text)]


def looks_like_year(value: str) -> bool:
    """Whether a bare number is more likely a year than a count."""
    return len(value) == 4 and "1800" <= value <= "2099"


def ascii_digits(digits: str) -> str:
    """Digits of any script as ASCII ("١٩٩٣" → "1993")."""
    try:
        return str(int(digits))
    except ValueError:
        return digits


def scaled(value: str, power: int) -> str:
    """``value`` times ten to ``power``, in plain digits ("1.5", 6 → "1500000")."""
    from decimal import Decimal, InvalidOperation  # here: most texts scale no figure

    try:
        return format((Decimal(value) * (Decimal(10) ** power)).normalize(), "f")
    except InvalidOperation:
        return value


def words_value(words: str) -> str:
    """The number that English number words name: "two million" → "2000000"."""
    total = current = 0
    for word in words.casefold().replace("-", " ").split():
        if word in UNITS:
            current += UNITS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in SCALES:
            total += max(current, 1) * 10 ** SCALES[word]
            current = 0
    return str(total + current)


def vague_value(words: str) -> str:
    """The order of magnitude a vague figure names: "tens of thousands of" → "10000"."""
    value = 1
    for word in words.casefold().split():
        value *= VAGUE.get(word, 1)
    return str(value)


def opening(text: str, position: int) -> int:
    """What a word at ``position`` opens: 2 a sentence, 1 a line of wrapped prose, 0 neither.

    Markdown, quotes and bullets before it are skipped. A line start begins a sentence unless
    the line before is wrapped prose: long, and ending without a full stop, as in the
    hard-wrapped text extracted from PDFs.
    """
    i = position - 1
    while i >= 0 and text[i] in OPENERS:
        i -= 1
    if i < 0:
        return 2
    if text[i] != "\n":
        return 2 if text[i] in SENTENCE_END else 0
    j = i - 1
    while j >= 0 and text[j] in " \t\r\u00a0":
        j -= 1
    if j < 0 or text[j] in LINE_END:
        return 2
    return 2 if heading_line(text, i) else 1


def heading_line(text: str, newline: int) -> bool:
    """Whether the line ending at ``newline`` is a heading or signature line, not wrapped prose.

    Such a line is short and does not start in lowercase: "Ambassador", "(Signed) Yashar Aliyev",
    "Secretary-General"; a name does not continue across its end.
    """
    start = text.rfind("\n", 0, newline) + 1
    line = text[start:newline].strip(" \t\r\u00a0*_#>")
    return len(line) < SHORT_LINE and not line[:1].islower()


def ordinary(text: str, word: str, cache: dict[str, bool]) -> bool:
    """Whether a capitalised word that opens a sentence is an ordinary word rather than a name.

    It is a name only on evidence: never written in lowercase, and either an acronym or written
    capitalised somewhere a sentence does not start. English adverbs and participles in -ly/-ing
    ("Currently") are ordinary.
    """
    known = cache.get(word)
    if known is not None:
        return known
    result = len(word) >= 8 and word[1:].islower() and word.endswith(("ly", "ing"))
    if not result:
        lower = word.lower() if word.isupper() else word[:1].lower() + word[1:]
        result = any(True for _ in occurrences(text, lower))
    if not result and not (word.isupper() and len(word) > 1):  # an acronym is a name
        result = all(opening(text, i) == 2 for i in occurrences(text, word))
    cache[word] = result
    return result
