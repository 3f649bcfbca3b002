"""The language model's answers without numpy (``variorum.text.langid_bounds``) against numpy's:
every probability numpy gives lies within the bounds, and every answer given is numpy's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variorum.text import langid_bounds, language

SAMPLES = [
    "Statement by the Spokesperson of the Ministry of Foreign Affairs",
    "Déclaration du porte-parole du ministère des Affaires étrangères sur la situation",
    "Erklärung des Sprechers des Außenministeriums zur Lage in der Region",
    "Заявление пресс-секретаря министерства иностранных дел",
    "Xarici İşlər Nazirliyinin mətbuat xidmətinin rəhbərinin açıqlaması",
    "Izjava glasnogovornika ministarstva vanjskih poslova",
    "Изјава портпарола министарства спољних послова Србије",
    "ARMENIA UNTIL NOW CONTINUES TO DISREGARD THE IMPLEMENTATION",
    "12 May 2020",
    "Baku, 4 April",
    "中华人民共和国外交部发言人",
    "Tashqi ishlar vazirligi matbuot kotibining bayonoti",
]


@pytest.fixture(scope="module")
def models():
    identifier = language._get_identifier()  # builds the cached copy where it is missing
    bounded = langid_bounds.load(language.LANGUAGES)
    assert bounded is not None
    return identifier, bounded


def check(identifier, bounded, text: str) -> None:
    data = langid_bounds.encode(text)
    assert data == identifier._encode(text)
    assert langid_bounds.visits(bounded, data) == dict(identifier.visits(data))
    bounds = langid_bounds._classify_bounds(bounded, data)
    probabilities = identifier._decide(text).tolist()
    if bounds is None:
        assert not identifier.visits(data)
        return
    for p, (low, high) in zip(probabilities, bounds, strict=True):
        assert low <= p <= high
    answer = langid_bounds.classify(bounded, text)
    lang, confidence = identifier.classify(text)
    if answer is not None:
        assert answer.language == lang and answer.low <= confidence <= answer.high
    batch = identifier.batch([text, text, text])
    if batch is not None:
        assert batch.answers[0] == (lang, confidence)


def test_the_bounds_hold_numpys_probabilities_on_samples_in_many_languages(models):
    identifier, bounded = models
    answered = 0
    for text in SAMPLES:
        check(identifier, bounded, text)
        answered += langid_bounds.classify(bounded, text) is not None
    assert answered >= len(SAMPLES) // 2  # the bounds are tight enough to answer most


def test_the_bounds_hold_numpys_probabilities_on_the_seeds(models, seeds):
    identifier, bounded = models
    for path in sorted(seeds.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            for size in (language.SAMPLE_CHARS, language.RETRY_CHARS):
                check(identifier, bounded, paragraph[:size])


@given(st.text(max_size=200) | st.lists(st.sampled_from(SAMPLES), max_size=4).map(" ".join))
@settings(max_examples=300, deadline=None)
def test_the_bounds_hold_numpys_probabilities_on_any_text(models, text):
    check(*models, text)


def test_bounded_answers_are_numpys_where_they_are_given(models):
    identifier, _ = models
    questions = [(k, ("classify", text)) for k, text in enumerate(SAMPLES)] + [(99, ("rank", SAMPLES[0]))]
    answers = language._bounded_answers(questions)
    assert answers and 99 not in answers
    for k, (lang, confidence) in answers.items():
        expected, sure = identifier.classify(SAMPLES[k])
        assert lang == expected and (confidence < language.SURE) == (sure < language.SURE)


def test_float32_scores_are_what_the_bounds_assume(models):
    """The bounds take numpy's scores as float32 (the copy's table is float32)."""
    identifier, bounded = models
    assert identifier.nb_ptc.dtype == np.float32 and len(bounded.pc) == len(identifier.nb_classes)
