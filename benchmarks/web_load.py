"""Latency of the web app under 50 concurrent clients: pages and ``/healthz``.

Starts ``variorum serve`` on 127.0.0.1 over an index, then runs ``--clients`` threads for
``--seconds`` seconds, each asking in turn for the corpus page, its JSON twin, a family page, a
document page and ``/healthz``, with keep-alive connections of its own. Prints the request count,
the error rate and the median and p95 latency of pages and of ``/healthz``.

    python benchmarks/web_load.py --db corpus.db            # an index you have
    python benchmarks/web_load.py --documents 5000          # builds a synthetic index first

The synthetic index is the test suite's generated corpus (``tests/reuse_synth.py``): families of
versions of generated official prose, no real text.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_index(db: Path, documents: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from reuse_synth import make_records

    corpus = db.with_suffix(".jsonl")
    with corpus.open("w", encoding="utf-8") as f:
        for record in make_records(seed=7, n_docs=documents, n_families=max(2, documents // 12)):
            f.write(json.dumps(record) + "\n")
    variorum = Path(sys.executable).with_name("variorum")
    subprocess.run([str(variorum), "add", str(corpus), "--db", str(db)], check=True)


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    variorum = Path(sys.executable).with_name("variorum")
    server = subprocess.Popen(
        [str(variorum), "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def load(base: str, clients: int, seconds: float) -> dict[str, list[float] | int]:
    """Run ``clients`` threads for ``seconds``; latencies (seconds) of pages and health checks."""
    first = httpx.get(f"{base}/api/families?per_page=5", timeout=60).json()
    family = first["families"][0]["id"] if first["families"] else None
    doc = first["families"][0]["documents"][0]["id"] if first["families"] else None
    paths = ["/", "/api/families", "/healthz"]
    if family:
        paths += [f"/families/{family}", f"/documents/{doc}", "/healthz"]
    pages: list[float] = []
    health: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=60) as http:
            i = k
            while time.monotonic() < stop:
                path = paths[i % len(paths)]
                i += 1
                started = time.perf_counter()
                try:
                    ok = http.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = time.perf_counter() - started
                with lock:
                    (health if path == "/healthz" else pages).append(took)
                    errors += not ok

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"pages": pages, "health": health, "errors": errors}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else (values or [0.0])[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="an existing index (default: build one)")
    parser.add_argument("--documents", type=int, default=5000, help="documents of the built index")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="variorum-web-load-"))
    db = args.db
    if db is None:
        db = tmp / "load.db"
        build_index(db, args.documents)
    port = free_port()
    server = start_server(db, port)
    try:
        result = load(f"http://127.0.0.1:{port}", args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    pages, health, errors = result["pages"], result["health"], result["errors"]
    assert isinstance(pages, list) and isinstance(health, list) and isinstance(errors, int)
    total = len(pages) + len(health)
    print(f"{args.clients} clients, {args.seconds:.0f} s, index {db} ({os.path.getsize(db) >> 20} MiB)")
    print(f"requests: {total}, errors: {errors} ({errors / max(1, total):.2%})")
    for name, values in (("pages", pages), ("/healthz", health)):
        if values:
            print(
                f"{name:9} n={len(values):5}  median {statistics.median(values) * 1000:7.1f} ms"
                f"  p95 {p95(values) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
            )


if __name__ == "__main__":
    main()
