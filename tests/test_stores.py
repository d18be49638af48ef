"""One suite for the three stores: memory (rdflib), oxigraph (on disk), remote (oxigraph serve)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import XSD, Dataset, Graph, Literal, Namespace, URIRef

from atlas_graph.stores import QueryDataset, QueryError, StoreError, open_store
from atlas_graph.stores.memory import MemoryStore, nt_term
from atlas_graph.stores.oxigraph import OxigraphStore
from atlas_graph.stores.remote import RemoteStore, credentials_from_env, credentials_from_file

BASE = "https://w3id.org/atlas-coop/"
ID = Namespace(BASE + "id/")
ATLAS = Namespace(BASE + "ontology#")
G1 = URIRef(BASE + "graph/r1")
G2 = URIRef(BASE + "graph/r2")
ACTORS = URIRef(BASE + "graph/actors")
P1, P2 = ID["project/r1"], ID["project/r2"]
MOPTI = ID["collectivity/ml/mopti"]

R1 = [
    (P1, ATLAS.title, Literal('Eau "potable"\nà Mopti', lang="fr")),
    (P1, ATLAS.startYear, Literal("2010", datatype=XSD.gYear)),
    (P1, ATLAS.foreignPartner, MOPTI),
]
R2 = [
    (P2, ATLAS.title, Literal("Jumelage", lang="fr")),
    (P2, ATLAS.foreignPartner, MOPTI),
]
PREFIXES = f"PREFIX atlas: <{ATLAS}>\nPREFIX project: <{ID}project/>\nPREFIX g: <{BASE}graph/>\n"
ACTOR = [(MOPTI, ATLAS.label, Literal("Mopti"))]


@pytest.fixture
def loaded(store):
    store.replace_graph(G1, R1)
    store.replace_graph(G2, R2)
    store.replace_graph(ACTORS, ACTOR)
    return store


def test_replace_then_select_with_binding(loaded):
    rows = loaded.select(PREFIXES + "SELECT ?p ?o WHERE { ?p atlas:title ?o }", {"p": P1})
    assert rows == [{"p": P1, "o": Literal('Eau "potable"\nà Mopti', lang="fr")}]
    year = loaded.select(PREFIXES + "SELECT ?s ?y WHERE { ?s atlas:startYear ?y }", {"s": P1})
    assert year[0]["y"] == Literal("2010", datatype=XSD.gYear)
    assert loaded.ask(PREFIXES + "ASK { ?s atlas:title ?o }", {"s": P2})
    assert not loaded.ask(PREFIXES + "ASK { ?s atlas:startYear ?o }", {"s": P2})


def test_replace_graph_replaces_only_that_graph(loaded):
    loaded.replace_graph(G1, [(P1, ATLAS.title, Literal("Nouveau", lang="fr"))])
    titles = {r["t"] for r in loaded.select(PREFIXES + "SELECT ?t WHERE { GRAPH g:r1 { ?s ?p ?t } }")}
    assert titles == {Literal("Nouveau", lang="fr")}
    assert len(loaded.select(PREFIXES + "SELECT * WHERE { GRAPH g:r2 { ?s ?p ?o } }")) == len(R2)
    assert len(loaded.select(PREFIXES + "SELECT * WHERE { GRAPH g:actors { ?s ?p ?o } }")) == 1


def test_drop_graph_and_graph_names(loaded):
    assert loaded.graph_names() == {G1, G2, ACTORS}
    loaded.drop_graph(G2)
    loaded.drop_graph(URIRef(BASE + "graph/absent"))  # no error
    assert loaded.graph_names() == {G1, ACTORS}
    assert not loaded.ask(PREFIXES + "ASK { project:r2 ?p ?o }")
    loaded.replace_graph(G1, [])  # an empty replacement drops the graph
    assert loaded.graph_names() == {ACTORS}


def test_union_default_graph(loaded):
    rows = loaded.select(
        PREFIXES + "SELECT ?p ?label WHERE { ?p atlas:foreignPartner ?c . ?c atlas:label ?label } ORDER BY ?p"
    )
    assert [(r["p"], r["label"]) for r in rows] == [(P1, Literal("Mopti")), (P2, Literal("Mopti"))]


def test_quads_and_update(loaded):
    assert {q[3] for q in loaded.quads()} == {G1, G2, ACTORS}
    assert len(list(loaded.quads())) == len(R1) + len(R2) + len(ACTOR)
    loaded.update(PREFIXES + "DELETE WHERE { GRAPH g:r2 { ?s ?p ?o } }")
    assert loaded.graph_names() == {G1, ACTORS}


QUERY = PREFIXES + "SELECT ?s ?t WHERE { ?s atlas:title ?t } ORDER BY ?s"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH g:r1 { ?s ?p ?o } }"


def test_raw_select_json(loaded):
    res = loaded.raw_query(QUERY, "application/sparql-results+json; charset=utf-8")
    assert res.media_type == "application/sparql-results+json" and not res.truncated
    data = json.loads(res.body)
    assert [b["s"]["value"] for b in data["results"]["bindings"]] == [str(P1), str(P2)]
    assert data["results"]["bindings"][1]["t"]["xml:lang"] == "fr"


def test_raw_select_xml(loaded):
    res = loaded.raw_query(QUERY, "application/sparql-results+xml")
    assert str(P2).encode() in res.body and b"sparql-results#" in res.body


def test_raw_select_csv(loaded):
    res = loaded.raw_query(QUERY, "text/csv")
    rows = list(csv.reader(io.StringIO(res.body.decode("utf-8"))))
    assert rows[0] == ["s", "t"]
    assert rows[1:] == [[str(P1), 'Eau "potable"\nà Mopti'], [str(P2), "Jumelage"]]


def test_raw_select_tsv(loaded):
    res = loaded.raw_query(QUERY, "text/tab-separated-values")
    lines = res.body.decode("utf-8").strip().split("\n")
    assert lines[0].split("\t") == ["?s", "?t"]
    assert lines[2].split("\t") == [f"<{P2}>", '"Jumelage"@fr']


def test_raw_ask(loaded):
    assert json.loads(loaded.raw_query("ASK { ?s ?p ?o }", "application/sparql-results+json").body)["boolean"]


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")  # rdflib's JSON-LD parser
def test_raw_construct(loaded, media_type, rdflib_format):
    res = loaded.raw_query(CONSTRUCT, media_type)
    assert res.media_type == media_type
    graph = Graph().parse(data=res.body, format=rdflib_format)
    assert set(graph) == set(R1)


def test_raw_query_wrong_media_type(loaded):
    with pytest.raises(ValueError):
        loaded.raw_query(QUERY, "text/turtle")
    with pytest.raises(ValueError):
        loaded.raw_query(CONSTRUCT, "application/sparql-results+json")
    with pytest.raises(ValueError):
        loaded.raw_query(QUERY, "text/html")


def test_raw_query_dataset(loaded):
    res = loaded.raw_query(
        "SELECT ?s WHERE { ?s ?p ?o }",
        "application/sparql-results+json",
        QueryDataset(default_graphs=[str(G2)]),
    )
    assert {b["s"]["value"] for b in json.loads(res.body)["results"]["bindings"]} == {str(P2)}
    both = QueryDataset(default_graphs=[str(G2)], named_graphs=[str(G1)])
    res = loaded.raw_query("SELECT ?s WHERE { ?s ?p ?o }", "text/csv", both)
    assert set(res.body.decode().split()[1:]) == {str(P2)}
    res = loaded.raw_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv", both)
    assert res.body.decode().split()[1:] == [str(G1)]


def test_query_from_clause(loaded):
    res = loaded.raw_query(PREFIXES + "SELECT ?s FROM g:r2 WHERE { ?s ?p ?o }", "text/csv")
    assert set(res.body.decode().split()[1:]) == {str(P2)}


def test_malformed_query(loaded):
    with pytest.raises(QueryError):
        loaded.select("SELEC ?s WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError):
        loaded.raw_query("SELECT ?s WHERE { ?s ?p ", "application/sparql-results+json")


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "text/csv"])
def test_max_rows(loaded, media_type):
    res = loaded.raw_query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", media_type, max_rows=2)
    assert res.truncated
    if media_type == "text/csv":
        assert len(list(csv.reader(io.StringIO(res.body.decode())))) == 3
    else:
        assert len(json.loads(res.body)["results"]["bindings"]) == 2
    whole = loaded.raw_query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", media_type, max_rows=100)
    assert not whole.truncated


def _rows_in(body: bytes, media_type: str) -> int:
    if media_type.endswith("json"):
        return len(json.loads(body)["results"]["bindings"])
    if media_type.endswith("xml"):
        from xml.etree import ElementTree

        return len(ElementTree.fromstring(body).findall(".//{http://www.w3.org/2005/sparql-results#}result"))
    if media_type == "text/csv":
        return len(list(csv.reader(io.StringIO(body.decode())))) - 1
    return body.count(b"\n") - 1  # TSV: each line ends with a line feed (cells escape theirs)


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml",
                                        "text/csv", "text/tab-separated-values"])
@pytest.mark.parametrize("query", ["SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
                                   "SELECT ?unbound WHERE { ?s ?p ?o }"])  # rows as short as they get
def test_max_rows_at_the_edge(loaded, media_type, query):
    """An answer of exactly max_rows rows is whole; one more row and it is cut (short answers are
    known to fit by their length alone: the empty rows check that bound)."""
    rows = len(loaded.select(query))
    exact = loaded.raw_query(query, media_type, max_rows=rows)
    assert not exact.truncated and _rows_in(exact.body, media_type) == rows
    cut = loaded.raw_query(query, media_type, max_rows=rows - 1)
    assert cut.truncated and _rows_in(cut.body, media_type) == rows - 1


def test_select_text_gives_the_cells_of_sparql_csv(loaded):
    query = PREFIXES + "SELECT ?s ?t ?y WHERE { ?s atlas:title ?t OPTIONAL { ?s atlas:startYear ?y } } ORDER BY ?s"
    assert loaded.select_text(query, ["t", "s", "y", "absent"]) == [
        ('Eau "potable"\nà Mopti', str(P1), "2010", ""),
        ("Jumelage", str(P2), "", ""),
    ]
    assert loaded.select_text(query, ["s", "t"]) == [(str(r["s"]), str(r["t"])) for r in loaded.select(query)]
    quoted = loaded.select_text('SELECT ?a ?b WHERE { VALUES (?a ?b) { ("x, \\"y\\"" "one\\r\\ntwo") } }', ["a", "b"])
    assert quoted == [('x, "y"', "one\r\ntwo")]
    lone = PREFIXES + "SELECT ?y WHERE { ?s atlas:title ?t OPTIONAL { ?s atlas:startYear ?y } } ORDER BY ?y"
    assert loaded.select_text(lone, ["y"]) == [("",), ("2010",)]  # an unbound lone value is an empty line
    (blank,) = loaded.select_text("SELECT ?b WHERE { BIND(BNODE() AS ?b) }", ["b"])
    assert blank[0].startswith("_:") and len(blank[0]) > 2
    assert loaded.select_text(PREFIXES + "SELECT ?s WHERE { ?s atlas:nothing ?o }", ["s"]) == []
    with pytest.raises(QueryError):
        loaded.select_text("SELEC ?s WHERE { ?s ?p ?o }", ["s"])
    with pytest.raises(QueryError):
        loaded.select_text("ASK { ?s ?p ?o }", ["s"])


def test_bad_iri_is_refused():
    with pytest.raises(ValueError):
        nt_term(URIRef("http://x/a> } ; DROP ALL ; INSERT DATA { <http://x/b"))
    with pytest.raises(ValueError):
        OxigraphStore(None).replace_graph(G1, [(URIRef("http://x/a> <http://x/b"), ATLAS.p, Literal("x"))])
    assert nt_term(Literal('a"b\n', lang="fr")) == '"a\\"b\\n"@fr'


# -- store-specific ------------------------------------------------------------------------


def test_oxigraph_persists_across_reopen(tmp_path):
    path = str(tmp_path / "db")
    first = OxigraphStore(path)
    first.replace_graph(G1, R1)
    first.close()
    again = OxigraphStore(path)
    assert again.graph_names() == {G1}
    assert len(again.select("SELECT * WHERE { ?s ?p ?o }")) == len(R1)
    again.close()
    read_only = open_store(f"oxigraph:{path}", read_only=True)
    assert read_only.ask(PREFIXES + "ASK { project:r1 ?p ?o }")
    with pytest.raises(StoreError):
        read_only.drop_graph(G1)
    read_only.close()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib 7.6 Dataset.parse
def test_oxigraph_load_quads_and_dump():
    s = OxigraphStore(None)
    s.load_quads([(*t, G1) for t in R1 + ACTOR] + [(*t, G2) for t in R2 + ACTOR])
    assert s.graph_names() == {G1, G2}
    ds = Dataset().parse(data=s.dump("application/trig"), format="trig")
    assert len(ds.graph(G2)) == len(R2) + 1
    assert len(Dataset().parse(data=s.dump("application/n-quads"), format="nquads").graph(G1)) == len(R1) + 1
    union = Graph().parse(data=s.dump("text/turtle"), format="turtle")
    assert set(union) == set(R1 + R2 + ACTOR)  # the actor triple of both graphs, once
    with pytest.raises(ValueError):
        s.dump("text/html")


def test_open_store_forms(tmp_path, monkeypatch):
    assert isinstance(open_store("memory"), MemoryStore)
    assert isinstance(open_store("oxigraph:"), OxigraphStore)
    assert isinstance(open_store(f"oxigraph:{tmp_path / 'x'}"), OxigraphStore)
    monkeypatch.setenv("ATLAS_GRAPH_UPDATE_URL", "http://127.0.0.1:1/update")
    remote = open_store("http://127.0.0.1:1/query")
    assert isinstance(remote, RemoteStore) and remote.update_url == "http://127.0.0.1:1/update"
    with pytest.raises(StoreError, match="bolt://x"):
        open_store("bolt://x")


def test_credentials(tmp_path):
    assert credentials_from_env({"ATLAS_GRAPH_STORE_TOKEN": "t"}) == "t"
    env = {"ATLAS_GRAPH_STORE_USER": "u", "ATLAS_GRAPH_STORE_PASSWORD": "p"}
    assert credentials_from_env(env) == ("u", "p")
    file = tmp_path / "creds"
    file.write_text("ATLAS_GRAPH_STORE_USER=a\nATLAS_GRAPH_STORE_PASSWORD=b\n")
    assert credentials_from_file(file) == ("a", "b")
    assert credentials_from_env({"ATLAS_GRAPH_STORE_CREDENTIALS": str(file)}) == ("a", "b")
    assert credentials_from_env({}) is None
