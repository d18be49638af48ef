"""Resolving query parameters: a name as a person types it -> the IRI it denotes.

Input: a store and a value such as ``ville d'évry``, ``Gouvernance et democratie locales`` or a
full IRI. Output: the IRI of the one actor, project or theme with that label (case, accents,
apostrophes and "Ville de" prefixes ignored), or ``UnknownValue`` naming the closest labels.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from importlib import resources

from rdflib import URIRef

from .. import names
from ..stores.base import Store

_KIND_WORDS = {"actor": "actor", "project": "project", "theme": "theme"}


class UnknownValue(LookupError):
    """A parameter value that names nothing (or several things) in the graph."""

    def __init__(self, parameter: str, value: str, message: str, suggestions: list[str]) -> None:
        hint = f"; closest: {'; '.join(suggestions)}" if suggestions else ""
        super().__init__(f"{parameter}={value!r}: {message}{hint}")
        self.parameter = parameter
        self.value = value
        self.suggestions = suggestions


class Resolver:
    """Label look-ups on one store, read once and kept (the data is read-only between loads)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: dict[str, dict[str, set[URIRef]]] | None = None
        self._labels: dict[str, dict[str, str]] = defaultdict(dict)

    def _load(self) -> dict[str, dict[str, set[URIRef]]]:
        if self._index is None:
            sparql = resources.files(__package__).joinpath("internal/labels.rq").read_text(encoding="utf-8")
            index: dict[str, dict[str, set[URIRef]]] = defaultdict(lambda: defaultdict(set))
            for row in self.store.select(sparql):
                kind, label, iri = str(row["kind"]), str(row["label"]), URIRef(str(row["s"]))
                for key in {names.fold(label), names.french_key(label)} if kind == "actor" else {names.fold(label)}:
                    index[kind][key].add(iri)
                self._labels[kind].setdefault(names.fold(label), label)
            self._index = index
        return self._index

    def resolve(self, kind: str, parameter: str, value: str) -> URIRef:
        index = self._load()[kind]
        text = value.strip()
        if re.match(r"^https?://\S+$", text):
            if any(URIRef(text) in iris for iris in index.values()):
                return URIRef(text)
            raise UnknownValue(parameter, value, f"no {_KIND_WORDS[kind]} has this IRI", [])
        found = index.get(names.fold(text)) or (index.get(names.french_key(text)) if kind == "actor" else None)
        if not found:
            close = difflib.get_close_matches(names.fold(text), list(self._labels[kind]), n=5, cutoff=0.5)
            raise UnknownValue(parameter, value, f"no {_KIND_WORDS[kind]} has this name",
                               [self._labels[kind][c] for c in close])
        if len(found) > 1:
            raise UnknownValue(parameter, value, f"several {_KIND_WORDS[kind]}s have this name; give the IRI",
                               sorted(str(i) for i in found))
        return next(iter(found))

    @staticmethod
    def country(value: str) -> str:
        text = value.strip()
        if len(text) == 2 and text.isalpha():
            try:
                return names.country_by_code(text).alpha2
            except KeyError:
                pass
        country = names.country_by_name(text)
        if country is None:
            raise UnknownValue("country", value, "not a country code or name", [])
        return country.alpha2
