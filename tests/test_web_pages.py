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
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import Flask

from atlas_graph.queries import registry
from atlas_graph.web import create_app, query_pool
from atlas_graph.web.config import WebConfig
from tests.pages_data import expected_figures, seed_and_fixtures

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
    from atlas_graph.web import pages

    with app.test_request_context("/"):
        assert pages.figures() is pages.figures()


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
