"""SHACL engine: shapes files + an in-memory rdflib graph -> pyshacl's results graph.

Input: the name of a shapes file in ``shapes/`` and a data graph (optionally, the focus nodes).
Output: the ``sh:ValidationReport`` graph. The shapes graph is parsed once per process.

pyshacl is tuned here for many small validations of the same shapes, by patches installed once
per process (``_filter_targets``): top-level targets filtered to the focus nodes (pyshacl's own
focus option also filters nested shapes, which breaks them), SHACL-SPARQL query texts parsed once
(rdflib parsed each per focus node, ~50 ms), and a hashed lookup of constraint parameters. They
rely on pyshacl 0.40's internals (``Shape.focus_nodes``, ``pyshacl.shape.CONSTRAINT_PARAMS``)
and rdflib's ``SPARQLProcessor.query``; the tests run every shape through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from pyshacl.graph_abstraction import DataGraph
from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator
from rdflib import Graph, Node
from rdflib.plugins.sparql import processor

from .resources_paths import shapes_dir


class ValidationInputError(Exception):
    """An input (RDF file) or a shapes file that cannot be read; ``source`` names it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source, self.reason = source, reason


@cache
def load_shapes(name: str) -> Graph:
    path = shapes_dir() / name
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise ValidationInputError(str(path), "shapes file not found") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationInputError(str(path), f"shapes file cannot be read: {exc}") from None
    return graph


def run(data: Graph, shapes: str, focus: Iterable[Node] | None = None, advanced: bool = False) -> Graph:
    """pyshacl over one in-memory graph; the results graph (the shapes graph is parsed once).

    ``focus``: only these nodes are validated against the shapes that target them; the other
    nodes of ``data`` (referenced actors, concepts) serve sh:class, sh:node… checks only.
    pyshacl's own focus_nodes option also filters the nodes of nested shapes (sh:node, sh:not),
    which breaks them; so the top-level targets are filtered here instead (``_targets``).
    """
    global _FOCUS
    _filter_targets()
    validator = Validator(DataGraph.from_rdflib(data), shacl_graph=load_shapes(shapes),
                          options={"advanced": advanced, "inplace": True})
    if not advanced:
        validator.shacl_graph = _shapes_graph(shapes)
    _FOCUS = frozenset(focus) if focus is not None else None
    try:
        _, results, _ = validator.run()
    finally:
        _FOCUS = None
    return results


_FOCUS: frozenset[Node] | None = None


@cache
def _shapes_graph(name: str) -> ShapesGraph:
    _filter_targets()
    graph = _FrozenShapesGraph(load_shapes(name))
    graph.shapes  # noqa: B018 - harvest the shapes once
    return graph


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
def _filter_targets() -> None:
    """Patches, installed once. Wrap pyshacl's Shape.focus_nodes (top-level targets only) to keep the nodes in _FOCUS.

    Acts only while ``_run`` validates with a focus; other uses of pyshacl are left as they are.
    """
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


class _HashedList(list):  # type: ignore[type-arg]
    def __init__(self, items: Iterable[object]) -> None:
        super().__init__(items)
        self._set = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._set


