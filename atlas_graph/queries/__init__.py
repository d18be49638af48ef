"""Named queries: the ``.rq`` files of this folder -> a registry, and running one on a store.

Input: a query name and its parameters as text (``collectivity=Evry``), and a ``Store``.
Output: a ``Table`` (the columns the query's header announces, one row per result, values as
text). Parameters naming an actor, a project or a theme match any of its labels ignoring case
and accents, or its full IRI; they go into the query as bindings, never as text.

Each ``.rq`` file starts with a header comment, read here::

    # Name: partners
    # Purpose: ...
    # Parameters:
    #   collectivity (actor, required) -> ?collectivity: description
    #   hops (integer 1-3, optional, default 2) -> ?hops: description
    # Columns: partner, partner_country, project, role
    # Order: project, role, partner
    # Plan: why the query has its shape (free text, not read)

Parameter values open the query's WHERE group as an inline ``VALUES`` row, written from the
typed terms by ``stores.memory.inline_bindings`` (never by formatting text). A query with a
``# Walk:`` line is run once per hop from the collectivities reached before (``network``); its rows
come by hop, then in the ``# Order:`` below. A query with a ``# Pairs:`` line gives one row per
member of a group (``shared-partners``: a French collectivity of a foreign partner); the runner
makes its rows from the pairs of members of each group (``pair_rows``).

Row order: the runner sorts the rows of text by the columns of the ``# Order:`` line, then by
the other columns, so that ties come in the same order from every store (strings by code point,
as SPARQL orders plain and language-tagged strings; empty first, as unbound). A query whose
order is not a list of its columns (``funder-totals``: by a sum) keeps its own ``ORDER BY``.
Oxigraph's ORDER BY reads a term's string from the store at each comparison: at 12,000 records
it took a third of the time of ``partners`` and ``projects-by-theme``, and as long as the rest
of ``shared-partners`` (64,000 rows).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import combinations, groupby
from operator import itemgetter
from typing import Any, TypeVar

from rdflib import Literal, URIRef

from ..stores.base import Binding, Store
from ..stores.memory import inline_bindings, inline_rows
from .resolve import Resolver, UnknownValue

__all__ = ["NamedQuery", "Parameter", "Table", "UnknownValue", "QueryUsageError", "registry", "run_named_query"]


class QueryUsageError(ValueError):
    """A named query called with a missing, unknown or malformed parameter."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # actor | project | theme | country | integer
    variable: str
    required: bool
    description: str
    default: str | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Walk:
    """A query run once per hop, breadth first: ``# Walk: ?from -> ?to, up to hops``."""

    start: str  # the variable bound to the collectivities reached at the hop before
    end: str  # the variable of the collectivities one edge further
    depth: str  # the parameter that says how many hops


@dataclass(frozen=True)
class Pairs:
    """Rows made from pairs of rows: ``# Pairs: ?a ?label_a -> ?b ?label_b, by ?group``.

    The query gives one row per member (``?a``, described by the other variables of ``first``)
    of each group (``?group`` and the columns named on neither side); the runner gives one row
    per two rows of a group whose first variables are in order (text of ``?a`` < text of
    ``?b``), the second row's ``first`` values taking the names of ``second``."""

    first: tuple[str, ...]  # the member, then what the query says of it
    second: tuple[str, ...]  # the same, for the other member of the pair
    group: str  # the variable of the group (not a column)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    purpose: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    sparql: str
    walk: Walk | None = None
    order: tuple[str, ...] = ()  # columns the runner sorts the rows by (``# Order:``)
    pairs: Pairs | None = None


@dataclass(frozen=True)
class Table:
    """Rows of text under named columns (unbound values are empty strings)."""

    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]


_PARAM = re.compile(
    r"^(?P<name>[\w-]+) \((?P<kind>actor|project|theme|country|integer)(?: (?P<min>\d+)-(?P<max>\d+))?"
    r", (?P<req>required|optional)(?:, default (?P<default>[^)]+))?\) -> \?(?P<var>\w+): (?P<desc>.*)$"
)


_WALK = re.compile(r"^\?(?P<start>\w+) -> \?(?P<end>\w+), up to (?P<depth>[\w-]+)$")
_PAIRS = re.compile(r"^(?P<first>\?\w+(?: \?\w+)*) -> (?P<second>\?\w+(?: \?\w+)*), by \?(?P<group>\w+)$")


def _parse_header(text: str, filename: str) -> NamedQuery:
    fields: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        match = re.match(r"^(Name|Purpose|Parameters|Walk|Pairs|Columns|Order|Plan):\s*(.*)$", body)
        if match:
            current = match[1]
            fields[current] = [match[2]] if match[2] else []
        elif current and body:
            fields[current].append(body)
    parameters: list[Parameter] = []
    for line in fields.get("Parameters", []):
        if line == "none":
            continue
        match = _PARAM.match(line)
        if match is None:
            if parameters:  # a continuation of the previous description
                last = parameters[-1]
                parameters[-1] = Parameter(**{**last.__dict__, "description": f"{last.description} {line}"})
                continue
            raise ValueError(f"{filename}: cannot read parameter line {line!r}")
        parameters.append(Parameter(
            match["name"], match["kind"], match["var"], match["req"] == "required", match["desc"],
            match["default"], int(match["min"]) if match["min"] else None,
            int(match["max"]) if match["max"] else None,
        ))
    columns = tuple(c.strip() for c in fields["Columns"][0].split(","))
    walk = None
    if "Walk" in fields:
        found = _WALK.match(fields["Walk"][0])
        if found is None:
            raise ValueError(f"{filename}: cannot read the Walk line {fields['Walk'][0]!r}")
        walk = Walk(found["start"], found["end"], found["depth"])
    order = tuple(c.strip() for c in fields["Order"][0].split(",")) if "Order" in fields else ()
    if set(order) - set(columns):
        raise ValueError(f"{filename}: Order names {', '.join(sorted(set(order) - set(columns)))}, not columns")
    pairs = None
    if "Pairs" in fields:
        found = _PAIRS.match(fields["Pairs"][0])
        if found is None:
            raise ValueError(f"{filename}: cannot read the Pairs line {fields['Pairs'][0]!r}")
        first, second = (tuple(v.lstrip("?") for v in found[side].split()) for side in ("first", "second"))
        pairs = Pairs(first, second, found["group"])
        if len(pairs.first) != len(pairs.second):
            raise ValueError(f"{filename}: the two sides of the Pairs line differ in length")
    return NamedQuery(fields["Name"][0], " ".join(fields["Purpose"]), tuple(parameters), columns, text, walk, order,
                      pairs)


@cache
def registry() -> dict[str, NamedQuery]:
    """Every named query of the package, by name."""
    found = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            query = _parse_header(entry.read_text(encoding="utf-8"), entry.name)
            found[query.name] = query
    return found


def bindings_for(query: NamedQuery, params: dict[str, str], resolver: Resolver) -> dict[str, Binding]:
    """Check and resolve text parameters into the query's bindings."""
    known = {p.name for p in query.parameters}
    unknown = sorted(set(params) - known)
    if unknown:
        raise QueryUsageError(f"query {query.name!r} has no parameter {', '.join(unknown)}; "
                              f"it takes: {', '.join(sorted(known)) or 'none'}")
    bindings: dict[str, Binding] = {}
    for parameter in query.parameters:
        value = params.get(parameter.name, parameter.default)
        if value is None:
            if parameter.required:
                raise QueryUsageError(f"query {query.name!r} needs --param {parameter.name}=VALUE "
                                      f"({parameter.description})")
            continue
        if parameter.kind == "integer":
            if not value.strip().isdigit() or not (
                (parameter.minimum or 0) <= int(value) <= (parameter.maximum or 10**9)
            ):
                raise QueryUsageError(f"{parameter.name} must be a whole number from {parameter.minimum} "
                                      f"to {parameter.maximum}, not {value!r}")
            bindings[parameter.variable] = Literal(int(value))
        elif parameter.kind == "country":
            bindings[parameter.variable] = Literal(resolver.country(value))
        else:
            bindings[parameter.variable] = resolver.resolve(parameter.kind, parameter.name, value)
    return bindings


def run_named_query(store: Store, name: str, params: dict[str, str] | None = None,
                    resolver: Resolver | None = None) -> Table:
    """Run a named query on a store; raises QueryUsageError or UnknownValue for bad parameters.

    Parameter values open the query's WHERE group as inline data (``inline_bindings``), where
    the query engine can plan with them. Rows come as text from the store (``Store.select_text``),
    never as rdflib terms.
    """
    queries = registry()
    if name not in queries:
        raise QueryUsageError(f"no query named {name!r}; the queries are: {', '.join(queries)}")
    query = queries[name]
    bindings = bindings_for(query, params or {}, resolver or Resolver(store))
    if query.walk is not None:
        return _walk(store, query, query.walk, bindings)
    if query.pairs is not None:
        rows = pair_rows(query, store.select_text(inline_bindings(query.sparql, bindings), member_variables(query)))
    else:
        rows = store.select_text(inline_bindings(query.sparql, bindings), query.columns)
    if query.order:
        rows.sort(key=itemgetter(*(query.columns.index(c) for c in _sort_columns(query))))
    return Table(query.columns, rows)


def member_variables(query: NamedQuery) -> list[str]:
    """The variables a ``# Pairs:`` query gives, in the order ``pair_rows`` reads them: the
    group, the columns of the group, then the member's."""
    assert query.pairs is not None
    spec = query.pairs
    return [spec.group, *(c for c in query.columns if c not in spec.first + spec.second), *spec.first]


def pair_rows(query: NamedQuery, members: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The rows of a ``# Pairs:`` query from its member rows (``member_variables``): for each
    group, each two members whose first values are in order (as text), as ``FILTER(STR(?a) <
    STR(?b))`` orders them; a member given twice pairs twice, as in the self-join."""
    assert query.pairs is not None
    spec = query.pairs
    width = len(member_variables(query)) - len(spec.first)
    groups: defaultdict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for row in members:
        groups[row[:width]].append(row[width:])
    names = [*member_variables(query), *spec.second]
    pick = itemgetter(*(names.index(c) for c in query.columns))
    rows = []
    for group, found in groups.items():
        if len(found) > 1:
            found.sort()  # then a member comes before every member it is paired with
            rows += [pick(group + one + other) for one, other in combinations(found, 2) if one[0] != other[0]]
    return rows


def _sort_columns(query: NamedQuery) -> list[str]:
    """The ``# Order:`` columns, then the others (ties broken the same way on every store)."""
    return [*query.order, *(c for c in query.columns if c not in query.order and c != "hop")]


def _walk(store: Store, query: NamedQuery, walk_spec: Walk, bindings: dict[str, Binding]) -> Table:
    """The walk on rows of text (``Store.select_text``, tuples); the nodes are IRIs, kept as text."""
    depth_variable = next(p.variable for p in query.parameters if p.name == walk_spec.depth)
    depth = int(bindings.pop(depth_variable))
    start = str(bindings.pop(walk_spec.start))
    variables = [walk_spec.end, *(c for c in query.columns if c != "hop")]
    found = walk(lambda sparql: store.select_text(sparql, variables), query.sparql, walk_spec.start, 0, start,
                 depth, term=URIRef)
    # each row and its hop as one tuple (the hop last), picked in the order of the columns
    place = {name: i for i, name in enumerate(variables)} | {"hop": len(variables)}
    pick = itemgetter(*(place[c] for c in query.columns))
    order = itemgetter(*(query.columns.index(c) for c in _sort_columns(query))) if query.order else None
    rows: list[tuple[str, ...]] = []
    for hop, group in groupby(found, key=itemgetter(0)):  # walk gives the hops in order
        rows_of_hop = [pick((*row, str(hop))) for _, row in group]
        if order is not None:
            rows_of_hop.sort(key=order)
        rows += rows_of_hop
    return Table(query.columns, rows)


R = TypeVar("R", bound=Sequence[Any] | Mapping[str, Any])  # a row: a mapping, or a tuple


def walk(select: Callable[[str], list[R]], sparql: str, start_variable: str, end_variable: str | int,
         start: Any, depth: int, term: Callable[[Any], Binding] = lambda node: node) -> list[tuple[int, R]]:
    """Breadth first from ``start``, ``depth`` hops: ``sparql`` gives the edges of the nodes bound
    to ``?start_variable`` (inline data); hop h keeps the edges from the nodes reached at hop h-1
    that do not lead back to a node reached before it. Returns (hop, row) pairs, by hop.

    The nodes are ``row[end_variable]`` (a variable name, or a position for rows as tuples) and
    ``start``: rdflib terms, or values ``term`` turns into the terms bound in the query
    (``URIRef`` for IRIs as text)."""
    end = itemgetter(end_variable)
    frontier = {start}
    levels: list[set] = [set(frontier)]
    found: list[tuple[int, R]] = []
    for hop in range(1, depth + 1):
        nearer = set().union(*levels[:-1])
        reached: set = set()
        for row in select(inline_rows(sparql, [start_variable], [(term(node),) for node in sorted(frontier)])):
            node = end(row)
            if node in nearer:
                continue
            reached.add(node)
            found.append((hop, row))
        frontier = reached - set().union(*levels)
        levels.append(frontier)
        if not frontier:
            break
    return found
