"""A real server on loopback for tests: uvicorn in a thread, an HTTP client and a WebSocket client."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from websockets.sync.client import ClientConnection, connect

from api.app import create_app
from graphsvc.settings import Settings


class Live:
    """A running server: ``url``, ``ws_url`` and helpers for GraphQL over HTTP and WebSocket."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}/graphql"
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def graphql(self, query: str, key: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        r = self.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def data(self, query: str, key: str | None = None, **variables: Any) -> dict[str, Any]:
        answer = self.graphql(query, key, **variables)
        assert "errors" not in answer, answer["errors"]
        return dict(answer["data"])

    @contextmanager
    def subscribe(self, query: str, key: str | None = None, **variables: Any) -> Iterator[ClientConnection]:
        """A graphql-transport-ws connection with one subscription (id "1") started."""
        with connect(self.ws_url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
            ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"} if key else {}}))
            assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
            ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}))
            time.sleep(0.3)  # the server starts tailing the event log before the test makes events
            yield ws


def next_messages(ws: ClientConnection, until: str, timeout: float = 60) -> list[dict[str, Any]]:
    """Messages of subscription "1" up to the event whose subject is ``until`` (or an error / completion)."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        out.append(msg)
        if msg["type"] != "next" or msg["payload"].get("errors"):
            return out
        if msg["payload"]["data"]["events"]["subject"] == until:
            return out


@contextmanager
def live_server(settings: Settings) -> Iterator[Live]:
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on",
                                           ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    live = Live(port)
    try:
        yield live
    finally:
        live.http.close()
        server.should_exit = True
        thread.join(20)
