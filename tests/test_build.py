"""Build: record files -> dataset files; deterministic, readable back by rdflib and Oxigraph."""

import shutil

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from atlas_graph.build import FORMATS, build, serialize
from atlas_graph.namespaces import ATLAS

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
