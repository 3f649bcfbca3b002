"""The normalized form of each letter of the Basic Multilingual Plane that normalizes on its own.

A word's normalized form (:func:`variorum.text.normalize.normalize_word`: NFKC, case folding,
NFKD, folded marks deleted, NFC, apostrophes deleted) is looked up in a cache, word by word: on
text in Cyrillic, Greek or Arabic that lookup (hashing each new word string) cost more than
cutting the words. Most letters, though, normalize on their own: a word made only of them
normalizes letter by letter, so a table of each such letter's form normalizes a whole text in
one numpy ``take``, and :func:`variorum.text.normalize._cut_by_classes` splits the words out of
it already normalized.

A letter is put in the table only where every step provably acts on it alone:

* it is a starter (canonical combining class 0) that is never the second half of a canonical
  composition, and its NFKD starts with such a character: nothing before it can compose with it
  or be reordered with it, in NFKC as in NFKD (a normalization boundary lies before it);
* its case folding (context-free in Python, unlike ``lower``) and NFKD again start with a
  starter, so that the marks deleted and the composition of NFC stay within it, and what is left
  starts with a starter that composes with nothing before it;
* its whole normalized form is one character of the BMP, and no space.

Every other letter (combining marks, Hangul jamo, ligatures that fold to two letters, tatweel,
apostrophes, soft hyphens) maps to 0, and a text holding one is normalized word by word as
before. The tests compare the table with ``normalize_word`` on every letter and on words made of
random table letters.

Working the table out takes 0.1-0.2 s of CPU (normalizing some 48,000 letters four ways), paid by
every worker process of an ``add`` in text outside ASCII. It depends only on its inputs, this
module's code and the Unicode data of the running Python, so the first process to work it out
keeps it in the user cache (:func:`variorum.cache.cache_dir`) keyed by all of them, and later
ones read it back (128 KiB, well under a millisecond). A missing, damaged or unwritable cache
only means the table is worked out again.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata

import numpy as np

# Hangul vowel and trailing consonant jamo compose with what precedes them (algorithmically, so
# the decomposition data does not list them).
_HANGUL_SECOND = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))


def second_halves(limit: int = 0x10000) -> set[int]:
    """Code points below ``limit`` that are the second half of a canonical composition.

    Below 0x10000 this is also every BMP character that is the second half of any composition:
    the compositions beyond the BMP join characters beyond it (a test checks it on all of them).
    """
    found = set(_HANGUL_SECOND)
    for cp in range(limit):
        parts = unicodedata.decomposition(chr(cp))
        if parts and parts[0] != "<":
            halves = parts.split()
            if len(halves) == 2:
                found.add(int(halves[1], 16))
    return found


def _each(transform: object, forms: list[str]) -> list[str]:
    """``transform`` of each of ``forms`` (none holding a line break), in one call: a line break
    is a normalization boundary on both sides and never produced, so the forms stay apart."""
    return transform("\n".join(forms)).split("\n")  # type: ignore[operator]


def letter_folds(
    letters: np.ndarray, folded_marks: re.Pattern[str], apostrophes: re.Pattern[str]
) -> np.ndarray:
    """A ``uint16`` table of the BMP: each of ``letters`` (code points) that normalizes on its
    own, its normalized form; the space, itself; everything else 0."""
    table = np.zeros(0x10000, dtype=np.uint16)
    table[ord(" ")] = ord(" ")
    chars = [chr(cp) for cp in letters.tolist() if cp != ord("\n")]
    second = second_halves()
    combining = unicodedata.combining
    nfkc = _each(lambda s: unicodedata.normalize("NFKC", s).casefold(), chars)
    nfkd_first = _each(lambda s: unicodedata.normalize("NFKD", s), chars)
    nfkd = _each(lambda s: unicodedata.normalize("NFKD", s), nfkc)
    unmarked = _each(lambda s: folded_marks.sub("", s), nfkd)
    final = _each(lambda s: apostrophes.sub("", unicodedata.normalize("NFC", s)), unmarked)
    for c, first, folded, decomposed, bare, form in zip(
        chars, nfkd_first, nfkc, nfkd, unmarked, final, strict=True
    ):
        if combining(c) or ord(c) in second or not first or combining(first[0]) or ord(first[0]) in second:
            continue
        if not folded.isascii():  # normalize_word's further steps act on it
            if not bare or combining(decomposed[0]) or combining(bare[0]) or ord(bare[0]) in second:
                continue
        else:
            form = apostrophes.sub("", folded)
        if len(form) == 1 and ord(form) < 0x10000 and not form.isspace():
            table[ord(c)] = ord(form)
    return table


#: Bump when the layout of the cached file changes.
CACHE_FORMAT = 1


def _cache_path(letters: np.ndarray, folded_marks: re.Pattern[str], apostrophes: re.Pattern[str]) -> str:
    """The cached table's file, named by a digest of everything the table depends on."""
    import xxhash

    from variorum.cache import cache_dir

    with open(__file__, "rb") as source:
        code = source.read()
    digest = xxhash.xxh3_128()
    for part in (
        str(CACHE_FORMAT).encode(),
        sys.version.encode(),
        unicodedata.unidata_version.encode(),
        np.ascontiguousarray(letters, dtype=np.int64).tobytes(),
        folded_marks.pattern.encode("utf-8", "surrogatepass"),
        apostrophes.pattern.encode("utf-8", "surrogatepass"),
        code,
    ):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return os.path.join(cache_dir(), "letter-folds", f"{digest.hexdigest()}.npy")


def cached_letter_folds(
    letters: np.ndarray, folded_marks: re.Pattern[str], apostrophes: re.Pattern[str]
) -> np.ndarray:
    """:func:`letter_folds`, read from the user cache where an earlier process kept it."""
    path = _cache_path(letters, folded_marks, apostrophes)
    try:
        cached = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        cached = None
    if cached is not None and cached.shape == (0x10000,) and cached.dtype == np.uint16:
        return cached
    table = letter_folds(letters, folded_marks, apostrophes)
    from variorum.cache import write_atomic

    write_atomic(path, lambda f: np.save(f, table, allow_pickle=False), ".letter-folds-")
    return table


__all__ = ["cached_letter_folds", "letter_folds", "second_halves"]
