"""The named queries over HTTP (/api/queries): Flask's test client on the seed + fixtures.

Input: the bundled record and tests/fixtures/records in an in-memory store. Output: assertions
that the answers equal ``run_named_query`` / the CLI's CSV, and on errors and caching.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from atlas_graph.cli import main
from atlas_graph.output import render_table
from atlas_graph.queries import registry, run_named_query
from atlas_graph.sources import default_sources, open_sources
from atlas_graph.web import create_app, query_pool
from atlas_graph.web.config import WebConfig

FIXTURES = Path(__file__).parent / "fixtures" / "records"
TOKEN = "t0ken"


@pytest.fixture(scope="module")
def store():
    store, _ = open_sources([*default_sources(), FIXTURES])
    return store


@pytest.fixture(scope="module")
def app(store):
    app = create_app(WebConfig(store=store, query_workers=2, enable_update=True, update_token=TOKEN))
    yield app
    query_pool(app).close()


@pytest.fixture
def client(app):
    return app.test_client()


def test_list_names_every_query_with_parameters_and_columns(client):
    response = client.get("/api/queries")
    assert response.status_code == 200
    listed = {q["name"]: q for q in response.get_json()["queries"]}
    assert set(listed) == set(registry())
    network = listed["network"]
    assert network["columns"] == ["source", "target", "project", "hop"]
    hops = next(p for p in network["parameters"] if p["name"] == "hops")
    assert hops == {"name": "hops", "kind": "integer", "required": False, "default": "2", "minimum": 1,
                    "maximum": 3, "description": "how far to go"}
    assert network["url"] == "/api/queries/network"


def test_json_answer_is_run_named_query(client, store):
    response = client.get("/api/queries/partners", query_string={"collectivity": "Evry"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    expected = run_named_query(store, "partners", {"collectivity": "Evry"})
    body = response.get_json()
    assert body["columns"] == list(expected.columns)
    assert [tuple(r[c] for c in body["columns"]) for r in body["rows"]] == expected.rows
    assert expected.rows  # Evry has partners
    assert response.get_data(as_text=True) == render_table(expected, "json")


@pytest.mark.parametrize("url, headers", [
    ("/api/queries/partners.csv?collectivity=Evry", {}),
    ("/api/queries/partners?collectivity=Evry", {"Accept": "text/csv"}),
])
def test_csv_answer_is_the_cli_csv(client, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    cli = CliRunner().invoke(main, ["query", "partners", "--param", "collectivity=Evry", "--format", "csv",
                                    "--graph", str(default_sources()[0]), "--graph", str(FIXTURES)])
    assert cli.exit_code == 0, cli.output
    assert response.get_data(as_text=True) == cli.stdout
    header = next(csv.reader(io.StringIO(cli.stdout)))
    assert header == ["partner", "partner_country", "project", "role"]


def test_tsv_and_defaults(client, store):
    response = client.get("/api/queries/network.tsv?collectivity=Evry")
    assert response.mimetype == "text/tab-separated-values"
    expected = run_named_query(store, "network", {"collectivity": "Evry", "hops": "2"})
    assert response.get_data(as_text=True) == render_table(expected, "tsv")
    assert client.get("/api/queries/funder-totals").get_json()["rows"]


def test_unknown_query_is_404(client):
    response = client.get("/api/queries/nope")
    assert response.status_code == 404
    assert "partners" in response.get_json()["message"]
    assert client.get("/api/queries/nope.csv").status_code == 404


def test_unknown_value_is_400_with_suggestions(client):
    response = client.get("/api/queries/partners", query_string={"collectivity": "Evri"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "collectivity" and body["value"] == "Evri"
    assert "Evry" in body["suggestions"]
    assert "Evri" in body["message"]


@pytest.mark.parametrize("query", ["collectivity=Evry&colour=red", "", "collectivity=Evry&hops=9"])
def test_bad_parameters_are_400(client, query):
    response = client.get(f"/api/queries/network?{query}")
    assert response.status_code == 400
    assert response.get_json()["message"]
    assert response.get_json()["suggestions"] == []


def test_resolver_is_cached_and_forgotten_after_an_update(app, client):
    from atlas_graph.web.cache import _state

    client.get("/api/queries/partners?collectivity=Evry")
    resolver = _state(app).values["resolver"]
    client.get("/api/queries/partners?collectivity=Evry")
    assert _state(app).values["resolver"] is resolver
    update = ('INSERT DATA { GRAPH <https://w3id.org/atlas-coop/graph/test> { '
              '<https://w3id.org/atlas-coop/id/collectivity/fr/zzz> '
              'a <https://w3id.org/atlas-coop/ontology#FrenchLocalAuthority> ; '
              '<http://www.w3.org/2004/02/skos/core#prefLabel> "Zzzville"@fr } }')
    response = client.post("/sparql", data=update, content_type="application/sparql-update",
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204
    assert "resolver" not in _state(app).values
    found = client.get("/api/queries/partners?collectivity=Zzzville")
    assert found.status_code == 200, found.get_data(as_text=True)
    client.post("/sparql", data="DROP GRAPH <https://w3id.org/atlas-coop/graph/test>",
                content_type="application/sparql-update", headers={"Authorization": f"Bearer {TOKEN}"})
    assert json.loads(client.get("/api/queries/partners?collectivity=Zzzville").data)["status"] == 400


def test_answers_carry_validators(client):
    etag = client.get("/api/queries/partners", query_string={"collectivity": "Evry"}).headers["ETag"]
    condition = {"If-None-Match": etag}
    again = client.get("/api/queries/partners", query_string={"collectivity": "Evry"}, headers=condition)
    assert again.status_code == 304 and again.data == b""
    csv = client.get("/api/queries/partners.csv", query_string={"collectivity": "Evry"}, headers=condition)
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and csv.headers["ETag"] != etag
    other = client.get("/api/queries/partners", query_string={"collectivity": "Dakar"},
                       headers=condition)
    assert other.status_code == 200 and other.headers["ETag"] != etag
