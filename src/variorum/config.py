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
    # A passage of at most `boilerplate_max_words` that lies only in the body of both of its
    # documents is boilerplate only when its text recurs in at least this many families: a
    # paragraph that three news sites quote from one statement is that statement, while a
    # letterhead or an "I have the honour to ..." formula sits in a cover note (wrapper).
    boilerplate_body_families: int = 6
    # Relations (see `group/relations.py`; every threshold below was set on the real
    # development corpus in tests/realdata, see docs/relations.md).
    # In-order runs (a longest common subsequence's blocks) count from this many tokens: shorter
    # blocks are mostly function-word chance between texts on one topic.
    run_min_words: int = 6
    # `copy`: passages cover at least this share of both bodies at this word-weighted identity.
    copy_min_coverage: float = 0.9
    copy_min_identity: float = 0.9
    # `excerpt`: passages cover at least this share of the smaller body (a CJK excerpt of an
    # essay is 85 % inside one passage; the rest is a title and a source line).
    excerpt_min_coverage: float = 0.8
    # ... and covers at most this share of the larger one: a version that keeps more of the other
    # than this, with its own cuts and edits, is a revision (the 2020 re-issue of the seeds'
    # statement keeps 75 % of the 2019 one).
    excerpt_max_share: float = 0.6
    # `revision`: the same text edited. Shared text (passages or in-order runs) covers at least
    # `revision_min_small` of the smaller body and `revision_min_large` of the larger one, with
    # at least `revision_min_order` of the passage words in the same order on both sides. A
    # news article quoting three paragraphs of a long statement covers too little of it.
    revision_min_small: float = 0.4
    revision_min_large: float = 0.25
    revision_min_order: float = 0.6
    # Families: a version link joins two groups only when at least this share of the document
    # pairs across them share text (average linkage); one stray link between two chains of
    # versions, or a compilation containing two texts, does not merge them.
    family_min_linkage: float = 0.5
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
