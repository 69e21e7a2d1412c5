"""A Ctrl-C during a Neo4j driver call is held back from the driver and reaches the caller as the
interrupt it is once the call is done, and a second one at once; one that reached the driver all the
same is not replaced by the error the driver's cleanup after it raises (``graphsvc/store/neo4j.py``,
``_CtrlC``, ``_keeps_ctrl_c``)."""

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
import os, signal, sys, threading, traceback
import neo4j
from graphsvc.settings import Settings
from graphsvc.store import open_store

driver_dir = os.path.dirname(neo4j.__file__)

settings = Settings(store=sys.argv[1], neo4j_user=sys.argv[2], neo4j_password=sys.argv[3])
with open_store(settings) as store:
    interrupted = in_driver = 0
    for delay in (0.002, 0.005, 0.02, 0.05, 0.1):
        timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
        try:
            timer.start()
            while True:  # until the interrupt lands, wherever in the driver it does
                store.read_only_cypher("UNWIND range(1, 200000) AS x RETURN sum(x) AS s", {}, max_rows=1,
                                       timeout=30.0)
        except KeyboardInterrupt as exc:
            interrupted += 1
            in_driver += traceback.extract_tb(exc.__traceback__)[-1].filename.startswith(driver_dir)
        timer.join()
    print(interrupted, in_driver, store.read_only_cypher("RETURN 1 AS one", {}, max_rows=1, timeout=30.0).rows)
"""


@pytest.mark.neo4j
def test_ctrl_c_during_a_query_is_an_interrupt_and_the_store_still_answers(neo4j_server: Any) -> None:
    # In a process of its own: an interrupt cuts the driver's cleanup short, and the sessions and
    # sockets it was closing are left to the garbage collector, which warns of them.
    done = subprocess.run([sys.executable, "-c", _INTERRUPTED, neo4j_server.uri, neo4j_server.user,
                           neo4j_server.password], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    # Five interrupts, none raised inside the driver, and the store answers after them.
    assert done.stdout.strip() == "5 0 ((1,),)", done.stderr


_TWICE = """
import os, signal, sys, threading, time, traceback
from graphsvc.settings import Settings
from graphsvc.store import open_store

def frames(exc):  # the functions the interrupt went through, its causes' included
    seen = []
    while exc is not None:
        seen += [f.name for f in traceback.extract_tb(exc.__traceback__)]
        exc = exc.__cause__ or exc.__context__
    return seen

settings = Settings(store=sys.argv[1], neo4j_user=sys.argv[2], neo4j_password=sys.argv[3])
statement = "UNWIND range(1, 30000000) AS x RETURN sum(x) AS s"  # over a second of the server's time
with open_store(settings) as store:
    for signals in (1, 2):
        timer = threading.Timer(0.2, lambda n=signals: [os.kill(os.getpid(), signal.SIGINT) or time.sleep(0.05)
                                                          for _ in range(n)])
        timer.start()
        try:
            store.read_only_cypher(statement, {}, max_rows=1, timeout=60.0)
            print("not interrupted")
        except KeyboardInterrupt as exc:
            print(signals, "raised by", "the handler" if "_noted" in frames(exc) else frames(exc)[-1])
        timer.join()
    print(store.read_only_cypher("RETURN 1 AS one", {}, max_rows=1, timeout=30.0).rows)
"""


@pytest.mark.neo4j
def test_one_ctrl_c_waits_for_the_statement_and_a_second_stops_it(neo4j_server: Any) -> None:
    done = subprocess.run([sys.executable, "-c", _TWICE, neo4j_server.uri, neo4j_server.user,
                           neo4j_server.password], capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    # One Ctrl-C: raised by the store once the statement is done. Two: the second is raised where it
    # lands, inside the driver. The store answers after both.
    assert done.stdout.strip().splitlines() == ["1 raised by keeping", "2 raised by the handler", "((1,),)"], \
        done.stdout + done.stderr
