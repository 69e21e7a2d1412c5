"""Errors of graphsvc, one hierarchy.

::

    GraphError                      message, where, suggestion; exit code
    ├── InputError                  bad input from the user (exit 2)
    │   ├── PathError               a path that is missing, not a directory, unreadable
    │   ├── LanguageError           an unknown language name
    │   ├── SettingsError           a malformed setting or store URL
    │   ├── ReportError             a malformed or truncated SARIF report (names the JSON path)
    │   ├── PolicyError             a policy file that is unreadable or holds an invalid CEL rule
    │   ├── SigningKeyError         a missing or unusable attestation key
    │   └── SignatureError          an attestation whose signature does not verify (says why)
    │   └── QueryError              a read query (API, CLI, editor) that cannot be answered
    │       ├── NotFound            an unknown id, file or position
    │       └── LimitExceeded       a page size, depth or result size over its bound
    ├── StoreError                  the store (exit 3)
    │   ├── StoreUnavailable        cannot be reached, refused the credentials, or is locked
    │   │   └── StoreMissing        the embedded store file does not exist yet
    │   ├── SchemaVersionError      holds a graph of another schema version
    │   └── WriteConflict           another writer changed the repo since this run read it
    ├── RegistryError               the language table or a query file is inconsistent (exit 4)
    └── Interrupted                 the run was stopped by the user (exit 130)

A message says what, where and what to do; the CLI prints it as one line.
"""

from __future__ import annotations

import re

__all__ = [
    "GraphError",
    "InputError",
    "Interrupted",
    "interrupt_handled",
    "LanguageError",
    "LimitExceeded",
    "NotFound",
    "PathError",
    "PolicyError",
    "ReportError",
    "SignatureError",
    "SigningKeyError",
    "QueryError",
    "RegistryError",
    "SchemaVersionError",
    "SettingsError",
    "StoreError",
    "StoreMissing",
    "StoreUnavailable",
    "WriteConflict",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class GraphError(Exception):
    """Base of every error graphsvc raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None, suggestion: str | None = None) -> None:
        self.message = message
        self.where = where
        self.suggestion = suggestion
        super().__init__(self.line())

    def line(self) -> str:
        """The one-line form: ``<message> in <where> — <suggestion>``."""
        text = self.message
        if self.where:
            text += f" in {self.where}"
        if self.suggestion:
            text += f" — {self.suggestion}"
        # A value from the request (an id with a newline) must not break the line: control
        # characters are written as escapes.
        return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class InputError(GraphError):
    """Bad input from the user."""

    exit_code = 2


class PathError(InputError):
    """A path that does not exist, is not a directory, or cannot be read."""


class LanguageError(InputError):
    """An unknown language name."""


class SettingsError(InputError):
    """A malformed setting or store URL."""


class ReportError(InputError):
    """A SARIF report that is not valid JSON or not SARIF 2.1.0; ``where`` is the file and JSON path."""


class PolicyError(InputError):
    """A policy file that cannot be read, or a rule whose CEL expression does not compile."""


class SigningKeyError(InputError):
    """The attestation key named in the settings is missing or is not an Ed25519 key."""


class SignatureError(InputError):
    """An attestation whose signature or payload does not verify."""


class QueryError(InputError):
    """A read query that cannot be answered as asked; ``code`` is its GraphQL ``extensions.code``."""

    code = "BAD_USER_INPUT"


class NotFound(QueryError):
    """An unknown id, file or position."""

    code = "NOT_FOUND"


class LimitExceeded(QueryError):
    """A page size, traversal depth or result size over its bound."""

    code = "LIMIT_EXCEEDED"


class StoreError(GraphError):
    """The store failed."""

    exit_code = 3


class StoreUnavailable(StoreError):
    """The store cannot be reached, refused the credentials, or is locked by another process."""


class StoreMissing(StoreUnavailable):
    """The embedded store file does not exist yet (nothing was ever ingested there)."""


class SchemaVersionError(StoreError):
    """The store holds a graph written with another schema version."""


class WriteConflict(StoreError):
    """Another writer changed the repo between this run's read and its write; the run starts over."""


class RegistryError(GraphError):
    """The language table or a query file is inconsistent."""

    exit_code = 4


class Interrupted(GraphError):
    """The run was stopped by the user; the store is left as it was before the interrupted write."""

    exit_code = 130


def interrupt_handled() -> None:
    """Tell the interpreter that a Ctrl-C was caught and dealt with, so that the process ends with the
    exit code it chooses (130, or 0 for a watcher that was told to stop).

    CPython 3.11 ends a process by SIGINT, whatever its ``sys.exit``, once a ``KeyboardInterrupt`` has
    left code it ran from a string (``exec``/``eval`` of a string: a dataclass or named tuple being
    defined by a module imported at that moment) and the process runs a module (``python -m``). The
    flag it sets for that is ``_Py_UnhandledKeyboardInterrupt``; it is cleared here. An interpreter
    that does not export it (another version or implementation) keeps its own behaviour: a shell
    reports the death by SIGINT as 130 too."""
    import ctypes

    try:
        ctypes.c_int.in_dll(ctypes.pythonapi, "_Py_UnhandledKeyboardInterrupt").value = 0
    except (ValueError, AttributeError, OSError):
        pass
