"""Store bookkeeping: the ``{base}graph/meta`` graph that ``load`` keeps in a store.

Input: a ``Store`` and a base IRI. Output: the store's version stamp (``Stamp``) and one
``Entry`` per record graph (record id, file name, SHA-256 of the file's bytes, SHA-256 of the
graph's content), plus the stored record files themselves; writers that change one entry with
one SPARQL Update.

The meta graph holds, in the ``store:`` namespace below (bookkeeping, not part of the model):

* ``<{base}graph/meta>`` ``store:atlasGraphVersion``, ``store:ontologyVersion`` (owl:versionInfo of
  the ontology), ``store:baseIri``, ``store:personalData``: the stamp of the build that wrote it;
  ``store:loadInProgress true`` while a load is writing graphs (an interrupted load leaves it);
* per record graph ``<{base}graph/{id}>``: ``store:recordId``, ``store:sourceName``,
  ``store:sourceSha256`` (the same digest as the record's ``atlas:sha256``), ``store:source`` (the
  file's bytes, zlib + base64) and ``store:contentSha256`` (digest of the graph's sorted
  N-Triples; absent while a write is in progress);
* per shared graph (``graph/actors``, ``graph/vocabulary``): ``store:contentSha256``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, Namespace, URIRef
from rdflib.term import Node

from . import __version__
from .stores import Store, StoreError
from .stores.memory import nt_term

STORE = Namespace("https://w3id.org/atlas-coop/store#")


class VersionMismatch(StoreError):
    """The store was written by another version of atlas-graph or of the ontology."""


@functools.lru_cache(maxsize=1)
def ontology_version() -> str:
    """owl:versionInfo of ``ontology/atlas.ttl`` (else the version the namespaces were generated from)."""
    from ._generate_namespaces import ONTOLOGY_IRI, ontology_path

    path = ontology_path()
    if path.is_file():
        from rdflib import OWL, Graph

        versions = sorted(str(v) for v in Graph().parse(path, format="turtle").objects(ONTOLOGY_IRI, OWL.versionInfo))
        if versions:
            return versions[0]
    from .namespaces import ATLAS

    found = re.search(r"version (\S+?)\.\s", ATLAS.__doc__ or "")
    return found.group(1) if found else "unknown"


@dataclass(frozen=True)
class Stamp:
    atlas_graph_version: str
    ontology_version: str
    base_iri: str
    personal_data: bool

    @classmethod
    def current(cls, base_iri: str, personal_data: bool) -> Stamp:
        return cls(__version__, ontology_version(), base_iri, personal_data)

    def describe(self) -> str:
        return f"atlas-graph {self.atlas_graph_version} with ontology {self.ontology_version}"


@dataclass
class Entry:
    """What the meta graph says about one record graph."""

    record_id: str
    source_name: str
    source_sha256: str
    content_sha256: str | None = None


def content_hash(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """SHA-256 of the sorted, de-duplicated N-Triples lines of a graph."""
    lines = sorted({f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ." for s, p, o in triples})
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def unpack(text: str) -> bytes:
    return zlib.decompress(base64.b64decode(text))


class MetaGraph:
    """Reads and writes the meta graph ``{base}graph/meta`` of one store."""

    def __init__(self, store: Store, graph: URIRef) -> None:
        self.store = store
        self.graph = graph
        self._g = nt_term(graph)

    # -- stamp -------------------------------------------------------------------------------
    def stamps(self) -> list[Stamp]:
        """Every stamp in the store (one per base IRI loaded into it; normally at most one)."""
        rows = self.store.select(
            f"SELECT ?m ?v ?o ?b ?p WHERE {{ GRAPH ?m {{ ?m <{STORE.atlasGraphVersion}> ?v ; "
            f"<{STORE.ontologyVersion}> ?o ; <{STORE.baseIri}> ?b . "
            f"OPTIONAL {{ ?m <{STORE.personalData}> ?p }} }} }}"
        )
        return [Stamp(str(r["v"]), str(r["o"]), str(r["b"]), str(r.get("p")) != "false") for r in rows]

    def check(self, expected: Stamp, atlas_graphs: Iterable[URIRef]) -> bool:
        """Raise when the store was stamped by another build; True when it is already stamped.

        A store holding graphs under ``{base}graph/`` but no stamp is refused too: nothing says
        which version wrote them.
        """
        hint = "rebuild into a fresh store, or load again with --replace-all"
        for stamp in self.stamps():
            if (stamp.atlas_graph_version, stamp.ontology_version) != (
                expected.atlas_graph_version, expected.ontology_version):
                raise VersionMismatch(
                    f"store {self.store.uri} was built by {stamp.describe()}; this is "
                    f"{expected.describe()}: {hint}")
            if stamp.base_iri != expected.base_iri:
                raise StoreError(f"store {self.store.uri} was built with base IRI {stamp.base_iri}, not "
                                 f"{expected.base_iri}: {hint}")
            if stamp.personal_data != expected.personal_data:
                had = "with" if stamp.personal_data else "without"
                raise StoreError(f"store {self.store.uri} was built {had} personal data: {hint}")
            return True
        prefix = str(self.graph)[: -len("meta")]
        if any(str(g).startswith(prefix) for g in atlas_graphs):
            raise VersionMismatch(f"store {self.store.uri} holds atlas-graph graphs but no version stamp "
                                  f"(written by another version or another command): {hint}")
        return False

    def write_stamp(self, stamp: Stamp) -> None:
        body = " ; ".join(f"{nt_term(STORE[k])} {nt_term(Literal(v))}" for k, v in (
            ("atlasGraphVersion", stamp.atlas_graph_version), ("ontologyVersion", stamp.ontology_version),
            ("baseIri", stamp.base_iri), ("personalData", "true" if stamp.personal_data else "false")))
        self._set(self.graph, f"{self._g} {body} .", list(STORE[k] for k in (
            "atlasGraphVersion", "ontologyVersion", "baseIri", "personalData")))

    def in_progress(self) -> bool:
        """True while a load that changes graphs has not finished (or was interrupted)."""
        return self.store.ask(f"ASK {{ GRAPH {self._g} {{ {self._g} <{STORE.loadInProgress}> true }} }}")

    def set_in_progress(self, flag: bool) -> None:
        self.store.update(f"DELETE WHERE {{ GRAPH {self._g} {{ {self._g} <{STORE.loadInProgress}> ?o }} }}")
        if flag:
            self.store.update(f"INSERT DATA {{ GRAPH {self._g} {{ {self._g} <{STORE.loadInProgress}> true }} }}")

    # -- entries -----------------------------------------------------------------------------
    def entries(self) -> tuple[dict[URIRef, Entry], dict[URIRef, str]]:
        """Record graph -> ``Entry``, and shared graph -> content digest (sources not read)."""
        rows = self.store.select(
            f"SELECT ?g ?p ?o WHERE {{ GRAPH {self._g} {{ ?g ?p ?o }} "
            f"FILTER(?p != <{STORE.source}> && ?g != {self._g}) }}"
        )
        props: dict[URIRef, dict[str, str]] = {}
        for r in rows:
            props.setdefault(URIRef(str(r["g"])), {})[str(r["p"])[len(str(STORE)):]] = str(r["o"])
        records: dict[URIRef, Entry] = {}
        shared: dict[URIRef, str] = {}
        for g, p in props.items():
            if "recordId" in p:
                records[g] = Entry(p["recordId"], p.get("sourceName", ""), p.get("sourceSha256", ""),
                                   p.get("contentSha256"))
            elif "contentSha256" in p:
                shared[g] = p["contentSha256"]
        return records, shared

    def sources(self) -> dict[URIRef, bytes]:
        """Record graph -> the bytes of its stored record file."""
        rows = self.store.select(f"SELECT ?g ?s WHERE {{ GRAPH {self._g} {{ ?g <{STORE.source}> ?s }} }}")
        return {r["g"]: unpack(str(r["s"])) for r in rows}  # type: ignore[misc]

    def set_source(self, graph: URIRef, entry: Entry, data: bytes) -> None:
        """Record a new source for ``graph``; its content digest is cleared until ``set_hash``."""
        values = {"recordId": entry.record_id, "sourceName": entry.source_name,
                  "sourceSha256": entry.source_sha256, "source": pack(data)}
        body = " ; ".join(f"{nt_term(STORE[k])} {nt_term(Literal(v))}" for k, v in values.items())
        self._set(graph, f"{nt_term(graph)} {body} .", None)

    def set_hash(self, graph: URIRef, digest: str) -> None:
        triple = f"{nt_term(graph)} {nt_term(STORE.contentSha256)} {nt_term(Literal(digest))} ."
        self._set(graph, triple, [STORE.contentSha256])

    def forget(self, graph: URIRef) -> None:
        self.store.update(f"DELETE WHERE {{ GRAPH {self._g} {{ {nt_term(graph)} ?p ?o }} }}")

    def _set(self, subject: URIRef, triples: str, predicates: list[URIRef] | None) -> None:
        """Delete the subject's values of ``predicates`` (all when None), insert ``triples``."""
        s = nt_term(subject)
        if predicates is None:
            delete = f"DELETE WHERE {{ GRAPH {self._g} {{ {s} ?p ?o }} }}"
        else:
            delete = " ;\n".join(f"DELETE WHERE {{ GRAPH {self._g} {{ {s} {nt_term(p)} ?o }} }}"
                                 for p in predicates)
        self.store.update(f"{delete} ;\nINSERT DATA {{ GRAPH {self._g} {{ {triples} }} }}")
