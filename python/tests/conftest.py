"""Fixtures: an emulator process per test (its state is fresh every time), and
clients pointed at it. The emulator binary is `target/debug/ghpackages-emulator`
unless `GHPACKAGES_EMULATOR` names another."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

import ghpackages

REPO = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "emulator-admin"
# Demo data (crates/ghpackages-emulator/README.md): octocat administers octo-org.
TOKEN = "ghp_demo_octocat"
READONLY_TOKEN = "ghp_demo_octocat_readonly"


def emulator_binary() -> str:
    return os.environ.get("GHPACKAGES_EMULATOR") or str(
        REPO / "target" / "debug" / "ghpackages-emulator"
    )


class Emulator:
    """A running `ghpackages-emulator --port 0 --demo` process."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [emulator_binary(), "--port", "0", "--demo", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"emulator did not print its base URL: {line!r}")
        self.url = line

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """Calls the admin API (`/_emulator/...`)."""
        import urllib.request

        request = urllib.request.Request(
            f"{self.url}/_emulator{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {ADMIN_TOKEN}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            data = response.read()
        return json.loads(data) if data else None

    def client(self, token: Optional[str] = TOKEN, **options: Any) -> ghpackages.Client:
        options.setdefault("retry", ghpackages.RetryPolicy.none())
        options.setdefault("base_url", self.url)
        options.setdefault("token_from_env", False)
        return ghpackages.Client(token, **options)

    def async_client(
        self, token: Optional[str] = TOKEN, **options: Any
    ) -> ghpackages.AsyncClient:
        options.setdefault("retry", ghpackages.RetryPolicy.none())
        options.setdefault("base_url", self.url)
        options.setdefault("token_from_env", False)
        return ghpackages.AsyncClient(token, **options)


@pytest.fixture
def start_emulator() -> Iterator[Callable[..., Emulator]]:
    """Starts emulators with extra flags; all are stopped after the test."""
    started: list[Emulator] = []

    def start(*args: str) -> Emulator:
        emulator = Emulator(*args)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(start_emulator: Callable[..., Emulator]) -> Emulator:
    return start_emulator()


@pytest.fixture
def client(emulator: Emulator) -> ghpackages.Client:
    return emulator.client()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class RawServer:
    """Loopback HTTP servers answering every request with a fixed status and
    body; they record the requests they get, so a test can check exactly what
    the client sent."""

    def __init__(self) -> None:
        self.servers: list[ThreadingHTTPServer] = []
        # (path, headers) of every request received.
        self.requests: list[tuple[str, dict[str, str]]] = []

    def start(self, status: int, body: bytes) -> str:
        """Starts a server; returns its base URL."""
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append((self.path, dict(self.headers.items())))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        self.servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.stop()


@dataclass(frozen=True)
class Family:
    """One owner family, with demo packages its tests may change."""

    name: str
    # The owner handle of a client (sync or async).
    owner: Callable[[Any], Any]
    login: str
    container: str
    versions: list[int]
    # An untagged version that may be deleted.
    untagged: int
    # A package that may be deleted: (package_type, package_name).
    deletable: tuple[str, str]
    docker_conflict: str


FAMILIES = [
    Family(
        "org",
        lambda c: c.org("octo-org"),
        "octo-org",
        "octo-app",
        list(range(100001, 100009)),
        100002,
        ("container", "octo-org/base-image"),
        "legacy-app",
    ),
    Family(
        "user",
        lambda c: c.user("octocat"),
        "octocat",
        "hello_docker",
        [100030, 100031, 100032],
        100031,
        ("npm", "octo-scratch"),
        "hello_docker_legacy",
    ),
    Family(
        "me",
        lambda c: c.me(),
        "octocat",
        "hello_docker",
        [100030, 100031, 100032],
        100031,
        ("npm", "octo-scratch"),
        "hello_docker_legacy",
    ),
]


@pytest.fixture(params=FAMILIES, ids=[f.name for f in FAMILIES])
def family(request: pytest.FixtureRequest) -> Family:
    return request.param  # type: ignore[no-any-return]
