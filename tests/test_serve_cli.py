"""``atlas-graph serve`` as a real process: SPARQLWrapper, rdflib's SPARQLStore, HTTP clients.

Input: the bundled record and tests/fixtures/records, served on a free port of 127.0.0.1.
Output: assertions on /sparql, /api/queries, a resource page, /data.ttl, updates with the
token file, --no-personal-data and the exit status 2 of bad invocations.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from atlas_graph.build import build
from atlas_graph.queries import run_named_query
from atlas_graph.rdf_files import serialize
from atlas_graph.sources import default_sources, open_sources
from tests.pages_data import expected_figures
from tests.web_server import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "records"
COMMAND = [sys.executable, "-m", "atlas_graph.cli", "serve"]
EVRY = "https://w3id.org/atlas-coop/id/collectivity/fr/evry"


@contextmanager
def serving(*args: str) -> Iterator[str]:
    """Run ``atlas-graph serve ARGS --port P``; yield its URL once it answers; kill it after."""
    port = free_port()
    process = subprocess.Popen([*COMMAND, *args, "--port", str(port), "--workers", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve exited with {process.returncode}: {process.stderr.read().decode()}")
            try:
                with urllib.request.urlopen(f"{url}/api/queries", timeout=2) as response:
                    response.read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail("serve did not answer within 30 s")
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        printed = process.stdout.read().decode()
        process.stdout.close()
        process.stderr.close()
    assert f"http://127.0.0.1:{port}/" in printed


def fetch(url: str, accept: str | None = None, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers={**({"Accept": accept} if accept else {}),
                                                               **(headers or {})})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.headers.get_content_type(), response.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    token = tmp_path_factory.mktemp("token") / "token.txt"
    token.write_text("s3cret\n")
    with serving(str(default_sources()[0]), str(FIXTURES), "--enable-update", "--token-file", str(token)) as url:
        yield url


def test_sparql_with_sparqlwrapper(server):
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(f"SELECT ?label WHERE {{ <{EVRY}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}")
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ["Evry"]


def test_rdflib_sparqlstore_reads_it(server):
    graph = Graph(store=SPARQLStore(f"{server}/sparql", returnFormat="json"))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/atlas-coop/ontology#Partnership> }"
    rows = list(graph.query(query))
    assert int(rows[0][0]) == len(list(FIXTURES.glob("*.txt"))) + 1
    assert (URIRef(EVRY), None, None) in graph


def test_named_query_csv(server):
    status, media_type, body = fetch(f"{server}/api/queries/partners.csv?collectivity=Evry")
    assert (status, media_type) == (200, "text/csv")
    store, _ = open_sources([*default_sources(), FIXTURES])
    table = run_named_query(store, "partners", {"collectivity": "Evry"})
    lines = body.decode().splitlines()
    assert lines[0] == ",".join(table.columns) and len(lines) == len(table.rows) + 1


def test_resource_page_and_dump(server):
    status, media_type, body = fetch(f"{server}/id/collectivity/fr/evry", accept="text/html")
    assert (status, media_type) == (200, "text/html") and b"<h1>Evry</h1>" in body
    status, media_type, body = fetch(f"{server}/data.ttl")
    assert (status, media_type) == (200, "text/turtle")
    assert body == serialize(build([*default_sources(), FIXTURES]).dataset, "turtle")


def test_update_needs_the_token_of_the_file(server):
    update = b"INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    headers = {"Content-Type": "application/sparql-update"}
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(f"{server}/sparql", data=update, headers={**headers, "Authorization": "Bearer wrong"})
    refused.value.close()
    assert refused.value.code == 403
    assert fetch(f"{server}/sparql", data=update, headers={**headers, "Authorization": "Bearer s3cret"})[0] == 204
    assert b"urn:a" in fetch(f"{server}/data.nt")[2]  # the dump cache was forgotten


def test_no_personal_data(tmp_path):
    with serving("--no-personal-data") as url:
        client = SPARQLWrapper(f"{url}/sparql")
        client.setQuery("SELECT * WHERE { ?s <http://xmlns.com/foaf/0.1/name>|<http://xmlns.com/foaf/0.1/mbox> ?o }")
        client.setReturnFormat(JSON)
        assert client.queryAndConvert()["results"]["bindings"] == []
        assert b"mailto:" not in fetch(f"{url}/data.nt")[2]


def figures_shown(html: str) -> dict[str, str]:
    """The home page's headline figures as it prints them (French: narrow no-break spaces)."""
    found = dict(re.findall(r'data-figure="(\w+)"><span class="figure">([^<]*)</span>', html))
    assert {"projects", "french", "foreign", "funders", "total"} <= set(found), found
    return found


def french(number: object) -> str:
    return f"{int(number):,}".replace(",", "\u202f")  # type: ignore[call-overload]


def test_home_page_figures_from_the_first_request(server):
    status, media_type, body = fetch(f"{server}/", accept="text/html")  # the figures started at start-up
    assert (status, media_type) == (200, "text/html")
    expected = expected_figures(build([*default_sources(), FIXTURES]).dataset)
    shown = figures_shown(body.decode())
    assert {name: shown[name] for name in ("projects", "french", "foreign", "funders")} == {
        name: french(expected[name]) for name in ("projects", "french", "foreign", "funders")}
    assert shown["total"] == f"{french(sum(expected['years'].values()))} €"


def test_update_before_the_first_request_is_in_the_home_page(tmp_path):
    token = tmp_path / "token.txt"
    token.write_text("s3cret\n")
    with serving("--enable-update", "--token-file", str(token)) as url:  # the bundled record: 1 project
        update = (b"INSERT DATA { GRAPH <urn:g> { <urn:p> a <https://w3id.org/atlas-coop/ontology#Partnership> } }")
        assert fetch(f"{url}/sparql", data=update, headers={"Content-Type": "application/sparql-update",
                                                            "Authorization": "Bearer s3cret"})[0] == 204
        assert figures_shown(fetch(f"{url}/", accept="text/html")[2].decode())["projects"] == "2"


def test_serve_imports_neither_flask_nor_validation_before_its_workers_start():
    """What ``serve`` imports before it forks its query workers and starts the home page's queries."""
    code = ("import sys, atlas_graph.cli, atlas_graph.web.config, atlas_graph.web.figures, atlas_graph.web.serve, "
            "atlas_graph.web.setup; print(sorted(m for m in ('flask', 'jinja2', 'pyshacl', 'atlas_graph.validate', "
            "'atlas_graph.web.app') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
    loaded = subprocess.run([sys.executable, "-c", "import sys, atlas_graph.web as w; w.create_app; "
                             "print('flask' in sys.modules)"], capture_output=True, text=True, timeout=60, check=True)
    assert loaded.stdout.strip() == "True"  # the app's names still come from atlas_graph.web


@pytest.mark.parametrize("args, message", [
    (["nowhere.txt"], "nowhere.txt"),
    (["--enable-update"], "--token-file"),
    (["--store", "bogus:x"], "bogus"),
])
def test_bad_input_exits_2_without_traceback(args, message):
    result = subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_updates_to_a_store_on_disk_are_kept(tmp_path):
    """``serve --store oxigraph:DIR --enable-update``: the serving process (a fork of the command)
    opens the store itself; what an update writes is answered at once and is in the store after
    the server stopped."""
    from atlas_graph.load import load
    from atlas_graph.stores.oxigraph import OxigraphStore

    path = str(tmp_path / "store")
    store = OxigraphStore(path)
    load(default_sources(), store)
    store.close()
    token = tmp_path / "token.txt"
    token.write_text("s3cret\n")
    update = "".join(f"INSERT DATA {{ GRAPH <urn:g> {{ <urn:a> <urn:b> {i} }} }} ;" for i in range(200))
    with serving("--store", f"oxigraph:{path}", "--enable-update", "--token-file", str(token)) as url:
        for _ in range(5):
            assert fetch(f"{url}/sparql", data=update.encode(), headers={
                "Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"})[0] == 204
        body = fetch(f"{url}/sparql?query=SELECT%20(COUNT(*)%20AS%20?n)%20WHERE%20%7B%20%3Curn:a%3E%20?p%20?o%20%7D",
                     accept="text/csv")[2]
        assert body.split() == [b"n", b"200"]
    reopened = OxigraphStore(path, read_only=True)
    assert len(reopened.select("SELECT ?o WHERE { GRAPH <urn:g> { <urn:a> <urn:b> ?o } }")) == 200
    assert len(reopened.select("SELECT ?p WHERE { ?p a <https://w3id.org/atlas-coop/ontology#Partnership> }")) == 1


def _tree(pid: int) -> set[int]:
    """``pid`` and its descendants alive now (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        found.add(todo[-1])
        todo += children.get(todo.pop(), [])
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_and_its_workers(sig):
    """SIGTERM (a service manager) or SIGINT (Ctrl-C) to the command stops it and every process
    it started (the serving process and the query workers), and frees the port."""
    port = free_port()
    process = subprocess.Popen([*COMMAND, "--port", str(port), "--workers", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/queries", timeout=2) as response:
                    response.read()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "serve did not answer within 30 s"
                time.sleep(0.1)
        started = _tree(process.pid)
        assert len(started) >= 4  # the command, the serving process, two query workers
        process.send_signal(sig)
        process.wait(timeout=20)
        deadline = time.monotonic() + 10
        while started & _tree(process.pid) - {process.pid} and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {pid for pid in started if Path(f"/proc/{pid}").exists()
                and "Z" not in (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[:1])}
        assert left == set()
        with socket.socket() as probe:  # fails while anything still listens on the port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
            probe.listen()
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
