"""What the endpoint says of itself: the SPARQL Service Description and the VoID description.

Input: the app's ``WebConfig`` and store. Output: ``service_description()`` (what ``GET /sparql``
without a query answers: an ``sd:Service`` in the RDF format asked for, or the HTML query form
for browsers) and the blueprint ``bp`` with ``GET /.well-known/void`` (the dataset, its triple
count and each named graph's, as ``void:subset``s named by ``subset_iri``; ``GET /dataset``, the
dataset's IRI, redirects to it).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, redirect, render_template, request, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD, DefinedNamespace, Namespace
from werkzeug.wrappers import Response as BaseResponse

from atlas_graph.stores.base import StoreError
from atlas_graph.web import RDF_TYPES, answer, error_response, negotiate, query_pool, rdf_answer, web_config

bp = Blueprint("service", __name__)


class SD(DefinedNamespace):
    """SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/): the
    terms used here."""

    _NS = Namespace("http://www.w3.org/ns/sparql-service-description#")
    _fail = True

    Service: URIRef
    Dataset: URIRef
    endpoint: URIRef
    supportedLanguage: URIRef
    SPARQL11Query: URIRef
    SPARQL11Update: URIRef
    feature: URIRef
    UnionDefaultGraph: URIRef
    defaultEntailmentRegime: URIRef
    resultFormat: URIRef
    defaultDataset: URIRef
    name: URIRef


class FORMATS(DefinedNamespace):
    """W3C format IRIs (https://www.w3.org/ns/formats/): the formats this endpoint writes."""

    _NS = Namespace("http://www.w3.org/ns/formats/")
    _fail = True
    _extras = ["N-Triples", "JSON-LD"]

    SPARQL_Results_JSON: URIRef
    SPARQL_Results_XML: URIRef
    SPARQL_Results_CSV: URIRef
    SPARQL_Results_TSV: URIRef
    Turtle: URIRef
    RDF_XML: URIRef


#: The formats ``/sparql`` answers in.
RESULT_FORMATS = (FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
                  FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["N-Triples"], FORMATS["JSON-LD"],
                  FORMATS.RDF_XML)
SIMPLE_ENTAILMENT = URIRef("http://www.w3.org/ns/entailment/Simple")


def service_description() -> Response:
    """The sd: description of this endpoint, or the HTML query form for browsers."""
    config = web_config()
    endpoint = request.base_url.rstrip("/")
    if negotiate({**RDF_TYPES, "text/html": "text/html"}) == "text/html":
        html = render_template("sparql.html", endpoint=endpoint, update=config.enable_update,
                               timeout=config.query_timeout, max_rows=config.max_rows)
        return answer(html.encode("utf-8"), "text/html")
    service, dataset = BNode(), BNode()
    graph = _graph([
        (service, RDF.type, SD.Service), (service, SD.endpoint, URIRef(endpoint)),
        (service, SD.supportedLanguage, SD.SPARQL11Query), (service, SD.feature, SD.UnionDefaultGraph),
        (service, SD.defaultEntailmentRegime, SIMPLE_ENTAILMENT),
        *((service, SD.resultFormat, iri) for iri in RESULT_FORMATS),
        (service, DCTERMS.description, Literal(
            f"Queries stop after {config.query_timeout:g} s (503); SELECT answers are cut after {config.max_rows} "
            "rows (header X-Atlas-Truncated: true); SERVICE, LOAD and graphs not in the store are refused.")),
        (service, SD.defaultDataset, dataset), (dataset, RDF.type, SD.Dataset),
        (dataset, DCTERMS.description, Literal("The default graph is the union of all named graphs; "
                                               "see /.well-known/void")),
    ])
    if config.enable_update:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    return rdf_answer(graph)


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    """VoID: the dataset, its triple count (quads over all named graphs) and each graph's count."""
    config = web_config()
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    rows = query_pool().call("select", query)  # a timeout is a StoreError: 503 below
    dataset = URIRef(config.base_iri + "dataset")
    graph = _graph([
        (dataset, RDF.type, VOID.Dataset), (dataset, VOID.sparqlEndpoint, URIRef(request.url_root + "sparql")),
        (dataset, VOID.uriSpace, Literal(config.base_iri)),
        (dataset, VOID.triples, Literal(sum(int(r["n"]) for r in rows), datatype=XSD.integer)),
        (dataset, DCTERMS.description, Literal(f"{len(rows)} named graphs, each a void:subset")),
    ])
    for row in rows:
        subset = subset_iri(config.base_iri, str(row["g"]))
        graph += [(dataset, VOID.subset, subset), (subset, RDF.type, VOID.Dataset), (subset, SD.name, row["g"]),
                  (subset, VOID.triples, Literal(int(row["n"]), datatype=XSD.integer))]
    return rdf_answer(graph)


@bp.route("/dataset", methods=["GET"])
def dataset() -> BaseResponse:
    """The dataset's IRI (``{base}dataset``) dereferenced: 303 See Other to its description."""
    return redirect(url_for("service.void"), 303)


def subset_iri(base_iri: str, graph: str) -> URIRef:
    """The IRI of the VoID subset that is the named graph ``graph``, in the dataset's document:
    ``{base}dataset#{name}`` for a graph minted here (``{base}graph/{name}``), else
    ``{base}dataset#graph-{hash of its IRI}``. The same graph always gets the same IRI."""
    minted = base_iri + "graph/"
    name = graph[len(minted):] if graph.startswith(minted) else ""
    if not name or "/" in name or "#" in name:
        name = "graph-" + hashlib.sha256(graph.encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{base_iri}dataset#{name}")


def _graph(triples: list) -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    for triple in triples:
        graph.add(triple)
    return graph


@bp.errorhandler(StoreError)
def _store_error(exc: StoreError) -> Response:
    return error_response(503, "Service Unavailable", f"the store could not answer: {exc}")


__all__ = ["FORMATS", "SD", "bp", "service_description", "subset_iri"]
