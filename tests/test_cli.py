"""The atlas-graph command as a user runs it: exit statuses, messages, no tracebacks."""

import csv
import io
import shutil
import subprocess
import sys

import pytest

from .helpers import BAD, RECORDS, ROOT, SEED


def run(*args, cwd=ROOT):
    done = subprocess.run([sys.executable, "-m", "atlas_graph.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_build_writes_turtle_and_exits_0(tmp_path):
    out = tmp_path / "seed.ttl"
    done = run("build", SEED, "-o", out)
    assert done.returncode == 0, done.stderr
    assert "1 records built, 0 could not be read" in done.stderr
    assert "Commune V du District de Bamako" in out.read_text(encoding="utf-8")


def test_build_format_follows_the_suffix_or_the_option(tmp_path):
    assert run("build", SEED, "-o", tmp_path / "a.trig").returncode == 0
    assert "<https://w3id.org/atlas-coop/graph/000-d788d1f748d878b4> {" in (tmp_path / "a.trig").read_text()
    assert run("build", SEED, "-o", tmp_path / "a.out", "--format", "nquads").returncode == 0
    first = (tmp_path / "a.out").read_text().splitlines()[0]
    assert first.endswith("> .") and first.count("<") >= 3


def test_build_reports_bad_files_keeps_the_good_ones_and_exits_1(tmp_path):
    out = tmp_path / "mixed.ttl"
    done = run("build", SEED, BAD, "-o", out)
    assert done.returncode == 1
    for name, reason in [("001_empty.txt", "empty file"), ("002_binary-png-header.txt", "binary file"),
                         ("003_not-an-atlas-page.txt", "not an Atlas record"),
                         ("004_truncated-before-partners.txt", "truncated")]:
        assert any(line.startswith(str(BAD / name)) and reason in line for line in done.stderr.splitlines()), name
    assert f"{BAD / '005_end-date-31-02.txt'}: error: end_date: '31/02/2012'" in done.stderr
    text = out.read_text(encoding="utf-8")
    assert "Commune V du District de Bamako" in text and "Sherazade" in text


def test_build_without_personal_data(tmp_path):
    out = tmp_path / "anon.ttl"
    assert run("build", SEED, "-o", out, "--no-personal-data").returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "BENALLA" not in text and "diplomatie.gouv.fr" not in text and "MAGASSOUBA" not in text
    assert "Ambassade de France à Bamako" in text


def test_build_of_a_missing_folder_says_so(tmp_path):
    done = run("build", tmp_path / "nowhere", "-o", tmp_path / "x.ttl")
    assert done.returncode == 1
    assert "nowhere: no such file or folder" in done.stderr


def test_build_usage_error_exits_2(tmp_path):
    assert run("build", SEED).returncode == 2  # no -o
    assert run("build", SEED, "-o", tmp_path / "x", "--format", "pdf").returncode == 2


@pytest.mark.parametrize("command", ["build", "load", "serve", "validate"])
@pytest.mark.parametrize("base", ["not an iri", "https://example.org/atlas", "/relative/"])
def test_a_bad_base_iri_exits_2_naming_it(tmp_path, command, base):
    extra = {"build": ["-o", tmp_path / "x.nq"], "load": ["--store", f"oxigraph:{tmp_path / 's'}"]}.get(command, [])
    done = run(command, SEED, "--base-iri", base, *extra)
    assert done.returncode == 2
    assert f"'{base}' is not an absolute IRI ending in '/' or '#'" in done.stderr and "Traceback" not in done.stderr


def test_query_csv_has_exactly_the_announced_headers(tmp_path):
    graph = tmp_path / "g.ttl"
    run("build", SEED, RECORDS, "-o", graph)
    done = run("query", "partners", "--graph", graph, "--param", "collectivity=Evry", "--format", "csv")
    assert done.returncode == 0, done.stderr
    reader = csv.DictReader(io.StringIO(done.stdout))
    assert reader.fieldnames == ["partner", "partner_country", "project", "role"]
    assert len(list(reader)) == 10


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_query_formats(tmp_path, fmt):
    graph = tmp_path / "g.ttl"
    run("build", SEED, "-o", graph)
    done = run("query", "funder-totals", "--graph", graph, "--format", fmt)
    assert done.returncode == 0
    assert "Ministère de l'Europe et des Affaires étrangères" in done.stdout
    assert "27230" in done.stdout


def test_query_without_graph_uses_the_bundled_data(tmp_path):
    done = run("query", "contacts", "--param", "organization=Ambassade de France à Bamako", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "sherazade.benalla@diplomatie.gouv.fr" in done.stdout


def test_query_over_record_files_directly():
    done = run("query", "project-funding", "--graph", RECORDS / "001_multi-country-partners-contacts.txt",
               "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert ",59500," in done.stdout


def test_query_unknown_name_exits_2_with_closest_labels(tmp_path):
    graph = tmp_path / "g.ttl"
    run("build", SEED, "-o", graph)
    done = run("query", "partners", "--graph", graph, "--param", "collectivity=Evri")
    assert done.returncode == 2
    assert "collectivity='Evri'" in done.stderr and "closest: Evry" in done.stderr
    assert run("query", "nope", "--graph", graph).returncode == 2
    assert run("query", "partners", "--graph", graph, "--param", "collectivity").returncode == 2


def test_query_unreadable_graph_file_exits_2(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    done = run("query", "funder-totals", "--graph", broken)
    assert done.returncode == 2
    assert f"cannot read {broken}" in done.stderr
    missing = run("query", "funder-totals", "--graph", tmp_path / "missing.ttl")
    assert missing.returncode == 2


def test_query_list_names_every_query_with_parameters_and_columns():
    done = run("query", "--list")
    assert done.returncode == 0
    for name in ["partners", "shared-partners", "project-funding", "funder-totals", "contacts",
                 "projects-by-theme", "network"]:
        assert f"{name}:" in done.stdout
    assert "--param hops=" in done.stdout and "columns: source, target, project, hop" in done.stdout


def test_the_installed_entry_point_runs():
    exe = shutil.which("atlas-graph", path=str(ROOT / ".venv" / "bin")) or shutil.which("atlas-graph")
    assert exe, "atlas-graph is not installed"
    done = subprocess.run([exe, "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and "atlas-graph" in done.stdout


def test_synth_writes_records_that_build(tmp_path):
    out = tmp_path / "synth"
    done = run("synth", "--records", 25, "--seed", 7, "-o", out)
    assert done.returncode == 0, done.stderr
    files = sorted(out.glob("*.txt"))
    assert len(files) == 25
    again = tmp_path / "again"
    run("synth", "--records", 25, "--seed", 7, "-o", again)
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in sorted(again.glob("*.txt"))]
    built = run("build", out, "-o", tmp_path / "synth.nt")
    assert built.returncode == 0, built.stderr
    assert "25 records built, 0 could not be read" in built.stderr
