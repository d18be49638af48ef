"""The partner network around a collectivity, as data for the network view and as GraphML.

Input: the start IRI (already resolved from a name), a number of hops (1-3) and a ``select``
callable (``select(sparql, bindings) -> rows``, e.g. the app's pool reader); the queries are
``atlas_graph/queries/internal/network-edges.rq`` (one step, walked breadth first by
``queries.walk`` as the named query ``network`` is) and ``network-node.rq``.
Output: a ``Network`` (nodes by IRI with label, kind ``french``/``foreign``, country ISO code
and country name, the local path of their page; one edge per project joining two of them), its
JSON-ready form for the page's script (``as_json``) and its GraphML text (``to_graphml``) for
Gephi, yEd or networkx.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from rdflib import URIRef

from atlas_graph.queries import walk

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
#: GraphML attributes: (id, for, attr.name, attr.type).
GRAPHML_KEYS = [
    ("label", "node", "label", "string"),
    ("kind", "node", "kind", "string"),
    ("country", "node", "country", "string"),
    ("country_name", "node", "country_name", "string"),
    ("iri", "node", "iri", "string"),
    ("start", "node", "start", "boolean"),
    ("project", "edge", "project", "string"),
    ("project_iri", "edge", "project_iri", "string"),
    ("hop", "edge", "hop", "int"),
]


@dataclass
class Node:
    iri: str
    label: str
    kind: str  # french | foreign | other
    country: str  # ISO alpha-2, "" when unknown
    country_name: str = ""
    path: str | None = None  # the local page (/id/...), None outside the base IRI
    colour: str = ""  # set by the page (French vs foreign, by country)


@dataclass
class Edge:
    source: str
    target: str
    project: str  # IRI
    title: str
    hop: int


@dataclass
class Network:
    start: str
    hops: int
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """``{"start", "hops", "nodes": [...], "edges": [...]}`` for the page's script."""
        return {
            "start": self.start, "hops": self.hops,
            "nodes": [{"id": n.iri, "label": n.label, "kind": n.kind, "country": n.country,
                       "country_name": n.country_name, "path": n.path, "colour": n.colour}
                      for n in self.nodes.values()],
            "edges": [{"source": e.source, "target": e.target, "project": e.project, "title": e.title,
                       "hop": e.hop} for e in self.edges],
        }


@cache
def _sparql(name: str) -> str:
    return resources.files("atlas_graph.queries").joinpath(f"internal/{name}.rq").read_text(encoding="utf-8")


def local_path(iri: str, base_iri: str) -> str | None:
    """``{base_iri}id/x`` -> ``/id/x``; None for an IRI outside the base."""
    return "/" + iri[len(base_iri):] if iri.startswith(base_iri) else None


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def build_network(select: Callable[..., list], start: URIRef, hops: int, base_iri: str,
                  country_names: Mapping[str, str] | None = None) -> Network:
    """The network within ``hops`` of ``start``; ``country_names`` maps ISO codes to names."""
    names = country_names or {}
    network = Network(str(start), hops)

    def add(iri: str, label: str, kind: str, iso: str) -> None:
        if iri not in network.nodes:
            network.nodes[iri] = Node(iri, label or iri, kind, iso, names.get(iso, iso), local_path(iri, base_iri))

    for row in select(_sparql("network-node"), {"node": start}):
        add(str(start), _text(row, "label"), _text(row, "kind"), _text(row, "iso"))
    add(str(start), str(start), "other", "")
    rows = walk(lambda sparql: select(sparql, {}), _sparql("network-edges"), "from", "to", start, hops)
    for hop, row in rows:
        source, target = _text(row, "from"), _text(row, "to")
        add(source, _text(row, "from_label"), _text(row, "from_kind"), _text(row, "from_iso"))
        add(target, _text(row, "to_label"), _text(row, "to_kind"), _text(row, "to_iso"))
        network.edges.append(Edge(source, target, _text(row, "p"), _text(row, "title"), hop))
    return network


def to_graphml(network: Network) -> str:
    """The network as GraphML 1.0 (undirected, one edge per project; node ids are the IRIs)."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for key, domain, name, kind in GRAPHML_KEYS:
        ET.SubElement(root, f"{{{GRAPHML_NS}}}key",
                      {"id": key, "for": domain, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "network", "edgedefault": "undirected"})

    def data(parent: ET.Element, key: str, value: str) -> None:
        ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key}).text = value

    for node in network.nodes.values():
        element = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": node.iri})
        for key, value in (("label", node.label), ("kind", node.kind), ("country", node.country),
                           ("country_name", node.country_name), ("iri", node.iri),
                           ("start", "true" if node.iri == network.start else "false")):
            data(element, key, value)
    for number, edge in enumerate(network.edges):
        element = ET.SubElement(graph, f"{{{GRAPHML_NS}}}edge",
                                {"id": f"e{number}", "source": edge.source, "target": edge.target})
        data(element, "project", edge.title)
        data(element, "project_iri", edge.project)
        data(element, "hop", str(edge.hop))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


__all__ = ["Edge", "Network", "Node", "build_network", "local_path", "to_graphml"]
