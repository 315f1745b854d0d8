"""Chapter 02's checks: each solution passes, valid alternative forms pass, plausible wrong answers
(literals, a task run in the kernel, the wrong task, the issue's ``len(rs) < 3``) fail with a hint,
never a TimeoutError or the task's own traceback; the placeholder only reminds."""
import time

import pytest

from labtasks import app, lab
from labtasks.checks import ch02
from labtasks.tasks import add, mult


@pytest.fixture(scope="module")
def w1():
    lab.up()
    lab.worker("w1", queues=["celery"], pool="prefork", concurrency=2)
    yield
    lab.down()


def test_the_placeholder_only_reminds(w1, capsys):
    for check in [ch02.연습_1, ch02.연습_2, ch02.연습_3]:
        assert check(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 3


def test_exercise_1(w1):
    answer = mult.delay(6, 7)
    ch02.연습_1(answer)
    ch02.연습_1(answer)  # the same verdict twice
    ch02.연습_1(mult.apply_async(kwargs={"x": 6, "y": 7}))  # keyword arguments
    ch02.연습_1(mult.s(6, 7).delay())


@pytest.mark.parametrize("wrong", [
    lambda: 42, lambda: mult(6, 7), lambda: mult.apply(args=(6, 7)),  # not through a worker
    lambda: add.delay(40, 2), lambda: mult.delay(2, 21), lambda: mult.delay(42, 1),  # 42 otherwise
    lambda: mult.s(6, 7),
    lambda: mult.delay("6", "7"),                             # fails on the worker: no traceback
    lambda: mult.apply_async((6, 7), queue="nobody-reads"),   # never runs: no TimeoutError
], ids=["literal", "called", "apply", "add", "2x21", "42x1", "signature", "fails", "unread"])
def test_exercise_1_wrong(w1, wrong, impatient):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch02.연습_1(wrong())


def 모두_끝났나(results):
    return all(r.ready() for r in results)


def test_exercise_2(w1):
    ch02.연습_2(모두_끝났나)
    ch02.연습_2(모두_끝났나)
    ch02.연습_2(lambda rs: all(r.state in ("SUCCESS", "FAILURE") for r in rs))  # another form


@pytest.mark.parametrize("wrong", [
    True, lambda rs: True,
    lambda rs: len(rs) < 3,                                    # the example
    lambda rs: rs[-1].ready(), lambda rs: rs[0].ready(),       # looks at one of them
    lambda rs: all(r.successful() for r in rs),                # a failed task has finished too
    lambda rs: all(r.state == "SUCCESS" for r in rs),
    lambda rs: [r.get(timeout=10, propagate=False) for r in rs] and True,  # waits
    lambda rs: all(r.get() for r in rs),                       # waits, and raises
    lambda rs: time.sleep(1.5) or all(r.ready() for r in rs),  # sleeps past the countdown, looks
], ids=["literal", "constant", "len-lt-3", "last", "first", "successful", "state-success",
        "waits", "get-raises", "sleeps-then-looks"])
def test_exercise_2_wrong(w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch02.연습_2(wrong)


def test_exercise_3(w1):
    answer = app.send_task("labtasks.tasks.basics.나눗셈", args=[6, 3])
    ch02.연습_3(answer)
    ch02.연습_3(answer)
    ch02.연습_3(app.signature("labtasks.tasks.없는것").apply_async())  # another way to name it


@pytest.mark.parametrize("wrong", [
    lambda: "FAILURE", lambda: add.delay(1, 2), lambda: add.delay("1", 2),
    lambda: app.send_task("labtasks.tasks.basics.add", args=[1, 2]),
    lambda: app.send_task("labtasks.tasks.basics.나눗셈", queue="nobody-reads"),  # never received
], ids=["literal", "known", "fails-otherwise", "known-by-name", "unread"])
def test_exercise_3_wrong(w1, wrong, impatient):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch02.연습_3(wrong())
