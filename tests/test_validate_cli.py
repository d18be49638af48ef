"""The ``atlas-graph validate`` command and ``build --validate``, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "fixtures" / "bad"
SHAPES = ROOT / "tests" / "fixtures" / "shapes"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "atlas_graph.cli", *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env={**os.environ, **(env or {})})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_bundled_data_conforms() -> None:
    result = run("validate", "data/records")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violation(s)" in result.stdout


def test_default_sources_are_the_bundled_data() -> None:
    assert run("validate").returncode == 0


@pytest.mark.parametrize(("name", "status", "shown"), [
    ("001_empty.txt", 2, "empty file"),
    ("002_binary-png-header.txt", 2, "binary file"),
    ("003_not-an-atlas-page.txt", 2, "not an Atlas record"),
    ("004_truncated-before-partners.txt", 2, "truncated"),
    ("005_end-date-31-02.txt", 1, "'31/02/2012'"),
    ("006_unknown-country.txt", 1, "Zorbanie"),
    ("007_negative-funding.txt", 1, "'-500'"),
    ("008_malformed-email.txt", 1, "mailto:jean.dupont@"),
    ("009_empty-foreign-partners.txt", 1, "atlas:foreignPartner"),
    ("010_end-before-start.txt", 1, "'2013-12-31'"),
])
def test_bad_records_give_the_documented_status_and_name_file_and_value(name: str, status: int, shown: str) -> None:
    path = f"tests/fixtures/bad/{name}"
    result = run("validate", path)
    assert result.returncode == status, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert path in output and shown in output


def test_french_messages_and_json() -> None:
    result = run("validate", "tests/fixtures/bad/010_end-before-start.txt", "--lang", "fr", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    (violation,) = [r for r in data["results"] if r["severity"] == "Violation"]
    assert violation["file"] == "tests/fixtures/bad/010_end-before-start.txt"
    assert violation["value"] == "2013-12-31"
    assert violation["message"] == "La date de fin 2013-12-31 précède l'année de début 2014."


def test_turtle_report() -> None:
    result = run("validate", "tests/fixtures/bad/007_negative-funding.txt", "--format", "turtle")
    assert result.returncode == 1 and "sh:ValidationReport" in result.stdout and "-500" in result.stdout


def test_graph_files(tmp_path: Path) -> None:
    assert run("validate", "--graph", str(SHAPES / "valid.ttl")).returncode == 0
    failing = run("validate", "--graph", str(SHAPES / "fail_malformed-email.ttl"))
    assert failing.returncode == 1 and "mailto:jeanne.testard@" in failing.stdout
    trig = tmp_path / "bad.trig"
    built = run("build", "tests/fixtures/bad/008_malformed-email.txt", "-o", str(trig))
    assert built.returncode == 0
    from_trig = run("validate", "--graph", str(trig))
    assert from_trig.returncode == 1 and "008_malformed-email.txt" in from_trig.stdout


def test_unreadable_inputs_and_shapes_give_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("not turtle at all")
    result = run("validate", "--graph", str(broken))
    assert result.returncode == 2 and str(broken) in result.stderr
    missing = run("validate", "data/records", env={"ATLAS_GRAPH_SHAPES": str(tmp_path)})
    assert missing.returncode == 2 and "atlas.shapes.ttl" in missing.stderr


def test_build_validate(tmp_path: Path) -> None:
    good = run("build", "data/records", "-o", str(tmp_path / "seed.trig"), "--validate")
    assert good.returncode == 0 and "0 violation(s)" in good.stderr
    bad = run("build", "tests/fixtures/bad/007_negative-funding.txt", "-o", str(tmp_path / "bad.trig"), "--validate")
    assert bad.returncode == 1 and "'-500'" in bad.stderr and "007_negative-funding.txt" in bad.stderr
