"""Open the built book (book/_build/html) in headless Chromium and check what a reader sees.

    python .ci/book_check.py        # after book/build.py; needs selenium (the course requirements)

Expectations come from the original notebooks of the chapters in book/_build/src, so the checks
follow the notebooks as they change. Screenshots go to test-artifacts/book/.
Exits non-zero on the first failed check.
"""
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import quote, unquote

from selenium import webdriver
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book"))
import build  # noqa: E402  (the errata convention, defined once)

SRC = ROOT / "book" / "_build" / "src"
HTML = ROOT / "book" / "_build" / "html"
SHOTS = ROOT / "test-artifacts" / "book"
REPOSITORY = os.environ.get("BOOK_REPOSITORY_URL") or "https://github.com/OWNER/celery-lab"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def count_errata(cell):
    """Errata in an original markdown cell, by the convention book/build.py documents."""
    if cell["cell_type"] != "markdown":
        return 0
    source = text(cell["source"])
    whole = "erratum" in cell.get("metadata", {}).get("tags", []) or build.ERRATUM_BOLD.match(source.lstrip())
    return sum(bool(heading or "".join(body).strip()) if whole else bool(build.ERRATUM_HEADING.match(heading))
               for heading, body in build.sections(source))


def fail(message):
    sys.exit(f"책 검사 실패: {message}")


def check(condition, message):
    if not condition:
        fail(message)


def text(source):
    return "".join(source) if isinstance(source, list) else source


class Chapter:
    """What one chapter's page must show, read from the original notebook (never the book's copy)."""

    def __init__(self, copy: Path):
        self.name = copy.stem
        original = ROOT / "notebooks" / copy.name
        if not original.exists():  # an extra chapter (BOOK_EXTRA_NOTEBOOKS)
            original = next(Path(p).resolve() for p in os.environ["BOOK_EXTRA_NOTEBOOKS"].split(os.pathsep)
                            if Path(p).name == copy.name)
        cells = json.loads(original.read_text(encoding="utf-8"))["cells"]
        # what the book leaves out (the Colab badges and install cell: the book has its own buttons)
        cells = [c for c in cells if "remove-cell" not in c.get("metadata", {}).get("tags", [])]
        self.title = text(cells[0]["source"]).split("\n")[0].lstrip("# ").strip()
        self.solutions = sum("solution" in c.get("metadata", {}).get("tags", []) for c in cells)
        self.errata = sum(count_errata(c) for c in cells)
        self.prose = "\n".join(line for c in cells if c["cell_type"] == "markdown"
                               for line in text(c["source"]).split("\n") if not line.startswith(("#", ":")))
        self.images = sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))
        self.widgets = sum(WIDGET_VIEW in o.get("data", {}) for c in cells for o in c.get("outputs", []))

    @property
    def url(self):
        return (HTML / f"{self.name}.html").as_uri()


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("LABTASKS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--lang=ko-KR"]:
        options.add_argument(arg)
    driver_path = os.environ.get("LABTASKS_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    return driver


def wait_for(predicate, what, timeout=20):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            fail(f"{what} ({timeout} s 동안 기다림)")
        time.sleep(0.2)


def shot(driver, name, element=None):
    if element is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(0.3)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def check_chapter(driver, ch: Chapter, first: bool):
    driver.get(ch.url)
    wait_for(lambda: driver.execute_script("return document.readyState") == "complete", f"{ch.name} 로딩")
    check(driver.execute_script("return document.documentElement.lang") == "ko", f"{ch.name}: <html lang>이 ko가 아님")
    article = driver.find_element(By.CSS_SELECTOR, "article")
    check(len(HANGUL.findall(article.text)) > 20, f"{ch.name}: 본문에 한글이 보이지 않음")
    check(ch.title in article.text, f"{ch.name}: 제목 '{ch.title}'이 보이지 않음")
    if first:
        shot(driver, "chapter")

    # the Binder button launches this chapter's notebook in the repository's binder/ environment
    org_repo = REPOSITORY.rstrip("/").split("github.com/")[-1]
    links = [unquote(a.get_attribute("href") or "") for a in driver.find_elements(By.CSS_SELECTOR, "a")]
    want = f"https://mybinder.org/v2/gh/{org_repo}/"
    binder = [h for h in links if h.startswith(want) and h.endswith(f"urlpath=lab/tree/notebooks/{ch.name}.ipynb")]
    check(binder, f"{ch.name}: Binder 버튼이 없음 ({want}…/notebooks/{ch.name}.ipynb)")
    # and the Colab button opens the same notebook from GitHub in Colab
    colab = [h for h in links if h.startswith(f"https://colab.research.google.com/github/{org_repo}/")
             and h.endswith(f"/notebooks/{ch.name}.ipynb")]
    check(colab, f"{ch.name}: Colab 버튼이 없음")

    imgs = driver.find_elements(By.CSS_SELECTOR, ".cell_output img")
    check(len(imgs) == ch.images, f"{ch.name}: 그림 {ch.images}개 중 {len(imgs)}개만 있음")
    for img in imgs:
        wait_for(lambda img=img: driver.execute_script(
                     "return arguments[0].complete && arguments[0].naturalWidth", img),
                 f"{ch.name}: 그림이 그려지지 않음 ({img.get_attribute('src')})")
    if imgs and not (SHOTS / "plot.png").exists():
        shot(driver, "plot", imgs[0])

    boxes = driver.find_elements(By.CSS_SELECTOR, "div.admonition.erratum")
    check(len(boxes) == ch.errata, f"{ch.name}: 정오표 {ch.errata}개 중 {len(boxes)}개만 표시됨")
    for box in boxes:
        title = box.find_element(By.CSS_SELECTOR, ".admonition-title")
        check(box.is_displayed() and title.text.strip() == "정오표", f"{ch.name}: 정오표 상자가 보이지 않음")
    if boxes and not (SHOTS / "erratum.png").exists():
        shot(driver, "erratum", boxes[0])

    check_solutions(driver, ch)

    # every widget drawn as it last looked (its buttons, bars, tables), not left as an empty box
    drawn = driver.execute_script(
        "return [...document.querySelectorAll('.cell_output .static-widget')]"
        ".filter(e => !e.parentElement.closest('.static-widget') && e.innerText.trim()).length")
    check(drawn == ch.widgets, f"{ch.name}: 위젯 {ch.widgets}개 중 {drawn}개만 그려짐")
    if drawn and not (SHOTS / "widget.png").exists():
        shot(driver, "widget", driver.find_element(By.CSS_SELECTOR, ".cell_output .static-widget"))
    check(not driver.find_elements(By.CSS_SELECTOR, ".jupyter-widgets, script[type*='widget']"),
          f"{ch.name}: 빈 위젯 상자가 남아 있음")
    return len(boxes), len(imgs)


def check_solutions(driver, ch: Chapter):
    code = driver.find_elements(By.CSS_SELECTOR, "div.tag_solution details.hide")
    prose = driver.find_elements(By.CSS_SELECTOR, "div.admonition.dropdown.solution")
    check(len(code) + len(prose) == ch.solutions,
          f"{ch.name}: 풀이 {ch.solutions}개 중 토글 {len(code) + len(prose)}개")
    for details in code:
        inner = details.find_elements(By.CSS_SELECTOR, ".cell_input")  # the code itself is in the toggle
        check(inner and details.get_attribute("open") is None and not inner[0].is_displayed(),
              f"{ch.name}: 풀이 코드가 토글 안에 접혀 있지 않음")
    for box in prose:
        body = box.find_elements(By.CSS_SELECTOR, ":scope > :not(.admonition-title):not(button)")
        check(body and not any(b.is_displayed() for b in body), f"{ch.name}: 풀이 글이 펼쳐져 있음")
    if code:
        shot(driver, "solution-collapsed", code[0])
        code[0].find_element(By.CSS_SELECTOR, "summary").click()
        inner = code[0].find_element(By.CSS_SELECTOR, ".cell_input")
        wait_for(inner.is_displayed, f"{ch.name}: 풀이 토글을 눌러도 코드가 펼쳐지지 않음")
        shot(driver, "solution-open", code[0])
    for box in prose:
        box.find_element(By.CSS_SELECTOR, ".admonition-title").click()
        body = box.find_elements(By.CSS_SELECTOR, ":scope > :not(.admonition-title):not(button)")
        wait_for(lambda body=body: any(b.is_displayed() for b in body),
                 f"{ch.name}: 풀이 토글을 눌러도 글이 펼쳐지지 않음")


def search(driver, query):
    """Names of the pages the book's search lists for query."""
    driver.get((HTML / "search.html").as_uri() + "?q=" + quote(query))
    wait_for(lambda: driver.execute_script(  # Sphinx fills the summary when the search has finished
        "return document.querySelector('#search-results p.search-summary')?.innerText.trim()"),
        f"'{query}' 검색이 끝나지 않음")
    results = driver.find_elements(By.CSS_SELECTOR, "#search-results li a")
    hrefs = [unquote(a.get_attribute("href") or "") for a in results]
    found = {Path(h.split("?")[0].split("#")[0]).stem for h in hrefs}
    print(f"검색 '{query}': {len(found)}개 페이지")
    return found


def main():
    check((HTML / "index.html").is_file(), f"{HTML}/index.html이 없음: book/build.py를 먼저 실행하세요")
    chapters = [Chapter(p) for p in sorted(SRC.glob("*.ipynb"))]
    check(chapters, f"{SRC}에 노트북이 없음")
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    driver = browser()
    try:
        driver.get((HTML / "index.html").as_uri())  # a redirect to the first page
        wait_for(lambda: driver.current_url.endswith("/intro.html")
                 and driver.execute_script("return document.readyState") == "complete", "index.html → intro.html")
        nav = driver.find_elements(By.CSS_SELECTOR, "nav.bd-links a.reference.internal")
        listed = [Path(unquote(a.get_attribute("href"))).stem for a in nav]
        check(listed == ["intro"] + [c.name for c in chapters], f"목차가 장 목록과 다름: {listed}")
        shot(driver, "index")

        errata = images = 0
        for i, ch in enumerate(chapters):
            e, n = check_chapter(driver, ch, first=(i == 0))
            errata, images = errata + e, images + n
        solutions = sum(c.solutions for c in chapters)
        check(errata > 0, "정오표가 표시된 장이 하나도 없음")
        check(images > 0, "그림이 있는 장이 하나도 없음")
        check(solutions > 0, "풀이 토글이 하나도 없음 (solution 태그가 붙은 셀이 없음)")

        # Korean search: a chapter's title words and a word of its text find it; 정오표 finds every erratum
        ch = next(c for c in chapters if c.errata)
        words = [w for w in ch.title.split() if HANGUL.search(w)]
        found = search(driver, " ".join(words))
        check(ch.name in found, f"'{' '.join(words)}' 검색 결과에 {ch.name}이 없음: {sorted(found)}")
        word = max(re.findall(r"(?<!\S)[\uac00-\ud7a3]{3,}(?!\S)", ch.prose), key=len)  # a word of the body
        found = search(driver, word)
        check(ch.name in found, f"본문 낱말 '{word}' 검색 결과에 {ch.name}이 없음: {sorted(found)}")
        found = search(driver, "정오표")
        shot(driver, "search")
        missing = {c.name for c in chapters if c.errata} - found
        check(not missing, f"'정오표' 검색 결과에 빠진 장: {sorted(missing)}")
    finally:
        driver.quit()
    print(f"책 검사 통과: {len(chapters)}개 장, 정오표 {errata}개, 그림 {images}개, 풀이 {solutions}개, "
          f"스크린샷 {SHOTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
