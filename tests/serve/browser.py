"""Headless Chromium for the browser tests (Debian's chromium and chromium-driver, through Selenium), and
the README's picture of the home page, made with it:

    .venv/bin/python -m tests.serve.browser docs/home.png

serves the known release, runs a query in YASGUI and saves the page down to the answer (needs YASGUI:
`make yasgui`)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT = 30
#: The query the picture shows the answer of.
PICTURE_QUERY = """PREFIX tkg: <https://w3id.org/trialkg/ontology#>
PREFIX schema: <https://schema.org/>

SELECT ?study ?title ?enrollment WHERE {
  ?study a tkg:ClinicalStudy ;
         schema:name ?title ;
         tkg:enrollment ?enrollment .
}
ORDER BY DESC(?enrollment)
"""


def chromium(width: int = 1400, height: int = 1000) -> Any:
    """Headless Chromium with a fresh profile (removed by :func:`quit_browser`), logging every request it makes."""
    from selenium import webdriver
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
        "--hide-scrollbars",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    driver.trialkg_profile = profile
    return driver


def quit_browser(driver: Any) -> None:
    driver.quit()
    shutil.rmtree(driver.trialkg_profile, ignore_errors=True)


def picture(url: str, out: Path, width: int = 1280) -> None:
    """Saves the home page at ``url`` as a PNG, down to the answer of :data:`PICTURE_QUERY` in YASGUI."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium(width, 1000)
    try:
        driver.get(url + "/")
        ready = "return !!(window.trialkgEditor && window.trialkgEditor.getTab())"
        WebDriverWait(driver, WAIT).until(lambda d: d.execute_script(ready))
        driver.execute_script("window.trialkgEditor.getTab().getYasqe().setValue(arguments[0])", PICTURE_QUERY)
        driver.find_element(By.CSS_SELECTOR, "#yasgui .yasqe_queryButton").click()
        rows = "#yasgui .yasr table.dataTable tbody tr"
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, rows))
        # the window's height: the page's down to the end of the editor, plus what the window has besides
        bottom = driver.execute_script(
            "const e = document.getElementById('editor'); return e.offsetTop + e.offsetHeight"
        )
        besides = driver.get_window_size()["height"] - driver.execute_script("return window.innerHeight")
        driver.set_window_size(width, int(bottom) + 24 + besides)
        driver.execute_script("window.scrollTo(0, 0)")
        out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(out))
    finally:
        quit_browser(driver)
    from PIL import Image  # Pillow, which matplotlib brings: 256 colours are plenty, at a third of the size

    with Image.open(out) as shot:
        small = shot.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(out, optimize=True)


def main(argv: list[str]) -> int:
    from kg.serve.app import STATIC, yasgui_installed
    from tests.serve.conftest import Server
    from tests.serve.known_release import build_known_release

    out = Path(argv[0] if argv else "docs/home.png")
    if not yasgui_installed(STATIC):
        print("YASGUI is not installed: run `make yasgui` first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="trialkg-picture-") as tmp:
        server = Server(build_known_release(Path(tmp)), "--workers", "1")
        try:
            picture(server.url, out)
        finally:
            server.stop()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
