"""The language of the HTML pages: French by default, English on request.

Input: the request: ``?lang=fr|en`` (then remembered in the ``lang`` cookie), else the
``lang`` cookie, else the ``Accept-Language`` header (only ``fr`` and ``en`` count).
Output: ``current_lang()`` (``"fr"`` or ``"en"``) for Python code, and for templates (through
the context processor that ``init_app(app)`` registers): ``lang``, ``t(key, **values)`` (the
text of ``key`` in that language, ``str.format``-ed with ``values``) and ``lang_url(code)``
(the current URL with ``lang=code``, for the FR/EN switch).

All texts live in the two dicts ``FR`` and ``EN`` below; a key missing from ``EN`` falls back to
``FR``, a key missing from both shows as the key itself (so a forgotten text is visible, not
fatal). Add the keys of new pages here, prefixed with the page name (``home.``, ``resource.``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, has_request_context, request

LANGS = ("fr", "en")
DEFAULT = "fr"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

FR: dict[str, str] = {
    "site.name": "Atlas de la coopération décentralisée",
    "site.tagline": "Le graphe de connaissances de l'Atlas français de la coopération décentralisée",
    "nav.home": "Accueil",
    "nav.query": "Requêtes",
    "nav.network": "Réseau",
    "nav.ontology": "Ontologie",
    "nav.data": "Données",
    "nav.sparql": "Point d'accès SPARQL",
    "nav.switch": "Langue",
    "footer.data": "Données : Atlas français de la coopération décentralisée (MEAE, CNCD).",
    "footer.endpoint": "Point d'accès SPARQL",
    "footer.void": "Description VoID",
    # home page
    "home.title": "Accueil",
    "home.intro": "Ce site publie sous forme de graphe RDF les fiches de projets de l'Atlas français "
                  "de la coopération décentralisée : projets, collectivités françaises et étrangères, "
                  "financeurs et financements.",
    "home.figures": "Ce que contient le jeu de données",
    "home.projects": "Projets",
    "home.french": "Collectivités françaises",
    "home.foreign": "Collectivités étrangères",
    "home.funders": "Financeurs",
    "home.triples": "Triplets",
    "home.by_country": "Collectivités étrangères par pays",
    "home.country": "Pays",
    "home.count": "Nombre",
    "home.by_year": "Financements par année",
    "home.year": "Année",
    "home.amount": "Montant (€)",
    "home.lines": "Lignes de financement",
    "home.total": "Financements (total)",
    "home.lines_n": "{n} lignes de financement",
    "home.none": "Aucune donnée.",
    "home.downloads": "Télécharger les données",
    "home.downloads_intro": "Le graphe complet en un fichier, à charger dans un triplestore ou à lire avec "
                            "une bibliothèque RDF :",
    "home.explore": "Explorer",
    "home.explore_query": "Interroger le graphe avec SPARQL ou les requêtes prêtes à l'emploi",
    "home.explore_network": "Voir le réseau de partenaires d'une collectivité",
    "home.explore_ontology": "Lire l'ontologie (classes et propriétés)",
    # query page
    "query.title": "Requêtes SPARQL",
    "query.intro": "Écrivez une requête SPARQL 1.1 ou partez d'une requête prête à l'emploi.",
    "query.examples": "Requêtes prêtes à l'emploi",
    "query.editor": "Éditeur",
    "query.run": "Exécuter",
    "query.run_named": "Exécuter cette requête",
    "query.load": "Charger dans l'éditeur",
    "query.params": "Paramètres",
    "query.required": "obligatoire",
    "query.results": "Résultats",
    "query.rows": "{n} ligne(s)",
    "query.running": "Exécution…",
    "query.download": "Télécharger",
    "query.truncated": "Réponse tronquée à {n} lignes.",
    "query.error": "Erreur",
    "query.noscript": "L'éditeur a besoin de JavaScript ; le formulaire du point d'accès reste utilisable.",
    "query.columns": "Colonnes",
    # network page
    "network.title": "Réseau de partenaires",
    "network.intro": "Les collectivités françaises et étrangères liées à une collectivité par leurs projets "
                     "(une arête par projet). Cliquez un nœud pour ouvrir sa page.",
    "network.collectivity": "Collectivité (nom ou IRI)",
    "network.hops": "Distance (sauts)",
    "network.show": "Afficher",
    "network.graphml": "Exporter en GraphML (Gephi)",
    "network.nodes": "{n} nœud(s), {m} arête(s)",
    "network.empty": "Aucun partenaire trouvé.",
    "network.ask": "Indiquez une collectivité, par exemple « Evry ».",
    "network.french": "Collectivité française",
    "network.foreign": "Collectivité étrangère",
    "network.legend": "Légende",
    "network.foreign_by_country": "collectivités étrangères, par pays",
    "network.list": "Liste des arêtes",
    "network.source": "Source",
    "network.target": "Cible",
    "network.project": "Projet",
    "network.hop": "Saut",
    "network.bad_hops": "hops doit être un nombre entier de 1 à 3",
    "network.unknown": "Collectivité introuvable",
    "network.suggestions": "Vouliez-vous dire :",
}

EN: dict[str, str] = {
    "site.name": "Atlas of decentralised cooperation",
    "site.tagline": "The knowledge graph of France's Atlas of decentralised cooperation",
    "nav.home": "Home",
    "nav.query": "Query",
    "nav.network": "Network",
    "nav.ontology": "Ontology",
    "nav.data": "Data",
    "nav.sparql": "SPARQL endpoint",
    "nav.switch": "Language",
    "footer.data": "Data: Atlas français de la coopération décentralisée (MEAE, CNCD).",
    "footer.endpoint": "SPARQL endpoint",
    "footer.void": "VoID description",
    "home.title": "Home",
    "home.intro": "This site publishes as an RDF graph the project records of France's Atlas of "
                  "decentralised cooperation: projects, French and foreign local authorities, funders "
                  "and funding.",
    "home.figures": "What the dataset holds",
    "home.projects": "Projects",
    "home.french": "French local authorities",
    "home.foreign": "Foreign local authorities",
    "home.funders": "Funders",
    "home.triples": "Triples",
    "home.by_country": "Foreign local authorities by country",
    "home.country": "Country",
    "home.count": "Count",
    "home.by_year": "Funding by year",
    "home.year": "Year",
    "home.amount": "Amount (€)",
    "home.lines": "Funding lines",
    "home.total": "Funding (total)",
    "home.lines_n": "{n} funding lines",
    "home.none": "No data.",
    "home.downloads": "Download the data",
    "home.downloads_intro": "The whole graph in one file, to load into a triple store or read with an "
                            "RDF library:",
    "home.explore": "Explore",
    "home.explore_query": "Query the graph with SPARQL or the ready-made queries",
    "home.explore_network": "See the partner network of a local authority",
    "home.explore_ontology": "Read the ontology (classes and properties)",
    "query.title": "SPARQL queries",
    "query.intro": "Write a SPARQL 1.1 query or start from a ready-made one.",
    "query.examples": "Ready-made queries",
    "query.editor": "Editor",
    "query.run": "Run",
    "query.run_named": "Run this query",
    "query.load": "Load into the editor",
    "query.params": "Parameters",
    "query.required": "required",
    "query.results": "Results",
    "query.rows": "{n} row(s)",
    "query.running": "Running…",
    "query.download": "Download",
    "query.truncated": "Answer cut at {n} rows.",
    "query.error": "Error",
    "query.noscript": "The editor needs JavaScript; the endpoint's form still works.",
    "query.columns": "Columns",
    "network.title": "Partner network",
    "network.intro": "The French and foreign local authorities linked to one by their projects "
                     "(one edge per project). Click a node to open its page.",
    "network.collectivity": "Local authority (name or IRI)",
    "network.hops": "Distance (hops)",
    "network.show": "Show",
    "network.graphml": "Export as GraphML (Gephi)",
    "network.nodes": "{n} node(s), {m} edge(s)",
    "network.empty": "No partner found.",
    "network.ask": "Name a local authority, for example “Evry”.",
    "network.french": "French local authority",
    "network.foreign": "Foreign local authority",
    "network.legend": "Legend",
    "network.foreign_by_country": "foreign local authorities, by country",
    "network.list": "List of edges",
    "network.source": "Source",
    "network.target": "Target",
    "network.project": "Project",
    "network.hop": "Hop",
    "network.bad_hops": "hops must be a whole number from 1 to 3",
    "network.unknown": "Local authority not found",
    "network.suggestions": "Did you mean:",
}

TEXTS = {"fr": FR, "en": EN}


def _from_request() -> str:
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGS:
        return asked
    kept = request.cookies.get(COOKIE, "").strip().lower()
    if kept in LANGS:
        return kept
    best = request.accept_languages.best_match(LANGS)
    return best or DEFAULT


def current_lang() -> str:
    """``"fr"`` or ``"en"``: the language of the current request (``"fr"`` outside a request)."""
    if not has_request_context():
        return DEFAULT
    if "atlas_lang" not in g:
        g.atlas_lang = _from_request()
    return g.atlas_lang


def translate(key: str, lang: str | None = None, **values: Any) -> str:
    """The text of ``key`` in ``lang`` (default: ``current_lang()``), formatted with ``values``."""
    texts = TEXTS[lang or current_lang()]
    text = texts.get(key, FR.get(key, key))
    return text.format(**values) if values else text


def lang_url(code: str) -> str:
    """The current URL (path and query) with ``lang=code``."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def _context() -> dict[str, Any]:
    return {"lang": current_lang(), "t": translate, "lang_url": lang_url, "langs": LANGS}


def _remember(response: Response) -> Response:
    """Keep an explicit ``?lang=`` in the cookie; mark language-dependent answers ``Vary``."""
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGS and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    if "atlas_lang" in g and response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def init_app(app: Flask) -> None:
    """Give ``app``'s templates ``lang``, ``t`` and ``lang_url``, and remember ``?lang=``."""
    app.context_processor(_context)
    app.after_request(_remember)
    app.jinja_env.globals.setdefault("current_lang", current_lang)


__all__ = ["EN", "FR", "LANGS", "current_lang", "init_app", "lang_url", "translate"]
