"""Parse: record text -> Record, on the seed and the fictional fixtures."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from atlas_graph.parse import decode, parse_bytes, parse_file, parse_text
from atlas_graph.records import (
    EmbassyContact,
    ForeignPartner,
    FundingLine,
    Implementer,
    PartnerContact,
    RecordError,
    Volunteer,
)

from .helpers import BAD, SEED, fixture


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def test_seed_header_fields(seed):
    assert seed.record_id == "000-d788d1f748d878b4"
    assert seed.source_name == "000_d788d1f748d878b4.txt"
    assert len(seed.sha256) == 64
    assert seed.title.startswith("Renforcer l’institution municipale de la Commune V du District de Bamako")
    assert seed.title.endswith("avec les villes de Kayes et Dakar")
    assert seed.first_signature_year == 2010
    assert seed.themes == (
        "Politique, humanitaire et coopération transfrontalière",
        "Gouvernance locale et appui institutionnel",
        "Gouvernance et démocratie locales",
    )
    assert seed.other_theme_rows == ()
    assert seed.start_year == 2010
    assert seed.status == "Terminé"
    assert seed.end_date == dt.date(2012, 12, 31)
    assert seed.form == "Projet de coopération décentralisée"
    assert seed.triennial is False
    assert (seed.communication_in_france, seed.communication_in_partner_countries, seed.evaluation_policy) == (
        True, True, True)
    assert seed.volunteers == ()
    assert seed.problems == ()


def test_seed_embassy_post(seed):
    assert seed.post.name == "Ambassade de France à Bamako"
    assert seed.post.contacts == (
        EmbassyContact("Correspondant coopération décentralisée", "Sherazade", "BENALLA",
                       "sherazade.benalla@diplomatie.gouv.fr"),
        EmbassyContact("Conseiller de coopération et d'action culturelle", "Françoise", "GIANVITI",
                       "francoise.gianviti@diplomatie.gouv.fr"),
    )


def test_seed_prose_keeps_paragraphs(seed):
    assert seed.context.startswith("1/ La Communauté d’agglomération Evry Centre Essonne")
    assert "\n\n2/ La coopération décentralisée, levier de renforcement des capacités\n\n" in seed.context
    assert seed.context.rstrip().endswith("entre ces différentes collectivités")
    assert seed.history.startswith("La Communauté d’Agglomération Evry Centre Essonne mène depuis 1990")
    assert seed.objective.count("\n\n") == 3
    assert seed.description.startswith("Projet cofinancé par le MAEE en 2011\nDepuis 1990")
    assert "Enfin, les échanges de pratiques (action 2) viendront en complément de cette action." in seed.description
    assert seed.beneficiaries.startswith("Les bénéficiaires directs du projet sont les agents municipaux de Bamako")


def test_seed_actors(seed):
    assert seed.implementers == (
        Implementer("Association Coopération Développement Agglomération Nouvelle", "CDANE", "ML"),)
    assert seed.contracting_authorities == ("Communauté d'agglomération d'Evry Centre Essonne", "Ville d'Evry")
    assert seed.foreign_partners == (ForeignPartner("Commune V du District de Bamako", "ML", "Mali"),)
    assert seed.partner_contacts == (PartnerContact("Commune V du District de Bamako", "MAGASSOUBA", "Sidiki"),)
    assert seed.french_partners == ("Evry", "Communauté d'agglomération d'Evry Centre Essonne")


def test_seed_funding(seed):
    assert seed.funding == (
        FundingLine(("Ministère de l'Europe et des Affaires étrangères",), Decimal(27230), 2010),
        FundingLine(("Evry",), Decimal(8000), 2010, (Decimal(0),)),
        FundingLine(("Communauté d'agglomération d'Evry Centre Essonne",), Decimal(51600), 2010, (Decimal(0),)),
        FundingLine(("Ville de Dakar", "Commune V du District de Bamako", "District de Bamako",
                     "Commune Urbaine de Kayes"), Decimal(10200), 2010),
        FundingLine((), Decimal(8000), 2010, (), unidentified=True),
    )
    assert sum(line.amount for line in seed.funding) == Decimal(105030)


def test_multi_country_partners_and_contacts():
    record = parse_file(fixture("001"))
    assert [(p.name, p.country) for p in record.foreign_partners] == [
        ("Commune urbaine de Tanléga", "BF"),
        ("Commune de Sakassou-Lagune", "CI"),
        ("Comité populaire du district de Phuoc Lâm", "VN"),
        ("Ville de Kimbaka", "CD"),
        ("Région du Fleuve Niger", "ML"),
    ]
    contacts = {c.family_name: c for c in record.partner_contacts}
    assert contacts["OUÉDRAOGO-TEST"] == PartnerContact(
        "Commune urbaine de Tanléga", "OUÉDRAOGO-TEST", "Marie Claire", "Maire", "marie-claire.ouedraogo@example.org")
    assert contacts["LE GALL"].given_name == "Yann"
    assert contacts["LE GALL"].function == "Secrétaire général"
    assert contacts["KABORÉ"].function == "Chef de service technique de l'eau"
    assert contacts["KABORÉ"].email is None
    assert contacts["N'DIAYE"].partner == "Commune de Sakassou-Lagune"
    assert contacts["KOUAMÉ"] == PartnerContact(
        "Commune de Sakassou-Lagune", "KOUAMÉ", "Jean Baptiste", None, "jean-baptiste.kouame@example.org")
    assert contacts["NGUYEN"].given_name == "Thi Lan"
    assert contacts["MUKENDI WA TESTA"].function == "Président du conseil urbain"
    assert len(record.post.contacts) == 3


def test_joint_funders_water_law_and_other():
    record = parse_file(fixture("001"))
    by_year = {(line.year, line.amount): line for line in record.funding}
    assert by_year[(2016, Decimal(12000))].water_law_amounts == (Decimal(3000), Decimal(0))
    assert by_year[(2015, Decimal(8000))].water_law_amounts == (Decimal(2500), Decimal(1500), Decimal(500))
    joint = by_year[(2015, Decimal(10000))]
    assert joint.funders == ("Commune urbaine de Tanléga", "Commune de Sakassou-Lagune", "Région du Fleuve Niger")
    assert by_year[(2016, Decimal(4500))].unidentified and by_year[(2016, Decimal(4500))].funders == ()


def test_contracting_authorities_joined_by_et_la_et_le():
    record = parse_file(fixture("001"))
    assert record.contracting_authorities == (
        "Ville de Morvaneuil", "Communauté de communes du Val d'Orbec", "Conseil départemental de Saône-et-Loire")
    assert record.triennial is True


def test_volunteers_split_from_the_right():
    record = parse_file(fixture("001"))
    assert record.volunteers[0] == Volunteer(
        "TESTARD", "Lucie", "Suivi des forages et animation des comités d'usagers",
        "Environnement, climat et énergie", "Commune urbaine de Tanléga")


def test_en_cours_without_end_date_and_jumelage():
    record = parse_file(fixture("002"))
    assert record.status == "En cours"
    assert record.end_date is None
    assert record.form == "Jumelage"
    assert record.history is None
    assert record.implementers == ()


def test_record_without_embassy_post_and_empty_tables():
    record = parse_file(fixture("003"))
    assert record.post is None
    assert record.form == "Action ponctuelle"
    assert record.partner_contacts == ()
    assert record.funding == ()
    assert record.context is None
    assert not (record.communication_in_france or record.communication_in_partner_countries or record.evaluation_policy)


def test_other_encodings_and_line_ends_parse_to_the_same_record():
    plain = parse_file(fixture("002"))
    for variant in (fixture("006"), fixture("007")):
        other = parse_file(variant)
        assert dataclasses.replace(other, record_id=plain.record_id, source_name=plain.source_name,
                                   sha256=plain.sha256) == plain


def test_decode_accepts_bom_cp1252_and_crlf():
    assert decode("\ufeffTitre\r\nÉvry\r\n".encode(), "x") == "Titre\nÉvry\n"
    assert decode("Titre\r\nÉvry".encode("cp1252"), "x") == "Titre\nÉvry"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("001", "empty file"),
        ("002", "binary file"),
        ("003", "not an Atlas record"),
        ("004", "truncated"),
    ],
)
def test_unreadable_files_raise_record_error_naming_the_file(name, reason):
    (path,) = BAD.glob(f"{name}_*.txt")
    with pytest.raises(RecordError) as caught:
        parse_file(path)
    assert reason in caught.value.reason
    assert str(path) in str(caught.value)


def test_impossible_date_is_an_error_problem_naming_field_and_value():
    (path,) = BAD.glob("005_*.txt")
    record = parse_file(path)
    assert record.end_date is None
    (problem,) = [p for p in record.problems if p.severity == "error"]
    assert (problem.field, problem.value, problem.source) == ("end_date", "31/02/2012", str(path))


def test_unknown_country_is_an_error_problem():
    (path,) = BAD.glob("006_*.txt")
    record = parse_file(path)
    errors = [p for p in record.problems if p.severity == "error"]
    assert [(p.field, p.value) for p in errors] == [("foreign_partners", "Secteur de Cacheu-Guinée Zorbanie")]


def test_text_with_only_chrome_is_not_a_record():
    with pytest.raises(RecordError):
        parse_text("Accueil > ???menu.atlas.libelle???\nPIED DE PAGE\n", "chrome.txt")


def test_parse_bytes_hashes_the_bytes_as_given():
    data = SEED.read_bytes()
    import hashlib

    assert parse_bytes(data, "x.txt").sha256 == hashlib.sha256(data).hexdigest()
