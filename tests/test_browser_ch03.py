"""Chapter 03 in a real JupyterLab and headless Chromium: run from the Run menu, the routing panel is
rendered as widgets and its urgent button brings a task to SUCCESS on the board; the map
(``lab.map()``) lists the message waiting in the queue nobody consumes.

Screenshots go to ``test-artifacts/browser/``; skipped without chromium (tests/browser.py)."""

from browser import ARTIFACTS, By, browser, lab_server, notebook_text, run_cell, run_up_to, wait  # noqa: F401 - the fixtures browser, lab_server


def test_chapter03_urgent_button_reaches_success_on_the_board(lab_server, browser):
    driver = browser
    # everything but the last cell, lab.down(): the panel must stay live
    last = run_up_to(driver, lab_server, "notebooks/03_라우팅.ipynb", None)
    assert "lab.down()" in last.text
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
