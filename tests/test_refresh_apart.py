"""A value worked out in a forked process is the value worked out here, whatever happens."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from variorum import pipeline
from variorum.pipeline import _Apart


def _square_set(n: int) -> set[int]:
    return {k * k for k in range(n)}


def _fails(n: int) -> set[int]:
    if os.getpid() != _PARENT:
        raise RuntimeError("only in the child")
    return {n}


_PARENT = os.getpid()


def test_a_value_from_a_child_is_the_value_here():
    apart = _Apart.start(True, _square_set, 50_000)  # more than a pipe holds at once
    assert apart is not None
    assert apart.result() == _square_set(50_000)
    apart.close()


def test_a_child_that_fails_leaves_the_value_to_this_process():
    apart = _Apart.start(True, _fails, 7)
    assert apart is not None
    assert apart.result() == {7}


# Run in a fresh interpreter: a test process may hold threads that earlier tests left behind
# (a thread pool's, which are not daemons), and they would keep it from forking.
_FORKS_WHILE = """
import threading
from variorum.pipeline import _Apart
stop = threading.Event()
thread = threading.Thread(target=stop.wait, daemon={daemon})
thread.start()
apart = _Apart.start(True, sorted, [3, 1, 2])
forked = apart.pid is not None
assert apart.result() == [1, 2, 3]
stop.set()
thread.join()
print(forked)
"""


def _forks_while(*, daemon: bool) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", _FORKS_WHILE.format(daemon=daemon)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.split()[-1] == "True"


def test_a_daemon_thread_such_as_a_progress_bar_does_not_keep_it_from_forking():
    """The CLI's progress bar refreshes in a daemon thread throughout an ``add``."""
    assert _forks_while(daemon=True)


def test_another_thread_that_is_not_a_daemon_keeps_it_here():
    assert not _forks_while(daemon=False)


def test_the_progress_bar_of_the_cli_runs_as_a_daemon_thread():
    """What the test above stands for: rich's refresh thread, as ``variorum add`` starts it."""
    from variorum.cli.app import _progress

    before = set(threading.enumerate())
    with _progress():
        started = set(threading.enumerate()) - before
        assert started and all(t.daemon for t in started)


def test_nothing_is_started_unless_wanted():
    assert _Apart.start(False, _square_set, 3) is None


def test_a_child_not_read_is_stopped_and_reaped():
    apart = _Apart.start(True, _square_set, 10)
    assert apart is not None
    pid = apart.pid
    apart.close()
    if pid is not None:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_refresh_finds_formulas_apart_with_the_same_result(tmp_path, monkeypatch):
    """An index refreshed with the formula passages found in a child equals one refreshed
    without (the threshold lowered so that a small corpus forks)."""
    import bench_corpus

    from variorum.config import Settings
    from variorum.model import Document
    from variorum.store.index import Index

    corpus, _ = bench_corpus.make_corpus(120, 200, 3, kind="english")
    docs = [Document(d.id, d.text) for d in corpus.documents]
    shown = []
    for threshold in (10**9, 0):
        monkeypatch.setattr(pipeline, "FORMULAS_APART_FROM", threshold)
        with Index.open(tmp_path / f"i{threshold}.db") as index:
            pipeline.add(index, docs, Settings(workers=1))
            shown.append(
                (
                    pipeline.families(index, Settings(workers=1), include_single=True),
                    pipeline.passages(index, Settings(workers=1)),
                    pipeline.relations(index, Settings(workers=1)),
                )
            )
    assert shown[0] == shown[1]


def test_refresh_collects_young_objects_rarely_and_puts_the_threshold_back(tmp_path, monkeypatch):
    import gc

    from variorum.config import Settings
    from variorum.model import Document
    from variorum.store.index import Index

    seen: list[tuple[int, int, int]] = []
    derive = pipeline._derive

    def watched(*args, **kwargs):
        seen.append(gc.get_threshold())
        return derive(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_derive", watched)
    settings = Settings(workers=1)
    index = Index.open(tmp_path / "i.db", settings=settings)
    before = gc.get_threshold()
    text = " ".join(f"word{k % 97} other{k % 13}" for k in range(300))
    pipeline.add(index, [Document("a", text), Document("b", "A note. " + text)], settings)
    index.close()
    assert seen == [(pipeline.REFRESH_GC_THRESHOLD, *before[1:])]
    assert gc.get_threshold() == before
