"""atlas-graph: the Atlas of French decentralised cooperation as a linked-data knowledge graph."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__version__ = "0.1.0"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a while (as it was afterwards).

    For work that makes many objects that live on and next to no garbage, where every few
    hundred allocations the collector would walk them all again: imports (a fifth of the time
    ``atlas-graph serve`` spends importing) and builds (terms, triples and records: 40% of the
    time of mapping and writing the 12,000-record Atlas). Nothing is kept longer than it would
    be: reference counting frees objects as usual, and any cycle is collected later.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
