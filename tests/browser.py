"""What a learner sees: helpers for the browser tests (tests/test_browser_*.py), which open a real
JupyterLab in a real (headless) Chromium. Each test file starts its own JupyterLab, so the files
run side by side under xdist.

Screenshots go to ``test-artifacts/browser/``. Needs Debian's ``chromium`` and ``chromium-driver``
(``.ci/install_browser.sh``); without them these tests are skipped, never failed.
"""
import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from labserver import ROOT, clean_env, jupyter

CHROMIUM = os.environ.get("LABTASKS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = (os.environ.get("LABTASKS_CHROMEDRIVER") or shutil.which("chromedriver")
                or "/usr/bin/chromedriver")
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("chromium / chromedriver가 없습니다 (.ci/install_browser.sh)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

ARTIFACTS = ROOT / "test-artifacts" / "browser"
RUN_TIMEOUT = 240


def lab_settings(tmp: Path) -> dict:
    """JupyterLab settings for the tests, as environment variables: every cell in the DOM (no
    windowing), no autosave, and no news or update pop-ups over the page."""
    settings = tmp / "settings"
    for path, value in [("@jupyterlab/notebook-extension/tracker", {"windowingMode": "none"}),
                        ("@jupyterlab/apputils-extension/notification",
                         {"fetchNews": "false", "checkForUpdates": False}),
                        ("@jupyterlab/docmanager-extension/plugin", {"autosave": False})]:
        target = settings / f"{path}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))
    return {"JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces")}


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jupyterlab")
    env = clean_env(**lab_settings(tmp))
    # a copy of the notebooks: what the browser runs must never be saved over the committed ones
    course = tmp / "course"
    shutil.copytree(ROOT / "notebooks", course / "notebooks")
    with jupyter(tmp, app="jupyterlab", env=env, root_dir=course) as server:
        yield server


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1500,1100", "--lang=ko-KR"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


# -- driving JupyterLab ------------------------------------------------------------------------
def wait(predicate, timeout: float, what: str, driver=None, shot: str | None = None):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
            if value:
                return value
        except StaleElementReferenceException:
            pass
        if time.monotonic() > deadline:
            if driver is not None:
                driver.save_screenshot(str(ARTIFACTS / f"timeout-{shot or 'wait'}.png"))
            raise AssertionError(f"{timeout:g}초 안에 {what}")
        time.sleep(0.25)


def open_notebook(driver, server, path: str):
    driver.get(f"{server.url}lab/tree/{quote(path)}?token={server.token}&reset")
    wait(lambda: driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Cell"), 90,
         f"{path}이(가) 열리지 않았습니다", driver, "open")
    wait(lambda: kernel_idle(driver), 90, "커널이 준비되지 않았습니다", driver, "kernel")


def kernel_idle(driver) -> bool:
    status = driver.find_elements(By.CSS_SELECTOR, ".jp-StatusBar-TextItem")
    return any(s.text.strip().endswith("Idle") for s in status)


def menu(driver, top: str, item: str, tries: int = 4):
    """Click ``top`` in the menu bar, then ``item`` (retried: a first click may only focus)."""
    item_xpath = f"//div[contains(@class,'lm-Menu-itemLabel')][text()='{item}']"
    for _ in range(tries):
        driver.find_element(
            By.XPATH, f"//div[contains(@class,'lm-MenuBar-itemLabel')][text()='{top}']").click()
        try:
            wait(lambda: [e for e in driver.find_elements(By.XPATH, item_xpath) if e.is_displayed()],
                 3, "")[0].click()
            return
        except AssertionError:
            ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    driver.save_screenshot(str(ARTIFACTS / "timeout-menu.png"))
    raise AssertionError(f"메뉴 {top} > {item}을(를) 누르지 못했습니다")


def cells(driver):
    return driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")


def select_cell(driver, cell):
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cell)
    cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()


def run_cell(driver, cell):
    """Select ``cell`` and run it in place (Ctrl+Enter in command mode)."""
    select_cell(driver, cell)
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()


def run_all_above(driver, cell, timeout: float = RUN_TIMEOUT):
    """Select ``cell`` and run every cell above it; wait until they all ran."""
    select_cell(driver, cell)
    menu(driver, "Run", "Run All Above Selected Cell")
    time.sleep(1)
    wait(lambda: busy_cells(driver) == 0 and kernel_idle(driver), timeout,
         "셀 실행이 끝나지 않았습니다", driver, "run")


def busy_cells(driver) -> int:
    """How many cells of the open notebook wait or run (prompt ``[*]``), read by one script in the
    page: asking for each prompt's text is a WebDriver round trip per cell, every poll."""
    return driver.execute_script(
        "return [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-InputPrompt')].filter(p => p.textContent.includes('[*]')).length")


def run_up_to(driver, server, path: str, starts: str | None):
    """Open ``path`` and run every cell above the first whose source starts with ``starts`` (None:
    the last cell); none of them may raise. Returns that cell."""
    open_notebook(driver, server, path)
    cell = (cells(driver)[-1] if starts is None
            else next(c for c in cells(driver) if source(c).startswith(starts)))
    run_all_above(driver, cell)
    # on failure: the end of the error, which names the exception (short, or pytest cuts it)
    assert "Traceback (most recent call last)" not in notebook_text(driver), error_output(driver)[-600:]
    return cell


def error_output(driver) -> str:
    """The text of the first output that holds a traceback."""
    return driver.execute_script(
        "return [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-OutputArea-output')].map(o => o.textContent)"
        ".find(t => t.includes('Traceback (most recent call last)')) || ''")


def source(cell) -> str:
    """A cell's source as shown in its editor (not its outputs)."""
    return cell.parent.execute_script(  # one round trip, not one per line
        "return [...arguments[0].querySelectorAll('.jp-InputArea-editor .cm-content .cm-line')]"
        ".map(line => line.textContent).join('\\n')", cell).strip()


def notebook_text(driver) -> str:
    """Every text of the open notebook, also of cells scrolled out of view."""
    panel = driver.find_element(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden)")
    return driver.execute_script("return arguments[0].textContent", panel)


def output_rows(cell):
    """The two-column rows of a cell's output tables (a Table's HTML form)."""
    for tr in cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea table tr"):
        tds = tr.find_elements(By.TAG_NAME, "td")
        if len(tds) == 2:
            yield tds[0].text.strip(), tds[1].text.strip()
