"""Language identification of a document's paragraphs as it was before the model's questions
of many documents were answered together: one question at a time, each to
``FastIdentifier.classify``, the scripts told by twelve searches per paragraph.

Kept as the reference that :func:`variorum.text.language.documents_paragraph_languages` and
:func:`variorum.text.language.scripts_of` are tested against (``tests/test_language_batch.py``).
The helpers that did not change are the module's own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence, Set

from variorum.text.language import (
    _FUNCTION_WORD_LANGUAGES,
    _LATIN,
    _NON_LATIN_LETTER,
    _SCRIPT_DEFAULT,
    _SCRIPT_LANGUAGE,
    _WORD,
    MIN_WORDS,
    RETRY_CHARS,
    SHORT_WORDS,
    SURE,
    UNCLEAR_RETRIES,
    _cannot_tell,
    _get_identifier,
    _neighbours,
    _sample,
    _scripts,
    paragraph_words,
    strip_urls,
)


def _profile(sample: str) -> str | None:
    """The language whose function words clearly dominate ``sample``, if one does."""
    tokens = _WORD.findall(sample.lower())
    hits: dict[str, int] = {}
    for token in tokens:
        for lang in _FUNCTION_WORD_LANGUAGES.get(token, ()):
            hits[lang] = hits.get(lang, 0) + 1
    if not hits:
        return None
    best = max(hits, key=hits.__getitem__)
    top = hits.pop(best)
    if top < max(4, 0.2 * len(tokens)) or max(hits.values(), default=0) > 0.6 * top:
        return None
    return best


def _one_script(sample: str, script: str | None) -> bool:
    """Whether every letter of ``sample`` is in ``script``: a search for each other script."""
    if script == "latin":
        return _NON_LATIN_LETTER.search(sample) is None
    return _LATIN.search(sample) is None and not any(
        rx.search(sample) for name, rx in _scripts()[1:] if name != script
    )


def script_of(text: str) -> str | None:
    """The script most letters of ``text`` are written in, or None without letters."""
    if not _NON_LATIN_LETTER.search(text):
        return "latin" if _LATIN.search(text) else None
    counts = {name: len(rx.findall(text)) for name, rx in _scripts()}
    if counts["kana"] and counts["han"]:
        counts["kana"] += counts.pop("han")
    best = max(counts, key=lambda name: counts[name])
    if counts[best]:
        return best
    return "other" if any(ch.isalpha() for ch in text) else None


def _classify(
    text: str, expected: Set[str] = frozenset(), unclear: list[int] | None = None
) -> tuple[str, float]:
    """Language and confidence from a sample of ``text``, a longer one if the first is unclear.

    An unclear answer that is one of the ``expected`` languages (those already confirmed in the
    same document, or that the model was sure of in another paragraph in the same script) is
    kept: the longer sample costs four times as much and would mostly agree.
    ``unclear`` counts, for one document, the longer samples that were still unclear; from
    :data:`UNCLEAR_RETRIES` on, no longer sample is tried (see the module docstring).
    """
    identifier = _get_identifier()
    sample = _sample(text)
    lang, confidence = identifier.classify(sample)
    retry = unclear is None or unclear[0] < UNCLEAR_RETRIES
    if confidence < SURE and len(sample) < len(text) and lang not in expected and retry:
        lang, confidence = identifier.classify(_sample(text, RETRY_CHARS))
        if unclear is not None and confidence < SURE:
            unclear[0] += 1
    return str(lang), float(confidence)


def _prefer(text: str, candidates: set[str]) -> str:
    """Whichever of ``candidates`` the model ranks higher for ``text``."""
    for lang, _ in _get_identifier().rank(_sample(text)):
        if lang in candidates:
            return str(lang)
    return min(candidates)


def paragraph_languages(texts: Sequence[str], words: Sequence[int] | None = None) -> list[str | None]:
    """The language of each paragraph of one document, using the document as context.

    See the module docstring for the rules for short and weakly classified paragraphs.
    """
    if words is None:
        words = paragraph_words(texts)
    n = len(texts)
    langs: list[str | None] = [None] * n
    scripts: list[str | None] = [None] * n
    confidence = [0.0] * n
    long = [False] * n
    weak = [False] * n
    confirmed: set[str] = set()  # languages the model and the profile agreed on in this document
    unclear = [0]  # longer samples the model was still unsure of, in this document
    unsure: dict[str | None, Counter[str]] = {}  # per script: the model's unsure answers
    sure: dict[str | None, set[str]] = {}  # per script: the languages the model was sure of
    for i, text in enumerate(texts):
        if not words[i]:
            continue
        clean = strip_urls(text)
        sample = _sample(clean)
        script = scripts[i] = script_of(sample)
        if script in _SCRIPT_LANGUAGE:
            langs[i], confidence[i], long[i] = _SCRIPT_LANGUAGE[script], 1.0, True
        elif words[i] >= SHORT_WORDS:
            long[i] = True
            profile = _profile(sample)
            if profile in confirmed:
                langs[i], confidence[i] = profile, 1.0
                continue
            guesses = unsure.get(script)
            if (
                profile is None
                and guesses is not None
                and _cannot_tell(guesses, sure.get(script, set()))
                and _one_script(sample, script)
            ):
                # The model cannot tell this script's text (see UNSURE_PARAGRAPHS).
                langs[i], weak[i] = guesses.most_common(1)[0][0], True
                continue
            expected = confirmed | sure[script] if script in sure else confirmed
            langs[i], confidence[i] = _classify(clean, expected, unclear)
            if confidence[i] >= SURE:
                sure.setdefault(script, set()).add(langs[i])  # type: ignore[arg-type]
            else:
                unsure.setdefault(script, Counter())[langs[i]] += 1  # type: ignore[index]
            if profile == langs[i] and confidence[i] >= SURE:
                confirmed.add(profile)
            # Not sure, and no function words to back the model: a list of names, say.
            weak[i] = confidence[i] < SURE and profile != langs[i]

    # Weakly classified long paragraphs follow their confident long neighbours.
    confident = [i for i in range(n) if long[i] and not weak[i]]
    for i in range(n):
        if weak[i]:
            around = {
                langs[j] for j in _neighbours(confident, i) if j is not None and scripts[j] == scripts[i]
            }
            if len(around) == 1:
                langs[i] = around.pop()

    by_script: dict[str | None, list[int]] = {}
    main_by_script: dict[str | None, Counter[str]] = {}
    for i in range(n):
        if long[i]:
            by_script.setdefault(scripts[i], []).append(i)
            main_by_script.setdefault(scripts[i], Counter())[langs[i] or ""] += words[i]
    for i in range(n):
        if long[i] or not words[i]:
            continue
        script = scripts[i]
        if script in _SCRIPT_DEFAULT:
            counts = main_by_script.get(script)
            langs[i] = counts.most_common(1)[0][0] if counts else _SCRIPT_DEFAULT[script]
            continue
        before, after = _neighbours(by_script.get(script, []), i)
        candidates = {langs[j] for j in (before, after) if j is not None}
        if len(candidates) == 2:
            langs[i] = _prefer(texts[i], candidates)  # type: ignore[arg-type]
        elif candidates:
            langs[i] = candidates.pop()
        elif words[i] >= MIN_WORDS:
            langs[i] = _classify(texts[i])[0]
    return langs
