"""Shared pytest fixtures.

* ``free_port`` - a TCP port free on 127.0.0.1 at the time of asking (int).
* ``oxigraph_server`` - a real ``oxigraph serve --union-default-graph`` process (in memory) for
  the whole session; yields an ``OxigraphServer`` with its ``query_url``, ``update_url`` and
  ``store_url`` (Graph Store Protocol). The ``oxigraph`` binary comes from the PyPI package
  ``oxigraph``; if it is missing the fixture FAILS (it does not skip).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    return _free_port()


@dataclass(frozen=True)
class OxigraphServer:
    base_url: str

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    def clear(self) -> None:
        """Remove every graph (``DROP ALL``)."""
        request = urllib.request.Request(
            self.update_url, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` command (next to the running Python first, then on PATH)."""
    local = Path(sys.executable).parent / "oxigraph"
    if local.exists():
        return str(local)
    found = shutil.which("oxigraph")
    if found is None:
        pytest.fail(
            "the 'oxigraph' server binary is missing: install it with `.venv/bin/pip install oxigraph`",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    port = _free_port()
    log = tmp_path_factory.mktemp("oxigraph-server") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = OxigraphServer(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"oxigraph serve exited with {process.returncode}: {log.read_text()}", pytrace=False
                )
            try:
                with urllib.request.urlopen(f"{server.query_url}?query=ASK%7B%7D", timeout=2) as response:
                    response.read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"oxigraph serve did not answer on port {port}: {log.read_text()}", pytrace=False
                    )
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def open_test_store(kind: str, folder: Path, request: pytest.FixtureRequest):
    """A fresh, empty store of one kind: memory, Oxigraph on disk in ``folder``, or the real
    ``oxigraph serve`` process (emptied first)."""
    from atlas_graph.stores.memory import MemoryStore
    from atlas_graph.stores.oxigraph import OxigraphStore
    from atlas_graph.stores.remote import RemoteStore

    if kind == "memory":
        return MemoryStore()
    if kind == "oxigraph":
        return OxigraphStore(str(folder / "db"))
    server = request.getfixturevalue("oxigraph_server")
    server.clear()
    return RemoteStore(server.query_url, server.update_url, server.store_url)


STORE_KINDS = ["memory", "oxigraph", "remote"]


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """Each test that takes ``store`` runs once on each of the three stores."""
    opened = open_test_store(request.param, tmp_path, request)
    yield opened
    opened.close()

