"""Loading py3langid's model fast: a restricted, uncompressed copy kept in the user cache.

py3langid ships its model as an LZMA-compressed ``.npz`` (4.5 MB). Decompressing it takes
0.7-1.9 s on this project's machine, which is most of the time a command like ``variorum compare``
spends on two one-page documents. So the first process that needs the model decompresses it,
keeps only the languages of :data:`variorum.text.language.LANGUAGES` (a third of the class
columns), and writes the arrays as plain ``.npy`` files under the user cache directory; every later
process reads those in a few tens of milliseconds. The copy keeps the class table in float32 (the
same values as py3langid's float16, without a conversion at every call) and two small tables
derived from the automaton, with which :mod:`variorum.text.langid_features` counts features in
numpy (deriving and checking them adds ~0.3 s of CPU to the first start). The copy is keyed by the
model file's path, size and modification time and the language set, so an upgrade or another language
set makes a new copy instead of reading a stale one.

The cache folder is ``$VARIORUM_CACHE_DIR``, else ``$XDG_CACHE_HOME/variorum``, else
``~/.cache/variorum``. When it cannot be written (a read-only home, say) the model is read from
the compressed file every time, as before: slower, never wrong.

Each copy is about 50 MB, and every environment (a virtualenv, an upgrade of py3langid) makes its
own, so the folder is pruned whenever a new copy is written (:func:`prune`): copies of model files
that are gone or changed go at once, and of the rest only the :data:`KEEP_COPIES` most recently used
stay. Pruning never costs a start that finds its copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xxhash

from variorum.cache import cache_dir

#: Bump when the layout of the cached files changes. 2: ``ptc`` in float32 (py3langid's float16
#: table cost a conversion at every classification, ~30 us for a 120-character sample), and the
#: tables of :mod:`variorum.text.langid_features`; 3: those tables for its six-byte windows.
CACHE_FORMAT = 3
_ARRAYS = ("ptc", "pc", "nextmove", "nextmove_row", "out_feat")
#: Derived from the automaton by :func:`variorum.text.langid_features.derive_tables`.
_TABLES = ("two", "dead")
#: Copies kept by :func:`prune`: one per environment in use (a few virtualenvs, a CI cache) is
#: plenty, and 8 copies is 0.4 GB; a pruned environment rebuilds its copy once, in about a second.
KEEP_COPIES = 8
#: A temporary folder older than this was left by a process that died while writing it.
_ABANDONED_SECONDS = 3600.0
#: Written into each copy: which model file it was made from, so that :func:`prune` can tell a
#: copy whose environment is gone.
_SOURCE = "source.json"


#: Where py3langid 0.4.0 keeps its model, under its package folder (``MODEL_FILE``).
_MODEL_IN_PACKAGE = "data/model.npz.xz"


def _model_file() -> Path:
    """py3langid's model file, found without importing py3langid: its module loads ``logging``
    and the compressed model's reader (~7 ms), which a start that finds the cached copy never
    needs. A py3langid that keeps its model elsewhere is asked where."""
    from importlib.util import find_spec

    spec = find_spec("py3langid")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / _MODEL_IN_PACKAGE
        if path.is_file():
            return path
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    path = Path(MODEL_FILE)
    return path if path.is_absolute() else Path(MODEL_DIR) / path


def _key(model: Path, languages: Sequence[str]) -> str:
    # The model file's path, size and time stand for py3langid's version: an upgrade rewrites the
    # file. (Asking importlib.metadata for the version parses e-mail headers: ~10 ms per start.)
    stat = model.stat()
    parts = [str(CACHE_FORMAT), str(model), str(stat.st_size), str(stat.st_mtime_ns), *languages]
    return xxhash.xxh3_64_hexdigest("\0".join(parts).encode())


def copy_folder(model: Path, languages: Sequence[str]) -> Path:
    """Where the cached copy of ``model`` restricted to ``languages`` is (or is to be) kept.

    Found without numpy (this module imports it where it reads or writes arrays), so that
    :mod:`variorum.text.langid_bounds` can read a copy in a process that has not imported it."""
    return cache_dir() / "langid" / _key(model, languages)


def _build(model: Path, languages: Sequence[str]) -> dict[str, Any]:
    """The restricted model's arrays, read from py3langid's compressed file, and the tables
    derived from its automaton (none when the automaton is not the kind they assume)."""
    import numpy as np
    from py3langid.modelio import load_model

    from variorum.text.langid_features import derive_tables

    ptc, pc, classes, nextmove, row, output = load_model(model)
    keep = [i for i, label in enumerate(classes) if label in set(languages)]
    arrays: dict[str, Any] = {
        # float16 -> float32 is exact: the scores are those of the shipped table.
        "ptc": np.ascontiguousarray(np.asarray(ptc)[:, keep], dtype=np.float32),
        "pc": np.asarray(pc)[keep],
        "classes": [classes[i] for i in keep],
        "nextmove": np.frombuffer(nextmove, dtype=np.dtype(nextmove.typecode)),
        "nextmove_row": np.frombuffer(row, dtype=np.dtype(row.typecode)),
        "out_feat": np.asarray(output, dtype=np.int32),
    }
    try:
        tables = derive_tables(arrays["nextmove"], arrays["nextmove_row"])
    except ValueError:
        tables = {}  # py3langid's own walk counts the features
    arrays.update(tables)
    return arrays


def _source(model: Path) -> dict[str, Any]:
    stat = model.stat()
    return {"model": str(model), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _write(folder: Path, arrays: dict[str, Any], source: dict[str, Any] | None = None) -> None:
    """Write the arrays into ``folder`` atomically (a reader sees all of them or none)."""
    import shutil
    import tempfile

    import numpy as np

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".langid-", dir=folder.parent))
    try:
        for name in (*_ARRAYS, *_TABLES):
            if name in arrays:
                np.save(tmp / f"{name}.npy", arrays[name], allow_pickle=False)
        if source is not None:
            (tmp / _SOURCE).write_text(json.dumps(source), encoding="utf-8")
        (tmp / "classes.json").write_text(json.dumps(arrays["classes"]), encoding="utf-8")
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (folder / "classes.json").exists():
            raise


def _orphaned(copy: Path) -> bool:
    """Whether ``copy`` was made from a model file that is gone or has changed since (its
    environment was removed or upgraded). A copy that does not say is judged by its age alone."""
    try:
        source = json.loads((copy / _SOURCE).read_text(encoding="utf-8"))
        model = Path(source["model"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    try:
        stat = model.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) != (source.get("size"), source.get("mtime_ns"))


def prune(root: Path, keep: Path, *, now: float | None = None) -> list[Path]:
    """Remove the copies under ``root`` that no environment needs; ``keep`` (the copy just
    written) always stays. Returns what was removed.

    Safe while other processes run: a copy another process has memory-mapped stays readable
    until it is unmapped, and one removed before it is read is rebuilt by that process (a missing
    file reads as a damaged copy). Young temporary folders are another process's copy being
    written, and are left alone.
    """
    import shutil

    now = time.time() if now is None else now
    removed: list[Path] = []
    copies: list[tuple[float, Path]] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        try:
            if not entry.is_dir() or entry == keep:
                continue
            used = entry.stat().st_mtime
        except OSError:
            continue
        if entry.name.startswith("."):
            if now - used > _ABANDONED_SECONDS:
                removed.append(entry)
        elif _orphaned(entry):
            removed.append(entry)
        else:
            copies.append((used, entry))
    copies.sort(reverse=True)
    removed += [entry for _, entry in copies[KEEP_COPIES - 1 :]]
    for entry in removed:
        shutil.rmtree(entry, ignore_errors=True)
    return removed


def _touch(folder: Path) -> None:
    """Mark ``folder`` as used now (what :func:`prune` keeps by); a read-only cache is fine."""
    with contextlib.suppress(OSError):
        os.utime(folder)


def _read(folder: Path) -> dict[str, Any]:
    import numpy as np

    arrays: dict[str, Any] = {
        # Memory-mapped: the identifier reads only the pages it needs.
        name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        for name in _ARRAYS
    }
    for name in _TABLES:
        if (folder / f"{name}.npy").exists():
            arrays[name] = np.load(folder / f"{name}.npy", allow_pickle=False)
    arrays["classes"] = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
    return arrays


def load_identifier(languages: Sequence[str]) -> Any:
    """A py3langid ``LanguageIdentifier`` that only answers ``languages``, with normalized
    probabilities and numpy feature counts (:class:`~variorum.text.langid_features.FastIdentifier`);
    from the cached copy when there is one (see the module docstring)."""
    import numpy as np

    from variorum.text.langid_features import FastIdentifier

    model = _model_file()
    folder = copy_folder(model, languages)
    arrays: dict[str, Any] | None = None
    damaged = False
    if (folder / "classes.json").exists():
        try:
            arrays = _read(folder)
            _touch(folder)
        except (OSError, ValueError):
            damaged = True  # rebuild it below
    if arrays is None:
        arrays = _build(model, languages)
        try:
            if damaged:  # only then: a copy another process has just written is left alone
                import shutil

                shutil.rmtree(folder, ignore_errors=True)
            _write(folder, arrays, _source(model))
            prune(folder.parent, folder)
        except OSError:
            pass  # no writable cache: read the compressed file next time too
    tables = {name: arrays[name] for name in _TABLES if name in arrays}
    return FastIdentifier(
        np.asarray(arrays["ptc"]),  # views of the memory-mapped copy, not copies
        np.asarray(arrays["pc"]),
        arrays["classes"],
        np.asarray(arrays["nextmove"]),
        np.asarray(arrays["nextmove_row"]),
        np.asarray(arrays["out_feat"]),
        tables if len(tables) == len(_TABLES) else None,
    )
