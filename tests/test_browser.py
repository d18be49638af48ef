"""The pages in a real browser: headless Debian Chromium (selenium + chromedriver) against a live
server process on 127.0.0.1 (``tests/web_server.py``) holding the seed + fixture records.

Input: ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (Debian packages ``chromium`` and
``chromium-driver``) and the PyPI package ``selenium``; when one is missing the tests FAIL with the
command that installs it. Output: assertions on what the browser shows, and screenshots in
``tests/artifacts/`` (gitignored). Select these tests with ``pytest -m browser``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from atlas_graph.queries import run_named_query
from tests.pages_data import expected_figures, nquads_file, seed_and_fixtures
from tests.web_server import LiveServer

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ATLAS_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WAIT = 15  # seconds


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = nquads_file(tmp_path_factory.mktemp("browser-data"))
    with LiveServer(data=[str(data)], workers=2) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (os.path.isfile(path) or shutil.which(path)):
            pytest.fail(f"{path} is missing: the browser tests need Debian's Chromium; install it with "
                        f"`apt-get install -y chromium chromium-driver` ({package})", pytrace=False)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is missing: install it with `.venv/bin/pip install selenium`", pytrace=False)
    profile = tempfile.mkdtemp(prefix="atlas-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                     "--disable-dev-shm-usage", "--window-size=1280,1000", f"--user-data-dir={profile}",
                     "--lang=fr-FR"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT * 2)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def table_rows(driver: Any, css: str) -> list[list[str]]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr'))"
        ".map(function (tr) { return Array.from(tr.cells).map(function (td) { return td.textContent; }); });", css)


def shot(driver: Any, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def no_errors(driver: Any) -> None:
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_home_page_shows_the_counts(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    expected = expected_figures(seed_and_fixtures()[1].dataset)
    browser.get(server + "/")
    wait_for(browser, "#figures")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"  # Accept-Language fr
    for name in ("projects", "french", "foreign", "funders"):
        shown = browser.find_element(By.CSS_SELECTOR, f'[data-figure="{name}"] .figure').text
        assert shown.replace("\u202f", "") == str(expected[name])
    assert len(table_rows(browser, "#by-country")) == len(expected["countries"])
    assert len(table_rows(browser, "#by-year")) == len(expected["years"])
    shot(browser, "home-fr")
    browser.find_element(By.CSS_SELECTOR, '.lang-switch a[lang="en"]').click()
    wait_for(browser, "#figures")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Projects" in browser.find_element(By.ID, "figures").text
    shot(browser, "home-en")
    browser.get(server + "/query")  # the choice is remembered (cookie)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    browser.get(server + "/?lang=fr")
    no_errors(browser)


def test_query_editor_runs_a_named_query(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    store = seed_and_fixtures()[0]
    browser.get(server + "/query")
    wait_for(browser, ".CodeMirror")  # the editor is up (CodeMirror, syntax highlighted)
    browser.find_element(By.CSS_SELECTOR, 'li[data-name="funder-totals"] button.load').click()
    assert "# Name: funder-totals" in browser.execute_script("return window.atlasQuery.editor.getValue()")
    assert browser.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-keyword")  # highlighted tokens
    browser.find_element(By.ID, "run").click()
    wait_for(browser, "#results-table")
    rows = table_rows(browser, "#results-table")
    expected = run_named_query(store, "funder-totals")
    assert len(rows) == len(expected.rows)
    assert [r[0] for r in rows] == [r[0] for r in expected.rows]  # funder labels, in the query's order
    assert wait_for(browser, "#downloads").is_displayed()
    shot(browser, "query-editor")

    # a query with a parameter, through its form (/api/queries/partners?collectivity=Evry)
    browser.find_element(By.CSS_SELECTOR, 'li[data-name="partners"] button.load').click()
    field = wait_for(browser, 'li[data-name="partners"] input[name="collectivity"]')
    field.send_keys("Evry")
    browser.find_element(By.CSS_SELECTOR, 'li[data-name="partners"] button.run-named').click()
    wait_for(browser, '#results-table')
    expected = run_named_query(store, "partners", {"collectivity": "Evry"})
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, WAIT).until(lambda d: len(table_rows(d, "#results-table")) == len(expected.rows))
    assert sorted(map(tuple, table_rows(browser, "#results-table"))) == sorted(expected.rows)
    csv_link = browser.find_element(By.CSS_SELECTOR, '#downloads a[data-ext="csv"]').get_attribute("href")
    assert csv_link.startswith(server + "/api/queries/partners.csv?collectivity=Evry")
    shot(browser, "query-named")
    no_errors(browser)


def test_resource_page(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    request = urllib.request.Request(server + "/id/collectivity/fr/evry", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=WAIT) as response:
        assert response.status == 200 and response.headers.get_content_type() == "text/html"
    browser.get(server + "/id/collectivity/fr/evry")
    wait_for(browser, "h1")
    assert "Evry" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, "header.site-header nav a")  # it uses base.html
    shot(browser, "resource-evry")
    no_errors(browser)


def test_network_view_draws_the_nodes(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/network?collectivity=Morvaneuil&hops=3")
    container = wait_for(browser, "#network-canvas")
    data = json.loads(browser.find_element(By.ID, "network-data").get_attribute("textContent"))
    assert len(data["nodes"]) > 5
    WebDriverWait(browser, WAIT).until(lambda d: container.get_attribute("data-node-count") != "0")
    assert int(container.get_attribute("data-node-count")) == len(data["nodes"])
    assert int(container.get_attribute("data-edge-count")) == len(data["edges"])
    assert container.find_elements(By.TAG_NAME, "canvas")  # Cytoscape draws on canvases
    assert browser.execute_script("return window.atlasNetwork.cy.nodes().filter(n => n.renderedWidth() > 0).length")\
        == len(data["nodes"])
    shot(browser, "network-morvaneuil")
    no_errors(browser)
    # clicking a node opens its page (/id/...)
    foreign = next(n for n in data["nodes"] if n["kind"] == "foreign")
    browser.execute_script("window.atlasNetwork.cy.getElementById(arguments[0]).emit('tap')", foreign["id"])
    WebDriverWait(browser, WAIT).until(lambda d: d.current_url.startswith(server + "/id/"))
    assert browser.current_url == server + foreign["path"]
