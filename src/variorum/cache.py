"""Where variorum keeps files it derives from its own code and models, safe to delete.

``$VARIORUM_CACHE_DIR``, else ``$XDG_CACHE_HOME/variorum``, else ``~/.cache/variorum``. What
lives there (the language model's uncompressed copy, compiled regular expressions, the compiled
functions of dataclasses, the stemma bootstrap's weights) is keyed by
the versions it was derived from, written atomically, and only ever read back as a shortcut: a
missing, stale or unwritable cache makes a command slower, never different.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def cache_dir() -> Path:
    """The folder where variorum keeps derived files that are safe to delete."""
    explicit = os.environ.get("VARIORUM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "variorum"


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], object], prefix: str) -> bool:
    """Write the file at ``path`` through ``write`` so that a reader sees all of it or none (a
    temporary file beside it, then a rename); False when the cache cannot be written, which only
    means the work is done again next time."""
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                write(f)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return False
    return True
