"""Paragraphs and sentences of an extracted text, as character offsets into it.

Offsets index the original text and spans never include surrounding whitespace, so
``text[seg.start:seg.end]`` is the paragraph and every non-whitespace character of the text lies in
exactly one paragraph.

Paragraphs. Blank lines separate paragraphs, except where PDF extraction broke that convention:

* **Hard-wrapped blocks** (every line of a page ends at ~85 characters, no blank lines): a block of
  at least :data:`WRAPPED_MIN_LINES` lines that mostly fill :data:`PROSE_WIDTH` characters is
  re-split at its line breaks (rules below). Blocks of :data:`PAGE_LINES` lines or more are
  extraction output and split *aggressively*: a line ending a sentence followed by a line starting
  with a capital starts a paragraph, however long the line is (in seed 002 the last line before
  "Following the adoption of this" is full). Shorter wrapped blocks (a Markdown paragraph wrapped at
  72 columns) split *strictly*: the sentence-final line must also be short, or the next line
  indented or itself short (an indented first line).
* **Double-spaced extraction** (a blank line after every wrapped line): detected when at least a
  quarter of the blank-separated blocks are single lines that end mid-sentence and continue in the
  next block (it starts in lower case, or the line ends with a comma, hyphen or function word).
  Then a single blank line between blocks of which one is a single line means nothing; the lines
  are joined back into runs and split aggressively.
* Everything else (Markdown, plain text, header blocks of short lines) keeps its blank-line
  paragraphs as they are.

When re-splitting, the break between line ``p`` and the next line ``n`` is decided in this order:
a separator line ("---") is its own paragraph; ``n`` starting in lower case continues; ``p``
ending with a comma, hyphen, open bracket or function word ("the", "de", "и") continues; a header
line (:func:`~variorum.text.roles.is_header_line`: "Forty-first session", a date, "(Signed) ...")
is its own paragraph; ``p`` ending a sentence before a capital breaks (aggressive) or breaks with
evidence of shortness (strict); a short ``p`` (< 75 % of the line width, counting the next word)
without final punctuation before a capital is a heading or signature line and breaks, unless ``n``
is a short line of similar length (the next line of the same wrapped heading).

Sentences split after . ! ? … (and 。！？ without a following space, ।, ؟ and ۔) followed by
whitespace and an upper-case or caseless letter, a digit, an opening quote or bracket, but not
after an abbreviation (Mr., No., e.g., U.N., para., a single initial) or inside a number (60.000).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import fields
from itertools import accumulate, compress, count, islice, pairwise
from operator import itemgetter, sub

from variorum.model import Role, Segment
from variorum.text.language import documents_words_and_languages
from variorum.text.lazy_pattern import compile_pattern
from variorum.text.roles import assign_roles, is_header_line

#: Minimum number of lines for a block to be re-split at its line breaks.
WRAPPED_MIN_LINES = 3
#: A wrapped block's typical (75th percentile) line is at least this long: shorter lines are
#: addresses, header blocks or verse, whose line breaks are meant.
PROSE_WIDTH = 40
#: A wrapped block with this many lines is PDF page text and is split aggressively.
PAGE_LINES = 10
#: A line shorter than this share of the line width (counting the next word) was broken on purpose.
SHORT_LINE = 0.75
#: With strict splitting a sentence-final line must be shorter than this share of the width.
SHORT_FINAL_LINE = 0.9


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string, to keep long lists compact."""
    return frozenset(words.split())


_CONNECTORS = _word_set(
    """
    a an the of to and or for from in on at by with as that which who whose its their his her our
    this these those is are was were be been has have had not nor but into onto upon between among
    under over than about against through within without during per via le la les l de du des d et
    ou à au aux en par pour sur dans avec que qui son sa ses leur leurs un une el los las del y al
    por para con su sus e u и в во на по к ко с со о об от до из за для при не что как а но или его
    ее её их der die das den dem und oder zu zum zur von mit im auf für ein eine ve və ilə
    """
)
_ABBREVIATIONS = _word_set(
    """
    mr mrs ms dr no nos nr ltd st inc co art arts para paras vol vols pp p jr sr prof gen col lt sgt
    rev vs cf fig figs approx dept est govt hon sen rep mt ft op ch sec sra sres núm pág av mme mlle
    см г гг т тт им ул стр ст
    """
)
_OPEN_END = ",-‐–—/(&[{"
_OPENERS = "\"'“‘„«‹([¿¡*•-–—#>§"
#: A line ends a sentence or a heading (":") when its last character but these closing marks is
#: one of the final marks: the marks of ``[.!?…:。！？।؟۔]["'”’»)\]*¹²³⁴⁵⁶⁷⁸⁹⁰]*$``.
_FINAL_MARKS = ".!?…:。！？।؟۔"
_CLOSING_MARKS = "\"'”’»)]*¹²³⁴⁵⁶⁷⁸⁹⁰"
_SENTENCE_END = compile_pattern(re, r"[.!?…।؟۔]+[\"'”’»)\]*]*(?=\s)|[。！？]+[」』”’\"')）]*")
_NEXT_CHAR = compile_pattern(re, r"\s*(\S)")
_PUNCTUATION = "\"'“”‘’„«»‹›()[]{}<>.,:;!?…*¹²³⁴⁵⁶⁷⁸⁹⁰-‐–—/&。！？।؟۔"
_CJK_END = "。！？"


_ALNUM = compile_pattern(re, r"[^\W_]")  # str.isalnum, like roles.is_separator's
#: What a line's first character says about the break before it. GOES_ON: a lower-case letter,
#: or a letter or digit that opens no paragraph: the line continues the one before it (unless
#: that one is a separator). MAY_START: it may start a paragraph. MAY_SEPARATE: no letter or
#: digit, so the line may also be a separator.
_GOES_ON, _MAY_START, _MAY_SEPARATE = 0, 1, 2
#: First characters are remembered up to this many (a text uses a few dozen).
_CACHE_SIZE = 4_096


class _FirstCharacter(dict[str, int]):
    """The kind of a line's first character (above), computed once per character."""

    def __missing__(self, ch: str) -> int:
        if not ch.isalnum():
            kind = _MAY_SEPARATE
        elif ch.islower() or not _starts_paragraph(ch):
            kind = _GOES_ON
        else:
            kind = _MAY_START
        if len(self) < _CACHE_SIZE:
            self[ch] = kind
        return kind


_FIRST_CHARACTER = _FirstCharacter()
#: The line breaks of ``str.splitlines`` but the line feed.
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _other_breaks(text: str) -> bool:
    """Whether ``text`` holds a line break of ``str.splitlines`` other than the line feed (the
    tests written out: a generator over :data:`_OTHER_BREAKS` costs more than the searches)."""
    return (
        "\r" in text or "\x0b" in text or "\x0c" in text or "\x1c" in text or "\x1d" in text
        or "\x1e" in text or "\x85" in text or "\u2028" in text or "\u2029" in text
    )  # fmt: skip


class _Lines:
    """The non-blank lines of a text, without surrounding whitespace, in parallel lists: read in
    bulk (``str.splitlines`` agrees with ``str.strip`` on whitespace), with the per-line tests that
    deciding a break needs computed once and only when asked."""

    __slots__ = ("_break", "_header", "_raw", "kinds", "lengths", "numbers", "texts")

    def __init__(self, text: str) -> None:
        # str.splitlines tests every character of a text beyond Latin-1 against a table of line
        # breaks, 4x the time of splitting at line feeds: when they are the only breaks, the
        # lines are the same (but for a last, empty one), without their line feed. In ASCII text
        # too: a line without its line feed and without surrounding spaces is its own stripped
        # text (str.strip hands back the same string, no copy).
        if not _other_breaks(text):
            self._raw, self._break = text.split("\n"), 1
        else:
            self._raw, self._break = text.splitlines(keepends=True), 0
        stripped = list(map(str.strip, self._raw))
        #: The number of each non-blank line among all the lines of the text.
        self.numbers = list(compress(count(), stripped))
        self.texts = list(filter(None, stripped))
        self.lengths = list(map(len, self.texts))
        self.kinds = list(map(_FIRST_CHARACTER.__getitem__, map(itemgetter(0), self.texts)))
        self._header: dict[int, bool] = {}

    def offsets(self, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The (start, end) offsets of runs of lines given as (first line, last line), from the
        first line's first non-whitespace character to the last line's last one."""
        raw, numbers = self._raw, self.numbers
        positions = list(accumulate(map(self._break.__add__, map(len, raw)), initial=0))
        spans = []
        for first, last in runs:
            line = raw[numbers[first]]
            start = positions[numbers[first]] + len(line) - len(line.lstrip())
            # A line ends where its text does: line breaks are whitespace to str.rstrip.
            spans.append((start, positions[numbers[last]] + len(raw[numbers[last]].rstrip())))
        return spans

    def blanks(self, k: int) -> int:
        """The number of blank lines between line ``k`` and the line before it."""
        return self.numbers[k] - self.numbers[k - 1] - 1

    def separator(self, k: int) -> bool:
        """A line without letters or digits (:func:`~variorum.text.roles.is_separator`)."""
        return self.kinds[k] == _MAY_SEPARATE and not _ALNUM.search(self.texts[k])

    def header(self, k: int) -> bool:
        """Whether line ``k`` is a header line (computed once: the check is the costly part)."""
        answer = self._header.get(k)
        if answer is None:
            answer = self._header[k] = is_header_line(self.texts[k])
        return answer

    def indented(self, k: int) -> bool:
        """The raw line starts with whitespace."""
        return self._raw[self.numbers[k]][:1].isspace()


def _last_word(line: str) -> str:
    """The last word of ``line``, lower case, inner dots kept ("u.n" in "the U.N.").

    The word after the last space is the last word when it holds no other whitespace, which
    ``str.isprintable`` tells (it is false for every whitespace character but the space): split
    at any whitespace, a line in a script beyond Latin-1 cost ``str`` a Unicode look-up for each
    character.
    """
    tail = line[-40:]
    word = tail[tail.rfind(" ") + 1 :]
    if not (word and word.isprintable()):
        split = tail.rsplit(None, 1)
        word = split[-1] if split else ""
    return word.strip(_PUNCTUATION).lower()


def _ends_final(line: str) -> bool:
    """The line (without surrounding whitespace) ends with a final mark and closing marks.

    The last character tells, unless it is a closing mark (no final mark is one): then the
    marks are stripped (``str.rstrip`` builds its set of characters on every call).
    """
    last = line[-1:]
    if last not in _CLOSING_MARKS:  # "" is in every string: an empty line is stripped below
        return last in _FINAL_MARKS
    core = line.rstrip(_CLOSING_MARKS)
    return bool(core) and core[-1] in _FINAL_MARKS


def _ends_open(line: str) -> bool:
    """The line cannot end a paragraph: it ends with a comma, hyphen or function word."""
    return line[-1] in _OPEN_END or _last_word(line) in _CONNECTORS


def _ends_sentence(line: str, word: str | None = None) -> bool:
    """The line ends a sentence: a final mark, not after an abbreviation; ``word`` is its
    :func:`_last_word` when already read."""
    if not _ends_final(line):
        return False
    if word is None:
        word = _last_word(line)
    return not (line.rstrip("\"'”’»)]*").endswith(".") and _is_abbreviation(word))


def _is_abbreviation(token: str) -> bool:
    """``token`` (lower case, inner dots kept) before a full stop does not end a sentence."""
    if token in _ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isalpha():
        return True  # an initial: "J. Smith", "U. N."
    return "." in token and all(len(part) <= 2 for part in token.split("."))  # e.g., U.N., i.e.


def _starts_paragraph(ch: str) -> bool:
    return ch.isdigit() or ch in _OPENERS or (ch.isalpha() and not ch.islower())


def _first_word(line: str) -> str:
    """The first word of a line without surrounding whitespace (see :func:`_last_word`)."""
    word = line.partition(" ")[0]
    return word if word and word.isprintable() else line.split(maxsplit=1)[0]


def _breaks(lines: _Lines, k: int, after: int | None, width: float, aggressive: bool) -> bool:
    """Whether a paragraph starts at line ``k`` (rules in the module docstring); ``after`` is the
    line after it in its run, if any."""
    kinds = lines.kinds
    if (kinds[k - 1] == _MAY_SEPARATE and lines.separator(k - 1)) or (
        kinds[k] == _MAY_SEPARATE and lines.separator(k)
    ):
        return True
    p, n = lines.texts[k - 1], lines.texts[k]
    if kinds[k] == _MAY_SEPARATE and (n[0].islower() or not _starts_paragraph(n[0])):
        return False  # a line starting in lower case, or with a mark that opens no paragraph
    if p[-1] in _OPEN_END:
        return False  # after a comma, hyphen or function word the paragraph goes on
    word = _last_word(p)  # read once, for the function words and for an abbreviation
    if word in _CONNECTORS:
        return False
    # A header line on either side breaks; that test is the costly one, so it comes last (the
    # answer is the same in any order). The fill (p, a space and n's first word) is measured only
    # where it is needed: a full line p fills the width without n's first word.
    if _ends_sentence(p, word):
        if (
            aggressive
            or len(p) + 1 + len(_first_word(n)) < SHORT_FINAL_LINE * width
            or (lines.indented(k) and not lines.indented(k - 1))
        ):
            return True
        # n itself short though the paragraph goes on: an indented first line.
        shape = (
            after is not None
            and not _ends_sentence(n)
            and len(n) + 1 + len(_first_word(lines.texts[after])) < SHORT_FINAL_LINE * width
        )
    elif len(p) + 1 >= SHORT_LINE * width or len(p) + 1 + len(_first_word(n)) >= SHORT_LINE * width:
        shape = False
    else:
        sibling = len(n) < SHORT_LINE * width and 0.7 <= len(n) / len(p) <= 1.4
        shape = not sibling
    return shape or lines.header(k - 1) or lines.header(k)


def _percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _is_double_spaced(lines: _Lines, blocks: list[tuple[int, int]]) -> bool:
    """A blank line after every wrapped line: single-line blocks that end mid-sentence."""
    # Only single-line blocks count: too few of them and the loop below cannot reach the bar.
    singles = list(map(sub, map(itemgetter(1), blocks), map(itemgetter(0), blocks))).count(1)
    if singles < 3 or singles < 0.25 * len(blocks):
        return False
    wrapped = 0
    texts = lines.texts
    for (i, j), (following, _) in pairwise(blocks):
        if j - i == 1 and lines.lengths[i] >= PROSE_WIDTH:
            line = texts[i]
            if not _ends_final(line) and (texts[following][0].islower() or _ends_open(line)):
                wrapped += 1
    return wrapped >= 3 and wrapped >= 0.25 * len(blocks)


def _units(lines: _Lines) -> tuple[list[tuple[int, int]], bool]:
    """Runs of lines to split, as (first line, line after the last), and whether the text is
    double-spaced (then single blank lines do not separate runs); see :func:`_modes`."""
    numbers = lines.numbers
    n = len(numbers)
    # A block starts at the first line and at every line with a blank line before it.
    steps = map(sub, islice(numbers, 1, None), numbers)
    starts = [0, *compress(count(1), map((1).__lt__, steps))]
    blocks = list(zip(starts, [*starts[1:], n], strict=True))
    if not _is_double_spaced(lines, blocks):
        return blocks, False
    runs: list[tuple[int, int]] = []
    previous = 0
    for i, j in blocks:
        soft = bool(runs) and lines.blanks(i) == 1 and (previous == 1 or j - i == 1)
        if soft:
            runs[-1] = (runs[-1][0], j)
        else:
            runs.append((i, j))
        previous = j - i
    return runs, True


def _modes(lengths: list[int], units: list[tuple[int, int]], double_spaced: bool) -> tuple[list[str], int]:
    """How each run is split, and the page width: the 80th percentile of the lengths of the lines
    of the aggressive runs (0 without one). A run of fewer than :data:`WRAPPED_MIN_LINES` lines,
    or whose typical (75th percentile) line is shorter than :data:`PROSE_WIDTH`, is kept as it
    is; a prose run is split aggressively when the text is double-spaced or the run is
    :data:`PAGE_LINES` lines or more, strictly otherwise. One loop with the tests written out:
    a text has a few dozen runs, and calls per run cost more than the tests."""
    modes: list[str] = []
    page: list[int] = []
    for i, j in units:
        n = j - i
        if n < WRAPPED_MIN_LINES or sorted(lengths[i:j])[min(n - 1, int(0.75 * n))] < PROSE_WIDTH:
            modes.append("keep")
        elif double_spaced or n >= PAGE_LINES:
            modes.append("aggressive")
            page += lengths[i:j]
        else:
            modes.append("strict")
    return modes, _percentile(page, 0.8) if page else 0


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the paragraphs of ``text``, in order.

    The lines are read and classified in bulk, and a break between two lines of a run is only
    weighed where the second line may start a paragraph or either may be a separator (its first
    character says so, :class:`_FirstCharacter`): anywhere else the line goes on, and a run with
    no such line after its first is one paragraph whatever its layout.
    """
    lines = _Lines(text)
    if not lines.texts:
        return []
    units, double_spaced = _units(lines)
    lengths = lines.lengths
    kinds = lines.kinds
    # Lines whose break from the line before may be a paragraph break, or that may be separators.
    candidates = list(compress(count(), kinds))
    modes: list[str] = []  # of every run, and the page width, once a run needs them
    page_width = 0
    runs: list[tuple[int, int]] = []  # (first line, last line) of each paragraph
    for u, (i, j) in enumerate(units):
        lo, hi = bisect_left(candidates, i), bisect_left(candidates, j)
        if lo == hi or (hi - lo == 1 and candidates[lo] == i and kinds[i] != _MAY_SEPARATE):
            runs.append((i, j - 1))
            continue
        if not modes:
            modes, page_width = _modes(lengths, units, double_spaced)
        if modes[u] == "keep":
            runs.append((i, j - 1))
            continue
        aggressive = modes[u] == "aggressive"
        width = page_width if aggressive else max(lengths[i:j])
        start = i
        for k in candidates[lo:hi]:
            if k > i and _breaks(lines, k, k + 1 if k + 1 < j else None, width, aggressive):
                runs.append((start, k - 1))
                start = k
            # A separator also breaks from the line after it, which is no candidate itself.
            if k + 1 < j and not kinds[k + 1] and lines.separator(k):
                runs.append((start, k))
                start = k + 1
        runs.append((start, j - 1))
    return lines.offsets(runs)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of the sentences of ``text[start:end]``, without surrounding spaces."""
    end = len(text) if end is None else end
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    if start == end:
        return ()
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.end()
        nxt = _NEXT_CHAR.match(text, cut, end)
        if nxt is None:
            break
        mark = match.group()
        if mark[0] not in _CJK_END:
            if not _starts_paragraph(nxt.group(1)):
                continue
            if _is_abbreviation_stop(text, begin, match.start(), mark):
                continue
        spans.append((begin, cut))
        begin = nxt.start(1)
    spans.append((begin, end))
    return tuple(spans)


def _is_abbreviation_stop(text: str, begin: int, at: int, mark: str) -> bool:
    """Whether the full stop at ``at`` closes an abbreviation ("Mr.", "U.N.") rather than a sentence."""
    if mark[0] != "." or len(mark.rstrip("\"'”’»)]*")) != 1 or at == begin or text[at - 1].isspace():
        return False
    return _is_abbreviation(_last_word(text[max(begin, at - 24) : at]))


def segment(text: str, *, sentences: bool = False) -> list[Segment]:
    """The paragraphs of ``text`` with their language and role (and sentences if asked), in order.

    See :func:`segment_counted`, which also gives each paragraph's word count.
    """
    return segment_counted(text, sentences=sentences)[0]


def segment_counted(text: str, *, sentences: bool = False) -> tuple[list[Segment], list[int]]:
    """The paragraphs of ``text`` with their language and role (and sentences if asked), in order,
    and the words of each (:func:`~variorum.text.language.paragraph_words`).

    See the module docstring for paragraphs and sentences, :mod:`variorum.text.language` for
    languages and :mod:`variorum.text.roles` for roles. Sentences are left out unless asked for:
    indexing and collation do not use them, and they cost about a tenth of preparing a document.
    """
    return segment_documents([text], sentences=sentences)[0]


def segment_documents(
    texts: Sequence[str], *, sentences: bool = False
) -> list[tuple[list[Segment], list[int]]]:
    """:func:`segment_counted` of each of ``texts``, the languages of all their paragraphs
    identified together (:func:`~variorum.text.language.documents_paragraph_languages`: the same
    languages, the model's questions of all the documents answered in a few batches)."""
    spans = [paragraph_spans(text) for text in texts]
    paragraphs = [[text[s:e] for s, e in doc_spans] for text, doc_spans in zip(texts, spans, strict=True)]
    words, languages = documents_words_and_languages(paragraphs)
    segmented: list[tuple[list[Segment], list[int]]] = []
    for text, doc_spans, doc_texts, doc_words, doc_languages in zip(
        texts, spans, paragraphs, words, languages, strict=True
    ):
        if not doc_spans:
            segmented.append(([], []))
            continue
        roles = assign_roles(doc_texts, doc_languages, doc_words)
        if sentences:
            segments = [
                Segment(s, e, language, role, sentence_spans(text, s, e))
                for (s, e), language, role in zip(doc_spans, doc_languages, roles, strict=True)
            ]
        else:
            segments = _segments(doc_spans, doc_languages, roles)
        segmented.append((segments, doc_words))
    return segmented


#: Whether a :class:`~variorum.model.Segment` is only its fields in its ``__dict__`` (a frozen
#: dataclass without slots or ``__post_init__``), so that :func:`_segments` may fill them in.
_PLAIN_SEGMENT = (
    not hasattr(Segment, "__slots__")
    and not hasattr(Segment, "__post_init__")
    and tuple(field.name for field in fields(Segment)) == ("start", "end", "language", "role", "sentences")
)


def _segments(
    spans: Sequence[tuple[int, int]], languages: Sequence[str | None], roles: Sequence[Role]
) -> list[Segment]:
    """``Segment(start, end, language, role)`` of each paragraph, without sentences.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, about a
    microsecond for each paragraph, more than its role costs; here the same fields go straight
    into each new instance's ``__dict__`` (what that ``__init__`` leaves there too: the
    instances are equal, hash and pickle alike, as the tests check).
    """
    if not _PLAIN_SEGMENT:
        return [Segment(s, e, lang, role) for (s, e), lang, role in zip(spans, languages, roles, strict=True)]
    new = object.__new__
    segments = []
    for (start, end), language, role in zip(spans, languages, roles, strict=True):
        made = new(Segment)
        attributes = made.__dict__
        attributes["start"] = start
        attributes["end"] = end
        attributes["language"] = language
        attributes["role"] = role
        attributes["sentences"] = ()
        segments.append(made)
    return segments
