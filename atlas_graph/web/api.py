"""The named queries over HTTP (``/api/queries``).

Input: ``GET /api/queries`` and ``GET /api/queries/NAME[.csv|.tsv|.json]?KEY=VALUE…`` (the
parameters of the query, as ``atlas-graph query NAME --param KEY=VALUE`` takes them).
Output:

* the list: JSON ``{"queries": [{"name", "purpose", "parameters": [{"name", "kind",
  "required", "default", "minimum", "maximum", "description"}], "columns", "url"}]}``;
* one query's answer: JSON ``{"columns": [...], "rows": [{column: text}]}`` by default, CSV
  with ``Accept: text/csv`` or the ``.csv`` suffix, TSV with ``text/tab-separated-values`` or
  ``.tsv``; the bytes are those of ``atlas-graph query NAME --format csv|tsv|json``;
* ``404`` for an unknown query; ``400`` for a bad parameter, as JSON ``{"status", "error",
  "message", "parameter", "value", "suggestions"}`` (``suggestions``: the closest labels);
  ``503`` when the query runs past the time limit.

Queries run in the app's ``QueryPool`` (``query_timeout`` applies); the label resolver is
cached per app (``atlas_graph.web.cache``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.exceptions import NotFound

from atlas_graph.output import render_table
from atlas_graph.queries import NamedQuery, QueryUsageError, Table, UnknownValue, registry, run_named_query
from atlas_graph.stores.base import QueryTimeout, StoreError
from atlas_graph.web import answer, error_response, negotiate
from atlas_graph.web.cache import cached_answer, conditional, reader, resolver

bp = Blueprint("api", __name__)

#: Suffix of the URL -> table format; media type offered -> table format.
SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".json": "json"}
TABLE_TYPES = {"application/json": "application/json", "text/csv": "text/csv",
               "text/tab-separated-values": "text/tab-separated-values"}
FORMAT_OF = {"application/json": "json", "text/csv": "csv", "text/tab-separated-values": "tsv"}
TYPE_OF = {v: k for k, v in FORMAT_OF.items()}


def describe_query(query: NamedQuery) -> dict:
    """A named query as JSON-ready data."""
    return {
        "name": query.name,
        "purpose": query.purpose,
        "parameters": [
            {"name": p.name, "kind": p.kind, "required": p.required, "default": p.default,
             "minimum": p.minimum, "maximum": p.maximum, "description": p.description}
            for p in query.parameters
        ],
        "columns": list(query.columns),
        "url": url_for("api.run_query", name=query.name),
    }


@bp.route("/api/queries", methods=["GET"])
@bp.route("/api/queries/", methods=["GET"])
def list_queries() -> Response:
    """Every named query, with its parameters and columns."""
    response = jsonify({"queries": [describe_query(q) for q in registry().values()]})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _run(name: str, params: dict[str, str]) -> Table:
    """Run the named query ``name`` through the app's pool with its cached resolver."""
    return run_named_query(reader(), name, params, resolver=resolver())  # type: ignore[arg-type]


def run_table(name: str, params: dict[str, str]) -> Table:
    """The table of the named query ``name`` (kept until the data changes)."""
    return cached_answer(("table", name, tuple(sorted(params.items()))), lambda: _run(name, params),
                         lambda table: 64 * len(table.rows) * len(table.columns))


def _body(name: str, params: dict[str, str], fmt: str) -> bytes:
    """The answer of the named query ``name`` as the API writes it in ``fmt`` (kept until the
    data changes: rendering a big table costs as much as reading it)."""
    return cached_answer(("named", name, tuple(sorted(params.items())), fmt),
                         lambda: render_table(_run(name, params), fmt).encode("utf-8"), len)


@bp.route("/api/queries/<name>", methods=["GET"])
def run_query(name: str) -> Response:
    """One named query's answer as JSON, CSV or TSV."""
    fmt = None
    for suffix, suffix_fmt in SUFFIXES.items():
        if name.endswith(suffix) and name[: -len(suffix)] in registry():
            name, fmt = name[: -len(suffix)], suffix_fmt
    if name not in registry():
        raise NotFound(f"no query named {name!r}; the queries are: {', '.join(registry())} (see /api/queries)")
    if fmt is None:
        fmt = FORMAT_OF[negotiate(TABLE_TYPES)]
    params = {key: value for key, value in request.args.items(multi=False) if key != "lang"}
    try:
        body = _body(name, params, fmt)
    except UnknownValue as exc:
        return _bad_parameter(str(exc), exc.parameter, exc.value, exc.suggestions)
    except QueryUsageError as exc:
        return _bad_parameter(str(exc), None, None, [])
    except QueryTimeout as exc:
        return error_response(503, "Service Unavailable", str(exc))
    except StoreError as exc:
        return error_response(503, "Service Unavailable", f"the store could not answer: {exc}")
    response = answer(body, TYPE_OF[fmt])
    response.headers["Access-Control-Allow-Origin"] = "*"
    if fmt != "json":
        response.headers["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    return conditional(response, ("named", name, tuple(sorted(params.items())), fmt))


def _bad_parameter(message: str, parameter: str | None, value: str | None, suggestions: list[str]) -> Response:
    response = jsonify({"status": 400, "error": "Bad Request", "message": message, "parameter": parameter,
                        "value": value, "suggestions": suggestions})
    response.status_code = 400
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


__all__ = ["bp", "describe_query", "run_table"]
