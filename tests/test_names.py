"""Names: normalising, town prefixes, countries, joined names."""

import pytest

from atlas_graph import names


def test_fold_ignores_case_accents_apostrophes_and_spaces():
    assert names.fold("Ville  d’Évry") == names.fold("ville d'evry")
    assert names.fold("Œuvre") == "oeuvre"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Ville d'Évry", "evry"),
        ("Evry", "evry"),
        ("Commune de Bondoufle", "bondoufle"),
        ("Mairie de La Rochelle", "la rochelle"),
        ("Commune V du District de Bamako", "commune v du district de bamako"),
        ("Communauté d'agglomération d'Evry Centre Essonne", "communaute d'agglomeration d'evry centre essonne"),
        ("Ville de", "ville de"),
    ],
)
def test_french_key_drops_only_town_prefixes(written, key):
    assert names.french_key(written) == key


@pytest.mark.parametrize(
    ("row", "name", "alpha2"),
    [
        ("Commune V du District de Bamako Mali", "Commune V du District de Bamako", "ML"),
        ("Commune de Sakassou-Lagune Côte d'Ivoire", "Commune de Sakassou-Lagune", "CI"),
        ("Comité populaire du district de Phuoc Lâm Viêt Nam", "Comité populaire du district de Phuoc Lâm", "VN"),
        ("Ville de Kimbaka République démocratique du Congo", "Ville de Kimbaka", "CD"),
        ("Commune urbaine de Tanléga Burkina Faso", "Commune urbaine de Tanléga", "BF"),
        ("Chefferie du Bas-Fleuve Congo République démocratique du Congo", "Chefferie du Bas-Fleuve Congo", "CD"),
        ("Ville de Saint-Louis Sénégal", "Ville de Saint-Louis", "SN"),
    ],
)
def test_split_name_country_finds_multi_word_countries(row, name, alpha2):
    found = names.split_name_country(row)
    assert found is not None
    assert found[0] == name
    assert found[1].alpha2 == alpha2


def test_split_name_country_without_a_country():
    assert names.split_name_country("Secteur de Cacheu Zorbanie") is None
    assert names.split_name_country("Mali") is None  # nothing left for the name


def test_country_names_come_from_pycountry_in_french():
    assert names.country_by_name("Sénégal").alpha3 == "SEN"
    assert names.country_by_name("Corée du Sud").alpha2 == "KR"
    assert names.country_by_code("ml").name_fr == "Mali"


def test_split_joined_keeps_known_names_whole():
    known = names.KnownName({"Evry", "Communauté d'agglomération d'Evry Centre Essonne"})
    parts, all_known = names.split_joined("Communauté d'agglomération d'Evry Centre Essonne et la Ville d'Evry", known)
    assert parts == ["Communauté d'agglomération d'Evry Centre Essonne", "Ville d'Evry"]
    assert all_known


def test_split_joined_does_not_cut_a_name_holding_et():
    known = names.KnownName({"Ministère de l'Europe et des Affaires étrangères"})
    assert names.split_joined("Ministère de l'Europe et des Affaires étrangères", known) == (
        ["Ministère de l'Europe et des Affaires étrangères"], True)


def test_split_joined_unknown_names_split_only_on_strong_joins():
    unknown = names.KnownName(set())
    assert names.split_joined("Région Alpha et le Département Beta", unknown)[0] == ["Région Alpha", "Département Beta"]
    assert names.split_joined("Alpha et Beta", unknown)[0] == ["Alpha et Beta"]
    assert names.split_joined("Ville de Morvaneuil et La Liange", unknown)[0] == ["Ville de Morvaneuil et La Liange"]


def test_split_joined_with_plain_et_between_known_names():
    known = names.KnownName({"Morvaneuil", "Commune d'Ormeval"})
    assert names.split_joined("Morvaneuil et Commune d'Ormeval", known) == (["Morvaneuil", "Commune d'Ormeval"], True)


def test_slug_is_a_readable_iri_segment():
    assert names.slug("Ville d'Évry") == "ville-d-evry"
    assert names.slug("???") == "x"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Ville du Havre", "Le Havre"), ("Commune des Mureaux", "Les Mureaux"), ("Ville de La Rochelle", "La Rochelle")],
)
def test_town_prefix_gives_back_the_article(a, b):
    assert names.french_key(a) == names.french_key(b)
