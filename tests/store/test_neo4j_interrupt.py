"""A Ctrl-C inside a Neo4j driver call reaches the caller as the interrupt it is, not as the error the
driver's cleanup after it raises (``graphsvc/store/neo4j.py``, ``_keeps_ctrl_c``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graphsvc.errors import StoreError
from graphsvc.store.neo4j import _keeps_ctrl_c

ROOT = Path(__file__).resolve().parents[2]


def test_an_error_raised_while_a_ctrl_c_is_handled_is_the_ctrl_c() -> None:
    @_keeps_ctrl_c
    def cleanup_fails() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise BufferError("Existing exports of data: object cannot be re-sized") from None

    @_keeps_ctrl_c
    def refused_after_it() -> None:
        try:
            try:
                raise KeyboardInterrupt
            finally:
                raise RuntimeError("BeginMessage cannot be handled by a session in the IN_TRANSACTION state")
        except RuntimeError as exc:
            raise StoreError("Neo4j refused a statement") from exc

    @_keeps_ctrl_c
    def refused() -> None:
        raise StoreError("Neo4j refused a statement")

    with pytest.raises(KeyboardInterrupt):
        cleanup_fails()
    with pytest.raises(KeyboardInterrupt) as caught:
        refused_after_it()
    assert isinstance(caught.value.__cause__, StoreError)
    with pytest.raises(StoreError):
        refused()


_INTERRUPTED = """
import os, signal, sys, threading
from graphsvc.settings import Settings
from graphsvc.store import open_store

settings = Settings(store=sys.argv[1], neo4j_user=sys.argv[2], neo4j_password=sys.argv[3])
with open_store(settings) as store:
    interrupted = 0
    for delay in (0.002, 0.005, 0.02, 0.05, 0.1):
        timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
        try:
            timer.start()
            while True:  # until the interrupt lands, wherever in the driver it does
                store.read_only_cypher("UNWIND range(1, 200000) AS x RETURN sum(x) AS s", {}, max_rows=1,
                                       timeout=30.0)
        except KeyboardInterrupt:
            interrupted += 1
        timer.join()
    print(interrupted, store.read_only_cypher("RETURN 1 AS one", {}, max_rows=1, timeout=30.0).rows)
"""


@pytest.mark.neo4j
def test_ctrl_c_during_a_query_is_an_interrupt_and_the_store_still_answers(neo4j_server: Any) -> None:
    # In a process of its own: an interrupt cuts the driver's cleanup short, and the sessions and
    # sockets it was closing are left to the garbage collector, which warns of them.
    done = subprocess.run([sys.executable, "-c", _INTERRUPTED, neo4j_server.uri, neo4j_server.user,
                           neo4j_server.password], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5 ((1,),)", done.stderr
