# GENERATED FILE, DO NOT EDIT.
# Generated from ontology/atlas.ttl by atlas_graph/_generate_namespaces.py.
# To regenerate after editing the ontology, run: python -m atlas_graph._generate_namespaces
"""RDF namespaces of atlas-graph: the closed ``ATLAS`` namespace and the EU ``COUNTRY`` table.

Reuse rdflib's own ``ORG``, ``FOAF``, ``SKOS``, ``DCTERMS``, ``PROV`` and ``SDO`` for the W3C and
schema.org terms.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = ["ATLAS", "COUNTRY"]

#: EU Publications Office authority table of countries (an open table, so a plain Namespace).
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")


class ATLAS(DefinedNamespace):
    """The atlas-graph ontology <https://w3id.org/atlas-coop/ontology>, version 0.1.0.

    Closed: an attribute that is not a term of the ontology raises AttributeError.
    """

    _NS = Namespace("https://w3id.org/atlas-coop/ontology#")
    _fail = True

    EmbassyPost: URIRef  # embassy post (class)
    ForeignLocalAuthority: URIRef  # foreign local authority (class)
    FrenchLocalAuthority: URIRef  # French local authority (class)
    FundingLine: URIRef  # funding line (class)
    LocalAuthority: URIRef  # local authority (class)
    Partnership: URIRef  # partnership (class)
    SourceDocument: URIRef  # source document (class)
    ThemeAssignment: URIRef  # theme assignment (class)
    VolunteerAssignment: URIRef  # volunteer assignment (class)
    acronym: URIRef  # acronym (datatype property)
    assignedEntity: URIRef  # assigned entity (datatype property)
    beneficiaries: URIRef  # beneficiaries (datatype property)
    communicationInFrance: URIRef  # communication in France (datatype property)
    communicationInPartnerCountries: URIRef  # communication in partner countries (datatype property)
    context: URIRef  # context (datatype property)
    contractingAuthority: URIRef  # contracting authority (object property)
    country: URIRef  # country (object property)
    endDate: URIRef  # end date (datatype property)
    evaluationPolicy: URIRef  # evaluation policy (datatype property)
    fieldOfAction: URIRef  # field of action (datatype property)
    firstSignatureYear: URIRef  # first signature year (datatype property)
    followedBy: URIRef  # followed by (object property)
    foreignPartner: URIRef  # foreign partner (object property)
    frenchPartner: URIRef  # French partner (object property)
    fundingYear: URIRef  # funding year (datatype property)
    history: URIRef  # history (datatype property)
    implementer: URIRef  # implementer (object property)
    isoAlpha2: URIRef  # ISO alpha-2 code (datatype property)
    mainTheme: URIRef  # main theme (object property)
    mission: URIRef  # mission (datatype property)
    objective: URIRef  # objective (datatype property)
    participant: URIRef  # participant (object property)
    partnershipForm: URIRef  # partnership form (object property)
    priority: URIRef  # priority (datatype property)
    rawText: URIRef  # raw text (datatype property)
    rowNumber: URIRef  # row number (datatype property)
    sha256: URIRef  # SHA-256 digest (datatype property)
    startYear: URIRef  # start year (datatype property)
    status: URIRef  # status (object property)
    theme: URIRef  # theme (object property)
    themeAssignment: URIRef  # theme assignment (object property)
    triennial: URIRef  # triennial (datatype property)
    unidentifiedFunder: URIRef  # unidentified funder (datatype property)
    volunteer: URIRef  # volunteer (object property)
    volunteerAssignment: URIRef  # volunteer assignment (object property)
    waterLawAmount: URIRef  # water law amount (datatype property)
