"""The stemma bootstrap's replicates: how often each chunk of variation units is drawn.

Replicate ``k`` draws ``chunks`` chunks with replacement from numpy's PCG64 generator seeded
with ``seed`` (``integers(0, chunks, chunks)``, the ``k``-th such call), and its weights are the
counts of each chunk. They depend on nothing but ``seed``, ``chunks``, ``replicates`` and
numpy's version, yet drawing them imports ``numpy.random`` (~10 ms, a twentieth of
``variorum collate --files`` on two pages). So the first process to need a set draws it and
keeps it in the user cache (:func:`variorum.cache.cache_dir`), keyed by those four; later
processes read it back (~0.2 ms). The file is written to a temporary name and renamed, so a
reader sees all of it or none; one that is missing, damaged or of another shape is drawn again.
"""

from __future__ import annotations

import os

import numpy as np
import xxhash

from variorum.cache import cache_dir, write_atomic

#: Bump when the layout of the cached files changes.
CACHE_FORMAT = 1


def draw(seed: int, chunks: int, replicates: int) -> np.ndarray:
    """The replicates' chunk counts (``replicates`` rows of ``chunks`` int64), drawn."""
    rng = np.random.default_rng(seed)  # numpy imports its random module on first use
    return np.stack(
        [np.bincount(rng.integers(0, chunks, chunks), minlength=chunks) for _ in range(replicates)]
    ).reshape(replicates, chunks)


def _path(seed: int, chunks: int, replicates: int) -> str:
    parts = (CACHE_FORMAT, np.__version__, seed, chunks, replicates)
    key = xxhash.xxh3_64_hexdigest("\0".join(map(str, parts)).encode())
    return os.path.join(cache_dir(), "bootstrap", f"{key}.npy")


def replicate_weights(seed: int, chunks: int, replicates: int) -> np.ndarray:
    """:func:`draw`'s counts, from the cache when it holds them (see the module docstring)."""
    path = _path(seed, chunks, replicates)
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
