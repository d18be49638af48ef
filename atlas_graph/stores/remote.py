"""A remote SPARQL 1.1 server, spoken to over HTTP with the standard library (urllib).

Input: a query endpoint URL, optionally an update endpoint and a Graph Store Protocol endpoint,
and credentials; triples (rdflib terms) and SPARQL text.
Output: rows of rdflib terms parsed from SPARQL JSON results, rows of text read from its SPARQL
CSV results (``select_text``), or the server's bytes.

* Queries: SPARQL 1.1 Protocol, ``POST`` form-encoded ``query`` (plus ``default-graph-uri`` /
  ``named-graph-uri`` for a ``QueryDataset``) with an ``Accept`` header.
* Updates: ``POST`` ``application/sparql-update`` to the update endpoint.
* Graphs: with a Graph Store endpoint, ``replace_graph`` is one ``PUT ?graph=…``
  (N-Triples body) and ``drop_graph`` one ``DELETE ?graph=…``; without one, the same is done by a
  single SPARQL Update ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }``. Either is one
  request, atomic on servers that run a request in one transaction (Oxigraph, Fuseki/TDB2).

Union default graph: queries are sent as written (no rewriting), so the SERVER must be set up
to use the union of its named graphs as the default graph:
Oxigraph ``oxigraph serve --location DIR --union-default-graph``;
Fuseki/TDB2 ``tdb2:unionDefaultGraph true`` in the dataset assembler. Such a server ignores a
query's own ``FROM`` clauses, so they are read here and also sent as ``default-graph-uri`` /
``named-graph-uri`` parameters (which the protocol says mean the same).

Bindings: the protocol has none, so ``select``/``ask`` open the query's WHERE group with one
``VALUES`` row built from the checked N-Triples forms of the bound terms (``inline_bindings``,
shared with the Oxigraph store).

Credentials never come from the command line: pass ``credentials`` (``(user, password)`` for
HTTP Basic, or a token string for ``Authorization: Bearer``), or let ``credentials_from_env``
read ``ATLAS_GRAPH_STORE_TOKEN``, or ``ATLAS_GRAPH_STORE_USER`` + ``ATLAS_GRAPH_STORE_PASSWORD``,
or a file named by ``ATLAS_GRAPH_STORE_CREDENTIALS`` holding ``KEY=VALUE`` lines with those keys.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from atlas_graph.stores.base import (
    Binding,
    QueryDataset,
    QueryError,
    QueryTimeout,
    RawResult,
    Row,
    Store,
    StoreError,
    csv_text_rows,
)
from atlas_graph.stores.memory import (
    GRAPH_MEDIA_TYPES,
    RESULTS_MEDIA_TYPES,
    inline_bindings,
    normalise_media_type,
    nt_term,
    query_dataset,
    serialise_boolean,
    serialise_rows,
)

Credentials = tuple[str, str] | str
JSON_RESULTS = "application/sparql-results+json"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def credentials_from_file(path: str | os.PathLike[str]) -> Credentials | None:
    """Read ``KEY=VALUE`` lines (``ATLAS_GRAPH_STORE_TOKEN`` or ``…_USER`` + ``…_PASSWORD``)."""
    values: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip().upper().removeprefix("ATLAS_GRAPH_STORE_")] = value.strip()
    return _pick(values.get("TOKEN"), values.get("USER"), values.get("PASSWORD"))


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from the environment (token first, then user + password, then the file)."""
    env = os.environ if environ is None else environ
    found = _pick(
        env.get("ATLAS_GRAPH_STORE_TOKEN"),
        env.get("ATLAS_GRAPH_STORE_USER"),
        env.get("ATLAS_GRAPH_STORE_PASSWORD"),
    )
    if found is None and env.get("ATLAS_GRAPH_STORE_CREDENTIALS"):
        found = credentials_from_file(env["ATLAS_GRAPH_STORE_CREDENTIALS"])
    return found


def _pick(token: str | None, user: str | None, password: str | None) -> Credentials | None:
    if token:
        return token
    if user and password is not None:
        return (user, password)
    return None


def json_term(value: Mapping[str, str]) -> Identifier:
    """One SPARQL JSON results term -> rdflib term (``xsd:string`` becomes a plain literal)."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if value.get("xml:lang"):
            return Literal(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype != XSD_STRING:
            return Literal(value["value"], datatype=URIRef(datatype))
        return Literal(value["value"])
    raise StoreError(f"unsupported term in SPARQL results: {kind!r}")


def parse_json_results(body: bytes) -> tuple[list[str], list[Row]] | bool:
    """SPARQL JSON results -> ``(variables, rows)`` for SELECT, a bool for ASK."""
    data = json.loads(body)
    if "boolean" in data:
        return bool(data["boolean"])
    names = list(data.get("head", {}).get("vars", []))
    rows = [
        {n: json_term(b[n]) if n in b else None for n in names}
        for b in data.get("results", {}).get("bindings", [])
    ]
    return names, rows


class RemoteStore(Store):
    """``RemoteStore(query_url, update_url=None, graph_store_url=None, credentials=None)``."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        credentials: Credentials | None = None,
        *,
        read_only: bool = False,
        timeout: float = 120.0,
    ) -> None:
        self.uri = query_url
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.read_only = read_only
        self.timeout = timeout
        self._auth: str | None = None
        if isinstance(credentials, tuple):
            pair = f"{credentials[0]}:{credentials[1]}".encode()
            self._auth = "Basic " + base64.b64encode(pair).decode("ascii")
        elif credentials:
            self._auth = f"Bearer {credentials}"

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, update_url={self.update_url!r})"

    # -- HTTP ------------------------------------------------------------------------------
    def _http(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        """One request -> (status, media type without parameters, body); never raises on 4xx/5xx."""
        if self._auth:
            headers = {**headers, "Authorization": self._auth}
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, ctype, data = (
                    response.status,
                    response.headers.get("Content-Type", ""),
                    response.read(),
                )
        except urllib.error.HTTPError as exc:
            status, ctype, data = exc.code, exc.headers.get("Content-Type", ""), exc.read()
            exc.close()
        except TimeoutError as exc:
            raise QueryTimeout(f"{method} {url}: no answer within {self.timeout} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryTimeout(f"{method} {url}: no answer within {self.timeout} s") from exc
            raise StoreError(f"{method} {url}: {exc.reason}") from exc
        return status, ctype.split(";", 1)[0].strip().lower(), data

    @staticmethod
    def _message(status: int, data: bytes) -> str:
        return f"HTTP {status}: {data.decode('utf-8', 'replace').strip()[:1000]}"

    def _post_query(self, sparql: str, accept: str, dataset: QueryDataset | None = None) -> tuple[str, bytes]:
        params: list[tuple[str, str]] = [("query", sparql)]
        if dataset is None or not (dataset.default_graphs or dataset.named_graphs):
            dataset = query_dataset(sparql)  # a union-default-graph server would ignore FROM
        if dataset is not None:
            params += [("default-graph-uri", g) for g in dataset.default_graphs]
            params += [("named-graph-uri", g) for g in dataset.named_graphs]
        body = urllib.parse.urlencode(params).encode("ascii")
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        status, ctype, data = self._http("POST", self.query_url, body, headers)
        if status == 400:
            raise QueryError(self._message(status, data))
        if status == 406:
            raise ValueError(
                f"the server cannot answer this query as {accept}: {self._message(status, data)}"
            )
        if status == 503 or status == 504:
            raise QueryTimeout(self._message(status, data))
        if status >= 300:
            raise StoreError(self._message(status, data))
        return ctype, data

    def _json(self, sparql: str, bindings: Mapping[str, Binding] | None):
        if bindings:
            for name in bindings:
                if not _VAR.match(name):
                    raise ValueError(f"not a SPARQL variable name: {name!r}")
            sparql = inline_bindings(sparql, bindings)
        return parse_json_results(self._post_query(sparql, JSON_RESULTS)[1])

    # -- writing ---------------------------------------------------------------------------
    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.uri} is read-only")

    def update(self, sparql: str) -> None:
        self._check_writable()
        if not self.update_url:
            raise StoreError(f"store {self.uri} has no update endpoint")
        headers = {"Content-Type": "application/sparql-update; charset=utf-8"}
        status, _, data = self._http("POST", self.update_url, sparql.encode("utf-8"), headers)
        if status == 400:
            raise QueryError(self._message(status, data))
        if status >= 300:
            raise StoreError(self._message(status, data))

    def _gsp_url(self, graph: URIRef) -> str:
        assert self.graph_store_url
        sep = "&" if "?" in self.graph_store_url else "?"
        return f"{self.graph_store_url}{sep}{urllib.parse.urlencode({'graph': str(graph)})}"

    def replace_graph(
        self, graph: URIRef, triples: Iterable[tuple[Node, Node, Node]]
    ) -> None:
        self._check_writable()
        body = "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)
        if not body:
            self.drop_graph(graph)
            return
        if not self.graph_store_url:
            g = nt_term(URIRef(graph))
            self.update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}}} }}")
            return
        headers = {"Content-Type": "application/n-triples; charset=utf-8"}
        status, _, data = self._http("PUT", self._gsp_url(graph), body.encode("utf-8"), headers)
        if status >= 300:
            raise StoreError(self._message(status, data))

    def drop_graph(self, graph: URIRef) -> None:
        self._check_writable()
        if not self.graph_store_url:
            self.update(f"DROP SILENT GRAPH {nt_term(URIRef(graph))}")
            return
        status, _, data = self._http("DELETE", self._gsp_url(graph), None, {})
        if status >= 300 and status != 404:
            raise StoreError(self._message(status, data))

    def graph_names(self) -> set[URIRef]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return {row["g"] for row in rows if isinstance(row["g"], URIRef)}

    # -- reading ---------------------------------------------------------------------------
    def select(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> list[Row]:
        result = self._json(sparql, bindings)
        if isinstance(result, bool):
            raise QueryError("expected a SELECT query, got ASK")
        return result[1]

    def select_text(self, sparql: str, variables: Sequence[str]) -> list[tuple[str, ...]]:
        """Asks for SPARQL CSV results (their cells are the text wanted); a server that cannot
        write CSV (406) is asked for JSON."""
        try:
            _, body = self._post_query(sparql, "text/csv")
        except ValueError:
            return super().select_text(sparql, variables)
        if body.strip() in (b"true", b"false") and b"\n" not in body:  # an ASK answer (a header ends with CRLF)
            raise QueryError("expected a SELECT query, got ASK")
        return csv_text_rows(body, variables)

    def ask(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> bool:
        result = self._json(sparql, bindings)
        if not isinstance(result, bool):
            raise QueryError("expected an ASK query")
        return result

    def raw_query(
        self,
        sparql: str,
        media_type: str,
        dataset: QueryDataset | None = None,
        max_rows: int | None = None,
    ) -> RawResult:
        mt = normalise_media_type(media_type)
        if max_rows is not None and mt in RESULTS_MEDIA_TYPES:
            # fetch JSON, cut, and serialise again in the requested type
            ctype, data = self._post_query(sparql, JSON_RESULTS, dataset)
            result = parse_json_results(data)
            if isinstance(result, bool):
                return RawResult(serialise_boolean(result, mt), mt)
            names, rows = result
            return RawResult(serialise_rows(names, rows[:max_rows], mt), mt, len(rows) > max_rows)
        ctype, data = self._post_query(sparql, mt, dataset)
        wrong = GRAPH_MEDIA_TYPES if mt in RESULTS_MEDIA_TYPES else RESULTS_MEDIA_TYPES
        if ctype in wrong:
            raise ValueError(f"the server answered {ctype}, not {mt}, for this query form")
        return RawResult(data, mt)

    def quads(self) -> list[tuple[Identifier, Identifier, Identifier, URIRef]]:
        rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return [(r["s"], r["p"], r["o"], r["g"]) for r in rows]  # type: ignore[misc]
