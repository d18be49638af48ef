"""Build: record files -> an RDF dataset (one named graph per record) and a report.

Input: paths of record files or folders of them. Output: a ``Build`` holding the named graphs
and every problem met (files that could not be read, fields left out, ambiguous names); or,
with ``write_build``, the bytes of the dataset in one of ``rdf_files.FORMATS`` and the report.
Deterministic: the same inputs give the same IRIs and byte-identical output.

The graphs of a ``Build`` hold rdflib terms; ``write_build`` maps N-Quads straight to their
lines, the mapper making each term's N-Triples text instead (``terms.TEXT``).

Parallel work: files are parsed across the machine's cores when there are many. Mapping needs
every record first (one node per actor across records), then ``write_build`` maps the record
graphs and writes their N-Quads lines in forked workers, which share the actor index without
copying it; the shared actors and vocabulary graphs are mapped last, in this process, from
what the workers report (concepts, memberships, problems).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.term import Node

from . import paused_gc
from .identity import DEFAULT_BASE_IRI, ActorIndex, Minter
from .mapping import Concepts, Mapper, Memberships
from .mapping import Triple as MappedTriple
from .parse import parse_file
from .rdf_files import FORMATS, Quad, nquads_lines, serialize_quads
from .records import Problem, Record, RecordError
from .terms import RDFLIB, TEXT, TermMaker
from .themes import ThemeVocabulary

Triple = tuple[Node, Node, Node]

RECORD_SUFFIXES = (".txt",)


@dataclass
class BuildReport:
    """What a build read and what went wrong."""

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


@dataclass(kw_only=True)
class Build(BuildReport):
    """The result of a build: named graphs (IRI -> triples) and what went wrong."""

    graphs: dict[URIRef, list[Triple]]

    def quads(self) -> Iterator[Quad]:
        for name, triples in self.graphs.items():
            for s, p, o in triples:
                yield s, p, o, name

    @cached_property
    def dataset(self) -> Dataset:
        """The graphs as an rdflib Dataset (made on first use: validation and tests need one)."""
        return to_dataset(self.graphs)


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


#: Below this many files (or records), parsing and mapping stay in this process (starting
#: workers costs more).
PARALLEL_FROM = 400


def _workers() -> int:
    return min(os.cpu_count() or 1, 8)


def _parse_one(path: Path) -> Record | RecordError:
    try:
        return parse_file(path)
    except RecordError as exc:
        return RecordError(str(path), exc.reason)


def _parse_all(files: list[Path]) -> Iterator[Record | RecordError]:
    """Parse files in order; across the machine's cores when there are many."""
    workers = _workers()
    if len(files) < PARALLEL_FROM or workers < 2:
        yield from map(_parse_one, files)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_parse_one, files, chunksize=64)


def _mapper(records: Sequence[Record], base_iri: str, personal_data: bool, terms: TermMaker = RDFLIB) -> Mapper:
    index = ActorIndex(records, Minter(base_iri))
    return Mapper(index, ThemeVocabulary(r.themes for r in records), personal_data=personal_data, terms=terms)


def _problems(records: Sequence[Record], mapper: Mapper) -> list[Problem]:
    return [p for r in records for p in r.problems] + mapper.index.problems + mapper.problems


Graphs = Iterator[tuple[URIRef, Iterator[MappedTriple]]]  # named graphs, mapped as they are read
Block = tuple[str, bytes]  # a named graph's N-Triples form and its sorted N-Quads lines


def map_records(
    records: Sequence[Record], base_iri: str = DEFAULT_BASE_IRI, personal_data: bool = True
) -> tuple[dict[URIRef, list[Triple]], list[Problem]]:
    """Map parsed records into named graphs: one per record, plus actors and vocabulary."""
    mapper = _mapper(records, base_iri, personal_data)
    graphs = chain(_record_graphs(mapper, sorted(records, key=lambda r: r.record_id)), _shared_graphs(mapper))
    return {name: list(dict.fromkeys(triples)) for name, triples in graphs}, _problems(records, mapper)


def _record_graphs(mapper: Mapper, records: Sequence[Record]) -> Graphs:
    for record in records:
        yield mapper.minter.record_graph(record.record_id), mapper.record_triples(record)


def _shared_graphs(mapper: Mapper) -> Graphs:
    """The actors and vocabulary graphs, once every record has been mapped."""
    yield mapper.minter.actors_graph(), mapper.actor_triples()
    yield mapper.minter.vocabulary_graph(), mapper.vocabulary_triples()


def _blocks(graphs: Graphs) -> list[Block]:
    """Each graph's N-Quads lines (terms from ``TEXT``), encoded where they are mapped (in the
    workers)."""
    blocks = []
    for name, triples in graphs:
        graph = TEXT.iri(name)
        blocks.append((graph, nquads_lines(graph, set(triples)).encode()))
    return blocks


def _nquads(blocks: list[Block]) -> bytes:
    """The N-Quads file of these graphs: graph by graph, in the order of their N-Triples forms."""
    return b"".join(lines for _, lines in sorted(blocks))


def to_dataset(graphs: dict[URIRef, list[Triple]]) -> Dataset:
    """An rdflib Dataset holding these named graphs."""
    dataset = Dataset()
    for name, triples in graphs.items():
        graph = dataset.graph(name)
        for triple in triples:
            graph.add(triple)
    return dataset


def build(sources: Iterable[Path], base_iri: str = DEFAULT_BASE_IRI, personal_data: bool = True) -> Build:
    """Read record files and folders and build their graphs."""
    with paused_gc():
        records, failed = read_records(sources)
        graphs, problems = map_records(records, base_iri, personal_data)
    return Build(records, failed, problems, graphs=graphs)


def write_build(sources: Iterable[Path], fmt: str, base_iri: str = DEFAULT_BASE_IRI,
                personal_data: bool = True) -> tuple[bytes, BuildReport]:
    """Read record files and folders and write their dataset in ``fmt``; the same bytes as
    ``serialize_quads(build(...).quads(), fmt)``. N-Quads are written straight from the mapped
    lines (in forked workers when there are many records, see the module); other formats go
    through ``build``'s rdflib graphs."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    with paused_gc():
        records, failed = read_records(sources)
        if fmt != "nquads":
            graphs, problems = map_records(records, base_iri, personal_data)
            return serialize_quads(Build(records, failed, problems, graphs=graphs).quads(), fmt, base_iri), \
                BuildReport(records, failed, problems)
        mapper = _mapper(records, base_iri, personal_data, TEXT)
        ordered = sorted(records, key=lambda r: r.record_id)
        workers = _workers()
        if len(records) < PARALLEL_FROM or workers < 2:
            blocks = _blocks(_record_graphs(mapper, ordered))
        else:
            blocks = []
            size = -(-len(ordered) // (workers * 4))
            chunks = [(start, min(start + size, len(ordered))) for start in range(0, len(ordered), size)]
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_take_job,
                                     initargs=(mapper, ordered)) as pool:
                for chunk_blocks, concepts, memberships, problems in pool.map(_write_records, chunks):
                    blocks += chunk_blocks
                    mapper.merge(concepts, memberships, problems)
        data = _nquads(blocks + _blocks(_shared_graphs(mapper)))
    return data, BuildReport(records, failed, _problems(records, mapper))


_WORKER_JOB: list[tuple[Mapper, list[Record]]] = []  # in a forked worker: its build's mapper and records


def _take_job(mapper: Mapper, records: list[Record]) -> None:
    _WORKER_JOB.append((mapper, records))  # inherited through fork, not copied through a pipe


def _write_records(bounds: tuple[int, int]) -> tuple[list[Block], Concepts, Memberships, list[Problem]]:
    """In a worker: the N-Quads blocks of some records' graphs, and what mapping them met."""
    with paused_gc():
        shared, records = _WORKER_JOB[0]
        mapper = shared.fresh()
        blocks = _blocks(_record_graphs(mapper, records[bounds[0]:bounds[1]]))
        return blocks, mapper.concepts, mapper.memberships, mapper.problems
