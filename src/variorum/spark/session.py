"""Starting Spark for variorum: the requirements check with its install hints, and the session.

Nothing here imports PySpark at module level, so the CLI can import it to give a useful
message when PySpark or Java is missing.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING, Any

from variorum.config import Settings
from variorum.errors import UsageError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PYSPARK_HINT = "the Spark engine needs PySpark: pip install 'variorum[spark]'"
JAVA_HINT = (
    "the Spark engine needs Java (17 or newer; PySpark runs on the JVM), but no `java` is on the "
    "PATH and JAVA_HOME is not set: install a JDK (e.g. apt-get install openjdk-17-jre-headless)"
)


def java_path() -> str | None:
    """The ``java`` Spark would start: ``$JAVA_HOME/bin/java`` if set, else the one on the PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = os.path.join(home, "bin", "java")
        if os.path.isfile(candidate):
            return candidate
    return shutil.which("java")


def check_requirements() -> None:
    """Raise :class:`UsageError` with an install hint unless PySpark and Java are present."""
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise UsageError(PYSPARK_HINT) from error
    if java_path() is None:
        raise UsageError(JAVA_HINT)


def make_session(
    master: str = "local[*]",
    *,
    app_name: str = "variorum",
    shuffle_partitions: int | None = None,
    config: dict[str, Any] | None = None,
) -> SparkSession:
    """A Spark session for variorum's jobs (:func:`check_requirements` first).

    The web UI and the console progress bar are off (library code does not draw on the
    terminal). A ``local`` master binds the driver to 127.0.0.1, so no network is needed, and
    runs its Python workers with this interpreter, so they import this variorum.
    """
    check_requirements()
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
        # PySpark starts its workers with $PYSPARK_PYTHON, else whatever `python3` is on the
        # PATH, which is not this virtualenv when the CLI was run without activating it.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if shuffle_partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    for key, value in (config or {}).items():
        builder = builder.config(key, str(value))
    return builder.getOrCreate()


def run_spark_discover(
    input_path: str,
    output_path: str,
    settings: Settings,
    master: str = "local[*]",
    *,
    overwrite: bool = False,
    config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Start a session on ``master``, run :func:`~variorum.spark.engine.spark_discover`, stop it.

    Raises :class:`UsageError` when PySpark or Java is missing (with the install hint), when
    ``output_path`` exists and ``overwrite`` is false, or when there is nothing to read.
    """
    spark = make_session(master, config=config)
    try:
        from variorum.spark.engine import spark_discover

        return spark_discover(spark, input_path, output_path, settings, overwrite=overwrite)
    finally:
        spark.stop()
