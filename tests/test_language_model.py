"""The language model's cached copy answers exactly as py3langid's own model does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from variorum.text import language_model
from variorum.text.language import LANGUAGES

SAMPLES = [
    "The commission met on 4 May and agreed that the harbour works would resume.",
    "La Misión Permanente de la República de Azerbaiyán saluda atentamente a la Oficina.",
    "Совет по правам человека, сорок первая сессия, пункт 4 повестки дня.",
    "Le ministère des affaires étrangères publie une déclaration sur l'anniversaire.",
    "Azərbaycan Respublikası Xarici İşlər Nazirliyinin bəyanatı",
    "Die Kommission hat am 4. Mai beschlossen, die Arbeiten im Hafen fortzusetzen.",
    "Kalbajar Lachin Gubadli Zangilan Jabrayil Fuzuli Aghdam",
]


def reference() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([lang for lang in LANGUAGES if lang in set(identifier.nb_classes)])
    return identifier


def test_the_cached_copy_classifies_as_the_shipped_model(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    first = language_model.load_identifier(LANGUAGES)  # builds the copy
    assert list((tmp_path / "langid").iterdir())
    second = language_model.load_identifier(LANGUAGES)  # reads it
    ref = reference()
    for text in SAMPLES:
        want = ref.classify(text)
        for got in (first.classify(text), second.classify(text)):
            assert got[0] == want[0]
            assert got[1] == pytest.approx(want[1], abs=1e-6)
        assert [lang for lang, _ in second.rank(text)[:5]] == [lang for lang, _ in ref.rank(text)[:5]]


def test_an_unwritable_cache_falls_back_to_the_shipped_model(tmp_path: Path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache folder cannot be made under a file, even by root")
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(blocker / "cache"))
    identifier = language_model.load_identifier(LANGUAGES)
    assert identifier.classify(SAMPLES[0])[0] == "en"
    assert blocker.is_file()


def test_a_damaged_copy_is_rebuilt(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    language_model.load_identifier(LANGUAGES)
    (folder,) = (tmp_path / "langid").iterdir()
    (folder / "ptc.npy").write_bytes(b"not an array")
    identifier = language_model.load_identifier(LANGUAGES)
    assert identifier.classify(SAMPLES[1])[0] == "es"
    assert (folder / "ptc.npy").stat().st_size > 1000


def test_processes_starting_at_once_share_one_copy(tmp_path: Path):
    code = (
        "from variorum.text.language import LANGUAGES\n"
        "from variorum.text.language_model import load_identifier\n"
        f"print(load_identifier(LANGUAGES).classify({SAMPLES[1]!r})[0])\n"
    )
    env = {**os.environ, "VARIORUM_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    assert [run.communicate(timeout=120)[0].strip() for run in runs] == ["es"] * 3
    assert all(run.returncode == 0 for run in runs)
    (folder,) = (tmp_path / "langid").iterdir()  # one complete copy, no temporary folder left
    assert set(language_model._read(folder)["classes"]) == set(reference().nb_classes)
