"""Dates written in the head of a document, and the document's own date among them.

The date of a version decides which of two versions came first, so the wrong date is worse than
none. Official texts name many dates near the top: their own ("Letter dated 17 April 2018",
"Distr.: General 6 May 2020", "Press release 02 April 2018"), the session they belong to
("24 June – 12 July 2019"), and historical dates in their first sentences ("On April 2, 1993").
The document's date is therefore the first date of the head that is not one end of a range,
where the head stops at the first long prose line; a date introduced as the document's own
("dated", "of", "от", "de fecha", "Press release") counts even inside prose.

Supported forms, in English, Russian (genitive months), Spanish, French and German: "17 April
2018", "02 April 2018", "17 Apr. 2018", "2nd April 2018", "April 2, 2018", "6 июня 2019 года",
"6 de mayo de 2020", "1er avril 2022", "3. März 2020", "03.04.2020" (day.month.year),
"2020-04-03". Impossible dates (31.02.2020) are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from variorum.text.lazy_pattern import LazyPattern

#: How much of a document's beginning is searched for dates, in characters.
HEAD_CHARS = 1500
#: A line longer than this is running prose: the head of the document has ended.
PROSE_LINE_CHARS = 200

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "января", "enero", "janvier", "januar", "jänner"),
    2: ("february", "feb", "февраля", "febrero", "février", "fevrier", "februar"),
    3: ("march", "mar", "марта", "marzo", "mars", "märz", "maerz"),
    4: ("april", "apr", "апреля", "abril", "avril"),
    5: ("may", "мая", "mayo", "mai"),
    6: ("june", "jun", "июня", "junio", "juin", "juni"),
    7: ("july", "jul", "июля", "julio", "juillet", "juli"),
    8: ("august", "aug", "августа", "agosto", "août", "aout"),
    9: ("september", "sept", "sep", "сентября", "septiembre", "setiembre", "septembre"),
    10: ("october", "oct", "октября", "octubre", "octobre", "oktober", "okt"),
    11: ("november", "nov", "ноября", "noviembre", "novembre"),
    12: ("december", "dec", "декабря", "diciembre", "décembre", "decembre", "dezember", "dez"),
}
# Further languages, read where a date is compared across languages (variorum.crosslang): the
# genitive of Polish, Ukrainian and Greek ("3 maja 2020", "3 травня 2020", "3 Μαΐου 2020"),
# Italian, Portuguese, Dutch and Azerbaijani names, and Arabic in both its Gregorian names
# ("17 أبريل 2018") and the Levantine one-word names ("17 نيسان 2018").
_MORE_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "stycznia",
        "styczeń",
        "січня",
        "gennaio",
        "janeiro",
        "januari",
        "ιανουαρίου",
        "yanvar",
        "يناير",
        "جانفي",
    ),
    2: (
        "lutego",
        "luty",
        "лютого",
        "febbraio",
        "fevereiro",
        "februari",
        "φεβρουαρίου",
        "fevral",
        "فبراير",
        "شباط",
        "فيفري",
    ),
    3: ("marca", "березня", "março", "marco", "maart", "μαρτίου", "mart", "مارس", "آذار"),
    4: (
        "kwietnia",
        "kwiecień",
        "квітня",
        "aprile",
        "απριλίου",
        "aprel",
        "أبريل",
        "ابريل",
        "إبريل",
        "نيسان",
        "أفريل",
    ),
    5: ("maja", "травня", "maggio", "maio", "mei", "μαΐου", "μαίου", "مايو", "أيار", "ماي"),
    6: ("czerwca", "czerwiec", "червня", "giugno", "junho", "ιουνίου", "iyun", "يونيو", "حزيران", "جوان"),
    7: ("lipca", "lipiec", "липня", "luglio", "julho", "ιουλίου", "iyul", "يوليو", "تموز", "جويلية"),
    8: ("sierpnia", "sierpień", "серпня", "augustus", "αυγούστου", "avqust", "أغسطس", "آب", "أوت"),
    9: (
        "września",
        "wrzesień",
        "вересня",
        "settembre",
        "setembro",
        "σεπτεμβρίου",
        "sentyabr",
        "سبتمبر",
        "أيلول",
    ),
    10: (
        "października",
        "październik",
        "жовтня",
        "ottobre",
        "outubro",
        "oktober",
        "οκτωβρίου",
        "oktyabr",
        "أكتوبر",
        "اكتوبر",
    ),
    11: ("listopada", "listopad", "листопада", "novembro", "νοεμβρίου", "noyabr", "نوفمبر"),
    12: ("grudnia", "grudzień", "грудня", "dicembre", "dezembro", "δεκεμβρίου", "dekabr", "ديسمبر"),
}
_MONTHS = {
    name: number
    for table in (_MONTH_NAMES, _MORE_MONTH_NAMES)
    for number, names in table.items()
    for name in names
}


def month_number(name: str) -> int | None:
    """The month (1-12) a name or abbreviation means in any language read here, else None.

    Case-insensitive matching also accepts letters whose lowercase is not the table's (``ſept``,
    ``APRİL``): those get None here instead of a KeyError.
    """
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTHS.get(key.casefold())


#: Any whole word in a month's place. The patterns below accept every word there and
#: :func:`_named` keeps the matches whose words are month names: an alternation of the 188 names
#: gave the same matches, but compiling it cost 10-25 ms per pattern in every process that read
#: a date (a third of what ``variorum collate --files`` spent compiling patterns).
#: The words the patterns read next to a month ("de", "of") or between two dates ("to", "bis")
#: never stand in a month's place, so that a pattern that can read them either way reads them as
#: the alternation did.
_MONTH_WORD = r"(?!(?:de|del|of|to|until|till|through|a|al|au|à|bis|по|до)(?!\w))[^\W\d_]+"
_MONTH_GROUPS = ("month", "month2")


def _month(group: str, names: str = _MONTH_WORD) -> str:
    return rf"(?P<{group}>{names})(?!\w)\.?"


def _named(
    pattern: LazyPattern, text: str, pos: int = 0, endpos: int = sys.maxsize
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)``, keeping only matches whose month words are months.

    A match whose word is not a month is not a date; the search goes on one character after its
    start, where the alternation of month names would have gone on too. (Every form's word in a
    month's place is fixed by where the match starts: the only other way to read "5 de X 2020"
    puts "de" there, which is no month. A property test compares with the alternation.)
    """
    while True:
        match = pattern.search(text, pos, endpos)
        if match is None:
            return
        words = [match.group(g) for g in _MONTH_GROUPS if g in match.re.groupindex]
        if all(month_number(w) is not None for w in words if w and not w.isdigit()):
            yield match
            pos = match.end() if match.end() > match.start() else match.start() + 1
        else:
            pos = match.start() + 1


_ORDINAL = r"(?:st|nd|rd|th|er|ᵉʳ|\.?º|°)?"
_DAY = rf"(?<!\w)(?P<day>[0-3]?\d){_ORDINAL}\.?"
_YEAR = r"(?P<year>\d{4})(?!\d)"
_FLAGS = re.IGNORECASE

# "17 April 2018", "6 de mayo de 2020", "6 июня 2019 года", "1er avril 2022", "3. März 2020"
_DAY_MONTH_YEAR = LazyPattern(
    re, rf"{_DAY}\s+(?:de\s+|of\s+)?{_month('month')},?\s+(?:de\s+|del\s+)?{_YEAR}", _FLAGS
)
# "April 2, 2018", "Apr. 2nd 2018"
_MONTH_DAY_YEAR = LazyPattern(
    re, rf"(?<!\w){_month('month')}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d),?\s+{_YEAR}", _FLAGS
)
# "2020-04-03", "2020/04/03"
_ISO = LazyPattern(re, r"(?<![\w.-])(?P<year>\d{4})([-/])(?P<month>\d{1,2})\2(?P<day>\d{1,2})(?!\d)")
# "03.04.2020": always day.month.year, the order of every language variorum reads but English.
_DOTTED = LazyPattern(re, r"(?<![\w.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>\d{4})(?!\d|\.\d)")
# "June 24–28, 2019": a range whose first end has no date form of its own.
_MONTH_DAYS_YEAR = LazyPattern(
    re,
    rf"(?<!\w){_month('month')}\s+(?P<day>[0-3]?\d)\s*[–—‒-]\s*(?P<day2>[0-3]?\d)(?!\d),?\s+{_YEAR}",
    _FLAGS,
)
# "2018年4月17日" (Chinese, Japanese), "2018년 4월 17일" (Korean)
_CJK = LazyPattern(
    re, r"(?<!\d)(?P<year>\d{4})\s*[年년]\s*(?P<month>[01]?\d)\s*[月월]\s*(?P<day>[0-3]?\d)\s*[日일]"
)
_FULL_FORMS = (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO, _DOTTED, _CJK)

_CONNECTOR = r"(?:\s*[–—‒-]\s*|\s+(?:to|until|till|through|a|al|au|à|bis|по|до)\s+)"
# The first end of a range, just before a full date: "24 June – ", "24 de febrero a ", "June 24 – ".
_RANGE_START = LazyPattern(
    re,
    rf"(?:(?<!\w)(?P<day>[0-3]?\d){_ORDINAL}\.?(?:\s+(?:de\s+)?{_month('month')})?"
    rf"|(?<!\w){_month('month2')}\s+(?P<day2>[0-3]?\d))"
    rf"(?:,?\s+(?:de\s+)?(?P<year>\d{{4}}))?{_CONNECTOR}$",
    _FLAGS,
)
_RANGE_GAP = LazyPattern(re, rf"{_CONNECTOR}$", _FLAGS)  # used with match(): anchored at both ends
# Words that introduce a document's own date.
_INTRODUCED = LazyPattern(
    re,
    r"(?<!\w)(?:dated|of|от|de\s+fecha|fecha|en\s+date\s+du|du|vom|press\s+release|"
    r"communiqué\s+de\s+presse|comunicado\s+de\s+prensa)\s*[:,]?\s*$",
    _FLAGS,
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    iso: str
    in_range: bool = False


def find_dates(text: str, head_chars: int = HEAD_CHARS) -> list[str]:
    """Every date written in the first ``head_chars`` characters, as ISO strings, in text order.

    Both ends of a range are included ("24 June – 12 July 2019" gives 2019-06-24 and 2019-07-12);
    a date written twice is listed once, where it first appears.
    """
    return _listed(_scan(text, head_chars))


def document_date(text: str, head_chars: int = HEAD_CHARS) -> str | None:
    """The document's own date: the first date of its head that is not one end of a range."""
    return _own_date(text, _scan(text, head_chars))


def head_dates(text: str, head_chars: int = HEAD_CHARS, *, own: bool = True) -> tuple[list[str], str | None]:
    """:func:`find_dates` and (with ``own``, else None) :func:`document_date` of ``text`` from
    one reading of its head: a document is given both, and each read the head anew."""
    found = _scan(text, head_chars)
    return _listed(found), _own_date(text, found) if own else None


def _listed(found: list[_Found]) -> list[str]:
    seen: dict[str, None] = {}
    for date in found:
        seen.setdefault(date.iso, None)
    return list(seen)


def _own_date(text: str, found: list[_Found]) -> str | None:
    prose: int | None = None  # found only if a date needs it: it reads the whole text
    for date in found:
        if date.in_range:
            continue
        if prose is None:
            prose = _first_prose_line(text)
        if date.start < prose or _INTRODUCED.search(text, max(0, date.start - 40), date.start):
            return date.iso
    return None


def normalize_date(value: object) -> str | None:
    """An ISO date from a metadata value: "2018-04-17", "2018-04-17T10:00:00Z", "17 April 2018".

    Returns None when the value holds no complete, valid date (a year alone is not a date).
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})(?![\d-])", value)
    if match:
        return _iso(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    found = _scan(value, len(value))
    return found[0].iso if found else None


def date_spans(text: str) -> list[tuple[int, int, str]]:
    """Every complete date anywhere in ``text`` as ``(start, end, iso)``: text order, spans disjoint.

    For quoting dates (:mod:`variorum.collate.claims`) rather than choosing a document's date.
    Each end of a range is its own span: the first end written without its year ("24 June – 12
    July 2019") is completed from the other end and quoted without the connector, and "June
    24–28, 2019" gives "June 24" and "28, 2019". Every full form has a four-digit year at one
    end, so only the few characters next to such years are searched, which keeps long texts fast.
    """
    years = [m.span() for m in _YEAR_ANYWHERE.finditer(text)]
    candidates: list[tuple[int, int, int, int, int]] = []
    for form, reach in _REACH:
        for low, high in _windows(years, reach, len(text)):
            for match in _named(form, text, low, high):
                month = match.group("month")
                number = int(month) if month.isdigit() else month_number(month)
                if number is not None:
                    year, day = int(match.group("year")), int(match.group("day"))
                    candidates.append((match.start(), match.end(), year, number, day))
    found: list[_Found] = []
    for start, end, year, month, day in sorted(candidates, key=lambda c: (c[0], -c[1])):
        iso = _iso(year, month, day)
        if iso is not None and not (found and start < found[-1].end):
            found.append(_Found(start, end, iso))
    pairs: list[_Found] = []
    for low, high in _windows(years, 28, len(text)):
        for match in _named(_MONTH_DAYS_YEAR, text, low, high):
            month = month_number(match.group("month"))
            if month is None or any(match.start() < f.end and f.start < match.end() for f in found):
                continue
            first = _iso(int(match.group("year")), month, int(match.group("day")))
            last = _iso(int(match.group("year")), month, int(match.group("day2")))
            if first is not None and last is not None:
                pairs.append(_Found(match.start(), match.end("day"), first, in_range=True))
                pairs.append(_Found(match.start("day2"), match.end(), last, in_range=True))
    spans: list[tuple[int, int, str]] = []
    for found_date in _mark_ranges(text, sorted(found + pairs, key=lambda f: f.start)):
        start, end = found_date.start, found_date.end
        connector = _TRAILING_CONNECTOR.search(text, start, end)
        if connector is not None:
            end = connector.start()
        if end > start and not (spans and start < spans[-1][1]):
            spans.append((start, end, found_date.iso))
    return spans


# How far before its year each full form can start ("31st of September, del 2018" is the
# longest); the ISO form starts with its year.
_REACH = ((_DAY_MONTH_YEAR, 40), (_MONTH_DAY_YEAR, 28), (_ISO, 0), (_DOTTED, 6), (_CJK, 0))
_TRAILING_CONNECTOR = LazyPattern(re, rf"{_CONNECTOR}$", _FLAGS)
# The regex module finds these several times faster than re, which scans digit classes slowly.
_YEAR_ANYWHERE = LazyPattern(regex, r"(?<!\d)\d{4}(?!\d)")


def _windows(years: list[tuple[int, int]], reach: int, length: int) -> list[tuple[int, int]]:
    """Disjoint stretches from ``reach`` characters before each year to a little after it."""
    windows: list[tuple[int, int]] = []
    for start, end in years:
        low, high = max(0, start - reach), min(length, end + 8)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


#: The most characters other than white space that a date form can hold before its four-digit year:
#: "31st. of Septembre., del 2018" reads a day, an ordinal, "de"/"of", a month, a full stop, a
#: comma and "del" there, plus the one character a look-behind reads. The forms read no other
#: characters before the year, so a date that is found lies within this reach of its year however
#: much white space it holds. A month is a month name or its abbreviation: ``_named`` drops a
#: match whose word is no month, and lower-casing never shortens a word.
_BEFORE_YEAR = 16 + max(len(name) for name in _MONTHS)
#: The same after the year's last digit: "年 4 月 17 日" and "-04-03" plus a look-ahead.
_AFTER_YEAR = 10


def _year_windows(head: str) -> list[tuple[int, int]]:
    """Disjoint stretches of ``head`` that hold every date form's match: one around each year.

    Each stretch reaches :data:`_BEFORE_YEAR` characters other than white space before its year
    and :data:`_AFTER_YEAR` after it, and one character more, for a look-ahead at its end.
    Searching these alone finds what searching all of ``head`` finds (``tests/test_dates.py``
    checks it) at a fraction of the cost on the usual head, which holds one year or none.
    """
    windows: list[tuple[int, int]] = []
    length = len(head)
    for match in _YEAR_ANYWHERE.finditer(head):
        low, seen = match.start(), 0
        while low > 0 and seen < _BEFORE_YEAR:
            low -= 1
            seen += not head[low].isspace()
        high, seen = match.end(), 0
        while high < length and seen < _AFTER_YEAR:
            seen += not head[high].isspace()
            high += 1
        high = min(length, high + 1)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(high, windows[-1][1]))
        else:
            windows.append((low, high))
    return windows


def _scan(text: str, head_chars: int) -> list[_Found]:
    # A little past the limit, so that a date straddling it is read whole (and then dropped).
    head = text[: head_chars + 40]
    windows = _year_windows(head)
    if not windows:  # every form holds a four-digit year
        return []
    candidates: list[tuple[int, int, int, int, int]] = []  # start, end, year, month, day
    for form in _FULL_FORMS:
        for match in (m for low, high in windows for m in _named(form, head, low, high)):
            month = match.group("month")
            number = int(month) if month.isdigit() else month_number(month)
            if number is None:
                continue
            candidates.append(
                (match.start(), match.end(), int(match.group("year")), number, int(match.group("day")))
            )
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for start, end, year, month, day in sorted(candidates, key=lambda c: (c[0], -c[1])):
        iso = _iso(year, month, day)
        if (
            iso is None
            or start >= head_chars
            or any(start < t_end and t_start < end for t_start, t_end in taken)
        ):
            continue
        taken.append((start, end))
        found.append(_Found(start, end, iso))
    for match in (m for low, high in windows for m in _named(_MONTH_DAYS_YEAR, head, low, high)):
        if match.start() >= head_chars or any(match.start() < e and s < match.end() for s, e in taken):
            continue
        month, year = month_number(match.group("month")), int(match.group("year"))
        if month is None:
            continue
        for day in (match.group("day"), match.group("day2")):
            iso = _iso(year, month, int(day))
            if iso is not None:
                found.append(_Found(match.start(), match.end(), iso, in_range=True))
    found.sort(key=lambda f: f.start)
    return _mark_ranges(head, found)


def _mark_ranges(head: str, found: list[_Found]) -> list[_Found]:
    """Mark both ends of every range, adding the first end when it is written without a year."""
    marked: list[_Found] = []
    for index, current in enumerate(found):
        in_range = current.in_range
        following = found[index + 1] if index + 1 < len(found) else None
        preceding = found[index - 1] if index else None
        if following is not None and _RANGE_GAP.match(head, current.end, following.start):
            in_range = True
        if preceding is not None and _RANGE_GAP.match(head, preceding.end, current.start):
            in_range = True
        elif not current.in_range:
            start_end = _range_start(head, current)
            if start_end is not None:
                marked.append(start_end)
                in_range = True
        marked.append(_Found(current.start, current.end, current.iso, in_range))
    return marked


def _range_start(head: str, end: _Found) -> _Found | None:
    """The first end of a range written just before ``end`` ("24 June – "), completed from ``end``."""
    # Same answer, faster: no range can start where no connector ends (the month alternation
    # of _RANGE_START is slow to try at every position).
    if _TRAILING_CONNECTOR.search(head, max(0, end.start - 60), end.start) is None:
        return None
    match = next(_named(_RANGE_START, head, max(0, end.start - 60), end.start), None)
    if match is None:
        return None
    year, month, _ = (int(part) for part in end.iso.split("-"))
    if match.group("year"):
        year = int(match.group("year"))
    name = match.group("month") or match.group("month2")
    if name:
        named = month_number(name)
        if named is None:
            return None
        month = named
    day = int(match.group("day") or match.group("day2"))
    iso = _iso(year, month, day)
    return None if iso is None else _Found(match.start(), match.end(), iso, in_range=True)


def _first_prose_line(text: str) -> int:
    """Offset of the first line of running prose, or the text's length if there is none."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if len(line.strip()) > PROSE_LINE_CHARS:
            return offset
        offset += len(line)
    return len(text)


def _iso(year: int, month: int, day: int) -> str | None:
    if not 1000 <= year <= 2999:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
