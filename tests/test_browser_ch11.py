"""Chapter 11 in a real JupyterLab and headless Chromium: the progress bar (and its ``n/20`` label)
moves forward between two reads while the task runs, and ends at 20/20.

Screenshots go to ``test-artifacts/browser/``; skipped without chromium (tests/browser.py)."""
import re

from browser import ARTIFACTS, By, browser, cells, lab_server, run_cell, run_up_to, wait  # noqa: F401 - the fixtures browser, lab_server


def test_chapter11_progress_bar_moves_while_the_task_runs(lab_server, browser):
    driver = browser
    bar_cell = run_up_to(driver, lab_server, "notebooks/11_진행_상황.ipynb", "막대 = progress.Bar(")
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
    # the label and the bar are two widget messages: wait until both moved past the first read
    wait(lambda: (now := read()) and now[0] > first[0] and now[2] > first[2] and now,
         30, "진행 막대가 앞으로 가지 않았습니다", driver, "bar-moves")
    bar_cell.screenshot(str(ARTIFACTS / "11-bar-second-read.png"))
    end = wait(lambda: (now := read()) and now[1] == "SUCCESS" and now, 30,
               "진행 막대가 SUCCESS에 이르지 않았습니다", driver, "bar-end")
    assert end[0] == 20 and end[2] == 100, end
    bar_cell.screenshot(str(ARTIFACTS / "11-bar-done.png"))
    assert "Loading widget" not in bar_cell.text

    last = cells(driver)[-1]
    assert "lab.down()" in last.text
    run_cell(driver, last)
    wait(lambda: "모두 멈췄습니다" in last.text, 60, "lab.down()이 끝나지 않았습니다", driver, "down11")
