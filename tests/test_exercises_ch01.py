"""Chapter 01's checks: each solution passes, a valid alternative form passes, plausible wrong
answers fail with a Korean hint, and the placeholder only reminds. Workers run as in the notebook."""
import pytest

from labtasks import app, lab
from labtasks.checks import ch01


@pytest.fixture(scope="module")
def w1():
    lab.up()
    lab.worker("w1")
    yield
    lab.down()


def test_the_placeholder_only_reminds(w1, capsys):
    assert ch01.연습_1(...) is None and ch01.연습_2(...) is None
    out = capsys.readouterr().out
    assert out.count("아직 답을 쓰지 않았습니다") == 2 and "`" not in out


def test_exercise_1(w1):
    ch01.연습_1("celery -A labtasks inspect active_queues")
    ch01.연습_1("celery -A labtasks inspect active_queues")  # the same verdict twice
    ch01.연습_1("celery --app labtasks inspect active_queues -d w1@" + lab.worker("w1").nodename.split("@")[1])
    for wrong in ["", "celery inspect active_queues --app=labtasks",  # Celery 4's option place
                  "celery -A labtasks inspect ping", "inspect active_queues",
                  "celery -A labtasks inspect active_queues -d nobody@nowhere",
                  "celery -A labtasks worker -n active_queues@%h -Q active_queues"]:  # never ends
        with pytest.raises(AssertionError, match=r"[가-힣]"):  # a Korean hint, never empty
            ch01.연습_1(wrong)


def test_exercise_2(w1):
    ch01.연습_2(["worker", "-n", "ex2@%h", "-Q", "ex2", "-P", "solo"])
    ch01.연습_2(["worker", "--hostname=ex2@%h", "--queues=ex2", "--pool=solo"])  # long options
    for wrong, hint in [([], "worker"),  # `전 = 후 = []` passed the old exercise 2
                        (["-n", "ex2@%h", "-Q", "ex2"], "worker"),
                        ("worker -n ex2@%h -Q ex2", "리스트"),
                        (["worker", "-n", "ex2@%h", "-P", "solo"], "-Q"),
                        (["worker", "-Q", "ex2", "-P", "solo"], "-n")]:
        with pytest.raises(AssertionError, match=hint):
            ch01.연습_2(wrong)
    # every worker a check started is gone: only w1 answers
    assert [name.split("@")[0] for reply in app.control.ping(timeout=1) for name in reply] == ["w1"]
