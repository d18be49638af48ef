"""Whole documents: the ontology, the SHACL shapes and the data dumps.

Input: ``GET /ontology`` (also ``/ontology.ttl``), ``GET /shapes`` (also ``/shapes.ttl`` and
``/shapes/FILE.ttl``), ``GET /data.ttl|.nt|.trig|.nq|.jsonld``.
Output:

* ``/ontology``: HTML documentation generated from ``ontology/atlas.ttl`` (classes and
  properties with labels, comments in French and English, domains, ranges, super-classes) for
  browsers, the Turtle file as it is otherwise (or JSON-LD / N-Triples by ``Accept``);
* ``/shapes``: the Turtle of every ``shapes/*.ttl`` merged (an HTML listing for browsers);
* ``/data.*``: the whole dataset, byte for byte what ``atlas-graph build`` writes for the same
  sources (``atlas_graph.rdf_files.serialize`` of a ``Dataset`` made from ``store.quads()``), cached
  per app until an update.

The ``ontology/`` and ``shapes/`` folders are found by ``atlas_graph.resources_paths``.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from rdflib import OWL, RDF, RDFS, Dataset, Graph, Literal, URIRef
from werkzeug.exceptions import NotFound

from atlas_graph.rdf_files import serialize
from atlas_graph.resources_paths import ontology_path, shape_files
from atlas_graph.web import answer, negotiate, web_config
from atlas_graph.web.cache import cached
from atlas_graph.web.describe import PERSONAL
from atlas_graph.web.i18n import current_lang
from atlas_graph.web.terms import ONTOLOGY_NS, ontology_graph, prefixed, term_label, text

bp = Blueprint("documents", __name__)

#: Dump suffix -> (build format, media type).
DUMPS = {"ttl": ("turtle", "text/turtle"), "nt": ("nt", "application/n-triples"),
         "trig": ("trig", "application/trig"), "nq": ("nquads", "application/n-quads"),
         "jsonld": ("jsonld", "application/ld+json")}
RDF_OFFERS = {"text/turtle": "text/turtle", "application/ld+json": "application/ld+json",
              "application/n-triples": "application/n-triples"}
HTML = {"text/html": "text/html", "application/xhtml+xml": "text/html"}
RDFLIB = {"application/ld+json": "json-ld", "application/n-triples": "nt"}


# -- dumps -------------------------------------------------------------------------------------
def store_dataset() -> Dataset:
    """The app's store as an rdflib ``Dataset`` (without personal data when it may not be shown)."""
    config = web_config()
    dataset = Dataset()
    for s, p, o, g in config.store.quads():
        if config.personal_data or p not in PERSONAL:
            dataset.graph(g).add((s, p, o))
    return dataset


def dump_bytes(fmt: str) -> bytes:
    """The whole dataset in the build format ``fmt`` (cached per app until an update)."""
    return cached(f"dump:{fmt}", lambda: serialize(store_dataset(), fmt, web_config().base_iri))


@bp.route("/data.<suffix>", methods=["GET", "HEAD"])
def dump(suffix: str) -> Response:
    """The dataset as Turtle, N-Triples, TriG, N-Quads or JSON-LD, by suffix."""
    if suffix not in DUMPS:
        raise NotFound(f"no dump /data.{suffix}; there are: {', '.join('/data.' + s for s in DUMPS)}")
    fmt, media_type = DUMPS[suffix]
    response = answer(dump_bytes(fmt), media_type)
    response.headers["Content-Disposition"] = f'inline; filename="atlas-graph.{suffix}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# -- ontology ----------------------------------------------------------------------------------
@bp.route("/ontology", methods=["GET", "HEAD"])
@bp.route("/ontology.ttl", endpoint="ontology_ttl", methods=["GET", "HEAD"])
@bp.route("/ontology.<any(jsonld, nt):suffix>", endpoint="ontology_other", methods=["GET", "HEAD"])
def ontology(suffix: str | None = None) -> Response:
    """The ontology: HTML documentation, or the Turtle file (JSON-LD / N-Triples on request)."""
    from flask import request

    if request.path.endswith(".ttl"):
        media_type = "text/turtle"
    elif suffix:
        media_type = {"jsonld": "application/ld+json", "nt": "application/n-triples"}[suffix]
    else:
        media_type = negotiate({**RDF_OFFERS, **HTML})
    if media_type == "text/turtle":
        response = answer(ontology_path().read_bytes(), media_type)
    elif media_type == "text/html":
        response = answer(_ontology_page().encode("utf-8"), media_type)
    else:
        response = answer(ontology_graph().serialize(format=RDFLIB[media_type], encoding="utf-8"), media_type)
    response.headers["Link"] = ('</ontology>; rel="alternate"; type="text/html", '
                                '</ontology.ttl>; rel="alternate"; type="text/turtle", '
                                '</ontology.jsonld>; rel="alternate"; type="application/ld+json", '
                                '</ontology.nt>; rel="alternate"; type="application/n-triples"')
    return response


def _texts(graph: Graph, term: URIRef, predicate: URIRef, lang: str) -> dict[str, str]:
    found = {lit.language: str(lit) for lit in graph.objects(term, predicate) if isinstance(lit, Literal)}
    return {"main": found.get(lang) or found.get("fr") or "", "fr": found.get("fr", ""), "en": found.get("en", "")}


def _ref(term: URIRef, lang: str) -> dict[str, str]:
    iri = str(term)
    href = "#" + iri[len(ONTOLOGY_NS):] if iri.startswith(ONTOLOGY_NS) else iri
    return {"href": href, "text": term_label(term, lang), "name": prefixed(term)}


def ontology_terms(lang: str) -> dict[str, list[dict]]:
    """The classes and properties of the ontology, ready for the template."""
    graph = ontology_graph()
    kinds = {OWL.Class: "classes", OWL.ObjectProperty: "properties", OWL.DatatypeProperty: "properties"}
    found: dict[str, list[dict]] = {"classes": [], "properties": []}
    for kind, group in kinds.items():
        for term in sorted(graph.subjects(RDF.type, kind), key=str):
            if not isinstance(term, URIRef) or not str(term).startswith(ONTOLOGY_NS):
                continue
            refs = {name: [_ref(o, lang) for o in sorted(graph.objects(term, p), key=str) if isinstance(o, URIRef)]
                    for name, p in (("supers", RDFS.subClassOf if group == "classes" else RDFS.subPropertyOf),
                                    ("domains", RDFS.domain), ("ranges", RDFS.range))}
            found[group].append({
                "id": str(term)[len(ONTOLOGY_NS):], "iri": str(term), "name": prefixed(term),
                "label": _texts(graph, term, RDFS.label, lang), "comment": _texts(graph, term, RDFS.comment, lang),
                "kind": term_label(kind, lang), **refs,
            })
    return found


def _ontology_page() -> str:
    lang = current_lang()
    graph = ontology_graph()
    header = URIRef(ONTOLOGY_NS.rstrip("#"))
    from rdflib.namespace import DCTERMS

    return render_template("ontology.html", tx=lambda key, **v: text(key, lang, **v), iri=ONTOLOGY_NS,
                           title=_texts(graph, header, DCTERMS.title, lang)["main"],
                           description=_texts(graph, header, DCTERMS.description, lang)["main"],
                           version=str(graph.value(header, OWL.versionInfo) or ""), **ontology_terms(lang))


# -- shapes ------------------------------------------------------------------------------------
@bp.route("/shapes", methods=["GET", "HEAD"])
@bp.route("/shapes.ttl", endpoint="shapes_ttl", methods=["GET", "HEAD"])
def shapes() -> Response:
    """Every shapes file merged, as Turtle (an HTML listing for browsers)."""
    from flask import request

    media_type = "text/turtle" if request.path.endswith(".ttl") else negotiate({"text/turtle": "text/turtle", **HTML})
    files = shape_files()
    if media_type == "text/html":
        lang = current_lang()
        html = render_template("shapes.html", tx=lambda key, **v: text(key, lang, **v),
                               files=[f.name for f in files])
        return answer(html.encode("utf-8"), media_type)
    merged = Graph()
    for path in files:
        merged.parse(path, format="turtle")
    return answer(merged.serialize(format="turtle", encoding="utf-8"), "text/turtle")


@bp.route("/shapes/<name>", methods=["GET", "HEAD"])
def shape_file(name: str) -> Response:
    """One shapes file as it is."""
    for path in shape_files():
        if path.name == name:
            return answer(path.read_bytes(), "text/turtle")
    raise NotFound(f"no shapes file {name!r}")


__all__ = ["DUMPS", "bp", "dump_bytes", "ontology_terms", "store_dataset"]
