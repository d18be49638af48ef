"""Names: normalising actor names and recognising countries.

Input: names as written in Atlas records. Output: comparison keys, IRI slugs, and ISO 3166-1
country codes (from pycountry's French and English names, so no hand-kept country list).
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-", "\u00a0": " "})

#: Prefixes that say "the town of" and are not part of a French collectivity's name.
#: The article a town's name starts with stays ("Ville de La Rochelle" is "La Rochelle"), and
#: "du"/"des" give it back ("Ville du Havre" is "Le Havre").
_TOWN_PREFIX = re.compile(r"^(?:ville|commune|mairie)\s+(?:de\s+|d'\s*|(?P<du>du)\s+|(?P<des>des)\s+)", re.IGNORECASE)


class _Uncombined(dict):
    """A ``str.translate`` table that deletes combining marks (accents) and keeps any other
    character, filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_UNCOMBINED = _Uncombined()


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-, accent-, apostrophe- and space-insensitive form of ``text``."""
    plain = unicodedata.normalize("NFKD", text.translate(_FOLD)).translate(_UNCOMBINED)
    return " ".join(plain.casefold().replace("œ", "oe").replace("æ", "ae").split())


def clean(text: str) -> str:
    """A name as displayed: typographic apostrophes kept, spaces collapsed."""
    return " ".join(text.replace("\u00a0", " ").split())


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """A readable IRI segment: ``Ville d'Évry`` -> ``ville-d-evry``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def _article(match: re.Match[str]) -> str:
    return "Le " if match["du"] else "Les " if match["des"] else ""


def strip_town_prefix(name: str) -> str:
    """``Ville d'Évry`` -> ``Évry``; a name that is only a prefix is kept as it is.

    ``Commune V du District de Bamako`` is not touched: only "de", "d'", "du", "des" right after
    the prefix word mark it as a prefix, and "V" is none of them.
    """
    stripped = _TOWN_PREFIX.sub(_article, clean(name).translate(_FOLD), count=1)
    return stripped if stripped.strip() else clean(name)


@lru_cache(maxsize=1 << 16)
def french_key(name: str) -> str:
    """The identity key of a French collectivity (prefix "Ville de" etc. ignored)."""
    return fold(strip_town_prefix(name))


# -- countries ---------------------------------------------------------------------------------

#: Spellings of the Atlas that pycountry's French and English names do not give, by ISO code.
#: Only short forms of names pycountry already knows in a longer official form.
_ATLAS_SPELLINGS = {
    "KR": ["Corée du Sud"],
    "KP": ["Corée du Nord"],
    "MD": ["Moldavie"],
    "SY": ["Syrie"],
    "LA": ["Laos"],
    "PS": ["Territoires palestiniens", "Palestine"],
    "CZ": ["République tchèque"],
    "VN": ["Vietnam"],
    "MK": ["Macédoine"],
    "CD": ["RDC", "Congo (RDC)"],
    "CG": ["Congo"],
    "US": ["Etats-Unis d'Amérique"],
    "GB": ["Grande-Bretagne"],
    "CV": ["Cap-Vert", "Cap Vert"],
    "VA": ["Saint-Siège"],
}


@dataclass(frozen=True)
class Country:
    """A country as the Atlas names it."""

    alpha2: str
    alpha3: str
    name_fr: str
    name_en: str


@cache
def _countries() -> tuple[dict[str, Country], dict[str, Country]]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    by_name: dict[str, Country] = {}
    by_code: dict[str, Country] = {}
    for entry in pycountry.countries:
        name_fr = french.gettext(entry.name)
        short_fr = name_fr.split(",")[0].strip()
        name_en = getattr(entry, "common_name", None) or entry.name
        country = Country(entry.alpha_2, entry.alpha_3, short_fr, name_en)
        by_code[entry.alpha_2] = country
        names = {name_fr, short_fr, entry.name, name_en, getattr(entry, "official_name", entry.name)}
        names.update(_ATLAS_SPELLINGS.get(entry.alpha_2, []))
        for name in names:
            by_name.setdefault(fold(name), country)
    return by_name, by_code


def country_by_name(name: str) -> Country | None:
    """The country a French (or English) name denotes, or None."""
    return _countries()[0].get(fold(name))


def country_by_code(alpha2: str) -> Country:
    """The country of an ISO 3166-1 alpha-2 code (KeyError when unknown)."""
    return _countries()[1][alpha2.upper()]


_MAX_COUNTRY_WORDS = 6


def split_name_country(text: str) -> tuple[str, Country] | None:
    """Split ``Commune V du District de Bamako Mali`` into the name and its country.

    The longest trailing run of words that is a country name wins, so multi-word countries
    (``Côte d'Ivoire``, ``République démocratique du Congo``) are found whole. None when no
    trailing words name a country or nothing is left for the name.
    """
    words = clean(text).split(" ")
    for size in range(min(_MAX_COUNTRY_WORDS, len(words) - 1), 0, -1):
        country = country_by_name(" ".join(words[-size:]))
        if country is not None:
            return " ".join(words[:-size]), country
    return None


# -- joined names ------------------------------------------------------------------------------

# "et" in any case; the article only in lower case, so "… et La Rochelle" keeps its "La".
_JOIN = re.compile(r"(?i:\s+et\s+)(?:(?:la|le|les)\s+|l['’]\s*)?")
_STRONG_JOIN = re.compile(r"(?i:\s+et\s+)(?:(?:la|le|les)\s+|l['’]\s*)")
_MAX_JOINS = 10


def split_joined(text: str, is_known: KnownName) -> tuple[list[str], bool]:
    """Split ``A et la B et C`` into the names it joins.

    A split is kept where it yields names that ``is_known`` recognises (the record's own actors
    and the corpus's), so a name holding " et " (``Ministère de l'Europe et des Affaires
    étrangères``) stays whole. When no piece is known, only the strong joins " et la ",
    " et le ", " et l'" split. Returns the names and whether every name was recognised.
    """
    text = clean(text)
    cuts = list(_JOIN.finditer(text))[:_MAX_JOINS]
    if not cuts:
        return [text], is_known(text)
    # best[i] = (known pieces, -pieces, names) for the text up to boundary i
    starts = [0, *(m.end() for m in cuts)]
    ends = [*(m.start() for m in cuts), len(text)]
    best: list[tuple[int, int, list[str]] | None] = [None] * (len(ends) + 1)
    best[0] = (0, 0, [])
    for j in range(1, len(ends) + 1):
        for i in range(j):
            prev = best[i]
            if prev is None:
                continue
            piece = text[starts[i] : ends[j - 1]]
            score = (prev[0] + int(is_known(piece)), prev[1] - 1, [*prev[2], piece])
            current = best[j]
            if current is None or score[:2] > current[:2]:
                best[j] = score
    known, _, names = best[len(ends)]  # type: ignore[misc]
    if known == 0:
        names = [clean(p) for p in _STRONG_JOIN.split(text) if clean(p)]
    return names, known == len(names)


class KnownName:
    """A predicate over names, built from sets of folded names (with and without town prefix)."""

    def __init__(self, names: set[str]) -> None:
        self._keys = {fold(n) for n in names} | {french_key(n) for n in names}

    def __call__(self, name: str) -> bool:
        return fold(name) in self._keys or french_key(name) in self._keys
