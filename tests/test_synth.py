"""Tests of the synthetic Atlas generator (``atlas_graph.synth``)."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from atlas_graph.synth import french_country_names, write_synthetic_atlas
from atlas_graph.synth_data import THEME_PATHS, THEMES

SEED_RECORD = Path(__file__).resolve().parents[1] / "data" / "records" / "000_d788d1f748d878b4.txt"
LOUPE = " commun.ico.loupe.alter"

#: The section headers of the seed record, in their order (the embassy block is optional).
HEADERS = [
    "Atlas français de la coopération décentralisée et des autres actions extérieures",
    "Titre",
    "Année de première signature de la convention",
    "Thématique d'intervention",
    "Sous-thématique d'intervention",
    "Sous-sous-thématique d'intervention",
    "Autres thématiques mises en œuvre pour le partenariat",
    "Thématique éligible Sous-thématique Sous-sous-thématique Priorité",
    "<< < pagination.page.precedent 1 pagination.page.suivant > >>",
    "Année de début du partenariat",
    "Le partenariat est",
    "Date de fin du partenariat",
    "Contexte",
    "Historique",
    "Objectif du partenariat",
    "Description détaillée du partenariat",
    "Votre partenariat prend la forme d'un(e)",
    "Mise en œuvre du partenariat",
    "Maître(s) d'œuvre",
    "Maître(s) d'ouvrage",
    "Bénéficiaire(s)",
    "Partenaires étrangers du partenariat",
    "Nom de la collectivité étrangère Pays \u00a0",
    "Contacts dans les partenaires étrangers du partenariat",
    "Nom de la collectivité étrangère Nom Prénom Fonction Courriel",
    "Collectivités territoriales partenaires du partenariat",
    "Nom de la collectivité territoriale \u00a0",
    "Financement du partenariat",
    "Évaluations, communication et perspectives",
    "Volontaires impliqués dans le partenariat (VSI, service civique, etc.) d'Échange et de Solidarité",
    "Nom Prénom Mission Champs d'action Entité d'affectation",
    "PIED DE PAGE",
    "Tous droits réservés - Ministère de l'Europe et des Affaires étrangères 2013",
]


def in_order(lines: list[str], headers: list[str]) -> bool:
    """Whether ``headers`` occur as whole lines of ``lines``, in this order."""
    position = 0
    for header in headers:
        try:
            position = lines.index(header, position) + 1
        except ValueError:
            return False
    return True


def table_rows(text: str, header: str) -> list[str]:
    """The rows of the table whose header line is ``header`` (up to the next blank line)."""
    lines = text.split("\n")
    start = lines.index(header) + 1
    end = lines.index("", start)
    return lines[start:end]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_synthetic_atlas(tmp_path_factory.mktemp("synth"), 2000, seed=11)


def test_the_headers_are_those_of_the_seed() -> None:
    assert in_order(SEED_RECORD.read_text("utf-8").split("\n"), HEADERS)


def test_the_taxonomy_has_three_levels_of_the_expected_size() -> None:
    assert len(THEMES) == 8
    assert sum(len(subs) for subs in THEMES.values()) == 30
    assert len(THEME_PATHS) == 60


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = write_synthetic_atlas(tmp_path / "a", 60, seed=3)
    second = write_synthetic_atlas(tmp_path / "b", 60, seed=3)
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))


def test_different_seeds_give_different_files(tmp_path: Path) -> None:
    first = write_synthetic_atlas(tmp_path / "a", 20, seed=1)
    second = write_synthetic_atlas(tmp_path / "b", 20, seed=2)
    assert [p.name for p in first] != [p.name for p in second]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in second]


def test_n_files_are_written_with_atlas_names(tmp_path: Path) -> None:
    paths = write_synthetic_atlas(tmp_path, 37, seed=5)
    assert len(paths) == 37
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in paths]
    assert all(re.fullmatch(r"\d{6}_[0-9a-f]{16}\.txt", p.name) for p in paths)
    assert paths[0].name.startswith("000000_") and paths[-1].name.startswith("000036_")


def test_a_single_record_is_fine(tmp_path: Path) -> None:
    (path,) = write_synthetic_atlas(tmp_path, 1, seed=0)
    assert in_order(path.read_text("utf-8").split("\n"), HEADERS)


def test_every_file_has_the_seed_headers_in_order_and_its_format(corpus: list[Path]) -> None:
    for path in corpus:
        data = path.read_bytes()
        assert not data.endswith(b"\n") and b"\r" not in data, path.name
        assert in_order(data.decode("utf-8").split("\n"), HEADERS), path.name


def test_french_collectivities_are_skewed(corpus: list[Path]) -> None:
    counts: Counter[str] = Counter()
    for path in corpus:
        rows = table_rows(path.read_text("utf-8"), "Nom de la collectivité territoriale \u00a0")
        assert rows and all(row.endswith(LOUPE) for row in rows)
        names = {re.sub(r"^(Ville|Commune) d(e |')", "", row.removesuffix(LOUPE)) for row in rows}
        counts.update(names)
    # about 4,756 for 12,129 records, scaled
    assert 600 <= len(counts) <= 900
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] >= 10 * statistics.median(ranked)
    assert ranked[0] >= 30


def test_foreign_partners_are_in_at_least_100_countries(corpus: list[Path]) -> None:
    countries = sorted(set(french_country_names().values()), key=len, reverse=True)
    seen: Counter[str] = Counter()
    for path in corpus:
        rows = table_rows(path.read_text("utf-8"), "Nom de la collectivité étrangère Pays \u00a0")
        assert rows
        for row in rows:
            body = row.removesuffix(LOUPE)
            country = next(c for c in countries if body.endswith(" " + c))
            seen[country] += 1
    assert len(seen) >= 100


def test_short_french_country_names() -> None:
    names = french_country_names()
    assert names["BO"] == "Bolivie"
    assert names["CI"] == "Côte d'Ivoire"
    assert names["VN"] == "Viêt Nam"
    assert names["CD"] == "République démocratique du Congo"
    assert "FR" not in names
    assert len(set(names.values())) == len(names)


def test_the_parser_reads_200_synthetic_records_without_error(tmp_path: Path) -> None:
    from atlas_graph.parse import parse_file

    paths = write_synthetic_atlas(tmp_path, 200, seed=4)
    for path in paths:
        record = parse_file(path)
        errors = [str(p) for p in record.problems if p.severity == "error"]
        assert not errors, errors
        assert record.foreign_partners and record.french_partners
