"""Parse: the text of an Atlas detail page -> a typed ``Record``.

Input: the bytes of one record file (UTF-8, UTF-8 with BOM or Windows-1252; LF or CRLF).
Output: a ``records.Record``, with the problems met listed in ``Record.problems``; a file that
is not a readable Atlas record raises ``RecordError`` (file and reason, never a traceback).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from . import names, sections
from .records import (
    EmbassyContact,
    EmbassyPost,
    ForeignPartner,
    FundingLine,
    Implementer,
    PartnerContact,
    Problem,
    Record,
    RecordError,
    Volunteer,
)
from .sections import Sections


def decode(data: bytes, source: str) -> str:
    """Bytes -> text with LF line ends; UTF-8 (with or without BOM), else Windows-1252."""
    if not data.strip():
        raise RecordError(source, "empty file")
    if b"\x00" in data:
        raise RecordError(source, "binary file, not a text record")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise RecordError(source, f"neither UTF-8 nor Windows-1252 text ({exc.reason})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def record_id(source_name: str) -> str:
    """The record's identifier: its file name without extension, as an IRI segment."""
    return names.slug(Path(source_name).stem)


def parse_file(path: Path) -> Record:
    """Read and parse one record file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordError(str(path), f"cannot be read ({exc.strerror})") from None
    return parse_bytes(data, path.name, str(path))


def parse_bytes(data: bytes, source_name: str, shown_as: str | None = None) -> Record:
    """Parse a record from its bytes; ``source_name`` is the file name, kept as provenance.

    ``shown_as`` is how problems name the file (its path as given; the file name by default).
    """
    text = decode(data, shown_as or source_name)
    return parse_text(text, source_name, hashlib.sha256(data).hexdigest(), shown_as)


def parse_text(text: str, source_name: str, sha256: str = "", shown_as: str | None = None) -> Record:
    """Parse the text of one Atlas detail page."""
    found = sections.split(text, shown_as or source_name)
    return _RecordParser(found, shown_as or source_name).parse(source_name,
                                                              sha256 or hashlib.sha256(text.encode()).hexdigest())


_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_EMAIL_WORD = re.compile(r"\S+(?:\[at\]|@)\S*", re.IGNORECASE)
_IMPLEMENTER = re.compile(r"^(?P<name>.*?)(?:\s*\((?P<acronym>[^()]+)\))?(?:\s+-\s+(?P<country>[^-]+))?$")
_MAX_WATER_COLUMNS = 3

#: Words that open a contact's function in the foreign-partner contacts table.
FUNCTION_WORDS = frozenset(
    names.fold(w)
    for w in (
        "Maire", "Maire-adjoint", "Directeur", "Directrice", "Président", "Présidente", "Secrétaire",
        "Chargé", "Chargée", "Conseiller", "Conseillère", "Adjoint", "Adjointe", "Chef", "Cheffe",
        "Responsable", "Coordinateur", "Coordinatrice", "Attaché", "Attachée", "Gouverneur",
        "Préfet", "Vice-président", "Vice-présidente", "Délégué", "Déléguée", "Agent", "Élu",
        "Élue", "Assistant", "Assistante", "Administrateur", "Administratrice", "Trésorier",
        "Trésorière", "Membre", "Point", "Référent", "Référente", "Correspondant", "Correspondante",
        "Ingénieur", "Ingénieure", "Technicien", "Technicienne", "Premier", "Première", "Deuxième",
        "Maître", "Bourgmestre", "Intendant", "Gestionnaire", "Animateur", "Animatrice",
    )
)


def email_from(word: str) -> str:
    """``jean.dupont[at]example.org`` -> ``jean.dupont@example.org``."""
    return re.sub(r"\[at\]", "@", word.strip(), flags=re.IGNORECASE)


def _strip_known_suffix(text: str, candidates: list[str]) -> str | None:
    """The longest candidate that ``text`` ends with (as whole words), as written in ``text``."""
    folded = names.fold(text)
    for candidate in sorted(candidates, key=len, reverse=True):
        key = names.fold(candidate)
        if key and (folded == key or folded.endswith(" " + key)):
            return " ".join(text.split()[-len(key.split()):])
    return None


def _is_capitalised_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) or (len(letters) == 1 and word.isupper())


class _RecordParser:
    """Reads the sections of one page into a Record, collecting problems on the way."""

    def __init__(self, found: Sections, source: str) -> None:
        self.s = found
        self.source = source
        self.problems: list[Problem] = list(found.problems)

    def problem(self, field: str, value: str, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(self.source, field, value, message, severity))

    def parse(self, source_name: str, sha256: str) -> Record:
        s = self.s
        title = s.text("title")
        if not title:
            raise RecordError(self.source, "no title: not an Atlas partnership record")
        foreign = tuple(self.foreign_partners())
        french = tuple(names.clean(r) for r in s.rows("french_partners"))
        funding = tuple(self.funding())
        implementers = tuple(self.implementers())
        known = names.KnownName(
            {*french, *(p.name for p in foreign), *(f for line in funding for f in line.funders),
             *(i.name for i in implementers)}
        )
        return Record(
            record_id=record_id(source_name),
            source_name=source_name,
            sha256=sha256,
            title=title.replace("\n", " "),
            first_signature_year=self.year("first_signature_year"),
            themes=tuple(t for t in (s.line("theme1"), s.line("theme2"), s.line("theme3")) if t),
            other_theme_rows=tuple(names.clean(r) for r in s.rows("other_themes")),
            start_year=self.year("start_year"),
            status=s.line("status"),
            end_date=self.end_date(),
            context=s.text("context"),
            history=s.text("history"),
            objective=s.text("objective"),
            description=s.text("description"),
            beneficiaries=s.text("beneficiaries"),
            form=s.line("form"),
            implementers=implementers,
            contracting_authorities=tuple(self.contracting_authorities(known)),
            foreign_partners=foreign,
            partner_contacts=tuple(self.partner_contacts(foreign)),
            french_partners=french,
            triennial=s.flag("triennial"),
            funding=funding,
            communication_in_france=s.present("communication_france"),
            communication_in_partner_countries=s.present("communication_partners"),
            evaluation_policy=s.present("evaluation"),
            volunteers=tuple(self.volunteers(
                [*french, *(p.name for p in foreign), *(i.name for i in implementers)],
                [t for t in (s.line("theme1"), s.line("theme2"), s.line("theme3")) if t],
            )),
            post=self.post(),
            problems=tuple(self.problems),
            location=self.source,
        )

    # -- single values ---------------------------------------------------------------------
    def year(self, field: str) -> int | None:
        value = self.s.line(field)
        if value is None:
            return None
        if not _YEAR.match(value):
            self.problem(field, value, "not a year (expected four digits)", "error")
            return None
        return int(value)

    def end_date(self) -> dt.date | None:
        value = self.s.line("end_date")
        if value is None:
            return None
        match = _DATE.match(value)
        if match is None:
            self.problem("end_date", value, "not a date (expected dd/mm/yyyy)", "error")
            return None
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            self.problem("end_date", value, f"impossible date ({exc})", "error")
            return None

    # -- tables ----------------------------------------------------------------------------
    def foreign_partners(self) -> Iterator[ForeignPartner]:
        for row in self.s.rows("foreign_partners"):
            split = names.split_name_country(row)
            if split is None:
                self.problem("foreign_partners", row, "no known country name at the end of the row", "error")
                continue
            name, country = split
            yield ForeignPartner(name, country.alpha2, row[len(name):].strip())

    def partner_contacts(self, partners: tuple[ForeignPartner, ...]) -> Iterator[PartnerContact]:
        by_length = sorted({p.name for p in partners}, key=len, reverse=True)
        for row in self.s.rows("partner_contacts"):
            partner = next((p for p in by_length if names.fold(row).startswith(names.fold(p) + " ")), None)
            if partner is None:
                self.problem("partner_contacts", row, "does not start with a foreign partner of the record")
                continue
            contact = self.partner_contact(partner, row[len(partner):].split())
            if contact is not None:
                yield contact

    def partner_contact(self, partner: str, words: list[str]) -> PartnerContact | None:
        email = None
        if words and _EMAIL_WORD.fullmatch(words[-1]):
            email = email_from(words.pop())
        family: list[str] = []
        while words and _is_capitalised_word(words[0]) and names.fold(words[0]) not in FUNCTION_WORDS:
            family.append(words.pop(0))
        given: list[str] = []
        while words and names.fold(words[0]) not in FUNCTION_WORDS:
            given.append(words.pop(0))
        if not family:
            self.problem("partner_contacts", " ".join(given + words), "no family name in capitals")
            return None
        return PartnerContact(partner, " ".join(family), " ".join(given), " ".join(words) or None, email)

    def funding(self) -> Iterator[FundingLine]:
        for row in self.s.rows("funding"):
            line = self.funding_line(row)
            if line is not None:
                yield line

    def funding_line(self, row: str) -> FundingLine | None:
        words = names.clean(row).split(" ")
        numbers: list[str] = []
        while len(words) > 1 and _NUMBER.match(words[-1]) and len(numbers) < _MAX_WATER_COLUMNS + 2:
            numbers.insert(0, words.pop())
        if len(numbers) < 2 or not _YEAR.match(numbers[-1]):
            self.problem("funding", row, "expected: funder(s), amount in euros, [1% Eau amounts], year", "error")
            return None
        try:
            amounts = [Decimal(n.replace(",", ".")) for n in numbers[:-1]]
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            self.problem("funding", row, "amount is not a number", "error")
            return None
        funders = [f.strip() for f in " ".join(words).split(", ") if f.strip()]
        unidentified = any(names.fold(f) == "autre" for f in funders)
        named = tuple(f for f in funders if names.fold(f) != "autre")
        return FundingLine(named, amounts[0], int(numbers[-1]), tuple(amounts[1:]), unidentified)

    def implementers(self) -> Iterator[Implementer]:
        for line in self.s.lines("implementers"):
            match = _IMPLEMENTER.match(names.clean(line))
            assert match is not None  # the pattern matches any line
            country = None
            if match["country"]:
                found = names.country_by_name(match["country"])
                if found is None:
                    self.problem("implementers", line, f"unknown country {match['country']!r}; kept without")
                else:
                    country = found.alpha2
            name = match["name"] if (match["country"] is None or country) else names.clean(line)
            yield Implementer(name, match["acronym"], country)

    def contracting_authorities(self, known: names.KnownName) -> Iterator[str]:
        for line in self.s.lines("contracting_authorities"):
            parts, all_known = names.split_joined(line, known)
            if len(parts) > 1 and not all_known:
                self.problem("contracting_authorities", line, f"split into {parts} without knowing every name")
            yield from parts

    def volunteers(self, known_entities: list[str], known_fields: list[str]) -> Iterator[Volunteer]:
        """Rows ``FAMILY Given Mission Field Entity``, flattened with single spaces.

        The family name is the leading words in capitals and the given name the next word; the
        entity is recognised as a name of the record (a partner) at the end of the row, and the
        field of action as one of the record's theme labels before it. What cannot be
        recognised stays in the mission, and the row is reported.
        """
        for row in self.s.rows("volunteers"):
            words = row.split()
            family = []
            while words and _is_capitalised_word(words[0]):
                family.append(words.pop(0))
            if not family or not words:
                self.problem("volunteers", row, "no 'FAMILY Given' at the start of the row")
                continue
            given = words.pop(0)
            rest = " ".join(words)
            entity = _strip_known_suffix(rest, known_entities)
            if entity:
                rest = rest[: -len(entity)].strip()
            field = _strip_known_suffix(rest, known_fields)
            if field:
                rest = rest[: -len(field)].strip()
            if rest and not (entity and field):
                self.problem("volunteers", row, "field of action or assigned entity not recognised; "
                             "the unrecognised part is kept in the mission")
            yield Volunteer(" ".join(family), given, rest or None, field, entity)

    def post(self) -> EmbassyPost | None:
        name = self.s.post_name
        if name is None:
            return None
        contacts: list[EmbassyContact] = []
        for block in self.s.blocks("post"):
            contact = self.embassy_contact(block)
            if contact is not None:
                contacts.append(contact)
        return EmbassyPost(name, tuple(contacts))

    def embassy_contact(self, block: list[str]) -> EmbassyContact | None:
        email = None
        rest = []
        for line in block:
            if line.lower().startswith("courriel"):
                email = email_from(line.split(":", 1)[1]) if ":" in line else None
            else:
                rest.append(line)
        if len(rest) != 2:
            self.problem("post", " / ".join(block), "expected a role line, a name line and an e-mail")
            if len(rest) < 2:
                return None
        role, name = rest[0], rest[1]
        words = name.split()
        family = [w for w in words if _is_capitalised_word(w)]
        given = [w for w in words if not _is_capitalised_word(w)]
        return EmbassyContact(role, " ".join(given), " ".join(family), email or None)
