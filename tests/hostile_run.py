"""Running ``variorum`` as a user does, in a process of its own, and measuring what it cost.

The fault tests need what an in-process call cannot give: the peak memory of the run, its exit
status when killed, the worker processes it leaves behind, and a hard timeout that turns a hang
into a failure.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

VARIORUM = Path(sys.executable).with_name("variorum")


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_mb: float  # largest resident set of the process, in MiB
    seconds: float

    def one_line_error(self) -> str:
        """The run's error, checked to be one line and no traceback; returns it."""
        assert "Traceback" not in self.err, self.err
        lines = [line for line in self.err.splitlines() if line.startswith("error:")]
        assert len(lines) == 1, self.err
        return lines[0]


def run(
    *args: str | os.PathLike[str],
    stdin: bytes | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    python: list[str] | None = None,
) -> Run:
    """Run ``variorum ARGS`` (or ``python`` with ARGS), wait at most ``timeout`` seconds.

    The peak memory is the process's own high-water mark (``VmHWM``), sampled while it runs:
    ``wait4``'s ``ru_maxrss`` would carry over the high-water mark of the forking test worker,
    which grows with the tests run before. A run over the timeout is killed and fails the test:
    a hang is a defect.
    """
    command = [*(python or [str(VARIORUM)]), *map(str, args)]
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"variorum-run-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "w+b") as out, open(f"{out_path}.err", "w+b") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
        if stdin is not None:
            assert process.stdin is not None
            threading.Thread(target=_feed, args=(process.stdin, stdin), daemon=True).start()
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        peak = _HighWater(process.pid)
        peak.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            peak.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        result = Run(
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            (peak.kib or usage.ru_maxrss) / 1024,
            seconds,
        )
    os.unlink(f"{out_path}.out")
    os.unlink(f"{out_path}.err")
    assert result.code != -signal.SIGKILL or seconds < timeout, f"timed out after {timeout} s: {command}"
    return result


class _HighWater(threading.Thread):
    """Samples ``VmHWM`` of a running process every 5 ms until stopped (kept: the largest)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.kib, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            try:
                with open(f"/proc/{self.pid}/status", "rb") as f:
                    for line in f:
                        if line.startswith(b"VmHWM:"):
                            self.kib = max(self.kib, int(line.split()[1]))
                            break
            except (OSError, ValueError):
                pass
            self._done.wait(0.005)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, OSError):
        pass


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not count)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in (b"Z", b"X")


def wait_gone(pids: list[int], seconds: float = 5.0) -> list[int]:
    """The processes of ``pids`` still alive after up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if alive(p)]
