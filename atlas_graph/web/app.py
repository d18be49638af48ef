"""The Flask application: ``create_app(config)`` and the helpers the blueprints share.

Input: a ``WebConfig`` (the store and the settings), optionally an already started ``QueryPool``.
Output: a ``Flask`` app with the SPARQL 1.1 Protocol endpoint (``/sparql``), the VoID
description (``/.well-known/void``), the linked-data pages and dumps, the named-query API, the
HTML pages, and error handlers that answer every failure with a short JSON (or, for browsers,
HTML) message, never a traceback.

Everything here is re-exported by ``atlas_graph.web`` (``from atlas_graph.web import create_app``),
which imports this module (and Flask) only when one of these names is first used.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from markupsafe import escape
from rdflib import Graph
from werkzeug.exceptions import HTTPException, InternalServerError, NotAcceptable

from atlas_graph.web.config import WebConfig
from atlas_graph.web.serve import QueryPool

log = logging.getLogger("atlas_graph.web")

#: Key of this package's state in ``app.extensions``.
EXTENSION = "atlas_graph"

#: Largest request body accepted (queries, updates), in bytes.
MAX_BODY = 16 * 1024 * 1024

#: RDF media types a client may ask for -> the one served (first: the default).
RDF_TYPES = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
    "application/xml": "application/rdf+xml",
}
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                  "application/rdf+xml": "xml"}


def create_app(config: WebConfig, pool: QueryPool | None = None) -> Flask:
    """A Flask app serving ``config.store`` as ``config`` says.

    Its queries run in ``pool`` when given (a ``QueryPool`` over ``config.store``, e.g. one
    ``serve`` started early), else in a new pool of ``config.query_workers`` workers."""
    from atlas_graph.web.sparql import bp as sparql_bp

    if pool is None:
        pool = QueryPool(config.store, size=config.query_workers, timeout=config.query_timeout)
    app = Flask("atlas_graph.web")  # the package: templates/ and static/ are found next to this module
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.extensions[EXTENSION] = {"config": config, "pool": pool}
    app.register_blueprint(sparql_bp)
    from atlas_graph.web import service

    app.register_blueprint(service.bp)  # /.well-known/void
    from atlas_graph.web import api, cache, documents, resources

    cache.install(app)  # per-app caches (resolver, dumps), forgotten after each update
    from atlas_graph.web.replay import Replay

    app.wsgi_app = Replay(app, app.wsgi_app, MAX_BODY)  # type: ignore[method-assign]  # repeated answers
    for linked_data_bp in (api.bp, resources.bp, documents.bp):
        app.register_blueprint(linked_data_bp)
    from atlas_graph.web import i18n, pages

    i18n.init_app(app)
    app.register_blueprint(pages.bp)  # /, /query, /network, /network.graphml
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def web_config(app: Flask | None = None) -> WebConfig:
    """The ``WebConfig`` of ``app`` (default: the current app)."""
    from flask import current_app

    return (app or current_app).extensions[EXTENSION]["config"]


def query_pool(app: Flask | None = None) -> QueryPool:
    """The query worker pool of ``app`` (default: the current app)."""
    from flask import current_app

    return (app or current_app).extensions[EXTENSION]["pool"]


def negotiate(offers: dict[str, str]) -> str:
    """The media type to serve: ``offers`` maps each type a client may ask for to the type served
    (its first entry is the default, used without an Accept header). Accept q-values and
    wildcards count; ties go to the earlier offer. 406 (NotAcceptable) when none is acceptable."""
    if not request.headers.get("Accept"):
        return next(iter(offers.values()))
    best = request.accept_mimetypes.best_match(list(offers))
    if best is None:
        served = ", ".join(dict.fromkeys(offers.values()))
        raise NotAcceptable(f"no acceptable format; this answer can be served as {served}")
    return offers[best]


def answer(body: bytes, media_type: str, status: int = 200) -> Response:
    """A negotiated answer: ``body`` as ``media_type`` (UTF-8), with ``Vary: Accept``."""
    response = Response(body, status=status, content_type=f"{media_type}; charset=utf-8")
    response.vary.add("Accept")
    return response


def rdf_answer(graph: Graph) -> Response:
    """``graph`` serialised in the RDF format the client prefers (Turtle by default)."""
    media_type = negotiate(RDF_TYPES)
    return answer(graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8"), media_type)


def error_response(status: int, title: str, message: str, headers: Any = None) -> Response:
    """A short error answer: HTML when the client prefers it, else JSON ``{status, error, message}``."""
    accept = request.accept_mimetypes
    if accept and accept["text/html"] > accept["application/json"]:
        body = (
            f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{status} {escape(title)}</title>"
            f"</head>\n<body><h1>{status} {escape(title)}</h1>\n<p>{escape(message)}</p></body></html>\n"
        )
        response = Response(body, status=status, mimetype="text/html")
    else:
        response = jsonify({"status": status, "error": title, "message": message})
        response.status_code = status
    for name, value in headers or ():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _http_error(exc: HTTPException) -> Response:
    if isinstance(exc, InternalServerError):
        return _unexpected_error(exc.original_exception or exc)
    return error_response(exc.code or 500, exc.name, exc.description or exc.name, exc.get_headers())


def _unexpected_error(exc: BaseException) -> Response:
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "Internal Server Error", "The server failed to answer; the error was logged.")


__all__ = ["EXTENSION", "MAX_BODY", "RDFLIB_FORMATS", "RDF_TYPES", "answer", "create_app", "error_response",
           "negotiate", "query_pool", "rdf_answer", "web_config"]
