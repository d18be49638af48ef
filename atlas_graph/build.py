"""Build: record files -> an RDF dataset (one named graph per record) and a report.

Input: paths of record files or folders of them. Output: a ``Build`` holding the rdflib
``Dataset`` and every problem met (files that could not be read, fields left out, ambiguous
names), and ``write`` to serialise it in Turtle, N-Triples, TriG, N-Quads or JSON-LD.
Deterministic: the same inputs give the same IRIs and byte-identical output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from .identity import DEFAULT_BASE_IRI, ActorIndex, Minter
from .mapping import Mapper
from .parse import parse_file
from .records import Problem, Record, RecordError
from .themes import ThemeVocabulary

#: Output formats of ``build``: name -> (rdflib serialiser, whether it keeps named graphs).
FORMATS = {"turtle": ("turtle", False), "nt": ("nt", False), "trig": ("trig", True),
           "nquads": ("nquads", True), "jsonld": ("json-ld", True)}

RECORD_SUFFIXES = (".txt",)


@dataclass
class Build:
    """The result of a build."""

    dataset: Dataset
    records: list[Record]
    failed: list[RecordError] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

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
    for path in files:
        try:
            records.append(parse_file(path))
        except RecordError as exc:
            failed.append(RecordError(str(path), exc.reason))
    seen: dict[str, Record] = {}
    for record in records:
        other = seen.setdefault(record.record_id, record)
        if other is not record:
            failed.append(RecordError(record.source_name, f"same record id as {other.source_name}; left out"))
    kept = [r for r in records if seen[r.record_id] is r]
    return kept, failed


def build_dataset(
    records: Sequence[Record], base_iri: str = DEFAULT_BASE_IRI, personal_data: bool = True
) -> tuple[Dataset, list[Problem]]:
    """Map parsed records into a dataset: one graph per record, plus actors and vocabulary."""
    minter = Minter(base_iri)
    index = ActorIndex(records, minter)
    mapper = Mapper(index, ThemeVocabulary(r.themes for r in records), personal_data=personal_data)
    dataset = Dataset()
    for record in sorted(records, key=lambda r: r.record_id):
        graph = dataset.graph(minter.record_graph(record.record_id))
        for triple in mapper.record_triples(record):
            graph.add(triple)
    actors = dataset.graph(minter.actors_graph())
    for triple in mapper.actor_triples():
        actors.add(triple)
    vocabulary = dataset.graph(minter.vocabulary_graph())
    for triple in mapper.vocabulary_triples():
        vocabulary.add(triple)
    problems = [p for r in records for p in r.problems] + index.problems + mapper.problems
    return dataset, problems


def build(sources: Iterable[Path], base_iri: str = DEFAULT_BASE_IRI, personal_data: bool = True) -> Build:
    """Read record files and folders and build their dataset."""
    records, failed = read_records(sources)
    dataset, problems = build_dataset(records, base_iri, personal_data)
    return Build(dataset, records, failed, problems)


def union_graph(dataset: Dataset) -> Graph:
    """All the triples of a dataset in one graph (the default graph of queries)."""
    union = Graph()
    for prefix, namespace in dataset.namespaces():
        union.bind(prefix, namespace)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def bind_prefixes(graph: Graph, base_iri: str = DEFAULT_BASE_IRI) -> None:
    from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SDO, SKOS

    from .namespaces import ATLAS, COUNTRY

    for prefix, namespace in (("atlas", ATLAS._NS), ("org", ORG), ("skos", SKOS), ("foaf", FOAF),
                              ("dcterms", DCTERMS), ("prov", PROV), ("schema", SDO), ("country", COUNTRY),
                              ("id", base_iri + "id/")):
        graph.bind(prefix, URIRef(str(namespace)), override=True, replace=True)


def serialize(dataset: Dataset, fmt: str, base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """The dataset in one of ``FORMATS``; Turtle and N-Triples hold the union of its graphs."""
    name, keeps_graphs = FORMATS[fmt]
    target: Graph = dataset if keeps_graphs else union_graph(dataset)
    bind_prefixes(target, base_iri)
    if name == "nt":
        lines = sorted(set(target.serialize(format="nt", encoding="utf-8").decode().splitlines()))
        return ("\n".join(line for line in lines if line) + "\n").encode()
    if name == "nquads":
        lines = sorted(set(target.serialize(format="nquads", encoding="utf-8").decode().splitlines()))
        return ("\n".join(line for line in lines if line) + "\n").encode()
    return target.serialize(format=name, encoding="utf-8")
