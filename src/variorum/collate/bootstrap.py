"""The stemma bootstrap's replicates: how often each chunk of variation units is drawn.

Replicate ``k`` draws ``chunks`` chunks with replacement from numpy's PCG64 generator seeded
with ``seed`` (``integers(0, chunks, chunks)``, the ``k``-th such call), and its weights are the
counts of each chunk. They depend on nothing but ``seed``, ``chunks``, ``replicates`` and
numpy's version, yet drawing them imports ``numpy.random`` (~10 ms, a twentieth of
``variorum collate --files`` on two pages). So the first process to need a set draws it and
keeps it in the user cache (:func:`variorum.cache.cache_dir`), keyed by those four; later
processes read it back (~0.2 ms). The file is written to a temporary name and renamed, so a
reader sees all of it or none; one that is missing, damaged or of another shape is drawn again.

The stemma of two witnesses is built without numpy (:mod:`variorum.collate.stemma_pair`): it
reads the cached file with :func:`cached_rows` (:mod:`variorum.npy_format`), and imports numpy
only where the file has to be drawn (again).
"""

from __future__ import annotations

import os
import re
import sys
from importlib.util import find_spec
from typing import TYPE_CHECKING

import xxhash

from variorum import npy_format
from variorum.cache import cache_dir, write_atomic

if TYPE_CHECKING:
    import numpy as np

#: Bump when the layout of the cached files changes.
CACHE_FORMAT = 1


def draw(seed: int, chunks: int, replicates: int) -> np.ndarray:
    """The replicates' chunk counts (``replicates`` rows of ``chunks`` int64), drawn."""
    import numpy as np

    rng = np.random.default_rng(seed)  # numpy imports its random module on first use
    return np.stack(
        [np.bincount(rng.integers(0, chunks, chunks), minlength=chunks) for _ in range(replicates)]
    ).reshape(replicates, chunks)


def _path(seed: int, chunks: int, replicates: int, numpy_version: str) -> str:
    parts = (CACHE_FORMAT, numpy_version, seed, chunks, replicates)
    key = xxhash.xxh3_64_hexdigest("\0".join(map(str, parts)).encode())
    return os.path.join(cache_dir(), "bootstrap", f"{key}.npy")


def replicate_weights(seed: int, chunks: int, replicates: int) -> np.ndarray:
    """:func:`draw`'s counts, from the cache when it holds them (see the module docstring)."""
    import numpy as np

    path = _path(seed, chunks, replicates, np.__version__)
    try:
        cached = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        cached = None
    if (
        cached is not None
        and cached.shape == (replicates, chunks)
        and cached.dtype.kind == "u"
        and bool((cached.sum(axis=1, dtype=np.int64) == chunks).all())
    ):
        return cached.astype(np.int64)
    weights = draw(seed, chunks, replicates)
    stored = weights.astype(np.uint16 if chunks > 255 else np.uint8)
    # No writable cache: drawn again next time.
    write_atomic(path, lambda f: np.save(f, stored, allow_pickle=False), ".bootstrap-")
    return weights


#: ``version = "..."`` in numpy's ``numpy/version.py``, where ``numpy.__version__`` comes from.
_VERSION_LINE = re.compile(r"""^version\s*=\s*["']([^"']+)["']""", re.MULTILINE)


def numpy_version() -> str | None:
    """``numpy.__version__`` without importing numpy (read from its ``version.py``), or None
    when it cannot be read so."""
    if "numpy" in sys.modules:
        return str(sys.modules["numpy"].__version__)
    spec = find_spec("numpy")
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        with open(os.path.join(spec.submodule_search_locations[0], "version.py"), encoding="utf-8") as f:
            found = _VERSION_LINE.search(f.read())
    except (OSError, ValueError):
        return None
    return found.group(1) if found else None


def cached_rows(seed: int, chunks: int, replicates: int) -> list[list[int]] | None:
    """The counts :func:`replicate_weights` gives, as lists, read from the cache in pure Python,
    or None where the cache does not hold them as it writes them (the caller then draws)."""
    version = numpy_version()
    if version is None:
        return None
    found = npy_format.read(_path(seed, chunks, replicates, version))
    # What replicate_weights writes: one byte a count, or two above 255 chunks.
    if found is None or found[0] not in ("|u1", "<u2") or found[1] != (replicates, chunks):
        return None
    values = found[2].tolist()
    rows = [values[k * chunks : (k + 1) * chunks] for k in range(replicates)]
    return rows if all(sum(row) == chunks for row in rows) else None
