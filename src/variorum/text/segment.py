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
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from variorum.model import Segment
from variorum.text.language import documents_words_and_languages
from variorum.text.lazy_pattern import compile_pattern
from variorum.text.roles import assign_roles, is_header_line, is_separator

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
_FINAL_LINE = compile_pattern(re, r"[.!?…:。！？।؟۔][\"'”’»)\]*¹²³⁴⁵⁶⁷⁸⁹⁰]*$")
_SENTENCE_END = compile_pattern(re, r"[.!?…।؟۔]+[\"'”’»)\]*]*(?=\s)|[。！？]+[」』”’\"')）]*")
_NEXT_CHAR = compile_pattern(re, r"\s*(\S)")
_PUNCTUATION = "\"'“”‘’„«»‹›()[]{}<>.,:;!?…*¹²³⁴⁵⁶⁷⁸⁹⁰-‐–—/&。！？।؟۔"
_CJK_END = "。！？"


@dataclass(slots=True)
class _Line:
    start: int  # offset of the first non-whitespace character
    end: int  # offset after the last non-whitespace character
    text: str
    indented: bool  # the raw line starts with whitespace
    blanks: int  # blank lines between this line and the previous non-blank one
    _header: bool | None = None

    @property
    def header(self) -> bool:
        """Whether this is a header line (computed once: the check is the costly part)."""
        if self._header is None:
            self._header = is_header_line(self.text)
        return self._header


def _read_lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text``; ``str.splitlines`` agrees with ``str.strip`` on whitespace."""
    lines: list[_Line] = []
    pos = 0
    blanks = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            lines.append(_Line(pos + lead, pos + lead + len(stripped), stripped, lead > 0, blanks))
            blanks = 0
        else:
            blanks += 1
        pos += len(raw)
    return lines


def _last_word(line: str) -> str:
    """The last word of ``line``, lower case, inner dots kept ("u.n" in "the U.N.")."""
    tail = line[-40:].split()
    return tail[-1].strip(_PUNCTUATION).lower() if tail else ""


def _ends_open(line: str) -> bool:
    """The line cannot end a paragraph: it ends with a comma, hyphen or function word."""
    return line[-1] in _OPEN_END or _last_word(line) in _CONNECTORS


def _ends_sentence(line: str) -> bool:
    if not _FINAL_LINE.search(line):
        return False
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


def _continues(p: _Line, n: _Line) -> bool:
    """The line break between ``p`` and ``n`` is inside a paragraph whatever the layout."""
    return n.text[0].islower() or not _starts_paragraph(n.text[0]) or _ends_open(p.text)


def _first_word(line: str) -> str:
    return line.split(maxsplit=1)[0]


def _breaks(p: _Line, n: _Line, n2: _Line | None, width: float, aggressive: bool) -> bool:
    """Whether a paragraph starts at ``n`` (rules in the module docstring)."""
    if is_separator(p.text) or is_separator(n.text):
        return True
    if _continues(p, n):
        return False
    if p.header or n.header:
        return True
    fill = len(p.text) + 1 + len(_first_word(n.text))
    if _ends_sentence(p.text):
        if aggressive or fill < SHORT_FINAL_LINE * width or (n.indented and not p.indented):
            return True
        # n itself short though the paragraph goes on: an indented first line.
        return (
            n2 is not None
            and not _ends_sentence(n.text)
            and len(n.text) + 1 + len(_first_word(n2.text)) < SHORT_FINAL_LINE * width
        )
    if fill >= SHORT_LINE * width:
        return False
    sibling = len(n.text) < SHORT_LINE * width and 0.7 <= len(n.text) / len(p.text) <= 1.4
    return not sibling


def _percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _is_prose(lines: list[_Line]) -> bool:
    return len(lines) >= WRAPPED_MIN_LINES and _percentile([len(x.text) for x in lines], 0.75) >= PROSE_WIDTH


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    for line in lines:
        if line.blanks or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def _is_double_spaced(blocks: list[list[_Line]]) -> bool:
    """A blank line after every wrapped line: single-line blocks that end mid-sentence."""
    wrapped = 0
    for block, following in pairwise(blocks):
        line = block[0].text
        if (
            len(block) == 1
            and len(line) >= PROSE_WIDTH
            and not _FINAL_LINE.search(line)
            and (following[0].text[0].islower() or _ends_open(line))
        ):
            wrapped += 1
    return wrapped >= 3 and wrapped >= 0.25 * len(blocks)


def _units(lines: list[_Line]) -> list[tuple[list[_Line], str]]:
    """Runs of lines to split, each with its mode: "keep", "strict" or "aggressive"."""
    blocks = _blocks(lines)
    if _is_double_spaced(blocks):
        runs: list[list[_Line]] = []
        previous: list[_Line] | None = None
        for block in blocks:
            soft = previous is not None and block[0].blanks == 1 and (len(previous) == 1 or len(block) == 1)
            if soft:
                runs[-1].extend(block)
            else:
                runs.append(list(block))
            previous = block
        return [(run, "aggressive" if _is_prose(run) else "keep") for run in runs]
    units: list[tuple[list[_Line], str]] = []
    for block in blocks:
        if not _is_prose(block):
            units.append((block, "keep"))
        else:
            units.append((block, "aggressive" if len(block) >= PAGE_LINES else "strict"))
    return units


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the paragraphs of ``text``, in order."""
    lines = _read_lines(text)
    if not lines:
        return []
    units = _units(lines)
    page_lines = [len(x.text) for unit, mode in units if mode == "aggressive" for x in unit]
    page_width = _percentile(page_lines, 0.8) if page_lines else 0
    spans: list[tuple[int, int]] = []
    for unit, mode in units:
        if mode == "keep":
            spans.append((unit[0].start, unit[-1].end))
            continue
        aggressive = mode == "aggressive"
        width = page_width if aggressive else max(len(x.text) for x in unit)
        start = unit[0].start
        for k in range(len(unit) - 1):
            after = unit[k + 2] if k + 2 < len(unit) else None
            if _breaks(unit[k], unit[k + 1], after, width, aggressive):
                spans.append((start, unit[k].end))
                start = unit[k + 1].start
        spans.append((start, unit[-1].end))
    return spans


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
        segments = [
            Segment(s, e, language, role, sentence_spans(text, s, e) if sentences else ())
            for (s, e), language, role in zip(doc_spans, doc_languages, roles, strict=True)
        ]
        segmented.append((segments, doc_words))
    return segmented
