"""Correlation ids: one per HTTP request, on the response and on every log record it causes.

The id comes from the request's ``X-Correlation-ID`` header when that is a plain token
(letters, digits, ``.``, ``_``, ``-``; at most 128 characters), else it is a fresh uuid4, so a
client can follow its own id and a hostile header never reaches the log. Log records carry it
as ``record.correlation_id`` (``-`` outside a request), for formats such as
``%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HEADER", "LOG_FORMAT", "CorrelationIdMiddleware", "correlation_id", "install_log_records"]

HEADER = "X-Correlation-ID"
LOG_FORMAT = "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,128}")
_current: ContextVar[str] = ContextVar("correlation_id", default="-")
_access = logging.getLogger("api.access")


def correlation_id() -> str:
    """The id of the request being served, ``-`` outside one."""
    return _current.get()


def install_log_records() -> None:
    """Make every log record carry ``correlation_id`` (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_adds_correlation_id", False):
        return

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.correlation_id = _current.get()
        return record

    make._adds_correlation_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make)


class CorrelationIdMiddleware:
    """ASGI middleware: take or make the request's id, expose it, echo it on the response, log the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-correlation-id"), "")
        cid = given if _TOKEN.fullmatch(given) else str(uuid.uuid4())
        token = _current.set(cid)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-correlation-id"]
                headers.append((b"x-correlation-id", cid.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                _access.info("%s %s %s %.1fms", scope.get("method"), scope.get("path"), status,
                             (time.perf_counter() - started) * 1000)
            _current.reset(token)
