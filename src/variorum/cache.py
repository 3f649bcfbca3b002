"""Where variorum keeps files it derives from its own code and models, safe to delete.

``$VARIORUM_CACHE_DIR``, else ``$XDG_CACHE_HOME/variorum``, else ``~/.cache/variorum``. What
lives there (the language model's uncompressed copy, compiled regular expressions) is keyed by
the versions it was derived from, written atomically, and only ever read back as a shortcut: a
missing, stale or unwritable cache makes a command slower, never different.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """The folder where variorum keeps derived files that are safe to delete."""
    explicit = os.environ.get("VARIORUM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "variorum"
