"""Serving: the HTTP server (Granian) and the worker processes that run queries with a time limit.

Input: a ``WebConfig`` (its store, ``query_timeout``, ``query_workers``), a host and a port.
Output: ``serve(config, host, port)`` runs the app until interrupted; ``QueryPool`` runs store
calls in killable worker processes.

Why processes: pyoxigraph (and rdflib) cannot cancel a running query, and a Python thread
cannot be stopped. So queries run in a few long-lived worker processes *forked* from the server
process: a fork shares the store's memory (copy-on-write) and needs no reloading. A request
takes an idle worker, sends it the call over a pipe and waits at most the time left; if the
answer is late the worker is killed (SIGKILL) and a fresh fork takes its place, while the other
workers go on serving. The common path costs one pipe round trip and the pickling of the
answer (well under a millisecond for a small query); a process is forked only at start-up,
after a timeout, and after an update (``refresh``), since a fork sees the store as it was when
it was made.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
import time
from typing import Any

from atlas_graph.stores.base import QueryTimeout, Store, StoreError

log = logging.getLogger(__name__)
_FORK = multiprocessing.get_context("fork")


class _Worker:
    """One forked worker: its process, the parent's end of its pipe, the pool generation."""

    def __init__(self, process: Any, conn: Any, generation: int) -> None:
        self.process = process
        self.conn = conn
        self.generation = generation


def _worker_main(store: Store, conn: Any, inherited: list[Any]) -> None:
    """Worker loop: receive ``(method, args)``, answer ``("ok", value)`` or ``("err", exc)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the server's handler: its exit terminates us
    for other in inherited:  # pipe ends of sibling workers copied by the fork
        try:
            other.close()
        except OSError:
            pass
    while True:
        try:
            method, args = conn.recv()
        except (EOFError, OSError):  # the server process is gone
            return
        try:
            reply: tuple[str, Any] = ("ok", getattr(store, method)(*args))
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the caller
            reply = ("err", exc)
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - e.g. an exception that cannot be pickled
            conn.send(("err", StoreError(f"{type(exc).__name__}: {exc}")))


class QueryPool:
    """``QueryPool(store, size, timeout)``: run ``store.<method>(*args)`` in worker processes.

    ``call(method, *args)`` returns what the store method returns in a worker, raises what it
    raises, or raises ``QueryTimeout`` when no answer came within ``timeout`` seconds (then the
    worker is killed and replaced). Workers start lazily on the first call, or with ``start()``
    (``serve`` does it before the server opens its threads). Call ``refresh()`` after the
    store changed in this process, and ``close()`` to stop the workers.
    """

    def __init__(self, store: Store, size: int = 4, timeout: float = 30.0) -> None:
        self.store = store
        self.size = max(1, size)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: list[_Worker] = []
        self._generation = 0
        self._started = False
        self._closed = False

    # -- life cycle ------------------------------------------------------------------------------
    def start(self) -> None:
        """Fork the workers (once; no-op when already started)."""
        with self._lock:
            if self._started or self._closed:
                return
            for _ in range(self.size):
                self._idle.put(self._spawn())
            self._started = True

    def _spawn(self) -> _Worker:
        """Fork one worker (the caller holds ``_lock``)."""
        parent, child = _FORK.Pipe()
        inherited = [w.conn for w in self._workers] + [parent]
        process = _FORK.Process(target=_worker_main, args=(self.store, child, inherited), daemon=True,
                                name="atlas-sparql-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent, self._generation)
        self._workers.append(worker)
        return worker

    def _kill(self, worker: _Worker) -> None:
        """Stop one worker for good (the caller holds ``_lock``)."""
        if worker in self._workers:
            self._workers.remove(worker)
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._kill(worker)
            if not self._closed:
                self._idle.put(self._spawn())

    def _release(self, worker: _Worker) -> None:
        if worker.generation != self._generation or self._closed:
            self._replace(worker)
        else:
            self._idle.put(worker)

    def refresh(self) -> None:
        """Make every worker see the store as it is now (idle ones at once, busy ones after)."""
        with self._lock:
            self._generation += 1
            if not self._started:
                return
            stale = []
            while True:
                try:
                    stale.append(self._idle.get_nowait())
                except queue.Empty:
                    break
            for worker in stale:
                self._kill(worker)
                self._idle.put(self._spawn())

    def close(self) -> None:
        """Kill every worker; later calls raise StoreError."""
        with self._lock:
            self._closed = True
            for worker in list(self._workers):
                self._kill(worker)

    @property
    def worker_pids(self) -> list[int]:
        """The process ids of the live workers (to see that requests spawn none)."""
        with self._lock:
            return [w.process.pid for w in self._workers]

    # -- calls -----------------------------------------------------------------------------------
    def call(self, method: str, *args: Any, timeout: float | None = None) -> Any:
        """``store.<method>(*args)`` in a worker, within ``timeout`` (default: the pool's)."""
        if self._closed:
            raise StoreError("the query pool is closed")
        if not self._started:
            self.start()
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {limit:g} s; try again later") from None
        try:
            worker.conn.send((method, args))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped")
            status, value = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise StoreError(f"the query worker failed ({type(exc).__name__})") from None
        self._release(worker)
        if status == "ok":
            return value
        raise value


def serve(config: Any, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve ``create_app(config)`` on ``host:port`` with Granian (an HTTP server written in Rust
    that calls the WSGI app from ``threads`` Python threads) until interrupted.

    Granian's main process binds the port and watches one worker process, forked from it (so it
    shares the store's memory), which makes the app with ``ready_app`` and answers the requests.
    OSError when the port cannot be bound."""
    import socket

    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))  # a clear OSError here rather than a log line from the server
    if _writes_on_disk(config.store):
        config.store.close()  # opened again by the worker (ready_app), which writes to it
    server = Server("atlas_graph.web", address=host, port=port, interface=Interfaces.WSGI, workers=1,
                    blocking_threads=threads, log_level=LogLevels.error, websockets=False)
    log.info("serving on http://%s:%d/ (%d query workers, timeout %g s)", host, port, config.query_workers,
             config.query_timeout)
    server.serve(target_loader=lambda _target: ready_app(config))


def _writes_on_disk(store: Store) -> bool:
    """Whether ``store`` is an on-disk Oxigraph store open for writing: the process that serves
    (a fork) opens it itself, since RocksDB's background threads do not survive a fork."""
    from atlas_graph.stores.oxigraph import OxigraphStore

    return isinstance(store, OxigraphStore) and store.path is not None and not store.read_only


def ready_app(config: Any) -> Any:
    """The app for ``config``, with its query workers forked and the home page's figures started.

    To be ready sooner, the query workers are forked and the home page's figures started in them
    (``figures.compute``, in a background thread) before Flask and the app are even imported;
    the app takes the figures when the first request asks for them (``cache.preload``). The
    workers stop when this process ends (they are its daemon children, and a worker whose pipe
    closes returns)."""
    import gc

    from atlas_graph import paused_gc
    from atlas_graph.web.figures import Background, compute

    if _writes_on_disk(config.store):
        config.store.reopen()
    pool = QueryPool(config.store, size=config.query_workers, timeout=config.query_timeout)
    gc.freeze()  # what exists now stays shared with the workers: their collector will not touch it
    pool.start()  # fork the workers now, before any thread (and before Flask is loaded)
    home_figures = Background(lambda: compute(pool), "atlas-home-figures")
    with paused_gc():
        from atlas_graph.web import cache, create_app
        from atlas_graph.web.pages import FIGURES_KEY

        app = create_app(config, pool=pool)
    cache.preload(app, FIGURES_KEY, home_figures)
    Background(lambda: app.jinja_env.get_template("home.html"), "atlas-templates")  # compiled while waiting
    return app


__all__ = ["QueryPool", "ready_app", "serve"]
