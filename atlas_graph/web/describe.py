"""What the linked-data pages say about one resource, read from the store.

Input: a ``select(sparql, bindings)`` function (a store's, or ``cache.reader().select`` to run
in the query pool), an IRI, and whether personal data may be shown. Output:

* ``description(select, iri, personal_data)`` -> an rdflib ``Graph``: the resource's own
  triples (all named graphs) plus the labels of the resources it links to (the RDF answer);
* ``incoming(select, iri, limit)`` -> ``(subject, predicate)`` pairs of the links to it;
* ``labels(select, iris)`` -> ``{iri: [label literals]}`` (``pick_label`` chooses one);
* ``sources(select, iri)`` -> the named graphs it appears in, with the file of each record;
* ``graph_triples(select, graph)`` -> the triples of one named graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from atlas_graph.stores.base import Binding, Row

Select = Callable[[str, Mapping[str, Binding] | None], list[Row]]

#: Properties that name a resource, best first.
LABEL_PROPERTIES = (SKOS.prefLabel, DCTERMS.title, RDFS.label, FOAF.name, DCTERMS.identifier)
#: Properties holding personal data (left out when it may not be shown).
PERSONAL = (FOAF.name, FOAF.givenName, FOAF.familyName, FOAF.mbox)
_VALUES = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)

_OWN = f"""SELECT ?s ?p ?o ?n ?lp ?l WHERE {{
  {{ ?s ?p ?o }}
  UNION
  {{ ?s ?x ?n . FILTER(isIRI(?n)) VALUES ?lp {{ {_VALUES} }} ?n ?lp ?l }}
}}"""
_INCOMING = "SELECT DISTINCT ?x ?p ?o WHERE { ?x ?p ?o } ORDER BY ?p ?x LIMIT %d"
_SOURCES = """PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?s ?g ?doc ?file WHERE {
  { GRAPH ?g { ?s ?p ?o } } UNION { GRAPH ?g { ?x ?q ?s } }
  OPTIONAL { GRAPH ?g { ?doc a atlas:SourceDocument ; dcterms:identifier ?file } }
} ORDER BY ?g"""
_GRAPH = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_EXISTS = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def exists(select: Select, iri: URIRef) -> bool:
    """Whether ``iri`` is the subject of at least one triple."""
    return bool(select(_EXISTS, {"s": iri}))


def description(select: Select, iri: URIRef, personal_data: bool = True) -> Graph:
    """The resource's own triples and the labels of what it links to."""
    graph = Graph()
    for row in select(_OWN, {"s": iri}):
        if row.get("p") is not None:
            if personal_data or row["p"] not in PERSONAL:
                graph.add((iri, row["p"], row["o"]))  # type: ignore[arg-type]
        elif row.get("n") is not None and (personal_data or row["lp"] != FOAF.name):
            graph.add((row["n"], row["lp"], row["l"]))  # type: ignore[arg-type]
    return graph


def incoming(select: Select, iri: URIRef, limit: int = 500) -> list[tuple[URIRef, URIRef]]:
    """``(subject, predicate)`` of the triples whose object is ``iri`` (at most ``limit``)."""
    rows = select(_INCOMING % limit, {"o": iri})
    return [(row["x"], row["p"]) for row in rows if isinstance(row["x"], URIRef)]  # type: ignore[misc]


def labels(select: Select, iris: Iterable[URIRef], personal_data: bool = True) -> dict[URIRef, list[Literal]]:
    """The labels of each IRI (any language), by label property order."""
    wanted = sorted({i for i in iris if isinstance(i, URIRef)})
    found: dict[URIRef, list[Literal]] = {}
    properties = [p for p in LABEL_PROPERTIES if personal_data or p != FOAF.name]
    for start in range(0, len(wanted), 200):
        chunk = " ".join(f"<{i}>" for i in wanted[start : start + 200])
        values = " ".join(f"<{p}>" for p in properties)
        sparql = f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {chunk} }} VALUES ?p {{ {values} }} ?s ?p ?l }}"
        rows = sorted(select(sparql, None), key=lambda r: (properties.index(r["p"]), str(r["l"])))  # type: ignore
        for row in rows:
            found.setdefault(row["s"], []).append(row["l"])  # type: ignore[arg-type]
    return found


def pick_label(candidates: list[Literal], lang: str) -> str | None:
    """The label in ``lang``, else in French, else without language, else the first one."""
    for wanted in (lang, "fr", None):
        for label in candidates:
            if getattr(label, "language", None) == wanted:
                return str(label)
    return str(candidates[0]) if candidates else None


def sources(select: Select, iri: URIRef) -> list[dict[str, str | None]]:
    """The named graphs ``iri`` appears in, each with its source document and file name."""
    seen: dict[str, dict[str, str | None]] = {}
    for row in select(_SOURCES, {"s": iri}):
        entry = seen.setdefault(str(row["g"]), {"graph": str(row["g"]), "doc": None, "file": None})
        if row.get("file") is not None:
            entry["doc"], entry["file"] = str(row["doc"]), str(row["file"])
    return list(seen.values())


def graph_triples(select: Select, graph: URIRef, personal_data: bool = True) -> Graph:
    """The triples of the named graph ``graph``."""
    result = Graph(identifier=graph)
    for row in select(_GRAPH, {"g": graph}):
        if personal_data or row["p"] not in PERSONAL:
            result.add((row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
    return result


__all__ = ["LABEL_PROPERTIES", "PERSONAL", "description", "exists", "graph_triples", "incoming", "labels",
           "pick_label", "sources"]
