"""API keys: who may write, and (when reads are closed) who may read.

Keys come from settings (``api_keys``, kept only as sha256 digests once read, or
``api_key_hashes``); a request presents one as ``Authorization: Bearer KEY`` (a WebSocket
client may put ``{"Authorization": "Bearer KEY"}`` in its ``connection_init`` payload, since
browsers cannot set headers on a WebSocket). Keys are compared as digests in constant time and
never logged.

Every mutation needs a key when keys are configured: ``RequireKeys`` checks the operation type
of each GraphQL document before it executes, so a mutation that any area adds is covered without
doing anything itself. With ``read_access = "key"``, queries, subscriptions and the editor
endpoints need one too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graphsvc.errors import QueryError
from graphsvc.settings import Settings

__all__ = ["KeyCheck", "RequireKeys", "Unauthenticated", "hash_key"]


class Unauthenticated(QueryError):
    """A request without a valid API key where one is needed."""

    code = "UNAUTHENTICATED"


def hash_key(key: str) -> str:
    """The sha256 hex digest of a key, as ``api_key_hashes`` holds it."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyCheck:
    """The configured keys, as digests, and the rule for reads."""

    def __init__(self, settings: Settings) -> None:
        self._digests = [hash_key(k.get_secret_value()) for k in settings.api_keys]
        self._digests += [h.strip().lower().removeprefix("sha256:") for h in settings.api_key_hashes]
        self.reads_closed = settings.read_access == "key"

    @property
    def configured(self) -> bool:
        """True when any key is configured (otherwise everything is open)."""
        return bool(self._digests)

    def valid(self, authorization: str | None) -> bool:
        """True when ``authorization`` is ``Bearer <a configured key>`` (every digest is compared)."""
        if not authorization:
            return False
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        presented = hash_key(token.strip())
        ok = False
        for digest in self._digests:
            ok |= hmac.compare_digest(presented, digest)
        return ok

    def may(self, authorization: str | None, write: bool) -> bool:
        """True when a request with this header may read (``write=False``) or write."""
        if not self.configured or (not write and not self.reads_closed):
            return True
        return self.valid(authorization)

    def require(self, authorization: str | None, write: bool) -> None:
        """Raise ``Unauthenticated`` unless the request may go on."""
        if not self.may(authorization, write):
            what = "mutations need" if write else "this server's reads need"
            raise Unauthenticated(f"{what} an API key",
                                  suggestion="send the header `Authorization: Bearer <key>`")


def authorization_of(context: Any) -> str | None:
    """The Authorization a GraphQL request carries: its header, or its WebSocket connection payload."""
    params = getattr(context, "connection_params", None)
    if isinstance(params, Mapping):
        for key in ("Authorization", "authorization"):
            if isinstance(params.get(key), str):
                return str(params[key])
    request = getattr(context, "request", None)
    headers = getattr(request, "headers", None)
    return headers.get("authorization") if headers is not None else None


class RequireKeys(SchemaExtension):
    """Refuse a mutation (or, when reads are closed, a query) without a valid key, before it executes."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        keys: KeyCheck | None = getattr(ctx.context, "keys", None)
        op = ctx.operation_type
        if keys is not None and op is not OperationType.SUBSCRIPTION:
            write = op is OperationType.MUTATION
            if not keys.may(authorization_of(ctx.context), write):
                error = Unauthenticated("mutations need an API key" if write else "this server's reads need an API key",
                                        suggestion="send the header `Authorization: Bearer <key>`")
                ctx.result = ExecutionResult(data=None, errors=[GraphQLError(
                    error.line(), original_error=error, extensions={"code": error.code})])
        yield
