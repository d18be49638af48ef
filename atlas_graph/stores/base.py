"""The store interface: where a built dataset lives and how it is queried.

Input: RDF quads (rdflib terms) grouped by named graph, and SPARQL text with bindings.
Output: query results as rdflib terms (for the pages), as rows of text (``select_text``, for the
named queries), or as bytes in a negotiated SPARQL results / RDF format (for the SPARQL endpoint).

Three implementations share this interface, chosen by a store URI (see ``open_store``):
``memory`` (rdflib), ``oxigraph:PATH`` / ``oxigraph:`` (embedded Oxigraph, on disk or in memory)
and ``http(s)://…`` (a remote SPARQL 1.1 server).

The default graph of a query is the union of all named graphs unless the caller names the
graphs (``default_graphs`` / ``named_graphs``), as the SPARQL 1.1 Protocol allows.
"""

from __future__ import annotations

import abc
import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rdflib.term import BNode, Identifier, Literal, Node, URIRef

Binding = URIRef | Literal
Row = dict[str, Identifier | None]


def term_text(term: Identifier | None) -> str:
    """A value as text, as SPARQL CSV results write it: the lexical form of a literal, the IRI of
    a resource, ``_:id`` for a blank node, the empty string when unbound."""
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def csv_text_rows(body: bytes, variables: Sequence[str]) -> list[tuple[str, ...]]:
    """SPARQL CSV results -> rows of text of ``variables`` (a variable the answer lacks is empty)."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    header = next(reader, [])
    rows: list[tuple[str, ...]] = list(map(tuple, reader))
    if len(header) == 1:  # a row whose one value is unbound is an empty line
        rows = [row or ("",) for row in rows]
    picks = [header.index(v) if v in header else None for v in variables]
    if picks == list(range(len(header))):
        return rows
    return [tuple("" if i is None else row[i] for i in picks) for row in rows]


class StoreError(Exception):
    """A store could not be opened or could not answer; the message says why."""


class QueryError(StoreError):
    """The query text is not valid SPARQL (the parser's message is kept)."""


class QueryTimeout(StoreError):
    """The query ran past the time limit and was stopped."""


@dataclass(frozen=True)
class RawResult:
    """A query answer already serialised for HTTP."""

    body: bytes
    media_type: str
    truncated: bool = False


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset of one query, as the SPARQL 1.1 Protocol lets a request name it."""

    default_graphs: Sequence[str] = field(default_factory=tuple)
    named_graphs: Sequence[str] = field(default_factory=tuple)


class Store(abc.ABC):
    """A quad store holding one atlas-graph dataset."""

    #: The store URI it was opened from (``memory``, ``oxigraph:PATH``, ``http://…``).
    uri: str

    # -- writing -------------------------------------------------------------------------------
    @abc.abstractmethod
    def replace_graph(
        self, graph: URIRef, triples: Iterable[tuple[Node, Node, Node]]
    ) -> None:
        """Atomically replace the content of one named graph (creating it if needed)."""

    @abc.abstractmethod
    def drop_graph(self, graph: URIRef) -> None:
        """Remove one named graph; no error if it is absent."""

    @abc.abstractmethod
    def graph_names(self) -> set[URIRef]:
        """The named graphs present."""

    @abc.abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""

    # -- reading -------------------------------------------------------------------------------
    @abc.abstractmethod
    def select(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> list[Row]:
        """Run a SELECT over the union of all graphs; rows map variable names to rdflib terms."""

    def select_text(self, sparql: str, variables: Sequence[str]) -> list[tuple[str, ...]]:
        """Run a SELECT over the union of all graphs; each row holds the text (``term_text``) of
        ``variables``, in that order (empty for a variable the query does not bind).

        For the named queries, which answer in text: stores override it to skip building rdflib
        terms (Oxigraph and remote servers write SPARQL CSV results, read here with ``csv``).
        """
        return [tuple(term_text(row.get(v)) for v in variables) for row in self.select(sparql)]

    @abc.abstractmethod
    def ask(self, sparql: str, bindings: Mapping[str, Binding] | None = None) -> bool:
        """Run an ASK over the union of all graphs."""

    @abc.abstractmethod
    def raw_query(
        self,
        sparql: str,
        media_type: str,
        dataset: QueryDataset | None = None,
        max_rows: int | None = None,
    ) -> RawResult:
        """Run any query form and serialise the answer in ``media_type``.

        SELECT/ASK take SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE take Turtle,
        N-Triples, JSON-LD or RDF/XML. Raises ``QueryError`` for a malformed query and
        ``ValueError`` for a media type the query form cannot be served in.
        """

    @abc.abstractmethod
    def quads(self) -> Iterable[tuple[Identifier, Identifier, Identifier, URIRef]]:
        """Every quad of the dataset (for dumps and validation)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files or connections."""
