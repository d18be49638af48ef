"""Per-app caches of things computed from the (read-only) data, and reading through the pool.

Input: a Flask app (its ``WebConfig`` and ``QueryPool``). Output:

* ``cached(key, make)`` - ``make()`` computed once per app and kept until the data changes;
* ``invalidate(app)`` - forget everything (called after each SPARQL update through ``/sparql``
  by the hook ``install(app)`` registers);
* ``reader()`` - an object with the ``select`` of a ``Store`` that runs in the app's
  ``QueryPool`` (so ``query_timeout`` applies);
* ``resolver()`` - the app's label ``Resolver`` for named-query parameters, over ``reader()``.

The data is read-only between loads: only an update through ``/sparql`` changes it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g

from atlas_graph.queries.resolve import Resolver
from atlas_graph.stores.base import Binding, Row
from atlas_graph.web import query_pool

KEY = "atlas_graph.cache"
T = TypeVar("T")


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: dict[str, Any] = {}
        self.generation = 0


def _state(app: Flask | None = None) -> _State:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault(KEY, _State())


def cached(key: str, make: Callable[[], T]) -> T:
    """``make()`` once per app and data generation (a failure is not kept)."""
    state = _state()
    with state.lock:
        if key in state.values:
            return state.values[key]
        generation = state.generation
    value = make()  # outside the lock: a slow dump does not block other cached reads
    with state.lock:
        if state.generation == generation:
            state.values.setdefault(key, value)
            return state.values[key]
    return value


def invalidate(app: Flask | None = None) -> None:
    """Forget every cached value of ``app`` (default: the current app)."""
    state = _state(app)
    with state.lock:
        state.values.clear()
        state.generation += 1


def _after_request(response: Response) -> Response:
    if g.get("sparql_update"):  # set by the /sparql endpoint for any update request
        invalidate()
    return response


def install(app: Flask) -> None:
    """Create ``app``'s cache and forget it after every update request to ``/sparql``."""
    _state(app)
    app.after_request(_after_request)


class PoolReader:
    """The ``select`` of a store, run in a ``QueryPool`` worker (what ``Resolver`` and
    ``run_named_query`` call)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def select(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> list[Row]:
        return self.pool.call("select", sparql, dict(bindings) if bindings else None)


def reader() -> PoolReader:
    """A ``select``-only view of the current app's store, run through its query pool."""
    return PoolReader(query_pool())


def resolver() -> Resolver:
    """The current app's label resolver (its label index is read once per data generation)."""
    return cached("resolver", lambda: Resolver(reader()))  # type: ignore[arg-type]
