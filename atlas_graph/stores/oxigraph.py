"""An embedded Oxigraph store (pyoxigraph), on disk or in memory.

Input: triples / quads as rdflib terms; SPARQL text with bindings (passed as pyoxigraph
``substitutions``, never formatted into the query text).
Output: rows of rdflib terms, rows of text (``select_text``: Oxigraph writes SPARQL CSV results,
read back with ``csv``, several times faster than building a Python object per term), or bytes
serialised by Oxigraph (``QueryResultsFormat`` for SELECT/ASK, ``RdfFormat`` for CONSTRUCT/DESCRIBE
and dumps).

``OxigraphStore(path)`` opens (or creates) a RocksDB directory; ``OxigraphStore(None)`` keeps the
data in memory. ``read_only=True`` opens an existing directory with ``Store.read_only``.

Bindings follow SEP-0007 as Oxigraph implements it: in a SELECT, every bound variable must
appear in the projection (or use ``SELECT *``), else QueryError; it is then returned bound.

Union default graph: ``select``/``ask`` and ``raw_query`` without a dataset run with
``use_default_graph_as_union=True``, unless the query text has its own ``FROM`` / ``FROM NAMED``
clauses: Oxigraph's union option would override them, so they are read (with rdflib's parser)
and passed on as an explicit dataset. A ``QueryDataset`` is passed as ``default_graph`` /
``named_graphs``.

Atomicity: ``replace_graph`` sends one SPARQL Update (``DROP SILENT GRAPH <g> ; INSERT DATA {
GRAPH <g> { ... } }``) built from the terms' N-Triples forms; pyoxigraph runs a whole update in
one transaction, so readers see either the old or the new graph, never a mix, and a failure
leaves the old graph. ``load_quads`` uses ``bulk_extend``, which is fast but NOT transactional
(meant for loading a fresh store).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from atlas_graph.stores.base import (
    Binding,
    QueryDataset,
    QueryError,
    RawResult,
    Row,
    Store,
    StoreError,
    csv_text_rows,
)
from atlas_graph.stores.memory import (
    check_form,
    inline_bindings,
    normalise_media_type,
    nt_term,
    query_dataset,
    serialise_rows,
)

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
DUMP_FORMATS = {
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


# -- term conversion -------------------------------------------------------------------------
def to_ox(term: Node):
    """rdflib term -> pyoxigraph term (``NamedNode``, ``BlankNode`` or ``Literal``)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to an Oxigraph term")


def from_ox(term) -> Identifier | None:
    """pyoxigraph term -> rdflib term (``xsd:string`` literals become plain literals)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise StoreError(f"unsupported Oxigraph term {term!r}")


#: Fewest bytes each row of an answer takes in Oxigraph's results formats (JSON ``{}`` and a
#: comma, XML ``<result/>``, a CSV or TSV line end), so that a short answer is known to hold at
#: most so many rows without reading it.
_ROW_BYTES = {"application/sparql-results+json": 3, "application/sparql-results+xml": 9, "text/csv": 2,
              "text/tab-separated-values": 1}


def _at_most_rows(body: bytes, media_type: str, max_rows: int) -> bool:
    """Whether the SELECT answer ``body`` (Oxigraph's serialisation) holds at most ``max_rows``
    rows: by its length alone when it is short, by reading it when it is JSON, else False (not known)."""
    if len(body) <= max_rows * _ROW_BYTES[media_type]:
        return True
    if media_type == "application/sparql-results+json":
        return len(json.loads(body)["results"]["bindings"]) <= max_rows
    return False


class OxigraphStore(Store):
    """``OxigraphStore(path, read_only=False)``: a pyoxigraph store in ``path`` (``None``: memory)."""

    def __init__(self, path: str | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.uri = f"oxigraph:{path or ''}"
        self.read_only = read_only
        self._store: ox.Store | None = None
        if path is None:
            self._store = ox.Store()
        else:
            self.reopen()

    def reopen(self) -> None:
        """Open the store at ``path`` (again, after ``close()``). A process forked from the one
        that wrote to an on-disk store must open it anew to write: RocksDB's background threads
        (flushes, compactions) do not survive a fork."""
        if self.path is None or self._store is not None:
            return
        try:
            if self.read_only:
                self._store = ox.Store.read_only(self.path)
            else:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(self.path)
        except OSError as exc:
            raise StoreError(f"cannot open Oxigraph store at {self.path!r}: {exc}") from exc

    @property
    def store(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store`` (StoreError once closed)."""
        if self._store is None:
            raise StoreError(f"store {self.uri} is closed")
        return self._store

    def close(self) -> None:
        if self._store is not None and not self.read_only:
            self._store.flush()
        self._store = None  # RocksDB lock is released when the last reference goes

    def _write(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError(f"store {self.uri} is read-only")
        try:
            self.store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    # -- writing ---------------------------------------------------------------------------
    def replace_graph(
        self, graph: URIRef, triples: Iterable[tuple[Node, Node, Node]]
    ) -> None:
        g = nt_term(URIRef(graph))
        body = "\n".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ." for s, p, o in triples)
        update = f"DROP SILENT GRAPH {g}"
        if body:
            update += f" ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}"
        self._write(update)

    def drop_graph(self, graph: URIRef) -> None:
        self._write(f"DROP SILENT GRAPH {nt_term(URIRef(graph))}")

    def graph_names(self) -> set[URIRef]:
        """Named graphs holding at least one triple (Oxigraph keeps emptied graphs listed)."""
        store = self.store
        return {
            URIRef(g.value)
            for g in store.named_graphs()
            if isinstance(g, ox.NamedNode) and next(iter(store.quads_for_pattern(None, None, None, g)), None)
        }

    def update(self, sparql: str) -> None:
        self._write(sparql)

    def load_quads(self, quads: Iterable[tuple[Node, Node, Node, URIRef]]) -> None:
        """Bulk-add quads ``(s, p, o, graph)`` (fast, not transactional; nothing is cleared)."""
        if self.read_only:
            raise StoreError(f"store {self.uri} is read-only")
        self.store.bulk_extend(
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g) if g is not None else ox.DefaultGraph())
            for s, p, o, g in quads
        )

    def dump(self, media_type: str = "application/trig") -> bytes:
        """The whole dataset as TriG / N-Quads, or its union graph as Turtle / N-Triples."""
        mt = media_type.split(";", 1)[0].strip().lower()
        if mt not in DUMP_FORMATS:
            raise ValueError(f"cannot dump as {media_type!r}; accepted: {', '.join(DUMP_FORMATS)}")
        fmt = DUMP_FORMATS[mt]
        if fmt.supports_datasets:
            return self.store.dump(format=fmt) or b""
        union = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        assert isinstance(union, ox.QueryTriples)
        return union.serialize(format=fmt) or b""

    # -- reading ---------------------------------------------------------------------------
    def _query(self, sparql: str, bindings=None, dataset: QueryDataset | None = None):
        kwargs: dict = {}
        if dataset is None or not (dataset.default_graphs or dataset.named_graphs):
            dataset = query_dataset(sparql)
        if dataset is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        try:
            return self.store.query(inline_bindings(sparql, bindings or {}), **kwargs)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def select(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> list[Row]:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        memo: dict = {}  # labels and IRIs repeat across rows: convert each term once

        def term(value):  # type: ignore[no-untyped-def]
            if value is None:
                return None
            found = memo.get(value)
            if found is None:
                found = memo[value] = from_ox(value)
            return found

        return [{n: term(sol[n]) for n in names} for sol in result]

    def select_text(self, sparql: str, variables: Sequence[str]) -> list[tuple[str, ...]]:
        result = self._query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        try:
            body = result.serialize(format=ox.QueryResultsFormat.CSV) or b""
        except OSError as exc:  # the query is evaluated while it is written
            raise StoreError(str(exc)) from exc
        return csv_text_rows(body, variables)

    def ask(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> bool:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def raw_query(
        self,
        sparql: str,
        media_type: str,
        dataset: QueryDataset | None = None,
        max_rows: int | None = None,
    ) -> RawResult:
        mt = normalise_media_type(media_type)
        result = self._query(sparql, None, dataset)
        if isinstance(result, ox.QueryBoolean):
            check_form(mt, "ASK")
            return RawResult(result.serialize(format=RESULTS_FORMATS[mt]) or b"", mt)
        if isinstance(result, ox.QuerySolutions):
            check_form(mt, "SELECT")
            body = result.serialize(format=RESULTS_FORMATS[mt]) or b""
            if max_rows is None or _at_most_rows(body, mt, max_rows):
                return RawResult(body, mt)
            result = self._query(sparql, None, dataset)  # again, to cut the answer at max_rows
            assert isinstance(result, ox.QuerySolutions)
            names = [v.value for v in result.variables]
            rows: list[Row] = []
            truncated = False
            for sol in result:
                if len(rows) == max_rows:
                    truncated = True
                    break
                rows.append({n: from_ox(sol[n]) for n in names})
            return RawResult(serialise_rows(names, rows, mt), mt, truncated)
        check_form(mt, "CONSTRUCT")
        assert isinstance(result, ox.QueryTriples)
        return RawResult(result.serialize(format=RDF_FORMATS[mt]) or b"", mt)

    def quads(self) -> Iterator[tuple[Identifier, Identifier, Identifier, URIRef]]:
        for q in self.store.quads_for_pattern(None, None, None, None):
            g = from_ox(q.graph_name)
            quad = (
                from_ox(q.subject),
                from_ox(q.predicate),
                from_ox(q.object),
                g or DATASET_DEFAULT_GRAPH_ID,
            )
            yield quad  # type: ignore[misc]


__all__ = ["OxigraphStore", "from_ox", "to_ox"]
