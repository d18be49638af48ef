"""The HTML pages (home, SPARQL editor, network, GraphML export) with Flask's test client.

Input: the seed record + the fixture records in an in-memory Oxigraph store. Output: assertions
on the figures shown (against counts made with plain rdflib), the named queries listed, the
GraphML (parsed with xml.etree, and networkx when installed), the FR/EN switch, and the absence
of any resource loaded from another host.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import Flask
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from atlas_graph.build import build
from atlas_graph.queries import registry
from atlas_graph.sources import load_build
from atlas_graph.stores.memory import MemoryStore
from atlas_graph.web import cache, create_app, pages, query_pool
from atlas_graph.web.config import WebConfig
from atlas_graph.web.figures import HOME_QUERIES, Background, home_rows, sparql
from tests.conftest import STORE_KINDS, open_test_store
from tests.pages_data import ATLAS, SCHEMA, SOURCES, expected_figures, seed_and_fixtures

BASE = "https://w3id.org/atlas-coop/id/"
EVRY = BASE + "collectivity/fr/evry"
BAMAKO = BASE + "collectivity/ml/commune-v-du-district-de-bamako"
AGGLO = BASE + "collectivity/fr/communaute-d-agglomeration-d-evry-centre-essonne"
G = "{http://graphml.graphdrawing.org/xmlns}"
PAGES = ["/", "/?lang=en", "/query", "/query?lang=en", "/network", "/network?collectivity=Evry&hops=3",
         "/network?collectivity=Morvaneuil&hops=2&lang=en"]


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    store, _ = seed_and_fixtures()
    app = create_app(WebConfig(store=store, query_workers=2))
    yield app
    query_pool(app).close()


@pytest.fixture
def client(app: Flask):
    return app.test_client()  # a fresh client each test: no language cookie carried over


@pytest.fixture(scope="module")
def expected() -> dict:
    return expected_figures(seed_and_fixtures()[1].dataset)


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}"><span class="figure">([^<]*)</span>', html)
    assert match, f"figure {name} missing"
    return match.group(1)


def french(number: int | float) -> str:
    return f"{number:,}".replace(",", "\u202f")


# -- home -------------------------------------------------------------------------------------
def test_home_shows_the_figures_in_french(client, expected) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert '<html lang="fr">' in html and "Projets" in html and "Collectivités étrangères par pays" in html
    for name in ("projects", "french", "foreign", "funders"):
        assert figure(html, name) == french(expected[name])
    assert (expected["projects"], expected["french"], expected["foreign"]) == (8, 7, 10)  # seed + 7 fixtures
    total = sum(expected["years"].values())
    assert figure(html, "total") == f"{french(int(total))} €"
    for year, amount in expected["years"].items():
        assert re.search(rf'<tr data-year="{year}"><td>{year}</td><td class="num">{french(int(amount))}</td>', html)
    for iso, count in expected["countries"].items():
        row = re.search(rf'<tr data-iso="{iso}">(.*?)</tr>', html, re.S)
        assert row and f'<td class="num">{count}</td>' in row.group(1)
    assert "Mali" in html and "Viêt Nam" in html  # country names in French


def test_home_in_english(client, expected) -> None:
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Projects" in html and "Foreign local authorities by country" in html
    assert "Vietnam" in html and "Viêt Nam" not in html
    assert figure(html, "total") == f"{int(sum(expected['years'].values())):,} €"


def test_figures_are_cached_per_app(app: Flask) -> None:
    with app.test_request_context("/"):
        assert pages.figures() is pages.figures()


# -- figures: the faster query texts, preloading ----------------------------------------------
def _edge_graphs() -> dict[str, list]:
    """What the records never make: funding lines with two amounts, two years, no funder or no
    type; the same triples in two graphs (the union must not count them twice); a foreign
    collectivity with no country, and one in a country with two French names."""
    x = "urn:test:figures:"

    def year(value: str) -> Literal:
        return Literal(value, datatype=XSD.gYear)

    def amount(value: str) -> Literal:
        return Literal(value, datatype=XSD.decimal)

    one, two, untyped, country = URIRef(x + "line1"), URIRef(x + "line2"), URIRef(x + "line3"), URIRef(x + "zz")
    return {
        x + "graph/a": [(one, RDF.type, ATLAS.FundingLine), (one, ATLAS.fundingYear, year("1999")),
                        (one, SCHEMA.amount, amount("100")), (one, SCHEMA.amount, amount("250.5")),
                        (one, SCHEMA.funder, URIRef(x + "f1")), (one, SCHEMA.funder, URIRef(x + "f2")),
                        (two, RDF.type, ATLAS.FundingLine), (two, ATLAS.fundingYear, year("1999")),
                        (two, ATLAS.fundingYear, year("2000")), (two, SCHEMA.amount, amount("40")),
                        (untyped, ATLAS.fundingYear, year("1999")), (untyped, SCHEMA.amount, amount("7")),
                        (untyped, SCHEMA.funder, URIRef(x + "f3"))],
        x + "graph/b": [(one, RDF.type, ATLAS.FundingLine), (one, SCHEMA.amount, amount("100")),
                        (one, SCHEMA.funder, URIRef(x + "f1"))],
        x + "graph/c": [(URIRef(x + "nowhere"), RDF.type, ATLAS.ForeignLocalAuthority),
                        (URIRef(x + "somewhere"), RDF.type, ATLAS.ForeignLocalAuthority),
                        (URIRef(x + "somewhere"), ATLAS.country, country), (country, ATLAS.isoAlpha2, Literal("ZZ")),
                        (country, SKOS.prefLabel, Literal("Zède", lang="fr")),
                        (country, SKOS.prefLabel, Literal("Zédie", lang="fr-BE")),
                        (country, SKOS.prefLabel, Literal("Zedland", lang="en"))],
    }


@pytest.fixture(scope="module", params=STORE_KINDS)
def figure_store(request, tmp_path_factory):
    """The seed, the fixtures and ``_edge_graphs`` on each kind of store."""
    store = open_test_store(request.param, tmp_path_factory.mktemp(request.param), request)
    load_build(store, build(SOURCES))
    for name, triples in _edge_graphs().items():
        if request.param == "memory":  # rdflib fails on home-countries.rq for a collectivity with no
            triples = [t for t in triples if not str(t[0]).endswith(":nowhere")]  # country (AlreadyBound)
        store.replace_graph(URIRef(name), triples)
    yield store
    store.close()


#: The home page's questions in their plainest SPARQL: the product's .rq files are written for
#: speed (sub-SELECT joins, two steps) and must answer exactly as these do.
PLAIN = {
    "home-counts": """
PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX schema: <https://schema.org/>

SELECT ?projects ?french ?foreign ?funders ?lines WHERE {
  { SELECT (COUNT(DISTINCT ?p) AS ?projects) WHERE { ?p a atlas:Partnership } }
  { SELECT (COUNT(DISTINCT ?f) AS ?french) WHERE { ?f a atlas:FrenchLocalAuthority } }
  { SELECT (COUNT(DISTINCT ?x) AS ?foreign) WHERE { ?x a atlas:ForeignLocalAuthority } }
  { SELECT (COUNT(DISTINCT ?funder) AS ?funders) WHERE { ?l1 a atlas:FundingLine ; schema:funder ?funder } }
  { SELECT (COUNT(DISTINCT ?l2) AS ?lines) WHERE { ?l2 a atlas:FundingLine } }
}
""",
    "home-years": """
PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX schema: <https://schema.org/>

SELECT ?year (SUM(?amount) AS ?total) (COUNT(?line) AS ?lines) WHERE {
  { SELECT DISTINCT ?line ?year ?amount WHERE {
      ?line a atlas:FundingLine ; atlas:fundingYear ?year ; schema:amount ?amount .
  } }
}
GROUP BY ?year
ORDER BY ?year
""",
    "home-countries": """
PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?country ?iso ?label_fr ?label_en ?n WHERE {
  {
    SELECT ?country (COUNT(DISTINCT ?x) AS ?n) WHERE {
      ?x a atlas:ForeignLocalAuthority .
      OPTIONAL { ?x atlas:country ?country }
    }
    GROUP BY ?country
  }
  OPTIONAL { ?country atlas:isoAlpha2 ?iso }
  OPTIONAL { ?country skos:prefLabel ?label_fr FILTER(LANGMATCHES(LANG(?label_fr), "fr")) }
  OPTIONAL { ?country skos:prefLabel ?label_en FILTER(LANGMATCHES(LANG(?label_en), "en")) }
}
ORDER BY DESC(?n) ?label_fr
""",
}


def _order(rows: list, name: str) -> list:
    """What the query's ORDER BY sorts on, row by row (rows equal there may come in any order)."""
    keys = {"home-countries": ("n", "label_fr"), "home-years": ("year",)}.get(name, ())
    return [tuple(r.get(key) for key in keys) for r in rows]


def _terms(row: dict) -> tuple:
    return tuple(sorted((key, "" if value is None else value.n3()) for key, value in row.items()))


def test_home_rows_answer_what_the_plain_queries_answer(figure_store) -> None:
    for name in HOME_QUERIES:
        expected, actual = figure_store.select(PLAIN[name]), home_rows(figure_store.select, name)
        assert expected and _order(actual, name) == _order(expected, name), name
        assert sorted(map(_terms, actual)) == sorted(map(_terms, expected)), name
    years = home_rows(figure_store.select, "home-years")
    by_year = {str(r["year"]): (r["total"].toPython(), int(r["lines"])) for r in years}
    assert by_year["1999"] == (Decimal("390.5"), 3) and by_year["2000"] == (Decimal("40"), 1)  # the edge lines
    countries = home_rows(figure_store.select, "home-countries")
    assert {str(r["label_fr"]) for r in countries if str(r["country"]).endswith(":zz")} == {"Zède", "Zédie"}
    undefined = [r for r in figure_store.select(sparql("home-country-counts")) if r.get("country") is None]
    assert len(undefined) == (0 if isinstance(figure_store, MemoryStore) else 1)  # the UNDEF row


def test_preloaded_figures_are_taken_and_a_failed_one_computed_again(expected) -> None:
    store, _ = seed_and_fixtures()
    app = create_app(WebConfig(store=store, query_workers=1))
    try:
        preloaded = {"projects": 12345}
        cache.preload(app, pages.FIGURES_KEY, Background(lambda: preloaded))
        with app.test_request_context("/"):
            assert pages.figures() is preloaded
        cache.invalidate(app)  # an update: what was preloaded is forgotten
        with app.test_request_context("/"):
            assert pages.figures()["projects"] == expected["projects"]
        cache.invalidate(app)
        cache.preload(app, pages.FIGURES_KEY, Background(lambda: 1 / 0))
        with app.test_request_context("/"):
            figures = pages.figures()
        assert (figures["projects"], figures["funders"]) == (expected["projects"], expected["funders"])
        with app.test_request_context("/"):
            assert pages.figures() is figures  # kept, as computed figures are
    finally:
        query_pool(app).close()


# -- language ---------------------------------------------------------------------------------
def test_language_switch_is_remembered_in_a_cookie(client) -> None:
    response = client.get("/query?lang=en")
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    assert "Accept-Language" in response.headers.get("Vary", "")
    assert '<html lang="en">' in client.get("/network").get_data(as_text=True)  # the cookie
    html = client.get("/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in html and "Accueil" in html
    assert '<html lang="fr">' in client.get("/query").get_data(as_text=True)


@pytest.mark.parametrize("accept, lang", [(None, "fr"), ("en-GB,en;q=0.9", "en"), ("de-DE,de;q=0.9", "fr"),
                                          ("fr-FR,fr;q=0.9,en;q=0.8", "fr"), ("de,en;q=0.5", "en")])
def test_accept_language(client, accept, lang) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    assert f'<html lang="{lang}">' in client.get("/", headers=headers).get_data(as_text=True)


def test_switch_links_keep_the_query_string(client) -> None:
    html = client.get("/network?collectivity=Evry&hops=1").get_data(as_text=True)
    assert 'href="/network?collectivity=Evry&amp;hops=1&amp;lang=en"' in html


# -- query page -------------------------------------------------------------------------------
def test_query_page_lists_every_named_query(client) -> None:
    html = client.get("/query").get_data(as_text=True)
    assert "Requêtes prêtes à l&#39;emploi" in html and 'id="sparql-editor"' in html
    queries = json.loads(re.search(r'<script type="application/json" id="named-queries">(.*?)</script>',
                                   html, re.S).group(1))
    assert [q["name"] for q in queries] == list(registry())
    for name, query in registry().items():
        assert f'<li data-name="{name}">' in html
        shown = next(q for q in queries if q["name"] == name)
        assert shown["sparql"] == query.sparql
        assert [p["name"] for p in shown["parameters"]] == [p.name for p in query.parameters]
    assert "vendor/codemirror/codemirror.min.js" in html and "vendor/codemirror/sparql.min.js" in html


def test_query_page_prefills_a_given_query(client) -> None:
    html = client.get("/query", query_string={"query": "ASK { ?s ?p ?o }"}).get_data(as_text=True)
    assert ">ASK { ?s ?p ?o }</textarea>" in html


# -- network ----------------------------------------------------------------------------------
def test_network_page_embeds_the_graph(client) -> None:
    response = client.get("/network?collectivity=ville d'evry&hops=3")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    data = json.loads(re.search(r'id="network-data">(.*?)</script>', html, re.S).group(1))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert data["start"] == EVRY and set(nodes) == {EVRY, BAMAKO, AGGLO}
    assert nodes[EVRY]["path"] == "/id/collectivity/fr/evry"
    assert nodes[EVRY]["kind"] == "french" and nodes[BAMAKO]["kind"] == "foreign"
    assert nodes[BAMAKO]["country"] == "ML" and nodes[EVRY]["colour"] != nodes[BAMAKO]["colour"]
    assert {(e["source"], e["target"], e["hop"]) for e in data["edges"]} == {(EVRY, BAMAKO, 1), (BAMAKO, AGGLO, 2)}
    assert 'href="/network.graphml?collectivity=https%3A%2F%2Fw3id.org' in html
    assert "vendor/cytoscape/cytoscape.min.js" in html


def test_network_unknown_name_and_bad_hops(client) -> None:
    response = client.get("/network?collectivity=Evrx")
    assert response.status_code == 404 and "Evry" in response.get_data(as_text=True)  # a suggestion
    assert client.get("/network?collectivity=Evry&hops=9").status_code == 400
    assert client.get("/network.graphml?collectivity=Nowhere-at-all").status_code == 404
    assert client.get("/network.graphml").status_code == 400
    assert "collectivity" not in client.get("/network").get_data(as_text=True).split("<main")[1].split("form")[0]


def parse_graphml(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{G}graphml"
    keys = {k.get("id"): (k.get("for"), k.get("attr.name"), k.get("attr.type")) for k in root.findall(f"{G}key")}
    for name in ("label", "kind", "country"):
        assert keys[name] == ("node", name, "string")
    children = [child.tag for child in root]
    assert children.index(f"{G}graph") > max(i for i, tag in enumerate(children) if tag == f"{G}key")
    (graph,) = root.findall(f"{G}graph")
    assert graph.get("edgedefault") == "undirected"
    ids = [n.get("id") for n in graph.findall(f"{G}node")]
    assert len(ids) == len(set(ids))
    for edge in graph.findall(f"{G}edge"):
        assert edge.get("source") in ids and edge.get("target") in ids
    for element in graph.iter():
        if element.tag == f"{G}data":
            assert element.get("key") in keys
    return graph


def test_network_graphml_is_valid_and_holds_the_nodes(client) -> None:
    response = client.get("/network.graphml", query_string={"collectivity": EVRY, "hops": "3"})
    assert response.status_code == 200 and response.mimetype == "application/graphml+xml"
    assert 'filename="network-evry-3.graphml"' in response.headers["Content-Disposition"]
    graph = parse_graphml(response.data)
    nodes = {n.get("id"): {d.get("key"): d.text for d in n.findall(f"{G}data")} for n in graph.findall(f"{G}node")}
    assert set(nodes) == {EVRY, BAMAKO, AGGLO}
    assert nodes[EVRY] | {"iri": None} == {"label": "Evry", "kind": "french", "country": "FR", "country_name": "France",
                                           "iri": None, "start": "true"}
    assert (nodes[BAMAKO]["kind"], nodes[BAMAKO]["country"]) == ("foreign", "ML")
    assert len(graph.findall(f"{G}edge")) == 2
    try:
        import networkx
    except ImportError:
        return
    parsed = networkx.read_graphml(__import__("io").BytesIO(response.data))
    assert set(parsed.nodes) == {EVRY, BAMAKO, AGGLO} and parsed.nodes[BAMAKO]["country"] == "ML"


def test_network_graphml_bigger_network(client) -> None:
    small = parse_graphml(client.get("/network.graphml?collectivity=Morvaneuil&hops=1").data)
    big = parse_graphml(client.get("/network.graphml?collectivity=Morvaneuil&hops=3").data)
    assert 1 < len(small.findall(f"{G}node")) < len(big.findall(f"{G}node"))


# -- no external resources --------------------------------------------------------------------
class _Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "img": "src", "iframe": "src", "link": "href", "source": "src", "embed": "src",
                  "video": "src", "audio": "src", "object": "data"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


@pytest.mark.parametrize("path", PAGES)
def test_no_resource_from_another_host(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    parser = _Sources()
    parser.feed(response.get_data(as_text=True))
    assert parser.urls, "the page links no resource at all?"
    for url in parser.urls:
        parts = urlsplit(url)
        assert parts.scheme in ("", "data") and not parts.netloc, f"{path} loads {url} from elsewhere"
        if parts.scheme != "data":
            with client.get(url) as served:
                assert served.status_code == 200, f"{path} links {url}, which is not served"


def test_vendored_libraries_have_their_licences() -> None:
    from pathlib import Path

    vendor = Path(__file__).resolve().parents[1] / "atlas_graph" / "web" / "static" / "vendor"
    for lib in ("codemirror", "cytoscape"):
        assert (vendor / lib / "LICENSE").is_file()
    assert sum(f.stat().st_size for f in vendor.rglob("*") if f.is_file()) < 800_000
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    assert "codemirror" in readme and "cytoscape" in readme and "MIT" in readme
