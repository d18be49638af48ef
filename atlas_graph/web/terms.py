"""Human labels for the terms the pages show, and the texts of the linked-data pages (FR/EN).

Input: a term IRI and a language (``"fr"`` or ``"en"``). Output: its label: the ``rdfs:label``
of the ontology (``ontology/atlas.ttl``) for ``atlas:`` terms, else the table ``LABELS`` below
for the reused ORG / SKOS / FOAF / DCTERMS / schema.org / PROV / RDF(S) / XSD terms, else the
IRI's local name. ``text(key, lang)`` gives the page texts of ``TEXTS`` (this blueprint's own
keys, prefixed ``resource.`` / ``ontology.``), falling back to the site's ``i18n`` texts.

This is the one place where labels of reused terms live.
"""

from __future__ import annotations

import re
from functools import cache

from rdflib import RDFS, Graph, Literal, URIRef

from atlas_graph.resources_paths import ontology_path
from atlas_graph.web.i18n import translate

ONTOLOGY_NS = "https://w3id.org/atlas-coop/ontology#"

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#", "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#", "schema": "https://schema.org/",
}

#: prefixed name -> (French label, English label)
_TABLE: dict[str, tuple[str, str]] = {
    "rdf:type": ("type", "type"),
    "rdf:langString": ("texte (avec langue)", "text (with language)"),
    "rdfs:label": ("libellé", "label"), "rdfs:comment": ("commentaire", "comment"),
    "rdfs:Literal": ("littéral", "literal"), "rdfs:seeAlso": ("voir aussi", "see also"),
    "xsd:string": ("texte", "text"), "xsd:boolean": ("booléen", "boolean"), "xsd:integer": ("entier", "integer"),
    "xsd:decimal": ("nombre décimal", "decimal number"), "xsd:gYear": ("année", "year"),
    "xsd:date": ("date", "date"),
    "owl:Class": ("classe", "class"), "owl:ObjectProperty": ("propriété d'objet", "object property"),
    "owl:DatatypeProperty": ("propriété de données", "datatype property"),
    "skos:prefLabel": ("nom", "name"), "skos:altLabel": ("autre nom", "other name"),
    "skos:inScheme": ("dans le référentiel", "in scheme"), "skos:broader": ("terme générique", "broader"),
    "skos:narrower": ("terme spécifique", "narrower"),
    "skos:topConceptOf": ("concept de tête de", "top concept of"),
    "skos:hasTopConcept": ("concept de tête", "top concept"),
    "skos:Concept": ("concept", "concept"), "skos:ConceptScheme": ("référentiel", "concept scheme"),
    "foaf:Person": ("personne", "person"), "foaf:Document": ("document", "document"),
    "foaf:name": ("nom", "name"), "foaf:givenName": ("prénom", "given name"),
    "foaf:familyName": ("nom de famille", "family name"), "foaf:mbox": ("courriel", "e-mail"),
    "org:FormalOrganization": ("organisation", "organisation"), "org:Organization": ("organisation", "organisation"),
    "org:Membership": ("fonction", "membership"), "org:Role": ("rôle", "role"),
    "org:member": ("membre", "member"), "org:organization": ("organisation", "organisation"),
    "org:role": ("rôle", "role"),
    "dcterms:title": ("titre", "title"), "dcterms:description": ("description", "description"),
    "dcterms:identifier": ("identifiant", "identifier"), "dcterms:format": ("format", "format"),
    "dcterms:subject": ("sujet", "subject"), "dcterms:type": ("type", "type"),
    "dcterms:spatial": ("couverture spatiale", "spatial coverage"), "dcterms:license": ("licence", "licence"),
    "prov:wasDerivedFrom": ("provient de", "derived from"), "prov:Activity": ("activité", "activity"),
    "prov:Entity": ("entité", "entity"), "prov:wasAssociatedWith": ("associé à", "associated with"),
    "schema:Project": ("projet", "project"), "schema:MonetaryGrant": ("subvention", "monetary grant"),
    "schema:funder": ("financeur", "funder"), "schema:fundedItem": ("projet financé", "funded item"),
    "schema:amount": ("montant", "amount"), "schema:currency": ("devise", "currency"),
}
LABELS: dict[str, tuple[str, str]] = {
    _NS[name.split(":")[0]] + name.split(":")[1]: labels for name, labels in _TABLE.items()
}

#: The texts of the resource, graph, ontology and shapes pages.
TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "resource.types": "Types", "resource.properties": "Propriétés", "resource.property": "Propriété",
        "resource.value": "Valeur", "resource.incoming": "Liens entrants",
        "resource.incoming_phrase": "est {label} de", "resource.sources": "Fiches d'origine",
        "resource.graph": "Graphe nommé", "resource.file": "Fichier", "resource.partners": "Partenaires",
        "resource.partner": "Partenaire", "resource.country": "Pays", "resource.project": "Projet",
        "resource.role": "Rôle", "resource.network": "Réseau (1 saut)",
        "resource.open_network": "Voir le réseau", "resource.formats": "Autres formats",
        "resource.none": "Aucun.", "resource.more": "… et {n} de plus", "resource.iri": "IRI",
        "resource.graph_title": "Graphe {name}", "resource.graph_subjects": "Ressources décrites",
        "resource.triples": "{n} triplet(s)",
        "ontology.title": "Ontologie", "ontology.classes": "Classes", "ontology.properties": "Propriétés",
        "ontology.superclasses": "Super-classes", "ontology.superproperties": "Super-propriétés",
        "ontology.domain": "Domaine", "ontology.range": "Portée", "ontology.kind": "Genre",
        "ontology.download": "Télécharger l'ontologie (Turtle)", "ontology.shapes": "Formes SHACL",
        "shapes.title": "Formes SHACL", "shapes.intro": "Les contraintes SHACL que le graphe respecte.",
        "shapes.download": "Toutes les formes (Turtle)",
    },
    "en": {
        "resource.types": "Types", "resource.properties": "Properties", "resource.property": "Property",
        "resource.value": "Value", "resource.incoming": "Incoming links",
        "resource.incoming_phrase": "is {label} of", "resource.sources": "Source records",
        "resource.graph": "Named graph", "resource.file": "File", "resource.partners": "Partners",
        "resource.partner": "Partner", "resource.country": "Country", "resource.project": "Project",
        "resource.role": "Role", "resource.network": "Network (1 hop)",
        "resource.open_network": "See the network", "resource.formats": "Other formats",
        "resource.none": "None.", "resource.more": "… and {n} more", "resource.iri": "IRI",
        "resource.graph_title": "Graph {name}", "resource.graph_subjects": "Resources described",
        "resource.triples": "{n} triple(s)",
        "ontology.title": "Ontology", "ontology.classes": "Classes", "ontology.properties": "Properties",
        "ontology.superclasses": "Super-classes", "ontology.superproperties": "Super-properties",
        "ontology.domain": "Domain", "ontology.range": "Range", "ontology.kind": "Kind",
        "ontology.download": "Download the ontology (Turtle)", "ontology.shapes": "SHACL shapes",
        "shapes.title": "SHACL shapes", "shapes.intro": "The SHACL constraints the graph meets.",
        "shapes.download": "All shapes (Turtle)",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (this module's texts first, then the site's)."""
    found = TEXTS.get(lang, TEXTS["fr"]).get(key) or TEXTS["fr"].get(key)
    if found is None:
        return translate(key, lang, **values)
    return found.format(**values) if values else found


@cache
def ontology_graph() -> Graph:
    """The ontology, parsed once."""
    return Graph().parse(ontology_path(), format="turtle")


@cache
def _ontology_labels() -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for term, label in ontology_graph().subject_objects(RDFS.label):
        if isinstance(label, Literal) and label.language:
            labels.setdefault(str(term), {})[label.language] = str(label)
    return labels


def local_name(iri: str) -> str:
    """The last segment of an IRI (after ``#`` or ``/``)."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri


def term_label(iri: str | URIRef, lang: str) -> str:
    """The label of an ontology or reused term in ``lang`` (French, then the local name, else)."""
    key = str(iri)
    declared = _ontology_labels().get(key)
    if declared:
        return declared.get(lang) or declared.get("fr") or next(iter(declared.values()))
    if key in LABELS:
        return LABELS[key][0 if lang == "fr" else 1]
    return local_name(key)


def prefixed(iri: str | URIRef) -> str:
    """``atlas:Partnership`` for a term of a known namespace, else the IRI."""
    key = str(iri)
    for prefix, namespace in {"atlas": ONTOLOGY_NS, **_NS}.items():
        if key.startswith(namespace) and "/" not in key[len(namespace):]:
            return f"{prefix}:{key[len(namespace):]}"
    return key


__all__ = ["LABELS", "ONTOLOGY_NS", "TEXTS", "local_name", "ontology_graph", "prefixed", "term_label", "text"]
