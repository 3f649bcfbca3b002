"""Every default in one place, each with the reason for its value.

A ``Settings`` is passed explicitly to the stages that need it; the CLI builds one from flags
and ``VARIORUM_*`` environment variables (see :func:`from_env`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

#: Default path of the SQLite index, relative to the working directory.
DEFAULT_DB = "variorum.db"

#: Format version of fingerprints. Bump when tokenization, hashing or winnowing changes, since an
#: index built with another version cannot be queried consistently.
FINGERPRINT_VERSION = 1


@dataclass(frozen=True)
class Settings:
    # Shortest shared passage reported, in words. 20 words is about one sentence of official
    # prose: shorter overlaps are mostly stock phrases.
    min_words: int = 20
    # Word n-gram length of a fingerprint. 5 words are rare enough to be nearly unique outside
    # boilerplate while a single noisy word spoils only 5 of them.
    ngram: int = 5
    # Winnowing window (in n-grams). Any shared run of ngram + window - 1 = 9 clean words is
    # guaranteed to share a fingerprint; a 20-word passage needs only one such run.
    window: int = 5
    # Seeds on the same or a nearby diagonal are chained across gaps up to this many words, so
    # a substituted word, a dropped clause or a split word does not cut a passage in two.
    max_gap: int = 12
    # A fingerprint found in more documents than this is treated as a stock phrase and not used
    # to propose candidate pairs (it is still used inside alignment).
    max_df: int = 200
    # Two documents are aligned only when they share at least this many distinct fingerprints.
    # One shared 5-gram is often chance (stock phrases recur across unrelated texts, and such
    # pairs grow with the square of the corpus); two are guaranteed by any shared run of
    # ngram + 2 * window - 1 = 14 clean words, or two runs of 9, well inside `min_words`.
    min_shared: int = 2
    # A short passage whose text recurs in at least this many families is boilerplate
    # (letterheads, "I have the honour to ...", sign-offs).
    boilerplate_families: int = 3
    # Passages longer than this are never boilerplate: long shared text is a republished text.
    boilerplate_max_words: int = 80
    # Two documents are versions of one text (same family) when the passages they share cover
    # at least `family_min_containment` of the smaller one's body and `family_min_mutual` of the
    # larger one's: the first admits abridged versions, the second keeps out a document that
    # merely quotes a paragraph.
    family_min_containment: float = 0.5
    family_min_mutual: float = 0.2
    # Ignore reuse between documents of the same `series` (e.g. issues of one newspaper).
    ignore_series: bool = False
    # Documents per SQLite transaction while adding; a crash loses at most one batch.
    batch_size: int = 500
    # Processes that tokenize and segment documents while the main process aligns and writes
    # the previous batch. 1 does everything in one process (small adds always do).
    workers: int = max(1, min(2, os.cpu_count() or 1))


def from_env(base: Settings | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Override defaults from ``VARIORUM_MIN_WORDS`` and friends (one per field)."""
    base = base or Settings()
    env = os.environ if environ is None else environ
    changes: dict[str, object] = {}
    for f in fields(Settings):
        raw = env.get(f"VARIORUM_{f.name.upper()}")
        if raw is None:
            continue
        default = getattr(base, f.name)
        if isinstance(default, bool):
            changes[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        else:
            changes[f.name] = type(default)(raw)
    return replace(base, **changes)
