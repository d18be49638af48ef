"""Build: record files -> an RDF dataset (one named graph per record) and a report.

Input: paths of record files or folders of them. Output: a ``Build`` holding the named graphs
and every problem met (files that could not be read, fields left out, ambiguous names), and
``serialize_quads`` to write them in Turtle, N-Triples, TriG, N-Quads or JSON-LD.
Deterministic: the same inputs give the same IRIs and byte-identical output.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.term import Node

from .identity import DEFAULT_BASE_IRI, ActorIndex, Minter
from .mapping import Mapper
from .parse import parse_file
from .records import Problem, Record, RecordError
from .themes import ThemeVocabulary

#: Output formats of ``build``. TriG, N-Quads and JSON-LD keep the named graphs; Turtle and
#: N-Triples hold the union of them.
FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
           "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef]

RECORD_SUFFIXES = (".txt",)


@dataclass
class Build:
    """The result of a build: named graphs (IRI -> triples) and what went wrong."""

    graphs: dict[URIRef, list[Triple]]
    records: list[Record]
    failed: list[RecordError] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def quads(self) -> Iterator[Quad]:
        for name, triples in self.graphs.items():
            for s, p, o in triples:
                yield s, p, o, name

    @cached_property
    def dataset(self) -> Dataset:
        """The graphs as an rdflib Dataset (made on first use: validation and tests need one)."""
        return to_dataset(self.graphs)

    @property
    def ok(self) -> bool:
        """True when every file was read and no value had to be left out."""
        return not self.failed and not any(p.severity == "error" for p in self.problems)

    def report_lines(self) -> list[str]:
        """One line per problem, ``FILE: reason``, files in order."""
        lines = [f"{e.source}: {e.reason}" for e in self.failed]
        lines += [str(p) for p in self.problems]
        return lines


def record_files(sources: Iterable[Path]) -> tuple[list[Path], list[RecordError]]:
    """Expand folders into their record files (sorted); missing paths are reported."""
    files: list[Path] = []
    missing: list[RecordError] = []
    for source in sources:
        if source.is_dir():
            files.extend(sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in RECORD_SUFFIXES))
        elif source.is_file():
            files.append(source)
        else:
            missing.append(RecordError(str(source), "no such file or folder"))
    return files, missing


def read_records(sources: Iterable[Path]) -> tuple[list[Record], list[RecordError]]:
    """Parse every record file; the ones that cannot be read are returned apart."""
    files, failed = record_files(sources)
    records: list[Record] = []
    for parsed in _parse_all(files):
        if isinstance(parsed, RecordError):
            failed.append(parsed)
        else:
            records.append(parsed)
    seen: dict[str, Record] = {}
    for record in records:
        other = seen.setdefault(record.record_id, record)
        if other is not record:
            failed.append(RecordError(record.source_name, f"same record id as {other.source_name}; left out"))
    kept = [r for r in records if seen[r.record_id] is r]
    return kept, failed


#: Below this many files, parsing stays in this process (starting workers costs more).
PARALLEL_PARSE_FROM = 400


def _parse_one(path: Path) -> Record | RecordError:
    try:
        return parse_file(path)
    except RecordError as exc:
        return RecordError(str(path), exc.reason)


def _parse_all(files: list[Path]) -> Iterator[Record | RecordError]:
    """Parse files in order; across the machine's cores when there are many."""
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_PARSE_FROM or workers < 2:
        yield from map(_parse_one, files)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(_parse_one, files, chunksize=64)


def map_records(
    records: Sequence[Record], base_iri: str = DEFAULT_BASE_IRI, personal_data: bool = True
) -> tuple[dict[URIRef, list[Triple]], list[Problem]]:
    """Map parsed records into named graphs: one per record, plus actors and vocabulary."""
    minter = Minter(base_iri)
    index = ActorIndex(records, minter)
    mapper = Mapper(index, ThemeVocabulary(r.themes for r in records), personal_data=personal_data)
    graphs: dict[URIRef, list[Triple]] = {}
    for record in sorted(records, key=lambda r: r.record_id):
        graphs[minter.record_graph(record.record_id)] = list(dict.fromkeys(mapper.record_triples(record)))
    graphs[minter.actors_graph()] = list(dict.fromkeys(mapper.actor_triples()))
    graphs[minter.vocabulary_graph()] = list(dict.fromkeys(mapper.vocabulary_triples()))
    problems = [p for r in records for p in r.problems] + index.problems + mapper.problems
    return graphs, problems


def to_dataset(graphs: dict[URIRef, list[Triple]]) -> Dataset:
    """An rdflib Dataset holding these named graphs."""
    dataset = Dataset()
    for name, triples in graphs.items():
        graph = dataset.graph(name)
        for triple in triples:
            graph.add(triple)
    return dataset


def build_dataset(
    records: Sequence[Record], base_iri: str = DEFAULT_BASE_IRI, personal_data: bool = True
) -> tuple[Dataset, list[Problem]]:
    """Map parsed records into an rdflib Dataset (see ``map_records``)."""
    graphs, problems = map_records(records, base_iri, personal_data)
    return to_dataset(graphs), problems


def build(sources: Iterable[Path], base_iri: str = DEFAULT_BASE_IRI, personal_data: bool = True) -> Build:
    """Read record files and folders and build their graphs."""
    records, failed = read_records(sources)
    graphs, problems = map_records(records, base_iri, personal_data)
    return Build(graphs, records, failed, problems)


def prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The prefixes written in Turtle and TriG output."""
    from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SDO, SKOS, XSD

    from .namespaces import ATLAS, COUNTRY

    return {"atlas": str(ATLAS._NS), "org": str(ORG), "skos": str(SKOS), "foaf": str(FOAF),
            "dcterms": str(DCTERMS), "prov": str(PROV), "schema": str(SDO), "xsd": str(XSD),
            "country": str(COUNTRY)}


def serialize(dataset: Dataset, fmt: str, base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """An rdflib Dataset in one of ``FORMATS`` (see ``serialize_quads``)."""
    return serialize_quads(dataset.quads((None, None, None, None)), fmt, base_iri)  # type: ignore[arg-type]


def serialize_quads(quads: Iterable[Quad], fmt: str, base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """Quads in one of ``FORMATS``, written by Oxigraph; the same quads always give the same bytes.

    The quads are sorted first (graph, subject, predicate, object in N-Quads form), so subjects
    are grouped in Turtle and graphs in TriG, and the output does not depend on the order in
    which they came. Turtle and N-Triples hold the union of the graphs.
    """
    from .stores.oxigraph import to_ox

    memo: dict[Node, object] = {}

    def term(node: Node):  # most terms repeat (predicates, types, actors): convert each once
        found = memo.get(node)
        if found is None:
            found = memo[node] = to_ox(node)
        return found

    target = FORMATS[fmt]
    if target.supports_datasets:
        keyed = {ox.Quad(term(s), term(p), term(o), term(g)) for s, p, o, g in quads}
        ordered: list = sorted(keyed, key=lambda q: (str(q.graph_name), str(q.triple)))
    else:
        triples = {ox.Triple(term(s), term(p), term(o)) for s, p, o, _ in quads}
        ordered = sorted(triples, key=str)
    options = {"prefixes": prefixes(base_iri)} if target in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
    return ox.serialize(ordered, format=target, **options)
