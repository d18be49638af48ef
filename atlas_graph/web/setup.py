"""Preparing the store a server will serve (what ``atlas-graph serve`` does before serving).

Input: sources (record files/folders, RDF files incl. TriG/N-Quads), an optional store URI,
the base IRI and whether personal data may be published. Output: ``served_store(...)`` ->
``(store, build or None)``; ``remove_personal_data(store)`` deletes the names and e-mails of
every ``foaf:Person`` with one SPARQL update.

Rules: with sources, they are built/loaded (records with ``personal_data`` as asked) into the
store (``oxigraph:`` in memory by default); without sources and without a store, the bundled
data; with a store and no sources, the store as it is, except that when personal data must be
removed its content is first copied into an in-memory store, so that the store itself is
never changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from atlas_graph.identity import DEFAULT_BASE_IRI
from atlas_graph.stores import Store, open_store

if TYPE_CHECKING:  # building records is imported only when there are sources to build
    from atlas_graph.build import Build

REMOVE_PERSONAL_DATA = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
DELETE { GRAPH ?g { ?person ?p ?o } }
WHERE {
  GRAPH ?g { ?person ?p ?o }
  VALUES ?p { foaf:name foaf:givenName foaf:familyName foaf:mbox }
  GRAPH ?typed { ?person a foaf:Person }
}"""


def remove_personal_data(store: Store) -> None:
    """Delete ``foaf:name``, ``foaf:givenName``, ``foaf:familyName`` and ``foaf:mbox`` of every
    ``foaf:Person`` in every named graph of ``store``."""
    store.update(REMOVE_PERSONAL_DATA)


def served_store(
    sources: Sequence[Path] = (),
    store_uri: str | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
    personal_data: bool = True,
    writable: bool = False,
) -> tuple[Store, Build | None]:
    """The store to serve (see the module docstring). RecordError for a bad source,
    StoreError for a store that cannot be opened."""
    if store_uri and not sources:
        on_disk = store_uri.strip().startswith("oxigraph:") and store_uri.strip() != "oxigraph:"
        store = open_store(store_uri, read_only=on_disk and not writable)
        if not personal_data:
            from atlas_graph.stores.oxigraph import OxigraphStore

            copy = OxigraphStore(None)
            copy.load_quads(store.quads())
            store.close()
            store = copy
        result = None
    else:
        from atlas_graph.sources import open_sources

        store, result = open_sources(list(sources), store_uri=store_uri or "oxigraph:", base_iri=base_iri,
                                     personal_data=personal_data)
    if not personal_data:
        remove_personal_data(store)
    return store, result


__all__ = ["REMOVE_PERSONAL_DATA", "remove_personal_data", "served_store"]
