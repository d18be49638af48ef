"""``load``: record files -> one named graph per record in a store, changed records only.

Run over the three stores (memory, Oxigraph on disk, a real ``oxigraph serve``); the store must
always equal a fresh build of its set of records (the ``graph/meta`` bookkeeping graph aside).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from atlas_graph import __version__
from atlas_graph.build import build
from atlas_graph.load import VersionMismatch, load
from atlas_graph.store_meta import STORE
from atlas_graph.stores import StoreError
from atlas_graph.stores.memory import MemoryStore
from atlas_graph.stores.oxigraph import OxigraphStore
from atlas_graph.stores.remote import RemoteStore

from .helpers import BAD, RECORDS, SEED, assert_isomorphic

BASE = "https://w3id.org/atlas-coop/"
META = URIRef(BASE + "graph/meta")
ACTORS = URIRef(BASE + "graph/actors")
NAMES = ["001", "002", "003", "005"]  # with the seed record: five records


def graph_of(rid: str) -> URIRef:
    return URIRef(BASE + "graph/" + rid)


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "records"
    target.mkdir()
    for name in NAMES:
        (path,) = RECORDS.glob(f"{name}_*.txt")
        shutil.copy(path, target)
    shutil.copy(SEED, target)
    return target


def rid_of(path: Path) -> str:
    from atlas_graph.parse import record_id

    return record_id(path.name)


def graphs(store) -> dict[URIRef, set]:
    """Named graph -> its triples, the meta graph left out."""
    found: dict[URIRef, set] = {}
    for s, p, o, g in store.quads():
        if g != META:
            found.setdefault(g, set()).add((s, p, o))
    return found


def assert_equals_fresh_build(store, folder: Path) -> None:
    built = build([folder]).dataset
    expected = {g.identifier: set(g) for g in built.graphs() if len(g)}
    actual = graphs(store)
    assert set(actual) == set(expected)
    union, fresh = Graph(), Graph()
    for triples in actual.values():
        for t in triples:
            union.add(t)
    for triples in expected.values():
        for t in triples:
            fresh.add(t)
    assert_isomorphic(fresh, union)
    for g, triples in expected.items():
        assert actual[g] == triples, g


def edit_title(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("Titre") + 1
    lines[at] = lines[at] + " (nouvelle version)"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_load_then_reload_changed_record(store, folder):
    report = load([folder], store)
    ids = sorted(rid_of(p) for p in folder.iterdir())
    assert report.added == ids and report.ok and not report.failed
    assert report.shared == ["actors", "vocabulary"]
    assert_equals_fresh_build(store, folder)
    before = graphs(store)

    again = load([folder], store)
    assert again.unchanged == ids and not again.added and not again.replaced and not again.shared

    changed = next(folder.glob("002_*.txt"))
    edit_title(changed)
    report = load([folder], store)
    assert report.replaced == [rid_of(changed)] and not report.added and not report.refreshed
    assert report.unchanged == [i for i in ids if i != rid_of(changed)]
    after = graphs(store)
    assert after[graph_of(rid_of(changed))] != before[graph_of(rid_of(changed))]
    for g, triples in before.items():
        if g != graph_of(rid_of(changed)):
            assert after[g] == triples, g
    assert_equals_fresh_build(store, folder)


def test_load_one_at_a_time_equals_fresh_build(store, folder, tmp_path):
    """The actors and vocabulary graphs (and any record graph) track the whole set of records."""
    seen = tmp_path / "seen"
    seen.mkdir()
    for path in sorted(folder.iterdir()):
        shutil.copy(path, seen)
        report = load([path], store)
        assert report.added == [rid_of(path)]
        assert_equals_fresh_build(store, seen)


def test_sync_removes_records_no_longer_present(store, folder):
    load([folder], store)
    gone = next(folder.glob("003_*.txt"))
    gone.unlink()
    report = load([folder], store)  # without --sync: kept
    assert not report.removed and graph_of(rid_of(gone)) in store.graph_names()
    report = load([folder], store, sync=True)
    assert report.removed == [rid_of(gone)]
    assert graph_of(rid_of(gone)) not in store.graph_names()
    assert_equals_fresh_build(store, folder)
    # a mistyped path never empties the store
    report = load([folder / "absent"], store, sync=True)
    assert not report.removed and report.failed[0].source.endswith("absent")
    assert_equals_fresh_build(store, folder)


def test_bad_record_among_good_ones(store, folder):
    bad = shutil.copy(BAD / "003_not-an-atlas-page.txt", folder)
    report = load([folder], store)
    assert [f.record_id for f in report.failed] == [rid_of(Path(bad))]
    assert "003_not-an-atlas-page.txt" in report.failed[0].source and not report.ok
    assert len(report.added) == 5
    Path(bad).unlink()
    assert_equals_fresh_build(store, folder)


def test_unreadable_new_version_keeps_the_old_graph(store, folder):
    load([folder], store)
    before = graphs(store)
    target = next(folder.glob("005_*.txt"))
    original = target.read_bytes()
    target.write_text("not an Atlas record at all\n", encoding="utf-8")
    report = load([folder], store, sync=True)
    assert [f.record_id for f in report.failed] == [rid_of(target)] and not report.removed
    assert graphs(store) == before
    target.write_bytes(original)
    assert_equals_fresh_build(store, folder)


def test_version_guard(store, folder):
    load([folder], store)
    store.update(f"DELETE WHERE {{ GRAPH <{META}> {{ <{META}> <{STORE.atlasGraphVersion}> ?v }} }} ;"
                 f'INSERT DATA {{ GRAPH <{META}> {{ <{META}> <{STORE.atlasGraphVersion}> "0.0.0-old" }} }}')
    with pytest.raises(VersionMismatch) as info:
        load([folder], store)
    assert "0.0.0-old" in str(info.value) and __version__ in str(info.value)
    assert "--replace-all" in str(info.value)
    report = load([folder], store, replace_all=True)
    assert len(report.added) == 5
    assert_equals_fresh_build(store, folder)
    with pytest.raises(StoreError, match="personal data"):
        load([folder], store, personal_data=False)


def test_unstamped_store_with_atlas_graphs_is_refused(folder):
    store = MemoryStore()
    store.replace_graph(ACTORS, [(URIRef(BASE + "id/x"), URIRef(BASE + "p"), URIRef(BASE + "id/y"))])
    with pytest.raises(VersionMismatch, match="no version stamp"):
        load([folder], store)


class FailingStore(MemoryStore):
    """Fails the writes of one graph: with StoreError, or with an exception that stops the load."""

    def __init__(self, graph: URIRef, error: Exception) -> None:
        super().__init__()
        self.failing: URIRef | None = graph
        self.error = error

    def replace_graph(self, graph, triples):
        if graph == self.failing:
            raise self.error
        super().replace_graph(graph, triples)


def test_write_failure_keeps_the_record_as_it_was(folder):
    changed = next(folder.glob("002_*.txt"))
    store = FailingStore(graph_of(rid_of(changed)), StoreError("disk full"))
    store.failing = None
    load([folder], store)
    before = graphs(store)
    original = changed.read_bytes()
    edit_title(changed)
    store.failing = graph_of(rid_of(changed))
    report = load([folder], store)
    assert [f.record_id for f in report.failed] == [rid_of(changed)] and "disk full" in report.failed[0].reason
    assert graphs(store) == before
    store.failing = None
    changed.write_bytes(original)
    assert load([folder], store).unchanged  # the stored file is still the old one
    assert_equals_fresh_build(store, folder)


def test_interrupted_load_is_repaired_by_the_next(folder):
    store = FailingStore(ACTORS, RuntimeError("killed"))
    store.failing = None
    load([folder], store)
    edit_title(next(folder.glob("001_*.txt")))
    shutil.copy(BAD.parent / "records" / "004_cote-divoire-en-cours-sections-manquantes.txt", folder)
    store.failing = ACTORS
    with pytest.raises(RuntimeError):
        load([folder], store)
    store.failing = None
    report = load([folder / "absent-so-nothing-is-given"], store)
    assert report.shared == ["actors"] or report.shared == ["actors", "vocabulary"]
    assert_equals_fresh_build(store, folder)


# -- the command line ------------------------------------------------------------------------


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas_graph.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_cli_load(folder, tmp_path):
    uri = f"oxigraph:{tmp_path / 'db'}"
    bad = shutil.copy(BAD / "001_empty.txt", folder)
    done = cli("load", str(folder), "--store", uri)
    assert done.returncode == 1, done.stderr
    assert "added 002-senegal-jumelage-en-cours" in done.stdout.splitlines()
    assert "failed 001-empty" in done.stdout and "001_empty.txt: empty file" in done.stderr
    assert "Traceback" not in done.stderr
    Path(bad).unlink()
    edit_title(next(folder.glob("003_*.txt")))
    done = cli("load", str(folder), "--store", uri, "--sync")
    assert done.returncode == 0, done.stderr
    assert "replaced 003-vietnam-no-embassy-action-ponctuelle" in done.stdout
    assert "1 replaced, 4 unchanged" in done.stderr
    store = OxigraphStore(str(tmp_path / "db"))
    store.update(f"DELETE WHERE {{ GRAPH <{META}> {{ <{META}> <{STORE.ontologyVersion}> ?v }} }} ;"
                 f'INSERT DATA {{ GRAPH <{META}> {{ <{META}> <{STORE.ontologyVersion}> "9.9" }} }}')
    store.close()
    done = cli("load", str(folder), "--store", uri)
    assert done.returncode == 2 and "ontology 9.9" in done.stderr and "--replace-all" in done.stderr
    assert cli("load", str(folder), "--store", uri, "--replace-all").returncode == 0


def test_cli_build_into_store(folder, tmp_path, oxigraph_server):
    oxigraph_server.clear()
    env = {"ATLAS_GRAPH_UPDATE_URL": oxigraph_server.update_url, "ATLAS_GRAPH_GSP_URL": oxigraph_server.store_url}
    out = tmp_path / "out.nq"
    done = cli("build", str(folder), "--store", oxigraph_server.query_url, "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0 and "5 added" in done.stderr
    store = RemoteStore(oxigraph_server.query_url, oxigraph_server.update_url, oxigraph_server.store_url)
    assert_equals_fresh_build(store, folder)
    next(folder.glob("005_*.txt")).unlink()
    done = cli("build", str(folder), "--store", oxigraph_server.query_url, env=env)  # no -o: store only
    assert done.returncode == 0 and "1 removed" in done.stderr
    assert_equals_fresh_build(store, folder)
    done = cli("build", str(folder))
    assert done.returncode == 2 and "--store" in done.stderr
