"""A real browser (Debian's Chromium, headless, driven by Selenium through Debian's chromedriver) on a
running server: the home page, a canned query in the editor, a study link, the study's page; and a
canned query through its own form. Skipped, saying why, when Chromium or Selenium is missing."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serve.conftest import Server

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT = 30

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or not Path(CHROMEDRIVER).exists(),
    reason="Chromium and its driver are not installed: `make system-deps` (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="trialkg-chromium-")
    options = Options()
    options.binary_location = CHROMIUM or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-extensions",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def test_home_editor_canned_query_and_a_study_page(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(server.url + "/")
    assert "ClinicalTrials.gov as a knowledge graph" in driver.find_element(By.TAG_NAME, "h1").text
    stats = driver.find_element(By.ID, "stats").text
    assert "studies 5" in stats

    # run a canned query from the editor: its rows appear as a table, IRIs as links
    Select(driver.find_element(By.ID, "examples")).select_by_value("studies-with-pubmed")
    assert "tkg:pubmed" in driver.find_element(By.ID, "query").get_attribute("value")
    driver.find_element(By.ID, "run").click()
    _wait(driver, ec.text_to_be_present_in_element((By.ID, "status"), "rows"))
    assert driver.find_element(By.ID, "status").text.startswith("4 rows")
    rows = driver.find_elements(By.CSS_SELECTOR, "#results table tbody tr")
    assert len(rows) == 4 and "23456789" in rows[2].text

    # follow a study link to the study's page
    link = driver.find_element(By.CSS_SELECTOR, '#results a[href="/trial/NCT00000002"]')
    link.click()
    _wait(driver, ec.url_to_be(server.url + "/trial/NCT00000002"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Aspirin and Breathing"
    types = driver.find_element(By.CSS_SELECTOR, "p.types").text
    assert "clinical study" in types and "interventional study" in types
    props = driver.find_element(By.CSS_SELECTOR, "table.props").text
    for shown in ("tkg:leadSponsor", "Acme Pharma", "Recruiting", "Breathing Exercise", "Acme Clinical Unit"):
        assert shown in props
    lead = driver.find_element(By.LINK_TEXT, "Acme Pharma")
    assert lead.get_attribute("href") == server.url + "/org/acme-pharma"
    turtle = driver.find_element(By.LINK_TEXT, "turtle").get_attribute("href")
    assert turtle == server.url + "/trial/NCT00000002.ttl"


def test_a_canned_query_page_with_its_form(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver = browser
    driver.get(server.url + "/queries")
    driver.find_element(By.LINK_TEXT, "Studies of a sponsor").click()
    field = _wait(driver, ec.presence_of_element_located((By.NAME, "sponsor")))
    field.send_keys("Beta Biotech")
    driver.find_element(By.ID, "run-canned").click()
    _wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, "table.results")))
    rows = driver.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows] == ["NCT00000002", "NCT00000004"]
    driver.find_element(By.CSS_SELECTOR, 'table.results a[href="/trial/NCT00000004"]').click()
    _wait(driver, ec.url_to_be(server.url + "/trial/NCT00000004"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Asthma and COVID-19 Registry"
    assert "observational study" in driver.find_element(By.CSS_SELECTOR, "p.types").text


def test_the_editor_never_links_what_is_not_a_web_address(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver = browser
    driver.get(server.url + "/")
    editor = driver.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys(
        "SELECT ?link WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?link "
        'FILTER(STRSTARTS(STR(?link), "javascript")) }'
    )
    driver.find_element(By.ID, "run").click()
    _wait(driver, ec.text_to_be_present_in_element((By.ID, "status"), "rows"))
    cell = driver.find_element(By.CSS_SELECTOR, "#results table tbody td")
    assert cell.text == "javascript:alert(document.cookie)" and not cell.find_elements(By.TAG_NAME, "a")
