"""Typed records: what one Atlas detail page says, as immutable Python values.

Input: nothing (these are the types). Output: the ``Record`` that ``parse`` produces and
``mapping`` consumes. Tests build records directly from these classes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Problem:
    """Something in a source that could not be read as it should; names file, field and value."""

    source: str
    field: str
    value: str
    message: str
    severity: str = "warning"  # "warning": kept or reported; "error": left out of the graph

    def __str__(self) -> str:
        shown = f" {self.value!r}" if self.value else ""
        return f"{self.source}: {self.severity}: {self.field}:{shown}: {self.message}"


class RecordError(Exception):
    """A file that cannot be read as an Atlas record at all (empty, binary, truncated...)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[RecordError], tuple[str, str]]:
        # parsed in worker processes: sent back whole (the default pickles only the message)
        return RecordError, (self.source, self.reason)


@dataclass(frozen=True)
class EmbassyContact:
    """A person of the embassy post who follows the partnership."""

    role: str
    given_name: str
    family_name: str
    email: str | None = None


@dataclass(frozen=True)
class EmbassyPost:
    name: str
    contacts: tuple[EmbassyContact, ...] = ()


@dataclass(frozen=True)
class ForeignPartner:
    name: str
    country: str  # ISO 3166-1 alpha-2
    country_label: str  # as written in the record


@dataclass(frozen=True)
class PartnerContact:
    """A contact of a foreign partner: ``PARTNER FAMILY Given [function] [e-mail]``."""

    partner: str
    family_name: str
    given_name: str
    function: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Implementer:
    """A maître d'œuvre: ``Name (ACRONYM) - Country``."""

    name: str
    acronym: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class FundingLine:
    """One row of the funding table; a joint row names several funders and counts once."""

    funders: tuple[str, ...]
    amount: Decimal
    year: int
    water_law_amounts: tuple[Decimal, ...] = ()
    unidentified: bool = False  # the row names "Autre"


@dataclass(frozen=True)
class Volunteer:
    family_name: str
    given_name: str
    mission: str | None = None
    field_of_action: str | None = None
    assigned_entity: str | None = None


@dataclass(frozen=True)
class Record:
    """One partnership record of the Atlas."""

    record_id: str  # from the file name; names the project and its named graph
    source_name: str  # the file name
    sha256: str  # of the file's bytes
    title: str
    first_signature_year: int | None = None
    themes: tuple[str, ...] = ()  # main theme path: level 1, level 2, level 3
    other_theme_rows: tuple[str, ...] = ()  # "Autres thématiques" rows as read
    start_year: int | None = None
    status: str | None = None
    end_date: dt.date | None = None
    context: str | None = None
    history: str | None = None
    objective: str | None = None
    description: str | None = None
    beneficiaries: str | None = None
    form: str | None = None
    implementers: tuple[Implementer, ...] = ()
    contracting_authorities: tuple[str, ...] = ()
    foreign_partners: tuple[ForeignPartner, ...] = ()
    partner_contacts: tuple[PartnerContact, ...] = ()
    french_partners: tuple[str, ...] = ()
    triennial: bool | None = None
    funding: tuple[FundingLine, ...] = ()
    communication_in_france: bool = False
    communication_in_partner_countries: bool = False
    evaluation_policy: bool = False
    volunteers: tuple[Volunteer, ...] = ()
    post: EmbassyPost | None = None
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    location: str = field(default="", compare=False)  # the path as given, for reports

    @property
    def shown_as(self) -> str:
        """How reports name the record's file."""
        return self.location or self.source_name
