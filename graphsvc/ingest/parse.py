"""Parse: turn source files into file facts, in worker processes.

Each worker compiles the tags query of a language once and reads files itself
(nothing but paths cross the process boundary on the way in). A syntax error never
stops a run: tree-sitter recovers and the adapter reports the error count.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tree_sitter import QueryCursor

from graphsvc import specs
from graphsvc.model import FileFacts
from parsers import registry

__all__ = ["POOL_THRESHOLD", "ParseFailure", "parse_files", "parse_path", "parse_source", "quiet_worker",
           "sigint_held", "starting_workers", "worker_context"]

# Below this many files a pool costs more than it saves.
POOL_THRESHOLD = 48


class ParseFailure(Exception):
    """A file that could not be parsed (it vanished, or the adapter failed on it)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def parse_source(lang: str, path: str, source: bytes) -> FileFacts:
    """Parse one file's bytes with the adapter of ``lang``."""
    parser, query = registry.compiled(lang)
    tree = parser.parse(source)
    spec = registry.by_name(lang)
    assert spec is not None
    matches = QueryCursor(query).matches(tree.root_node)
    facts = spec.extract(path, source, tree.root_node, matches)
    return specs.with_tasks(lang, facts, tree.root_node, source)


def parse_path(args: tuple[str, str, str]) -> FileFacts | ParseFailure:
    """Read and parse one file, ``(root, path, lang)``: its facts, or why there are none."""
    root, path, lang = args
    try:
        source = Path(root, path).read_bytes()
    except OSError as exc:
        return ParseFailure(path, f"unreadable ({exc.strerror or exc.__class__.__name__})")
    try:
        return parse_source(lang, path, source)
    except RecursionError:
        return ParseFailure(path, "nesting too deep to index")


def worker_context() -> Any:
    """The multiprocessing context parse workers start from: on POSIX a fork server, started with
    Ctrl-C ignored and ``graphsvc.ingest.workers`` imported.

    A fork server's children get back the Ctrl-C handler the server had when it started, and keep
    it until ``quiet_worker`` runs in them: a Ctrl-C in between (their imports, some 70 ms) ended a
    worker with a traceback, and a run that missed the interrupt then failed on the dead worker. A
    server started with Ctrl-C ignored hands that on (an ignored signal stays ignored across
    ``exec``), so a worker ignores it from its first instruction; the run takes it and stops its
    workers (``Workers.close``). Importing the worker's modules in the server once (``preload``)
    saves each worker doing it. Call it from the main thread, which alone may set a handler (from
    another, the server starts as it would have anyway).
    """
    import multiprocessing

    if os.name != "posix":
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():
        return ctx
    with sigint_held():  # blocked, a Ctrl-C meanwhile stays pending (Linux) and is taken afterwards
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            ctx.set_forkserver_preload(["graphsvc.ingest.workers"])
            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
    return ctx


@contextmanager
def sigint_held() -> Iterator[None]:
    """Hold Ctrl-C back from this thread while it starts worker processes, which inherit the held
    signal: one that arrives while a worker (or the fork server) is still starting up would
    otherwise end it with a traceback before ``quiet_worker`` runs. A Ctrl-C held back is taken
    when this ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def starting_workers() -> Iterator[None]:
    """Start worker processes here: with Ctrl-C held back (``sigint_held``), and without this process's
    main module.

    A child of a fork server (or of ``spawn``) imports the main module of the process that started
    it again, before it runs anything: ``graph``'s console script imports the whole command line
    (0.08 s a worker), a benchmark's its own harness. A worker runs ``graphsvc`` code on arguments of
    built-in types and needs nothing of it, so the main module is out of ``sys.modules`` while the
    workers start (``multiprocessing.spawn.get_preparation_data`` then names none to import).
    """
    main = sys.modules.get("__main__")
    hidden = main is not None and (getattr(main, "__spec__", None) is not None or hasattr(main, "__file__"))
    with sigint_held():
        if hidden:
            sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if hidden:
                sys.modules["__main__"] = main  # type: ignore[assignment]


def quiet_worker() -> None:
    """Set up a worker process. Its facts leave it or wait for the run's next request, and hold no
    cycles: the cyclic collector would only rescan them (about a tenth of a worker's time). Ctrl-C
    reaches the whole process group: the run takes it and stops its workers, rather than each
    worker printing where the interrupt found it."""
    gc.disable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def parse_files(root: Path, items: list[tuple[str, str]], workers: int) -> Iterator[FileFacts | ParseFailure]:
    """Parse ``(path, lang)`` items under ``root``; yields facts or failures, in input order."""
    args = [(str(root), path, lang) for path, lang in items]
    if workers <= 1 or len(args) < POOL_THRESHOLD:
        for a in args:
            yield parse_path(a)
        return
    chunk = max(1, min(64, len(args) // (workers * 8)))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(), initializer=quiet_worker)
    try:
        with starting_workers():  # ``map`` submits every file, which starts the workers
            results = pool.map(parse_path, args, chunksize=chunk)
        yield from results
    finally:
        # A run that stops early (Ctrl-C, an error) drops the files not handed out yet: ``map``
        # submitted them all, and the pool would parse every one before shutting down.
        pool.shutdown(wait=True, cancel_futures=True)
