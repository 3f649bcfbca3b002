"""Peak memory and time of ``variorum add`` on hostile inputs, and how fast Ctrl-C ends an add.

    python benchmarks/bombs.py            # every case at full size
    python benchmarks/bombs.py --quick    # the sizes the tests use

Each case runs ``variorum add FILE`` in a process of its own; its peak resident memory comes from
``wait4``. The bombs are built in code (``tests/hostile_synth.py``). "at the limit" is a text of
``MAX_DOCUMENT_CHARS`` characters that is read: the per-document memory budget. Ctrl-C is sent at
random moments (0.2-4 s after its worker processes started) during an add of 1,200
generated records (two worker processes); the time printed
is from the signal to the process's exit, and the workers are checked to be gone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile_run import VARIORUM, children_of, run, wait_gone  # noqa: E402
from hostile_synth import (  # noqa: E402
    big_text,
    deep_html,
    docx_bomb,
    docx_lying,
    long_json_line,
    pdf_bomb,
)
from reuse_synth import make_records  # noqa: E402

from variorum import config  # noqa: E402


def cases(quick: bool) -> dict:
    scale = 16 if quick else 1
    return {
        f"DOCX holding {1024 // scale} MiB of XML": lambda d: docx_bomb(d / "bomb.docx", 2**30 // scale),
        "DOCX whose zip states false sizes": lambda d: docx_lying(d / "lying.docx", 64 * 2**20 // scale),
        f"PDF with a {512 // scale} MiB content stream": lambda d: pdf_bomb(
            d / "bomb.pdf", 512 * 2**20 // scale
        ),
        "HTML nesting 100,000 <div>": lambda d: deep_html(d / "deep.html", 100_000),
        "100 MB text file": lambda d: big_text(d / "big.txt", 100 * 10**6),
        "JSON Lines with one 50 MB line": lambda d: long_json_line(d / "line.jsonl", 50 * 10**6),
        f"text at the limit ({config.MAX_DOCUMENT_CHARS:,} characters)": lambda d: big_text(
            d / "limit.txt", config.MAX_DOCUMENT_CHARS - 1000
        ),
    }


def bombs(quick: bool) -> None:
    print(f"{'case':48} {'file':>9} {'peak':>9} {'time':>8}  outcome")
    for name, build in cases(quick).items():
        with tempfile.TemporaryDirectory(prefix="variorum-bombs-") as tmp:
            path = build(Path(tmp))
            size = path.stat().st_size
            result = run("add", path, "--db", Path(tmp) / "x.db", timeout=1800)
            lines = [
                line
                for line in result.err.splitlines()
                if line.strip() and "nothing could be read" not in line
            ]
            outcome = (
                lines[0].split(": ", 1)[-1] if lines and result.code else result.err.strip().splitlines()[-1:]
            )
            if result.code == 0:
                outcome = (result.out + result.err).strip().splitlines()[-1]
            print(f"{name:48} {size / 2**20:8.1f}M {result.peak_mb:8.0f}M {result.seconds:7.1f}s  {outcome}")


def ctrl_c(trials: int) -> None:
    with tempfile.TemporaryDirectory(prefix="variorum-ctrl-c-") as tmp:
        corpus = Path(tmp) / "c.jsonl"
        records = make_records(seed=9, n_docs=1200, n_families=100)
        corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
        env = {**os.environ, "VARIORUM_BATCH_SIZE": "100", "VARIORUM_WORKERS": "2"}
        rng = random.Random(1)
        times = []
        for trial in range(trials):
            db = Path(tmp) / f"x{trial}.db"
            process = subprocess.Popen(
                [VARIORUM, "add", corpus, "--db", db],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # as in a terminal: a shell's background job inherits SIGINT ignored
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            )
            while not children_of(process.pid) and process.poll() is None:
                time.sleep(0.01)  # until the workers run: add is under way
            time.sleep(rng.uniform(0.2, 4))
            workers = children_of(process.pid)
            sent = time.perf_counter()
            process.send_signal(signal.SIGINT)
            _, err = process.communicate()
            took = time.perf_counter() - sent
            left = wait_gone(workers, 5)
            message = [line for line in err.decode().splitlines() if "interrupted" in line]
            times.append(took)
            print(
                f"Ctrl-C {trial + 1}: exit {process.returncode} after {took * 1000:.0f} ms, "
                f"{len(workers)} workers, {len(left)} left; {message[0] if message else err.decode()[-200:]}"
            )
        median = sorted(times)[len(times) // 2]
        print(f"Ctrl-C exit time: median {median * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the tests' sizes")
    parser.add_argument("--trials", type=int, default=5, help="Ctrl-C trials")
    args = parser.parse_args()
    bombs(args.quick)
    ctrl_c(args.trials)


if __name__ == "__main__":
    main()
