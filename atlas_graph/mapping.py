"""Mapping: typed records -> RDF triples, in the vocabulary of ``ontology/atlas.ttl``.

Input: a ``Record``, the ``ActorIndex`` of its build and the ``ThemeVocabulary`` of the corpus.
Output: the triples of the record's own named graph (``record_triples``), of the shared actors
graph (``actor_triples``) and of the vocabulary graph (``vocabulary_triples``), as rdflib terms
or as N-Triples text (the mapper's ``terms``, see ``terms``). See docs/model.md for every
class, property and IRI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import URIRef

from . import names
from .identity import FOREIGN, FRENCH, ORGANIZATION, PERSON, POST, ActorIndex, Minter
from .namespaces import COUNTRY
from .records import Problem, Record
from .terms import RDFLIB, Term, TermMaker
from .themes import ThemeVocabulary

Triple = tuple[Term, Term, Term]

SCHEMES = {"themes": ("Thématiques", "Themes"), "statuses": ("Statuts", "Statuses"),
           "forms": ("Formes de partenariat", "Partnership forms"), "roles": ("Fonctions", "Roles")}


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


Memberships = dict[Term, tuple[Term, Term, Term | None]]  # node -> person, organisation, role


@dataclass
class Mapper:
    """Maps the records of one build; collects the concepts they use and the problems met."""

    index: ActorIndex
    vocabulary: ThemeVocabulary
    personal_data: bool = True
    problems: list[Problem] = field(default_factory=list)
    terms: TermMaker = RDFLIB

    def __post_init__(self) -> None:
        self.minter = self.index.minter
        self.concepts = Concepts(self.minter)
        self.memberships: Memberships = {}
        v = self.terms
        self._actor_types = {
            FRENCH: (v.ATLAS.FrenchLocalAuthority, v.ORG.Organization),
            FOREIGN: (v.ATLAS.ForeignLocalAuthority, v.ORG.Organization),
            ORGANIZATION: (v.ORG.FormalOrganization, v.ORG.Organization),
            POST: (v.ATLAS.EmbassyPost, v.ORG.Organization),
            PERSON: (v.FOAF.Person,),
        }

    def fresh(self) -> Mapper:
        """A mapper for the same build (index, vocabulary, terms) that has mapped nothing yet."""
        return Mapper(self.index, self.vocabulary, self.personal_data, terms=self.terms)

    def merge(self, concepts: Concepts, memberships: Memberships, problems: list[Problem]) -> None:
        """Take in what another mapper of the same build met while mapping other records (the
        shared graphs are then mapped as if this mapper had mapped them all)."""
        self.concepts.merge(concepts)
        self.memberships.update(memberships)
        self.problems += problems

    # -- one record --------------------------------------------------------------------------
    def record_triples(self, record: Record) -> Iterator[Triple]:
        m, c, v, index = self.minter, self.concepts, self.terms, self.index
        ATLAS, DCTERMS = v.ATLAS, v.DCTERMS  # the namespaces' usual names
        project = v.iri(m.project(record.record_id))
        source = v.iri(m.source(record.record_id))
        yield from ((project, v.RDF.type, t) for t in (ATLAS.Partnership, v.SDO.Project))
        yield project, DCTERMS.title, v.fr(record.title)
        yield project, v.PROV.wasDerivedFrom, source
        yield source, v.RDF.type, ATLAS.SourceDocument
        yield source, DCTERMS.identifier, v.literal(record.source_name)
        yield source, DCTERMS.format, v.plain("text/plain")
        yield source, ATLAS.sha256, v.literal(record.sha256)
        if record.first_signature_year is not None:
            yield project, ATLAS.firstSignatureYear, v.year(record.first_signature_year)
        if record.start_year is not None:
            yield project, ATLAS.startYear, v.year(record.start_year)
        if record.end_date is not None:
            yield project, ATLAS.endDate, v.date(record.end_date)
        if record.themes:
            yield project, ATLAS.mainTheme, v.iri(c.theme(record.themes))
        if record.status:
            yield project, ATLAS.status, v.iri(c.status(record.status))
        if record.form:
            yield project, ATLAS.partnershipForm, v.iri(c.form(record.form))
        for prop, text in ((ATLAS.context, record.context), (ATLAS.history, record.history),
                           (ATLAS.objective, record.objective), (DCTERMS.description, record.description),
                           (ATLAS.beneficiaries, record.beneficiaries)):
            if text:
                yield project, prop, v.fr(text)
        if record.triennial is not None:
            yield project, ATLAS.triennial, v.plain(record.triennial)
        yield project, ATLAS.communicationInFrance, v.plain(record.communication_in_france)
        yield project, ATLAS.communicationInPartnerCountries, v.plain(record.communication_in_partner_countries)
        yield project, ATLAS.evaluationPolicy, v.plain(record.evaluation_policy)
        for name in record.french_partners:
            yield project, ATLAS.frenchPartner, v.iri(index.iri_of(name, record))
        for partner in record.foreign_partners:
            yield project, ATLAS.foreignPartner, v.iri(index.foreign_iri(partner.name, partner.country))
        for name in record.contracting_authorities:
            yield project, ATLAS.contractingAuthority, v.iri(index.iri_of(name, record))
        for implementer in record.implementers:
            yield project, ATLAS.implementer, v.iri(index.iri_of(implementer.name, record))
        yield from self._funding(record, project)
        yield from self._other_themes(record, project)
        yield from self._contacts(record, project, source)
        yield from self._volunteers(record, project)

    def _funding(self, record: Record, project: Term) -> Iterator[Triple]:
        v = self.terms
        ATLAS, SDO = v.ATLAS, v.SDO
        for number, line in enumerate(record.funding, start=1):
            node = v.iri(self.minter.row(record.record_id, "funding", number))
            yield from ((node, v.RDF.type, t) for t in (ATLAS.FundingLine, SDO.MonetaryGrant))
            yield node, SDO.fundedItem, project
            yield node, SDO.amount, v.decimal(line.amount)
            yield node, SDO.currency, v.plain("EUR")
            yield node, ATLAS.fundingYear, v.year(line.year)
            yield node, ATLAS.rowNumber, v.plain(number)
            for amount in line.water_law_amounts:
                yield node, ATLAS.waterLawAmount, v.decimal(amount)
            for funder in line.funders:
                yield node, SDO.funder, v.iri(self.index.iri_of(funder, record))
            if line.unidentified:
                yield node, ATLAS.unidentifiedFunder, v.plain(True)

    def _other_themes(self, record: Record, project: Term) -> Iterator[Triple]:
        v = self.terms
        ATLAS = v.ATLAS
        for number, raw in enumerate(record.other_theme_rows, start=1):
            row = self.vocabulary.split(raw)
            node = v.iri(self.minter.row(record.record_id, "theme", number))
            yield project, ATLAS.themeAssignment, node
            yield node, v.RDF.type, ATLAS.ThemeAssignment
            yield node, ATLAS.rawText, v.fr(raw)
            yield node, ATLAS.rowNumber, v.plain(number)
            if row.priority is not None:
                yield node, ATLAS.priority, v.plain(row.priority)
            if row.path:
                yield node, ATLAS.theme, v.iri(self.concepts.theme(row.path))
            else:
                self.problems.append(Problem(record.shown_as, "other_themes", raw,
                                             "cannot be split into known theme labels without guessing; "
                                             "kept as raw text"))

    def _contacts(self, record: Record, project: Term, source: Term) -> Iterator[Triple]:
        """The post following the project, and which source each contact's membership was read
        from; the memberships themselves go to the actors graph (a person's role in an
        organisation is a fact about actors, met in many records)."""
        index, v = self.index, self.terms
        if record.post is not None:
            post = index.resolve_post(record.post.name)
            yield project, v.ATLAS.followedBy, v.iri(post)
            for contact in record.post.contacts:
                person = index.person(contact.given_name, contact.family_name, contact.email, post).iri
                yield self._membership(person, post, contact.role), v.PROV.wasDerivedFrom, source
        for partner_contact in record.partner_contacts:
            partner = index.iri_of(partner_contact.partner, record)
            person = index.person(partner_contact.given_name, partner_contact.family_name, partner_contact.email,
                                  partner).iri
            yield self._membership(person, partner, partner_contact.function), v.PROV.wasDerivedFrom, source

    def _membership(self, person: URIRef, organization: URIRef, role: str | None) -> Term:
        v = self.terms
        node = v.iri(self.minter.hashed("membership", str(person), str(organization), role or ""))
        self.memberships[node] = (v.iri(person), v.iri(organization), v.iri(self.concepts.role(role)) if role else None)
        return node

    def _membership_triples(self) -> Iterator[Triple]:
        ORG = self.terms.ORG
        for node in sorted(self.memberships):
            person, organization, role = self.memberships[node]
            yield node, self.terms.RDF.type, ORG.Membership
            yield node, ORG.member, person
            yield node, ORG.organization, organization
            if role is not None:
                yield node, ORG.role, role

    def _volunteers(self, record: Record, project: Term) -> Iterator[Triple]:
        v, m = self.terms, self.minter
        ATLAS, FOAF = v.ATLAS, v.FOAF
        for number, volunteer in enumerate(record.volunteers, start=1):
            node = v.iri(m.row(record.record_id, "volunteer", number))
            person = v.iri(m.hashed("person", names.fold(f"{volunteer.given_name} {volunteer.family_name}"),
                                    str(m.project(record.record_id))))
            yield project, ATLAS.volunteerAssignment, node
            yield node, v.RDF.type, ATLAS.VolunteerAssignment
            yield node, ATLAS.rowNumber, v.plain(number)
            yield node, ATLAS.volunteer, person
            yield person, v.RDF.type, FOAF.Person
            if self.personal_data:
                yield person, FOAF.name, v.literal(f"{volunteer.given_name} {volunteer.family_name}".strip())
                yield person, FOAF.givenName, v.literal(volunteer.given_name)
                yield person, FOAF.familyName, v.literal(volunteer.family_name)
            for prop, value in ((ATLAS.mission, volunteer.mission), (ATLAS.fieldOfAction, volunteer.field_of_action),
                                (ATLAS.assignedEntity, volunteer.assigned_entity)):
                if value:
                    yield node, prop, v.fr(value)

    # -- shared graphs -----------------------------------------------------------------------
    def actor_triples(self) -> Iterator[Triple]:
        """Types, labels, names, e-mails, countries and acronyms of every actor of the build, and
        the memberships (people's roles in posts and collectivities) of the records mapped."""
        v = self.terms
        FOAF, SKOS = v.FOAF, v.SKOS
        yield from self._membership_triples()
        for iri in sorted(self.index.actors):
            actor = self.index.actors[iri]
            node = v.iri(iri)
            yield from ((node, v.RDF.type, t) for t in self._actor_types[actor.kind])
            if actor.kind == PERSON:
                if self.personal_data:
                    yield node, FOAF.name, v.literal(actor.label)
                    if actor.given_name:
                        yield node, FOAF.givenName, v.literal(actor.given_name)
                    yield node, FOAF.familyName, v.literal(actor.family_name)
                    if actor.email:
                        yield node, FOAF.mbox, v.iri(f"mailto:{actor.email}")
                continue
            yield node, SKOS.prefLabel, v.fr(actor.label)
            for alt in actor.alt_labels:
                yield node, SKOS.altLabel, v.fr(alt)
            if actor.country:
                yield node, v.ATLAS.country, v.iri(self.concepts.country(actor.country))
            for acronym in actor.acronyms:
                yield node, v.ATLAS.acronym, v.literal(acronym)

    def vocabulary_triples(self) -> Iterator[Triple]:
        """Concept schemes and the concepts the build used; the countries of its actors."""
        m, c, v = self.minter, self.concepts, self.terms
        RDF, SKOS = v.RDF, v.SKOS
        for scheme, (label_fr, label_en) in SCHEMES.items():
            yield v.iri(m.scheme(scheme)), RDF.type, SKOS.ConceptScheme
            yield v.iri(m.scheme(scheme)), SKOS.prefLabel, v.fr(label_fr)
            yield v.iri(m.scheme(scheme)), SKOS.prefLabel, v.literal(label_en, "en")
        for path in sorted(c.themes):
            concept = v.iri(m.concept("theme", *path))
            yield from self._concept(concept, "themes", path[-1])
            if len(path) == 1:
                yield concept, SKOS.topConceptOf, v.iri(m.scheme("themes"))
                yield v.iri(m.scheme("themes")), SKOS.hasTopConcept, concept
            else:
                yield concept, SKOS.broader, v.iri(m.concept("theme", *path[:-1]))
        for scheme, kind, labels in (("statuses", "status", c.statuses), ("forms", "form", c.forms)):
            for label in sorted(labels):
                concept = v.iri(m.concept(kind, label))
                yield from self._concept(concept, scheme, label)
                yield concept, SKOS.topConceptOf, v.iri(m.scheme(scheme))
        for label in sorted(c.roles):
            concept = v.iri(m.concept("role", label))
            yield from self._concept(concept, "roles", label)
            yield concept, RDF.type, v.ORG.Role
        for alpha2 in sorted(c.countries):
            country = names.country_by_code(alpha2)
            node = v.iri(COUNTRY[country.alpha3])
            yield node, RDF.type, SKOS.Concept
            yield node, SKOS.inScheme, v.iri(str(COUNTRY).rstrip("/"))
            yield node, SKOS.prefLabel, v.fr(country.name_fr)
            yield node, SKOS.prefLabel, v.literal(country.name_en, "en")
            yield node, v.ATLAS.isoAlpha2, v.plain(country.alpha2)

    def _concept(self, concept: Term, scheme: str, label: str) -> Iterator[Triple]:
        v = self.terms
        yield concept, v.RDF.type, v.SKOS.Concept
        yield concept, v.SKOS.inScheme, v.iri(self.minter.scheme(scheme))
        yield concept, v.SKOS.prefLabel, v.fr(label)
