"""What a learner sees: a real JupyterLab in a real (headless) Chromium.

- Chapter 03 is opened and every cell run from JupyterLab's Run menu; the routing panel must be
  rendered as widgets (not "Loading widget…"), and a click on its urgent button must show the
  task reach SUCCESS on the panel's board. The map (``lab.map()``) lists the message waiting in
  the queue nobody consumes.
- Chapter 11 is run up to its first progress bar, which is then run on its own: the bar (and its
  ``n/20`` label) must move forward between two reads while the task runs, and end at 20/20.
- Chapter 07 is run up to ``lab.flower()``; Flower is then opened through jupyter-server-proxy's
  ``/proxy/absolute/<port>/`` path: the worker is listed and every static file loaded.

Screenshots go to ``test-artifacts/browser/``. Needs Debian's ``chromium`` and ``chromium-driver``
(``.ci/install_browser.sh``); without them these tests are skipped, never failed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from labserver import ROOT, clean_env, jupyter, stop

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
    shutil.copytree(ROOT / "notebooks", course / "notebooks", ignore=shutil.ignore_patterns("src"))
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
    wait(lambda: not any("[*]" in p.text for p in
                         driver.find_elements(By.CSS_SELECTOR, ".jp-InputPrompt"))
         and kernel_idle(driver), timeout, "셀 실행이 끝나지 않았습니다", driver, "run")


def source(cell) -> str:
    """A cell's source as shown in its editor (not its outputs)."""
    editors = cell.find_elements(By.CSS_SELECTOR, ".jp-InputArea-editor .cm-content")
    return "\n".join(line.text for e in editors
                     for line in e.find_elements(By.CSS_SELECTOR, ".cm-line")).strip()


def notebook_text(driver) -> str:
    """Every text of the open notebook, also of cells scrolled out of view."""
    panel = driver.find_element(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden)")
    return driver.execute_script("return arguments[0].textContent", panel)


# -- the tests ---------------------------------------------------------------------------------
def test_chapter03_urgent_button_reaches_success_on_the_board(lab_server, browser):
    driver = browser
    open_notebook(driver, lab_server, "notebooks/03_라우팅.ipynb")
    all_cells = cells(driver)
    last = all_cells[-1]
    assert "lab.down()" in last.text
    run_all_above(driver, last)  # everything but lab.down(): the panel must stay live
    driver.save_screenshot(str(ARTIFACTS / "03-after-run-all.png"))

    # the panel is rendered as widgets, not as the "Loading widget…" placeholder
    page = notebook_text(driver)
    assert "Traceback (most recent call last)" not in page
    assert "Loading widget" not in page
    # the map lists the message exercise 3 left in the queue nobody consumes, redrawn live since
    # section 3 displayed it (the erratum's message was purged in between)
    live_map = wait(lambda: driver.find_elements(By.CSS_SELECTOR, ".labtasks-map"), 30,
                    "지도가 그려지지 않았습니다", driver, "map")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", live_map)
    row = wait(lambda: live_map.find_elements(By.XPATH, ".//tr[td[1][normalize-space()='urgent_call']]"),
               30, "지도에 urgent_call 큐가 없습니다", driver, "map-row")[0]
    wait(lambda: [td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")] == ["urgent_call", "1", "없음"],
         30, "지도가 urgent_call 큐의 메시지 1개를 보여 주지 않았습니다", driver, "map-waiting")
    live_map.screenshot(str(ARTIFACTS / "03-map-waiting-message.png"))

    urgent = wait(lambda: driver.find_elements(
        By.XPATH, "//button[contains(@class,'jupyter-button')][normalize-space()='긴급 태스크 보내기']"),
        30, "긴급 업무 버튼이 그려지지 않았습니다", driver, "button")[0]
    panel = urgent.find_element(By.XPATH, "./ancestor::div[contains(@class,'widget-vbox')][1]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", panel)

    def urgent_successes() -> int:
        return len(panel.find_elements(
            By.XPATH, ".//tr[td[normalize-space()='urgent_call']]//b[normalize-space()='SUCCESS']"))

    before = urgent_successes()
    assert before >= 2, panel.text  # the two clicks the notebook made from code
    panel.screenshot(str(ARTIFACTS / "03-panel-before-click.png"))
    urgent.click()
    wait(lambda: urgent_successes() == before + 1, 30,
         "긴급 업무가 보드에서 SUCCESS가 되지 않았습니다", driver, "success")
    rows = panel.find_elements(By.XPATH, ".//tr[td[normalize-space()='urgent_call']]")
    assert "SUCCESS" in rows[-1].text and rows[-1].text.split()[0] == str(len(
        panel.find_elements(By.XPATH, ".//tr[td]"))), rows[-1].text
    panel.screenshot(str(ARTIFACTS / "03-panel-after-urgent-click.png"))
    driver.save_screenshot(str(ARTIFACTS / "03-after-click.png"))

    # and the last cell (lab.down) runs cleanly
    run_cell(driver, last)
    wait(lambda: "모두 멈췄습니다" in last.text, 60, "lab.down()이 끝나지 않았습니다", driver, "down")


def test_chapter11_progress_bar_moves_while_the_task_runs(lab_server, browser):
    driver = browser
    open_notebook(driver, lab_server, "notebooks/11_진행_상황.ipynb")
    bar_cell = next(c for c in cells(driver) if source(c).startswith("막대 = progress.Bar("))
    run_all_above(driver, bar_cell)
    assert "Traceback (most recent call last)" not in notebook_text(driver)
    run_cell(driver, bar_cell)  # returns at once; the monitor's events move the bar

    def read():
        """(steps done, state, the bar's filled width in %) as the page shows them now."""
        bars = bar_cell.find_elements(By.CSS_SELECTOR, ".widget-hprogress .progress-bar")
        found = re.search(r"(\d+)/20 · ([A-Z]+)", bar_cell.text)
        if not bars or not found:
            return None
        width = driver.execute_script("return arguments[0].style.width", bars[0]) or "0%"
        return int(found[1]), found[2], float(width.rstrip("%") or 0)

    first = wait(lambda: (now := read()) and now[1] == "PROGRESS" and now[0] > 0 and now, 30,
                 "진행 막대가 움직이기 시작하지 않았습니다", driver, "bar-start")
    bar_cell.screenshot(str(ARTIFACTS / "11-bar-first-read.png"))
    second = wait(lambda: (now := read()) and now[0] > first[0] and now, 30,
                  "진행 막대가 앞으로 가지 않았습니다", driver, "bar-moves")
    bar_cell.screenshot(str(ARTIFACTS / "11-bar-second-read.png"))
    assert second[2] > first[2], (first, second)  # the filled part grew too
    end = wait(lambda: (now := read()) and now[1] == "SUCCESS" and now, 30,
               "진행 막대가 SUCCESS에 이르지 않았습니다", driver, "bar-end")
    assert end[0] == 20 and end[2] == 100, end
    bar_cell.screenshot(str(ARTIFACTS / "11-bar-done.png"))
    assert "Loading widget" not in bar_cell.text

    last = cells(driver)[-1]
    assert "lab.down()" in last.text
    run_cell(driver, last)
    wait(lambda: "모두 멈췄습니다" in last.text, 60, "lab.down()이 끝나지 않았습니다", driver, "down11")


def test_flower_through_jupyter_server_proxy_lists_the_worker_and_is_styled(lab_server, browser):
    driver = browser
    open_notebook(driver, lab_server, "notebooks/07_Flower_모니터링.ipynb")
    run_all_above(driver, next(c for c in cells(driver) if source(c) == "print(fl.command())"))
    flower_cell = next(c for c in cells(driver) if source(c) == "fl = lab.flower()\nfl")
    table = dict(_rows(flower_cell))
    address, password = table["주소"], table["비밀번호"]
    assert re.fullmatch(r"/proxy/absolute/\d+/", address), (
        f"under JupyterLab the address must be the proxy path, got {address!r}")
    base = lab_server.url.rstrip("/") + address

    # Flower through the proxy; the password given once, as a learner would (the browser then
    # keeps it for this origin and realm, so the notebook's IFrames load too)
    driver.get(base.replace("http://", f"http://lab:{password}@") + "workers")
    wait(lambda: "w1@" in driver.page_source, 30, "Flower가 워커 w1을 보여 주지 않았습니다",
         driver, "flower-workers")
    assert "Flower" in driver.title, driver.title
    statics = driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/static/'))"
        ".map(e => [e.name, e.responseStatus])")
    statics = [[name.replace(f"lab:{password}@", ""), status] for name, status in statics]
    assert statics and any(name.split("?")[0].endswith(".css") for name, _ in statics), statics
    assert all(name.startswith(base + "static/") for name, _ in statics), statics
    assert all(status == 200 for _, status in statics), statics
    # styled: every stylesheet parsed into rules, and the navbar has a background
    assert driver.execute_script(
        "return [...document.styleSheets].filter(s => s.href && s.href.includes('/static/'))"
        ".every(s => s.cssRules.length > 0)")
    nav = driver.find_element(By.CSS_SELECTOR, "nav, .navbar")
    assert nav.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    driver.save_screenshot(str(ARTIFACTS / "07-flower-workers-via-proxy.png"))

    # back to the notebook (same kernel, same Flower): run on through section 5, the board
    # next to Flower and the clicks (a background tab would not paint, hence no second tab)
    open_notebook(driver, lab_server, "notebooks/07_Flower_모니터링.ipynb")
    run_all_above(driver, next(c for c in cells(driver) if source(c).startswith("보드_id")))
    side = next(c for c in cells(driver) if source(c).startswith("from labtasks.chapters.flower import SideBySide"))
    frame = wait(lambda: side.find_elements(By.CSS_SELECTOR, f"iframe[src='{address}tasks']"), 30,
                 "보드 옆에 Flower IFrame이 없습니다", driver, "side-iframe")[0]
    board_text = wait(lambda: "SUCCESS" in side.text and side.text, 30,
                      "보드에 SUCCESS가 없습니다", driver, "board")
    assert "Loading widget" not in board_text
    driver.switch_to.frame(frame)
    try:
        wait(lambda: "labtasks.tasks.basics.mult" in driver.find_element(By.TAG_NAME, "body").text,
             30, "IFrame 안의 Flower가 태스크를 보여 주지 않았습니다", driver, "iframe-tasks")
    finally:
        driver.switch_to.default_content()
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", side)
    time.sleep(0.5)
    driver.save_screenshot(str(ARTIFACTS / "07-board-next-to-flower.png"))

    driver.get(base + "tasks")
    wait(lambda: "labtasks.tasks.basics.mult" in driver.find_element(By.TAG_NAME, "body").text, 30,
         "Flower 태스크 화면에 mult가 없습니다", driver, "flower-tasks")
    driver.save_screenshot(str(ARTIFACTS / "07-flower-tasks-via-proxy.png"))


def _rows(cell):
    for tr in cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea table tr"):
        tds = tr.find_elements(By.TAG_NAME, "td")
        if len(tds) == 2:
            yield tds[0].text.strip(), tds[1].text.strip()


def test_binder_launcher_opens_flower_in_jupyterlab(tmp_path, browser):
    """Binder's recipe: JupyterLab started through binder/start shows a "Flower 모니터링" launcher
    card; clicking it opens Flower (jupyter-server-proxy, absolute_url) inside JupyterLab."""
    driver = browser
    env = clean_env(TMPDIR=str(tmp_path), **lab_settings(tmp_path))
    env.pop("JUPYTER_CONFIG_PATH", None)
    worker = None
    try:
        with jupyter(tmp_path, app="jupyterlab", env=env, wrapper=[ROOT / "binder" / "start"]) as server:
            # a worker on the shared broker that binder/start exported, as a notebook would start
            broker = next(line.split("=", 1)[1] for line in
                          (tmp_path / "labtasks-up.log").read_text().splitlines()
                          if line.strip().startswith("export CELERY_BROKER_URL="))
            worker = subprocess.Popen(
                [sys.executable, "-m", "labtasks", "worker", "binder1", "-c", "1"], cwd=ROOT,
                env=dict(env, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=broker),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
            driver.get(f"{server.url}lab?token={server.token}&reset")
            card = wait(lambda: driver.find_elements(
                By.XPATH, "//div[contains(@class,'jp-LauncherCard')][.//p[normalize-space()='Flower 모니터링']]"),
                90, "런처에 Flower 모니터링 카드가 없습니다", driver, "launcher")[0]
            driver.save_screenshot(str(ARTIFACTS / "binder-launcher.png"))
            card.click()
            frame = wait(lambda: driver.find_elements(By.CSS_SELECTOR, "iframe[src*='/flower/']"), 60,
                         "Flower 탭이 열리지 않았습니다", driver, "launcher-flower")[0]
            driver.switch_to.frame(frame)
            try:
                wait(lambda: "binder1@" in driver.page_source, 60,
                     "런처로 연 Flower가 워커를 보여 주지 않았습니다", driver, "launcher-worker")
                assert driver.execute_script(
                    "return [...document.styleSheets].filter(s => s.href && s.href.includes('/flower/static/'))"
                    ".every(s => s.cssRules.length > 0) && document.styleSheets.length > 0")
            finally:
                driver.switch_to.default_content()
            time.sleep(0.5)
            driver.save_screenshot(str(ARTIFACTS / "binder-launcher-flower.png"))
    finally:
        if worker is not None:
            stop(worker)
        subprocess.run([sys.executable, "-m", "labtasks", "down"], cwd=ROOT, env=env,
                       capture_output=True, timeout=60)
