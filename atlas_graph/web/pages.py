"""The HTML pages: home (``/``), SPARQL editor (``/query``), partner network (``/network``) and
its GraphML export (``/network.graphml``).

Input: GET requests; ``/network`` and ``/network.graphml`` take ``collectivity`` (any of its
names, or its IRI) and ``hops`` (1-3, default 2); every page takes ``lang`` (see ``i18n``).
Output: pages in French by default (English on request) built from ``templates/*.html`` and
local static files only; ``/network.graphml`` answers ``application/graphml+xml``.

The figures come from SPARQL queries in ``atlas_graph/queries/internal/*.rq`` run in the app's
query pool (so the time limit applies; the home page's three at the same time, see
``atlas_graph.web.figures``) and are cached per app until the data changes
(``atlas_graph.web.cache``; ``serve`` starts the home page's before the first request).
Parameters go into queries as bindings, never as text.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import URIRef
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import RequestRedirect

from atlas_graph.queries import UnknownValue, registry
from atlas_graph.web import answer, query_pool, web_config
from atlas_graph.web.cache import cached, reader, resolver
from atlas_graph.web.figures import compute as compute_figures
from atlas_graph.web.figures import number as _number
from atlas_graph.web.figures import sparql as _sparql
from atlas_graph.web.i18n import current_lang, translate
from atlas_graph.web.network import Network, build_network, local_path, to_graphml

bp = Blueprint("pages", __name__)

#: Dumps linked from the home page when the app serves them (checked against its routes).
DUMPS = [("/data.trig", "TriG"), ("/data.nq", "N-Quads"), ("/data.ttl", "Turtle"), ("/data.nt", "N-Triples"),
         ("/data.jsonld", "JSON-LD")]
#: Colours of the network view: French collectivities, then one per foreign country.
FRENCH_COLOUR = "#1f4e8c"
PALETTE = ["#d95f02", "#1b9e77", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#7570b3", "#e41a1c",
           "#17becf", "#8c564b", "#bcbd22", "#f781bf"]
DEFAULT_HOPS = 2
#: Key of the home page's figures in the app's cache (``serve`` preloads it).
FIGURES_KEY = "pages.figures"


def _select(name: str, bindings: dict[str, Any] | None = None) -> list:
    return reader().select(_sparql(name), bindings)


# -- figures ------------------------------------------------------------------------------------
def figures() -> dict[str, Any]:
    """The home page's figures (counts, foreign collectivities by country, money by year), cached."""
    return cached(FIGURES_KEY, lambda: compute_figures(query_pool()))


def country_names(lang: str) -> dict[str, str]:
    """ISO alpha-2 code -> country name in ``lang``, for every country some actor is in (cached)."""
    rows = cached("pages.countries", lambda: [
        (str(r.get("iso") or ""), str(r.get("label_fr") or ""), str(r.get("label_en") or ""))
        for r in _select("countries")])
    return {iso: (en if lang == "en" and en else fr) or iso for iso, fr, en in rows if iso}


@bp.app_template_filter("number")
def format_number(value: Any) -> str:
    """``105030`` -> ``105 030`` (French, narrow no-break space) or ``105,030`` (English)."""
    number = _number(value)
    text = f"{number:,}" if isinstance(number, int) else f"{number:,.2f}"
    if current_lang() == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _served(path: str) -> bool:
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except RequestRedirect:
        return True
    except Exception:  # noqa: BLE001 - NotFound, MethodNotAllowed: not served
        return False
    return True


@bp.route("/", methods=["GET"])
def home() -> Response:
    """The home page: what the dataset holds, and where to go next."""
    dumps = [(path, name) for path, name in DUMPS if _served(path)]
    html = render_template("home.html", figures=figures(), dumps=dumps, api=_served("/api/queries"))
    return answer(html.encode("utf-8"), "text/html")


# -- SPARQL editor ------------------------------------------------------------------------------
def named_queries() -> list[dict[str, Any]]:
    """The named queries as the editor page shows them (name, purpose, parameters, SPARQL)."""
    return [
        {"name": q.name, "purpose": q.purpose, "columns": list(q.columns), "sparql": q.sparql,
         "url": f"/api/queries/{q.name}",
         "parameters": [{"name": p.name, "kind": p.kind, "required": p.required, "default": p.default,
                         "minimum": p.minimum, "maximum": p.maximum, "description": p.description}
                        for p in q.parameters]}
        for q in registry().values()
    ]


@bp.route("/query", methods=["GET"])
def query_page() -> Response:
    """The SPARQL editor with the named queries as examples (``?query=`` pre-fills the editor)."""
    queries = named_queries()
    text = request.args.get("query") or next(
        (q["sparql"] for q in queries if not q["parameters"]), queries[0]["sparql"] if queries else "")
    html = render_template("query.html", queries=queries, text=text, max_rows=web_config().max_rows,
                           base_iri=web_config().base_iri, api=_served("/api/queries"))
    return answer(html.encode("utf-8"), "text/html")


# -- network ------------------------------------------------------------------------------------
def _hops() -> int:
    raw = request.args.get("hops", "").strip() or str(DEFAULT_HOPS)
    if not raw.isdigit() or not 1 <= int(raw) <= 3:
        raise BadRequest(translate("network.bad_hops"))
    return int(raw)


def _network(value: str, hops: int) -> Network:
    start = resolver().resolve("actor", "collectivity", value)
    lang = current_lang()
    network = build_network(reader().select, URIRef(start), hops, web_config().base_iri, country_names(lang))
    colours = country_colours(network)
    for node in network.nodes.values():
        node.colour = FRENCH_COLOUR if node.kind == "french" else colours.get(node.country, FRENCH_COLOUR)
    return network


def country_colours(network: Network) -> dict[str, str]:
    """Foreign country ISO code -> colour, in order of first appearance."""
    isos = dict.fromkeys(n.country for n in network.nodes.values() if n.kind != "french")
    return {iso: PALETTE[i % len(PALETTE)] for i, iso in enumerate(isos)}


@bp.route("/network", methods=["GET"])
def network_page() -> Response:
    """The partner network around ``collectivity`` within ``hops``, drawn in the browser."""
    value, hops = request.args.get("collectivity", "").strip(), _hops()
    network, error, suggestions, status = None, None, [], 200
    if value:
        try:
            network = _network(value, hops)
        except UnknownValue as exc:
            error, suggestions, status = str(exc), exc.suggestions, 404
    legend: list[tuple[str, str]] = []
    data: dict[str, Any] | None = None
    if network is not None:
        data = network.as_json()
        names = {n.country: n.country_name for n in network.nodes.values()}
        legend = [(names.get(iso) or iso or "?", colour) for iso, colour in country_colours(network).items()]
    html = render_template("network.html", value=value, hops=hops, network=network, data=data, error=error,
                           suggestions=suggestions, legend=legend, french_colour=FRENCH_COLOUR)
    return answer(html.encode("utf-8"), "text/html", status)


@bp.route("/network.graphml", methods=["GET"])
def network_graphml() -> Response:
    """The same network as GraphML (for Gephi): nodes with label, kind, country; edges per project."""
    value = request.args.get("collectivity", "").strip()
    if not value:
        raise BadRequest("give the collectivity: /network.graphml?collectivity=NAME-or-IRI&hops=1-3")
    hops = _hops()
    try:
        network = _network(value, hops)
    except UnknownValue as exc:
        raise NotFound(str(exc)) from None
    start = network.nodes[network.start]
    slug = (local_path(start.iri, web_config().base_iri) or "network").rstrip("/").rsplit("/", 1)[-1]
    response = answer(to_graphml(network).encode("utf-8"), "application/graphml+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="network-{slug}-{hops}.graphml"'
    return response


__all__ = ["FIGURES_KEY", "bp", "country_names", "figures", "format_number", "named_queries"]
