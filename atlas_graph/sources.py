"""Sources: files named on the command line -> a loaded store.

Input: paths of record files or folders (built with ``build``) and RDF files (Turtle,
N-Triples, TriG, N-Quads, JSON-LD, RDF/XML; datasets keep their named graphs). Output: a
``Store`` holding them, and the problems met. RDF files go straight into Oxigraph's parser.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from .build import Build, build
from .identity import DEFAULT_BASE_IRI
from .records import RecordError
from .stores import Store, open_store
from .stores.oxigraph import OxigraphStore

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
_RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".rdf": "xml",
                   ".owl": "xml", ".jsonld": "json-ld"}


def default_sources() -> list[Path]:
    """The bundled records: ``$ATLAS_GRAPH_DATA``, else ``data/records`` here or in the source tree."""
    if os.environ.get("ATLAS_GRAPH_DATA"):
        return [Path(os.environ["ATLAS_GRAPH_DATA"])]
    for candidate in (Path("data/records"), Path(__file__).resolve().parents[1] / "data" / "records"):
        if candidate.is_dir():
            return [candidate]
    raise RecordError("data/records", "no bundled data found; name record files or --graph files")


def is_rdf_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in RDF_SUFFIXES


def load_rdf_files(store: Store, paths: Iterable[Path]) -> None:
    """Load RDF files into a store; raises RecordError naming the file that cannot be read."""
    for path in paths:
        suffix = path.suffix.lower()
        if suffix not in RDF_SUFFIXES:
            raise RecordError(str(path), f"not an RDF file (expected one of {', '.join(sorted(RDF_SUFFIXES))})")
        try:
            if isinstance(store, OxigraphStore):
                store.store.bulk_load(path=str(path), format=RDF_SUFFIXES[suffix])
            else:
                dataset = Dataset()
                dataset.parse(str(path), format=_RDFLIB_FORMATS[suffix])
                _load_dataset(store, dataset)
        except (SyntaxError, ValueError) as exc:
            raise RecordError(str(path), f"not valid RDF: {exc}") from None
        except OSError as exc:
            raise RecordError(str(path), f"cannot be read ({exc.strerror or exc})") from None


def _load_dataset(store: Store, dataset: Dataset) -> None:
    if isinstance(store, OxigraphStore):
        store.load_quads(dataset.quads((None, None, None, None)))  # type: ignore[arg-type]  # graphs are named
        return
    for graph in dataset.graphs():
        store.replace_graph(graph.identifier, iter(graph))  # type: ignore[arg-type]


def load_build(store: Store, result: Build) -> None:
    """Put a build's graphs into a store (in one bulk load for Oxigraph)."""
    if isinstance(store, OxigraphStore):
        store.load_quads(result.quads())
        return
    for name, triples in result.graphs.items():
        store.replace_graph(name, triples)


def open_sources(
    sources: Sequence[Path] = (),
    store_uri: str = "oxigraph:",
    base_iri: str = DEFAULT_BASE_IRI,
    personal_data: bool = True,
) -> tuple[Store, Build | None]:
    """A store holding the given sources: RDF files by their suffix, record files and folders
    otherwise; the bundled data when no source is given. RecordError for a missing path or an
    unreadable RDF file."""
    for path in sources:
        if not path.exists():
            raise RecordError(str(path), "no such file or folder")
    rdf = [p for p in sources if is_rdf_file(p)]
    records = [p for p in sources if not is_rdf_file(p)] or ([] if rdf else default_sources())
    store = open_store(store_uri)
    result = None
    if records:
        result = build(records, base_iri, personal_data)
        load_build(store, result)
    load_rdf_files(store, rdf)
    return store, result
