"""Identity: one node per actor, whatever record or table names it."""

from decimal import Decimal

import pytest

from atlas_graph.identity import FOREIGN, FRENCH, ORGANIZATION, PERSON, POST, ActorIndex, Minter
from atlas_graph.parse import parse_file
from atlas_graph.records import ForeignPartner, FundingLine, Record

from .helpers import RECORDS, SEED

BASE = "https://w3id.org/atlas-coop/"


def record(record_id: str, **fields) -> Record:
    return Record(record_id=record_id, source_name=f"{record_id}.txt", sha256="0" * 64, title=record_id, **fields)


@pytest.fixture(scope="module")
def corpus():
    records = [parse_file(SEED), *(parse_file(p) for p in sorted(RECORDS.glob("*.txt")))]
    return records, ActorIndex(records, Minter())


def by_label(index: ActorIndex, label: str):
    (actor,) = [a for a in index.actors.values() if a.kind != PERSON and a.label == label]
    return actor


def test_town_prefix_spellings_are_one_french_node(corpus):
    records, index = corpus
    evry = index.resolve("Ville d'Evry", records[0])
    assert evry is index.resolve("Evry", records[0])
    assert str(evry.iri) == f"{BASE}id/collectivity/fr/evry"
    assert evry.kind == FRENCH and evry.country == "FR"
    assert evry.label == "Evry"  # the partner-table name
    assert evry.alt_labels == ["Ville d'Evry"]


def test_same_collectivity_across_records_is_one_node_with_alt_labels(corpus):
    _, index = corpus
    ormeval = by_label(index, "Commune d'Ormeval")
    assert str(ormeval.iri) == f"{BASE}id/collectivity/fr/ormeval"
    assert ormeval.alt_labels == ["Ormeval", "Ville d'Ormeval"]


def test_commune_v_is_never_cut_and_funder_mentions_merge_with_the_partner(corpus):
    records, index = corpus
    seed = records[0]
    commune_v = index.resolve("Commune V du District de Bamako", seed)
    assert commune_v.kind == FOREIGN
    assert str(commune_v.iri) == f"{BASE}id/collectivity/ml/commune-v-du-district-de-bamako"
    assert index.resolve("Ville de Dakar", seed).kind == ORGANIZATION
    assert index.resolve("Ministère de l'Europe et des Affaires étrangères", seed).kind == ORGANIZATION


def test_implementer_keeps_acronym_and_country(corpus):
    records, index = corpus
    cdane = index.resolve("Association Coopération Développement Agglomération Nouvelle", records[0])
    assert cdane.acronyms == ["CDANE"]
    assert cdane.country == "ML"


def test_posts_match_on_their_name(corpus):
    _, index = corpus
    posts = [a for a in index.actors.values() if a.kind == POST]
    assert len({p.iri for p in posts}) == len(posts)
    assert f"{BASE}id/post/ambassade-de-france-a-bamako" in {str(p.iri) for p in posts}


def test_people_match_on_email_else_name_and_organisation():
    minter = Minter()
    index = ActorIndex([], minter)
    org_a, org_b = minter.iri("id", "post", "a"), minter.iri("id", "post", "b")
    one = index.person("Jeanne", "TESTARD", "jeanne@example.org", org_a)
    assert index.person("J.", "TESTARD", "Jeanne@Example.org", org_b) is one
    assert one.spellings == ["Jeanne TESTARD", "J. TESTARD"]
    no_mail_a = index.person("Paul", "FICTIF", None, org_a)
    assert index.person("Paul", "FICTIF", None, org_a) is no_mail_a
    assert index.person("Paul", "FICTIF", None, org_b) is not no_mail_a
    assert "jeanne" not in str(one.iri)  # no personal data in IRIs


def test_foreign_collectivities_match_on_name_and_country():
    a = record("a", foreign_partners=(ForeignPartner("Saint-Louis", "SN", "Sénégal"),))
    b = record("b", foreign_partners=(ForeignPartner("Saint-Louis", "US", "États-Unis"),))
    c = record("c", funding=(FundingLine(("Saint-Louis",), Decimal(1), 2020),))
    index = ActorIndex([a, b, c], Minter())
    iris = {str(x.iri) for x in index.actors.values() if x.kind == FOREIGN}
    assert iris == {f"{BASE}id/collectivity/sn/saint-louis", f"{BASE}id/collectivity/us/saint-louis"}
    # named without a country in a record where neither is a partner: ambiguous, kept apart, reported
    funder = index.resolve("Saint-Louis", c)
    assert funder.kind == ORGANIZATION
    assert any("ambiguous" in p.message and p.value == "Saint-Louis" for p in index.problems)


def test_iris_are_deterministic_and_under_the_base():
    records = [parse_file(SEED)]
    first = ActorIndex(records, Minter("https://example.org/atlas"))
    second = ActorIndex(records, Minter("https://example.org/atlas/"))
    assert sorted(first.actors) == sorted(second.actors)
    assert all(str(i).startswith("https://example.org/atlas/id/") for i in first.actors)
