"""The JSON API against its own OpenAPI schema: generated requests never cause a 5xx, and every
response conforms to the documented status codes, content types and response models.

Schemathesis reads the schema when this module is imported (its lazy, fixture-based loader does
not work with this pytest), so the app is made at import, on an empty index in a temporary
folder, and a module fixture fills that index with the examples before any case runs.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from variorum import pipeline
from variorum.config import Settings
from variorum.ingest import read_inputs
from variorum.store.index import Index
from variorum.web import create_app

from conftest import EXAMPLES

FOLDER = Path(tempfile.mkdtemp(prefix="variorum-api-schema-"))
atexit.register(shutil.rmtree, FOLDER, ignore_errors=True)  # also when the fixture never runs
# schemathesis names the app "testserver", which it must be told to answer to.
APP = create_app(FOLDER / "api.db", Settings(), allowed_hosts=["testserver"])
# A schema-valid text can still hold nothing to look up ("\x0f" is empty once extracted): the API
# answers it with its documented 400, as `variorum query` refuses it, so 400 counts as a proper
# answer to valid data here; every other check keeps its defaults.
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}}}
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def examples_indexed():
    with Index.open(FOLDER / "api.db", create=False) as index:
        pipeline.add(index, read_inputs([str(EXAMPLES)]), Settings(workers=1))
    yield
    APP.state.index.close()
    shutil.rmtree(FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()


def test_every_api_route_is_documented_with_a_response_model():
    spec = APP.openapi()
    operations = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    assert operations == {
        ("GET", "/healthz"),
        ("GET", "/api/families"),
        ("GET", "/api/families/{family_id}"),
        ("GET", "/api/documents/{doc_id}"),
        ("POST", "/api/query"),
    }
    for path, item in spec["paths"].items():
        for method, op in item.items():
            ok = op["responses"]["200"]["content"]["application/json"]["schema"]
            assert "$ref" in ok, (method, path)
    query = spec["paths"]["/api/query"]["post"]
    assert set(query["responses"]) >= {"200", "400", "413", "422"}
    body = spec["components"]["schemas"]["QueryRequest"]["properties"]["text"]
    assert body["maxLength"] == 1_000_000
