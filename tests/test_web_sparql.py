"""The /sparql endpoint and /.well-known/void: Flask's test client, then real clients on a live server.

Input: small datasets in an in-memory ``OxigraphStore``. Output: assertions on status codes,
media types, headers (CORS, truncation) and bodies.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from email.message import Message

import pytest
from flask import Flask
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, VOID

from atlas_graph.stores.oxigraph import OxigraphStore
from atlas_graph.web import create_app, query_pool
from atlas_graph.web.config import WebConfig
from atlas_graph.web.sparql import add_using, query_form
from tests.web_server import LiveServer

EX = Namespace("http://example.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TOKEN = "s3cret"
SELECT = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def parse_rdf(data: bytes, fmt: str) -> Graph:
    """rdflib's JSON-LD parser builds a deprecated ConjunctiveGraph internally: not our warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=data, format=fmt)


def fill(store: OxigraphStore, big: int = 0) -> OxigraphStore:
    store.replace_graph(EX.g1, [(EX[f"s{i}"], EX.p, Literal(i)) for i in range(5)])
    store.replace_graph(EX.g2, [(EX.a, EX.q, EX.b), (EX.b, EX.q, EX.c), (EX.c, EX.q, Literal("é"))])
    if big:
        store.replace_graph(EX.big, [(EX[f"x{i}"], EX.r, Literal(i)) for i in range(big)])
    return store


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    apps: list[Flask] = []

    def make(**settings: object) -> Flask:
        store = settings.pop("store", None) or fill(OxigraphStore(None))
        app = create_app(WebConfig(store=store, query_workers=2, **settings))  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield make
    for app in apps:
        query_pool(app).close()


@pytest.fixture
def client(make_app: Callable[..., Flask]):
    return make_app().test_client()


def get(client, query: str, accept: str | None = None, **params: str):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


# -- content negotiation ----------------------------------------------------------------------
@pytest.mark.parametrize("accept, media_type", [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, text/tab-separated-values;q=0.9, */*;q=0.1", "text/tab-separated-values"),
    ("text/html, application/sparql-results+xml;q=0.8", "application/sparql-results+xml"),
])
def test_select_formats(client, accept, media_type) -> None:
    r = get(client, SELECT, accept)
    assert r.status_code == 200
    assert r.mimetype == media_type
    assert "Accept" in r.headers["Vary"]
    if media_type.endswith("json"):
        assert [b["o"]["value"] for b in r.get_json()["results"]["bindings"]] == ["0", "1", "2", "3", "4"]
    elif media_type == "text/csv":
        assert r.data.decode().splitlines()[0] == "s,o"


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_formats(client, accept) -> None:
    r = get(client, "ASK { ?s <http://example.org/q> 'é' }", accept)
    assert r.status_code == 200 and r.mimetype == accept
    assert b"true" in r.data


@pytest.mark.parametrize("accept, media_type, rdflib_format", [
    (None, "text/turtle", "turtle"),
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/rdf+xml;q=0.2, text/turtle;q=0.1", "application/rdf+xml", "xml"),
])
def test_construct_formats(client, accept, media_type, rdflib_format) -> None:
    r = get(client, CONSTRUCT, accept)
    assert r.status_code == 200 and r.mimetype == media_type
    assert len(parse_rdf(r.data, rdflib_format)) == 8


@pytest.mark.parametrize("query, accept", [(SELECT, "text/turtle"), (CONSTRUCT, "text/csv"),
                                           ("ASK {}", "text/csv"), ("ASK {}", "text/tab-separated-values"),
                                           (SELECT, "application/sparql-results+json;q=0")])
def test_not_acceptable(client, query, accept) -> None:
    r = get(client, query, accept)
    assert r.status_code == 406
    assert "no acceptable format" in r.get_json()["message"]


def test_not_acceptable_for_a_browser_is_html(client) -> None:
    r = get(client, SELECT, "text/html")
    assert r.status_code == 406 and r.mimetype == "text/html" and b"no acceptable format" in r.data


# -- bad requests -----------------------------------------------------------------------------
def test_malformed_query_gives_parser_message(client) -> None:
    r = get(client, "SELECT * WHERE { ?s ?p ")
    assert r.status_code == 400
    assert "error at 1:24" in r.get_json()["message"]  # the position in the client's own text


@pytest.mark.parametrize("request_args, status", [
    ({"query_string": "query=ASK%7B%7D&query=ASK%7B%7D"}, 400),  # two queries
    ({"query_string": "query=ASK%7B%7D&update=CLEAR%20ALL", "headers": {"Authorization": f"Bearer {TOKEN}"}}, 400),
    ({"query_string": "query=ASK%7B%FF%7D"}, 400),  # not UTF-8
    ({"query_string": "default-graph-uri=not%20an%20iri&query=ASK%7B%7D"}, 400),
])
def test_bad_get(make_app, request_args, status) -> None:
    client = make_app(enable_update=True, update_token=TOKEN).test_client()
    r = client.get("/sparql", **request_args)
    assert r.status_code == status
    assert "Traceback" not in r.get_data(as_text=True)


@pytest.mark.parametrize("body, content_type, status", [
    (b"ASK {}", None, 415),
    (b"ASK {}", "text/plain", 415),
    ("ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16", 415),
    (b"ASK { ?s ?p '\xff' }", "application/sparql-query", 400),
    (b"query=ASK%7B%7D&query=ASK%7B%7D", "application/x-www-form-urlencoded", 400),
    (b"query=ASK%7B%FF%7D", "application/x-www-form-urlencoded", 400),
    (b"default-graph-uri=http%3A%2F%2Fexample.org%2Fg1", "application/x-www-form-urlencoded", 400),
])
def test_bad_post(client, body, content_type, status) -> None:
    r = client.post("/sparql", data=body, headers={"Content-Type": content_type} if content_type else {})
    assert r.status_code == status, r.data
    assert r.get_json()["status"] == status


def test_direct_post_with_query_in_url_refused(client) -> None:
    r = client.post("/sparql?query=ASK%7B%7D", data="ASK {}", content_type="application/sparql-query")
    assert r.status_code == 400


def test_other_methods_refused(client) -> None:
    assert client.put("/sparql?query=ASK%7B%7D").status_code == 405
    assert client.delete("/sparql").status_code == 405


def test_unexpected_errors_answer_without_traceback(make_app) -> None:
    app = make_app()
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    r = app.test_client().get("/boom")
    assert r.status_code == 500
    assert "ZeroDivision" not in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)
    html = app.test_client().get("/boom", headers={"Accept": "text/html"})
    assert html.status_code == 500 and html.mimetype == "text/html"


# -- datasets, SERVICE, LOAD ------------------------------------------------------------------
def test_protocol_dataset(client) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    n = get(client, q, **{"default-graph-uri": str(EX.g2)}).get_json()["results"]["bindings"][0]["n"]["value"]
    assert n == "3"
    r = get(client, "ASK { GRAPH ?g { ?s <http://example.org/p> ?o } }", **{"named-graph-uri": str(EX.g2)})
    assert r.get_json()["boolean"] is False


@pytest.mark.parametrize("query, params", [
    ("SELECT * FROM <http://elsewhere.example/data> WHERE { ?s ?p ?o }", {}),
    ("PREFIX ex: <http://example.org/> SELECT * FROM NAMED ex:nothere WHERE { ?s ?p ?o }", {}),
    ("ASK {}", {"default-graph-uri": "http://elsewhere.example/data"}),
    ("ASK {}", {"named-graph-uri": "http://elsewhere.example/data"}),
])
def test_graphs_not_in_store_refused(client, query, params) -> None:
    r = get(client, query, **params)
    assert r.status_code == 400
    assert "is not in this dataset" in r.get_json()["message"]


def test_from_a_present_graph_is_served(client) -> None:
    r = get(client, "PREFIX ex: <http://example.org/> SELECT * FROM ex:g2 WHERE { ?s ?p ?o }")
    assert r.status_code == 200 and len(r.get_json()["results"]["bindings"]) == 3


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { service silent <http://x.example/sparql> { ?s ?q ?r } } }",
    "PREFIX x: <http://x.example/> SELECT * WHERE { { SELECT ?s WHERE { SERVICE x:sparql { ?s ?p ?o } } } }",
    "SELECT * WHERE { SERV\\u0049CE <http://x.example/sparql> { ?s ?p ?o } }",  # a codepoint escape
])
def test_service_refused(client, query) -> None:
    r = get(client, query)
    assert r.status_code == 400
    assert "SERVICE" in r.get_json()["message"]


def test_service_word_in_a_literal_is_fine(client) -> None:
    r = get(client, "SELECT * WHERE { ?s ?p 'customer service from Paris' }")
    assert r.status_code == 200


# -- updates ----------------------------------------------------------------------------------
INSERT = "INSERT DATA { GRAPH <http://example.org/g3> { <http://example.org/n> <http://example.org/p> 42 } }"


@pytest.mark.parametrize("settings, authorization", [
    ({}, f"Bearer {TOKEN}"),  # updates off
    ({"enable_update": True}, f"Bearer {TOKEN}"),  # no token configured
    ({"enable_update": True, "update_token": TOKEN}, None),
    ({"enable_update": True, "update_token": TOKEN}, "Bearer wrong"),
    ({"enable_update": True, "update_token": TOKEN}, f"Basic {TOKEN}"),
])
def test_update_refused(make_app, settings, authorization) -> None:
    app = make_app(**settings)
    client = app.test_client()
    headers = {"Authorization": authorization} if authorization else {}
    for r in (client.post("/sparql", data=INSERT, content_type="application/sparql-update", headers=headers),
              client.post("/sparql", data={"update": INSERT}, headers=headers),
              client.get("/sparql", query_string={"update": INSERT}, headers=headers)):
        assert r.status_code == 403
        assert "Access-Control-Allow-Origin" not in r.headers
    assert get(client, "ASK { ?s ?p 42 }").get_json()["boolean"] is False


def test_update_with_token(make_app) -> None:
    client = make_app(enable_update=True, update_token=TOKEN).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post("/sparql", data=INSERT, content_type="application/sparql-update", headers=auth)
    assert r.status_code == 204 and "Access-Control-Allow-Origin" not in r.headers
    assert get(client, "ASK { GRAPH <http://example.org/g3> { ?s ?p 42 } }").get_json()["boolean"] is True
    r = client.post("/sparql", data={"update": "DROP GRAPH <http://example.org/g3>"}, headers=auth)
    assert r.status_code == 204
    assert get(client, "ASK { ?s ?p 42 }").get_json()["boolean"] is False
    assert client.get("/sparql", query_string={"update": INSERT}, headers=auth).status_code == 400
    r = client.post("/sparql", data="CLEAR XYZ", content_type="application/sparql-update", headers=auth)
    assert r.status_code == 400 and "error at 1:10" in r.get_json()["message"]  # the position in this text
    r = client.post("/sparql", data="LOAD <http://example.org/remote.ttl>", content_type="application/sparql-update",
                    headers=auth)
    assert r.status_code == 400 and "LOAD" in r.get_json()["message"]


def test_long_updates_and_escaped_keywords(make_app) -> None:
    """An update of hundreds of operations goes through; LOAD and SERVICE are refused however they
    are spelled, and the words are fine in strings and comments."""
    client = make_app(enable_update=True, update_token=TOKEN).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    many = " ;\n".join(f"INSERT DATA {{ GRAPH <http://example.org/many> {{ <http://example.org/n> "
                       f"<http://example.org/v> {i} }} }}" for i in range(300))
    assert client.post("/sparql", data=many, content_type="application/sparql-update", headers=auth).status_code == 204
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/many> { ?s ?p ?o } }"
    assert get(client, count).get_json()["results"]["bindings"][0]["n"]["value"] == "300"
    for refused, word in (("L\\u004FAD <http://example.org/remote.ttl>", "LOAD"),
                          ("INSERT { ?s ?p ?o } WHERE { s\\u0065rvice <http://x.example/> { ?s ?p ?o } }", "SERVICE")):
        r = client.post("/sparql", data=refused, content_type="application/sparql-update", headers=auth)
        assert r.status_code == 400 and word in r.get_json()["message"]
    fine = ("# LOAD, SERVICE\nINSERT DATA { GRAPH <http://example.org/w> "
            "{ <http://example.org/load> <http://example.org/t> 'LOAD <x> SERVICE' } }")
    assert client.post("/sparql", data=fine, content_type="application/sparql-update", headers=auth).status_code == 204


def test_update_using_parameters(make_app) -> None:
    client = make_app(enable_update=True, update_token=TOKEN).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    update = "INSERT { GRAPH <http://example.org/copy> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    r = client.post(f"/sparql?using-graph-uri={urllib.parse.quote(str(EX.g2))}", data=update,
                    content_type="application/sparql-update", headers=auth)
    assert r.status_code == 204
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/copy> { ?s ?p ?o } }"
    assert get(client, count).get_json()["results"]["bindings"][0]["n"]["value"] == "3"
    r = client.post(f"/sparql?using-graph-uri={urllib.parse.quote(str(EX.g2))}", data="DELETE WHERE { ?s ?p ?o }",
                    content_type="application/sparql-update", headers=auth)
    assert r.status_code == 204
    assert get(client, "ASK { GRAPH <http://example.org/g1> { ?s ?p ?o } }").get_json()["boolean"] is True
    conflict = "WITH <http://example.org/g1> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    r = client.post(f"/sparql?using-named-graph-uri={urllib.parse.quote(str(EX.g2))}", data=conflict,
                    content_type="application/sparql-update", headers=auth)
    assert r.status_code == 400 and "USING" in r.get_json()["message"]


def test_add_using_and_query_form() -> None:
    text = "PREFIX where: <http://w/> DELETE { ?s ?p 'WHERE' } WHERE { ?s ?p ?o { SELECT * WHERE {} } } ; " \
           "DELETE WHERE { ?a where:b ?c }"
    out = add_using(text, ["http://d/"], ["http://n/"])
    assert out.count("USING <http://d/> USING NAMED <http://n/> WHERE") == 2
    assert "DELETE { ?a where:b ?c } USING" in out
    text = "# SELECT\nPREFIX ask: <http://a/> BASE <http://b/> CONSTRUCT WHERE { ?s ?p 'ASK' }"
    assert query_form(text) == "CONSTRUCT"
    assert query_form("describe <x>") == "DESCRIBE"


# -- CORS, service description, VoID, limits --------------------------------------------------
def test_cors(client) -> None:
    assert get(client, "ASK {}").headers["Access-Control-Allow-Origin"] == "*"
    r = client.post("/sparql", data="ASK {}", content_type="application/sparql-query")
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    r = client.options("/sparql", headers={"Origin": "https://else.example", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204 and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "authorization" not in r.headers["Access-Control-Allow-Headers"].lower()


def test_service_description(client) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    sd = Graph().parse(data=r.data, format="turtle")
    service = next(sd.subjects(RDF.type, SD.Service))
    assert sd.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    assert len(set(sd.objects(service, SD.resultFormat))) == 8
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in sd
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"}).data
    assert len(parse_rdf(as_jsonld, "json-ld")) == len(sd)
    html = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.mimetype == "text/html" and b'<textarea id="query" name="query"' in html.data


def test_void_counts(client) -> None:
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    void = Graph().parse(data=r.data, format="turtle")
    dataset = URIRef("https://w3id.org/atlas-coop/dataset")
    assert void.value(dataset, VOID.triples).toPython() == 8
    subsets = list(void.objects(dataset, VOID.subset))
    assert len(subsets) == 2
    assert sorted(void.value(s, VOID.triples).toPython() for s in subsets) == [3, 5]
    assert all(isinstance(s, URIRef) and s.startswith("https://w3id.org/atlas-coop/dataset#graph-") for s in subsets)
    assert {void.value(s, SD.name) for s in subsets} == {EX.g1, EX.g2}
    again = Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    assert set(again.objects(dataset, VOID.subset)) == set(subsets)  # the same IRIs every time
    seen = client.get("/dataset", headers={"Accept": "text/turtle"})  # the dataset's IRI, dereferenced
    assert seen.status_code == 303 and seen.headers["Location"].endswith("/.well-known/void")


def test_void_subsets_of_minted_graphs_are_named_after_them() -> None:
    from atlas_graph.web.service import subset_iri

    base = "https://w3id.org/atlas-coop/"
    assert subset_iri(base, base + "graph/000-d788d1f748d878b4") == URIRef(base + "dataset#000-d788d1f748d878b4")
    assert subset_iri(base, base + "graph/actors") == URIRef(base + "dataset#actors")
    other = subset_iri(base, "http://example.org/g1")
    assert other.startswith(base + "dataset#graph-") and other != subset_iri(base, "http://example.org/g2")
    assert subset_iri(base, base + "graph/a/b").startswith(base + "dataset#graph-")


def test_max_rows(make_app) -> None:
    client = make_app(max_rows=3).test_client()
    r = get(client, SELECT)
    assert r.headers["X-Atlas-Truncated"] == "true" and r.headers["X-Atlas-Max-Rows"] == "3"
    assert len(r.get_json()["results"]["bindings"]) == 3
    r = get(client, "SELECT * WHERE { ?s <http://example.org/q> ?o }")
    assert "X-Atlas-Truncated" not in r.headers


def test_timeout_stops_query_while_others_are_served(make_app) -> None:
    app = make_app(store=fill(OxigraphStore(None), big=300), query_timeout=1.5)
    pool = query_pool(app)
    pool.start()
    pids = pool.worker_pids
    slow: dict = {}

    def run_slow() -> None:
        started = time.monotonic()
        slow["response"] = get(app.test_client(), SLOW)
        slow["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    fast = get(app.test_client(), "ASK { ?s ?p 4 }")
    assert fast.status_code == 200 and fast.get_json()["boolean"] is True
    assert time.monotonic() - started < 0.5 and thread.is_alive()
    thread.join(30)
    assert slow["response"].status_code == 503
    assert "stopped" in slow["response"].get_json()["message"]
    assert 1.4 < slow["seconds"] < 5
    assert len(set(pool.worker_pids) - set(pids)) == 1  # the killed worker was replaced
    assert get(app.test_client(), "ASK { ?s ?p 4 }").status_code == 200


def test_common_path_spawns_no_process(client) -> None:
    get(client, "ASK {}")
    pids = query_pool(client.application).worker_pids
    for _ in range(20):
        assert get(client, SELECT).status_code == 200
    assert query_pool(client.application).worker_pids == pids


# -- real clients against a live server -------------------------------------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("live") / "data.nq"
    path.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" <http://example.org/g1> .\n"
                            for i in range(5)) + "<http://example.org/a> <http://example.org/q> "
                    "<http://example.org/b> <http://example.org/g2> .\n"
                    + "".join(f"<http://example.org/x{i}> <http://example.org/r> \"{i}\" <http://example.org/big> .\n"
                              for i in range(300)))
    with LiveServer(data=[str(path)], timeout=1.5, max_rows=100) as url:
        yield url + "/sparql"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select(live: str, fmt: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper(live)
    wrapper.setQuery(SELECT)
    wrapper.setReturnFormat(fmt)
    result = wrapper.query()
    converted = result.convert()
    if fmt == "json":
        assert len(converted["results"]["bindings"]) == 5
    elif fmt == "xml":
        assert len(converted.getElementsByTagName("result")) == 5
    else:
        assert len(converted.decode().strip().splitlines()) == 6


@pytest.mark.parametrize("fmt, rdflib_format", [("turtle", "turtle"), ("xml", "xml"), ("json-ld", "json-ld"),
                                                ("n3", "turtle")])
def test_sparqlwrapper_construct(live: str, fmt: str, rdflib_format: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper(live)
    wrapper.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/g1> { ?s ?p ?o } }")
    wrapper.setReturnFormat("xml" if fmt == "xml" else fmt)
    body = wrapper.query().response.read()  # convert() would build a deprecated ConjunctiveGraph
    assert len(parse_rdf(body, rdflib_format)) == 5


def test_sparqlwrapper_ask_post(live: str) -> None:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    wrapper = SPARQLWrapper(live)
    wrapper.setQuery("ASK { ?s <http://example.org/q> ?o }")
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["boolean"] is True


@pytest.mark.parametrize("fmt", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore(live: str, fmt: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(live, returnFormat=fmt))
    rows = list(graph.query("SELECT ?o WHERE { GRAPH <http://example.org/g1> { ?s ?p ?o } } ORDER BY ?o"))
    assert [str(r[0]) for r in rows] == ["0", "1", "2", "3", "4"]
    if fmt in ("xml", "json"):  # CSV/TSV have no boolean form: ASK is not offered in them
        assert bool(graph.query("ASK { ?s <http://example.org/q> ?o }")) is True


def test_rdflib_sparqlstore_construct(live: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(live))  # its default "xml" asks for RDF/XML for CONSTRUCT
    result = graph.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/g1> { ?s ?p ?o } }")
    assert len(result.graph) == 5


def _fetch(url: str) -> tuple[int, bytes, Message]:
    """Status, body and headers (looked up without regard to case, as HTTP names are)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(), exc.headers


def test_live_timeout_and_truncation(live: str) -> None:
    slow: dict = {}
    thread = threading.Thread(target=lambda: slow.update(r=_fetch(live + "?query=" + urllib.parse.quote(SLOW))))
    thread.start()
    time.sleep(0.3)
    status, body, _ = _fetch(live + "?query=" + urllib.parse.quote("ASK { ?s ?p '3' }"))
    assert status == 200 and json.loads(body)["boolean"] is True and thread.is_alive()
    thread.join(30)
    assert slow["r"][0] == 503
    status, body, headers = _fetch(live + "?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }"))
    assert headers["X-Atlas-Truncated"] == "true" and len(json.loads(body)["results"]["bindings"]) == 100


def test_live_small_query_is_fast(live: str) -> None:
    url = live + "?query=" + urllib.parse.quote("SELECT * WHERE { ?s <http://example.org/q> ?o }")
    _fetch(url)
    times = []
    for _ in range(50):
        started = time.perf_counter()
        assert _fetch(url)[0] == 200
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.02, f"median {statistics.median(times) * 1000:.1f} ms"


def store_calls(app: Flask) -> list[str]:
    """The methods the app's query pool is asked to run, from now on (a spy: the real pool still
    answers every call)."""
    from atlas_graph.web import query_pool

    with app.app_context():
        pool = query_pool(app)
    calls: list[str] = []
    real_call = pool.call

    def counting_call(method: str, *args: object) -> object:
        calls.append(method)
        return real_call(method, *args)

    pool.call = counting_call  # type: ignore[method-assign]
    return calls


def test_answers_are_kept_until_an_update(make_app) -> None:
    """The data only changes by an update: the same query is answered once by the store."""
    app = make_app(enable_update=True, update_token=TOKEN)
    client = app.test_client()
    calls = store_calls(app)
    query = "ASK { ?s ?p 42 }"
    assert get(client, query).get_json()["boolean"] is False
    assert get(client, query).get_json()["boolean"] is False
    assert calls.count("raw_query") == 1
    assert get(client, query, accept="application/sparql-results+xml").status_code == 200
    assert calls.count("raw_query") == 2  # another format is another answer
    auth = {"Authorization": f"Bearer {TOKEN}"}
    updated = client.post("/sparql", data=INSERT, content_type="application/sparql-update", headers=auth)
    assert updated.status_code == 204
    assert get(client, query).get_json()["boolean"] is True  # forgotten after the update
    assert calls.count("raw_query") == 3


def test_answers_with_now_or_rand_are_not_kept(make_app) -> None:
    app = make_app()
    calls = store_calls(app)
    client = app.test_client()
    for query in ("SELECT (RAND() AS ?r) WHERE {}", "SELECT (NOW() AS ?t) WHERE {}"):
        assert get(client, query).status_code == 200
        assert get(client, query).status_code == 200
    assert calls.count("raw_query") == 4


def test_answers_carry_validators_until_an_update(make_app) -> None:
    """A GET repeating an answer's ETag in If-None-Match gets 304 and no body, until the data changes."""
    app = make_app(enable_update=True, update_token=TOKEN)
    client = app.test_client()
    query = "ASK { ?s ?p 42 }"
    first = get(client, query)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    again = client.get("/sparql", query_string={"query": query}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    xml = get(client, query, accept="application/sparql-results+xml")
    assert xml.status_code == 200 and xml.headers["ETag"] != etag  # another format, another answer
    posted = client.post("/sparql", data=query, content_type="application/sparql-query",
                         headers={"If-None-Match": etag})
    assert posted.status_code == 200 and posted.get_json()["boolean"] is False  # only GET and HEAD get 304
    auth = {"Authorization": f"Bearer {TOKEN}"}
    updated = client.post("/sparql", data=INSERT, content_type="application/sparql-update", headers=auth)
    assert updated.status_code == 204
    after = client.get("/sparql", query_string={"query": query}, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.get_json()["boolean"] is True and after.headers["ETag"] != etag


def test_validators_differ_between_servers(make_app) -> None:
    """A server started again (perhaps on a store loaded again meanwhile) never confirms an old ETag."""
    query = "ASK { ?s ?p ?o }"
    etags = {get(make_app().test_client(), query).headers["ETag"] for _ in range(2)}
    assert len(etags) == 2


def test_answers_with_now_or_rand_have_no_validator(client) -> None:
    r = get(client, "SELECT (RAND() AS ?r) WHERE {}")
    assert r.status_code == 200 and "ETag" not in r.headers


def test_comments_and_strings_do_not_make_the_endpoint_parse() -> None:
    """Only a FROM or SERVICE keyword makes check_query parse the text with rdflib (tens of ms):
    an unparsable text passes when the words are in a comment, a string or an IRI, and is refused
    when they are keywords."""
    from werkzeug.exceptions import BadRequest

    from atlas_graph.web.sparql import check_query

    base = "https://w3id.org/atlas-coop/"
    hidden = "# partners from a comment\nSELECT * WHERE { ?s ?p 'from Paris, service' . ?s ?q <http://x/service> "
    assert check_query(hidden, base) == []
    with pytest.raises(BadRequest, match="syntax"):
        check_query("SELECT * FROM <http://x/g> WHERE { ?s ?p ", base)
    assert check_query("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }", base) == ["http://x/g"]


def test_answer_cache_keeps_at_most_its_bytes(make_app, monkeypatch) -> None:
    """The least recently used answers are forgotten beyond ANSWER_CACHE_BYTES; an answer larger
    than ANSWER_CACHE_MAX_BYTES is never kept."""
    from atlas_graph.web import cache

    app = make_app()
    client = app.test_client()
    calls = store_calls(app)
    size = len(get(client, "ASK { ?s ?p 0 }").data)  # every ASK answer below is as long
    monkeypatch.setattr(cache, "ANSWER_CACHE_BYTES", 2 * size)
    for n in (1, 2, 3):  # the third pushes the first out
        assert get(client, f"ASK {{ ?s ?p {n} }}").status_code == 200
    calls.clear()
    assert get(client, "ASK { ?s ?p 3 }").status_code == 200 and calls == []
    assert get(client, "ASK { ?s ?p 1 }").status_code == 200 and calls == ["raw_query"]
    monkeypatch.setattr(cache, "ANSWER_CACHE_MAX_BYTES", size - 1)
    for _ in range(2):
        assert get(client, "ASK { ?s ?p 4 }").status_code == 200
    assert calls.count("raw_query") == 3


def view_calls(app: Flask, endpoint: str) -> list[str]:
    """The requests that reach the Flask view ``endpoint`` from now on (a spy around the real view)."""
    calls: list[str] = []
    real = app.view_functions[endpoint]

    def counting(*args: object, **kwargs: object) -> object:
        from flask import request

        calls.append(request.method)
        return real(*args, **kwargs)

    app.view_functions[endpoint] = counting
    return calls


def test_repeated_requests_are_replayed_without_flask(make_app) -> None:
    """A request repeating an earlier one gets the same bytes and headers without reaching the
    view; anything it depends on (Accept, body, data) makes it new; errors, conditional requests
    and answers that set a cookie are never replayed."""
    app = make_app(enable_update=True, update_token=TOKEN)
    client = app.test_client()
    calls = view_calls(app, "sparql.sparql")
    query = "SELECT ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o"
    first, again = get(client, query), get(client, query)
    assert (again.data, list(again.headers)) == (first.data, list(first.headers)) and calls == ["GET"]
    post = {"data": query, "content_type": "application/sparql-query"}
    first_post, again_post = client.post("/sparql", **post), client.post("/sparql", **post)
    assert first_post.get_json() == first.get_json() and again_post.data == first_post.data
    assert calls == ["GET", "POST"]  # the body was read for the key and still reached the view
    assert get(client, query, accept="text/csv").data.startswith(b"o\r\n") and len(calls) == 3
    assert client.get("/sparql", query_string={"query": query},
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    for _ in range(2):
        assert get(client, "SELECT * WHERE {").status_code == 400
    assert len(calls) == 6
    auth = {"Authorization": f"Bearer {TOKEN}"}
    update = "INSERT DATA { GRAPH <http://example.org/g1> { <http://example.org/s9> <http://example.org/p> 9 } }"
    updated = client.post("/sparql", data=update, content_type="application/sparql-update", headers=auth)
    assert updated.status_code == 204
    after = get(client, query)
    assert [b["o"]["value"] for b in after.get_json()["results"]["bindings"]][-1] == "9" and len(calls) == 8
    api = view_calls(app, "api.run_query")
    for _ in range(2):
        client.get("/api/queries/partners", query_string={"collectivity": "http://example.org/s1", "lang": "en"})
    assert len(api) == 2  # it set the language cookie: not replayed
