"""One word for one thing across the course (DESIGN's glossary). A drift word may appear only in a
line that quotes or names the guide (the line mentions "가이드")."""
import re

import pytest

from conftest import ROOT

CHAPTERS = sorted((ROOT / "notebooks-src").glob("*.py"))
SOURCES = CHAPTERS + [ROOT / "README.md"]
#: drift word -> the course's word
DRIFT = {"업무": "태스크", "담당자": "워커", "사전": "딕셔너리", "연습문제 1": "연습 1",
         "연습문제 2": "연습 2", "연습문제 3": "연습 3", "주기 작업": "주기 태스크"}
#: Celery signals are 시그널, the operating system's are (운영체제) 신호: a 시그널 sent to a
#: process or named after SIGTERM/SIGKILL is an OS signal; a 신호 named after a Celery signal
#: (worker_process_init, task_postrun …) is a Celery one.
SIGNAL_MIXUPS = [
    (re.compile(r"프로세스\S*에\s*시그널|시그널\S*\s*\(?(기본값\s*)?`?SIG[A-Z]+|SIG[A-Z]+`?\s*시그널"),
     "운영체제의 신호는 '(운영체제) 신호'"),
    (re.compile(r"`(worker|task|celeryd|beat|before|after|setup|import)_\w+`\s*신호"),
     "Celery의 시그널은 '시그널'"),
]
#: a lesson talks about Celery, never about how the course's notebooks are checked
HARNESS = re.compile(r"비교하지 않|출력은 비교|저장된 출력|nbval|테스트 하네스"
                     r"|(?<![A-Za-z])CI(?![A-Za-z])")


def lesson_lines(source):
    """The markdown lines of a chapter above its exercises (jupytext percent format)."""
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("# ## 연습문제"):
            return
        if line.startswith("# ") and not line.startswith("# %%"):
            yield number, line


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_no_drift_words(source):
    found = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if "가이드" in line:
            continue
        for word, ours in DRIFT.items():
            if re.search(word, line):
                found.append(f"{number}: '{word}' -> '{ours}': {line.strip()[:80]}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.name)
def test_celery_signals_and_os_signals_apart(source):
    found = [f"{number}: {hint}: {line.strip()[:90]}" for number, line in lesson_lines(source)
             for pattern, hint in SIGNAL_MIXUPS if pattern.search(line)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.name)
def test_lessons_say_check_cell(source):
    """확인 셀, not 확인 함수, in the lesson text."""
    found = [f"{number}: {line.strip()[:90]}" for number, line in lesson_lines(source)
             if "확인 함수" in line]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.name)
def test_lessons_do_not_talk_about_the_harness(source):
    found = [f"{number}: {line.strip()[:90]}" for number, line in lesson_lines(source)
             if HARNESS.search(line)]
    assert not found, "\n".join(found)


def test_the_patterns_catch_what_they_are_for():
    """Each pattern finds the drift it names (so that a pattern that matches nothing fails here)."""
    os_signal, celery_signal = (p for p, _ in SIGNAL_MIXUPS)
    assert os_signal.search("자식 프로세스에 시그널(기본값 `SIGTERM`)을 보내")
    assert os_signal.search("`SIGKILL` 시그널로 죽입니다")
    assert not os_signal.search("`worker_process_init` 시그널로 연결을 엽니다")
    assert celery_signal.search("`worker_process_shutdown` 신호에서 닫습니다")
    assert not celery_signal.search("SIGTERM 신호를 보냅니다")
    assert HARNESS.search("이 셀의 출력은 비교하지 않습니다")
    assert HARNESS.search("CI의 RabbitMQ 구간")
    assert not HARNESS.search("CIDR 블록")
