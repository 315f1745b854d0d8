"""Chapter 12 in a real JupyterLab and headless Chromium: run it up to the page's IFrame, run that
cell, then use the page inside the IFrame as a learner would (through jupyter-server-proxy's
``/proxy/<port>/`` under JupyterLab): a bad input shows the web app's Korean 400 message, a good
one fills the progress bar from the status endpoint and ends in SUCCESS with the sum.

Screenshots go to ``test-artifacts/browser/``; skipped without chromium (tests/browser.py)."""
from browser import ARTIFACTS, By, browser, lab_server, run_cell, run_up_to, wait  # noqa: F401 - the fixtures browser, lab_server


def test_the_page_in_the_iframe_submits_and_polls_to_success(lab_server, browser):
    driver = browser
    cell = run_up_to(driver, lab_server, "notebooks/12_웹_앱에서_쓰기.ipynb", "web.page(height=90)")
    run_cell(driver, cell)
    frame = wait(lambda: cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea iframe"), 30,
                 "IFrame이 나오지 않았습니다", driver, "ch12-iframe")[0]
    assert "/proxy/" in frame.get_attribute("src"), frame.get_attribute("src")
    driver.switch_to.frame(frame)
    try:
        wait(lambda: driver.find_elements(By.TAG_NAME, "button"), 30,
             "IFrame 안에 페이지가 열리지 않았습니다", driver, "ch12-page")
        state = driver.find_element(By.ID, "state")
        x = driver.find_element(By.NAME, "x")
        x.clear()
        x.send_keys("둘")
        driver.find_element(By.TAG_NAME, "button").click()
        wait(lambda: "숫자여야" in state.text, 30, "잘못된 입력의 400 메시지가 나오지 않았습니다",
             driver, "ch12-400")
        x.clear()
        x.send_keys("40")
        driver.find_element(By.TAG_NAME, "button").click()
        seen = set()

        def finished():  # the state first: once it says SUCCESS, the bar read after it is final
            done = state.text.startswith("SUCCESS")
            seen.add(int(driver.find_element(By.ID, "bar").get_attribute("value")))
            return done
        wait(finished, 60, "페이지가 SUCCESS에 이르지 않았습니다", driver, "ch12-success")
        assert state.text == "SUCCESS 43", state.text
        assert any(0 < v < 10 for v in seen) and max(seen) == 10, seen  # moved by the progress
    finally:
        driver.save_screenshot(str(ARTIFACTS / "ch12-page.png"))
        driver.switch_to.default_content()
