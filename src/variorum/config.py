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

#: Matches of a query whose changes (figures, dates, names, wording) are worked out, earliest
#: first. Each is a collation of the query with that match: 20-300 ms for the one-page seeds on
#: this project's 2-core machine, so ten keep an interactive query within a few seconds; the
#: other matches are listed without changes (``null`` in JSON).
QUERY_CHANGES = 10
#: Bootstrap replicates behind a stemma edge's confidence on the static report's family pages
#: (``collate`` and ``analyze`` keep the full :data:`variorum.collate.stemma.BOOTSTRAP`). The
#: bootstrap was over half of a report's time (990 families of 2-6 versions in a 20,000-document
#: index); 20 replicates give a confidence to within 0.11 (one binomial standard error at worst),
#: enough to tell a firm edge from a doubtful one, and the page says how many were drawn.
REPORT_STEMMA_REPLICATES = 20
#: Word counts (one per word and batch) an ``add`` keeps in ``vocabulary_batches`` before folding
#: them into ``vocabulary`` (:meth:`variorum.store.index.Index.add_word_counts`). On 3,000
#: generated documents of invented vocabulary the six batches hold 315,000 counts of 44,000
#: distinct words, so one fold at the end upserts 44,000 rows where six batch upserts wrote
#: 158,000. A million counts (some 6,000 such documents, 17 MB of rows) bound what every read of
#: the vocabulary adds up and what a fold holds in memory.
VOCABULARY_FOLD_WORDS = 1_000_000


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
    # A short passage whose text recurs in at least this many groups of documents is
    # boilerplate (letterheads, "I have the honour to ...", sign-offs, manual-page footers); a
    # group is the versions of one text, so text every version repeats counts once.
    boilerplate_families: int = 3
    # Passages longer than this are never boilerplate: long shared text is a republished text.
    # The footer of every GNU manual page (help, bug reports, licence notice) aligns as one
    # passage of 89 to 94 words, the BSD warranty disclaimer as one of 104 words, the
    # Ukrainian translation of the manual-page footer as one of 156.
    boilerplate_max_words: int = 160
    # ... unless it recurs in at least `formula_min_documents` documents, is under half of the
    # body of at least half of them, and most pairs of them share nothing else: then it is a
    # formula at any length (the Polish manual-page footer is 166 to 191 words, on 30 pages),
    # between two documents sharing less than `formula_other_share` of the smaller body outside
    # it. An excerpt of a chapter that two editions of the chapter hold recurs in three
    # documents, and is no formula; a paragraph the generated benchmark corpora plant in five to
    # seven unrelated documents is reuse to be found, not a formula (at 5, 7 of 3,710 were
    # flagged). Pairs are compared among at most `formula_sample` documents of one stretch.
    formula_min_documents: int = 8
    formula_other_share: float = 0.2
    formula_sample: int = 12
    # Relations (see `group/relations.py`; every threshold below was set on the real
    # development corpus in tests/realdata, see docs/relations.md).
    # In-order runs (a longest common subsequence's blocks) count from this many tokens: shorter
    # blocks are mostly function-word chance between texts on one topic.
    run_min_words: int = 6
    # `copy`: passages cover at least this share of both bodies at this word-weighted identity.
    # On the real corpus, copies (extraction noise, OCR noise, a renamed page) align at 0.976 or
    # more, and revisions (holder names, a clause, a digest size changed) at 0.973 or less.
    copy_min_coverage: float = 0.9
    copy_min_identity: float = 0.975
    # ... or one shared block (at most `copy_max_inner_gap` of either body unshared between its
    # first and last word) covering at least `copy_block_min_coverage` of both: the Expat licence
    # under each package's own notice covers 72 % to 100 % of the bodies (the lists of files
    # and holders above it are wrapper, see text/roles.py).
    copy_max_inner_gap: float = 0.05
    copy_block_min_coverage: float = 0.5
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
    revision_min_small: float = 0.3
    revision_min_large: float = 0.3
    # ... and, below `revision_low_share` of the smaller body, at least
    # `revision_low_share_min_words` shared words: two shadow manual pages share two option
    # paragraphs (67 words, 36 % of the shorter page); the parallel chapters 1 Chronicles 17 and
    # 2 Samuel 7 share 33 % of the shorter one in 287 words.
    revision_low_share: float = 0.4
    revision_low_share_min_words: int = 200
    revision_min_order: float = 0.6
    # ... unless passages cover at least this share of both bodies: a version whose paragraphs
    # were moved around is still one text (generated versions with three paragraphs moved keep
    # 0.52 of their passage words in order and 54 % to 77 % of both bodies).
    revision_moved_min_share: float = 0.5
    # ... or at least this many words shared in order and half of `revision_min_large`: a short
    # edition of a licence or standard inside a much longer successor, which a news article
    # quoting a few paragraphs does not reach.
    revision_min_shared_words: int = 500
    # Two versions of one text that share at least this share of both bodies share more than
    # formulas, even when the text is short and made of formulas (two editions of the BSD
    # licence share 78 % to 100 % of their bodies; the manual pages of ln and mv, all stock
    # option help and footer, 44 % and 60 %).
    republished_min_share: float = 0.55
    # Shared text that ends two bodies which each open with at least `edge_min_own` of their own
    # (at most `edge_max_gap` after it), openings with less than `edge_heads_alike` of the
    # shorter one's distinct words in common, is a footer common to two different texts, not a
    # version of either, unless it covers at least `edge_version_min_coverage` of both. Manual
    # pages of different commands end with the same footer (the Ukrainian one is 55 % to 70 %
    # of a short page) after 25 % to 66 % of their own; the ISC licence ends with the
    # disclaimer of the CWI notice after a reworded grant, and the licence clauses that end two
    # copyright files are all of both bodies.
    edge_min_own: float = 0.25
    edge_max_gap: float = 0.05
    edge_heads_alike: float = 0.5
    edge_version_min_coverage: float = 0.75
    # Families: a version link joins two groups only when at least this share of the document
    # pairs across them share text (average linkage); one stray link between two chains of
    # versions, or a compilation containing two texts, does not merge them.
    family_min_linkage: float = 0.5
    # Find translations among documents in different languages (variorum.crosslang) when
    # relations are refreshed; False leaves them out (and their cost, see benchmarks/crosslang.py).
    translations: bool = True
    # Ignore reuse between documents of the same `series` (e.g. issues of one newspaper).
    ignore_series: bool = False
    # Documents per SQLite transaction while adding; a crash loses at most one batch. With the
    # workers, a batch is also what each worker takes in one piece (workers.CHUNKS_PER_WORKER):
    # 1,000 rather than 500 cut the CPU of adding 20,000 generated documents by 3-7 % (English,
    # invented words, four scripts; benchmarks/run.py) and changed nothing on 1,000 manual pages.
    batch_size: int = 1000
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


# -- limits on one input ----------------------------------------------------------------------
# Every input is untrusted: a small file may expand to gigabytes (a zip bomb in a DOCX, a flate
# bomb in a PDF) and one huge text makes every later stage huge. These limits are checked before
# or while a file is expanded, and a file over one is skipped with a reason naming the limit.

#: Largest input file read, in bytes (JSON Lines files are read line by line and have no limit of
#: their own, only each record's). The longest official documents we read (a 900-page UN report as
#: PDF, a 1,200-page DOCX budget) are under 30 MiB.
MAX_FILE_BYTES = 64 * 2**20
#: Longest text of one document, in characters (after extraction). Preparing one document costs
#: about 55 bytes of memory per character at its peak, above the process's ~150 MB (tokens with
#: their offsets, segments, fingerprints as Python objects): an 8,000,000-character text peaked at
#: 576 MB and took 67 s (``benchmarks/bombs.py``). 4 Mi characters (a 1,500-page book; the longest
#: UN report we read has 2.1 million) bound one document near 380 MB. Longer texts are refused,
#: not truncated: a silently cut document would hide passages; split such a file into parts.
MAX_DOCUMENT_CHARS = 4 * 2**20
#: Largest HTML file read. Parsing and main-text extraction hold the tree, about 20 bytes per byte
#: of markup; the largest single pages we know (the HTML standard on one page) are 13 MiB.
MAX_HTML_BYTES = 16 * 2**20
#: Largest expanded size of the XML parts of a DOCX (``word/document.xml`` and friends), as stated
#: in the zip directory; zipfile never expands a member beyond its stated size (it fails the CRC
#: instead), so the stated size is a bound on what is parsed. A 1,200-page DOCX has 15 MiB of XML.
MAX_DOCX_XML_BYTES = 48 * 2**20
#: Largest expansion ratio of one zip member over 1 MiB. Word's XML compresses 5-15 times; a zip
#: bomb compresses a thousand times.
MAX_ZIP_RATIO = 200
#: Largest expanded size of the compressed (Flate) streams of a PDF other than images, which text
#: extraction never decodes: page contents, fonts, object streams. A 900-page report expands to
#: under 100 MiB; 512 MiB of spaces compressed into a 500 KB PDF took PDFium to 1.1 GB of memory.
MAX_PDF_EXPANDED = 256 * 2**20
#: Most pages of a PDF read. The largest PDFs in the evaluation data have under 1,000 pages.
MAX_PDF_PAGES = 20_000
#: Deepest element nesting of an HTML page. Real pages nest under 60 deep (news sites with
#: wrappers in wrappers under 40). libxml2, under lxml and trafilatura, stops at 256 levels and
#: silently drops everything deeper, so a page past this limit is refused with that reason rather
#: than read without its text.
MAX_HTML_DEPTH = 250


@dataclass(frozen=True)
class CrossLangSettings:
    """Thresholds of translation detection (:mod:`variorum.crosslang`), set on the manual pages
    of Debian's manpages-l10n beside the English ones (tests/crosslang/)."""

    # Hard anchors (figures, dates, identifiers, URLs) held by more documents than this propose
    # no candidate pair: years and small numbers recur everywhere.
    max_df: int = 100
    # A candidate pair shares at least this many distinct rare hard anchors.
    min_shared_keys: int = 3
    # Candidates compared per new document, most shared anchors first.
    max_candidates: int = 20
    # An anchor repeated more than this many times on both sides is left out of the ordered match.
    max_repeats: int = 20
    # Transliterated names match when their rapidfuzz ratio reaches this (Azerbaijan/Azerbaydzhan: 82).
    name_similarity: float = 80.0
    # A document with at least this many hard anchors is anchor-rich.
    rich_anchors: int = 5
    # Anchor-rich pairs: hard anchors matched in order, and their share of each side's hard
    # anchors, weighted by rarity. On the manual pages, 0.4 on both sides keeps every pair of
    # related commands (head/tail, cp/mv, chmod/chown) apart while accepting translations that
    # add a translators' section or leave out a few options; a translation of an older, much
    # shorter version of a page (manpages-ja's groupadd) stays below it.
    min_anchors_in_order: int = 5
    min_mutual_coverage: float = 0.4
    min_containment: float = 0.4
    # Or: between the first and last matched anchor of each side, at least this share matched,
    # and at least `min_framed_mutual` of each whole side. The manual pages' translations end
    # with a translators' section full of e-mail addresses (rare anchors): 16 more of their
    # pairs are found this way, with no new false link.
    min_framed_coverage: float = 0.7
    min_framed_mutual: float = 0.25
    # Anchor-poor pairs: anchors (names included) matched in order and their least coverage.
    poor_min_anchors: int = 3
    poor_min_coverage: float = 0.9
    # Paragraph alignment: a pair of paragraphs is matched when its similarity (shared anchors,
    # then length ratio) exceeds this; set on the manual pages, where a translators' section and
    # options missing from an older translation must stay unmatched.
    paragraph_match_floor: float = 0.3
    # Paragraphs compared around the diagonal on each side (at least; 20 % of the longer side).
    paragraph_band: int = 30
