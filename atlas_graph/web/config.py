"""The settings of the web application.

Input: the values a deployment chooses (a store, limits, switches).
Output: ``WebConfig``, an immutable record read by ``create_app`` and the blueprints.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas_graph.stores.base import Store


@dataclass(frozen=True)
class WebConfig:
    """Everything ``create_app`` needs to know.

    Attributes:
        store: the ``Store`` holding the dataset. Pages and the SPARQL endpoint read it; SPARQL
            updates (when allowed) write to it.
        base_iri: the base IRI of the data (``https://w3id.org/atlas-coop/`` by default). It names
            the dataset in the VoID description and is the base IRI against which relative IRIs
            in SPARQL queries and updates sent to ``/sparql`` are resolved.
        query_timeout: seconds a SPARQL query (or the VoID statistics query) may run. A query
            still running then is stopped (its worker process is killed and replaced) and the
            client gets ``503 Service Unavailable``. Time spent waiting for a free worker counts.
        max_rows: most rows a SELECT answer of ``/sparql`` may hold. Longer answers are cut to
            this many rows and carry the header ``X-Atlas-Truncated: true`` (with
            ``X-Atlas-Max-Rows``). ``0`` or less means no limit.
        personal_data: whether the site may show personal data (names and e-mail addresses of
            the people named in the records). It governs the HTML pages; the SPARQL endpoint
            answers over the store as it is, so a deployment that must not publish personal data
            has to build its store without it.
        enable_update: whether ``/sparql`` accepts SPARQL 1.1 Updates at all. Off by default.
        update_token: the bearer token an update must carry (``Authorization: Bearer <token>``),
            compared in constant time. Updates are refused with ``403`` unless ``enable_update``
            is true AND this is set AND the request's token matches.
        query_workers: how many worker processes run SPARQL queries (at least 1). Each is a fork
            of the server process made before it serves, so the common path spawns nothing;
            a worker is replaced only when it is killed by the timeout or after an update.
    """

    store: Store
    base_iri: str = "https://w3id.org/atlas-coop/"
    query_timeout: float = 30.0
    max_rows: int = 10000
    personal_data: bool = True
    enable_update: bool = False
    update_token: str | None = None
    query_workers: int = 4

    def __post_init__(self) -> None:
        if self.query_timeout <= 0:
            raise ValueError("query_timeout must be a positive number of seconds")
        if self.query_workers < 1:
            raise ValueError("query_workers must be at least 1")


__all__ = ["WebConfig"]
