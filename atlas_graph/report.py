"""Report: SHACL validation results -> text, JSON or a sh:ValidationReport graph.

Input: the ``Finding``s gathered by ``validate`` (one per result: record file, focus node and its
label, path, value, severity, messages in French and English, shape). Output: a ``Report``
rendered for people (text grouped by record file, with a summary line), for programs (a stable
JSON list) or as RDF (the sh:ValidationReport graph, Turtle).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from rdflib import RDF, BNode, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, PROV, SDO, SH, SKOS

from .namespaces import ATLAS

SEVERITIES = ("Violation", "Warning", "Info")
_SEVERITY_FR = {"Violation": "Violation", "Warning": "Avertissement", "Info": "Info"}

PREFIXES = {
    "atlas": "https://w3id.org/atlas-coop/ontology#", "shape": "https://w3id.org/atlas-coop/shapes#",
    "schema": "https://schema.org/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/", "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#", "country": "http://publications.europa.eu/resource/authority/country/",
}

#: The shape IRI given to problems found while building (values that cannot be represented).
BUILD_SHAPE = PREFIXES["shape"] + "Build"


def short(iri: str) -> str:
    """``https://schema.org/amount`` -> ``schema:amount``; other IRIs as they are."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result, with what a person needs to find and fix it."""

    file: str  # the record file the focus node comes from ("" when unknown)
    focus: str  # focus node IRI
    label: str  # its label (prefLabel, name, title, "funding line 2"…)
    path: str  # the property, as an IRI or a SHACL path written out ("" for a node constraint)
    value: str  # the offending value, lexical form or IRI ("" when none)
    severity: str  # Violation, Warning or Info
    message_en: str
    message_fr: str
    shape: str  # the source shape IRI (a property shape's node shape when it is a blank node)
    files: tuple[str, ...] = field(default=(), compare=False)  # every record file it comes from

    def message(self, lang: str = "en") -> str:
        return (self.message_fr or self.message_en) if lang == "fr" else (self.message_en or self.message_fr)

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        data = asdict(self)
        data.pop("message_en")
        data.pop("message_fr")
        data["message"] = self.message(lang)
        data["files"] = list(self.files or ((self.file,) if self.file else ()))
        return data


@dataclass
class Report:
    """All the findings of one validation; conforms when there is no violation."""

    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.findings = sorted(set(self.findings), key=_order)

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.findings)

    def summary(self, lang: str = "en") -> str:
        c = self.counts()
        if lang == "fr":
            verdict = "conforme" if self.conforms else "non conforme"
            return (f"{c['Violation']} violation(s), {c['Warning']} avertissement(s), {c['Info']} info(s) "
                    f"dans {len({f.file for f in self.findings})} fichier(s) : {verdict}")
        verdict = "conforms" if self.conforms else "does not conform"
        return (f"{c['Violation']} violation(s), {c['Warning']} warning(s), {c['Info']} info(s) "
                f"in {len({f.file for f in self.findings})} file(s): {verdict}")

    def to_text(self, lang: str = "en") -> str:
        lines: list[str] = []
        current = None
        for f in self.findings:
            if f.file != current:
                current = f.file
                lines.append(f.file or ("(fichier inconnu)" if lang == "fr" else "(unknown file)"))
            severity = _SEVERITY_FR[f.severity] if lang == "fr" else f.severity
            where = f"{f.label} <{f.focus}>" if f.label and f.label != f.focus else f"<{f.focus}>"
            value = f" = {f.value!r}" if f.value else ""
            others = len(f.files) - 1
            also = (f" (+{others} autre(s) fichier(s))" if lang == "fr" else f" (+{others} other file(s))") \
                if others > 0 else ""
            lines.append(f"  {severity}: {where}{also}")
            lines.append(f"    {short(f.path) if f.path else '-'}{value}: {f.message(lang)}  [{short(f.shape)}]")
        lines.append(self.summary(lang))
        return "\n".join(lines) + "\n"

    def to_json(self, lang: str = "en") -> str:
        return json.dumps({"conforms": self.conforms, "counts": {s: self.counts()[s] for s in SEVERITIES},
                           "results": [f.as_dict(lang) for f in self.findings]},
                          ensure_ascii=False, indent=2) + "\n"

    def to_graph(self) -> Graph:
        graph = Graph()
        graph.bind("sh", SH)
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        report = BNode("report")
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for number, f in enumerate(self.findings, start=1):
            node = BNode(f"result{number}")
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.focusNode, URIRef(f.focus)))
            graph.add((node, SH.resultSeverity, SH[f.severity]))
            graph.add((node, SH.sourceShape, URIRef(f.shape)))
            if f.path and ":" in f.path and " " not in f.path and "|" not in f.path and not f.path.startswith("^"):
                graph.add((node, SH.resultPath, URIRef(f.path)))
            if f.value:
                graph.add((node, SH.value, URIRef(f.value) if f.value.startswith(("http", "mailto:"))
                           else Literal(f.value)))
            for lang, text in (("en", f.message_en), ("fr", f.message_fr)):
                if text:
                    graph.add((node, SH.resultMessage, Literal(text, lang=lang)))
        return graph

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")

    def render(self, fmt: str = "text", lang: str = "en") -> str:
        if fmt == "json":
            return self.to_json(lang)
        if fmt == "turtle":
            return self.to_turtle()
        return self.to_text(lang)


# -- pyshacl results -> findings ------------------------------------------------------------
def _label(graph: Graph, node: Node) -> str:
    for prop in (SKOS.prefLabel, FOAF.name, DCTERMS.title, DCTERMS.identifier):
        value = graph.value(node, prop)
        if value is not None:
            return str(value)
    number = graph.value(node, ATLAS.rowNumber)
    if number is not None:
        kind = str(node).rsplit("/", 2)[-2]
        project = graph.value(node, SDO.fundedItem) or next(graph.subjects(None, node), None)
        title = graph.value(project, DCTERMS.title) if project is not None else None
        return f"{kind} row {number}" + (f" of «{title}»" if title else "")
    return str(node).rsplit("/", 1)[-1]


def source_file(graph: Graph, node: Node) -> str:
    """The record file a node comes from, through its project's prov:wasDerivedFrom."""
    project = graph.value(node, SDO.fundedItem) or node
    if graph.value(project, PROV.wasDerivedFrom) is None:
        project = next((s for s in graph.subjects(None, node) if (s, RDF.type, ATLAS.Partnership) in graph), node)
    source = graph.value(project, PROV.wasDerivedFrom)
    ident = graph.value(source, DCTERMS.identifier) if source is not None else None
    return str(ident) if ident is not None else ""


def _path_text(shapes: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return str(path)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(short(str(p)) for p in Collection(shapes, alternatives))
    if shapes.value(path, RDF.first) is not None:
        return "/".join(short(str(p)) for p in Collection(shapes, path))
    inverse = shapes.value(path, SH.inversePath)
    return f"^{short(str(inverse))}" if inverse is not None else str(path)


def _shape_name(shapes: Graph, shape: Node) -> str:
    """A blank-node shape is named by the node shape holding it."""
    seen = 0
    while isinstance(shape, BNode) and seen < 4:
        parent = next((s for p in (SH.property, SH.sparql) for s in shapes.subjects(p, shape)), None)
        if parent is None:
            break
        shape, seen = parent, seen + 1
    return str(shape)


def _messages(results: Graph, result: Node, shapes: Graph) -> dict[str | None, str]:
    """Messages by language; pyshacl drops the language of SHACL-SPARQL messages once it has
    filled their {?var} slots, so these are matched to the templates of their constraint."""
    messages: dict[str | None, str] = {}
    templates = [t for t in shapes.objects(results.value(result, SH.sourceConstraint), SH.message)
                 if isinstance(t, Literal)]
    for m in results.objects(result, SH.resultMessage):
        lang = m.language if isinstance(m, Literal) else None
        if lang is None:
            lang = next((t.language for t in templates if str(m).startswith(str(t).split("{", 1)[0])), None)
        messages[lang] = str(m)
    return messages


def findings_of(results: Graph, data: Graph, shapes: Graph, file: str | None = None) -> list[Finding]:
    """The findings of a pyshacl results graph over ``data``; ``file`` when every node comes from one file."""
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        assert focus is not None, "SHACL: every validation result has a focus node"
        value = results.value(result, SH.value)
        messages = _messages(results, result, shapes)
        path = results.value(result, SH.resultPath)
        found.append(Finding(
            file=file if file is not None else source_file(data, focus),
            focus=str(focus), label=_label(data, focus),
            path=_path_text(shapes, path) if not isinstance(path, BNode) else _path_text(results, path),
            value="" if value is None or value == focus and path is None else str(value),
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            message_en=messages.get("en") or messages.get(None, ""), message_fr=messages.get("fr", ""),
            shape=str(constraint) if isinstance(constraint := results.value(result, SH.sourceConstraint), URIRef)
            else _shape_name(shapes, results.value(result, SH.sourceShape)),  # type: ignore[arg-type]
        ))
    return found


def _order(f: Finding) -> tuple[object, ...]:
    return (f.file == "", f.file, SEVERITIES.index(f.severity), f.focus, f.path, f.value, f.shape, f.message_en)
