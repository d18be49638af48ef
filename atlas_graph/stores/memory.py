"""An in-memory store on rdflib, plus the media-type helpers every store shares.

Input: triples (rdflib terms) per named graph; SPARQL text with ``initBindings``.
Output: rows of rdflib terms, or bytes serialised by rdflib (JSON, XML, Turtle, JSON-LD,
RDF/XML, N-Triples) or by the small CSV/TSV writers below.

``MemoryStore`` keeps an rdflib ``Dataset(default_union=True)``: the default graph of a query is
the union of all named graphs. It is for tests and small builds; nothing is persisted. Writes
and reads hold one lock, so ``replace_graph`` is atomic for the threads of one process.

rdflib would fetch ``FROM <url>`` graphs it does not hold from the web; this module turns that
off (``rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False``) so a query only sees the dataset.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import rdflib.plugins.sparql
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.processor import prepareQuery
from rdflib.query import Result
from rdflib.term import BNode, Identifier, Literal, Node, URIRef, Variable

from atlas_graph.stores.base import Binding, QueryDataset, QueryError, RawResult, Row, Store

rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

#: SPARQL results media types (SELECT, ASK) -> rdflib result format (``None``: written here).
RESULTS_MEDIA_TYPES: dict[str, str | None] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": None,
    "text/tab-separated-values": None,
}
#: RDF media types (CONSTRUCT, DESCRIBE) -> rdflib graph serialiser.
GRAPH_MEDIA_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def normalise_media_type(media_type: str) -> str:
    """``'Text/Turtle; charset=utf-8'`` -> ``'text/turtle'``; ValueError if no store serves it."""
    mt = media_type.split(";", 1)[0].strip().lower()
    if mt not in RESULTS_MEDIA_TYPES and mt not in GRAPH_MEDIA_TYPES:
        accepted = ", ".join([*RESULTS_MEDIA_TYPES, *GRAPH_MEDIA_TYPES])
        raise ValueError(f"unsupported media type {media_type!r}; accepted: {accepted}")
    return mt


def check_form(media_type: str, form: str) -> None:
    """Raise ValueError when query form ``SELECT``/``ASK``/``CONSTRUCT``/``DESCRIBE`` can't be served
    in ``media_type`` (already normalised)."""
    wanted = RESULTS_MEDIA_TYPES if form in ("SELECT", "ASK") else GRAPH_MEDIA_TYPES
    if media_type not in wanted:
        raise ValueError(
            f"a {form} answer cannot be serialised as {media_type}; use one of {', '.join(wanted)}"
        )


_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_BNODE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")


def _iri(value: str) -> str:
    if _BAD_IRI.search(value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def nt_term(term: Node) -> str:
    """An rdflib term in N-Triples syntax (also valid SPARQL and SPARQL TSV).

    IRIs, blank node ids and language tags are checked, so the output can be put in a query
    or update without changing its structure; ValueError otherwise.
    """
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, BNode):
        if not _BNODE_ID.match(str(term)):
            raise ValueError(f"not a valid blank node id: {term!r}")
        return f"_:{term}"
    if isinstance(term, Literal):
        lex = str(term).replace("\\", "\\\\").replace('"', '\\"')
        lex = lex.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if term.language:
            if not _LANG.match(term.language):
                raise ValueError(f"not a valid language tag: {term.language!r}")
            return f'"{lex}"@{term.language}'
        if term.datatype:
            return f'"{lex}"^^{_iri(str(term.datatype))}'
        return f'"{lex}"'
    raise TypeError(f"not an RDF term: {term!r}")


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_GROUP = re.compile(r"\{")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def inline_bindings(sparql: str, bindings: Mapping[str, Binding]) -> str:
    """The query with its bindings as one inline-data row (``VALUES``) opening its WHERE group.

    Oxigraph plans a query with the terms it can see: a value given as a substitution is only
    joined at the end, so a query that starts from one collectivity scans the whole graph
    (measured at 12,000 records: partners 300 ms with a substitution, 7 ms with the value in the
    WHERE group). See ``inline_rows``.
    """
    if not bindings:
        return sparql
    return inline_rows(sparql, list(bindings), [tuple(bindings.values())])


def inline_rows(sparql: str, names: Sequence[str], rows: Sequence[Sequence[Binding | None]]) -> str:
    """The query with ``VALUES (?names…) { rows… }`` opening its WHERE group.

    Terms are written by ``nt_term``, which checks them, so a value can never change the
    query's structure; ``None`` is written ``UNDEF`` (the variable left unbound in that row).
    The WHERE group is the first ``WHERE {`` outside comment lines, else the first ``{``
    (``ASK {…}``, ``SELECT * {…}``).
    Variables bound this way are visible in the whole WHERE group but not inside a FILTER of a
    nested group: queries use them in patterns.
    """
    blanked = "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in sparql.split("\n"))
    match = _WHERE.search(blanked) or _GROUP.search(blanked)  # WHERE is optional in SELECT and ASK
    if match is None:
        raise QueryError("cannot bind values: the query has no WHERE group")
    for name in names:
        if not _VARIABLE.match(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    head = " ".join(f"?{name}" for name in names)
    body = " ".join("(" + " ".join("UNDEF" if term is None else nt_term(term) for term in row) + ")" for row in rows)
    return f"{sparql[: match.end()]}\n  VALUES ({head}) {{ {body} }}{sparql[match.end():]}"


def serialise_rows(variables: Sequence[str], rows: Iterable[Row], media_type: str) -> bytes:
    """SELECT rows (rdflib terms, ``None`` for unbound) -> bytes in a SPARQL results media type."""
    rows = list(rows)
    if media_type == "text/csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            cells = [row.get(v) for v in variables]
            writer.writerow(
                ["" if c is None else f"_:{c}" if isinstance(c, BNode) else str(c) for c in cells]
            )
        return out.getvalue().encode("utf-8")
    if media_type == "text/tab-separated-values":
        lines = ["\t".join(f"?{v}" for v in variables)]
        for row in rows:
            terms = [row.get(v) for v in variables]
            lines.append("\t".join("" if t is None else nt_term(t) for t in terms))
        return ("\n".join(lines) + "\n").encode("utf-8")
    result = Result("SELECT")
    result.vars = [Variable(v) for v in variables]
    result.bindings = [{Variable(k): t for k, t in row.items() if t is not None} for row in rows]
    return result.serialize(format=RESULTS_MEDIA_TYPES[media_type] or "json") or b""


def serialise_boolean(value: bool, media_type: str) -> bytes:
    """An ASK answer -> bytes (CSV/TSV have no standard boolean form: ``true``/``false``)."""
    fmt = RESULTS_MEDIA_TYPES[media_type]
    if fmt is None:
        return b"true" if value else b"false"
    result = Result("ASK")
    result.askAnswer = value
    return result.serialize(format=fmt) or b""


#: A FROM / FROM NAMED clause (not a variable such as ?from): only then is the query parsed.
_FROM = re.compile(r"(?<![?$\w])FROM\s+(?:NAMED\s+)?(?:<|[A-Za-z_][\w.-]*:)", re.IGNORECASE)


def query_dataset(sparql: str) -> QueryDataset | None:
    """The dataset a query names with its own ``FROM`` / ``FROM NAMED`` clauses, else None.

    Oxigraph's union-default-graph option overrides those clauses, so the Oxigraph and remote
    stores pass them on as an explicit dataset (what the SPARQL Protocol does with
    ``default-graph-uri`` / ``named-graph-uri``).
    """
    if not _FROM.search(sparql):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            clauses = prepareQuery(sparql).algebra.get("datasetClause") or []
    except Exception:  # noqa: BLE001 - rdflib may not know every syntax the engine knows
        return None
    default = [str(c["default"]) for c in clauses if "default" in c]
    named = [str(c["named"]) for c in clauses if "named" in c]
    return QueryDataset(tuple(default), tuple(named)) if default or named else None


class MemoryStore(Store):
    """``MemoryStore()``: an empty rdflib dataset whose query default graph is the union."""

    def __init__(self, uri: str = "memory") -> None:
        self.uri = uri
        self._ds = Dataset(default_union=True)
        self._lock = threading.RLock()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the store lock; silence the DeprecationWarnings rdflib 7.6 raises from its own
        SPARQL engine (``Dataset.default_context``)."""
        with self._lock, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield

    # -- writing ---------------------------------------------------------------------------
    def replace_graph(
        self, graph: URIRef, triples: Iterable[tuple[Node, Node, Node]]
    ) -> None:
        new = list(triples)  # read the input before touching the dataset
        with self._locked():
            self._ds.remove_graph(graph)
            if new:
                g = self._ds.graph(graph)
                for triple in new:
                    g.add(triple)

    def drop_graph(self, graph: URIRef) -> None:
        with self._locked():
            self._ds.remove_graph(graph)

    def graph_names(self) -> set[URIRef]:
        with self._locked():
            return {
                g.identifier
                for g in self._ds.contexts()
                if isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
            }

    def update(self, sparql: str) -> None:
        with self._locked():
            try:
                self._ds.update(sparql)
            except Exception as exc:
                if type(exc).__name__ == "ParseException":
                    raise QueryError(str(exc)) from exc
                raise

    def load_quads(self, quads: Iterable[tuple[Node, Node, Node, URIRef]]) -> None:
        """Add quads ``(s, p, o, graph)`` to the dataset (no graph is cleared first)."""
        with self._locked():
            self._ds.addN((s, p, o, self._ds.graph(g)) for s, p, o, g in quads)

    # -- reading ---------------------------------------------------------------------------
    def _run(self, sparql: str, bindings: Mapping[str, Binding] | None = None, ds: Graph | None = None):
        try:
            query = prepareQuery(sparql)
        except Exception as exc:
            raise QueryError(str(exc)) from exc
        projected = query.algebra.get("PV")
        if bindings and projected is not None:  # same rule as Oxigraph's substitutions
            missing = set(bindings) - {str(v) for v in projected}
            if missing:
                raise QueryError(f"bound variables {sorted(missing)} are not in the SELECT projection")
        with self._locked():
            result = (ds if ds is not None else self._ds).query(query, initBindings=dict(bindings or {}))
            if result.type == "SELECT":
                result.bindings = list(result.bindings)  # evaluate inside the lock
            return result

    def select(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> list[Row]:
        result = self._run(sparql, bindings)
        if result.type != "SELECT":
            raise QueryError(f"expected a SELECT query, got {result.type}")
        names = [str(v) for v in result.vars or []]
        return [{n: row.get(Variable(n)) for n in names} for row in result.bindings]

    def ask(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> bool:
        result = self._run(sparql, bindings)
        if result.type != "ASK":
            raise QueryError(f"expected an ASK query, got {result.type}")
        return bool(result.askAnswer)

    def _dataset_view(self, dataset: QueryDataset) -> Dataset:
        """A copy holding only the graphs a protocol request names."""
        view = Dataset(default_union=False)
        with self._locked():
            for name in dataset.default_graphs:
                for triple in self._ds.graph(URIRef(name)):
                    view.default_graph.add(triple)
            for name in dataset.named_graphs:
                target = view.graph(URIRef(name))
                for triple in self._ds.graph(URIRef(name)):
                    target.add(triple)
        return view

    def raw_query(
        self,
        sparql: str,
        media_type: str,
        dataset: QueryDataset | None = None,
        max_rows: int | None = None,
    ) -> RawResult:
        mt = normalise_media_type(media_type)
        view = None
        if dataset is not None and (dataset.default_graphs or dataset.named_graphs):
            view = self._dataset_view(dataset)
        result = self._run(sparql, None, view)
        check_form(mt, result.type)
        if result.type == "ASK":
            return RawResult(serialise_boolean(bool(result.askAnswer), mt), mt)
        if result.type == "SELECT":
            rows = result.bindings
            truncated = max_rows is not None and len(rows) > max_rows
            if truncated:
                rows = rows[:max_rows]
            names = [str(v) for v in result.vars or []]
            out = [{n: row.get(Variable(n)) for n in names} for row in rows]
            return RawResult(serialise_rows(names, out, mt), mt, truncated)
        with self._locked():
            body = result.graph.serialize(format=GRAPH_MEDIA_TYPES[mt], encoding="utf-8")
        return RawResult(body, mt)

    def quads(self) -> Iterable[tuple[Identifier, Identifier, Identifier, URIRef]]:
        with self._locked():
            found = [
                (s, p, o, DATASET_DEFAULT_GRAPH_ID if g is None else getattr(g, "identifier", g))
                for s, p, o, g in self._ds.quads((None, None, None, None))
            ]
        return found  # type: ignore[return-value]
