"""``add`` killed (kill -9) or interrupted (Ctrl-C) at random moments: the index stays whole, no
worker outlives it, Ctrl-C ends within a second saying what was kept, and adding again gives
exactly what one uninterrupted run gives.

The moments are random (the seed is printed, so a failure can be replayed with
``VARIORUM_FAULT_SEED``).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from hostile_run import VARIORUM, children_of, wait_gone
from reuse_synth import make_records

pytestmark = pytest.mark.slow

# Batches of 80 (above the 64 that start worker processes): seven of them, so that a random moment
# falls before, between and inside commits.
ENV = {"VARIORUM_BATCH_SIZE": "80", "VARIORUM_WORKERS": "2"}
SEED = int(os.environ.get("VARIORUM_FAULT_SEED", random.SystemRandom().randrange(10**6)))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "corpus.jsonl"
    records = make_records(seed=9, n_docs=560, n_families=50)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def state(db: Path) -> dict:
    """What an index holds, independent of row ids: documents, passages and families by content."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = dict(conn.execute("SELECT num, id FROM documents"))
        passages = sorted(
            (ids[a], ids[b], a0, a1, b0, b1, round(ident, 6), boiler)
            for a, b, a0, a1, b0, b1, ident, boiler in conn.execute(
                "SELECT a, b, a_start, a_end, b_start, b_end, identity, boilerplate FROM passages"
            )
        )
        groups: dict[str, list[str]] = {}
        for num, family in conn.execute("SELECT num, family FROM families"):
            groups.setdefault(family, []).append(ids[num])
        stale = conn.execute("SELECT value FROM meta WHERE key='families_stale'").fetchone()
    return {
        "documents": sorted(ids.values()),
        "passages": passages,
        "families": sorted(sorted(g) for g in groups.values()),
        "stale": stale[0] if stale else None,
    }


def add(corpus: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [VARIORUM, "add", corpus, "--db", db],
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[dict, float]:
    """The uninterrupted run: its state and how long it took."""
    db = tmp_path_factory.mktemp("reference") / "ref.db"
    process = start(corpus, db)
    opened = wait_for_index(process, db)
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err.decode("utf-8", "replace")
    return state(db), time.perf_counter() - opened


def default_sigint() -> None:
    """Ctrl-C as in a terminal: a job started in the background by a shell inherits SIGINT
    ignored, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(corpus: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [VARIORUM, "add", corpus, "--db", db],
        env={**os.environ, **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=default_sigint,
    )


def wait_for_index(process: subprocess.Popen, db: Path) -> float:
    """Wait until ``add`` has opened the index (its imports done) and return that moment: a signal
    during the interpreter's start is Python's business, not add's, so moments count from here."""
    deadline = time.monotonic() + 120
    while not db.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return time.perf_counter()


def interrupt_in_flight(
    corpus: Path, tmp_path: Path, sig: int, at: float
) -> tuple[subprocess.Popen, list[int], float, str, Path, float]:
    """``interrupt`` at ``at`` seconds, or earlier if the run ends before the signal lands.

    The machine's speed changes from one run to the next (other jobs share it), so a moment drawn
    from the reference run's length can fall after this run has finished. Then the moment is
    halved and the run made again on a fresh index, so that the signal always meets a running add.
    """
    for attempt in range(6):
        db = tmp_path / f"x{attempt}.db"
        process, workers, took, err = interrupt(corpus, db, sig, at)
        if process.returncode != 0:
            return process, workers, took, err, db, at
        at /= 2
    pytest.fail(f"add always ended before the signal (seed {SEED}, last moment {at:.2f} s)")


def interrupt(corpus: Path, db: Path, sig: int, at: float) -> tuple[subprocess.Popen, list[int], float, str]:
    """Start ``add``, send ``sig`` ``at`` seconds after it opened the index; the process, its workers at that moment,
    the seconds from the signal to its exit, and its stderr."""
    process = start(corpus, db)
    wait_for_index(process, db)
    time.sleep(at)
    workers = children_of(process.pid)
    sent = time.perf_counter()
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    return process, workers, time.perf_counter() - sent, err.decode("utf-8", "replace")


@pytest.mark.parametrize("trial", range(2))
def test_kill_9_at_a_random_moment(corpus, reference, tmp_path, trial):
    expected, seconds = reference
    rng = random.Random(SEED * 10 + trial)
    at = rng.uniform(0.1, max(0.5, 0.8 * seconds))
    process, workers, _, _, db, at = interrupt_in_flight(corpus, tmp_path, signal.SIGKILL, at)
    assert process.returncode == -signal.SIGKILL
    # The workers go with it: none holds the index or the terminal afterwards.
    assert wait_gone(workers, 5) == [], f"orphan workers (seed {SEED}, kill at {at:.2f} s)"
    if db.exists():
        state(db)  # integrity_check passes
    resumed = add(corpus, db)
    assert resumed.returncode == 0, resumed.stderr
    assert state(db) == expected, f"seed {SEED}, kill at {at:.2f} s"


@pytest.mark.parametrize("trial", range(2))
def test_ctrl_c_at_a_random_moment(corpus, reference, tmp_path, trial):
    expected, seconds = reference
    rng = random.Random(SEED * 10 + 5 + trial)
    at = rng.uniform(0.1, max(0.5, 0.8 * seconds))
    process, workers, took, err, db, at = interrupt_in_flight(corpus, tmp_path, signal.SIGINT, at)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted: " in err, err
    if " documents kept" in err:
        kept = int(err.split("interrupted: ", 1)[1].split(" documents kept", 1)[0])
    else:  # stopped before add began (opening the index): nothing was added
        kept = 0
    assert took < 2.0, f"Ctrl-C took {took:.2f} s to end add (seed {SEED}, at {at:.2f} s)"
    assert wait_gone(workers, 2) == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == kept
    state(db)
    resumed = add(corpus, db)
    assert resumed.returncode == 0, resumed.stderr
    assert state(db) == expected, f"seed {SEED}, Ctrl-C at {at:.2f} s"


def test_a_killed_add_piped_into_another_program_lets_it_end(corpus, tmp_path):
    """``variorum add … | tee log`` ends when add is killed: no worker keeps the pipe open."""
    process = start(corpus, tmp_path / "x.db")
    deadline = time.monotonic() + 60
    while not children_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children_of(process.pid)
    assert workers, "add started no workers"
    os.kill(process.pid, signal.SIGKILL)
    started = time.perf_counter()
    assert process.stderr is not None
    process.stderr.read()  # returns at end of file: when every writer of the pipe is gone
    assert time.perf_counter() - started < 5
    process.wait()
    assert wait_gone(workers, 5) == []
