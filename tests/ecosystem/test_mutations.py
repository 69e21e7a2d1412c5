"""Mutations, API keys and the events subscription over real HTTP and WebSocket, on both stores."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull, GraphQLScalarType, get_named_type, is_composite_type

from api.auth import hash_key
from api.schema import build_schema
from tests.ecosystem.conftest import ECO
from tests.ecosystem.live import live_server, next_messages

KEY = "k-3f9a1c0d8e7b6a5"
REGISTER = 'mutation($n: String!) { registerProject(name: $n) { id name created } }'
ADD = 'mutation($p: ID!, $path: String!) { addRepo(projectId: $p, path: $path) { id project root created } }'
INGEST = 'mutation($r: ID!, $inc: Boolean!) { ingest(repoId: $r, incremental: $inc) { repoId correlationId started } }'
EVENTS = ('subscription($s: String, $c: String) { events(subject: $s, correlationId: $c) '
          '{ id subject payload correlationId createdAt } }')
PROJECT = '{ project(id: "proj:web") { id repos { id files symbols } } }'


def _code(answer: dict[str, Any]) -> str:
    return str(answer["errors"][0]["extensions"]["code"])


def test_register_add_and_ingest_in_the_background_with_progress_events(eco_settings: Any, tmp_path: Path) -> None:
    repo = shutil.copytree(ECO / "ledger", tmp_path / "src" / "ledger")
    settings = eco_settings()
    with live_server(settings) as live:
        assert live.data(REGISTER, n="web")["registerProject"] == {"id": "proj:web", "name": "web", "created": True}
        assert live.data(REGISTER, n="web")["registerProject"]["created"] is False
        bad = live.graphql(REGISTER, n="../etc")
        assert _code(bad) == "BAD_USER_INPUT" and "'../etc' cannot be a project name" in bad["errors"][0]["message"]

        added = live.data(ADD, p="proj:web", path=str(repo))["addRepo"]
        assert added == {"id": "repo:web/ledger", "project": "proj:web", "root": str(repo.resolve()), "created": True}
        assert live.data(ADD, p="proj:web", path=str(repo))["addRepo"]["created"] is False
        assert _code(live.graphql(ADD, p="proj:none", path=str(repo))) == "NOT_FOUND"
        missing = live.graphql(ADD, p="proj:web", path=str(tmp_path / "nowhere"))
        assert _code(missing) == "BAD_USER_INPUT" and "nowhere is not a directory" in missing["errors"][0]["message"]
        assert _code(live.graphql(ADD, p="proj:web", path="relative/dir")) == "BAD_USER_INPUT"
        assert live.data(PROJECT)["project"]["repos"] == [{"id": "repo:web/ledger", "files": 0, "symbols": 0}]

        with live.subscribe(EVENTS, s="graph.>") as ws:
            run = live.data(INGEST, r="repo:web/ledger", inc=False)["ingest"]
            messages = next_messages(ws, until="graph.ingest.finished")
        assert run["repoId"] == "repo:web/ledger" and run["started"] is True
        events = [m["payload"]["data"]["events"] for m in messages]
        assert {e["correlationId"] for e in events} == {run["correlationId"]}
        subjects = [e["subject"] for e in events]
        assert subjects[0] == "graph.ingest.started" and subjects[-1] == "graph.ingest.finished"
        assert "graph.ingest.progress" in subjects and "graph.ecosystem.linked" in subjects
        progress = [e["payload"] for e in events if e["subject"] == "graph.ingest.progress"]
        assert progress[-1] == {"repo": "repo:web/ledger", "stage": "parse", "done": 3, "total": 3}
        assert events[-1]["payload"]["changed"] == 3
        assert live.data(PROJECT)["project"]["repos"] == [{"id": "repo:web/ledger", "files": 3, "symbols": 8}]
        assert _code(live.graphql(INGEST, r="repo:web/nope", inc=True)) == "NOT_FOUND"


def _dummy(t: Any) -> Any:
    t = t.of_type if isinstance(t, GraphQLNonNull) else t
    named = get_named_type(t)
    if isinstance(named, GraphQLInputObjectType):
        return {n: _dummy(f.type) for n, f in named.fields.items() if isinstance(f.type, GraphQLNonNull)}
    if isinstance(named, GraphQLScalarType):
        return {"Int": 1, "Float": 1.0, "Boolean": True}.get(named.name, "x")
    return list(named.values)[0]  # an enum


def _every_mutation() -> list[tuple[str, dict[str, Any]]]:
    """Each mutation field of the schema, called with made-up values for its required arguments."""
    schema = build_schema()._schema  # the graphql-core schema: every mutation any area adds
    out = []
    for name, field in schema.mutation_type.fields.items():
        args = {a: _dummy(f.type) for a, f in field.args.items() if isinstance(f.type, GraphQLNonNull)}
        decl = ", ".join(f"${a}: {f.type}" for a, f in field.args.items() if a in args)
        call = ", ".join(f"{a}: ${a}" for a in args)
        selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
        out.append((f"mutation{f'({decl})' if decl else ''} {{ {name}{f'({call})' if call else ''}{selection} }}",
                    args))
    return out


def test_every_mutation_needs_a_key_and_reads_stay_open(eco_settings: Any, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = eco_settings(api_keys=[KEY])
    with live_server(settings) as live:
        assert live.data(REGISTER, KEY, n="web")["registerProject"]["created"] is True
        mutations = _every_mutation()
        assert len(mutations) >= 3
        for query, args in mutations:
            for key in (None, "wrong", ""):
                answer = live.graphql(query, key, **args)
                assert answer["data"] is None and _code(answer) == "UNAUTHENTICATED", (query, answer)
                assert "Authorization: Bearer" in answer["errors"][0]["message"]
        # Nothing was written, and reads need no key.
        assert live.data("{ projects { items { id } } }")["projects"]["items"] == [{"id": "proj:web"}]
        assert live.http.get("/api/search", params={"q": "x"}).status_code == 200
        r = live.http.post("/graphql", json={"query": REGISTER, "variables": {"n": "x"}},
                           headers={"Authorization": f"Basic {KEY}"})
        assert r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert KEY not in caplog.text


def test_closed_reads_need_a_key_everywhere(eco_settings: Any) -> None:
    settings = eco_settings(api_key_hashes=[hash_key(KEY)], read_access="key")
    with live_server(settings) as live:
        assert live.data(REGISTER, KEY, n="api")["registerProject"]["created"] is True
        assert _code(live.graphql("{ projects { items { id } } }")) == "UNAUTHENTICATED"
        assert live.data("{ projects { items { id } } }", KEY)["projects"]["items"] == [{"id": "proj:api"}]
        denied = live.http.get("/api/search", params={"q": "x"})
        assert denied.status_code == 401 and denied.json()["error"]["code"] == "UNAUTHENTICATED"
        assert live.http.get("/api/search", params={"q": "x"},
                             headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        with live.subscribe(EVENTS, s="graph.project.registered") as ws:
            refused = json.loads(ws.recv(timeout=10))
        assert refused["type"] in ("error", "next")
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert "API key" in errors[0]["message"], refused
        with live.subscribe(EVENTS, KEY, s="graph.project.registered") as ws:
            live.data(REGISTER, KEY, n="web")
            got = next_messages(ws, until="graph.project.registered", timeout=20)
        assert got[-1]["payload"]["data"]["events"]["payload"] == {"project": "proj:web"}
