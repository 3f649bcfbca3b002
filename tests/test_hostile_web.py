"""The web app against crafted requests, and under load on 127.0.0.1.

DNS rebinding (a foreign ``Host``), cross-site posts (an ``Origin`` that differs in scheme, host or
port), security headers on every response, ``HEAD``, a lone surrogate in JSON, a repeated id and
a bomb in an upload, pagination, and 50 clients at once with ``/healthz`` still answering.
"""

from __future__ import annotations

import json
import resource
import shutil
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from hostile_run import VARIORUM
from hostile_synth import docx_bomb
from reuse_synth import make_records

from variorum.config import Settings
from variorum.web import create_app

from conftest import EXAMPLES

PORT = 8123  # the port the test clients name in Host and Origin
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("web") / "examples.db"
    subprocess.run([VARIORUM, "add", EXAMPLES, "--db", db], check=True, capture_output=True)
    return db


@pytest.fixture
def client(tmp_path: Path, examples_db: Path):
    shutil.copy(examples_db, tmp_path / "x.db")  # the add closed it: no write-ahead log to copy
    with TestClient(create_app(tmp_path / "x.db", Settings()), base_url=BASE) as c:
        yield c


def documents(client: TestClient) -> int:
    return client.get("/healthz").json()["documents"]


def upload(client: TestClient, name: str, data: bytes, **headers: str) -> httpx.Response:
    return client.post(
        "/upload", files=[("files", (name, data, "application/octet-stream"))], headers=headers
    )


NOTE = (EXAMPLES / "2023-04-statement.md").read_bytes() + b"\n\nA new closing line, so that it is new."


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", "127.0.0.2", "[::2]:80", ""])
def test_a_foreign_host_gets_nothing(client, host):
    r = client.get("/api/families", headers={"host": host})
    assert r.status_code == 421
    assert "families" not in r.text
    before = documents(client)
    r = upload(client, "n.md", NOTE, host=f"evil.example:{PORT}", origin=f"http://evil.example:{PORT}")
    assert r.status_code == 421
    assert documents(client) == before


@pytest.mark.parametrize(
    "host", ["127.0.0.1", f"127.0.0.1:{PORT}", "localhost", f"LOCALHOST:{PORT}", "[::1]:8000"]
)
def test_local_names_are_served(client, host):
    assert client.get("/healthz", headers={"host": host}).status_code == 200


def test_allowed_hosts_are_served(tmp_path):
    with TestClient(
        create_app(tmp_path / "x.db", allowed_hosts=["corpus.lan"]), base_url="http://corpus.lan"
    ) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"host": "other.lan"}).status_code == 421


@pytest.mark.parametrize(
    "origin",
    [
        f"https://127.0.0.1:{PORT}",  # another scheme
        "http://127.0.0.1:9999",  # another port
        "http://127.0.0.1",  # another port (80)
        f"http://localhost:{PORT}",  # another host name
        "null",
        f"http://127.0.0.1:{PORT}.evil.example",
    ],
)
def test_an_origin_must_match_scheme_host_and_port(client, origin):
    before = documents(client)
    r = upload(client, "n.md", NOTE, origin=origin)
    assert r.status_code == 403
    assert documents(client) == before
    r = client.post("/api/query", json={"text": "anything at all"}, headers={"origin": origin})
    assert r.status_code == 403


def test_the_same_origin_may_post(client):
    before = documents(client)
    assert upload(client, "n.md", NOTE, origin=BASE).status_code == 200
    assert documents(client) == before + 1


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/"),
        ("GET", "/api/families"),
        ("GET", "/healthz"),
        ("GET", "/nowhere"),
        ("GET", "/api/documents/nothing"),
        ("POST", "/api/query"),
        ("GET", "/openapi.json"),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path):
    r = client.request(method, path)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_a_page_sends_its_policy_as_a_header_with_a_fresh_nonce(client):
    first, second = client.get("/"), client.get("/")
    policies = [r.headers["content-security-policy"] for r in (first, second)]
    assert all("script-src 'nonce-" in p for p in policies)
    assert policies[0] != policies[1]  # a page served from memory still gets a nonce of its own
    nonce = policies[1].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in second.text


def test_head_is_answered_like_get_without_a_body(client):
    for path in ("/", "/healthz", "/api/families"):
        r = client.head(path)
        assert r.status_code == 200
        assert r.content == b""
        assert int(r.headers["content-length"]) == len(client.get(path).content) or path == "/"


def test_a_lone_surrogate_in_json_is_refused_not_a_500(client):
    body = b'{"text": "one two \\ud800 three four five six seven"}'
    r = client.post("/api/query", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "text"]


def test_an_upload_with_a_repeated_id_keeps_the_others(client):
    records = [
        {"id": "same", "text": f"Record number {i} has words of its own, {'and more ' * i}"} for i in range(3)
    ]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    before = documents(client)
    r = upload(client, "r.jsonl", data)
    assert r.status_code == 200
    assert documents(client) == before + 1
    assert "already used by another text" in r.text


def test_a_docx_bomb_upload_is_refused_quickly(client, tmp_path):
    bomb = docx_bomb(tmp_path / "bomb.docx", 256 * 2**20).read_bytes()
    started = time.perf_counter()
    r = upload(client, "bomb.docx", bomb)
    assert r.status_code == 400
    assert "a zip bomb?" in r.text
    assert time.perf_counter() - started < 20


def test_lists_come_in_pages(tmp_path):
    records = make_records(seed=8, n_docs=150, n_families=40)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
    subprocess.run([VARIORUM, "add", corpus, "--db", tmp_path / "x.db"], check=True, capture_output=True)
    with TestClient(create_app(tmp_path / "x.db"), base_url=BASE) as c:
        first = c.get("/api/families", params={"per_page": 10}).json()
        assert len(first["families"]) == 10
        assert first["page"]["pages"] >= 3
        total = first["page"]["totals"]["families"]
        seen = []
        for page in range(1, first["page"]["pages"] + 1):
            got = c.get("/api/families", params={"per_page": 10, "page": page}).json()
            seen += [f["id"] for f in got["families"]]
        assert len(seen) == len(set(seen)) == total
        html = c.get("/", params={"per_page": 10, "page": 2})
        assert "page 2 of" in html.text and 'rel="next"' in html.text and 'rel="prev"' in html.text
        assert c.get("/api/families", params={"per_page": 100_000}).status_code == 422


# -- under load --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_fifty_clients_at_once(tmp_path):
    """A bounded load test: 50 clients at once, 12 requests each, on a 600-document index. No
    request fails, and the bounds are generous (CI machines are shared); ``benchmarks/web_load.py``
    measures."""
    records = make_records(seed=12, n_docs=600, n_families=60)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
    db = tmp_path / "x.db"
    subprocess.run([VARIORUM, "add", corpus, "--db", db], check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [VARIORUM, "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        first = httpx.get(f"{base}/api/families", params={"per_page": 3}).json()
        family = first["families"][0]["id"]
        doc = first["families"][0]["documents"][0]["id"]
        paths = ["/", "/api/families", f"/families/{family}", f"/documents/{doc}", "/healthz", "/?page=2"]
        for path in paths:  # the first view of each page is computed once, before the load
            assert httpx.get(f"{base}{path}", timeout=120).status_code == 200
        pages: list[float] = []
        health: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        def client(k: int) -> None:
            with httpx.Client(base_url=base, timeout=120) as http:
                for i in range(k, k + 2 * len(paths)):  # every path twice, from a different start
                    path = paths[i % len(paths)]
                    started = time.perf_counter()
                    try:
                        status = http.get(path).status_code
                    except httpx.HTTPError as error:
                        status = repr(error)
                    took = time.perf_counter() - started
                    with lock:
                        (health if path == "/healthz" else pages).append(took)
                        if status != 200:
                            failures.append(f"{path}: {status}")

        threads = [threading.Thread(target=client, args=(k,)) for k in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not failures, failures[:5]
    assert len(pages) + len(health) == 50 * 12
    p95 = statistics.quantiles(pages, n=20)[-1]
    h95 = statistics.quantiles(health, n=20)[-1]
    assert p95 < 15, f"pages p95 {p95:.2f} s"
    assert h95 < 2, f"/healthz p95 {h95:.2f} s"
    assert statistics.median(health) < 0.5


def test_upload_of_a_bomb_does_not_grow_the_server(tmp_path):
    """Three bomb uploads at once: parsed in the capped reader process, refused by the limits."""
    bomb = docx_bomb(tmp_path / "bomb.docx", 128 * 2**20).read_bytes()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with TestClient(create_app(tmp_path / "x.db"), base_url=BASE) as c:
        results: list[int] = []
        threads = [
            threading.Thread(target=lambda: results.append(upload(c, "b.docx", bomb).status_code))
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == [400, 400, 400]
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
    assert grown_mib < 300, f"the server's peak memory grew by {grown_mib:.0f} MiB"
