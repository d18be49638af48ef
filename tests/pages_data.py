"""Data for the HTML page tests: the seed record and the fixture records, built once.

Input: ``data/records`` and ``tests/fixtures/records``. Output: ``seed_and_fixtures()`` -> the
``(store, build)`` of ``open_sources`` (an in-memory Oxigraph store), ``expected_figures(dataset)``
-> the home page's figures counted with plain rdflib (not SPARQL), and ``nquads_file(dir)`` -> the
dataset written as N-Quads (for ``tests/web_server.py``).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Dataset, Namespace
from rdflib.namespace import RDF

from atlas_graph.sources import open_sources
from tests.helpers import RECORDS, ROOT

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
SCHEMA = Namespace("https://schema.org/")
SOURCES = [ROOT / "data" / "records", RECORDS]


@cache
def seed_and_fixtures() -> tuple[Any, Any]:
    """The store and build of the seed + fixture records (built once per test session)."""
    return open_sources(SOURCES)


def expected_figures(dataset: Dataset) -> dict[str, Any]:
    """projects, french, foreign, funders, lines, years {year: Decimal total}, countries {iso: n}."""
    def typed(cls: Any) -> set:
        return {s for s, _, _, _ in dataset.quads((None, RDF.type, cls, None))}

    lines = typed(ATLAS.FundingLine)
    years: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        year = next((o for _, _, o, _ in dataset.quads((line, ATLAS.fundingYear, None, None))), None)
        amount = next((o for _, _, o, _ in dataset.quads((line, SCHEMA.amount, None, None))), None)
        if year is not None and amount is not None:
            years[str(year)] += Decimal(str(amount))
    countries: dict[str, int] = defaultdict(int)
    for actor in typed(ATLAS.ForeignLocalAuthority):
        country = next((o for _, _, o, _ in dataset.quads((actor, ATLAS.country, None, None))), None)
        iso = next((o for _, _, o, _ in dataset.quads((country, ATLAS.isoAlpha2, None, None))), None)
        countries[str(iso)] += 1
    funders = {o for line in lines for _, _, o, _ in dataset.quads((line, SCHEMA.funder, None, None))}
    return {"projects": len(typed(ATLAS.Partnership)), "french": len(typed(ATLAS.FrenchLocalAuthority)),
            "foreign": len(typed(ATLAS.ForeignLocalAuthority)), "funders": len(funders), "lines": len(lines),
            "years": dict(years), "countries": dict(countries)}


def nquads_file(folder: Path) -> Path:
    """The seed + fixtures dataset as an N-Quads file in ``folder`` (dumped by Oxigraph)."""
    import pyoxigraph as ox

    path = folder / "atlas.nq"
    seed_and_fixtures()[0].store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
    return path
