"""Build: record files -> dataset files; deterministic, readable back by rdflib and Oxigraph."""

import shutil

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from atlas_graph import build as build_module
from atlas_graph.build import build, write_build
from atlas_graph.namespaces import ATLAS
from atlas_graph.rdf_files import FORMATS, serialize, serialize_quads

from .helpers import BAD, RECORDS, SEED, assert_isomorphic

SOURCES = [SEED, RECORDS]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_input_gives_byte_identical_output(fmt):
    first = serialize(build(SOURCES).dataset, fmt)
    second = serialize(build(list(reversed(SOURCES))).dataset, fmt)
    assert first == second


def test_turtle_reads_back_identically_with_rdflib_and_oxigraph():
    result = build(SOURCES)
    data = serialize(result.dataset, "turtle")
    with_rdflib = Graph().parse(data=data, format="turtle")
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TURTLE)
    with_oxigraph = Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
                                  format="nt")
    assert len(with_rdflib) > 500
    assert_isomorphic(with_rdflib, with_oxigraph)


AWKWARD = [Literal('say "oui"\\ and\nthen\r\ttab'), Literal("Évry–Courcouronnes ‘’ 😀", lang="fr"),
           Literal("\x01\x7f control"), Literal("12.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
           URIRef("https://example.org/a%20b#é"), Literal("")]


@pytest.mark.parametrize("fmt", ["nquads", "nt"])
def test_line_formats_are_the_bytes_oxigraph_writes(fmt):
    """N-Quads and N-Triples are written line by line from the terms' N-Triples forms: the
    bytes must be those of Oxigraph's own serialiser, awkward literals included."""
    quads = list(build(SOURCES).quads())
    graph = URIRef("https://example.org/graph/awkward")
    quads += [(URIRef("https://example.org/s"), URIRef("https://example.org/p"), o, graph) for o in AWKWARD]
    ours = serialize_quads(reversed(quads), fmt)
    target = FORMATS[fmt]
    store = ox.Store()
    store.load(ours, format=target, to_graph=None if target.supports_datasets else ox.DefaultGraph())
    if target.supports_datasets:
        items = sorted(store, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    else:
        items = sorted((q.triple for q in store), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    assert ours == ox.serialize(items, format=target)
    assert len(items) == len({q if target.supports_datasets else q[:3] for q in quads})


@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib 7.6 warns about its own TriG parser
def test_trig_keeps_one_named_graph_per_record_in_both_readers():
    result = build(SOURCES)
    data = serialize(result.dataset, "trig")
    dataset = Dataset()
    dataset.parse(data=data, format="trig")
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TRIG)
    rdflib_graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    oxigraph_graphs = {g.value for g in store.named_graphs()}
    assert oxigraph_graphs == rdflib_graphs - {"urn:x-rdflib:default"}
    assert len(store) == sum(1 for _ in dataset.quads((None, None, None, None)))


def test_bad_files_are_reported_and_the_others_still_built():
    result = build([SEED, BAD])
    failed = {f.source.rsplit("/", 1)[-1]: f.reason for f in result.failed}
    assert set(failed) == {"001_empty.txt", "002_binary-png-header.txt", "003_not-an-atlas-page.txt",
                           "004_truncated-before-partners.txt"}
    assert not result.ok
    built = {r.source_name for r in result.records}
    assert "000_d788d1f748d878b4.txt" in built and "005_end-date-31-02.txt" in built
    errors = [p for p in result.problems if p.severity == "error"]
    assert {(p.field, p.value) for p in errors} >= {("end_date", "31/02/2012")}


def test_missing_source_is_reported_not_raised(tmp_path):
    result = build([tmp_path / "nope.txt", SEED])
    assert [f.reason for f in result.failed] == ["no such file or folder"]
    assert len(result.records) == 1


def test_encodings_and_line_ends_give_the_same_graph(tmp_path):
    graphs = []
    for variant in sorted(RECORDS.glob("00[267]_*.txt")):
        folder = tmp_path / variant.stem
        folder.mkdir()
        shutil.copy(variant, folder / "record.txt")
        graph = Graph()
        for s, p, o, _ in build([folder]).dataset.quads((None, None, None, None)):
            if p != ATLAS.sha256:  # the bytes differ, so their digest does
                graph.add((s, p, o))
        graphs.append(graph)
    assert len(graphs) == 3
    assert_isomorphic(graphs[0], graphs[1])
    assert_isomorphic(graphs[0], graphs[2])


def test_provenance_names_the_file_and_its_digest():
    result = build([SEED])
    source = URIRef("https://w3id.org/atlas-coop/id/source/000-d788d1f748d878b4")
    quads = {(p, o) for _, p, o, _ in result.dataset.quads((source, None, None, None))}
    assert (URIRef("http://purl.org/dc/terms/identifier"), Literal("000_d788d1f748d878b4.txt")) in quads
    assert (ATLAS.sha256, Literal(result.records[0].sha256)) in quads


def test_base_iri_setting_changes_every_minted_iri():
    result = build([SEED], base_iri="https://example.org/atlas/")
    subjects = {str(s) for s, _, _, _ in result.dataset.quads((None, None, None, None))}
    minted = {s for s in subjects if "publications.europa.eu" not in s}
    assert minted and all(s.startswith("https://example.org/atlas/") for s in minted)


@pytest.mark.parametrize("fmt", ["nquads", "turtle"])
@pytest.mark.parametrize("parallel_from", [1, 10_000])
def test_write_build_gives_the_bytes_and_report_of_build(fmt, parallel_from, monkeypatch):
    """``write_build`` maps and writes N-Quads in forked workers when there are many records
    (here forced from one record): same bytes, same problems, in the same order."""
    monkeypatch.setattr(build_module, "PARALLEL_FROM", parallel_from)
    data, report = write_build(SOURCES + [BAD], fmt)
    reference = build(SOURCES + [BAD])
    assert data == serialize_quads(reference.quads(), fmt)
    assert report.report_lines() == reference.report_lines()
    assert [r.record_id for r in report.records] == [r.record_id for r in reference.records]
    assert report.ok is reference.ok is False


def test_write_build_leaves_out_personal_data_like_build(monkeypatch):
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    data, _ = write_build(SOURCES, "nquads", personal_data=False)
    assert data == serialize_quads(build(SOURCES, personal_data=False).quads(), "nquads")
    assert b"http://xmlns.com/foaf/0.1/name" not in data
