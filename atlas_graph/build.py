"""Build: record files -> an RDF dataset (one named graph per record) and a report.

Input: paths of record files or folders of them. Output: a ``Build`` holding the named graphs
and every problem met (files that could not be read, fields left out, ambiguous names); or,
with ``write_build``, the bytes of the dataset in one of ``rdf_files.FORMATS`` and the report.
Deterministic: the same inputs give the same IRIs and byte-identical output.

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
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.term import Node

from . import paused_gc
from .identity import DEFAULT_BASE_IRI, ActorIndex, Minter
from .mapping import Concepts, Mapper
from .parse import parse_file
from .rdf_files import FORMATS, Quad, TermForms, nquads_lines, serialize_quads
from .records import Problem, Record, RecordError
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


def _mapper(records: Sequence[Record], base_iri: str, personal_data: bool) -> Mapper:
    index = ActorIndex(records, Minter(base_iri))
    return Mapper(index, ThemeVocabulary(r.themes for r in records), personal_data=personal_data)


def _problems(records: Sequence[Record], mapper: Mapper) -> list[Problem]:
    return [p for r in records for p in r.problems] + mapper.index.problems + mapper.problems


def map_records(
    records: Sequence[Record], base_iri: str = DEFAULT_BASE_IRI, personal_data: bool = True
) -> tuple[dict[URIRef, list[Triple]], list[Problem]]:
    """Map parsed records into named graphs: one per record, plus actors and vocabulary."""
    mapper = _mapper(records, base_iri, personal_data)
    minter = mapper.minter
    graphs: dict[URIRef, list[Triple]] = {}
    for record in sorted(records, key=lambda r: r.record_id):
        graphs[minter.record_graph(record.record_id)] = list(dict.fromkeys(mapper.record_triples(record)))
    graphs[minter.actors_graph()] = list(dict.fromkeys(mapper.actor_triples()))
    graphs[minter.vocabulary_graph()] = list(dict.fromkeys(mapper.vocabulary_triples()))
    return graphs, _problems(records, mapper)


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
    with paused_gc():
        records, failed = read_records(sources)
        graphs, problems = map_records(records, base_iri, personal_data)
    return Build(records, failed, problems, graphs=graphs)


def write_build(sources: Iterable[Path], fmt: str, base_iri: str = DEFAULT_BASE_IRI,
                personal_data: bool = True) -> tuple[bytes, BuildReport]:
    """Read record files and folders and write their dataset in ``fmt``; the same bytes as
    ``serialize_quads(build(...).quads(), fmt)``. N-Quads of many records are mapped and written
    in forked workers (see the module); other formats and small sets go through ``build``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    with paused_gc():
        records, failed = read_records(sources)
        workers = _workers()
        if fmt != "nquads" or len(records) < PARALLEL_FROM or workers < 2:
            graphs, problems = map_records(records, base_iri, personal_data)
            return serialize_quads(Build(records, failed, problems, graphs=graphs).quads(), fmt, base_iri), \
                BuildReport(records, failed, problems)
        mapper = _mapper(records, base_iri, personal_data)
        ordered = sorted(records, key=lambda r: r.record_id)
        size = -(-len(ordered) // (workers * 4))
        chunks = [(start, min(start + size, len(ordered))) for start in range(0, len(ordered), size)]
        blocks: list[tuple[str, str]] = []
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_take_job,
                                 initargs=(mapper, ordered)) as pool:
            for chunk_blocks, concepts, memberships, problems in pool.map(_write_records, chunks):
                blocks += chunk_blocks
                mapper.merge(concepts, memberships, problems)
        forms, minter = TermForms(), mapper.minter
        for name, triples in ((minter.actors_graph(), mapper.actor_triples()),
                              (minter.vocabulary_graph(), mapper.vocabulary_triples())):
            blocks.append(_nquads_block(forms, name, triples))
        data = "".join(text for _, text in sorted(blocks)).encode()
    return data, BuildReport(records, failed, _problems(records, mapper))


_WORKER_JOB: list[tuple[Mapper, list[Record]]] = []  # in a forked worker: its build's mapper and records


def _take_job(mapper: Mapper, records: list[Record]) -> None:
    _WORKER_JOB.append((mapper, records))  # inherited through fork, not copied through a pipe


def _write_records(bounds: tuple[int, int]) -> tuple[list[tuple[str, str]], Concepts, dict, list[Problem]]:
    """In a worker: the N-Quads blocks of some records' graphs, and what mapping them met."""
    with paused_gc():
        shared, records = _WORKER_JOB[0]
        mapper = shared.fresh()
        forms = TermForms()
        blocks = [_nquads_block(forms, mapper.minter.record_graph(r.record_id), mapper.record_triples(r))
                  for r in records[bounds[0]:bounds[1]]]
        return blocks, mapper.concepts, mapper.memberships, mapper.problems


def _nquads_block(forms: TermForms, name: URIRef, triples: Iterable[Triple]) -> tuple[str, str]:
    text = forms.text
    graph = text(name)
    return graph, nquads_lines(graph, {(text(s), text(p), text(o)) for s, p, o in triples})
