"""The ontology (ontology/atlas.ttl) and the namespace module generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import DCTERMS, OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from atlas_graph import _generate_namespaces as generator
from atlas_graph.namespaces import ATLAS, COUNTRY

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "atlas.ttl"
NAMESPACES_MODULE = Path(__file__).resolve().parents[1] / "atlas_graph" / "namespaces.py"
ATLAS_NS = "https://w3id.org/atlas-coop/ontology#"
IATI_ROLE = Namespace("http://reference.iatistandard.org/codelists/OrganisationRole/")
TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}

# Every atlas: term named in docs/model.md, plus the atlas:participant super-property.
MODEL_TERMS = {
    "Partnership",
    "LocalAuthority",
    "FrenchLocalAuthority",
    "ForeignLocalAuthority",
    "EmbassyPost",
    "FundingLine",
    "ThemeAssignment",
    "VolunteerAssignment",
    "SourceDocument",
    "firstSignatureYear",
    "mainTheme",
    "themeAssignment",
    "startYear",
    "status",
    "endDate",
    "context",
    "history",
    "objective",
    "beneficiaries",
    "partnershipForm",
    "implementer",
    "contractingAuthority",
    "foreignPartner",
    "frenchPartner",
    "followedBy",
    "triennial",
    "communicationInFrance",
    "communicationInPartnerCountries",
    "evaluationPolicy",
    "volunteerAssignment",
    "unidentifiedFunder",
    "waterLawAmount",
    "fundingYear",
    "rowNumber",
    "theme",
    "priority",
    "rawText",
    "volunteer",
    "mission",
    "fieldOfAction",
    "assignedEntity",
    "country",
    "acronym",
    "isoAlpha2",
    "sha256",
    "participant",
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY, format="turtle")
    return graph


def atlas_subjects(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(unique=True) if isinstance(s, URIRef) and str(s).startswith(ATLAS_NS)}


def test_ontology_path_helper_points_at_the_file() -> None:
    assert generator.ontology_path() == ONTOLOGY
    assert ONTOLOGY.is_file()


def test_ontology_parses_and_has_its_header(ontology: Graph) -> None:
    assert len(ontology) > 0
    onto = URIRef("https://w3id.org/atlas-coop/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert (onto, OWL.versionInfo, Literal("0.1.0")) in ontology
    for prop in (DCTERMS.title, DCTERMS.description):
        langs = {o.language for o in ontology.objects(onto, prop) if isinstance(o, Literal)}
        assert {"fr", "en"} <= langs, prop
    assert ontology.value(onto, DCTERMS.license) is not None


def test_ontology_declares_exactly_the_model_terms(ontology: Graph) -> None:
    declared = {str(s)[len(ATLAS_NS) :] for s in atlas_subjects(ontology)}
    assert declared == MODEL_TERMS


def test_every_term_is_typed_and_labelled_in_french_and_english(ontology: Graph) -> None:
    problems = []
    for term in sorted(atlas_subjects(ontology)):
        types = sorted(str(t) for t in set(ontology.objects(term, RDF.type)) & TERM_TYPES)
        if len(types) != 1:
            problems.append(f"{term}: types {types}")
        for prop in (RDFS.label, RDFS.comment):
            langs = [o.language for o in ontology.objects(term, prop) if isinstance(o, Literal)]
            for lang in ("fr", "en"):
                if langs.count(lang) != 1:
                    problems.append(f"{term}: {langs.count(lang)} {prop} @{lang}")
    assert not problems, "\n".join(problems)


def test_atlas_objects_are_declared_terms(ontology: Graph) -> None:
    """No axiom points at an atlas: IRI the ontology does not declare (a typo in the ontology)."""
    declared = atlas_subjects(ontology)
    used = {o for o in ontology.objects() if isinstance(o, URIRef) and str(o).startswith(ATLAS_NS)}
    assert used <= declared, sorted(used - declared)


def test_namespaces_module_is_up_to_date() -> None:
    expected = generator.render(ONTOLOGY)
    actual = NAMESPACES_MODULE.read_text(encoding="utf-8")
    assert actual == expected, (
        "atlas_graph/namespaces.py is out of step with ontology/atlas.ttl; "
        "run: .venv/bin/python -m atlas_graph._generate_namespaces"
    )


def test_render_is_deterministic() -> None:
    assert generator.render(ONTOLOGY) == generator.render(ONTOLOGY)


def test_closed_namespace_knows_every_term(ontology: Graph) -> None:
    for term in atlas_subjects(ontology):
        assert getattr(ATLAS, str(term)[len(ATLAS_NS) :]) == term
    assert ATLAS.foreignPartner == URIRef(ATLAS_NS + "foreignPartner")
    assert COUNTRY.ML == URIRef("http://publications.europa.eu/resource/authority/country/ML")


def test_closed_namespace_raises_on_a_misspelt_term() -> None:
    with pytest.raises(AttributeError):
        ATLAS.foreignPartnr  # noqa: B018
    with pytest.raises(AttributeError):
        ATLAS["foreignPartnr"]


def test_iati_alignments(ontology: Graph) -> None:
    assert (ATLAS.implementer, RDFS.seeAlso, IATI_ROLE["4"]) in ontology
    assert (ATLAS.contractingAuthority, RDFS.seeAlso, IATI_ROLE["2"]) in ontology
    assert (ATLAS.FundingLine, RDFS.seeAlso, IATI_ROLE["1"]) in ontology


def test_participant_roles_and_standard_super_properties(ontology: Graph) -> None:
    for role in (ATLAS.implementer, ATLAS.contractingAuthority, ATLAS.foreignPartner, ATLAS.frenchPartner):
        assert (role, RDFS.subPropertyOf, ATLAS.participant) in ontology
    assert (ATLAS.country, RDFS.subPropertyOf, DCTERMS.spatial) in ontology
    assert (ATLAS.mainTheme, RDFS.subPropertyOf, DCTERMS.subject) in ontology
