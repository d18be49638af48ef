"""Mapping: a typed record -> triples, compared with hand-written Turtle."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from atlas_graph._generate_namespaces import ontology_path
from atlas_graph.build import build, map_records, to_dataset
from atlas_graph.namespaces import ATLAS
from atlas_graph.records import (
    EmbassyContact,
    EmbassyPost,
    ForeignPartner,
    FundingLine,
    PartnerContact,
    Record,
)
from atlas_graph.stores.oxigraph import to_ox

from .helpers import RECORDS, SEED, assert_isomorphic

BASE = "https://w3id.org/atlas-coop/"
PREFIXES = """
@prefix atlas: <https://w3id.org/atlas-coop/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
"""

SMALL = Record(
    record_id="r1",
    source_name="r1.txt",
    sha256="ab" * 32,
    title="Jumelage fictif",
    start_year=2019,
    status="En cours",
    end_date=dt.date(2021, 6, 30),
    themes=("Santé", "Accès aux soins"),
    form="Jumelage",
    french_partners=("Ville de Morvaneuil",),
    foreign_partners=(ForeignPartner("Commune de Tanléga", "BF", "Burkina Faso"),),
    partner_contacts=(PartnerContact("Commune de Tanléga", "TESTARD", "Jeanne", "Maire", "jeanne@example.org"),),
    funding=(
        FundingLine(("Morvaneuil", "Commune de Tanléga"), Decimal("1500.50"), 2020),
        FundingLine((), Decimal(700), 2021, (Decimal(100),), unidentified=True),
    ),
    post=EmbassyPost("Ambassade de France au Burkina Faso", (EmbassyContact("Attaché", "Paul", "FICTIF"),)),
)


def full_iris(turtle: str) -> str:
    """``id:project/r1`` -> ``<…/id/project/r1>`` (a slash is not allowed in a Turtle local name)."""
    return re.sub(r"\bid:([\w/-]+)", lambda m: f"<{BASE}id/{m[1]}>", turtle)


def graph_of(dataset: Dataset, name: str) -> Graph:
    found = Graph()
    for triple in dataset.graph(URIRef(BASE + name)):
        found.add(triple)
    return found


@pytest.fixture(scope="module")
def small():
    graphs, problems = map_records([SMALL])
    assert problems == []
    return to_dataset(graphs)


def test_record_graph_is_exactly_the_expected_triples(small):
    record_graph = graph_of(small, "graph/r1")
    read_here = sorted(record_graph.subjects(PROV.wasDerivedFrom, URIRef(BASE + "id/source/r1")))
    memberships = [m for m in read_here if "/membership/" in str(m)]
    assert len(memberships) == 2
    expected = Graph().parse(data=PREFIXES + full_iris(f"""
id:project/r1 a atlas:Partnership, schema:Project ;
    dcterms:title "Jumelage fictif"@fr ;
    prov:wasDerivedFrom id:source/r1 ;
    atlas:startYear "2019"^^xsd:gYear ;
    atlas:endDate "2021-06-30"^^xsd:date ;
    atlas:mainTheme id:theme/sante/acces-aux-soins ;
    atlas:status id:status/en-cours ;
    atlas:partnershipForm id:form/jumelage ;
    atlas:communicationInFrance false ;
    atlas:communicationInPartnerCountries false ;
    atlas:evaluationPolicy false ;
    atlas:frenchPartner id:collectivity/fr/morvaneuil ;
    atlas:foreignPartner id:collectivity/bf/commune-de-tanlega ;
    atlas:followedBy id:post/ambassade-de-france-au-burkina-faso .
<{memberships[0]}> prov:wasDerivedFrom id:source/r1 .
<{memberships[1]}> prov:wasDerivedFrom id:source/r1 .
id:source/r1 a atlas:SourceDocument ;
    dcterms:identifier "r1.txt" ;
    dcterms:format "text/plain" ;
    atlas:sha256 "{"ab" * 32}" .
id:project/r1/funding/1 a atlas:FundingLine, schema:MonetaryGrant ;
    schema:fundedItem id:project/r1 ;
    schema:amount "1500.5"^^xsd:decimal ;
    schema:currency "EUR" ;
    atlas:fundingYear "2020"^^xsd:gYear ;
    atlas:rowNumber 1 ;
    schema:funder id:collectivity/fr/morvaneuil, id:collectivity/bf/commune-de-tanlega .
id:project/r1/funding/2 a atlas:FundingLine, schema:MonetaryGrant ;
    schema:fundedItem id:project/r1 ;
    schema:amount "700"^^xsd:decimal ;
    schema:currency "EUR" ;
    atlas:fundingYear "2021"^^xsd:gYear ;
    atlas:rowNumber 2 ;
    atlas:waterLawAmount "100"^^xsd:decimal ;
    atlas:unidentifiedFunder true .
"""), format="turtle")
    assert_isomorphic(expected, record_graph)


def test_memberships_are_in_the_actors_graph_once(small):
    actors = graph_of(small, "graph/actors")
    memberships = set(actors.subjects(RDF.type, ORG.Membership))
    assert len(memberships) == 2
    roles = {actors.value(m, ORG.organization): actors.value(m, ORG.role) for m in memberships}
    assert roles == {
        URIRef(BASE + "id/post/ambassade-de-france-au-burkina-faso"): URIRef(BASE + "id/role/attache"),
        URIRef(BASE + "id/collectivity/bf/commune-de-tanlega"): URIRef(BASE + "id/role/maire"),
    }
    record_graph = graph_of(small, "graph/r1")
    assert not any(True for _ in record_graph.triples((None, ORG.member, None)))
    assert set(record_graph.subjects(PROV.wasDerivedFrom, None)) >= memberships  # where each was read


def test_actors_graph_holds_types_labels_countries_and_people(small):
    actors = graph_of(small, "graph/actors")
    morvaneuil = URIRef(BASE + "id/collectivity/fr/morvaneuil")
    assert actors.value(morvaneuil, SKOS.prefLabel) == Literal("Ville de Morvaneuil", lang="fr")
    assert set(actors.objects(morvaneuil, SKOS.altLabel)) == {Literal("Morvaneuil", lang="fr")}
    assert actors.value(morvaneuil, ATLAS.country) == URIRef("http://publications.europa.eu/resource/authority/country/FRA")
    assert (morvaneuil, RDF.type, ATLAS.FrenchLocalAuthority) in actors
    tanlega = URIRef(BASE + "id/collectivity/bf/commune-de-tanlega")
    assert (tanlega, RDF.type, ATLAS.ForeignLocalAuthority) in actors
    (jeanne,) = actors.subjects(URIRef("http://xmlns.com/foaf/0.1/mbox"), URIRef("mailto:jeanne@example.org"))
    assert str(actors.value(jeanne, URIRef("http://xmlns.com/foaf/0.1/name"))) == "Jeanne TESTARD"


def test_vocabulary_graph_has_schemes_broader_links_and_countries(small):
    vocabulary = graph_of(small, "graph/vocabulary")
    sub = URIRef(BASE + "id/theme/sante/acces-aux-soins")
    top = URIRef(BASE + "id/theme/sante")
    assert vocabulary.value(sub, SKOS.broader) == top
    assert (top, SKOS.topConceptOf, URIRef(BASE + "id/scheme/themes")) in vocabulary
    burkina = URIRef("http://publications.europa.eu/resource/authority/country/BFA")
    assert vocabulary.value(burkina, ATLAS.isoAlpha2) == Literal("BF")
    assert Literal("Burkina Faso", lang="fr") in set(vocabulary.objects(burkina, SKOS.prefLabel))


def test_without_personal_data_people_have_no_names_or_emails():
    dataset = to_dataset(map_records([SMALL], personal_data=False)[0])
    everything = {o for _, _, o, _ in dataset.quads((None, None, None, None))}
    assert not any("TESTARD" in str(o) or "example.org" in str(o) for o in everything)
    assert any(True for _ in dataset.quads((None, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person"), None)))


@pytest.fixture(scope="module")
def corpus():
    return build([SEED, RECORDS])


def test_no_blank_nodes_anywhere(corpus):
    for quad in corpus.dataset.quads((None, None, None, None)):
        assert not any(isinstance(term, BNode) for term in quad[:3]), quad


def test_each_record_is_its_own_named_graph(corpus):
    names = {str(g.identifier) for g in corpus.dataset.graphs() if len(g)}
    for record in corpus.records:
        assert f"{BASE}graph/{record.record_id}" in names
    assert {f"{BASE}graph/actors", f"{BASE}graph/vocabulary"} <= names


def test_every_atlas_term_used_is_declared_with_french_and_english_labels(corpus):
    ontology = Graph().parse(ontology_path())
    used = set()
    for _, p, o, _ in corpus.dataset.quads((None, None, None, None)):
        for term in (p, o if p == RDF.type else None):
            if term is not None and str(term).startswith(str(ATLAS._NS)):
                used.add(term)
    assert used
    for term in used:
        assert (term, RDF.type, None) in ontology, term
        languages = {label.language for label in ontology.objects(term, RDFS.label)}
        assert {"fr", "en"} <= languages, term
    assert (None, RDF.type, OWL.Ontology) in ontology


def test_amounts_years_and_dates_are_typed(corpus):
    for _, _, amount, _ in corpus.dataset.quads((None, URIRef("https://schema.org/amount"), None, None)):
        assert amount.datatype == URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    for _, _, year, _ in corpus.dataset.quads((None, ATLAS.startYear, None, None)):
        assert year.datatype == URIRef("http://www.w3.org/2001/XMLSchema#gYear")
    for _, _, title, _ in corpus.dataset.quads((None, URIRef("http://purl.org/dc/terms/title"), None, None)):
        assert title.language == "fr"


def test_other_themes_split_with_the_corpus_labels(corpus):
    assignments = list(corpus.dataset.quads((None, ATLAS.theme, None, None)))
    assert {str(o) for _, _, o, _ in assignments} >= {
        BASE + "id/theme/politique-humanitaire-et-cooperation-transfrontaliere/"
        "gouvernance-locale-et-appui-institutionnel/gouvernance-et-democratie-locales"}
    unsplit = [p for p in corpus.problems if p.field == "other_themes"]
    assert unsplit and all("without guessing" in p.message for p in unsplit)
    raw_rows = {str(o) for _, _, o, _ in corpus.dataset.quads((None, ATLAS.rawText, None, None))}
    assert {p.value for p in unsplit} <= raw_rows  # kept, never dropped


def test_term_lookups_stay_closed_and_equal_to_the_namespaces():
    """The mapper looks each term up once; an unknown name still fails as in ATLAS itself."""
    from atlas_graph.terms import RDFLIB, TEXT

    assert RDFLIB.ATLAS.Partnership == ATLAS.Partnership
    assert RDFLIB.ATLAS.Partnership is RDFLIB.ATLAS.Partnership
    assert RDFLIB.ORG.Membership == ORG.Membership
    assert TEXT.ORG.Membership == f"<{ORG.Membership}>"  # the N-Triples form
    with pytest.raises(AttributeError):
        RDFLIB.ATLAS.NoSuchTerm  # noqa: B018


def test_repeated_literals_keep_their_datatypes():
    """Row numbers, flags and codes are made once each: True and 1 stay distinct literals."""
    from atlas_graph.terms import RDFLIB

    assert RDFLIB.plain(True) == Literal(True) and RDFLIB.plain(1) == Literal(1)
    assert RDFLIB.plain(True).datatype != RDFLIB.plain(1).datatype
    assert RDFLIB.plain(1) is RDFLIB.plain(1)


def test_text_terms_are_the_n_triples_forms_oxigraph_writes_of_the_rdflib_terms():
    """N-Quads are written from the mapper's ``TEXT`` terms as they are: each must be Oxigraph's
    own form of the ``RDFLIB`` term made by the same call, awkward text included."""
    from atlas_graph.terms import RDFLIB, TEXT

    text = 'say "oui"\\ and\nthen\r\ttab \x01\x7f Évry–Courcouronnes 😀'
    calls = [("fr", text), ("literal", text), ("literal", "Morocco", "en"), ("decimal", Decimal("1500.50")),
             ("decimal", Decimal("2.7E+4")), ("year", 987), ("date", dt.date(2021, 6, 30)), ("plain", 7),
             ("plain", False), ("plain", "EUR"), ("iri", BASE + "id/a%20b#é")]
    for name, *args in calls:
        assert getattr(TEXT, name)(*args) == str(to_ox(getattr(RDFLIB, name)(*args))), name
    assert RDFLIB.decimal(Decimal("2.7E+4")) == Literal("27000", datatype=XSD.decimal)
    assert RDFLIB.year(987) == Literal("0987", datatype=XSD.gYear)
    with pytest.raises(ValueError):
        TEXT.iri("not an IRI")
