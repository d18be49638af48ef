"""Tests of the SHACL validation library (``atlas_graph.validate``, ``atlas_graph.report``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.namespace import SH

from atlas_graph.build import build
from atlas_graph.report import short
from atlas_graph.validate import (
    ValidationInputError,
    load_shapes,
    validate_build,
    validate_dataset,
    validate_files,
    validate_record,
)

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "tests" / "fixtures" / "shapes"
BAD = ROOT / "tests" / "fixtures" / "bad"

#: failing fixture -> (severity, shape, path) that must be among its results.
EXPECTED = {
    "no-title": ("Violation", "shape:Partnership-title", "dcterms:title"),
    "two-start-years": ("Violation", "shape:Partnership-startYear", "atlas:startYear"),
    "start-year-implausible": ("Warning", "shape:Partnership-startYearPlausible", "atlas:startYear"),
    "no-status": ("Violation", "shape:Partnership-status", "atlas:status"),
    "status-not-in-scheme": ("Violation", "shape:Partnership-statusScheme", "atlas:status/skos:inScheme"),
    "no-form": ("Violation", "shape:Partnership-form", "atlas:partnershipForm"),
    "no-french-partner": ("Violation", "shape:Partnership-frenchPartner", "atlas:frenchPartner"),
    "no-foreign-partner": ("Violation", "shape:Partnership-foreignPartner", "atlas:foreignPartner"),
    "main-theme-not-in-scheme": ("Violation", "shape:Partnership-mainThemeScheme", "atlas:mainTheme/skos:inScheme"),
    "end-before-start": ("Violation", "shape:Partnership-endBeforeStart", "atlas:endDate"),
    "signature-after-end": ("Violation", "shape:Partnership-signatureAfterEnd", "atlas:firstSignatureYear"),
    "ended-without-end-date": ("Warning", "shape:Partnership-endedWithoutEndDate", "atlas:status"),
    "no-objective": ("Info", "shape:Partnership-description", "atlas:objective|dcterms:description"),
    "negative-amount": ("Violation", "shape:FundingLine-amount", "schema:amount"),
    "amount-not-decimal": ("Violation", "shape:FundingLine-amount", "schema:amount"),
    "funding-year-implausible": ("Violation", "shape:FundingLine-year", "atlas:fundingYear"),
    "no-funder": ("Violation", "shape:FundingLine-funder", "schema:funder|atlas:unidentifiedFunder"),
    "no-funded-item": ("Violation", "shape:FundingLine-project", "schema:fundedItem"),
    "french-country-not-fr": ("Violation", "shape:FrenchLocalAuthority", "atlas:country"),
    "foreign-country-fr": ("Violation", "shape:ForeignLocalAuthority", "atlas:country"),
    "foreign-no-country": ("Violation", "shape:ForeignLocalAuthority", "atlas:country"),
    "actor-two-labels": ("Violation", "shape:Actor-prefLabel", "skos:prefLabel"),
    "malformed-email": ("Violation", "shape:Person-mbox", "foaf:mbox"),
    "person-no-name": ("Violation", "shape:Person-name", "foaf:name"),
    "membership-no-member": ("Violation", "shape:Membership", "org:member"),
    "theme-chain-broken": ("Violation", "shape:Concept-themeChain", "skos:broader"),
    "same-french-name": ("Warning", "shape:FrenchLocalAuthority-sameName", "skos:prefLabel"),
    "source-bad-digest": ("Violation", "shape:SourceDocument", "atlas:sha256"),
    "volunteer-no-person": ("Violation", "shape:VolunteerAssignment", "atlas:volunteer"),
    "theme-row-no-text": ("Violation", "shape:ThemeAssignment", "atlas:rawText"),
    "post-suspicious-name": ("Warning", "shape:EmbassyPost", "skos:prefLabel"),
}


def test_every_failing_fixture_is_expected() -> None:
    assert {p.stem.removeprefix("fail_") for p in SHAPES.glob("fail_*.ttl")} == set(EXPECTED)


def test_the_passing_fixture_conforms_without_any_result() -> None:
    report = validate_files([SHAPES / "valid.ttl"])
    assert report.conforms and report.findings == []


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_each_failing_fixture_fails_the_right_shape_and_path(stem: str) -> None:
    report = validate_files([SHAPES / f"fail_{stem}.ttl"])
    got = {(f.severity, short(f.shape), short(f.path)) for f in report.findings}
    assert EXPECTED[stem] in got
    assert report.conforms == (EXPECTED[stem][0] != "Violation")


def test_every_shape_has_french_and_english_messages() -> None:
    shapes = load_shapes("atlas.shapes.ttl") + load_shapes("corpus.shapes.ttl")
    constraints = set(shapes.subjects(SH.path, None)) | set(shapes.objects(None, SH.sparql))
    constraints |= {s for s in shapes.subjects(SH.targetClass, None) if shapes.value(s, SH.message) is not None}
    assert len(constraints) > 30
    for node in constraints:
        langs = {m.language for m in shapes.objects(node, SH.message)}
        assert {"fr", "en"} <= langs, node


def test_messages_in_both_languages_and_substituted_values() -> None:
    report = validate_files([SHAPES / "fail_end-before-start.ttl"])
    (finding,) = [f for f in report.findings if f.shape.endswith("endBeforeStart")]
    assert finding.value == "2009-06-30" and finding.label == "Jumelage entre Morvaneuil et Tanléga"
    assert finding.message("en") == "The end date 2009-06-30 is before the start year 2010."
    assert finding.message("fr") == "La date de fin 2009-06-30 précède l'année de début 2010."


def test_duplicate_french_name_warning_names_both_collectivities() -> None:
    report = validate_files([SHAPES / "fail_same-french-name.ttl"])
    text = report.to_text("en")
    assert "collectivity/fr/morvaneuil" in text and "collectivity/fr/ville-de-morvaneuil" in text
    assert report.conforms  # a warning only


@pytest.fixture(scope="module")
def bad_report():  # type: ignore[no-untyped-def]
    return validate_build(build([BAD]), workers=1)


@pytest.mark.parametrize(("name", "shape", "value"), [
    ("005_end-date-31-02.txt", "shape:Build", "31/02/2012"),
    ("006_unknown-country.txt", "shape:Build", "Secteur de Cacheu-Guinée Zorbanie"),
    ("007_negative-funding.txt", "shape:FundingLine-amount", "-500"),
    ("008_malformed-email.txt", "shape:Person-mbox", "mailto:jean.dupont@"),
    ("009_empty-foreign-partners.txt", "shape:Partnership-foreignPartner", ""),
    ("010_end-before-start.txt", "shape:Partnership-endBeforeStart", "2013-12-31"),
])
def test_bad_records_give_violations_naming_file_and_value(bad_report, name: str, shape: str, value: str) -> None:  # type: ignore[no-untyped-def]
    found = [f for f in bad_report.findings if f.file == str(BAD / name) and f.severity == "Violation"]
    assert any(short(f.shape) == shape and f.value == value and f.focus for f in found), found


def test_json_and_turtle_reports(bad_report) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(bad_report.to_json("fr"))
    assert data["conforms"] is False and data["counts"]["Violation"] >= 6
    first = data["results"][0]
    assert set(first) >= {"file", "focus", "label", "path", "value", "severity", "message", "shape"}
    graph = Graph().parse(data=bad_report.to_turtle(), format="turtle")
    assert len(list(graph.subjects(None, SH.ValidationResult))) == len(bad_report.findings)


def test_good_records_and_seed_conform() -> None:
    for source in (ROOT / "data" / "records", ROOT / "tests" / "fixtures" / "records"):
        report = validate_build(build([source]), workers=1)
        assert report.conforms, report.to_text()


def test_parallel_run_gives_the_same_report_as_a_serial_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import atlas_graph.validate as v

    result = build([BAD, ROOT / "tests" / "fixtures" / "records"])
    monkeypatch.setattr(v, "_SERIAL_BELOW", 0)
    monkeypatch.setattr(v, "_RECORDS_PER_TASK", 3)
    assert validate_dataset(result.graphs, workers=2).findings == validate_dataset(result.graphs, workers=1).findings


def test_one_record_is_revalidated_alone() -> None:
    result = build([BAD / "007_negative-funding.txt", ROOT / "tests" / "fixtures" / "records"])
    report = validate_record(result.graphs, "007-negative-funding")
    assert [short(f.shape) for f in report.findings if f.severity == "Violation"] == ["shape:FundingLine-amount"]
    with pytest.raises(KeyError):
        validate_record(result.graphs, "no-such-record")


def test_unreadable_rdf_and_shapes_raise_input_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    with pytest.raises(ValidationInputError, match="not valid RDF"):
        validate_files([bad])
    monkeypatch.setenv("ATLAS_GRAPH_SHAPES", str(tmp_path))
    load_shapes.cache_clear()
    try:
        with pytest.raises(ValidationInputError, match="shapes file not found"):
            load_shapes("atlas.shapes.ttl")
    finally:
        load_shapes.cache_clear()


def test_validation_gives_the_same_answers_on_every_store(store) -> None:
    from atlas_graph.sources import load_build
    from atlas_graph.validate import validate_store

    result = build([BAD / "007_negative-funding.txt", ROOT / "data" / "records"])
    load_build(store, result)
    expected = {(short(f.shape), str(f.focus), f.severity) for f in validate_build(result).findings}
    found = {(short(f.shape), str(f.focus), f.severity) for f in validate_store(store).findings}
    assert ("shape:FundingLine-amount", "https://w3id.org/atlas-coop/id/project/007-negative-funding/funding/3",
            "Violation") in found
    assert found == expected


# -- the ways validation is made fast must not change what it finds ---------------------------
ID = "https://w3id.org/atlas-coop/id/"
VALID = (SHAPES / "valid.ttl").read_text()


def _validate_turtle(tmp_path: Path, extra: str) -> list:  # type: ignore[type-arg]
    path = tmp_path / "data.ttl"
    path.write_text(VALID + "\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    "@prefix ex: <https://example.org/> .\n" + extra)
    return validate_files([path]).findings


def test_nested_shapes_report_each_failing_value_among_many(tmp_path: Path) -> None:
    # sh:not, sh:node and sh:property shapes are checked once for all their value nodes: each
    # result must still be the one of its own node
    authorities = "".join(
        f'<{ID}collectivity/{iri}> a org:Organization , {types} ; skos:prefLabel "{name}"@fr ;'
        f" atlas:country country:{country} .\n"
        for iri, types, name, country in [
            ("fr/both", "atlas:FrenchLocalAuthority , atlas:ForeignLocalAuthority", "Bivilliers", "FRA"),
            ("fr/fine", "atlas:FrenchLocalAuthority", "Bonneval-Test", "FRA"),
            ("bf/in-france", "atlas:ForeignLocalAuthority", "Commune de Kaya-Test", "FRA"),
            ("bf/unknown-country", "atlas:ForeignLocalAuthority", "Commune de Zorba", "ZZZ"),
            ("bf/fine", "atlas:ForeignLocalAuthority", "Commune de Réo-Test", "BFA"),
        ])
    found = {(short(f.shape), "/".join(f.focus.rsplit("/", 2)[-2:])) for f in _validate_turtle(tmp_path, authorities)
             if f.severity == "Violation"}
    assert found == {("shape:FrenchLocalAuthority", "fr/both"), ("shape:ForeignLocalAuthority", "fr/both"),
                     ("shape:ForeignLocalAuthority", "bf/in-france"),
                     ("shape:ForeignLocalAuthority", "bf/unknown-country"), ("shape:Country", "country/ZZZ")}


def test_sparql_constraints_apply_to_partnerships_and_their_subclasses_only(tmp_path: Path) -> None:
    dates = 'atlas:startYear "2010"^^xsd:gYear ; atlas:endDate "2009-01-01"^^xsd:date .'
    findings = _validate_turtle(tmp_path, f"ex:Twinning rdfs:subClassOf atlas:Partnership .\n"
                                          f"ex:p2 a ex:Twinning ; {dates}\nex:notAProject {dates}\n")
    ended = {f.focus for f in findings if f.shape.endswith("#Partnership-endBeforeStart")}
    assert ended == {"https://example.org/p2"}


def test_same_names_are_found_among_many_collectivities_without_changing_the_graph(tmp_path: Path) -> None:
    names = [f"Test-{chr(97 + i)}{chr(97 + j)}ville" for i in range(6) for j in range(6)]
    names += ["Ville de Saint-Éloi", "Saint Eloi", "Mairie d'Aubrac", "Aubrac"]
    extra = "".join(f'<{ID}collectivity/fr/n{i}> a atlas:FrenchLocalAuthority , org:Organization ;'
                    f' skos:prefLabel "{name}"@fr ; atlas:country country:FRA .\n' for i, name in enumerate(names))
    path = tmp_path / "data.ttl"
    path.write_text(VALID + extra)
    graph = Graph().parse(path)
    triples = set(graph)
    from atlas_graph.validate import validate_graph

    report = validate_graph(graph)
    assert set(graph) == triples  # the corpus rule's name keys went to a copy
    same = {(f.focus.rsplit("/", 1)[-1], f.value, f.message_en.split(" (")[0].rsplit("/", 1)[-1])
            for f in report.findings if f.shape.endswith("#FrenchLocalAuthority-sameName")}
    assert same == {("n36", "Ville de Saint-Éloi", "n37"), ("n37", "Saint Eloi", "n36"),
                    ("n38", "Mairie d'Aubrac", "n39"), ("n39", "Aubrac", "n38")}


def test_the_triple_index_answers_every_pattern_as_rdflib_does() -> None:
    from atlas_graph.shacl import IndexedGraph

    reference = Graph().parse(SHAPES / "valid.ttl")
    indexed = IndexedGraph()
    for triple in list(reference) + list(reference)[:10]:  # duplicates are added once
        indexed.add(triple)
    assert len(indexed) == len(reference)
    terms = [None, *sorted({t for triple in reference for t in triple}, key=str)[::7]]
    for s in terms:
        for p in [None, *sorted(set(reference.predicates()), key=str)]:
            for o in terms[:6]:
                assert set(indexed.triples((s, p, o))) == set(reference.triples((s, p, o))), (s, p, o)
            if s is not None and p is not None:
                assert set(indexed.objects(s, p)) == set(reference.objects(s, p))
                assert set(indexed.subjects(p, s)) == set(reference.subjects(p, s))
    indexed.remove((None, RDF.type, None))
    reference.remove((None, RDF.type, None))
    assert set(indexed) == set(reference) and len(indexed) == len(reference)
