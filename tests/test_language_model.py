"""The language model's cached copy answers exactly as py3langid's own model does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

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


def test_the_model_file_is_py3langids_found_without_importing_it():
    assert language_model._model_file() == Path(MODEL_DIR) / MODEL_FILE
    code = (
        "import sys\nfrom variorum.text import language_model\n"
        "path = language_model._model_file()\n"
        "assert path.is_file() and 'py3langid.langid' not in sys.modules, path\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


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


def _fake_copy(root: Path, name: str, used: float, model: Path | None = None, size: int = 0) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "classes.json").write_text("[]")
    if model is not None:
        stat = model.stat() if model.exists() else None
        source = {
            "model": str(model),
            "size": stat.st_size + size if stat else 1,
            "mtime_ns": stat.st_mtime_ns if stat else 1,
        }
        (folder / "source.json").write_text(json.dumps(source))
    os.utime(folder, (used, used))
    return folder


def test_prune_removes_copies_whose_model_file_is_gone_or_changed(tmp_path: Path):
    model = tmp_path / "model.npz"
    model.write_bytes(b"a model")
    root = tmp_path / "langid"
    now = time.time()
    kept = _fake_copy(root, "current", now)
    same = _fake_copy(root, "same-model", now - 10, model)
    gone = _fake_copy(root, "gone", now - 10, tmp_path / "removed-venv" / "model.npz")
    upgraded = _fake_copy(root, "upgraded", now - 10, model, size=5)
    unsaid = _fake_copy(root, "written-before-records", now - 10)
    removed = language_model.prune(root, kept, now=now)
    assert sorted(removed) == sorted([gone, upgraded])
    assert {p.name for p in root.iterdir()} == {kept.name, same.name, unsaid.name}


def test_prune_keeps_the_most_recently_used_copies_and_the_new_one(tmp_path: Path):
    root = tmp_path / "langid"
    now = time.time()
    copies = [_fake_copy(root, f"copy{i:02d}", now - 100 * i) for i in range(12)]
    new = _fake_copy(root, "new", now - 10_000)  # just written: kept whatever its time says
    language_model.prune(root, new, now=now)
    left = {p.name for p in root.iterdir()}
    assert left == {new.name, *(c.name for c in copies[: language_model.KEEP_COPIES - 1])}


def test_prune_leaves_young_temporary_folders_and_removes_abandoned_ones(tmp_path: Path):
    root = tmp_path / "langid"
    now = time.time()
    young = _fake_copy(root, ".langid-writing", now - 60)
    old = _fake_copy(root, ".langid-dead", now - 2 * 3600)
    keep = _fake_copy(root, "current", now)
    assert language_model.prune(root, keep, now=now) == [old]
    assert young.exists() and keep.exists()


def test_a_new_copy_records_its_source_and_prunes_orphans(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("VARIORUM_CACHE_DIR", str(tmp_path))
    orphan = _fake_copy(tmp_path / "langid", "orphan", time.time(), tmp_path / "gone" / "model.npz")
    language_model.load_identifier(LANGUAGES)
    (folder,) = (tmp_path / "langid").iterdir()
    assert folder != orphan
    assert json.loads((folder / "source.json").read_text())["model"] == str(language_model._model_file())
