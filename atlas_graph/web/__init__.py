"""The web application: ``create_app(config)`` builds a Flask app over one store.

Input: a ``WebConfig`` (the store and the settings).
Output: a ``Flask`` app with the SPARQL 1.1 Protocol endpoint (``/sparql``), the VoID
description (``/.well-known/void``) and error handlers that answer every failure with a short
JSON (or, for browsers, HTML) message, never a traceback.

There is no module-level app or graph: each call builds a new app with its own query workers
(see ``atlas_graph.web.serve.QueryPool``; ``query_pool(app)`` returns them).

The names below live in ``atlas_graph.web.app``; this package imports it (and with it Flask)
only when one of them is first used, so that ``atlas_graph.web.serve`` can open the store and
start the query workers before Flask is loaded (see ``serve``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atlas_graph.web.app import (
        EXTENSION,
        MAX_BODY,
        RDF_TYPES,
        RDFLIB_FORMATS,
        answer,
        create_app,
        error_response,
        negotiate,
        query_pool,
        rdf_answer,
        web_config,
    )

__all__ = ["EXTENSION", "MAX_BODY", "RDFLIB_FORMATS", "RDF_TYPES", "answer", "create_app", "error_response",
           "negotiate", "query_pool", "rdf_answer", "web_config"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from atlas_graph.web import app

        value = getattr(app, name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
