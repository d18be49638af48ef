"""Shared test helpers: paths of the fixtures, building them, comparing graphs with a diff."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "records" / "000_d788d1f748d878b4.txt"
RECORDS = ROOT / "tests" / "fixtures" / "records"
BAD = ROOT / "tests" / "fixtures" / "bad"


def fixture(name: str) -> Path:
    """A good fixture record by the start of its file name (``"001"``)."""
    (path,) = sorted(RECORDS.glob(f"{name}*.txt"))[:1]
    return path


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    """Graphs equal up to blank nodes; on failure show what is only in one of them."""
    if isomorphic(expected, actual):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = ["graphs differ", "only expected:"]
    lines += sorted(f"  {t}" for t in only_expected.serialize(format="nt").splitlines() if t)
    lines += ["only actual:"] + sorted(f"  {t}" for t in only_actual.serialize(format="nt").splitlines() if t)
    raise AssertionError("\n".join(lines))
