"""Checkable claims in one witness: figures, dates, cited documents and named entities.

Versions of an official statement rarely disagree on wording alone: "around 60.000 inhabitants"
becomes "up to 60.000", a date is retyped, a resolution is cited by another symbol. Claims are
what the collation follows across witnesses (:class:`variorum.collate.model.ClaimChange`), so each
one carries the exact span it quotes and a ``value`` that is equal whenever two witnesses say the
same thing in another format: ``60.000`` = ``60,000`` = ``60 000`` → ``60000`` (the tokenizer's
:func:`~variorum.text.normalize.normalize_number`), "6 April 1993" = "April 6, 1993" →
``1993-04-06`` (:mod:`variorum.ingest.dates`), "Security Council resolution 822 (1993)" =
"Resolution 822 (1993)" → ``resolution 822 (1993)``.

Everything is regular expressions and word lists (:mod:`variorum.collate.claim_patterns`): no
model, no dictionary, a few passes of compiled patterns. The price is heuristics, chiefly
for entities, which are runs of capitalised words.
"""

from __future__ import annotations

import regex

from variorum.collate import claim_patterns as p
from variorum.collate.model import Claim
from variorum.ingest.dates import date_spans, month_number
from variorum.text.normalize import normalize_number, normalize_word

__all__ = ["extract_claims"]


def extract_claims(text: str) -> list[Claim]:
    """Every checkable claim in ``text``, sorted by start; ``text[c.start:c.end] == c.text``.

    Claims of one kind never overlap; claims of different kinds may (the year in "resolution 822
    (1993)" belongs to the citation, "Security Council" in it is also an entity). Numbers that are
    part of a date or a citation, or that designate ("agenda items 35 and 40", "43^{er} período"),
    are not quantities.
    """
    lowered = p.lowercase(text)
    citations = _citations(text, lowered)
    cited = p.Spans((c.start, c.end) for c in citations)
    dates = _dates(text, cited)
    masked = p.Spans([*cited.spans, *((c.start, c.end) for c in dates)])
    claims = [*citations, *dates, *_quantities(text, masked, lowered), *_entities(text)]
    urls = p.Spans(p.url_spans(text, lowered))
    if urls.spans:
        claims = [c for c in claims if not urls.overlaps(c.start, c.end)]
    claims.sort(key=lambda c: (c.start, c.end, c.kind))
    return claims


# ---------------------------------------------------------------------------------------------
# Citations


def _citations(text: str, lowered: str) -> list[Claim]:
    """Resolutions and decisions by keyword and number, and UN document symbols.

    A list after a plural keyword gives one claim per item, quoting the item alone ("853 (1993)");
    a single citation quotes the keyword and the body before it ("Security Council resolution 822
    (1993)"). Values name the kind in English, so translations compare equal.
    """
    starts = p.find_all(lowered, p.CITATION_STEMS)
    matches = [m for m in (p.CITATION_AT.match(text, s) for s in starts) if m is not None]
    claims: list[Claim] = []
    for match in matches:
        keyword = match.group("kw").casefold()
        kind = "resolution" if keyword.startswith(("uns", "res", "rés", "рез")) else "decision"
        plural = keyword.endswith(("s", "en", "ях", "ям", "ями", "й")) or keyword == "unscrs"
        items = [match]
        position = match.end()
        while True:
            following = p.CITATION_NEXT.match(text, position)
            if following is None or not (plural or following.group("year")):
                break
            items.append(following)
            position = following.end()
        if len(items) == 1:
            body = p.BODY_BEFORE.search(text, max(0, match.start() - 80), match.start())
            start = body.start() if body is not None else match.start()
            spans = [(start, match)]
        else:
            spans = [(item.start("num"), item) for item in items]
        for start, item in spans:
            number, year = item.group("num"), item.group("year")
            number = p.ascii_digits(number) if number.isdigit() else number
            if kind == "decision" and "/" not in number and not year:
                continue
            value = f"{kind} {number}" + (f" ({p.ascii_digits(year)})" if year else "")
            end = item.end()
            claims.append(Claim("citation", start, end, text[start:end], value))
    for match in p.SYMBOL.finditer(text):
        symbol = match.group("sym")
        if not any(c.isdigit() for c in symbol):
            continue
        resolution = p.RESOLUTION_SYMBOL.fullmatch(symbol)
        if resolution is not None:
            year = match.group("year")
            number = resolution.group("sc") or resolution.group("ga")
            value = f"resolution {number}" + (f" ({p.ascii_digits(year)})" if year else "")
            end = match.end()
        else:
            value, end = symbol.upper(), match.end("sym")
        claims.append(Claim("citation", match.start(), end, text[match.start() : end], value))
    return _disjoint(claims)


# ---------------------------------------------------------------------------------------------
# Quantities


def _quantities(text: str, masked: p.Spans, lowered: str) -> list[Claim]:
    """Figures with their qualifier before and counted noun phrase after.

    A number is not a quantity when it is glued to letters ("Mi-24", "43rd", "43^{er}"), is a
    year (four digits, 1800-2099, with no qualifier, scale or percent sign), a day before a month
    name, a list number at a line start, or follows a designating word ("item", "paragraph",
    "пункт"), as do the numbers listed after it ("items 35 and 40").
    """
    figures = list(p.DIGITS.finditer(text))
    starts = p.find_all(lowered, p.FIGURE_WORD_STARTS)
    figures += [m for m in (p.WORD_FIGURE.match(text, s) for s in starts) if m is not None]
    figures.sort(key=lambda m: m.start())
    claims: list[Claim] = []
    taken = designated = -1
    for figure in figures:
        start, end = figure.span()
        if start < taken or masked.overlaps(start, end):
            continue
        before = _words_before(text, start)
        previous = before[0].group("w").casefold().rstrip(".") if before else ""
        digits = figure.re is p.DIGITS.compiled()
        if digits and (
            previous in p.DESIGNATOR_WORDS
            or (designated >= 0 and p.LIST_SEP.fullmatch(text, designated, start) is not None)
        ):
            designated = end
            continue
        qualifier_start, qualifier = _qualifier(before, taken)
        vague = None if digits else figure.group("vague")
        scale = None
        if vague:
            value, qualifier_start, qualifier = p.vague_value(vague), start, p.fold(vague)
        elif digits:
            if not _free_standing(text, start, end):
                continue
            value = normalize_number(figure.group(), grouped=figure.group("group") is not None)
            scale = p.SCALE_AFTER.match(text, end)
            power = p.SCALES.get(scale.group("scale").casefold()) if scale is not None else None
            if scale is not None and power is not None:
                value, end = p.scaled(value, power), scale.end()
        else:
            value = p.words_value(figure.group("words"))
            hyphenated = text[end : end + 1] in ("-", "‐", "–") and text[end + 1 : end + 2].isalpha()
            if hyphenated or (value == "1" and previous in p.ONE_BLOCKERS):
                continue  # "forty-first", "one-third", "no one"
        percent = None if vague else p.PERCENT.match(text, end)
        if percent is not None:
            value, end = value + "%", percent.end()
        elif digits and not (scale or qualifier or figure.group("group")) and p.looks_like_year(value):
            continue
        noun = end if percent is not None else _noun_end(text, end)
        if noun is None:
            continue  # a day before a month name
        if not digits and percent is None and noun == end:
            continue  # number words count only something named right after them
        claim_start = qualifier_start if qualifier else start
        claims.append(Claim("quantity", claim_start, noun, text[claim_start:noun], value, qualifier))
        taken = noun
    return claims


def _words_before(text: str, position: int) -> list[regex.Match[str]]:
    """Up to three words just before ``position``, nearest first."""
    words: list[regex.Match[str]] = []
    for _ in range(3):
        match = p.PREV_WORD.search(text, max(0, position - 40), position)
        if match is None:
            break
        words.append(match)
        position = match.start()
    return words


def _qualifier(before: list[regex.Match[str]], taken: int) -> tuple[int, str | None]:
    for count in range(len(before), 0, -1):
        phrase = " ".join(w.group("w") for w in reversed(before[:count])).casefold().replace("’", "'")
        if phrase in p.QUALIFIER_SET and before[count - 1].start() >= taken:
            return before[count - 1].start(), phrase
    return -1, None


def _free_standing(text: str, start: int, end: int) -> bool:
    """Whether digits stand alone as a figure, not glued into a name, symbol, ordinal or list."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    beyond = text[end + 1] if end + 1 < len(text) else " "
    if before.isalpha() or before in "^#№=&?_" or after.isalpha() or after in "^_":
        return False
    if before in "-‐–/." and start >= 2 and text[start - 2].isalnum():
        return False  # "Mi-24", "A/73", a footnote mark after a word
    if (after in "-‐–" and beyond.isalpha()) or (after in "/:" and beyond.isdigit()):
        return False  # "24-hour", "14/2", "10:30"
    if before == "(" and after == ")":
        return False
    if after in ".)" and beyond in " \t\n":
        i = start - 1
        while i >= 0 and text[i] in " \t*_#>":
            i -= 1
        return i >= 0 and text[i] != "\n"  # "1. ..." opening a line numbers a list
    return True


def _noun_end(text: str, position: int) -> int | None:
    """End of the counted noun phrase after a figure, None before a month name.

    At most three words, up to a function word, a plural, or a capital after lowercase words.
    """
    end, count, lowercase_seen = position, 0, False
    while count < 3:
        match = p.NOUN_WORD.match(text, end)
        if match is None:
            break
        word = match.group("w")
        key = normalize_word(word)
        if month_number(word) is not None and count == 0 and word != "may":
            return None
        if key in p.STOP_WORDS or key in p.UNITS or key in p.SCALES or key in p.VAGUE:
            break
        if word[0].isupper() and lowercase_seen:
            break
        lowercase_seen = word[0].islower()
        end, count = match.end(), count + 1
        if lowercase_seen and len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            break  # a plural ends the phrase: "refugees" (fled), "civilians" (killed)
    return end


# ---------------------------------------------------------------------------------------------
# Dates


def _dates(text: str, cited: p.Spans) -> list[Claim]:
    """Full dates from :func:`variorum.ingest.dates.date_spans`, then months and years alone.

    A month with its year ("April 2016", "abril de 2016", "апреле 2016 года") has the value
    ``YYYY-MM``. A year alone is a date only when a preposition introduces it ("in 1993", "since
    2002", "в 1993 году") or "года" follows; the preposition is quoted but not part of the value.
    """
    claims = []
    for start, end, iso in date_spans(text):
        suffix = p.YEAR_SUFFIX.match(text, end)  # "6 июня 2019 года"
        end = suffix.end() if suffix is not None else end
        if not cited.overlaps(start, end):
            claims.append(Claim("date", start, end, text[start:end], iso))
    taken = p.Spans((c.start, c.end) for c in claims)
    for match in p.YEAR.finditer(text):
        start, end = match.span()
        if taken.overlaps(start, end) or cited.overlaps(start, end):
            continue
        year = p.ascii_digits(match.group("year"))
        suffix = p.YEAR_SUFFIX.match(text, end)
        if suffix is not None:
            end = suffix.end()
        before = p.PREV_WORD.search(text, max(0, start - 40), start)
        word = before.group("w") if before is not None else ""
        month_word = before
        if word.casefold() in ("de", "del", "of") and before is not None:
            month_word = p.PREV_WORD.search(text, max(0, before.start() - 40), before.start())
        month = _month(month_word.group("w")) if month_word is not None else None
        if month is not None and month_word is not None:
            start = month_word.start()
            claims.append(Claim("date", start, end, text[start:end], f"{year}-{month:02d}"))
        elif before is not None and word.casefold().replace("’", "'") in p.YEAR_PREPOSITIONS:
            start = before.start()
            claims.append(Claim("date", start, end, text[start:end], year))
        elif suffix is not None:
            claims.append(Claim("date", start, end, text[start:end], year))
    return _disjoint(claims)


def _month(word: str) -> int | None:
    if word == "may":  # the verb, far more often than a lowercase month
        return None
    return month_number(word) or p.RU_MONTHS_PREPOSITIONAL.get(word.casefold())


# ---------------------------------------------------------------------------------------------
# Entities


def _entities(text: str) -> list[Claim]:
    """Maximal runs of capitalised words, less the capitals that only open a sentence.

    A run is cut where a short line ends (a heading, a signature) and around titles ("Mr.").
    Connectors are trimmed from its ends; function words ("The", "Since") from its start where a
    sentence or line starts; a first word that opens a sentence alone (or before a connector) is
    dropped unless the text shows it is a name (:func:`claim_patterns.ordinary`). Months, weekdays,
    citation keywords and single letters alone, and runs inside all-capital headlines of five or
    more words, are not entities.
    """
    claims: list[Claim] = []
    headlines: p.Spans | None = None
    ordinary: dict[str, bool] = {}
    values: dict[str, str | None] = {}  # a word's value alone, None when it is no name alone
    for run in p.ENTITY_RUN.finditer(text):
        start, end = run.span()
        raw = run.group()
        if " " in raw or "\n" in raw or "\t" in raw or "\u00a0" in raw:
            words = [(m.start(), m.end(), m.group()) for m in p.WORD_IN_RUN.finditer(text, start, end)]
            pieces = [_trim(text, piece, ordinary) for piece in _pieces(text, words)]
        else:  # one word, most runs: spared the cutting and trimming of lists
            opening = p.opening(text, start)
            if opening and (
                raw.casefold() in p.LEADING_WORDS or (opening == 2 and p.ordinary(text, raw, ordinary))
            ):
                continue
            pieces = [[(start, end, raw)]]
        for piece in pieces:
            if not piece:
                continue
            first, last = piece[0][0], piece[-1][1]
            quoted = text[first:last]
            if len(piece) == 1:
                value = values.get(quoted, "")
                if value == "":
                    value = values[quoted] = _single_value(quoted)
                if value is None:
                    continue
            else:
                value = p.fold(quoted)
            if quoted.isupper() and (len(piece) > 1 or len(quoted) > 1):
                if headlines is None:
                    headlines = p.Spans(m.span() for m in p.CAPS_BLOCK.finditer(text))
                if headlines.overlaps(first, last):
                    continue
            claims.append(Claim("entity", first, last, quoted, value))
    return claims


def _single_value(word: str) -> str | None:
    """The value of a one-word entity, or None for words that are no name alone."""
    key = word.casefold()
    if len(word) == 1 or key in p.NOT_NAMES or key in p.TITLES or month_number(key):
        return None
    return p.fold(word)


def _pieces(text: str, words: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Cut a run where a heading or signature line ends, and around titles ("Mr.")."""
    pieces: list[list[tuple[int, int, str]]] = [[]]
    for i, word in enumerate(words):
        if word[2].casefold() in p.TITLES:
            pieces.append([])
            continue
        if i and pieces[-1]:
            newline = text.find("\n", words[i - 1][1], word[0])
            if newline != -1 and p.heading_line(text, newline):
                pieces.append([])
        pieces[-1].append(word)
    return [piece for piece in pieces if piece]


def _trim(
    text: str, piece: list[tuple[int, int, str]], ordinary: dict[str, bool]
) -> list[tuple[int, int, str]]:
    """Drop connectors at both ends, and the first word when it only opens a sentence."""
    while piece and piece[0][2] in p.CONNECTORS:
        piece = piece[1:]
    opening = p.opening(text, piece[0][0]) if piece else 0
    if opening:
        first = piece[0][2]
        alone = len(piece) == 1 or piece[1][2] in p.CONNECTORS
        if first.casefold() in p.LEADING_WORDS or (
            opening == 2 and alone and p.ordinary(text, first, ordinary)
        ):
            piece = piece[1:]
        while piece and piece[0][2] in p.CONNECTORS:
            piece = piece[1:]
    # "the Republic of Azerbaijan and the April escalation": a month after a connector ends it.
    if len(piece) > 1 and piece[-2][2] in p.CONNECTORS and month_number(piece[-1][2]) is not None:
        piece = piece[:-1]
    while piece and piece[-1][2] in p.CONNECTORS:
        piece = piece[:-1]
    return piece


# ---------------------------------------------------------------------------------------------


def _disjoint(claims: list[Claim]) -> list[Claim]:
    """Claims sorted by start, each dropped when it overlaps an earlier (longer-first) one."""
    kept: list[Claim] = []
    for claim in sorted(claims, key=lambda c: (c.start, -c.end)):
        if not kept or claim.start >= kept[-1].end:
            kept.append(claim)
    return kept
