"""The web app through FastAPI's TestClient (nothing is bound): pages, JSON twins, query, uploads,
limits, refusals and escaping."""

from __future__ import annotations

import inspect
import io
import itertools
import json
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from variorum import pipeline
from variorum.config import QUERY_CHANGES, Settings
from variorum.errors import IndexError_
from variorum.ingest import read_inputs, read_text
from variorum.store.index import Index
from variorum.web import create_app, lookup, models, serve

from conftest import EXAMPLES

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
OP_ED = EXAMPLES / "2022-09-quoting-op-ed.txt"
PRESS = EXAMPLES / "2021-03-press-release.txt"


def query_text() -> str:
    """A new column quoting two paragraphs of the press release: recycled and new stretches."""
    paragraphs = PRESS.read_text(encoding="utf-8").split("\n\n")
    return "\n\n".join(
        [
            "A letter to the editor from a reader in the river valley, written this week about the spring floods.",
            paragraphs[4],
            "My grandmother kept a jar of that water on a shelf for twenty years, so that nobody would forget the colour.",
            paragraphs[5],
            "Our town council has still not published the inspection reports it promised after the last storm season.",
        ]
    )


def build_index(db: Path, inputs: list[Path]) -> None:
    with Index.open(db) as index:
        pipeline.add(index, read_inputs([str(p) for p in inputs]), Settings(workers=1))


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples plus a version of the press release whose text and file name carry markup."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(EXAMPLES, folder / "examples")
    hostile = f"{SCRIPT}\n\n{PRESS.read_text(encoding='utf-8')}\n\nAlso reported: {SCRIPT}\n"
    (folder / "examples" / "2024-01-<i>hostile.txt").write_text(hostile, encoding="utf-8")
    return folder / "examples"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("db") / "web.db"
    build_index(path, [corpus_dir])
    return path


@pytest.fixture(scope="module")
def client(db: Path):
    with TestClient(create_app(db, Settings()), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def family_id(db: Path) -> str:
    with Index.open(db, create=False) as index:
        [family] = pipeline.families(index, Settings())
    return family["id"]


@pytest.fixture(scope="module")
def hostile_id(db: Path) -> str:
    with Index.open(db, create=False) as index:
        [row] = [r for r in index.doc_rows() if "hostile" in r["path"]]
    return row["id"]


def fresh_client(tmp_path: Path, max_upload_bytes: int = 20 * 2**20, **kwargs) -> TestClient:
    db = tmp_path / "fresh.db"
    build_index(db, [PRESS, OP_ED])
    kwargs.setdefault("base_url", "http://127.0.0.1")
    return TestClient(create_app(db, Settings(), max_upload_bytes=max_upload_bytes), **kwargs)


def count_documents(client: TestClient) -> int:
    return client.get("/healthz").json()["documents"]


# -- pages and their JSON twins ------------------------------------------------------------------


def test_corpus_page_lists_the_family_and_links_to_it(client, family_id):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert f'href="/families/{family_id}"' in r.text
    assert 'href="/query"' in r.text and 'href="/upload"' in r.text
    assert "2021-03-press-release.txt" in r.text


def test_family_page_shows_its_versions(client, family_id):
    r = client.get(f"/families/{family_id}")
    assert r.status_code == 200
    for name in ("2021-03-press-release.txt", "2023-04-statement.md", "2022-04-note-verbale.docx"):
        assert name in r.text


def test_document_page_shows_the_text_and_its_passages(client, db):
    with Index.open(db, create=False) as index:
        [row] = [r for r in index.doc_rows() if r["path"].endswith("2023-04-statement.md")]
        text = index.document(row["num"]).text
    r = client.get(f"/documents/{row['id']}")
    assert r.status_code == 200
    assert "retaining wall of the tailings reservoir" in r.text
    assert re.search(r'id="p\d+"', r.text), "passages carry their anchors"
    assert text.split("\n")[0][:20] in r.text


def test_json_twins_are_the_views(client, db, family_id):
    corpus = client.get("/api/families").json()
    models.Corpus.model_validate(corpus)
    assert [f["id"] for f in corpus["families"]] == [family_id]
    family = client.get(f"/api/families/{family_id}").json()
    models.FamilyPage.model_validate(family)
    assert family["id"] == family_id
    assert family["collation"]["format"] == "variorum-collation"
    doc_id = family["witnesses"][0]["id"]
    document = client.get(f"/api/documents/{doc_id}").json()
    models.DocumentPage.model_validate(document)
    with Index.open(db, create=False) as index:
        settings = Settings()
        assert corpus == json.loads(json.dumps(lookup.corpus(index, settings)))
        assert document == json.loads(json.dumps(lookup.document(index, settings, doc_id)))


def test_healthz_counts_documents(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200
    with Index.open(db, create=False) as index:
        assert r.json() == {
            "status": "ok",
            "version": r.json()["version"],
            "documents": index.count("documents"),
        }


def test_unknown_ids_are_404_pages_and_json(client):
    for path in ("/families/fnothing", "/documents/dnothing", "/documents/%25", "/nowhere"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html")
        assert 'id="error-message"' in r.text
        assert "Traceback" not in r.text
    for path in ("/api/families/fnothing", "/api/documents/dnothing"):
        r = client.get(path)
        assert r.status_code == 404
        assert "no " in r.json()["detail"]
        assert ".db" not in r.json()["detail"], "the index path is not disclosed"


def test_a_prefix_is_not_an_address(client, family_id):
    assert client.get(f"/families/{family_id[:4]}").status_code == 404


# -- query ----------------------------------------------------------------------------------------


def test_api_query_answers_as_the_cli(client, db):
    text = query_text()
    r = client.post("/api/query", json={"text": text})
    assert r.status_code == 200
    with Index.open(db, create=False) as index:
        expected = pipeline.query(index, read_text(text), Settings(), changes=QUERY_CHANGES)
    assert r.json() == json.loads(json.dumps(expected, ensure_ascii=False))
    models.QueryResult.model_validate(r.json())
    assert r.json()["matches"] and r.json()["new"]


def test_api_query_refuses_empty_and_oversized_text(client):
    r = client.post("/api/query", json={"text": "   \n "})
    assert r.status_code == 400
    assert "empty" in r.json()["detail"]
    assert client.post("/api/query", json={"text": ""}).status_code == 422
    long = "word " * (models.MAX_QUERY_CHARS // 5 + 1)
    assert client.post("/api/query", json={"text": long}).status_code == 422


def test_query_page_marks_recycled_and_new_stretches(client, family_id):
    form = client.get("/query")
    assert form.status_code == 200
    for marker in ('id="query-form"', 'id="query-text"', 'id="query-file"', 'id="query-submit"'):
        assert marker in form.text
    r = client.post("/query", data={"text": query_text()})
    assert r.status_code == 200
    assert 'id="query-result"' in r.text
    recycled = re.findall(r'<mark class="stretch recycled[^"]*" data-kind="recycled"[^>]*>', r.text)
    new = re.findall(r'<span class="stretch new" data-kind="new"[^>]*>', r.text)
    assert recycled and new
    assert "The consequences were felt at once" in r.text
    # sources are linked at a stored passage of the document they were found in
    assert re.search(r'<a class="source" href="/documents/[^"#]+#p\d+"', r.text)
    assert f'href="/families/{family_id}"' in r.text
    coverage = float(re.search(r'data-coverage="([0-9.]+)"', r.text).group(1))
    assert 0 < coverage < 1


def test_query_stretches_cover_the_text_in_order(client):
    text = query_text()
    r = client.post("/query", data={"text": text})
    spans = [
        (int(a), int(b))
        for a, b in re.findall(r'data-kind="\w+" data-start="(\d+)" data-end="(\d+)"', r.text)
    ]
    assert spans == sorted(spans)
    assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(spans))


def test_query_page_reads_a_chosen_file(client):
    data = query_text().encode()
    r = client.post("/query", files={"file": ("op-ed.txt", data, "text/plain")}, data={"text": ""})
    assert r.status_code == 200
    assert 'data-kind="recycled"' in r.text
    assert "op-ed.txt" in r.text


def test_query_page_refusals_keep_the_form(client):
    r = client.post("/query", data={"text": "  "})
    assert r.status_code == 400
    assert 'id="query-error"' in r.text and "paste a text" in r.text
    r = client.post("/query", files={"file": ("x.pdf", b"%PDF-1.7 broken", "application/pdf")})
    assert r.status_code == 400
    assert "x.pdf: malformed PDF" in r.text


# -- escaping -------------------------------------------------------------------------------------


def test_document_text_is_escaped_on_every_page(client, family_id, hostile_id):
    pages = {
        "corpus": client.get("/"),
        "family": client.get(f"/families/{family_id}"),
        "document": client.get(f"/documents/{hostile_id}"),
        "query": client.post("/query", data={"text": f"{SCRIPT}\n\n{PRESS.read_text(encoding='utf-8')}"}),
        "404": client.get(f"/documents/{quote(SCRIPT, safe='')}"),
    }
    for name, r in pages.items():
        assert r.status_code in {200, 404}, name
        assert SCRIPT not in r.text, name
        assert "<i>hostile" not in r.text, name
    for name in ("document", "query", "404"):
        assert ESCAPED in pages[name].text, name
    assert "&lt;i&gt;hostile" in pages["corpus"].text
    # the query found the hostile version among the sources
    assert f'data-doc="{hostile_id}"' in pages["query"].text


def test_pages_forbid_inline_scripts_without_the_nonce(client):
    r = client.get("/")
    assert "script-src 'nonce-" in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


# -- uploads --------------------------------------------------------------------------------------


def test_upload_adds_documents_and_reports_them(tmp_path):
    with fresh_client(tmp_path) as client:
        assert 'id="upload-files"' in client.get("/upload").text
        before = count_documents(client)
        files = [
            ("files", ("statement.md", (EXAMPLES / "2023-04-statement.md").read_bytes(), "text/markdown")),
            (
                "files",
                (
                    "note.docx",
                    (EXAMPLES / "2022-04-note-verbale.docx").read_bytes(),
                    "application/octet-stream",
                ),
            ),
            ("files", ("again.txt", PRESS.read_bytes(), "text/plain")),
        ]
        r = client.post("/upload", files=files)
        assert r.status_code == 200
        assert 'data-added="2"' in r.text and 'data-duplicates="1"' in r.text
        assert count_documents(client) == before + 2
        corpus = client.get("/api/families").json()
        assert any(
            {"statement.md", "note.docx"} <= {d["path"] for d in f["documents"]} for f in corpus["families"]
        )


def test_unreadable_uploads_are_refused_and_change_nothing(tmp_path):
    with fresh_client(tmp_path) as client:
        before = count_documents(client)
        with Index.open(tmp_path / "fresh.db", create=False) as index:
            skips = index.count("skips")
        files = [
            ("files", ("report.pdf", b"%PDF-1.4\n1 0 obj garbage", "application/pdf")),
            ("files", ("data.txt", bytes(range(256)) * 8, "text/plain")),
            ("files", ("empty.txt", b"", "text/plain")),
        ]
        r = client.post("/upload", files=files)
        assert r.status_code == 400
        assert "report.pdf: malformed PDF" in r.text
        assert "data.txt: binary file, not text" in r.text
        assert "empty.txt: empty file" in r.text
        assert 'id="upload-error"' in r.text
        assert count_documents(client) == before
        with Index.open(tmp_path / "fresh.db", create=False) as index:
            assert index.count("skips") == skips


def test_a_bad_file_among_good_ones_is_skipped_with_its_reason(tmp_path):
    with fresh_client(tmp_path) as client:
        before = count_documents(client)
        files = [
            ("files", ("good.md", (EXAMPLES / "2023-04-statement.md").read_bytes(), "text/markdown")),
            ("files", ("../../etc/bad.docx", b"not a zip", "application/octet-stream")),
        ]
        r = client.post("/upload", files=files)
        assert r.status_code == 200
        assert count_documents(client) == before + 1
        assert 'data-name="bad.docx" data-status="skipped"' in r.text
        assert "malformed DOCX" in r.text
        assert "../" not in r.text.split('id="upload-files-table"')[1]


def test_jsonl_upload_and_ids_with_slashes(tmp_path):
    with fresh_client(tmp_path) as client:
        lines = json.dumps({"id": "wire/2024/1", "text": PRESS.read_text(encoding="utf-8") + "\nWire copy."})
        r = client.post("/upload", files=[("files", ("wire.jsonl", (lines + "\n{oops\n").encode(), "x"))])
        assert r.status_code == 200
        assert "wire.jsonl:2" in r.text
        page = client.get(f"/documents/{quote('wire/2024/1', safe='')}")
        assert page.status_code == 200
        assert client.get(f"/api/documents/{quote('wire/2024/1', safe='')}").json()["id"] == "wire/2024/1"


def test_oversize_upload_is_413_naming_the_limit(tmp_path):
    with fresh_client(tmp_path, max_upload_bytes=4096) as client:
        before = count_documents(client)
        r = client.post("/upload", files=[("files", ("big.txt", b"word " * 2000, "text/plain"))])
        assert r.status_code == 413
        assert "4 KiB (4,096 bytes)" in r.text
        assert count_documents(client) == before
        r = client.post("/api/query", json={"text": "word " * 2000})
        assert r.status_code == 413
        assert "4,096 bytes" in r.json()["detail"]

        def chunks():
            for _ in range(10):
                yield b"x" * 1000

        r = client.post("/api/query", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_cross_site_posts_are_refused(tmp_path):
    with fresh_client(tmp_path) as client:
        before = count_documents(client)
        files = [("files", ("s.md", (EXAMPLES / "2023-04-statement.md").read_bytes(), "text/markdown"))]
        r = client.post("/upload", files=files, headers={"origin": "http://evil.example"})
        assert r.status_code == 403
        assert count_documents(client) == before
        r = client.post("/upload", files=files, headers={"origin": "http://127.0.0.1"})
        assert r.status_code == 200


def test_pages_let_browsers_name_this_server_as_origin(client):
    # With "no-referrer" a browser posts the app's own forms with "Origin: null", which is refused.
    assert client.get("/query").headers["referrer-policy"] == "same-origin"
    r = client.post("/query", data={"text": "a few words"}, headers={"origin": "null"})
    assert r.status_code == 403


def test_readers_go_on_while_an_upload_writes(tmp_path):
    with fresh_client(tmp_path) as client:
        statuses: list[int] = []

        def read() -> None:
            for _ in range(5):
                statuses.append(client.get("/api/families").status_code)

        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        files = [("files", (p.name, p.read_bytes(), "x")) for p in sorted(EXAMPLES.glob("other/*"))]
        assert client.post("/upload", files=files).status_code == 200
        for t in threads:
            t.join()
        assert statuses == [200] * 20


# -- failures and the public surface -------------------------------------------------------------


def test_internal_errors_show_no_traceback(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /home/someone")

    with fresh_client(tmp_path, raise_server_exceptions=False) as client:
        monkeypatch.setattr(lookup, "corpus", broken)
        for path in ("/", "/api/families"):
            r = client.get(path)
            assert r.status_code == 500
            assert "Traceback" not in r.text and "secret detail" not in r.text
            assert "internal error" in r.text


def test_a_file_that_is_not_an_index_fails_at_startup(tmp_path):
    bad = tmp_path / "not.db"
    bad.write_bytes(b"hello, not sqlite" * 100)
    with pytest.raises(IndexError_, match=r"not\.db: not a variorum index"):
        create_app(bad)


def test_public_signatures():
    assert str(inspect.signature(create_app)) == (
        "(db_path: 'str | Path', settings: 'Settings | None' = None, max_upload_bytes: 'int' = 20971520, "
        "allowed_hosts: 'Iterable[str]' = ()) -> 'FastAPI'"
    )
    assert str(inspect.signature(serve)) == (
        "(db: 'Path', host: 'str' = '127.0.0.1', port: 'int' = 8000, settings: 'Settings | None' = None, "
        "allow_hosts: 'Sequence[str]' = ()) -> 'None'"
    )


def test_no_route_reads_a_path_or_serves_files(client):
    paths = {getattr(r, "path", "") for r in client.app.routes}
    assert not any("static" in p for p in paths)
    for probe in ("/documents/..%2F..%2Fetc%2Fpasswd", "/../../etc/passwd", "/families/%2e%2e"):
        r = client.get(probe)
        assert r.status_code == 404
        assert "root:" not in r.text


def test_upload_of_many_small_files_counts_each(tmp_path):
    with fresh_client(tmp_path) as client:
        files = [
            ("files", (f"n{i}.txt", io.BytesIO(f"Note {i}: the committee met.".encode()), "text/plain"))
            for i in range(5)
        ]
        r = client.post("/upload", files=files)
        assert r.status_code == 200
        assert 'data-added="5"' in r.text


def test_stretches_cut_overlapping_sources_and_cover_the_text():
    from variorum.web.highlight import stretches

    text = "new words here. shared by both sources, then only one. more new."
    a = text.index("shared")
    b = text.index(", then")
    c = text.index(". more")

    def passage(start, end):
        return {
            "a_start": start,
            "a_end": end,
            "b_start": 0,
            "b_end": end - start,
            "identity": 1.0,
            "boilerplate": False,
        }

    def doc(i, date):
        return {"id": i, "path": f"{i}.txt", "title": None, "date": date, "languages": []}

    result = {
        "matches": [
            {"document": doc("late", "2024-01-01"), "passages": [passage(a, c)]},
            {"document": doc("early", "2020-01-01"), "passages": [passage(a, b)]},
        ],
        "new": [
            {"start": 0, "end": a - 1, "words": 3, "text": text[: a - 1]},
            {"start": c + 2, "end": len(text), "words": 2, "text": ""},
        ],
    }
    out = stretches(text, result, {("late", 0, c - a): "p7"})
    assert "".join(s["text"] for s in out) == text
    kinds = [(s["kind"], [x["document"] for x in s["sources"]]) for s in out]
    assert kinds == [
        ("new", []),
        ("plain", []),
        ("recycled", ["early", "late"]),
        ("recycled", ["late"]),
        ("plain", []),
        ("new", []),
    ]
    assert out[3]["sources"][0]["anchor"] == "p7" and out[3]["sources"][0]["number"] == 1
