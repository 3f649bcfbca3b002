"""Near-duplicate removal for JSON Lines corpora larger than memory (``variorum dedup``).

:func:`dedup` is the whole of it; :func:`find_duplicates` is its decision without the output
(the groups of near-duplicates), and :func:`similarity` is the measure it applies to a pair, for
checking a decision by hand. See :mod:`variorum.dedup.stream` for what is kept, removed and
passed through, and :mod:`variorum.dedup.signature` for how candidates are found.
"""

from __future__ import annotations

from variorum.dedup.records import RECORD_BYTES
from variorum.dedup.stream import (
    KEEP,
    MEASURES,
    REMOVED_SUFFIX,
    DedupReport,
    Duplicates,
    dedup,
    find_duplicates,
    removed_path_for,
    similarity,
)

__all__ = [
    "KEEP",
    "MEASURES",
    "RECORD_BYTES",
    "REMOVED_SUFFIX",
    "DedupReport",
    "Duplicates",
    "dedup",
    "find_duplicates",
    "removed_path_for",
    "similarity",
]
