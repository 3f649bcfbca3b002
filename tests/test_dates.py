"""Dates in the head of a document, and the document's own date among them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from variorum.ingest import dates
from variorum.ingest.dates import HEAD_CHARS, date_spans, document_date, find_dates, normalize_date
from variorum.text.lazy_pattern import LazyPattern

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December"]  # fmt: skip
EN_ABBR = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
      "ноября", "декабря"]  # fmt: skip
ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
      "noviembre", "diciembre"]  # fmt: skip
FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
      "novembre", "décembre"]  # fmt: skip
DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
      "November", "Dezember"]  # fmt: skip

#: Every supported way of writing a date, one function per form.
FORMS: dict[str, Callable[[dt.date], str]] = {
    "english": lambda d: f"{d.day} {EN[d.month - 1]} {d.year}",
    "english padded": lambda d: f"{d.day:02d} {EN[d.month - 1]} {d.year}",
    "english abbreviated": lambda d: f"{d.day} {EN_ABBR[d.month - 1]} {d.year}",
    "american": lambda d: f"{EN[d.month - 1]} {d.day}, {d.year}",
    "russian": lambda d: f"{d.day} {RU[d.month - 1]} {d.year} года",
    "spanish": lambda d: f"{d.day} de {ES[d.month - 1]} de {d.year}",
    "french": lambda d: f"{'1er' if d.day == 1 else d.day} {FR[d.month - 1]} {d.year}",
    "german": lambda d: f"{d.day}. {DE[d.month - 1]} {d.year}",
    "dotted": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "iso": lambda d: d.isoformat(),
}


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("17 April 2018", "2018-04-17"),
        ("02 April 2018", "2018-04-02"),
        ("April 2, 2018", "2018-04-02"),
        ("Press release 02 April 2018", "2018-04-02"),
        ("6 июня 2019 года", "2019-06-06"),
        ("от 6 июня 2019 года", "2019-06-06"),
        ("03.04.2020", "2020-04-03"),
        ("2020-04-03", "2020-04-03"),
        ("6 de mayo de 2020", "2020-05-06"),
        ("8 de abril de 2020", "2020-04-08"),
        ("5 avril 2022", "2022-04-05"),
        ("1er avril 2022", "2022-04-01"),
        ("17 Apr. 2018", "2018-04-17"),
        ("Sept. 5, 2019", "2019-09-05"),
        ("2nd April 2018", "2018-04-02"),
        ("17th of April 2018", "2018-04-17"),
        ("3. März 2020", "2020-03-03"),
        ("on 6 April, 1993", "1993-04-06"),
        ("17 APRIL 2018", "2018-04-17"),
        ("Distr.: General\n6 May 2020", "2020-05-06"),
    ],
)
def test_supported_forms(written: str, iso: str) -> None:
    assert find_dates(written) == [iso]
    assert document_date(written) == iso


@pytest.mark.parametrize(
    "written", ["31.02.2020", "30 February 2020", "2020-13-01", "0 April 2018", "April 2018"]
)
def test_impossible_or_incomplete_dates_are_ignored(written: str) -> None:
    assert find_dates(written) == []
    assert document_date(written) is None


@pytest.mark.parametrize(
    ("written", "ends"),
    [
        ("24 June – 12 July 2019", ["2019-06-24", "2019-07-12"]),
        ("24 июня – 12 июля 2019 года", ["2019-06-24", "2019-07-12"]),
        ("24 de febrero a 20 de marzo de 2020", ["2020-02-24", "2020-03-20"]),
        ("du 24 février au 20 mars 2020", ["2020-02-24", "2020-03-20"]),
        ("24. Juni bis 12. Juli 2019", ["2019-06-24", "2019-07-12"]),
        ("24–28 June 2019", ["2019-06-24", "2019-06-28"]),
        ("June 24–28, 2019", ["2019-06-24", "2019-06-28"]),
        ("June 24 – July 12, 2019", ["2019-06-24", "2019-07-12"]),
        ("24 June 2019 - 12 July 2019", ["2019-06-24", "2019-07-12"]),
        ("from 30 December 2019 to 3 January 2020", ["2019-12-30", "2020-01-03"]),
    ],
)
def test_ranges_are_found_but_are_not_the_document_date(written: str, ends: list[str]) -> None:
    assert find_dates(written) == ends
    assert document_date(f"Human Rights Council\n{written}\nAgenda item 4") is None
    assert document_date(f"{written}\nNote verbale dated 8 April 2020") == "2020-04-08"


def test_a_session_period_before_the_document_date_is_passed_over() -> None:
    head = "Human Rights Council\nForty-first session\n24 June–12 July 2019\nNote verbale dated 6 June 2019"
    assert document_date(head) == "2019-06-06"


def test_dates_in_running_prose_are_not_the_document_date() -> None:
    prose = "On April 2, 1993 the district was occupied, " + "and the occupation went on for years " * 6
    assert len(prose) > 200
    assert document_date(f"Statement\n{prose}\n") is None
    assert find_dates(f"Statement\n{prose}\n") == ["1993-04-02"]
    # A date stated as the document's own still counts inside prose.
    assert document_date(f"{prose} This note verbale dated 8 April 2020 is circulated.") == "2020-04-08"
    assert document_date(f"{prose} Nota verbal de fecha 8 de abril de 2020.") == "2020-04-08"


def test_only_the_head_is_searched() -> None:
    text = "Statement\n" + "x\n" * HEAD_CHARS + "17 April 2018\n"
    assert find_dates(text) == []
    assert document_date(text) is None
    assert find_dates(text, head_chars=len(text)) == ["2018-04-17"]


def test_dates_are_listed_once_in_text_order() -> None:
    text = "Letter dated 17 April 2018\nOn April 2, 1993 …\nAnnex to the letter dated 17 April 2018"
    assert find_dates(text) == ["2018-04-17", "1993-04-02"]


def test_numbers_that_are_not_dates() -> None:
    text = "around 60.000 inhabitants, 511 civilians, Mi-24 helicopters, items 35 and 40, version 1.2.3"
    assert find_dates(text) == []


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2018-04-17", "2018-04-17"),
        ("2018-04-17T10:30:00Z", "2018-04-17"),
        ("17 April 2018", "2018-04-17"),
        ("03.04.2020", "2020-04-03"),
        (dt.date(2020, 4, 3), "2020-04-03"),
        (dt.datetime(2020, 4, 3, 12, 0), "2020-04-03"),
        ("2018", None),
        ("2018-02-30", None),
        ("soon", None),
        (20180417, None),
        (None, None),
    ],
)
def test_normalize_date(value: object, iso: str | None) -> None:
    assert normalize_date(value) == iso


@given(
    date=st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)),
    form=st.sampled_from(sorted(FORMS)),
    before=st.sampled_from(["", "Letter dated ", "Press release ", "(", "от ", "Genève, le "]),
    after=st.sampled_from(["", ".", ")", " from the Permanent Representative", "\nSecond line"]),
)
def test_every_form_round_trips(date: dt.date, form: str, before: str, after: str) -> None:
    text = before + FORMS[form](date) + after
    assert find_dates(text) == [date.isoformat()]
    assert document_date(text) == date.isoformat()
    assert normalize_date(FORMS[form](date)) == date.isoformat()


#: The first end of a session period: day and month only, the year is written once, at the end.
RANGE_STARTS: dict[str, Callable[[dt.date], str]] = {
    "english": lambda d: f"{d.day} {EN[d.month - 1]}",
    "russian": lambda d: f"{d.day} {RU[d.month - 1]}",
    "spanish": lambda d: f"{d.day} de {ES[d.month - 1]}",
    "french": lambda d: f"{'1er' if d.day == 1 else d.day} {FR[d.month - 1]}",
}


@given(
    start=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 1)),
    days=st.integers(min_value=1, max_value=60),
    form=st.sampled_from(sorted(RANGE_STARTS)),
    connector=st.sampled_from([" – ", "–", " - ", " to ", " a ", " au ", " по "]),
)
def test_ranges_within_a_year_are_never_the_document_date(
    start: dt.date, days: int, form: str, connector: str
) -> None:
    end = start + dt.timedelta(days=days)
    assume(end.year == start.year)
    text = f"Human Rights Council\n{RANGE_STARTS[form](start)}{connector}{FORMS[form](end)}\nAgenda item 4"
    assert find_dates(text) == [start.isoformat(), end.isoformat()]
    assert document_date(text) is None


SEED_DATES = {
    "000": "2018-04-17",
    "001": "2018-04-02",
    "002": "2019-06-06",
    "003": "2020-04-03",
    "004": "2020-05-06",
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")
@pytest.mark.parametrize(("prefix", "iso"), sorted(SEED_DATES.items()))
def test_seed_document_dates(prefix: str, iso: str) -> None:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    assert document_date(path.read_text(encoding="utf-8")) == iso


# The month patterns accept any word in a month's place and keep the matches whose words are month
# names. The reference below is what they replaced: every month name, as one alternation.
_REFERENCE_MONTHS = "|".join(sorted(dates._MONTHS, key=len, reverse=True))
_MONTH_PATTERNS = ("_DAY_MONTH_YEAR", "_MONTH_DAY_YEAR", "_MONTH_DAYS_YEAR", "_RANGE_START")


def _reference_patterns() -> dict[str, LazyPattern]:
    patterns = {}
    for name in _MONTH_PATTERNS:
        lazy = getattr(dates, name)
        assert dates._MONTH_WORD in lazy.pattern
        patterns[name] = LazyPattern(
            re, lazy.pattern.replace(dates._MONTH_WORD, f"(?:{_REFERENCE_MONTHS})"), lazy._flags
        )
    return patterns


_PIECES = st.sampled_from(
    [
        *sorted(dates._MONTHS)[::3], "May", "MAYO", "Sept.", "Apr.", "mars", "de", "del", "of", "to", "a", "au",
        "bis", "до", "items", "page", "Resolution", "Mayor", "Marsh", "x", "1", "5", "12", "24", "31", "1er",
        "2nd", "3.", "2019", "2020", "1993", "20201", ",", ".", "–", "-", " ", " ", " ", "\n", "年", "月",
    ]
)  # fmt: skip


_RANGE_PIECES = st.tuples(
    st.sampled_from(["5", "24", "1er"]),
    st.sampled_from(["", " de", " of", " to", " a", " x", " Mayo", " de mayo"]),
    st.sampled_from(["", " 2019", " de 2019", ","]),
    st.sampled_from([" – ", " to ", " bis ", " до ", " a "]),
    st.sampled_from(["6 May 2020", "May 6, 2020", "6 de mayo de 2020", "2020-05-06"]),
).map("".join)


@given(st.one_of(st.lists(_PIECES, max_size=14).map(lambda parts: " ".join(parts)), _RANGE_PIECES))
@example("24 de 2019 – 5 May 2020")
@example("5 de 2019 – 6 May 2020")
@example("24 to 5 May 2020")
def test_month_words_find_what_the_alternation_of_month_names_found(text: str) -> None:
    ours = (find_dates(text), document_date(text), date_spans(text))
    reference = _reference_patterns()
    saved = {name: getattr(dates, name) for name in _MONTH_PATTERNS}
    try:
        for name, pattern in reference.items():
            setattr(dates, name, pattern)
        assert (find_dates(text), document_date(text), date_spans(text)) == ours
    finally:
        for name, pattern in saved.items():
            setattr(dates, name, pattern)


_SPACES = st.sampled_from([" ", "  ", "\n", " \n\n      ", "\t", "\u00a0", " " * 90])
_WINDOW_PIECES = st.one_of(
    _PIECES,
    st.sampled_from(
        ["septiembre", "października", "Septembre.", "31st.", "del", "2018年", "4月", "17日", "03.04.2020"]
    ),
    st.text(alphabet="aeioubrstn", min_size=20, max_size=60),  # a word longer than any month
)


@given(st.lists(st.tuples(_WINDOW_PIECES, _SPACES), max_size=24))
@example([("30th.", " "), ("of", " " * 90), ("Septembre.,", "\n"), ("del", "  "), ("2018", " ")])
@example([("12", "\n"), ("października", " " * 90), ("2019", "")])
@example([("2018年", " \n\n      "), ("4月", " " * 90), ("17日", "")])
def test_dates_searched_near_years_are_those_of_the_whole_head(parts: list[tuple[str, str]]) -> None:
    """Only stretches around four-digit years are searched; a search of the whole head finds the same."""
    text = "".join(word + space for word, space in parts)
    ours = (find_dates(text), document_date(text), dates._scan(text, HEAD_CHARS))
    saved = dates._year_windows
    try:
        dates._year_windows = lambda head: [(0, len(head))]
        assert (find_dates(text), document_date(text), dates._scan(text, HEAD_CHARS)) == ours
    finally:
        dates._year_windows = saved


@given(st.lists(st.tuples(_WINDOW_PIECES, _SPACES), max_size=24))
@example([("Letter", " "), ("dated", " "), ("17", " "), ("April", " "), ("2018", "\n")])
@example([("24", " "), ("June", " "), ("–", " "), ("12", " "), ("July", " "), ("2019", "\n")])
def test_one_reading_of_the_head_gives_its_dates_and_its_own_date(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + space for word, space in parts)
    assert dates.head_dates(text) == (find_dates(text), document_date(text))
    assert dates.head_dates(text, own=False) == (find_dates(text), None)
