"""The store interface: where a built dataset lives and how it is queried.

Input: RDF quads (rdflib terms) grouped by named graph, and SPARQL text with bindings.
Output: query results as rdflib terms (for the named queries and the pages), or as bytes in a
negotiated SPARQL results / RDF format (for the SPARQL endpoint).

Three implementations share this interface, chosen by a store URI (see ``open_store``):
``memory`` (rdflib), ``oxigraph:PATH`` / ``oxigraph:`` (embedded Oxigraph, on disk or in memory)
and ``http(s)://…`` (a remote SPARQL 1.1 server).

The default graph of a query is the union of all named graphs unless the caller names the
graphs (``default_graphs`` / ``named_graphs``), as the SPARQL 1.1 Protocol allows.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rdflib.term import Identifier, Literal, URIRef

Binding = URIRef | Literal
Row = dict[str, Identifier | None]


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
        self, graph: URIRef, triples: Iterable[tuple[Identifier, Identifier, Identifier]]
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
