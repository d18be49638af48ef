"""Build: record files -> an RDF dataset (one named graph per record) and a report.

Input: paths of record files or folders of them. Output: a ``Build`` holding the rdflib
``Dataset`` and every problem met (files that could not be read, fields left out, ambiguous
names), and ``write`` to serialise it in Turtle, N-Triples, TriG, N-Quads or JSON-LD.
Deterministic: the same inputs give the same IRIs and byte-identical output.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from .identity import DEFAULT_BASE_IRI, ActorIndex, Minter
from .mapping import Mapper
from .parse import parse_file
from .records import Problem, Record, RecordError
from .themes import ThemeVocabulary

#: Output formats of ``build``: name -> rdflib serialiser. TriG, N-Quads and JSON-LD keep the
#: named graphs; Turtle and N-Triples hold the union of them.
FORMATS = {"turtle": "turtle", "nt": "nt", "trig": "trig", "nquads": "nquads", "jsonld": "json-ld"}
_LINE_FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS}

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


def prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The prefixes written in Turtle and TriG output."""
    from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SDO, SKOS, XSD

    from .namespaces import ATLAS, COUNTRY

    return {"atlas": str(ATLAS._NS), "org": str(ORG), "skos": str(SKOS), "foaf": str(FOAF),
            "dcterms": str(DCTERMS), "prov": str(PROV), "schema": str(SDO), "xsd": str(XSD),
            "country": str(COUNTRY)}


def serialize(dataset: Dataset, fmt: str, base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """The dataset in one of ``FORMATS``; the same dataset always gives the same bytes.

    N-Triples and N-Quads are written by Oxigraph (fast) with their lines sorted; Turtle, TriG
    and JSON-LD by rdflib, whose serialisers sort subjects and predicates.
    """
    from .stores.oxigraph import to_ox

    if fmt in _LINE_FORMATS:
        target = _LINE_FORMATS[fmt]
        store = ox.Store()
        store.bulk_extend(
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g) if target.supports_datasets else ox.DefaultGraph())
            for s, p, o, g in dataset.quads((None, None, None, None))
        )
        options = {} if target.supports_datasets else {"from_graph": ox.DefaultGraph()}
        return b"".join(sorted(set(store.dump(format=target, **options).splitlines(keepends=True))))
    with warnings.catch_warnings():
        # rdflib 7.6 warns about its own use of Dataset.contexts inside its serialisers.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        if fmt == "turtle":
            return _turtle(_union(dataset), base_iri)
        if fmt == "trig":
            return _trig(dataset, base_iri)
        return _sorted_json(dataset.serialize(format="json-ld", encoding="utf-8"))


def _union(dataset: Dataset) -> Graph:
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


class _LexicalTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer, but literals keep their lexical form.

    rdflib writes ``"27230"^^xsd:decimal`` as the shorthand ``27230.0``, which another reader
    takes as a different term; here typed numbers are written in full.
    """

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype in (XSD.decimal, XSD.double, XSD.float):
            return node._literal_n3(use_plain=False, qname_callback=lambda dt: self.get_pname(dt, True))
        return super().label(node, position)


def _turtle(graph: Graph, base_iri: str, header: bool = True) -> bytes:
    for prefix, namespace in prefixes(base_iri).items():
        graph.bind(prefix, namespace, override=True, replace=True)
    buffer = io.BytesIO()
    _LexicalTurtleSerializer(graph).serialize(buffer, encoding="utf-8")
    text = buffer.getvalue()
    if header:
        return text
    return b"".join(line for line in text.splitlines(keepends=True) if not line.startswith(b"@prefix"))


def _trig(dataset: Dataset, base_iri: str) -> bytes:
    """TriG with the named graphs in IRI order, each written by rdflib's (sorted) Turtle writer."""
    parts = [f"@prefix {p}: <{n}> .\n".encode() for p, n in prefixes(base_iri).items()]
    graphs = sorted((g for g in dataset.graphs() if len(g) and isinstance(g.identifier, URIRef)),
                    key=lambda g: str(g.identifier))
    for graph in graphs:
        body = Graph()
        for triple in graph:
            body.add(triple)
        inner = _turtle(body, base_iri, header=False).strip()
        parts.append(b"\n<" + str(graph.identifier).encode() + b"> {\n" + inner + b"\n}\n")
    return b"".join(parts)


def _sorted_json(data: bytes) -> bytes:
    """JSON-LD with keys and arrays in a stable order."""
    def order(value: object) -> object:
        if isinstance(value, dict):
            return {k: order(v) for k, v in sorted(value.items())}
        if isinstance(value, list):
            return sorted((order(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return value

    return json.dumps(order(json.loads(data)), ensure_ascii=False, indent=1).encode() + b"\n"
