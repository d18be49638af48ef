"""Named queries: every query of the registry, on the seed and on the fictional fixtures."""

from collections import defaultdict
from decimal import Decimal

import pytest
from rdflib import SKOS, Literal, Namespace, URIRef

from atlas_graph.build import build
from atlas_graph.queries import (
    Pairs,
    QueryUsageError,
    UnknownValue,
    bindings_for,
    member_variables,
    pair_rows,
    registry,
    run_named_query,
    walk,
)
from atlas_graph.queries import _parse_header as parse_header
from atlas_graph.queries.resolve import Resolver
from atlas_graph.sources import load_build
from atlas_graph.stores import open_store
from atlas_graph.stores.memory import inline_bindings

from .conftest import STORE_KINDS, open_test_store
from .helpers import RECORDS, SEED

ATLAS = Namespace("https://w3id.org/atlas-coop/ontology#")
ID = Namespace("https://w3id.org/atlas-coop/id/")

EXPECTED_COLUMNS = {
    "partners": ("partner", "partner_country", "project", "role"),
    "shared-partners": ("collectivity_a", "collectivity_b", "shared_partner", "shared_partner_country"),
    "project-funding": ("project", "total_eur", "lines"),
    "funder-totals": ("funder", "sole_eur", "joint_eur", "lines"),
    "contacts": ("organization", "role", "name", "email"),
    "projects-by-theme": ("project", "theme_path"),
    "network": ("source", "target", "project", "hop"),
}


def store_of(*sources):
    store = open_store("oxigraph:")
    load_build(store, build(list(sources)))
    return store


@pytest.fixture(scope="module")
def seed():
    return store_of(SEED)


@pytest.fixture(scope="module", params=STORE_KINDS)
def corpus(request, tmp_path_factory):
    """The seed and the fixtures (without the two re-encoded copies of 002, same content), on
    each of the three stores: the named queries give the same answers on all of them."""
    store = open_test_store(request.param, tmp_path_factory.mktemp(request.param), request)
    sources = [SEED, *(p for p in sorted(RECORDS.glob("*.txt")) if not p.name.startswith(("006", "007")))]
    load_build(store, build(sources))
    yield store
    store.close()


def rows(store, name, **params):
    table = run_named_query(store, name, {k: str(v) for k, v in params.items()})
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def test_registry_reads_every_header():
    queries = registry()
    assert {name: q.columns for name, q in queries.items()} == EXPECTED_COLUMNS
    assert all(q.purpose for q in queries.values())
    network = queries["network"]
    hops = next(p for p in network.parameters if p.name == "hops")
    assert (hops.kind, hops.default, hops.minimum, hops.maximum, hops.required) == ("integer", "2", 1, 3, False)
    assert queries["shared-partners"].order == (
        "shared_partner_country", "shared_partner", "collectivity_a", "collectivity_b")
    assert queries["funder-totals"].order == () and "ORDER BY" in queries["funder-totals"].sparql
    assert queries["shared-partners"].pairs == Pairs(("a", "collectivity_a"), ("b", "collectivity_b"), "foreign")
    assert member_variables(queries["shared-partners"]) == [
        "foreign", "shared_partner", "shared_partner_country", "a", "collectivity_a"]
    assert all(q.pairs is None for name, q in queries.items() if name != "shared-partners")
    for query in (q for q in queries.values() if q.order):  # the runner sorts these: no ORDER BY in the SPARQL
        assert all("ORDER BY" not in line for line in query.sparql.splitlines() if not line.startswith("#"))


def test_an_order_must_name_columns():
    header = "# Name: x\n# Purpose: p\n# Parameters: none\n# Columns: a, b\n# Order: b, c\nSELECT ?a ?b {}\n"
    with pytest.raises(ValueError, match="Order names c"):
        parse_header(header, "x.rq")
    assert parse_header(header.replace("b, c", "b"), "x.rq").order == ("b",)


PAIRED = "# Name: x\n# Purpose: p\n# Parameters: none\n# Pairs: {}\n# Columns: g, x_a, x_b\nSELECT ?k ?g ?a ?x_a {{}}\n"


def test_a_pairs_line_must_have_two_sides_alike():
    with pytest.raises(ValueError, match="cannot read the Pairs line"):
        parse_header(PAIRED.format("?a ?x_a -> ?b ?x_b"), "x.rq")
    with pytest.raises(ValueError, match="differ in length"):
        parse_header(PAIRED.format("?a ?x_a -> ?b, by ?k"), "x.rq")


def test_pair_rows_are_the_self_join_of_the_member_rows():
    """Each two members of a group with ``?a`` < ``?b`` (as text), once per pair of rows: a member
    with two labels pairs twice, a member given twice pairs twice, never with itself."""
    query = parse_header(PAIRED.format("?a ?x_a -> ?b ?x_b, by ?k"), "x.rq")
    assert member_variables(query) == ["k", "g", "a", "x_a"]
    members = [("k1", "G", "u:2", "two"), ("k1", "G", "u:1", "one"), ("k1", "G", "u:1", "un"),
               ("k1", "G", "u:3", "three"), ("k1", "G", "u:3", "three"), ("k2", "G", "u:1", "one"),
               ("k2", "H", "u:2", "two"), ("k3", "G", "u:9", "alone")]
    expected = [(g, xa, xb) for k, g, a, xa in members for k2, g2, b, xb in members
                if (k, g) == (k2, g2) and a < b]
    assert len(expected) == 8 and sorted(pair_rows(query, members)) == sorted(expected)


def test_partners_of_evry_on_the_seed(seed):
    found = {(r["partner"], r["role"]) for r in rows(seed, "partners", collectivity="Evry")}
    assert found == {
        ("Communauté d'agglomération d'Evry Centre Essonne", "french_partner"),
        ("Communauté d'agglomération d'Evry Centre Essonne", "contracting_authority"),
        ("Communauté d'agglomération d'Evry Centre Essonne", "funder"),
        ("Commune V du District de Bamako", "foreign_partner"),
        ("Commune V du District de Bamako", "funder"),
        ("Ministère de l'Europe et des Affaires étrangères", "funder"),
        ("Ville de Dakar", "funder"),
        ("District de Bamako", "funder"),
        ("Commune Urbaine de Kayes", "funder"),
        ("Association Coopération Développement Agglomération Nouvelle", "implementer"),
    }
    assert all(r["partner"] != "Autre" for r in rows(seed, "partners", collectivity="Evry"))


def test_partner_parameters_ignore_case_accents_and_town_prefix(seed):
    plain = rows(seed, "partners", collectivity="Evry")
    assert rows(seed, "partners", collectivity="ville d'évry") == plain
    assert rows(seed, "partners", collectivity="EVRY") == plain
    assert rows(seed, "partners", collectivity="https://w3id.org/atlas-coop/id/collectivity/fr/evry") == plain


def test_unknown_name_gives_the_closest_labels(seed):
    with pytest.raises(UnknownValue) as caught:
        rows(seed, "partners", collectivity="Evri")
    assert "Evry" in caught.value.suggestions
    with pytest.raises(UnknownValue):
        rows(seed, "partners", collectivity="https://w3id.org/atlas-coop/id/collectivity/fr/nowhere")


def test_usage_errors(seed):
    with pytest.raises(QueryUsageError, match="needs --param collectivity"):
        rows(seed, "partners")
    with pytest.raises(QueryUsageError, match="no parameter"):
        rows(seed, "partners", collectivity="Evry", colour="blue")
    with pytest.raises(QueryUsageError, match="from 1 to 3"):
        rows(seed, "network", collectivity="Evry", hops=4)
    with pytest.raises(QueryUsageError, match="no query named"):
        rows(seed, "nope")


def test_partners_across_several_countries(corpus):
    found = rows(corpus, "partners", collectivity="Morvaneuil")
    foreign = {(r["partner"], r["partner_country"]) for r in found if r["role"] == "foreign_partner"}
    assert foreign == {
        ("Commune urbaine de Tanléga", "BF"), ("Commune de Sakassou-Lagune", "CI"),
        ("Comité populaire du district de Phuoc Lâm", "VN"), ("Ville de Kimbaka", "CD"),
        ("Région du Fleuve Niger", "ML"), ("Commune de Ndiassane-Plage", "SN"),
    }
    assert ("Association Sahel Entraide Fictive", "implementer") in {(r["partner"], r["role"]) for r in found}
    assert {r["partner_country"] for r in found if r["role"] == "french_partner"} == {"FR"}


def test_shared_partners_each_unordered_pair_once_per_partner(corpus):
    found = rows(corpus, "shared-partners")
    pairs = [(frozenset((r["collectivity_a"], r["collectivity_b"])), r["shared_partner"]) for r in found]
    assert len(pairs) == len(set(pairs))
    assert all(r["collectivity_a"] != r["collectivity_b"] for r in found)
    assert (frozenset(("Ville de Morvaneuil", "Commune d'Ormeval")), "Commune de Ndiassane-Plage") in pairs
    only_senegal = rows(corpus, "shared-partners", country="Sénégal")
    assert only_senegal and {r["shared_partner_country"] for r in only_senegal} == {"SN"}
    assert rows(corpus, "shared-partners", country="sn") == only_senegal


def test_project_funding_counts_joint_lines_once(corpus):
    found = rows(corpus, "project-funding")

    def titled(start):
        (row,) = [r for r in found if r["project"].startswith(start)]
        return row

    water = titled("Programme intercommunal d’accès")
    assert Decimal(water["total_eur"]) == Decimal(25000 + 12000 + 8000 + 10000 + 4500)
    assert water["lines"] == "5"
    no_funding = titled("Mission ponctuelle d’appui")
    assert (Decimal(no_funding["total_eur"]), no_funding["lines"]) == (0, "0")
    one = rows(corpus, "project-funding", project=water["project"])
    assert len(one) == 1 and one[0]["total_eur"] == water["total_eur"]


def test_funder_totals_split_sole_and_joint(seed, corpus):
    totals = {r["funder"]: r for r in rows(seed, "funder-totals")}
    assert (Decimal(totals["Autre"]["sole_eur"]), Decimal(totals["Autre"]["joint_eur"])) == (8000, 0)
    assert (Decimal(totals["District de Bamako"]["sole_eur"]), Decimal(totals["District de Bamako"]["joint_eur"])) == (
        0, 10200)
    assert sum(Decimal(r["sole_eur"]) for r in totals.values()) + Decimal(10200) == Decimal(105030)
    several = {r["funder"]: r for r in rows(corpus, "funder-totals")}
    assert len([r for r in rows(corpus, "funder-totals") if r["funder"] == "Autre"]) == 1
    assert int(several["Autre"]["lines"]) >= 2


def test_contacts_of_a_post_and_of_a_partner(corpus):
    post = rows(corpus, "contacts", organization="Ambassade de France au Burkina Faso")
    assert {(r["role"], r["name"], r["email"]) for r in post} == {
        ("Correspondant coopération décentralisée", "Jeanne TESTARD", "jeanne.testard@example.org"),
        ("Conseiller de coopération et d'action culturelle", "Paul-Henri FICTIF", "paul-henri.fictif@example.org"),
        ("Attaché de coopération", "Marie Claire EXEMPLE", "marie-claire.exemple@example.org"),
    }
    partner = {r["name"]: r for r in rows(corpus, "contacts", organization="Commune urbaine de Tanléga")}
    assert partner["Issa KABORÉ"]["email"] == ""
    assert partner["Marie Claire OUÉDRAOGO-TEST"]["role"] == "Maire"
    everyone = rows(corpus, "contacts")
    assert len(everyone) > len(post) + len(partner)


def test_projects_by_theme_at_any_level(corpus):
    top = rows(corpus, "projects-by-theme", theme="Politique, humanitaire et coopération transfrontalière")
    leaf = rows(corpus, "projects-by-theme", theme="gouvernance et democratie locales")
    assert leaf and {r["project"] for r in leaf} <= {r["project"] for r in top}
    assert all(r["theme_path"].count(" > ") == 2 for r in leaf)
    assert leaf[0]["theme_path"].endswith("Gouvernance et démocratie locales")
    with pytest.raises(UnknownValue):
        rows(corpus, "projects-by-theme", theme="Astronautique")


def test_network_hops_grow_outwards(corpus):
    by_hops = {h: rows(corpus, "network", collectivity="Morvaneuil", hops=h) for h in (1, 2, 3)}
    assert {r["hop"] for r in by_hops[1]} == {"1"}
    assert all(r["source"] == "Ville de Morvaneuil" for r in by_hops[1])
    assert {r["hop"] for r in by_hops[2]} == {"1", "2"}
    assert {r["hop"] for r in by_hops[3]} == {"1", "2", "3"}
    nodes = {h: {r["source"] for r in by_hops[h]} | {r["target"] for r in by_hops[h]} for h in by_hops}
    assert nodes[1] < nodes[2] < nodes[3]
    assert "Chefferie du Bas-Fleuve Congo" in nodes[3] - nodes[2]
    assert rows(corpus, "network", collectivity="Morvaneuil") == by_hops[2]  # default 2


def test_network_from_a_foreign_collectivity(seed):
    found = rows(seed, "network", collectivity="Commune V du District de Bamako", hops=1)
    assert {r["target"] for r in found} == {"Evry", "Communauté d'agglomération d'Evry Centre Essonne"}


TEXT_CASES = [
    ("partners", {"collectivity": "Morvaneuil"}), ("shared-partners", {}), ("shared-partners", {"country": "SN"}),
    ("project-funding", {}), ("funder-totals", {}), ("contacts", {}),
    ("projects-by-theme", {"theme": "Politique, humanitaire et coopération transfrontalière"}),
]


@pytest.mark.parametrize(("name", "params"), TEXT_CASES)
def test_rows_are_the_text_of_the_terms_select_gives(corpus, name, params):
    """The rows of text (``select_text``), paired by the runner for a ``# Pairs:`` query, are
    those made from the rdflib terms ``select`` gives."""
    query = registry()[name]
    sparql = inline_bindings(query.sparql, bindings_for(query, params, Resolver(corpus)))
    variables = member_variables(query) if query.pairs else query.columns
    expected = [tuple("" if row[v] is None else str(row[v]) for v in variables) for row in corpus.select(sparql)]
    if query.pairs:
        expected = pair_rows(query, expected)
    table = run_named_query(corpus, name, params)
    assert table.rows and sorted(table.rows) == sorted(expected)


SELF_JOIN = """PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?collectivity_a ?collectivity_b ?shared_partner ?shared_partner_country {
  { SELECT DISTINCT ?foreign ?shared_partner ?shared_partner_country ?a ?collectivity_a WHERE {
      ?foreign atlas:country/atlas:isoAlpha2 ?shared_partner_country ; skos:prefLabel ?shared_partner .
      ?p atlas:foreignPartner ?foreign ; atlas:frenchPartner ?a .
      ?a skos:prefLabel ?collectivity_a .
  } }
  { SELECT DISTINCT ?foreign ?b ?collectivity_b WHERE {
      ?p atlas:foreignPartner ?foreign ; atlas:frenchPartner ?b .
      ?b skos:prefLabel ?collectivity_b .
  } }
  FILTER(STR(?a) < STR(?b))
}"""


@pytest.mark.parametrize("params", [{}, {"country": "SN"}])
def test_shared_partner_pairs_are_the_sparql_self_join(corpus, params):
    """The pairs made by the runner are the rows of the self-join in SPARQL (the query before the
    runner made the pairs), on each store."""
    query = registry()["shared-partners"]
    sparql = inline_bindings(SELF_JOIN, bindings_for(query, params, Resolver(corpus)))
    expected = corpus.select_text(sparql, query.columns)
    table = run_named_query(corpus, "shared-partners", params)
    assert expected and sorted(table.rows) == sorted(expected)


ORDER_CASES = [(name, params) for name, params in TEXT_CASES if registry()[name].order and "country" not in params]


@pytest.mark.parametrize(("name", "params"), [*ORDER_CASES, ("network", {"collectivity": "Morvaneuil", "hops": 3})])
def test_rows_come_in_the_order_of_the_header_then_by_the_other_columns(corpus, name, params):
    table = run_named_query(corpus, name, {k: str(v) for k, v in params.items()})
    query = registry()[name]
    key = [table.columns.index(c) for c in query.order]
    key += [i for i, c in enumerate(table.columns) if i not in key and c != "hop"]
    if "hop" in table.columns:
        key.insert(0, table.columns.index("hop"))
    assert len(table.rows) > 1 and table.rows == sorted(table.rows, key=lambda row: [row[i] for i in key])


PAIRS = """PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?foreign ?a ?partner ?country ?label WHERE {
  ?p atlas:foreignPartner ?foreign ; atlas:frenchPartner ?a .
  ?foreign skos:prefLabel ?partner ; atlas:country/atlas:isoAlpha2 ?country .
  ?a skos:prefLabel ?label .
}"""


def test_shared_partners_are_the_pairs_the_projects_make(corpus):
    """The query's rows against pairs made here from the (project, foreign, French) edges: one row
    per unordered pair of collectivities and partner they share."""
    members, partner = defaultdict(set), defaultdict(set)
    for row in corpus.select(PAIRS):
        members[row["foreign"]].add((str(row["a"]), str(row["label"])))
        partner[row["foreign"]].add((str(row["partner"]), str(row["country"])))
    expected = [(la, lb, *about) for f, found in members.items() for about in partner[f]
                for a, la in found for b, lb in found if a < b]
    table = run_named_query(corpus, "shared-partners")
    assert len(expected) > 3 and sorted(table.rows) == sorted(expected)
    senegal = run_named_query(corpus, "shared-partners", {"country": "SN"}).rows
    assert senegal and senegal == [row for row in table.rows if row[3] == "SN"]


def test_shared_partners_are_pairs_of_collectivities_not_of_names(store):
    """Two collectivities named alike are two pairs with a third one; a pair of projects with the
    same partner and collectivities is one pair."""
    country, foreign = ID["country/ml"], ID["collectivity/ml/fictive"]
    twin_1, twin_2, other = ID["collectivity/fr/twin-1"], ID["collectivity/fr/twin-2"], ID["collectivity/fr/other"]
    twin = Literal("Twin", lang="fr")
    triples = [(foreign, SKOS.prefLabel, Literal("Fictive", lang="fr")), (foreign, ATLAS.country, country),
               (country, ATLAS.isoAlpha2, Literal("ML")), (other, SKOS.prefLabel, Literal("Other", lang="fr")),
               (twin_1, SKOS.prefLabel, twin), (twin_2, SKOS.prefLabel, twin)]
    for number, french in enumerate((twin_1, twin_2, other, other)):
        triples += [(ID[f"project/{number}"], ATLAS.foreignPartner, foreign),
                    (ID[f"project/{number}"], ATLAS.frenchPartner, french)]
    store.replace_graph(URIRef("https://w3id.org/atlas-coop/graph/test"), triples)
    assert run_named_query(store, "shared-partners").rows == [
        ("Other", "Twin", "Fictive", "ML"), ("Other", "Twin", "Fictive", "ML"), ("Twin", "Twin", "Fictive", "ML")]


def test_partners_of_a_funder_that_is_no_partner(seed):
    found = {(r["partner"], r["role"]) for r in rows(seed, "partners", collectivity="Ville de Dakar")}
    assert {("Evry", "french_partner"), ("Commune V du District de Bamako", "foreign_partner")} <= found
    assert not any(partner == "Ville de Dakar" for partner, _ in found)


def test_network_walk_on_text_rows_equals_the_walk_on_terms(corpus):
    """The named query walks rows of text; ``walk`` on rdflib rows (as the web page does) finds the
    same edges."""
    query = registry()["network"]
    bindings = bindings_for(query, {"collectivity": "Morvaneuil", "hops": "3"}, Resolver(corpus))
    found = walk(corpus.select, query.sparql, "from", "to", bindings["from"], 3)
    expected = {(str(row["source"]), str(row["target"]), str(row["project"]), str(hop)) for hop, row in found}
    table = run_named_query(corpus, "network", {"collectivity": "Morvaneuil", "hops": "3"})
    assert len(table.rows) == len(expected) and set(table.rows) == expected
