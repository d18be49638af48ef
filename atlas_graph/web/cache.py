"""Per-app caches of things computed from the (read-only) data, and reading through the pool.

Input: a Flask app (its ``WebConfig`` and ``QueryPool``). Output:

* ``cached(key, make)`` - ``make()`` computed once per app and kept until the data changes;
* ``preload(app, key, pending)`` - the value of ``key`` is already being computed (``pending``:
  anything with ``result()``, e.g. ``figures.Background``): ``cached`` waits for it instead of
  calling ``make()``, and calls ``make()`` after all if it failed;
* ``invalidate(app)`` - forget everything (called after each SPARQL update through ``/sparql``
  by the hook ``install(app)`` registers);
* ``reader()`` - an object with the ``select`` of a ``Store`` that runs in the app's
  ``QueryPool`` (so ``query_timeout`` applies);
* ``resolver()`` - the app's label ``Resolver`` for named-query parameters, over ``reader()``;
* ``cached_answer(key, make)`` - the answers to queries (SPARQL and named), the most recently
  used ``ANSWER_CACHE_ENTRIES`` (``ANSWER_CACHE_BYTES`` in all) of at most
  ``ANSWER_CACHE_MAX_BYTES`` each, kept until the data changes;
* ``conditional(response, key)`` - the answer for ``key`` with an ``ETag`` (an HTTP validator
  that changes with the data), or ``304 Not Modified`` for a GET whose ``If-None-Match`` holds it.

The data is read-only between loads: only an update through ``/sparql`` changes it.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request

from atlas_graph.queries.resolve import Resolver
from atlas_graph.stores.base import Binding, Row
from atlas_graph.web import query_pool

KEY = "atlas_graph.cache"
#: Set in a request's WSGI environ when its answer depends only on the request and the data
#: (``conditional``): ``atlas_graph.web.replay`` may then answer the same request again.
REPLAYABLE = "atlas_graph.replayable"
T = TypeVar("T")
_MISSING: Any = object()


#: How many query answers are kept at most (the most recently used), per app.
ANSWER_CACHE_ENTRIES = 512
#: How many bytes of answers are kept at most (the most recently used first), per app: the bytes
#: of each serialised answer, or rows x columns x 64 for a named query's table.
ANSWER_CACHE_BYTES = 128 << 20
#: Answers larger than this are not kept. The whole-Atlas answers are the ones worth keeping
#: (funder-totals: about 2 MB of SPARQL JSON at 12,000 records, shared-partners about 13 MB).
ANSWER_CACHE_MAX_BYTES = 16 << 20


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: dict[str, Any] = {}
        self.answers: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()  # key -> (answer, its size)
        self.answer_bytes = 0
        self.pending: dict[str, Any] = {}
        self.generation = 0
        #: Part of every ETag: new for each app (each server start), since a restarted server
        #: may serve a store loaded again while it was down.
        self.instance = secrets.token_hex(6)


def _state(app: Flask | None = None) -> _State:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault(KEY, _State())


def cached(key: str, make: Callable[[], T]) -> T:
    """``make()`` once per app and data generation (a failure is not kept), or the value
    preloaded for ``key`` (see ``preload``)."""
    state = _state()
    with state.lock:
        if key in state.values:
            return state.values[key]
        generation = state.generation
        pending = state.pending.get(key)
    if pending is not None:
        try:
            value = pending.result()  # outside the lock, like make()
        except Exception:  # noqa: BLE001 - a failed preload is not kept: make() below
            value = _MISSING
        with state.lock:
            if state.pending.get(key) is pending:
                del state.pending[key]
            if value is not _MISSING and state.generation == generation:
                state.values.setdefault(key, value)
                return state.values[key]
        if value is not _MISSING:
            return value
    value = make()  # outside the lock: a slow dump does not block other cached reads
    with state.lock:
        if state.generation == generation:
            state.values.setdefault(key, value)
            return state.values[key]
    return value


def preload(app: Flask, key: str, pending: Any) -> None:
    """Let ``cached(key, …)`` of ``app`` take ``pending.result()``, a value computed from the data as
    it is now (started before the app served anything), instead of computing it again."""
    state = _state(app)
    with state.lock:
        if key not in state.values:
            state.pending[key] = pending


def invalidate(app: Flask | None = None) -> None:
    """Forget every cached value of ``app`` (default: the current app)."""
    state = _state(app)
    with state.lock:
        state.values.clear()
        state.answers.clear()
        state.answer_bytes = 0
        state.pending.clear()
        state.generation += 1


def cached_answer(key: Hashable, make: Callable[[], T], size: Callable[[T], int]) -> T:
    """The answer for ``key``: kept from an earlier request for the same data, else ``make()``
    (kept when ``size`` of it is at most ``ANSWER_CACHE_MAX_BYTES``, the least recently used
    answers forgotten beyond ``ANSWER_CACHE_ENTRIES`` or ``ANSWER_CACHE_BYTES``; failures are
    not kept)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found, value, generation = kept(app, key)
    if found:
        return value
    value = make()
    keep(app, key, value, size(value), generation)
    return value


def kept(app: Flask, key: Hashable) -> tuple[bool, Any, int]:
    """``(True, answer, generation)`` when an answer for ``key`` is kept (it becomes the most
    recently used), else ``(False, None, generation)``: the data generation to give ``keep``."""
    state = _state(app)
    with state.lock:
        if key in state.answers:
            state.answers.move_to_end(key)
            return True, state.answers[key][0], state.generation
        return False, None, state.generation


def keep(app: Flask, key: Hashable, value: Any, nbytes: int, generation: int) -> None:
    """Keep ``value`` (``nbytes`` long) as the answer for ``key`` unless it is too large or the
    data changed since ``generation`` (see ``cached_answer``)."""
    if nbytes > ANSWER_CACHE_MAX_BYTES:
        return
    state = _state(app)
    with state.lock:
        if state.generation == generation and key not in state.answers:
            state.answers[key] = (value, nbytes)
            state.answer_bytes += nbytes
            while len(state.answers) > ANSWER_CACHE_ENTRIES or state.answer_bytes > ANSWER_CACHE_BYTES:
                state.answer_bytes -= state.answers.popitem(last=False)[1][1]


def conditional(response: Response, key: Hashable) -> Response:
    """``response`` (the answer for ``key`` with the data as it is) with a weak ``ETag`` naming this
    app, the data generation and ``key``; ``304 Not Modified`` without a body when the request is
    a GET or HEAD whose ``If-None-Match`` lists that ETag. Answers that change from one call to the
    next (NOW(), RAND()…) must not be given one."""
    state = _state()
    digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=12).hexdigest()
    response.set_etag(f"{state.instance}-{state.generation}-{digest}", weak=True)
    response.make_conditional(request)  # returns the same response object, typed as werkzeug's
    if response.status_code == 200:
        request.environ[REPLAYABLE] = True  # the same request may be answered with these bytes
    return response


def _after_request(response: Response) -> Response:
    if g.get("sparql_update"):  # set by the /sparql endpoint for any update request
        invalidate()
    return response


def install(app: Flask) -> None:
    """Create ``app``'s cache and forget it after every update request to ``/sparql``."""
    _state(app)
    app.after_request(_after_request)


class PoolReader:
    """The ``select`` and ``select_text`` of a store, run in a ``QueryPool`` worker (what
    ``Resolver`` and ``run_named_query`` call)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def select(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> list[Row]:
        return self.pool.call("select", sparql, dict(bindings) if bindings else None)

    def select_text(self, sparql: str, variables: Sequence[str]) -> list[tuple[str, ...]]:
        return self.pool.call("select_text", sparql, list(variables))


def reader() -> PoolReader:
    """A ``select``-only view of the current app's store, run through its query pool."""
    return PoolReader(query_pool())


def resolver() -> Resolver:
    """The current app's label resolver (its label index is read once per data generation)."""
    return cached("resolver", lambda: Resolver(reader()))  # type: ignore[arg-type]
