"""A synchronous handle on a real ``graph mcp`` process, through the ``mcp`` SDK's client.

The SDK's client is asynchronous and its transports must be entered and left in one task, so
the session lives in a task of an event loop on a thread of its own; tests call it through
``call``/``read``/``tools``, which wait for the answer::

    with McpClient.stdio(env) as client:
        result = client.call("callers", {"target": "shop.models.Base.save"})

Over HTTP the server is started as ``graph mcp --http --port N`` and the client connects to
``http://127.0.0.1:N/mcp``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

__all__ = ["ROOT", "McpClient", "error_text", "free_port", "payload", "wait_for_port"]

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Wait until something listens on 127.0.0.1:port; fail with the server's stderr if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise AssertionError(f"the server exited with {proc.returncode}: {err}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port} after {timeout}s")


def payload(result: CallToolResult) -> dict[str, Any]:
    """A successful tool answer's JSON."""
    assert not result.isError, result.content
    text = result.content[0].text  # type: ignore[union-attr]
    data: dict[str, Any] = json.loads(text)
    assert result.structuredContent == data
    return data


def error_text(result: CallToolResult) -> str:
    """A failed tool answer's message."""
    assert result.isError, result.content
    return str(result.content[0].text)  # type: ignore[union-attr]


class McpClient:
    """One MCP session with a ``graph mcp`` process."""

    def __init__(self, connect: Callable[[AsyncExitStack], Awaitable[ClientSession]],
                 server: subprocess.Popen[bytes] | None = None) -> None:
        self.server = server
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._stop = asyncio.Event()
        self._ready: asyncio.Future[ClientSession] = self._loop.create_future()
        self._main = asyncio.run_coroutine_threadsafe(self._hold(connect), self._loop)
        self.session = asyncio.run_coroutine_threadsafe(self._wait_ready(), self._loop).result(60)

    async def _wait_ready(self) -> ClientSession:
        return await asyncio.wait_for(asyncio.shield(self._ready), 60)

    async def _hold(self, connect: Callable[[AsyncExitStack], Awaitable[ClientSession]]) -> None:
        try:
            async with AsyncExitStack() as stack:
                session = await connect(stack)
                await session.initialize()
                self._ready.set_result(session)
                await self._stop.wait()
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            raise

    @classmethod
    def stdio(cls, env: dict[str, str], *args: str) -> McpClient:
        params = StdioServerParameters(command=sys.executable, args=["-m", "ingest_cli", "mcp", *args],
                                       cwd=str(ROOT), env={**os.environ, **env})

        async def connect(stack: AsyncExitStack) -> ClientSession:
            read, write = await stack.enter_async_context(stdio_client(params, errlog=sys.stderr))
            return await stack.enter_async_context(ClientSession(read, write))

        return cls(connect)

    @classmethod
    def http(cls, env: dict[str, str], *args: str) -> McpClient:
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "ingest_cli", "mcp", "--http", "--port", str(port), *args],
                                cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        wait_for_port(port, proc)

        async def connect(stack: AsyncExitStack) -> ClientSession:
            http = await stack.enter_async_context(httpx.AsyncClient(timeout=httpx.Timeout(60)))
            read, write, _ = await stack.enter_async_context(
                streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http))
            return await stack.enter_async_context(ClientSession(read, write))

        return cls(connect, server=proc)

    def _run(self, coro: Awaitable[T], timeout: float = 120) -> T:
        async def wrap() -> T:
            return await coro
        return asyncio.run_coroutine_threadsafe(wrap(), self._loop).result(timeout)

    def call(self, tool: str, arguments: dict[str, Any] | None = None) -> CallToolResult:
        return self._run(self.session.call_tool(tool, arguments or {}))

    def ok(self, tool: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        return payload(self.call(tool, arguments))

    def error(self, tool: str, arguments: dict[str, Any] | None = None) -> str:
        return error_text(self.call(tool, arguments))

    def tools(self) -> list[Any]:
        return list(self._run(self.session.list_tools()).tools)

    def read(self, uri: str) -> str:
        result = self._run(self.session.read_resource(uri))  # type: ignore[arg-type]
        return str(result.contents[0].text)  # type: ignore[union-attr]

    def resources(self) -> tuple[list[Any], list[Any]]:
        return (list(self._run(self.session.list_resources()).resources),
                list(self._run(self.session.list_resource_templates()).resourceTemplates))

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        try:
            self._main.result(30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()
            if self.server is not None:
                self.server.terminate()
                try:
                    self.server.wait(15)
                except subprocess.TimeoutExpired:
                    self.server.kill()
                    self.server.wait()
                if self.server.stderr:
                    self.server.stderr.close()

    def __enter__(self) -> McpClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
