"""Colab's widget stack in a real browser: ipywidgets 7 drawn by the classic notebook 6 with
widgetsnbextension 3 (what renders ipywidgets 7 outside Colab), in headless Chromium. Chapter 03's
board takes a click to SUCCESS and its map shows the waiting message; chapter 11's progress bar
moves while the task runs and ends at 20/20.

Runs in the Colab replay (.ci/colab_leg.sh) only: the root conftest.py does not collect it where
ipywidgets is not 7 or the classic notebook is missing (JupyterLab and ipywidgets 8:
tests/test_browser_ch03.py, _ch11.py)."""
import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from browser import ARTIFACTS, By, browser, wait  # noqa: F401 - the browser fixture
from labserver import ROOT, Server, clean_env, free_port, stop

RUN_TIMEOUT = 240


@pytest.fixture(scope="module")
def classic(tmp_path_factory):
    """The classic notebook server on a copy of the notebooks (nothing saved over the real ones)."""
    tmp = tmp_path_factory.mktemp("classic")
    shutil.copytree(ROOT / "notebooks", tmp / "notebooks")
    port, token = free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--NotebookApp.token={token}", f"--NotebookApp.notebook_dir={tmp}",
            "--NotebookApp.port_retries=0"] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = tmp / "notebook.log"
    env = clean_env(JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), TMPDIR=str(tmp))
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}/", token, proc, log)
    try:
        began = time.monotonic()
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            with contextlib.suppress(Exception):
                if server.get("api/status").status_code == 200:
                    break
            assert time.monotonic() - began < 60, log.read_text()[-3000:]
            time.sleep(0.2)
        yield server
    finally:
        stop(proc)


def js(driver, code: str, *args):
    return driver.execute_script(code, *args)


def open_and_run(driver, server, path: str, upto: str | None) -> int:
    """Open ``path``, run every cell above the first whose source starts with ``upto`` (None: the
    last cell); none may raise. Returns that cell's index."""
    driver.get(f"{server.url}notebooks/{quote(path)}?token={server.token}")
    wait(lambda: js(driver, "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                            " && Jupyter.notebook.kernel.is_connected())"),
         90, f"{path}의 커널이 준비되지 않았습니다", driver, "colab-open")
    index = js(driver, "const cs = Jupyter.notebook.get_cells();"
                       "return arguments[0] === null ? cs.length - 1"
                       " : cs.findIndex(c => c.get_text().startsWith(arguments[0]));", upto)
    assert index > 0, upto
    run(driver, 0, index)
    text = js(driver, "return document.getElementById('notebook-container').textContent")
    assert "Traceback (most recent call last)" not in text
    return index


def run(driver, start: int, end: int):
    """Run cells [start, end) and wait until the kernel finished them."""
    js(driver, "Jupyter.notebook.execute_cell_range(arguments[0], arguments[1])", start, end)
    settle(driver)


def settle(driver):
    time.sleep(1)
    wait(lambda: js(driver, "return !Jupyter.notebook.kernel_busy && !Jupyter.notebook.get_cells()"
                            ".some(c => c.element.find('.input_prompt').text().includes('[*]'))"),
         RUN_TIMEOUT, "셀 실행이 끝나지 않았습니다", driver, "colab-run")


def cell(driver, index: int):
    return driver.find_elements(By.CSS_SELECTOR, "#notebook-container > .cell")[index]


def down(driver, index: int):
    run(driver, index, index + 1)
    wait(lambda: "모두 멈췄습니다" in cell(driver, index).text, 60, "lab.down()이 끝나지 않았습니다",
         driver, "colab-down")


def test_chapter03_board_and_map_on_ipywidgets7(classic, browser):
    driver = browser
    last = open_and_run(driver, classic, "notebooks/03_라우팅.ipynb", None)
    live_map = wait(lambda: driver.find_elements(By.CSS_SELECTOR, ".labtasks-map"), 30,
                    "지도가 그려지지 않았습니다", driver, "colab-map")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", live_map)
    row = wait(lambda: live_map.find_elements(By.XPATH, ".//tr[td[1][normalize-space()='urgent_call']]"),
               30, "지도에 urgent_call 큐가 없습니다", driver, "colab-map-row")[0]
    wait(lambda: [td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")] == ["urgent_call", "1", "없음"],
         30, "지도가 urgent_call 큐의 메시지 1개를 보여 주지 않았습니다", driver, "colab-map-waiting")

    urgent = wait(lambda: driver.find_elements(
        By.XPATH, "//button[contains(@class,'jupyter-button')][normalize-space()='긴급 태스크 보내기']"),
        30, "긴급 태스크 버튼이 그려지지 않았습니다", driver, "colab-button")[0]
    panel = urgent.find_element(By.XPATH, "./ancestor::div[contains(@class,'widget-vbox')][1]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", panel)

    def urgent_successes() -> int:
        return len(panel.find_elements(
            By.XPATH, ".//tr[td[normalize-space()='urgent_call']]//b[normalize-space()='SUCCESS']"))

    before = urgent_successes()
    assert before >= 2, panel.text  # the notebook's own two clicks, drawn by ipywidgets 7
    urgent.click()
    wait(lambda: urgent_successes() == before + 1, 30,
         "긴급 태스크가 보드에서 SUCCESS가 되지 않았습니다", driver, "colab-success")
    panel.screenshot(str(ARTIFACTS / "colab-03-panel-after-click.png"))
    down(driver, last)


def test_chapter11_progress_bar_on_ipywidgets7(classic, browser):
    driver = browser
    index = open_and_run(driver, classic, "notebooks/11_진행_상황.ipynb", "막대 = progress.Bar(")
    js(driver, "Jupyter.notebook.execute_cell_range(arguments[0], arguments[0] + 1)", index)
    bar_cell = cell(driver, index)

    def read():
        bars = bar_cell.find_elements(By.CSS_SELECTOR, ".widget-hprogress .progress-bar")
        found = re.search(r"(\d+)/20 · ([A-Z]+)", bar_cell.text)
        if not bars or not found:
            return None
        width = driver.execute_script("return arguments[0].style.width", bars[0]) or "0%"
        return int(found[1]), found[2], float(width.rstrip("%") or 0)

    first = wait(lambda: (now := read()) and now[1] == "PROGRESS" and now[0] > 0 and now, 30,
                 "진행 막대가 움직이기 시작하지 않았습니다", driver, "colab-bar-start")
    wait(lambda: (now := read()) and now[0] > first[0] and now[2] > first[2] and now, 30,
         "진행 막대가 앞으로 가지 않았습니다", driver, "colab-bar-moves")
    end = wait(lambda: (now := read()) and now[1] == "SUCCESS" and now, 30,
               "진행 막대가 SUCCESS에 이르지 않았습니다", driver, "colab-bar-end")
    assert end[0] == 20 and end[2] == 100, end
    bar_cell.screenshot(str(ARTIFACTS / "colab-11-bar-done.png"))
    settle(driver)
    down(driver, len(driver.find_elements(By.CSS_SELECTOR, "#notebook-container > .cell")) - 1)
