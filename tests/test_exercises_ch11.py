"""Chapter 11's checks: each solution passes, a valid alternative form passes, plausible wrong
answers fail with a hint, the placeholder only reminds. 연습 1 is judged on a ``stepper`` moved one
step at a time (of a total the prompt does not give); 연습 2 from the monitor (did the task start,
how many steps did its task-progress events report) and the result backend (REVOKED)."""
import pytest

from labtasks.chapters.progress import Bar
from labtasks.checks import ch11
from labtasks.tasks import add
from labtasks.tasks.progress import crunch
from labtasks.waiting import wait_until


def test_placeholders_only_remind(lab_w1, capsys):
    assert ch11.연습_1(...) is None and ch11.연습_2(...) is None
    assert capsys.readouterr().out.count("아직 답을 쓰지 않았습니다") == 2


def fraction(result):
    if result.state == "PROGRESS":
        return result.info["current"] / result.info["total"]
    return 1.0 if result.successful() else 0.0


def by_info(result):
    """Another form: whatever dict carries current and total, else done or not."""
    info = result.info if isinstance(result.info, dict) else {}
    if "current" in info and "total" in info:
        return info["current"] / info["total"]
    return float(result.state == "SUCCESS")


def test_1_fraction_from_state_and_info(lab_w1):
    ch11.연습_1(fraction)
    ch11.연습_1(fraction)  # a fresh task each time: the same verdict
    ch11.연습_1(by_info)


@pytest.mark.parametrize("wrong", [
    lambda r: r.info["current"] / r.info["total"],                  # STARTED's info is pid/hostname
    lambda r: 1.0 if r.successful() else 0.0,                       # no progress in between
    lambda r: r.info["current"] / r.info["total"] if r.state == "PROGRESS" else 0.0,  # SUCCESS -> 0
    lambda r: (r.info or {}).get("current", 0),                     # steps, not a fraction
    lambda r: r.info["current"] / 5 if r.state == "PROGRESS" else float(r.successful()),  # total 5
    0.2,                                                            # a literal
], ids=["info-always", "done-or-not", "success-is-zero", "steps", "total-hard-coded", "literal"])
def test_1_wrong_answers_fail(lab_w1, wrong):
    with pytest.raises(AssertionError, match=r"[가-힣]"):
        ch11.연습_1(wrong)


def test_2_cancelled_after_it_started(lab_w1):
    r = crunch.delay(20, 0.1)
    Bar(r, title="t").wait_progress(2).cancel()
    ch11.연습_2(r)
    ch11.연습_2(r)
    r = crunch.apply_async((20, 0.1))
    Bar(r, title="t").wait_progress(3)
    r.revoke(terminate=True, signal="SIGKILL")  # revoke by hand instead of the bar's button
    ch11.연습_2(r)


def _not_terminated():
    r = crunch.delay(8, 0.05)
    Bar(r, title="t").wait_progress(2)
    r.revoke()  # without terminate=True: a lab_w1 task goes on
    return r


def _before_start():
    r = crunch.apply_async((20, 0.1), countdown=5)
    r.revoke()
    return r


def _at_started():
    """The issue's example: cancelled once it STARTED, before the two steps the prompt asks for."""
    r = crunch.delay(20, 0.3)
    wait_until(lambda: r.state == "STARTED", 10, "STARTED", interval=0.005)
    r.revoke(terminate=True)
    return r


def _finished():
    r = crunch.delay(3, 0.01)
    r.get(timeout=10)
    return r


@pytest.mark.parametrize("wrong", [
    _not_terminated, _before_start, _at_started, _finished,
    lambda: add.delay(1, 2),
    lambda: "REVOKED",
], ids=["no-terminate", "before-start", "at-started", "finished", "other-task", "literal"])
def test_2_wrong_answers_fail(lab_w1, wrong):
    with pytest.raises(AssertionError, match="단계만" if wrong is _at_started else r"[가-힣]"):
        ch11.연습_2(wrong())
