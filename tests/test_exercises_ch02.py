"""Chapter 02's checks: each solution passes, plausible wrong answers (literals, a task run in the
kernel, the wrong task) fail, and the placeholder only reminds. ``w1`` runs as in the notebook."""
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


def test_the_placeholder_does_not_raise(w1):
    for check in [ch02.연습_1, ch02.연습_2, ch02.연습_3]:
        check(...)


def test_exercise_1(w1):
    answer = mult.delay(6, 7)
    ch02.연습_1(answer)
    ch02.연습_1(answer)  # the same verdict twice
    for wrong in [42, mult(6, 7), mult.apply(args=(6, 7)), add.delay(40, 2), mult.delay(2, 21),
                  mult.s(6, 7)]:
        with pytest.raises(AssertionError):
            ch02.연습_1(wrong)


def test_exercise_2(w1):
    def 모두_끝났나(results):
        return all(r.ready() for r in results)
    ch02.연습_2(모두_끝났나)
    for wrong in [True, lambda rs: True,
                  lambda rs: all(r.successful() for r in rs),  # a failed task has finished too
                  lambda rs: all(r.state == "SUCCESS" for r in rs),
                  lambda rs: len([r.get(timeout=10, propagate=False) for r in rs]) >= 0]:  # waits
        with pytest.raises(AssertionError):
            ch02.연습_2(wrong)


def test_exercise_3(w1):
    answer = app.send_task("labtasks.tasks.basics.나눗셈", args=[6, 3])
    ch02.연습_3(answer)
    ch02.연습_3(answer)
    for wrong in ["FAILURE", add.delay(1, 2), add.delay("1", 2),
                  app.send_task("labtasks.tasks.basics.add", args=[1, 2])]:
        with pytest.raises(AssertionError):
            ch02.연습_3(wrong)
