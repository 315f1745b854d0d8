"""The buttons panel in a real JupyterLab, clicked in headless Chromium: the board follows the task.

The kernel runs a notebook that starts two workers and shows ``widgets.routing_panel()``; the
browser clicks 일반 업무 보내기 and reads the board until it shows SUCCESS. Screenshots go to tmp_path.
"""
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import wait_gone
from labserver import clean_env, free_port, stop

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (.ci/install_browser.sh)")

CELLS = [
    "from labtasks import lab, widgets\n"
    "lab.worker('br_low', queues=['low_priority'], concurrency=1)\n"
    "lab.worker('br_high', queues=['high_priority'], concurrency=1)\n"
    "import os; print('pid', os.getpid())",
    "panel = widgets.routing_panel()\npanel",
]


def _notebook(path: Path) -> None:
    cells = [{"cell_type": "code", "metadata": {}, "source": src, "outputs": [],
              "execution_count": None} for src in CELLS]
    path.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_clicking_a_button_in_jupyterlab_shows_the_task_reaching_success(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.common.by import By

    _notebook(tmp_path / "panel.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
            "--ServerApp.port_retries=0", "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    env = clean_env(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log = tmp_path / "jupyterlab.log"
    with open(log, "ab") as out:
        server = subprocess.Popen(argv, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    driver = None
    try:
        _wait(lambda: server.poll() is None and _status_ok(url, token), 60, "JupyterLab")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900",
                    "--disable-dev-shm-usage"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
        driver.get(f"{url}lab/tree/panel.ipynb?token={token}")
        _wait(lambda: driver.execute_script(
            "const a = window.jupyterapp; const w = a && a.shell.currentWidget;"
            "return !!(w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel && w.sessionContext.isReady);"), 90, "the kernel")
        driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        button = _wait(lambda: next((b for b in driver.find_elements(By.CSS_SELECTOR, "button")
                                     if b.text.strip() == "일반 업무 보내기"), None),
                       90, "the panel's button")
        kernel_pid = int(_wait(lambda: _printed_pid(driver), 10, "the kernel pid"))
        board = "//div[contains(@class,'widget-html')][.//table or .//i]"
        assert "아직 보낸 태스크가 없습니다" in driver.find_element(By.XPATH, board).text
        driver.save_screenshot(str(tmp_path / "panel-before.png"))

        button.click()
        seen = []

        def current():
            bold = driver.find_elements(By.XPATH, f"{board}//table//b")
            state = bold[-1].text if bold else None
            if state and (not seen or seen[-1] != state):
                seen.append(state)
            return state == "SUCCESS"

        _wait(current, 30, f"SUCCESS on the board (seen so far: {seen})")
        driver.save_screenshot(str(tmp_path / "panel-success.png"))
        text = driver.find_element(By.XPATH, board).text
        assert "normal_call" in text and "br_low" in text, text
        counts = driver.find_element(By.XPATH, "//div[contains(@class,'widget-html')]"
                                               "[contains(., '보낸 태스크')]").text
        assert "끝난 태스크 1 / 1" in counts, counts
        print("states seen on the board:", " → ".join(seen))
    finally:
        if driver is not None:
            driver.quit()
        stop(server)  # shuts the kernel down, and the kernel its workers
    assert wait_gone([kernel_pid], 15) == []
    assert not _processes_named("br_low@"), "a worker outlived the JupyterLab kernel"


def _status_ok(url: str, token: str) -> bool:
    try:
        return requests.get(url + "api/status", params={"token": token}, timeout=2).ok
    except requests.ConnectionError:
        return False


def _printed_pid(driver):
    from selenium.webdriver.common.by import By
    for out in driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output pre"):
        if out.text.startswith("pid "):
            return out.text.split()[1]
    return None


def _processes_named(fragment: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if fragment in cmdline.read_bytes().decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return [p for p in found if wait_gone([p], 10)]
