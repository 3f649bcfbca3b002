"""The Spark engine: ``spark-discover`` over corpora too large for one machine.

A thin edge over the core, like the CLI and the web app: it runs the same preparing and
aligning functions as ``variorum add`` inside Spark tasks (:mod:`variorum.spark.engine`),
writes Parquet (:mod:`variorum.spark.layout`), and loads that output into the SQLite index
(:mod:`variorum.spark.load`). PySpark and pyarrow come with ``pip install 'variorum[spark]'``;
Spark also needs Java 17 or newer. Importing this package imports neither: the names below are
loaded on first use, so a missing PySpark is reported by :func:`run_spark_discover` with an
install hint rather than by an ImportError.

Entry points: :func:`run_spark_discover` (start a session, run, stop: what the CLI calls),
:func:`spark_discover` (on a session you own), :func:`load_spark_output`, and
:mod:`variorum.spark.submit` for ``spark-submit``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "run_spark_discover": "variorum.spark.session",
    "make_session": "variorum.spark.session",
    "check_requirements": "variorum.spark.session",
    "spark_discover": "variorum.spark.engine",
    "load_spark_output": "variorum.spark.load",
    "read_manifest": "variorum.spark.load",
    "FORMAT_VERSION": "variorum.spark.layout",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'variorum.spark' has no attribute {name!r}")
    return getattr(import_module(module), name)
