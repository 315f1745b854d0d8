"""Chapter 01's checks: each solution passes, plausible wrong answers (the issue's loopholes
included) fail with a hint, and the placeholder only reminds. Workers run as in the notebook."""
import pytest

from labtasks import app, lab
from labtasks.checks import ch01


@pytest.fixture(scope="module")
def w1():
    lab.up()
    lab.worker("w1")
    yield
    lab.down()


def test_the_placeholder_does_not_raise(w1):
    ch01.연습_1(...)
    ch01.연습_2(...)


def test_exercise_1(w1):
    ch01.연습_1("celery -A labtasks inspect active_queues")
    ch01.연습_1("celery -A labtasks inspect active_queues")  # the same verdict twice
    for wrong in ["", "celery inspect active_queues --app=labtasks",
                  "celery -A labtasks inspect ping", "inspect active_queues",
                  "celery -A labtasks inspect active_queues -d nobody@nowhere"]:
        with pytest.raises(AssertionError, match=r"[가-힣]"):  # a Korean hint, never empty
            ch01.연습_1(wrong)


def test_exercise_2(w1):
    ch01.연습_2(["worker", "-n", "ex2@%h", "-Q", "ex2", "-P", "solo"])
    for wrong, hint in [([], "worker"),  # `전 = 후 = []` passed the old exercise 2
                        (["-n", "ex2@%h", "-Q", "ex2"], "worker"),
                        ("worker -n ex2@%h -Q ex2", "리스트"),
                        (["worker", "-n", "ex2@%h", "-P", "solo"], "-Q"),
                        (["worker", "-Q", "ex2", "-P", "solo"], "-n")]:
        with pytest.raises(AssertionError, match=hint):
            ch01.연습_2(wrong)
    # every worker a check started is gone: only w1 answers
    assert [name.split("@")[0] for reply in app.control.ping(timeout=1) for name in reply] == ["w1"]
