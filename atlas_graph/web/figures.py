"""The home page's figures, computed through a query pool without Flask.

Input: a ``QueryPool`` (anything with ``call("select", sparql, bindings)``).
Output: ``compute(pool)`` -> the figures the home page shows: the counts (``projects``,
``french``, ``foreign``, ``funders``, ``lines``), ``countries`` (foreign collectivities by
country, most first), ``years`` (money and funding lines by year) and ``total`` (euros).
``Background(make)`` runs ``make()`` in a daemon thread at once; ``result()`` waits for it.

The figures are the answers to the SPARQL queries ``atlas_graph/queries/internal/home-*.rq``,
written in the forms Oxigraph evaluates with the least work (their ``# Plan:`` lines; about 0.4 s
of CPU instead of 1.2 s on the 12,000-record Atlas for the plainer forms, which
tests/test_web_pages.py checks they answer alike on every kind of store). The three are read at
the same time, each in its own worker of the pool (the pool's time limit applies to each query).
Nothing here needs Flask, so ``serve`` can start the queries before the web app is even
imported and hand the figures to the app (``atlas_graph.web.cache.preload``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache, partial
from importlib import resources
from typing import Any, Generic, TypeVar

from rdflib import BNode

from atlas_graph.stores.memory import inline_rows

T = TypeVar("T")
Select = Callable[[str], list]

#: The internal queries the figures are made of.
HOME_QUERIES = ("home-counts", "home-countries", "home-years")
#: The counts of ``home-counts``.
COUNTS = ("projects", "french", "foreign", "funders", "lines")

@cache
def sparql(name: str) -> str:
    """The text of the internal query ``name`` (``atlas_graph/queries/internal/<name>.rq``)."""
    return resources.files("atlas_graph.queries").joinpath(f"internal/{name}.rq").read_text(encoding="utf-8")


def home_rows(select: Select, name: str) -> list:
    """The rows of the internal query ``name`` (one of ``HOME_QUERIES``), read with ``select``
    (SPARQL text -> rows); ``home-countries`` in its two steps (see its header)."""
    if name != "home-countries":
        return select(sparql(name))
    counts = select(sparql("home-country-counts"))
    named = [r for r in counts if not isinstance(r.get("country"), BNode)]  # VALUES cannot hold a blank node:
    unnamed = [{"country": r["country"], "n": r["n"]} for r in counts if isinstance(r.get("country"), BNode)]
    rows = select(inline_rows(sparql(name), ["country", "n"], [(r.get("country"), r["n"]) for r in named]))
    return rows + unnamed  # such a country is counted, with no code or label


def number(value: Any) -> int | Decimal:
    """A literal (or anything) as an ``int`` when whole, else a ``Decimal``; 0 when not a number."""
    try:
        found = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return 0
    return int(found) if found == found.to_integral_value() else found


class Background(Generic[T]):
    """``make()`` started now in a daemon thread; ``result()`` waits for its value (or raises
    what it raised)."""

    def __init__(self, make: Callable[[], T], name: str = "atlas-background") -> None:
        self._make = make
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._make()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the result
            self._error = exc

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def _pool_select(pool: Any, text: str) -> list:
    return pool.call("select", text, None)


def select_all(pool: Any, names: Sequence[str]) -> dict[str, list]:
    """The rows of each home page query of ``names`` (``home_rows``), the queries run at the same
    time in ``pool`` (once every query has ended, the first failure is raised)."""
    select = partial(_pool_select, pool)
    calls = {name: Background(partial(home_rows, select, name), f"atlas-{name}") for name in names}
    rows: dict[str, list] = {}
    failure: BaseException | None = None
    for name, call in calls.items():
        try:
            rows[name] = call.result()
        except Exception as exc:  # noqa: BLE001 - wait for the others first
            failure = failure or exc
    if failure is not None:
        raise failure
    return rows


def from_rows(rows: dict[str, list]) -> dict[str, Any]:
    """The figures from the rows of the ``HOME_QUERIES``."""
    counts = rows["home-counts"]
    row = counts[0] if counts else {}
    figures: dict[str, Any] = {key: number(row.get(key, 0)) for key in COUNTS}
    figures["countries"] = [
        {"iri": str(r["country"]) if r.get("country") else "", "iso": str(r.get("iso") or ""),
         "fr": str(r.get("label_fr") or r.get("iso") or "?"),
         "en": str(r.get("label_en") or r.get("label_fr") or r.get("iso") or "?"), "n": number(r["n"])}
        for r in rows["home-countries"]
    ]
    figures["years"] = [{"year": str(r["year"]), "total": number(r["total"]), "lines": number(r["lines"])}
                        for r in rows["home-years"]]
    figures["total"] = sum((y["total"] for y in figures["years"]), 0)
    return figures


def compute(pool: Any) -> dict[str, Any]:
    """The home page's figures, read through ``pool`` (see the module docstring)."""
    return from_rows(select_all(pool, HOME_QUERIES))


__all__ = ["COUNTS", "HOME_QUERIES", "Background", "compute", "from_rows", "home_rows", "number", "select_all",
           "sparql"]
