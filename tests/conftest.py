"""Shared fixtures: where the seed and evaluation corpora live, and a fresh index per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from variorum.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval" / "clough-stevenson"
EXAMPLES = ROOT / "examples"


def seed_path(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` (e.g. ``"001"``)."""
    return next(SEEDS.glob(f"{prefix}_*"))


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found: the seed corpus is not beside this checkout")
    return SEEDS


@pytest.fixture
def clough() -> Path:
    if not EVAL.is_dir():
        pytest.skip(
            "../shared/eval/clough-stevenson not found: the evaluation corpus is not beside this checkout"
        )
    return EVAL


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def index(tmp_path: Path):
    from variorum.store.index import Index

    ix = Index.open(tmp_path / "test.db")
    yield ix
    ix.close()
