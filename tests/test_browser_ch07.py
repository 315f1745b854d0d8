"""Chapter 07 in a real JupyterLab and headless Chromium: run up to ``lab.flower()``, Flower opens
through jupyter-server-proxy's ``/proxy/absolute/<port>/`` path, lists the worker, loads every
static file.

Screenshots go to ``test-artifacts/browser/``; skipped without chromium (tests/browser.py)."""
import re
import time

from browser import ARTIFACTS, By, browser, cells, lab_server, output_rows, run_up_to, source, wait  # noqa: F401 - the fixtures browser, lab_server


def test_flower_through_jupyter_server_proxy_lists_the_worker_and_is_styled(lab_server, browser):
    driver = browser
    run_up_to(driver, lab_server, "notebooks/07_Flower_모니터링.ipynb", "print(fl.command())")
    flower_cell = next(c for c in cells(driver) if source(c) == "fl = lab.flower()\nfl")
    table = dict(output_rows(flower_cell))
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
    run_up_to(driver, lab_server, "notebooks/07_Flower_모니터링.ipynb", "보드_id")
    side = next(c for c in cells(driver) if "SideBySide(보드, fl)" in source(c))
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
