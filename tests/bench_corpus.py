"""``benchmarks/corpus.py``, the generator of the benchmark corpora, loaded once for the tests.

``benchmarks/`` is not a package, so the tests that check a fast path on the three corpus kinds
(English-like, invented words, four scripts) load the file by path; this module does it for all
of them, under one module name.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NAME = "variorum_benchmark_corpus"


@cache
def module() -> ModuleType:
    """The loaded ``benchmarks/corpus.py``."""
    spec = importlib.util.spec_from_file_location(NAME, ROOT / "benchmarks" / "corpus.py")
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = loaded  # its dataclasses look their module up while the classes are made
    spec.loader.exec_module(loaded)
    return loaded


def make_corpus(*args: Any, **kwargs: Any) -> Any:
    """``corpus.make_corpus``: a seeded corpus and its ground truth."""
    return module().make_corpus(*args, **kwargs)
