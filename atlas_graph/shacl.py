"""SHACL engine: shapes files + an in-memory rdflib graph -> pyshacl's results graph.

Input: the name of a shapes file in ``shapes/`` and a data graph (optionally, the focus nodes).
Output: the ``sh:ValidationReport`` graph. The shapes graph is parsed once per process, and
SHACL Advanced Features are on (the shapes use SPARQL targets and a SPARQL rule).

Made fast for many validations of the same shapes, without changing a result:

* data graphs (``IndexedGraph``) are stored in ``TripleIndex``, three plain dictionary indexes:
  rdflib's default store pays for graph contexts on every add and lookup;
* patches of pyshacl and rdflib, installed once per process (``_install_patches``): top-level
  targets filtered to the focus nodes (pyshacl's own focus option also filters nested shapes,
  which breaks them); SHACL-SPARQL query texts parsed once (rdflib parsed each per focus node,
  ~50 ms); a hashed lookup of constraint parameters; no text form of the results (never read);
  nested shapes (sh:property, sh:node, sh:not) validated once for all their value nodes rather
  than once per value node, each result going back to its value node by its sh:focusNode.

They rely on pyshacl 0.40's internals (``Shape.focus_nodes``, ``pyshacl.shape.CONSTRAINT_PARAMS``,
the ``_evaluate_*`` methods of the property, node and not constraint components,
``ConstraintComponent.make_v_result_description``) and rdflib's ``SPARQLProcessor.query``; the
tests run every shape through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from pyshacl.constraints.constraint_component import ConstraintComponent
from pyshacl.constraints.core.logical_constraints import NotConstraintComponent
from pyshacl.constraints.core.shape_based_constraints import NodeConstraintComponent, PropertyConstraintComponent
from pyshacl.graph_abstraction import DataGraph, RdfLibDataGraph
from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator
from rdflib import Graph, Node, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import processor
from rdflib.plugins.stores.memory import Memory
from rdflib.store import Store

from .resources_paths import shapes_dir


class ValidationInputError(Exception):
    """An input (RDF file) or a shapes file that cannot be read; ``source`` names it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source, self.reason = source, reason


@cache
def load_shapes(name: str) -> Graph:
    path = shapes_dir() / name
    graph = IndexedGraph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise ValidationInputError(str(path), "shapes file not found") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationInputError(str(path), f"shapes file cannot be read: {exc}") from None
    return graph


def run(data: Graph, shapes: str, focus: Iterable[Node] | None = None) -> Graph:
    """pyshacl over one in-memory graph; the results graph (the shapes graph is parsed once).

    ``focus``: only these nodes are validated against the shapes that target them; the other
    nodes of ``data`` (referenced actors, concepts) serve sh:class, sh:node… checks only.
    pyshacl's own focus_nodes option also filters the nodes of nested shapes (sh:node, sh:not),
    which breaks them; so the top-level targets are filtered here instead (``_install_patches``).
    SHACL Advanced Features are on: the shapes use SPARQL targets.
    """
    global _FOCUS
    _install_patches()
    validator = Validator(_data_graph(data), shacl_graph=load_shapes(shapes),
                          options={"advanced": True, "inplace": True})
    validator.shacl_graph = _shapes_graph(shapes)
    _FOCUS = frozenset(focus) if focus is not None else None
    try:
        _, results, _ = validator.run()
    finally:
        _FOCUS = None
    return results


def prepare() -> None:
    """Parse the shapes and prepare their SPARQL queries now (before forking workers that will
    inherit them): each shapes file is run once on an empty graph."""
    for name in ("atlas.shapes.ttl", "corpus.shapes.ttl"):
        run(IndexedGraph(), name)


_FOCUS: frozenset[Node] | None = None


def _data_graph(data: Graph) -> DataGraph:
    """pyshacl's view of ``data``; a graph over a ``TripleIndex`` (no contexts) is read through
    the graph itself (pyshacl wants a context-aware store beside it, left empty)."""
    if data.store.context_aware:
        return DataGraph.from_rdflib(data)
    return RdfLibDataGraph(Memory(), impl=data)


class IndexedGraph(Graph):
    """An rdflib graph over a ``TripleIndex``, whose objects(s, p) and subjects(p, o) lookups go
    straight to its indexes (pyshacl makes one per focus node and constraint)."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]] = ()) -> None:
        super().__init__(store=TripleIndex())
        self.index: TripleIndex = self.store  # type: ignore[assignment]
        self.index.load(triples)

    def objects(self, subject=None, predicate=None, unique=False):  # type: ignore[no-untyped-def]
        if subject is not None and type(predicate) is URIRef and not unique and not isinstance(subject, list):
            return iter(self.index.objects_of(subject, predicate))
        return super().objects(subject, predicate, unique)

    def subjects(self, predicate=None, object=None, unique=False):  # type: ignore[no-untyped-def] # noqa: A002
        if object is not None and type(predicate) is URIRef and not unique and not isinstance(object, list):
            return iter(self.index.subjects_of(predicate, object))
        return super().subjects(predicate, object, unique)


_NO_CONTEXTS: tuple[()] = ()


def _entries(index: dict[Node, dict[Node, None]] | None, key: Node | None) -> list[tuple[Node, dict[Node, None]]]:
    """The (key, values) entries of an index's second level: all of them, or the one of ``key``."""
    if index is None:
        return []
    if key is None:
        return list(index.items())
    return [(key, index[key])] if key in index else []


class TripleIndex(Store):
    """An rdflib store of one graph: three dictionary indexes and a count, nothing else.

    rdflib's default store keeps, for every triple, the graphs it belongs to, and an add or a
    lookup pays for it (~25 µs and ~12 µs); validation graphs are single, built once and then
    read only, so this store does the same lookups on plain dictionaries (a few µs)."""

    def __init__(self, configuration: str | None = None, identifier: Node | None = None) -> None:
        super().__init__(configuration)
        self.identifier = identifier
        self._spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._pos: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._osp: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._count = 0
        self._namespaces: dict[str, URIRef] = {}
        self._prefixes: dict[URIRef, str] = {}

    def load(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add many triples (terms already checked: they come from rdflib graphs)."""
        spo, pos, osp = self._spo, self._pos, self._osp
        count = 0
        for s, p, o in triples:
            objects = spo.setdefault(s, {}).setdefault(p, {})
            if o in objects:
                continue
            objects[o] = None
            pos.setdefault(p, {}).setdefault(o, {})[s] = None
            osp.setdefault(o, {}).setdefault(s, {})[p] = None
            count += 1
        self._count += count

    def add(self, triple, context, quoted=False):  # type: ignore[no-untyped-def]
        self.load((triple,))

    def remove(self, triple_pattern, context=None):  # type: ignore[no-untyped-def]
        for (s, p, o), _ in list(self.triples(triple_pattern)):
            del self._spo[s][p][o], self._pos[p][o][s], self._osp[o][s][p]
            self._count -= 1

    def triples(self, triple_pattern, context=None):  # type: ignore[no-untyped-def]
        s, p, o = triple_pattern
        if s is not None:
            for p2, objects in _entries(self._spo.get(s), p):
                for o2 in (list(objects) if o is None else [o] if o in objects else []):
                    yield (s, p2, o2), _NO_CONTEXTS
        elif p is not None:
            for o2, subjects in _entries(self._pos.get(p), o):
                for s2 in list(subjects):
                    yield (s2, p, o2), _NO_CONTEXTS
        elif o is not None:
            for s2, predicates in _entries(self._osp.get(o), None):
                for p2 in list(predicates):
                    yield (s2, p2, o), _NO_CONTEXTS
        else:
            for s2, po in list(self._spo.items()):
                for p2, objects in list(po.items()):
                    for o2 in list(objects):
                        yield (s2, p2, o2), _NO_CONTEXTS

    def __len__(self, context=None) -> int:  # type: ignore[no-untyped-def]
        return self._count

    def objects_of(self, s: Node, p: Node) -> tuple[Node, ...]:
        return tuple(self._spo.get(s, {}).get(p, ()))

    def subjects_of(self, p: Node, o: Node) -> tuple[Node, ...]:
        return tuple(self._pos.get(p, {}).get(o, ()))

    def bind(self, prefix, namespace, override=True):  # type: ignore[no-untyped-def]
        if override or prefix not in self._namespaces:
            self._prefixes.pop(self._namespaces.get(prefix), None)  # type: ignore[arg-type]
            self._namespaces[prefix] = namespace
            self._prefixes[namespace] = prefix

    def namespace(self, prefix):  # type: ignore[no-untyped-def]
        return self._namespaces.get(prefix)

    def prefix(self, namespace):  # type: ignore[no-untyped-def]
        return self._prefixes.get(namespace)

    def namespaces(self):  # type: ignore[no-untyped-def]
        return iter(list(self._namespaces.items()))


_SHAPES_GRAPHS: dict[str, tuple[Graph, ShapesGraph]] = {}


def _shapes_graph(name: str) -> ShapesGraph:
    """pyshacl's shapes graph of ``load_shapes(name)``, its shapes harvested once (again when the
    file is parsed again: results name the blank nodes of the graph the report reads)."""
    graph = load_shapes(name)
    if name not in _SHAPES_GRAPHS or _SHAPES_GRAPHS[name][0] is not graph:
        _install_patches()
        shapes = _FrozenShapesGraph(graph)
        shapes.shapes  # noqa: B018 - harvest the shapes once
        _SHAPES_GRAPHS[name] = (graph, shapes)
    return _SHAPES_GRAPHS[name][1]


class _FrozenShapesGraph(ShapesGraph):
    """A shapes graph that does not change, so its lookups (one per constraint and value node
    in pyshacl) are answered from memory."""

    def __init__(self, graph: Graph) -> None:
        super().__init__(graph)
        self._po: dict[Node, tuple[tuple[Node, Node], ...]] = {}
        self._o: dict[tuple[Node, Node], tuple[Node, ...]] = {}

    def predicate_objects(self, s):  # type: ignore[no-untyped-def]
        if s not in self._po:
            self._po[s] = tuple(self.graph.predicate_objects(s))
        return iter(self._po[s])

    def objects(self, s, p):  # type: ignore[no-untyped-def]
        key = (s, p)
        if key not in self._o:
            self._o[key] = tuple(self.graph.objects(s, p))
        return iter(self._o[key])


@cache
def _install_patches() -> None:
    """Patches of pyshacl and rdflib, installed once per process (see the module docstring)."""
    find = Shape.focus_nodes

    def focus_nodes(self, data_graph, debug=False):  # type: ignore[no-untyped-def]
        found = find(self, data_graph, debug)
        return found if _FOCUS is None else {n for n in found if n in _FOCUS}

    Shape.focus_nodes = focus_nodes  # type: ignore[method-assign]
    # pyshacl runs each SHACL-SPARQL query text once per shape and data graph, and rdflib parses
    # it each time (~50 ms); the translated query is the same for the same text and prefixes.
    query = processor.SPARQLProcessor.query
    prepared: dict[tuple[object, ...], object] = {}

    def cached_query(self, q, initBindings=None, initNs=None, base=None, DEBUG=False):  # type: ignore[no-untyped-def] # noqa: N803
        if isinstance(q, str) and len(prepared) < 512:
            key = (q, base, frozenset((initNs or {}).items()))
            if key not in prepared:
                prepared[key] = processor.translateQuery(processor.parseQuery(q), base, initNs)
            q = prepared[key]
        return query(self, q, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = cached_query  # type: ignore[method-assign]
    # pyshacl looks every predicate of every shape up in a list of constraint parameters, once per
    # shape evaluation (a third of its time here); the same list, with a hashed membership test.
    from pyshacl import shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    shape_module.CONSTRAINT_PARAMS = (_HashedList(ALL_CONSTRAINT_PARAMETERS),  # type: ignore[attr-defined]
                                      CONSTRAINT_PARAMETERS_MAP)
    # the text form of each result (pyshacl's printed report), which is never read here
    ConstraintComponent.make_v_result_description = lambda self, *args, **kwargs: ""  # type: ignore[method-assign]
    _batch_nested_shapes()


def _values(focus_value_nodes: dict[Node, set[Node]]) -> list[Node]:
    return list(dict.fromkeys(v for values in focus_value_nodes.values() for v in values))


def _batch_nested_shapes() -> None:
    """pyshacl validates a nested shape (sh:property, sh:node, sh:not) once per value node,
    building its constraint components each time; validating it once with all of them as focus
    nodes gives the same results (each result names its focus node) at a fraction of the cost."""
    one_property = PropertyConstraintComponent._evaluate_property_shape
    one_node = NodeConstraintComponent._evaluate_node_shape
    one_not = NotConstraintComponent._evaluate_not_constraint

    def property_shape(self, executor, ref, graph, focus_value_nodes, recursive, path):  # type: ignore[no-untyped-def]
        shape = self.shape.get_other_shape(ref)
        values = _values(focus_value_nodes)
        if not shape or not shape.is_property_shape or (recursive and shape in recursive) or not values:
            return one_property(self, executor, ref, graph, focus_value_nodes, recursive, path)
        conforms, reports = shape.validate(executor, graph, focus=values, _evaluation_path=path[:])
        return not conforms, reports

    def node_shape(self, executor, ref, graph, focus_value_nodes, recursive, path):  # type: ignore[no-untyped-def]
        shape = self.shape.get_other_shape(ref)
        by_value = None if shape and shape.is_property_shape else \
            _results_by_value(shape, executor, graph, focus_value_nodes, recursive, path)
        if by_value is None:  # pyshacl's way, and its errors
            return one_node(self, executor, ref, graph, focus_value_nodes, recursive, path)
        reports = []
        for focus, values in focus_value_nodes.items():
            for value in values:
                if by_value[value]:  # a result for the value, its own results as details
                    text, node, triples = self.make_v_result(graph, focus, value_node=value)
                    for _, detail, detail_triples in by_value[value]:
                        triples.append((node, SH.detail, detail))
                        triples.extend(detail_triples)
                    reports.append((text, node, triples))
        return bool(reports), reports

    def not_shape(self, executor, ref, graph, focus_value_nodes, recursive, path):  # type: ignore[no-untyped-def]
        shape = self.shape.get_other_shape(ref)
        by_value = _results_by_value(shape, executor, graph, focus_value_nodes, recursive, path)
        if by_value is None:
            return one_not(self, executor, ref, graph, focus_value_nodes, recursive, path)
        reports = [self.make_v_result(graph, focus, value_node=value)  # the values that conform
                   for focus, values in focus_value_nodes.items() for value in values if not by_value[value]]
        return bool(reports), reports

    PropertyConstraintComponent._evaluate_property_shape = property_shape  # type: ignore[method-assign]
    NodeConstraintComponent._evaluate_node_shape = node_shape  # type: ignore[method-assign]
    NotConstraintComponent._evaluate_not_constraint = not_shape  # type: ignore[method-assign]


def _results_by_value(shape, executor, graph, focus_value_nodes, recursive, path):  # type: ignore[no-untyped-def]
    """``shape`` validated once for all the value nodes: value node -> its results (none: it
    conforms). None where pyshacl's one-by-one way must be kept: a missing or recursive shape,
    allowed severities (conformance is then not "no result"), a result naming another node."""
    values = _values(focus_value_nodes)
    if (not shape or (recursive and shape in recursive) or len(values) < 2
            or executor.allow_infos or executor.allow_warnings):
        return None
    conforms, reports = shape.validate(executor, graph, focus=values, _evaluation_path=path[:])
    by_value: dict[Node, list[object]] = {v: [] for v in values}
    for report in reports:
        _, node, triples = report
        focus = next((o[1] for s, p, o in triples if s is node and p == SH.focusNode), None)
        if focus not in by_value:
            return None
        by_value[focus].append(report)
    return by_value if conforms or reports else None


class _HashedList(list):  # type: ignore[type-arg]
    def __init__(self, items: Iterable[object]) -> None:
        super().__init__(items)
        self._set = set(self)

    def __contains__(self, item: object) -> bool:
        return item in self._set

    def copy(self) -> _HashedList:  # pyshacl copies the list (and appends to it) in advanced mode
        return _HashedList(self)

    def append(self, item: object) -> None:
        super().append(item)
        self._set.add(item)


