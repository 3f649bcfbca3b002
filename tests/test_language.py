"""Language identification of texts and paragraphs (``variorum.text.language``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from variorum.model import Segment
from variorum.prepare import preprocess
from variorum.text.language import (
    LANGUAGES,
    detect_language,
    document_languages,
    paragraph_languages,
    paragraph_words,
    script_of,
)
from variorum.text.segment import segment_counted

SAMPLES = {
    "en": "The Ministry of Foreign Affairs issued a statement on the anniversary of the occupation.",
    "es": "El Ministerio de Relaciones Exteriores emitió una declaración con motivo del aniversario.",
    "fr": "Le ministère des Affaires étrangères a publié une déclaration à l'occasion de l'anniversaire.",
    "de": "Das Außenministerium hat anlässlich des Jahrestages der Besetzung eine Erklärung abgegeben.",
    "ru": "Министерство иностранных дел опубликовало заявление в связи с годовщиной оккупации района.",
    "tr": "Dışişleri Bakanlığı, bölgenin işgalinin yıldönümü münasebetiyle bir açıklama yaptı.",
    "ar": "أصدرت وزارة الخارجية بيانا بمناسبة ذكرى احتلال المنطقة ودعت إلى انسحاب القوات.",
    "zh": "外交部就该地区被占领周年发表声明，呼吁占领军立即撤出。",
    "ja": "外務省は地域の占領から一周年にあたり声明を発表しました。",
    "ko": "외교부는 지역 점령 기념일을 맞아 성명을 발표했습니다.",
}


@pytest.mark.parametrize(("expected", "text"), sorted(SAMPLES.items()))
def test_detects_the_language_of_a_sentence(expected: str, text: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "Hello there", "03.04.2020", "---", "https://news.az/a/1"])
def test_too_few_words_have_no_language(text: str) -> None:
    assert detect_language(text) is None


def test_short_text_in_a_shared_script_gets_the_script_default() -> None:
    assert detect_language("Сорок первая сессия") == "ru"
    assert detect_language("بيان وزارة الخارجية") == "ar"


def test_results_are_deterministic_and_in_the_restricted_set() -> None:
    texts = [
        *SAMPLES.values(),
        "Agdam, Jabrayil, Gubadly, Fizuli and Zangilan regions",
        "Tema 4 de la agenda",
    ]
    first = [detect_language(t) for t in texts]
    assert first == [detect_language(t) for t in texts]
    assert all(lang in LANGUAGES for lang in first)


def test_script_of() -> None:
    assert script_of("Kalbajar district") == "latin"
    assert script_of("Кельбаджарский район") == "cyrillic"
    assert script_of("外務省は声明") == "kana"  # Han with Kana counts as Japanese writing
    assert script_of("12.04 — ---") is None


def test_short_paragraphs_take_the_language_of_their_neighbours() -> None:
    texts = [
        "Consejo de Derechos Humanos",
        SAMPLES["es"],
        "Tema 4 de la agenda",
        SAMPLES["en"],
        "The statement reads:",
        SAMPLES["en"],
        "03.04.2020",
        "Сорок первая сессия",
    ]
    assert paragraph_languages(texts) == ["es", "es", "es", "en", "en", "en", None, "ru"]


def test_short_cyrillic_paragraph_takes_the_main_cyrillic_language() -> None:
    ukrainian = "Міністерство закордонних справ оприлюднило заяву з нагоди річниці окупації району."
    assert paragraph_languages([ukrainian, "Сорок перша сесія"]) == ["uk", "uk"]


def test_weakly_classified_paragraph_follows_its_neighbours() -> None:
    names = "Agdam, Jabrayil, Gubadly, Fizuli, Zangilan, Lachin, Kalbajar and Shusha"
    langs = paragraph_languages([SAMPLES["en"], names, SAMPLES["en"]])
    assert langs == ["en", "en", "en"]


def test_a_paragraph_in_another_language_is_not_absorbed() -> None:
    english = [SAMPLES["en"]] * 3
    langs = paragraph_languages([*english, SAMPLES["es"], *english, SAMPLES["fr"]])
    assert langs == ["en", "en", "en", "es", "en", "en", "en", "fr"]


def test_document_languages_orders_by_words() -> None:
    text = "uno dos tres cuatro\n\none two\n\nthree four five six seven\n\n2020"
    segments = [
        Segment(0, 19, "es", "wrapper"),
        Segment(21, 28, "en", "body"),
        Segment(30, 55, "en", "body"),
        Segment(57, 61, None, "wrapper"),
    ]
    assert document_languages(segments, text) == ["en", "es"]
    assert document_languages(segments) == ["en", "es"]
    assert document_languages([]) == []
    words = paragraph_words(text[s.start : s.end] for s in segments)
    assert words == [4, 2, 5, 0]
    assert document_languages(segments, words=words) == ["en", "es"]


def test_preprocess_weighs_languages_by_the_words_segmenting_counted() -> None:
    """Word counts made while segmenting give the languages counting them again gives."""
    text = "\n\n".join([SAMPLES["es"], *[SAMPLES["en"]] * 2, SAMPLES["fr"], "2020"])
    segments, words = segment_counted(text)
    assert document_languages(segments, words=words) == document_languages(segments, text)
    assert preprocess(text)[2] == tuple(document_languages(segments, text))


def test_longer_samples_stop_once_the_model_stays_unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    # Paragraphs of invented words: no function-word profile and no language the model knows,
    # so each short sample is unsure. After UNCLEAR_RETRIES longer samples that are still
    # unsure, the document's later paragraphs are not sampled again at the longer length.
    from variorum.text import language

    paragraphs = _invented_paragraphs(3, 12)
    calls = _count_model_calls(monkeypatch)
    langs = paragraph_languages(paragraphs)
    assert all(lang in LANGUAGES for lang in langs)
    longer = [(i, c) for i, (n, c) in enumerate(calls) if n > language.SAMPLE_CHARS]
    unsure = [i for i, c in longer if c < language.SURE]
    assert len(unsure) <= language.UNCLEAR_RETRIES
    if len(unsure) == language.UNCLEAR_RETRIES:  # no longer sample after the last unsure one
        assert all(i <= unsure[-1] for i, _ in longer)
    assert len(calls) < 2 * len(paragraphs)


def _invented_paragraphs(seed: int, n: int) -> list[str]:
    """Paragraphs of invented syllable words: text in no language the model knows."""
    import random

    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))

    return [" ".join(word() for _ in range(90)) for _ in range(n)]


def _count_model_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, float]]:
    from variorum.text import language

    identifier = language._get_identifier()
    calls: list[tuple[int, float]] = []

    class Counting:
        def classify(self, text: str) -> tuple[str, float]:
            lang, confidence = identifier.classify(text)
            calls.append((len(text), confidence))
            return lang, confidence

        def rank(self, text: str) -> list[tuple[str, float]]:
            return identifier.rank(text)

    monkeypatch.setattr(language, "_identifier", Counting())
    return calls


def test_a_script_the_model_cannot_tell_is_not_asked_about_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from variorum.text import language

    for seed in (3, 4, 5):
        calls = _count_model_calls(monkeypatch)
        langs = paragraph_languages(_invented_paragraphs(seed, 12))
        assert all(lang in LANGUAGES for lang in langs)
        if all(confidence < language.SURE for _, confidence in calls):
            # Three unsure paragraphs (each with at most one longer sample), then no call.
            assert len(calls) <= language.UNSURE_PARAGRAPHS + language.UNCLEAR_RETRIES
            assert len(set(langs[language.UNSURE_PARAGRAPHS :])) == 1
        assert len(calls) < len(langs)


def test_a_paragraph_in_a_known_language_is_still_asked_about_after_unsure_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The shortcut takes only paragraphs without a function-word profile: English prose after
    # invented words is still English.
    calls = _count_model_calls(monkeypatch)
    english = SAMPLES["en"] + " " + SAMPLES["en"]
    langs = paragraph_languages([*_invented_paragraphs(3, 6), english, english])
    assert langs[-2:] == ["en", "en"]
    assert calls


def test_arabic_paragraphs_are_confirmed_by_their_function_words(monkeypatch: pytest.MonkeyPatch) -> None:
    arabic = (
        "أعلنت الوزارة في بيان صدر اليوم أن الاجتماع الذي عقد في العاصمة كان مثمرا وأن الطرفين اتفقا "
        "على مواصلة الحوار بين البلدين خلال الأشهر المقبلة وعلى تبادل الزيارات في هذا العام"
    )
    calls = _count_model_calls(monkeypatch)
    langs = paragraph_languages([arabic] * 8)
    assert langs == ["ar"] * 8
    assert len(calls) <= 2  # the first paragraph (and its longer sample), then the profile


class _Scripted:
    """A stand-in for the model: ``answer(text)`` gives (language, confidence) for a sample."""

    def __init__(self, answer: Callable[[str], tuple[str, float]]) -> None:
        self.answer, self.calls = answer, 0

    def classify(self, text: str) -> tuple[str, float]:
        self.calls += 1
        return self.answer(text)

    def rank(self, text: str) -> list[tuple[str, float]]:
        return [self.answer(text)]


def _unsure_short_sure_long(lang: str) -> Callable[[str], tuple[str, float]]:
    """Unsure of ``lang`` on short samples, sure of it on longer ones (the model on invented
    words, which a longer sample often makes "sure" of English)."""
    from variorum.text import language

    return lambda text: (lang, 0.95 if len(text) > language.SAMPLE_CHARS else 0.5)


def test_a_sure_answer_that_is_the_commonest_guess_does_not_keep_the_model_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from variorum.text import language

    model = _Scripted(_unsure_short_sure_long("en"))
    monkeypatch.setattr(language, "_identifier", model)
    langs = paragraph_languages(_invented_paragraphs(3, 12))
    assert langs == ["en"] * 12
    # The first paragraph is asked twice (its longer sample is sure of English), the next three
    # once each (unsure of English, which is expected now: no longer sample), then none.
    assert model.calls == 2 + language.UNSURE_PARAGRAPHS


def test_the_model_is_still_asked_after_a_sure_answer_of_another_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from variorum.text import language

    paragraphs = _invented_paragraphs(4, 12)
    first = paragraphs[0]

    def answer(text: str) -> tuple[str, float]:
        return ("fr", 0.95) if first.startswith(text) else ("en", 0.5)

    model = _Scripted(answer)
    monkeypatch.setattr(language, "_identifier", model)
    paragraph_languages(paragraphs)
    # Sure of French once, unsure of English since: the text may be French and English, so
    # every paragraph is asked about (the unsure ones with a longer sample while they last).
    assert model.calls == len(paragraphs) + language.UNCLEAR_RETRIES


def test_a_sure_answer_only_another_script_names_keeps_the_model_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Chinese is never the language of Latin letters: a "sure" Chinese answer for a Latin
    # paragraph (commands mixed with Han characters) does not make later ones Chinese.
    from variorum.text import language

    model = _Scripted(_unsure_short_sure_long("zh"))
    monkeypatch.setattr(language, "_identifier", model)
    paragraphs = _invented_paragraphs(5, 12)
    paragraph_languages(paragraphs)
    assert model.calls == len(paragraphs) + 1


def _paragraphs_of(text: str) -> list[str]:
    from variorum.text.segment import paragraph_spans

    return [text[s:e] for s, e in paragraph_spans(text)]


def test_real_documents_get_the_languages_they_got_before_a_sure_guess_ended_the_questions(
    monkeypatch: pytest.MonkeyPatch, seeds
) -> None:
    """The seeds and the manual pages of ``tests/crosslang`` (eight languages, three scripts)
    get the same languages with the shortcut as with the rule it extends (no sure answer at
    all), while the model is asked less."""
    from crosslang.build import build, skip_unless_installed

    from variorum.text import language

    skip_unless_installed()
    documents = [_paragraphs_of(path.read_text(encoding="utf-8")) for path in sorted(seeds.glob("*.txt"))]
    documents += [[doc.text[s:e] for s, e in doc.paragraphs] for doc in build().values()]

    def answers() -> tuple[list[list[str | None]], int]:
        calls = _count_model_calls(monkeypatch)
        langs = [paragraph_languages(paragraphs) for paragraphs in documents]
        monkeypatch.undo()
        return langs, len(calls)

    extended, asked = answers()
    cannot_tell = language._cannot_tell
    monkeypatch.setattr(
        language, "_cannot_tell", lambda guesses, sure: not sure and cannot_tell(guesses, sure)
    )
    before, asked_before = answers()
    assert extended == before
    assert asked < 0.9 * asked_before
