"""Loading a ``spark-discover`` output into the SQLite index (``variorum add --from-spark``).

No Spark session is needed: the Parquet datasets are read with pyarrow. The documents are
inserted with their tokens, segments and fingerprints as the Spark run prepared them, then the
vocabulary, pairs and passages, all in one transaction, so an interrupted load leaves the index
as it was; families and boilerplate are then recomputed by :func:`variorum.pipeline.refresh`.
The result is the index ``variorum add`` would have built from the same input in one batch, and
later ``variorum add`` runs extend it as usual.

The index must be empty: the Spark run aligned its documents with each other only, so documents
already indexed would silently miss their alignments with them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from variorum.align.evidence import PairEvidence
from variorum.config import FINGERPRINT_VERSION, Settings
from variorum.errors import UsageError
from variorum.model import Document, Passage, Segment, Skip
from variorum.pipeline import AddReport, Progress, refresh
from variorum.prepare import Prepared, rebuild
from variorum.spark.layout import FORMAT_VERSION, MANIFEST
from variorum.spark.read import PYARROW_HINT, is_local, local_path
from variorum.store.index import Index
from variorum.text.normalize import Tokens


def _noop(stage: str, advance: int) -> None:
    return None


def read_manifest(output_path: str | Path) -> dict[str, Any]:
    """The manifest of a ``spark-discover`` output; :class:`UsageError` if it is not one we read."""
    if not is_local(str(output_path)):
        raise UsageError(f"{output_path}: not a local folder: copy the spark-discover output here first")
    root = Path(local_path(str(output_path)))
    path = root / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{root}: no {MANIFEST} here: not a spark-discover output, or the run did not finish"
        ) from None
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: unreadable manifest ({error})") from error
    if manifest.get("format") != "variorum-spark" or manifest.get("format_version") != FORMAT_VERSION:
        raise UsageError(
            f"{path}: output format {manifest.get('format_version')!r}, this variorum reads {FORMAT_VERSION}"
        )
    if manifest.get("fingerprint_version") != FINGERPRINT_VERSION:
        raise UsageError(
            f"{path}: fingerprints of format {manifest.get('fingerprint_version')}, "
            f"expected {FINGERPRINT_VERSION}: run spark-discover again with this variorum"
        )
    return manifest


def load_spark_output(
    index: Index, output_path: str | Path, settings: Settings, *, progress: Progress = _noop
) -> AddReport:
    """Load the output of ``spark-discover`` into an empty ``index``.

    Passages were aligned with the settings recorded in the manifest; ``settings`` must agree
    with them on ``ngram`` and ``window`` (the index keeps using them) and give the family and
    boilerplate thresholds applied when families are recomputed. Raises :class:`UsageError` when
    the index is not empty, the settings disagree, the output is not complete, or pyarrow is
    missing.
    """
    started = time.perf_counter()
    root = Path(local_path(str(output_path)))
    manifest = read_manifest(root)
    used = manifest.get("settings", {})
    for key in ("ngram", "window"):
        if used.get(key) != getattr(settings, key):
            raise UsageError(
                f"{root}: computed with {key}={used.get(key)}, not {getattr(settings, key)}: "
                f"load it with the same {key}"
            )
    index.settings_check(settings)
    if index.count("documents"):
        raise UsageError(
            f"{index.path}: already holds documents; load a Spark output into a new index "
            "(it was aligned against its own documents only)"
        )
    tables = _Tables(root)
    report = AddReport(duplicates=int(manifest.get("counts", {}).get("duplicates", 0)))
    report.skipped = [Skip(r["path"], r["reason"]) for r in tables.rows("skips")]
    with index.transaction():
        nums: dict[str, int] = {}
        for row in tables.documents():
            nums[row["id"]] = index.insert(_prepared(row, settings), row["content_hash"])
            progress("documents", 1)
        index.add_vocabulary({r["token"]: r["cf"] for r in tables.rows("vocabulary")})
        by_pair: dict[tuple[str, str], list[Passage]] = {}
        for r in sorted(tables.rows("passages"), key=lambda r: r["id"]):
            by_pair.setdefault((r["a_doc"], r["b_doc"]), []).append(_passage(r))
        pairs = sorted(tables.rows("pairs"), key=lambda r: (nums[r["a"]], nums[r["b"]]))
        for r in pairs:
            covs = (r["a_coverage"], r["b_coverage"], r["a_body"], r["b_body"])
            plist = by_pair.get((r["a"], r["b"]), [])
            ev = PairEvidence(
                r["a_runs"],
                r["b_runs"],
                r["order_agreement"],
                r["longest"],
                r["identity"],
                r["a_extent"],
                r["b_extent"],
                r["a_head"],
                r["b_head"],
                r["heads_alike"],
            )
            index.insert_pair(nums[r["a"]], nums[r["b"]], plist, covs, r["shared_words"], ev)
            report.passages += len(plist)
        report.pairs = len(pairs)
        for skip in report.skipped:
            index.record_skip(skip)
    report.added = len(nums)
    refresh(index, settings)
    report.seconds = time.perf_counter() - started
    return report


class _Tables:
    """The Parquet datasets of one output folder, read with pyarrow."""

    def __init__(self, root: Path) -> None:
        try:
            import pyarrow.parquet as pq
        except ImportError as error:
            raise UsageError(PYARROW_HINT) from error
        self.root, self._pq = root, pq

    def _table(self, name: str) -> Any:
        folder = self.root / name
        if not folder.is_dir():
            raise UsageError(f"{folder}: missing: the spark-discover output is incomplete")
        return self._pq.read_table(folder)

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self._table(name).to_pylist()

    def documents(self) -> Iterator[dict[str, Any]]:
        """Documents in input order, a slice at a time (the texts are the bulk of the output)."""
        table = self._table("documents").sort_by("ordinal")
        for batch in table.to_batches(max_chunksize=1000):
            yield from batch.to_pylist()


def _prepared(row: Mapping[str, Any], settings: Settings) -> Prepared:
    """A document as :meth:`Index.insert` takes it, rebuilt like :meth:`Index.load_prepared`."""
    doc = Document(
        id=row["id"],
        text=row["text"],
        path=row["path"],
        format=row["format"],
        title=row["title"],
        source=row["source"],
        date=row["date"],
        dates=tuple(row["dates"]),
        series=row["series"],
        metadata=json.loads(row["metadata"]),
    )
    tokens = Tokens(list(row["norms"]), list(row["starts"]), list(row["ends"]))
    segments = tuple(
        Segment(s["start"], s["end"], s["language"], s["role"], tuple(tuple(x) for x in s["sentences"]))
        for s in row["segments"]
    )
    return rebuild(
        doc,
        tokens,
        segments,
        tuple(row["languages"]),
        settings,
        np.asarray(row["fp_hashes"], dtype=np.int64),
        np.asarray(row["fp_positions"], dtype=np.int64),
    )


def _passage(r: Mapping[str, Any]) -> Passage:
    # The index re-quotes passages from the documents' texts, so the texts are not needed here.
    return Passage(
        a_doc=r["a_doc"],
        b_doc=r["b_doc"],
        a_start=r["a_start"],
        a_end=r["a_end"],
        b_start=r["b_start"],
        b_end=r["b_end"],
        a_words=r["a_words"],
        b_words=r["b_words"],
        identity=r["identity"],
        a_text="",
        b_text="",
        earlier=r["earlier"],
    )
