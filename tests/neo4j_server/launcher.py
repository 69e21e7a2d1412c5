"""Start and stop a real, throw-away Neo4j 5 server for the test suite.

The server is the small Java program next to this file (``TestServer.java``): an
embedded Neo4j 5.26 DBMS, built by Maven from Maven Central artifacts, that listens
for Bolt on a loopback port and requires the ``neo4j`` user's password. Nothing is
mocked.

This module uses the standard library only, so test fixtures and scripts can share it
without importing pytest::

    from tests.neo4j_server import launcher

    server = launcher.start()
    try:
        ...  # neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password))
    finally:
        launcher.stop(server)

Build strategy: a single ``mvn -q -B compile dependency:build-classpath`` run compiles
the one Java class into ``target/classes`` and writes the resolved dependency jars (in
``~/.m2``) to ``target/classpath.txt``. The server is then started with a plain
``java -cp`` command. This skips packaging a jar (no shade or assembly plugin, no
copying of ~160 MB of jars) and costs one Maven start-up per build; later calls reuse
the result until ``pom.xml`` or a Java source changes or a listed jar disappears.

Running the file directly starts a server and keeps it up until Ctrl-C::

    python tests/neo4j_server/launcher.py [--port N] [--password PW]

Requirements: a JDK 17+ (``java``; ``JAVA_HOME`` is honoured) and Maven 3 (``mvn``).
The first build downloads about 160 MB from Maven Central into ``~/.m2``.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = [
    "DEFAULT_PASSWORD",
    "HERE",
    "Neo4jServer",
    "Neo4jUnavailable",
    "build",
    "start",
    "stop",
]

HERE: Path = Path(__file__).resolve().parent
"""Directory of the Maven project (``pom.xml``, ``src/``, ``target/``)."""

DEFAULT_PASSWORD: str = "graphsvc-test"
"""Password given to the ``neo4j`` user when none is requested."""

USER: str = "neo4j"
MAIN_CLASS: str = "dev.graphsvc.TestServer"
JVM_OPTIONS: tuple[str, ...] = (
    "-Xms256m",
    "-Xmx768m",
    "-XX:+ExitOnOutOfMemoryError",
    # The same module openings the Neo4j distribution passes; without them the page
    # cache falls back to a slower mode and logs a warning.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dfile.encoding=UTF-8",
)
MVN_TIMEOUT: float = 1800.0
STOP_TIMEOUT: float = 30.0
STDERR_TAIL_LINES: int = 40

INSTALL_HINT: str = (
    "The test Neo4j server needs a JDK 17+ and Maven 3 on PATH "
    "(Debian/Ubuntu: `apt-get install -y openjdk-17-jdk-headless maven`; "
    "or set JAVA_HOME). Its first build downloads about 160 MB from Maven Central "
    "into ~/.m2."
)

_CLASSPATH_FILE = "classpath.txt"
_STAMP_FILE = ".build-stamp"
_LOCK_FILE = ".build.lock"
_build_mutex = threading.Lock()
_running: list[Neo4jServer] = []
_running_mutex = threading.Lock()


class Neo4jUnavailable(RuntimeError):
    """Raised when the test Neo4j server cannot be built or started."""


@dataclass(frozen=True)
class Neo4jServer:
    """A running test server.

    Attributes:
        uri: Bolt URI, e.g. ``bolt://127.0.0.1:40123``.
        user: User name to authenticate with (always ``neo4j``).
        password: Password of ``user``.
        process: The Java process running the DBMS.
        data_dir: Temporary Neo4j home directory (store files and Neo4j's logs under
            ``logs/``); removed by :func:`stop`.
    """

    uri: str
    user: str
    password: str
    process: subprocess.Popen[bytes]
    data_dir: Path

    @property
    def port(self) -> int:
        """Loopback port the Bolt connector listens on."""
        return int(self.uri.rsplit(":", 1)[1])

    @property
    def auth(self) -> tuple[str, str]:
        """``(user, password)``, ready for ``neo4j.GraphDatabase.driver(uri, auth=...)``."""
        return (self.user, self.password)


def find_java() -> str:
    """Locate the ``java`` executable.

    Returns:
        Path of ``$JAVA_HOME/bin/java`` if it exists, else ``java`` from ``PATH``.

    Raises:
        Neo4jUnavailable: If no Java runtime can be found.
    """
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise Neo4jUnavailable(f"`java` was not found. {INSTALL_HINT}")
    return found


def build(project_dir: Path = HERE) -> list[str]:
    """Build the server once and return the command that runs it.

    The build is skipped when a previous one is still valid: its stamp is newer than
    ``pom.xml`` and every Java source, the compiled main class exists and every jar on
    the recorded classpath is still present. Concurrent callers (threads or processes,
    e.g. pytest-xdist workers) wait on a file lock instead of building twice.

    Args:
        project_dir: Directory holding ``pom.xml``.

    Returns:
        The command-line prefix ``[java, <JVM options>, -cp, <classpath>, <main class>]``;
        append ``--port N --data DIR --password PW`` to run the server.

    Raises:
        Neo4jUnavailable: If Java or Maven is missing or the Maven build fails.
    """
    project_dir = Path(project_dir).resolve()
    java = find_java()
    target = project_dir / "target"
    with _build_mutex:
        target.mkdir(parents=True, exist_ok=True)
        with open(target / _LOCK_FILE, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                classpath = _cached_classpath(project_dir)
                if classpath is None:
                    _run_maven(project_dir)
                    classpath = _cached_classpath(project_dir)
                    if classpath is None:
                        raise Neo4jUnavailable(
                            f"Maven finished but {target} does not hold a usable build "
                            f"(compiled {MAIN_CLASS} and {_CLASSPATH_FILE})."
                        )
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    return [java, *JVM_OPTIONS, "-cp", classpath, MAIN_CLASS]


def _cached_classpath(project_dir: Path) -> str | None:
    """Return the full classpath of a valid earlier build, or None if a build is needed."""
    target = project_dir / "target"
    stamp = target / _STAMP_FILE
    classes = target / "classes"
    main_class = classes.joinpath(*MAIN_CLASS.split(".")).with_suffix(".class")
    classpath_file = target / _CLASSPATH_FILE
    if not (stamp.is_file() and main_class.is_file() and classpath_file.is_file()):
        return None
    inputs = [project_dir / "pom.xml", *sorted((project_dir / "src").rglob("*.java"))]
    newest_input = max(path.stat().st_mtime for path in inputs)
    if stamp.stat().st_mtime <= newest_input:
        return None
    jars = [entry for entry in classpath_file.read_text().strip().split(os.pathsep) if entry]
    if not jars or not all(os.path.exists(jar) for jar in jars):
        return None
    return os.pathsep.join([str(classes), *jars])


def _run_maven(project_dir: Path) -> None:
    """Compile the server and resolve its classpath with one Maven run."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jUnavailable(f"`mvn` was not found. {INSTALL_HINT}")
    target = project_dir / "target"
    (target / _STAMP_FILE).unlink(missing_ok=True)
    command = [
        mvn,
        "-q",
        "-B",
        "-Dstyle.color=never",
        "compile",
        "dependency:build-classpath",
        f"-Dmdep.outputFile={target / _CLASSPATH_FILE}",
    ]
    env = dict(os.environ)
    java = find_java()
    env.setdefault("JAVA_HOME", str(Path(os.path.realpath(java)).parent.parent))
    try:
        result = subprocess.run(
            command,
            cwd=project_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=MVN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise Neo4jUnavailable(
            f"Maven build of the test Neo4j server timed out after {MVN_TIMEOUT:.0f} s "
            f"in {project_dir}. {INSTALL_HINT}"
        ) from exc
    if result.returncode != 0:
        output = result.stdout.decode("utf-8", "replace").strip().splitlines()
        tail = "\n".join(output[-STDERR_TAIL_LINES:])
        raise Neo4jUnavailable(
            f"Maven build of the test Neo4j server failed (exit {result.returncode}): "
            f"{' '.join(command)}\n{tail}\n"
            "Check that Maven Central is reachable and JDK 17+ is used. " + INSTALL_HINT
        )
    (target / _STAMP_FILE).write_text(f"{time.time()}\n")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    port: int | None = None,
    password: str = DEFAULT_PASSWORD,
    timeout: float = 180,
) -> Neo4jServer:
    """Build if needed, then start a fresh Neo4j server on an empty temporary store.

    The call returns once the server has printed its ``READY`` line and its Bolt port
    accepts TCP connections. The server also exits by itself when this Python process
    dies, because its stdin (a pipe held by this process) is closed then.

    Args:
        port: Loopback port for Bolt; a free one is picked when None (and another one
            tried if that port is taken before the server binds it).
        password: Password set for the ``neo4j`` user.
        timeout: Seconds to wait for the server to become ready (the build is not
            counted).

    Returns:
        The running server; pass it to :func:`stop` when done.

    Raises:
        Neo4jUnavailable: If Java or Maven is missing, the build fails, or the server
            exits early or is not ready within ``timeout``.
    """
    if not password:
        raise ValueError("password must not be empty")
    command = build()
    attempts = 1 if port is not None else 3
    for attempt in range(1, attempts + 1):
        chosen = port if port is not None else free_port()
        try:
            return _start_once(command, chosen, password, timeout)
        except _PortInUse as exc:
            if attempt == attempts:
                raise Neo4jUnavailable(str(exc)) from None
    raise AssertionError("unreachable")


class _PortInUse(Exception):
    """The chosen port was taken; a retry with another port may succeed."""


def _start_once(command: list[str], port: int, password: str, timeout: float) -> Neo4jServer:
    """Start one server process on ``port`` and wait until it is ready."""
    data_dir = Path(tempfile.mkdtemp(prefix="graphsvc-neo4j-"))
    stderr_path = data_dir / "server.stderr.log"
    args = ["--port", str(port), "--data", str(data_dir), "--password", password]
    try:
        # The child keeps its own copy of the file descriptor after Popen returns.
        with open(stderr_path, "wb") as stderr_file:
            process = subprocess.Popen(
                [*command, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr_file,
                cwd=data_dir,
                # Own session: a Ctrl-C meant for the test runner does not hit the JVM,
                # which is stopped by the fixture (or by its stdin closing) instead.
                start_new_session=True,
            )
    except OSError as exc:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise Neo4jUnavailable(f"Could not run {command[0]}: {exc}. {INSTALL_HINT}") from exc

    uri = f"bolt://127.0.0.1:{port}"
    server = Neo4jServer(uri=uri, user=USER, password=password, process=process, data_dir=data_dir)
    ready = threading.Event()
    assert process.stdout is not None
    reader = threading.Thread(
        target=_watch_stdout,
        args=(process.stdout, f"READY {uri}", ready),
        name=f"neo4j-test-server-{port}-stdout",
        daemon=True,
    )
    reader.start()

    deadline = time.monotonic() + timeout
    problem: str | None = None
    while True:
        if ready.wait(0.1):
            if _wait_for_tcp(port, deadline):
                break
            problem = f"printed READY but port {port} does not accept connections"
            break
        if process.poll() is not None:
            problem = f"exited with code {process.returncode} before it was ready"
            break
        if time.monotonic() > deadline:
            problem = f"was not ready after {timeout:.0f} s"
            break

    if problem is None:
        with _running_mutex:
            _running.append(server)
        return server

    _terminate(process)
    reader.join(timeout=5)
    details = _failure_details(data_dir, stderr_path)
    shutil.rmtree(data_dir, ignore_errors=True)
    message = f"The test Neo4j server on {uri} {problem}.\n{details}"
    if "Address already in use" in details or "BindException" in details:
        raise _PortInUse(message)
    if problem.startswith("was not ready"):
        hint = "The machine may be overloaded: pass a larger `timeout` to start()."
    else:
        hint = "The JVM needs about 1 GB of free memory and a JDK 17+. " + INSTALL_HINT
    raise Neo4jUnavailable(f"{message}\n{hint}")


def _watch_stdout(stream: IO[bytes], ready_line: str, ready: threading.Event) -> None:
    """Set ``ready`` when the server prints its READY line; keep draining afterwards."""
    with stream:
        for raw in stream:
            if raw.decode("utf-8", "replace").strip() == ready_line:
                ready.set()


def _wait_for_tcp(port: int, deadline: float) -> bool:
    """Return True once 127.0.0.1:``port`` accepts a TCP connection before ``deadline``."""
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def _failure_details(data_dir: Path, stderr_path: Path) -> str:
    """Collect the end of the server's stderr and Neo4j's error lines for a report."""
    parts: list[str] = []
    stderr_tail = _tail(stderr_path, STDERR_TAIL_LINES)
    parts.append("--- server stderr (last lines) ---\n" + (stderr_tail or "(empty)"))
    debug_log = data_dir / "logs" / "debug.log"
    if debug_log.is_file():
        errors = [
            line
            for line in debug_log.read_text("utf-8", "replace").splitlines()
            if " ERROR " in line
        ]
        if errors:
            parts.append("--- logs/debug.log errors (last) ---\n" + "\n".join(errors[-10:]))
    return "\n".join(parts)


def _tail(path: Path, lines: int) -> str:
    """Return the last ``lines`` lines of a text file, or an empty string."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            kept: collections.deque[str] = collections.deque(handle, maxlen=lines)
    except OSError:
        return ""
    return "".join(kept).rstrip()


def _terminate(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> None:
    """Ask the process to exit with SIGTERM, then kill it after ``timeout`` seconds."""
    if process.poll() is None:
        try:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        except ProcessLookupError:
            pass
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()


def stop(server: Neo4jServer) -> None:
    """Stop a server started by :func:`start` and delete its data directory.

    Sends SIGTERM (the server shuts the DBMS down cleanly), waits up to 30 seconds,
    then kills the process. Calling it again for the same server does nothing harmful.

    Args:
        server: The server to stop.
    """
    with _running_mutex:
        if server in _running:
            _running.remove(server)
    _terminate(server.process)
    shutil.rmtree(server.data_dir, ignore_errors=True)


@atexit.register
def _stop_all() -> None:
    """Stop servers the caller forgot to stop, so no temporary store is left behind."""
    with _running_mutex:
        leftovers = list(_running)
    for server in leftovers:
        stop(server)


def main(argv: list[str] | None = None) -> int:
    """Start a server, print how to reach it and keep it running until interrupted.

    Args:
        argv: Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    parser = argparse.ArgumentParser(description="Run the graphsvc test Neo4j server.")
    parser.add_argument("--port", type=int, default=None, help="Bolt port (default: a free one)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of user neo4j")
    parser.add_argument("--timeout", type=float, default=180, help="start-up timeout in seconds")
    options = parser.parse_args(argv)

    started = time.monotonic()
    try:
        server = start(port=options.port, password=options.password, timeout=options.timeout)
    except Neo4jUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(server.uri, flush=True)
    print(
        f"user={server.user} password={server.password} data={server.data_dir} "
        f"(ready in {time.monotonic() - started:.1f} s; Ctrl-C to stop)",
        file=sys.stderr,
        flush=True,
    )

    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stopping.is_set():
            if server.process.poll() is not None:
                print(
                    f"error: the server exited with code {server.process.returncode}",
                    file=sys.stderr,
                )
                return 1
            stopping.wait(0.5)
    finally:
        stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
