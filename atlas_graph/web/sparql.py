"""The SPARQL 1.1 Protocol endpoint (``/sparql``).

Input: HTTP requests as the SPARQL 1.1 Protocol defines them: a query by GET, by POST form
(``application/x-www-form-urlencoded``) or by POST direct (``application/sparql-query``), with
``default-graph-uri`` / ``named-graph-uri``; an update by POST form or ``application/sparql-update``
with ``using-graph-uri`` / ``using-named-graph-uri``.
Output: query answers in the negotiated format (SPARQL JSON by default for SELECT/ASK, Turtle
for CONSTRUCT/DESCRIBE; 406 when nothing acceptable); ``204`` for an update; 4xx with a short
message for a bad request; ``503`` when a query runs past ``query_timeout``. ``GET /sparql``
without a query gives the SPARQL Service Description (Turtle by default, an HTML form for
browsers).

Rules: answers to queries carry ``Access-Control-Allow-Origin: *``, update answers do not.
SELECT answers longer than ``max_rows`` are cut and carry ``X-Atlas-Truncated: true``. Updates
need ``enable_update`` and ``Authorization: Bearer <update_token>`` (else 403, checked before
anything else is read). Nothing is fetched from the network: SERVICE, LOAD and graphs not in the
store (FROM, FROM NAMED, ``default-graph-uri``, ``named-graph-uri``) are refused with 400.
"""

from __future__ import annotations

import hmac
import re
import threading
from collections.abc import Iterator
from urllib.parse import parse_qsl

from flask import Blueprint, Response, g, request
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from werkzeug.exceptions import BadRequest, Forbidden, NotAcceptable, ServiceUnavailable, UnsupportedMediaType

from atlas_graph.stores.base import QueryDataset, QueryError, QueryTimeout, RawResult, StoreError
from atlas_graph.web import RDF_TYPES, answer, error_response, negotiate, query_pool, web_config
from atlas_graph.web.config import WebConfig
from atlas_graph.web.service import service_description

bp = Blueprint("sparql", __name__)

RESULT_TYPES = {  # offered media type -> the one served
    "application/sparql-results+json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
#: SPARQL CSV/TSV define no boolean answer, so ASK is served in JSON or XML only.
ASK_TYPES = {k: v for k, v in RESULT_TYPES.items() if not v.startswith("text/")}
QUERY_TYPES = ("application/sparql-query", "application/x-www-form-urlencoded")
_TOKEN = re.compile(
    r"(?P<skip>#[^\n]*|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>|[?$]\w+|@[A-Za-z][\w-]*)"
    r"|(?P<pname>(?:[A-Za-z_][\w.-]*)?:[\w.:%-]*)|(?P<word>[A-Za-z_]\w*)|(?P<brace>[{}])"
)
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")
_POSITION = re.compile(r"\b(?:error )?at 1:(\d+)")
_update_lock = threading.Lock()


# -- reading the request ----------------------------------------------------------------------
def _params(raw: bytes) -> list[tuple[str, str]]:
    """``a=1&b=2`` (URL or form body) -> pairs; 400 unless the text is UTF-8."""
    try:
        return parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("parameters must be percent-encoded UTF-8") from None


def _utf8_body() -> str:
    """The body of a direct POST; 415 for a charset other than UTF-8, 400 for bytes that are not."""
    charset = request.mimetype_params.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8", "us-ascii"):
        raise UnsupportedMediaType(f"charset {charset!r} is not supported: SPARQL text must be UTF-8")
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None


def _read_operation() -> tuple[str, dict[str, list[str]]]:
    """``("query" | "update" | "none", params)`` for this request, checking its method and media type."""
    pairs = _params(request.query_string)
    mimetype = request.mimetype
    if request.method == "POST":
        if mimetype == "application/x-www-form-urlencoded":
            pairs += _params(request.get_data(cache=True))
        elif mimetype in ("application/sparql-query", "application/sparql-update"):
            kind = "update" if mimetype.endswith("update") else "query"
            if kind == "update":
                _authorise()
            if any(name in ("query", "update") for name, _ in pairs):
                raise BadRequest(f"a {mimetype} request takes its {kind} from the body, not the URL")
            pairs.append((kind, _utf8_body()))
        else:
            wanted = ", ".join((*QUERY_TYPES, "application/sparql-update"))
            given = mimetype or "(none)"
            raise UnsupportedMediaType(f"Content-Type {given!r} is not accepted; use one of {wanted}")
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    if "update" in params:
        _authorise()
        if "query" in params:
            raise BadRequest("a request cannot carry both a query and an update")
        if request.method != "POST":
            raise BadRequest("updates must be sent with POST")
        if len(params["update"]) > 1:
            raise BadRequest("exactly one 'update' parameter is allowed")
        return "update", params
    if "query" in params:
        if len(params["query"]) > 1:
            raise BadRequest("exactly one 'query' parameter is allowed")
        return "query", params
    if request.method == "POST":
        raise BadRequest("missing 'query' or 'update' parameter")
    return "none", params


def _authorise() -> None:
    """403 unless updates are on and the bearer token matches (constant-time comparison)."""
    g.sparql_update = True
    config = web_config()
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if not (config.enable_update and config.update_token and scheme.lower() == "bearer"
            and hmac.compare_digest(token.strip().encode(), config.update_token.encode())):
        raise Forbidden("updates are not allowed (they need updates enabled and a valid bearer token)")


def _graph_iris(params: dict[str, list[str]], name: str) -> list[str]:
    iris = params.get(name, [])
    for iri in iris:
        if not _IRI.fullmatch(iri):
            raise BadRequest(f"{name} {iri!r} is not an absolute IRI")
    return iris


# -- looking into SPARQL text -----------------------------------------------------------------
def _tokens(text: str) -> Iterator[re.Match[str]]:
    """Significant tokens (words, prefixed names, braces), skipping strings, IRIs and comments."""
    return (m for m in _TOKEN.finditer(text) if m.lastgroup != "skip")


def query_form(text: str) -> str | None:
    """``SELECT`` / ``ASK`` / ``CONSTRUCT`` / ``DESCRIBE``, or None when no form keyword is found."""
    for m in _tokens(text):
        if m.lastgroup == "word" and m.group().upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return m.group().upper()
    return None


def _nodes(node: object) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _nodes(value)


def check_query(text: str, base: str) -> list[str]:
    """The graphs named by FROM / FROM NAMED; 400 for SERVICE. The text is parsed with rdflib
    (tens of milliseconds) only when a SERVICE or FROM keyword is outside comments, strings
    and IRIs, or when it holds a \\u escape (which could spell one)."""
    if "\\u" not in text.lower() and not any(
        m.lastgroup == "word" and m.group().upper() in ("SERVICE", "FROM") for m in _tokens(text)
    ):
        return []
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        raise BadRequest(f"query syntax error: {exc}") from None
    if any(n.name == "ServiceGraphPattern" for n in _nodes(parsed)):
        raise BadRequest("SERVICE (federated query) is not allowed on this endpoint")
    prologue = translatePrologue(parsed[0], base)
    clauses = dict.get(parsed[1], "datasetClause") or []
    return [str(prologue.absolutize(dict.get(c, "default") or dict.get(c, "named"))) for c in clauses]


def check_update(text: str, using: bool) -> None:
    """400 for SERVICE or LOAD, and for USING / WITH when ``using-…-uri`` parameters are given.

    The keywords are looked for among the significant tokens (not in comments, strings or IRIs),
    after the text's \\u escapes are expanded as SPARQL does; syntax is left to the store. (rdflib's
    update parser recurses once per operation: it failed on updates of a hundred operations.)"""
    try:
        expanded = expandUnicodeEscapes(text)
    except ValueError as exc:
        raise BadRequest(f"update syntax error: {exc}") from None
    for m in _tokens(expanded):
        word = m.group().upper() if m.lastgroup == "word" else ""
        if word == "SERVICE":
            raise BadRequest("SERVICE (federated query) is not allowed on this endpoint")
        if word == "LOAD":
            raise BadRequest("LOAD is not allowed on this endpoint (it would fetch from the network)")
        if using and word in ("USING", "WITH"):
            raise BadRequest("using-graph-uri / using-named-graph-uri cannot be combined with USING, "
                             "USING NAMED or WITH in the update (SPARQL 1.1 Protocol 2.2.3)")


def add_using(text: str, default: list[str], named: list[str]) -> str:
    """Put the protocol's update dataset into each DELETE/INSERT … WHERE as USING clauses
    (``DELETE WHERE {P}`` becomes ``DELETE {P} USING … WHERE {P}``)."""
    using = "".join(f"USING <{iri}> " for iri in default) + "".join(f"USING NAMED <{iri}> " for iri in named)
    tokens = list(_tokens(text))
    out, pos, depth, i = [], 0, 0, 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.lastgroup == "brace":
            depth += 1 if tok.group() == "{" else -1
        elif depth == 0 and tok.lastgroup == "word" and tok.group().upper() == "WHERE":
            if i and tokens[i - 1].group().upper() == "DELETE":
                j, level = i + 1, 0
                while j < len(tokens):
                    level += {"{": 1, "}": -1}.get(tokens[j].group(), 0)
                    if level == 0 and tokens[j].lastgroup == "brace":
                        break
                    j += 1
                pattern = text[tokens[i + 1].start() : tokens[j].end()]
                out += [text[pos : tok.start()], f"{pattern} {using}WHERE {pattern}"]
                pos, i = tokens[j].end(), j + 1
                continue
            out += [text[pos : tok.start()], using]
            pos = tok.start()
        i += 1
    return "".join(out) + text[pos:]


# -- answers ----------------------------------------------------------------------------------
def _with_base(text: str, base: str) -> tuple[str, int]:
    prefix = f"BASE <{base}> "
    return prefix + text, len(prefix)


def _shift(message: str, offset: int) -> str:
    """Give parser positions on line 1 relative to the client's text again."""
    def fix(m: re.Match[str]) -> str:
        return m.group().replace(f"1:{m.group(1)}", f"1:{max(1, int(m.group(1)) - offset)}")

    return _POSITION.sub(fix, message)


@bp.after_request
def _cors(response: Response) -> Response:
    if not g.get("sparql_update"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "X-Atlas-Truncated, X-Atlas-Max-Rows"
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    """Query, update or describe the service, as the request says."""
    if request.method == "OPTIONS":
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    kind, params = _read_operation()
    if kind == "update":
        return _update(params["update"][0], params)
    if kind == "none":
        return service_description()
    return _query(params["query"][0], params)


#: Functions whose value changes from one call to the next: answers using them are not kept.
_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


def _query(text: str, params: dict[str, list[str]]) -> Response:
    from atlas_graph.web.cache import cached_answer, conditional

    config, pool = web_config(), query_pool()
    form = query_form(text) or "SELECT"
    media_type = negotiate({"SELECT": RESULT_TYPES, "ASK": ASK_TYPES}.get(form, RDF_TYPES))
    default, named = _graph_iris(params, "default-graph-uri"), _graph_iris(params, "named-graph-uri")
    dataset = QueryDataset(tuple(default), tuple(named)) if (default or named) else None
    sparql, offset = _with_base(text, config.base_iri)
    try:
        limit = config.max_rows if config.max_rows > 0 else None
        def run() -> RawResult:
            # Checked only when the answer is not kept: a kept answer's text passed these checks
            # against the same data (the graphs only change with an update, which empties the cache).
            _check_dataset(text, default + named, config)
            return pool.call("raw_query", sparql, media_type, dataset, limit)

        key = None if _VOLATILE.search(sparql) else ("sparql", sparql, media_type, dataset, limit)
        if key is None:  # NOW(), RAND(), UUID()…: a new answer each time
            result = run()
        else:
            result = cached_answer(key, run, lambda r: len(r.body))
    except QueryError as exc:
        raise BadRequest(f"query error: {_shift(str(exc), offset)}") from None
    except QueryTimeout as exc:
        raise ServiceUnavailable(f"{exc}; simplify the query or add a LIMIT") from None
    except ValueError as exc:
        raise NotAcceptable(str(exc)) from None
    response = answer(result.body, result.media_type)
    if result.truncated:
        response.headers["X-Atlas-Truncated"] = "true"
        response.headers["X-Atlas-Max-Rows"] = str(config.max_rows)
    return response if key is None else conditional(response, key)


def _check_dataset(text: str, given: list[str], config: WebConfig) -> None:
    """400 for SERVICE, and for graphs (``default-graph-uri`` / ``named-graph-uri`` when given,
    else FROM / FROM NAMED) that are not in the store."""
    from_graphs = check_query(text, config.base_iri)
    wanted = given or from_graphs
    if wanted:
        present = {str(iri) for iri in config.store.graph_names()}
        missing = [iri for iri in dict.fromkeys(wanted) if iri not in present]
        if missing:
            raise BadRequest(f"graph <{missing[0]}> is not in this dataset (nothing is fetched from the web)")


def _update(text: str, params: dict[str, list[str]]) -> Response:
    config = web_config()
    default, named = _graph_iris(params, "using-graph-uri"), _graph_iris(params, "using-named-graph-uri")
    check_update(text, bool(default or named))
    if default or named:
        text = add_using(text, default, named)
    sparql, offset = _with_base(text, config.base_iri)
    with _update_lock:
        try:
            config.store.update(sparql)
        except QueryError as exc:
            raise BadRequest(f"update error: {_shift(str(exc), offset)}") from None
        finally:
            query_pool().refresh()
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


@bp.errorhandler(StoreError)
def _store_error(exc: StoreError) -> Response:
    return error_response(503, "Service Unavailable", f"the store could not answer: {exc}")


__all__ = ["add_using", "bp", "check_query", "check_update", "query_form"]
