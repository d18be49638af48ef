"""RDF files: named graphs (rdflib terms) -> bytes in Turtle, N-Triples, TriG, N-Quads or JSON-LD.

Input: quads (subject, predicate, object, graph name) as rdflib terms, or a whole ``Build``'s
graphs. Output: the bytes of one of ``FORMATS``. Deterministic: the statements are sorted (graph,
subject, predicate, object, each in its N-Triples form), so the same quads always give the same
bytes, whatever order they came in; subjects are grouped in Turtle and graphs in TriG.
Turtle, TriG and JSON-LD are written by Oxigraph's serialisers; N-Quads and N-Triples are
written here, one line per statement with each term in the N-Triples form Oxigraph gives it
(the same bytes as its serialiser, without making a million Oxigraph quads first).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.term import Node

from . import paused_gc
from .identity import DEFAULT_BASE_IRI

#: Output formats of ``build``. TriG, N-Quads and JSON-LD keep the named graphs; Turtle and
#: N-Triples hold the union of them.
FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
           "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}

Quad = tuple[Node, Node, Node, URIRef]
TextTriple = tuple[str, str, str]  # subject, predicate, object in N-Triples form


def prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The prefixes written in Turtle and TriG output."""
    from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SDO, SKOS, XSD

    from .namespaces import ATLAS, COUNTRY

    return {"atlas": str(ATLAS._NS), "org": str(ORG), "skos": str(SKOS), "foaf": str(FOAF),
            "dcterms": str(DCTERMS), "prov": str(PROV), "schema": str(SDO), "xsd": str(XSD),
            "country": str(COUNTRY)}


def serialize(dataset: Dataset, fmt: str, base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """An rdflib Dataset in one of ``FORMATS`` (see ``serialize_quads``)."""
    return serialize_quads(dataset.quads((None, None, None, None)), fmt, base_iri)  # type: ignore[arg-type]


def serialize_quads(quads: Iterable[Quad], fmt: str, base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """Quads in one of ``FORMATS``; the same quads always give the same bytes (see the module)."""
    with paused_gc():
        return _serialize(quads, FORMATS[fmt], prefixes(base_iri))


def _serialize(quads: Iterable[Quad], target: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    forms = TermForms()
    text = forms.text
    if target.supports_datasets:
        graphs: dict[str, set[TextTriple]] = {}
        for s, p, o, g in quads:
            graphs.setdefault(text(g), set()).add((text(s), text(p), text(o)))
        if target == ox.RdfFormat.N_QUADS:
            return "".join(nquads_lines(g, graphs[g]) for g in sorted(graphs)).encode()
        items: list = [ox.Quad(*(forms.terms[t] for t in (s, p, o, g)))
                       for g in sorted(graphs) for s, p, o in sorted(graphs[g])]  # many small sorts
    else:
        triples = sorted({(text(s), text(p), text(o)) for s, p, o, _ in quads})
        if target == ox.RdfFormat.N_TRIPLES:
            return "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode()
        items = [ox.Triple(*(forms.terms[t] for t in triple)) for triple in triples]
    if target in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return ox.serialize(items, format=target, prefixes=prefixes) or b""
    return ox.serialize(items, format=target) or b""


def nquads_lines(graph: str, triples: Iterable[TextTriple]) -> str:
    """The N-Quads lines of one graph (terms in N-Triples form), sorted."""
    return "".join(f"{s} {p} {o} {graph} .\n" for s, p, o in sorted(triples))


class TermForms:
    """rdflib terms -> their N-Triples form as Oxigraph writes it, and the Oxigraph term.

    Terms are looked up by object identity: a build shares one object per predicate, type and
    repeated literal, and hashing an rdflib term costs a Python call each time. The objects are
    kept alive here, so an identity is never reused while the table lives; equal terms held in
    different objects get the same form.
    """

    def __init__(self) -> None:
        from .stores.oxigraph import to_ox

        self._to_ox = to_ox
        self.terms: dict[str, Any] = {}  # N-Triples form -> Oxigraph term
        self._by_id: dict[int, tuple[Node, str]] = {}

    def text(self, node: Node) -> str:
        found = self._by_id.get(id(node))
        if found is None:
            converted = self._to_ox(node)  # type: ignore[arg-type]  # every Node of a build is an Identifier
            found = self._by_id[id(node)] = (node, str(converted))
            self.terms.setdefault(found[1], converted)
        return found[1]
