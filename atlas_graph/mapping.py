"""Mapping: typed records -> RDF triples, in the vocabulary of ``ontology/atlas.ttl``.

Input: a ``Record``, the ``ActorIndex`` of its build and the ``ThemeVocabulary`` of the corpus.
Output: the triples of the record's own named graph (``record_triples``), of the shared actors
graph (``actor_triples``) and of the vocabulary graph (``vocabulary_triples``). See
docs/model.md for every class, property and IRI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import Literal, Node, URIRef
from rdflib import namespace as ns

from . import names, namespaces
from .identity import FOREIGN, FRENCH, ORGANIZATION, PERSON, POST, ActorIndex, Minter
from .namespaces import COUNTRY
from .records import Problem, Record
from .themes import ThemeVocabulary

Triple = tuple[Node, Node, Node]


class Terms:
    """The terms of a closed namespace, each looked up once.

    Attribute access on rdflib's ``DefinedNamespace`` costs about 5 µs (it checks the name
    each time); mapping the whole Atlas asks for a million terms. A name the namespace does
    not define still raises AttributeError.
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term


ATLAS, RDF, XSD = Terms(namespaces.ATLAS), Terms(ns.RDF), Terms(ns.XSD)
DCTERMS, FOAF, ORG, PROV, SDO, SKOS = (Terms(n) for n in (ns.DCTERMS, ns.FOAF, ns.ORG, ns.PROV, ns.SDO, ns.SKOS))

SCHEMES = {"themes": ("Thématiques", "Themes"), "statuses": ("Statuts", "Statuses"),
           "forms": ("Formes de partenariat", "Partnership forms"), "roles": ("Fonctions", "Roles")}

_ACTOR_TYPES = {
    FRENCH: (ATLAS.FrenchLocalAuthority, ORG.Organization),
    FOREIGN: (ATLAS.ForeignLocalAuthority, ORG.Organization),
    ORGANIZATION: (ORG.FormalOrganization, ORG.Organization),
    POST: (ATLAS.EmbassyPost, ORG.Organization),
    PERSON: (FOAF.Person,),
}


def fr(text: str) -> Literal:
    return Literal(text, lang="fr")


def decimal(value: Decimal) -> Literal:
    """An xsd:decimal in the canonical form of XSD 1.1 (``27230``, ``1500.5``), the form Oxigraph
    keeps, so that every reader of the output sees the same term."""
    return Literal(format(value.normalize(), "f"), datatype=XSD.decimal)


@lru_cache(maxsize=4096)
def year(value: int) -> Literal:
    return Literal(f"{value:04d}", datatype=XSD.gYear)


@lru_cache(maxsize=4096, typed=True)  # typed: Literal(True) is not Literal(1)
def plain(value: bool | int | str) -> Literal:
    """A literal that repeats across records (row numbers, flags, codes), made once."""
    return Literal(value)


@dataclass
class Concepts:
    """The concepts (themes, statuses, forms, roles, countries) used by the mapped records."""

    minter: Minter
    themes: set[tuple[str, ...]] = field(default_factory=set)
    statuses: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)

    def theme(self, path: tuple[str, ...]) -> URIRef:
        for depth in range(1, len(path) + 1):
            self.themes.add(path[:depth])
        return self.minter.concept("theme", *path)

    def status(self, label: str) -> URIRef:
        self.statuses.add(label)
        return self.minter.concept("status", label)

    def form(self, label: str) -> URIRef:
        self.forms.add(label)
        return self.minter.concept("form", label)

    def role(self, label: str) -> URIRef:
        self.roles.add(label)
        return self.minter.concept("role", label)

    def country(self, alpha2: str) -> URIRef:
        self.countries.add(alpha2)
        return COUNTRY[names.country_by_code(alpha2).alpha3]

    def merge(self, other: Concepts) -> None:
        """Add the concepts another mapper of the same build used."""
        for name in ("themes", "statuses", "forms", "roles", "countries"):
            getattr(self, name).update(getattr(other, name))


@dataclass
class Mapper:
    """Maps the records of one build; collects the concepts they use and the problems met."""

    index: ActorIndex
    vocabulary: ThemeVocabulary
    personal_data: bool = True
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.minter = self.index.minter
        self.concepts = Concepts(self.minter)
        self.memberships: dict[URIRef, tuple[URIRef, URIRef, URIRef | None]] = {}

    def fresh(self) -> Mapper:
        """A mapper for the same build (index, vocabulary) that has mapped nothing yet."""
        return Mapper(self.index, self.vocabulary, self.personal_data)

    def merge(self, concepts: Concepts, memberships: dict[URIRef, tuple[URIRef, URIRef, URIRef | None]],
              problems: list[Problem]) -> None:
        """Take in what another mapper of the same build met while mapping other records (the
        shared graphs are then mapped as if this mapper had mapped them all)."""
        self.concepts.merge(concepts)
        self.memberships.update(memberships)
        self.problems += problems

    # -- one record --------------------------------------------------------------------------
    def record_triples(self, record: Record) -> Iterator[Triple]:
        m, c = self.minter, self.concepts
        project = m.project(record.record_id)
        source = m.source(record.record_id)
        yield from ((project, RDF.type, t) for t in (ATLAS.Partnership, SDO.Project))
        yield project, DCTERMS.title, fr(record.title)
        yield project, PROV.wasDerivedFrom, source
        yield source, RDF.type, ATLAS.SourceDocument
        yield source, DCTERMS.identifier, Literal(record.source_name)
        yield source, DCTERMS.format, plain("text/plain")
        yield source, ATLAS.sha256, Literal(record.sha256)
        if record.first_signature_year is not None:
            yield project, ATLAS.firstSignatureYear, year(record.first_signature_year)
        if record.start_year is not None:
            yield project, ATLAS.startYear, year(record.start_year)
        if record.end_date is not None:
            yield project, ATLAS.endDate, Literal(record.end_date, datatype=XSD.date)
        if record.themes:
            yield project, ATLAS.mainTheme, c.theme(record.themes)
        if record.status:
            yield project, ATLAS.status, c.status(record.status)
        if record.form:
            yield project, ATLAS.partnershipForm, c.form(record.form)
        for prop, text in ((ATLAS.context, record.context), (ATLAS.history, record.history),
                           (ATLAS.objective, record.objective), (DCTERMS.description, record.description),
                           (ATLAS.beneficiaries, record.beneficiaries)):
            if text:
                yield project, prop, fr(text)
        if record.triennial is not None:
            yield project, ATLAS.triennial, plain(record.triennial)
        yield project, ATLAS.communicationInFrance, plain(record.communication_in_france)
        yield project, ATLAS.communicationInPartnerCountries, plain(record.communication_in_partner_countries)
        yield project, ATLAS.evaluationPolicy, plain(record.evaluation_policy)
        for name in record.french_partners:
            yield project, ATLAS.frenchPartner, self.index.iri_of(name, record)
        for partner in record.foreign_partners:
            yield project, ATLAS.foreignPartner, self.index.foreign_iri(partner.name, partner.country)
        for name in record.contracting_authorities:
            yield project, ATLAS.contractingAuthority, self.index.iri_of(name, record)
        for implementer in record.implementers:
            yield project, ATLAS.implementer, self.index.iri_of(implementer.name, record)
        yield from self._funding(record, project)
        yield from self._other_themes(record, project)
        yield from self._contacts(record, project)
        yield from self._volunteers(record, project)

    def _funding(self, record: Record, project: URIRef) -> Iterator[Triple]:
        for number, line in enumerate(record.funding, start=1):
            node = self.minter.row(record.record_id, "funding", number)
            yield from ((node, RDF.type, t) for t in (ATLAS.FundingLine, SDO.MonetaryGrant))
            yield node, SDO.fundedItem, project
            yield node, SDO.amount, decimal(line.amount)
            yield node, SDO.currency, plain("EUR")
            yield node, ATLAS.fundingYear, year(line.year)
            yield node, ATLAS.rowNumber, plain(number)
            for amount in line.water_law_amounts:
                yield node, ATLAS.waterLawAmount, decimal(amount)
            for funder in line.funders:
                yield node, SDO.funder, self.index.iri_of(funder, record)
            if line.unidentified:
                yield node, ATLAS.unidentifiedFunder, plain(True)

    def _other_themes(self, record: Record, project: URIRef) -> Iterator[Triple]:
        for number, raw in enumerate(record.other_theme_rows, start=1):
            row = self.vocabulary.split(raw)
            node = self.minter.row(record.record_id, "theme", number)
            yield project, ATLAS.themeAssignment, node
            yield node, RDF.type, ATLAS.ThemeAssignment
            yield node, ATLAS.rawText, fr(raw)
            yield node, ATLAS.rowNumber, plain(number)
            if row.priority is not None:
                yield node, ATLAS.priority, plain(row.priority)
            if row.path:
                yield node, ATLAS.theme, self.concepts.theme(row.path)
            else:
                self.problems.append(Problem(record.shown_as, "other_themes", raw,
                                             "cannot be split into known theme labels without guessing; "
                                             "kept as raw text"))

    def _contacts(self, record: Record, project: URIRef) -> Iterator[Triple]:
        """The post following the project, and which source each contact's membership was read
        from; the memberships themselves go to the actors graph (a person's role in an
        organisation is a fact about actors, met in many records)."""
        index = self.index
        source = self.minter.source(record.record_id)
        if record.post is not None:
            post = index.resolve_post(record.post.name)
            yield project, ATLAS.followedBy, post
            for contact in record.post.contacts:
                person = index.person(contact.given_name, contact.family_name, contact.email, post).iri
                yield self._membership(person, post, contact.role), PROV.wasDerivedFrom, source
        for partner_contact in record.partner_contacts:
            partner = index.iri_of(partner_contact.partner, record)
            person = index.person(partner_contact.given_name, partner_contact.family_name, partner_contact.email,
                                  partner).iri
            yield self._membership(person, partner, partner_contact.function), PROV.wasDerivedFrom, source

    def _membership(self, person: URIRef, organization: URIRef, role: str | None) -> URIRef:
        node = self.minter.hashed("membership", str(person), str(organization), role or "")
        self.memberships[node] = (person, organization, self.concepts.role(role) if role else None)
        return node

    def _membership_triples(self) -> Iterator[Triple]:
        for node in sorted(self.memberships):
            person, organization, role = self.memberships[node]
            yield node, RDF.type, ORG.Membership
            yield node, ORG.member, person
            yield node, ORG.organization, organization
            if role is not None:
                yield node, ORG.role, role

    def _volunteers(self, record: Record, project: URIRef) -> Iterator[Triple]:
        for number, volunteer in enumerate(record.volunteers, start=1):
            node = self.minter.row(record.record_id, "volunteer", number)
            person = self.minter.hashed("person", names.fold(f"{volunteer.given_name} {volunteer.family_name}"),
                                        str(project))
            yield project, ATLAS.volunteerAssignment, node
            yield node, RDF.type, ATLAS.VolunteerAssignment
            yield node, ATLAS.rowNumber, plain(number)
            yield node, ATLAS.volunteer, person
            yield person, RDF.type, FOAF.Person
            if self.personal_data:
                yield person, FOAF.name, Literal(f"{volunteer.given_name} {volunteer.family_name}".strip())
                yield person, FOAF.givenName, Literal(volunteer.given_name)
                yield person, FOAF.familyName, Literal(volunteer.family_name)
            for prop, value in ((ATLAS.mission, volunteer.mission), (ATLAS.fieldOfAction, volunteer.field_of_action),
                                (ATLAS.assignedEntity, volunteer.assigned_entity)):
                if value:
                    yield node, prop, fr(value)

    # -- shared graphs -----------------------------------------------------------------------
    def actor_triples(self) -> Iterator[Triple]:
        """Types, labels, names, e-mails, countries and acronyms of every actor of the build, and
        the memberships (people's roles in posts and collectivities) of the records mapped."""
        yield from self._membership_triples()
        for iri in sorted(self.index.actors):
            actor = self.index.actors[iri]
            yield from ((iri, RDF.type, t) for t in _ACTOR_TYPES[actor.kind])
            if actor.kind == PERSON:
                if self.personal_data:
                    yield iri, FOAF.name, Literal(actor.label)
                    if actor.given_name:
                        yield iri, FOAF.givenName, Literal(actor.given_name)
                    yield iri, FOAF.familyName, Literal(actor.family_name)
                    if actor.email:
                        yield iri, FOAF.mbox, URIRef(f"mailto:{actor.email}")
                continue
            yield iri, SKOS.prefLabel, fr(actor.label)
            for alt in actor.alt_labels:
                yield iri, SKOS.altLabel, fr(alt)
            if actor.country:
                yield iri, ATLAS.country, self.concepts.country(actor.country)
            for acronym in actor.acronyms:
                yield iri, ATLAS.acronym, Literal(acronym)

    def vocabulary_triples(self) -> Iterator[Triple]:
        """Concept schemes and the concepts the build used; the countries of its actors."""
        m, c = self.minter, self.concepts
        for scheme, (label_fr, label_en) in SCHEMES.items():
            yield m.scheme(scheme), RDF.type, SKOS.ConceptScheme
            yield m.scheme(scheme), SKOS.prefLabel, fr(label_fr)
            yield m.scheme(scheme), SKOS.prefLabel, Literal(label_en, lang="en")
        for path in sorted(c.themes):
            concept = m.concept("theme", *path)
            yield from self._concept(concept, "themes", path[-1])
            if len(path) == 1:
                yield concept, SKOS.topConceptOf, m.scheme("themes")
                yield m.scheme("themes"), SKOS.hasTopConcept, concept
            else:
                yield concept, SKOS.broader, m.concept("theme", *path[:-1])
        for scheme, kind, labels in (("statuses", "status", c.statuses), ("forms", "form", c.forms)):
            for label in sorted(labels):
                concept = m.concept(kind, label)
                yield from self._concept(concept, scheme, label)
                yield concept, SKOS.topConceptOf, m.scheme(scheme)
        for label in sorted(c.roles):
            concept = m.concept("role", label)
            yield from self._concept(concept, "roles", label)
            yield concept, RDF.type, ORG.Role
        for alpha2 in sorted(c.countries):
            country = names.country_by_code(alpha2)
            node = COUNTRY[country.alpha3]
            yield node, RDF.type, SKOS.Concept
            yield node, SKOS.inScheme, URIRef(str(COUNTRY).rstrip("/"))
            yield node, SKOS.prefLabel, fr(country.name_fr)
            yield node, SKOS.prefLabel, Literal(country.name_en, lang="en")
            yield node, ATLAS.isoAlpha2, plain(country.alpha2)

    def _concept(self, concept: URIRef, scheme: str, label: str) -> Iterator[Triple]:
        yield concept, RDF.type, SKOS.Concept
        yield concept, SKOS.inScheme, self.minter.scheme(scheme)
        yield concept, SKOS.prefLabel, fr(label)
