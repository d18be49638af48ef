"""Sections: the text of an Atlas detail page -> its labelled sections.

Input: the decoded text of one page (LF line ends). Output: ``Sections``, the lines under each
known heading, the statements present ("Le partenariat est triennal", ...), and problems for
lines that belong nowhere. Page chrome (breadcrumbs, untranslated ``???…???`` keys,
``pagination.*``, ``commun.ico.loupe.alter``, footer) is dropped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .records import Problem, RecordError

#: Headings in page order: (key, heading text, header row of the table that follows or None).
HEADINGS: tuple[tuple[str, str, str | None], ...] = (
    ("post", "Contacts dans le poste diplomatique", None),
    ("title", "Titre", None),
    ("first_signature_year", "Année de première signature de la convention", None),
    ("theme1", "Thématique d'intervention", None),
    ("theme2", "Sous-thématique d'intervention", None),
    ("theme3", "Sous-sous-thématique d'intervention", None),
    ("other_themes", "Autres thématiques mises en œuvre pour le partenariat",
     "Thématique éligible Sous-thématique Sous-sous-thématique Priorité"),
    ("start_year", "Année de début du partenariat", None),
    ("status", "Le partenariat est", None),
    ("end_date", "Date de fin du partenariat", None),
    ("context", "Contexte", None),
    ("history", "Historique", None),
    ("objective", "Objectif du partenariat", None),
    ("description", "Description détaillée du partenariat", None),
    ("form", "Votre partenariat prend la forme d'un(e)", None),
    ("implementation", "Mise en œuvre du partenariat", None),
    ("implementers", "Maître(s) d'œuvre", None),
    ("contracting_authorities", "Maître(s) d'ouvrage", None),
    ("beneficiaries", "Bénéficiaire(s)", None),
    ("foreign_partners", "Partenaires étrangers du partenariat", "Nom de la collectivité étrangère Pays"),
    ("partner_contacts", "Contacts dans les partenaires étrangers du partenariat",
     "Nom de la collectivité étrangère Nom Prénom Fonction Courriel"),
    ("french_partners", "Collectivités territoriales partenaires du partenariat",
     "Nom de la collectivité territoriale"),
    ("funding", "Financement du partenariat", "Nom du financeur Montant en euros"),
    ("evaluation_block", "Évaluations, communication et perspectives", None),
    ("volunteers",
     "Volontaires impliqués dans le partenariat (VSI, service civique, etc.) d'Échange et de Solidarité",
     "Nom Prénom Mission Champs d'action Entité d'affectation"),
    ("footer", "PIED DE PAGE", None),
)

#: Sections whose text is prose: blank lines are paragraph breaks, kept.
PROSE = frozenset({"context", "history", "objective", "description", "beneficiaries"})

#: Statements: a line present means true.
STATEMENTS = {
    "Le partenariat est triennal": ("triennial", True),
    "Le partenariat n'est pas triennal": ("triennial", False),
    "Une communication a été engagée en France": ("communication_france", True),
    "Une communication a été engagée dans les pays partenaires": ("communication_partners", True),
    "Une politique d'évaluation a été engagée": ("evaluation", True),
}

_POST = re.compile(r'^Contacts dans le poste diplomatique\s+["“«]\s*(?P<name>.+?)\s*["”»]$')
_CHROME = (
    re.compile(r"^Accueil\s*>"),
    re.compile(r"\?\?\?[^?]*\?\?\?"),
    re.compile(r"pagination\.\w+"),
    re.compile(r"^Atlas français de la coopération décentralisée"),
    re.compile(r"^Tous droits réservés"),
)
#: One pattern for all of page chrome, searched once per line.
_CHROME_ANY = re.compile("|".join(f"(?:{p.pattern})" for p in _CHROME))
_POST_PREFIX = "Contacts dans le poste diplomatique"
_ICON = re.compile(r"\s*commun\.ico\.loupe\.alter\s*$")
_REQUIRED = ("title", "foreign_partners")


def _norm_line(line: str) -> str:
    """Spaces (no-break ones too: ``str.split`` takes them as spaces) collapsed, typographic
    apostrophes made plain."""
    return " ".join(line.replace("’", "'").split())


_BY_TEXT = {_norm_line(text): (index, key) for index, (key, text, _) in enumerate(HEADINGS)}
_STATEMENTS = {_norm_line(text): value for text, value in STATEMENTS.items()}
_HEADING_TEXT = {key: _norm_line(text) for key, text, _ in HEADINGS}
_HEADER_ROW = {key: _norm_line(header) for key, _, header in HEADINGS if header}


@dataclass
class Sections:
    """The labelled lines of one page."""

    source: str
    content: dict[str, list[str]] = field(default_factory=dict)
    statements: dict[str, bool] = field(default_factory=dict)
    post_name: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def lines(self, key: str) -> list[str]:
        """The non-blank lines of a section."""
        return [stripped for line in self.content.get(key, []) if (stripped := line.strip())]

    def rows(self, key: str) -> list[str]:
        """The rows of a table section, header row and icon text removed."""
        header, heading = _HEADER_ROW.get(key), _HEADING_TEXT[key]
        rows = []
        for line in self.lines(key):
            if header and _norm_line(line).startswith(header):
                continue
            row = _ICON.sub("", line).strip()
            if row and row != heading:
                rows.append(row)
        return rows

    def line(self, key: str) -> str | None:
        """A one-line value; several lines are joined with a space."""
        found = self.lines(key)
        return " ".join(found) if found else None

    def text(self, key: str) -> str | None:
        """A prose section with its paragraphs (blank lines between them), or None when empty."""
        lines = [line.rstrip() for line in self.content.get(key, [])]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        return text or None

    def blocks(self, key: str) -> list[list[str]]:
        """Groups of lines separated by blank lines."""
        groups: list[list[str]] = [[]]
        for line in self.content.get(key, []):
            if line.strip():
                groups[-1].append(line.strip())
            elif groups[-1]:
                groups.append([])
        return [g for g in groups if g]

    def present(self, statement: str) -> bool:
        return self.statements.get(statement, False)

    def flag(self, statement: str) -> bool | None:
        return self.statements.get(statement)


def split(text: str, source: str) -> Sections:
    """Cut a page into its sections; raises RecordError when it is not a whole Atlas record."""
    found = Sections(source)
    position = -1
    key: str | None = None
    seen_heading = False
    for raw in text.split("\n"):
        collapsed = " ".join(raw.split())  # as _norm_line, typographic apostrophes kept
        kept = raw.replace("\u00a0", " ") if key in PROSE else collapsed  # what the section keeps
        if not collapsed:  # a blank line: a paragraph break in prose, kept empty elsewhere
            if key is not None and key != "footer":
                found.content[key].append(kept)
            continue
        line = collapsed.replace("’", "'")
        post = _POST.match(line) if line.startswith(_POST_PREFIX) else None
        heading = ("post", 0) if post else None
        if heading is None and line in _BY_TEXT and _BY_TEXT[line][0] >= position:
            heading = (_BY_TEXT[line][1], _BY_TEXT[line][0])
        if heading is not None:
            key, position = heading
            seen_heading = True
            found.content.setdefault(key, [])
            if post:
                found.post_name = post["name"]
            continue
        if line in _STATEMENTS and key not in PROSE:
            name, value = _STATEMENTS[line]
            found.statements[name] = value
            continue
        if key == "footer":
            continue
        if key not in PROSE and _CHROME_ANY.search(line):
            continue
        if key is None:
            found.problems.append(Problem(source, "page", line, "text before the first heading, ignored"))
            continue
        if key in {"implementation", "evaluation_block"}:
            found.problems.append(Problem(source, key, line, "unexpected text under this heading, ignored"))
            continue
        found.content[key].append(kept)
    if not seen_heading:
        raise RecordError(source, "not an Atlas record: none of its headings was found")
    missing = [k for k in _REQUIRED if k not in found.content]
    if missing:
        raise RecordError(source, f"truncated or incomplete record: no {', '.join(missing)} section")
    return found
