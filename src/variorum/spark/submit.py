"""The ``spark-submit`` entry point: run ``spark-discover`` on a cluster.

``spark-submit`` takes a Python file, not a module, so point it at this one::

    spark-submit --master yarn \\
        $(python -c 'import variorum.spark.submit as m; print(m.__file__)') \\
        hdfs:///corpora/news/ -o hdfs:///variorum/news-run [--min-words 20] [--overwrite]

The session comes from ``spark-submit`` (master, executors, memory); variorum must be installed
in the Python environment of the driver and of every executor (``pip install 'variorum[spark]'``,
or ship it with ``--archives``/``--py-files``). Settings not given as flags come from the
``VARIORUM_*`` environment variables, as for the CLI. The counts are printed as JSON on stdout.
Load the result into an index with ``variorum add --from-spark OUTPUT`` (a local copy of it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace

from variorum.config import Settings, from_env
from variorum.errors import VariorumError


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="variorum-spark", description="Find shared passages in a corpus with Spark."
    )
    parser.add_argument("input", help="file, folder or glob of JSON Lines or Parquet files")
    parser.add_argument("-o", "--output", required=True, help="output folder (Parquet datasets)")
    parser.add_argument("--min-words", type=int, default=None, help="shortest passage reported, in words")
    parser.add_argument("--ignore-series", action="store_true", help="ignore reuse inside one series")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    parser.add_argument("--partitions", type=int, default=None, help="parallelism of per-document work")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    settings = from_env(Settings())
    if args.min_words is not None:
        settings = replace(settings, min_words=args.min_words)
    if args.ignore_series:
        settings = replace(settings, ignore_series=True)
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from pyspark.sql import SparkSession

    from variorum.spark.engine import spark_discover

    spark = SparkSession.builder.appName("variorum spark-discover").getOrCreate()
    try:
        counts = spark_discover(
            spark,
            args.input,
            args.output,
            settings_from(args),
            overwrite=args.overwrite,
            partitions=args.partitions,
        )
    except VariorumError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    finally:
        spark.stop()
    sys.stdout.write(json.dumps(counts, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
