"""Run the web app in a real server process (`atlas_graph.web.serve.serve`, 127.0.0.1) for the tests.

As a script (what ``LiveServer`` starts)::

    python tests/web_server.py --port PORT [--data FILE.trig|.nq ...] [--token T [--enable-update]]
        [--timeout S] [--max-rows N] [--workers N]

loads each data file's named graphs into a fresh in-memory ``OxigraphStore`` and calls
``atlas_graph.web.serve.serve``. As a module: ``LiveServer(...)`` is a context manager that
starts that script on a free port in its own process group, waits for the port and yields
the server's base URL; leaving it kills the group (server and query workers).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``with LiveServer(data=[...], enable_update=True, token="t") as url: ...`` (url without '/')."""

    def __init__(self, data: list[str] | None = None, *, enable_update: bool = False, token: str | None = None,
                 timeout: float = 30.0, max_rows: int = 10000, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [sys.executable, str(HERE / "web_server.py"), "--port", str(self.port),
                     "--timeout", str(timeout), "--max-rows", str(max_rows), "--workers", str(workers)]
        for path in data or []:
            self.args += ["--data", str(path)]
        if token:
            self.args += ["--token", token]
        if enable_update:
            self.args.append("--enable-update")
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        self.process = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        start_new_session=True)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"server exited with {self.process.returncode}: {err[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self.url
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("server did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        if self.process.stderr:
            self.process.stderr.close()


def main(argv: list[str] | None = None) -> None:
    """Load the data files and serve (the script entry point)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--data", action="append", default=[])
    ap.add_argument("--token")
    ap.add_argument("--enable-update", action="store_true")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--max-rows", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    from rdflib import Dataset

    from atlas_graph.stores.oxigraph import OxigraphStore
    from atlas_graph.web.config import WebConfig
    from atlas_graph.web.serve import serve

    store = OxigraphStore(None)
    for path in args.data:
        dataset = Dataset()
        dataset.parse(path, format="nquads" if path.endswith(".nq") else "trig")
        for graph in dataset.graphs():
            if len(graph):
                store.replace_graph(graph.identifier, graph)
    config = WebConfig(store=store, query_timeout=args.timeout, max_rows=args.max_rows,
                       enable_update=args.enable_update, update_token=args.token, query_workers=args.workers)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(config, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
