"""Terms: how the mapper writes RDF terms, as rdflib terms or as their N-Triples text.

Input: IRIs, lexical values and the vocabulary's namespaces. Output: terms of one kind, from
the same calls: ``RDFLIB`` makes rdflib terms (for graphs: validation, stores, Turtle...);
``TEXT`` makes each term's N-Triples form as Oxigraph writes it (``<IRI>``, ``"texte"@fr``,
``"2020"^^<…#gYear>``), by Oxigraph's own term types, which check IRIs and escape literals, and
N-Quads files are these forms line by line. So one mapping gives both, and the N-Quads output
skips rdflib's terms: one costs about 3 µs to make and the Atlas has a million of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib import namespace as ns

from . import namespaces

Term = Any  # an rdflib term (``RDFLIB``) or an N-Triples form (``TEXT``)


class Vocabulary:
    """The terms of a closed namespace, each looked up once, in the kind of one ``TermMaker``.

    Attribute access on rdflib's ``DefinedNamespace`` costs about 5 µs (it checks the name
    each time); mapping the whole Atlas asks for a million terms. A name the namespace does
    not define still raises AttributeError.
    """

    def __init__(self, namespace: Any, iri: Callable[[str], Term]) -> None:
        self._namespace = namespace
        self._iri = iri

    def __getattr__(self, name: str) -> Term:
        term = self._iri(getattr(self._namespace, name))
        setattr(self, name, term)
        return term


class TermMaker:
    """Makes the terms of a mapping in one kind (see the module): IRIs, literals, vocabulary."""

    def __init__(self, iri: Callable[[str], Term], literal: Callable[..., Term],
                 typed: Callable[[str, URIRef], Term]) -> None:
        self.iri = iri  #: an IRI (ValueError for a string that is not one, in ``TEXT``)
        self.literal = literal  #: ``literal(value, lang=None)``: a string, boolean or integer
        self._typed = typed
        self.ATLAS, self.RDF = Vocabulary(namespaces.ATLAS, iri), Vocabulary(ns.RDF, iri)
        self.DCTERMS, self.FOAF, self.ORG, self.PROV, self.SDO, self.SKOS = (
            Vocabulary(n, iri) for n in (ns.DCTERMS, ns.FOAF, ns.ORG, ns.PROV, ns.SDO, ns.SKOS))
        self._made: dict[Hashable, Term] = {}

    def fr(self, text: str) -> Term:
        return self.literal(text, "fr")

    def decimal(self, value: Decimal) -> Term:
        """An xsd:decimal in the canonical form of XSD 1.1 (``27230``, ``1500.5``), the form
        Oxigraph keeps, so that every reader of the output sees the same term."""
        return self._typed(format(value.normalize(), "f"), ns.XSD.decimal)

    def date(self, value: dt.date) -> Term:
        return self._typed(value.isoformat(), ns.XSD.date)

    def year(self, value: int) -> Term:
        return self._once(("year", value), lambda: self._typed(f"{value:04d}", ns.XSD.gYear))

    def plain(self, value: bool | int | str) -> Term:
        """A literal that repeats across records (row numbers, flags, codes), made once."""
        return self._once((type(value), value), lambda: self.literal(value))  # True is not 1

    def _once(self, key: Hashable, make: Callable[[], Term]) -> Term:
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = make()
        return found


def _text_iri(value: str) -> str:
    return str(ox.NamedNode(value))


def _text_literal(value: str | bool | int, lang: str | None = None) -> str:
    return str(ox.Literal(value, language=lang))


def _text_typed(lexical: str, datatype: URIRef) -> str:
    return str(ox.Literal(lexical, datatype=ox.NamedNode(datatype)))


def _uriref(value: str) -> URIRef:
    return value if isinstance(value, URIRef) else URIRef(value)


def _rdflib_literal(value: str | bool | int, lang: str | None = None) -> Literal:
    return Literal(value, lang=lang)


def _rdflib_typed(lexical: str, datatype: URIRef) -> Literal:
    return Literal(lexical, datatype=datatype)


RDFLIB = TermMaker(_uriref, _rdflib_literal, _rdflib_typed)
TEXT = TermMaker(_text_iri, _text_literal, _text_typed)
