"""Schema fuzzing: generated documents (valid and invalid) against a real server on loopback, on both
stores. Whatever the document, the answer is JSON with coded, one-line errors: never a 500, a stack
trace or an internal detail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries

from api.errors import HTTP_STATUS
from api.schema import build_schema
from graphsvc.settings import Settings
from tests.ecosystem.live import Live, live_server

SCHEMA = build_schema().as_str()
LEAKS = re.compile(r"Traceback|File \"|\.py\b|line \d+, in|0x[0-9a-f]{6,}|RuntimeError|KeyError|TypeError|"
                   r"AttributeError|Binder exception|Neo\.ClientError|neo4j\.", re.I)
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def live(api_settings: Settings) -> Iterator[Live]:
    with live_server(api_settings.model_copy(update={"api_key_hashes": ["0" * 64]})) as server:
        yield server


def _check(live: Live, document: Any) -> None:
    response = live.http.post("/graphql", json={"query": str(document)})
    assert response.status_code != 500, (document, response.text)
    assert response.headers["content-type"].startswith("application/json"), (document, response.text)
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code in HTTP_STATUS and code != "INTERNAL_SERVER_ERROR", (document, error)
        assert "\n" not in error["message"] and not LEAKS.search(error["message"]), (document, error)


@FUZZ
@given(document=queries(SCHEMA))
def test_generated_queries(live: Live, document: Any) -> None:
    _check(live, document)


@FUZZ
@given(document=st.one_of(queries(SCHEMA, mode=Mode.NEGATIVE), mutations(SCHEMA, mode=Mode.NEGATIVE)))
def test_generated_invalid_documents(live: Live, document: Any) -> None:
    _check(live, document)


@FUZZ
@given(document=mutations(SCHEMA))
def test_generated_mutations_without_a_key_are_refused_cleanly(live: Live, document: Any) -> None:
    response = live.http.post("/graphql", json={"query": str(document)})
    assert response.status_code == 200, response.text
    assert response.json()["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "GRAPHQL_VALIDATION_FAILED",
                                                                  "QUERY_TOO_DEEP")
