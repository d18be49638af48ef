"""Validate: a built dataset -> a SHACL report that names record, actor, field and value.

Input: a ``Build`` (or an rdflib ``Dataset`` with one named graph per record plus
``graph/actors`` and ``graph/vocabulary``), or RDF files. Output: a ``report.Report``.

How: pyshacl, always over in-memory rdflib graphs, against ``shapes/atlas.shapes.ttl``:

* each record graph is checked with the descriptions of the actors and concepts it references
  (their types, labels, schemes), its own nodes being the focus nodes; records are independent,
  so they are spread over a process pool (``workers``, default: the CPU count);
* the actors graph (with the countries it uses) and the vocabulary graph are checked once, in
  chunks over the same pool, since actors are shared by records;
* the rules that span records (``shapes/corpus.shapes.ttl``) run once on the actors graph, as
  one more task of the pool.

The pool forks: its workers inherit the dataset and the parsed shapes, only graph IRIs travel to
them. One pyshacl run validates the union of 96 records' units (one task); the longest go first.

``validate_record`` re-checks one record and the actors it references (incremental). Problems
of the build with severity "error" (a value that cannot be represented: 31/02/2012, an unknown
country) are violations of the report, naming file, field and value.

Exit statuses of ``atlas-graph validate`` (see cli.py): 0 the data conforms (warnings and infos
allowed), 1 at least one violation, 2 an input file or a shapes file cannot be read.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Dataset, Graph, Literal, Node, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV

from .build import Build
from .namespaces import ATLAS
from .records import Problem
from .report import BUILD_SHAPE, Finding, Report, findings_of, source_file
from .shacl import IndexedGraph, ValidationInputError, load_shapes, prepare
from .shacl import run as run_shapes
from .stores.base import Store

SHAPES_FILES = ("atlas.shapes.ttl", "corpus.shapes.ttl")
_RECORDS_PER_TASK = 96
_ACTORS_PER_CHUNK = 2000
_SERIAL_BELOW = 40  # records: below this, no process pool


# -- units of work ----------------------------------------------------------------------------
Graphs = dict[URIRef, list[tuple[Node, Node, Node]]]  # named graph IRI -> its triples (Build.graphs)


def graphs_of(dataset: Dataset | Graphs) -> Graphs:
    """A dataset as named graph IRI -> triples (a Build's ``graphs`` already are)."""
    if isinstance(dataset, dict):
        return dataset
    graphs: Graphs = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        graphs.setdefault(name, []).append((s, p, o))  # type: ignore[arg-type]
    return graphs


class _Shared:
    """The record graphs of a dataset and the descriptions of its shared nodes (actors, concepts)."""

    def __init__(self, graphs: Graphs) -> None:
        self.graphs = graphs
        self.records: list[URIRef] = []
        self.actors: URIRef | None = None
        self.vocabulary: URIRef | None = None
        for name, triples in graphs.items():
            if str(name).endswith("/graph/actors"):
                self.actors = name
            elif str(name).endswith("/graph/vocabulary"):
                self.vocabulary = name
            elif "/graph/" in str(name) and triples:
                self.records.append(name)
        self.records.sort()
        self.description: dict[Node, list[tuple[Node, Node]]] = {}
        for shared in (self.actors, self.vocabulary):
            for s, p, o in graphs.get(shared, ()):  # type: ignore[arg-type]
                self.description.setdefault(s, []).append((p, o))
        #: the subjects of the actors graph, in a stable order (sliced into chunks)
        self.actor_subjects = sorted({s for s, _, _ in graphs.get(self.actors, ())})  # type: ignore[arg-type, type-var]
        self.actor_set = frozenset(self.actor_subjects)

    def files_of(self, nodes: set[str]) -> dict[str, tuple[str, ...]]:
        """The record files whose graphs mention these nodes (as object or subject)."""
        if not nodes:
            return {}
        found: dict[str, set[str]] = {n: set() for n in nodes}
        # a person is mentioned by a record through the memberships that record was read for
        via: dict[str, set[str]] = {n: {n} for n in nodes}
        for subject, pairs in self.description.items():
            for p, o in pairs:
                if p == ORG.member and str(o) in via:
                    via[str(o)].add(str(subject))
        wanted = {alias: node for node, aliases in via.items() for alias in aliases}
        for name in self.records:
            triples = self.graphs[name]
            hits = {wanted[str(t)] for s, _, o in triples for t in (s, o) if str(t) in wanted}
            if hits:
                file = next((str(o) for _, p, o in triples if p == DCTERMS.identifier), "")
                for hit in hits:
                    found[hit].add(file)
        return {n: tuple(sorted(f for f in files if f)) for n, files in found.items()}


_SHARED: dict[int, _Shared] = {}


def _shared(dataset: Dataset | Graphs) -> _Shared:
    if id(dataset) not in _SHARED:
        _SHARED.clear()
        _SHARED[id(dataset)] = _Shared(graphs_of(dataset))
    return _SHARED[id(dataset)]


def record_unit(dataset: Dataset | Graphs, graph_id: URIRef, data: IndexedGraph | None = None,
                described: set[Node] | None = None) -> tuple[IndexedGraph, set[Node]]:
    """A record graph with the descriptions of the actors and concepts it references (added to
    ``data`` when given, but for the nodes in ``described``, which it extends); and the record's
    own nodes, the focus nodes."""
    shared = _shared(dataset)
    description = shared.description
    data = data if data is not None else IndexedGraph()
    focus: set[Node] = set()
    referenced: set[Node] = set()
    triples = shared.graphs[graph_id]
    for s, _, o in triples:
        # a shared node the record says something about (a membership read from it) is checked
        # with the actors graph, not here
        (referenced if s in description else focus).add(s)
        if isinstance(o, URIRef):
            referenced.add(o)
    data.index.load(triples)
    referenced -= focus
    if described is not None:
        referenced -= described
        described |= referenced
    for node in referenced:
        data.index.load((node, p, o) for p, o in description.get(node, ()))
    return data, focus


def _validate_records(graph_ids: Sequence[URIRef], dataset: Dataset | Graphs) -> list[Finding]:
    """Records validated together: the union of their units, each node keeping its record's file.

    Record units are independent (a record's nodes only reference shared actors and concepts), so
    validating their union gives the results of validating each alone, for one pyshacl call.
    """
    data, focus, described = IndexedGraph(), set(), set[Node]()
    file_of: dict[Node, str] = {}
    for graph_id in graph_ids:
        _, own = record_unit(dataset, graph_id, data, described)
        project = next((n for n in own if (n, RDF.type, ATLAS.Partnership) in data), graph_id)
        file = source_file(data, project)
        file_of.update((node, file) for node in own)
        focus |= own
    found = findings_of(run_shapes(data, "atlas.shapes.ttl", focus), data, load_shapes("atlas.shapes.ttl"), "")
    return [replace(f, file=file_of.get(URIRef(f.focus), "")) for f in found]


#: Properties of actors and memberships whose values are described elsewhere (concepts, people,
#: organisations): their descriptions come along when a node is checked.
_SHARED_LINKS = frozenset({ATLAS.country, ORG.role, ORG.member, ORG.organization})


def _validate_shared_nodes(nodes: Iterable[Node], shared: _Shared) -> list[Finding]:
    """Actors (and memberships, people…) of the actors graph, with the descriptions they link to."""
    nodes = list(nodes)
    description = shared.description
    triples = []
    for s in nodes:
        for p, o in description.get(s, ()):
            triples.append((s, p, o))
            if p in _SHARED_LINKS:  # a country, or the role of a membership: add its description
                triples.extend((o, p2, o2) for p2, o2 in description.get(o, ()))
    data = IndexedGraph(triples)
    return findings_of(run_shapes(data, "atlas.shapes.ttl", nodes), data, load_shapes("atlas.shapes.ttl"), "")


Task = tuple[str, tuple[object, ...]]
_DATASET: Dataset | Graphs | None = None  # the dataset the pool's workers inherit (fork)


def _run_task(task: Task, dataset: Dataset | Graphs | None = None) -> list[Finding]:
    """One unit of work: ("records", graph IRIs), ("actors", (start, stop)), ("vocabulary", ())
    or ("corpus", ()). In a pool's worker, the dataset is the one inherited from the parent."""
    dataset = dataset if dataset is not None else _DATASET
    assert dataset is not None
    shared = _shared(dataset)
    kind, args = task
    if kind == "records":
        return _validate_records(args, dataset)  # type: ignore[arg-type]
    if kind == "actors":
        start, stop = args
        return _validate_shared_nodes(shared.actor_subjects[start:stop], shared)  # type: ignore[index]
    if kind == "vocabulary":
        data = IndexedGraph(shared.graphs.get(shared.vocabulary, ()))  # type: ignore[arg-type]
        return findings_of(run_shapes(data, "atlas.shapes.ttl"), data, load_shapes("atlas.shapes.ttl"), "")
    if shared.actors is None:  # corpus: the rules across records, on the actors graph
        return []
    data = IndexedGraph(shared.graphs[shared.actors])
    return findings_of(run_shapes(data, "corpus.shapes.ttl"), data, load_shapes("corpus.shapes.ttl"), "")


def _tasks(shared: _Shared, corpus: bool) -> list[Task]:
    """The units of work, the longest first (the corpus rules, then the actors, then the records)."""
    tasks: list[Task] = [("corpus", ())] if corpus else []
    n_actors = len(shared.actor_subjects)
    tasks += [("actors", (i, i + _ACTORS_PER_CHUNK)) for i in range(0, n_actors, _ACTORS_PER_CHUNK)]
    if shared.vocabulary is not None:
        tasks.append(("vocabulary", ()))
    records = shared.records
    tasks += [("records", tuple(records[i:i + _RECORDS_PER_TASK])) for i in range(0, len(records), _RECORDS_PER_TASK)]
    return tasks


def _attribute(findings: list[Finding], dataset: Dataset | Graphs) -> list[Finding]:
    """Give findings on shared nodes (actors, concepts) the record files that reference them."""
    files_of = _shared(dataset).files_of({f.focus for f in findings if not f.file})
    return [f if f.file else replace(f, file=files_of[f.focus][0] if files_of[f.focus] else "",
                                     files=files_of[f.focus]) for f in findings]


# -- entry points -----------------------------------------------------------------------------
def problem_findings(problems: Iterable[Problem]) -> list[Finding]:
    """Build problems of severity "error" (a value that cannot be represented) as violations."""
    return [Finding(p.source, "", "", p.field, p.value, "Violation",
                    f"{p.field}: {p.message}; the value was left out of the graph",
                    f"{p.field} : {p.message} ; la valeur n'a pas été mise dans le graphe", BUILD_SHAPE)
            for p in problems if p.severity == "error"]


def validate_dataset(dataset: Dataset | Graphs, workers: int | None = None, corpus: bool = True) -> Report:
    """Validate every record graph, the actors and vocabulary graphs, and the corpus rules.

    ``dataset``: an rdflib Dataset or named graph IRI -> triples (``Build.graphs``).
    """
    global _DATASET
    shared = _shared(dataset)
    if not shared.records and shared.actors is None and shared.vocabulary is None:
        return validate_graph(IndexedGraph(t for triples in shared.graphs.values() for t in triples))
    tasks = _tasks(shared, corpus)
    workers = workers or os.cpu_count() or 1
    findings: list[Finding] = []
    prepare()  # shapes parsed and queries prepared once, here: a pool's workers inherit them (fork)
    if workers == 1 or len(shared.records) < _SERIAL_BELOW or "fork" not in multiprocessing.get_all_start_methods():
        for task in tasks:
            findings += _run_task(task, dataset)
        return Report(_attribute(findings, dataset))
    _DATASET = dataset  # the workers inherit it too: only the tasks (graph IRIs) travel to them
    gc.freeze()  # ...and their garbage collector leaves it (millions of objects) alone
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker) as pool:
            for part in [pool.submit(_run_task, task) for task in tasks]:
                findings += part.result()
    finally:
        gc.unfreeze()
        _DATASET = None
    return Report(_attribute(findings, dataset))


def _start_worker() -> None:
    # the inherited objects frozen, Python no longer spaces out full collections (0.3 s each)
    gc.set_threshold(700, 10, 100)


def validate_build(result: Build, workers: int | None = None, personal_data: bool = True) -> Report:
    """Validate a build: its graphs, plus its unrepresentable values as violations.

    Files are named as they were given (``Record.shown_as``); files that could not be read at all
    (``Build.failed``) are not in the report: callers report them (exit status 2). A build
    without personal data has nameless people on purpose: shape:Person-name is then not applied.
    """
    graphs = result.graphs
    report = validate_dataset(graphs, workers)
    shown = {r.source_name: r.shown_as for r in result.records}
    findings = [replace(f, file=shown.get(f.file, f.file), files=tuple(shown.get(x, x) for x in f.files))
                for f in report.findings]
    project_of: dict[str, tuple[str, str]] = {}  # file name -> project IRI, title
    for name in _shared(graphs).records:
        triples = graphs[name]
        file = next((str(o) for _, p, o in triples if p == DCTERMS.identifier), "")
        subject = next((s for s, p, _ in triples if p == PROV.wasDerivedFrom), None)
        title = next((str(o) for s, p, o in triples if s == subject and p == DCTERMS.title), "")
        project_of[file] = (str(subject or ""), title)
    by_location = {r.shown_as: r.source_name for r in result.records}
    for f in problem_findings(result.problems):
        project, title = project_of.get(by_location.get(f.file, ""), ("", ""))
        findings.append(replace(f, focus=project, label=title))
    if not personal_data:
        findings = [f for f in findings if not f.shape.endswith("#Person-name")]
    return Report(findings)


def validate_record(dataset: Dataset | Graphs, record: str | URIRef) -> Report:
    """Re-validate one record (its graph IRI or record id) and the actors it references."""
    shared = _shared(dataset)
    graph_id = next((r for r in shared.records if str(r) == str(record) or str(r).rsplit("/", 1)[-1] == str(record)),
                    None)
    if graph_id is None:
        raise KeyError(f"no record graph {record}")
    findings = _validate_records([graph_id], dataset)
    nodes = {t for s, _, o in shared.graphs[graph_id] for t in (s, o) if t in shared.actor_set}
    findings += _validate_shared_nodes(sorted(nodes), shared)  # type: ignore[type-var]
    return Report(_attribute(findings, dataset))


def validate_graph(graph: Graph, file: str = "") -> Report:
    """Validate one graph as a whole (a Turtle file: no named graphs), corpus rules included."""
    findings = findings_of(run_shapes(graph, "atlas.shapes.ttl"), graph, load_shapes("atlas.shapes.ttl"))
    corpus = run_shapes(IndexedGraph(graph), "corpus.shapes.ttl")  # a copy: its rule adds name keys
    findings += findings_of(corpus, graph, load_shapes("corpus.shapes.ttl"))
    return Report([f if f.file else replace(f, file=file) for f in findings])


# -- reading RDF files ------------------------------------------------------------------------
_OX_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG,
               ".nq": ox.RdfFormat.N_QUADS, ".rdf": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD}


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:  # rdflib writes plain literals for xsd:string
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def read_rdf_files(paths: Sequence[Path]) -> tuple[Graphs, bool]:
    """RDF files -> named graph IRI -> triples (parsed by Oxigraph, fast); True when graphs are named.

    Triples of the default graph are under the key ``DEFAULT``.
    """
    graphs: Graphs = {}
    named = False
    terms: dict[object, Node] = {}

    def term(t: object) -> Node:
        node = terms.get(t)
        if node is None:
            node = terms[t] = _term(t)  # type: ignore[arg-type]
        return node

    for path in paths:
        fmt = _OX_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise ValidationInputError(str(path), f"not an RDF file (expected one of {', '.join(_OX_FORMATS)})")
        try:
            for quad in ox.parse(path=str(path), format=fmt):
                name = DEFAULT if isinstance(quad.graph_name, ox.DefaultGraph) else term(quad.graph_name)
                named = named or name != DEFAULT
                graphs.setdefault(name, []).append(  # type: ignore[arg-type]
                    (term(quad.subject), term(quad.predicate), term(quad.object)))
        except SyntaxError as exc:
            raise ValidationInputError(str(path), f"not valid RDF: {exc}") from None
        except OSError as exc:
            raise ValidationInputError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    return graphs, named


DEFAULT = URIRef("urn:x-rdflib:default")


def validate_files(paths: Sequence[Path], workers: int | None = None) -> Report:
    """Validate RDF files: per record graph when they hold named graphs, else as one graph."""
    graphs, named = read_rdf_files(paths)
    if named:
        return validate_dataset(graphs, workers)
    file = paths[0].name if len(paths) == 1 else ""
    return validate_graph(IndexedGraph(t for triples in graphs.values() for t in triples), file)


def validate_store(store: Store, workers: int | None = None) -> Report:
    """Validate what a store holds (``load`` put one named graph per record in it), read back into
    memory first: pyshacl is many times slower over a store than over in-memory graphs."""
    graphs: Graphs = {}
    for s, p, o, g in store.quads():
        if g is not None and not str(g).endswith("/graph/meta"):
            graphs.setdefault(g, []).append((s, p, o))
    return validate_dataset(graphs, workers)
