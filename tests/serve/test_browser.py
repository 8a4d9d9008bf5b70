"""A real browser (Debian's Chromium, headless, driven by Selenium through Debian's chromedriver) on a
running server over the known release: YASGUI on the home page (a query typed into it and run, a canned
query from the examples, links in its result table, an error), the plain editor of a server without
YASGUI's files, a study page, a canned query through its own form; and no request leaves the server.
Skipped, saying why, when Chromium or Selenium is missing; the YASGUI tests fail if npm is there but
YASGUI's files are not (`make yasgui` installs them; `make test` does it first)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.serve.app import STATIC, YASGUI_FILES, create_app, listen, yasgui_installed
from kg.serve.pool import Limits
from kg.serve.site import Settings
from tests.serve.browser import CHROMEDRIVER, CHROMIUM, WAIT, chromium, quit_browser
from tests.serve.conftest import STARTUP_SECONDS, Server

ENROLLMENT_QUERY = (
    "SELECT ?study ?enrollment WHERE { ?study a tkg:ClinicalStudy ; tkg:enrollment ?enrollment } "
    "ORDER BY DESC(?enrollment)"
)
#: ENROLLMENT_QUERY's answer, from known_release's docstring (NCT00000005 has no enrollment).
ENROLLMENTS = [("NCT00000004", 500), ("NCT00000001", 120), ("NCT00000002", 60), ("NCT00000003", 31)]
TKG_PREFIX = "PREFIX tkg: <https://w3id.org/trialkg/ontology#>"
SEE_ALSO_QUERY = (
    "SELECT ?link WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?link "
    'FILTER(STRSTARTS(STR(?link), "javascript")) }'
)

pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or not Path(CHROMEDRIVER).exists(),
    reason="Chromium and its driver are not installed: `make system-deps` (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = chromium()
    try:
        yield driver
    finally:
        quit_browser(driver)


class ThreadServer:
    """The app served by uvicorn in a thread of this process, for an app that ``trialkg serve`` cannot
    make: here, one whose static files lack YASGUI's (as an install without npm has them)."""

    def __init__(self, release: Path, static: Path) -> None:
        import uvicorn

        sock = listen("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = create_app(Settings(str(release), limits=Limits(workers=1)), static=static)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app did not start in its thread")
            time.sleep(0.05)  # a polling interval, not a wait for readiness

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def plain_server(known_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    """A server whose static files are the package's without YASGUI's."""
    static = tmp_path_factory.mktemp("static-without-yasgui")
    for path in STATIC.glob("*"):
        if path.is_file():
            shutil.copy(path, static / path.name)
    assert not yasgui_installed(static)
    running = ThreadServer(known_release, static)
    yield running
    running.stop()


@pytest.fixture()
def yasgui_server(server: Server) -> Server:
    """The ``trialkg serve`` of the known release, whose home page must have YASGUI."""
    if not yasgui_installed(STATIC):
        missing = ", ".join(str(STATIC / name) for name in YASGUI_FILES)
        if shutil.which("npm") is None:
            pytest.skip(f"YASGUI is not installed ({missing}) and there is no npm to install it with")
        pytest.fail(f"YASGUI is not installed: no {missing}; run `make yasgui` (`make test` does)")
    return server


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def open_home(driver: Any, url: str) -> None:
    """The home page as a first visit sees it: no tabs kept from an earlier test."""
    driver.get(url + "/")
    driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    driver.get(url + "/")
    driver.get_log("performance")  # what loading the page asked for so far is checked by the off-host test


def requested(driver: Any) -> list[str]:
    """The URLs the page asked for since the last call (Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def editor(driver: Any) -> Any:
    """YASGUI's tab in view, once the page's script has made it."""
    _wait(driver, lambda d: d.execute_script("return !!(window.trialkgEditor && window.trialkgEditor.getTab())"))
    return driver


def tab_names(driver: Any) -> list[str]:
    script = "const y = window.trialkgEditor; return y.persistentConfig.getTabs().map((id) => y.getTab(id).getName())"
    return list(driver.execute_script(script))


def query_text(driver: Any) -> str:
    return str(driver.execute_script("return window.trialkgEditor.getTab().getYasqe().getValue()"))


def type_query(driver: Any, text: str) -> None:
    """Types ``text`` into YASGUI's editor (CodeMirror), replacing what is there, as a person would."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.find_element(By.CSS_SELECTOR, "#yasgui .tabPanel.active .CodeMirror").click()
    keys = ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.DELETE)
    keys.send_keys(text).perform()


def run_with_keys(driver: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()


def set_query(driver: Any, text: str) -> None:
    """Puts ``text`` in YASGUI's editor through CodeMirror's API."""
    editor(driver).execute_script("window.trialkgEditor.getTab().getYasqe().setValue(arguments[0])", text)


def run(driver: Any) -> None:
    """Clicks YASGUI's run button."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "#yasgui .tabPanel.active .yasqe_queryButton").click()


def result_rows(driver: Any, count: int) -> list[list[Any]]:
    """The cells of YASGUI's result table (without its row numbers), once it has ``count`` rows."""
    from selenium.webdriver.common.by import By

    selector = "#yasgui .tabPanel.active .yasr table.dataTable tbody tr"
    _wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, selector)) == count)
    return [row.find_elements(By.TAG_NAME, "td")[1:] for row in driver.find_elements(By.CSS_SELECTOR, selector)]


def test_yasgui_runs_a_typed_query_and_shows_its_rows(browser: Any, yasgui_server: Server) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    open_home(driver, yasgui_server.url)
    editor(driver)
    assert not driver.find_element(By.ID, "query-form").is_displayed()  # the plain editor gives way
    type_query(driver, ENROLLMENT_QUERY)
    # the prefix was declared by autocompletion, from the release's own prefixes
    assert query_text(driver).splitlines() == [TKG_PREFIX, ENROLLMENT_QUERY]
    run_with_keys(driver)
    rows = result_rows(driver, len(ENROLLMENTS))
    studies = [row[0].find_element(By.TAG_NAME, "a") for row in rows]
    assert [a.text for a in studies] == [f"trial:{nct}" for nct, _ in ENROLLMENTS]
    # this server's own IRIs link to its pages, not to w3id.org
    assert [a.get_attribute("href") for a in studies] == [f"{yasgui_server.url}/trial/{n}" for n, _ in ENROLLMENTS]
    enrollments = [row[1].text for row in rows]
    assert enrollments == [f'"{n}"^^xsd:integer' for _, n in ENROLLMENTS]

    # a study link opens the study's page here
    studies[1].click()
    _wait(driver, lambda d: d.current_url == yasgui_server.url + "/trial/NCT00000001")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Aspirin for Mild Asthma"


def test_yasgui_opens_a_canned_query_in_its_own_tab(browser: Any, yasgui_server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    open_home(driver, yasgui_server.url)
    editor(driver)
    choice = Select(driver.find_element(By.ID, "examples"))
    choice.select_by_value("studies-with-pubmed")
    assert tab_names(driver) == ["Query", "Studies linked to PubMed articles"]
    assert "tkg:pubmed" in query_text(driver)
    run(driver)
    rows = result_rows(driver, 4)
    assert "23456789" in " ".join(cell.text for cell in rows[2])
    # choosing it again shows the same tab, it does not add another
    choice.select_by_value("studies-with-pubmed")
    assert tab_names(driver) == ["Query", "Studies linked to PubMed articles"]


def test_yasgui_never_links_what_is_not_a_web_address(browser: Any, yasgui_server: Server) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    open_home(driver, yasgui_server.url)
    set_query(driver, SEE_ALSO_QUERY)
    run(driver)
    [[cell]] = result_rows(driver, 1)
    assert cell.text == "<javascript:alert(document.cookie)>" and not cell.find_elements(By.TAG_NAME, "a")


def test_yasgui_shows_the_servers_error(browser: Any, yasgui_server: Server) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    open_home(driver, yasgui_server.url)
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    set_query(driver, query)
    run(driver)
    box = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .tabPanel.active .yasr .error strong"))
    assert "(HTTP 403)" in box[0].text


def test_a_link_with_a_query_opens_and_runs_it(browser: Any, yasgui_server: Server) -> None:
    """The resource pages link to /?query=...: YASGUI opens that query in a tab of its own and runs it."""
    from urllib.parse import urlencode

    driver = browser
    open_home(driver, yasgui_server.url)
    driver.get(yasgui_server.url + "/?" + urlencode({"query": TKG_PREFIX + "\n" + ENROLLMENT_QUERY}) + "#editor")
    editor(driver)
    rows = result_rows(driver, len(ENROLLMENTS))
    assert [row[0].text for row in rows] == [f"trial:{nct}" for nct, _ in ENROLLMENTS]
    assert driver.execute_script("return window.trialkgEditor.getTab().getName()") == "Linked query"


def test_yasgui_share_links_open_their_query(browser: Any, yasgui_server: Server) -> None:
    driver = browser
    open_home(driver, yasgui_server.url)
    set_query(driver, TKG_PREFIX + "\n" + ENROLLMENT_QUERY)
    driver.execute_script("window.trialkgEditor.getTab().setName('Enrollment')")
    link = driver.execute_script("return window.trialkgEditor.getTab().getShareableLink()")
    assert link.startswith(yasgui_server.url + "/#")
    open_home(driver, yasgui_server.url)  # another visitor's browser: nothing kept
    driver.get("about:blank")
    driver.get(link)
    editor(driver)
    rows = result_rows(driver, len(ENROLLMENTS))
    assert [row[0].text for row in rows] == [f"trial:{nct}" for nct, _ in ENROLLMENTS]
    assert tab_names(driver) == ["Query", "Enrollment"]
    assert query_text(driver) == TKG_PREFIX + "\n" + ENROLLMENT_QUERY
    assert driver.current_url == yasgui_server.url + "/#editor"  # the link is used once: a reload does not add it
    # a share link followed from the page itself (the page is not loaded again)
    driver.get(link.replace("tabTitle=Enrollment", "tabTitle=Again"))
    _wait(driver, lambda d: tab_names(d) == ["Query", "Enrollment", "Again"])


def test_yasgui_completes_from_the_release_and_asks_nothing_of_another_host(
    browser: Any, yasgui_server: Server
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    open_home(driver, yasgui_server.url)
    driver.get(yasgui_server.url + "/")
    # classes and properties complete from the release's ontology (YASGUI would ask Linked Open Vocabularies)
    type_query(driver, "SELECT * WHERE { ?s a tkg:ClinicalSt")
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.SPACE).key_up(Keys.CONTROL).perform()
    hints = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror-hints .CodeMirror-hint"))
    assert [h.text for h in hints] == ["tkg:ClinicalStudy"]
    ActionChains(driver).send_keys(Keys.ENTER).send_keys(" ; tkg:enrollm").perform()
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.SPACE).key_up(Keys.CONTROL).perform()
    _wait(driver, lambda d: "tkg:enrollment" in [h.text for h in d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hint")])
    ActionChains(driver).send_keys(Keys.ENTER).send_keys(" ?n }").perform()
    assert query_text(driver).splitlines()[-1] == "SELECT * WHERE { ?s a tkg:ClinicalStudy ; tkg:enrollment ?n }"
    run(driver)
    result_rows(driver, len(ENROLLMENTS))
    urls = [u for u in requested(driver) if not u.startswith(("data:", "chrome:", "about:"))]
    assert yasgui_server.url + "/static/yasgui/yasgui.min.js" in urls
    assert yasgui_server.url + "/sparql" in urls
    assert [u for u in urls if not u.startswith(yasgui_server.url + "/")] == []


def test_without_yasgui_the_page_says_so_and_the_plain_editor_works(browser: Any, plain_server: ThreadServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    driver = browser
    open_home(driver, plain_server.url)
    assert "ClinicalTrials.gov as a knowledge graph" in driver.find_element(By.TAG_NAME, "h1").text
    assert "studies 5" in driver.find_element(By.ID, "stats").text
    assert "This server has no YASGUI" in driver.find_element(By.ID, "editor-note").text
    assert not driver.find_elements(By.ID, "yasgui")
    assert not [u for u in requested(driver) if "/static/yasgui/" in u]

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
    _wait(driver, ec.url_to_be(plain_server.url + "/trial/NCT00000002"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Aspirin and Breathing"
    types = driver.find_element(By.CSS_SELECTOR, "p.types").text
    assert "clinical study" in types and "interventional study" in types
    props = driver.find_element(By.CSS_SELECTOR, "table.props").text
    for shown in ("tkg:leadSponsor", "Acme Pharma", "Recruiting", "Breathing Exercise", "Acme Clinical Unit"):
        assert shown in props
    lead = driver.find_element(By.LINK_TEXT, "Acme Pharma")
    assert lead.get_attribute("href") == plain_server.url + "/org/acme-pharma"
    turtle = driver.find_element(By.LINK_TEXT, "turtle").get_attribute("href")
    assert turtle == plain_server.url + "/trial/NCT00000002.ttl"


def test_the_plain_editor_never_links_what_is_not_a_web_address(browser: Any, plain_server: ThreadServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver = browser
    open_home(driver, plain_server.url)
    editor = driver.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys(SEE_ALSO_QUERY)
    driver.find_element(By.ID, "run").click()
    _wait(driver, ec.text_to_be_present_in_element((By.ID, "status"), "rows"))
    cell = driver.find_element(By.CSS_SELECTOR, "#results table tbody td")
    assert cell.text == "javascript:alert(document.cookie)" and not cell.find_elements(By.TAG_NAME, "a")


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
