"""How many words each of many texts has, counted over all of them at once with numpy.

Counting words with ``len(pattern.findall(text))`` costs the regular-expression engine about
two hundred nanoseconds per word, to build a string that is thrown away: as much as cutting the
document into tokens. Here every character is classed by one table lookup (the table built
once per process from the very pattern it replaces, so both agree on every character by
construction), and the words are the characters that start one, summed between the texts'
boundaries: a few numpy operations per document instead of one engine step per word.

The pattern counted is ``[single]|[run]+``: a character of the ``single`` class is a word by
itself, a run of characters of the ``run`` class is one word (:func:`variorum.text.language.
count_words`: Han and kana characters, and runs of other letters).
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
from collections.abc import Sequence
from typing import Any

from variorum.text.lazy_pattern import compile_pattern

_OTHER, _RUN, _SINGLE = 0, 1, 2
_BMP = 0x10000


#: Characters of non-ASCII text counted by the pattern in a process before the table of the
#: whole BMP is built: building it takes ~20 ms, and it saves ~0.15 ms on a document of 500
#: words in Cyrillic, Greek or Arabic, so a command that reads two pages never pays for it.
#: The table of ASCII characters costs next to nothing and is built at once.
BMP_TABLE_AFTER = 500_000
_pattern_chars = 0  # non-ASCII characters counted so far without the table, in this process
#: ASCII characters a process that has not imported numpy counts by the pattern before it
#: imports numpy for the table: the pattern costs ~0.2 microseconds a word and the table a tenth
#: of that, so numpy's import (~40 ms, a third of ``variorum collate --files`` on two pages) is
#: paid back only after about this many.
ASCII_TABLE_AFTER = 1_000_000
_ascii_pattern_chars = 0  # ASCII characters counted so far by the pattern for want of numpy


@functools.cache
def _table(run: str, single: str, size: int) -> Any:
    """The class of each of the first ``size`` characters (``_OTHER``, ``_RUN`` or
    ``_SINGLE``), as numpy ``uint8``, found by the ``re`` engine itself."""
    import numpy as np

    chars = "".join(map(chr, range(size)))
    table = np.zeros(size, dtype=np.uint8)
    for cls, pattern in ((_RUN, f"[{run}]+"), (_SINGLE, f"[{single}]+")):
        for m in compile_pattern(re, pattern).finditer(chars):
            table[m.start() : m.end()] = cls
    return table


def count_runs(texts: Sequence[str], run: str, single: str) -> list[int] | None:
    """The number of matches of ``[single]|[run]+`` in each of ``texts`` (``run`` and
    ``single`` are bodies of disjoint ``re`` character classes); None, for the caller to count
    with the pattern, when a text has characters beyond the Basic Multilingual Plane, which the
    table does not cover, or non-ASCII characters before :data:`BMP_TABLE_AFTER`, or ASCII
    characters before :data:`ASCII_TABLE_AFTER` in a process without numpy."""
    global _pattern_chars, _ascii_pattern_chars
    joined = "\n".join(texts)  # "\n" is in no class: runs never cross from one text to the next
    ascii_text = joined.isascii()
    if ascii_text and _ascii_pattern_chars < ASCII_TABLE_AFTER and "numpy" not in sys.modules:
        _ascii_pattern_chars += len(joined)
        return None
    if not ascii_text and _pattern_chars < BMP_TABLE_AFTER:
        _pattern_chars += len(joined)
        return None
    import numpy as np

    if ascii_text:
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        table = _table(run, single, 128)
    else:
        data = joined.encode("utf-16-le", "surrogatepass")
        if len(data) != 2 * len(joined):  # characters beyond the BMP, as surrogate pairs
            return None
        codes = np.frombuffer(data, dtype=np.uint16)
        table = _table(run, single, _BMP)
    classes = table.take(codes)
    in_run = classes == _RUN
    starts = classes == _SINGLE
    starts[1:] |= in_run[1:] & ~in_run[:-1]
    starts[:1] |= in_run[:1]
    # Each text's words are the starts between its bounds (the "\n" after a text starts none).
    bounds = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
    cuts = np.searchsorted(np.flatnonzero(starts), bounds)
    return np.diff(cuts).tolist()
