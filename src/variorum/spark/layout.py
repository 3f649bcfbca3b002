"""The on-disk layout of a ``spark-discover`` output folder, versioned.

Format version 3 (``_variorum.json`` says ``"format_version": 3``; version 1 had no pair
evidence columns, version 2 no ``a_head``/``b_head``/``heads_alike``)::

    OUTPUT/
      _variorum.json   manifest: format and fingerprint versions, settings, input, counts
      documents/       one row per indexed document, in input order (``ordinal``): metadata, text,
                       normalized tokens with their character spans, segments, fingerprints
      pairs/           one row per aligned pair with passages: coverages, shared words and the
                       evidence relations are typed by (in-order runs, passage order, longest
                       passage, identity; see :mod:`variorum.align.evidence`)
      passages/        one row per passage: character offsets into both texts, words, identity,
                       which side is dated earlier, boilerplate flag; ``id`` is the passage's
                       number in the order ``variorum add`` would have stored it
      families/        document id -> family id (every document, a lone one is its own family)
      vocabulary/      word form -> collection frequency (the split-word repair evidence)
      skips/           inputs and records that could not be read, with the reason

Pairs and passages are stored with side ``a`` the document that comes first in the input, as
``variorum add`` stores them. Every character offset indexes ``documents.text``. The documents
carry what :meth:`variorum.store.index.Index.insert` needs, so that ``variorum add --from-spark``
loads them without preparing anything again, and a Spark user reads only the columns they need
(Parquet is columnar).

Bump :data:`FORMAT_VERSION` when a column changes meaning or disappears; the loader refuses
versions it does not know.
"""

from __future__ import annotations

from typing import Any

#: Version of this layout, written to and checked from the manifest.
FORMAT_VERSION = 3
#: Name of the manifest file in the output folder ("_" so Parquet readers skip it).
MANIFEST = "_variorum.json"
#: The Parquet datasets, each a folder of part files.
DATASETS = ("documents", "pairs", "passages", "families", "vocabulary", "skips")

DOCUMENT_COLUMNS = (
    "ordinal",
    "id",
    "content_hash",
    "path",
    "format",
    "title",
    "source",
    "date",
    "dates",
    "series",
    "metadata",  # JSON object, as the index stores it
    "languages",
    "n_words",
    "body_words",
    "text",
    "norms",
    "starts",
    "ends",
    "segments",
    "fp_hashes",
    "fp_positions",
)
PAIR_COLUMNS = (
    "a",
    "b",
    "a_coverage",
    "b_coverage",
    "a_body",
    "b_body",
    "shared_words",
    "a_runs",
    "b_runs",
    "order_agreement",
    "longest",
    "identity",
    "a_extent",
    "b_extent",
    "a_head",
    "b_head",
    "heads_alike",
)
PASSAGE_COLUMNS = (
    "id",
    "a_doc",
    "b_doc",
    "a_start",
    "a_end",
    "b_start",
    "b_end",
    "a_words",
    "b_words",
    "identity",
    "earlier",
    "boilerplate",
)


def spark_schemas() -> dict[str, Any]:
    """The Spark schema of each dataset (imports PySpark, so only the engine calls it)."""
    from pyspark.sql.types import (
        ArrayType,
        BooleanType,
        DoubleType,
        IntegerType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    def struct(*cols: tuple[str, Any, bool]) -> StructType:
        return StructType([StructField(name, kind, nullable) for name, kind, nullable in cols])

    ints = ArrayType(IntegerType(), False)
    strings = ArrayType(StringType(), False)
    segment = struct(
        ("start", IntegerType(), False),
        ("end", IntegerType(), False),
        ("language", StringType(), True),
        ("role", StringType(), False),
        ("sentences", ArrayType(ints, False), False),
    )
    s, i, n = StringType(), IntegerType(), True
    return {
        "documents": struct(
            ("ordinal", LongType(), False),
            ("id", s, False),
            ("content_hash", s, False),
            ("path", s, n),
            ("format", s, n),
            ("title", s, n),
            ("source", s, n),
            ("date", s, n),
            ("dates", strings, False),
            ("series", s, n),
            ("metadata", s, False),
            ("languages", strings, False),
            ("n_words", i, False),
            ("body_words", i, False),
            ("text", s, False),
            ("norms", strings, False),
            ("starts", ints, False),
            ("ends", ints, False),
            ("segments", ArrayType(segment, False), False),
            ("fp_hashes", ArrayType(LongType(), False), False),
            ("fp_positions", ints, False),
        ),
        "pairs": struct(
            ("a", s, False),
            ("b", s, False),
            ("a_coverage", DoubleType(), False),
            ("b_coverage", DoubleType(), False),
            ("a_body", DoubleType(), False),
            ("b_body", DoubleType(), False),
            ("shared_words", i, False),
            ("a_runs", DoubleType(), False),
            ("b_runs", DoubleType(), False),
            ("order_agreement", DoubleType(), False),
            ("longest", i, False),
            ("identity", DoubleType(), False),
            ("a_extent", DoubleType(), False),
            ("b_extent", DoubleType(), False),
            ("a_head", DoubleType(), False),
            ("b_head", DoubleType(), False),
            ("heads_alike", DoubleType(), False),
        ),
        "passages": struct(
            ("id", LongType(), False),
            ("a_doc", s, False),
            ("b_doc", s, False),
            ("a_start", i, False),
            ("a_end", i, False),
            ("b_start", i, False),
            ("b_end", i, False),
            ("a_words", i, False),
            ("b_words", i, False),
            ("identity", DoubleType(), False),
            ("earlier", s, n),
            ("boilerplate", BooleanType(), False),
        ),
        "families": struct(("id", s, False), ("family", s, False)),
        "vocabulary": struct(("token", s, False), ("cf", LongType(), False)),
        "skips": struct(("path", s, False), ("reason", s, False)),
    }
