"""Identity: typed records -> one IRI per actor, whatever record or table names it.

Input: all the parsed ``Record``s of a build. Output: an ``ActorIndex`` that gives the IRI of
every actor named anywhere (partner tables, funders, contracting authorities, implementers,
contacts), with its kind, preferred label, other spellings, country and acronym, and the
problems met while merging (ambiguous names are kept apart and reported, never merged).

Rules (see docs/model.md): French collectivities match on their normalised name with the
"Ville de/d'", "Commune de/d'", "Mairie de/d'" prefixes ignored; foreign collectivities on name
and country; people on e-mail, else name and organisation; posts on their name; other
organisations on their normalised name. The preferred label is the name used in the partner
tables (else the first spelling met, records taken in id order); the others are altLabels.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from . import names
from .records import ForeignPartner, Problem, Record

DEFAULT_BASE_IRI = "https://w3id.org/atlas-coop/"

FRENCH, FOREIGN, ORGANIZATION, POST, PERSON = "french", "foreign", "organization", "post", "person"


class Minter:
    """Makes the IRIs of one dataset under a base IRI."""

    def __init__(self, base_iri: str = DEFAULT_BASE_IRI) -> None:
        self.base = base_iri if base_iri.endswith(("/", "#")) else base_iri + "/"
        self._concepts: dict[tuple[str, ...], URIRef] = {}

    def iri(self, *segments: str) -> URIRef:
        return URIRef(self.base + "/".join(segments))

    def project(self, record_id: str) -> URIRef:
        return self.iri("id", "project", record_id)

    def source(self, record_id: str) -> URIRef:
        return self.iri("id", "source", record_id)

    def record_graph(self, record_id: str) -> URIRef:
        return self.iri("graph", record_id)

    def actors_graph(self) -> URIRef:
        return self.iri("graph", "actors")

    def vocabulary_graph(self) -> URIRef:
        return self.iri("graph", "vocabulary")

    def row(self, record_id: str, table: str, number: int) -> URIRef:
        return self.iri("id", "project", record_id, table, str(number))

    def concept(self, scheme: str, *labels: str) -> URIRef:
        key = (scheme, *labels)
        found = self._concepts.get(key)
        if found is None:  # the same few hundred concepts are asked for in every record
            found = self._concepts[key] = self.iri("id", scheme, *(names.slug(label) for label in labels))
        return found

    def scheme(self, name: str) -> URIRef:
        return self.iri("id", "scheme", name)

    def hashed(self, kind: str, *parts: str) -> URIRef:
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
        return self.iri("id", kind, digest)


@dataclass
class Actor:
    """One node of the graph standing for a collectivity, organisation, post or person."""

    iri: URIRef
    kind: str
    spellings: list[str] = field(default_factory=list)  # in the order met
    preferred: str | None = None  # the partner-table name, when there is one
    country: str | None = None  # ISO alpha-2
    acronyms: list[str] = field(default_factory=list)
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None

    def met(self, spelling: str) -> None:
        spelling = names.clean(spelling)
        if spelling not in self.spellings:
            self.spellings.append(spelling)

    @property
    def label(self) -> str:
        return self.preferred or self.spellings[0]

    @property
    def alt_labels(self) -> list[str]:
        return sorted(s for s in self.spellings if s != self.label)


class ActorIndex:
    """Every actor of a set of records, one per identity."""

    def __init__(self, records: Iterable[Record], minter: Minter) -> None:
        self.minter = minter
        self.actors: dict[URIRef, Actor] = {}
        self.problems: list[Problem] = []
        self._french: dict[str, URIRef] = {}
        self._foreign_by_name: dict[str, set[URIRef]] = defaultdict(set)
        self._local_record: Record | None = None
        self._local: tuple[set[str], dict[str, ForeignPartner]] = (set(), {})
        ordered = sorted(records, key=lambda r: r.record_id)
        for record in ordered:  # partner tables first: they fix kinds and preferred labels
            for name in record.french_partners:
                self._add(FRENCH, name, preferred=True)
            for partner in record.foreign_partners:
                self._add(FOREIGN, partner.name, country=partner.country, preferred=True)
        for record in ordered:
            self._index_mentions(record)

    # -- building ----------------------------------------------------------------------------
    def _add(self, kind: str, name: str, *, country: str | None = None, preferred: bool = False) -> Actor:
        name = names.clean(name)
        if kind == FRENCH:
            iri = self.minter.iri("id", "collectivity", "fr", names.slug(names.french_key(name)))
            self._french[names.french_key(name)] = iri
            country = "FR"
        elif kind == FOREIGN:
            assert country is not None
            iri = self.minter.iri("id", "collectivity", country.lower(), names.slug(name))
            self._foreign_by_name[names.fold(name)].add(iri)
            self._foreign_by_name[names.french_key(name)].add(iri)
        elif kind == POST:
            iri = self.minter.iri("id", "post", names.slug(name))
        else:
            iri = self.minter.iri("id", "organization", names.slug(name))
        actor = self.actors.get(iri)
        if actor is None:
            actor = self.actors[iri] = Actor(iri, kind, country=country)
        actor.met(name)
        if preferred and actor.preferred is None:
            actor.preferred = names.clean(name)
        return actor

    def _index_mentions(self, record: Record) -> None:
        for line in record.funding:
            for funder in line.funders:
                self.resolve(funder, record)
        for name in record.contracting_authorities:
            self.resolve(name, record)
        for implementer in record.implementers:
            actor = self.resolve(implementer.name, record)
            if implementer.acronym and implementer.acronym not in actor.acronyms:
                actor.acronyms.append(implementer.acronym)
            if actor.kind == ORGANIZATION and implementer.country and actor.country is None:
                actor.country = implementer.country
        if record.post is not None:
            post = self._add(POST, record.post.name, preferred=True)
            for contact in record.post.contacts:
                self.person(contact.given_name, contact.family_name, contact.email, post.iri)
        for partner_contact in record.partner_contacts:
            partner = self.resolve(partner_contact.partner, record)
            self.person(partner_contact.given_name, partner_contact.family_name, partner_contact.email, partner.iri)

    def person(self, given: str, family: str, email: str | None, organization: URIRef) -> Actor:
        """The person with this e-mail, else with this name in this organisation."""
        name = names.clean(f"{given} {family}")
        if email:
            iri = self.minter.hashed("person", email.casefold())
        else:
            iri = self.minter.hashed("person", names.fold(name), str(organization))
        actor = self.actors.get(iri)
        if actor is None:
            actor = self.actors[iri] = Actor(iri, PERSON, given_name=given or None, family_name=family,
                                             email=email)
        actor.met(name)
        return actor

    # -- resolving ---------------------------------------------------------------------------
    def resolve(self, name: str, record: Record) -> Actor:
        """The actor a name mentioned in ``record`` (funder, authority, implementer) denotes.

        Tried in turn: a French partner of the record, a foreign partner of the record, a French
        collectivity of the corpus, a foreign collectivity of the corpus when only one country
        has that name; else an organisation of that name.
        """
        key = names.french_key(name)
        local_french, local_foreign = self._partners_of(record)
        if key in local_french or key in self._french:
            return self._mention(self._french[key], name)
        partner = local_foreign.get(names.fold(name)) or local_foreign.get(key)
        if partner is not None:
            return self._add(FOREIGN, partner.name, country=partner.country)
        candidates = self._foreign_by_name.get(names.fold(name)) or self._foreign_by_name.get(key) or set()
        if len(candidates) == 1:
            return self._mention(next(iter(candidates)), name)
        if len(candidates) > 1:
            labels = sorted(self.actors[c].label + f" ({self.actors[c].country})" for c in candidates)
            self.problems.append(Problem(record.shown_as, "actor", name,
                                         f"ambiguous: foreign collectivities {labels} share this name; "
                                         "kept as a separate organisation"))
        return self._add(ORGANIZATION, name)

    def _partners_of(self, record: Record) -> tuple[set[str], dict[str, ForeignPartner]]:
        """The record's French partners' keys and foreign partners by name, for the record last
        asked about (a record's mentions are resolved one after the other)."""
        if self._local_record is not record:
            local_foreign = {names.fold(p.name): p for p in record.foreign_partners}
            local_foreign.update({names.french_key(p.name): p for p in record.foreign_partners})
            self._local = ({names.french_key(n) for n in record.french_partners}, local_foreign)
            self._local_record = record
        return self._local

    def _mention(self, iri: URIRef, spelling: str) -> Actor:
        actor = self.actors[iri]
        actor.met(spelling)
        return actor

    def resolve_post(self, name: str) -> URIRef:
        return self._add(POST, name, preferred=True).iri

    def iri_of(self, name: str, record: Record) -> URIRef:
        return self.resolve(name, record).iri

    def foreign_iri(self, name: str, country: str) -> URIRef:
        return self.minter.iri("id", "collectivity", country.lower(), names.slug(name))
