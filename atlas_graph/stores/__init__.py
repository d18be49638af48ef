"""Stores: open one from a store URI.

Input: a store URI string. Output: a ``Store``.

Accepted forms:

* ``memory`` - an rdflib dataset in memory (``MemoryStore``);
* ``oxigraph:`` - an embedded Oxigraph store in memory; ``oxigraph:PATH`` - on disk in the
  directory PATH (created if needed; ``read_only=True`` opens it read-only);
* ``http://…`` / ``https://…`` - a remote SPARQL 1.1 server (``RemoteStore``): the URL is the
  query endpoint, and also the update endpoint unless ``update_url=`` or the environment variable
  ``ATLAS_GRAPH_UPDATE_URL`` says otherwise; the Graph Store Protocol endpoint comes from
  ``graph_store_url=`` or ``ATLAS_GRAPH_GSP_URL`` (without one, graphs are written by SPARQL
  Update). Credentials come from ``credentials=`` or the environment (see ``remote``).
"""

from __future__ import annotations

import os

from atlas_graph.stores.base import (
    Binding,
    QueryDataset,
    QueryError,
    QueryTimeout,
    RawResult,
    Row,
    Store,
    StoreError,
)

ACCEPTED_FORMS = "'memory', 'oxigraph:' (in memory), 'oxigraph:PATH', 'http://…' or 'https://…'"


def open_store(
    uri: str,
    *,
    read_only: bool = False,
    update_url: str | None = None,
    graph_store_url: str | None = None,
    credentials: tuple[str, str] | str | None = None,
) -> Store:
    """Open the store named by ``uri``; StoreError for an unknown form."""
    text = uri.strip()
    if text == "memory":
        from atlas_graph.stores.memory import MemoryStore

        return MemoryStore()
    if text.startswith("oxigraph:"):
        from atlas_graph.stores.oxigraph import OxigraphStore

        path = text[len("oxigraph:") :]
        if path.startswith("//"):  # tolerate oxigraph:///abs/path
            path = path[2:]
        return OxigraphStore(path or None, read_only=read_only)
    if text.startswith(("http://", "https://")):
        from atlas_graph.stores.remote import RemoteStore, credentials_from_env

        update = update_url or os.environ.get("ATLAS_GRAPH_UPDATE_URL") or text
        gsp = graph_store_url or os.environ.get("ATLAS_GRAPH_GSP_URL") or None
        return RemoteStore(
            text,
            update_url=None if read_only else update,
            graph_store_url=None if read_only else gsp,
            credentials=credentials if credentials is not None else credentials_from_env(),
            read_only=read_only,
        )
    raise StoreError(f"unknown store URI {uri!r}; accepted forms: {ACCEPTED_FORMS}")


__all__ = [
    "Binding",
    "QueryDataset",
    "QueryError",
    "QueryTimeout",
    "RawResult",
    "Row",
    "Store",
    "StoreError",
    "open_store",
]
