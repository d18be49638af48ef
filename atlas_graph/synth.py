"""Synthetic Atlas records, for benchmarks and parser stress tests.

Input: a record count and a random seed. Output: that many files ``NNNNNN_<hex>.txt`` in
``out_dir``, each an Atlas detail page copied as text, in exactly the layout of the real records
(``data/records/``), so the parser reads them. Everything is invented and plainly synthetic
(syllable-built names, example.org e-mails); only the country names are real (pycountry's French
names, in the Atlas's short form). The shape follows the real Atlas: about 4,756 French
collectivities and 9,889 foreign partners for 12,129 records (scaled to ``records``), Zipf-like
skew, 140 countries. The same seed gives byte-identical files.
"""

from __future__ import annotations

import gettext
import random
import unicodedata
from collections import Counter
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path

import pycountry

from .synth_data import (
    _HEAD,
    _NOT_FOREIGN,
    _SHORT,
    EMBASSY_ROLES,
    FO_KINDS,
    FO_SYL,
    FORMS,
    FR_END,
    FR_SYL,
    FUNCTIONS,
    GIVEN,
    MEAE,
    MISSIONS,
    PAGE,
    STATEMENTS,
    THEME_PATHS,
    VOLUNTEERS,
)

REAL_RECORDS, REAL_FRENCH, REAL_FOREIGN, COUNTRIES = 12_129, 4_756, 9_889, 140
NBSP, LOUPE = "\u00a0", " commun.ico.loupe.alter"


def french_country_names() -> dict[str, str]:
    """ISO alpha-2 -> the Atlas's French short name, for the countries that can be partners.

    The short name drops what follows a comma or a parenthesis ("Bolivie, état plurinational de"
    -> "Bolivie"), unless another country would then have the same name.
    """
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    full = {c.alpha_2: french.gettext(c.name) for c in sorted(pycountry.countries, key=lambda c: c.alpha_2)}
    short = {code: name.split(",")[0].split(" (")[0].strip() for code, name in full.items()}
    taken = Counter(short.values())
    return {
        code: _SHORT.get(code) or (short[code] if taken[short[code]] == 1 else full[code])
        for code in full
        if code not in _NOT_FOREIGN
    }


def _ascii(text: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return plain.lower().replace(" ", "-").replace("'", "")


def _zipf(n: int, exponent: float, offset: float = 1.0) -> list[float]:
    return list(accumulate(1.0 / (i + offset) ** exponent for i in range(n)))


def _rows(rows: Iterable[str]) -> str:
    return "".join(f"{row}\n" for row in rows)


def _elide(prefix: str, name: str) -> str:
    """``Ville de`` + ``Orval`` / ``Ville d'Ormeval``."""
    if prefix.endswith(" de") and name[:1] in "AEIOUYÉÈÎ":
        return f"{prefix[:-3]} d'{name}"
    return f"{prefix} {name}"


class _Atlas:
    """The synthetic world: actors with Zipf-like weights, and the records written from it."""

    def __init__(self, records: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seen: set[str] = set()
        scale = records / REAL_RECORDS
        all_countries = french_country_names()
        rest = [c for c in all_countries if c not in _HEAD]
        codes = _HEAD + self.rng.sample(rest, COUNTRIES - len(_HEAD))
        self.country_names = [all_countries[c] for c in codes]
        self.country_words = {n.lower() for n in all_countries.values()}
        n_french = max(1, round(REAL_FRENCH * scale))
        n_foreign = max(1, round(REAL_FOREIGN * scale))
        self.french = [self._french_name() for _ in range(n_french)]
        cw = _zipf(COUNTRIES, 1.0)
        self.foreign = [
            (
                self._foreign_name(),
                i if i < COUNTRIES else self.rng.choices(range(COUNTRIES), cum_weights=cw)[0],
            )
            for i in range(n_foreign)
        ]
        self.partner_contacts = [
            [self._person() + (self._function(),) for _ in range(self.rng.choice([0, 1, 1, 2, 3]))]
            for _ in self.foreign
        ]
        self.embassy_contacts = [
            [(role, self._person()) for role in EMBASSY_ROLES[: self.rng.choice([1, 1, 2, 3])]] for _ in codes
        ]
        self.french_of = self._deal(records, n_french, 0.9, [1] * 80 + [2] * 15 + [3] * 5)
        self.foreign_of = self._deal(records, n_foreign, 0.8, [1] * 75 + [2] * 18 + [3] * 5 + [4] * 2)

    def _unique(self, make) -> str:  # type: ignore[no-untyped-def]
        while True:
            name = make()
            if name not in self.seen and not any(w.lower() in self.country_words for w in name.split()):
                self.seen.add(name)
                return name

    def _word(self, syllables: list[str], ends: list[str] | None = None) -> str:
        parts = self.rng.choices(syllables, k=self.rng.randint(1, 2) + (0 if ends else 1))
        return ("".join(parts) + (self.rng.choice(ends) if ends else "")).capitalize()

    def _french_name(self) -> str:
        def make() -> str:
            w, r = self._word(FR_SYL, FR_END), self.rng.random()
            shapes = [(0.55, w), (0.65, f"Saint-{w}"), (0.72, f"{w}-sur-{self._word(FR_SYL, FR_END)}")]
            shapes += [(0.78, f"La {w}"), (0.88, f"Communauté de communes du Val de {w}")]
            shapes += [(0.93, _elide("Communauté d'agglomération de", w))]
            shapes += [(0.97, f"Conseil départemental du Haut-{w}"), (1.0, f"Région {w}-{self._word(FR_SYL)}")]
            return next(s for limit, s in shapes if r < limit)

        return self._unique(make)

    def _foreign_name(self) -> str:
        def make() -> str:
            w = self._word(FO_SYL)
            if self.rng.random() < 0.3:
                w += " " + self._word(FO_SYL)
            return _elide(self.rng.choice(FO_KINDS), w)

        return self._unique(make)

    def _person(self) -> tuple[str, str, str]:
        """(given, FAMILY, e-mail)."""
        given = self.rng.choice(GIVEN)
        family = self._word(FO_SYL + FR_SYL).upper()
        r = self.rng.random()
        if r < 0.1:
            family = f"LE {family}"
        elif r < 0.2:
            family = f"N'{family}"
        elif r < 0.3:
            family = f"{family}-{self._word(FR_SYL).upper()}"
        return given, family, f"{_ascii(given)}.{_ascii(family)}[at]example.org"

    def _function(self) -> str:
        return self.rng.choice(FUNCTIONS) if self.rng.random() < 0.8 else ""

    def _deal(self, records: int, n: int, exponent: float, sizes: list[int]) -> list[list[int]]:
        """Actor indices per record: every actor at least once, the extra slots Zipf-skewed."""
        counts = [self.rng.choice(sizes) for _ in range(records)]
        slots = list(range(n))
        extra = max(0, sum(counts) - n)
        slots += self.rng.choices(range(n), cum_weights=_zipf(n, exponent, 2.0), k=extra)
        self.rng.shuffle(slots)
        out, pos = [], 0
        for i, k in enumerate(counts):
            k = k if i < records - 1 else len(slots) - pos
            out.append(list(dict.fromkeys(slots[pos : pos + k])))
            pos += k
        return out

    # -- one record ---------------------------------------------------------------------------

    def _text(self, place: str, other: str, sentences: int) -> str:
        pool = [
            f"La coopération entre {place} et {other} a été engagée à l'initiative des élus.",
            f"Le projet s’appuie sur les services techniques de {other}.",
            f"Les habitants de {place} participent aux échanges organisés chaque année.",
            "Une convention précise les engagements respectifs des partenaires.",
            "Un comité de pilotage se réunit deux fois par an pour suivre les actions.",
            "Les actions sont évaluées au terme de chaque phase du programme.",
        ]
        return " ".join(self.rng.sample(pool, min(sentences, len(pool))))

    def _section(self, place: str, other: str, missing: float) -> str:
        """A text section's body (paragraphs, then a line end), or nothing."""
        if self.rng.random() < missing:
            return ""
        count = self.rng.randint(1, 2)
        return "\n\n".join(self._text(place, other, self.rng.randint(1, 3)) for _ in range(count)) + "\n"

    def _french_label(self, name: str) -> str:
        if " " in name and not name.startswith(("Saint-", "La ")):
            return name
        r = self.rng.random()
        return name if r < 0.7 else _elide("Ville de" if r < 0.9 else "Commune de", name)

    def record(self, index: int) -> str:
        rng = self.rng
        french = [self._french_label(self.french[i]) for i in self.french_of[index]]
        foreign = [self.foreign[i] for i in self.foreign_of[index]]
        country, place, other = foreign[0][1], french[0], foreign[0][0]
        embassy = ""
        if rng.random() < 0.75:
            name = self.country_names[country]
            prep = "en" if name[:1] in "AEIOUÉÎ" or name.endswith("e") else "au"
            blocks = [f"{role}\n{g} {f}\nCourriel : {e}\n" for role, (g, f, e) in self.embassy_contacts[country]]
            embassy = f'Contacts dans le poste diplomatique "Ambassade de France {prep} {name}"\n\n'
            embassy += f"{NBSP}\n".join(blocks)
        theme = rng.choice(THEME_PATHS)
        signed = rng.randint(1985, 2020)
        start = signed + rng.choice([0, 0, 0, 1, 2])
        status, end = "En cours", ""
        if rng.random() < 0.6:
            year = min(start + rng.randint(0, 6), 2023)
            status, end = "Terminé", f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}\n"
        implementer = ""
        if rng.random() < 0.6:
            acronym = self._word(FO_SYL).upper()[:5]
            implementer = f"Association {self._word(FR_SYL, FR_END)} Solidarité ({acronym}) - "
            implementer += f"{self.country_names[country]}\n"
        owners = french[: rng.randint(1, len(french))]
        joined = owners[0]
        for name in owners[1:]:
            article = "la " if name.startswith(("Ville", "Commune", "Région")) else ""
            joined += f" et {'le ' if name.startswith('Conseil') else article}{name}"
        contacts = []
        for i in self.foreign_of[index]:
            for given, family, mail, function in self.partner_contacts[i]:
                if rng.random() < 0.7:
                    email = mail if rng.random() < 0.75 or not function else ""
                    contacts.append(" ".join(w for w in [self.foreign[i][0], family, given, function, email] if w))
        funding = []
        for _ in range(0 if rng.random() < 0.1 else rng.randint(1, 4)):
            r = rng.random()
            funder = "Autre" if r < 0.12 else MEAE if r < 0.35 else rng.choice(french)
            funder = ", ".join(n for n, _ in foreign) if 0.35 <= r < 0.45 else funder
            amount = round(rng.lognormvariate(9, 1.1) / 100) * 100 + 100
            water = [str(round(amount * rng.random() / 100) * 100) for _ in range(rng.choice([0, 0, 0, 1, 2, 3]))]
            funding.append(" ".join([funder, str(amount), *water, str(start + rng.randint(0, 2))]))
        volunteers = []
        for _ in range(rng.choice([1, 2]) if rng.random() < 0.12 else 0):
            given, family, _mail = self._person()
            volunteers.append(f"{family} {given} {rng.choice(MISSIONS)} {theme[0]} {rng.choice(foreign)[0]}")
        return PAGE.format(
            embassy=embassy,
            title=f"{theme[1]} : {rng.choice(['coopération', 'échanges'])} entre {place} et {other}",
            signed=signed,
            theme1=theme[0],
            theme2=theme[1],
            theme3=theme[2],
            other_themes=_rows(
                " ".join([*path, str(n)])
                for n, path in enumerate(rng.sample(THEME_PATHS, rng.choice([0, 0, 1, 2, 3])), start=1)
            ),
            start=start,
            status=status,
            end=end,
            context=self._section(place, other, 0.2),
            history=self._section(place, other, 0.35),
            objective=self._section(place, other, 0.15),
            description=self._section(place, other, 0.2),
            form=rng.choices([f for f, _ in FORMS], weights=[w for _, w in FORMS])[0],
            implementer=implementer,
            owners=joined,
            beneficiaries=self._section(place, other, 0.25),
            foreign=_rows(f"{n} {self.country_names[c]}{LOUPE}" for n, c in foreign),
            contacts=_rows(contacts),
            french=_rows(f"{n}{LOUPE}" for n in french),
            triennial="est" if rng.random() < 0.15 else "n'est pas",
            funding=_rows(funding),
            statements="".join(f"{s}\n\n" for s in STATEMENTS if rng.random() < 0.5),
            volunteers=_rows(volunteers),
            volunteers_header=VOLUNTEERS,
            nbsp=NBSP,
        )


def write_synthetic_atlas(out_dir: Path, records: int, seed: int) -> list[Path]:
    """Write ``records`` synthetic record files into ``out_dir``; return their paths, in order."""
    if records < 1:
        raise ValueError("records must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    atlas = _Atlas(records, seed)
    paths = []
    for index in range(records):
        text = atlas.record(index)
        path = out_dir / f"{index:06d}_{atlas.rng.getrandbits(64):016x}.txt"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths
