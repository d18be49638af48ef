"""Repeated requests answered before Flask: the finished responses of query answers, replayed.

Input: WSGI requests. Output: for a GET or POST to ``/sparql`` or ``/api/queries/…`` that
repeats an earlier request exactly in what its answer depends on (method, path, query string,
Content-Type, body, Accept), and whose answer the app marked as replayable, the earlier response
as Flask finished it (status, headers with its ETag, body); every other request goes to Flask.

The app marks an answer replayable in ``cache.conditional``: a query answer (SPARQL or named)
with an ETag, status 200, depending on nothing else than the request and the data. Responses
are kept with the app's answers (``cache.keep``: the same count and byte limits) and forgotten
with them at every update. A conditional request (``If-None-Match``…) always goes to Flask,
which answers 304 when it should. What this saves is Flask's own work on a request, about half a
millisecond of CPU, most of the cost of a small answer already kept.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from flask import Flask

from atlas_graph.web import cache

Environ = dict[str, Any]
StartResponse = Callable[..., Any]

#: Request headers that make a request conditional: Flask answers those.
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE",
               "HTTP_RANGE")


def request_key(environ: Environ, max_body: int) -> Hashable | None:
    """What a replayable answer to this request depends on, or None when it cannot be replayed.
    The body of a POST is read here and put back for Flask."""
    method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
    if method not in ("GET", "POST") or not (path in ("/sparql", "/sparql/") or path.startswith("/api/queries/")):
        return None
    if any(environ.get(name) for name in CONDITIONAL):
        return None
    body = b""
    if method == "POST":
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:  # no length (e.g. chunked): Flask reads it
            return None
        if not 0 <= length <= max_body:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
    return ("response", method, path, environ.get("QUERY_STRING", ""), environ.get("CONTENT_TYPE", ""), body,
            environ.get("HTTP_ACCEPT", ""))


class Replay:
    """WSGI middleware over ``app.wsgi_app`` (``app.wsgi_app = Replay(app, app.wsgi_app)``)."""

    def __init__(self, app: Flask, wsgi_app: Callable[[Environ, StartResponse], Iterable[bytes]],
                 max_body: int) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.max_body = max_body

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        key = request_key(environ, self.max_body)
        if key is None:
            return self.wsgi_app(environ, start_response)
        found, response, generation = cache.kept(self.app, key)
        if found:
            status, headers, body = response
            start_response(status, list(headers))
            return [body]
        started: list[tuple[str, list[tuple[str, str]], Any]] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
            started.append((status, headers, exc_info))
            return lambda data: None  # werkzeug's responses never write

        result = self.wsgi_app(environ, capture)
        status, headers, exc_info = started[-1]
        replayable = (environ.get(cache.REPLAYABLE) and status.startswith("200 ")
                      and not any(name.lower() == "set-cookie" for name, _ in headers))
        if not replayable:
            start_response(status, headers, exc_info)
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        cache.keep(self.app, key, (status, tuple(headers), body), len(body), generation)
        start_response(status, headers)
        return [body]


__all__ = ["Replay", "request_key"]
