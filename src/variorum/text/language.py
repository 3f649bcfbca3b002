"""The language of a text and of each paragraph of a document, with py3langid.

Decisions, and why:

* **A restricted label set** (:data:`LANGUAGES`, 55 languages: the six UN languages, the languages of
  the EU, of the Caucasus, Central Asia and the Middle East, and the major languages of South and
  East Asia). Unrestricted, py3langid labels short official paragraphs full of proper names and
  numbers as Extremaduran, Luxembourgish, Javanese or Swahili; restricted, "24 de febrero a 20 de
  marzo de 2020" is Spanish, not Galician. A text in a language outside the set gets the closest
  language inside it (Galician -> es or pt), which is acceptable for a tool that only needs to know
  whether two paragraphs share a language. Restricting also makes scoring ~1.5x faster.
* **The model is loaded once per process**, lazily (only when a paragraph needs it), behind a
  lock, into a private identifier so that our restriction never changes py3langid's global one.
  It is read from a restricted, uncompressed copy in the user cache (:mod:`variorum.text.language_model`):
  ~50 ms instead of ~1 s of decompression. Classification is deterministic.
* **Classify paragraphs, and only a sample of each**: the first :data:`SAMPLE_CHARS` characters, cut
  at a space, and the first :data:`RETRY_CHARS` when the model is less than :data:`SURE` of the
  short sample. The byte-level walk and the scoring grow with the length, and ~20 words already
  tell the restricted languages apart (on the seeds, 80 characters give the same answers as 240):
  this keeps language identification of a 500-word document under a millisecond.
* **Confirm, don't re-identify**: each call to the model costs ~40 us whatever the sample length,
  so in a long document it dominates. A cheap function-word profile (:data:`_FUNCTION_WORDS`, 14
  languages) names the language whose function words make up a clear share of a sample. Once the
  model has identified a paragraph of the document as language L with confidence, and its profile
  said L too, later paragraphs whose profile says L are L without asking the model. The profile
  never introduces a language the model has not confirmed in that document; anything unclear
  (a profile naming no language, or another one) still goes to the model. The profiles of a
  chunk's long paragraphs are found before any question, all together (:func:`profiles`: the
  words of all the samples found and looked up by numpy, the same profiles as one by one).
* **Stop retrying what the model cannot tell**: once :data:`UNCLEAR_RETRIES` longer samples of
  a document have left the model unsure, its later paragraphs get the short sample's answer. A
  text in a language outside the model (or no language at all) would otherwise pay for every
  paragraph twice, the second time four times over, for another unsure answer. Nor is a
  short sample's unsure answer retried when the model was sure of that language for another
  paragraph in the same script; and once :data:`UNSURE_PARAGRAPHS` paragraphs of a script have
  left it unsure, with none sure of any language but the one it most often guessed, the model
  is not asked about that script's later paragraphs.
* **Many documents' questions answered together**: whether a document asks the model about its
  next sample depends on the answers to the ones before, so a document asks one question at a
  time, and each answer cost ~40 numpy calls whatever the sample's length. Identifying the
  languages of many documents (:func:`documents_paragraph_languages`, what a worker does with
  its chunk of a batch through :func:`~variorum.text.segment.segment_documents`) runs each
  document's rules as steps (:func:`_paragraph_languages_steps`) up to its next question, and
  answers the questions of all of them as one batch
  (:meth:`~variorum.text.langid_features.FastIdentifier.batch`), round after round: the same
  questions, the same answers to the bit, so the same languages (``tests/test_language_batch.py``
  compares them with the one-at-a-time rules of ``tests/language_reference.py``), for about a
  third of the cost of asking them one by one on the benchmark corpora.
* **Script first**: letters mostly in Han, Kana, Hangul, Greek, Hebrew, Georgian, Armenian or Thai
  script decide the language without the model (Han with any Kana is Japanese).
* **Short paragraphs** (fewer than :data:`SHORT_WORDS` words) are too short for the model alone. In
  a document (:func:`paragraph_languages`) a Cyrillic one takes the main Cyrillic language of the
  document (else "ru"), an Arabic-script one the main Arabic-script language (else "ar"), a
  Devanagari one "hi", and any other takes the language of the long paragraphs around it in the
  same script; when the one before and the one after differ, the model ranks the short paragraph's
  own words to choose between the two (a title between a Spanish cover note and an English
  statement). A long paragraph the model is less than :data:`SURE` of and whose function words do
  not back it up (a list of place names, which the model calls Uzbek) takes the language its long
  neighbours agree on. Text without letters (dates, separators, URLs) has no language (None), and
  :func:`detect_language` returns None for fewer than :data:`MIN_WORDS` words.
"""

from __future__ import annotations

import bisect
import itertools
import re
import sys
import threading
from collections.abc import Generator, Iterable, Mapping, Sequence, Set
from functools import cache
from typing import Any

from variorum.model import Segment
from variorum.text import letter_runs
from variorum.text.lazy_pattern import compile_pattern

#: The labels the identifier may return; see the module docstring for why it is restricted.
LANGUAGES: tuple[str, ...] = (
    "ar", "az", "be", "bg", "bn", "bs", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi",
    "fr", "he", "hi", "hr", "hu", "hy", "id", "it", "ja", "ka", "kk", "ko", "ky", "lt", "lv",
    "mk", "mn", "ms", "nl", "no", "pl", "ps", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv",
    "sw", "tg", "th", "tk", "tr", "uk", "ur", "uz", "vi", "zh",
)  # fmt: skip

#: Fewer words than this: no language at all from :func:`detect_language`.
MIN_WORDS = 3
#: Fewer words than this: the language comes from the script or the neighbouring paragraphs.
SHORT_WORDS = 6
#: Characters of a paragraph given to the model first ...
SAMPLE_CHARS = 120
#: ... and again, when it is less sure than :data:`SURE` of that sample.
RETRY_CHARS = 480
SURE = 0.9
#: Longer samples a document may have that still leave the model unsure before it stops trying
#: them. On text in no language the model knows (the benchmark's invented-vocabulary corpus:
#: 2,017 longer samples for 300 documents, 56% of them still unsure, the rest "sure" of
#: languages the text is not in) the retries were most of the cost of identifying languages;
#: on the English-like and four-language corpora a longer sample is unsure for one document in
#: ten or fewer, and twice in one document almost never, so their answers barely change.
UNCLEAR_RETRIES = 2
#: Long paragraphs of one script in a document that the model is unsure of, none of that script
#: sure, before its later paragraphs of that script (all letters in it, no function-word
#: profile) take the commonest of those unsure answers without asking the model. On the
#: invented-vocabulary benchmark corpus the model is unsure of 95% of the 120-character samples
#: (it says "en", "nl", "fr", "de" in turn), and those calls made up most of the cost of
#: preparing a document; such answers are weak (see below) and follow any confident neighbour
#: anyway. On 364 real documents (the seeds, Debian Reference and FAQ chapters in five
#: languages, the manual pages of ``tests/crosslang`` in eight) no paragraph's language changes.
#: A paragraph of that script the model *was* sure of does not stop the shortcut when the
#: language it was sure of is that commonest guess (and not a language only another script
#: names, see :func:`_cannot_tell`): on the invented corpus a longer sample is often "sure" of
#: English, which left the model asked about every later paragraph (8.4 calls a document
#: instead of 5.8, a quarter of the cost of preparing one) for the answer the weak paragraphs
#: took from that neighbour anyway. Measured against the rule without it on the three benchmark
#: corpora (3,000 documents each), the seeds, the 299 manual pages of ``tests/crosslang`` and
#: the 112 documents (4,691 paragraphs) of ``tests/real_corpus.py``: no paragraph's language
#: changes.
UNSURE_PARAGRAPHS = 3

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A word is a run of letters, except that each Han or Kana character counts as one word: Chinese
# and Japanese are written without spaces and a character carries about a word's worth of text.
_WORD = compile_pattern(re, rf"[{_CJK}]|[^\W\d_{_CJK}]+")
_URL = compile_pattern(re, r"<?(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_NON_LATIN_LETTER = compile_pattern(re, r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_LATIN = compile_pattern(re, "[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
#: Letters of each script; compiled by :func:`_scripts` when a text first has letters outside
#: Latin (~20 ms of start-up that English or Spanish text never needs).
_SCRIPT_LETTERS: tuple[tuple[str, str], ...] = (
    ("latin", "A-Za-z\u00c0-\u024f\u1e00-\u1eff"),
    ("cyrillic", "\u0400-\u052f"),
    ("arabic", "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"),
    ("han", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"),
    ("kana", "\u3040-\u30ff"),
    ("hangul", "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"),
    ("greek", "\u0370-\u03ff"),
    ("hebrew", "\u0590-\u05ff"),
    ("georgian", "\u10a0-\u10ff"),
    ("armenian", "\u0530-\u058f"),
    ("thai", "\u0e00-\u0e7f"),
    ("devanagari", "\u0900-\u097f"),
)

_SCRIPT_NAMES = [name for name, _ in _SCRIPT_LETTERS]


@cache
def _scripts() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, compile_pattern(re, f"[{chars}]")) for name, chars in _SCRIPT_LETTERS)


#: Scripts that name their language outright.
_SCRIPT_LANGUAGE = {
    "han": "zh",
    "kana": "ja",
    "hangul": "ko",
    "greek": "el",
    "hebrew": "he",
    "georgian": "ka",
    "armenian": "hy",
    "thai": "th",
}
#: Languages that only their own script names (never the model's guess for another script).
_DECIDED_LANGUAGES = frozenset(_SCRIPT_LANGUAGE.values())
#: Default language of a short paragraph in a script shared by several languages.
_SCRIPT_DEFAULT = {"cyrillic": "ru", "arabic": "ar", "devanagari": "hi"}

#: Very frequent function words of languages that are often mixed in official texts, for the
#: confirmation shortcut described in the module docstring.
_FUNCTION_WORDS = {
    "en": "the of and to in is that for on with as by was are were be this it from at which has have "
    "not but or an its their they he she his her we been had will would can there who more such "
    "these those into than other also may our",
    "es": "el la de que y en los las del se por con para una un su al es lo como más pero sus le ha",
    "fr": "le la les de des du et en un une est que qui dans pour pas sur au aux par ce il sont avec",
    "de": "der die das und den dem des ist nicht ein eine zu von mit sich auf für im dass auch wird",
    "pt": "o a os as de do da dos das e em que um uma para com não no na por se ao é mais",
    "it": "il la lo gli le di del della e che in un una per con non è sono al alla dei delle si",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er die wordt door",
    "ru": "и в на не что с по как это из за к от для о его но же был было были также а",
    "uk": "і в на не що з та до як це за від для у його але є був було також",
    "bg": "и на в не да за се от с е че по как това са но го ще",
    "tr": "ve bir bu da de için ile olarak olan gibi daha çok ama en kadar ne",
    "az": "və bir bu da də üçün ilə olaraq olan kimi daha çox amma ən qədər",
    "pl": "i w na nie z się do że to jest o jak po za od przez jego dla",
    "ar": "في من على إلى أن عن مع هذا التي الذي كان ما لا هذه بين كل ذلك وقد ثم أو قد بعد عند حتى إن هو هي "
    "كما لم منذ غير",
}
_FUNCTION_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _FUNCTION_WORD_LANGUAGES[_word] = (*_FUNCTION_WORD_LANGUAGES.get(_word, ()), _lang)

_FUNCTION_WORD_SET = frozenset(_FUNCTION_WORD_LANGUAGES)

_lock = threading.Lock()
_identifier: Any = None


def _get_identifier() -> Any:
    """The restricted py3langid identifier, loaded on first use."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from variorum.text.language_model import load_identifier

                _identifier = load_identifier(LANGUAGES)
    return _identifier


def warm_up() -> None:
    """Load the language model now (before forking workers, so that they share it)."""
    _get_identifier()


def count_words(text: str) -> int:
    """Words of ``text`` as language identification sees them: letter runs, CJK characters."""
    return len(_WORD.findall(text))


def strip_urls(text: str) -> str:
    """``text`` without URLs and e-mail addresses, which have letters but no language."""
    if "://" in text or "www." in text or "@" in text:
        return _URL.sub(" ", text)
    return text


def _sample(text: str, size: int = SAMPLE_CHARS) -> str:
    if len(text) <= size:
        return text
    cut = text.rfind(" ", size // 2, size)
    return text[: cut if cut > 0 else size]


def _samples(texts: Sequence[str]) -> list[str]:
    """:func:`_sample` of each of ``texts`` (the paragraphs of a document), without a call for
    each: the same cut, at the last space of the second half of :data:`SAMPLE_CHARS`."""
    size, half = SAMPLE_CHARS, SAMPLE_CHARS // 2
    return [
        text if len(text) <= size else text[: cut if (cut := text.rfind(" ", half, size)) > 0 else size]
        for text in texts
    ]


def script_of(text: str) -> str | None:
    """The script most letters of ``text`` are written in, or None without letters."""
    if not _NON_LATIN_LETTER.search(text):
        return "latin" if _LATIN.search(text) else None
    return _main_script({name: len(rx.findall(text)) for name, rx in _scripts()}, text)


def _main_script(counts: dict[str, int], text: str) -> str | None:
    """:func:`script_of` of ``text``, which has letters outside Latin, from the ``counts`` of
    its characters in each script of :data:`_SCRIPT_LETTERS` (in that order)."""
    if counts["kana"] and counts["han"]:
        counts["kana"] += counts.pop("han")
    best = max(counts, key=lambda name: counts[name])
    if counts[best]:
        return best
    return "other" if any(ch.isalpha() for ch in text) else None


def scripts_of(texts: Sequence[str]) -> list[str | None]:
    """:func:`script_of` of each of ``texts`` (the samples of the paragraphs of a chunk's documents).

    Text in Latin letters alone, most text, is told by one search over all of them. Otherwise,
    once a process has read :data:`SCRIPT_TABLE_AFTER` characters of such samples, the
    characters of each script are counted for all the texts at once from a table of the
    classes of the Basic Multilingual Plane (:func:`_script_table`): the twelve searches of
    :func:`script_of` for each paragraph made up a third of the cost of identifying the
    languages of a document in Greek, Cyrillic or Arabic script.
    """
    global _script_chars
    joined = "\n".join(texts)
    if joined.isascii() or not _NON_LATIN_LETTER.search(joined):
        return ["latin" if _LATIN.search(text) else None for text in texts]
    if _script_chars < SCRIPT_TABLE_AFTER:
        _script_chars += len(joined)
        return [script_of(text) for text in texts]
    import numpy as np

    codes = np.frombuffer(joined.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(codes) != len(joined):  # characters beyond the BMP, which the table does not cover
        return [script_of(text) for text in texts]
    owner = np.repeat(np.arange(len(texts)), [len(text) + 1 for text in texts])[: len(codes)]
    # Per text: how many characters of each class (script | _NON_LATIN bit).
    counts = np.bincount((owner << 5) | _script_table()[codes], minlength=len(texts) << 5).reshape(-1, 2, 16)
    letters = counts.sum(axis=1)[:, 1 : len(_SCRIPT_LETTERS) + 1]
    outside = counts[:, 1, :].sum(axis=1) > 0
    # _main_script of every text at once: Han counted as Kana where both occur, then the first
    # script with the most letters (argmax takes the first maximum, as max() over the dict).
    kana, han = _SCRIPT_NAMES.index("kana"), _SCRIPT_NAMES.index("han")
    both = (letters[:, kana] > 0) & (letters[:, han] > 0)
    letters[both, kana] += letters[both, han]
    letters[both, han] = -1
    best = letters.argmax(axis=1)
    found = letters[np.arange(len(texts)), best] > 0
    # Without letters outside Latin: "latin" (number 0) if it has Latin letters, else none.
    best[~outside] = 0
    found[~outside] = letters[~outside, 0] > 0
    scripts: list[str | None] = []
    for text, number, has_letters, other in zip(
        texts, best.tolist(), found.tolist(), outside.tolist(), strict=True
    ):
        if has_letters:
            scripts.append(_SCRIPT_NAMES[number])
        elif other:  # letters outside Latin, in none of the scripts of _SCRIPT_LETTERS
            scripts.append("other" if any(ch.isalpha() for ch in text) else None)
        else:
            scripts.append(None)
    return scripts


#: Characters of samples with letters outside Latin whose scripts a process tells with regular
#: expressions before it builds :func:`_script_table` (~10 ms, regular expressions over the
#: 65,536 characters of the BMP): about a thousand paragraphs, ~15 ms of searches, so a command
#: on a few documents never builds it and a batch of documents soon does.
SCRIPT_TABLE_AFTER = 100_000
_script_chars = 0  # such characters told by searches so far in this process
#: The bit of a :func:`_script_table` class that says "a letter outside Latin".
_NON_LATIN = 16


@cache
def _script_table() -> Any:
    """The class of each BMP character as numpy ``uint8``: its script's number in
    :data:`_SCRIPT_LETTERS` (from 1; 0 for none), with :data:`_NON_LATIN` set for a match of
    ``_NON_LATIN_LETTER``. Found by the ``re`` engine with the very classes :func:`script_of`
    searches, so the two agree on every character by construction."""
    import numpy as np

    chars = "".join(map(chr, range(0x10000)))
    table = np.zeros(0x10000, dtype=np.uint8)
    classes = [chars for _, chars in _SCRIPT_LETTERS]
    for number, letters in enumerate(classes, 1):
        for match in compile_pattern(re, f"[{letters}]+").finditer(chars):
            table[match.start() : match.end()] = number
    for match in compile_pattern(re, f"(?:{_NON_LATIN_LETTER.pattern})+").finditer(chars):
        table[match.start() : match.end()] |= _NON_LATIN
    return table


def _one_script(sample: str, script: str | None) -> bool:
    """Whether every letter of ``sample`` is in ``script`` (Latin, or one other script without
    Latin letters): option names among Japanese words are not text the model cannot tell."""
    if script == "latin":  # (ASCII has no letter outside Latin)
        return sample.isascii() or _NON_LATIN_LETTER.search(sample) is None
    return _letters_outside(script).search(sample) is None


@cache
def _letters_outside(script: str | None) -> re.Pattern[str]:
    """Letters of every script of :data:`_SCRIPT_LETTERS` but ``script``, as one class: one
    search instead of one for each script."""
    return compile_pattern(
        re, "[" + "".join(chars for name, chars in _SCRIPT_LETTERS if name != script) + "]"
    )


def _profile(sample: str) -> str | None:
    """The language whose function words clearly dominate ``sample``, if one does."""
    tokens, words, languages = _profile_words(sample)
    if words.isdisjoint(tokens):  # most samples of text without function words
        return None
    hits: dict[str, int] = {}
    for token in filter(words.__contains__, tokens):
        for lang in languages[token]:
            hits[lang] = hits.get(lang, 0) + 1
    best = max(hits, key=hits.__getitem__)
    top = hits.pop(best)
    if top < max(4, 0.2 * len(tokens)) or max(hits.values(), default=0) > 0.6 * top:
        return None
    return best


#: An ASCII byte as a profile's words see it: a letter in lower case, anything else a space.
_ASCII_WORD_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
_FUNCTION_WORD_BYTES = {w.encode(): langs for w, langs in _FUNCTION_WORD_LANGUAGES.items() if w.isascii()}
_FUNCTION_WORD_BYTE_SET = frozenset(_FUNCTION_WORD_BYTES)
#: Punctuation that sticks to words in running text, made spaces before splitting at spaces.
_WORD_PUNCTUATION = ",.;:-()\"'!?"
_CJK_CHARACTER = compile_pattern(re, f"[{_CJK}]")


def _profile_words(sample: str) -> tuple[Sequence[Any], frozenset[Any], dict[Any, tuple[str, ...]]]:
    """The words of ``sample`` as ``_WORD.findall(sample.lower())`` finds them, with the
    function words and their languages to look them up in.

    The regular-expression engine spends ~50 ns on each character; C string methods find the
    same words in a fifth of the time where they can tell that they do. ASCII text: every byte
    translated to its lower-case letter or a space, and split at spaces (``_WORD``'s words in
    ASCII are the runs of letters), as bytes. Other text: common punctuation made spaces,
    split at white space; when every character left is alphabetic (``isalpha``: letters of
    ``_WORD``'s runs) and none is Han or Kana (each a word by itself), those are the runs.
    Anything else (digits, other symbols, CJK) is found by ``_WORD`` itself.
    """
    if sample.isascii():
        return (
            sample.encode("ascii").translate(_ASCII_WORD_BYTES).split(),
            _FUNCTION_WORD_BYTE_SET,
            _FUNCTION_WORD_BYTES,
        )
    lowered = sample.lower()
    spaced = lowered
    for mark in _WORD_PUNCTUATION:
        if mark in spaced:
            spaced = spaced.replace(mark, " ")
    tokens = spaced.split()
    if not "".join(tokens).isalpha() or _CJK_CHARACTER.search(lowered):
        tokens = _WORD.findall(lowered)
    return tokens, _FUNCTION_WORD_SET, _FUNCTION_WORD_LANGUAGES


#: The languages of :data:`_FUNCTION_WORDS`, in order: the columns of :func:`profiles`' counts.
_PROFILE_LANGUAGES: tuple[str, ...] = tuple(_FUNCTION_WORDS)
#: The distinct sets of languages a function word belongs to; a word's class is its set's number
#: from 1 (0 for a word of no language; one more for the mark between two samples).
_LANGUAGE_SETS: tuple[tuple[str, ...], ...] = tuple(sorted(set(_FUNCTION_WORD_LANGUAGES.values())))
_SAMPLE_MARK_CLASS = len(_LANGUAGE_SETS) + 1
#: What separates two samples joined for :func:`profiles`: its NUL is no word character, a token
#: of its own between the spaces, and no case rule looks through a space.
_SAMPLE_MARK = " \x00 "
_CLASS_OF_WORD: dict[str, int] = {
    **{word: _LANGUAGE_SETS.index(langs) + 1 for word, langs in _FUNCTION_WORD_LANGUAGES.items()},
    "\x00": _SAMPLE_MARK_CLASS,
}
#: :data:`_ASCII_WORD_BYTES`, but NUL stays itself: the mark between two ASCII samples.
_ASCII_MARKED_BYTES = b"\x00" + _ASCII_WORD_BYTES[1:]


@cache
def _class_languages() -> Any:
    """Which languages each word class counts for: a 0/1 matrix, a row per class."""
    import numpy as np

    matrix = np.zeros((_SAMPLE_MARK_CLASS + 1, len(_PROFILE_LANGUAGES)), dtype=np.int64)
    for number, langs in enumerate(_LANGUAGE_SETS, 1):
        matrix[number, [_PROFILE_LANGUAGES.index(lang) for lang in langs]] = 1
    return matrix


#: Fewest samples (ASCII, or not) whose profiles :func:`profiles` finds together: its numpy
#: operations cost ~60 us whatever the number of samples, and one sample alone 1.5-6 us
#: (measured: 64 samples of the English-like benchmark corpus 3.4 us a sample together, 3.8
#: alone; of the four-language one 5.3 and 6.3; a whole chunk's, ~450, 2 and 3.7).
PROFILES_TOGETHER = 64


def profiles(samples: Sequence[str]) -> list[str | None]:
    """:func:`_profile` of each of ``samples`` (the long paragraphs of a chunk's documents).

    One sample at a time, the Python loop over its words and their languages cost as much as
    finding the words (2-6 us a sample). Here the samples are joined, ASCII ones and the others
    apart (``_SAMPLE_MARK`` between two), each join is lowered and stripped of punctuation once
    as :func:`_profile_words` does one sample, and numpy finds the words of all of them, looks
    each up by its letters (:func:`_ascii_hits`, :func:`_other_hits`) and counts the hits of
    every sample in every language. A tie for the most hits is no profile either way (the
    runner-up has more than 0.6 of the top), so which language of a tie comes first never
    matters. Samples whose words a split cannot tell (digits, symbols, Han or Kana; see
    :func:`_profile_words`), and groups of fewer than :data:`PROFILES_TOGETHER` samples, are
    profiled one by one.
    """
    if len(samples) < PROFILES_TOGETHER:
        # Every group is below the threshold: all profiled one by one, without importing numpy
        # (~40 ms of a ~130 ms ``variorum collate --files`` on two pages).
        return [_profile(sample) for sample in samples]
    import numpy as np

    hits = np.zeros((len(samples), len(_PROFILE_LANGUAGES)), dtype=np.int64)
    words = np.zeros(len(samples), dtype=np.int64)
    if "".join(samples).isascii():
        ascii_at, other_at = list(range(len(samples))), []
    else:
        is_ascii = list(map(str.isascii, samples))
        ascii_at = [k for k, flag in enumerate(is_ascii) if flag]
        other_at = [k for k, flag in enumerate(is_ascii) if not flag]
    alone: list[int] = []
    if len(ascii_at) >= PROFILES_TOGETHER:
        counted = _ascii_hits([samples[k] for k in ascii_at])
        if counted is None:  # a NUL in a sample
            alone += ascii_at
        else:
            hits[ascii_at], words[ascii_at] = counted
    else:
        alone += ascii_at
    if len(other_at) >= PROFILES_TOGETHER:
        counted = _other_hits([samples[k] for k in other_at])
        if counted is None:
            alone += other_at
        else:
            hits[other_at], words[other_at], split_badly = counted
            alone += [other_at[k] for k in split_badly]
    else:
        alone += other_at
    top = hits.max(axis=1, initial=0)
    best = hits.argmax(axis=1)
    hits[np.arange(len(samples)), best] = -1
    clear = (top >= np.maximum(4.0, 0.2 * words)) & (hits.max(axis=1, initial=0) <= 0.6 * top)
    found = [
        _PROFILE_LANGUAGES[b] if ok else None for b, ok in zip(best.tolist(), clear.tolist(), strict=True)
    ]
    for k in set(alone):
        found[k] = _profile(samples[k])
    return found


def _ascii_hits(samples: Sequence[str]) -> tuple[Any, Any] | None:
    """:func:`_count_hits` of the ASCII ``samples``, their words found and looked up by numpy
    (None when a sample holds a NUL, the mark between two samples).

    The words are :func:`_profile_words`' (the runs of letters once every byte is a lower-case
    letter or a space); each is looked up by its first eight letters as one big-endian
    integer, which for a word of at most eight letters (every ASCII function word) is the
    word itself, zeros after it, and for a longer one no function word's.
    """
    import numpy as np

    joined = _SAMPLE_MARK.join(samples)
    if joined.count("\x00") >= max(len(samples), 1):
        return None
    text = b" " + joined.encode("ascii").translate(_ASCII_MARKED_BYTES) + b" "
    data = np.frombuffer(text + bytes(8), dtype=np.uint8)
    letter = data > 32  # a-z; spaces and marks are not
    edges = np.flatnonzero(letter[1:] != letter[:-1]) + 1  # a word's start, then its end, ...
    starts, ends = edges[0::2], edges[1::2]
    owner = np.searchsorted(np.flatnonzero(data[: len(text)] == 0), starts)
    # Only words as short as the longest function word are looked up.
    lengths = ends - starts
    short = np.flatnonzero(lengths <= _LONGEST_ASCII_WORD)
    letters = data.take(starts[short, None] + np.arange(8))
    letters *= np.arange(8) < lengths[short, None]
    keys = letters.view(">u8").ravel().astype(np.uint64)
    return _hits_of_keys(keys, _ascii_word_keys(), owner, short, len(samples))


def _hits_of_keys(keys: Any, table: tuple[Any, Any], owner: Any, short: Any, n: int) -> tuple[Any, Any]:
    """The hits in each language of ``n`` samples, and their words, from the keys of their
    short words (``short``: those words' indices; ``owner``: every word's sample), looked up
    in ``table`` (sorted keys, each one's word class): the last step of :func:`_ascii_hits`
    and :func:`_other_hits`, which differ only in how a word becomes its key."""
    import numpy as np

    known, number = table
    at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    classes = np.where(known[at] == keys, number[at], 0)
    width = _SAMPLE_MARK_CLASS + 1
    counted = np.bincount(owner[short] * width + classes, minlength=n * width)
    words = np.bincount(owner, minlength=n)
    return counted.reshape(n, width) @ _class_languages(), words


#: Letters of the longest ASCII function word (at most 8: see :func:`_ascii_hits`).
_LONGEST_ASCII_WORD = max(map(len, _FUNCTION_WORD_BYTES))


@cache
def _ascii_word_keys() -> tuple[Any, Any]:
    """The ASCII function words as :func:`_ascii_hits` looks them up (their letters as one
    big-endian integer), sorted, and the class of each."""
    import numpy as np

    keyed = sorted(
        (int.from_bytes(word.encode("ascii").ljust(8, b"\0"), "big"), number)
        for word, number in _CLASS_OF_WORD.items()
        if word.isascii() and word.isalpha()
    )
    assert _LONGEST_ASCII_WORD <= 8
    return np.array([key for key, _ in keyed], dtype=np.uint64), np.array(
        [n for _, n in keyed], dtype=np.int64
    )


def _other_hits(samples: Sequence[str]) -> tuple[Any, Any, list[int]] | None:
    """The hits of the ``samples`` that are not ASCII in each language of
    :data:`_PROFILE_LANGUAGES`, the words of each, and those whose words the split of
    :func:`_profile_words` cannot tell (to be profiled one by one); None when a sample holds a
    NUL, the mark between two samples.

    The join is lowered and stripped of punctuation as one sample is; its words (the runs of
    characters that are not white space) are found by numpy in its code points, and each is
    looked up by its letters' numbers in :func:`_word_letters` (one byte each, eight at most,
    read as one integer): exact for every function word, and no function word's for a word
    with a letter none has.
    """
    import numpy as np

    joined = _SAMPLE_MARK.join(samples)
    if joined.count("\x00") >= max(len(samples), 1):
        return None
    spaced = joined.lower()
    for mark in _WORD_PUNCTUATION:
        if mark in spaced:
            spaced = spaced.replace(mark, " ")
    codes = np.frombuffer((" " + spaced + " " * 9).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    apart, splits, letter_number = _word_letters()
    bmp = np.minimum(codes, 0xFFFF)  # beyond the BMP: U+FFFF, no space, no letter
    word = ~apart.take(bmp)
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1  # a word's start, then its end, ...
    starts, ends = edges[0::2], edges[1::2]
    marks = np.flatnonzero(codes == 0)
    owner = np.searchsorted(marks, starts)
    unsplit = word & ~splits.take(bmp)
    split_badly = np.unique(np.searchsorted(marks, np.flatnonzero(unsplit))).tolist()
    lengths = ends - starts
    short = np.flatnonzero(lengths <= _LONGEST_WORD)
    letters = letter_number.take(bmp.take(starts[short, None] + np.arange(8)))
    inside = np.arange(8) < lengths[short, None]
    letters *= inside
    keys = letters.view(">u8").ravel().astype(np.uint64)
    keys[(letters != 0).sum(axis=1) != inside.sum(axis=1)] = 0  # a letter of no function word
    hits, words = _hits_of_keys(keys, _word_keys(), owner, short, len(samples))
    return hits, words, split_badly


#: Letters of the longest function word (at most 8: see :func:`_other_hits`).
_LONGEST_WORD = max(map(len, _FUNCTION_WORD_LANGUAGES))


@cache
def _word_letters() -> tuple[Any, Any, Any]:
    """Tables of the BMP for :func:`_other_hits`: what words are apart at (white space, what
    ``str.split`` splits at, and the NUL between samples), the characters the split tells
    words of (``str.isalpha``, but not Han or Kana: ``_CJK_CHARACTER``), and the number of
    each letter of a function word (from 1; 0 for any other character)."""
    import numpy as np

    chars = "".join(map(chr, range(0x10000)))
    apart = np.fromiter(map(str.isspace, chars), dtype=bool, count=len(chars))
    apart[0] = True
    splits = np.fromiter(map(str.isalpha, chars), dtype=bool, count=len(chars))
    for match in compile_pattern(re, f"(?:{_CJK_CHARACTER.pattern})+").finditer(chars):
        splits[match.start() : match.end()] = False
    letter_number = np.zeros(0x10000, dtype=np.uint8)
    letters = sorted(set("".join(_FUNCTION_WORD_LANGUAGES)))
    assert len(letters) < 256 and all(ord(ch) < 0xFFFF for ch in letters)
    letter_number[[ord(ch) for ch in letters]] = np.arange(1, len(letters) + 1)
    return apart, splits, letter_number


@cache
def _word_keys() -> tuple[Any, Any]:
    """The function words as :func:`_other_hits` looks them up (their letters' numbers as one
    big-endian integer), sorted, and the class of each."""
    import numpy as np

    assert _LONGEST_WORD <= 8
    letter_number = _word_letters()[2]
    keyed = sorted(
        (int.from_bytes(bytes(int(letter_number[ord(ch)]) for ch in word).ljust(8, b"\0"), "big"), number)
        for word, number in _CLASS_OF_WORD.items()
        if word != "\x00"
    )
    return np.array([key for key, _ in keyed], dtype=np.uint64), np.array(
        [n for _, n in keyed], dtype=np.int64
    )


#: A question to the model: ("classify", sample) or ("rank", sample).
Question = tuple[str, str]
#: The steps of identifying languages: they yield questions and are sent the model's answers.
Steps = Generator[Question, Any, Any]


def _classify_steps(
    text: str, expected: Set[str] = frozenset(), unclear: list[int] | None = None, sample: str | None = None
) -> Generator[Question, Any, tuple[str, float]]:
    """Language and confidence from a sample of ``text``, a longer one if the first is unclear.

    An unclear answer that is one of the ``expected`` languages (those already confirmed in the
    same document, or that the model was sure of in another paragraph in the same script) is
    kept: the longer sample costs four times as much and would mostly agree.
    ``unclear`` counts, for one document, the longer samples that were still unclear; from
    :data:`UNCLEAR_RETRIES` on, no longer sample is tried (see the module docstring).
    ``sample`` is ``_sample(text)`` when the caller has it already.
    """
    if sample is None:
        sample = _sample(text)
    lang, confidence = yield ("classify", sample)
    retry = unclear is None or unclear[0] < UNCLEAR_RETRIES
    if confidence < SURE and len(sample) < len(text) and lang not in expected and retry:
        lang, confidence = yield ("classify", _sample(text, RETRY_CHARS))
        if unclear is not None and confidence < SURE:
            unclear[0] += 1
    return str(lang), float(confidence)


def _classify(
    text: str, expected: Set[str] = frozenset(), unclear: list[int] | None = None
) -> tuple[str, float]:
    """:func:`_classify_steps`, the model asked at once."""
    return _answer_all([_classify_steps(text, expected, unclear)])[0]  # type: ignore[no-any-return]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of ``text``, or None when it has too few words to tell.

    Fewer than :data:`MIN_WORDS` words gives None; a decisive script gives its language; a short
    Cyrillic, Arabic-script or Devanagari text gives "ru", "ar" or "hi"; anything else goes to
    the model, restricted to :data:`LANGUAGES`.
    """
    clean = strip_urls(text)
    sample = _sample(clean)
    if count_words(sample) < MIN_WORDS:
        return None
    script = script_of(sample)
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    if script in _SCRIPT_DEFAULT and count_words(sample) < SHORT_WORDS:
        return _SCRIPT_DEFAULT[script]
    return _classify(clean)[0]


def _prefer_steps(text: str, candidates: set[str]) -> Generator[Question, Any, str]:
    """Whichever of ``candidates`` the model ranks higher for ``text``."""
    ranked = yield ("rank", _sample(text))
    for lang, _ in ranked:
        if lang in candidates:
            return str(lang)
    return min(candidates)


def paragraph_words(texts: Iterable[str]) -> list[int]:
    """Word counts of paragraphs, URLs left out; the weights of :func:`document_languages`.

    Each is :func:`count_words`, counted for all the paragraphs at once by a table of the
    characters of ``_WORD`` (:func:`~variorum.text.letter_runs.count_runs`, a tenth of the time).
    """
    cleaned = [strip_urls(text) for text in texts]
    counts = letter_runs.count_runs(cleaned, rf"^\W\d_{_CJK}", _CJK)
    return counts if counts is not None else [count_words(text) for text in cleaned]


def documents_paragraph_words(documents: Sequence[Sequence[str]]) -> list[list[int]]:
    """:func:`paragraph_words` of each document's paragraphs, all counted in one pass."""
    return _words_of_cleaned([[strip_urls(text) for text in texts] for texts in documents])


def _words_of_cleaned(cleaned: Sequence[Sequence[str]]) -> list[list[int]]:
    """:func:`documents_paragraph_words` of paragraphs whose URLs are already left out."""
    counts = letter_runs.count_runs([text for texts in cleaned for text in texts], rf"^\W\d_{_CJK}", _CJK)
    if counts is None:  # a character the table does not cover: each document on its own
        return [paragraph_words(texts) for texts in cleaned]
    bounds = list(itertools.accumulate((len(texts) for texts in cleaned), initial=0))
    return [counts[lo:hi] for lo, hi in itertools.pairwise(bounds)]


def documents_words_and_languages(
    documents: Sequence[Sequence[str]],
) -> tuple[list[list[int]], list[list[str | None]]]:
    """:func:`documents_paragraph_words` and :func:`documents_paragraph_languages` of the same
    documents, URLs left out of each paragraph once for both."""
    cleaned = _strip_documents_urls(documents)
    words = _words_of_cleaned(cleaned)
    return words, _answer_all(_documents_steps(documents, cleaned, words))


def _strip_documents_urls(documents: Sequence[Sequence[str]]) -> Sequence[Sequence[str]]:
    """:func:`_strip_document_urls` of each document; the documents themselves when none has a
    URL or address (one look at a whole chunk instead of one at each document)."""
    joined = "\n".join(text for texts in documents for text in texts)
    # One character is looked for at memchr's speed, three or four at a tenth of it: "://" only
    # where there is a colon.
    if "@" in joined or (":" in joined and "://" in joined) or "www." in joined:
        return [_strip_document_urls(texts) for texts in documents]
    return documents


def _strip_document_urls(texts: Sequence[str]) -> Sequence[str]:
    """:func:`strip_urls` of each of a document's paragraphs; the paragraphs themselves when
    the document has no URL or address at all (most documents: one look at all of them)."""
    joined = "\n".join(texts)
    if "://" in joined or "www." in joined or "@" in joined:
        return [strip_urls(text) for text in texts]
    return texts


def _documents_steps(
    documents: Sequence[Sequence[str]], cleaned: Sequence[Sequence[str]], words: Sequence[Sequence[int]]
) -> list[Steps]:
    """The steps of :func:`_paragraph_languages_steps` for each document (its paragraphs, the
    same without URLs, their words), with the sample and the script of every paragraph with
    words found first for all the documents at once (one :func:`scripts_of` of them all)."""
    present = [[i for i, count in enumerate(counts) if count] for counts in words]
    samples = [_samples([clean[i] for i in at]) for clean, at in zip(cleaned, present, strict=True)]
    flat = [sample for doc in samples for sample in doc]
    scripts = scripts_of(flat)
    # The profiles of the long paragraphs the script does not decide: all that the steps read.
    lengths = [counts[i] for counts, at in zip(words, present, strict=True) for i in at]
    wanted = [
        k for k, (n, script) in enumerate(zip(lengths, scripts, strict=True))
        if n >= SHORT_WORDS and script not in _SCRIPT_LANGUAGE
    ]  # fmt: skip
    found: list[str | None] = [None] * len(flat)
    for k, profile in zip(wanted, profiles([flat[k] for k in wanted]), strict=True):
        found[k] = profile
    bounds = list(itertools.accumulate(map(len, samples), initial=0))
    return [
        _paragraph_languages_steps(texts, clean, counts, at, doc_samples, scripts[lo:hi], found[lo:hi])
        for texts, clean, counts, at, doc_samples, (lo, hi) in zip(
            documents, cleaned, words, present, samples, itertools.pairwise(bounds), strict=True
        )
    ]


def paragraph_languages(texts: Sequence[str], words: Sequence[int] | None = None) -> list[str | None]:
    """The language of each paragraph of one document, using the document as context.

    See the module docstring for the rules for short and weakly classified paragraphs.
    """
    return documents_paragraph_languages([texts], None if words is None else [words])[0]


def documents_paragraph_languages(
    documents: Sequence[Sequence[str]], words: Sequence[Sequence[int]] | None = None
) -> list[list[str | None]]:
    """:func:`paragraph_languages` of each document (its paragraphs, and their words if
    counted), the documents' questions to the model answered together.

    Each document asks the model about a few samples, one after another: whether it asks about
    the next depends on the answer. Asked one at a time, each answer costs ~40 numpy calls
    whatever the sample's length, which made language identification the costliest part of
    preprocessing a document. Here every document runs until its next question, the questions
    of all of them are answered in one batch (:meth:`~variorum.text.langid_features.
    FastIdentifier.batch`, the same answers to the bit), and each runs on with its answer.
    """
    if words is None:
        words = [paragraph_words(texts) for texts in documents]
    cleaned = _strip_documents_urls(documents)
    return _answer_all(_documents_steps(documents, cleaned, words))


#: Fewest questions answered as one batch; fewer are asked one by one (a batch's fixed cost is
#: about that of two single questions).
BATCH_FROM = 3


def _answer_all(steps: Sequence[Steps]) -> list[Any]:
    """Run each of ``steps`` to its end, answering their questions round by round; their
    results in order."""
    results: list[Any] = [None] * len(steps)
    asking: dict[int, Question] = {}

    def advance(k: int, answer: Any) -> None:
        try:
            asking[k] = steps[k].send(answer)
        except StopIteration as stop:
            results[k] = stop.value
            asking.pop(k, None)

    for k in range(len(steps)):
        advance(k, None)
    while asking:
        questions = list(asking.items())
        answers: dict[int, Any] = _bounded_answers(questions) if "numpy" not in sys.modules else {}
        rest = [(k, question) for k, question in questions if k not in answers]
        if rest:
            identifier = _get_identifier()
            samples = [(k, text) for k, (kind, text) in rest if kind == "classify"]
            batch = getattr(identifier, "batch", None) if len(samples) >= BATCH_FROM else None
            together = batch([text for _, text in samples]) if batch is not None else None
            if together is not None:
                answers.update(zip([k for k, _ in samples], together.answers, strict=True))
            for k, (kind, text) in rest:
                if k not in answers:
                    answers[k] = identifier.classify(text) if kind == "classify" else identifier.rank(text)
        for k, _ in questions:
            advance(k, answers[k])
    return results


_bounded_model: Any = None  # langid_bounds' copy of the model: None not read yet, False none


def _bounded_answers(questions: Sequence[tuple[int, Question]]) -> dict[int, Any]:
    """The answers :mod:`variorum.text.langid_bounds` can give without numpy, by question.

    Only ``classify`` questions, and only where the bounds decide both what the steps read of
    the answer: the language (the most probable one) and whether the confidence is below
    :data:`SURE`, the one comparison the steps make with it (:func:`_classify_steps`,
    :func:`_paragraph_languages_steps`). The confidence given is within the bounds of numpy's,
    on the same side of :data:`SURE`, not numpy's value to the bit. Called only in a process
    that has not imported numpy (a command on a few files), where it saves importing it.
    """
    global _bounded_model
    from variorum.text import langid_bounds

    if _bounded_model is None:
        with _lock:
            if _bounded_model is None:
                _bounded_model = langid_bounds.load(LANGUAGES) or False
    if _bounded_model is False:
        return {}
    answers: dict[int, Any] = {}
    for k, (kind, text) in questions:
        answer = langid_bounds.classify(_bounded_model, text) if kind == "classify" else None
        if answer is not None and (answer.low >= SURE or answer.high < SURE):
            answers[k] = (answer.language, (answer.low + answer.high) / 2)
    return answers


_NONE_SURE: frozenset[str] = frozenset()


def _paragraph_languages_steps(
    texts: Sequence[str],
    cleaned: Sequence[str],
    words: Sequence[int],
    present: Sequence[int],
    samples: Sequence[str],
    present_scripts: Sequence[str | None],
    present_profiles: Sequence[str | None],
) -> Steps:
    """:func:`paragraph_languages` of one document (its paragraphs, the same without URLs, their
    words; the paragraphs with words, their samples, their scripts and the :func:`_profile` of
    those of them that are long and in a script that does not decide), as steps that ask the
    model questions."""
    n = len(texts)
    langs: list[str | None] = [None] * n
    scripts: list[str | None] = [None] * n
    long = [False] * n
    weak = [False] * n
    confirmed: set[str] = set()  # languages the model and the profile agreed on in this document
    unclear = [0]  # longer samples the model was still unsure of, in this document
    # Per script: the model's unsure answers, counted in plain dicts (a Counter is made by Python
    # code, a microsecond for each; the counts and their order are the same).
    unsure: dict[str | None, dict[str, int]] = {}
    sure: dict[str | None, set[str]] = {}  # per script: the languages the model was sure of
    # Per script: what _cannot_tell says of its answers so far, as their commonest guess ("" for
    # no), until the model answers about that script again.
    told: dict[str | None, str] = {}
    for i, sample, script, profile in zip(present, samples, present_scripts, present_profiles, strict=True):
        scripts[i] = script
        if script in _SCRIPT_LANGUAGE:
            langs[i], long[i] = _SCRIPT_LANGUAGE[script], True
        elif words[i] >= SHORT_WORDS:
            long[i] = True
            if profile in confirmed:
                langs[i] = profile
                continue
            guesses = unsure.get(script)
            if profile is None and guesses is not None:
                guess = told.get(script)
                if guess is None:  # not told since the script's last answer
                    cannot = _cannot_tell(guesses, sure.get(script, _NONE_SURE))
                    guess = told[script] = _commonest(guesses) if cannot else ""
                if guess and _one_script(sample, script):
                    # The model cannot tell this script's text (see UNSURE_PARAGRAPHS).
                    langs[i], weak[i] = guess, True
                    continue
            expected = confirmed | sure[script] if script in sure else confirmed
            lang, confidence = yield from _classify_steps(cleaned[i], expected, unclear, sample)
            langs[i] = lang
            told.pop(script, None)
            if confidence >= SURE:
                sure.setdefault(script, set()).add(lang)
                if profile == lang:
                    confirmed.add(profile)
            else:
                guesses = unsure.get(script)
                if guesses is None:
                    guesses = unsure[script] = {}
                guesses[lang] = guesses.get(lang, 0) + 1
                # Not sure, and no function words to back the model: a list of names, say.
                weak[i] = profile != lang

    # Weakly classified long paragraphs follow their confident long neighbours.
    confident = [i for i in range(n) if long[i] and not weak[i]]
    if confident:
        for i in range(n):
            if weak[i]:
                around = {
                    langs[j] for j in _neighbours(confident, i) if j is not None and scripts[j] == scripts[i]
                }
                if len(around) == 1:
                    langs[i] = around.pop()

    short = [i for i in present if not long[i]]
    if not short:
        return langs
    by_script: dict[str | None, list[int]] = {}
    main_by_script: dict[str | None, dict[str, int]] = {}
    for i in range(n):
        if long[i]:
            by_script.setdefault(scripts[i], []).append(i)
            weights = main_by_script.get(scripts[i])
            if weights is None:
                weights = main_by_script[scripts[i]] = {}
            key = langs[i] or ""
            weights[key] = weights.get(key, 0) + words[i]
    for i in short:
        script = scripts[i]
        if script in _SCRIPT_DEFAULT:
            counts = main_by_script.get(script)
            langs[i] = _commonest(counts) if counts else _SCRIPT_DEFAULT[script]
            continue
        before, after = _neighbours(by_script.get(script, []), i)
        candidates = {langs[j] for j in (before, after) if j is not None}
        if len(candidates) == 2:
            langs[i] = yield from _prefer_steps(texts[i], candidates)  # type: ignore[arg-type]
        elif candidates:
            langs[i] = candidates.pop()
        elif words[i] >= MIN_WORDS:
            langs[i] = (yield from _classify_steps(texts[i]))[0]
    return langs


def _cannot_tell(guesses: Mapping[str, int], sure: Set[str]) -> bool:
    """Whether the model's answers about one script of a document show that it cannot tell
    that script's text (see :data:`UNSURE_PARAGRAPHS`): enough unsure answers, and no sure one
    but for their commonest guess, where that is a language the script may be written in (a
    language that a script decides, such as "zh", is never a guess for another script's text:
    the model was sure of Chinese for a paragraph of commands mixed with Han characters)."""
    if sum(guesses.values()) < UNSURE_PARAGRAPHS:
        return False
    if not sure:
        return True
    guess = _commonest(guesses)
    return sure == {guess} and guess not in _DECIDED_LANGUAGES


def _commonest(counts: Mapping[str, int]) -> str:
    """``counts.most_common(1)[0][0]`` (the first of the commonest, in insertion order), without
    the ``heapq`` call that ``most_common`` makes for it."""
    return max(counts, key=counts.__getitem__)


def _neighbours(indices: Sequence[int], i: int) -> tuple[int | None, int | None]:
    """The closest index before and after ``i`` in the sorted ``indices`` (``i`` excluded)."""
    k = bisect.bisect_left(indices, i)
    before = indices[k - 1] if k > 0 else None
    if k < len(indices) and indices[k] == i:
        k += 1
    after = indices[k] if k < len(indices) else None
    return before, after


def document_languages(
    segments: Sequence[Segment], text: str | None = None, words: Sequence[int] | None = None
) -> list[str]:
    """Languages of a document, the one holding most words first.

    ``segments`` carry no text, so without ``text`` each paragraph weighs its length in
    characters; pass the document's text to weigh by words (which is fairer to CJK scripts), or
    the words of each segment if already counted (:func:`paragraph_words`). Ties keep document
    order.
    """
    weights: dict[str, int] = {}  # a Counter is made by Python code: a microsecond a document
    for k, seg in enumerate(segments):
        language = seg.language
        if language is None:
            continue
        if words is not None:
            weight = words[k]
        else:
            span = text[seg.start : seg.end] if text is not None else None
            weight = seg.end - seg.start if span is None else count_words(strip_urls(span))
        weights[language] = weights.get(language, 0) + weight
    return [lang for lang, _ in sorted(weights.items(), key=lambda item: -item[1])]
