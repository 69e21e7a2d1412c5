"""The HTTP service: health, correlation ids, limits and errors as clients see them."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path

import pytest
from graphql import GraphQLError

from api.app import create_app
from api.schema import MAX_QUERY_DEPTH, _coded
from graphsvc.settings import Settings
from tests.api.conftest import ApiClient

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
BASE_SAVE = "sym:repo:shop/shop:shop/models.py#Base.save"


def _nested_callers(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"callers {{ items {{ from {{ ... on Symbol {{ {inner} }} }} }} }}"
    return f'{{ symbol(id: "{BASE_SAVE}") {{ {inner} }} }}'


def test_health_and_readiness(ladybug_client: ApiClient) -> None:
    assert ladybug_client.get("/healthz").json() == {"status": "ok"}
    ready = ladybug_client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_a_missing_store_is_not_ready_and_queries_say_so_with_a_code(tmp_path: Path) -> None:
    client = ApiClient(create_app(Settings(store=f"ladybug://{tmp_path / 'missing.lbug'}")))
    try:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
        assert ready.json()["error"]["code"] == "STORE_UNAVAILABLE"
        answer = client.graphql("{ projects { items { id } } }")
        error = answer["errors"][0]
        assert error["extensions"] == {"code": "STORE_UNAVAILABLE"}
        assert error["message"] == f"no graph at {tmp_path / 'missing.lbug'} — run `graph ingest PATH` first"
        search = client.get("/api/search", params={"q": "x"})
        assert search.status_code == 503 and search.json()["error"]["code"] == "STORE_UNAVAILABLE"
    finally:
        client.close()
    assert not (tmp_path / "missing.lbug").exists()


def test_correlation_id_is_echoed_when_given(ladybug_client: ApiClient) -> None:
    r = ladybug_client.get("/healthz", headers={"X-Correlation-ID": "req-42.a_b"})
    assert r.headers["X-Correlation-ID"] == "req-42.a_b"
    r = ladybug_client.post("/graphql", json={"query": "{ projects { hasMore } }"}, headers={"X-Correlation-ID": "q-1"})
    assert r.headers["X-Correlation-ID"] == "q-1"


@pytest.mark.parametrize("given", [None, "has spaces", "x" * 129, "semi;colon"])
def test_correlation_id_is_generated_when_missing_or_not_a_plain_token(ladybug_client: ApiClient,
                                                                       given: str | None) -> None:
    headers = {"X-Correlation-ID": given} if given is not None else {}
    for path in ("/healthz", "/api/search?q=save", "/nope"):
        cid = ladybug_client.get(path, headers=headers).headers["X-Correlation-ID"]
        assert UUID4.fullmatch(cid) and uuid.UUID(cid).version == 4


def test_log_records_carry_the_correlation_id(ladybug_client: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        ladybug_client.post("/graphql", json={"query": '{ symbol(id: "sym:nope") { id } }'},
                            headers={"X-Correlation-ID": "trace-me"})
    mine = [r for r in caplog.records if r.name.startswith("api")]
    assert {r.name for r in mine} >= {"api.access", "api.graphql"}
    assert {getattr(r, "correlation_id", None) for r in mine} == {"trace-me"}


def test_unknown_id_is_a_clean_error_with_a_code(ladybug_client: ApiClient) -> None:
    r = ladybug_client.post("/graphql", json={"query": '{ callers(symbolId: "sym:repo:shop/shop:nope.py#f") '
                                                       '{ items { line } } }'})
    assert r.status_code == 200
    assert r.json() == {"data": {"callers": None}, "errors": [{
        "message": "no symbol, file or external with id 'sym:repo:shop/shop:nope.py#f' — ids look like "
                   "sym:repo:<project>/<repo>:<path>#<name>; find one with search",
        "locations": [{"line": 1, "column": 3}], "path": ["callers"], "extensions": {"code": "NOT_FOUND"}}]}
    assert "Traceback" not in r.text


def test_query_depth_is_limited(ladybug_client: ApiClient) -> None:
    assert "errors" not in ladybug_client.graphql(_nested_callers(3))
    answer = ladybug_client.graphql(_nested_callers(4))
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert f"deeper than {MAX_QUERY_DEPTH} levels" in answer["errors"][0]["message"]


@pytest.mark.parametrize(("args", "code", "message"), [
    ("limit: 501", "LIMIT_EXCEEDED", "limit 501 is over the maximum page size 500"),
    ("limit: 0", "BAD_USER_INPUT", "limit must be at least 1, got 0"),
    ("offset: -1", "BAD_USER_INPUT", "offset must be 0 or more, got -1"),
])
def test_page_bounds_are_enforced(ladybug_client: ApiClient, args: str, code: str, message: str) -> None:
    for field in (f'callers(symbolId: "{BASE_SAVE}", {args})', f"projects({args})"):
        answer = ladybug_client.graphql(f"{{ {field} {{ hasMore }} }}")
        assert answer["errors"][0]["extensions"]["code"] == code
        assert answer["errors"][0]["message"].startswith(message)
    assert ladybug_client.get("/api/references", params={"symbol": BASE_SAVE, "limit": 501}).status_code == 400


def test_malformed_documents_get_parse_and_validation_codes(ladybug_client: ApiClient) -> None:
    parse = ladybug_client.graphql("{ symbol(id: ")
    assert parse["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    invalid = ladybug_client.graphql("{ nope }")
    assert invalid["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_an_unexpected_error_tells_only_the_correlation_id() -> None:
    error = GraphQLError("boom", original_error=RuntimeError("secret detail /etc/passwd"))
    coded = _coded(error)
    assert coded.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret" not in coded.message and "correlation id" in coded.message


def test_graphiql_is_served_to_a_browser(ladybug_client: ApiClient) -> None:
    r = ladybug_client.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "graphiql" in r.text.lower()


def test_editor_errors_are_json_with_a_code_and_status(ladybug_client: ApiClient) -> None:
    r = ladybug_client.get("/api/definition", params={"repo": "shop/shop", "path": "shop/models.py", "line": 3,
                                                      "col": 0})
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "NOT_FOUND", "message": "no reference or definition at shop/models.py:3:0 in "
                                  "repo:shop/shop — put the position on a name: line 1-based, column 0-based"}}
    assert ladybug_client.get("/api/search", params={"q": "  "}).json()["error"]["code"] == "BAD_USER_INPUT"
