"""Linked data, the ontology, the shapes, the dumps and --no-personal-data: Flask's test client.

Input: the bundled record and tests/fixtures/records (built with and without personal data).
Output: assertions on formats, negotiation, links, 404s, dumps equal to ``build`` and the
absence of names and e-mails when personal data is removed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, RDF, SKOS

from atlas_graph.build import build
from atlas_graph.queries import run_named_query
from atlas_graph.rdf_files import serialize
from atlas_graph.sources import default_sources
from atlas_graph.web import create_app, query_pool
from atlas_graph.web.config import WebConfig
from atlas_graph.web.setup import served_store

FIXTURES = Path(__file__).parent / "fixtures" / "records"
BASE = "https://w3id.org/atlas-coop/"
EVRY = URIRef(BASE + "id/collectivity/fr/evry")
HTML = {"Accept": "text/html"}
# rdflib 7.6 warns about its own use of deprecated Dataset APIs in its TriG and JSON-LD parsers.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


def sources() -> list[Path]:
    return [*default_sources(), FIXTURES]


def make(personal_data: bool):
    store, _ = served_store(sources(), personal_data=personal_data)
    return create_app(WebConfig(store=store, query_workers=1, personal_data=personal_data))


@pytest.fixture(scope="module")
def app():
    app = make(True)
    yield app
    query_pool(app).close()


@pytest.fixture(scope="module")
def private_app():
    app = make(False)
    yield app
    query_pool(app).close()


@pytest.fixture
def client(app):
    return app.test_client()


def a_person(client) -> str:
    body = client.get("/data.nt").get_data(as_text=True)
    return re.search(r"<(https://w3id.org/atlas-coop/id/person/[0-9a-f]+)> <http://www\.w3\.org/1999/02/22-rdf-"
                     r"syntax-ns#type> <http://xmlns\.com/foaf/0\.1/Person>", body).group(1)


# -- resources ---------------------------------------------------------------------------------
@pytest.mark.parametrize("url, headers, media_type, fmt", [
    ("/id/collectivity/fr/evry", {}, "text/turtle", "turtle"),
    ("/id/collectivity/fr/evry", {"Accept": "application/ld+json"}, "application/ld+json", "json-ld"),
    ("/id/collectivity/fr/evry", {"Accept": "application/n-triples"}, "application/n-triples", "nt"),
    ("/id/collectivity/fr/evry.ttl", HTML, "text/turtle", "turtle"),
    ("/id/collectivity/fr/evry.jsonld", {}, "application/ld+json", "json-ld"),
    ("/id/collectivity/fr/evry.nt", {}, "application/n-triples", "nt"),
])
def test_resource_rdf_by_accept_or_suffix(client, url, headers, media_type, fmt):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    assert '</id/collectivity/fr/evry.ttl>; rel="alternate"; type="text/turtle"' in response.headers["Link"]
    graph = Graph().parse(data=response.data, format=fmt)
    assert (EVRY, RDF.type, URIRef(BASE.replace("id/", "") + "ontology#FrenchLocalAuthority")) in graph
    country = graph.value(EVRY, URIRef("https://w3id.org/atlas-coop/ontology#country"))
    assert graph.value(country, SKOS.prefLabel) is not None  # labels of what it links to


def test_description_holds_every_own_triple(client, app):
    store = app.extensions["atlas_graph"]["config"].store
    own = {(p, o) for s, p, o, _ in store.quads() if s == EVRY}
    graph = Graph().parse(data=client.get("/id/collectivity/fr/evry.nt").data, format="nt")
    assert set(graph.predicate_objects(EVRY)) == own


def test_any_host_serves_the_base_iri(client):
    response = client.get("/id/collectivity/fr/evry.ttl", base_url="http://example.test:8080")
    assert response.status_code == 200 and str(EVRY).encode() in response.data


def test_unknown_iris_are_404(client):
    assert client.get("/id/collectivity/fr/nowhere").status_code == 404
    assert client.get("/id/collectivity/fr/nowhere.ttl").status_code == 404
    assert client.get("/graph/nothing").status_code == 404
    assert client.get("/data.xyz").status_code == 404


def test_collectivity_page(client, app):
    response = client.get("/id/collectivity/fr/evry", headers=HTML)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Evry</h1>" in page
    assert 'href="/ontology#FrenchLocalAuthority"' in page and "collectivité territoriale française" in page
    assert "est partenaire français de" in page  # incoming link with the property label
    assert "est financeur de" in page
    assert "000_d788d1f748d878b4.txt" in page and 'href="/graph/000-d788d1f748d878b4"' in page
    store = app.extensions["atlas_graph"]["config"].store
    for row in run_named_query(store, "partners", {"collectivity": "Evry"}).rows:
        assert row[0].replace("'", "&#39;") in page
    assert "Commune V du District de Bamako" in page  # the 1-hop network
    assert 'href="/network?collectivity=https%3A//w3id.org/atlas-coop/id/collectivity/fr/evry"' in page
    english = client.get("/id/collectivity/fr/evry?lang=en", headers=HTML).get_data(as_text=True)
    assert "is French partner of" in english and "French local authority" in english


def test_project_page_links_values_with_labels(client):
    page = client.get("/id/project/000-d788d1f748d878b4", headers=HTML).get_data(as_text=True)
    assert '<a href="/id/collectivity/fr/evry">Evry</a>' in page
    assert "partenaire étranger" in page and "thématique principale" in page and "titre" in page


def test_named_graph(client):
    response = client.get("/graph/actors")
    assert response.mimetype == "text/turtle"
    assert (EVRY, SKOS.prefLabel, None) in Graph().parse(data=response.data, format="turtle")
    trig = client.get("/graph/actors.trig")
    dataset = Dataset().parse(data=trig.data, format="trig")
    assert URIRef(BASE + "graph/actors") in {g.identifier for g in dataset.graphs()}
    assert client.get("/graph/actors", headers=HTML).mimetype == "text/html"


# -- ontology and shapes -----------------------------------------------------------------------
def test_ontology(client):
    from atlas_graph.resources_paths import ontology_path

    assert client.get("/ontology.ttl").data == ontology_path().read_bytes()
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).data == ontology_path().read_bytes()
    page = client.get("/ontology", headers=HTML).get_data(as_text=True)
    for text in ('id="Partnership"', 'id="frenchPartner"', "partenaire français", "French partner",
                 ">projet<", "Un partenariat", "A decentralised cooperation partnership"):
        assert text in page, text


def test_shapes(client):
    from atlas_graph.resources_paths import shape_files

    response = client.get("/shapes")
    assert response.mimetype == "text/turtle"
    merged = Graph()
    for path in shape_files():
        merged.parse(path, format="turtle")
    assert isomorphic(Graph().parse(data=response.data, format="turtle"), merged)
    assert client.get("/shapes", headers=HTML).mimetype == "text/html"


# -- dumps -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built():
    return build(sources()).dataset


@pytest.mark.parametrize("suffix, fmt", [("nt", "nt"), ("trig", "trig"), ("ttl", "turtle")])
def test_dumps_equal_the_build(client, built, suffix, fmt):
    body = client.get(f"/data.{suffix}").data
    expected = serialize(built, fmt)
    assert body == expected  # the same serialiser on the same dataset: the same bytes
    if fmt == "trig":  # no blank nodes in the data: the same quads mean the same dataset
        def quads(data: bytes) -> set:
            return set(Dataset().parse(data=data, format="trig").quads((None, None, None, None)))

        assert quads(body) == quads(expected)
    else:
        assert isomorphic(Graph().parse(data=body, format=fmt), Graph().parse(data=expected, format=fmt))


# -- no personal data --------------------------------------------------------------------------
def test_no_personal_data_anywhere(app, private_app):
    with_names = app.test_client()
    person = a_person(with_names)
    path = person[len(BASE) - 1:]
    assert "foaf/0.1/name" in with_names.get(path + ".nt").get_data(as_text=True)  # the test means something
    client = private_app.test_client()
    sparql = client.get("/sparql", query_string={"query": f"SELECT * WHERE {{ ?s <{FOAF.name}> ?o }}"})
    assert sparql.get_json()["results"]["bindings"] == []
    for prop in (FOAF.name, FOAF.givenName, FOAF.familyName, FOAF.mbox):
        for suffix in ("ttl", "nt", "trig"):
            assert str(prop) not in client.get(f"/data.{suffix}").get_data(as_text=True).replace("foaf:", str(FOAF))
    dump = client.get("/data.ttl").get_data(as_text=True)
    assert "mailto:" not in dump and not re.search(r"[\w.-]+@[\w-]+\.[a-z]{2,}", dump)
    name = str(Graph().parse(data=with_names.get(path + ".nt").data, format="nt").value(URIRef(person), FOAF.name))
    page = client.get(path, headers=HTML).get_data(as_text=True)
    assert name not in page and "mailto:" not in page
    assert name not in client.get(path + ".ttl").get_data(as_text=True)
    contacts = client.get("/api/queries/contacts").get_json()["rows"]
    assert contacts and all(row["name"] == "" and row["email"] == "" for row in contacts)
    for row in contacts:
        assert name not in row.values()
