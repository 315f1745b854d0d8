"""13장 연습문제의 확인 함수.

연습 1은 답의 테스트 파일을 임시 프로젝트 폴더 세 곳(맞는 ``tasks.py`` 하나, 틀린 것 둘)에서 pytest로 돌려 봅니다.
연습 2는 보기마다 eager 모드의 복사본과 실제 워커에서 실행해 보고, 결과가 달라지는 보기를 그 자리에서 셉니다.
"""
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

from ..chapters import testing
from ..handle import lab
from ..tasks import add
from . import judge

WORKER = '''import os

from celery import Celery

app = Celery("proj", broker=os.environ["CELERY_BROKER_URL"],
             backend=os.environ["CELERY_RESULT_BACKEND"], include=["tasks"])
'''

# the chapter's conftest, except that the worker thread is left to end with the process: the
# check reads only the verdict, and a memory broker's worker takes seconds to stop
CONFTEST = '''import os

import pytest

os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"

from celery.contrib.testing.worker import start_worker  # noqa: E402

from worker import app  # noqa: E402

app.conf.broker_transport_options = {"polling_interval": 0.1}
RUNNING = []


@pytest.fixture(scope="session")
def celery_worker():
    RUNNING.append(start_worker(app, pool="solo", perform_ping_check=False))
    return RUNNING[0].__enter__()
'''

TASKS = '''from worker import app

FARES = {{("서울", "부산"): {busan}, ("서울", "대전"): 23700}}


@app.task
def add(x, y):
    return x + y


@app.task
def unique(items):
    return sorted(set(items))


@app.task
def route(start, end):
    return (start, end)


@app.task
def fare(section):
    return FARES[{key}]
'''

#: 맞는 tasks.py, 그리고 답의 테스트가 잡아야 하는 틀린 tasks.py 둘
VARIANTS = {
    "맞는 tasks.py": TASKS.format(busan=59800, key="tuple(section)"),
    "fare가 받은 값을 그대로 키로 쓰는 tasks.py(eager 모드에서는 통과하는 버그)":
        TASKS.format(busan=59800, key="section"),
    "요금표의 서울-부산 요금이 틀린 tasks.py": TASKS.format(busan=5980, key="tuple(section)"),
}


def _run(source: str, tasks: str):
    with tempfile.TemporaryDirectory(prefix="celerylab-ch13-") as folder:
        folder = Path(folder)
        files = {"pytest.ini": "[pytest]\n", "worker.py": WORKER, "conftest.py": CONFTEST,
                 "tasks.py": tasks, "test_answer.py": source}
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        try:
            done = testing.run_pytest(folder, "--disable-plugin-autoload", "-rfE", "--tb=line",
                                      "test_answer.py")
        except subprocess.TimeoutExpired:
            raise AssertionError("테스트가 60초 안에 끝나지 않았습니다. get()에 timeout=을 주었나요?") from None
    return done.returncode, done.stdout.strip().splitlines()[-1:] or [done.stderr.strip()]


def _test_file(answer):
    if isinstance(answer, Path):
        answer = answer.read_text(encoding="utf-8")
    assert isinstance(answer, str), "테스트 파일의 내용을 문자열로 넣으세요 (예: 답 = '''...''')."
    assert "def test" in answer, "pytest가 찾는 test_로 시작하는 테스트 함수가 없습니다."
    with ThreadPoolExecutor(len(VARIANTS)) as pool:
        runs = dict(zip(VARIANTS, pool.map(lambda tasks: _run(answer, tasks), VARIANTS.values()),
                        strict=True))
    right, *wrong = VARIANTS
    code, last = runs[right]
    assert code != 5, "pytest가 테스트를 하나도 찾지 못했습니다. 함수 이름이 test_로 시작하나요?"
    assert code == 0, f"맞는 tasks.py에서도 테스트가 실패합니다: {last[0] if last else ''}"
    for name in wrong:
        assert runs[name][0] != 0, (
            f"{name}에서도 테스트가 통과합니다. 테스트가 태스크를 진짜 워커(celery_worker)로 보내고, "
            "돌려받은 값을 확인하나요?")


def 연습_1(답):
    """답의 테스트를 맞는 tasks.py와 틀린 tasks.py 둘에서 돌려 봅니다."""
    judge("13", 1, 답, _test_file)


def _options():
    from ..tasks.testing import route, unique
    return {
        "ㄱ": (add, lambda t: t.delay((1,), (2,)).get(timeout=10)),
        "ㄴ": (route, lambda t: t.delay("서울", "대전").get(timeout=10)),
        "ㄷ": (unique, lambda t: t.delay([2, 2, 1]).get(timeout=10)),
        "ㄹ": (add, lambda t: t.delay(Fraction(1, 2), 1)),
        "ㅁ": (add, lambda t: t.delay("서울", "역").get(timeout=10)),
    }


def _outcome(call, task):
    try:
        value = call(task)
    except Exception as exc:
        return ("예외", type(exc).__name__)
    return ("값", type(value).__name__, repr(value))


def differing() -> set[str]:
    """보기마다 eager 모드의 복사본과 워커 w1의 결과를 견주어, 다른 보기의 글자."""
    lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
    found = set()
    for letter, (task, call) in _options().items():
        eager = testing.eager_copies(task)
        if _outcome(call, eager) != _outcome(call, task):
            found.add(letter)
    return found


def _letters(answer):
    assert isinstance(answer, (set, frozenset, list, tuple, str)), \
        '글자의 집합으로 넣으세요 (예: {"ㄱ", "ㅁ"}).'
    letters = {c for c in answer if not str(c).isspace() and c != ","}
    unknown = letters - set(_options())
    assert not unknown, f"보기에 없는 글자입니다: {sorted(unknown)}"
    truth = differing()
    missing, extra = truth - letters, letters - truth
    assert not extra, (f"{len(extra)}개는 두 쪽의 결과가 같습니다. Celery 5의 eager 모드는 delay()의 인자를 "
                       "JSON으로 바꿔 본다는 것을 떠올리세요.")
    assert not missing, (f"결과가 달라지는 것을 {len(missing)}개 더 골라야 합니다. eager 모드가 직렬화하지 "
                         "않는 것은 무엇인가요?")


def 연습_2(답):
    """보기를 모두 eager 모드와 실제 워커에서 실행해 보고, 달라지는 보기를 견줍니다."""
    judge("13", 2, 답, _letters)
