"""Where the top-level data folders of the project are found at run time.

Input: nothing (optionally the environment variables ``ATLAS_GRAPH_ONTOLOGY`` and
``ATLAS_GRAPH_SHAPES``). Output: ``ontology_path()`` (the file ``ontology/atlas.ttl``) and
``shapes_dir()`` / ``shape_files()`` (the folder ``shapes/`` and its ``.ttl`` files).

``ontology/`` and ``shapes/`` are top-level folders of the source tree, not inside the package.
They are looked for, in order: in the environment variable, next to the package (a source
checkout or an editable install), then under ``{sys.prefix}/share/atlas-graph/`` (where a
wheel may install them as data files).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ._generate_namespaces import repository_root

__all__ = ["ontology_path", "shape_files", "shapes_dir"]


def _candidates(name: str) -> list[Path]:
    return [repository_root() / name, Path(sys.prefix) / "share" / "atlas-graph" / name]


def ontology_path() -> Path:
    """The ontology file ``atlas.ttl`` (the first existing candidate; the source tree's otherwise)."""
    if os.environ.get("ATLAS_GRAPH_ONTOLOGY"):
        return Path(os.environ["ATLAS_GRAPH_ONTOLOGY"])
    found = [c / "atlas.ttl" for c in _candidates("ontology")]
    return next((p for p in found if p.is_file()), found[0])


def shapes_dir() -> Path:
    """The folder of SHACL shapes (the first existing candidate; the source tree's otherwise)."""
    if os.environ.get("ATLAS_GRAPH_SHAPES"):
        return Path(os.environ["ATLAS_GRAPH_SHAPES"])
    found = _candidates("shapes")
    return next((p for p in found if p.is_dir()), found[0])


def shape_files() -> list[Path]:
    """The ``.ttl`` files of ``shapes_dir()``, sorted by name (empty when the folder is missing)."""
    folder = shapes_dir()
    return sorted(folder.glob("*.ttl")) if folder.is_dir() else []
