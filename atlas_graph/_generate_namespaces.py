"""Generate ``atlas_graph/namespaces.py`` from the ontology ``ontology/atlas.ttl``.

Run ``python -m atlas_graph._generate_namespaces`` after editing the ontology; add ``--check`` to
only verify that the committed module is up to date (exit status 1 when it is not).

The generated module holds a closed rdflib ``DefinedNamespace`` ``ATLAS`` with one attribute per
term of the ontology, so that a misspelt term fails at import or call time instead of silently
minting a new IRI.
"""

from __future__ import annotations

import argparse
import keyword
import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

ATLAS_NS = "https://w3id.org/atlas-coop/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/atlas-coop/ontology")
COUNTRY_NS = "http://publications.europa.eu/resource/authority/country/"

_MAX_LINE = 110  # ruff line-length of the project

_KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
}


def repository_root() -> Path:
    """The root of the source tree (the directory holding ``ontology/`` and ``atlas_graph/``)."""
    return Path(__file__).resolve().parents[1]


def ontology_path() -> Path:
    """The ontology file, ``ontology/atlas.ttl`` at the root of the source tree."""
    return repository_root() / "ontology" / "atlas.ttl"


def namespaces_path() -> Path:
    """The generated module, ``atlas_graph/namespaces.py``."""
    return Path(__file__).resolve().parent / "namespaces.py"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _english_label(graph: Graph, term: URIRef) -> str:
    labels = sorted(
        str(label)
        for label in graph.objects(term, RDFS.label)
        if isinstance(label, Literal) and label.language == "en"
    )
    if not labels:
        raise ValueError(f"{term} has no English rdfs:label")
    return _one_line(labels[0])


def _kind(graph: Graph, term: URIRef) -> str:
    kinds = sorted(kind for type_, kind in _KINDS.items() if (term, RDF.type, type_) in graph)
    if len(kinds) != 1:
        raise ValueError(f"{term} must be exactly one of owl:Class, owl:ObjectProperty, owl:DatatypeProperty")
    return kinds[0]


def terms(graph: Graph) -> list[str]:
    """The local names of every subject in the atlas namespace, sorted."""
    names = set()
    for subject in graph.subjects(unique=True):
        if isinstance(subject, URIRef) and str(subject).startswith(ATLAS_NS):
            name = str(subject)[len(ATLAS_NS) :]
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
                raise ValueError(f"{subject} has a local name that is not a usable Python identifier")
            names.add(name)
    return sorted(names)


def render(ontology: Path | str | None = None) -> str:
    """Return the full Python source of ``atlas_graph/namespaces.py`` for the given ontology file."""
    graph = Graph()
    graph.parse(str(ontology if ontology is not None else ontology_path()), format="turtle")
    versions = sorted(str(v) for v in graph.objects(ONTOLOGY_IRI, OWL.versionInfo))
    version = versions[0] if versions else "unknown"

    lines = [
        "# GENERATED FILE, DO NOT EDIT.",
        "# Generated from ontology/atlas.ttl by atlas_graph/_generate_namespaces.py.",
        "# To regenerate after editing the ontology, run: python -m atlas_graph._generate_namespaces",
        '"""RDF namespaces of atlas-graph: the closed ``ATLAS`` namespace and the EU ``COUNTRY`` table.',
        "",
        "Reuse rdflib's own ``ORG``, ``FOAF``, ``SKOS``, ``DCTERMS``, ``PROV`` and ``SDO`` for the W3C and",
        "schema.org terms.",
        '"""',
        "",
        "from rdflib import Namespace, URIRef",
        "from rdflib.namespace import DefinedNamespace",
        "",
        '__all__ = ["ATLAS", "COUNTRY"]',
        "",
        "#: EU Publications Office authority table of countries (an open table, so a plain Namespace).",
        f'COUNTRY = Namespace("{COUNTRY_NS}")',
        "",
        "",
        "class ATLAS(DefinedNamespace):",
        f'    """The atlas-graph ontology <{ONTOLOGY_IRI}>, version {version}.',
        "",
        "    Closed: an attribute that is not a term of the ontology raises AttributeError.",
        '    """',
        "",
        f'    _NS = Namespace("{ATLAS_NS}")',
        "    _fail = True",
        "",
    ]
    for name in terms(graph):
        term = URIRef(ATLAS_NS + name)
        line = f"    {name}: URIRef  # {_english_label(graph, term)} ({_kind(graph, term)})"
        if len(line) > _MAX_LINE:
            line = f"    # {_english_label(graph, term)} ({_kind(graph, term)})\n    {name}: URIRef"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m atlas_graph._generate_namespaces",
        description="Generate atlas_graph/namespaces.py from ontology/atlas.ttl.",
    )
    parser.add_argument("--check", action="store_true", help="only check that namespaces.py is up to date")
    args = parser.parse_args(argv)

    source = render(ontology_path())
    target = namespaces_path()
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if args.check:
        if current != source:
            print(
                f"{target} is out of date; run: python -m atlas_graph._generate_namespaces",
                file=sys.stderr,
            )
            return 1
        return 0
    if current != source:
        target.write_text(source, encoding="utf-8", newline="\n")
        print(f"wrote {target}")
    else:
        print(f"{target} is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
