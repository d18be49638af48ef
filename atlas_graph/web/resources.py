"""Linked data: every IRI atlas-graph mints under the base IRI dereferences here.

Input: ``GET /id/PATH[.ttl|.jsonld|.nt]`` (the resource ``{base_iri}id/PATH``, whatever host
the request came to) and ``GET /graph/NAME[.ttl|.trig|.nt|.nq]`` (the named graph
``{base_iri}graph/NAME``), with an ``Accept`` header.
Output: for ``/id/…``, the resource's description (its own triples in every graph, plus the
labels of what it links to) as Turtle (the default), JSON-LD or N-Triples, or an HTML page for
browsers (label, types, properties with human labels, incoming links, source records, and for
a collectivity its partners and its 1-hop network); for ``/graph/…``, the graph's triples as
Turtle, TriG, N-Triples or N-Quads, or a short HTML page. Answers carry ``Vary: Accept`` and a
``Link`` header to the alternates; unknown IRIs give 404. People's names and e-mails are left
out when the config says ``personal_data=False``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, render_template
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node
from werkzeug.exceptions import NotFound

from atlas_graph.queries import QueryUsageError, UnknownValue
from atlas_graph.rdf_files import prefixes
from atlas_graph.web import answer, negotiate, web_config
from atlas_graph.web.api import run_table
from atlas_graph.web.cache import reader
from atlas_graph.web.describe import (
    LABEL_PROPERTIES,
    PERSONAL,
    description,
    exists,
    graph_triples,
    incoming,
    labels,
    pick_label,
    sources,
)
from atlas_graph.web.i18n import current_lang
from atlas_graph.web.terms import ONTOLOGY_NS, prefixed, term_label, text

bp = Blueprint("resources", __name__)

RESOURCE_SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples"}
GRAPH_SUFFIXES = {".ttl": "text/turtle", ".trig": "application/trig", ".nt": "application/n-triples",
                  ".nq": "application/n-quads"}
RDFLIB = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
          "application/trig": "trig", "application/n-quads": "nquads"}
HTML = {"text/html": "text/html", "application/xhtml+xml": "text/html"}
COLLECTIVITY_TYPES = {URIRef(ONTOLOGY_NS + "FrenchLocalAuthority"), URIRef(ONTOLOGY_NS + "ForeignLocalAuthority")}


def local_href(iri: str) -> str:
    """Where an IRI is served on this site (its own IRI when it is not ours)."""
    base = web_config().base_iri
    if iri.startswith(base):
        return "/" + iri[len(base):]
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + iri[len(ONTOLOGY_NS):]
    return iri


def _split(path: str, suffixes: dict[str, str], known: Callable[[str], bool]) -> tuple[str, str | None]:
    """``(path without format suffix, media type of the suffix)``; the suffix is a format only
    when the path with it names nothing and the path without it names something."""
    for suffix, media_type in suffixes.items():
        if path.endswith(suffix) and not known(path) and known(path[: -len(suffix)]):
            return path[: -len(suffix)], media_type
    return path, None


def _link_header(path: str, suffixes: dict[str, str]) -> str:
    links = [f'<{path}{s}>; rel="alternate"; type="{t}"' for s, t in suffixes.items()]
    return ", ".join([f'<{path}>; rel="alternate"; type="text/html"', *links])


def _serialize(graph: Graph | Dataset, media_type: str) -> Response:
    for prefix, namespace in prefixes(web_config().base_iri).items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return answer(graph.serialize(format=RDFLIB[media_type], encoding="utf-8"), media_type)


# -- /id/… -------------------------------------------------------------------------------------
@bp.route("/id/<path:path>", methods=["GET", "HEAD"])
def resource(path: str) -> Response:
    """The description of ``{base_iri}id/PATH`` in the negotiated format."""
    config, select = web_config(), reader().select
    base = config.base_iri + "id/"
    path, media_type = _split(path, RESOURCE_SUFFIXES, lambda p: exists(select, URIRef(base + p)))
    iri = URIRef(base + path)
    if not exists(select, iri):
        raise NotFound(f"nothing is known about <{iri}>")
    media_type = media_type or negotiate({**{t: t for t in RESOURCE_SUFFIXES.values()}, **HTML})
    if media_type == "text/html":
        response = answer(_resource_page(iri).encode("utf-8"), "text/html")
    else:
        response = _serialize(description(select, iri, config.personal_data), media_type)
    response.headers["Link"] = _link_header(f"/id/{path}", RESOURCE_SUFFIXES)
    return response


def _value(term: object, names: dict, lang: str) -> dict:
    """A value as the template shows it: ``{text, href, lang, datatype}``."""
    if isinstance(term, URIRef):
        shown = pick_label(names.get(term, []), lang)
        return {"text": shown or _fallback(str(term)), "href": local_href(str(term)), "iri": str(term)}
    if isinstance(term, Literal):
        datatype = term_label(term.datatype, lang) if term.datatype else None
        return {"text": str(term), "lang": term.language, "datatype": datatype}
    return {"text": str(term)}


def _fallback(iri: str) -> str:
    """A readable name for an IRI without a label: its path under the base, else prefixed."""
    base = web_config().base_iri
    return iri[len(base):] if iri.startswith(base) else prefixed(iri)


def _resource_page(iri: URIRef) -> str:
    config, select, lang = web_config(), reader().select, current_lang()
    own = description(select, iri, config.personal_data)
    links_in = incoming(select, iri)
    linked = {o for o in own.objects(iri, None) if isinstance(o, URIRef)} | {s for s, _ in links_in}
    names = labels(select, linked | {iri}, config.personal_data)
    types = sorted((t for t in own.objects(iri, RDF.type) if isinstance(t, URIRef)), key=str)
    title = pick_label(names.get(iri, []), lang)
    if title is None:
        kind = term_label(types[0], lang) if types else ""
        title = f"{kind} {_fallback(str(iri))}".strip()
    properties: dict[Node, list] = {}
    for predicate, obj in sorted(own.predicate_objects(iri), key=lambda po: (str(po[0]), str(po[1]))):
        if predicate != RDF.type and (config.personal_data or predicate not in PERSONAL):
            properties.setdefault(predicate, []).append(_value(obj, names, lang))
    order = {str(p): i for i, p in enumerate(LABEL_PROPERTIES)}  # the label properties first, in this order
    rows = [{"label": term_label(str(p), lang), "href": local_href(str(p)), "iri": str(p), "values": values}
            for p, values in sorted(properties.items(),
                                    key=lambda pv: (order.get(str(pv[0]), len(order)), term_label(str(pv[0]), lang)))]
    incoming_rows = [{"phrase": text("resource.incoming_phrase", lang, label=term_label(str(p), lang)),
                      "predicate": str(p), "subject": _value(s, names, lang)} for s, p in links_in]
    partners: list[dict] = []
    network: list[dict] = []
    if COLLECTIVITY_TYPES & set(types):
        partners, network = _collectivity_tables(iri)
    return render_template(
        "resource.html", iri=str(iri), title=title, tx=lambda key, **v: text(key, lang, **v),
        types=[_value(t, {}, lang) | {"text": term_label(t, lang)} for t in types], properties=rows,
        incoming=incoming_rows, sources=[_source(s) for s in sources(select, iri)],
        partners=partners, network=network, is_collectivity=bool(COLLECTIVITY_TYPES & set(types)),
        path=local_href(str(iri)), formats=RESOURCE_SUFFIXES)


def _source(entry: dict) -> dict:
    return {**entry, "graph_href": local_href(entry["graph"]),
            "doc_href": local_href(entry["doc"]) if entry["doc"] else None}


def _collectivity_tables(iri: URIRef) -> tuple[list[dict], list[dict]]:
    """The ``partners`` rows and the ``network`` rows at 1 hop of a collectivity."""
    try:
        partners = run_table("partners", {"collectivity": str(iri)})
        network = run_table("network", {"collectivity": str(iri), "hops": "1"})
    except (UnknownValue, QueryUsageError):
        return [], []
    return ([dict(zip(partners.columns, row, strict=True)) for row in partners.rows],
            [dict(zip(network.columns, row, strict=True)) for row in network.rows])


# -- /graph/… ----------------------------------------------------------------------------------
@bp.route("/graph/<path:path>", methods=["GET", "HEAD"])
def named_graph(path: str) -> Response:
    """The triples of the named graph ``{base_iri}graph/PATH``."""
    config, select = web_config(), reader().select
    base = config.base_iri + "graph/"
    present = {str(g) for g in config.store.graph_names()}
    path, media_type = _split(path, GRAPH_SUFFIXES, lambda p: base + p in present)
    iri = URIRef(base + path)
    if str(iri) not in present:
        raise NotFound(f"there is no named graph <{iri}>")
    media_type = media_type or negotiate({**{t: t for t in GRAPH_SUFFIXES.values()}, **HTML})
    graph = graph_triples(select, iri, config.personal_data)
    if media_type == "text/html":
        lang = current_lang()
        subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str)
        names = labels(select, subjects, config.personal_data)
        html = render_template("graph.html", iri=str(iri), name=path, count=len(graph),
                               tx=lambda key, **v: text(key, lang, **v), path=f"/graph/{path}",
                               subjects=[_value(s, names, lang) for s in subjects], formats=GRAPH_SUFFIXES)
        response = answer(html.encode("utf-8"), "text/html")
    elif media_type in ("application/trig", "application/n-quads"):
        dataset = Dataset()
        target = dataset.graph(iri)
        for triple in graph:
            target.add(triple)
        response = _serialize(dataset, media_type)
    else:
        response = _serialize(graph, media_type)
    response.headers["Link"] = _link_header(f"/graph/{path}", GRAPH_SUFFIXES)
    return response


__all__ = ["bp", "local_href"]
