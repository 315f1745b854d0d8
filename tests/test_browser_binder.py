"""Binder's recipe in a real JupyterLab and headless Chromium: the "Flower 모니터링" launcher entry.

Screenshots go to ``test-artifacts/browser/``; skipped without chromium (tests/browser.py)."""
import subprocess
import sys
import time

from browser import (  # noqa: F401 - the fixture browser
    ARTIFACTS,
    ROOT,
    By,
    browser,
    clean_env,
    jupyter,
    lab_settings,
    output_rows,
    wait,
)
from labserver import stop


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
